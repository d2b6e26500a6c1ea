"""``esorma learn``: JSON and files, the text table, errors before computing, resume, the tour."""

import json

import numpy as np

from esorma.cli import main

#: A cheap invocation (one setting, 8 runs of 150 steps; also the contract's case).
CHEAP = ["learn", "--tasks", "teacher", "--learning-rates", "0.3", "--runs", "8", "--steps",
         "150", "--windows", "2", "--window", "10", "--boot", "50"]


def test_json_result_file_and_figure_agree(tmp_path, capsys):
    from esorma.io import load_result, read_metadata
    from esorma.training.prediction import PredictionStudy

    h5, png = tmp_path / "l.h5", tmp_path / "l.png"
    assert main(CHEAP + ["--json", "--out", str(h5), "--figure", str(png), "--seed", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == {"out": str(h5), "figure": str(png)}
    assert out["window_times"] == [10, 20] and out["n_steps"] == 150
    (setting,) = out["settings"]
    assert setting["task"] == "teacher" and setting["n_runs"] == 8
    assert setting["n_used"] + setting["n_diverged"] == 8
    study = load_result(h5, PredictionStudy)
    np.testing.assert_array_equal(study.rho[0, study.feature_index("ftle_1")],
                                  np.array(setting["rho"]["ftle"], dtype=float))
    assert setting["r2"]["loss"] == study.r2[0, 0].tolist()
    meta = read_metadata(h5)
    assert meta["kind"] == "PredictionStudy" and meta["seed"] == 4
    assert meta["config"]["n_runs"] == 8
    assert png.stat().st_size > 10_000


def test_text_table_and_nothing_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(CHEAP) == 0
    text = capsys.readouterr().out
    assert "teacher tanh lr=0.3: 8 runs" in text and "diverged (excluded)" in text
    assert "rho ftle_1" in text and "R2 clv" in text and "best window per family" in text
    assert list(tmp_path.iterdir()) == []


def test_bad_flags_are_refused_before_computing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(CHEAP[:-6] + ["--window", "7"]) == 2
    assert "window must be even" in capsys.readouterr().err
    assert main(CHEAP + ["--activations", "swish"]) == 2
    assert "activations" in capsys.readouterr().err
    assert main(CHEAP + ["--checkpoint", "x.h5", "--out", "x.h5"]) == 2
    assert "--checkpoint and --out name the same file" in capsys.readouterr().err
    assert main(CHEAP + ["--checkpoint", "x.png"]) == 2
    assert "--checkpoint" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_checkpoint_is_resumed(tmp_path, capsys):
    ck = tmp_path / "runs.h5"
    assert main(CHEAP + ["--checkpoint", str(ck), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["n_computed"] == 1 and ck.exists()
    assert main(CHEAP + ["--checkpoint", str(ck), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["n_computed"] == 0
    assert second["settings"] == first["settings"]


def test_tour_section(tmp_path):
    from esorma.cli import learn
    from esorma.cli.tour import TourContext
    from esorma.io import load_result
    from esorma.training.prediction import PredictionStudy

    ctx = TourContext(outdir=tmp_path, seed=5, quiet=True, section="learn")
    learn.tour(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["learning_prediction.h5",
                                                          "learning_prediction.png"]
    study = load_result(tmp_path / "learning_prediction.h5", PredictionStudy)
    rec = ctx.summary["learn"]
    assert rec["settings"] == ["teacher tanh lr=0.5", "parity tanh lr=0.5"]
    assert rec["n_diverged"] == study.n_diverged.tolist()
    assert rec["window_times"] == study.window_times.tolist()
    assert len(rec["best_r2"]["ftle"]) == 2

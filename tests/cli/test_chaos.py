"""The ``esorma chaos`` command and its tour section."""

import json

import numpy as np
import pytest

from esorma.cli import main


def test_json_figure_and_result_file(tmp_path, capsys):
    from esorma.io import load_result, read_metadata
    from esorma.stability import ChaosStudy

    png, h5 = tmp_path / "c.png", tmp_path / "c.h5"
    # T = 200 after 50: long enough for the g = 0.5 exponent to be the origin's abscissa to
    # 0.01 whatever the seed (see tests/stability/test_chaos.py).
    code = main(["chaos", "--g", "0.5", "2.5", "--n", "150", "--t-max", "200", "--t-transient",
                 "50", "--figure", str(png), "--out", str(h5), "--json", "--seed", "3"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 150 and out["gains"] == [0.5, 2.5]
    assert out["files"] == {"out": str(h5), "figure": str(png)}
    lam = np.array(out["exponents"])
    # g = 0.5: the origin attracts, lambda_max = -1 + 0.5 max Re eig(J) (to 0.01).
    assert lam[0] == pytest.approx(out["origin_abscissa"][0], abs=0.01)
    assert lam[0] < 0 and out["states"][0] == "stable"
    assert png.stat().st_size > 10_000
    study = load_result(h5, ChaosStudy)
    np.testing.assert_array_equal(study.exponents, lam)
    assert study.states.tolist() == out["states"]
    assert study.sweep.origin_eigenvalues.shape == (150,)
    meta = read_metadata(h5)
    assert meta["kind"] == "ChaosStudy" and meta["seed"] == 3
    assert meta["config"]["n"] == 150 and meta["config"]["gains"] == [0.5, 2.5]


def test_text_and_json_tell_the_same_states(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["chaos", "--g", "0.5", "1.5", "2.5", "--n", "120", "--t-max", "60",
            "--t-transient", "10", "--seed", "1"]
    assert main(base) == 0
    text = capsys.readouterr().out
    assert main(base + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    from esorma.stability import classify_exponents

    assert data["states"] == classify_exponents(data["exponents"], data["stderr"]).tolist()
    assert data["n_chaotic"] == data["states"].count("chaotic")
    assert data["n_stable"] == data["states"].count("stable")
    assert data["n_marginal"] == data["states"].count("marginal")
    rows = [line.split() for line in text.splitlines()
            if line.split() and line.split()[-1] in ("stable", "marginal", "chaotic")]
    assert [r[-1] for r in rows] == data["states"]
    for state in ("chaotic", "marginal", "stable"):
        gains = [g for g, s in zip(data["gains"], data["states"]) if s == state]
        line = [ln for ln in text.splitlines() if ln.strip().startswith(f"{state}:")]
        assert (line == []) == (gains == [])
        if gains:
            assert line[0].split("g = ")[1] == ", ".join(f"{g:g}" for g in gains)
    assert list(tmp_path.iterdir()) == []  # nothing written without --out / --figure


def test_table_and_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["chaos", "--g", "0.5", "--n", "50", "--t-max", "10"])
    out = capsys.readouterr().out
    assert code == 0 and "lambda_max" in out and "stable" in out
    assert list(tmp_path.iterdir()) == []  # no default figure in the current folder
    assert main(["chaos", "--n", "1"]) == 2
    assert "--n must be >= 2" in capsys.readouterr().err
    assert main(["chaos", "--g", "-1", "--n", "20"]) == 2
    assert "gains must be" in capsys.readouterr().err
    assert main(["chaos", "--g", "1", "--n", "20", "--dt", "5"]) == 2
    assert "stiff" in capsys.readouterr().err
    assert main(["chaos", "--g", "1", "--n", "20", "--tau", "0.3"]) == 2
    assert "--ensemble elliptic" in capsys.readouterr().err
    assert main(["chaos", "--g", "1", "--n", "20", "--ensemble", "elliptic", "--tau", "-1"]) == 2
    assert "--tau must be > -1" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--no-figure"], ["--plot", "x.png"], ["--no-plot"]])
def test_old_output_flags_are_gone(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["chaos", "--n", "20", "--g", "0.5"] + flag)
    assert exc.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_elliptic_reports_its_critical_gain(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["chaos", "--g", "0.5", "--n", "30", "--t-max", "4", "--t-transient", "0", "--json"]
    assert main(base) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == {} and out["critical_gain"] == 1.0
    assert main(base + ["--ensemble", "elliptic", "--tau", "0.25"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["critical_gain"] == pytest.approx(0.8) and out["tau"] == 0.25
    assert list(tmp_path.iterdir()) == []


def test_bad_gain_before_header(capsys):
    assert main(["chaos", "--g", "0.5", "-1", "--n", "20"]) == 2
    cap = capsys.readouterr()
    assert "gains must be" in cap.err
    assert "lambda_max" not in cap.out  # refused before the table header


def test_tour_section(tmp_path):
    from esorma.cli import chaos
    from esorma.cli.tour import TourContext
    from esorma.io import load_result
    from esorma.stability import ChaosStudy

    ctx = TourContext(outdir=tmp_path, seed=5, quiet=True, section="chaos")
    chaos.tour(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chaos_transition.h5",
                                                          "chaos_transition.png"]
    study = load_result(tmp_path / "chaos_transition.h5", ChaosStudy)
    rec = ctx.summary["chaos"]
    assert len(rec["lambda_max"]) == len(rec["gains"]) == 6
    assert rec["lambda_max"][0] < -0.3  # g = 0.5: about g - 1 = -0.5
    # One classification: the summary's counts are the states of the saved result.
    assert rec["states"] == study.states.tolist()
    assert rec["n_chaotic"] == rec["states"].count("chaotic")
    assert rec["n_chaotic"] + rec["n_marginal"] + rec["n_stable"] == 6


def test_dt_reported_as_asked_and_as_used(tmp_path, capsys, monkeypatch):
    """--dt 50 is refused naming 50 (not the adjusted 1); a fitted dt is reported both ways."""
    monkeypatch.chdir(tmp_path)
    assert main(["chaos", "--g", "1", "--n", "20", "--dt", "50"]) == 2
    err = capsys.readouterr().err
    assert "got dt=50, used as a step of 1" in err and "stiff" in err
    base = ["chaos", "--g", "0.5", "--n", "20", "--t-max", "4", "--t-transient", "0",
            "--dt", "0.3"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "dt=0.3 (used: 0.25)" in out and "dt: asked 0.3, used 0.25" in out
    assert main(base + ["--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dt"] == 0.25 and summary["dt_requested"] == 0.3

"""``esorma phase-diagram``: a thin command over esorma.replica.phase_diagram, and its tour."""

import json

import numpy as np
import pytest

from esorma.cli import main
from esorma.io import load_result, read_metadata
from esorma.replica import PhaseDiagram


def test_json_writes_nothing(capsys, tmp_path, monkeypatch):
    # The old command wrote ./phase_diagram.png even with --json: now nothing is written.
    monkeypatch.chdir(tmp_path)
    assert main(["phase-diagram", "--json", "--n-points", "12"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == {} and list(tmp_path.iterdir()) == []
    assert f"{out['alpha_c']:.8f}" == "0.13790557"
    assert out["n_points"] == 12 and out["all_converged"] and out["reentrant"]
    assert 0.05 < out["alpha_first_order_T0"] < 0.053


def test_text_writes_nothing_by_default(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["phase-diagram", "--n-points", "8"]) == 0
    text = capsys.readouterr().out
    assert "0.1379055665" in text and "0.0518543309" in text and "wrote" not in text
    assert list(tmp_path.iterdir()) == []
    assert main(["phase-diagram", "--n-points", "8", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_out_is_the_result_and_figure_the_figure(tmp_path, capsys):
    h5, fig = tmp_path / "pd.h5", tmp_path / "pd.png"
    assert main(["phase-diagram", "--n-points", "12", "--out", str(h5),
                 "--figure", str(fig)]) == 0
    text = capsys.readouterr().out
    assert "0.1379055665" in text and f"wrote {h5} (out)" in text
    assert fig.stat().st_size > 10_000 and fig.read_bytes()[:4] == b"\x89PNG"
    pd = load_result(h5, PhaseDiagram)
    assert pd.alpha_M.shape == (12,)
    assert np.allclose(pd.T_g, 1 + np.sqrt(pd.alphas), atol=1e-8)
    meta = read_metadata(h5)
    assert meta["kind"] == "PhaseDiagram" and meta["config"] == {"n_points": 12}
    assert meta["seed"] is None  # deterministic: no seed
    # JSON and text agree with the file
    assert main(["phase-diagram", "--n-points", "12", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["alpha_c"] == pd.capacity.alpha_c
    assert out["alpha_M_max"] == pd.alpha_M_max


@pytest.mark.parametrize("flags", [["--h5", "x.h5"], ["--no-figure"], ["--seed", "3"]])
def test_removed_flags_are_refused(flags, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["phase-diagram", "--n-points", "8", *flags])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: esorma phase-diagram" in err and "unrecognized arguments" in err
    assert list(tmp_path.iterdir()) == []


def test_bad_input(capsys):
    assert main(["phase-diagram", "--n-points", "1"]) == 2
    err = capsys.readouterr().err
    assert "--n-points" in err and "usage: esorma phase-diagram" in err


def test_help_is_for_users(capsys):
    with pytest.raises(SystemExit):
        main(["phase-diagram", "--help"])
    text = capsys.readouterr().out
    assert "0.0518543" in text and "--figure" in text and "--h5" not in text
    assert "--seed" not in text


def test_tour_section(tmp_path):
    from esorma.cli import phase_diagram as cmd
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="phase-diagram")
    cmd.tour(ctx)
    rec = ctx.summary["phase-diagram"]
    assert rec["alpha_c"] == pytest.approx(0.1379055665, abs=1e-10)
    assert rec["sk_T0_entropy"] == pytest.approx(-1 / (2 * np.pi), abs=1e-12)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phase_diagram.h5",
                                                          "phase_diagram.png"]
    pd = load_result(tmp_path / "phase_diagram.h5", PhaseDiagram)  # the one layout
    assert pd.alpha_first_order == pytest.approx(rec["alpha_first_order"], abs=0)

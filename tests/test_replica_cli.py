"""The phase-diagram command, its tour section and the replica figures."""

import json

import numpy as np
import pytest

from esorma.cli import main


def test_phase_diagram_json(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["phase-diagram", "--json", "--n-points", "12", "--no-figure"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "figure" not in out and list(tmp_path.iterdir()) == []
    assert f"{out['alpha_c']:.8f}" == "0.13790557"
    assert out["n_points"] == 12 and out["all_converged"] and out["reentrant"]
    assert 0.05 < out["alpha_first_order_T0"] < 0.053


def test_phase_diagram_figure_and_h5(tmp_path, capsys):
    import h5py

    fig, h5 = tmp_path / "pd.png", tmp_path / "pd.h5"
    assert main(["phase-diagram", "--n-points", "12", "--out", str(fig), "--h5", str(h5)]) == 0
    text = capsys.readouterr().out
    assert "0.1379055665" in text
    assert fig.stat().st_size > 10_000
    with h5py.File(h5) as f:
        assert f["alpha_M"].shape == (12,)
        assert f.attrs["kind"] == "ags_phase_diagram"
        assert np.allclose(f["T_g"][:], 1 + np.sqrt(f["alphas"][:]), atol=1e-8)


def test_phase_diagram_draws_by_default(tmp_path, monkeypatch, capsys):
    # Without --out the figure goes to ./phase_diagram.png and the output says where.
    monkeypatch.chdir(tmp_path)
    assert main(["phase-diagram", "--n-points", "8"]) == 0
    png = tmp_path / "phase_diagram.png"
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert f"figure: {png.resolve()}" in capsys.readouterr().out
    png.unlink()
    assert main(["phase-diagram", "--n-points", "8", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["figure"] == str(png.resolve())
    assert png.exists()
    png.unlink()
    assert main(["phase-diagram", "--n-points", "8", "--no-figure"]) == 0
    assert "figure:" not in capsys.readouterr().out and not png.exists()
    with pytest.raises(SystemExit):  # --out and --no-figure contradict each other
        main(["phase-diagram", "--out", "x.png", "--no-figure"])
    assert "not allowed with" in capsys.readouterr().err


def test_phase_diagram_bad_input(capsys):
    assert main(["phase-diagram", "--n-points", "1"]) == 2
    assert "--n-points" in capsys.readouterr().err


def test_tour_section(tmp_path):
    from esorma.cli import phase_diagram as cmd
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="phase-diagram")
    cmd.tour(ctx)
    rec = ctx.summary["phase-diagram"]
    assert rec["alpha_c"] == pytest.approx(0.1379055665, abs=1e-10)
    assert rec["sk_T0_entropy"] == pytest.approx(-1 / (2 * np.pi), abs=1e-12)
    assert (tmp_path / "phase_diagram.png").exists() and (tmp_path / "phase_diagram.h5").exists()


def test_plot_functions_return_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting import replica as rp
    from esorma.replica import phase_diagram

    fig, axs = plt.subplots(1, 4)
    pd = phase_diagram(n_points=8)
    assert rp.plot_phase_diagram(pd, ax=axs[0]) is axs[0]
    assert len(axs[0].lines) >= 5 and axs[0].get_legend() is not None
    assert rp.plot_retrieval_overlap(np.linspace(0, 0.15, 10), (0.0, 0.3), ax=axs[1]) is axs[1]
    assert len(axs[1].get_lines()) >= 2
    assert rp.plot_sk(np.linspace(0, 1.5, 6), ax=axs[2]) is axs[2]
    assert rp.plot_gardner(ax=axs[3]) is axs[3]
    plt.close(fig)
    ax = rp.plot_gardner()
    assert ax.get_xlabel() == "load α = P/N"
    plt.close(ax.figure)

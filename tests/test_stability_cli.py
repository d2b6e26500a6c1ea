"""The ``esorma chaos`` command, its tour section, the plots and chaos_sweep."""

import json

import numpy as np
import pytest

from esorma.cli import main


def test_chaos_cli_json_plot_and_h5(tmp_path, capsys):
    import h5py

    png, h5 = tmp_path / "c.png", tmp_path / "c.h5"
    code = main(["chaos", "--g", "0.5", "2.5", "--n", "150", "--t-max", "40", "--t-transient",
                 "10", "--figure", str(png), "--out", str(h5), "--json", "--seed", "3"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 150 and out["gains"] == [0.5, 2.5]
    lam = np.array(out["exponents"])
    # g = 0.5: the origin attracts, lambda_max = -1 + 0.5 max Re eig(J) (to 0.01).
    assert lam[0] == pytest.approx(out["origin_abscissa"][0], abs=0.01)
    assert lam[0] < 0
    assert png.stat().st_size > 10_000
    with h5py.File(h5) as f:
        np.testing.assert_allclose(f["exponents"][()], lam)
        assert f.attrs["kind"] == "chaos_sweep"
        assert f["origin_eigenvalues"].shape == (150,)


def test_chaos_cli_table_and_errors(tmp_path, capsys):
    code = main(["chaos", "--g", "0.5", "--n", "50", "--t-max", "10", "--no-plot"])
    out = capsys.readouterr().out
    assert code == 0 and "lambda_max" in out and "stable" in out
    assert main(["chaos", "--n", "1", "--no-figure"]) == 2
    assert "--n must be >= 2" in capsys.readouterr().err
    assert main(["chaos", "--g", "-1", "--n", "20", "--no-figure"]) == 2
    assert "gains must be" in capsys.readouterr().err
    assert main(["chaos", "--g", "1", "--n", "20", "--dt", "5", "--no-figure"]) == 2
    assert "stiff" in capsys.readouterr().err


def test_tour_section(tmp_path):
    from esorma.cli import chaos
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=5, quiet=True, section="chaos")
    chaos.tour(ctx)
    assert (tmp_path / "chaos_transition.png").exists()
    assert (tmp_path / "chaos_transition.h5").exists()
    rec = ctx.summary["chaos"]
    assert len(rec["lambda_max"]) == len(rec["gains"]) == 6
    assert rec["lambda_max"][0] < -0.3  # g = 0.5: about g - 1 = -0.5


def test_plots_return_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.stability import (
        plot_jacobian_spectrum,
        plot_lyapunov_convergence,
        plot_lyapunov_vs_gain,
        plot_rate_trajectory,
    )
    from esorma.stability import map_lyapunov, max_lyapunov, simulate_rate

    J = np.random.default_rng(0).standard_normal((20, 20)) / np.sqrt(20)
    ax = plot_lyapunov_vs_gain([0.5, 1.5], [-0.5, 0.1], [0.01, 0.02], label="N=20")
    assert ax.get_xlabel() == "gain g" and ax.get_legend() is not None
    ax = plot_jacobian_spectrum(-1 + 1.5 * np.linalg.eigvals(J), gain=1.5)
    assert "unstable" in ax.get_title()
    res = max_lyapunov(J, gain=2.0, t_max=20, rng=0)
    ax = plot_lyapunov_convergence(res)
    assert ax.get_xlabel() == "time"
    m = map_lyapunov(lambda x: 4 * x * (1 - x), lambda x, V: (4 - 8 * x)[:, None] * V, [0.3], 50)
    assert plot_lyapunov_convergence(m).get_xlabel() == "steps"
    fig, axx = plt.subplots()
    assert plot_rate_trajectory(simulate_rate(J, np.ones(20), 5.0, gain=2.0), ax=axx) is axx
    plt.close("all")


def test_elliptic_theory_in_figure():
    """Issue #8 review: for elliptic J the origin loses stability at g = 1/(1+tau), and the
    Jacobian panel shows the ellipse with semi-axes g(1 +- tau) (not the circle of radius g)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli.chaos import _make_figure
    from esorma.plotting.stability import origin_critical_gain
    from esorma.spectra.ensembles import elliptic
    from esorma.stability import chaos_sweep

    tau = 0.5
    assert origin_critical_gain(0.0) == 1.0
    assert origin_critical_gain(tau) == pytest.approx(2.0 / 3.0)
    with pytest.raises(ValueError, match="tau must be"):
        origin_critical_gain(-1.0)
    J = elliptic(200, tau, rng=1)
    # Large-N law: max Re eig(J) ~ 1 + tau (finite-N edge fluctuations ~ 0.1 at N = 200).
    assert np.linalg.eigvals(J).real.max() == pytest.approx(1 + tau, abs=0.12)
    sweep = chaos_sweep(J, [0.4, 1.0], t_max=5, t_transient=0, rng=0)
    fig = _make_figure(sweep, "t", tau=tau)
    a1, a2 = fig.axes
    vlines = [ln for ln in a1.lines if ln.get_xdata()[0] == ln.get_xdata()[-1]
              and len(ln.get_xdata()) == 2]
    assert [float(v.get_xdata()[0]) for v in vlines] == [pytest.approx(2.0 / 3.0)]
    theory = [ln for ln in a1.lines if ln.get_linestyle() == "--"][0]
    gx, gy = np.asarray(theory.get_xdata()), np.asarray(theory.get_ydata())
    np.testing.assert_allclose(gy, gx * (1 + tau) - 1)
    assert gx.max() == pytest.approx(2.0 / 3.0)
    # Ellipse around -1 at g = 1: real semi-axis 1.5, imaginary semi-axis 0.5.
    curve = [ln for ln in a2.lines if len(ln.get_xdata()) > 100][0]
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    assert x.max() == pytest.approx(-1 + 1.5, abs=1e-3) and y.max() == pytest.approx(0.5, abs=1e-3)
    plt.close("all")


def test_chaos_cli_figure_options(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["chaos", "--g", "0.5", "--n", "30", "--t-max", "4", "--t-transient", "0"]
    # --json alone: no figure written (not even the default chaos.png).
    assert main(base + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == {} and not (tmp_path / "chaos.png").exists()
    assert out["critical_gain"] == 1.0
    # Table output: the default chaos.png is written and its path printed.
    assert main(base) == 0
    assert "wrote chaos.png" in capsys.readouterr().out
    assert (tmp_path / "chaos.png").exists()
    # --figure PATH (and the hidden old alias --plot); --no-figure skips.
    assert main(base + ["--json", "--figure", "a.png"]) == 0
    assert json.loads(capsys.readouterr().out)["files"]["figure"] == "a.png"
    assert main(base + ["--quiet", "--plot", "b.png"]) == 0
    assert (tmp_path / "a.png").exists() and (tmp_path / "b.png").exists()
    assert main(base + ["--quiet", "--no-figure", "--figure", "c.png"]) == 0
    assert not (tmp_path / "c.png").exists()
    capsys.readouterr()
    # Elliptic: the JSON reports g_c = 1/(1+tau).
    assert main(base + ["--json", "--ensemble", "elliptic", "--tau", "0.25"]) == 0
    assert json.loads(capsys.readouterr().out)["critical_gain"] == pytest.approx(0.8)


def test_chaos_cli_bad_gain_before_header(capsys):
    assert main(["chaos", "--g", "0.5", "-1", "--n", "20"]) == 2
    cap = capsys.readouterr()
    assert "gains must be" in cap.err
    assert "lambda_max" not in cap.out  # refused before the table header

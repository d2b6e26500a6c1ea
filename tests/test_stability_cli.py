"""The ``esorma chaos`` command, its tour section, the plots and chaos_sweep."""

import json

import numpy as np
import pytest

from esorma.cli import main


def test_chaos_cli_json_plot_and_h5(tmp_path, capsys):
    import h5py

    png, h5 = tmp_path / "c.png", tmp_path / "c.h5"
    code = main(["chaos", "--g", "0.5", "2.5", "--n", "150", "--t-max", "40", "--t-transient",
                 "10", "--plot", str(png), "--out", str(h5), "--json", "--seed", "3"])
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
    assert main(["chaos", "--n", "1", "--no-plot"]) == 2
    assert "--n must be >= 2" in capsys.readouterr().err
    assert main(["chaos", "--g", "-1", "--n", "20", "--no-plot"]) == 2
    assert "gains must be" in capsys.readouterr().err
    assert main(["chaos", "--g", "1", "--n", "20", "--dt", "5", "--no-plot"]) == 2
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

"""The chaos studies (esorma.stability.chaos), the one chaotic/stable/marginal rule, their
round trips and figures."""

import numpy as np
import pytest

from esorma.stability import (
    CHAOS_N_SIGMA,
    ChaosSizeStudy,
    ChaosStudy,
    ChaosSweep,
    chaos_size_study,
    chaos_study,
    chaos_sweep,
    classify_exponents,
    max_lyapunov,
    origin_critical_gain,
    zero_crossing,
)


def test_classification_is_three_standard_errors():
    assert CHAOS_N_SIGMA == 3.0
    lam = np.array([-0.5, -0.029, -0.031, 0.0, 0.029, 0.031, 0.2, 0.1])
    se = np.array([0.01, 0.01, 0.01, 0.0, 0.01, 0.01, np.nan, 0.0])
    states = classify_exponents(lam, se)
    assert states.dtype == np.dtype("<U8")
    assert states.tolist() == ["stable", "marginal", "stable", "marginal", "marginal",
                               "chaotic", "marginal", "chaotic"]
    # Another threshold on request; the shape is kept.
    assert classify_exponents([[0.02]], [[0.01]], n_sigma=1.0).tolist() == [["chaotic"]]
    with pytest.raises(ValueError, match="same shape"):
        classify_exponents([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="n_sigma must be >= 0"):
        classify_exponents([0.1], [0.1], n_sigma=-1)


def test_zero_crossing_and_critical_gain():
    assert zero_crossing([0.5, 1.0, 1.5], [-0.5, -0.1, 0.3]) == 1.125
    assert np.isnan(zero_crossing([0.5, 1.0], [-0.5, -0.1]))   # never positive
    assert np.isnan(zero_crossing([0.5, 1.0], [0.5, 0.1]))     # never negative
    with pytest.raises(ValueError, match="same length"):
        zero_crossing([0.5, 1.0], [0.1])
    assert origin_critical_gain(0.0) == 1.0
    assert origin_critical_gain(0.5) == pytest.approx(2.0 / 3.0)
    with pytest.raises(ValueError, match="tau must be"):
        origin_critical_gain(-1.0)


def test_chaos_sweep_states_follow_the_rule():
    J = np.random.default_rng(0).standard_normal((100, 100)) / 10
    sw = chaos_sweep(J, [0.5, 2.5], t_max=100, rng=0)
    assert isinstance(sw, ChaosSweep)
    np.testing.assert_array_equal(sw.states, classify_exponents(sw.exponents, sw.stderr))
    np.testing.assert_array_equal(sw.chaotic, sw.states == "chaotic")
    with pytest.raises(ValueError, match="gains must be"):
        chaos_sweep(J, [0.5, -1.0])


def test_chaos_study_low_gain_is_the_origin_abscissa():
    # N = 150, seed 3, T = 200 after 50: at g = 0.5 the origin attracts, so lambda_max is
    # -1 + 0.5 max Re eig(J) (to 0.01), and negative. (Measured over seeds 0-11: |error| <=
    # 0.007 at T = 200; at T = 40 it reaches 0.03, the finite-time error of the leading
    # complex pair, so a short run is not a test of this number.)
    study = chaos_study(150, [0.5, 2.5], t_max=200, t_transient=50, rng=3)
    assert isinstance(study, ChaosStudy)
    sw = study.sweep
    assert sw.n_neurons == study.n_neurons == 150 and sw.origin_eigenvalues.shape == (150,)
    assert sw.exponents[0] == pytest.approx(sw.origin_abscissa[0], abs=0.01)
    assert sw.exponents[0] < 0 and study.states[0] == "stable"
    np.testing.assert_array_equal(study.states, sw.states)
    assert study.critical_gain == 1.0 and study.ensemble == "ginibre" and study.tau == 0.0
    assert study.seed == 3 and sum(study.counts.values()) == 2
    s = study.summary()
    assert s["states"] == study.states.tolist()
    assert s["n_chaotic"] == int(np.sum(study.states == "chaotic"))
    assert s["n_chaotic"] + s["n_marginal"] + s["n_stable"] == 2
    # The couplings are ginibre(N, rng) drawn first from the seed.
    from esorma.spectra.ensembles import ginibre

    ev = np.linalg.eigvals(ginibre(150, rng=np.random.default_rng(3)))
    np.testing.assert_allclose(np.sort_complex(ev), np.sort_complex(sw.origin_eigenvalues))


def test_chaos_study_reproducible_and_seed_recorded():
    a = chaos_study(40, [0.7, 1.8], t_max=10, t_transient=2, rng=5)
    b = chaos_study(40, [0.7, 1.8], t_max=10, t_transient=2, rng=5)
    np.testing.assert_array_equal(a.exponents, b.exponents)
    c = chaos_study(40, [0.7], t_max=10, t_transient=2, rng=np.random.default_rng(5))
    assert c.seed is None


def test_elliptic_study_has_its_critical_gain():
    study = chaos_study(60, [0.5], ensemble="elliptic", tau=0.25, t_max=5, t_transient=0,
                        rng=1)
    assert study.critical_gain == pytest.approx(0.8) and study.tau == 0.25


def test_chaos_study_bad_input():
    with pytest.raises(ValueError, match="n_neurons must be >= 2"):
        chaos_study(1, [0.5])
    with pytest.raises(ValueError, match="gains must be"):
        chaos_study(20, [])
    with pytest.raises(ValueError, match="gains must be"):
        chaos_study(20, [0.5, np.nan])
    with pytest.raises(ValueError, match="ensemble must be one of"):
        chaos_study(20, [0.5], ensemble="goe")
    with pytest.raises(ValueError, match="ensemble='elliptic'"):
        chaos_study(20, [0.5], tau=0.3)
    with pytest.raises(ValueError, match="tau must be > -1"):
        chaos_study(20, [0.5], ensemble="elliptic", tau=-1.0)
    with pytest.raises(ValueError, match="t_max must be > 0"):
        chaos_study(20, [0.5], t_max=0)
    with pytest.raises(ValueError, match="stiff"):
        chaos_study(20, [1.0], dt=5.0)


def test_size_study_mean_error_states_and_crossing():
    gains = [0.5, 1.5, 2.5]
    res = chaos_size_study([30, 50], gains, n_matrices=2, t_max=20, t_transient=5,
                           convergence_gain=1.5, rng=7)
    assert isinstance(res, ChaosSizeStudy)
    assert res.mean.shape == res.error.shape == res.states.shape == (2, 3)
    assert len(res.studies) == 4 and res.exponents.shape == (2, 2, 3)
    np.testing.assert_allclose(res.mean, res.exponents.mean(axis=1))
    np.testing.assert_allclose(res.error, res.exponents.std(axis=1, ddof=1) / np.sqrt(2))
    np.testing.assert_array_equal(res.states, classify_exponents(res.mean, res.error))
    np.testing.assert_array_equal(res.crossing, [zero_crossing(gains, m) for m in res.mean])
    # Each study is reproducible on its own from its recorded seed.
    st = res.study(1, 1)
    assert st.n_neurons == 50
    again = chaos_study(50, gains, t_max=20, t_transient=5, rng=st.seed)
    np.testing.assert_array_equal(again.exponents, st.exponents)
    # The convergence record is max_lyapunov on the first matrix of the largest size.
    from esorma.spectra.ensembles import ginibre

    first = res.study(1, 0)
    conv = max_lyapunov(ginibre(50, rng=first.seed), gain=1.5, t_max=20, t_transient=5,
                        rng=first.seed)
    assert res.convergence.maximal == conv.maximal and res.convergence.n_neurons == 50
    # One matrix: the error is the time-average standard error of the single run.
    one = chaos_size_study([30], [0.5], t_max=10, t_transient=2, convergence_gain=None, rng=1)
    np.testing.assert_array_equal(one.error[0], one.studies[0].stderr)
    assert one.convergence is None
    with pytest.raises(ValueError, match="sizes must be >= 2"):
        chaos_size_study([1], [0.5])
    with pytest.raises(ValueError, match="n_matrices must be >= 1"):
        chaos_size_study([10], [0.5], n_matrices=0)


def test_results_round_trip(roundtrip):
    study = chaos_study(30, [0.5, 2.0], t_max=10, t_transient=2, rng=2)
    roundtrip(study.sweep)
    back = roundtrip(study)
    assert back.states.dtype == np.dtype("<U8") and back.summary() == study.summary()
    # All gains of one state: the file returns the narrowest string dtype, made <U8 again.
    stable = chaos_study(30, [0.3, 0.4], t_max=10, t_transient=2, rng=2)
    assert roundtrip(stable).states.tolist() == ["stable", "stable"]
    res = chaos_size_study([20, 30], [0.5, 2.0], t_max=10, t_transient=2, rng=3)
    back = roundtrip(res)
    assert isinstance(back.studies, tuple) and isinstance(back.studies[0], ChaosStudy)
    roundtrip(chaos_size_study([20], [0.5], t_max=5, t_transient=0, convergence_gain=None,
                               rng=3))


def test_chaos_figure_marks_the_states():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.stability import chaos_figure

    study = chaos_study(150, [0.5, 2.5], t_max=100, t_transient=10, rng=0)
    assert study.states.tolist() == ["stable", "chaotic"]
    fig = chaos_figure(study)
    a1, _a2 = fig.axes
    labels = [t.get_text() for t in a1.get_legend().get_texts()]
    assert any(lab.startswith("chaotic") for lab in labels)
    assert any(lab.startswith("stable") for lab in labels)
    assert not any(lab.startswith("marginal") for lab in labels)
    assert "1 chaotic, 0 marginal, 1 stable" in a1.get_title()
    plt.close("all")


def test_elliptic_theory_in_figure():
    """For elliptic J the origin loses stability at g = 1/(1+tau), and the Jacobian panel shows
    the ellipse with semi-axes g(1 +- tau) (not the circle of radius g)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.stability import chaos_figure

    tau = 0.5
    study = chaos_study(200, [0.4, 1.0], ensemble="elliptic", tau=tau, t_max=5, t_transient=0,
                        rng=1)
    # Large-N law: max Re eig(J) ~ 1 + tau (finite-N edge fluctuations ~ 0.1 at N = 200).
    assert study.sweep.origin_eigenvalues.real.max() == pytest.approx(1 + tau, abs=0.12)
    fig = chaos_figure(study)
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


def test_size_figure_panels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.stability import chaos_size_figure

    res = chaos_size_study([20, 30], [0.5, 2.0], t_max=10, t_transient=2, rng=3)
    assert len(chaos_size_figure(res).axes) == 3
    res = chaos_size_study([20], [0.5, 2.0], t_max=10, t_transient=2, convergence_gain=None,
                           rng=3)
    assert len(chaos_size_figure(res).axes) == 2
    plt.close("all")


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
    from esorma.stability import map_lyapunov, simulate_rate

    J = np.random.default_rng(0).standard_normal((20, 20)) / np.sqrt(20)
    ax = plot_lyapunov_vs_gain([0.5, 1.5], [-0.5, 0.1], [0.01, 0.02], label="N=20")
    assert ax.get_xlabel() == "gain g" and ax.get_legend() is not None
    with pytest.raises(ValueError, match="one entry per gain"):
        plot_lyapunov_vs_gain([0.5, 1.5], [-0.5, 0.1], states=["stable"])
    ax = plot_jacobian_spectrum(-1 + 1.5 * np.linalg.eigvals(J), gain=1.5)
    assert "unstable" in ax.get_title()
    res = max_lyapunov(J, gain=2.0, t_max=20, rng=0)
    ax = plot_lyapunov_convergence(res)
    assert ax.get_xlabel().startswith("time")
    m = map_lyapunov(lambda x: 4 * x * (1 - x), lambda x, V: (4 - 8 * x)[:, None] * V, [0.3], 50)
    assert plot_lyapunov_convergence(m).get_xlabel() == "steps"
    fig, axx = plt.subplots()
    assert plot_rate_trajectory(simulate_rate(J, np.ones(20), 5.0, gain=2.0), ax=axx) is axx
    plt.close("all")


def test_experiment_writes_the_study_and_its_figure(tmp_path, monkeypatch, capsys):
    # experiments/chaos_transition.py on a tiny setting: imports only the library, writes
    # the ChaosSizeStudy with save_result and the figure with save_figure.
    import importlib.util
    from pathlib import Path

    from esorma.io import load_result, read_metadata

    path = Path(__file__).resolve().parents[2] / "experiments" / "chaos_transition.py"
    assert "esorma.cli" not in path.read_text()
    spec = importlib.util.spec_from_file_location("chaos_transition_experiment", path)
    exp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exp)
    quick = exp.settings(True)
    assert quick["sizes"] == [200, 400] and len(quick["gains"]) == 8 and quick["t_max"] == 100
    monkeypatch.setattr(exp, "settings", lambda q: dict(sizes=[20, 30], gains=[0.5, 2.0],
                                                        n_matrices=2, t_max=10.0,
                                                        t_transient=2.0))
    assert exp.main(["--quick", "--out", str(tmp_path), "--seed", "4"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chaos_transition.h5",
                                                          "chaos_transition.png"]
    res = load_result(tmp_path / "chaos_transition.h5", ChaosSizeStudy)
    assert res.seed == 4 and res.n_matrices == 2 and res.sizes.tolist() == [20, 30]
    assert read_metadata(tmp_path / "chaos_transition.h5")["config"]["quick"] is True
    assert "zero crossing" in capsys.readouterr().out

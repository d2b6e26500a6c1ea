"""Capacity experiment: physics checks against the replica theory and the literature, summaries,
capacity estimates, bad input, CLI and figures.

Statistical checks use fixed seeds; every tolerance is stated next to its assertion.
"""

import json

import numpy as np
import pytest

from esorma.capacity import (
    CapacityConfig,
    CapacityEstimate,
    CapacityResults,
    capacity_sweep,
    estimate_capacity,
    extrapolate_capacity,
    load_capacity,
    point_memory_bytes,
    summarize,
)

RS_M_010 = 0.99799927  # AGS T = 0: m = erf(m / sqrt(2 α r)), r = (1 − C)^-2, at α = 0.10


# --------------------------------------------------------------------------- physics


def test_alpha_005_every_probe_retrieved_with_overlap_above_099():
    # N = 2000, P = 100: 3 networks x 20 probes, seed 5. RS theory: m(0.05) = 0.99999.
    cfg = CapacityConfig(n_neurons=[2000], alphas=[0.05], n_networks=3, n_probes=20)
    res = capacity_sweep(cfg, seed=5)
    m = res.points[(2000, 0.05, 0.0)].arrays["overlap"]
    assert m.shape == (3, 20)
    assert np.all(m > 0.99)
    s = res.summary()
    assert s.retrieved_fraction[0, 0, 0] == 1.0 and s.n_samples[0, 0, 0] == 60


def test_retrieved_fraction_crosses_half_between_013_and_016_at_large_n():
    # The check at N >= 2000, done at N = 4000 (P = 520 and 640), 3 networks x 20
    # probes, seed 3. Expected fractions ~1 and ~0.25 (the N = 4000 crossing is near 0.15), so
    # both sides are several binomial standard errors (<= 0.065) away from 1/2.
    cfg = CapacityConfig(n_neurons=[4000], alphas=[0.13, 0.16], n_networks=3, n_probes=20)
    s = capacity_sweep(cfg, seed=3).summary()
    frac = s.retrieved_fraction[0, :, 0]
    assert frac[0] > 0.5 > frac[1], frac
    assert frac[0] >= 0.9 and frac[1] <= 0.4, frac
    est = estimate_capacity(s)
    assert est.status == ("ok",) and 0.13 < est.alpha_c[0] < 0.16


def test_mean_overlap_at_alpha_010_matches_replica_symmetric_theory():
    # N = 2000, P = 200, 3 networks x 20 probes, seed 7. Finite-size tolerance 0.004: the
    # per-probe overlap fluctuates by ~0.002 (a few wrong bits out of 2000) and a rare
    # retrieval failure (fraction < 1% at this load) would pull the mean down by ~0.01.
    cfg = CapacityConfig(n_neurons=[2000], alphas=[0.10], n_networks=3, n_probes=20)
    s = capacity_sweep(cfg, seed=7).summary()
    mean = s.mean_overlap[0, 0, 0]
    assert abs(mean - RS_M_010) < 0.004, mean
    replica = pytest.importorskip("esorma.replica")
    m_rs = float(replica.retrieval_overlap([0.10], T=0.0)[0])
    assert abs(m_rs - RS_M_010) < 1e-6
    assert abs(mean - m_rs) < 0.004


def test_theory_helpers_use_the_replica_module():
    pytest.importorskip("esorma.replica")
    from esorma.capacity import theory_alpha_c, theory_overlap

    assert abs(theory_alpha_c() - 0.13790557) < 1e-6
    m = theory_overlap([0.05, 0.10, 0.2])
    assert abs(m[1] - RS_M_010) < 1e-6 and np.isnan(m[2])


def test_glauber_temperature_matches_rs_overlap_at_low_load():
    # N = 1000, α = 0.02 (P = 20), T = 0.5, 10 probes, 100 Glauber sweeps (average over the
    # last 50), seed 2. RS m(0.02, T=0.5) = 0.94; tolerance 0.02 (thermal fluctuations of a
    # 1000-spin overlap are ~0.01).
    pytest.importorskip("esorma.dynamics.stochastic")
    replica = pytest.importorskip("esorma.replica")
    cfg = CapacityConfig(n_neurons=[1000], alphas=[0.02], temperatures=[0.0, 0.5],
                         n_probes=10, max_sweeps=100)
    s = capacity_sweep(cfg, seed=2).summary()
    m_rs = float(replica.retrieval_overlap([0.02], T=0.5)[0])
    assert abs(s.mean_overlap[0, 0, 1] - m_rs) < 0.02, (s.mean_overlap[0, 0], m_rs)
    assert s.mean_overlap[0, 0, 0] > 0.999


def test_other_rules_and_corruption():
    # Pseudo-inverse: every pattern is a fixed point at α = 0.3 (P < N), while Hebb fails there.
    cfg = CapacityConfig(n_neurons=[300], alphas=[0.3], rule="pseudo_inverse", n_probes=10)
    s = capacity_sweep(cfg, seed=0).summary()
    assert s.fixed_point_fraction[0, 0, 0] == 1.0 and s.retrieved_fraction[0, 0, 0] == 1.0
    cfg = CapacityConfig(n_neurons=[300], alphas=[0.05], rule="storkey", n_probes=5)
    assert capacity_sweep(cfg, seed=0).summary().retrieved_fraction[0, 0, 0] == 1.0
    # Starting 10% away from the pattern at low load: initial overlap exactly 0.8, retrieved.
    cfg = CapacityConfig(n_neurons=[500], alphas=[0.04], corruption=0.1, n_probes=10)
    pt = capacity_sweep(cfg, seed=1).points[(500, 0.04, 0.0)]
    np.testing.assert_allclose(pt.arrays["initial_overlap"], 0.8)
    assert np.all(pt.arrays["overlap"] == 1.0) and np.all(pt.arrays["sweeps"] >= 1)
    np.testing.assert_allclose(pt.arrays["wrong_fraction"], (1 - pt.arrays["overlap"]) / 2)


def test_coupling_dtypes_give_identical_results():
    # int16, int32 and float64 Hebb couplings: same patterns, same dynamics, same overlaps.
    out = []
    for dt in ("int16", "int32", "float64"):
        cfg = CapacityConfig(n_neurons=[400], alphas=[0.12, 0.2], n_probes=8, coupling_dtype=dt)
        res = capacity_sweep(cfg, seed=3)
        out.append(np.concatenate([p.arrays["overlap"].ravel() for p in res.points.values()]))
    np.testing.assert_array_equal(out[0], out[1])
    np.testing.assert_array_equal(out[0], out[2])


# --------------------------------------------------------------------------- analysis


def _fake_results(fractions, n=1000, alphas=(0.1, 0.12, 0.14, 0.16)):
    from esorma.sweeps import StoredPoint

    cfg = CapacityConfig([n], list(alphas), n_probes=100)
    pts = {}
    for a, f in zip(alphas, fractions):
        k = int(round(100 * f))
        m = np.r_[np.ones(k), np.full(100 - k, 0.3)][None, :]
        arrays = {"overlap": m, "pattern_fixed_point": m > 0.5, "converged": m > 0,
                  "sweeps": np.zeros_like(m, int), "wrong_fraction": (1 - m) / 2}
        pts[(n, a, 0.0)] = StoredPoint("k", {}, arrays, {})
    return CapacityResults(cfg, 0, pts)


def test_summary_statistics_and_crossing():
    res = _fake_results([1.0, 0.8, 0.4, 0.0])
    s = summarize(res, threshold=0.9)
    np.testing.assert_allclose(s.retrieved_fraction[0, :, 0], [1.0, 0.8, 0.4, 0.0])
    np.testing.assert_allclose(s.mean_overlap[0, 1, 0], 0.8 + 0.2 * 0.3)
    assert s.histogram[0, 1, 0].sum() == 100
    # Wilson 1σ interval brackets the fraction and is inside [0, 1].
    assert np.all(s.retrieved_low <= s.retrieved_fraction)
    assert np.all(s.retrieved_fraction <= s.retrieved_high)
    assert s.retrieved_low[0, 0, 0] < 1.0 and s.retrieved_high[0, 3, 0] > 0.0
    est = estimate_capacity(s)
    # Linear interpolation between (0.12, 0.8) and (0.14, 0.4): 0.12 + 0.02 * 0.3/0.4 = 0.135.
    assert est.alpha_c[0] == pytest.approx(0.135)
    assert est.alpha_c_low[0] < 0.135 < est.alpha_c_high[0]
    assert estimate_capacity(summarize(_fake_results([0.4, 0.3, 0.2, 0.0]))).status == (
        "below grid",)
    assert estimate_capacity(summarize(_fake_results([1, 1, 1, 0.9]))).status == ("above grid",)
    with pytest.raises(ValueError, match="threshold"):
        summarize(res, threshold=0.0)


def test_extrapolation_recovers_an_exact_scaling_law():
    n = np.array([500, 1000, 2000, 4000])
    for expo in (0.5, 1.0):
        ac = 0.1379 + 0.6 * n ** (-expo)
        est = CapacityEstimate(n, ac, ac - 0.002, ac + 0.002, ("ok",) * 4)
        ex = extrapolate_capacity(est, exponent=expo)
        assert ex.alpha_inf == pytest.approx(0.1379, abs=1e-12)
        assert ex.slope == pytest.approx(0.6) and ex.chi2 < 1e-20
        assert ex.predict(1000) == pytest.approx(ac[1])
    bad = CapacityEstimate(n[:2], np.array([0.15, np.nan]), np.full(2, np.nan),
                           np.full(2, np.nan), ("ok", "above grid"))
    with pytest.raises(ValueError, match=">= 2 network sizes"):
        extrapolate_capacity(bad)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_neurons": [], "alphas": [0.1]}, ValueError, "n_neurons must be a non-empty"),
        ({"n_neurons": [100], "alphas": []}, ValueError, "alphas must be a non-empty"),
        ({"n_neurons": [100], "alphas": [0.1], "temperatures": []}, ValueError,
         "temperatures must be a non-empty"),
        ({"n_neurons": [100], "alphas": [0.0]}, ValueError, "alphas must be > 0.0"),
        ({"n_neurons": [100], "alphas": [-0.1]}, ValueError, "alphas must be > 0.0"),
        ({"n_neurons": [1], "alphas": [0.1]}, ValueError, "n_neurons must be >= 2"),
        ({"n_neurons": [100.5], "alphas": [0.1]}, TypeError, "n_neurons must be an integer"),
        ({"n_neurons": [100], "alphas": [0.001]}, ValueError, "gives P = round"),
        ({"n_neurons": [40000], "alphas": [0.9]}, ValueError, r"<= 32767 with int16"),
        ({"n_neurons": [100], "alphas": [0.1, 0.104]}, ValueError, "both give P=10"),
        ({"n_neurons": [100, 100], "alphas": [0.1]}, ValueError, "must not repeat"),
        ({"n_neurons": [100], "alphas": [0.1], "temperatures": [-1]}, ValueError,
         "temperatures must be >= 0"),
        ({"n_neurons": [100], "alphas": [0.1], "rule": "oja"}, ValueError, "rule must be one"),
        ({"n_neurons": [100], "alphas": [0.1], "rule": "storkey", "coupling_dtype": "int16"},
         ValueError, "must be 'float64' for rule='storkey'"),
        ({"n_neurons": [100], "alphas": [0.1], "n_probes": 0}, ValueError, "n_probes must be"),
        ({"n_neurons": [100], "alphas": [0.1], "corruption": 0.5}, ValueError, "corruption"),
        ({"n_neurons": [100], "alphas": [0.1], "mode": "glauber"}, ValueError, "mode must be"),
    ],
)
def test_bad_config(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        CapacityConfig(**kwargs)


def test_int32_allows_more_than_32767_patterns_in_the_config():
    cfg = CapacityConfig(n_neurons=[40000], alphas=[0.9], coupling_dtype="int32")
    assert cfg.points(0)[0].coords["P"] == 36000


def test_memory_refusal_with_estimate(tmp_path):
    cfg = CapacityConfig(n_neurons=[300_000], alphas=[0.05])
    assert point_memory_bytes(300_000, 15_000) > 5e11
    with pytest.raises(MemoryError, match=r"needs about .*GiB.*available"):
        capacity_sweep(cfg, seed=0, path=tmp_path / "big.h5")
    assert not (tmp_path / "big.h5").exists()


def test_bad_arguments_of_the_sweep(tmp_path):
    with pytest.raises(TypeError, match="CapacityConfig"):
        capacity_sweep({"n_neurons": [100]})
    cfg = CapacityConfig([100], [0.1], n_probes=2)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        capacity_sweep(cfg, seed=-1)
    other = tmp_path / "other.h5"
    from esorma.sweeps import _example_point, grid_points, run_sweep

    run_sweep(_example_point, grid_points({"x": [1]}, seed=0), path=other, kind="demo",
              config={}, seed=0, progress=False)
    with pytest.raises(ValueError, match="not a capacity results file"):
        load_capacity(other)


# --------------------------------------------------------------------------- CLI, figures, tour


def _cli(argv, capsys):
    from esorma.cli import main

    rc = main(argv)
    return rc, capsys.readouterr()


SMALL = ["capacity", "-N", "300", "600", "--alphas", "0.1:0.2:0.05", "--networks", "1",
         "--probes", "6", "--seed", "3"]


def test_cli_runs_resumes_and_refuses_other_config(tmp_path, capsys):
    out = tmp_path / "cap.h5"
    rc, cap = _cli(SMALL + ["--out", str(out), "--json"], capsys)
    assert rc == 0
    rep = json.loads(cap.out)
    assert rep["points_computed"] == 6 and rep["points_resumed"] == 0 and rep["complete"]
    assert (tmp_path / "cap.png").exists()
    assert set(rep["alpha_c"]["T=0"]) == {"300", "600"}
    rc, cap = _cli(SMALL + ["--out", str(out), "--json"], capsys)
    rep2 = json.loads(cap.out)
    assert rc == 0 and rep2["points_computed"] == 0 and rep2["points_resumed"] == 6
    assert rep2["alpha_c"] == rep["alpha_c"]
    res = load_capacity(out)
    assert res.complete and res.seed == 3 and res.config.n_probes == 6
    rc, cap = _cli(SMALL + ["--out", str(out), "--probes", "7"], capsys)
    assert rc == 2 and "Differing keys: n_probes: file=6, now=7" in cap.err


def test_cli_text_output_theory_and_errors(tmp_path, capsys):
    rc, cap = _cli(SMALL + ["--out", str(tmp_path / "c.h5"), "--quiet"], capsys)
    assert rc == 0 and "alpha_c(N)" in cap.out and "replica symmetric" in cap.out
    assert cap.err == ""  # --quiet: no progress bar
    pytest.importorskip("esorma.replica")
    rc, cap = _cli(["capacity", "--theory", "--json"], capsys)
    assert rc == 0 and abs(json.loads(cap.out)["alpha_c"] - 0.13790557) < 1e-6
    rc, cap = _cli(["capacity", "--theory"], capsys)
    assert "alpha_c = 0.1379" in cap.out
    rc, cap = _cli(["capacity", "-N", "1", "--out", str(tmp_path / "x.h5")], capsys)
    assert rc == 2 and "n_neurons must be >= 2" in cap.err
    rc, cap = _cli(["capacity", "--alphas", "0.1:0.05:0.01", "--out", str(tmp_path / "x.h5")],
                   capsys)
    assert rc == 2 and "STOP >= START" in cap.err
    rc, cap = _cli(SMALL + ["--out", str(tmp_path / "d.h5"), "--scheduler",
                            "tcp://127.0.0.1:9", "--timeout", "1"], capsys)
    assert rc == 2 and "could not reach the Dask scheduler" in cap.err
    assert not (tmp_path / "d.h5").exists()


def test_parse_alphas():
    from esorma.cli.capacity import parse_alphas

    assert parse_alphas(["0.05:0.20:0.01"]) == [round(0.05 + 0.01 * i, 10) for i in range(16)]
    with pytest.raises(ValueError, match="START:STOP:STEP"):
        parse_alphas(["0.1:0.2"])
    with pytest.raises(ValueError, match="step must be > 0"):
        parse_alphas(["0.1:0.2:0"])


def test_tour_section_quick_run(tmp_path):
    # `esorma capacity --quick` (N = 500, 1000, 2000) is the tour section: < 1 min.
    from esorma.cli import capacity as cmd
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=2026, quiet=True, section="capacity")
    cmd.tour(ctx)
    assert (tmp_path / "capacity.h5").exists() and (tmp_path / "capacity.png").exists()
    rec = ctx.summary["capacity"]
    assert rec["n_points"] == 48
    # With 2 networks x 20 probes the N = 2000 crossing lies in the window.
    assert 0.13 < rec["alpha_c_N2000"] < 0.165
    assert rec["alpha_c_N500"] > rec["alpha_c_N2000"]  # finite-size shift downwards with N
    res = load_capacity(tmp_path / "capacity.h5")
    assert res.complete and res.seconds == 0.0


def test_plot_functions_label_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.capacity import (
        capacity_figure,
        plot_capacity_scaling,
        plot_retrieval_map,
    )

    s = summarize(_fake_results([1.0, 0.8, 0.4, 0.0]))
    est = estimate_capacity(s)
    fig = capacity_figure(s, est)
    assert [a.get_xlabel() for a in fig.axes[:2]] == ["load α = P / N"] * 2
    plt.close(fig)
    n = np.array([500, 1000, 2000])
    e3 = CapacityEstimate(n, np.array([0.17, 0.16, 0.155]), np.array([0.16, 0.155, 0.15]),
                          np.array([0.18, 0.165, 0.16]), ("ok",) * 3)
    ax = plot_capacity_scaling(e3, extrapolate_capacity(e3))
    assert ax.get_xlabel() == "scaling variable 1/√N"
    assert "α_∞" in ax.get_legend_handles_labels()[1][0]
    plt.close(ax.figure)
    ax = plot_retrieval_map(s, theory=False)
    assert ax.get_ylabel() == "temperature T"
    plt.close(ax.figure)


# --------------------------------------------------------------------------- review fixes


def test_alpha_c_error_is_at_least_the_grid_resolution():
    # Fractions [1, 1, 0, 0] at α = 0.13 … 0.16 (step 0.01): the Wilson bounds all cross in
    # the same interval (σ ~ 1e-4), but the crossing is only known to step/√12 = 0.00289.
    s = summarize(_fake_results([1.0, 1.0, 0.0, 0.0], alphas=(0.13, 0.14, 0.15, 0.16)))
    est = estimate_capacity(s)
    assert est.alpha_c[0] == pytest.approx(0.145)
    assert est.grid_step[0] == pytest.approx(0.01)
    assert est.sigma_stat[0] < 1e-3  # what the old error bar reported
    assert est.sigma[0] >= 0.01 / np.sqrt(12) - 1e-12
    assert est.sigma[0] == pytest.approx(np.hypot(est.sigma_stat[0], 0.01 / np.sqrt(12)))
    # Sizes with grid-limited errors get honest weights and a systematic error from the other
    # scaling law (difference of the N^-1/2 and 1/N extrapolations).
    n = np.array([1000, 2000, 4000])
    ac = np.array([0.165, 0.156, 0.151])
    est3 = CapacityEstimate(n, ac, ac - 1e-4, ac + 1e-4, ("ok",) * 3, grid_step=np.full(3, 0.01))
    np.testing.assert_allclose(est3.sigma, np.hypot(1e-4, 0.01 / np.sqrt(12)))
    ex = extrapolate_capacity(est3)
    np.testing.assert_allclose(ex.sigma, est3.sigma)
    alt = extrapolate_capacity(est3, exponent=1.0)
    assert ex.alt_exponent == 1.0 and alt.alt_exponent == 0.5
    assert ex.alpha_inf_alt == pytest.approx(alt.alpha_inf)
    assert ex.systematic_err == pytest.approx(abs(ex.alpha_inf - alt.alpha_inf))
    assert ex.systematic_err > 0.005  # the two laws really disagree here
    # Statistical error from grid-limited σ (~0.003 per size) is far above the old ~1e-4.
    assert ex.alpha_inf_err > 0.005


def _thermal_results(overlaps, n=2000, alpha=0.002, temperature=0.7):
    from esorma.sweeps import StoredPoint

    cfg = CapacityConfig([n], [alpha], temperatures=[temperature], n_probes=len(overlaps))
    m = np.asarray(overlaps, dtype=float)[None, :]
    arrays = {"overlap": m, "pattern_fixed_point": np.ones_like(m, bool),
              "wrong_fraction": (1 - m) / 2}
    return CapacityResults(cfg, 0, {(n, alpha, temperature): StoredPoint("k", {}, arrays, {})})


def test_retrieval_at_finite_temperature_is_relative_to_the_rs_overlap():
    # N = 2000, α = 0.002, T = 0.7: inside the AGS retrieval phase (T_M(0.002) ≈ 0.91), where
    # the thermal overlap m_RS ≈ 0.82 < 0.9. Simulated mean 0.826 must count as retrieved;
    # an overlap of 0.1 (paramagnet-like) must not.
    replica = pytest.importorskip("esorma.replica")
    m_rs = float(replica.retrieval_overlap([0.002], T=0.7)[0])
    assert 0.78 < m_rs < 0.86
    s = summarize(_thermal_results([0.826, 0.81, 0.84, 0.1]))
    assert s.retrieval_threshold[0, 0, 0] == pytest.approx(0.5 * m_rs)
    assert s.retrieved_fraction[0, 0, 0] == pytest.approx(0.75)
    # At T = 0 the absolute threshold is unchanged.
    s0 = summarize(_fake_results([1.0, 0.8, 0.4, 0.0]), threshold=0.9)
    assert np.all(s0.retrieval_threshold == 0.9)
    # Beyond T_M (no retrieval solution): the threshold falls back to relative_threshold.
    from esorma.capacity import retrieval_thresholds

    assert retrieval_thresholds([0.2], 0.5).tolist() == [0.5]
    with pytest.raises(ValueError, match="relative_threshold"):
        summarize(_thermal_results([0.8]), relative_threshold=1.0)
    # No convergence diagnostics at T > 0: NaN, not a made-up fraction.
    assert np.isnan(s.converged_fraction[0, 0, 0]) and np.isnan(s.mean_sweeps[0, 0, 0])


def test_glauber_points_store_no_invented_convergence_diagnostics():
    # N = 200, α = 0.05, T = 0 and 0.3, 4 probes, 10 sweeps, seed 0: at T > 0 the point has
    # no `converged`/`sweeps` datasets and the summary reports NaN for them.
    pytest.importorskip("esorma.dynamics.stochastic")
    cfg = CapacityConfig([200], [0.05], temperatures=[0.0, 0.3], n_probes=4, max_sweeps=10)
    res = capacity_sweep(cfg, seed=0)
    hot = res.points[(200, 0.05, 0.3)].arrays
    cold = res.points[(200, 0.05, 0.0)].arrays
    assert "converged" not in hot and "sweeps" not in hot
    assert "converged" in cold and cold["sweeps"].shape == (1, 4)
    s = res.summary()
    assert s.converged_fraction[0, 0, 0] == 1.0 and np.isnan(s.converged_fraction[0, 0, 1])
    assert np.isnan(s.mean_sweeps[0, 0, 1])


def test_cli_validates_threshold_and_exponent_before_computing(tmp_path, capsys):
    for opt, val, match in (("--threshold", "1.5", "--threshold must be"),
                            ("--exponent", "0", "--exponent must be")):
        out = tmp_path / f"v{opt[2:]}.h5"
        rc, cap = _cli(SMALL + ["--out", str(out), "--quiet", opt, val], capsys)
        assert rc == 2 and match in cap.err, cap.err
        assert not out.exists()  # nothing was computed


def _experiment():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "experiments" / "capacity_curve.py"
    spec = importlib.util.spec_from_file_location("capacity_curve_experiment", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_experiment_bad_input_and_quick_file_name(tmp_path, capsys):
    exp = _experiment()

    def args(probes="3", networks="1", quick=True):
        return (["-N", "200", "--alphas", "0.05", "0.3", "--probes", probes, "--networks",
                 networks, "--quiet", "--out", str(tmp_path)] + (["--quick"] if quick else []))

    assert exp.main(args()) == 0
    assert (tmp_path / "capacity-quick.h5").exists() and not (tmp_path / "capacity.h5").exists()
    capsys.readouterr()
    # Same folder, other config under the quick file name: refused with a message, exit 2.
    assert exp.main(args(probes="4")) == 2
    err = capsys.readouterr().err
    assert "Differing keys" in err and "Traceback" not in err
    # An explicit 0 is refused, not silently replaced by the default.
    assert exp.main(args(networks="0", quick=False)) == 2
    assert "n_networks must be >= 1" in capsys.readouterr().err
    assert exp.main(args(probes="0", quick=False)) == 2
    assert "n_probes must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "capacity.h5").exists()

"""Analysis of capacity sweeps: summaries, Wilson bands, α_c(N) at the 1/2 crossing, its error
(never below the grid resolution), the finite-size extrapolation and retrieval at T > 0."""

import numpy as np
import pytest

from esorma.capacity import (
    CapacityConfig,
    CapacityEstimate,
    CapacityResults,
    estimate_capacity,
    extrapolate_capacity,
    summarize,
)


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


def _thermal_results(overlaps, n=2000, alpha=0.002, temperature=0.7):
    from esorma.sweeps import StoredPoint

    cfg = CapacityConfig([n], [alpha], temperatures=[temperature], n_probes=len(overlaps))
    m = np.asarray(overlaps, dtype=float)[None, :]
    arrays = {"overlap": m, "pattern_fixed_point": np.ones_like(m, bool),
              "wrong_fraction": (1 - m) / 2}
    return CapacityResults(cfg, 0, {(n, alpha, temperature): StoredPoint("k", {}, arrays, {})})


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


def test_retrieved_band_is_the_one_sigma_wilson_score_interval():
    # 80 of 100 probes retrieved, z = 1 (Wilson 1927): centre (p + z²/2n) / (1 + z²/n),
    # half-width z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n), written out here independently.
    s = summarize(_fake_results([1.0, 0.8, 0.4, 0.0]))
    p, n = 0.8, 100
    centre = (p + 1 / (2 * n)) / (1 + 1 / n)
    half = np.sqrt(p * (1 - p) / n + 1 / (4 * n * n)) / (1 + 1 / n)
    assert s.retrieved_low[0, 1, 0] == pytest.approx(centre - half, abs=1e-12)
    assert s.retrieved_high[0, 1, 0] == pytest.approx(centre + half, abs=1e-12)
    assert (s.retrieved_low[0, 1, 0], s.retrieved_high[0, 1, 0]) == pytest.approx(
        (0.757118, 0.836942), abs=1e-6)
    # All or none retrieved: the band reaches 1 (0) exactly.
    assert s.retrieved_high[0, 0, 0] == 1.0 and s.retrieved_low[0, 3, 0] == 0.0


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


def test_alpha_c_error_is_at_least_the_grid_resolution():
    # Fractions [1, 1, 0, 0] at α = 0.13 … 0.16 (step 0.01): the Wilson bounds all cross in
    # the same interval (σ ~ 1e-4), but the crossing is only known to step/√12 = 0.00289.
    s = summarize(_fake_results([1.0, 1.0, 0.0, 0.0], alphas=(0.13, 0.14, 0.15, 0.16)))
    est = estimate_capacity(s)
    assert est.alpha_c[0] == pytest.approx(0.145)
    assert est.grid_step[0] == pytest.approx(0.01)
    assert est.sigma_stat[0] < 1e-3  # the Wilson part alone
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
    # Statistical error from grid-limited σ (~0.003 per size) is far above the Wilson ~1e-4.
    assert ex.alpha_inf_err > 0.005


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


def test_summary_estimate_and_extrapolation_round_trip(roundtrip):
    s = summarize(_fake_results([1.0, 0.8, 0.4, 0.0]))
    back = roundtrip(s)
    assert back.rule == "hebb" and back.seed == 0
    est = roundtrip(estimate_capacity(s))
    assert est.status == ("ok",)  # a tuple again, not the list JSON gives back
    n = np.array([1000, 2000, 4000])
    ac = np.array([0.165, 0.156, 0.151])
    e3 = CapacityEstimate(n, ac, ac - 1e-4, ac + 1e-4, ("ok",) * 3, grid_step=np.full(3, 0.01))
    roundtrip(e3)
    roundtrip(extrapolate_capacity(e3))


def test_raw_results_round_trip_with_their_point_keys(roundtrip, tmp_path):
    from esorma.capacity import CapacityConfig, capacity_sweep

    cfg = CapacityConfig([60], [0.05, 0.1], n_networks=1, n_probes=2)
    res = capacity_sweep(cfg, seed=3, path=tmp_path / "sweep.h5")
    back = roundtrip(res)
    assert set(back.points) == set(res.points) and all(isinstance(k, tuple) for k in back.points)
    assert back.summary().alphas.tolist() == res.summary().alphas.tolist()

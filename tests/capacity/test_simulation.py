"""Capacity simulations against the replica theory and the literature: retrieval at low load,
the 1/2 crossing near α_c, m(α) at T = 0 and T > 0, other rules, corruption, coupling dtypes.

Statistical checks use fixed seeds; every tolerance is stated next to its assertion.
"""

import numpy as np
import pytest

from esorma.capacity import CapacityConfig, capacity_sweep, estimate_capacity

RS_M_010 = 0.99799927  # AGS T = 0: m = erf(m / sqrt(2 α r)), r = (1 − C)^-2, at α = 0.10


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

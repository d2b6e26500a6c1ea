"""Capacity sweeps of dense associative memories: theory, crossing, fits, resume."""

import numpy as np
import pytest

from esorma.dense import DenseCapacityConfig, dense_capacity_study, theory_capacity
from esorma.dense.capacity import exp_rate, gaussian_half_capacity


def test_theory_values():
    # Krotov & Hopfield: N^(n-1) / (2 (2n-3)!! ln N); n = 2 is N / (2 ln N)
    assert theory_capacity("poly2", [100])[0] == pytest.approx(100 / (2 * np.log(100)))
    assert theory_capacity("poly3", [100])[0] == pytest.approx(100**2 / (6 * np.log(100)))
    assert theory_capacity("poly4", [100])[0] == pytest.approx(100**3 / (30 * np.log(100)))
    assert exp_rate(0.0) == pytest.approx(np.log(2) / 2)
    # the finite-N Gaussian theory approaches the asymptotic law (ratio -> 1 slowly)
    r = gaussian_half_capacity("poly3", [100, 10000]) / theory_capacity("poly3", [100, 10000])
    assert 1 < r[1] < r[0]


def test_sweep_resumes_and_roundtrips(tmp_path, roundtrip):
    cfg = DenseCapacityConfig({"poly3": [30, 60], "exp": [10, 14]}, loads=[0.5, 2.0, 8.0],
                              n_networks=1, n_probes=6)
    path = tmp_path / "dense.h5"
    first = dense_capacity_study(cfg, seed=4, checkpoint=path)
    again = dense_capacity_study(cfg, seed=4, checkpoint=path)
    memory = dense_capacity_study(cfg, seed=4)
    assert first.n_computed == 12 and again.n_computed == 0 and again.n_skipped == 12
    np.testing.assert_array_equal(first.retrieved_fraction, again.retrieved_fraction)
    np.testing.assert_array_equal(first.retrieved_fraction, memory.retrieved_fraction)
    sel = first.point_model == "poly3"
    assert first.retrieved_fraction[sel][0] == 1.0 and first.retrieved_fraction[sel][-1] == 0.0
    roundtrip(first, seed=4)
    with pytest.raises(ValueError, match="seed"):
        dense_capacity_study(cfg, seed=5, checkpoint=path)


@pytest.mark.slow
def test_poly3_exponent_is_near_two():
    cfg = DenseCapacityConfig({"poly3": [40, 80, 160]},
                              loads=[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0], n_probes=20)
    rep = dense_capacity_study(cfg, seed=0)
    assert abs(rep.fit_log_exponent[0] - 2.0) < 3 * rep.fit_log_exponent_err[0] + 0.2


def test_exponential_theory_rates_and_nearest_pattern_capacity():
    from esorma.dense.capacity import nearest_pattern_capacity, typical_rate

    rho = 0.2
    h = -rho * np.log(rho) - (1 - rho) * np.log(1 - rho)
    assert typical_rate(rho) == pytest.approx(np.log(2) - h)  # I(1 - 2 rho) = ln 2 - H(rho)
    assert exp_rate(rho) == pytest.approx(typical_rate(rho) / 2)
    # N = 5, k = 1: q = (C(5,0) + C(5,1)/2) / 2^5, (1 - q)^(P-1) = 1/2
    q = (1 + 5 / 2) / 32
    assert nearest_pattern_capacity([5], rho)[0] == pytest.approx(1 + np.log(2) / -np.log1p(-q))
    # its slope in N tends to the typical rate (finite-N excess ~ 1/(2N) from the prefactor)
    ln = np.log(nearest_pattern_capacity([200, 400], rho))
    assert (ln[1] - ln[0]) / 200 == pytest.approx(typical_rate(rho), abs=0.005)


def test_finite_scale_centres_the_grid_and_keeps_old_configs_resumable(roundtrip):
    from esorma.dense.capacity import nearest_pattern_capacity

    old = DenseCapacityConfig({"exp": [20]}, loads=[1.0])
    assert "scale" not in old.to_dict()  # checkpoints written before the option still match
    cfg = DenseCapacityConfig({"exp": [20, 30]}, loads=[0.2, 0.5, 1.0], n_networks=1,
                              n_probes=8, corruption=0.2, scale="finite")
    assert cfg.p_values("exp", 20)[-1] == round(nearest_pattern_capacity([20], 0.2)[0])
    assert DenseCapacityConfig.from_dict(cfg.to_dict()) == cfg
    rep = dense_capacity_study(cfg, seed=3)
    assert rep.fit_theory[0] == pytest.approx(exp_rate(0.2))
    assert rep.fit_typical[0] == pytest.approx(2 * exp_rate(0.2))
    assert np.isfinite(rep.p_nearest).all() and np.isfinite(rep.fit_finite).all()
    back = roundtrip(rep, seed=3)
    np.testing.assert_array_equal(back.p_nearest, rep.p_nearest)
    with pytest.raises(ValueError, match="scale"):
        DenseCapacityConfig({"exp": [20]}, scale="asymptotic")


@pytest.mark.slow
def test_exp_rate_is_the_typical_pattern_rate_not_the_all_pattern_rate():
    # seed 0, N = 20..40, 2 x 40 probes per point, 20 % noise: the fitted rate of ln P_max
    # is within 3 sigma + 0.02 of I(1 - 2 rho) = 0.193 and more than 3 sigma above
    # Demircigil et al.'s all-pattern rate I(1 - 2 rho)/2 = 0.096
    cfg = DenseCapacityConfig({"exp": [20, 25, 30, 35, 40]},
                              loads=[0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.75, 1.0], n_networks=2,
                              n_probes=40, corruption=0.2, scale="finite")
    rep = dense_capacity_study(cfg, seed=0)
    a, s = rep.fit_exponent[0], rep.fit_exponent_err[0]
    assert abs(a - rep.fit_typical[0]) < 3 * s + 0.02
    assert a - rep.fit_theory[0] > 3 * s

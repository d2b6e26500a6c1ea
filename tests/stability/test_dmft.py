"""The N -> infinity maximal Lyapunov exponent of the SCS network from dynamic mean-field theory:
its limits, its shape, its self-consistency and a measured finite-N value."""

from __future__ import annotations

import numpy as np
import pytest

from esorma.stability import DMFTLyapunov, chaos_study, dmft_lyapunov


def test_below_onset_is_the_stable_origin():
    g = [0.3, 0.7, 1.0]
    res = dmft_lyapunov(g)
    np.testing.assert_array_equal(res.exponents, np.array(g) - 1.0)
    np.testing.assert_array_equal(res.delta0, 0.0)


def test_vanishes_quadratically_at_onset_and_is_positive_beyond():
    eps = np.array([1e-3, 1e-2, 3e-2])
    res = dmft_lyapunov(1.0 + eps)
    assert np.all(res.exponents > 0) and np.all(res.ground_energy < 0)
    # lambda_max -> 0 as (g - 1)^2 (SCS 1988), not linearly: the prefactor tends to 1/2 here
    ratio = res.exponents / eps**2
    np.testing.assert_allclose(ratio[:2], 0.5, rtol=0.04)
    # near onset Delta0 = (g^2 - 1) / (2 g^2) + O(eps^2) (expanding log cosh to 4th order)
    g = 1.0 + eps
    np.testing.assert_allclose(res.delta0[:2], (g[:2]**2 - 1) / (2 * g[:2]**2), rtol=0.03)


def test_increases_with_the_gain():
    g = np.linspace(1.05, 5.0, 12)
    lam = dmft_lyapunov(g).exponents
    assert np.all(np.diff(lam) > 0)
    assert 0.0 < lam[0] < 0.01 and lam[-1] < 1.0  # slower than the origin's g - 1


def test_delta0_solves_energy_conservation():
    # V(Delta0) = V(0): Delta0^2 = 2 g^2 Var[log cosh(sqrt(Delta0) z)], by an independent
    # quadrature (scipy.integrate.quad)
    from scipy.integrate import quad

    for g in (1.5, 3.0):
        d0 = float(dmft_lyapunov([g]).delta0[0])
        phi = lambda x: np.logaddexp(x, -x) - np.log(2.0)  # noqa: E731
        dens = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
        m1 = quad(lambda z: phi(np.sqrt(d0) * z) * dens(z), -np.inf, np.inf)[0]
        var = quad(lambda z: (phi(np.sqrt(d0) * z) - m1) ** 2 * dens(z), -np.inf, np.inf)[0]
        assert d0**2 == pytest.approx(2 * g * g * var, rel=1e-8)


def test_numerically_converged():
    coarse = dmft_lyapunov([1.5, 4.0]).exponents
    fine = dmft_lyapunov([1.5, 4.0], n_nodes=96, n_grid=8000).exponents
    np.testing.assert_allclose(coarse, fine, rtol=1e-6)


def test_matches_a_measured_network():
    # N = 1000, g = 2, seed 1, t = 400: measured 0.099 +- 0.008 (time-average stderr).
    # Finite N lowers lambda_max: over seeds 0-2 at N = 1000 the mean was 0.093, at N = 2000
    # (seed 0) 0.106, against the N -> inf 0.1125. Tolerance: 0.02 + 3 stderr.
    theory = float(dmft_lyapunov([2.0]).exponents[0])
    assert theory == pytest.approx(0.1125, abs=5e-4)
    study = chaos_study(1000, [2.0], t_max=400.0, t_transient=100.0, rng=1)
    lam, se = float(study.exponents[0]), float(study.stderr[0])
    assert abs(lam - theory) < 0.02 + 3 * se


def test_round_trips(roundtrip):
    res = dmft_lyapunov([0.5, 1.5])
    assert isinstance(res, DMFTLyapunov)
    roundtrip(res)


@pytest.mark.parametrize("bad", [[], [0.0], [-1.0], [np.nan], [11.0], "x"])
def test_rejects_bad_gains(bad):
    with pytest.raises(ValueError, match="gains"):
        dmft_lyapunov(bad)


def test_rejects_bad_resolution():
    with pytest.raises(ValueError, match="n_grid"):
        dmft_lyapunov([1.5], n_grid=10)

"""Perceptron references: Gardner's capacity (Gardner, J. Phys. A 21, 257 (1988):
α_c(0) = 2), the pseudo-inverse rule's stability and the Hebb rule's unstable bits, against
quad integrals and brute force."""

import math

import numpy as np
import pytest
from scipy import integrate

from esorma import replica


def test_gardner_capacity():
    assert replica.gardner_capacity(0.0) == 2.0
    for k in (-0.5, 0.3, 1.0, 2.5):
        integral, _ = integrate.quad(
            lambda t: (t + k) ** 2 * math.exp(-t * t / 2) / math.sqrt(2 * math.pi), -k, np.inf
        )
        assert replica.gardner_capacity(k) == pytest.approx(1 / integral, rel=1e-10)
    ks = np.linspace(-1, 3, 9)
    a = replica.gardner_capacity(ks)
    assert np.all(np.diff(a) < 0)
    res = replica.gardner_kappa(a)
    assert np.allclose(res.value, ks, atol=1e-10)
    assert res.converged and res.value.shape == (9,) and np.all(res.residual < 1e-12)
    with pytest.raises(ValueError, match="kappa"):
        replica.gardner_capacity(np.nan)
    with pytest.raises(ValueError, match="alpha"):
        replica.gardner_kappa(0.0)


def test_pseudo_inverse_stability_brute_force():
    # Brute force N = 400, P = 120 (α = 0.3), seed 7: measured stability ξ_i h_i / |J_i| is the
    # same for every bit up to O(1/√N) fluctuations of the diagonal; tolerance 3%.
    rng = np.random.default_rng(7)
    N, P = 400, 120
    xi = rng.choice([-1.0, 1.0], size=(P, N))
    Jm = xi.T @ np.linalg.solve(xi @ xi.T / N, xi) / N
    np.fill_diagonal(Jm, 0.0)
    h = xi @ Jm.T
    kappa = (xi * h) / np.linalg.norm(Jm, axis=1)[None, :]
    assert kappa.min() > 0  # every pattern bit is stable
    assert np.mean(kappa) == pytest.approx(replica.pseudo_inverse_stability(0.3), rel=0.03)
    assert replica.pseudo_inverse_stability(0.3) < replica.gardner_kappa(0.3).value
    assert replica.pseudo_inverse_capacity() == 1.0
    with pytest.raises(ValueError, match="alpha"):
        replica.pseudo_inverse_stability(1.0)


def test_hebb_unstable_fraction_brute_force():
    # N = 500, P = 250 (α = 0.5), seed 3: fraction of bits with ξ_i h_i < 0 for Hebb couplings;
    # 125k (weakly correlated) bits, tolerance 0.01 on Φ(-√2) = 0.0786.
    rng = np.random.default_rng(3)
    N, P = 500, 250
    xi = rng.choice([-1.0, 1.0], size=(P, N))
    Jm = xi.T @ xi / N
    np.fill_diagonal(Jm, 0.0)
    frac = np.mean(xi * (xi @ Jm) < 0)
    assert frac == pytest.approx(replica.hebb_unstable_fraction(0.5), abs=0.01)


def test_gardner_kappa_result_and_extreme_loads():
    res = replica.gardner_kappa(0.5)
    assert isinstance(res, replica.LineResult) and res.converged and res.residual < 1e-14
    assert replica.gardner_capacity(res.value) == pytest.approx(0.5, rel=1e-13)
    # κ_G → ∞ as α → 0 (α_c(κ) ≈ 1/κ² there) and → -∞ for large α; the brackets terminate
    small = replica.gardner_kappa(1e-8)
    assert small.converged and small.value == pytest.approx(1e4, rel=1e-6)
    big = replica.gardner_kappa(1e300)
    assert big.converged and big.value < -30

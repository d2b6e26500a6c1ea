"""SK replica-symmetric solution, AT line, Gaussian quadrature kernel and Gardner references."""

import math

import numpy as np
import pytest
from scipy import integrate

from esorma import replica
from esorma.replica._gauss import gaussian_moments, gaussian_moments_quad

# ----------------------------------------------------------------------------- quadrature

CASES = [
    (0.5, 0.3, 0.2),  # smooth (Hermite)
    (0.2, 0.05, 0.0999),  # just below the switch sigma = T/2
    (0.2, 0.05, 0.1001),  # just above it (split + Legendre)
    (0.01, 0.9, 0.3),  # low T, sharp kink
    (1e-3, 0.0, 0.5),  # kink at the centre
    (1e-4, 0.97, 0.36),  # AGS capacity region at very low T
    (0.8, 1.2, 0.01),  # narrow Gaussian far from the kink
    (0.05, -0.3, 2.0),
]


@pytest.mark.parametrize("T,mu,sigma", CASES)
def test_kernel_matches_quad_reference(T, mu, sigma):
    a = np.array(gaussian_moments(T, mu, sigma))
    b = np.array(gaussian_moments_quad(T, mu, sigma))
    assert np.allclose(a, b, rtol=1e-11, atol=1e-11)


def test_kernel_T0_limits_are_continuous():
    mu, sigma = 0.4, 0.7
    m0 = np.array(gaussian_moments(0.0, mu, sigma))
    m1 = np.array(gaussian_moments(1e-7, mu, sigma))
    assert np.allclose(m0, m1, atol=1e-6)
    # 1 - q = T c integrated directly: it is exactly O(T), not a rounding difference.
    mo = gaussian_moments(1e-9, mu, sigma)
    assert 1.0 - mo.q == pytest.approx(1e-9 * mo.c, rel=1e-6)
    # sigma = 0: deterministic field
    assert gaussian_moments(0.5, 0.3, 0.0).m1 == pytest.approx(math.tanh(0.6), abs=1e-15)


# ----------------------------------------------------------------------------- SK


@pytest.mark.parametrize("J", [0.5, 1.0, 2.0])
def test_sk_critical_temperature_is_J(J):
    eps = 1e-3
    below = replica.sk_solve(J * (1 - eps), 0.0, J)
    above = replica.sk_solve(J * (1 + eps), 0.0, J)
    assert above.q == 0.0
    assert below.q > 0
    # q ≈ τ = 1 - T/J just below T_c
    assert below.q == pytest.approx(eps, rel=5e-3)


def test_sk_paramagnet_values():
    T = 1.7
    s = replica.sk_solve(T)
    assert s.q == 0.0 and s.m == 0.0
    assert s.energy == pytest.approx(-1 / (2 * T), abs=1e-14)
    assert s.entropy == pytest.approx(math.log(2) - 1 / (4 * T * T), abs=1e-14)
    assert s.rs_stable


def test_sk_T0_energy_and_entropy():
    s0 = replica.sk_solve(0.0)
    assert s0.energy == pytest.approx(-math.sqrt(2 / math.pi), abs=1e-14)
    assert s0.entropy == pytest.approx(-1 / (2 * math.pi), abs=1e-14)
    assert not s0.rs_stable
    # the T -> 0 limit of the finite-T solution (energy O(T²), entropy O(T) corrections)
    for T, tol_u, tol_s in [(1e-3, 1e-5, 2e-3), (1e-4, 1e-7, 2e-4)]:
        s = replica.sk_solve(T)
        assert s.energy == pytest.approx(-math.sqrt(2 / math.pi), abs=tol_u)
        assert s.entropy == pytest.approx(-1 / (2 * math.pi), abs=tol_s)
        assert s.one_minus_q == pytest.approx(T * math.sqrt(2 / math.pi), rel=1e-2)


def test_sk_thermodynamic_identities():
    T, h, dT = 0.6, 0.4, 1e-4
    s = replica.sk_solve(T, h)
    assert s.converged
    assert s.free_energy == pytest.approx(s.energy - T * s.entropy, abs=1e-13)
    f = lambda t: replica.sk_solve(t, h).free_energy  # noqa: E731
    assert s.entropy == pytest.approx(-(f(T + dT) - f(T - dT)) / (2 * dT), abs=1e-7)
    # m = -df/dh
    fh = lambda hh: replica.sk_solve(T, hh).free_energy  # noqa: E731
    assert s.m == pytest.approx(-(fh(h + 1e-5) - fh(h - 1e-5)) / 2e-5, abs=1e-7)
    # odd in h
    sm = replica.sk_solve(T, -h)
    assert sm.m == pytest.approx(-s.m, abs=1e-15) and sm.q == pytest.approx(s.q, abs=1e-15)
    # the RS equation re-checked with scipy.quad
    ref = gaussian_moments_quad(T, h, math.sqrt(s.q))
    assert s.q == pytest.approx(ref.q, abs=1e-10)


def test_at_line_near_T1_follows_four_thirds_law():
    # h² ≈ (4/3)(1 - T)³: the ratio tends to 1 with O((1-T)) corrections.
    ratios = []
    for h in (1e-2, 1e-3, 1e-4):
        T = replica.at_line(h)
        ratios.append(h * h / ((4 / 3) * (1 - T) ** 3))
    assert abs(ratios[-1] - 1) < 5e-3
    assert abs(ratios[1] - 1) < 2e-2
    assert abs(ratios[2] - 1) < abs(ratios[1] - 1) < abs(ratios[0] - 1)
    # inverse function
    assert replica.at_field(replica.at_line(0.3)) == pytest.approx(0.3, abs=1e-10)


def test_at_line_is_the_replicon_zero_and_scales_with_J():
    h = 0.5
    T_at = replica.at_line(h)
    assert abs(replica.sk_solve(T_at, h).at_eigenvalue) < 1e-9
    assert replica.sk_solve(T_at * 1.01, h).rs_stable
    assert not replica.sk_solve(T_at * 0.99, h).rs_stable
    assert replica.at_line(2 * h, J=2.0) == pytest.approx(2 * T_at, rel=1e-10)
    # large h: T_AT ≈ (4/3) φ(h)
    assert replica.at_line(4.0) == pytest.approx(4 / 3 * math.exp(-8) / math.sqrt(2 * math.pi),
                                                 rel=1e-3)
    arr = replica.at_line([0.0, 0.5])
    assert arr.shape == (2,) and arr[0] == 1.0 and replica.T_AT is replica.at_line


def test_sk_bad_input():
    with pytest.raises(ValueError, match="T"):
        replica.sk_solve(-0.1)
    with pytest.raises(ValueError, match="J"):
        replica.sk_solve(0.5, J=0.0)
    with pytest.raises(ValueError, match="h"):
        replica.sk_solve(0.5, h=float("nan"))
    with pytest.raises(TypeError, match="T"):
        replica.sk_solve(None)
    with pytest.raises(ValueError, match="h"):
        replica.at_line(10.0)
    with pytest.raises(ValueError, match="T"):
        replica.at_field(1.2)


# ----------------------------------------------------------------------------- Gardner


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
    assert np.allclose(replica.gardner_kappa(a), ks, atol=1e-10)
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
    assert replica.pseudo_inverse_stability(0.3) < replica.gardner_kappa(0.3)
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

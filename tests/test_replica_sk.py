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
        T = replica.at_line(h).value
        ratios.append(h * h / ((4 / 3) * (1 - T) ** 3))
    assert abs(ratios[-1] - 1) < 5e-3
    assert abs(ratios[1] - 1) < 2e-2
    assert abs(ratios[2] - 1) < abs(ratios[1] - 1) < abs(ratios[0] - 1)
    # inverse function
    assert replica.at_field(replica.at_line(0.3).value).value == pytest.approx(0.3, abs=1e-10)


def test_at_line_is_the_replicon_zero_and_scales_with_J():
    h = 0.5
    res = replica.at_line(h)
    assert res.converged and res.residual < 1e-9
    T_at = res.value
    assert abs(replica.sk_solve(T_at, h).at_eigenvalue) < 1e-9
    assert replica.sk_solve(T_at * 1.01, h).rs_stable
    assert not replica.sk_solve(T_at * 0.99, h).rs_stable
    assert replica.at_line(2 * h, J=2.0).value == pytest.approx(2 * T_at, rel=1e-10)
    # large h: T_AT ≈ (4/3) φ(h)
    expected = 4 / 3 * math.exp(-8) / math.sqrt(2 * math.pi)
    assert replica.at_line(4.0).value == pytest.approx(expected, rel=1e-3)
    arr = replica.at_line([0.0, 0.5]).value
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
    with pytest.raises(ValueError, match="T"):
        replica.at_field(-1e-3)
    with pytest.raises(ValueError, match="finite"):
        replica.at_line([0.1, np.inf])
    with pytest.raises(TypeError, match="h"):
        replica.at_line("0.5")


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


# ----------------------------------------------------------------------------- AT domains


def test_at_field_domain_is_consistent_with_at_line():
    # T = 0: RS is unstable for every field (λ_AT = -inf), so h_AT(0) = inf (was 51.2).
    res = replica.at_field(0.0)
    assert res.value == math.inf and res.converged
    # at_line resolves |h| <= 7 J; its lowest temperature T_AT(7) = 1.218e-11 is where
    # at_field's domain starts (besides T = 0), and there h_AT = 7.
    t_min = replica.at_line(7.0).value
    assert 1.2e-11 < t_min < 1.23e-11
    assert replica.at_field(t_min).value == pytest.approx(7.0, abs=1e-6)
    for t in (1e-11, 1e-12, 0.5 * t_min):
        with pytest.raises(ValueError, match=r"T must be 0 .*T_AT\(7 J\)"):
            replica.at_field(t)
    with pytest.raises(ValueError, match=r"\|h\| <= 7"):
        replica.at_line(7.0 + 1e-9)
    # never above the cap, and a round trip h -> T_AT -> h over the whole domain
    Ts = np.concatenate([[0.0], np.geomspace(t_min, 0.99, 12)])
    hs = replica.at_field(Ts)
    assert hs.converged and hs.value.shape == (13,) and np.all(hs.value[1:] <= 7.0)
    assert np.all(np.diff(hs.value[1:]) < 0) and hs.value[0] == math.inf
    back = replica.at_line(hs.value[1:])
    assert np.allclose(back.value, Ts[1:], rtol=1e-8)
    # the domain scales with J
    assert replica.at_field(2 * t_min, J=2.0).value == pytest.approx(14.0, abs=1e-5)
    with pytest.raises(ValueError, match="T must be 0"):
        replica.at_field(t_min, J=2.0)


def test_at_results_are_frozen_dataclasses_that_warn(monkeypatch):
    import dataclasses

    from esorma.replica import sk as sk_mod

    res = replica.at_line(0.5)
    assert isinstance(res, replica.LineResult) and res.name == "T_AT(h)"
    assert isinstance(res.value, float) and float(res) == res.value and res.argument == 0.5
    assert "Brent" in res.method and res.converged_points.tolist() == [True]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.value = 0.0
    with pytest.raises(TypeError, match="use .value"):
        float(replica.at_line([0.1, 0.2]))
    # a root whose re-evaluated residual is too large is flagged and warned about
    monkeypatch.setattr(sk_mod, "_at_residual", lambda T, h, J: 1e-4)
    with pytest.warns(replica.ConvergenceWarning, match="T_AT"):
        bad = replica.at_line([0.0, 0.5])
    assert not bad.converged and bad.converged_points.tolist() == [True, False]
    with pytest.warns(replica.ConvergenceWarning, match="h_AT"):
        assert not replica.at_field(0.5).converged


def test_gardner_kappa_result_and_extreme_loads():
    res = replica.gardner_kappa(0.5)
    assert isinstance(res, replica.LineResult) and res.converged and res.residual < 1e-14
    assert replica.gardner_capacity(res.value) == pytest.approx(0.5, rel=1e-13)
    # κ_G → ∞ as α → 0 (α_c(κ) ≈ 1/κ² there) and → -∞ for large α; the brackets terminate
    small = replica.gardner_kappa(1e-8)
    assert small.converged and small.value == pytest.approx(1e4, rel=1e-6)
    big = replica.gardner_kappa(1e300)
    assert big.converged and big.value < -30

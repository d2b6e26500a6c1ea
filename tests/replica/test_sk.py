"""Sherrington-Kirkpatrick replica-symmetric solution and the de Almeida-Thouless line.

Published values: Sherrington & Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975): RS energy
-√(2/π) and entropy -1/(2π) at T = 0 (rows ``sk_rs_*`` of data/reference_values.csv);
de Almeida & Thouless, J. Phys. A 11, 983 (1978): h² ≈ (4/3)(1 - T/J)³ J² near T = J.
"""

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from esorma import replica
from esorma.replica._gauss import gaussian_moments_quad


def _quad_avg(f, mu, sigma):
    """``<<f(mu + sigma z)>>`` over a standard normal z with scipy.quad (no esorma code)."""
    val, _ = integrate.quad(lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
                            * f(mu + sigma * z), -13, 13, limit=400, epsabs=1e-15,
                            epsrel=1e-13)
    return val


def _replicon_quad(T, h, J=1.0):
    """AT (1978): λ = 1 - (βJ)² <<sech⁴ β(h + J√q z)>> at the RS q, all by quad + brentq."""
    b = 1.0 / T
    q = optimize.brentq(lambda q: q - _quad_avg(lambda u: math.tanh(b * u) ** 2, h,
                                                J * math.sqrt(q)), 1e-12, 1.0, xtol=1e-15)
    return 1.0 - (b * J) ** 2 * _quad_avg(lambda u: math.cosh(b * u) ** -4, h, J * math.sqrt(q))


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
    """SK (1975): the RS energy -√(2/π) and entropy -1/(2π) < 0 at T = 0."""
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
    # independent: the replicon eigenvalue re-derived with scipy.quad vanishes at T_AT ...
    assert abs(_replicon_quad(T_at, h)) < 1e-9
    # ... and changes sign across it (the test can fail)
    assert _replicon_quad(T_at * 1.01, h) > 1e-4 and _replicon_quad(T_at * 0.99, h) < -1e-4
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

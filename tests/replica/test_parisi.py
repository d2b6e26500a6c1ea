"""Parisi's full-RSB and k-step RSB solutions of the SK model (esorma.replica.parisi)."""

import math

import numpy as np
import pytest

from esorma.replica import (
    PARISI_GROUND_ENERGY,
    ParisiSolution,
    SKRSBSolution,
    parisi_solve,
    sk_krsb,
    sk_solve,
)

RS_U0 = -math.sqrt(2.0 / math.pi)


@pytest.fixture(scope="module")
def ground8():
    """T = 0 Parisi solution on 8 levels (~2-4 s; shared by the tests below)."""
    return parisi_solve(0.0, n_levels=8, dy=0.04)


@pytest.fixture(scope="module")
def krsb_t0():
    return [sk_krsb(1, 0.0), sk_krsb(2, 0.0)]


def test_ground_state_energy_matches_parisi_to_4_digits(ground8):
    # Crisanti & Rizzo, PRE 65, 046137 (2002): u0 = -0.76317 (Oppermann et al. 2007:
    # -0.76316600); 8 levels are within 2e-5 (the error falls like n^-3: 24 levels, 1.1e-6).
    assert ground8.energy == pytest.approx(PARISI_GROUND_ENERGY, abs=3e-5)
    assert ground8.energy == ground8.free_energy and ground8.entropy == 0.0
    assert ground8.converged and ground8.monotone
    # the order function beta*x(q) is non-decreasing, positive, and diverges towards q = 1
    assert ground8.gamma[0] > 0 and ground8.gamma[-1] > 5 * ground8.gamma[len(ground8.gamma) // 2]
    assert ground8.q_min == 0.0 and ground8.q_max == 1.0
    assert ground8.magnetization == pytest.approx(0.0, abs=1e-10)


def test_energies_rise_from_rs_through_krsb_to_parisi(ground8, krsb_t0):
    """Guerra's bound: each ansatz contains the previous one, so u_RS < u_1 < u_2 < u_Parisi."""
    u1, u2 = (s.energy for s in krsb_t0)
    # 1RSB: -0.7652 (Parisi 1979, q0 = 0.477, beta*x = 1.36); 2RSB: -0.7636
    assert u1 == pytest.approx(-0.76526, abs=2e-5)
    assert krsb_t0[0].q[0] == pytest.approx(0.477, abs=0.01)
    assert krsb_t0[0].mu[0] == pytest.approx(1.36, abs=0.02)
    assert u2 == pytest.approx(-0.76361, abs=3e-5)
    assert RS_U0 < u1 < u2 < ground8.energy < -0.7631
    assert all(s.converged for s in krsb_t0)


def test_field_grid_does_not_change_the_energy(ground8):
    finer = parisi_solve(0.0, n_levels=8, dy=0.03)
    assert finer.energy == pytest.approx(ground8.energy, abs=1e-9)


def test_paramagnet_above_tc_is_exact():
    sol = parisi_solve(1.3)
    assert sol.free_energy == pytest.approx(-1.3 * math.log(2) - 1 / (4 * 1.3), abs=1e-15)
    assert sol.q_max == 0.0 and sol.converged


def test_low_temperature_entropy_vanishes_where_rs_is_negative():
    T = 0.1
    sol = parisi_solve(T, n_levels=6)
    rs = sk_solve(T)
    assert rs.entropy < -0.1  # RS: s(T = 0) = -1/(2 pi)
    assert 0.0 <= sol.entropy < 0.012  # Parisi: s -> 0 as T -> 0 (0.0071 here)
    assert sol.free_energy >= rs.free_energy  # Guerra: f_Parisi >= f_RS
    assert sol.energy == pytest.approx(sol.free_energy + T * sol.entropy, abs=1e-12)
    assert sol.energy > PARISI_GROUND_ENERGY  # u rises with T


@pytest.fixture(scope="module")
def near_tc():
    """h = 0 solutions at tau = 1 - T = 0.05, 0.1, 0.15 (8 levels, ~0.3 s each)."""
    return {tau: parisi_solve(1.0 - tau, n_levels=8) for tau in (0.05, 0.1, 0.15)}


def test_order_function_near_tc_follows_the_expansion(near_tc):
    """Parisi (1980); Mezard, Parisi & Virasoro, ch. III: near T_c, q(x) = x/2 up to
    x_max = 2 q_max, q_max = tau + tau^2 + O(tau^3), and f - f_RS ~ tau^5.

    Checked: |q_max - tau - tau^2| <= 1.1 tau^3 (measured coefficient -0.96, -0.89, -0.86);
    the ratios x_max / (2 q_max) and 2 q(x)/x (at x = x_max / 4) are 1 + O(tau) (measured
    1 - 2.6 tau and 1 + 3.0 tau at tau = 0.05) and their quadratic extrapolation to tau -> 0
    from the three temperatures is 1 within 0.02 (measured 0.990 and 1.003): the leading order
    is exact and the corrections are linear in tau, which a wrong x(q) would not give.
    """
    ratios, slopes, gains = [], [], []
    for tau, sol in near_tc.items():
        assert sol.converged and sol.monotone
        assert abs(sol.q_max - tau - tau ** 2) <= 1.1 * tau ** 3
        r = sol.x_max / (2 * sol.q_max)
        xs = 0.25 * sol.x_max
        s = 2 * sol.q_of_x(xs) / xs
        assert abs(r - 1) <= 3.0 * tau and abs(s - 1) <= 3.5 * tau
        ratios.append(r)
        slopes.append(s)
        gains.append(sol.free_energy - sk_solve(1.0 - tau).free_energy)
    # Richardson: the quadratic through tau = 0.05, 0.1, 0.15 evaluated at tau = 0
    assert 3 * ratios[0] - 3 * ratios[1] + ratios[2] == pytest.approx(1.0, abs=0.02)
    assert 3 * slopes[0] - 3 * slopes[1] + slopes[2] == pytest.approx(1.0, abs=0.02)
    # f - f_RS > 0 and ~ tau^5 (Guerra's bound; 0.05 -> 0.1 multiplies it by 2^5)
    assert all(g > 0 for g in gains)
    assert gains[1] / gains[0] == pytest.approx(32.0, rel=0.1)


def test_order_function_near_tc_does_not_depend_on_the_levels(near_tc):
    fine = parisi_solve(0.9, n_levels=16)
    coarse = near_tc[0.1]
    assert fine.x_max == pytest.approx(coarse.x_max, abs=1e-4)  # 3e-5 measured
    assert fine.q_max == pytest.approx(coarse.q_max, abs=5e-5)  # 2e-5 measured (O(n^-2))
    assert fine.free_energy == pytest.approx(coarse.free_energy, abs=1e-11)


@pytest.mark.slow
def test_ground_energy_converges_with_levels(ground8):
    fine = parisi_solve(0.0, n_levels=16, dy=0.04, error_estimate=True)
    assert abs(fine.energy - PARISI_GROUND_ENERGY) < 4e-6
    assert abs(fine.energy - PARISI_GROUND_ENERGY) <= fine.error_estimate
    assert abs(ground8.energy - PARISI_GROUND_ENERGY) > abs(fine.energy - PARISI_GROUND_ENERGY)


def test_results_roundtrip(ground8, krsb_t0, roundtrip):
    back = roundtrip(ground8)
    assert isinstance(back, ParisiSolution)
    np.testing.assert_array_equal(back.gamma, ground8.gamma)
    back = roundtrip(krsb_t0[1])
    assert isinstance(back, SKRSBSolution) and back.k == 2


def test_q_of_x_inverts_x_of_q():
    sol = parisi_solve(0.5, n_levels=4)
    assert sol.x[-1] == 1.0 and 0 < sol.x_max < 1
    sel = (sol.x < 1.0) & (sol.x > 0.0)
    assert np.all(np.diff(sol.x[sel]) > 0)
    np.testing.assert_allclose(sol.q_of_x(sol.x[sel]), sol.q_mid[sel], atol=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"T": -0.1}, "T"),
    ({"T": 0.5, "J": 0.0}, "J"),
    ({"T": 0.5, "n_levels": 1}, "n_levels"),
    ({"T": 0.5, "dy": 0.5}, "dy"),
])
def test_parisi_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        parisi_solve(**kwargs)


def test_krsb_rejects_bad_k():
    with pytest.raises(ValueError, match="k"):
        sk_krsb(0, 0.0)


def test_functional_gradient_matches_finite_differences():
    """The adjoint gradient in the step heights and in the node positions (kRSB needs both)."""
    from esorma.replica._parisi_functional import _Functional

    for T, nodes, gam in [(0.0, [0, 0.2, 0.5, 0.8, 1.0], [0.0, 1.0, 2.0, 3.0]),
                          (0.5, [0, 0.2, 0.4, 0.6], [0.0, 0.5, 1.2])]:
        nodes, gam = np.array(nodes, float), np.array(gam, float)

        def P(nd, g, T=T):
            return _Functional(nd, T, 0.0, 0.04, q_top=nd[-1]).value(g, grad=False)[0]

        _p, g, gn, _ = _Functional(nodes, T, 0.0, 0.04, q_top=nodes[-1]).value_and_grads(gam)
        for i in range(gam.size):
            e = np.eye(gam.size)[i] * 1e-3
            assert g[i] == pytest.approx((P(nodes, gam + e) - P(nodes, gam - e)) / 2e-3,
                                         abs=1e-8)
        for i in range(nodes.size - (1 if T == 0 else 0)):
            e = np.eye(nodes.size)[i] * 1e-6
            assert gn[i] == pytest.approx((P(nodes + e, gam) - P(nodes - e, gam)) / 2e-6,
                                          abs=1e-8)


def test_krsb_energies_rise_monotonically_up_to_k6(ground8, krsb_t0):
    """Guerra: u_RS < u_1 < u_2 < ... < u_6 < u_Parisi (exact adjoint gradient: k = 3..6 in
    ~2 s on an idle machine; the finite-difference gradient took ~6x longer at k = 4)."""
    more = [sk_krsb(k, 0.0) for k in (3, 4, 5, 6)]
    us = [RS_U0] + [s.energy for s in krsb_t0 + more] + [ground8.energy]
    assert all(a < b for a, b in zip(us, us[1:])), us
    assert all(s.converged and s.residual < 1e-7 for s in more)
    # 3RSB -0.76331, 6RSB -0.763184, within 2e-5 of Parisi's -0.763166
    assert more[0].energy == pytest.approx(-0.76331, abs=2e-5)
    assert PARISI_GROUND_ENERGY - more[-1].energy < 2e-5
    # the k-step optimum is a nested ansatz: q_0 < ... < q_k = 1 and mu increasing
    for s in more:
        assert np.all(np.diff(s.q) > 0) and np.all(np.diff(s.mu) > 0)

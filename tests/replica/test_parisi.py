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


@pytest.mark.slow
def test_order_function_near_tc():
    """tau = 1 - T = 0.1: q_max = tau + tau^2 + O(tau^3) and the breakpoint x_max ~ 2 q_max.

    x(q) itself is only loosely fixed this close to T_c (f - f_RS ~ tau^5 is flat in x), so
    the breakpoint is checked to 30 %.
    """
    tau = 0.1
    sol = parisi_solve(1 - tau, n_levels=10)
    assert sol.q_max == pytest.approx(tau + tau ** 2, rel=0.03)
    assert sol.x_max == pytest.approx(2 * sol.q_max, rel=0.3)
    assert sol.free_energy >= sk_solve(1 - tau).free_energy


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

"""One-step RSB of the Hopfield model at T = 0 (esorma.replica.rsb)."""

import math

import numpy as np
import pytest

from esorma.replica import NoSolutionError
from esorma.replica.rsb import (
    Hopfield1RSB,
    Hopfield1RSBCapacity,
    _energy,
    _parts,
    hopfield_1rsb,
    hopfield_1rsb_capacity,
)


def test_capacity_is_steffan_kuehn_value():
    # Steffan & Kuehn, Z. Phys. B 95, 249 (1994): alpha_c^1RSB = 0.138186 (RS 0.137905);
    # the 0.144 of Crisanti, Amit & Gutfreund (1986) is not reproduced (nor was it there).
    cap = hopfield_1rsb_capacity()
    assert cap.alpha_c == pytest.approx(0.138186, abs=2e-6)
    assert cap.rs_alpha_c == pytest.approx(0.1379056, abs=1e-7)
    assert cap.alpha_c > cap.rs_alpha_c
    assert cap.converged and 0.96 < cap.m < 0.975
    assert abs(cap.fold_slope) < 1e-4 and cap.residual < 1e-9


def _full_energy(m, alpha, q0, C1, r0, r1, mu):
    """f with r0, r1 free (not eliminated): the saddle point must be stationary in all six."""
    from scipy import special

    from esorma.replica.rsb import _nodes

    D1 = 1 - C1
    D0 = D1 - mu * (1 - q0)
    s0, s1 = math.sqrt(alpha * r0), math.sqrt(alpha * (r1 - r0))
    z, w = _nodes(-m / s0, s1 / s0)
    a = m + s0 * z
    la = mu * a + special.log_ndtr(a / s1 + mu * s1)
    lb = -mu * a + special.log_ndtr(-a / s1 + mu * s1)
    lnz = 0.5 * mu * mu * s1 * s1 + np.logaddexp(la, lb)
    return (alpha / 2 + m * m / 2 + alpha / (2 * mu) * math.log(D0 / D1) - alpha / 2 * q0 / D0
            + alpha / 2 * r1 * C1 + alpha * mu / 2 * (r1 - r0 * q0) - w @ (lnz / mu))


def test_solution_is_a_saddle_point_of_the_full_free_energy():
    """Finite differences of f in (m, q0, C1, r0, r1, mu) vanish at the solution."""
    sol = hopfield_1rsb(0.132)
    assert sol.converged
    p = np.array([sol.m, sol.q0, sol.C1, sol.r0, sol.r1, sol.mu])
    for i, h in enumerate([1e-6, 1e-7, 1e-7, 1e-6, 1e-6, 1e-4]):
        up, dn = p.copy(), p.copy()
        up[i] += h
        dn[i] -= h
        d = (_full_energy(up[0], 0.132, *up[1:]) - _full_energy(dn[0], 0.132, *dn[1:])) / (2 * h)
        assert abs(d) < 1e-6, (i, d)
    assert _full_energy(sol.m, 0.132, sol.q0, sol.C1, sol.r0, sol.r1, sol.mu) == \
        pytest.approx(sol.energy, abs=1e-13)


def test_1rsb_retrieval_is_better_than_rs():
    sol = hopfield_1rsb(0.13)
    # RSB raises the retrieval overlap and the (free) energy slightly at T = 0
    assert sol.m > sol.rs_m and sol.energy > sol.rs_energy
    assert sol.energy - sol.rs_energy < 1e-5
    assert 0.99 < sol.q0 < 1.0 and sol.mu > 10


def test_beyond_rs_capacity_only_1rsb_exists():
    sol = hopfield_1rsb(0.1381)
    assert math.isnan(sol.rs_m) and sol.m > 0.96


def test_refusals():
    with pytest.raises(NoSolutionError, match="alpha_c"):
        hopfield_1rsb(0.139)
    with pytest.raises(ValueError, match="0.127"):
        hopfield_1rsb(0.05)


def test_roundtrip(roundtrip):
    assert isinstance(roundtrip(hopfield_1rsb_capacity()), Hopfield1RSBCapacity)
    assert isinstance(roundtrip(hopfield_1rsb(0.13)), Hopfield1RSB)


def test_energy_helper_consistent():
    cap = hopfield_1rsb_capacity()
    assert _energy(cap.m, cap.alpha_c, cap.q0, cap.C1, cap.mu) == pytest.approx(cap.energy)
    assert _parts(cap.m, cap.alpha_c, cap.q0, cap.C1, cap.mu)[2] == pytest.approx(cap.r0)


def test_finite_t_equations_tend_to_the_t0_ones():
    """The T > 0 equations (x = T mu, q1 = 1 - T C1) at T -> 0 agree with the T = 0 solution."""
    from esorma.replica.rsb_thermal import _equations_T

    cap = hopfield_1rsb_capacity()
    p = (cap.m, cap.alpha_c, cap.q0, cap.C1, cap.mu)
    r6 = np.max(np.abs(_equations_T(*p, 1e-6)))
    r3 = np.max(np.abs(_equations_T(*p, 1e-3)))
    assert r6 < 1e-5 and r3 > 10 * r6  # residual O(T): continuous limit


def test_1rsb_retrieval_line_at_low_temperature_lies_beyond_rs():
    from esorma.replica import hopfield_1rsb_spinodal, spinodal_alpha

    Ts = np.array([0.0, 0.01])
    line = hopfield_1rsb_spinodal(Ts)
    rs = spinodal_alpha(Ts).value
    assert line.value[0] == pytest.approx(0.138186, abs=2e-6)
    # RSB extends retrieval at low T (and alpha_M^1RSB rises slightly with T: 0.1381968)
    assert line.value[1] > rs[1] + 5e-5 and line.value[1] > line.value[0]
    assert line.converged and "RS spinodal" not in line.method


def test_1rsb_grid_is_a_saddle_point_and_merges_with_rs_below_the_at_load():
    """T = 0.01: 1RSB at 0.134 and 0.1381 (q1 > q0, x in (0, 1)); at 0.125, below the load
    where q1 - q0 -> 0 along the branch (~0.1308), the RS (AGS) solution is returned."""
    from esorma.replica import ags_solve
    from esorma.replica.rsb import Hopfield1RSBGrid, hopfield_1rsb_grid
    from esorma.replica.rsb_thermal import _equations_T

    g = hopfield_1rsb_grid([0.125, 0.134, 0.1381, 0.139], [0.01])
    assert isinstance(g, Hopfield1RSBGrid) and g.converged
    np.testing.assert_array_equal(g.is_1rsb[0], [False, True, True, False])
    np.testing.assert_array_equal(g.retrieval[0], [True, True, True, False])
    assert 0.130 < g.alpha_AT[0] < 0.1315
    for j in (1, 2):
        assert g.q1[0, j] > g.q0[0, j] and 0 < g.x[0, j] < 1
        C1, mu = (1 - g.q1[0, j]) / 0.01, g.x[0, j] / 0.01
        res = _equations_T(g.m[0, j], g.alphas[j], g.q0[0, j], C1, mu, 0.01)
        assert np.max(np.abs(res)) < 1e-9
    assert g.m[0, 1] > ags_solve(0.134, 0.01).m  # RSB raises m slightly (0.1381 > alpha_M^RS)
    rs = ags_solve(0.125, 0.01)
    assert g.m[0, 0] == rs.m and g.q0[0, 0] == g.q1[0, 0] == rs.q
    assert g.alpha_M[0] == pytest.approx(0.1381968, abs=2e-6) and g.alpha_M_is_1rsb[0]


@pytest.mark.slow
def test_1rsb_study_line_merges_with_rs(roundtrip):
    """The whole retrieval line: 1RSB beyond RS below the merge temperature, equal above."""
    from esorma.replica.rsb_study import Hopfield1RSBStudy, hopfield_1rsb_study

    s = hopfield_1rsb_study()
    one = s.is_1rsb
    assert one[s.temperatures == 0.0].all() and not one[s.temperatures > 0.03].any()
    assert np.all(s.alpha_M_1rsb[one] > s.alpha_M_rs[one])
    np.testing.assert_array_equal(s.alpha_M_1rsb[~one], s.alpha_M_rs[~one])
    assert 0.019 < s.merge_temperature < 0.03
    assert s.alpha_M_rs[-1] < 0.01 and s.temperatures[-1] > 0.95  # the whole range
    back = roundtrip(s)
    assert isinstance(back, Hopfield1RSBStudy)
    np.testing.assert_array_equal(back.grid.is_1rsb, s.grid.is_1rsb)

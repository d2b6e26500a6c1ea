"""AGS replica-symmetric theory of the Hopfield model: capacity, branches, limits, bad input.

Published values: Amit, Gutfreund & Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985) and
Ann. Phys. 173, 30 (1987) (AGS): α_c ≈ 0.138 with m ≈ 0.967 at T = 0, retrieval states are the
global minimum below α ≈ 0.051 (rows ``ags_*`` of data/reference_values.csv).
"""

import math
import time
import warnings

import numpy as np
import pytest
from scipy import optimize, special

from esorma import replica
from esorma.replica import ags as ags_mod
from esorma.replica._gauss import gaussian_moments
from tests.replica import _reference as ref


def test_capacity_eight_digits_two_independent_routes():
    """α_c by three routes, to 12 digits; AGS (1987) quote α_c ≈ 0.138 and m ≈ 0.967."""
    cap = replica.ags_capacity()
    a_cf, m_cf, y_cf = replica.ags_capacity_closed_form()
    # Route 1: 4-D Newton on the T=0 equations + fold condition.
    # Route 2: closed form α(y) maximised via the root of dα/dy.
    assert cap.converged and cap.residual < 1e-12
    assert abs(cap.alpha_c - a_cf) < 1e-12
    assert abs(cap.m - m_cf) < 1e-10
    assert abs(cap.y - y_cf) < 1e-8
    # Route 3: maximum of α(x) along the kernel-evaluated T = 0 branch (bounded Brent).
    assert abs(replica.retrieval_branch(0.0)[1] - a_cf) < 1e-12
    # 8 significant digits; AGS quote α_c ≈ 0.138 and m ≈ 0.967.
    assert f"{cap.alpha_c:.8f}" == "0.13790557"
    assert round(cap.m, 3) == 0.967
    assert cap.error_fraction == pytest.approx((1 - cap.m) / 2, abs=1e-15)
    assert 0.016 < cap.error_fraction < 0.017
    # r = 1/(1 - C)^2 and y = m/√(2αr) hold at the result.
    assert cap.r == pytest.approx(1 / (1 - cap.C) ** 2, rel=1e-12)
    assert cap.y == pytest.approx(cap.m / math.sqrt(2 * cap.alpha_c * cap.r), rel=1e-12)


def test_capacity_is_fast():
    replica.ags_capacity()  # warm (imports)
    f = ags_mod._capacity_t0.__wrapped__  # bypass the cache
    t0 = time.perf_counter()
    cap = f()
    assert time.perf_counter() - t0 < 0.1
    assert cap.converged


def test_capacity_at_finite_T_is_the_fold():
    cap = replica.ags_capacity(0.3)
    assert cap.converged
    # independent: max over m of α(m) with quad averages (tests/replica/_reference.py)
    a_ref, m_ref = ref.spinodal(0.3)
    assert cap.alpha_c == pytest.approx(a_ref, abs=1e-12)
    assert cap.m == pytest.approx(m_ref, abs=1e-6)
    sol = replica.ags_solve(cap.alpha_c * (1 - 1e-9), 0.3)
    assert sol.m == pytest.approx(cap.m, abs=1e-3)
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(cap.alpha_c * (1 + 1e-6), 0.3)


def _closed_form_retrieval(alpha):
    """T = 0 retrieval from the closed form: the y > y_c root of α(y) = α."""
    _a, _m, yc = replica.ags_capacity_closed_form()
    y = optimize.brentq(lambda y: ags_mod._alpha_closed(y) - alpha, yc, 10.0, xtol=1e-15)
    m = special.erf(y)
    C = 2 * y * math.exp(-y * y) / (math.sqrt(math.pi) * m)
    return m, C


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1, 0.137])
def test_T0_retrieval_matches_closed_form(alpha):
    sol = replica.ags_solve(alpha, 0.0)
    m, C = _closed_form_retrieval(alpha)
    assert sol.m == pytest.approx(m, abs=1e-11)
    assert sol.C == pytest.approx(C, abs=1e-10)
    assert sol.converged and sol.q == 1.0
    # T = 0 energy  u = -m²/2 - (α/2)(r - 1)
    assert sol.energy == pytest.approx(-m * m / 2 - alpha / 2 * (1 / (1 - C) ** 2 - 1), abs=1e-11)
    assert sol.free_energy == pytest.approx(sol.energy, abs=1e-14)


@pytest.mark.parametrize("alpha", [0.02, 0.1, 0.5])
def test_T0_spin_glass_closed_form(alpha):
    sol = replica.ags_solve(alpha, 0.0, "spin_glass")
    c = math.sqrt(2 / math.pi) / (math.sqrt(alpha) + math.sqrt(2 / math.pi))
    assert sol.C == pytest.approx(c, rel=1e-12)
    assert sol.energy == pytest.approx(-1 / math.pi - math.sqrt(2 * alpha / math.pi), abs=1e-12)


@pytest.mark.parametrize(
    "alpha,T,branch",
    [(0.05, 0.2, "retrieval"), (0.12, 0.05, "retrieval"), (0.002, 0.9, "retrieval"),
     (0.05, 0.2, "spin_glass"), (0.3, 1.2, "spin_glass"), (0.1, 1.5, "paramagnet")],
)
def test_solutions_satisfy_equations_and_thermodynamics(alpha, T, branch):
    sol = replica.ags_solve(alpha, T, branch)
    assert sol.converged and sol.residual < 1e-10
    # Independent re-evaluation of the saddle-point equations with scipy.quad.
    if branch != "paramagnet":
        sig = math.sqrt(alpha * sol.r)
        from esorma.replica._gauss import gaussian_moments_quad

        ref = gaussian_moments_quad(T, sol.m, sig)
        assert sol.m == pytest.approx(ref.m1, abs=1e-9)
        assert sol.q == pytest.approx(ref.q, abs=1e-9)
        assert sol.one_minus_q == pytest.approx(T * ref.c, abs=1e-9)
        assert sol.r == pytest.approx(sol.q / (1 - sol.C) ** 2, rel=1e-12)
    assert sol.one_minus_q == pytest.approx(1 - sol.q, abs=1e-13)
    assert sol.free_energy == pytest.approx(sol.energy - T * sol.entropy, abs=1e-12)


def test_entropy_and_energy_are_derivatives_of_f():
    # s = -df/dT and u = d(βf)/dβ along the retrieval branch (central differences).
    alpha, T, dT = 0.08, 0.3, 1e-4
    f = lambda t: replica.ags_solve(alpha, t).free_energy  # noqa: E731
    sol = replica.ags_solve(alpha, T)
    s_num = -(f(T + dT) - f(T - dT)) / (2 * dT)
    assert sol.entropy == pytest.approx(s_num, abs=1e-7)
    bf = lambda b: b * replica.ags_solve(alpha, 1 / b).free_energy  # noqa: E731
    b, db = 1 / T, 1e-4
    assert sol.energy == pytest.approx((bf(b + db) - bf(b - db)) / (2 * db), abs=1e-7)


def _f_rs(alpha, T, m, q, r):
    """The RS free-energy functional at arbitrary (m, q, r) (AGS 1987)."""
    mo = gaussian_moments(T, m, math.sqrt(alpha * r))
    C = (1 - q) / T
    return (alpha / 2 + m * m / 2 + alpha * T / 2 * (math.log(1 - C) - q / (T * (1 - C)))
            + alpha / (2 * T) * r * (1 - q) - mo.lc)


def test_free_energy_is_stationary_at_the_solution():
    alpha, T = 0.06, 0.4
    sol = replica.ags_solve(alpha, T)
    x0 = np.array([sol.m, sol.q, sol.r])
    assert _f_rs(alpha, T, *x0) == pytest.approx(sol.free_energy, abs=1e-12)
    h = 1e-5
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        grad = (_f_rs(alpha, T, *(x0 + e)) - _f_rs(alpha, T, *(x0 - e))) / (2 * h)
        assert abs(grad) < 1e-7
    # ... and not stationary elsewhere (the test can fail).
    e = np.array([0.05, 0.0, 0.0])
    g_off = (_f_rs(alpha, T, *(x0 + e + [h, 0, 0])) - _f_rs(alpha, T, *(x0 + e - [h, 0, 0])))
    assert abs(g_off / (2 * h)) > 1e-3


def test_low_T_converges_to_T0():
    for alpha in (0.05, 0.12):
        s0 = replica.ags_solve(alpha, 0.0)
        s1 = replica.ags_solve(alpha, 1e-3)
        assert s1.m == pytest.approx(s0.m, abs=1e-5)
        assert s1.C == pytest.approx(s0.C, abs=1e-4)
        assert s1.free_energy == pytest.approx(s0.free_energy, abs=1e-5)
        assert s1.one_minus_q == pytest.approx(1e-3 * s0.C, rel=1e-3)  # 1 - q = T C, not 0


@pytest.mark.parametrize("T", [0.2, 0.5, 0.8, 0.95])
def test_small_alpha_recovers_curie_weiss(T):
    m_cw = optimize.brentq(lambda m: math.tanh(m / T) - m, 1e-6, 1.0, xtol=1e-15)
    assert replica.ags_solve(1e-9, T).m == pytest.approx(m_cw, abs=1e-6)
    assert replica.retrieval_overlap([0.0], T)[0] == pytest.approx(m_cw, abs=1e-13)
    # m(α) → m_CW smoothly: the deviation shrinks with α
    d1 = abs(replica.retrieval_overlap([1e-4], T)[0] - m_cw)
    d2 = abs(replica.retrieval_overlap([1e-6], T)[0] - m_cw)
    assert d2 < d1


def test_retrieval_overlap_curve():
    al = np.array([0.0, 0.02, 0.1, 0.137, 0.1379, 0.14, 0.3])
    m = replica.retrieval_overlap(al)
    assert np.all(np.isfinite(m[:5])) and np.all(np.isnan(m[5:]))
    assert np.all(np.diff(m[:5]) < 0)
    assert m[0] == 1.0
    assert m[4] > replica.ags_capacity().m
    assert m.shape == al.shape
    assert np.isnan(replica.retrieval_overlap(0.1, T=0.9)[0])  # α_M(0.9) ≈ 0.0026


def test_first_order_transition_T0():
    """AGS (1987): retrieval states stop being the global minimum at α ≈ 0.051 (T = 0)."""
    tr = replica.ags_first_order(0.0)
    assert tr.converged
    # Independent: closed-form T = 0 energies, E_ret(y) vs E_SG(α) = -1/π - √(2α/π).
    def delta(alpha):
        m, C = _closed_form_retrieval(alpha)
        e_ret = -m * m / 2 - alpha / 2 * (1 / (1 - C) ** 2 - 1)
        return e_ret - (-1 / math.pi - math.sqrt(2 * alpha / math.pi))

    a_ref = optimize.brentq(delta, 0.02, 0.1, xtol=1e-15)
    assert tr.alpha == pytest.approx(a_ref, abs=1e-10)
    assert tr.alpha == pytest.approx(ref.first_order_T0(), abs=1e-12)  # a second closed form
    assert 0.050 < tr.alpha < 0.053  # AGS: ≈ 0.051
    f = lambda a, b: replica.ags_solve(a, 0.0, b).free_energy  # noqa: E731
    assert f(0.04, "retrieval") < f(0.04, "spin_glass")
    assert f(0.07, "retrieval") > f(0.07, "spin_glass")


@pytest.mark.parametrize("alpha", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        replica.ags_solve(alpha, 0.1)


@pytest.mark.parametrize("T", [-0.1, float("nan"), float("inf")])
def test_bad_temperature(T):
    with pytest.raises(ValueError, match="T"):
        replica.ags_solve(0.1, T)
    with pytest.raises(ValueError, match="T"):
        replica.ags_capacity(T)


def test_bad_types_and_choices():
    with pytest.raises(TypeError, match="alpha"):
        replica.ags_solve("0.1", 0.1)
    with pytest.raises(TypeError, match="alpha"):
        replica.ags_solve(True, 0.1)
    with pytest.raises(ValueError, match="branch"):
        replica.ags_solve(0.1, 0.1, branch="mixture")
    with pytest.raises(ValueError, match="alphas"):
        replica.retrieval_overlap([0.1, -0.2])
    with pytest.raises(ValueError, match="alphas"):
        replica.retrieval_overlap([0.1, np.nan])
    with pytest.raises(ValueError, match="n_points"):
        replica.phase_diagram(n_points=1)
    with pytest.raises(ValueError, match="temperatures"):
        replica.phase_diagram(temperatures=[-1.0])


def test_branches_that_do_not_exist_raise():
    with pytest.raises(replica.NoSolutionError, match="alpha_M"):
        replica.ags_solve(0.2, 0.0)
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(0.01, 1.0)  # no retrieval at T >= 1
    with pytest.raises(replica.NoSolutionError, match="T > 1"):
        replica.ags_solve(0.1, 0.8, "paramagnet")
    with pytest.raises(replica.NoSolutionError, match="T_g"):
        replica.ags_solve(0.01, 1.2, "spin_glass")
    with pytest.raises(replica.NoSolutionError):
        replica.ags_first_order(1.0)
    assert issubclass(replica.NoSolutionError, ValueError)


def test_non_convergence_warns(monkeypatch):
    monkeypatch.setattr(ags_mod, "RESIDUAL_TOL", -1.0)
    with pytest.warns(replica.ConvergenceWarning, match="did not converge"):
        sol = replica.ags_solve(0.05, 0.2)
    assert not sol.converged


def test_results_are_frozen():
    sol = replica.ags_solve(0.05, 0.2)
    with pytest.raises(AttributeError):
        sol.m = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        replica.ags_capacity()  # converged: no warning


def test_very_low_temperature_is_not_a_difference():
    # 1 - q is integrated directly: at T = 1e-7 it is T*C to full relative precision.
    s = replica.ags_solve(0.1, 1e-7)
    s0 = replica.ags_solve(0.1, 0.0)
    assert s.one_minus_q == pytest.approx(1e-7 * s0.C, rel=1e-5)
    assert s.converged


def test_retrieval_overlap_warns_on_a_bad_residual(monkeypatch):
    # Plain array kept for the capacity overlays, but a large residual is never silent.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = replica.retrieval_overlap([0.05, 0.1])
    monkeypatch.setattr(ags_mod, "RESIDUAL_TOL", -1.0)
    with pytest.warns(replica.ConvergenceWarning, match="retrieval_overlap"):
        m2 = replica.retrieval_overlap([0.05, 0.1])
    assert np.array_equal(m, m2)


def test_tuple_conveniences_raise_instead_of_returning_unconverged(monkeypatch):
    x, a = replica.retrieval_branch(0.3)
    assert 2.0 < x < 2.2
    # independent: max over m of α(m) with quad averages, and x = m/√(αr) there
    a_ref, m_ref = ref.spinodal(0.3)
    assert a == pytest.approx(a_ref, abs=1e-12)
    _a, _q, _omq, r_ref = ref.retrieval_at_m(m_ref, 0.3)
    assert x == pytest.approx(m_ref / math.sqrt(a_ref * r_ref), rel=1e-5)
    monkeypatch.setattr(ags_mod, "_fold_residual", lambda T: 1e-6)
    with pytest.raises(replica.ConvergenceError, match="retrieval_branch"):
        replica.retrieval_branch(0.3)

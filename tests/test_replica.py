"""AGS replica-symmetric theory of the Hopfield model: capacity, branches, limits, bad input."""

import math
import time
import warnings

import numpy as np
import pytest
from scipy import optimize, special

from esorma import replica
from esorma.replica import ags as ags_mod
from esorma.replica._gauss import gaussian_moments


# ----------------------------------------------------------------------------- capacity


def test_capacity_eight_digits_two_independent_routes():
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
    sol = replica.ags_solve(cap.alpha_c * (1 - 1e-9), 0.3)
    assert sol.m == pytest.approx(cap.m, abs=1e-3)
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(cap.alpha_c * (1 + 1e-6), 0.3)


# ----------------------------------------------------------------------------- branches


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
    tr = replica.ags_first_order(0.0)
    assert tr.converged
    # Independent: closed-form T = 0 energies, E_ret(y) vs E_SG(α) = -1/π - √(2α/π).
    def delta(alpha):
        m, C = _closed_form_retrieval(alpha)
        e_ret = -m * m / 2 - alpha / 2 * (1 / (1 - C) ** 2 - 1)
        return e_ret - (-1 / math.pi - math.sqrt(2 * alpha / math.pi))

    a_ref = optimize.brentq(delta, 0.02, 0.1, xtol=1e-15)
    assert tr.alpha == pytest.approx(a_ref, abs=1e-10)
    assert 0.050 < tr.alpha < 0.053  # AGS: ≈ 0.051
    f = lambda a, b: replica.ags_solve(a, 0.0, b).free_energy  # noqa: E731
    assert f(0.04, "retrieval") < f(0.04, "spin_glass")
    assert f(0.07, "retrieval") > f(0.07, "spin_glass")


# ----------------------------------------------------------------------------- phase lines


@pytest.mark.parametrize("alpha", [1e-4, 0.01, 0.05, 0.138, 0.5])
def test_T_g_is_one_plus_sqrt_alpha(alpha):
    res = replica.spin_glass_temperature(alpha)
    assert res.value == pytest.approx(1 + math.sqrt(alpha), abs=1e-8)
    assert res.converged and res.residual < 1e-9 and "Brent" in res.method


def test_spin_glass_order_parameter_vanishes_linearly_at_T_g():
    alpha = 0.04
    Tg = 1.2
    q1 = replica.ags_solve(alpha, Tg - 1e-3, "spin_glass").q
    q2 = replica.ags_solve(alpha, Tg - 2e-3, "spin_glass").q
    assert 0 < q1 < 1e-2
    assert q2 / q1 == pytest.approx(2.0, rel=0.02)
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(alpha, Tg + 1e-3, "spin_glass")


def test_small_alpha_slopes_T_M_and_T_c():
    # AGS: T_M ≈ 1 - 1.95 √α and T_c ≈ 1 - 2.6 √α as α → 0.
    # Tolerance 0.02 / 0.03 at α = 1e-6
    # (corrections are O(√α): the values at 1e-4 are further from the limits).
    a = 1e-6
    sM = (1 - replica.retrieval_temperatures(a).roots[-1]) / math.sqrt(a)
    sc = (1 - replica.first_order_temperatures(a).roots[-1]) / math.sqrt(a)
    assert abs(sM - 1.95) < 0.02
    assert abs(sc - 2.6) < 0.03
    sM4 = (1 - replica.retrieval_temperatures(1e-4).roots[-1]) / 1e-2
    sc4 = (1 - replica.first_order_temperatures(1e-4).roots[-1]) / 1e-2
    assert abs(sM4 - sM) > abs(sM - 1.954) and abs(sc4 - sc) > abs(sc - 2.596)


def test_reentrance_two_roots_above_T0_capacity():
    a_c = replica.ags_capacity().alpha_c
    assert len(replica.retrieval_temperatures(0.1).roots) == 1
    none = replica.retrieval_temperatures(0.139)
    assert none.roots == () and none.converged
    alpha = 0.1381
    assert alpha > a_c
    res = replica.retrieval_temperatures(alpha)
    assert res.converged and res.line == "T_M" and max(res.residuals) < 1e-12
    roots = res.roots
    assert len(roots) == 2
    lo, hi = roots
    assert 0 < lo < 0.025 < hi < 0.06
    for T in roots:
        assert replica.spinodal_alpha(T).value == pytest.approx(alpha, abs=1e-11)
    # retrieval exists between the two roots, not below the lower one
    assert replica.ags_solve(alpha, 0.5 * (lo + hi)).converged
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(alpha, 0.5 * lo)
    with pytest.raises(replica.NoSolutionError):
        replica.ags_solve(alpha, 0.0)
    # first-order line re-entrant too
    fo = replica.first_order_temperatures(0.0525)
    assert len(fo.roots) == 2 and fo.converged and fo.line == "T_c"


def test_phase_diagram_structure():
    pd = replica.phase_diagram(n_points=25)
    assert pd.temperatures.shape == pd.alpha_M.shape == pd.alpha_c.shape == (25,)
    assert pd.alphas.shape == pd.T_g.shape == (25,)
    assert all(np.all(v) for v in pd.converged.values())
    assert pd.alpha_M[0] == pytest.approx(pd.capacity.alpha_c, abs=1e-12)
    assert pd.alpha_c[0] == pytest.approx(pd.alpha_first_order, abs=1e-12)
    assert np.all(pd.alpha_c <= pd.alpha_M + 1e-15)  # global min. only where retrieval exists
    assert pd.alpha_M[-1] == 0.0 and pd.alpha_c[-1] == 0.0  # T = 1
    assert np.allclose(pd.T_g, 1 + np.sqrt(pd.alphas), atol=1e-8)
    assert pd.reentrant and pd.alpha_M_max > pd.capacity.alpha_c
    assert 0.01 < pd.T_at_alpha_M_max < 0.04
    s = pd.summary()
    assert s["alpha_c"] == pd.capacity.alpha_c and s["all_converged"]
    custom = replica.phase_diagram(alphas=[0.0, 0.04], temperatures=[0.0, 0.5])
    assert custom.T_g.tolist() == pytest.approx([1.0, 1.2], abs=1e-8)
    assert custom.alpha_M[1] == pytest.approx(replica.ags_capacity(0.5).alpha_c, abs=1e-12)


# ----------------------------------------------------------------------------- bad input


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


def test_import_is_light_and_all_is_complete():
    import subprocess
    import sys

    code = ("import sys, esorma.replica as r; assert 'numba' not in sys.modules; "
            "assert 'matplotlib' not in sys.modules; [getattr(r, n) for n in r.__all__]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_very_low_temperature_is_not_a_difference():
    # 1 - q is integrated directly: at T = 1e-7 it is T*C to full relative precision.
    s = replica.ags_solve(0.1, 1e-7)
    s0 = replica.ags_solve(0.1, 0.0)
    assert s.one_minus_q == pytest.approx(1e-7 * s0.C, rel=1e-5)
    assert s.converged


@pytest.mark.slow
def test_full_phase_diagram_speed():
    import time

    for f in (ags_mod._fold, ags_mod._first_order, ags_mod._sg_sigma_min):
        f.cache_clear()
    t0 = time.perf_counter()
    pd = replica.phase_diagram(n_points=200)
    assert time.perf_counter() - t0 < 10.0
    assert pd.summary()["all_converged"]


def test_phase_diagram_flags_failed_points(monkeypatch):
    # A point whose fold cannot be bracketed becomes NaN with converged False and a warning.
    real = ags_mod._fold

    def flaky(T):
        if T == 0.5:
            raise replica.ConvergenceError("simulated failure")
        return real(T)

    monkeypatch.setattr(ags_mod, "_fold", flaky)
    with pytest.warns(replica.ConvergenceWarning, match="T_M"):
        pd = replica.phase_diagram(alphas=[0.01], temperatures=[0.2, 0.5])
    assert np.isnan(pd.alpha_M[1]) and not pd.converged["T_M"][1] and pd.converged["T_M"][0]


# ----------------------------------------------------------------------------- result types


def test_phase_lines_return_results_with_residuals():
    import dataclasses

    Ts = np.array([0.0, 0.3, 0.99, 1.0, 1.5])
    aM = replica.spinodal_alpha(Ts)
    ac = replica.first_order_alpha(Ts)
    for res, name in ((aM, "alpha_M(T)"), (ac, "alpha_c(T)")):
        assert isinstance(res, replica.LineResult) and res.name == name
        assert res.converged and res.value.shape == res.residual.shape == (5,)
        assert np.all(res.residual <= 1e-9) and np.array_equal(res.argument, Ts)
        assert np.all(res.value[3:] == 0.0)  # no retrieval states for T >= 1: exactly 0
        assert res.method
        with pytest.raises(dataclasses.FrozenInstanceError):
            res.converged = False
    assert aM.value[0] == pytest.approx(replica.ags_capacity().alpha_c, abs=1e-12)
    assert ac.value[0] == pytest.approx(replica.ags_first_order(0.0).alpha, abs=1e-15)
    assert np.all(ac.value <= aM.value)
    tg = replica.spin_glass_temperature([0.0, 0.09])
    assert tg.converged and np.allclose(tg.value, [1.0, 1.3], atol=1e-8)
    # scalar in, floats out
    one = replica.spinodal_alpha(0.2)
    assert isinstance(one.value, float) and isinstance(one.residual, float)
    assert float(one) == one.value


def test_phase_lines_warn_and_flag_when_a_point_fails(monkeypatch):
    real = ags_mod._fold_residual
    monkeypatch.setattr(ags_mod, "_fold_residual", lambda T: 1e-3 if T == 0.3 else real(T))
    with pytest.warns(replica.ConvergenceWarning, match=r"alpha_M\(T\): 1 of 2 points"):
        res = replica.spinodal_alpha([0.2, 0.3])
    assert not res.converged and res.converged_points.tolist() == [True, False]
    monkeypatch.setattr(ags_mod, "_fold", lambda T: (_ for _ in ()).throw(
        replica.ConvergenceError("simulated")))
    with pytest.warns(replica.ConvergenceWarning):
        res = replica.spinodal_alpha(0.4)
    assert math.isnan(res.value) and res.residual == math.inf and not res.converged


def test_temperature_roots_carry_residuals_and_warn(monkeypatch):
    from esorma.replica import phase as phase_mod

    res = replica.first_order_temperatures(0.01)
    assert isinstance(res, replica.TemperatureRoots) and res.converged
    assert res.alpha == 0.01 and len(res.roots) == len(res.residuals) == 1
    assert replica.first_order_alpha(res.roots[0]).value == pytest.approx(0.01, abs=1e-12)
    assert "80 temperatures" in res.method
    monkeypatch.setattr(phase_mod, "RESIDUAL_TOL", -1.0)  # every root "fails"
    with pytest.warns(replica.ConvergenceWarning, match="T_M"):
        bad = replica.retrieval_temperatures(0.1)
    assert not bad.converged and len(bad.roots) == 1


def test_retrieval_overlap_warns_on_a_bad_residual(monkeypatch):
    # Plain array kept for the capacity overlays, but a large residual is never silent.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = replica.retrieval_overlap([0.05, 0.1])
    monkeypatch.setattr(ags_mod, "RESIDUAL_TOL", -1.0)
    with pytest.warns(replica.ConvergenceWarning, match="retrieval_overlap"):
        m2 = replica.retrieval_overlap([0.05, 0.1])
    assert np.array_equal(m, m2)


def test_external_call_sites_keep_working():
    # esorma.capacity and esorma.plotting.capacity use ags_capacity, retrieval_overlap and
    # phase_diagram(n_points=...).alpha_M/.temperatures/.alphas/.T_g: unchanged interfaces.
    from esorma.capacity import theory_alpha_c, theory_overlap

    assert theory_alpha_c() == pytest.approx(0.1379055665, abs=1e-10)
    m = theory_overlap(np.array([0.05, 0.2]))
    assert m.shape == (2,) and 0.99 < m[0] < 1 and np.isnan(m[1])
    pd = replica.phase_diagram(n_points=10)
    assert pd.alpha_M.shape == pd.temperatures.shape == pd.alphas.shape == pd.T_g.shape
    assert set(pd.residuals) == {"T_g", "T_M", "T_c"}
    assert all(np.all(r <= 1e-9) for r in pd.residuals.values())


def test_documented_first_order_load_matches_the_computed_one():
    # One number everywhere: α at which retrieval stops being the global minimum at T = 0.
    import esorma.cli.phase_diagram as cli_mod
    from esorma.replica import phase as phase_mod

    assert f"{replica.ags_first_order(0.0).alpha:.7f}" == "0.0518543"
    docs = [replica.__doc__, ags_mod.ags_first_order.__doc__, ags_mod.AGSTransition.__doc__,
            phase_mod.__doc__, phase_mod.PhaseDiagram.__doc__, cli_mod.__doc__]
    for doc in docs:
        assert "0.0518543" in doc
        for stale in ("0.0516", "≈ 0.051 ", "≈ 0.052", "0.0519", "0.0532"):
            assert stale not in doc, stale
    pd = replica.phase_diagram(n_points=10)
    assert f"{pd.alpha_c_max:.6f}" == "0.053132" and f"{pd.alpha_M_max:.6f}" == "0.138189"
    assert "0.053132" in phase_mod.__doc__ and "0.138189" in phase_mod.__doc__


def test_one_gaussian_wrapper_and_shared_validation():
    from esorma._validation import check_real
    from esorma.replica import _common, _gauss, phase, sk

    # the solvers all call the single wrapper _gauss.gaussian_moments
    assert not hasattr(_common, "moments")
    assert ags_mod.moments is phase.moments is sk.moments is _gauss.gaussian_moments
    # check_array gives check_real's messages (scalar and array)
    for bad in (float("nan"), -1.0):
        with pytest.raises(ValueError) as e1:
            check_real(bad, "alpha", minimum=0.0)
        with pytest.raises(ValueError) as e2:
            _common.check_array(bad, "alpha", minimum=0.0)
        assert str(e1.value) == str(e2.value)
    with pytest.raises(ValueError, match=r"every entry of alphas must be >= 0.0; got -0.5"):
        _common.check_array([0.1, -0.5], "alphas", minimum=0.0)
    with pytest.raises(ValueError, match="every entry of T must be finite"):
        _common.check_array(np.array([0.1, np.nan]), "T")
    with pytest.raises(TypeError, match="alphas"):
        _common.check_array([True, False], "alphas")
    with pytest.raises(ValueError, match="1-D"):
        _common.check_array(np.ones((2, 2)), "alphas")
    assert _common.check_array(3, "x").tolist() == [3.0]


def test_tuple_conveniences_raise_instead_of_returning_unconverged(monkeypatch):
    x, a = replica.retrieval_branch(0.3)
    assert a == replica.spinodal_alpha(0.3).value and 2.0 < x < 2.2
    monkeypatch.setattr(ags_mod, "_fold_residual", lambda T: 1e-6)
    with pytest.raises(replica.ConvergenceError, match="retrieval_branch"):
        replica.retrieval_branch(0.3)

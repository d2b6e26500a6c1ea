"""The AGS (α, T) phase diagram: the lines T_g, T_M, T_c, their re-entrance and diagnostics.

Independent references: ``tests/replica/_reference.py`` recomputes α_M(T) and α_c(T) with
scipy quad integrals in another parametrisation (no esorma code), the T = 0 first-order load
comes from the closed-form energies, T_g = 1 + √α is analytic, and the small-α slopes are
those of Amit, Gutfreund & Sompolinsky, Ann. Phys. 173, 30 (1987).
"""

import math
import time

import numpy as np
import pytest

from esorma import replica
from esorma.replica import ags as ags_mod
from tests.replica import _reference as ref


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
    """AGS (Ann. Phys. 173, 30, 1987): T_M ≈ 1 - 1.95 √α and T_c ≈ 1 - 2.6 √α as α → 0."""
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
    for T in roots:  # independent: max over m of α(m) with quad averages
        assert ref.spinodal(T)[0] == pytest.approx(alpha, abs=1e-11)
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
    # independent: the T = 0 closed-form energies of both branches cross here
    assert pd.alpha_c[0] == pytest.approx(ref.first_order_T0(), abs=1e-12)
    assert np.all(pd.alpha_c <= pd.alpha_M + 1e-15)  # global min. only where retrieval exists
    assert pd.alpha_M[-1] == 0.0 and pd.alpha_c[-1] == 0.0  # T = 1
    assert np.allclose(pd.T_g, 1 + np.sqrt(pd.alphas), atol=1e-8)
    assert pd.reentrant and pd.alpha_M_max > pd.capacity.alpha_c
    assert 0.01 < pd.T_at_alpha_M_max < 0.04
    s = pd.summary()
    assert s["alpha_c"] == pd.capacity.alpha_c and s["all_converged"]
    custom = replica.phase_diagram(alphas=[0.0, 0.04], temperatures=[0.0, 0.5])
    assert custom.T_g.tolist() == pytest.approx([1.0, 1.2], abs=1e-8)
    assert custom.alpha_M[1] == pytest.approx(ref.spinodal(0.5)[0], abs=1e-12)


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
    # independent references: the closed-form T = 0 capacity and first-order load, and at
    # T = 0.3 the quad-based route of tests/replica/_reference.py (another parametrisation)
    assert aM.value[0] == pytest.approx(replica.ags_capacity_closed_form()[0], abs=1e-12)
    assert ac.value[0] == pytest.approx(ref.first_order_T0(), abs=1e-12)
    assert aM.value[1] == pytest.approx(ref.spinodal(0.3)[0], abs=1e-12)
    assert ac.value[1] == pytest.approx(ref.first_order(0.3), abs=1e-12)
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
    # independent: f_retrieval = f_spin_glass at α = 0.01 and this T (quad-based route)
    assert ref.first_order(res.roots[0]) == pytest.approx(0.01, abs=1e-12)
    assert "80 temperatures" in res.method
    monkeypatch.setattr(phase_mod, "RESIDUAL_TOL", -1.0)  # every root "fails"
    with pytest.warns(replica.ConvergenceWarning, match="T_M"):
        bad = replica.retrieval_temperatures(0.1)
    assert not bad.converged and len(bad.roots) == 1


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
    # the re-entrance maxima on the independent quad-based lines: the same values, and maxima
    T_M, T_c = pd.T_at_alpha_M_max, pd.T_at_alpha_c_max
    assert ref.spinodal(T_M)[0] == pytest.approx(pd.alpha_M_max, abs=1e-12)
    assert ref.first_order(T_c) == pytest.approx(pd.alpha_c_max, abs=1e-12)
    assert max(ref.spinodal(T_M - 0.01)[0], ref.spinodal(T_M + 0.01)[0]) < pd.alpha_M_max
    assert max(ref.first_order(T_c - 0.02), ref.first_order(T_c + 0.02)) < pd.alpha_c_max

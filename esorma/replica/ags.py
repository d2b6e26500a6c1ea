r"""The Amit-Gutfreund-Sompolinsky replica-symmetric theory of the Hopfield model.

Conventions (AGS 1985, Ann. Phys. 1987): Hebb couplings ``J = (1/N) ξᵀξ`` (zero diagonal),
``H = -½ Σ_{i≠j} J_ij s_i s_j``, load ``α = P/N``, temperature ``T = 1/β`` (``T_c = 1`` at
``α → 0``). With one condensed pattern (overlap ``m``), the Edwards-Anderson order parameter
``q`` and the noise ``r`` from the uncondensed patterns, the RS saddle-point equations are

.. math::

    m = \langle\!\langle \tanh\beta(m + \sqrt{\alpha r}\,z)\rangle\!\rangle, \qquad
    q = \langle\!\langle \tanh^2\beta(m + \sqrt{\alpha r}\,z)\rangle\!\rangle, \qquad
    r = \frac{q}{(1 - C)^2},\quad C = \beta(1 - q),

(``z`` standard normal) and the free energy per spin is

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2} + \frac{\alpha}{2\beta}\Big[\ln(1 - C)
        - \frac{\beta q}{1 - C}\Big] + \frac{\alpha\beta}{2} r (1 - q)
        - \frac1\beta\langle\!\langle \ln 2\cosh\beta(m + \sqrt{\alpha r}\,z)\rangle\!\rangle.

Its energy and entropy follow in closed form at the saddle point,
``u = α/2 - m²/2 - α/(2(1-C)) - αrC/2`` and
``s = <ln 2cosh βh - βh tanh βh> - αC/(2(1-C)) - (α/2) ln(1-C)``, so ``f = u - Ts``.

How the equations are solved (robust, bracketing root finders only)
-------------------------------------------------------------------
*Retrieval* (``m > 0``): at fixed ``T`` the branch is parametrised by ``x = m/√(αr)``. For each
``x`` a bracketed 1-D root gives ``σ = √(αr)`` from ``σx = <tanh β σ(x + z)>``; ``q``, ``C``,
``r`` and then ``α(x) = σ²(1-C)²/q`` follow explicitly. The branch ends at the fold
``α_M(T) = max_x α(x)`` (the spinodal, the capacity at ``T = 0``); the stable side is
``x > x*``, on which ``α(x)`` decreases monotonically to 0, so ``α(x) = α`` is solved by
bisection-safe Brent iteration. At ``T = 0`` this gives ``σ = erf(x/√2)/x`` in closed form.

*Spin glass* (``m = 0``): parametrised by ``σ``; ``α_SG(σ) = σ²(1-C)²/q`` is increasing from
``α = 0`` (where ``C = 1``; for ``T ≥ 1``: ``α = (T-1)²``, the line ``T_g = 1 + √α``).

*Paramagnet*: ``m = q = r = 0``, defined for ``T > 1``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from esorma._results import summarized
from esorma._validation import check_choice
from esorma.replica._common import (
    RESIDUAL_TOL,
    ConvergenceError,
    NoSolutionError,
    check_alpha,
    check_array,
    check_temperature,
    warn_not_converged,
)
from esorma.replica._gauss import gaussian_moments as moments

__all__ = [
    "AGSSolution",
    "AGSCapacity",
    "AGSTransition",
    "ags_solve",
    "ags_capacity",
    "ags_capacity_closed_form",
    "ags_first_order",
    "retrieval_overlap",
    "retrieval_branch",
    "BRANCHES",
]

BRANCHES = ("retrieval", "spin_glass", "paramagnet")
_XTOL = 1e-14
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# --------------------------------------------------------------------------- results


@summarized
@dataclass(frozen=True)
class AGSSolution:
    """One solution of the AGS replica-symmetric equations.

    Attributes
    ----------
    alpha, T : float
        Load and temperature.
    branch : str
        ``"retrieval"``, ``"spin_glass"`` or ``"paramagnet"``.
    m, q, r : float
        Overlap with the condensed pattern, Edwards-Anderson parameter, noise parameter.
    one_minus_q : float
        ``1 - q`` integrated directly (accurate at low ``T``; ``T C``).
    C : float
        ``β(1 - q)`` (finite at ``T = 0``).
    free_energy, energy, entropy : float
        RS free energy, energy and entropy per spin (``f = u - T s``).
    residual : float
        Largest absolute residual of the saddle-point equations re-evaluated at the result.
    converged : bool
        ``residual <= RESIDUAL_TOL`` (1e-9); otherwise a :class:`ConvergenceWarning` was issued.
    """

    alpha: float
    T: float
    branch: str
    m: float
    q: float
    r: float
    one_minus_q: float
    C: float
    free_energy: float
    energy: float
    entropy: float
    residual: float
    converged: bool

    @property
    def error_fraction(self) -> float:
        """Fraction of wrong bits ``(1 - m)/2`` in the retrieved pattern."""
        return (1.0 - self.m) / 2.0


@summarized
@dataclass(frozen=True)
class AGSCapacity:
    """The retrieval capacity (the fold of the retrieval branch) at temperature ``T``.

    Attributes
    ----------
    alpha_c : float
        Largest load with a retrieval solution (0.1379... at ``T = 0``).
    m : float
        Overlap at ``alpha_c``; ``error_fraction = (1 - m)/2``.
    C, r : float
        ``β(1-q)`` and the noise parameter at ``alpha_c``.
    y : float
        ``m / √(2 α r)`` at ``alpha_c``.
    T : float
    residual : float
        Largest residual of the saddle-point equations (and fold condition at ``T = 0``).
    converged : bool
    method : str
        How it was computed.
    """

    alpha_c: float
    m: float
    error_fraction: float
    C: float
    r: float
    y: float
    T: float
    residual: float
    converged: bool
    method: str


@summarized
@dataclass(frozen=True)
class AGSTransition:
    """Where retrieval states stop being the global minimum of the RS free energy.

    ``alpha`` is the load at which ``f_retrieval = f_spin_glass`` at temperature ``T``
    (0.0518543 at ``T = 0``); below it the retrieval states are the global minimum.
    """

    alpha: float
    T: float
    m: float
    free_energy: float
    residual: float
    converged: bool


# --------------------------------------------------------------------------- branch maps


def _finish(alpha, T, branch, m, sigma, C, q, one_minus_q):
    """Thermodynamics and residual of a solution given (m, σ = √(αr), C, q)."""
    r = q / (1.0 - C) ** 2 if q > 0 else 0.0
    m1, q2, c2, _c4, lc, ent = moments(T, m, math.sqrt(alpha * r) if r > 0 else 0.0)
    if T > 0:
        log_term = 0.5 * alpha * T * math.log1p(-C)
    else:
        log_term = 0.0
    f = (0.5 * alpha + 0.5 * m * m + log_term - 0.5 * alpha * q / (1.0 - C)
         + 0.5 * alpha * r * C - lc)
    u = 0.5 * alpha - 0.5 * m * m - 0.5 * alpha / (1.0 - C) - 0.5 * alpha * r * C
    s = ent - 0.5 * alpha * C / (1.0 - C) - 0.5 * alpha * math.log1p(-C)
    res = max(
        abs(m - m1),
        abs(q - q2),
        abs(C - c2) / max(1.0, abs(C)),
        abs(r * (1.0 - C) ** 2 - q),
        abs(sigma * sigma - alpha * r) / max(1.0, alpha * r),  # the load is the one asked
    )
    return AGSSolution(
        alpha=float(alpha),
        T=float(T),
        branch=branch,
        m=float(m),
        q=float(q),
        r=float(r),
        one_minus_q=float(one_minus_q),
        C=float(C),
        free_energy=float(f),
        energy=float(u),
        entropy=float(s),
        residual=float(res),
        converged=bool(res <= RESIDUAL_TOL),
    )


def _sigma_of_x(T: float, x: float) -> float:
    """σ = √(αr) on the retrieval branch at ``x = m/σ`` (NaN if none, e.g. for T ≥ 1)."""
    if T == 0.0:
        return math.erf(x / math.sqrt(2.0)) / x
    if T >= 1.0:
        return math.nan

    def g(s):
        return moments(T, s * x, s)[0] - s * x

    hi = 1.01 / x  # g(hi) = <tanh> - 1.01 < 0
    lo = 1e-4 * hi
    while g(lo) <= 0.0:
        lo *= 1e-3
        if lo < 1e-16 * hi:
            return math.nan
    return optimize.brentq(g, lo, hi, xtol=1e-16, rtol=4 * np.finfo(float).eps, maxiter=200)


def _retrieval_point(T: float, x: float):
    """``(alpha, m, sigma, C, q, one_minus_q)`` on the retrieval branch at ``x``."""
    s = _sigma_of_x(T, x)
    if not math.isfinite(s):
        return (math.nan,) * 6
    m = s * x
    _m1, q, c, *_ = moments(T, m, s)
    return s * s * (1.0 - c) ** 2 / q, m, s, c, q, T * c if T > 0 else 0.0


def _alpha_of_x(T: float, x: float) -> float:
    a = _retrieval_point(T, x)[0]
    return a if math.isfinite(a) else -1.0


@functools.lru_cache(maxsize=4096)
def _fold(T: float):
    """``(x*, α_M(T))``: the maximum of α(x) on the retrieval branch (NaN for T ≥ 1)."""
    if T >= 1.0:
        return math.nan, 0.0
    xs = np.geomspace(0.3, 40.0, 28)  # x* stays in [2.09, 2.14] for 0 <= T < 1
    al = np.array([_alpha_of_x(T, x) for x in xs])
    k = int(np.argmax(al))
    if al[k] <= 0:
        return math.nan, 0.0
    if k in (0, len(xs) - 1):
        raise ConvergenceError(f"retrieval fold at T={T:g}: maximum of alpha(x) not bracketed")
    lo, hi = xs[max(k - 1, 0)], xs[min(k + 1, len(xs) - 1)]
    res = optimize.minimize_scalar(
        lambda x: -_alpha_of_x(T, x), bounds=(lo, hi), method="bounded",
        options={"xatol": 1e-11 * xs[k], "maxiter": 500},
    )
    x_star = float(res.x)
    return x_star, float(_alpha_of_x(T, x_star))


def _fold_residual(T: float) -> float:
    """Residual of the fold at ``T``: the saddle-point residual there, or the error of α_M.

    The fold is a maximum of ``α(x)``, located from function values, so ``x*`` is only
    resolved to ~1e-8 relative; what matters is the error this implies for ``α_M``,
    ``α'² / (2 |α''|)`` (derivatives in ``ln x`` by central differences), which is the second
    number. 0 for ``T >= 1`` (no retrieval branch: ``α_M = 0`` exactly).
    """
    x, a = _fold(T)
    if not a > 0:
        return 0.0
    _a, m, s, c, q, omq = _retrieval_point(T, x)
    saddle = _finish(a, T, "retrieval", m, s, c, q, omq).residual
    h = 1e-5 * x
    slope = (_alpha_of_x(T, x + h) - _alpha_of_x(T, x - h)) / (2.0 * h) * x
    h2 = 1e-3 * x
    curv = (_alpha_of_x(T, x + h2) + _alpha_of_x(T, x - h2) - 2.0 * a) / (h2 * h2) * x * x
    if not curv < 0:  # not a maximum at all
        return math.inf
    return max(saddle, slope * slope / (2.0 * abs(curv)))


def _retrieval_x(alpha: float, T: float) -> float:
    """The ``x`` of the retrieval solution at ``(α, T)`` (raises NoSolutionError above α_M)."""
    x_star, a_max = _fold(T)
    if not a_max > 0 or alpha > a_max * (1 + 1e-13):
        raise NoSolutionError(
            f"no retrieval solution at alpha={alpha:g}, T={T:g}: retrieval exists only for "
            f"alpha <= alpha_M(T) = {a_max:.10g}" + (" (none for T >= 1)" if T >= 1 else "")
        )
    if alpha >= a_max:
        return x_star
    hi = 2.0 * x_star
    while _alpha_of_x(T, hi) > alpha:
        hi *= 2.0
        if hi > 1e12:
            raise ConvergenceError(f"retrieval: could not bracket alpha={alpha:g} at T={T:g}")
    return optimize.brentq(lambda x: _alpha_of_x(T, x) - alpha, x_star, hi, xtol=1e-13 * hi,
                           rtol=4 * np.finfo(float).eps, maxiter=300)


def _solve_retrieval(alpha: float, T: float) -> AGSSolution:
    x = _retrieval_x(alpha, T)
    _a, m, s, c, q, omq = _retrieval_point(T, x)
    return _finish(alpha, T, "retrieval", m, s, c, q, omq)


def _sg_point(T: float, s: float):
    """``(alpha, C, q)`` on the spin-glass branch at ``σ = √(αr)``."""
    _m1, q, c, *_ = moments(T, 0.0, s)
    return s * s * (1.0 - c) ** 2 / q, c, q


@functools.lru_cache(maxsize=4096)
def _sg_sigma_min(T: float) -> float:
    """Smallest σ of the SG branch: ``C(σ) = 1`` for T < 1, 0 for T ≥ 1."""
    if T >= 1.0:
        return 0.0
    if T == 0.0:
        return _SQRT_2_OVER_PI
    hi = 1.0
    while moments(T, 0.0, hi)[2] >= 1.0:
        hi *= 2.0
    return optimize.brentq(lambda s: moments(T, 0.0, s)[2] - 1.0, 0.0, hi, xtol=1e-16,
                           rtol=4 * np.finfo(float).eps)


def _sg_sigma(alpha: float, T: float) -> float:
    if T == 0.0:
        return math.sqrt(alpha) + _SQRT_2_OVER_PI
    lo = _sg_sigma_min(T)
    if T >= 1.0:
        if alpha <= (T - 1.0) ** 2:
            raise NoSolutionError(
                f"no spin-glass solution at alpha={alpha:g}, T={T:g}: it exists only below "
                f"T_g = 1 + sqrt(alpha) = {1 + math.sqrt(alpha):.10g}"
            )
        lo = max(lo, 1e-9)
    hi = max(2.0 * lo, 1.0)
    while _sg_point(T, hi)[0] < alpha:
        hi *= 2.0
        if hi > 1e8:
            raise ConvergenceError(f"spin glass: could not bracket alpha={alpha:g} at T={T:g}")
    return optimize.brentq(lambda s: _sg_point(T, s)[0] - alpha, lo, hi, xtol=1e-15,
                           rtol=4 * np.finfo(float).eps, maxiter=300)


def _solve_spin_glass(alpha: float, T: float) -> AGSSolution:
    s = _sg_sigma(alpha, T)
    if T == 0.0:
        c = _SQRT_2_OVER_PI / s
        return _finish(alpha, T, "spin_glass", 0.0, s, c, 1.0, 0.0)
    _a, c, q = _sg_point(T, s)
    return _finish(alpha, T, "spin_glass", 0.0, s, c, q, T * c)


def _solve_paramagnet(alpha: float, T: float) -> AGSSolution:
    if T <= 1.0:
        raise NoSolutionError(
            f"the paramagnetic RS solution (m = q = r = 0) needs T > 1 so that "
            f"1 - beta(1 - q) = 1 - 1/T > 0; got T={T:g}"
        )
    C = 1.0 / T
    return _finish(alpha, T, "paramagnet", 0.0, 0.0, C, 0.0, 1.0)


def ags_solve(alpha: float, T: float = 0.0, branch: str = "retrieval") -> AGSSolution:
    r"""Solve the AGS replica-symmetric equations on one branch.

    Parameters
    ----------
    alpha : float
        Load ``P/N`` (> 0).
    T : float
        Temperature (>= 0).
    branch : {"retrieval", "spin_glass", "paramagnet"}
        ``retrieval``: ``m > 0`` (exists for ``α <= α_M(T)``); ``spin_glass``: ``m = 0``,
        ``q > 0`` (exists below ``T_g = 1 + √α``); ``paramagnet``: ``m = q = 0`` (``T > 1``).

    Returns
    -------
    AGSSolution
        With ``residual`` and ``converged``; a :class:`ConvergenceWarning` is issued if the
        residual exceeds 1e-9.

    Raises
    ------
    NoSolutionError
        (a ``ValueError``) if the branch does not exist at ``(alpha, T)``.

    Notes
    -----
    See the module docstring for the equations. At ``T = 0`` the limit is taken with
    ``C = β(1-q)`` finite: ``m = erf(y)``, ``C = (2/√π) y e^{-y²}/m``, ``r = (1-C)^{-2}`` with
    ``y = m/√(2αr)``, and the energy is ``u = -m²/2 - (α/2)(r - 1)``.

    Examples
    --------
    >>> sol = ags_solve(0.1, 0.0)
    >>> round(sol.m, 6), sol.converged
    (0.997999, True)
    """
    alpha = check_alpha(alpha)
    T = check_temperature(T)
    check_choice(branch, "branch", BRANCHES)
    if branch == "retrieval":
        sol = _solve_retrieval(alpha, T)
    elif branch == "spin_glass":
        sol = _solve_spin_glass(alpha, T)
    else:
        sol = _solve_paramagnet(alpha, T)
    if not sol.converged:
        warn_not_converged(f"ags_solve({alpha:g}, T={T:g}, branch={branch!r})", sol.residual)
    return sol


def retrieval_branch(T: float = 0.0) -> tuple[float, float]:
    """``(x*, α_M(T))``: fold of the retrieval branch at temperature ``T``.

    ``x* = m/√(αr)`` at the fold; ``α_M(T)`` is the largest load with a retrieval solution
    (0 for ``T >= 1``). Cached per temperature. A bare tuple for convenience: it raises
    :class:`ConvergenceError` when the fold's residual (see
    :func:`~esorma.replica.spinodal_alpha`, which returns it) exceeds 1e-9, so it never
    returns an unconverged number.

    Examples
    --------
    >>> round(retrieval_branch(0.0)[1], 6)
    0.137906
    """
    T = check_temperature(T)
    x_star, a_max = _fold(T)
    res = _fold_residual(T)
    if not res <= RESIDUAL_TOL:
        raise ConvergenceError(f"retrieval_branch(T={T:g}): fold residual {res:.3g} > "
                               f"{RESIDUAL_TOL:g}")
    return x_star, a_max


def retrieval_overlap(alphas, T: float = 0.0) -> np.ndarray:
    """Theoretical overlap ``m(α)`` on the retrieval branch; NaN where it does not exist.

    Parameters
    ----------
    alphas : float or array_like
        Loads ``>= 0`` (``α = 0`` gives the Curie-Weiss value ``m = tanh(m/T)``, NaN for
        ``T >= 1``).
    T : float
        Temperature (>= 0).

    Returns
    -------
    numpy.ndarray
        ``m(α)`` with the shape of ``np.atleast_1d(alphas)``; NaN for ``α > α_M(T)``. A
        plain array for overlays (use :func:`ags_solve` for the full solution): every point's
        saddle-point residual is still checked and a :class:`ConvergenceWarning` names the
        points above 1e-9.

    Examples
    --------
    >>> m = retrieval_overlap([0.05, 0.13, 0.2])
    >>> bool(m[0] > m[1] > 0.96), bool(np.isnan(m[2]))
    (True, True)
    """
    arr = check_array(alphas, "alphas", minimum=0.0)
    T = check_temperature(T)
    out = np.full(arr.shape, np.nan)
    worst, bad = 0.0, []
    for i, a in enumerate(arr):
        if a == 0.0:
            out[i] = _curie_weiss(T)
            continue
        try:
            x = _retrieval_x(float(a), T)
        except NoSolutionError:
            continue
        _a, m, s, c, q, omq = _retrieval_point(T, x)
        res = _finish(float(a), T, "retrieval", m, s, c, q, omq).residual
        if not res <= RESIDUAL_TOL:
            worst, bad = max(worst, res), bad + [float(a)]
        out[i] = m
    if bad:
        warn_not_converged(f"retrieval_overlap(T={T:g}) at alpha={bad[:3]}", worst)
    return out


def _curie_weiss(T: float) -> float:
    """Largest root of ``m = tanh(m/T)`` (NaN for T >= 1: no retrieval state)."""
    if T == 0.0:
        return 1.0
    if T >= 1.0:
        return math.nan
    return optimize.brentq(lambda m: math.tanh(m / T) - m, 1e-3 * math.sqrt(1 - T) * 1e-3, 1.0,
                           xtol=1e-16)


# --------------------------------------------------------------------------- capacity


def _t0_system(v):
    """Residuals of the T = 0 equations in (m, C, r) at α, plus the fold condition."""
    m, C, r, alpha = v
    s = math.sqrt(2.0 * alpha * r)
    a = m / s
    ea = math.exp(-a * a)
    G = 2.0 / (math.sqrt(math.pi) * s) * ea
    F = np.array([m - math.erf(a), C - G, r * (1.0 - C) ** 2 - 1.0])
    jac = np.array(
        [
            [1.0 - 2.0 / math.sqrt(math.pi) * ea / s, 0.0, a / r * ea / math.sqrt(math.pi)],
            [G * 2.0 * a / s, 1.0, -G * (2.0 * a * a - 1.0) / (2.0 * r)],
            [0.0, -2.0 * r * (1.0 - C), (1.0 - C) ** 2],
        ]
    )
    # Scale the determinant so that it is O(1) near the fold.
    return np.append(F, np.linalg.det(jac)), jac


def ags_capacity(T: float = 0.0) -> AGSCapacity:
    r"""The AGS storage capacity ``α_c`` (the retrieval spinodal ``α_M(T)``).

    At ``T = 0`` the saddle-point equations in ``(m, C, r)``

    .. math::

        m = \operatorname{erf}\frac{m}{\sqrt{2\alpha r}}, \quad
        C = \sqrt{\frac{2}{\pi\alpha r}}\, e^{-m^2/(2\alpha r)}, \quad r = (1 - C)^{-2}

    are solved together with the fold condition ``det ∂F/∂(m, C, r) = 0`` as one 4-D Newton
    system in ``(m, C, r, α)``, started from a coarse scan. (The closed form in
    :func:`ags_capacity_closed_form` is an independent check.) At ``T > 0`` the fold is the
    maximum of ``α(x)`` along the retrieval branch.

    Parameters
    ----------
    T : float
        Temperature (>= 0; default 0).

    Returns
    -------
    AGSCapacity
        ``alpha_c`` (0.1379...), ``m`` (0.967...), ``error_fraction`` ((1-m)/2), ``C``, ``r``,
        ``residual``, ``converged``.

    Examples
    --------
    >>> cap = ags_capacity()
    >>> round(cap.alpha_c, 5), round(cap.m, 4), cap.converged
    (0.13791, 0.9674, True)
    """
    T = check_temperature(T)
    if T > 0.0:
        x_star, a_max = _fold(T)
        if not a_max > 0:
            raise NoSolutionError(f"no retrieval solution at T={T:g} (T >= 1)")
        sol = _solve_retrieval(a_max, T)
        y = x_star / math.sqrt(2.0)
        out = AGSCapacity(a_max, sol.m, (1 - sol.m) / 2, sol.C, sol.r, y, T, sol.residual,
                          sol.converged, "fold of the retrieval branch (max of alpha(x))")
    else:
        out = _capacity_t0()
    if not out.converged:
        warn_not_converged(f"ags_capacity(T={T:g})", out.residual)
    return out


@functools.lru_cache(maxsize=1)
def _capacity_t0() -> AGSCapacity:
    # Coarse start: scan x on the T = 0 branch (σ = erf(x/√2)/x), no maximisation.
    # Pure Python (no compiled kernel): sigma = erf(x/√2)/x, C = 2 φ(x)/σ at T = 0.
    def point(x):
        s = math.erf(x / math.sqrt(2.0)) / x
        c = 2.0 * math.exp(-0.5 * x * x) / (math.sqrt(2.0 * math.pi) * s)
        return s * s * (1.0 - c) ** 2, s * x, c

    best = max(np.linspace(0.5, 5.0, 46), key=lambda x: point(x)[0])
    a0, m0, c0 = point(best)
    v0 = np.array([m0, c0, 1.0 / (1.0 - c0) ** 2, a0])
    sol = optimize.root(lambda v: _t0_system(v)[0], v0, method="hybr",
                        options={"xtol": 1e-15, "maxfev": 2000})
    m, C, r, alpha = (float(t) for t in sol.x)
    res_vec, _ = _t0_system(sol.x)
    residual = float(np.max(np.abs(res_vec)))
    y = m / math.sqrt(2 * alpha * r)
    ok = bool(residual <= RESIDUAL_TOL)
    return AGSCapacity(alpha, m, (1.0 - m) / 2.0, C, r, y, 0.0, residual, ok,
                       "T=0 saddle point + fold condition (4-D Newton)")


def _alpha_closed(y: float) -> float:
    """``α(y) = [erf y - (2/√π) y e^{-y²}]² / (2y²)`` (T = 0 retrieval branch)."""
    return (special.erf(y) - 2.0 / math.sqrt(math.pi) * y * math.exp(-y * y)) ** 2 / (2 * y * y)


def ags_capacity_closed_form() -> tuple[float, float, float]:
    r"""``(α_c, m_c, y_c)`` from the ``T = 0`` closed form (independent check of α_c).

    Eliminating ``C`` and ``r`` at ``T = 0`` gives, with ``y = m/√(2αr)``,

    .. math:: \alpha(y) = \frac{\big[\operatorname{erf} y - \tfrac{2}{\sqrt\pi}\, y\,
              e^{-y^2}\big]^2}{2 y^2},\qquad m = \operatorname{erf} y ,

    and ``α_c = max_y α(y)``; the maximum is found as the root of ``dα/dy`` (analytic). A bare
    tuple (an independent check, see :func:`ags_capacity` for the result with diagnostics);
    it raises :class:`ConvergenceError` if ``|d ln α/dy| > 1e-9`` at the root.

    Examples
    --------
    >>> a, m, y = ags_capacity_closed_form()
    >>> round(a, 6)
    0.137906
    """

    def dlog(y):
        # d/dy ln α(y) = 2 g'(y)/g(y) - 2/y with g = erf y - (2/√π) y e^{-y²},
        # g'(y) = (4/√π) y² e^{-y²}.
        g = special.erf(y) - 2.0 / math.sqrt(math.pi) * y * math.exp(-y * y)
        return 2.0 * (4.0 / math.sqrt(math.pi) * y * y * math.exp(-y * y)) / g - 2.0 / y

    y = optimize.brentq(dlog, 0.5, 3.0, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    if not abs(dlog(y)) <= RESIDUAL_TOL:
        raise ConvergenceError(f"ags_capacity_closed_form: |d ln alpha/dy| = {abs(dlog(y)):.3g}")
    return float(_alpha_closed(y)), float(special.erf(y)), float(y)


# --------------------------------------------------------------------------- first order


def _delta_f(T: float, x: float) -> float:
    """``f_retrieval - f_spin_glass`` at the load of the retrieval point ``x``."""
    a, m, s, c, q, omq = _retrieval_point(T, x)
    ret = _finish(a, T, "retrieval", m, s, c, q, omq)
    sg = _solve_spin_glass(a, T)
    return ret.free_energy - sg.free_energy


@functools.lru_cache(maxsize=4096)
def _first_order(T: float):
    x_star, a_max = _fold(T)
    if not a_max > 0:
        return math.nan, math.nan
    if _delta_f(T, x_star) <= 0:
        return x_star, a_max
    hi = 2.0 * x_star
    while _delta_f(T, hi) > 0:
        hi *= 2.0
        if hi > 1e9:
            return math.nan, math.nan
    x = optimize.brentq(lambda x: _delta_f(T, x), x_star, hi, xtol=1e-13 * hi,
                        rtol=4 * np.finfo(float).eps, maxiter=300)
    return x, _alpha_of_x(T, x)


def _first_order_point(T: float):
    """``(alpha, m, free_energy, residual)`` of the first-order transition at ``0 <= T < 1``.

    The residual is the largest of the two saddle-point residuals (retrieval and spin glass
    at the same load) and ``|f_ret - f_SG|``. Raises :class:`ConvergenceError` when
    ``f_ret = f_SG`` could not be bracketed.
    """
    x, a = _first_order(T)
    if not math.isfinite(a):
        raise ConvergenceError(f"first-order transition: could not bracket f_ret = f_SG at "
                               f"T={T:g}")
    _a, m, s, c, q, omq = _retrieval_point(T, x)
    ret = _finish(a, T, "retrieval", m, s, c, q, omq)
    sg = _solve_spin_glass(a, T)
    res = max(ret.residual, sg.residual, abs(ret.free_energy - sg.free_energy))
    return float(a), ret.m, ret.free_energy, float(res)


def ags_first_order(T: float = 0.0) -> AGSTransition:
    """Load at which retrieval states stop being the global minimum (``f_ret = f_SG``).

    Parameters
    ----------
    T : float
        Temperature in ``[0, 1)``.

    Returns
    -------
    AGSTransition
        ``alpha`` (0.0518543 at ``T = 0``), the overlap ``m`` there and the common free
        energy; ``residual`` is the largest of the two saddle-point residuals and
        ``|f_ret - f_SG|``.

    Examples
    --------
    >>> round(ags_first_order(0.0).alpha, 7)
    0.0518543
    """
    T = check_temperature(T)
    if T >= 1.0:
        raise NoSolutionError(f"no retrieval states at T={T:g} >= 1, hence no transition")
    a, m, f, res = _first_order_point(T)
    out = AGSTransition(a, T, m, f, res, res <= RESIDUAL_TOL)
    if not out.converged:
        warn_not_converged(f"ags_first_order(T={T:g})", res)
    return out

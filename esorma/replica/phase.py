r"""The AGS phase diagram of the Hopfield model in the (α, T) plane.

Three lines (Amit, Gutfreund & Sompolinsky 1987, Fig. 1):

``T_g(α)``
    paramagnet → spin glass, analytically ``1 + √α``; found numerically as the temperature at
    which the spin-glass branch bifurcates from ``q = 0``.
``T_M(α)``
    retrieval states exist below it (the spinodal; ``α_M(T)`` is the fold of the retrieval
    branch, ``α_M(0) = α_c = 0.1379...``). Small α: ``T_M ≈ 1 - 1.95 √α``.
``T_c(α)``
    retrieval states are the global minimum below it (``f_ret = f_SG``; ``α = 0.0518543`` at
    ``T = 0``). Small α: ``T_c ≈ 1 - 2.6 √α``.

Both ``α_M(T)`` and the first-order line ``α_c(T)`` are single-valued functions of ``T`` but
slightly re-entrant: they first *increase* with ``T`` (maxima 0.138189 at ``T ≈ 0.023`` and
0.053132 at ``T ≈ 0.085``), an artefact of replica symmetry. So for α just above the ``T = 0``
values ``T_M(α)`` (and ``T_c(α)``) has two roots; :func:`retrieval_temperatures` and
:func:`first_order_temperatures` return all of them (found by scanning and bracketing, never
by a single bisection that could land on either).

Every function returns a result with residuals and a ``converged`` flag
(:class:`~esorma.replica.LineResult`, :class:`~esorma.replica.TemperatureRoots`,
:class:`PhaseDiagram`) and issues a :class:`~esorma.replica.ConvergenceWarning` when a point
did not converge.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from esorma._results import summarized
from esorma._validation import check_int
from esorma.replica import ags as _ags
from esorma.replica._common import (
    RESIDUAL_TOL,
    ConvergenceError,
    ConvergenceWarning,
    LineResult,
    TemperatureRoots,
    check_alpha,
    check_array,
    line_result,
)
from esorma.replica._gauss import gaussian_moments as moments

__all__ = [
    "PhaseDiagram",
    "phase_diagram",
    "spin_glass_temperature",
    "retrieval_temperatures",
    "first_order_temperatures",
    "spinodal_alpha",
    "first_order_alpha",
]


def _alpha_sg_onset(T: float, sigma: float = 1e-7) -> float:
    """α on the spin-glass branch at a tiny σ = √(αr): the bifurcation from q = 0."""
    _m1, q, c, *_ = moments(T, 0.0, sigma)
    return sigma * sigma * (1.0 - c) ** 2 / q


def spin_glass_temperature(alpha) -> LineResult:
    r"""``T_g(α)``: paramagnet → spin-glass transition, computed numerically.

    The spin-glass branch (``m = 0``) bifurcates from ``q = 0`` where the linearised
    ``q``-equation has slope one; numerically, ``T_g`` is the root in ``T > 1`` of
    ``α_SG(σ → 0; T) = α`` with ``α_SG(σ) = σ²(1 - C)²/q`` evaluated by quadrature at
    ``σ = 1e-7``. Analytically ``T_g = 1 + √α``.

    Parameters
    ----------
    alpha : float or array_like
        Loads ``>= 0``.

    Returns
    -------
    LineResult
        ``value`` = ``T_g``; ``residual`` = ``|α_SG(σ; T_g) - α|``.

    Examples
    --------
    >>> res = spin_glass_temperature(0.04)
    >>> round(res.value, 10), res.converged
    (1.2, True)
    """
    arr = check_array(alpha, "alpha", minimum=0.0)
    out = np.empty_like(arr)
    res = np.zeros_like(arr)
    for i, a in enumerate(arr):
        if a == 0.0:
            out[i] = 1.0
            continue
        hi = 2.0 + 2.0 * math.sqrt(a)
        out[i] = optimize.brentq(lambda T: _alpha_sg_onset(T) - a, 1.0, hi, xtol=1e-14,
                                 rtol=4 * np.finfo(float).eps)
        res[i] = abs(_alpha_sg_onset(out[i]) - a)
    return line_result("T_g(alpha)", alpha, arr, out, res,
                       "Brent root in T of alpha_SG(sigma=1e-7; T) = alpha "
                       "on [1, 2 + 2 sqrt(alpha)]")


def spinodal_alpha(T) -> LineResult:
    """``α_M(T)``: the largest load with a retrieval solution at temperature ``T``.

    Parameters
    ----------
    T : float or array_like
        Temperatures ``>= 0`` (``α_M = 0`` exactly for ``T >= 1``: no retrieval states).

    Returns
    -------
    LineResult
        ``value`` = ``α_M(T)``; ``residual`` = the larger of the saddle-point residual at the
        fold and the error of ``α_M`` implied by the fold condition ``dα/dx = 0`` there
        (``α'²/(2|α''|)``, central differences; inf if the point is not a maximum).

    Examples
    --------
    >>> res = spinodal_alpha(0.0)
    >>> round(res.value, 8), res.converged
    (0.13790557, True)
    """
    arr = check_array(T, "T", minimum=0.0)
    out = np.empty_like(arr)
    res = np.empty_like(arr)
    for i, t in enumerate(arr):
        try:
            out[i] = _ags._fold(float(t))[1]
            res[i] = _ags._fold_residual(float(t))
        except ConvergenceError:
            out[i], res[i] = np.nan, np.inf
    return line_result("alpha_M(T)", T, arr, out, res,
                       "bounded Brent maximum of alpha(x) along the retrieval branch")


def first_order_alpha(T) -> LineResult:
    """``α_c(T)``: load where ``f_retrieval = f_spin_glass``.

    Parameters
    ----------
    T : float or array_like
        Temperatures ``>= 0`` (``α_c = 0`` exactly for ``T >= 1``: no retrieval states).

    Returns
    -------
    LineResult
        ``value`` = ``α_c(T)`` (NaN where ``f_ret = f_SG`` could not be bracketed);
        ``residual`` as in :func:`~esorma.replica.ags_first_order`.

    Examples
    --------
    >>> res = first_order_alpha(0.0)
    >>> round(res.value, 7), res.converged
    (0.0518543, True)
    """
    arr = check_array(T, "T", minimum=0.0)
    out = np.zeros_like(arr)
    res = np.zeros_like(arr)
    for i, t in enumerate(arr):
        if t >= 1.0:
            continue
        try:
            out[i], _m, _f, res[i] = _ags._first_order_point(float(t))
        except ConvergenceError:
            out[i], res[i] = np.nan, np.inf
    return line_result("alpha_c(T)", T, arr, out, res,
                       "Brent root of f_ret - f_SG along the stable retrieval branch")


def _all_roots(func, alpha: float, grid: np.ndarray):
    """All T in the grid's span with func(T) = alpha (scan + Brent on each sign change)."""
    vals = np.array([func(t) for t in grid]) - alpha
    roots = []
    for k in range(len(grid) - 1):
        a, b = vals[k], vals[k + 1]
        if a == 0.0:
            roots.append(float(grid[k]))
        elif a * b < 0:
            roots.append(float(optimize.brentq(lambda t: func(t) - alpha, grid[k], grid[k + 1],
                                               xtol=1e-13, rtol=4 * np.finfo(float).eps)))
    residuals = tuple(float(abs(func(t) - alpha)) for t in roots)
    return tuple(roots), residuals


def _roots_result(line: str, alpha: float, roots, residuals, n_scan: int) -> TemperatureRoots:
    ok = all(r <= RESIDUAL_TOL for r in residuals)
    out = TemperatureRoots(line=line, alpha=alpha, roots=roots, residuals=residuals,
                           converged=ok,
                           method=f"scan of {n_scan} temperatures in [0, 1) + Brent on each "
                                  "sign change")
    if not ok:
        warnings.warn(f"{line}(alpha={alpha:g}): roots {roots} have residuals {residuals} "
                      f"> {RESIDUAL_TOL:g}", ConvergenceWarning, stacklevel=3)
    return out


def _t_grid(n_scan: int) -> np.ndarray:
    # Dense at low T (where the lines are re-entrant) and near T = 1 (small α).
    lo = np.linspace(0.0, 0.2, n_scan // 2, endpoint=False)
    hi = 1.0 - np.geomspace(0.8, 1e-6, n_scan - n_scan // 2)
    return np.concatenate([lo, hi])


def retrieval_temperatures(alpha, n_scan: int = 80) -> TemperatureRoots:
    r"""All temperatures ``T`` with ``α_M(T) = α``: the line ``T_M(α)`` and its re-entrance.

    For ``α < α_c(0) = 0.13790557`` there is one root (retrieval exists for ``T < T_M``). For
    ``α_c(0) < α < max_T α_M = 0.138189`` there are two (retrieval exists only for
    ``T_low < T < T_high``: the RS re-entrance); above, none.

    Parameters
    ----------
    alpha : float
        Load > 0.
    n_scan : int
        Number of temperatures scanned for sign changes before bracketing (default 80).

    Returns
    -------
    TemperatureRoots
        ``roots`` in increasing order, with ``residuals = |α_M(T) - α|``.

    Examples
    --------
    >>> len(retrieval_temperatures(0.1).roots), len(retrieval_temperatures(0.138).roots)
    (1, 2)
    """
    alpha = check_alpha(alpha)
    n_scan = check_int(n_scan, "n_scan", minimum=10)
    roots, res = _all_roots(lambda t: _ags._fold(float(t))[1], alpha, _t_grid(n_scan))
    return _roots_result("T_M", alpha, roots, res, n_scan)


def first_order_temperatures(alpha, n_scan: int = 80) -> TemperatureRoots:
    r"""All temperatures ``T`` with ``α_c(T) = α``: the line ``T_c(α)`` (global-minimum line).

    Like :func:`retrieval_temperatures`; the first-order line is re-entrant too (maximum
    0.053132 near ``T ≈ 0.085`` against 0.0518543 at ``T = 0``).

    Examples
    --------
    >>> round(first_order_temperatures(0.01).roots[0], 4)
    0.7216
    """
    alpha = check_alpha(alpha)
    n_scan = check_int(n_scan, "n_scan", minimum=10)

    def f(t):
        a = _ags._first_order(float(t))[1]
        return a if math.isfinite(a) else 0.0

    roots, res = _all_roots(f, alpha, _t_grid(n_scan))
    return _roots_result("T_c", alpha, roots, res, n_scan)


@summarized
@dataclass(frozen=True)
class PhaseDiagram:
    """The AGS (α, T) phase diagram.

    Attributes
    ----------
    alphas, T_g : numpy.ndarray
        ``T_g(α)`` on the load grid (paramagnet above, spin glass below).
    temperatures : numpy.ndarray
        Temperature grid of the two retrieval lines.
    alpha_M : numpy.ndarray
        ``α_M(T)``: retrieval states exist for ``α < α_M(T)`` (the line ``T_M``).
    alpha_c : numpy.ndarray
        ``α_c(T)``: retrieval states are the global minimum for ``α < α_c(T)`` (``T_c``).
    capacity : AGSCapacity
        The ``T = 0`` capacity (0.13790557, m = 0.967).
    alpha_first_order : float
        ``α_c(T = 0)`` = 0.0518543.
    alpha_M_max, T_at_alpha_M_max : float
        Maximum of ``α_M(T)`` and where (re-entrance when ``T_at_alpha_M_max > 0``).
    alpha_c_max, T_at_alpha_c_max : float
        The same for the first-order line.
    converged : dict
        Per line (``"T_g"``, ``"T_M"``, ``"T_c"``), a boolean array: residual <= 1e-9
        (points that failed are NaN).
    residuals : dict
        Per line, the residuals of :func:`spin_glass_temperature`, :func:`spinodal_alpha`
        and :func:`first_order_alpha`.
    seconds : float
        Wall time of the computation.
    """

    alphas: np.ndarray = field(metadata={"unit": "1", "description": "load alpha = P/N of T_g"})
    T_g: np.ndarray = field(metadata={
        "unit": "T_c(alpha=0) = 1", "description": "paramagnet -> spin glass, T_g(alpha)"})
    temperatures: np.ndarray = field(metadata={
        "unit": "T_c(alpha=0) = 1", "description": "temperature T of alpha_M and alpha_c"})
    alpha_M: np.ndarray = field(metadata={
        "unit": "1", "description": "largest load with retrieval states at T (line T_M)"})
    alpha_c: np.ndarray = field(metadata={
        "unit": "1", "description": "largest load where retrieval is the global minimum (T_c)"})
    capacity: _ags.AGSCapacity
    alpha_first_order: float
    alpha_M_max: float
    T_at_alpha_M_max: float
    alpha_c_max: float
    T_at_alpha_c_max: float
    converged: dict = field(default_factory=dict)
    residuals: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def reentrant(self) -> bool:
        """True when the retrieval spinodal peaks at ``T > 0`` (RS re-entrance)."""
        return bool(self.T_at_alpha_M_max > 0 and self.alpha_M_max > self.capacity.alpha_c)

    def summary(self) -> dict:
        """The key numbers (JSON-friendly)."""
        return {
            "alpha_c": self.capacity.alpha_c,
            "m_at_alpha_c": self.capacity.m,
            "error_fraction_at_alpha_c": self.capacity.error_fraction,
            "alpha_first_order_T0": self.alpha_first_order,
            "alpha_M_max": self.alpha_M_max,
            "T_at_alpha_M_max": self.T_at_alpha_M_max,
            "alpha_c_max": self.alpha_c_max,
            "T_at_alpha_c_max": self.T_at_alpha_c_max,
            "reentrant": self.reentrant,
            "n_points": int(self.temperatures.size),
            "all_converged": bool(all(np.all(v) for v in self.converged.values())),
        }


def _peak(T0: float, T1: float, func):
    res = optimize.minimize_scalar(lambda t: -func(t), bounds=(T0, T1), method="bounded",
                                   options={"xatol": 1e-9})
    return float(-res.fun), float(res.x)


def phase_diagram(alphas=None, temperatures=None, n_points: int = 200) -> PhaseDiagram:
    r"""Compute the three lines of the AGS phase diagram.

    Parameters
    ----------
    alphas : array_like, optional
        Loads for ``T_g(α)`` (default ``n_points`` values in ``[0, 0.16]``).
    temperatures : array_like, optional
        Temperatures for ``α_M(T)`` and ``α_c(T)`` (default ``n_points`` values in ``[0, 1]``,
        a fifth of them below ``T = 0.08`` to resolve the re-entrance).
    n_points : int
        Number of points of the default grids (default 200).

    Returns
    -------
    PhaseDiagram

    Notes
    -----
    ``T_M`` and ``T_c`` are computed as ``α_M(T)`` and ``α_c(T)``, functions of ``T`` that
    stay single-valued through the low-T re-entrance (see the module docstring); the exact
    maxima are located by a bounded Brent search. At ``T = 1`` both are 0.

    Examples
    --------
    >>> pd = phase_diagram(n_points=20)
    >>> round(pd.capacity.alpha_c, 6), pd.reentrant
    (0.137906, True)
    """
    import time

    t0 = time.perf_counter()
    n_points = check_int(n_points, "n_points", minimum=2)
    if alphas is None:
        alphas = np.linspace(0.0, 0.16, n_points)
    if temperatures is None:
        # a fifth of the points below T = 0.08, where both lines are re-entrant
        n_low = max(n_points // 5, 1)
        temperatures = np.concatenate([np.linspace(0.0, 0.08, n_low, endpoint=False),
                                       np.linspace(0.08, 1.0, n_points - n_low)])
    alphas = check_array(alphas, "alphas", minimum=0.0)
    temperatures = check_array(temperatures, "temperatures", minimum=0.0)
    with warnings.catch_warnings():
        # one warning for the whole diagram below, not one per line
        warnings.simplefilter("ignore", ConvergenceWarning)
        lines = {"T_g": spin_glass_temperature(alphas), "T_M": spinodal_alpha(temperatures),
                 "T_c": first_order_alpha(temperatures)}
    Tg, aM, ac = (np.atleast_1d(lines[k].value) for k in ("T_g", "T_M", "T_c"))
    cap = _ags.ags_capacity(0.0)
    a_first = float(_ags._first_order(0.0)[1])
    aM_max, T_M_max = _peak(0.0, 0.15, lambda t: _ags._fold(float(t))[1])
    ac_max, T_c_max = _peak(0.0, 0.3, lambda t: _ags._first_order(float(t))[1])
    bad = [k for k, v in lines.items() if not v.converged]
    if bad:
        warnings.warn(f"phase_diagram: some points did not converge on {bad} (see "
                      "PhaseDiagram.converged and .residuals)", ConvergenceWarning, stacklevel=2)
    return PhaseDiagram(
        alphas=alphas, T_g=Tg, temperatures=temperatures, alpha_M=aM, alpha_c=ac,
        capacity=cap, alpha_first_order=a_first, alpha_M_max=aM_max,
        T_at_alpha_M_max=T_M_max, alpha_c_max=ac_max, T_at_alpha_c_max=T_c_max,
        converged={k: v.converged_points for k, v in lines.items()},
        residuals={k: np.atleast_1d(v.residual) for k, v in lines.items()},
        seconds=time.perf_counter() - t0,
    )

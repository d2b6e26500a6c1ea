r"""The Sherrington-Kirkpatrick model in replica symmetry, and the de Almeida-Thouless line.

Couplings ``J_ij`` of mean 0 and variance ``J²/N``, uniform field ``h``. The RS equations are

.. math::

    q = \langle\!\langle \tanh^2\beta(h + J\sqrt q\,z)\rangle\!\rangle,\qquad
    m = \langle\!\langle \tanh\beta(h + J\sqrt q\,z)\rangle\!\rangle,

with free energy ``f = -(βJ²/4)(1 - q)² - T<ln 2cosh β(h + J√q z)>``, energy
``u = -(βJ²/2)(1 - q²) - h m`` and entropy
``s = -J²C²/4 + <ln 2cosh βx - βx tanh βx>`` where ``C = β(1 - q)`` (integrated directly).
At ``h = 0`` the spin-glass transition is at ``T = J``. RS is stable where the replicon
eigenvalue ``λ_AT = 1 - (βJ)² <sech⁴ β(h + J√q z)>`` is positive; ``λ_AT = 0`` is the
de Almeida-Thouless line, ``h² ≈ (4/3)(1 - T/J)³ J²`` near ``T = J``. At ``T → 0`` (``h = 0``)
the RS energy tends to ``-J√(2/π)`` and the entropy to ``-1/(2π) < 0``, the classic sign that
replica symmetry is wrong there.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from esorma._results import summarized
from esorma._validation import check_real
from esorma.replica._common import (
    RESIDUAL_TOL,
    ConvergenceError,
    LineResult,
    check_array,
    check_temperature,
    line_result,
    warn_not_converged,
)
from esorma.replica._gauss import gaussian_moments as moments

__all__ = ["SKSolution", "sk_solve", "at_line", "at_field", "H_AT_MAX"]


@summarized
@dataclass(frozen=True)
class SKSolution:
    """Replica-symmetric solution of the SK model at ``(T, h, J)``.

    Attributes
    ----------
    T, h, J : float
    q, m : float
        Edwards-Anderson parameter and magnetisation.
    one_minus_q, C : float
        ``1 - q`` (integrated directly) and ``C = β(1 - q)`` (finite at ``T = 0``).
    free_energy, energy, entropy : float
        Per spin (``f = u - T s``).
    at_eigenvalue : float
        ``1 - (βJ)² <sech⁴>`` (``-inf`` at ``T = 0``); RS is locally stable where it is >= 0.
    rs_stable : bool
    residual : float
        ``|q - <tanh²>|`` and ``|m - <tanh>|`` re-evaluated at the result (the larger).
    converged : bool
    """

    T: float
    h: float
    J: float
    q: float
    m: float
    one_minus_q: float
    C: float
    free_energy: float
    energy: float
    entropy: float
    at_eigenvalue: float
    rs_stable: bool
    residual: float
    converged: bool


def _q_residual(T: float, h: float, J: float, q: float) -> float:
    """``q - <tanh²>`` computed without cancellation on either side of q = 1/2."""
    mo = moments(T, h, J * math.sqrt(max(q, 0.0)))
    if q < 0.5:
        return q - mo[1]
    return T * mo[2] - (1.0 - q)


def _solve_q(T: float, h: float, J: float) -> float:
    if T == 0.0:
        return 1.0
    if h == 0.0:
        q_lo = 1e-14
        if _q_residual(T, h, J, q_lo) >= 0.0:
            return 0.0  # q = 0 is the only solution (the paramagnet, T >= J)
    else:
        q_lo = 0.0
    return optimize.brentq(lambda q: _q_residual(T, h, J, q), q_lo, 1.0, xtol=1e-16,
                           rtol=4 * np.finfo(float).eps, maxiter=400)


def _sk_solution(T: float, h: float, J: float) -> SKSolution:
    q = _solve_q(T, h, J)
    m1, q2, c, c4, lc, ent = moments(T, h, J * math.sqrt(q))
    if T == 0.0:
        q, omq, C = 1.0, 0.0, c
        f = u = -J * J * C - h * m1
        s = -J * J * C * C / 4.0
        lam = -math.inf
        res = 0.0
    else:
        omq, C = T * c, c
        u = -0.5 * J * J * C * (1.0 + q) - h * m1
        f = -0.25 * J * J * T * C * C - lc
        s = -0.25 * J * J * C * C + ent
        lam = 1.0 - J * J * c4 / T
        res = abs(q - q2) if q < 0.5 else abs((1.0 - q) - omq)
    return SKSolution(
        T=T, h=h, J=J, q=float(q), m=float(m1), one_minus_q=float(omq), C=float(C),
        free_energy=float(f), energy=float(u), entropy=float(s), at_eigenvalue=float(lam),
        rs_stable=bool(lam >= -1e-12), residual=float(res), converged=bool(res <= RESIDUAL_TOL),
    )


def sk_solve(T: float, h: float = 0.0, J: float = 1.0) -> SKSolution:
    r"""Solve the replica-symmetric SK equations.

    Parameters
    ----------
    T : float
        Temperature (>= 0; ``T = 0`` gives the limits with ``C = β(1-q)`` finite).
    h : float
        Uniform external field (any finite value; the solution is odd in ``h``).
    J : float
        Coupling strength (> 0): ``J_ij`` has variance ``J²/N``.

    Returns
    -------
    SKSolution

    Notes
    -----
    At ``h = 0`` the solver looks for the non-trivial root ``q > 0`` and returns ``q = 0``
    only when the slope of the ``q``-map at 0, ``(βJ)²``, is at most one — i.e. it finds
    ``T_c = J`` rather than assuming it. At ``T = 0``: ``C = √(2/π) e^{-h²/2J²}/J``,
    ``u = -J²C - h m``, ``s = -J²C²/4``.

    Examples
    --------
    >>> sol = sk_solve(0.0)
    >>> round(sol.energy, 6), round(sol.entropy, 6)
    (-0.797885, -0.159155)
    """
    T = check_temperature(T)
    h = check_real(h, "h")
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    sign = -1.0 if h < 0 else 1.0
    sol = _sk_solution(T, abs(h), J)
    if sign < 0:
        sol = SKSolution(**{**sol.__dict__, "h": h, "m": -sol.m})
    if not sol.converged:
        warn_not_converged(f"sk_solve(T={T:g}, h={h:g}, J={J:g})", sol.residual)
    return sol


#: Largest field handled by :func:`at_line` (in units of J); T_AT(7 J) = 1.2e-11 J.
H_AT_MAX = 7.0


def _at_margin(T: float, h: float, J: float) -> float:
    """``T λ_AT = T - J² β<sech⁴>`` (finite at T = 0)."""
    q = _solve_q(T, h, J)
    return T - J * J * moments(T, h, J * math.sqrt(q))[3]


def _at_residual(T: float, h: float, J: float) -> float:
    """``max(|λ_AT|, |q residual|)`` at ``(T, h)``: zero on the AT line."""
    q = _solve_q(T, h, J)
    mo = moments(T, h, J * math.sqrt(q))
    lam = 1.0 - J * J * mo[3] / T
    q_res = abs(q - mo[1]) if q < 0.5 else abs((1.0 - q) - T * mo[2])
    return max(abs(lam), q_res)


def _at_temperature(h: float, J: float) -> float:
    """Root in T of the replicon margin at field ``0 < h <= 7 J``."""
    lo = 1e-12 * J
    if _at_margin(lo, h, J) >= 0:
        raise ConvergenceError(f"at_line: T_AT(h={h:g}) is below {lo:g}")
    # xtol far below lo: the relative tolerance decides, also at T_AT ~ 1e-11 J
    return optimize.brentq(lambda T: _at_margin(T, h, J), lo, J, xtol=1e-14 * lo,
                           rtol=4 * np.finfo(float).eps, maxiter=300)


@functools.lru_cache(maxsize=1)
def _at_T_min() -> float:
    """``T_AT(7)`` at ``J = 1`` (≈ 1.2e-11): the lowest temperature :func:`at_field` resolves."""
    return _at_temperature(H_AT_MAX, 1.0)


def at_line(h, J: float = 1.0) -> LineResult:
    r"""The de Almeida-Thouless temperature ``T_AT(h)`` of the SK model.

    ``T_AT`` solves ``λ_AT = 1 - (βJ)² <sech⁴ β(h + J√q z)> = 0`` with ``q(T, h)`` the RS
    solution; below it replica symmetry is unstable. Near ``T = J``:
    ``h² ≈ (4/3) J² (1 - T/J)³``; for large ``h``: ``T_AT ≈ (4/3) J φ(h/J)`` (φ the standard
    normal density).

    Parameters
    ----------
    h : float or array_like
        Fields, ``|h| <= 7 J`` (at ``7 J``, ``T_AT = 1.2e-11 J``; beyond, ``T_AT`` is below the
        temperatures the solver resolves).
    J : float
        Coupling strength (> 0).

    Returns
    -------
    LineResult
        ``value`` = ``T_AT`` (``J`` at ``h = 0``); ``residual`` = ``max(|λ_AT|, |q - <tanh²>|)``
        at the root; a :class:`ConvergenceWarning` is issued if it exceeds 1e-9.

    Raises
    ------
    ValueError
        If ``|h| > 7 J`` or an input is not finite.

    Examples
    --------
    >>> round(at_line(0.0).value, 12)
    1.0
    >>> res = at_line(0.5)
    >>> 0.0 < res.value < 1.0, res.converged
    (True, True)
    """
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    hs = np.abs(check_array(h, "h"))
    if np.any(hs > H_AT_MAX * J):
        raise ValueError(f"h must satisfy |h| <= {H_AT_MAX:g} J = {H_AT_MAX * J:g} (T_AT(7 J) = "
                         f"1.2e-11 J is the lowest resolved); got max |h| = {hs.max():g}")
    out = np.empty_like(hs)
    res = np.zeros_like(hs)
    for i, hv in enumerate(hs):
        if hv == 0.0:
            out[i] = J  # exact: the AT line starts at the zero-field transition T = J
            continue
        out[i] = _at_temperature(float(hv), J)
        res[i] = _at_residual(out[i], float(hv), J)
    return line_result("T_AT(h)", h, hs, out, res,
                       "Brent root in T of T*lambda_AT(T, h) on [1e-12 J, J]")


def at_field(T, J: float = 1.0) -> LineResult:
    r"""The AT field ``h_AT(T)`` (inverse of :func:`at_line`): RS is unstable for ``|h| < h_AT``.

    Parameters
    ----------
    T : float or array_like
        Temperatures ``0 <= T < J``. ``T = 0`` gives ``h_AT = inf`` (at ``T = 0`` the replicon
        eigenvalue is ``-inf`` for every field, so RS is unstable everywhere). Temperatures in
        ``(0, T_AT(7 J))``, i.e. below ``1.2e-11 J``, are refused: there ``h_AT > 7 J``,
        outside the range of :func:`at_line`.
    J : float
        Coupling strength (> 0).

    Returns
    -------
    LineResult
        ``value`` = ``h_AT >= 0``; ``residual`` = ``max(|λ_AT|, |q - <tanh²>|)`` at the root
        (0 at ``T = 0``).

    Examples
    --------
    >>> round(at_field(0.99).value ** 2 / ((4 / 3) * 0.01 ** 3), 1)
    1.0
    >>> at_field(0.0).value
    inf
    """
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    Ts = check_array(T, "T", minimum=0.0)
    if np.any(Ts >= J):
        raise ValueError(f"T must be < J = {J:g} (no AT field above T = J); got {Ts.max():g}")
    t_min = _at_T_min() * J
    low = (Ts > 0) & (Ts < t_min)
    if np.any(low):
        raise ValueError(
            f"T must be 0 (h_AT = inf) or in [{t_min:.4g}, {J:g}) = [T_AT(7 J), J): below, "
            f"h_AT exceeds the range |h| <= 7 J of at_line; got {Ts[low][0]:g}"
        )
    hi = H_AT_MAX * J
    out = np.empty_like(Ts)
    res = np.zeros_like(Ts)
    for i, t in enumerate(Ts):
        t = float(t)
        if t == 0.0:
            out[i] = math.inf
            continue
        if _at_margin(t, hi, J) < 0.0:
            out[i] = hi  # t within rounding of T_AT(7 J): the residual below says how close
        else:
            out[i] = optimize.brentq(lambda h: _at_margin(t, h, J), 0.0, hi, xtol=1e-15 * J,
                                     rtol=4 * np.finfo(float).eps, maxiter=300)
        res[i] = _at_residual(t, float(out[i]), J)
    return line_result("h_AT(T)", T, Ts, out, res,
                       "Brent root in h of T*lambda_AT(T, h) on [0, 7 J]; T = 0: inf")

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

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from esorma._validation import check_real
from esorma.replica._common import (
    RESIDUAL_TOL,
    ConvergenceError,
    check_array,
    check_temperature,
    moments,
    warn_not_converged,
)

__all__ = ["SKSolution", "sk_solve", "at_line", "at_field"]


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


def _at_margin(T: float, h: float, J: float) -> float:
    """``T λ_AT = T - J² β<sech⁴>`` (finite at T = 0)."""
    q = _solve_q(T, h, J)
    return T - J * J * moments(T, h, J * math.sqrt(q))[3]


def at_line(h, J: float = 1.0):
    r"""The de Almeida-Thouless temperature ``T_AT(h)`` of the SK model.

    ``T_AT`` solves ``(βJ)² <sech⁴ β(h + J√q z)> = 1`` with ``q(T, h)`` the RS solution;
    below it replica symmetry is unstable. Near ``T = J``: ``h² ≈ (4/3) J² (1 - T/J)³``; for
    large ``h``: ``T_AT ≈ (4/3) J φ(h/J)`` (φ the standard normal density).

    Parameters
    ----------
    h : float or array_like
        Fields (``|h| <= 7 J``; above, ``T_AT`` is below 1e-10 J).
    J : float
        Coupling strength (> 0).

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(at_line(0.0)), 12)
    1.0
    >>> 0.0 < float(at_line(0.5)) < 1.0
    True
    """
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    hs = np.abs(check_array(h, "h", minimum=-np.inf))
    if np.any(hs > 7.0 * J):
        raise ValueError(f"h must satisfy |h| <= 7 J = {7 * J:g}; got max |h| = {hs.max():g}")
    out = np.empty_like(hs)
    for i, hv in enumerate(hs):
        if hv == 0.0:
            out[i] = J
            continue
        lo = 1e-12 * J
        if _at_margin(lo, hv, J) >= 0:
            raise ConvergenceError(f"at_line: T_AT(h={hv:g}) is below {lo:g}")
        out[i] = optimize.brentq(lambda T: _at_margin(T, hv, J), lo, J, xtol=1e-15,
                                 rtol=4 * np.finfo(float).eps, maxiter=300)
    return out if np.ndim(h) else float(out[0])


def at_field(T, J: float = 1.0):
    """The AT field ``h_AT(T)`` for ``0 <= T < J`` (inverse of :func:`at_line`).

    Examples
    --------
    >>> round(float(at_field(0.99)) ** 2 / ((4 / 3) * 0.01 ** 3), 1)
    1.0
    """
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    Ts = check_array(T, "T", minimum=0.0)
    if np.any(Ts >= J):
        raise ValueError(f"T must be < J = {J:g} (no AT field above T = J); got {Ts.max():g}")
    out = np.empty_like(Ts)
    for i, t in enumerate(Ts):
        hi = 0.1 * J
        while _at_margin(t, hi, J) < 0:
            hi *= 2.0
        out[i] = optimize.brentq(lambda h: _at_margin(t, h, J), 0.0, hi, xtol=1e-15, maxiter=300)
    return out if np.ndim(T) else float(out[0])


r"""One step of replica-symmetry breaking in the Hopfield model (AGS with 1RSB) at ``T = 0``.

(``T > 0``: the retrieval line ``α_M(T)`` and the ``(α, T)`` grid are in
:mod:`esorma.replica.rsb_thermal`, re-exported here.)

Within a block of Parisi size ``x`` the spin overlap is ``q_1`` and the noise parameter ``r_1``,
between blocks ``q_0``, ``r_0``. At ``T = 0``: ``q_1 → 1`` with ``C_1 = β(1 - q_1)`` finite and
``x → 0`` with ``μ = βx`` finite. With ``D_1 = 1 - C_1`` and ``D_0 = D_1 - μ(1 - q_0)`` the
ground-state energy of the retrieval state is

.. math::

    f = \frac{\alpha}2 + \frac{m^2}2 + \frac{\alpha}{2\mu}\ln\frac{D_0}{D_1}
        - \frac{\alpha q_0}{2D_0} + \frac{\alpha}2 r_1 C_1 + \frac{\alpha\mu}2 (r_1 - r_0 q_0)
        - \int\! Dz_0\,\frac1\mu\ln\!\int\! Dz_1\, e^{\mu|m + \sigma_0 z_0 + \sigma_1 z_1|},

``σ_0² = α r_0``, ``σ_1² = α(r_1 - r_0)`` (the inner integral in closed form with ``Φ``). The
saddle point gives ``r_0 = q_0/D_0²``, ``r_1 = r_0 + (1/D_0 - 1/D_1)/μ`` and, with
``ψ(a) = μ^{-1}\ln Z(a)``: ``m = <ψ'>``, ``q_0 = <ψ'²>``,
``C_1 = <2φ(a/σ_1)/(σ_1 Z)>`` and ``∂f/∂μ = 0``. RS is the limit ``q_0 → 1``.

The capacity is the fold of the retrieval branch, ``α_c = max_m α(m)``, with the branch
parametrised by ``m`` (four equations for ``α, q_0, C_1, μ``). Result: ``α_c^{1RSB} = 0.138186``
(RS: 0.1379056), as found by Steffan & Kühn, Z. Phys. B 95, 249 (1994) — not the 0.144 of
Crisanti, Amit & Gutfreund (1986), which Steffan & Kühn could not confirm.

Quadrature: ``z_0`` on composite Gauss-Legendre panels on ``[-11, 11]`` refined around the
kink ``a = 0`` of the integrand (width ``σ_1/σ_0``, which is ~0.05: Gauss-Hermite with 120
nodes is not accurate enough there and produces spurious solutions).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from esorma._results import summarized
from esorma.replica._common import (
    RESIDUAL_TOL,
    ConvergenceError,
    LineResult,
    NoSolutionError,
    check_alpha,
    check_array,
    line_result,
    warn_not_converged,
)

__all__ = [
    "Hopfield1RSB",
    "Hopfield1RSBCapacity",
    "hopfield_1rsb",
    "hopfield_1rsb_capacity",
    "hopfield_1rsb_overlap",
    "hopfield_1rsb_spinodal",
    "hopfield_1rsb_grid",
    "Hopfield1RSBGrid",
]

_LN = special.log_ndtr
#: A point of the branch near the fold (Newton's starting point; every solution is re-checked).
_SEED = (0.9675, np.array([0.13818, 0.99662, 0.0519, 37.65]))


@functools.lru_cache(maxsize=1)
def _legendre():
    return np.polynomial.legendre.leggauss(6)


def _nodes(zs: float, w: float, step: float = 0.25):
    gx, gw = _legendre()
    edges = np.arange(-11.0, 11.0001, step)
    w = max(w, 1e-6)
    fine = zs + w * np.arange(-16.0, 16.0001, 0.5)
    e = np.unique(np.concatenate([edges, fine[(fine > -11) & (fine < 11)]]))
    lo, hi = e[:-1, None], e[1:, None]
    x = (0.5 * (hi - lo) * gx + 0.5 * (hi + lo)).ravel()
    ww = (0.5 * (hi - lo) * gw).ravel()
    return x, ww * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _parts(m, alpha, q0, C1, mu):
    D1 = 1.0 - C1
    D0 = D1 - mu * (1.0 - q0)
    r0 = q0 / D0 ** 2
    r1 = r0 + (1.0 / D0 - 1.0 / D1) / mu
    s0 = math.sqrt(alpha * r0)
    s1 = math.sqrt(alpha * (r1 - r0))
    z, w = _nodes(-m / s0, s1 / s0)
    a = m + s0 * z
    la = mu * a + _LN(a / s1 + mu * s1)
    lb = -mu * a + _LN(-a / s1 + mu * s1)
    lnz = 0.5 * mu * mu * s1 * s1 + np.logaddexp(la, lb)
    dpsi = np.tanh(0.5 * (la - lb))
    cint = 2.0 * np.exp(-0.5 * (a / s1) ** 2 - lnz) / (s1 * math.sqrt(2 * math.pi))
    psi = lnz / mu
    dlnz = mu * s1 * s1 + a * dpsi + s1 * s1 * cint
    return D0, D1, r0, r1, w, dpsi, cint, psi, (dlnz - psi) / mu


def _energy(m, alpha, q0, C1, mu) -> float:
    D0, D1, r0, r1, w, _dpsi, _cint, psi, _ = _parts(m, alpha, q0, C1, mu)
    return float(0.5 * alpha + 0.5 * m * m + alpha / (2 * mu) * math.log(D0 / D1)
                 - 0.5 * alpha * q0 / D0 + 0.5 * alpha * r1 * C1
                 + 0.5 * alpha * mu * (r1 - r0 * q0) - w @ psi)


def _equations(m, alpha, q0, C1, mu) -> np.ndarray:
    D0, D1, r0, r1, w, dpsi, cint, _psi, dpsimu = _parts(m, alpha, q0, C1, mu)
    dfmu = (-alpha / (2 * mu * mu) * math.log(D0 / D1) - alpha / (2 * mu) * (1 - q0) / D0
            - 0.5 * alpha * q0 * (1 - q0) / D0 ** 2 + 0.5 * alpha * (r1 - r0 * q0) - w @ dpsimu)
    return np.array([m - w @ dpsi, q0 - w @ (dpsi * dpsi), C1 - w @ cint, dfmu])


def _valid(alpha, q0, C1, mu) -> bool:
    return (alpha > 0 and 0 < q0 < 1 and 0 < C1 < 1 and mu > 0
            and 1 - C1 - mu * (1 - q0) > 0)


class _Branch:
    """The 1RSB retrieval branch parametrised by ``m``, solved by warm-started Newton steps."""

    def __init__(self):
        self.known = {_SEED[0]: _SEED[1]}

    def solve(self, m: float) -> np.ndarray:
        m0 = min(self.known, key=lambda k: abs(k - m))
        v = self.known[m0]
        # march from the nearest known point in steps of at most 0.0025 in m
        n = max(1, int(math.ceil(abs(m - m0) / 0.0025)))
        for mm in np.linspace(m0, m, n + 1)[1:]:
            def fun(p, mm=mm):
                if not _valid(*p):
                    return np.full(4, 1e3)
                return _equations(mm, *p)

            v, info, ier, _msg = optimize.fsolve(fun, v, full_output=True, xtol=1e-13)
            if np.max(np.abs(info["fvec"])) > 1e-10:
                raise ConvergenceError(f"1RSB retrieval branch: Newton failed at m={mm:.6g}")
            self.known[float(mm)] = v
        return v


@functools.lru_cache(maxsize=1)
def _branch() -> _Branch:
    return _Branch()


@summarized
@dataclass(frozen=True)
class Hopfield1RSBCapacity:
    """The 1RSB storage capacity of the Hopfield model at ``T = 0`` (fold of the retrieval branch).

    Attributes
    ----------
    alpha_c : float
        ``max_m α(m)`` = 0.138186 (RS: 0.1379056).
    rs_alpha_c : float
        The RS value for comparison.
    m, q0, C1, mu, r0, r1 : float
        Order parameters at the fold (``q_1 = 1``, ``x = 0`` at ``T = 0``; ``μ = βx``).
    energy : float
        Ground-state energy per spin of the retrieval state at the fold.
    residual : float
        Largest residual of the four saddle-point equations at the fold.
    fold_slope : float
        ``dα/dm`` at the returned ``m`` (central difference; 0 at the exact fold; its size
        ``s`` bounds the error of ``α_c`` by about ``s²/|α''|``, far below 1e-9).
    converged : bool
        ``residual <= 1e-9`` and ``|fold_slope| < 1e-4``.
    seconds : float
    method : str
    """

    alpha_c: float
    rs_alpha_c: float
    m: float
    q0: float
    C1: float
    mu: float
    r0: float
    r1: float
    energy: float = field(metadata={"unit": "per spin"})
    residual: float
    fold_slope: float
    converged: bool
    seconds: float = field(metadata={"unit": "s"})
    method: str

    @property
    def error_fraction(self) -> float:
        """``(1 - m)/2`` at the capacity."""
        return (1.0 - self.m) / 2.0


@summarized
@dataclass(frozen=True)
class Hopfield1RSB:
    """The 1RSB retrieval solution of the Hopfield model at load ``alpha`` and ``T = 0``.

    Attributes
    ----------
    alpha, T : float
    m, q0, C1, mu, r0, r1 : float
        ``q_1 = 1``; ``μ = βx``.
    energy : float
        Energy per spin (1RSB).
    rs_m, rs_energy : float
        The RS values at the same load (NaN above the RS capacity 0.1379056).
    residual : float
    converged : bool
    """

    alpha: float
    T: float
    m: float
    q0: float
    C1: float
    mu: float
    r0: float
    r1: float
    energy: float = field(metadata={"unit": "per spin"})
    rs_m: float
    rs_energy: float = field(metadata={"unit": "per spin"})
    residual: float
    converged: bool


def hopfield_1rsb_capacity() -> Hopfield1RSBCapacity:
    """The 1RSB capacity ``α_c`` of the Hopfield model at ``T = 0``.

    Returns
    -------
    Hopfield1RSBCapacity

    Notes
    -----
    ``α(m)`` is maximised with bounded Brent on ``m ∈ [0.94, 0.99]``; each ``α(m)`` is a 4-D
    Newton solve warm-started from the nearest point already solved. Steffan & Kühn (1994):
    ``α_c^{1RSB} ≈ 0.138186``, ``α_c^{2RSB} ≈ 0.138187``.

    Examples
    --------
    >>> cap = hopfield_1rsb_capacity()
    >>> round(cap.alpha_c, 5), cap.alpha_c > cap.rs_alpha_c
    (0.13819, True)
    """
    from esorma.replica.ags import ags_capacity

    t0 = time.perf_counter()
    br = _branch()
    res = optimize.minimize_scalar(lambda m: -br.solve(m)[0], bounds=(0.94, 0.99),
                                   method="bounded", options={"xatol": 1e-7})
    m = float(res.x)
    alpha, q0, C1, mu = br.solve(m)
    resid = float(np.max(np.abs(_equations(m, alpha, q0, C1, mu))))
    h = 1e-4
    slope = (br.solve(m + h)[0] - br.solve(m - h)[0]) / (2 * h)
    D0 = 1 - C1 - mu * (1 - q0)
    r0 = q0 / D0 ** 2
    r1 = r0 + (1 / D0 - 1 / (1 - C1)) / mu
    converged = resid <= RESIDUAL_TOL and abs(slope) < 1e-4
    if not converged:
        warn_not_converged("hopfield_1rsb_capacity", resid if resid > RESIDUAL_TOL else slope)
    return Hopfield1RSBCapacity(
        alpha_c=float(alpha), rs_alpha_c=float(ags_capacity(0.0).alpha_c), m=m, q0=float(q0),
        C1=float(C1), mu=float(mu), r0=float(r0), r1=float(r1),
        energy=_energy(m, alpha, q0, C1, mu), residual=resid, fold_slope=float(slope),
        converged=bool(converged), seconds=time.perf_counter() - t0,
        method="max over m of alpha(m) on the 1RSB retrieval branch (bounded Brent, Newton "
               "solves warm-started along m; composite Gauss-Legendre in z0)",
    )


def hopfield_1rsb(alpha: float) -> Hopfield1RSB:
    """The 1RSB retrieval state at load ``alpha`` (``0.127 <= alpha <= α_c^{1RSB}``), ``T = 0``.

    The stable branch (``m`` above its value at the fold) is followed by Brent's method in
    ``m``. Towards small ``α`` the 1RSB solution approaches RS (``q_0 → 1``, ``μ → ∞``) and the
    equations degenerate (a flat direction appears; the branch is followed up to ``m = 0.99``,
    ``α = 0.1264``): loads below 0.127 are refused.

    Examples
    --------
    >>> sol = hopfield_1rsb(0.13)
    >>> sol.m > 0.98, sol.energy >= sol.rs_energy
    (True, True)
    """
    from esorma.replica.ags import ags_solve

    alpha = check_alpha(alpha)
    cap = hopfield_1rsb_capacity()
    if alpha > cap.alpha_c + 1e-9:
        raise NoSolutionError(f"no 1RSB retrieval solution at alpha={alpha:g} > alpha_c^1RSB "
                              f"= {cap.alpha_c:.7f}")
    if alpha < 0.127:
        raise ValueError(f"alpha must be in [0.127, {cap.alpha_c:.6f}] (below, the 1RSB "
                         f"solution approaches RS and is not followed); got {alpha:g}")
    br = _branch()
    m_hi = 0.99
    if br.solve(m_hi)[0] > alpha:
        raise ConvergenceError(f"hopfield_1rsb: alpha={alpha:g} lies beyond m = {m_hi}")
    if alpha >= cap.alpha_c - 1e-12:
        m = cap.m  # at the fold (within rounding of alpha_c)
    else:
        m = optimize.brentq(lambda mm: br.solve(mm)[0] - alpha, cap.m, m_hi, xtol=1e-13)
    a, q0, C1, mu = br.solve(m)
    resid = max(float(np.max(np.abs(_equations(m, a, q0, C1, mu)))),
                abs(a - alpha) if alpha < cap.alpha_c else 0.0)
    D0 = 1 - C1 - mu * (1 - q0)
    r0 = q0 / D0 ** 2
    r1 = r0 + (1 / D0 - 1 / (1 - C1)) / mu
    try:
        rs = ags_solve(alpha, 0.0)
        rs_m, rs_e = rs.m, rs.energy
    except NoSolutionError:  # alpha_c^RS < alpha <= alpha_c^1RSB: only the 1RSB state exists
        rs_m = rs_e = math.nan
    if resid > RESIDUAL_TOL:
        warn_not_converged(f"hopfield_1rsb(alpha={alpha:g})", resid)
    return Hopfield1RSB(alpha=alpha, T=0.0, m=float(m), q0=float(q0), C1=float(C1),
                        mu=float(mu), r0=float(r0), r1=float(r1),
                        energy=_energy(m, alpha, q0, C1, mu), rs_m=rs_m, rs_energy=rs_e,
                        residual=resid, converged=bool(resid <= RESIDUAL_TOL))


def hopfield_1rsb_overlap(alphas) -> LineResult:
    """The 1RSB retrieval overlap ``m(α)`` at ``T = 0`` for loads in ``[0.127, α_c^{1RSB}]``.

    Returns
    -------
    LineResult
        ``name = "m_1RSB(alpha)"``, ``value`` = ``m``, ``residual`` = the saddle-point residual.

    Examples
    --------
    >>> line = hopfield_1rsb_overlap([0.13, 0.135])
    >>> bool(line.value[0] > line.value[1]), line.converged
    (True, True)
    """
    a = check_array(alphas, "alphas", minimum=0.0, strict=True)
    ms, res = np.empty_like(a), np.empty_like(a)
    for i, al in enumerate(a):
        sol = hopfield_1rsb(float(al))
        ms[i], res[i] = sol.m, sol.residual
    return line_result("m_1RSB(alpha)", alphas, a, ms, res,
                       "1RSB retrieval branch at T = 0 (Brent in m along the branch)")


# The T > 0 part lives in esorma.replica.rsb_thermal (module size); re-exported here.
from esorma.replica.rsb_thermal import (  # noqa: E402
    Hopfield1RSBGrid,
    hopfield_1rsb_grid,
    hopfield_1rsb_spinodal,
)

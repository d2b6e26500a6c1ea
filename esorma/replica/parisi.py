r"""The SK model beyond replica symmetry: k steps of breaking and Parisi's full solution.

Couplings of variance ``J²/N``, field ``h``. In the variable ``γ(q) = β x(q)`` (Guerra's form of
the Parisi functional) the free energy per spin is ``f = -min_γ P[γ]`` with

.. math::

    P[\gamma] = \Psi(0, h) - \frac12\int_0^1 q\,\gamma(q)\,dq,\qquad
    \partial_q\Psi = -\tfrac12\big(\partial_y^2\Psi + \gamma(q)(\partial_y\Psi)^2\big),\quad
    \Psi(1, y) = T\ln 2\cosh(y/T)

(``|y|`` at ``T = 0``), the minimum taken over non-decreasing ``0 <= γ <= β``. ``γ`` constant on
an interval of ``q`` makes the PDE solvable in closed form (Cole-Hopf: the step
``Ψ -> (1/γ) ln ∫Dz exp(γ Ψ(y + √Δq z))``), so a step function ``γ`` with ``k`` free steps is
the ``k``-step RSB ansatz (``q_0 < … < q_k``, ``x_1 <= … <= x_k``) and a step function on a fine
fixed grid of ``q`` is the full-RSB solution discretised. RS is ``γ = 0`` below ``q`` and ``β``
above; ``P`` is convex in ``γ`` (Auffinger & Chen 2015), and every ansatz is a restriction of
the next, so ``f_RS <= f_1RSB <= f_2RSB <= … <= f_Parisi`` (Guerra's bound): at ``T = 0`` the
energies *rise* towards the Parisi value ``u_0 = -0.7631667`` (RS: ``-√(2/π) = -0.79788``).

Numerics: the Cole-Hopf steps run on a uniform grid of the field ``y`` (:mod:`._rsb_kernels`,
log-sum-exp trapezoid, exact Gaussian tails), the top step at ``T = 0`` in closed form (the kink
of ``|y|``); the gradient of ``P`` in the ``γ`` values comes from the reverse (adjoint) sweep, so
the full-RSB minimisation is a bound-constrained L-BFGS on a few dozen variables. Entropy:
``s = -∂f/∂T`` at fixed ``x(q)`` (exact at the optimum, envelope theorem), by a central difference.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from esorma._results import summarized
from esorma._validation import check_int, check_real
from esorma.replica._common import ConvergenceWarning, check_temperature
from esorma.replica._parisi_functional import _Functional, _shape

__all__ = [
    "SKRSBSolution",
    "ParisiSolution",
    "sk_krsb",
    "parisi_solve",
    "parisi_ground_energy",
    "PARISI_GROUND_ENERGY",
]

#: Parisi's T = 0 energy of the SK model (Crisanti & Rizzo, PRE 65, 046137 (2002); Oppermann,
#: Schmidt & Sherrington, PRL 98, 127201 (2007): -0.76316600(1)).
PARISI_GROUND_ENERGY = -0.763166

#: ``h = 0`` and ``T >= NEAR_TC``: ``x(q)`` is solved as a polynomial of degree ``X_DEGREE``
#: (see :func:`_solve_near_tc`); below, as ``n_levels`` free steps.
NEAR_TC = 0.85
X_DEGREE = 2

#: Stationarity tolerance: ``|dP/dγ_j| / Δq_j`` (half the mismatch ``E m² - q`` on the interval).
GRADIENT_TOL = 1e-6


# --------------------------------------------------------------------------- results


@summarized
@dataclass(frozen=True)
class SKRSBSolution:
    """The ``k``-step RSB solution of the SK model at ``(T, h, J)``.

    Attributes
    ----------
    T, h, J : float
    k : int
        Steps of breaking (0 is replica symmetry).
    q : numpy.ndarray
        ``q_0 <= q_1 <= … <= q_k`` (``q_k = 1`` at ``T = 0``).
    x : numpy.ndarray
        Parisi block sizes ``x_1 <= … <= x_k`` in ``[0, 1]`` (0 at ``T = 0``; see ``mu``).
    mu : numpy.ndarray
        ``μ_j = β x_j`` (finite at ``T = 0``).
    free_energy, energy, entropy : float
        Per spin (``f = u - T s``; at ``T = 0``, ``u = f`` and ``s = 0``).
    residual : float
        Largest ``|∂P/∂θ|`` over the free parameters at the optimum (finite differences).
    converged : bool
    iterations : int
    dy : float
        Field-grid spacing.
    method : str
    """

    T: float
    h: float
    J: float
    k: int
    q: np.ndarray = field(metadata={"description": "overlaps q_0..q_k"})
    x: np.ndarray = field(metadata={"description": "block sizes x_1..x_k"})
    mu: np.ndarray = field(metadata={"description": "beta * x"})
    free_energy: float = field(metadata={"unit": "J per spin"})
    energy: float = field(metadata={"unit": "J per spin"})
    entropy: float = field(metadata={"unit": "k_B per spin"})
    residual: float
    converged: bool
    iterations: int
    dy: float
    method: str


@summarized
@dataclass(frozen=True)
class ParisiSolution:
    """Parisi's full-RSB solution of the SK model, discretised on a fixed grid of ``q``.

    Attributes
    ----------
    T, h, J : float
    q_nodes : numpy.ndarray
        ``n + 1`` grid points ``0 = q_0 < … < q_n = 1``.
    gamma : numpy.ndarray
        ``γ = β x(q)`` on each of the ``n`` intervals (``J = 1`` units; ``γ <= β``).
    x : numpy.ndarray
        ``x(q) = T γ`` on each interval (all 0 at ``T = 0``).
    q_min, q_max : float
        The plateau values: ``x(q) = 0`` below ``q_min``, ``x(q) = 1`` above ``q_max``.
    x_max : float
        The breakpoint ``x(q_max^-)`` (the largest ``x < 1`` of the discretised order function).
    free_energy, energy, entropy : float
        Per spin.
    magnetization : float
        ``m = -∂f/∂h``.
    residual : float
        Largest projected ``|∂P/∂γ_j| / Δq_j`` (0 at the exact optimum of the discretisation).
    monotone : bool
        ``γ`` came out non-decreasing (the Parisi constraint; not imposed, checked).
    converged : bool
    iterations : int
    n_levels : int
    dy : float
    error_estimate : float
        ``|f_n - f_{n/2}|`` with ``n/2`` levels (NaN when not computed): the discretisation error
        of the free energy is below it (the error falls like ``n^-2``).
    seconds : float
    method : str
    """

    T: float
    h: float
    J: float
    q_nodes: np.ndarray = field(metadata={"description": "grid of q (interval edges)"})
    gamma: np.ndarray = field(metadata={"description": "beta x(q) per interval"})
    x: np.ndarray = field(metadata={"description": "x(q) per interval"})
    q_min: float
    q_max: float
    x_max: float
    free_energy: float = field(metadata={"unit": "J per spin"})
    energy: float = field(metadata={"unit": "J per spin"})
    entropy: float = field(metadata={"unit": "k_B per spin"})
    magnetization: float
    residual: float
    monotone: bool
    converged: bool
    iterations: int
    n_levels: int
    dy: float
    error_estimate: float
    seconds: float = field(metadata={"unit": "s"})
    method: str

    @property
    def q_mid(self) -> np.ndarray:
        """Midpoints of the ``q`` intervals (where ``gamma`` and ``x`` are given)."""
        return 0.5 * (self.q_nodes[1:] + self.q_nodes[:-1])

    def q_of_x(self, x) -> np.ndarray:
        """The Parisi order function ``q(x)`` (inverse of the step function ``x(q)``)."""
        xs = np.asarray(x, dtype=float)
        qm = self.q_mid
        order = np.argsort(self.x, kind="stable")
        return np.interp(xs, self.x[order], qm[order], left=self.q_min, right=self.q_max)


# --------------------------------------------------------------------------- the functional


def _minimise(fun: _Functional, gamma0, beta: float, maxiter: int, monotone: bool):
    n = len(gamma0)
    opts = {"maxiter": maxiter, "ftol": 1e-16, "gtol": 1e-12, "maxcor": 30}
    if not monotone:
        # box constraints only: P is convex in γ, and the optimum is usually monotone already
        def obj_box(g):
            p, gr, _ = fun.value(g)
            return p, gr

        res = optimize.minimize(obj_box, np.clip(gamma0, 0.0, beta), jac=True,
                                method="L-BFGS-B", bounds=[(0.0, beta if math.isfinite(beta)
                                                            else None)] * n, options=opts)
        return np.clip(res.x, 0.0, beta), res
    # convex problem on the cone of non-decreasing steps: SLSQP with linear constraints
    diff = np.zeros((n - 1, n))
    diff[np.arange(n - 1), np.arange(n - 1)] = -1.0
    diff[np.arange(n - 1), np.arange(1, n)] = 1.0
    ub = beta if math.isfinite(beta) else None

    def obj(g):
        p, gr, _ = fun.value(g)
        return p, gr

    res = optimize.minimize(obj, np.maximum.accumulate(np.clip(gamma0, 0.0, beta)), jac=True,
                            method="SLSQP", bounds=[(0.0, ub)] * n,
                            constraints=[{"type": "ineq", "fun": lambda g: diff @ g,
                                          "jac": lambda g: diff}],
                            options={"maxiter": maxiter, "ftol": 1e-15})
    g = np.maximum.accumulate(np.clip(res.x, 0.0, beta))
    return g, res


def _finish_monotone(fun, gamma, beta, maxiter):
    """Impose non-decreasing γ if the box optimum is not (keeps the better of the two)."""
    it = 0
    if np.any(np.diff(gamma) < -1e-7 * max(1.0, float(np.max(gamma)))):
        theta, res = _minimise(fun, gamma, beta, maxiter, monotone=True)
        it = int(res.nit)
        g2 = np.asarray(theta, dtype=float)
        if res.success:
            gamma = g2
    return gamma, it


def _solve_T0(h, n, dy, maxiter):
    fun = _Functional(_shape(0.0, n), 0.0, h, dy)
    qm = 0.5 * (fun.nodes[1:] + fun.nodes[:-1])
    theta, res = _minimise(fun, 0.9 / np.sqrt(1.0 - qm) + 0.3, math.inf, maxiter,
                           monotone=False)
    gamma, it = _finish_monotone(fun, np.asarray(res.x, dtype=float), math.inf, maxiter)
    p, grad, psis = fun.value(gamma)
    resid = _projected_residual(gamma, grad, math.inf)
    return fun, gamma, p, psis, resid, it + int(res.nit)


def _solve_T(T, h, n, dy, maxiter):
    from esorma.replica.sk import sk_solve

    beta = 1.0 / T
    shape = _shape(T, n)

    def make(qt):
        return _Functional(qt * shape, T, h, dy, q_top=qt)

    def obj(z):
        g, qt = z[:-1], float(z[-1])
        p, gr, gn, _ = make(qt).value_and_grads(g)
        return p, np.append(gr, gn @ shape)  # nodes = q_top * shape: exact dP/dq_top

    q0 = min(0.999, sk_solve(T, h).q * 1.03 + 0.005)
    qm = q0 * 0.5 * (shape[1:] + shape[:-1])
    g0 = np.minimum(beta, 2.0 * qm / T + 0.5 * qm / np.sqrt(np.maximum(1e-3, 1.0 - qm)))
    bounds = [(0.0, beta)] * n + [(1e-4, 0.9999)]
    res = optimize.minimize(obj, np.append(g0, q0), jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": maxiter, "ftol": 1e-16, "gtol": 1e-12,
                                     "maxcor": 30})
    z = np.asarray(res.x, dtype=float)
    z = _polish(obj, z, beta, shape)
    qt = float(z[-1])
    fun = make(qt)
    gamma, it = _finish_monotone(fun, z[:-1], beta, maxiter)
    p, grad, psis = fun.value(gamma)
    resid = max(_projected_residual(gamma, grad, beta),
                abs(obj(np.append(gamma, qt))[1][-1]) if 2e-4 < qt < 0.9998 else 0.0)
    return fun, gamma, p, psis, resid, it + int(res.nit)


def _polish(obj, z, beta, shape):
    """Newton-type root of the stationarity conditions on the free variables.

    Near ``T_c`` the functional is very flat (``f - f_RS ~ τ⁵``): minimising ``P`` alone stops at
    the rounding level of ``P``, but its gradient is accurate, so the conditions ``∂P/∂γ_j = 0``
    (scaled by ``Δq_j``) and ``∂P/∂q_top = 0`` are solved directly (``hybr``).
    """
    g = z[:-1]
    free = np.nonzero((g > 1e-12) & (g < beta * (1 - 1e-9)))[0]
    if free.size == 0:
        return z
    scale = np.append(np.diff(shape)[free] * z[-1], 1.0)

    def fun(v):
        zz = z.copy()
        zz[free] = v[:-1]
        zz[-1] = v[-1]
        gr = obj(zz)[1]
        return np.append(gr[free], gr[-1]) / scale

    v0 = np.append(z[free], z[-1])
    sol = optimize.root(fun, v0, method="hybr", options={"xtol": 1e-13})
    if sol.success and np.max(np.abs(sol.fun)) < np.max(np.abs(fun(v0))):
        cand = z.copy()
        cand[free] = sol.x[:-1]
        cand[-1] = sol.x[-1]
        if np.all(cand[:-1] >= 0) and np.all(cand[:-1] <= beta) and 0 < cand[-1] < 1:
            return cand
    return z


def _solve_near_tc(T, n, dy, maxiter, degree):
    """``h = 0`` near ``T_c``: ``x(q)`` a polynomial of degree ``degree`` on ``[0, q_max]``.

    There ``P`` is very flat in the free step heights (``f - f_RS ~ τ⁵``; the Hessian's small
    eigenvalues belong to smooth modes of ``x(q)``), so minimising over ``n`` independent steps
    leaves ``x(q)`` wrong by tens of per cent. The exact ``x(q)`` is analytic there
    (``x = 2q + O(τ q, q²)``): with ``x(q) = Σ_i c_i (q/q_max)^i`` (``i = 1 … degree``, step
    ``j`` taking its midpoint value) and ``q_max`` free, the problem has ``degree + 1`` well-
    conditioned unknowns, solved by Newton on the exact gradient.
    The field grid is refined so that every step is at least two grid spacings wide.
    """
    tau = 1.0 - T
    qt0 = min(0.9, tau + tau * tau)
    dy = min(dy, 0.5 * math.sqrt(qt0 / n))
    u = np.arange(n + 1) / n
    basis = (0.5 * (u[1:] + u[:-1]))[:, None] ** np.arange(1, degree + 1)[None, :]

    def make(qt):
        return _Functional(qt * u, T, 0.0, dy, q_top=qt)

    def obj(z):
        c, qt = z[:-1], float(z[-1])
        p, g, gn, _ = make(qt).value_and_grads(basis @ c / T)
        return p, np.append(basis.T @ g / T, gn @ u)

    z = np.append(np.r_[2.0 * qt0, np.zeros(degree - 1)], qt0)
    it = 0
    # Newton on the gradient (Hessian by central differences of the exact gradient); the
    # problem is tiny and smooth, and P itself is too flat for a descent method's stopping test
    # (it reaches the rounding floor of the gradient, ~1e-13, in ~6 steps; the best is kept)
    scale = np.append(np.full(degree, 1e-3), 1e-5)
    best, best_g, stall = z, math.inf, 0
    for it in range(1, maxiter + 1):
        g = obj(z)[1]
        gmax = float(np.max(np.abs(g)))
        if gmax < best_g:
            best, best_g = z, gmax
            stall = 0 if gmax < 0.5 * best_g or it == 1 else stall
        else:
            stall += 1
        if best_g <= 1e-14 or stall >= 3 or it > 40:
            break
        hess = np.empty((degree + 1, degree + 1))
        for i in range(degree + 1):
            e = np.zeros(degree + 1)
            e[i] = scale[i]
            hess[:, i] = (obj(z + e)[1] - obj(z - e)[1]) / (2 * scale[i])
        step = np.linalg.solve(0.5 * (hess + hess.T), g)
        t = 1.0
        while t > 1e-3 and not 1e-4 < z[-1] - t * step[-1] < 0.999:
            t *= 0.5
        z = z - t * step
    z = best
    c, qt = z[:-1], float(z[-1])
    fun = make(qt)
    gamma = basis @ c / T
    p, grad, _gn, psis = fun.value_and_grads(gamma)
    # the residual of the full step problem: what the polynomial leaves unresolved
    resid = max(_projected_residual(gamma, grad / np.diff(fun.nodes), 1.0 / T),
                float(np.max(np.abs(obj(z)[1]))))
    extra = {"x_max": float(np.sum(c)), "dy": dy, "coefficients": c}
    return fun, gamma, p, psis, resid, it, extra


def _projected_residual(gamma, grad, upper) -> float:
    gr = np.asarray(grad)
    free = ~((gamma <= 0.0) & (gr > 0))
    if math.isfinite(upper):
        free &= ~((gamma >= upper) & (gr < 0))
    return float(np.max(np.abs(gr[free]))) if free.any() else 0.0


def parisi_solve(T: float, h: float = 0.0, J: float = 1.0, *, n_levels: int = 24,
                 dy: float = 0.04, error_estimate: bool = False,
                 maxiter: int = 2000) -> ParisiSolution:
    r"""Parisi's full-RSB solution of the SK model (``γ(q) = βx(q)`` on ``n_levels`` intervals).

    Parameters
    ----------
    T : float
        Temperature (>= 0, in units of ``J``).
    h : float
        Uniform field.
    J : float
        Coupling strength (> 0).
    n_levels : int
        Intervals of the ``q`` grid (the error of ``f`` falls like ``n_levels**-2``).
    dy : float
        Field-grid spacing (in units of ``J``; the trapezoid rule is spectrally accurate for the
        smooth steps, error ``~ exp(-π² T / dy)`` at the top step for ``T > 0``).
    error_estimate : bool
        Also solve with ``n_levels // 2`` and report ``|f_n - f_{n/2}|``.
    maxiter : int
        L-BFGS-B iterations.

    Returns
    -------
    ParisiSolution

    Notes
    -----
    ``T = 0``: the ``q`` grid is ``1 - (1 - j/n)²`` (``γ(q)`` diverges like ``(1 - q)^{-1/2}``),
    ``q_max = 1``, ``u = f``, ``s = 0``. ``T > 0``: the ``n_levels`` intervals cover
    ``[0, q_top]`` and ``x = 1`` on ``[q_top, 1]`` is done in closed form; ``q_top`` is optimised
    with the ``γ`` values (exact adjoint derivative), then the stationarity conditions are
    polished by a Newton-type root. ``h = 0``, ``T >= J``: the paramagnet, exactly.

    Near ``T_c`` (``h = 0``, ``τ = 1 - T/J <= 0.15``) the functional is flat in ``x(q)``
    (``f - f_RS ~ τ⁵``) and free steps leave ``x(q)`` wrong by tens of per cent; there ``x(q)``
    is solved as a polynomial of degree :data:`X_DEGREE` in ``q`` on ``[0, q_max]`` (``q_max``
    free, Newton on the exact gradient, field grid refined to half a step width), and
    ``x_max = x(q_max^-)`` is the polynomial's end value. Result (``n_levels``-independent to
    ~1e-4): ``q_max = τ + τ² - c₃τ³`` with ``c₃ = 0.86 … 0.93`` for ``τ = 0.15 … 0.05``, and
    ``q(x) = x/2 · (1 + O(τ))`` up to ``x_max = 2 q_max (1 - 2.6τ)`` at ``τ = 0.05``
    (``1 - 2.3τ`` at 0.1): the leading order ``x/2``, ``x_max = 2q_max`` of Parisi (1980) is
    recovered by extrapolating ``τ -> 0`` (to 1 %).

    Examples
    --------
    >>> sol = parisi_solve(0.0, n_levels=4)
    >>> bool(abs(sol.energy - PARISI_GROUND_ENERGY) < 2e-4)
    True
    """
    T = check_temperature(T)
    h = check_real(h, "h")
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    n_levels = check_int(n_levels, "n_levels", minimum=2)
    dy = check_real(dy, "dy", minimum=0.0, maximum=0.2, strict_min=True)
    t0 = time.perf_counter()
    Tr, hr = T / J, h / J
    sol = _parisi(Tr, hr, n_levels, dy, maxiter)
    err = math.nan
    if error_estimate:
        coarse = _parisi(Tr, hr, max(2, n_levels // 2), dy, maxiter)
        err = abs(sol["f"] - coarse["f"])
    out = ParisiSolution(
        T=T, h=h, J=J, q_nodes=sol["nodes"], gamma=sol["gamma"] / J, x=sol["x"],
        q_min=sol["q_min"], q_max=sol["q_max"], x_max=sol["x_max"],
        free_energy=J * sol["f"], energy=J * sol["u"], entropy=sol["s"],
        magnetization=sol["m"], residual=sol["residual"], monotone=sol["monotone"],
        converged=sol["converged"], iterations=sol["iterations"], n_levels=n_levels,
        dy=sol.get("dy", dy), error_estimate=J * err, seconds=time.perf_counter() - t0,
        method=f"Parisi functional, {n_levels} Cole-Hopf steps, field grid "
               f"dy={sol.get('dy', dy):g}, " + (
                   f"x(q) a degree-{X_DEGREE} polynomial on [0, q_max] (near T_c), Newton "
                   "on the adjoint gradient"
                   if sol.get("coefficients") is not None else
                   "L-BFGS-B with adjoint gradient"),
    )
    if not out.converged:
        warnings.warn(f"parisi_solve(T={T:g}, h={h:g}) did not converge: residual "
                      f"{out.residual:.3g}", ConvergenceWarning, stacklevel=2)
    return out


def _parisi(T, h, n, dy, maxiter) -> dict:
    beta = math.inf if T == 0.0 else 1.0 / T
    if h == 0.0 and T >= 1.0:
        # the paramagnet, exactly: q(x) = 0, x(q) = 1 on [0, 1]
        return {"nodes": np.array([0.0, 1.0]), "gamma": np.array([beta]), "x": np.array([1.0]),
                "q_min": 0.0, "q_max": 0.0, "x_max": 0.0,
                "f": -T * math.log(2.0) - 0.25 / T, "u": -0.5 / T,
                "s": math.log(2.0) - 0.25 / (T * T), "m": 0.0, "residual": 0.0,
                "monotone": True, "converged": True, "iterations": 0}
    extra = {}
    if T == 0.0:
        fun, gamma, p, psis, resid, it = _solve_T0(h, n, dy, maxiter)
    elif h == 0.0 and T >= NEAR_TC:
        fun, gamma, p, psis, resid, it, extra = _solve_near_tc(T, n, dy, maxiter, X_DEGREE)
        dy = extra["dy"]
    else:
        fun, gamma, p, psis, resid, it = _solve_T(T, h, n, dy, maxiter)
    f = -p
    m = fun.magnetization(psis[0])
    if T == 0.0:
        u, s = f, 0.0
        x = np.zeros_like(gamma)
    else:
        x = T * gamma
        dT = 1e-4 * T
        fp = -_Functional(fun.nodes, T + dT, h, dy, fun.q_top).value(x / (T + dT),
                                                                      grad=False)[0]
        fm = -_Functional(fun.nodes, T - dT, h, dy, fun.q_top).value(x / (T - dT),
                                                                      grad=False)[0]
        s = -(fp - fm) / (2 * dT)
        u = f + T * s
    nodes = fun.nodes
    pos = np.nonzero(gamma > 1e-9)[0]
    q_min = float(nodes[pos[0]]) if pos.size else 1.0
    if T == 0.0:
        q_max, x_max = 1.0, 0.0
    else:
        below = np.nonzero(gamma < beta * (1 - 1e-7))[0]
        q_max = float(nodes[below[-1] + 1]) if below.size else 0.0
        x_max = float(x[below[-1]]) if below.size else 0.0
        if "x_max" in extra:
            x_max = extra["x_max"]  # the polynomial x(q) at q_max (not a midpoint value)
        nodes = np.append(nodes, 1.0)  # the closed-form top interval, x = 1
        gamma = np.append(gamma, beta)
        x = np.append(x, 1.0)
    monotone = bool(np.all(np.diff(gamma) >= -1e-6 * max(1.0, float(np.max(gamma)))))
    return {"nodes": nodes, "gamma": gamma, "x": x, "q_min": q_min, "q_max": q_max,
            "x_max": x_max, "f": f, "u": u, "s": s, "m": m, "residual": resid,
            "monotone": monotone, "converged": bool(resid <= GRADIENT_TOL and monotone),
            "iterations": it, "dy": dy, "x_max_poly": extra.get("x_max"),
            "coefficients": extra.get("coefficients")}


# --------------------------------------------------------------------------- k steps of RSB


def _krsb_unpack(theta, k, T):
    """Stick-breaking parameters -> ``q_0 <= … <= q_k`` (``q_k = 1`` at ``T = 0``), ``μ``, ``x``.

    Works on complex ``theta`` too (the complex-step Jacobian of :func:`_krsb_jacobian`).
    """
    na = k + 1 if T > 0 else k
    a, rest = theta[:na], theta[na:]
    q = []
    prev = 0.0
    for ai in a:
        prev = prev + ai * (1.0 - prev)
        q.append(prev)
    if T == 0.0:
        q.append(1.0 + 0.0 * prev)
    q = np.array(q)
    if T == 0.0:
        mu = np.cumsum(rest)
        x = np.zeros(k)
    else:
        xs = []
        prev = 0.0
        for b in rest:
            prev = prev + b * (1.0 - prev)
            xs.append(prev)
        x = np.array(xs)
        mu = x / T
    return q, mu, x


def _krsb_jacobian(theta, k, T):
    """``d(nodes, γ)/dθ`` by complex steps (exact to rounding; the map is a polynomial)."""
    n = theta.size
    jn = np.empty((k + 2, n))
    jg = np.empty((k + 1, n))
    for i in range(n):
        t = theta.astype(complex)
        t[i] += 1e-30j
        q, mu, _x = _krsb_unpack(t, k, T)
        jn[:, i] = np.concatenate(([0.0], q.imag)) / 1e-30
        jg[:, i] = np.concatenate(([0.0], mu.imag)) / 1e-30
    return jn, jg


class _KRSBObjective:
    """``P(θ)`` and its exact gradient (adjoint sweep + chain rule through the stick-breaking)."""

    def __init__(self, k, T, h, dy):
        self.k, self.T, self.h, self.dy = k, T, h, dy
        self.calls = 0

    def functional(self, theta):
        q, mu, _x = _krsb_unpack(np.asarray(theta, dtype=float), self.k, self.T)
        nodes = np.concatenate(([0.0], q))
        return _Functional(nodes, self.T, self.h, self.dy, q_top=float(q[-1])), \
            np.concatenate(([0.0], mu))

    def value(self, theta):
        fun, gam = self.functional(theta)
        return fun.value(gam, grad=False)[0]

    def __call__(self, theta):
        self.calls += 1
        theta = np.asarray(theta, dtype=float)
        fun, gam = self.functional(theta)
        p, g, gn, _ = fun.value_and_grads(gam)
        jn, jg = _krsb_jacobian(theta, self.k, self.T)
        return p, gn @ jn + g @ jg


def _krsb_start(k, T, h):
    if T == 0.0:
        a0 = [0.45 / k ** 0.5] + [1.0 / (k + 1 - j) for j in range(1, k)]
        b0 = [1.0 / k] + [1.5 / k] * (k - 1)
        return np.array(a0 + b0, dtype=float), [(0.0, 1.0)] * k + [(0.0, None)] * k
    from esorma.replica.sk import sk_solve

    qrs = sk_solve(T, h).q
    a0 = [0.5 * qrs] + [0.3] * (k - 1) + [min(0.99, qrs)]
    b0 = [min(0.5, 0.5 * (1 - T) + 0.05)] + [0.3] * (k - 1)
    return np.array(a0 + b0, dtype=float), [(0.0, 1.0)] * (k + 1) + [(0.0, 1.0)] * k


def sk_krsb(k: int, T: float, h: float = 0.0, J: float = 1.0, *, dy: float = 0.04,
            maxiter: int = 500) -> SKRSBSolution:
    r"""The ``k``-step replica-symmetry-breaking solution of the SK model.

    Maximises ``f`` over ``q_0 <= … <= q_k`` and ``x_1 <= … <= x_k`` (``μ_j = βx_j`` at
    ``T = 0``, where ``q_k = 1``) with the same Cole-Hopf recursion as :func:`parisi_solve`;
    ``q_0`` is free also at ``h = 0`` (the optimum of the ansatz has ``q_0 > 0``: ``γ = 0`` on
    ``[0, q_0)`` mimics the small-``x`` part of ``q(x)``).

    Parameters
    ----------
    k : int
        Steps of breaking, 1 to 8.
    T : float
        Temperature (>= 0, units of ``J``).
    h : float
        Field.
    J : float
        Coupling strength (> 0).
    dy : float
        Field-grid spacing.
    maxiter : int
        L-BFGS-B iterations.

    Returns
    -------
    SKRSBSolution

    Notes
    -----
    The gradient of the functional in the ``2k`` (``T = 0``) or ``2k + 1`` parameters is exact:
    one reverse (adjoint) sweep gives ``∂P/∂γ_j`` and ``∂P/∂q_i`` (the latter through the
    derivative of the discrete Gaussian weights in their width), chained through the
    stick-breaking parametrisation by complex steps; one evaluation costs two Cole-Hopf sweeps
    whatever ``k`` (the finite-difference gradient cost ``2k + 1`` of them).
    At ``T = 0``, ``h = 0``: ``u_1RSB = -0.76524`` (Parisi 1979), ``u_2RSB = -0.76363``
    ``u_3RSB = -0.76330``; the energies rise monotonically to ``-0.763166`` (Guerra's bound).

    Examples
    --------
    >>> round(float(sk_krsb(1, 0.0).energy), 5)
    -0.76526
    """
    k = check_int(k, "k", minimum=1, maximum=8)
    T = check_temperature(T)
    h = check_real(h, "h")
    J = check_real(J, "J", minimum=0.0, strict_min=True)
    dy = check_real(dy, "dy", minimum=0.0, maximum=0.2, strict_min=True)
    Tr, hr = T / J, h / J
    theta0, bounds = _krsb_start(k, Tr, hr)
    obj = _KRSBObjective(k, Tr, hr, dy)
    res = optimize.minimize(obj, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-10,
                                     "maxcor": 30})
    theta = np.asarray(res.x, dtype=float)
    q, mu, x = _krsb_unpack(theta, k, Tr)
    p, grad = obj(theta)
    f = -p
    lo = np.array([b[0] for b in bounds])
    hi = np.array([np.inf if b[1] is None else b[1] for b in bounds])
    free = ~(((theta <= lo + 1e-12) & (grad > 0)) | ((theta >= hi - 1e-12) & (grad < 0)))
    resid = float(np.max(np.abs(grad[free]))) if free.any() else 0.0
    if Tr == 0.0:
        u, s = f, 0.0
    else:
        dT = 1e-4 * Tr

        def f_at(t):
            nodes = np.concatenate(([0.0], q))
            fun = _Functional(nodes, t, hr, dy, q_top=float(q[-1]))
            return -fun.value(np.concatenate(([0.0], x / t)), grad=False)[0]

        s = -(f_at(Tr + dT) - f_at(Tr - dT)) / (2 * dT)
        u = f + Tr * s
    out = SKRSBSolution(
        T=T, h=h, J=J, k=k, q=q, x=x, mu=mu / J, free_energy=J * f, energy=J * u, entropy=s,
        residual=resid, converged=bool(resid <= 1e-5), iterations=int(res.nit), dy=dy,
        method=f"{k}RSB Parisi functional, Cole-Hopf recursion on a field grid dy={dy:g}, "
               "L-BFGS-B with the exact adjoint gradient",
    )
    if not out.converged:
        warnings.warn(f"sk_krsb(k={k}, T={T:g}, h={h:g}) did not converge: residual "
                      f"{resid:.3g}", ConvergenceWarning, stacklevel=2)
    return out


def parisi_ground_energy(n_levels: int = 24, dy: float = 0.04) -> ParisiSolution:
    """The ``T = 0``, ``h = 0`` Parisi solution with its discretisation error estimate.

    ``parisi_solve(0, n_levels=n_levels, dy=dy, error_estimate=True)``; the energy agrees with
    :data:`PARISI_GROUND_ENERGY` to ~1e-6 at the default 24 levels (error ~ ``n^-3``).
    """
    return parisi_solve(0.0, n_levels=n_levels, dy=dy, error_estimate=True)

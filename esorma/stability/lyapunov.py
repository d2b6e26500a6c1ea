"""Lyapunov exponents of rate networks (Benettin's method with QR along a trajectory).

The state ``x`` and ``k`` tangent vectors ``v_j`` are integrated together,

    dx/dt = -x + J phi(x) + I,        dv/dt = -v + J (phi'(x) * v),

and every ``renorm_interval`` time units the tangent frame is re-orthonormalised by a QR
factorisation; the exponents are the time averages of ``log |R_jj|``. The error estimate comes
from the spread of block means of those logarithms (:func:`esorma.stability.block_stderr`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_memory,
    check_not_masked,
    check_real,
    spawn_seeds,
)
from esorma.stability import _kernels
from esorma.stability.maps import DivergenceError, block_stderr
from esorma.stability.rate import (
    MAX_ABS,
    _check_gain,
    _check_inputs,
    _check_J,
    _check_phi,
    _check_x,
    check_step_size,
)

__all__ = [
    "LyapunovSpectrum",
    "lyapunov_spectrum",
    "max_lyapunov",
    "ChaosSweep",
    "chaos_sweep",
    "CHAOS_N_SIGMA",
    "CHAOS_STATES",
    "classify_exponents",
]

_MAX_HISTORY = 1000

#: Standard errors by which a maximal exponent must clear zero to count as chaotic (above)
#: or stable (below); in between it is marginal. The one rule of :func:`classify_exponents`.
CHAOS_N_SIGMA = 3.0
#: The states of :func:`classify_exponents`.
CHAOS_STATES = ("stable", "marginal", "chaotic")

_PER_TIME = {"unit": "1/time"}


def classify_exponents(exponents, stderr, *, n_sigma: float = CHAOS_N_SIGMA) -> np.ndarray:
    """Label maximal Lyapunov exponents ``"chaotic"``, ``"stable"`` or ``"marginal"``.

    The one classification of esorma (the ``chaos`` command, its tour section, its figure and
    :class:`ChaosSweep` use it): an exponent is

    - ``"chaotic"`` when ``lambda_max > n_sigma * stderr`` (positive beyond its error),
    - ``"stable"`` when ``lambda_max < -n_sigma * stderr`` (negative beyond its error),
    - ``"marginal"`` otherwise: zero is within ``n_sigma`` standard errors (near the
      transition, or a run too short to tell), and wherever the error is not finite.

    Parameters
    ----------
    exponents, stderr : array_like, same shape
        Maximal exponents and their standard errors.
    n_sigma : float, default :data:`CHAOS_N_SIGMA` (3)
        How many standard errors the exponent must clear zero by (>= 0).

    Returns
    -------
    ndarray of str (dtype ``<U8``), the shape of ``exponents``

    Examples
    --------
    >>> from esorma.stability import classify_exponents
    >>> classify_exponents([-0.5, 0.02, 0.08], [0.01, 0.01, 0.01]).tolist()
    ['stable', 'marginal', 'chaotic']
    """
    check_not_masked(exponents, "exponents")
    check_not_masked(stderr, "stderr")
    lam = np.asarray(exponents, dtype=float)
    se = np.asarray(stderr, dtype=float)
    if lam.shape != se.shape:
        raise ValueError(f"exponents and stderr must have the same shape; got {lam.shape} "
                         f"and {se.shape}")
    n_sigma = check_real(n_sigma, "n_sigma", minimum=0.0)
    out = np.full(lam.shape, "marginal", dtype="<U8")
    ok = np.isfinite(lam) & np.isfinite(se)
    with np.errstate(invalid="ignore"):
        out[ok & (lam > n_sigma * se)] = "chaotic"
        out[ok & (lam < -n_sigma * se)] = "stable"
    return out


def _check_gains(gains) -> np.ndarray:
    check_not_masked(gains, "gains")
    try:
        g = np.atleast_1d(np.asarray(gains, dtype=float))
    except (TypeError, ValueError):
        g = np.empty(0)
    if g.ndim != 1 or g.size == 0 or not np.all(np.isfinite(g)) or np.any(g <= 0):
        raise ValueError(f"gains must be a non-empty list of finite numbers > 0; got {gains!r}")
    return g


@summarized
@dataclass(frozen=True)
class LyapunovSpectrum:
    """Leading Lyapunov exponents of a rate network, with error estimates.

    Attributes
    ----------
    exponents : ndarray, shape (k,)
        Exponents (per unit time), descending.
    stderr : ndarray, shape (k,)
        Standard errors from ``n_blocks`` block means of the measurement window.
    half_difference : ndarray, shape (k,)
        Estimate over the second half of the window minus the estimate over the whole window
        (a drift check: large values mean the transient was too short).
    history : ndarray, shape (m, k)
        Running estimate at the times ``history_t`` (for convergence plots).
    history_t : ndarray, shape (m,)
        Measurement time at which each ``history`` row was taken.
    t_max, t_transient, dt, renorm_interval : float
        Measurement window, discarded transient, RK4 step (NaN for solve_ivp) and the time
        between re-orthonormalisations.
    solver : str
        ``"rk4"`` or ``"solve_ivp"``.
    n_neurons : int
    gain : float
    phi : str
    x_final : ndarray, shape (N,)
        The state at the end of the run.
    n_blocks : int
    seed : int or None
        The int seed given as ``rng`` (None otherwise).
    """

    exponents: np.ndarray = field(metadata={**_PER_TIME, "description": "Lyapunov exponents, "
                                            "descending"})
    stderr: np.ndarray = field(metadata={**_PER_TIME, "description": "standard errors"})
    half_difference: np.ndarray = field(metadata=_PER_TIME)
    history: np.ndarray = field(metadata={**_PER_TIME, "description": "running estimates"})
    history_t: np.ndarray = field(metadata={"unit": "time"})
    t_max: float
    t_transient: float
    dt: float
    renorm_interval: float
    solver: str
    n_neurons: int
    gain: float
    phi: str
    x_final: np.ndarray
    n_blocks: int
    seed: int | None = None

    @property
    def maximal(self) -> float:
        """The largest exponent."""
        return float(self.exponents[0])

    @property
    def k(self) -> int:
        return int(self.exponents.shape[0])

    def is_converged(self, tol: float = 0.01) -> bool:
        """True when every standard error and every half-window drift is below ``tol``."""
        return bool(np.all(self.stderr < tol) and np.all(np.abs(self.half_difference) < tol))


def lyapunov_spectrum(
    J,
    *,
    k: int = 1,
    gain: float = 1.0,
    inputs=None,
    phi: str = "tanh",
    x0=None,
    t_max: float = 500.0,
    t_transient: float = 50.0,
    dt: float = 0.1,
    renorm_interval: float = 1.0,
    solver: str = "rk4",
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    n_blocks: int = 20,
    rng=None,
) -> LyapunovSpectrum:
    """The ``k`` leading Lyapunov exponents of ``dx/dt = -x + J phi(x) + I`` (Benettin/QR).

    Parameters
    ----------
    J : array_like, shape (N, N)
        Couplings, e.g. ``esorma.spectra.ginibre(N)`` (SCS: variance ``1/N``, gain ``g``).
    k : int, default 1
        Number of exponents, ``1 <= k <= N``.
    gain, inputs, phi
        The transfer function ``tanh(g x)`` / ``g x`` and the constant input.
    x0 : array_like (N,), optional
        Initial state; default ``N(0, 1)`` entries drawn from ``rng``.
    t_max : float, default 500
        Measurement window (time units, > 0); rounded up to whole ``renorm_interval``\\ s.
    t_transient : float, default 50
        Time integrated (state and tangent frame) before measuring.
    dt : float, default 0.1
        RK4 step (must divide into ``renorm_interval``; it is adjusted down to do so, and
        ``dt`` of the result is the step used, never more than ``renorm_interval``). The
        RK4 error of the exponents is O(dt^4): measured 2e-7 at dt = 0.1 against dt = 0.025
        (N = 1000, g = 1.5), far below the statistical error of any affordable run.
    renorm_interval : float, default 1
        Time between QR re-orthonormalisations.
    solver : {"rk4", "solve_ivp"}
        Compiled fixed-step RK4, or scipy's ``solve_ivp`` on the variational equations
        (restarted at every re-orthonormalisation; slower, for cross-checks).
    method, rtol, atol
        ``solve_ivp`` options.
    n_blocks : int, default 20
        Blocks for the standard error.
    rng : None, int or numpy.random.Generator
        Draws ``x0`` (if not given) and the random initial tangent frame.

    Returns
    -------
    LyapunovSpectrum

    Raises
    ------
    DivergenceError
        If the state or tangent vectors leave the finite numbers (e.g. a linear network with
        an unstable Jacobian), or solve_ivp fails (stiff system).

    Notes
    -----
    For a linear network (``phi="linear"``) the exponents are the real parts of the
    eigenvalues of ``-1 + g J`` (with multiplicity). For ``J`` Ginibre with variance ``1/N``
    and ``phi = tanh(g x)`` (Sompolinsky, Crisanti & Sommers, PRL 61, 259, 1988) the maximal
    exponent is ``g - 1 < 0`` below ``g = 1`` (the origin is stable) and positive above
    (chaos) as ``N -> infinity``.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import lyapunov_spectrum
    >>> J = np.random.default_rng(0).standard_normal((50, 50)) / np.sqrt(50)
    >>> res = lyapunov_spectrum(J, k=2, gain=0.5, phi="linear", t_max=100, rng=0)
    >>> bool(np.allclose(res.exponents, np.sort((-1 + 0.5 * np.linalg.eigvals(J)).real)[::-1][:2],
    ...                  atol=0.02))
    True
    """
    J = _check_J(J)
    n = J.shape[0]
    k = check_int(k, "k", minimum=1)
    if k > n:
        raise ValueError(f"k must be <= N = {n} (the number of neurons); got {k}")
    gain = _check_gain(gain)
    code = _check_phi(phi)
    inp = _check_inputs(inputs, n)
    t_max = check_real(t_max, "t_max", minimum=0.0, strict_min=True)
    t_transient = check_real(t_transient, "t_transient", minimum=0.0)
    renorm_interval = check_real(renorm_interval, "renorm_interval", minimum=0.0, strict_min=True)
    solver = check_choice(solver, "solver", ("rk4", "solve_ivp"))
    n_blocks = check_int(n_blocks, "n_blocks", minimum=1)
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    x = gen.standard_normal(n) if x0 is None else _check_x(x0, n)
    Q, _ = np.linalg.qr(gen.standard_normal((n, k)))
    V = np.ascontiguousarray(Q.T)

    n_renorm = max(1, int(np.ceil(t_max / renorm_interval - 1e-9)))
    n_trans = int(np.ceil(t_transient / renorm_interval - 1e-9)) if t_transient > 0 else 0
    # log|R_jj| of every renormalisation (transient and window) plus the block/cumulative
    # copies made from the window's logs, and the state, frame and J^T used by the kernel.
    check_memory(8.0 * k * (n_trans + 4 * n_renorm) + 8.0 * (n * n + 12 * (k + 1) * n),
                 f"the Lyapunov run ({n_trans + n_renorm} renormalisations of {k} exponents, "
                 f"N = {n})",
                 hint="use a shorter t_max or t_transient, or a longer renorm_interval")
    if solver == "rk4":
        asked = check_real(dt, "dt", minimum=0.0, strict_min=True)
        steps = max(1, int(np.ceil(renorm_interval / asked - 1e-9)))
        dt = renorm_interval / steps
        check_step_size(dt, J, gain, requested=asked,
                        adjusted=f"{steps} whole step(s) per renorm_interval={renorm_interval:g}")
        run = _rk4_runner(J, inp, gain, code, dt, steps)
    else:
        run = _ivp_runner(J, inp, gain, code, renorm_interval, method, rtol, atol)
        dt = float("nan")

    if n_trans:
        run(x, V, n_trans, 0.0)
    logs = run(x, V, n_renorm, n_trans * renorm_interval)

    tau = renorm_interval
    exps = logs.sum(axis=0) / (n_renorm * tau)
    stderr = block_stderr(logs / tau, n_blocks)
    se, nb = stderr
    half = logs[n_renorm // 2 :].mean(axis=0) / tau - exps if n_renorm >= 2 else np.zeros(k)
    idx = np.unique(np.linspace(1, n_renorm, min(n_renorm, _MAX_HISTORY)).astype(np.int64))
    history = np.cumsum(logs, axis=0)[idx - 1] / (idx[:, None] * tau)
    order = np.argsort(-exps, kind="stable")
    return LyapunovSpectrum(
        exponents=exps[order],
        stderr=se[order],
        half_difference=half[order],
        history=history[:, order],
        history_t=idx * tau,
        t_max=n_renorm * tau,
        t_transient=n_trans * tau,
        dt=dt,
        renorm_interval=tau,
        solver=solver,
        n_neurons=n,
        gain=gain,
        phi=phi,
        x_final=x.copy(),
        n_blocks=nb,
        seed=None if seed is None else int(seed),
    )


def max_lyapunov(J, **kwargs) -> LyapunovSpectrum:
    """The maximal Lyapunov exponent alone: :func:`lyapunov_spectrum` with ``k = 1``.

    The cheap route: one tangent vector, renormalised (no QR); each RK4 stage reads ``J`` once
    for both products (state and tangent vector). Takes the keyword arguments of
    :func:`lyapunov_spectrum` (except ``k``).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import max_lyapunov
    >>> J = np.random.default_rng(1).standard_normal((100, 100)) / 10
    >>> max_lyapunov(J, gain=0.5, t_max=50, rng=1).maximal < 0     # g < 1: stable origin
    True
    """
    if "k" in kwargs:
        raise TypeError("max_lyapunov computes one exponent; use lyapunov_spectrum(J, k=...)")
    return lyapunov_spectrum(J, k=1, **kwargs)


@summarized
@dataclass(frozen=True)
class ChaosSweep:
    """Maximal Lyapunov exponent of one coupling matrix at several gains.

    Attributes
    ----------
    gains : ndarray (G,)
    exponents, stderr : ndarray (G,)
        Maximal exponent and its standard error at each gain.
    origin_abscissa : ndarray (G,)
        Largest real part of the origin's Jacobian ``-1 + g J`` (the prediction for
        ``lambda_max`` while the origin attracts).
    origin_eigenvalues : ndarray (N,), complex
        Eigenvalues of ``J`` (multiply by ``g`` and subtract 1 for the origin's Jacobian).
    n_neurons : int
    t_max, t_transient, dt : float
    seeds : ndarray (G,)
        Per-gain seeds (initial state and tangent vector).
    seconds : ndarray (G,)
        Wall time per gain.
    """

    gains: np.ndarray = field(metadata={"description": "gains g of tanh(g x)"})
    exponents: np.ndarray = field(metadata={**_PER_TIME, "description": "maximal Lyapunov "
                                            "exponent at each gain"})
    stderr: np.ndarray = field(metadata={**_PER_TIME, "description": "standard error of "
                                         "each exponent"})
    origin_abscissa: np.ndarray = field(metadata={**_PER_TIME, "description": "max Re eig of "
                                                  "the origin's Jacobian -1 + g J"})
    origin_eigenvalues: np.ndarray = field(metadata={"description": "eigenvalues of J"})
    n_neurons: int
    t_max: float
    t_transient: float
    dt: float
    seeds: np.ndarray
    seconds: np.ndarray = field(metadata={"unit": "s", "description": "wall time per gain"})

    @property
    def states(self) -> np.ndarray:
        """``"chaotic"``, ``"stable"`` or ``"marginal"`` per gain (:func:`classify_exponents`)."""
        return classify_exponents(self.exponents, self.stderr)

    @property
    def chaotic(self) -> np.ndarray:
        """Mask of the gains classified ``"chaotic"`` (exponent > 3 standard errors)."""
        return self.states == "chaotic"


def chaos_sweep(
    J, gains, *, t_max: float = 200.0, t_transient: float = 50.0, dt: float = 0.1,
    phi: str = "tanh", rng=None, callback=None,
) -> ChaosSweep:
    """The maximal Lyapunov exponent of ``dx/dt = -x + J tanh(g x)`` for each gain ``g``.

    With ``J = esorma.spectra.ginibre(N)`` this is the Sompolinsky-Crisanti-Sommers
    experiment: ``lambda_max`` follows ``g - 1 < 0`` while the origin is stable and turns
    positive (chaos) past ``g = 1``. For ``J = esorma.spectra.elliptic(N, tau)`` the origin's
    Jacobian ``-1 + g J`` has ``max Re ~ g (1 + tau) - 1``, so the origin loses stability at
    ``g = 1 / (1 + tau)`` instead. Each gain gets its own seed (drawn from ``rng``) for the
    initial state and tangent vector, so a gain's result does not depend on the others.
    ``callback(i, result)`` is called after each gain (progress output). Each gain is
    classified chaotic, stable or marginal by :func:`classify_exponents`
    (:attr:`ChaosSweep.states`). :func:`esorma.stability.chaos_study` draws the couplings too.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import chaos_sweep
    >>> J = np.random.default_rng(0).standard_normal((100, 100)) / 10
    >>> sw = chaos_sweep(J, [0.5, 2.5], t_max=100, rng=0)
    >>> bool(sw.exponents[0] < 0 < sw.exponents[1])   # stable origin, then chaos
    True
    """
    import time

    J = _check_J(J)
    g = _check_gains(gains)
    seeds = spawn_seeds(as_rng(rng), g.size)
    ev = np.linalg.eigvals(J)
    exps, errs, secs = np.empty(g.size), np.empty(g.size), np.empty(g.size)
    used_dt = dt
    for i, gi in enumerate(g):
        t0 = time.perf_counter()
        res = max_lyapunov(J, gain=gi, t_max=t_max, t_transient=t_transient, dt=dt, phi=phi,
                           rng=int(seeds[i]))
        secs[i] = time.perf_counter() - t0
        exps[i], errs[i], used_dt = res.maximal, res.stderr[0], res.dt
        if callback is not None:
            callback(i, res)
    return ChaosSweep(
        gains=g, exponents=exps, stderr=errs, origin_abscissa=-1.0 + g * ev.real.max(),
        origin_eigenvalues=ev, n_neurons=J.shape[0], t_max=float(res.t_max),
        t_transient=float(res.t_transient), dt=float(used_dt), seeds=seeds, seconds=secs,
    )


def _diverged(t: float) -> DivergenceError:
    return DivergenceError(
        f"the trajectory diverged near t = {t:.4g} (state or tangent vectors beyond "
        f"{MAX_ABS:g} or non-finite): the network is unstable (e.g. a linear network whose "
        "Jacobian has an eigenvalue with positive real part) or dt is too large"
    )


def _rk4_runner(J, inp, gain, code, dt, steps):
    JT = np.ascontiguousarray(J.T)  # the kernel's matvecs read J by columns

    def run(x, V, n_renorm, t0):
        logs = np.empty((n_renorm, V.shape[0]))
        status, done = _kernels.rk4_lyapunov(
            JT, x, V, inp, gain, code, dt, steps, n_renorm, MAX_ABS, logs
        )
        if status != 0:
            raise _diverged(t0 + (done + 1) * steps * dt)
        return logs

    return run


def _ivp_runner(J, inp, gain, code, tau, method, rtol, atol):
    from scipy.integrate import solve_ivp

    n = J.shape[0]

    def fun(_t, y):
        x = y[:n]
        V = y[n:].reshape(-1, n)
        if code == _kernels.PHI_TANH:
            p = np.tanh(gain * x)
            s = gain * (1.0 - p * p)
        else:
            p = gain * x
            s = np.full(n, gain)
        dx = -x + J @ p + inp
        dV = -V + (V * s) @ J.T
        return np.concatenate([dx, dV.ravel()])

    def run(x, V, n_renorm, t0):
        k = V.shape[0]
        logs = np.empty((n_renorm, k))
        for r in range(n_renorm):
            y0 = np.concatenate([x, V.ravel()])
            with np.errstate(over="ignore", invalid="ignore"):
                sol = solve_ivp(fun, (0.0, tau), y0, method=method, rtol=rtol, atol=atol)
            y = sol.y[:, -1]
            if sol.status != 0 or not np.all(np.isfinite(y)) or np.abs(y).max() > MAX_ABS:
                raise DivergenceError(
                    f"solve_ivp ({method}) failed near t = {t0 + r * tau:.4g}: {sol.message} "
                    "(diverging or stiff; try method='LSODA' or 'Radau')"
                )
            x[:] = y[:n]
            W = y[n:].reshape(k, n)
            Qm, R = np.linalg.qr(W.T)
            logs[r] = np.log(np.maximum(np.abs(np.diagonal(R)), np.finfo(float).tiny))
            V[:] = Qm.T
        return logs

    return run

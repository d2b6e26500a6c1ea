"""Finite-time Lyapunov exponents in windows and covariant Lyapunov vectors of any map.

A discrete map is given by ``step(x) -> x_next`` and its Jacobian-vector product
``jvp(x, V) -> J(x) @ V`` (``V`` of shape ``(dim, k)``). The training maps of
:mod:`esorma.training.trajectory` use the same machinery with exact Hessian-vector products.

Benettin's method with QR: an orthonormal basis ``Q_t`` (``dim × k``) of the leading tangent
subspace is carried by ``J(x_t) Q_t = Q_{t+1} R_{t+1}`` (``R`` upper triangular with a positive
diagonal); ``log R_ii`` is the stretch of direction ``i`` in one step. The finite-time exponents
of a window are the means of ``log R_ii`` over its steps (natural log, per step).

Covariant Lyapunov vectors (Ginelli et al., *Phys. Rev. Lett.* 99, 130601, 2007): the CLVs at
time ``t`` are ``V_t = Q_t C_t`` with ``C_t`` upper triangular; going backwards,
``C_t = R_{t+1}^{-1} C_{t+1}`` with normalised columns, started from a random upper-triangular
matrix ``n_backward`` steps after the last requested time. They are covariant:
``J(x_t) v_i(t) ∝ v_i(t+1)``, and for a linear map they are its eigenvectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import solve_triangular

from esorma._results import summarized
from esorma._validation import as_rng, check_finite_array, check_int

__all__ = [
    "LyapunovWindows",
    "CovariantVectors",
    "lyapunov_windows",
    "covariant_vectors",
    "window_means",
    "clv_angle_stats",
]

_TINY = np.finfo(np.float64).tiny


# ----------------------------------------------------------------------------- helpers
def qr_positive(Y: np.ndarray):
    """QR of ``Y`` (``dim × k``) with a positive diagonal of ``R``; returns ``(Q, R)``."""
    Q, R = np.linalg.qr(Y)
    s = np.sign(np.diag(R))
    s[s == 0] = 1.0
    Q *= s
    R *= s[:, None]
    return Q, R


#: CholeskyQR2 is used while ``cond(Yt)² = cond(Yt Ytᵀ)`` stays below this; beyond it
#: (a nearly singular tangent step), Householder QR.
_CHOLQR_MAX_GRAM_COND = 1e12


def qr_rows(Yt: np.ndarray, out: np.ndarray | None = None, tmp: np.ndarray | None = None):
    """Orthonormalise the rows of ``Yt`` (``k × dim``, ``k <= dim``): ``Yt = Rᵀ Qt``.

    Returns ``(Qt, R)``: ``Qt`` (``k × dim``, orthonormal rows; written into ``out`` when
    given; ``tmp`` is an optional work array of the same shape; neither may be ``Yt``) and
    ``R`` upper triangular with a positive diagonal,
    i.e. the QR factorisation ``Yt.T = Qt.T R``; ``None`` when ``Yt`` is not finite.

    CholeskyQR2 (Yamamoto et al. 2015): twice ``Yt Ytᵀ = L Lᵀ``, ``Qt ← L⁻¹ Qt`` — small Gram
    matrices and matrix products only (BLAS-3, no ``dim``-sized temporaries). It is as
    accurate as Householder QR when ``cond(Yt) < 1e6`` (checked on the ``k × k`` Gram matrix);
    otherwise this falls back to Householder QR.
    """
    k = Yt.shape[0]
    G = Yt @ Yt.T
    if not np.all(np.isfinite(G)):
        return None
    if out is None:
        out = np.empty_like(Yt)
    ev = np.linalg.eigvalsh(G)
    if ev[0] > 0 and ev[-1] < _CHOLQR_MAX_GRAM_COND * ev[0]:
        try:
            # NumPy's LAPACK only (k × k inverses): no second BLAS library in the hot loop
            L1 = np.linalg.cholesky(G)
            tmp = np.empty_like(Yt) if tmp is None else tmp
            np.matmul(np.linalg.inv(L1), Yt, out=tmp)
            L2 = np.linalg.cholesky(tmp @ tmp.T)
            np.matmul(np.linalg.inv(L2), tmp, out=out)
            return out, (L1 @ L2).T
        except np.linalg.LinAlgError:  # pragma: no cover - excluded by the eigenvalue test
            pass
    Q, R = qr_positive(Yt.T)
    out[...] = Q.T
    return out, R


def window_means(log_stretch: np.ndarray, window: int, stride: int):
    """Means of ``log_stretch`` (``n_steps × k``) over windows ``[s, s + window)``.

    Returns ``(starts, means)`` with ``starts = 0, stride, 2·stride, ...`` (every window that
    fits). A NaN step makes its windows NaN.
    """
    n = log_stretch.shape[0]
    starts = np.arange(0, max(n - window + 1, 0), stride, dtype=np.int64)
    cs = np.concatenate([np.zeros((1,) + log_stretch.shape[1:]), np.cumsum(log_stretch, axis=0)])
    means = (cs[starts + window] - cs[starts]) / window
    return starts, means


def clv_angle_stats(C: np.ndarray) -> tuple[float, float]:
    """Angles among CLVs given in an orthonormal basis (columns of ``C``).

    Returns ``(angle_12, min_angle)`` in radians in ``[0, π/2]``: the angle between the lines
    of CLV 1 and CLV 2, and the smallest angle between any two of the ``k`` CLVs (NaN for
    ``k < 2``).
    """
    k = C.shape[1]
    if k < 2:
        return float("nan"), float("nan")
    norms = np.linalg.norm(C, axis=0)
    G = np.abs((C.T @ C) / np.outer(norms, norms))
    np.clip(G, 0.0, 1.0, out=G)
    iu = np.triu_indices(k, 1)
    return float(np.arccos(G[0, 1])), float(np.arccos(G[iu].max()))


def clv_backward(Rs: np.ndarray, times, rng, k_used=None) -> np.ndarray:
    """Ginelli's backward pass. ``Rs[t]`` is the ``R`` of step ``t`` (``J_t Q_t = Q_{t+1} R``).

    Returns ``C`` of shape ``(len(times), k, k)``: the CLVs at time ``times[j]`` are
    ``Q_{times[j]} @ C[j]`` (unit columns). Starts at ``t = len(Rs)`` from a random
    upper-triangular matrix.
    """
    T, k, _ = Rs.shape
    times = np.asarray(times, dtype=np.int64)
    C = np.triu(rng.standard_normal((k, k))) + np.eye(k) * 1e-3
    C /= np.linalg.norm(C, axis=0)
    out = np.full((len(times), k, k), np.nan)
    want = {int(t): j for j, t in enumerate(times)}
    for t in range(T - 1, -1, -1):
        C = solve_triangular(Rs[t], C, lower=False, check_finite=False)
        nrm = np.linalg.norm(C, axis=0)
        nrm[nrm == 0] = 1.0
        C /= nrm
        j = want.get(t)
        if j is not None:
            out[j] = C
    return out


def _random_basis(dim, k, rng):
    Q, _ = np.linalg.qr(rng.standard_normal((dim, k)))
    return Q


def _check_map(step, jvp, x0, k, name_k="k"):
    if not callable(step):
        raise TypeError(f"step must be callable x -> x_next; got {type(step).__name__}")
    if not callable(jvp):
        raise TypeError(f"jvp must be callable (x, V) -> J(x) @ V; got {type(jvp).__name__}")
    x0 = check_finite_array(x0, "x0", ndim=1, allow_empty=False)
    dim = x0.shape[0]
    if k is None:
        k = dim
    k = check_int(k, name_k, minimum=1)
    if k > dim:
        raise ValueError(f"{name_k} must be <= the dimension of the map ({dim}); got {k}")
    return x0, dim, k


def _run_forward(step, jvp, x, Q, n_steps, *, store_R=False, sample=None):
    """Benettin forward pass. Returns (x, Q, log_stretch, Rs, diverged_step)."""
    k = Q.shape[1]
    logs = np.full((n_steps, k), np.nan)
    Rs = np.full((n_steps, k, k), np.nan) if store_R else None
    for t in range(n_steps):
        if sample is not None:
            sample(t, x, Q)
        with np.errstate(over="ignore", invalid="ignore"):
            Y = np.asarray(jvp(x, Q), dtype=np.float64)
            x_new = np.asarray(step(x), dtype=np.float64)
        if not (np.all(np.isfinite(Y)) and np.all(np.isfinite(x_new))):
            return x, Q, logs, Rs, t
        if Y.shape != Q.shape:
            raise ValueError(f"jvp must return an array of shape {Q.shape}; got {Y.shape}")
        Q, R = qr_positive(Y)
        logs[t] = np.log(np.maximum(np.diag(R), _TINY))
        if store_R:
            Rs[t] = R
        x = x_new
    return x, Q, logs, Rs, -1


# ----------------------------------------------------------------------------- results
@summarized
@dataclass(frozen=True)
class LyapunovWindows:
    """Finite-time Lyapunov exponents of a map in (sliding) windows.

    Attributes
    ----------
    exponents : ndarray, shape (k,)
        Whole-run exponents (mean of ``log_stretch``), per step, descending.
    ftle : ndarray, shape (n_windows, k)
        Finite-time exponents of each window.
    window_starts : ndarray, shape (n_windows,)
        First step of each window (after the transient).
    window, stride : int
        Window length and the step between window starts.
    log_stretch : ndarray, shape (n_steps, k)
        ``log R_ii`` of each step (NaN after a divergence).
    n_steps, n_transient, k : int
    diverged : bool
        True when the state or the tangent vectors became non-finite.
    diverged_step : int
        The (0-based, after the transient) step where it happened, -1 otherwise.
    x_final : ndarray, shape (dim,)
    """

    exponents: np.ndarray = field(metadata={"unit": "1/step", "description": "whole-run exponents"})
    ftle: np.ndarray = field(metadata={"unit": "1/step", "description": "FTLEs per window"})
    window_starts: np.ndarray = field(metadata={"unit": "step", "description": "window starts"})
    window: int
    stride: int
    log_stretch: np.ndarray = field(metadata={"unit": "1", "description": "log R_ii per step"})
    n_steps: int
    n_transient: int
    k: int
    diverged: bool
    diverged_step: int
    x_final: np.ndarray


@summarized
@dataclass(frozen=True)
class CovariantVectors:
    """Covariant Lyapunov vectors of a map at chosen times (Ginelli et al. 2007).

    Attributes
    ----------
    times : ndarray, shape (m,)
        Steps (after the transient) at which the CLVs are given.
    vectors : ndarray, shape (m, dim, k)
        Unit CLVs: ``vectors[j, :, i]`` is CLV ``i`` at ``times[j]`` (sign arbitrary).
    coefficients : ndarray, shape (m, k, k)
        The same in the Gram-Schmidt basis ``Q_t`` (upper triangular ``C_t``).
    exponents : ndarray, shape (k,)
        Forward (Gram-Schmidt) exponents over the ``n_steps`` steps, per step.
    angle_12 : ndarray, shape (m,)
        Angle (rad) between CLV 1 and CLV 2 at each time (NaN for ``k = 1``).
    min_angle : ndarray, shape (m,)
        Smallest angle (rad) between any two CLVs at each time.
    n_steps, n_transient, n_backward, k : int
    """

    times: np.ndarray = field(metadata={"unit": "step", "description": "sample times"})
    vectors: np.ndarray
    coefficients: np.ndarray
    exponents: np.ndarray = field(metadata={"unit": "1/step", "description": "exponents"})
    angle_12: np.ndarray = field(metadata={"unit": "rad", "description": "angle CLV1-CLV2"})
    min_angle: np.ndarray = field(metadata={"unit": "rad", "description": "min pairwise angle"})
    n_steps: int
    n_transient: int
    n_backward: int
    k: int


# ----------------------------------------------------------------------------- public API
def lyapunov_windows(step, jvp, x0, n_steps: int, *, k: int | None = None, window: int = 100,
                     stride: int | None = None, n_transient: int = 0, Q0=None,
                     rng=None) -> LyapunovWindows:
    """The ``k`` leading finite-time Lyapunov exponents of a map in sliding windows.

    Parameters
    ----------
    step : callable ``x -> x_next``
    jvp : callable ``(x, V) -> J(x) @ V`` with ``V`` of shape ``(dim, k)``.
    x0 : array, shape (dim,)
    n_steps : int
        Measured steps (after ``n_transient`` steps that only align the tangent basis).
    k : int, optional
        Number of exponents (default: all ``dim``); ``k > dim`` raises ValueError.
    window, stride : int
        Window length and the step between window starts (default ``stride = window``,
        non-overlapping windows).
    Q0 : array (dim, k), optional
        Initial tangent basis (orthonormalised); random by default.
    rng : seed or Generator
        For the random initial basis.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [0.0, 0.5]])
    >>> res = lyapunov_windows(lambda x: x, lambda x, V: A @ V, np.ones(2), 200, window=50,
    ...                        n_transient=50, rng=0)
    >>> np.round(res.exponents, 4).tolist()       # log 2, log 0.5
    [0.6931, -0.6931]
    >>> res.ftle.shape
    (4, 2)
    """
    x0, dim, k = _check_map(step, jvp, x0, k)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_transient = check_int(n_transient, "n_transient", minimum=0)
    window = check_int(window, "window", minimum=1, maximum=n_steps)
    stride = window if stride is None else check_int(stride, "stride", minimum=1)
    rng = as_rng(rng)
    if Q0 is None:
        Q = _random_basis(dim, k, rng)
    else:
        Q0 = check_finite_array(Q0, "Q0", ndim=2)
        if Q0.shape != (dim, k):
            raise ValueError(f"Q0 must have shape ({dim}, {k}); got {Q0.shape}")
        Q, _ = qr_positive(Q0.copy())
    x, Q, _, _, bad = _run_forward(step, jvp, x0, Q, n_transient)
    if bad >= 0:
        logs = np.full((n_steps, k), np.nan)
        div = 0
    else:
        x, Q, logs, _, div = _run_forward(step, jvp, x, Q, n_steps)
    starts, ftle = window_means(logs, window, stride)
    return LyapunovWindows(
        exponents=logs.mean(axis=0), ftle=ftle, window_starts=starts, window=window,
        stride=stride, log_stretch=logs, n_steps=n_steps, n_transient=n_transient, k=k,
        diverged=div >= 0, diverged_step=int(div), x_final=np.asarray(x, dtype=np.float64),
    )


def covariant_vectors(step, jvp, x0, n_steps: int, *, k: int | None = None, times=None,
                      n_transient: int = 0, n_backward: int | None = None,
                      rng=None) -> CovariantVectors:
    """Covariant Lyapunov vectors of a map (Ginelli et al. 2007) at chosen times.

    Runs ``n_transient`` steps to align the Gram-Schmidt basis, then ``n_steps`` measured steps
    and ``n_backward`` more steps from which the backward pass starts (so the CLVs at every
    requested time have converged backwards). Memory: the ``R`` factors (``k × k`` per step)
    and ``Q`` at the requested times (``dim × k`` each).

    Parameters
    ----------
    times : array of int, optional
        Steps in ``[0, n_steps)`` (after the transient) where the CLVs are wanted; default
        every step (small maps) — pass a few times for large ones.
    n_backward : int, optional
        Backward transient (default ``n_steps``, at least 100).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [0.0, 0.5]])
    >>> clv = covariant_vectors(lambda x: A @ x, lambda x, V: A @ V, np.ones(2), 20, times=[5],
    ...                         rng=0)
    >>> v = clv.vectors[0, :, 1]            # the contracting direction: eigenvector of 0.5
    >>> bool(np.allclose(np.abs(v), np.abs(np.array([-2.0, 3.0]) / np.sqrt(13))))
    True
    """
    x0, dim, k = _check_map(step, jvp, x0, k)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_transient = check_int(n_transient, "n_transient", minimum=0)
    n_backward = max(n_steps, 100) if n_backward is None else check_int(
        n_backward, "n_backward", minimum=0)
    if times is None:
        times = np.arange(n_steps, dtype=np.int64)
    else:
        times = np.unique(np.asarray(times))
        if times.size == 0 or times.dtype.kind not in "iu":
            raise ValueError(f"times must be a non-empty array of integer steps; got {times!r}")
        if times[0] < 0 or times[-1] >= n_steps:
            raise ValueError(f"times must lie in [0, {n_steps}); got {times[0]}..{times[-1]}")
        times = times.astype(np.int64)
    rng = as_rng(rng)
    Q = _random_basis(dim, k, rng)
    x, Q, _, _, bad = _run_forward(step, jvp, x0, Q, n_transient)
    Qs = {}
    wanted = set(int(t) for t in times)

    def sample(t, x, Q):
        if t in wanted:
            Qs[t] = Q.copy()

    total = n_steps + n_backward
    if bad < 0:
        x, Q, logs, Rs, bad = _run_forward(step, jvp, x, Q, total, store_R=True, sample=sample)
    if bad >= 0:
        from esorma.errors import DivergenceError

        raise DivergenceError(f"the map's state or tangent vectors became non-finite at step "
                              f"{bad}; covariant vectors need a bounded trajectory")
    C = clv_backward(Rs, times, rng)
    vectors = np.stack([Qs[int(t)] @ C[j] for j, t in enumerate(times)])
    stats = np.array([clv_angle_stats(c) for c in C]).reshape(-1, 2)
    return CovariantVectors(
        times=times, vectors=vectors, coefficients=C, exponents=logs[:n_steps].mean(axis=0),
        angle_12=stats[:, 0], min_angle=stats[:, 1], n_steps=n_steps, n_transient=n_transient,
        n_backward=n_backward, k=k,
    )

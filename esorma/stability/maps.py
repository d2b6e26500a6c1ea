"""Finite-time Lyapunov exponents of discrete maps (Benettin's method with QR).

A map is given as a step function ``x -> step(x)`` and its Jacobian-vector product
``jvp(x, V) = J(x) @ V`` (the Jacobian of ``step`` at ``x`` applied to the columns of ``V``).
The same code serves any discrete dynamics: the logistic and Hénon maps, a stroboscopic map
of a flow, or the gradient-descent map of a learning rule (``x -> x - eta * grad L(x)``, whose
Jacobian-vector product is ``V - eta * H(x) @ V``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma.errors import DivergenceError

from esorma._validation import as_rng, check_int, check_not_masked

__all__ = ["MapLyapunovResult", "DivergenceError", "map_lyapunov", "block_stderr"]

# Floor for |R_ii| so that a step with a singular Jacobian (the logistic map at x = 1/2)
# contributes a large negative number rather than -inf.
_TINY = np.finfo(np.float64).tiny
_MAX_HISTORY = 1000


@summarized
@dataclass(frozen=True)
class MapLyapunovResult:
    """Leading Lyapunov exponents of a discrete map.

    Attributes
    ----------
    exponents : ndarray, shape (k,)
        Exponents per step (natural log), sorted in descending order.
    stderr : ndarray, shape (k,)
        Standard error of each exponent from the spread of ``n_blocks`` block means over the
        run (NaN when fewer than two blocks).
    n_steps : int
        Number of measured steps (after ``n_transient`` discarded steps).
    n_transient : int
        Number of steps discarded before measuring.
    history : ndarray, shape (m, k)
        Running estimate (cumulative mean of the log stretching factors) at ``history_steps``.
    history_steps : ndarray, shape (m,)
        The step counts (1-based) at which ``history`` was recorded (at most 1000 rows).
    n_blocks : int
        Number of blocks used for ``stderr``.
    x_final : ndarray, shape (dim,)
        The state after the last step.
    seed : int or None
        The seed used for the random initial tangent vectors, when an int was given.
    """

    exponents: np.ndarray
    stderr: np.ndarray
    n_steps: int
    n_transient: int
    history: np.ndarray
    history_steps: np.ndarray
    n_blocks: int
    x_final: np.ndarray
    seed: int | None = None

    @property
    def maximal(self) -> float:
        """The largest exponent."""
        return float(self.exponents[0])

    @property
    def k(self) -> int:
        """Number of exponents computed."""
        return int(self.exponents.shape[0])


def block_stderr(increments: np.ndarray, n_blocks: int = 20) -> tuple[np.ndarray, int]:
    """Standard error of the mean of ``increments`` (rows = time) from block means.

    The rows are cut into ``min(n_blocks, len(increments))`` contiguous blocks of equal length
    (a remainder at the start is dropped); the error is ``std(block means) / sqrt(blocks)``.
    Returns ``(stderr, blocks)``; ``stderr`` is NaN when fewer than two blocks are possible.
    """
    inc = np.asarray(increments, dtype=np.float64)
    if inc.ndim == 1:
        inc = inc[:, None]
    n = inc.shape[0]
    nb = min(int(n_blocks), n)
    if nb < 2:
        return np.full(inc.shape[1], np.nan), nb
    size = n // nb
    used = inc[n - nb * size :]
    means = used.reshape(nb, size, -1).mean(axis=1)
    return means.std(axis=0, ddof=1) / np.sqrt(nb), nb


def _check_state(x0, name="x0") -> np.ndarray:
    check_not_masked(x0, name)
    arr = np.asarray(x0)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real numeric 1-D array; got dtype {arr.dtype}")
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; found NaN or inf entries")
    return arr


def _call_step(step, x, i, dim):
    y = np.asarray(step(x), dtype=np.float64)
    if y.shape != (dim,):
        y = y.reshape(-1) if y.size == dim else y
        if y.shape != (dim,):
            raise ValueError(f"step(x) must return an array of shape ({dim},); got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise DivergenceError(
            f"the map diverged: step(x) returned NaN or inf at step {i}; "
            "choose another x0 or a map whose orbit stays bounded"
        )
    return y


def _call_jvp(jvp, x, V, i, dim, k):
    W = np.asarray(jvp(x, V), dtype=np.float64)
    if W.shape != (dim, k):
        if W.size == dim * k:
            W = W.reshape(dim, k)
        else:
            raise ValueError(
                f"jvp(x, V) must return an array of shape ({dim}, {k}); got shape {W.shape}"
            )
    if not np.all(np.isfinite(W)):
        raise DivergenceError(f"jvp(x, V) returned NaN or inf at step {i}")
    return W


def map_lyapunov(
    step,
    jvp,
    x0,
    n_steps: int,
    *,
    k: int = 1,
    n_transient: int = 0,
    rng=None,
    n_blocks: int = 20,
) -> MapLyapunovResult:
    """Leading ``k`` Lyapunov exponents of the map ``x -> step(x)`` (Benettin/QR).

    Parameters
    ----------
    step : callable
        ``step(x) -> x_next`` on 1-D float arrays of length ``dim``.
    jvp : callable
        ``jvp(x, V) -> J(x) @ V``: the Jacobian of ``step`` at ``x`` applied to ``V`` of shape
        ``(dim, k)``; must return shape ``(dim, k)``.
    x0 : array_like, shape (dim,)
        Finite initial state (a scalar is read as a 1-D map).
    n_steps : int
        Number of measured steps (>= 1).
    k : int, default 1
        Number of exponents (1 <= k <= dim).
    n_transient : int, default 0
        Steps discarded first (state and tangent vectors evolve, nothing is recorded).
    rng : None, int or numpy.random.Generator
        Draws the random orthonormal initial tangent vectors.
    n_blocks : int, default 20
        Number of blocks for the standard error.

    Returns
    -------
    MapLyapunovResult

    Raises
    ------
    DivergenceError
        If the orbit or the tangent vectors become NaN or inf.

    Notes
    -----
    Each step maps the orthonormal tangent frame ``Q`` to ``W = J(x) Q``, factors
    ``W = Q' R`` and accumulates ``log |R_ii|``; ``lambda_i = (1/n) sum log |R_ii|``. With
    ``k = 1`` the QR is a normalisation. The exponents are finite-time estimates: for a
    chaotic orbit the error falls like ``1/sqrt(n_steps)`` (see ``stderr``); for a linear map
    ``x -> A x`` they converge to ``log |eigenvalues of A|`` with an ``O(1/n)`` bias.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import map_lyapunov
    >>> r = 4.0
    >>> res = map_lyapunov(lambda x: r * x * (1 - x), lambda x, V: r * (1 - 2 * x)[:, None] * V,
    ...                    [0.3], 20000, n_transient=100, rng=0)
    >>> round(res.maximal, 2)  # log 2 = 0.693
    0.69
    """
    if not callable(step):
        raise TypeError(f"step must be callable (x -> x_next); got {type(step).__name__}")
    if not callable(jvp):
        raise TypeError(f"jvp must be callable ((x, V) -> J(x) @ V); got {type(jvp).__name__}")
    x = _check_state(x0)
    dim = x.shape[0]
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_transient = check_int(n_transient, "n_transient", minimum=0)
    k = check_int(k, "k", minimum=1)
    if k > dim:
        raise ValueError(f"k must be <= the dimension of the map ({dim}); got {k}")
    n_blocks = check_int(n_blocks, "n_blocks", minimum=1)
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)

    Q, _ = np.linalg.qr(gen.standard_normal((dim, k)))
    logs = np.empty((n_steps, k))
    for i in range(n_transient + n_steps):
        W = _call_jvp(jvp, x, Q, i, dim, k)
        x = _call_step(step, x, i, dim)
        if k == 1:
            r = np.sqrt(W[:, 0] @ W[:, 0])
            if r > 0:
                Q = W / r
            r_abs = np.array([r])
        else:
            Q, R = np.linalg.qr(W)
            r_abs = np.abs(np.diagonal(R))
        if i >= n_transient:
            logs[i - n_transient] = np.log(np.maximum(r_abs, _TINY))
        if not np.all(np.isfinite(Q)):
            raise DivergenceError(f"the tangent vectors became NaN or inf at step {i}")

    exps = logs.mean(axis=0)
    stderr, nb = block_stderr(logs, n_blocks)
    csum = np.cumsum(logs, axis=0)
    steps = np.unique(np.linspace(1, n_steps, min(n_steps, _MAX_HISTORY)).astype(np.int64))
    history = csum[steps - 1] / steps[:, None]
    order = np.argsort(-exps, kind="stable")
    return MapLyapunovResult(
        exponents=exps[order],
        stderr=stderr[order],
        n_steps=n_steps,
        n_transient=n_transient,
        history=history[:, order],
        history_steps=steps,
        n_blocks=nb,
        x_final=x,
        seed=None if seed is None else int(seed),
    )

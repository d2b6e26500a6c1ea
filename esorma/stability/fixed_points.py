"""Fixed points of rate networks by Newton's method from many starts, with their stability.

A fixed point solves ``F(x) = -x + J phi(x) + I = 0``. Newton's method with a backtracking
line search on ``|F|`` is run from many random starts (and the origin); converged points are
deduplicated and each one gets its Jacobian ``-1 + J diag(phi'(x*))``, the Jacobian's
eigenvalues and a stability label.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    check_not_masked,
    as_rng,
    check_bool,
    check_int,
    check_memory,
    check_real,
    check_seconds,
)
from esorma.stability import _kernels
from esorma.stability.rate import (
    _check_gain,
    _check_inputs,
    _check_J,
    _check_phi,
    _check_x,
    _rhs_numpy,
)

__all__ = [
    "FixedPoints",
    "NewtonResult",
    "find_fixed_points",
    "estimate_fixed_point_search",
    "newton_fixed_point",
    "classify_eigenvalues",
]


class NewtonResult(NamedTuple):
    """One Newton solve of ``-x + J phi(x) + I = 0`` (immutable; unpacks as a 4-tuple).

    Attributes
    ----------
    point : ndarray, shape (N,)
        The last iterate (the fixed point when ``converged``).
    residual : float
        ``max |F(point)|``.
    iterations : int
        Newton iterations used.
    converged : bool
        ``residual <= tol`` was reached within ``max_iter`` iterations.
    """

    point: np.ndarray
    residual: float
    iterations: int
    converged: bool


@summarized
@dataclass(frozen=True)
class FixedPoints:
    """Distinct fixed points of a rate network with their linear stability.

    Attributes
    ----------
    points : ndarray, shape (m, N)
        The fixed points, sorted by stability index then by norm.
    eigenvalues : ndarray, shape (m, N), complex
        Eigenvalues of each point's Jacobian, sorted by decreasing real part.
    jacobians : ndarray, shape (m, N, N) or None
        ``-1 + J diag(phi'(x*))`` (None when ``keep_jacobians=False``).
    index : ndarray, shape (m,)
        Number of eigenvalues with positive real part (unstable directions).
    labels : tuple of str
        ``"stable node"``, ``"stable focus"``, ``"saddle (index i)"``, ``"unstable node"``,
        ``"unstable focus"`` or ``"non-hyperbolic"``.
    residuals : ndarray, shape (m,)
        ``max |F(x*)|``.
    counts : ndarray, shape (m,)
        How many starts converged to each point.
    n_starts, n_converged : int
        Starts tried and starts whose Newton iteration converged.
    iterations : ndarray, shape (n_starts,)
        Newton iterations used by each start.
    seed : int or None
    """

    points: np.ndarray
    eigenvalues: np.ndarray
    jacobians: np.ndarray | None
    index: np.ndarray
    labels: tuple
    residuals: np.ndarray
    counts: np.ndarray
    n_starts: int
    n_converged: int
    iterations: np.ndarray
    seed: int | None = None

    def __post_init__(self):
        # A file stores the labels as a JSON list: keep them a tuple after load_result.
        object.__setattr__(self, "labels", tuple(str(lab) for lab in self.labels))

    def __len__(self) -> int:
        return int(self.points.shape[0])

    @property
    def stable(self) -> np.ndarray:
        """Boolean mask of the linearly stable points (all eigenvalues with Re < 0)."""
        return np.array([lab.startswith("stable") for lab in self.labels], dtype=bool)


def classify_eigenvalues(eigenvalues, *, tol: float = 1e-9) -> tuple[str, int]:
    """Label a fixed point from its Jacobian's eigenvalues; return ``(label, index)``.

    ``index`` counts eigenvalues with real part > ``tol``. A point with an eigenvalue whose
    real part is within ``tol`` of zero is ``"non-hyperbolic"``. Stable/unstable points are
    "nodes" when every eigenvalue is real (|Im| <= tol) and "foci" otherwise.

    Examples
    --------
    >>> from esorma.stability import classify_eigenvalues
    >>> classify_eigenvalues([-1.0, 0.5, 2.0])
    ('saddle (index 2)', 2)
    """
    check_not_masked(eigenvalues, "eigenvalues")
    ev = np.asarray(eigenvalues, dtype=complex).ravel()
    tol = check_real(tol, "tol", minimum=0.0)
    index = int(np.sum(ev.real > tol))
    if np.any(np.abs(ev.real) <= tol):
        return "non-hyperbolic", index
    kind = "node" if np.all(np.abs(ev.imag) <= tol) else "focus"
    if index == 0:
        return f"stable {kind}", 0
    if index == ev.size:
        return f"unstable {kind}", index
    return f"saddle (index {index})", index


def _slope(x, gain, code):
    if code == _kernels.PHI_TANH:
        return gain * (1.0 - np.tanh(gain * x) ** 2)
    return np.full_like(x, gain)


def _check_newton_memory(n: int, n_starts: int) -> None:
    """Refuse up front: the starts (S, N) and Newton's N x N Jacobian with its LU/eigen copies
    (about four N x N arrays at a time; the starts are solved one after another)."""
    check_memory(8.0 * n_starts * n + 32.0 * n * n,
                 f"Newton's method on {n_starts} start(s) of a network of N = {n}",
                 hint="use fewer starts (n_starts) or a smaller network")


#: Newton iterations assumed per start in the estimate (random starts on g = 2 random
#: networks take 20-90, 45 on average, with the line search; benchmarks/bench_estimates.py).
_TYPICAL_ITERATIONS = 45
#: Right-hand sides evaluated per iteration by the line search (about 11 on average).
_LINE_SEARCH_RHS = 10
#: One eigendecomposition of an N x N Jacobian costs about this many Newton iterations.
_EIG_PER_ITERATION = 15.0


def _iteration_seconds(J, gain, code, inp) -> float:
    """Measured wall time of one Newton iteration on this machine at this N (the Jacobian,
    one solve and the line search's right-hand sides), the fastest of two probes."""
    n = J.shape[0]
    x = np.full(n, 0.1)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        F = _rhs_numpy(x, J, gain, code, inp)
        D = J * _slope(x, gain, code)[None, :] - np.eye(n)
        dx = np.linalg.solve(D, -F)
        for k in range(_LINE_SEARCH_RHS):  # the backtracking line search's evaluations
            np.linalg.norm(_rhs_numpy(x + 0.5**k * dx, J, gain, code, inp))
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _n_rows(starts) -> int:
    shape = np.shape(starts)
    return int(shape[0]) if len(shape) == 2 else 1


def _search_estimate(J, gain, code, inp, n_starts: int, max_iter: int) -> dict:
    n = J.shape[0]
    t_it = _iteration_seconds(J, gain, code, inp)
    iters = min(max_iter, _TYPICAL_ITERATIONS)
    seconds = n_starts * (iters + _EIG_PER_ITERATION) * t_it
    return {"n_neurons": n, "n_starts": n_starts, "iteration_seconds": t_it,
            "iterations_per_start": iters, "seconds": seconds,
            "worst_seconds": n_starts * (max_iter + _EIG_PER_ITERATION) * t_it,
            "bytes": 8.0 * n_starts * n + 32.0 * n * n}


def estimate_fixed_point_search(
    J, *, n_starts: int = 50, include_origin: bool = True, gain: float = 1.0, inputs=None,
    phi: str = "tanh", max_iter: int = 100,
) -> dict:
    """Estimated cost of :func:`find_fixed_points` (no search).

    One Newton iteration is timed on this machine at this N; a start is assumed to take
    45 iterations (``worst_seconds``: all ``max_iter``) and every start to end on a
    distinct point whose eigenvalues are computed (about 15 iterations' worth).

    Examples
    --------
    >>> import numpy as np
    >>> est = estimate_fixed_point_search(np.eye(3) * 0.5, n_starts=10)
    >>> est["n_starts"], est["seconds"] < 1.0
    (11, True)
    """
    J = _check_J(J)
    n_starts = check_int(n_starts, "n_starts", minimum=0) + int(
        check_bool(include_origin, "include_origin"))
    inp = _check_inputs(inputs, J.shape[0])
    return _search_estimate(J, _check_gain(gain), _check_phi(phi), inp, n_starts,
                            check_int(max_iter, "max_iter", minimum=1))


def _newton(x, J, gain, code, inp, tol, max_iter):
    """Damped Newton on F(x) = -x + J phi(x) + I; returns (x, residual, iterations, ok)."""
    n = x.shape[0]
    eye = np.eye(n)
    F = _rhs_numpy(x, J, gain, code, inp)
    res = np.abs(F).max()
    for it in range(1, max_iter + 1):
        if res <= tol:
            return x, res, it - 1, True
        D = J * _slope(x, gain, code)[None, :] - eye
        try:
            dx = np.linalg.solve(D, -F)
        except np.linalg.LinAlgError:
            dx = np.linalg.lstsq(D, -F, rcond=None)[0]
        if not np.all(np.isfinite(dx)):
            return x, res, it, False
        norm0 = np.linalg.norm(F)
        step = 1.0
        for _ in range(30):  # backtracking: accept the first step that reduces |F|
            x_new = x + step * dx
            F_new = _rhs_numpy(x_new, J, gain, code, inp)
            if np.linalg.norm(F_new) < (1.0 - 1e-4 * step) * norm0:
                break
            step *= 0.5
        else:
            return x, res, it, False
        x, F = x_new, F_new
        res = np.abs(F).max()
    return x, res, max_iter, bool(res <= tol)


def newton_fixed_point(
    J, x0, *, gain: float = 1.0, inputs=None, phi: str = "tanh", tol: float = 1e-10,
    max_iter: int = 100,
) -> NewtonResult:
    """One Newton solve of ``-x + J phi(x) + I = 0`` from ``x0``.

    Returns
    -------
    NewtonResult
        ``(point, residual, iterations, converged)``, a NamedTuple.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import newton_fixed_point
    >>> res = newton_fixed_point(np.array([[2.0]]), [1.0])
    >>> res.converged, round(float(res.point[0]), 6)      # x = 2 tanh(x)
    (True, 1.915008)
    """
    J = _check_J(J)
    n = J.shape[0]
    _check_newton_memory(n, 1)
    x = _check_x(x0, n)
    gain = _check_gain(gain)
    code = _check_phi(phi)
    inp = _check_inputs(inputs, n)
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    point, residual, iterations, converged = _newton(x, J, gain, code, inp, tol, max_iter)
    return NewtonResult(point, float(residual), int(iterations), bool(converged))


def find_fixed_points(
    J,
    *,
    gain: float = 1.0,
    inputs=None,
    phi: str = "tanh",
    n_starts: int = 50,
    starts=None,
    scale: float = 1.0,
    include_origin: bool = True,
    tol: float = 1e-10,
    max_iter: int = 100,
    dedup_tol: float = 1e-6,
    stability_tol: float = 1e-9,
    keep_jacobians: bool = True,
    max_seconds: float = 600.0,
    rng=None,
) -> FixedPoints:
    """Fixed points of ``dx/dt = -x + J phi(x) + I`` by Newton's method from many starts.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Couplings (any real square matrix).
    gain, inputs, phi
        Transfer function ``tanh(g x)`` or ``g x`` and constant input.
    n_starts : int, default 50
        Random starts with ``N(0, scale^2)`` entries (ignored when ``starts`` is given).
    starts : array_like (S, N), optional
        Explicit starting points (e.g. stored patterns).
    scale : float, default 1
        Standard deviation of the random starts.
    include_origin : bool, default True
        Also start from ``x = 0``.
    tol : float, default 1e-10
        Newton stops when ``max |F(x)| <= tol``.
    max_iter : int, default 100
    dedup_tol : float, default 1e-6
        Two points are the same when ``max |x - y| <= dedup_tol * (1 + max |x|)``.
    stability_tol : float, default 1e-9
        Real parts within this of zero make a point non-hyperbolic.
    keep_jacobians : bool, default True
        Store the ``(m, N, N)`` Jacobians (refused if they would not fit in memory).
    max_seconds : float, default 600
        Refuse up front (ValueError with the estimate) when the search is estimated to take
        longer (see :func:`estimate_fixed_point_search`; ``inf`` never refuses).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    FixedPoints

    Notes
    -----
    Newton converges quadratically near a non-degenerate root; starts that do not converge
    within ``max_iter`` are counted in ``n_starts - n_converged`` and dropped. The search is
    not exhaustive: the number of fixed points of a random network grows exponentially with
    N above g = 1 (Wainrib & Touboul, PRL 110, 118101, 2013). Cost per start:
    ``O(iterations * N^3)``; then one eigendecomposition per distinct point.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import find_fixed_points
    >>> fp = find_fixed_points(np.array([[2.0]]), n_starts=20, rng=0)
    >>> fp.labels           # x = +-1.915 are stable, x = 0 is unstable (slope 2)
    ('stable node', 'stable node', 'unstable node')
    """
    J = _check_J(J)
    n = J.shape[0]
    gain = _check_gain(gain)
    code = _check_phi(phi)
    inp = _check_inputs(inputs, n)
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    dedup_tol = check_real(dedup_tol, "dedup_tol", minimum=0.0)
    scale = check_real(scale, "scale", minimum=0.0)
    include_origin = check_bool(include_origin, "include_origin")
    keep_jacobians = check_bool(keep_jacobians, "keep_jacobians")
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    if starts is None:
        n_starts = check_int(n_starts, "n_starts", minimum=0)
    n_total = (n_starts if starts is None else _n_rows(starts)) + int(include_origin)
    if max_seconds != np.inf:
        max_seconds = check_real(max_seconds, "max_seconds", minimum=0.0, strict_min=True)
    if n >= 32 and max_seconds != np.inf and n_total > 0:
        # before drawing the starts: the refusal costs three Newton iterations, no more
        est = _search_estimate(J, gain, code, inp, n_total, max_iter)
        check_seconds(est["seconds"], max_seconds,
                      f"Newton's method from {n_total} start(s) on a network of N = {n} "
                      f"(about {est['iterations_per_start']} iterations of "
                      f"{est['iteration_seconds']:.2g} s each per start, then the eigenvalues)",
                      hint="use fewer starts (n_starts)")
    if starts is None:
        _check_newton_memory(n, n_starts + 1)
        X0 = as_rng(rng).standard_normal((n_starts, n)) * scale
    else:
        X0 = np.asarray(starts, dtype=np.float64)
        if X0.ndim == 1:
            X0 = X0[None, :]
        if X0.ndim != 2 or X0.shape[1] != n:
            raise ValueError(f"starts must have shape (S, {n}) to match J; got {X0.shape}")
        if not np.all(np.isfinite(X0)):
            raise ValueError("starts must be finite; found NaN or inf entries")
    if include_origin:
        X0 = np.vstack([np.zeros((1, n)), X0])
    if X0.shape[0] == 0:
        raise ValueError("no starting points: give n_starts >= 1, starts, or include_origin")

    found, residuals, counts = [], [], []
    iterations = np.zeros(X0.shape[0], dtype=np.int64)
    n_conv = 0
    for s, x0 in enumerate(X0):
        x, res, it, ok = _newton(x0.copy(), J, gain, code, inp, tol, max_iter)
        iterations[s] = it
        if not ok:
            continue
        n_conv += 1
        for j, y in enumerate(found):
            if np.abs(x - y).max() <= dedup_tol * (1.0 + np.abs(y).max()):
                counts[j] += 1
                break
        else:
            found.append(x)
            residuals.append(res)
            counts.append(1)

    m = len(found)
    if keep_jacobians:
        check_memory(8.0 * m * n * n, f"{m} Jacobians of size {n}x{n}",
                     hint="pass keep_jacobians=False")
    jacs = np.empty((m, n, n)) if keep_jacobians else None
    eigs = np.empty((m, n), dtype=complex)
    index = np.zeros(m, dtype=np.int64)
    labels = []
    for i, x in enumerate(found):
        D = J * _slope(x, gain, code)[None, :] - np.eye(n)
        ev = np.linalg.eigvals(D)
        eigs[i] = ev[np.lexsort((-ev.imag, -ev.real))]
        lab, idx = classify_eigenvalues(ev, tol=stability_tol)
        labels.append(lab)
        index[i] = idx
        if keep_jacobians:
            jacs[i] = D
    points = np.array(found).reshape(m, n)
    order = np.lexsort((np.abs(points).max(axis=1) if m else np.zeros(0), index))
    return FixedPoints(
        points=points[order],
        eigenvalues=eigs[order],
        jacobians=None if jacs is None else jacs[order],
        index=index[order],
        labels=tuple(labels[i] for i in order),
        residuals=np.asarray(residuals, dtype=float).reshape(m)[order],
        counts=np.asarray(counts, dtype=np.int64).reshape(m)[order],
        n_starts=int(X0.shape[0]),
        n_converged=n_conv,
        iterations=iterations,
        seed=None if seed is None else int(seed),
    )

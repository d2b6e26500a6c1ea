"""A network that learns a dominant eigenfunction by gradient ascent combined with power iteration.

The network ``N: R^h -> R`` is an input layer with ``atan``, ``n_blocks`` residual blocks
``u <- u + atan(W_k u + b_k)`` whose weights start near zero (so each block starts as the
identity) and a linear read-out. It is trained so that ``f(x) = N(x) - E N`` satisfies

    f(x) = c (f(A x) + f(B x))        for unit vectors x,

with ``A``, ``B`` random orthogonal matrices. Each iteration draws ``r`` unit vectors ``x_j``,
forms the targets ``y_j = N(A x_j) + N(B x_j)`` with the *current* network (no gradient flows
through them: the training data change with the network, as in power iteration) and takes a
gradient-ascent step on the squared sample correlation between ``N(x_j)`` and ``y_j``. The
eigenvalue found is ``lambda = 1 / c``, the regression slope of ``y`` on ``N(x)``.

Exact solutions
---------------
Linear functions are an invariant subspace of ``T f = f o A + f o B``: with ``f(x) = v · x``,
``T f (x) = ((A^T + B^T) v) . x``, so every real eigenvector ``v`` of ``M = A^T + B^T`` gives a
solution with ``lambda`` its eigenvalue (:func:`linear_solutions`). For a linear ``f = a . x``
held fixed while the step is taken, the ascent direction is
``sign(a^T M a) (M a - (a^T M a / |a|^2) a)``, the flow of ``a' = +-M a`` projected on the
sphere: a *continuous-time* power iteration ``exp(t M) a``. Small steps therefore select the
eigenvalue of ``M`` with the largest real part (or the smallest, on the branch where
``a^T M a < 0``), not the largest modulus of discrete power iteration ``a <- M a``; when that
eigenvalue is one of a complex pair, no real linear solution is stable and ``a`` keeps
rotating in the pair's invariant plane: training oscillates between solutions
(:func:`detect_oscillation`).

Gradients are exact (backward pass written out by hand; tests compare it with finite
differences).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._threads import single_threaded_blas
from esorma._validation import as_rng, check_choice, check_int, check_memory, check_real

__all__ = [
    "ORTHOGONAL_METHODS",
    "ResidualNet",
    "init_residual_net",
    "residual_net_vjp",
    "correlation_objective",
    "random_orthogonal",
    "LinearSolutions",
    "linear_solutions",
    "linear_part",
    "Oscillation",
    "detect_oscillation",
    "PowerIterationStudy",
    "CANDIDATES",
    "power_iteration_study",
]

#: Ways of drawing the orthogonal maps of :func:`random_orthogonal`.
ORTHOGONAL_METHODS = ("qr", "haar")


# ----------------------------------------------------------------------------- the network
@summarized
@dataclass(frozen=True, eq=False)
class ResidualNet:
    """``N(x) = w_out · u_K + b_out`` with ``u_0 = atan(W_in x + b_in)`` and residual blocks
    ``u_k = u_{k-1} + atan(W_k u_{k-1} + b_k)``, ``k = 1..K``.

    Attributes
    ----------
    w_in : ndarray, shape (width, h)
    b_in : ndarray, shape (width,)
    w_res : ndarray, shape (K, width, width)
        The residual weight matrices ``W_k``.
    b_res : ndarray, shape (K, width)
    w_out : ndarray, shape (width,)
    b_out : float
    """

    w_in: np.ndarray
    b_in: np.ndarray
    w_res: np.ndarray
    b_res: np.ndarray
    w_out: np.ndarray
    b_out: float

    @property
    def n_inputs(self) -> int:
        return int(self.w_in.shape[1])

    @property
    def width(self) -> int:
        return int(self.w_in.shape[0])

    @property
    def n_blocks(self) -> int:
        return int(self.w_res.shape[0])

    @property
    def n_params(self) -> int:
        w, h, k = self.width, self.n_inputs, self.n_blocks
        return w * h + w + k * (w * w + w) + w + 1

    @property
    def params(self) -> np.ndarray:
        """All parameters as one flat vector (``w_in, b_in, w_res, b_res, w_out, b_out``)."""
        return np.concatenate([self.w_in.ravel(), self.b_in, self.w_res.ravel(),
                               self.b_res.ravel(), self.w_out, [self.b_out]])

    def with_params(self, theta) -> "ResidualNet":
        """A copy with the flat parameter vector ``theta``."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},); got {theta.shape}")
        return ResidualNet(*_unpack(theta.copy(), self.n_inputs, self.width, self.n_blocks))

    def __call__(self, X) -> np.ndarray:
        """Outputs ``N(x)`` for a batch ``X`` of shape ``(B, h)`` (or one input ``(h,)``)."""
        X = _check_inputs(X, self.n_inputs)
        return _forward(self._parts(), X)[0]

    def _parts(self):
        return (self.w_in, self.b_in, self.w_res, self.b_res, self.w_out, float(self.b_out))


def _unpack(theta, h, w, k):
    i = 0
    out = []
    for shape in ((w, h), (w,), (k, w, w), (k, w), (w,)):
        size = int(np.prod(shape))
        out.append(theta[i:i + size].reshape(shape))
        i += size
    out.append(float(theta[i]))
    return out


def _check_inputs(X, h):
    arr = np.asarray(X)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) \
            or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"X must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != h:
        raise ValueError(f"X must have shape (B, {h}) to match the network's inputs; "
                         f"got {np.shape(X)}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("X must be finite; found NaN or inf entries")
    return arr


def init_residual_net(n_inputs: int = 20, width: int = 40, n_blocks: int = 3, *,
                      residual_scale: float = 1e-3, rng=None) -> ResidualNet:
    """A random :class:`ResidualNet` whose residual blocks start near the identity.

    ``W_in ~ N(0, 1/h)``, ``w_out ~ N(0, 1/width)``, ``W_k ~ residual_scale N(0, 1/width)``,
    biases zero.

    Examples
    --------
    >>> net = init_residual_net(rng=0)
    >>> net.n_params, net(np.eye(20)[:2]).shape
    (5801, (2,))
    """
    h = check_int(n_inputs, "n_inputs", minimum=1)
    w = check_int(width, "width", minimum=1)
    k = check_int(n_blocks, "n_blocks", minimum=0)
    scale = check_real(residual_scale, "residual_scale", minimum=0.0)
    gen = as_rng(rng)
    w_in = gen.standard_normal((w, h)) / np.sqrt(h)
    w_res = scale * gen.standard_normal((k, w, w)) / np.sqrt(w)
    w_out = gen.standard_normal(w) / np.sqrt(w)
    return ResidualNet(w_in, np.zeros(w), w_res, np.zeros((k, w)), w_out, 0.0)


def _forward(parts, X):
    w_in, b_in, w_res, b_res, w_out, b_out = parts
    z0 = X @ w_in.T + b_in
    u = np.arctan(z0)
    us, zs = [u], [z0]
    for k in range(w_res.shape[0]):
        z = u @ w_res[k].T + b_res[k]
        u = u + np.arctan(z)
        us.append(u)
        zs.append(z)
    return u @ w_out + b_out, (X, us, zs)


def _backward(parts, cache, g):
    """Flat gradient of ``sum_j g_j N(x_j)`` from the forward cache."""
    w_in, _b_in, w_res, _b_res, w_out, _b_out = parts
    X, us, zs = cache
    K = w_res.shape[0]
    g_wout = us[-1].T @ g
    g_bout = g.sum()
    delta = g[:, None] * w_out[None, :]  # dL/du_K
    g_wres = np.empty_like(w_res)
    g_bres = np.empty((K, w_res.shape[1]))
    for k in range(K - 1, -1, -1):
        dz = delta / (1.0 + zs[k + 1] ** 2)
        g_wres[k] = dz.T @ us[k]
        g_bres[k] = dz.sum(axis=0)
        delta = delta + dz @ w_res[k]
    dz0 = delta / (1.0 + zs[0] ** 2)
    return np.concatenate([(dz0.T @ X).ravel(), dz0.sum(axis=0), g_wres.ravel(),
                           g_bres.ravel(), g_wout, [g_bout]])


def residual_net_vjp(net: ResidualNet, X, cotangent) -> tuple:
    """Outputs and the exact gradient of ``sum_j cotangent_j N(x_j)`` w.r.t. the parameters.

    Returns ``(outputs, grad)`` with ``grad`` in the order of :attr:`ResidualNet.params`.

    Examples
    --------
    >>> net = init_residual_net(3, 4, 2, rng=0)
    >>> out, g = residual_net_vjp(net, np.eye(3), np.ones(3))
    >>> g.shape == net.params.shape
    True
    """
    X = _check_inputs(X, net.n_inputs)
    g = np.asarray(cotangent, dtype=np.float64).ravel()
    if g.shape != (X.shape[0],):
        raise ValueError(f"cotangent must have one entry per input ({X.shape[0]}); "
                         f"got shape {np.shape(cotangent)}")
    parts = net._parts()
    out, cache = _forward(parts, X)
    return out, _backward(parts, cache, g)


def _corr2_and_dn(n, y):
    """Squared correlation of ``n`` and ``y`` and its gradient with respect to ``n``."""
    nc = n - n.mean()
    yc = y - y.mean()
    s_ny, s_nn, s_yy = nc @ yc, nc @ nc, yc @ yc
    if s_nn <= 0.0 or s_yy <= 0.0:
        return 0.0, np.zeros_like(n)
    rho2 = s_ny * s_ny / (s_nn * s_yy)
    dn = (2.0 * s_ny / (s_nn * s_yy)) * (yc - (s_ny / s_nn) * nc)
    return float(rho2), dn


def correlation_objective(net: ResidualNet, X, y) -> tuple:
    """Squared sample correlation of ``N(x_j)`` and fixed targets ``y_j``, and its gradient.

    Returns ``(rho2, grad)``; ``y`` is data (no gradient flows through it).

    Examples
    --------
    >>> net = init_residual_net(3, 4, 1, rng=0)
    >>> X = np.random.default_rng(1).standard_normal((6, 3))
    >>> rho2, g = correlation_objective(net, X, net(X))
    >>> round(rho2, 12), float(np.abs(g).max()) < 1e-9
    (1.0, True)
    """
    X = _check_inputs(X, net.n_inputs)
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one entry per input ({X.shape[0]}); got {np.shape(y)}")
    parts = net._parts()
    n, cache = _forward(parts, X)
    rho2, dn = _corr2_and_dn(n, y)
    return rho2, _backward(parts, cache, dn)


# ----------------------------------------------------------------------------- the operator
def random_orthogonal(n: int, *, method: str = "qr", rng=None) -> np.ndarray:
    """A random ``n x n`` orthogonal matrix.

    ``method="qr"``: the Q factor of LAPACK's QR of a Gaussian matrix *without* the sign
    correction, which is orthogonal but not Haar distributed (Mezzadri 2007, Notices AMS 54,
    592); ``"haar"``: with the correction ``Q diag(sign(diag R))``, Haar distributed.

    Examples
    --------
    >>> Q = random_orthogonal(5, rng=0)
    >>> bool(np.allclose(Q @ Q.T, np.eye(5)))
    True
    """
    n = check_int(n, "n", minimum=1)
    method = check_choice(method, "method", ORTHOGONAL_METHODS)
    Z = as_rng(rng).standard_normal((n, n))
    Q, R = np.linalg.qr(Z)
    if method == "haar":
        Q = Q * np.where(np.diag(R) < 0, -1.0, 1.0)[None, :]
    return Q


@summarized
@dataclass(frozen=True)
class LinearSolutions:
    """The linear solutions ``f(x) = v · x`` of ``f = c (f o A + f o B)``: eigenpairs of ``M``.

    Attributes
    ----------
    matrix : ndarray, shape (h, h)
        ``M = A^T + B^T``.
    eigenvalues : ndarray of complex, shape (h,)
        Sorted by decreasing modulus.
    eigenvectors : ndarray of complex, shape (h, h)
        Unit columns, in the same order.
    dominant : int
        Index of the eigenvalue of largest modulus (0).
    dominant_real : int
        Index of the real eigenvalue of largest modulus (-1 if none is real).
    largest_real_part, smallest_real_part : int
        Indices of the eigenvalues of largest and smallest real part: the two candidates of
        the continuous-time power iteration (see the module notes).
    """

    matrix: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    dominant: int
    dominant_real: int
    largest_real_part: int
    smallest_real_part: int

    def is_real(self, i: int, tol: float = 1e-9) -> bool:
        return bool(abs(self.eigenvalues[int(i)].imag) <= tol * max(1.0, abs(
            self.eigenvalues[int(i)])))

    def subspace(self, i: int) -> np.ndarray:
        """Orthonormal real basis of the invariant subspace of eigenvalue ``i`` (1 or 2 columns)."""
        v = self.eigenvectors[:, int(i)]
        if self.is_real(i):
            r = v.real if np.linalg.norm(v.real) >= np.linalg.norm(v.imag) else v.imag
            return (r / np.linalg.norm(r))[:, None]
        q, _ = np.linalg.qr(np.stack([v.real, v.imag], axis=1))
        return q


def linear_solutions(A, B) -> LinearSolutions:
    """Eigen-decomposition of ``A^T + B^T``: the exact linear solutions.

    Examples
    --------
    >>> sol = linear_solutions(np.eye(3), np.eye(3))
    >>> sol.eigenvalues.real.tolist()
    [2.0, 2.0, 2.0]
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or B.shape != A.shape:
        raise ValueError(f"A and B must be square matrices of one shape; got {A.shape} and "
                         f"{B.shape}")
    M = A.T + B.T
    lam, V = np.linalg.eig(M)
    order = np.lexsort((-lam.imag, -np.abs(lam)))
    lam = lam[order].astype(np.complex128)
    V = V[:, order].astype(np.complex128)
    real = np.abs(lam.imag) <= 1e-9 * np.maximum(1.0, np.abs(lam))
    dominant_real = int(np.flatnonzero(real)[0]) if real.any() else -1
    return LinearSolutions(matrix=M, eigenvalues=lam, eigenvectors=V, dominant=0,
                           dominant_real=dominant_real,
                           largest_real_part=int(np.argmax(lam.real)),
                           smallest_real_part=int(np.argmin(lam.real)))


def _unit_vectors(gen, n, h):
    x = gen.standard_normal((n, h))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def linear_part(values, X) -> tuple:
    """Least-squares fit ``values ~ a · x + b``: returns ``(a, b, r2)``.

    ``r2`` is the fraction of the variance of ``values`` the linear part explains.

    Examples
    --------
    >>> X = np.random.default_rng(0).standard_normal((50, 3))
    >>> a, b, r2 = linear_part(X @ [1.0, -2.0, 0.5] + 3.0, X)
    >>> np.round(a, 6).tolist(), round(b, 6), round(r2, 6)
    ([1.0, -2.0, 0.5], 3.0, 1.0)
    """
    X = np.asarray(X, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64).ravel()
    D = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
    coef, *_ = np.linalg.lstsq(D, v, rcond=None)
    fit = D @ coef
    var = np.var(v)
    r2 = float(np.var(fit) / var) if var > 0 else 0.0
    return coef[:-1], float(coef[-1]), r2


# ----------------------------------------------------------------------------- oscillation
@summarized
@dataclass(frozen=True)
class Oscillation:
    """Which solution the network sits in at each record, and whether it switches back and forth.

    Attributes
    ----------
    labels : ndarray of int, shape (R,)
        State of each record (records whose function correlates with a state's first record
        by ``|corr| >= threshold`` share its label; ``-1`` before ``start``).
    n_states : int
        Distinct states visited from ``start`` on.
    n_switches : int
        Changes of state between consecutive records from ``start`` on.
    n_returns : int
        Switches back into a state visited before (``A -> B -> A`` counts one).
    oscillating : bool
        ``n_returns >= 2``: training keeps coming back to solutions it left.
    converged : bool
        One state over the last quarter of the records, and consecutive records correlate
        by at least ``threshold`` there.
    threshold : float
    start : int
        First record analysed.
    """

    labels: np.ndarray = field(metadata={"description": "state of each record (-1: skipped)"})
    n_states: int
    n_switches: int
    n_returns: int
    oscillating: bool
    converged: bool
    threshold: float
    start: int


def detect_oscillation(functions, *, threshold: float = 0.9, start: int = 0) -> Oscillation:
    """Label recorded functions by state and detect switching between solutions.

    Parameters
    ----------
    functions : array_like, shape (R, n)
        The network's centred outputs on a fixed evaluation set at each record (a sign change
        is the same solution: ``f`` and ``-f`` have the same correlation).
    threshold : float
        ``|corr|`` at or above which two records are the same solution.
    start : int
        Skip the first records (the transient).

    Examples
    --------
    >>> t = np.linspace(0, 1, 50)
    >>> a, b = np.sin(2 * np.pi * t), np.cos(2 * np.pi * t)
    >>> osc = detect_oscillation([a, a, b, b, a, b, a])
    >>> osc.n_states, osc.n_returns, osc.oscillating
    (2, 3, True)
    """
    F = np.asarray(functions, dtype=np.float64)
    if F.ndim != 2 or F.shape[0] == 0:
        raise ValueError(f"functions must have shape (R, n) with R >= 1; got {F.shape}")
    thr = check_real(threshold, "threshold", minimum=0.0, maximum=1.0, strict_min=True)
    start = check_int(start, "start", minimum=0, maximum=F.shape[0] - 1)
    Fc = F - F.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(Fc, axis=1)
    Fn = Fc / np.where(norms > 0, norms, 1.0)[:, None]
    labels = np.full(F.shape[0], -1, dtype=np.int64)
    reps: list[int] = []
    for i in range(start, F.shape[0]):
        for s, r in enumerate(reps):
            if abs(Fn[i] @ Fn[r]) >= thr:
                labels[i] = s
                break
        else:
            labels[i] = len(reps)
            reps.append(i)
    seq = labels[start:]
    switches = np.flatnonzero(seq[1:] != seq[:-1])
    seen = {int(seq[0])}
    returns = 0
    for j in switches:
        nxt = int(seq[j + 1])
        returns += nxt in seen
        seen.add(nxt)
    tail = max(1, seq.size // 4)
    last = seq[-tail:]
    consec = np.abs(np.sum(Fn[start:][1:] * Fn[start:][:-1], axis=1))
    converged = bool(np.all(last == last[-1]) and (consec[-(tail - 1):].min() >= thr
                                                   if tail > 1 else True))
    return Oscillation(labels=labels, n_states=len(reps), n_switches=int(switches.size),
                       n_returns=int(returns), oscillating=bool(returns >= 2),
                       converged=converged, threshold=thr, start=start)


# ----------------------------------------------------------------------------- the study
#: Candidate linear solutions tracked by :func:`power_iteration_study` (columns of
#: ``PowerIterationStudy.alignment``).
CANDIDATES = ("dominant", "dominant_real", "largest_real_part", "smallest_real_part")


@summarized
@dataclass(frozen=True)
class PowerIterationStudy:
    """A training run of the power-iteration network and its analysis.

    Attributes
    ----------
    A, B : ndarray, shape (h, h)
        The orthogonal maps.
    solutions : LinearSolutions
        Eigenpairs of ``A^T + B^T`` (the exact linear solutions).
    batch_lambda, batch_rho2 : ndarray, shape (T,)
        Regression slope of ``y`` on ``N(x)`` and squared correlation on each iteration's
        ``r`` points (before its step).
    record_iterations : ndarray of int, shape (R,)
    eval_lambda, eval_rho2 : ndarray, shape (R,)
        The same on the fixed evaluation set of ``n_eval`` unit vectors.
    linear_coef : ndarray, shape (R, h)
        Linear part ``a`` of the least-squares fit ``N(x) ~ a · x + b`` on the evaluation set.
    linear_fraction : ndarray, shape (R,)
        Fraction of the variance of ``N`` on the evaluation set that the linear part explains.
    alignment : ndarray, shape (R, 4)
        ``|cos|`` of the angle between ``a`` and the invariant subspace of each candidate of
        :data:`CANDIDATES` (1-d for a real eigenvalue, the 2-d plane of a complex pair); NaN
        for ``dominant_real`` when no eigenvalue is real.
    functions : ndarray, shape (R, n_eval)
        Centred outputs on the evaluation set (for :func:`detect_oscillation`).
    residual_weights : ndarray, shape (R, K, width, width)
        The residual weight matrices at each record.
    residual_singular_values : ndarray, shape (R, K, width)
    residual_stable_rank, residual_entropy_rank : ndarray, shape (R, K)
    residual_overlap_left, residual_overlap_right, residual_cosine : ndarray, shape (R, K, K)
        :func:`esorma.spectra.layer_similarity` of the residual matrices (top-``k``
        subspaces).
    oscillation : Oscillation
        From the records after the first tenth.
    network : ResidualNet
        The final network.
    config : dict
    seconds : float
    seed : int or None
    """

    A: np.ndarray
    B: np.ndarray
    solutions: LinearSolutions
    batch_lambda: np.ndarray = field(metadata={"description": "slope of y on N(x), per batch"})
    batch_rho2: np.ndarray = field(metadata={"description": "squared correlation, per batch"})
    record_iterations: np.ndarray = field(metadata={"unit": "iteration"})
    eval_lambda: np.ndarray = field(metadata={"description": "eigenvalue on the evaluation set"})
    eval_rho2: np.ndarray = field(metadata={"description": "squared correlation, evaluation"})
    linear_coef: np.ndarray = field(metadata={"description": "linear part a of N(x) ~ a.x + b"})
    linear_fraction: np.ndarray = field(metadata={"description": "variance explained by a.x"})
    alignment: np.ndarray = field(metadata={"description": "|cos| of a with each candidate"})
    functions: np.ndarray = field(repr=False, metadata={
        "description": "centred outputs on the evaluation set"})
    residual_weights: np.ndarray = field(repr=False, metadata={
        "description": "residual weight matrices per record"})
    residual_singular_values: np.ndarray = field(metadata={"description": "per record, block"})
    residual_stable_rank: np.ndarray
    residual_entropy_rank: np.ndarray
    residual_overlap_left: np.ndarray
    residual_overlap_right: np.ndarray
    residual_cosine: np.ndarray
    oscillation: Oscillation
    network: ResidualNet
    config: dict
    seconds: float
    seed: int | None = None

    @property
    def final_lambda(self) -> float:
        """Median evaluation-set eigenvalue over the last tenth of the records."""
        tail = max(1, self.eval_lambda.size // 10)
        return float(np.median(self.eval_lambda[-tail:]))

    @property
    def plane_angle(self) -> np.ndarray:
        """Angle (radians) of the linear part inside the invariant plane of the matched candidate.

        Unwrapped over the records; zeros when that candidate is a real eigenvalue (1-d). A
        steady drift is the rotation of an oscillating run.
        """
        i = getattr(self.solutions, self.matched)
        S = self.solutions.subspace(i)
        if S.shape[1] < 2:
            return np.zeros(self.linear_coef.shape[0])
        xy = self.linear_coef @ S
        # a and -a are the same solution: angles modulo pi
        return np.unwrap(2.0 * np.arctan2(xy[:, 1], xy[:, 0])) / 2.0

    @property
    def matched(self) -> str:
        """The candidate the final linear part aligns with best.

        Candidates that are the same eigenvalue are named by the extreme real part first
        (the continuous-time power iteration's prediction), then ``dominant_real``.
        """
        a = np.nan_to_num(self.alignment[-1], nan=-1.0)
        best = getattr(self.solutions, CANDIDATES[int(np.argmax(a))])
        for name in CANDIDATES[::-1]:
            if getattr(self.solutions, name) == best:
                return name
        return CANDIDATES[int(np.argmax(a))]

    def summary(self) -> dict:
        sol = self.solutions
        lam = sol.eigenvalues

        def ev(i):
            return None if i < 0 else [float(lam[i].real), float(lam[i].imag)]

        tail = max(1, self.eval_lambda.size // 10)
        return {
            "n_iterations": int(self.batch_lambda.size), "seconds": self.seconds,
            "final_lambda": self.final_lambda,
            "final_rho2": float(np.median(self.eval_rho2[-tail:])),
            "final_linear_fraction": float(self.linear_fraction[-1]),
            "alignment": dict(zip(CANDIDATES, [float(x) for x in self.alignment[-1]])),
            "matched": self.matched,
            "eigenvalues": {name: ev(getattr(sol, name)) for name in CANDIDATES},
            "oscillating": self.oscillation.oscillating,
            "converged": self.oscillation.converged,
            "n_states": self.oscillation.n_states, "n_returns": self.oscillation.n_returns,
            "residual_stable_rank": self.residual_stable_rank[-1].tolist(),
            "residual_entropy_rank": self.residual_entropy_rank[-1].tolist(),
            "residual_cosine": self.residual_cosine[-1].tolist(),
            "residual_overlap_right": self.residual_overlap_right[-1].tolist(),
            "seed": self.seed,
        }


def _slope_rho2(n, y):
    nc = n - n.mean()
    yc = y - y.mean()
    s_nn, s_ny, s_yy = nc @ nc, nc @ yc, yc @ yc
    if s_nn <= 0 or s_yy <= 0:
        return float("nan"), 0.0
    return float(s_ny / s_nn), float(s_ny * s_ny / (s_nn * s_yy))


def _train(theta, shapes, A, B, Xe, Ze, rec_at, r, lr, gen, bases, callback, out):
    """The training loop of :func:`power_iteration_study`; fills the record arrays ``out``."""
    b_lam, b_rho, e_lam, e_rho, lin_frac, lin_coef, align, funcs, wres = out
    n_eval, h = Xe.shape
    R = rec_at.size
    T = b_lam.size
    ri = 0
    for it in range(T + 1):
        parts = _unpack(theta, *shapes)
        if ri < R and it == rec_at[ri]:
            vals = _forward(parts, Ze)[0]
            fe = vals[:n_eval]
            e_lam[ri], e_rho[ri] = _slope_rho2(fe, vals[n_eval:2 * n_eval] + vals[2 * n_eval:])
            a, _b, lin_frac[ri] = linear_part(fe, Xe)
            lin_coef[ri] = a
            na = np.linalg.norm(a)
            for j, S in enumerate(bases):
                if S is not None and na > 0:
                    align[ri, j] = np.linalg.norm(S.T @ a) / na
            funcs[ri] = fe - fe.mean()
            wres[ri] = parts[2]
            if callback is not None:
                callback(it, float(e_lam[ri]), float(e_rho[ri]))
            ri += 1
        if it == T:
            break
        X = _unit_vectors(gen, r, h)
        vals, cache = _forward(parts, np.concatenate([X, X @ A.T, X @ B.T]))
        n = vals[:r]
        y = vals[r:2 * r] + vals[2 * r:]
        b_lam[it], _ = _slope_rho2(n, y)
        rho2, dn = _corr2_and_dn(n, y)
        b_rho[it] = rho2
        # the gradient flows through N(x_j) only: the first r rows of the cache
        Xc, us, zs = cache
        g = _backward(parts, (Xc[:r], [u[:r] for u in us], [z[:r] for z in zs]), dn)
        theta = theta + lr * g
        if not np.all(np.isfinite(theta)):
            from esorma.errors import DivergenceError

            raise DivergenceError(f"training diverged at iteration {it + 1}; lower "
                                  f"learning_rate ({lr})")
    return theta, b_lam, b_rho


def power_iteration_study(
    n_inputs: int = 20,
    width: int = 40,
    n_blocks: int = 3,
    *,
    n_points: int = 20,
    n_iterations: int = 20000,
    learning_rate: float = 0.1,
    residual_scale: float = 1e-3,
    orthogonal: str = "qr",
    maps=None,
    n_eval: int = 500,
    n_records: int = 200,
    k: int = 1,
    oscillation_threshold: float = 0.9,
    rng=None,
    callback=None,
) -> PowerIterationStudy:
    """Train the power-iteration network and follow its eigenvalue, solution and weights.

    Parameters
    ----------
    n_inputs, width, n_blocks : int
        ``h``, the hidden width and the number of residual blocks (defaults 20, 40, 3).
    n_points : int
        ``r``, unit vectors drawn per iteration (default 20).
    n_iterations : int
        Gradient-ascent steps.
    learning_rate : float
        Step of ``theta <- theta + eta grad rho^2``.
    residual_scale : float
        Initial scale of the residual weights (near zero: blocks start as the identity).
    orthogonal : {"qr", "haar"}
        How ``A`` and ``B`` are drawn (:func:`random_orthogonal`; ``"qr"`` is not Haar).
    maps : (A, B), optional
        Use these orthogonal maps instead.
    n_eval : int
        Fixed unit vectors of the evaluation set.
    n_records : int
        Records spread evenly over training (the first and last included).
    k : int
        Dimension of the top singular subspaces compared across residual blocks.
    oscillation_threshold : float
        ``|corr|`` above which two records are the same solution (:func:`detect_oscillation`).
    rng : None, int or Generator
        Draws ``A``, ``B`` (unless given), the initial network, the evaluation set and the
        points of every iteration, in that order.
    callback : callable, optional
        ``callback(iteration, eval_lambda, eval_rho2)`` at each record.

    Returns
    -------
    PowerIterationStudy

    Examples
    --------
    >>> st = power_iteration_study(6, 8, 2, n_iterations=300, n_eval=100, n_records=5, rng=0)
    >>> st.residual_singular_values.shape, st.record_iterations.tolist()
    ((5, 2, 8), [0, 75, 150, 225, 300])
    """
    from esorma.spectra.weights import entropy_rank, layer_similarity, stable_rank

    h = check_int(n_inputs, "n_inputs", minimum=2)
    w = check_int(width, "width", minimum=2)
    K = check_int(n_blocks, "n_blocks", minimum=1)
    r = check_int(n_points, "n_points", minimum=3)
    T = check_int(n_iterations, "n_iterations", minimum=1)
    lr = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    n_eval = check_int(n_eval, "n_eval", minimum=h + 2)
    n_records = check_int(n_records, "n_records", minimum=2)
    k = check_int(k, "k", minimum=1, maximum=w)
    orthogonal = check_choice(orthogonal, "orthogonal", ORTHOGONAL_METHODS)
    check_memory(8.0 * n_records * (K * w * w + n_eval + h), "the training records",
                 hint="lower n_records or n_eval")
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    if maps is None:
        A = random_orthogonal(h, method=orthogonal, rng=gen)
        B = random_orthogonal(h, method=orthogonal, rng=gen)
    else:
        if len(maps) != 2:
            raise ValueError("maps must be a pair (A, B) of orthogonal matrices")
        A, B = (np.asarray(M, dtype=np.float64) for M in maps)
        for name, M in (("A", A), ("B", B)):
            if M.shape != (h, h) or not np.allclose(M @ M.T, np.eye(h), atol=1e-8):
                raise ValueError(f"maps: {name} must be an orthogonal {h} x {h} matrix; got "
                                 f"shape {M.shape}")
    sol = linear_solutions(A, B)
    bases = [None if getattr(sol, c) < 0 else sol.subspace(getattr(sol, c)) for c in CANDIDATES]
    net = init_residual_net(h, w, K, residual_scale=residual_scale, rng=gen)
    Xe = _unit_vectors(gen, n_eval, h)
    Ze = np.concatenate([Xe, Xe @ A.T, Xe @ B.T])
    rec_at = np.unique(np.linspace(0, T, n_records).round().astype(np.int64))
    R = rec_at.size
    b_lam, b_rho = np.empty(T), np.empty(T)
    e_lam, e_rho, lin_frac = np.empty(R), np.empty(R), np.empty(R)
    lin_coef, align = np.empty((R, h)), np.full((R, len(CANDIDATES)), np.nan)
    funcs, wres = np.empty((R, n_eval)), np.empty((R, K, w, w))
    theta = net.params.copy()
    shapes = (h, w, K)
    t0 = time.perf_counter()
    # tiny products: OpenBLAS worker threads only add overhead (8x slower on 2 busy cores)
    with single_threaded_blas():
        theta, b_lam, b_rho = _train(theta, shapes, A, B, Xe, Ze, rec_at, r, lr, gen, bases,
                                     callback, (b_lam, b_rho, e_lam, e_rho, lin_frac,
                                                lin_coef, align, funcs, wres))
    seconds = time.perf_counter() - t0
    sv = np.linalg.svd(wres, compute_uv=False)
    srank = np.array([[stable_rank(s) for s in row] for row in sv])
    erank = np.array([[entropy_rank(s) for s in row] for row in sv])
    ol, orr, cos = (np.empty((R, K, K)) for _ in range(3))
    for i in range(R):
        if np.any(wres[i]):
            sim = layer_similarity(list(wres[i]), k=k) if K > 1 else None
        else:
            sim = None
        if sim is None:
            ol[i] = orr[i] = cos[i] = np.eye(K)
        else:
            ol[i], orr[i], cos[i] = sim.overlap_left, sim.overlap_right, sim.cosine
    osc = detect_oscillation(funcs, threshold=oscillation_threshold, start=R // 10)
    config = {"n_inputs": h, "width": w, "n_blocks": K, "n_points": r, "n_iterations": T,
              "learning_rate": lr, "residual_scale": float(residual_scale),
              "orthogonal": orthogonal if maps is None else "given", "n_eval": n_eval,
              "n_records": n_records, "k": k, "oscillation_threshold": osc.threshold}
    return PowerIterationStudy(
        A=A, B=B, solutions=sol, batch_lambda=b_lam, batch_rho2=b_rho, record_iterations=rec_at,
        eval_lambda=e_lam, eval_rho2=e_rho, linear_coef=lin_coef, linear_fraction=lin_frac,
        alignment=align, functions=funcs, residual_weights=wres, residual_singular_values=sv,
        residual_stable_rank=srank, residual_entropy_rank=erank, residual_overlap_left=ol,
        residual_overlap_right=orr, residual_cosine=cos, oscillation=osc,
        network=ResidualNet(*_unpack(theta.copy(), *shapes)), config=config, seconds=seconds,
        seed=seed,
    )

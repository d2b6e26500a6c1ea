"""Training a three-layer regression network as a dynamical system.

:func:`train_network` runs (mini-batch) gradient descent or heavy-ball momentum on a
:class:`~esorma.training.RegressionTask` and, along the way, carries ``k`` tangent vectors with
the exact tangent map of each step (``M = I − η H`` from batched Hessian-vector products;
Benettin/QR), giving the ``k`` leading finite-time Lyapunov exponents of training in sliding
windows; optionally the covariant Lyapunov vectors at each window start (Ginelli et al. 2007,
angle statistics and their alignment with the gradient and the top Hessian eigenvector), and
the Hessian's extreme eigenvalues every ``hessian_every`` steps (Lanczos).

Notes
-----
Near a minimum ``w*`` of the loss, plain gradient descent is the linear map ``I − η H(w*)``,
whose exponents are ``log|1 − η λ_i|`` for the Hessian's eigenvalues ``λ_i``: training is
stable (all exponents negative) while ``η λ_max < 2`` and oscillates out along the top
eigenvector beyond (the "edge of stability"). The exponents measure the stretching of
perturbations of the weights by the training map; the anisotropy ``λ_max / |λ_min|`` measures
that of the landscape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_memory,
    check_real,
)
from esorma._threads import blas_policy
from esorma.errors import DivergenceError
from esorma.training.lyapunov import clv_angle_stats, qr_rows, window_means
from esorma.training.lyapunov import clv_backward as _clv_backward_pass
from esorma.training.model import (
    ACTIVATIONS,
    ThreeLayerNet,
    _Work,
    _backward,
    _forward,
    _hvp_rows,
    _tangent_rows,
)
from esorma.training.tasks import RegressionTask, check_task

__all__ = ["TrainingTrajectory", "train_network", "hessian_extremes"]

_TINY = np.finfo(np.float64).tiny
_DENSE_HESSIAN = 200  # below this many weights the Hessian's extremes come from eigh


def _f(unit, description):
    return field(metadata={"unit": unit, "description": description})


@summarized
@dataclass(frozen=True)
class TrainingTrajectory:
    """One training run with its Lyapunov exponents, covariant vectors and Hessian extremes.

    Times are training steps: step ``t`` maps the weights ``w_t`` to ``w_{t+1}``. Arrays have
    fixed lengths; after a divergence they hold NaN (the run is kept, flagged ``diverged``).
    """

    task: str
    activation: str
    n_inputs: int
    n_hidden: int
    n_outputs: int
    n_params: int
    learning_rate: float = _f("1", "gradient-descent step size eta")
    momentum: float = _f("1", "heavy-ball momentum mu (0: plain gradient descent)")
    batch_size: int = _f("samples", "mini-batch size (0: full batch)")
    n_steps: int = _f("step", "training steps")
    k: int = _f("1", "number of Lyapunov exponents (0: none)")
    window: int = _f("step", "FTLE window length")
    stride: int = _f("step", "steps between window starts")
    loss: np.ndarray = _f("1", "full-data loss 0.5 mean((f - y)^2) at w_0 .. w_{n_steps}")
    grad_norm: np.ndarray = _f(
        "1", "norm of the gradient used at each step (the batch's); full data at the end")
    ftle: np.ndarray = _f("1/step", "k leading finite-time Lyapunov exponents per window")
    window_starts: np.ndarray = _f("step", "first step of each window")
    exponents: np.ndarray = _f("1/step", "exponents over the whole run")
    clv_angle_12: np.ndarray = _f("rad", "angle between CLV1 and CLV2 at each window start")
    clv_min_angle: np.ndarray = _f("rad", "smallest angle between two of the k CLVs")
    clv1_grad_alignment: np.ndarray = _f("1", "|cos| between CLV1 and the full-data gradient")
    clv1_hessian_alignment: np.ndarray = _f(
        "1", "|cos| between CLV1 and the top eigenvector of the full-data Hessian")
    hessian_steps: np.ndarray = _f("step", "steps where the Hessian's extremes were computed")
    hessian_max: np.ndarray = _f("1", "largest eigenvalue of the full-data Hessian")
    hessian_min: np.ndarray = _f("1", "smallest (most negative) eigenvalue of the Hessian")
    hessian_condition: np.ndarray = _f("1", "|lambda_max| / |lambda_min|")
    w_final: np.ndarray = _f("1", "weights after the last step (before divergence)")
    diverged: bool = _f("1", "the loss or the weights left the finite numbers / max_norm")
    diverged_step: int = _f("step", "step where the divergence was detected (-1: none)")
    clv_backward: int = _f("step", "backward transient of the CLVs (0: no CLVs)")
    init_scale: float = _f("1", "scale of the initial weights")
    seed: object = None

    @property
    def final_loss(self) -> float:
        """The full-data loss after the last step (NaN if diverged)."""
        return float(self.loss[-1])

    @property
    def n_windows(self) -> int:
        return int(self.window_starts.shape[0])

    @property
    def hessian_anisotropy(self) -> np.ndarray:
        """``η λ_max`` (2 is the edge of stability of plain gradient descent)."""
        return self.learning_rate * self.hessian_max


# ----------------------------------------------------------------------------- Hessian
def _hessian_extremes(net, w, X, Y, rng, tol=1e-6):
    """(lam_max, lam_min, top unit eigenvector) of the Hessian on (X, Y) (no validation)."""
    cache = _backward(net, w, X, Y)
    n = net.n_params
    if n <= _DENSE_HESSIAN:
        H = _hvp_rows(net, cache, np.eye(n))
        lam, vec = np.linalg.eigh(0.5 * (H + H.T))
        return float(lam[-1]), float(lam[0]), vec[:, -1]
    from scipy.sparse.linalg import LinearOperator, eigsh

    def matmat(V):
        V = np.asarray(V, dtype=np.float64)
        V2 = V.reshape(n, -1)
        return _hvp_rows(net, cache, np.ascontiguousarray(V2.T)).T.reshape(V.shape)

    op = LinearOperator((n, n), matvec=matmat, matmat=matmat, dtype=np.float64)
    v0 = rng.standard_normal(n)
    lam, vec = eigsh(op, k=2, which="BE", v0=v0, tol=tol, maxiter=20 * n)
    order = np.argsort(lam)
    return float(lam[order[-1]]), float(lam[order[0]]), vec[:, order[-1]]


def hessian_extremes(net: ThreeLayerNet, w, X, Y, *, tol: float = 1e-6, rng=None):
    """The largest and smallest eigenvalues of the loss Hessian and the top eigenvector.

    Lanczos (``scipy.sparse.linalg.eigsh``, ``which="BE"``) on exact Hessian-vector products;
    a dense ``eigh`` for networks with at most 200 weights.

    Returns
    -------
    lam_max, lam_min : float
    top_vector : ndarray, shape (n_params,)

    Examples
    --------
    >>> import numpy as np
    >>> net = ThreeLayerNet(2, 3, activation="linear")
    >>> X = np.eye(2); Y = np.zeros((2, 1))
    >>> lmax, lmin, v = hessian_extremes(net, net.init(rng=0), X, Y)
    >>> bool(lmax >= lmin)
    True
    """
    if not isinstance(net, ThreeLayerNet):
        raise TypeError(f"net must be a ThreeLayerNet; got {type(net).__name__}")
    w = net.check_params(w)
    X, Y = net.check_data(X, Y)
    tol = check_real(tol, "tol", minimum=0.0)
    return _hessian_extremes(net, w, X, Y, as_rng(rng), tol)


# ----------------------------------------------------------------------------- training
def _seed_of(rng):
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return int(rng)
    return None


class _Batches:
    """Mini-batch indices: a fresh permutation of the samples every epoch."""

    def __init__(self, n_samples, batch_size, rng):
        self.n, self.b, self.rng = n_samples, batch_size, rng
        self.per_epoch = n_samples // batch_size
        self.perm = None
        self.epoch = -1

    def indices(self, t):
        e, j = divmod(t, self.per_epoch)
        if e != self.epoch:
            self.perm = self.rng.permutation(self.n)
            self.epoch = e
        return self.perm[j * self.b:(j + 1) * self.b]


def train_network(
    task: RegressionTask,
    *,
    n_hidden: int = 16,
    activation: str = "tanh",
    learning_rate: float = 0.05,
    momentum: float = 0.0,
    batch_size: int | None = None,
    n_steps: int = 1000,
    k: int = 4,
    window: int = 100,
    stride: int | None = None,
    clv: bool = False,
    clv_backward: int | None = None,
    hessian_every: int = 0,
    init_scale: float = 1.0,
    w0=None,
    max_norm: float = 1e6,
    on_divergence: str = "record",
    rng=None,
) -> TrainingTrajectory:
    """Train a three-layer network on ``task`` and measure the Lyapunov spectrum of training.

    Parameters
    ----------
    task : RegressionTask
        Inputs and targets (see :func:`~esorma.training.make_regression_task`).
    n_hidden, activation : int, str
        Hidden width and activation (one of ``"tanh"``, ``"sigmoid"``, ``"relu"``,
        ``"linear"``); the outputs are linear, the loss ``½ mean((f − y)²)``.
    learning_rate, momentum : float
        Step size ``η`` and heavy-ball momentum ``μ`` (``v' = μ v − η ∇L``, ``w' = w + v'``;
        the training map then acts on ``(w, v)``, of dimension ``2 · n_params``).
    batch_size : int, optional
        Mini-batch size (a fresh permutation every epoch, drawn from ``rng``); None or
        ``>= n_samples``: full-batch gradient descent. The tangent map of a mini-batch step
        uses that batch's Hessian.
    n_steps : int
        Training steps.
    k : int
        Number of leading exponents (0: train only). ``k`` larger than the dimension of the
        training map raises ValueError.
    window, stride : int
        FTLE windows ``[s, s + window)`` starting every ``stride`` steps (default ``window``).
    clv : bool
        Also compute the covariant Lyapunov vectors at each window start (Ginelli's backward
        pass over the stored ``R`` factors, ``k × k`` per step) and their statistics; the top
        Hessian eigenvector is computed there too (one Lanczos run per window).
    clv_backward : int, optional
        Backward transient (default ``window``): CLV statistics at window starts later than
        ``n_steps − clv_backward`` are NaN (not converged).
    hessian_every : int
        Compute the Hessian's extreme eigenvalues on the full data every this many steps
        (and after the last one); 0: never.
    init_scale : float
        Initial weights ``N(0, init_scale² / fan_in)``, zero biases (ignored with ``w0``).
    w0 : array, optional
        Initial weights (shape ``(n_params,)``).
    max_norm : float
        The run diverges when ``|w|`` exceeds this or the loss is not finite.
    on_divergence : {"record", "raise"}
        ``"record"`` (default): stop, flag ``diverged`` and ``diverged_step``, fill the rest
        with NaN. ``"raise"``: raise :class:`~esorma.errors.DivergenceError`.
    rng : seed or Generator
        Initial weights, mini-batches, the initial tangent basis and Lanczos starts.

    Returns
    -------
    TrainingTrajectory

    Examples
    --------
    >>> from esorma.training import teacher_task
    >>> task = teacher_task(4, 32, rng=0)
    >>> run = train_network(task, n_hidden=6, learning_rate=0.1, n_steps=200, k=3, window=50,
    ...                     rng=1)
    >>> run.ftle.shape, bool(run.final_loss < run.loss[0])
    ((4, 3), True)
    """
    task = check_task(task)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
    check_choice(activation, "activation", ACTIVATIONS)
    eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    mu = check_real(momentum, "momentum", minimum=0.0, maximum=1.0, strict_max=True)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    X, Y = np.asarray(task.X, dtype=np.float64), np.asarray(task.Y, dtype=np.float64)
    n_samples = X.shape[0]
    if batch_size is None:
        batch = 0
    else:
        batch = check_int(batch_size, "batch_size", minimum=1)
        if batch >= n_samples:
            batch = 0
    net = ThreeLayerNet(task.n_inputs, n_hidden, task.n_outputs, activation)
    n = net.n_params
    dim = 2 * n if mu > 0 else n
    k = check_int(k, "k", minimum=0)
    if k > dim:
        what = "2 · n_params with momentum" if mu > 0 else "n_params"
        raise ValueError(f"k must be <= the dimension of the training map ({dim} = {what}); "
                         f"got k = {k}")
    window = check_int(window, "window", minimum=1, maximum=n_steps)
    stride = window if stride is None else check_int(stride, "stride", minimum=1)
    clv = check_bool(clv, "clv") and k > 0
    clv_back = window if clv_backward is None else check_int(clv_backward, "clv_backward",
                                                             minimum=0)
    hessian_every = check_int(hessian_every, "hessian_every", minimum=0)
    init_scale = check_real(init_scale, "init_scale", minimum=0.0)
    max_norm = check_real(max_norm, "max_norm", minimum=0.0, strict_min=True)
    check_choice(on_divergence, "on_divergence", ("record", "raise"))
    seed = _seed_of(rng)
    rng = as_rng(rng)
    rng_init, rng_batch, rng_tan, rng_hess = rng.spawn(4)
    w = net.init(rng_init, init_scale) if w0 is None else net.check_params(w0, "w0").copy()
    v = np.zeros(n) if mu > 0 else None
    if clv:
        check_memory(8.0 * n_steps * k * k, "the R factors stored for covariant vectors",
                     hint="use a smaller k or n_steps, or clv=False")
    batches = _Batches(n_samples, batch, rng_batch) if batch else None

    loss = np.full(n_steps + 1, np.nan)
    grad_norm = np.full(n_steps + 1, np.nan)
    logs = np.full((n_steps, k), np.nan)
    Rs = np.full((n_steps, k, k), np.nan) if clv else None
    starts = np.arange(0, n_steps - window + 1, stride, dtype=np.int64)
    start_set = {int(s): j for j, s in enumerate(starts)} if clv else {}
    proj_g = np.full((len(starts), max(k, 1)), np.nan)
    proj_u = np.full((len(starts), max(k, 1)), np.nan)
    h_steps = (sorted(set(range(0, n_steps, hessian_every)) | {n_steps})
               if hessian_every else [])
    h_index = {s: j for j, s in enumerate(h_steps)}
    h_max = np.full(len(h_steps), np.nan)
    h_min = np.full(len(h_steps), np.nan)
    if k:
        Q, _ = np.linalg.qr(rng_tan.standard_normal((dim, k)))
        Qt = np.ascontiguousarray(Q.T)
        # work arrays allocated once: the HVP's buffers and two alternating bases
        work = _Work()
        q_bufs = (np.empty((k, dim)), np.empty((k, dim)))
        q_tmp = np.empty((k, dim))
    diverged_step = -1

    def record_hessian(t, w):
        j = h_index.get(t)
        if j is not None:
            lmax, lmin, _ = _hessian_extremes(net, w, X, Y, rng_hess)
            h_max[j], h_min[j] = lmax, lmin

    # BLAS threads by the work of one step (esorma._threads: one thread for small nets, where
    # waking a BLAS pool costs more than it saves; up to the free cores for large ones)
    b_eff = batch if batch else n_samples
    step_work = 2.0 * b_eff * n * (2 + 2 * k) + 4.0 * dim * k * k
    with blas_policy(step_work), np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_steps):
            if batch:
                idx = batches.indices(t)
                cache = _backward(net, w, X[idx], Y[idx])
                f = _forward(net, w, X)[2]
                loss[t] = 0.5 * np.mean((f - Y) ** 2)
            else:
                cache = _backward(net, w, X, Y)
                loss[t] = cache.loss
            g = cache.grad
            grad_norm[t] = np.sqrt(g @ g)
            if not (np.isfinite(loss[t]) and np.isfinite(grad_norm[t])) or \
                    np.sqrt(w @ w) > max_norm:
                diverged_step = t
                loss[t] = grad_norm[t] = np.nan
                break
            record_hessian(t, w)
            j = start_set.get(t)
            if j is not None:
                g_full = g if not batch else _backward(net, w, X, Y).grad
                gg = np.zeros(dim)
                gg[:n] = g_full
                proj_g[j] = (Qt @ gg) / max(np.linalg.norm(g_full), _TINY)
                _, _, u = _hessian_extremes(net, w, X, Y, rng_hess)
                uu = np.zeros(dim)
                uu[:n] = u
                proj_u[j] = Qt @ uu
            if k:
                MQ = _tangent_rows(net, cache, Qt, eta, mu, work)
                qr = qr_rows(MQ, out=q_bufs[t % 2], tmp=q_tmp)
                if qr is None:
                    diverged_step = t
                    loss[t] = grad_norm[t] = np.nan
                    break
                Qt, R = qr
                logs[t] = np.log(np.maximum(np.diag(R), _TINY))
                if clv:
                    Rs[t] = R
            if mu > 0:
                v *= mu
                v -= eta * g
                w = w + v
            else:
                w = w - eta * g
        else:
            t = n_steps
            f = _forward(net, w, X)[2]
            loss[t] = 0.5 * np.mean((f - Y) ** 2)
            if not np.isfinite(loss[t]) or np.sqrt(w @ w) > max_norm:
                diverged_step = n_steps
                loss[t] = np.nan
            else:
                gl = _backward(net, w, X, Y).grad
                grad_norm[t] = np.sqrt(gl @ gl)
                record_hessian(t, w)
    if diverged_step >= 0 and on_divergence == "raise":
        raise DivergenceError(
            f"training diverged at step {diverged_step} (learning_rate = {eta:g}, "
            f"momentum = {mu:g}): the loss or the weights left the finite numbers or |w| "
            f"exceeded max_norm = {max_norm:g}; try a smaller learning_rate")
    _, ftle = window_means(logs, window, stride) if k else (starts, np.zeros((len(starts), 0)))
    n_done = n_steps if diverged_step < 0 else diverged_step
    exponents = logs.mean(axis=0) if diverged_step < 0 else np.full(k, np.nan)

    a12 = np.full(len(starts), np.nan)
    amin = np.full(len(starts), np.nan)
    al_g = np.full(len(starts), np.nan)
    al_u = np.full(len(starts), np.nan)
    if clv and n_done > 0:
        valid = [j for j, s in enumerate(starts) if s + clv_back <= n_done and s < n_done]
        if valid:
            C = _clv_backward_pass(Rs[:n_done], starts[valid], rng_tan)
            for c, j in zip(C, valid):
                a12[j], amin[j] = clv_angle_stats(c)
                c1 = c[:, 0] / np.linalg.norm(c[:, 0])
                al_g[j] = abs(c1 @ proj_g[j])
                al_u[j] = abs(c1 @ proj_u[j])
    with np.errstate(divide="ignore"):
        cond = np.abs(h_max) / np.abs(h_min)
    return TrainingTrajectory(
        task=task.name, activation=activation, n_inputs=net.n_inputs, n_hidden=n_hidden,
        n_outputs=net.n_outputs, n_params=n, learning_rate=eta, momentum=mu, batch_size=batch,
        n_steps=n_steps, k=k, window=window, stride=stride, loss=loss, grad_norm=grad_norm,
        ftle=ftle, window_starts=starts, exponents=exponents, clv_angle_12=a12,
        clv_min_angle=amin, clv1_grad_alignment=al_g, clv1_hessian_alignment=al_u,
        hessian_steps=np.asarray(h_steps, dtype=np.int64), hessian_max=h_max,
        hessian_min=h_min, hessian_condition=cond, w_final=np.asarray(w, dtype=np.float64),
        diverged=diverged_step >= 0, diverged_step=int(diverged_step),
        clv_backward=clv_back if clv else 0, init_scale=init_scale, seed=seed,
    )

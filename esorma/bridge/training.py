"""Training of the MLP of :mod:`esorma.bridge.model`: gradient descent, Adam, Newton, the history.

:func:`train_mlp` trains on the full truth table of a Boolean task or the training sample of a
real-valued task (full-batch or mini-batch gradient descent, Adam, or a saddle-free damped
Newton step with the exact Hessian) and records the
parameters every ``record_every`` epochs in a :class:`TrainingHistory`;
:func:`result_from_snapshots` wraps a run made elsewhere (PyTorch, JAX) the same way.
"""

from __future__ import annotations

import warnings
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
)
from esorma.bridge.model import (
    ACTIVATIONS,
    MLP,
    OUTPUTS,
    _check_X,
    _check_y,
    _errors,
    _forward,
    _hvp,
    _loss_grad,
    _unpack,
    init_mlp,
    mlp_from_weights,
)
from esorma.errors import ConvergenceWarning, DivergenceError

__all__ = [
    "OPTIMIZERS",
    "DIVERGENCE_FACTOR",
    "TrainingHistory",
    "TrainResult",
    "train_mlp",
    "result_from_snapshots",
]

#: Optimisers of :func:`train_mlp`.
OPTIMIZERS = ("gd", "newton", "adam")

#: Adam's moment decay rates and denominator offset (Kingma & Ba 2015, their defaults).
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8

#: A run whose final loss exceeds this factor times ``max(initial loss, ln 2)`` diverged.
DIVERGENCE_FACTOR = 10.0


def _check_divergence(loss: np.ndarray, lr: float, who: str) -> bool:
    """True (and a ConvergenceWarning) when the final loss is far above the initial one."""
    reference = max(float(loss[0]), float(np.log(2.0)))
    if loss.size < 2 or not loss[-1] > DIVERGENCE_FACTOR * reference:
        return False
    warnings.warn(
        f"{who}: the training diverged: the loss grew from {loss[0]:.4g} to {loss[-1]:.4g} "
        f"(more than {DIVERGENCE_FACTOR:g} x max(initial loss, ln 2)); the result is flagged "
        f"diverged=True; lower learning_rate (got {lr:g})",
        ConvergenceWarning, stacklevel=3,
    )
    return True


@summarized
@dataclass(frozen=True)
class TrainingHistory:
    """Everything recorded per epoch (rows = recorded epochs, first row = initialisation).

    Attributes
    ----------
    epochs : ndarray of int, shape (m,)
    params : ndarray, shape (m, n_params)
        Flat parameters after each recorded epoch.
    loss, error : ndarray, shape (m,)
        Full-data cross-entropy and fraction of misclassified (input, output) pairs.
    grad_norm : ndarray, shape (m,)
        Norm of the full-batch gradient.
    """

    epochs: np.ndarray = field(metadata={"unit": "epoch",
                                         "description": "recorded epochs (0 = initialisation)"})
    params: np.ndarray = field(metadata={"description": "flat parameters per recorded epoch"})
    loss: np.ndarray = field(metadata={"unit": "nats per output",
                                       "description": "full-data binary cross-entropy"})
    error: np.ndarray = field(metadata={"unit": "fraction",
                                        "description": "misclassified (input, output) pairs"})
    grad_norm: np.ndarray = field(metadata={"description": "norm of the full-batch gradient"})


@summarized
@dataclass(frozen=True)
class TrainResult:
    """A trained network, its history and the training set-up.

    Attributes
    ----------
    network : MLP
        The final network.
    history : TrainingHistory
    X, y : ndarray
        Training inputs and targets (float64, y of shape (B, n_outputs)).
    config : dict
        Hyper-parameters (``learning_rate``, ``n_epochs``, ``n_epochs_run``, ``batch_size``,
        ``optimizer``, ``init_scale``, ``hidden``, ``activation``, ...).
    seed : int or None
    zero_error : bool
        Every training input classified correctly at the end.
    initial : MLP
        The network before training.
    diverged : bool
        The training diverged: the final full-data loss is more than
        ``DIVERGENCE_FACTOR`` (10) times ``max(initial loss, ln 2)`` (ln 2 per output is the
        loss of a coin toss). A :class:`~esorma.errors.ConvergenceWarning` was issued.
    """

    network: MLP
    history: TrainingHistory
    X: np.ndarray
    y: np.ndarray
    config: dict
    seed: int | None
    zero_error: bool
    initial: MLP = field(repr=False, default=None)
    diverged: bool = field(default=False, metadata={
        "description": "final loss above 10 x max(initial loss, ln 2): the training diverged"})

    @property
    def learning_rate(self) -> float:
        """Learning rate of the gradient-descent map ``theta <- theta - eta grad L``."""
        return float(self.config["learning_rate"])

    @property
    def n_epochs_run(self) -> int:
        """Epochs actually run (fewer than ``config["n_epochs"]`` after an early stop)."""
        return int(self.config["n_epochs_run"])


def _stop_reached(stop_on, theta, shapes, act, X, y, zL, output="sigmoid") -> bool:
    if _errors(zL, y, output) > 0:
        return False
    if stop_on == "zero_error":
        return True
    layers = _unpack(theta, shapes)
    zs, acts = _forward(layers, act, X, output)
    hidden = acts[1:-1]
    if not hidden:
        return True
    u = np.concatenate(hidden, axis=1)
    u = 2.0 * u - 1.0 if act == "sigmoid" else u
    if np.mean(np.abs(u) >= 0.8) < 0.5:
        return False
    a = X
    for li, (W, b) in enumerate(layers):
        z = a @ W.T + b
        a = (z > 0).astype(np.float64) if act == "sigmoid" else np.where(z > 0, 1.0, -1.0)
    if output == "softmax":
        return bool(np.all(np.argmax(z, axis=1) == np.argmax(zL, axis=1)))
    return bool(np.all((z > 0) == (zL > 0)))


def _newton_direction(theta, shapes, act, X, y, g, damping, output="sigmoid"):
    """Saddle-free damped Newton direction ``-(|H| + damping I)^-1 g`` with the exact Hessian."""
    P = theta.size
    H = np.empty((P, P))
    for j0 in range(0, P, 32):
        cols = np.eye(P)[:, j0 : j0 + 32]
        H[:, j0 : j0 + 32] = _hvp(theta, shapes, act, X, y, cols, output)
    H = 0.5 * (H + H.T)
    mu, U = np.linalg.eigh(H)
    return -U @ ((U.T @ g) / (np.abs(mu) + damping))


def _task_arrays(task, X, y, who: str):
    """``(X, y)`` from a :class:`BooleanTask` or :class:`RealTask`, or arrays (``task, y``;
    ``X=, y=``)."""
    from esorma.bridge.tasks import BooleanTask, RealTask

    if isinstance(task, (BooleanTask, RealTask)):
        return task.X, task.y
    Xa = task if X is None else X
    if Xa is None or y is None:
        raise TypeError(f"{who} needs a BooleanTask, or arrays X and y")
    return Xa, y


def train_mlp(
    task=None,
    y=None,
    *,
    X=None,
    hidden=(4,),
    activation: str = "sigmoid",
    output: str = "sigmoid",
    n_epochs: int = 2000,
    learning_rate: float = 1.0,
    batch_size: int | None = None,
    optimizer: str = "gd",
    init_scale: float = 1.0,
    init: MLP | None = None,
    target_loss: float | None = None,
    stop_on: str | None = None,
    check_every: int = 50,
    damping: float = 1e-3,
    record_every: int = 1,
    rng=None,
) -> TrainResult:
    """Train an MLP on a Boolean task (full-batch or mini-batch gradient descent, or Newton).

    Parameters
    ----------
    task : BooleanTask, RealTask or array, optional
        A task (its ``X`` and ``y`` are used; for a RealTask the training sample) or the
        input array ``X`` (then give ``y``).
    hidden : tuple of int
        Hidden-layer widths (``()`` for a single-layer network).
    activation : {"sigmoid", "tanh", "relu"}
    output : {"sigmoid", "softmax"}
        Output layer: sigmoid bits with binary cross-entropy, or a softmax over the output
        units with multi-class cross-entropy (``y`` one-hot rows or class indices; the
        error is then the fraction of samples whose ``argmax`` is wrong).
    n_epochs : int
        Number of passes over the data (one full-batch step per epoch when ``batch_size`` is
        None).
    learning_rate : float
        Learning rate ``eta`` of ``theta <- theta - eta * grad`` (Adam: its step size
        ``alpha``).
    batch_size : int or None
        Mini-batch size (shuffled each epoch with ``rng``); None = full batch.
    optimizer : {"gd", "newton", "adam"}
        ``"newton"``: a saddle-free damped Newton step ``-(|H| + lambda I)^-1 g`` with the
        exact Hessian (small networks, full batch), scaled by ``learning_rate``; ``lambda``
        starts at ``damping`` and is adapted Levenberg-Marquardt style (a step is taken only if it
        lowers the loss). ``"adam"``: Adam (Kingma & Ba 2015) with
        :data:`ADAM_BETAS` = (0.9, 0.999), :data:`ADAM_EPS` = 1e-8 and bias correction, one
        step per (mini-)batch.
    init_scale : float
        Standard deviation multiplier of the initial weights (see :func:`init_mlp`).
    init : MLP, optional
        Start from this network instead of a random one.
    target_loss : float, optional
        Stop early when the full-data loss falls below this value.
    stop_on : {None, "zero_error", "saturated"}
        Stop early (checked every ``check_every`` epochs) once every input is classified
        correctly, or once the network is in the saturated phase: zero error, the binarised
        network (hidden units replaced by their saturated values) gives the same output bits
        as the real one on every training input, and at least half of the hidden activations
        are saturated (within 0.1 of their extremes; see :mod:`esorma.bridge.phases`).
        ``n_epochs`` is then the maximum.
    record_every : int
        Record the parameters every this many epochs (the first and last are always recorded).
    rng : None, int or Generator

    Returns
    -------
    TrainResult
        ``diverged`` is True (with a :class:`~esorma.errors.ConvergenceWarning`) when the
        final loss ended more than 10 x ``max(initial loss, ln 2)``; non-finite weights raise
        :class:`~esorma.errors.DivergenceError`.

    Examples
    --------
    >>> from esorma.bridge.tasks import xor_task
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=3000, learning_rate=2.0, rng=1)
    >>> res.zero_error
    True
    """
    Xa, ya = _task_arrays(task, X, y, "train_mlp")
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_choice(output, "output", OUTPUTS)
    epochs = check_int(n_epochs, "n_epochs", minimum=0)
    lr = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    record_every = check_int(record_every, "record_every", minimum=1)
    check_every = check_int(check_every, "check_every", minimum=1)
    if stop_on is not None:
        check_choice(stop_on, "stop_on", ("zero_error", "saturated"))
        if stop_on == "saturated" and activation == "relu" and init is None:
            raise ValueError("stop_on='saturated' needs a sigmoid or tanh network; got relu")
    damping = check_real(damping, "damping", minimum=0.0, strict_min=True)
    if target_loss is not None:
        target_loss = check_real(target_loss, "target_loss", minimum=0.0)
    hidden = tuple(check_int(h, "hidden[i]", minimum=1) for h in hidden)
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    check_not_masked(Xa, "X")
    check_not_masked(ya, "y")
    Xf = np.asarray(Xa)
    if Xf.ndim != 2:
        raise ValueError(f"X must have shape (B, n_inputs); got {Xf.shape}")
    if init is None:
        if np.ndim(ya) == 1 and output == "softmax":
            n_out = int(np.max(ya)) + 1 if np.size(ya) else 2
            n_out = max(n_out, 2)
        else:
            n_out = 1 if np.ndim(ya) == 1 else np.shape(ya)[1]
        net = init_mlp((Xf.shape[1],) + hidden + (n_out,), activation,
                       init_scale=init_scale, rng=gen, output=output)
    else:
        if not isinstance(init, MLP):
            raise TypeError(f"init must be an MLP; got {type(init).__name__}")
        net = init
        activation = net.activation
        output = net.output
    Xf = _check_X(Xf, net.n_inputs)
    yf = _check_y(ya, Xf.shape[0], net.n_outputs, output)
    n = Xf.shape[0]
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    n_rec = epochs // record_every + 2
    check_memory(8.0 * n_rec * net.n_params, "the parameter history",
                 hint="raise record_every")
    shapes, act = net.shapes, net.activation
    theta = net.params.copy()
    rec_e, rec_p, rec_l, rec_err, rec_g = [], [], [], [], []

    diverged_msg = ("training diverged at epoch {} (non-finite weights); lower learning_rate "
                    "({})")
    last = 0
    lm = damping
    m_adam = np.zeros_like(theta)
    v_adam = np.zeros_like(theta)
    t_adam = 0
    b1, b2 = ADAM_BETAS

    def adam_step(th, grad):
        nonlocal m_adam, v_adam, t_adam
        t_adam += 1
        m_adam = b1 * m_adam + (1.0 - b1) * grad
        v_adam = b2 * v_adam + (1.0 - b2) * grad * grad
        mh = m_adam / (1.0 - b1**t_adam)
        vh = v_adam / (1.0 - b2**t_adam)
        return th - lr * mh / (np.sqrt(vh) + ADAM_EPS)

    for ep in range(epochs + 1):
        loss, g, zL = _loss_grad(theta, shapes, act, Xf, yf, with_logits=True, output=output)
        if not (np.isfinite(loss) and np.all(np.isfinite(g))):
            raise DivergenceError(diverged_msg.format(ep, lr))
        last = ep
        done = ep == epochs or (target_loss is not None and loss < target_loss)
        if stop_on is not None and not done and ep % check_every == 0:
            done = _stop_reached(stop_on, theta, shapes, act, Xf, yf, zL, output)
        if ep % record_every == 0 or done:
            rec_e.append(ep)
            rec_p.append(theta.copy())
            rec_l.append(loss)
            rec_err.append(_errors(zL, yf, output))
            rec_g.append(float(np.linalg.norm(g)))
        if done:
            break
        if optimizer == "newton":
            # Levenberg-Marquardt control of the damping: accept a step only if it lowers
            # the loss, otherwise raise the damping and try again
            for _ in range(30):
                step = lr * _newton_direction(theta, shapes, act, Xf, yf, g, lm, output)
                trial = theta + step
                if _loss_grad(trial, shapes, act, Xf, yf, output=output)[0] < loss:
                    theta = trial
                    lm = max(lm / 3.0, damping)
                    break
                lm *= 10.0
        elif batch_size is None or batch_size >= n:
            theta = adam_step(theta, g) if optimizer == "adam" else theta - lr * g
        else:
            order = gen.permutation(n)
            for s in range(0, n, batch_size):
                idx = order[s : s + batch_size]
                _, gb = _loss_grad(theta, shapes, act, Xf[idx], yf[idx], output=output)
                theta = adam_step(theta, gb) if optimizer == "adam" else theta - lr * gb
        if not np.all(np.isfinite(theta)):
            raise DivergenceError(diverged_msg.format(ep + 1, lr))
    final = net.with_params(theta)
    hist = TrainingHistory(
        epochs=np.asarray(rec_e, dtype=np.int64),
        params=np.asarray(rec_p),
        loss=np.asarray(rec_l),
        error=np.asarray(rec_err),
        grad_norm=np.asarray(rec_g),
    )
    config = {
        "hidden": list(hidden) if init is None else list(net.sizes[1:-1]),
        "activation": activation, "output": output, "n_epochs": epochs,
        "n_epochs_run": int(last),
        "learning_rate": lr,
        "batch_size": batch_size, "optimizer": optimizer, "init_scale": init_scale,
        "damping": damping, "target_loss": target_loss, "record_every": record_every,
        "stop_on": stop_on, "check_every": check_every,
    }
    return TrainResult(
        network=final, history=hist, X=Xf, y=yf, config=config, seed=seed,
        zero_error=bool(hist.error[-1] == 0.0), initial=net,
        diverged=_check_divergence(hist.loss, lr, "train_mlp"),
    )


def result_from_snapshots(
    snapshots, task=None, y=None, *, X=None, activation: str = "sigmoid",
    learning_rate: float = 1.0, snapshot_epochs=None,
) -> TrainResult:
    """Wrap parameter snapshots of a network trained elsewhere as a :class:`TrainResult`.

    Use it to run :func:`esorma.bridge.phase_diagnostics` on a PyTorch or JAX training run:
    save ``[(W, b), ...]`` per layer at each recorded epoch (``W`` of shape ``(n_out, n_in)``,
    output layer a single logit per output read out by a sigmoid).

    Parameters
    ----------
    snapshots : sequence of list of (W, b)
        The network at each recorded epoch (the first one is the initialisation).
    task : BooleanTask, optional
        Or the inputs ``X`` and targets ``y`` as arrays.
    activation : str
        Hidden activation.
    learning_rate : float
        Learning rate of the gradient-descent map used by the Lyapunov diagnostic.
    snapshot_epochs : sequence of int, optional
        Epoch of each snapshot (default 0, 1, 2, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge.tasks import xor_task
    >>> snaps = [[(np.full((2, 2), s), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]
    ...          for s in (0.1, 0.5, 1.0)]
    >>> res = result_from_snapshots(snaps, xor_task())
    >>> res.history.params.shape
    (3, 9)
    """
    Xa, ya = _task_arrays(task, X, y, "result_from_snapshots")
    if isinstance(snapshots, (str, np.ndarray)) or not hasattr(snapshots, "__len__") \
            or len(snapshots) == 0:
        raise ValueError("snapshots must be a non-empty sequence of [(W, b), ...] networks")
    nets = [mlp_from_weights(sn, activation) for sn in snapshots]
    for i, nt in enumerate(nets[1:], start=1):
        if nt.shapes != nets[0].shapes:
            raise ValueError(f"snapshots[{i}] has layer shapes {nt.shapes}; expected "
                             f"{nets[0].shapes} as in snapshots[0]")
    lr = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    net = nets[-1]
    Xf = _check_X(Xa, net.n_inputs)
    yf = _check_y(ya, Xf.shape[0], net.n_outputs)
    if snapshot_epochs is None:
        ep = np.arange(len(nets), dtype=np.int64)
    else:
        ep = np.asarray(snapshot_epochs, dtype=np.int64)
        if ep.shape != (len(nets),) or np.any(np.diff(ep) <= 0):
            raise ValueError(f"snapshot_epochs must be {len(nets)} increasing integers; got "
                             f"{snapshot_epochs!r}")
    params = np.stack([nt.params for nt in nets])
    loss, err, gn = [], [], []
    for th in params:
        lo, g, zL = _loss_grad(th, net.shapes, activation, Xf, yf, with_logits=True)
        loss.append(lo)
        err.append(float(np.mean((zL > 0) != (yf > 0.5))))
        gn.append(float(np.linalg.norm(g)))
    hist = TrainingHistory(epochs=ep, params=params, loss=np.asarray(loss),
                           error=np.asarray(err), grad_norm=np.asarray(gn))
    config = {"hidden": list(net.sizes[1:-1]), "activation": activation, "learning_rate": lr,
              "n_epochs": int(ep[-1]), "n_epochs_run": int(ep[-1]), "optimizer": "external"}
    return TrainResult(network=net, history=hist, X=Xf, y=yf, config=config, seed=None,
                       zero_error=bool(err[-1] == 0.0), initial=nets[0],
                       diverged=_check_divergence(hist.loss, lr, "result_from_snapshots"))

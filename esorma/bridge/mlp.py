"""A small multilayer perceptron in NumPy with exact gradients, Hessian-vector products and JVPs.

Conventions (those of ``torch.nn.Linear``, so that weights trained elsewhere can be brought in
as plain arrays): a network is a list of layers ``(W, b)`` with ``W`` of shape
``(n_out, n_in)`` and ``b`` of shape ``(n_out,)``; a batch ``X`` has shape ``(B, n_in)``; the
pre-activation of a layer is ``z = X @ W.T + b``. Hidden layers use one activation
(``"sigmoid"``, ``"tanh"`` or ``"relu"``); the output layer is a sigmoid read out with the
binary cross-entropy loss ``mean(softplus(z) - y z)`` over samples and outputs, and the
predicted bit is ``z > 0``.

Second derivatives are exact: Hessian-vector products use Pearlmutter's R-operator
(forward-over-reverse differentiation written out by hand), so the tangent map of gradient
descent ``I - eta H`` is available to Lyapunov-exponent code without finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, check_memory, check_real

__all__ = [
    "ACTIVATIONS",
    "OPTIMIZERS",
    "MLP",
    "TrainingHistory",
    "TrainResult",
    "mlp_from_weights",
    "init_mlp",
    "train_mlp",
    "result_from_snapshots",
    "loss_and_grad",
    "hessian_vector_product",
    "logits_jvp",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OPTIMIZERS = ("gd", "newton")


# ----------------------------------------------------------------------------- activations
def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _act(name, z):
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _act_d1(name, z, a):
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    return (z > 0).astype(np.float64)


def _act_d2(name, z, a):
    if name == "sigmoid":
        return a * (1.0 - a) * (1.0 - 2.0 * a)
    if name == "tanh":
        return -2.0 * a * (1.0 - a * a)
    return np.zeros_like(z)


def _softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# ----------------------------------------------------------------------------- the network
@summarized
@dataclass(frozen=True)
class MLP:
    """A feedforward network: hidden layers with ``activation``, a sigmoid output layer.

    Attributes
    ----------
    layers : tuple of (W, b)
        ``W`` has shape ``(n_out, n_in)``, ``b`` shape ``(n_out,)`` (float64 copies).
    activation : str
        Hidden activation, one of :data:`ACTIVATIONS`.
    """

    layers: tuple
    activation: str = "sigmoid"

    @property
    def sizes(self) -> tuple:
        """Layer widths ``(n_inputs, n_hidden..., n_outputs)``."""
        return (self.layers[0][0].shape[1],) + tuple(W.shape[0] for W, _ in self.layers)

    @property
    def n_inputs(self) -> int:
        return int(self.sizes[0])

    @property
    def n_outputs(self) -> int:
        return int(self.sizes[-1])

    @property
    def shapes(self) -> tuple:
        return tuple((W.shape[0], W.shape[1]) for W, _ in self.layers)

    @property
    def n_params(self) -> int:
        return int(sum(o * n + o for o, n in self.shapes))

    @property
    def params(self) -> np.ndarray:
        """All weights and biases as one flat vector (layer by layer, ``W`` then ``b``)."""
        return _pack(self.layers)

    def with_params(self, theta) -> "MLP":
        """A copy with the flat parameter vector ``theta``."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},); got {theta.shape}")
        return MLP(tuple((W.copy(), b.copy()) for W, b in _unpack(theta, self.shapes)),
                   self.activation)

    def forward(self, X) -> tuple:
        """Pre-activations and activations of every layer: ``(zs, activations)``.

        ``activations[0]`` is the input; the last activation is the sigmoid output.
        """
        X = _check_X(X, self.n_inputs)
        return _forward(self.layers, self.activation, X)

    def logits(self, X) -> np.ndarray:
        """Output pre-activations, shape ``(B, n_outputs)``."""
        return self.forward(X)[0][-1]

    def predict_proba(self, X) -> np.ndarray:
        """Output probabilities ``sigmoid(z)``, shape ``(B, n_outputs)``."""
        return _sigmoid(self.logits(X))

    def predict(self, X) -> np.ndarray:
        """Predicted bits ``z > 0`` (uint8), shape ``(B, n_outputs)``."""
        return (self.logits(X) > 0).astype(np.uint8)

    def hidden_activations(self, X) -> list:
        """Activations of each hidden layer, a list of ``(B, width)`` arrays."""
        return list(self.forward(X)[1][1:-1])


def _check_X(X, n_inputs):
    arr = np.asarray(X)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
    ):
        raise TypeError(f"X must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_inputs:
        raise ValueError(
            f"X must have shape (B, {n_inputs}) to match the network's inputs; got {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("X must be finite; found NaN or inf entries")
    return arr


def mlp_from_weights(layers, activation: str = "sigmoid") -> MLP:
    """Build an :class:`MLP` from a list of ``(W, b)`` (``W`` of shape ``(n_out, n_in)``).

    Use it to analyse networks trained elsewhere (PyTorch: ``[(l.weight.numpy(),
    l.bias.numpy()) for l in model]``; a JAX/Flax ``Dense`` kernel must be transposed).

    Examples
    --------
    >>> import numpy as np
    >>> net = mlp_from_weights([(np.array([[2.0, 2.0]]), np.array([-3.0]))])
    >>> net.predict([[1, 1], [1, 0]]).ravel().tolist()
    [1, 0]
    """
    check_choice(activation, "activation", ACTIVATIONS)
    if isinstance(layers, (np.ndarray, str)) or not hasattr(layers, "__len__"):
        raise TypeError("layers must be a list of (W, b) pairs of arrays")
    if len(layers) == 0:
        raise ValueError("layers must contain at least one (W, b) pair; got an empty list")
    out = []
    prev = None
    for i, pair in enumerate(layers):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"layers[{i}] must be a (W, b) pair; got {type(pair).__name__}")
        W = _real_array(pair[0], f"layers[{i}] W")
        b = _real_array(pair[1], f"layers[{i}] b")
        if W.ndim != 2 or W.shape[0] == 0 or W.shape[1] == 0:
            raise ValueError(f"layers[{i}] W must be a non-empty 2-D array; got shape {W.shape}")
        if b.shape != (W.shape[0],):
            raise ValueError(
                f"layers[{i}] b must have shape ({W.shape[0]},) to match W {W.shape}; "
                f"got {b.shape}"
            )
        if prev is not None and W.shape[1] != prev:
            raise ValueError(
                f"layers[{i}] W must have {prev} columns (the width of layer {i - 1}); "
                f"got shape {W.shape}"
            )
        prev = W.shape[0]
        out.append((W.copy(), b.copy()))
    return MLP(tuple(out), activation)


def _real_array(x, name):
    arr = np.asarray(x)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; found NaN or inf entries")
    return arr


def init_mlp(sizes, activation: str = "sigmoid", *, init_scale: float = 1.0, rng=None) -> MLP:
    """Random network: ``W ~ init_scale * N(0, 1) / sqrt(n_in)``, biases zero.

    Examples
    --------
    >>> init_mlp((2, 3, 1), rng=0).sizes
    (2, 3, 1)
    """
    if not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must list at least (n_inputs, n_outputs); got {sizes!r}")
    sizes = [check_int(s, "sizes[i]", minimum=1) for s in sizes]
    check_choice(activation, "activation", ACTIVATIONS)
    scale = check_real(init_scale, "init_scale", minimum=0.0)
    gen = as_rng(rng)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = scale * gen.standard_normal((n_out, n_in)) / np.sqrt(n_in)
        layers.append((W, np.zeros(n_out)))
    return MLP(tuple(layers), activation)


# ----------------------------------------------------------------------------- flat parameters
def _pack(layers):
    return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in layers])


def _unpack(theta, shapes):
    out, i = [], 0
    for o, n in shapes:
        W = theta[i : i + o * n].reshape(o, n)
        i += o * n
        out.append((W, theta[i : i + o]))
        i += o
    return out


def _unpack_cols(V, shapes):
    """Split a (P, k) block of directions into per-layer (k, o, n) and (k, o) arrays."""
    k = V.shape[1]
    out, i = [], 0
    for o, n in shapes:
        dW = V[i : i + o * n].T.reshape(k, o, n)
        i += o * n
        out.append((dW, V[i : i + o].T))
        i += o
    return out


def _forward(layers, act, X):
    zs, acts = [], [X]
    a = X
    L = len(layers)
    for li, (W, b) in enumerate(layers):
        z = a @ W.T + b
        a = _sigmoid(z) if li == L - 1 else _act(act, z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def loss_and_grad(net: MLP, X, y, theta=None):
    """Binary cross-entropy loss and its gradient with respect to the flat parameters.

    Returns ``(loss, grad)``; ``theta`` overrides the network's parameters.
    """
    X = _check_X(X, net.n_inputs)
    y = _check_y(y, X.shape[0], net.n_outputs)
    theta = net.params if theta is None else np.asarray(theta, dtype=np.float64)
    return _loss_grad(theta, net.shapes, net.activation, X, y)


def _check_y(y, n, m):
    arr = np.asarray(y, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape != (n, m):
        raise ValueError(f"y must have shape ({n},) or ({n}, {m}); got {np.shape(y)}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("y must contain only 0 and 1")
    return arr


def _loss_grad(theta, shapes, act, X, y, with_logits=False):
    layers = _unpack(theta, shapes)
    zs, acts = _forward(layers, act, X)
    zL = zs[-1]
    scale = 1.0 / (X.shape[0] * zL.shape[1])
    loss = float(np.sum(_softplus(zL) - y * zL) * scale)
    delta = (acts[-1] - y) * scale
    grads = [None] * len(layers)
    for li in range(len(layers) - 1, -1, -1):
        W = layers[li][0]
        grads[li] = (delta.T @ acts[li], delta.sum(axis=0))
        if li > 0:
            delta = (delta @ W) * _act_d1(act, zs[li - 1], acts[li])
    if with_logits:
        return loss, _pack(grads), zL
    return loss, _pack(grads)


def _hvp(theta, shapes, act, X, y, V):
    """Exact Hessian-vector products H @ V (V of shape (P, k)) by the R-operator."""
    layers = _unpack(theta, shapes)
    dirs = _unpack_cols(V, shapes)
    zs, acts = _forward(layers, act, X)
    L = len(layers)
    # forward R pass
    Rz, Ra = [], [None]
    for li, ((W, _b), (dW, db)) in enumerate(zip(layers, dirs)):
        r = np.matmul(acts[li], dW.transpose(0, 2, 1)) + db[:, None, :]
        if Ra[li] is not None:
            r = r + Ra[li] @ W.T
        Rz.append(r)
        if li < L - 1:
            Ra.append(_act_d1(act, zs[li], acts[li + 1])[None] * r)
    # backward pass with its R companion
    p = acts[-1]
    scale = 1.0 / (X.shape[0] * p.shape[1])
    delta = (p - y) * scale
    Rdelta = (p * (1.0 - p))[None] * Rz[-1] * scale
    out = [None] * L
    for li in range(L - 1, -1, -1):
        W = layers[li][0]
        RgW = np.matmul(Rdelta.transpose(0, 2, 1), acts[li])
        if Ra[li] is not None:
            RgW = RgW + np.matmul(delta.T, Ra[li])
        out[li] = (RgW, Rdelta.sum(axis=1))
        if li > 0:
            dW = dirs[li][0]
            g = delta @ W
            Rg = Rdelta @ W + np.matmul(delta, dW)
            d1 = _act_d1(act, zs[li - 1], acts[li])
            d2 = _act_d2(act, zs[li - 1], acts[li])
            Rdelta = Rg * d1[None] + (g * d2)[None] * Rz[li - 1]
            delta = g * d1
    k = V.shape[1]
    return np.concatenate(
        [np.concatenate([RgW.reshape(k, -1), Rgb], axis=1) for RgW, Rgb in out], axis=1
    ).T


def _logits_jvp(theta, shapes, act, X, v):
    """Output logits and their directional derivative along the flat direction ``v``."""
    layers = _unpack(theta, shapes)
    dirs = _unpack_cols(v[:, None], shapes)
    zs, acts = _forward(layers, act, X)
    Ra = None
    for li, ((W, _b), (dW, db)) in enumerate(zip(layers, dirs)):
        r = acts[li] @ dW[0].T + db[0]
        if Ra is not None:
            r = r + Ra @ W.T
        if li < len(layers) - 1:
            Ra = _act_d1(act, zs[li], acts[li + 1]) * r
    return zs[-1], r


def hessian_vector_product(net: MLP, X, y, V, theta=None) -> np.ndarray:
    """Exact ``H @ V`` of the loss (Pearlmutter's R-operator); ``V`` of shape (P,) or (P, k).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge.tasks import xor_task
    >>> t = xor_task(); net = init_mlp((2, 2, 1), rng=0)
    >>> Hv = hessian_vector_product(net, t.X, t.y, np.eye(net.n_params))
    >>> bool(np.allclose(Hv, Hv.T))
    True
    """
    X = _check_X(X, net.n_inputs)
    y = _check_y(y, X.shape[0], net.n_outputs)
    theta = net.params if theta is None else np.asarray(theta, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    one = V.ndim == 1
    V2 = V[:, None] if one else V
    if V2.ndim != 2 or V2.shape[0] != net.n_params:
        raise ValueError(f"V must have shape ({net.n_params},) or ({net.n_params}, k); "
                         f"got {V.shape}")
    out = _hvp(theta, net.shapes, net.activation, X, y, V2)
    return out[:, 0] if one else out


def logits_jvp(net: MLP, X, v, theta=None):
    """``(z, dz)``: output logits and their derivative along parameter direction ``v``."""
    X = _check_X(X, net.n_inputs)
    theta = net.params if theta is None else np.asarray(theta, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (net.n_params,):
        raise ValueError(f"v must have shape ({net.n_params},); got {v.shape}")
    return _logits_jvp(theta, net.shapes, net.activation, X, v)


# ----------------------------------------------------------------------------- training
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

    epochs: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    error: np.ndarray
    grad_norm: np.ndarray


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
        Hyper-parameters (lr, epochs, batch_size, optimizer, init_scale, hidden, activation).
    seed : int or None
    zero_error : bool
        Every training input classified correctly at the end.
    """

    network: MLP
    history: TrainingHistory
    X: np.ndarray
    y: np.ndarray
    config: dict
    seed: int | None
    zero_error: bool
    initial: MLP = field(repr=False, default=None)


def _stop_reached(stop_on, theta, shapes, act, X, y, zL) -> bool:
    if np.any((zL > 0) != (y > 0.5)):
        return False
    if stop_on == "zero_error":
        return True
    layers = _unpack(theta, shapes)
    zs, acts = _forward(layers, act, X)
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
    return bool(np.all((z > 0) == (zL > 0)))


def _newton_direction(theta, shapes, act, X, y, g, damping):
    """Saddle-free damped Newton direction ``-(|H| + damping I)^-1 g`` with the exact Hessian."""
    P = theta.size
    H = np.empty((P, P))
    for j0 in range(0, P, 32):
        cols = np.eye(P)[:, j0 : j0 + 32]
        H[:, j0 : j0 + 32] = _hvp(theta, shapes, act, X, y, cols)
    H = 0.5 * (H + H.T)
    mu, U = np.linalg.eigh(H)
    return -U @ ((U.T @ g) / (np.abs(mu) + damping))


def train_mlp(
    task=None,
    y=None,
    *,
    X=None,
    hidden=(4,),
    activation: str = "sigmoid",
    epochs: int = 2000,
    lr: float = 1.0,
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
    task : BooleanTask or array, optional
        A task (its ``X`` and ``y`` are used) or the input array ``X`` (then give ``y``).
    hidden : tuple of int
        Hidden-layer widths (``()`` for a single-layer network).
    activation : {"sigmoid", "tanh", "relu"}
    epochs : int
        Number of passes over the data (one full-batch step per epoch when ``batch_size`` is
        None).
    lr : float
        Learning rate ``eta`` of ``theta <- theta - eta * grad``.
    batch_size : int or None
        Mini-batch size (shuffled each epoch with ``rng``); None = full batch.
    optimizer : {"gd", "newton"}
        ``"newton"``: a saddle-free damped Newton step ``-(|H| + lambda I)^-1 g`` with the
        exact Hessian (small networks, full batch), scaled by ``lr``; ``lambda`` starts at
        ``damping`` and is adapted Levenberg-Marquardt style (a step is taken only if it
        lowers the loss).
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
        ``epochs`` is then the maximum.
    record_every : int
        Record the parameters every this many epochs (the first and last are always recorded).
    rng : None, int or Generator

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> from esorma.bridge.tasks import xor_task
    >>> res = train_mlp(xor_task(), hidden=(3,), epochs=3000, lr=2.0, rng=1)
    >>> res.zero_error
    True
    """
    from esorma.bridge.tasks import BooleanTask

    if isinstance(task, BooleanTask):
        Xa, ya = task.X, task.y
    else:
        Xa = task if X is None else X
        ya = y
        if Xa is None or ya is None:
            raise TypeError("train_mlp needs a BooleanTask, or arrays X and y")
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    epochs = check_int(epochs, "epochs", minimum=0)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
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
    Xf = np.asarray(Xa)
    if Xf.ndim != 2:
        raise ValueError(f"X must have shape (B, n_inputs); got {Xf.shape}")
    if init is None:
        net = init_mlp((Xf.shape[1],) + hidden + (1 if np.ndim(ya) == 1 else np.shape(ya)[1],),
                       activation, init_scale=init_scale, rng=gen)
    else:
        if not isinstance(init, MLP):
            raise TypeError(f"init must be an MLP; got {type(init).__name__}")
        net = init
        activation = net.activation
    Xf = _check_X(Xf, net.n_inputs)
    yf = _check_y(ya, Xf.shape[0], net.n_outputs)
    n = Xf.shape[0]
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    n_rec = epochs // record_every + 2
    check_memory(8.0 * n_rec * net.n_params, "the parameter history",
                 hint="raise record_every")
    shapes, act = net.shapes, net.activation
    theta = net.params.copy()
    rec_e, rec_p, rec_l, rec_err, rec_g = [], [], [], [], []

    from esorma.stability.maps import DivergenceError

    diverged_msg = "training diverged at epoch {} (non-finite weights); lower lr ({})"
    last = 0
    lm = damping
    for ep in range(epochs + 1):
        loss, g, zL = _loss_grad(theta, shapes, act, Xf, yf, with_logits=True)
        if not (np.isfinite(loss) and np.all(np.isfinite(g))):
            raise DivergenceError(diverged_msg.format(ep, lr))
        last = ep
        done = ep == epochs or (target_loss is not None and loss < target_loss)
        if stop_on is not None and not done and ep % check_every == 0:
            done = _stop_reached(stop_on, theta, shapes, act, Xf, yf, zL)
        if ep % record_every == 0 or done:
            rec_e.append(ep)
            rec_p.append(theta.copy())
            rec_l.append(loss)
            rec_err.append(float(np.mean((zL > 0) != (yf > 0.5))))
            rec_g.append(float(np.linalg.norm(g)))
        if done:
            break
        if optimizer == "newton":
            # Levenberg-Marquardt control of the damping: accept a step only if it lowers
            # the loss, otherwise raise the damping and try again
            for _ in range(30):
                step = lr * _newton_direction(theta, shapes, act, Xf, yf, g, lm)
                trial = theta + step
                if _loss_grad(trial, shapes, act, Xf, yf)[0] < loss:
                    theta = trial
                    lm = max(lm / 3.0, damping)
                    break
                lm *= 10.0
        elif batch_size is None or batch_size >= n:
            theta = theta - lr * g
        else:
            order = gen.permutation(n)
            for s in range(0, n, batch_size):
                idx = order[s : s + batch_size]
                _, gb = _loss_grad(theta, shapes, act, Xf[idx], yf[idx])
                theta = theta - lr * gb
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
        "activation": activation, "epochs": epochs, "epochs_run": int(last), "lr": lr,
        "batch_size": batch_size, "optimizer": optimizer, "init_scale": init_scale,
        "damping": damping, "target_loss": target_loss, "record_every": record_every,
        "stop_on": stop_on, "check_every": check_every,
    }
    return TrainResult(
        network=final, history=hist, X=Xf, y=yf, config=config, seed=seed,
        zero_error=bool(hist.error[-1] == 0.0), initial=net,
    )


def result_from_snapshots(
    snapshots, task=None, y=None, *, X=None, activation: str = "sigmoid", lr: float = 1.0,
    epochs=None,
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
    lr : float
        Learning rate of the gradient-descent map used by the Lyapunov diagnostic.
    epochs : sequence of int, optional
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
    from esorma.bridge.tasks import BooleanTask

    if isinstance(task, BooleanTask):
        Xa, ya = task.X, task.y
    else:
        Xa = task if X is None else X
        ya = y
        if Xa is None or ya is None:
            raise TypeError("result_from_snapshots needs a BooleanTask, or arrays X and y")
    if isinstance(snapshots, (str, np.ndarray)) or not hasattr(snapshots, "__len__") \
            or len(snapshots) == 0:
        raise ValueError("snapshots must be a non-empty sequence of [(W, b), ...] networks")
    nets = [mlp_from_weights(sn, activation) for sn in snapshots]
    for i, nt in enumerate(nets[1:], start=1):
        if nt.shapes != nets[0].shapes:
            raise ValueError(f"snapshots[{i}] has layer shapes {nt.shapes}; expected "
                             f"{nets[0].shapes} as in snapshots[0]")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    net = nets[-1]
    Xf = _check_X(Xa, net.n_inputs)
    yf = _check_y(ya, Xf.shape[0], net.n_outputs)
    if epochs is None:
        ep = np.arange(len(nets), dtype=np.int64)
    else:
        ep = np.asarray(epochs, dtype=np.int64)
        if ep.shape != (len(nets),) or np.any(np.diff(ep) <= 0):
            raise ValueError(f"epochs must be {len(nets)} increasing integers; got {epochs!r}")
    params = np.stack([nt.params for nt in nets])
    loss, err, gn = [], [], []
    for th in params:
        lo, g, zL = _loss_grad(th, net.shapes, activation, Xf, yf, with_logits=True)
        loss.append(lo)
        err.append(float(np.mean((zL > 0) != (yf > 0.5))))
        gn.append(float(np.linalg.norm(g)))
    hist = TrainingHistory(epochs=ep, params=params, loss=np.asarray(loss),
                           error=np.asarray(err), grad_norm=np.asarray(gn))
    config = {"hidden": list(net.sizes[1:-1]), "activation": activation, "lr": lr,
              "epochs": int(ep[-1]), "epochs_run": int(ep[-1]), "optimizer": "external"}
    return TrainResult(network=net, history=hist, X=Xf, y=yf, config=config, seed=None,
                       zero_error=bool(err[-1] == 0.0), initial=nets[0])

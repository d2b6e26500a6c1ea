"""The model: a small multilayer perceptron in NumPy with exact gradients, HVPs and JVPs.

Training (gradient descent, Newton, the recorded history) is in :mod:`esorma.bridge.training`.

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

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_finite_array,
    check_int,
    check_not_masked,
    check_real,
)

__all__ = [
    "ACTIVATIONS",
    "Layer",
    "MLP",
    "mlp_from_weights",
    "init_mlp",
    "loss_and_grad",
    "hessian_vector_product",
    "logits_jvp",
]

#: Hidden activations of :class:`MLP` (the output layer is always a sigmoid).
ACTIVATIONS = ("sigmoid", "tanh", "relu")


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
@dataclass(frozen=True, eq=False)
class Layer:
    """One layer ``z = a @ W.T + b``; unpacks as the pair ``W, b = layer``.

    Attributes
    ----------
    W : ndarray, shape (n_out, n_in)
    b : ndarray, shape (n_out,)
    """

    W: np.ndarray
    b: np.ndarray

    def __iter__(self):
        return iter((self.W, self.b))

    def __getitem__(self, i):
        return (self.W, self.b)[i]

    def __len__(self) -> int:
        return 2


@summarized
@dataclass(frozen=True, eq=False)
class MLP:
    """A feedforward network: hidden layers with ``activation``, a sigmoid output layer.

    Attributes
    ----------
    layers : tuple of Layer
        Each layer unpacks as ``W, b`` with ``W`` of shape ``(n_out, n_in)`` and ``b`` of
        shape ``(n_out,)``; ``(W, b)`` pairs given here are wrapped as :class:`Layer`.
    activation : str
        Hidden activation, one of :data:`ACTIVATIONS`.
    """

    layers: tuple
    activation: str = "sigmoid"

    def __post_init__(self):
        layers = tuple(lay if isinstance(lay, Layer) else Layer(*lay) for lay in self.layers)
        object.__setattr__(self, "layers", layers)

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
        theta = check_finite_array(theta, "theta")
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},); got {theta.shape}")
        return MLP(tuple(Layer(W.copy(), b.copy()) for W, b in _unpack(theta, self.shapes)),
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
    check_not_masked(X, "X")
    try:
        arr = np.asarray(X)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"X must be a rectangular numeric array; got {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        or arr.dtype == np.bool_
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
        if not isinstance(pair, (tuple, list, Layer)) or len(pair) != 2:
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
    return np.array(check_finite_array(x, name), dtype=np.float64)  # a copy, finite


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
    theta = net.params if theta is None else _check_theta(theta, net)
    return _loss_grad(theta, net.shapes, net.activation, X, y)


def _check_theta(theta, net):
    theta = check_finite_array(theta, "theta")
    if theta.shape != (net.n_params,):
        raise ValueError(f"theta must have shape ({net.n_params},); got {theta.shape}")
    return theta


def _check_y(y, n, m):
    check_not_masked(y, "y")
    if np.asarray(y).dtype == np.bool_:
        y = np.asarray(y, dtype=np.float64)
    arr = check_finite_array(y, "y")
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
    theta = net.params if theta is None else _check_theta(theta, net)
    V = check_finite_array(V, "V")
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
    theta = net.params if theta is None else _check_theta(theta, net)
    v = check_finite_array(v, "v")
    if v.shape != (net.n_params,):
        raise ValueError(f"v must have shape ({net.n_params},); got {v.shape}")
    return _logits_jvp(theta, net.shapes, net.activation, X, v)

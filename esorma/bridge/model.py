"""The model: a small multilayer perceptron in NumPy with exact gradients, HVPs and JVPs.

Training (gradient descent, Newton, the recorded history) is in :mod:`esorma.bridge.training`.

Conventions (those of ``torch.nn.Linear``, so that weights trained elsewhere can be brought in
as plain arrays): a network is a list of layers ``(W, b)`` with ``W`` of shape
``(n_out, n_in)`` and ``b`` of shape ``(n_out,)``; a batch ``X`` has shape ``(B, n_in)``; the
pre-activation of a layer is ``z = X @ W.T + b``. Hidden layers use one activation
(``"sigmoid"``, ``"tanh"`` or ``"relu"``); the output layer is either a sigmoid read out with
the binary cross-entropy loss ``mean(softplus(z) - y z)`` over samples and outputs (predicted
bit ``z > 0``; the default), or a softmax (``output="softmax"``) read out with the multi-class
cross-entropy ``mean_samples(logsumexp(z) - y . z)`` for one-hot targets ``y`` (predicted class
``argmax z``). :func:`softmax_phase` labels a softmax output linear, hybrid or saturated.

Second derivatives are exact: Hessian-vector products use Pearlmutter's R-operator
(forward-over-reverse differentiation written out by hand), so the tangent map of gradient
descent ``I - eta H`` is available to Lyapunov-exponent code without finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "OUTPUTS",
    "SOFTMAX_LINEAR_GAP",
    "SoftmaxPhase",
    "softmax",
    "softmax_phase",
]

#: Hidden activations of :class:`MLP`.
ACTIVATIONS = ("sigmoid", "tanh", "relu")

#: Output layers of :class:`MLP`: sigmoid + binary cross-entropy, softmax + cross-entropy.
OUTPUTS = ("sigmoid", "softmax")


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


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _logsumexp(z):
    m = z.max(axis=-1)
    return m + np.log(np.exp(z - m[..., None]).sum(axis=-1))


def _out_act(output, z):
    return _softmax(z) if output == "softmax" else _sigmoid(z)


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
    """A feedforward network: hidden layers with ``activation``, a sigmoid or softmax output.

    Attributes
    ----------
    layers : tuple of Layer
        Each layer unpacks as ``W, b`` with ``W`` of shape ``(n_out, n_in)`` and ``b`` of
        shape ``(n_out,)``; ``(W, b)`` pairs given here are wrapped as :class:`Layer`.
    activation : str
        Hidden activation, one of :data:`ACTIVATIONS`.
    output : str
        Output layer, one of :data:`OUTPUTS` (``"sigmoid"``: one bit per output unit;
        ``"softmax"``: one class among the output units).
    """

    layers: tuple
    activation: str = "sigmoid"
    output: str = "sigmoid"

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
                   self.activation, self.output)

    def forward(self, X) -> tuple:
        """Pre-activations and activations of every layer: ``(zs, activations)``.

        ``activations[0]`` is the input; the last activation is the sigmoid (or softmax) output.
        """
        X = _check_X(X, self.n_inputs)
        return _forward(self.layers, self.activation, X, self.output)

    def logits(self, X) -> np.ndarray:
        """Output pre-activations, shape ``(B, n_outputs)``."""
        return self.forward(X)[0][-1]

    def predict_proba(self, X) -> np.ndarray:
        """Output probabilities ``sigmoid(z)`` (or ``softmax(z)``), shape ``(B, n_outputs)``."""
        return _out_act(self.output, self.logits(X))

    def predict(self, X) -> np.ndarray:
        """Predicted bits ``z > 0`` (softmax: one-hot ``argmax z``), uint8 ``(B, n_outputs)``."""
        z = self.logits(X)
        if self.output == "softmax":
            out = np.zeros(z.shape, dtype=np.uint8)
            out[np.arange(z.shape[0]), np.argmax(z, axis=1)] = 1
            return out
        return (z > 0).astype(np.uint8)

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


def mlp_from_weights(layers, activation: str = "sigmoid", output: str = "sigmoid") -> MLP:
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
    check_choice(output, "output", OUTPUTS)
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
    return MLP(tuple(out), activation, output)


def _real_array(x, name):
    return np.array(check_finite_array(x, name), dtype=np.float64)  # a copy, finite


def init_mlp(sizes, activation: str = "sigmoid", *, init_scale: float = 1.0, rng=None,
             output: str = "sigmoid") -> MLP:
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
    check_choice(output, "output", OUTPUTS)
    scale = check_real(init_scale, "init_scale", minimum=0.0)
    gen = as_rng(rng)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = scale * gen.standard_normal((n_out, n_in)) / np.sqrt(n_in)
        layers.append((W, np.zeros(n_out)))
    return MLP(tuple(layers), activation, output)


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


def _forward(layers, act, X, output="sigmoid"):
    zs, acts = [], [X]
    a = X
    L = len(layers)
    for li, (W, b) in enumerate(layers):
        z = a @ W.T + b
        a = _out_act(output, z) if li == L - 1 else _act(act, z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def loss_and_grad(net: MLP, X, y, theta=None):
    """Cross-entropy loss and its gradient with respect to the flat parameters.

    Binary cross-entropy per output for a sigmoid output, multi-class cross-entropy for a
    softmax output (``y`` one-hot rows or class indices). Returns ``(loss, grad)``; ``theta``
    overrides the network's parameters.
    """
    X = _check_X(X, net.n_inputs)
    y = _check_y(y, X.shape[0], net.n_outputs, net.output)
    theta = net.params if theta is None else _check_theta(theta, net)
    return _loss_grad(theta, net.shapes, net.activation, X, y, output=net.output)


def _check_theta(theta, net):
    theta = check_finite_array(theta, "theta")
    if theta.shape != (net.n_params,):
        raise ValueError(f"theta must have shape ({net.n_params},); got {theta.shape}")
    return theta


def _check_y(y, n, m, output="sigmoid"):
    check_not_masked(y, "y")
    if np.asarray(y).dtype == np.bool_:
        y = np.asarray(y, dtype=np.float64)
    arr = check_finite_array(y, "y")
    if output == "softmax" and arr.ndim == 1 and m > 1:
        # class indices -> one-hot rows
        if arr.shape != (n,) or not np.all((arr == np.round(arr)) & (arr >= 0) & (arr < m)):
            raise ValueError(f"y must be {n} class indices in [0, {m}) or one-hot rows of "
                             f"shape ({n}, {m}) for a softmax output; got shape {np.shape(y)}")
        hot = np.zeros((n, m))
        hot[np.arange(n), arr.astype(np.int64)] = 1.0
        return hot
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape != (n, m):
        raise ValueError(f"y must have shape ({n},) or ({n}, {m}); got {np.shape(y)}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("y must contain only 0 and 1")
    if output == "softmax" and not np.all(arr.sum(axis=1) == 1):
        raise ValueError("y must have one-hot rows (exactly one 1 per row) for a softmax "
                         "output")
    return arr


def _errors(zL, y, output="sigmoid"):
    """Fraction misclassified: (input, output) pairs (sigmoid) or samples (softmax)."""
    if output == "softmax":
        return float(np.mean(np.argmax(zL, axis=1) != np.argmax(y, axis=1)))
    return float(np.mean((zL > 0) != (y > 0.5)))


def _loss_grad(theta, shapes, act, X, y, with_logits=False, output="sigmoid"):
    layers = _unpack(theta, shapes)
    zs, acts = _forward(layers, act, X, output)
    zL = zs[-1]
    if output == "softmax":
        scale = 1.0 / X.shape[0]
        loss = float(np.sum(_logsumexp(zL) - np.sum(y * zL, axis=1)) * scale)
    else:
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


def _hvp(theta, shapes, act, X, y, V, output="sigmoid"):
    """Exact Hessian-vector products H @ V (V of shape (P, k)) by the R-operator."""
    layers = _unpack(theta, shapes)
    dirs = _unpack_cols(V, shapes)
    zs, acts = _forward(layers, act, X, output)
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
    if output == "softmax":
        scale = 1.0 / X.shape[0]
        Rp = p[None] * (Rz[-1] - np.sum(p[None] * Rz[-1], axis=-1, keepdims=True))
        Rdelta = Rp * scale
    else:
        scale = 1.0 / (X.shape[0] * p.shape[1])
        Rdelta = (p * (1.0 - p))[None] * Rz[-1] * scale
    delta = (p - y) * scale
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


def _logits_jvp(theta, shapes, act, X, v, output="sigmoid"):
    """Output logits and their directional derivative along the flat direction ``v``."""
    layers = _unpack(theta, shapes)
    dirs = _unpack_cols(v[:, None], shapes)
    zs, acts = _forward(layers, act, X, output)
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
    y = _check_y(y, X.shape[0], net.n_outputs, net.output)
    theta = net.params if theta is None else _check_theta(theta, net)
    V = check_finite_array(V, "V")
    one = V.ndim == 1
    V2 = V[:, None] if one else V
    if V2.ndim != 2 or V2.shape[0] != net.n_params:
        raise ValueError(f"V must have shape ({net.n_params},) or ({net.n_params}, k); "
                         f"got {V.shape}")
    out = _hvp(theta, net.shapes, net.activation, X, y, V2, net.output)
    return out[:, 0] if one else out


def logits_jvp(net: MLP, X, v, theta=None):
    """``(z, dz)``: output logits and their derivative along parameter direction ``v``."""
    X = _check_X(X, net.n_inputs)
    theta = net.params if theta is None else _check_theta(theta, net)
    v = check_finite_array(v, "v")
    if v.shape != (net.n_params,):
        raise ValueError(f"v must have shape ({net.n_params},); got {v.shape}")
    return _logits_jvp(theta, net.shapes, net.activation, X, v, net.output)


# ----------------------------------------------------------------------------- softmax phases
#: Largest logit gap ``max z - min z`` of a softmax sample in its linear regime, by number of
#: classes: 1.0 for two classes, 0.2 for three or more (see :func:`softmax_phase`).
SOFTMAX_LINEAR_GAP = {2: 1.0, "more": 0.2}


def softmax(z) -> np.ndarray:
    """Softmax along the last axis (stable: the largest logit is subtracted first).

    Examples
    --------
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    """
    z = check_finite_array(z, "z")
    return _softmax(np.asarray(z, dtype=np.float64))


@summarized
@dataclass(frozen=True)
class SoftmaxPhase:
    """Phase of a softmax output over a set of inputs (see :func:`softmax_phase`).

    Attributes
    ----------
    phase : str
        ``"linear"``, ``"hybrid"`` or ``"saturated"``.
    gap : ndarray, shape (B,)
        Logit gap ``max_k z_k - min_k z_k`` of every input.
    linearisation_error : ndarray, shape (B,)
        ``||p - p_lin|| / ||p_lin - 1/K||`` with ``p_lin = (1 + z - mean z) / K`` the
        first-order expansion of the softmax at equal logits (0 where all logits are equal).
    linear_fraction, saturated_fraction : float
        Fractions of inputs with ``gap <= max_gap`` and with ``max_k p_k >= 1 - margin``.
    thresholds : dict
        ``max_gap``, ``margin`` and ``min_fraction`` used.
    """

    phase: str
    gap: np.ndarray = field(metadata={"unit": "logit", "description": "max z - min z per input"})
    linearisation_error: np.ndarray = field(metadata={
        "description": "relative error of the softmax's expansion at equal logits, per input"})
    linear_fraction: float
    saturated_fraction: float
    thresholds: dict


def softmax_phase(logits, *, max_gap: float | None = None, margin: float = 0.1,
                  min_fraction: float = 0.5) -> SoftmaxPhase:
    """Label a softmax output linear, hybrid or saturated from its logits on a set of inputs.

    Parameters
    ----------
    logits : array, shape (B, K) with K >= 2
        Output logits (e.g. ``net.logits(X)``).
    max_gap : float, optional
        Largest logit gap of a linear input (default: see Notes).
    margin : float
        An input is saturated when its largest probability is at least ``1 - margin``.
    min_fraction : float
        Fraction of the inputs that must agree for the output to be labelled linear or
        saturated.

    Notes
    -----
    The rule and its thresholds: an input is in the softmax's *linear regime* when its
    logits are nearly equal: ``gap = max_k z_k - min_k z_k <= max_gap``. The default ``max_gap`` is 1.0 for two
    classes and 0.2 for three or more, chosen so that the softmax deviates from its linear
    expansion at equal logits, ``p_lin = (1 + z - mean z) / K``, by at most about 10 % of
    ``||p_lin - 1/K||`` (the tolerance of the hidden-layer linear rule of
    :mod:`esorma.bridge.phases`): for ``K = 2`` the softmax is ``sigmoid(z1 - z0)`` whose
    relative error is ``gap^2 / 12 + O(gap^4)`` (0.08 at gap 1); for ``K >= 3`` the quadratic
    term ``(d_k^2 - mean d^2) / 2K`` (``d = z - mean z``) survives and the worst case is about
    ``gap / 2`` (0.10 at gap 0.2, checked numerically up to K = 200). An input is *saturated*
    when its largest probability is at least ``1 - margin``. The output is ``"linear"`` when at
    least ``min_fraction`` of the inputs are linear, ``"saturated"`` when at least
    ``min_fraction`` are saturated, ``"hybrid"`` otherwise.

    Examples
    --------
    >>> softmax_phase([[0.0, 0.1, -0.05]]).phase
    'linear'
    >>> softmax_phase([[9.0, 0.0, 0.0]]).phase
    'saturated'
    """
    z = check_finite_array(logits, "logits")
    if z.ndim != 2 or z.shape[1] < 2 or z.shape[0] < 1:
        raise ValueError(f"logits must have shape (B, K) with B >= 1 and K >= 2; got {z.shape}")
    K = z.shape[1]
    if max_gap is None:
        max_gap = SOFTMAX_LINEAR_GAP[2] if K == 2 else SOFTMAX_LINEAR_GAP["more"]
    max_gap = check_real(max_gap, "max_gap", minimum=0.0)
    margin = check_real(margin, "margin", minimum=0.0, maximum=0.5, strict_min=True)
    min_fraction = check_real(min_fraction, "min_fraction", minimum=0.0, maximum=1.0,
                              strict_min=True)
    p = _softmax(z)
    gap = z.max(axis=1) - z.min(axis=1)
    d = (z - z.mean(axis=1, keepdims=True)) / K
    den = np.linalg.norm(d, axis=1)
    num = np.linalg.norm(p - 1.0 / K - d, axis=1)
    err = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    lin = float(np.mean(gap <= max_gap))
    sat = float(np.mean(p.max(axis=1) >= 1.0 - margin))
    phase = "linear" if lin >= min_fraction else ("saturated" if sat >= min_fraction
                                                  else "hybrid")
    return SoftmaxPhase(phase, gap, err, lin, sat,
                        {"max_gap": max_gap, "margin": margin, "min_fraction": min_fraction})

"""Three-layer regression networks with exact gradients and batched Hessian-vector products.

A network is a :class:`ThreeLayerNet` spec plus a flat float64 parameter vector ``w`` laid out
as ``W1`` (``n_hidden × n_inputs``, row-major), ``b1`` (``n_hidden``), ``W2``
(``n_outputs × n_hidden``), ``b2`` (``n_outputs``). The output layer is linear:

    f(x; w) = W2 φ(W1 x + b1) + b2,

with ``φ`` one of :data:`ACTIVATIONS`, and the loss is half the mean squared error over samples
and outputs, ``L(w) = ½ mean((f(X) − Y)²)``.

Second derivatives are exact: :meth:`ThreeLayerNet.hvp` applies Pearlmutter's R-operator
(forward-over-reverse, written out by hand) to ``k`` directions at once, as matrix products
(BLAS-3), so ``H V`` for ``V`` of shape ``(n_params, k)`` costs a few GEMMs of size
``batch × n_inputs × (k · n_hidden)``. The tangent map of a training step is then
``M = I − η H(w)`` (gradient descent), its mini-batch analogue with the batch's Hessian, or,
for heavy-ball momentum with state ``(w, v)``, ``v' = μ v − η ∇L(w)``, ``w' = w + v'``::

    M = [[I − ηH,  μ I],
         [  −ηH,   μ I]]        (rows: w', v'; columns: δw, δv)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_finite_array, check_int, check_real

__all__ = [
    "ACTIVATIONS",
    "ThreeLayerNet",
    "training_step",
    "training_tangent",
]

#: Hidden activations of :class:`ThreeLayerNet` (the output layer is linear).
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")


def _act(name, z):
    """Activation, first and second derivative (arrays of z's shape; scalars for constants)."""
    if name == "tanh":
        a = np.tanh(z)
        d1 = 1.0 - a * a
        return a, d1, -2.0 * a * d1
    if name == "sigmoid":
        a = 0.5 * (1.0 + np.tanh(0.5 * z))
        d1 = a * (1.0 - a)
        return a, d1, d1 * (1.0 - 2.0 * a)
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(np.float64), None
    return z, None, None  # linear


@summarized
@dataclass(frozen=True)
class ThreeLayerNet:
    """An input → hidden → output network for regression (linear outputs, MSE loss).

    Attributes
    ----------
    n_inputs, n_hidden, n_outputs : int
        Layer widths.
    activation : str
        Hidden activation, one of :data:`ACTIVATIONS`.

    Examples
    --------
    >>> import numpy as np
    >>> net = ThreeLayerNet(3, 4, 2)
    >>> net.n_params
    26
    >>> w = net.init(rng=0)
    >>> X = np.ones((5, 3)); Y = np.zeros((5, 2))
    >>> loss, g = net.loss_and_grad(w, X, Y)
    >>> bool(np.allclose(net.hvp(w, X, Y, np.eye(26)), net.hessian(w, X, Y)))
    True
    """

    n_inputs: int
    n_hidden: int
    n_outputs: int = 1
    activation: str = "tanh"

    def __post_init__(self):
        for name in ("n_inputs", "n_hidden", "n_outputs"):
            object.__setattr__(self, name, check_int(getattr(self, name), name, minimum=1))
        check_choice(self.activation, "activation", ACTIVATIONS)

    # ------------------------------------------------------------------ layout
    @property
    def n_params(self) -> int:
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        return h * d + h + o * h + o

    @property
    def _cuts(self):
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        c1 = h * d
        c2 = c1 + h
        c3 = c2 + o * h
        return c1, c2, c3

    def unpack(self, w):
        """Views ``(W1, b1, W2, b2)`` of a flat parameter vector."""
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        c1, c2, c3 = self._cuts
        return w[:c1].reshape(h, d), w[c1:c2], w[c2:c3].reshape(o, h), w[c3:]

    def init(self, rng=None, scale: float = 1.0) -> np.ndarray:
        """Random weights ``W ~ N(0, scale² / fan_in)``, zero biases."""
        rng = as_rng(rng)
        scale = check_real(scale, "scale", minimum=0.0)
        d, h, o = self.n_inputs, self.n_hidden, self.n_outputs
        w = np.zeros(self.n_params)
        W1, _, W2, _ = self.unpack(w)
        W1[...] = rng.standard_normal((h, d)) * (scale / np.sqrt(d))
        W2[...] = rng.standard_normal((o, h)) * (scale / np.sqrt(h))
        return w

    # ------------------------------------------------------------------ checks
    def check_params(self, w, name: str = "w") -> np.ndarray:
        w = check_finite_array(w, name, ndim=1)
        if w.shape != (self.n_params,):
            raise ValueError(f"{name} must have shape ({self.n_params},) for this network; "
                             f"got {w.shape}")
        return w

    def check_inputs(self, X) -> np.ndarray:
        """Validate ``X``: shape (B, n_inputs), or one sample (n_inputs,), finite."""
        X = check_finite_array(X, "X", ndim=(1, 2), allow_empty=False)
        if X.ndim == 1:
            X = X[:, None] if self.n_inputs == 1 else X[None, :]
        if X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}); got {X.shape}")
        return X

    def check_data(self, X, Y):
        """Validate ``X`` (B, n_inputs) and ``Y`` (B, n_outputs) or (B,) for one output."""
        X = self.check_inputs(X)
        Y = check_finite_array(Y, "Y", ndim=(1, 2), allow_empty=False)
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y.shape != (X.shape[0], self.n_outputs):
            raise ValueError(f"Y must have shape ({X.shape[0]}, {self.n_outputs}) to match X; "
                             f"got {Y.shape}")
        return X, Y

    # ------------------------------------------------------------------ values
    def predict(self, w, X) -> np.ndarray:
        """Network outputs ``f(X)``, shape ``(B, n_outputs)``."""
        w = self.check_params(w)
        return _forward(self, w, self.check_inputs(X))[2]

    def loss(self, w, X, Y) -> float:
        """``½ mean((f(X) − Y)²)``."""
        w = self.check_params(w)
        X, Y = self.check_data(X, Y)
        f = _forward(self, w, X)[2]
        return float(0.5 * np.mean((f - Y) ** 2))

    def loss_and_grad(self, w, X, Y):
        """The loss and its gradient (shape ``(n_params,)``)."""
        w = self.check_params(w)
        X, Y = self.check_data(X, Y)
        cache = _backward(self, w, X, Y)
        return cache.loss, cache.grad

    def hvp(self, w, X, Y, V) -> np.ndarray:
        """Exact Hessian-vector products ``H(w) @ V``, ``V`` of shape (n_params[, k])."""
        w = self.check_params(w)
        X, Y = self.check_data(X, Y)
        V = check_finite_array(V, "V", ndim=(1, 2))
        if V.shape[0] != self.n_params:
            raise ValueError(f"V must have {self.n_params} rows (one per weight); got {V.shape}")
        one = V.ndim == 1
        Vt = np.ascontiguousarray(V[None, :] if one else V.T)
        HV = _hvp_rows(self, _backward(self, w, X, Y), Vt)
        return HV[0] if one else HV.T

    def hessian(self, w, X, Y) -> np.ndarray:
        """The dense Hessian (``n_params²`` entries: small networks only)."""
        n = self.n_params
        if n > 5000:
            raise ValueError(f"hessian builds an n_params × n_params matrix; n_params = {n} "
                             "is too large (use hvp)")
        H = self.hvp(w, X, Y, np.eye(n))
        return 0.5 * (H + H.T)


# ----------------------------------------------------------------------------- kernels
class _Cache:
    """Forward/backward quantities at one point, reused by the HVP."""

    __slots__ = ("X", "Y", "W2", "z1", "a1", "d1", "d2", "f", "delta2", "g1", "loss", "grad",
                 "c", "d1f", "d2g1")


def _forward(net, w, X):
    W1, b1, W2, b2 = net.unpack(w)
    z1 = X @ W1.T
    z1 += b1
    a1, d1, d2 = _act(net.activation, z1)
    f = a1 @ W2.T
    f += b2
    return z1, (a1, d1, d2), f


def _backward(net, w, X, Y) -> _Cache:
    """Loss, gradient and the intermediate arrays (no validation)."""
    W1, b1, W2, b2 = net.unpack(w)
    z1, (a1, d1, d2), f = _forward(net, w, X)
    B = X.shape[0]
    c = 1.0 / (B * net.n_outputs)
    r = f - Y
    delta2 = c * r                                    # (B, o)
    g1 = delta2 @ W2                                  # (B, h): dL/da1
    delta1 = g1 * d1 if d1 is not None else g1        # (B, h): dL/dz1
    grad = np.empty(net.n_params)
    gW1, gb1, gW2, gb2 = net.unpack(grad)
    np.matmul(delta1.T, X, out=gW1)
    gb1[...] = delta1.sum(axis=0)
    np.matmul(delta2.T, a1, out=gW2)
    gb2[...] = delta2.sum(axis=0)
    cache = _Cache()
    cache.X, cache.Y, cache.W2 = X, Y, W2
    cache.z1, cache.a1, cache.d1, cache.d2 = z1, a1, d1, d2
    cache.f, cache.delta2, cache.g1, cache.c = f, delta2, g1, c
    cache.loss = float(0.5 * np.mean(r * r))
    cache.d1f = cache.d2g1 = None
    cache.grad = grad
    return cache


class _Work:
    """Reusable work arrays (a training run allocates its large buffers once, not per step)."""

    def __init__(self):
        self._bufs = {}

    def get(self, name, shape):
        a = self._bufs.get(name)
        if a is None or a.shape != shape:
            a = np.empty(shape)
            self._bufs[name] = a
        return a


def _hvp_rows(net, cache: _Cache, Vt: np.ndarray, work: _Work | None = None) -> np.ndarray:
    """``(H @ Vt.T).T`` for directions in the rows of ``Vt`` (shape (k, n_params)).

    R-operator, batched: ``R(z1) = X V1ᵀ`` and ``R(∂L/∂W1) = R(δ1)ᵀ X`` are one GEMM each
    over all ``k`` directions; the element-wise middle is two compiled passes
    (:mod:`esorma.training._kernels`). With ``work``, the large arrays (and the returned
    one) are ``work``'s buffers, overwritten by the next call.
    """
    from esorma.training._kernels import rpass_hidden_in, rpass_hidden_out

    work = _Work() if work is None else work
    d, h, o = net.n_inputs, net.n_hidden, net.n_outputs
    k = Vt.shape[0]
    c1, c2, c3 = net._cuts
    X, a1, W2, delta2 = cache.X, cache.a1, cache.W2, cache.delta2
    B = X.shape[0]
    if cache.d1f is None:
        cache.d1f = cache.d1 if cache.d1 is not None else np.ones_like(a1)
        cache.d2g1 = cache.g1 * cache.d2 if cache.d2 is not None else np.zeros_like(a1)
    V2 = np.ascontiguousarray(Vt[:, c2:c3]).reshape(k, o, h)
    # R(z1) = X V1^T + v1 ; R(a1) = phi'(z1) R(z1)             (one GEMM for all k)
    V1 = work.get("V1", (k * h, d))
    V1.reshape(k, h * d)[...] = Vt[:, :c1]
    Rz1 = work.get("Rz1", (B, k * h))
    np.matmul(X, V1.T, out=Rz1)
    Ra1 = work.get("Ra1", (B, k * h))
    rpass_hidden_in(Rz1.reshape(B, k, h), np.ascontiguousarray(Vt[:, c1:c2]), cache.d1f,
                    Ra1.reshape(B, k, h))
    # R(f) = R(a1) W2^T + a1 V2^T + v2 ; R(delta2) = c R(f)
    Rd2 = (Ra1.reshape(B * k, h) @ W2.T).reshape(B, k, o)
    Rd2 += (a1 @ V2.transpose(2, 0, 1).reshape(h, k * o)).reshape(B, k, o)
    Rd2 += Vt[:, c3:]
    Rd2 *= cache.c
    out = work.get("out", (k, net.n_params))
    # R(dL/dW2) = R(delta2)^T a1 + delta2^T R(a1) ; R(dL/db2) = sum_b R(delta2)
    gW2 = (Rd2.reshape(B, k * o).T @ a1).reshape(k, o, h)
    gW2 += (delta2.T @ Ra1).reshape(o, k, h).transpose(1, 0, 2)
    out[:, c2:c3] = gW2.reshape(k, o * h)
    out[:, c3:] = Rd2.sum(axis=0)
    # R(delta1) (compiled pass), then R(dL/dW1) = R(delta1)^T X   (one GEMM for all k)
    Rg1 = Ra1  # reuse the buffer: R(a1) is no longer needed
    gb1 = np.empty((k, h))
    rpass_hidden_out(Rz1.reshape(B, k, h), Rd2, cache.d1f, cache.d2g1, W2, delta2, V2,
                     Rg1.reshape(B, k, h), gb1)
    out[:, c1:c2] = gb1
    gW1 = V1  # reuse: V1 is no longer needed, same shape (k*h, d)
    np.matmul(Rg1.T, X, out=gW1)
    out[:, :c1] = gW1.reshape(k, h * d)
    return out


# ----------------------------------------------------------------------------- the training map
def _check_momentum(momentum):
    return check_real(momentum, "momentum", minimum=0.0, maximum=1.0, strict_max=True)


def _split_state(net, state, momentum, name="state"):
    n = net.n_params
    state = check_finite_array(state, name, ndim=1)
    want = 2 * n if momentum > 0 else n
    if state.shape != (want,):
        what = "concat(w, v) of 2·n_params" if momentum > 0 else "the n_params weights"
        raise ValueError(f"{name} must have shape ({want},) ({what}); got {state.shape}")
    return state


def training_step(net: ThreeLayerNet, state, X, Y, *, learning_rate: float,
                  momentum: float = 0.0) -> np.ndarray:
    """One step of (mini-batch) gradient descent on ``(X, Y)``; heavy ball if ``momentum > 0``.

    ``state`` is ``w`` (plain) or ``concat(w, v)`` (momentum: ``v' = μ v − η ∇L(w)``,
    ``w' = w + v'``).
    """
    eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    mu = _check_momentum(momentum)
    state = _split_state(net, state, mu)
    X, Y = net.check_data(X, Y)
    n = net.n_params
    g = _backward(net, state[:n], X, Y).grad
    if mu == 0:
        return state - eta * g
    v = mu * state[n:] - eta * g
    return np.concatenate([state[:n] + v, v])


def training_tangent(net: ThreeLayerNet, state, X, Y, V, *, learning_rate: float,
                     momentum: float = 0.0) -> np.ndarray:
    """The tangent map of :func:`training_step` at ``state`` applied to ``V`` (columns).

    ``M = I − η H(w)`` without momentum; with momentum ``[[I − ηH, μI], [−ηH, μI]]``.
    ``V`` has shape ``(dim,)`` or ``(dim, k)`` with ``dim`` the state's length.
    """
    eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    mu = _check_momentum(momentum)
    state = _split_state(net, state, mu)
    X, Y = net.check_data(X, Y)
    V = check_finite_array(V, "V", ndim=(1, 2))
    if V.shape[0] != state.shape[0]:
        raise ValueError(f"V must have {state.shape[0]} rows (the state's length); got {V.shape}")
    one = V.ndim == 1
    Vt = np.ascontiguousarray(V[None, :] if one else V.T)
    cache = _backward(net, state[:net.n_params], X, Y)
    out = _tangent_rows(net, cache, Vt, eta, mu)
    return out[0] if one else out.T


def _tangent_rows(net, cache, Vt, eta, mu, work=None):
    """Tangent map applied to the rows of ``Vt`` (no validation; see :func:`_hvp_rows`)."""
    n = net.n_params
    if mu == 0:
        HV = _hvp_rows(net, cache, Vt, work)
        HV *= -eta
        HV += Vt
        return HV
    dw, dv = Vt[:, :n], Vt[:, n:]
    HV = _hvp_rows(net, cache, np.ascontiguousarray(dw), work)
    out = np.empty_like(Vt)
    new_dv = out[:, n:]
    np.multiply(dv, mu, out=new_dv)
    new_dv -= eta * HV
    np.add(dw, new_dv, out=out[:, :n])
    return out

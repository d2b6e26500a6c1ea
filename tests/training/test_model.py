"""Exact gradients, batched Hessian-vector products and the tangent map of a training step."""

import numpy as np
import pytest

from esorma.training import ACTIVATIONS, ThreeLayerNet, training_step, training_tangent


def _setup(activation, seed=0, d=3, h=5, o=2, B=7):
    rng = np.random.default_rng(seed)
    net = ThreeLayerNet(d, h, o, activation)
    w = net.init(rng) + 0.2 * rng.standard_normal(net.n_params)
    X = rng.standard_normal((B, d))
    Y = rng.standard_normal((B, o))
    return net, w, X, Y, rng


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_matches_central_differences(activation):
    net, w, X, Y, _ = _setup(activation)
    loss, g = net.loss_and_grad(w, X, Y)
    eps = 1e-6
    fd = np.array([(net.loss(w + eps * e, X, Y) - net.loss(w - eps * e, X, Y)) / (2 * eps)
                   for e in np.eye(net.n_params)])
    np.testing.assert_allclose(g, fd, atol=1e-8)
    f = net.predict(w, X)
    assert loss == pytest.approx(0.5 * np.mean((f - Y) ** 2), rel=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batched_hvp_matches_differences_of_the_gradient(activation):
    net, w, X, Y, rng = _setup(activation, seed=1)
    V = rng.standard_normal((net.n_params, 4))
    HV = net.hvp(w, X, Y, V)
    eps = 1e-6
    fd = np.stack([(net.loss_and_grad(w + eps * v, X, Y)[1]
                    - net.loss_and_grad(w - eps * v, X, Y)[1]) / (2 * eps) for v in V.T], 1)
    np.testing.assert_allclose(HV, fd, atol=1e-7)
    # one column at a time gives the same products, and the Hessian is symmetric
    for j in range(4):
        np.testing.assert_allclose(net.hvp(w, X, Y, V[:, j]), HV[:, j], rtol=1e-12, atol=1e-14)
    H = net.hvp(w, X, Y, np.eye(net.n_params))
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def _fd_tangent(net, s, X, Y, V, eta, mu, eps=1e-6):
    return np.stack([
        (training_step(net, s + eps * v, X, Y, learning_rate=eta, momentum=mu)
         - training_step(net, s - eps * v, X, Y, learning_rate=eta, momentum=mu)) / (2 * eps)
        for v in V.T], 1)


@pytest.mark.parametrize("mu", [0.0, 0.9])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_tangent_map_matches_finite_differences_of_the_training_map(activation, mu):
    net, w, X, Y, rng = _setup(activation, seed=2)
    s = w if mu == 0 else np.concatenate([w, 0.1 * rng.standard_normal(net.n_params)])
    V = rng.standard_normal((s.size, 3))
    MV = training_tangent(net, s, X, Y, V, learning_rate=0.3, momentum=mu)
    np.testing.assert_allclose(MV, _fd_tangent(net, s, X, Y, V, 0.3, mu), atol=1e-8)


def test_gradient_descent_tangent_is_identity_minus_eta_hessian():
    net, w, X, Y, _ = _setup("sigmoid", seed=3)
    eta = 0.7
    M = training_tangent(net, w, X, Y, np.eye(net.n_params), learning_rate=eta)
    np.testing.assert_allclose(M, np.eye(net.n_params) - eta * net.hessian(w, X, Y), atol=1e-12)


def test_mini_batch_tangent_uses_the_batch_hessian():
    net, w, X, Y, rng = _setup("tanh", seed=4, B=12)
    idx = np.array([1, 5, 7])
    V = rng.standard_normal((net.n_params, 2))
    MV = training_tangent(net, w, X[idx], Y[idx], V, learning_rate=0.5)
    np.testing.assert_allclose(MV, V - 0.5 * net.hvp(w, X[idx], Y[idx], V), atol=1e-13)
    full = training_tangent(net, w, X, Y, V, learning_rate=0.5)
    assert not np.allclose(MV, full)


def test_bad_input_is_refused_with_the_argument_named():
    net, w, X, Y, _ = _setup("tanh")
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        net.loss(w, bad, Y)
    with pytest.raises(ValueError, match="w must have shape"):
        net.loss(w[:-1], X, Y)
    with pytest.raises(ValueError, match="activation"):
        ThreeLayerNet(2, 3, activation="softsign")
    with pytest.raises(ValueError, match="state must have shape"):
        training_step(net, w, X, Y, learning_rate=0.1, momentum=0.5)
    with pytest.raises(ValueError, match="learning_rate"):
        training_step(net, w, X, Y, learning_rate=-1.0)

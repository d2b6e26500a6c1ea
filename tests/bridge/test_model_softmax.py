"""Softmax outputs, their linear-regime rule, and Adam (esorma.bridge.model, .training)."""

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.model import _hvp, _loss_grad


def _fd(f, th, eps=1e-6):
    return np.array([(f(th + eps * e) - f(th - eps * e)) / (2 * eps) for e in np.eye(th.size)])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_softmax_gradient_and_hvp_match_finite_differences(activation):
    t = B.gaussian_clusters(30, n_clusters=3, n_classes=3, rng=0)
    net = B.init_mlp((2, 3, 3), activation, rng=1, output="softmax")
    th, y = net.params, t.y.astype(float)
    def loss(p):
        return _loss_grad(p, net.shapes, activation, t.X, y, output="softmax")[0]

    def grad(p):
        return _loss_grad(p, net.shapes, activation, t.X, y, output="softmax")[1]

    np.testing.assert_allclose(grad(th), _fd(loss, th), atol=1e-8)
    H = _hvp(th, net.shapes, activation, t.X, y, np.eye(th.size), "softmax")
    np.testing.assert_allclose(H, _fd(grad, th), atol=1e-7)


def test_two_class_softmax_equals_sigmoid_of_the_logit_difference():
    # softmax over (0, z) is sigmoid(z): same loss as a one-output sigmoid net with those weights
    rng = np.random.default_rng(2)
    W1, b1 = rng.standard_normal((3, 2)), rng.standard_normal(3)
    w, c = rng.standard_normal((1, 3)), rng.standard_normal(1)
    sig = B.mlp_from_weights([(W1, b1), (w, c)])
    soft = B.mlp_from_weights([(W1, b1), (np.vstack([0 * w, w]), np.r_[0.0, c])],
                              output="softmax")
    t = B.xor_task()
    ls, _ = B.loss_and_grad(sig, t.X, t.y)
    lm, _ = B.loss_and_grad(soft, t.X, t.y)  # class indices accepted for softmax
    assert lm == pytest.approx(ls, rel=1e-12)
    np.testing.assert_array_equal(soft.predict(t.X)[:, 1], sig.predict(t.X)[:, 0])


def test_softmax_phase_rule_on_known_logits():
    # equal logits: linear, error 0; one huge logit: saturated
    assert B.softmax_phase(np.zeros((5, 4))).phase == "linear"
    assert B.softmax_phase(np.zeros((5, 4))).linearisation_error.max() == 0.0
    assert B.softmax_phase(np.array([[10.0, 0, 0, 0]] * 5)).phase == "saturated"
    assert B.softmax_phase(np.array([[1.5, 0, 0]] * 5)).phase == "hybrid"  # gap 1.5, p_max 0.6
    # the documented tolerance: at the threshold gap the linearisation error is <= ~0.1
    rng = np.random.default_rng(0)
    for K, gap in [(2, 1.0), (3, 0.2), (10, 0.2)]:
        z = rng.standard_normal((2000, K))
        z = z / np.ptp(z, axis=1, keepdims=True) * gap * (1 - 1e-9)
        r = B.softmax_phase(z)
        assert r.linear_fraction == 1.0
        assert r.linearisation_error.max() <= 0.11
    # two classes: error = gap^2 / 12 to leading order
    r = B.softmax_phase(np.array([[0.0, 0.3]]))
    assert r.linearisation_error[0] == pytest.approx(0.3**2 / 12, rel=0.02)
    with pytest.raises(ValueError, match="logits"):
        B.softmax_phase(np.zeros((3, 1)))


def test_softmax_training_reaches_zero_error_and_roundtrips(roundtrip):
    t = B.gaussian_clusters(60, n_clusters=3, n_classes=3, rng=0)
    res = B.train_mlp(t, hidden=(5,), output="softmax", n_epochs=1500, learning_rate=2.0,
                      rng=0)
    assert res.network.output == "softmax" and res.network.n_outputs == 3
    assert res.history.error[-1] == 0.0
    assert B.softmax_phase(res.network.logits(t.X)).phase == "saturated"
    assert B.softmax_phase(B.init_mlp((2, 5, 3), init_scale=1e-3, rng=0,
                                      output="softmax").logits(t.X)).phase == "linear"
    back = roundtrip(res)
    assert back.network.output == "softmax"


def test_adam_matches_its_update_rule_and_learns_xor():
    t = B.xor_task()
    net = B.init_mlp((2, 2, 1), rng=3)
    res = B.train_mlp(t, init=net, optimizer="adam", n_epochs=2, learning_rate=0.1)
    _, g0 = B.loss_and_grad(net, t.X, t.y)
    # first Adam step with bias correction: -lr * g / (|g| + eps) = -lr * sign(g)
    step = res.history.params[1] - res.history.params[0]
    np.testing.assert_allclose(step, -0.1 * g0 / (np.abs(g0) + 1e-8), rtol=1e-9)
    res = B.train_mlp(t, hidden=(3,), optimizer="adam", n_epochs=1000, learning_rate=0.05,
                      rng=0)
    assert res.history.error[-1] == 0.0

"""The model and its training: tasks, exact derivatives, training runs, phases (esorma.bridge)."""

import inspect

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.model import _hvp, _loss_grad


# ----------------------------------------------------------------------------- tasks
def test_tasks_match_their_definitions():
    assert B.xor_task().y.tolist() == [0, 1, 1, 0]
    mux = B.multiplexer_task()
    X, y = mux.X, mux.y
    addr = 2 * X[:, 0] + X[:, 1]
    np.testing.assert_array_equal(y, X[np.arange(64), 2 + addr])
    par = B.parity_task(4)
    np.testing.assert_array_equal(par.y, par.X.sum(1) % 2)
    maj = B.majority_task(5)
    np.testing.assert_array_equal(maj.y, (maj.X.sum(1) >= 3).astype(np.uint8))
    sp = B.sparse_parity_task(6, 3, rng=4)
    rel = sp.params["relevant"]
    np.testing.assert_array_equal(sp.y, sp.X[:, rel].sum(1) % 2)
    dnf = B.random_dnf_task(6, 3, 2, rng=4)
    assert 0 < dnf.balance < 1
    # same seed, same task
    assert B.random_dnf_task(6, 3, 2, rng=4).params == dnf.params
    with pytest.raises(ValueError, match="odd"):
        B.majority_task(4)
    with pytest.raises(ValueError, match="name must be one of"):
        B.make_task("nand")
    with pytest.raises(ValueError, match="n_inputs must be <= 20"):
        B.parity_task(21)

# ----------------------------------------------------------------------------- derivatives
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_gradient_and_exact_hvp_match_finite_differences(activation):
    rng = np.random.default_rng(1)
    task = B.multiplexer_task()
    net = B.init_mlp((6, 5, 3, 1), activation, rng=1)
    # random biases keep ReLU pre-activations away from their kink
    net = net.with_params(net.params + 0.3 * rng.standard_normal(net.n_params))
    th = net.params
    X, y = task.X.astype(float), task.y[:, None].astype(float)
    V = rng.standard_normal((th.size, 3))
    H = _hvp(th, net.shapes, activation, X, y, V)
    eps = 1e-5
    fd = np.stack([
        (_loss_grad(th + eps * V[:, j], net.shapes, activation, X, y)[1]
         - _loss_grad(th - eps * V[:, j], net.shapes, activation, X, y)[1]) / (2 * eps)
        for j in range(3)], axis=1)
    np.testing.assert_allclose(H, fd, atol=1e-7, rtol=1e-5)
    loss, g = B.loss_and_grad(net, task.X, task.y)
    e = rng.standard_normal(th.size)
    fd_dir = (B.loss_and_grad(net, task.X, task.y, th + eps * e)[0]
              - B.loss_and_grad(net, task.X, task.y, th - eps * e)[0]) / (2 * eps)
    assert g @ e == pytest.approx(fd_dir, rel=1e-6, abs=1e-9)
    # the Hessian from HVPs is symmetric
    Hf = B.hessian_vector_product(net, task.X, task.y, np.eye(th.size))
    np.testing.assert_allclose(Hf, Hf.T, atol=1e-12)
    # JVP of the logits
    z, dz = B.logits_jvp(net, task.X, e)
    zp = net.with_params(th + eps * e).logits(task.X)
    zm = net.with_params(th - eps * e).logits(task.X)
    np.testing.assert_allclose(dz, (zp - zm) / (2 * eps), atol=1e-7)

def test_weights_from_elsewhere_and_bad_shapes():
    W1 = np.array([[1.0, -2.0], [0.5, 0.5]])
    b1 = np.array([0.1, -0.2])
    W2 = np.array([[3.0, -1.0]])
    b2 = np.array([0.3])
    net = B.mlp_from_weights([(W1, b1), (W2, b2)], "tanh")
    X = np.array([[0, 1], [1, 1.0]])
    z = np.tanh(X @ W1.T + b1) @ W2.T + b2
    np.testing.assert_allclose(net.logits(X), z)
    with pytest.raises(ValueError, match="must have 2 columns"):
        B.mlp_from_weights([(W1, b1), (np.ones((1, 3)), b2)])
    with pytest.raises(ValueError, match="b must have shape"):
        B.mlp_from_weights([(W1, np.ones(3))])
    with pytest.raises(ValueError, match="finite"):
        B.mlp_from_weights([(np.array([[np.nan, 1.0]]), np.zeros(1))])
    with pytest.raises(ValueError, match="activation"):
        B.mlp_from_weights([(W1, b1)], "softsign")
    with pytest.raises(ValueError, match="shape"):
        net.predict(np.ones((3, 5)))
    with pytest.raises(ValueError, match="learning_rate"):
        B.train_mlp(B.xor_task(), learning_rate=-1.0)
    with pytest.raises(ValueError, match="n_epochs"):
        B.train_mlp(B.xor_task(), n_epochs=-1)

# ----------------------------------------------------------------------------- training
def test_training_is_reproducible_and_newton_trains():
    t = B.xor_task()
    a = B.train_mlp(t, hidden=(3,), n_epochs=200, learning_rate=2.0, batch_size=2, rng=5)
    b = B.train_mlp(t, hidden=(3,), n_epochs=200, learning_rate=2.0, batch_size=2, rng=5)
    c = B.train_mlp(t, hidden=(3,), n_epochs=200, learning_rate=2.0, batch_size=2, rng=6)
    np.testing.assert_array_equal(a.history.params, b.history.params)
    assert not np.array_equal(a.history.params, c.history.params)
    newton = B.train_mlp(t, hidden=(3,), n_epochs=40, learning_rate=1.0, optimizer="newton", rng=1)
    assert newton.zero_error
    assert np.all(np.diff(newton.history.loss) <= 1e-12)  # LM steps never raise the loss

def test_train_mlp_bad_stop_on():
    with pytest.raises(ValueError, match="stop_on"):
        B.train_mlp(B.xor_task(), stop_on="never")
    with pytest.raises(ValueError, match="batch_size"):
        B.train_mlp(B.xor_task(), batch_size=9)

# ----------------------------------------------------------------------------- phases
def test_tiny_initialisation_xor_is_not_called_saturated():
    res = B.train_mlp(B.xor_task(), hidden=(3,), n_epochs=2000, learning_rate=2.0, init_scale=1e-3,
                      record_every=10, rng=1)
    d = B.phase_diagnostics(res, lyapunov=False)
    lab = B.classify_phases(d)
    assert not res.zero_error  # stuck at the symmetric saddle
    assert np.all(lab.codes != 2) and lab.final != "saturated"
    assert np.nanmax(d.saturated_fraction) < 0.05

def test_phases_of_a_normal_xor_run():
    res = B.train_mlp(B.xor_task(), hidden=(3,), n_epochs=1500, learning_rate=2.0, rng=1)
    d = B.phase_diagnostics(res, lyapunov=False)
    lab = B.classify_phases(d)
    assert lab.labels[0] == "linear" and lab.final == "saturated"
    assert lab.first_epoch("linear") == 0
    assert lab.first_epoch("saturated") > lab.first_epoch("hybrid")
    assert d.relative_change[0] == 0.0 and d.relative_change[-1] > 1.0
    finite = d.sign_flip_rate[np.isfinite(d.sign_flip_rate)]
    assert np.all((finite >= 0) & (finite <= 1))
    assert np.allclose(d.histograms.sum(axis=1), 1.0)
    with pytest.raises(TypeError, match="PhaseDiagnostics"):
        B.classify_phases(res)
    with pytest.raises(ValueError, match="linear_saturation"):
        B.classify_phases(d, saturated=0.3, linear_saturation=0.6)
    with pytest.raises(ValueError, match="margin"):
        B.phase_diagnostics(res, margin=0.7)

def test_linearisation_error_is_small_for_tiny_steps():
    res = B.train_mlp(B.multiplexer_task(), hidden=(4,), n_epochs=20, learning_rate=1e-3, rng=3)
    d = B.phase_diagnostics(res, lyapunov=False)
    assert np.max(d.linearisation_error) < 1e-2  # second order in the distance moved

def test_gd_lyapunov_at_a_fixed_point_equals_log_of_tangent_spectrum():
    # single-layer network on XOR: theta = 0 is a fixed point of gradient descent (symmetry);
    # the FTLE there is log max |1 - eta mu| over the Hessian eigenvalues mu
    task = B.xor_task()
    res = B.train_mlp(task, hidden=(), n_epochs=0, learning_rate=3.0, init_scale=0.0, rng=0)
    theta0 = np.zeros(res.network.n_params)
    H = B.hessian_vector_product(res.network, task.X, task.y, np.eye(theta0.size), theta=theta0)
    expected = np.log(np.max(np.abs(1.0 - 3.0 * np.linalg.eigvalsh(H))))
    ly = B.gd_lyapunov(res, theta0, 200, n_transient=400, rng=0)
    # after the transient the tangent vector is aligned with the top eigenvector
    assert ly.exponents[0] == pytest.approx(expected, abs=1e-8)
    short = B.gd_lyapunov(res, theta0, 200, rng=0)  # finite-time: O(1/n_steps) off
    assert abs(short.exponents[0] - expected) < 0.02

def test_lyapunov_windows_in_diagnostics():
    res = B.train_mlp(B.xor_task(), hidden=(3,), n_epochs=200, learning_rate=2.0, rng=1)
    d = B.phase_diagnostics(res, lyapunov_window=20, n_lyapunov_windows=4, rng=0)
    assert d.lyapunov_values.shape == (4,) and np.all(np.isfinite(d.lyapunov_values))
    assert np.all(np.isfinite(d.lyapunov))

def test_phase_diagnostics_rng_defaults_to_none():
    assert inspect.signature(B.phase_diagnostics).parameters["rng"].default is None
    res = B.train_mlp(B.xor_task(), hidden=(3,), n_epochs=40, learning_rate=2.0, rng=1)
    kw = dict(lyapunov_window=10, n_lyapunov_windows=2)
    a = B.phase_diagnostics(res, rng=3, **kw)
    b = B.phase_diagnostics(res, rng=3, **kw)
    assert np.array_equal(a.lyapunov_values, b.lyapunov_values)  # seeded: reproducible
    c = B.phase_diagnostics(res, **kw)
    d = B.phase_diagnostics(res, **kw)
    # rng=None: fresh random initial tangent vectors, so finite-time values differ slightly
    assert not np.array_equal(c.lyapunov_values, d.lyapunov_values)
    assert np.allclose(c.lyapunov_values, d.lyapunov_values, atol=0.5)

def test_diagnostics_of_snapshots_from_elsewhere_match_native_run():
    res = B.train_mlp(B.xor_task(), hidden=(3,), n_epochs=300, learning_rate=2.0,
                      record_every=10, rng=1)
    snaps = [res.network.with_params(p).layers for p in res.history.params]
    ext = B.result_from_snapshots(snaps, B.xor_task(), learning_rate=2.0,
                                  snapshot_epochs=res.history.epochs)
    np.testing.assert_allclose(ext.history.loss, res.history.loss, rtol=1e-12)
    d1 = B.phase_diagnostics(res, lyapunov=False)
    d2 = B.phase_diagnostics(ext, lyapunov=False)
    np.testing.assert_allclose(d1.saturated_fraction, d2.saturated_fraction)
    np.testing.assert_allclose(d1.linearisation_error, d2.linearisation_error)
    with pytest.raises(ValueError, match="expected"):
        B.result_from_snapshots([snaps[0], [(np.ones((2, 2)), np.zeros(2)),
                                            (np.ones((1, 2)), np.zeros(1))]], B.xor_task())


# ----------------------------------------------------------------------------- divergence
def test_divergent_training_warns_and_is_flagged(roundtrip):
    """learning_rate = 1e6 sends the XOR loss from 0.75 to ~3.6e5: a warning and a flag."""
    from esorma.errors import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="diverged.*lower learning_rate"):
        res = B.train_mlp(B.xor_task(), hidden=(4,), learning_rate=1e6, n_epochs=200, rng=0)
    assert res.diverged is True
    assert res.history.loss[-1] > 10 * max(res.history.loss[0], np.log(2))
    back = roundtrip(res)
    assert back.diverged is True


def test_converging_training_is_not_flagged(recwarn):
    from esorma.errors import ConvergenceWarning

    res = B.train_mlp(B.xor_task(), hidden=(4,), learning_rate=10.0, n_epochs=300, rng=0)
    # a transient loss of ~2.5 on the way down is not divergence: only the end counts
    assert res.history.loss.max() > 2 and res.zero_error
    assert res.diverged is False
    assert not [w for w in recwarn if issubclass(w.category, ConvergenceWarning)]


def test_snapshots_that_diverge_are_flagged():
    from esorma.errors import ConvergenceWarning

    t = B.xor_task()
    snaps = [[(np.full((2, 2), s), np.zeros(2)), (np.full((1, 2), s), np.zeros(1))]
             for s in (0.1, 50.0, 500.0)]
    with pytest.warns(ConvergenceWarning, match="result_from_snapshots"):
        res = B.result_from_snapshots(snaps, t)
    assert res.diverged


def test_training_inputs_masked_or_non_finite_refused_by_name():
    t = B.xor_task()
    with pytest.raises(TypeError, match="y must be a plain array"):
        B.train_mlp(t.X, np.ma.array(t.y), n_epochs=1)
    with pytest.raises(ValueError, match="y must be finite"):
        B.train_mlp(t.X, np.where(t.y == 1, np.nan, 0.0), n_epochs=1)
    net = B.init_mlp((2, 2, 1), rng=0)
    with pytest.raises(ValueError, match="theta must be finite"):
        net.with_params(np.full(net.n_params, np.inf))
    with pytest.raises(TypeError, match="X must be a real numeric array"):
        net.forward(t.X.astype(complex))

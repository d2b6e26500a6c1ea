"""Training runs with Lyapunov exponents, CLV statistics and Hessian extremes."""

import numpy as np
import pytest

from esorma.errors import DivergenceError
from esorma.training import (
    RegressionTask,
    ThreeLayerNet,
    boolean_task,
    hessian_extremes,
    lyapunov_windows,
    teacher_task,
    train_network,
    training_step,
    training_tangent,
)


@pytest.fixture(scope="module")
def task():
    return teacher_task(3, 24, n_hidden=4, rng=0)


def test_sum_of_all_exponents_is_the_log_determinant_of_the_tangent_map(task):
    # k = n_params: the log stretches of one step add up to log|det(I - eta H(w_t))|, exactly.
    eta = 0.4
    run = train_network(task, n_hidden=3, learning_rate=eta, n_steps=30, k=16, window=10,
                        rng=2)
    assert run.n_params == 16
    net = ThreeLayerNet(3, 3, 1, "tanh")
    w = net.init(np.random.default_rng(2).spawn(4)[0])
    logdet = []
    for _ in range(30):
        M = np.eye(16) - eta * net.hessian(w, task.X, task.Y)
        logdet.append(np.linalg.slogdet(M)[1])
        w = training_step(net, w, task.X, task.Y, learning_rate=eta)
    np.testing.assert_allclose(run.ftle.sum(axis=1), np.reshape(logdet, (3, 10)).mean(axis=1),
                               atol=1e-10)
    np.testing.assert_allclose(run.w_final, w, atol=1e-12)


@pytest.mark.parametrize("momentum,batch_size", [(0.0, None), (0.8, None), (0.0, 6)])
def test_training_exponents_match_the_generic_map_machinery(task, momentum, batch_size):
    # The generic QR engine driven by training_step / training_tangent gives the same FTLEs.
    run = train_network(task, n_hidden=4, learning_rate=0.2, momentum=momentum,
                        batch_size=batch_size, n_steps=60, k=3, window=20, rng=7)
    net = ThreeLayerNet(3, 4, 1, "tanh")
    r_init, r_batch, r_tan, _ = np.random.default_rng(7).spawn(4)
    w = net.init(r_init)
    dim = net.n_params * (2 if momentum else 1)
    x0 = np.concatenate([w, np.zeros(net.n_params)]) if momentum else w
    Q0, _ = np.linalg.qr(r_tan.standard_normal((dim, 3)))
    perm, clock = None, [0]
    batches = []
    for epoch in range(60 // 4 + 1):
        perm = r_batch.permutation(24)
        batches += [perm[j * 6:(j + 1) * 6] for j in range(4)]

    def data():
        if batch_size is None:
            return task.X, task.Y
        idx = batches[clock[0]]
        return task.X[idx], task.Y[idx]

    def jvp(x, V):
        X, Y = data()
        return training_tangent(net, x, X, Y, V, learning_rate=0.2, momentum=momentum)

    def step(x):
        X, Y = data()
        clock[0] += 1
        return training_step(net, x, X, Y, learning_rate=0.2, momentum=momentum)

    ref = lyapunov_windows(step, jvp, x0, 60, k=3, window=20, Q0=Q0)
    np.testing.assert_allclose(run.ftle, ref.ftle, atol=1e-10)
    np.testing.assert_allclose(run.w_final, ref.x_final[:net.n_params], atol=1e-10)


def test_converged_run_has_exponents_log_abs_one_minus_eta_lambda():
    # Near a minimum w*, the training map is I - eta H(w*): all exponents of a late window are
    # log|1 - eta lambda_i| (small net, linear activation: a convex-enough landscape).
    task = teacher_task(2, 16, n_hidden=2, activation="linear", rng=3)
    eta = 0.5
    run = train_network(task, n_hidden=1, activation="linear", learning_rate=eta,
                        n_steps=3000, k=5, window=500, rng=4)
    net = ThreeLayerNet(2, 1, 1, "linear")
    lam = np.linalg.eigvalsh(net.hessian(run.w_final, task.X, task.Y))
    expected = np.sort(np.log(np.abs(1 - eta * lam)))[::-1]
    np.testing.assert_allclose(run.ftle[-1], expected, atol=2e-3)


def test_diverging_learning_rate_is_recorded_not_dropped(task):
    run = train_network(task, n_hidden=4, learning_rate=40.0, n_steps=100, k=2, window=10,
                        rng=1)
    assert run.diverged and 0 < run.diverged_step < 100
    assert np.isnan(run.final_loss) and np.isnan(run.loss[run.diverged_step:]).all()
    assert np.isfinite(run.loss[:run.diverged_step]).all()
    assert run.loss.shape == (101,) and run.ftle.shape == (10, 2)
    assert np.isnan(run.exponents).all()
    with pytest.raises(DivergenceError, match="diverged at step"):
        train_network(task, n_hidden=4, learning_rate=40.0, n_steps=100, k=2, window=10,
                      rng=1, on_divergence="raise")


def test_bad_input_is_refused(task):
    with pytest.raises(ValueError, match="k must be <= the dimension of the training map"):
        train_network(task, n_hidden=2, n_steps=10, k=12, window=5)  # 3*2+2+2+1 = 11 weights
    train_network(task, n_hidden=2, momentum=0.5, n_steps=10, k=12, window=5)  # dim 22: fine
    bad = RegressionTask("bad", task.X.copy(), task.Y.copy())
    bad.X[3, 1] = np.inf
    with pytest.raises(ValueError, match="task.X must be finite"):
        train_network(bad, n_steps=10, window=5)
    with pytest.raises(ValueError, match="window"):
        train_network(task, n_steps=10, window=20)


def test_clv_statistics_and_hessian_extremes(task):
    run = train_network(task, n_hidden=4, learning_rate=0.3, n_steps=200, k=3, window=40,
                        clv=True, clv_backward=50, hessian_every=50, rng=5)
    assert run.hessian_steps.tolist() == [0, 50, 100, 150, 200]
    assert np.all(run.hessian_max >= run.hessian_min)
    assert np.all(run.hessian_max > 0)
    # the last window start (160) is within clv_backward = 50 of the end: NaN, others finite
    assert np.isfinite(run.clv_angle_12[:4]).all() and np.isnan(run.clv_angle_12[4])
    for a in (run.clv_angle_12, run.clv_min_angle):
        assert np.all((a[:4] >= 0) & (a[:4] <= np.pi / 2 + 1e-12))
    assert np.all(run.clv_min_angle[:4] <= run.clv_angle_12[:4] + 1e-12)
    for a in (run.clv1_grad_alignment, run.clv1_hessian_alignment):
        assert np.all((a[:4] >= 0) & (a[:4] <= 1 + 1e-12))
    net = ThreeLayerNet(3, 4)
    lam = np.linalg.eigvalsh(net.hessian(run.w_final, task.X, task.Y))
    assert run.hessian_max[-1] == pytest.approx(lam[-1], rel=1e-9)
    assert run.hessian_min[-1] == pytest.approx(lam[0], rel=1e-9)


def test_lanczos_hessian_extremes_match_dense_eigenvalues():
    net = ThreeLayerNet(5, 40, 1, "tanh")  # 281 weights: the eigsh path
    rng = np.random.default_rng(8)
    X, Y = rng.standard_normal((50, 5)), rng.standard_normal((50, 1))
    w = net.init(rng)
    lmax, lmin, v = hessian_extremes(net, w, X, Y, rng=0)
    H = net.hessian(w, X, Y)
    lam = np.linalg.eigvalsh(H)
    assert lmax == pytest.approx(lam[-1], rel=1e-6) and lmin == pytest.approx(lam[0], abs=1e-6)
    np.testing.assert_allclose(H @ v, lmax * v, atol=1e-5)


def test_boolean_task_learns_and_same_seed_same_run():
    task = boolean_task("xor")
    kw = dict(n_hidden=4, learning_rate=0.5, batch_size=2, n_steps=400, k=2, window=100, rng=3)
    a, b = train_network(task, **kw), train_network(task, **kw)
    np.testing.assert_array_equal(a.ftle, b.ftle)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.final_loss < 0.5 * a.loss[0] and a.batch_size == 2 and a.seed == 3


def test_trajectory_round_trips(roundtrip, task):
    run = train_network(task, n_hidden=3, n_steps=40, k=2, window=10, clv=True,
                        hessian_every=20, rng=0)
    back = roundtrip(run)
    assert back.final_loss == run.final_loss
    roundtrip(task)

"""The power-iteration network: exact gradients, exact linear solutions, training outcomes."""

import numpy as np
import pytest

from esorma.bridge import (
    CANDIDATES,
    PowerIterationStudy,
    correlation_objective,
    detect_oscillation,
    init_residual_net,
    linear_part,
    linear_solutions,
    power_iteration_study,
    random_orthogonal,
    residual_net_vjp,
)


def _rough_net(seed=0, h=5, w=6, k=3):
    """A network with residual weights far from zero (the gradient check must see them)."""
    rng = np.random.default_rng(seed)
    net = init_residual_net(h, w, k, rng=rng)
    theta = net.params + 0.5 * rng.standard_normal(net.n_params)
    return net.with_params(theta)


def _fd_grad(f, theta, eps=1e-6):
    g = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = eps
        g[i] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return g


def test_vjp_matches_central_finite_differences():
    net = _rough_net()
    rng = np.random.default_rng(1)
    X = rng.standard_normal((7, net.n_inputs))
    cot = rng.standard_normal(7)
    out, g = residual_net_vjp(net, X, cot)
    np.testing.assert_allclose(out, net(X))
    fd = _fd_grad(lambda th: float(cot @ net.with_params(th)(X)), net.params)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_correlation_gradient_matches_finite_differences():
    net = _rough_net(2)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((9, net.n_inputs))
    y = rng.standard_normal(9)
    rho2, g = correlation_objective(net, X, y)
    assert 0.0 <= rho2 <= 1.0
    fd = _fd_grad(lambda th: correlation_objective(net.with_params(th), X, y)[0], net.params)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-9)


def test_residual_blocks_start_as_the_identity():
    net = init_residual_net(20, 40, 3, residual_scale=0.0, rng=0)
    X = random_orthogonal(20, rng=1)[:5]
    u0 = np.arctan(X @ net.w_in.T)
    np.testing.assert_allclose(net(X), u0 @ net.w_out)


def test_orthogonal_maps_and_the_haar_sign_correction():
    Q = random_orthogonal(6, rng=5)
    H = random_orthogonal(6, method="haar", rng=5)
    np.testing.assert_allclose(Q @ Q.T, np.eye(6), atol=1e-12)
    # the Haar matrix is the same Q with columns re-signed by sign(diag R)
    np.testing.assert_allclose(np.abs(Q), np.abs(H), atol=1e-12)


def test_linear_solutions_are_eigenvectors_and_solve_the_equation():
    rng = np.random.default_rng(4)
    A, B = random_orthogonal(8, rng=rng), random_orthogonal(8, rng=rng)
    sol = linear_solutions(A, B)
    lam = sol.eigenvalues
    assert np.all(np.diff(np.abs(lam)) <= 1e-12)
    X = rng.standard_normal((10, 8))
    for i in range(8):
        if sol.is_real(i):
            v = sol.subspace(i)[:, 0]
            # f(x) = v.x satisfies f(Ax) + f(Bx) = lambda f(x) exactly
            np.testing.assert_allclose(X @ A.T @ v + X @ B.T @ v, lam[i].real * (X @ v),
                                       atol=1e-10)
        else:  # the plane of a complex pair is invariant
            S = sol.subspace(i)
            MS = sol.matrix @ S
            np.testing.assert_allclose(S @ (S.T @ MS), MS, atol=1e-10)
    assert sol.eigenvalues[sol.largest_real_part].real == pytest.approx(lam.real.max())


def test_linear_part_of_an_affine_function_is_exact():
    X = np.random.default_rng(0).standard_normal((40, 4))
    a, b, r2 = linear_part(X @ [1.0, 0.0, -1.0, 2.0] + 0.5, X)
    np.testing.assert_allclose(a, [1.0, 0.0, -1.0, 2.0], atol=1e-12)
    assert b == pytest.approx(0.5) and r2 == pytest.approx(1.0)


def test_detect_oscillation_tells_convergence_from_switching():
    rng = np.random.default_rng(0)
    f, g = rng.standard_normal(100), rng.standard_normal(100)
    still = detect_oscillation([f + 0.01 * rng.standard_normal(100) for _ in range(12)])
    assert still.converged and not still.oscillating and still.n_states == 1
    # a sign change is the same solution
    assert detect_oscillation([f, -f, f, -f]).n_states == 1
    hop = detect_oscillation([f, f, g, g, f, f, g, g, f], start=1)
    assert hop.oscillating and hop.n_states == 2 and hop.n_returns == 3 and not hop.converged
    assert hop.labels[0] == -1


def test_training_converges_to_an_extreme_real_part_eigenvector():
    # seed 2: both extreme-real-part eigenvalues of A^T + B^T are real
    st = power_iteration_study(n_iterations=1500, n_records=16, n_eval=300, rng=2)
    sol = st.solutions
    j = CANDIDATES.index(st.matched)
    assert st.matched in ("largest_real_part", "smallest_real_part")
    assert st.alignment[-1, j] > 0.99
    target = sol.eigenvalues[getattr(sol, st.matched)]
    assert abs(target.imag) < 1e-9
    assert st.final_lambda == pytest.approx(target.real, abs=0.03)
    assert st.eval_rho2[-1] > 0.99 and st.linear_fraction[-1] > 0.99
    # the residual blocks have grown from ~1e-3 into nearly rank-one, nearly equal matrices
    assert np.all(st.residual_stable_rank[-1] < 2.0)
    assert np.all(st.residual_overlap_right[-1] > 0.9)


def test_study_is_reproducible_and_round_trips(roundtrip):
    kw = dict(n_inputs=6, width=8, n_blocks=2, n_iterations=200, n_eval=40, n_records=5)
    a = power_iteration_study(rng=3, **kw)
    b = power_iteration_study(rng=3, **kw)
    np.testing.assert_array_equal(a.batch_lambda, b.batch_lambda)
    np.testing.assert_array_equal(a.network.params, b.network.params)
    back = roundtrip(a)
    assert isinstance(back, PowerIterationStudy) and back.summary()["seed"] == 3


def test_complex_extreme_eigenvalue_makes_training_rotate():
    # seed 7: both extreme-real-part eigenvalues are complex pairs -> no stable linear solution
    st = power_iteration_study(n_iterations=5000, n_records=100, n_eval=300, rng=7)
    j = CANDIDATES.index(st.matched)
    assert st.alignment[-1, j] > 0.95  # inside the pair's invariant plane
    assert st.oscillation.oscillating and not st.oscillation.converged
    assert np.ptp(st.plane_angle) > np.pi  # and rotating in it


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_points=2), "n_points"),
    (dict(learning_rate=0.0), "learning_rate"),
    (dict(orthogonal="cayley"), "orthogonal"),
    (dict(maps=(np.eye(3), np.eye(3))), "orthogonal"),
])
def test_study_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        power_iteration_study(n_iterations=5, **kwargs)


def test_vjp_refuses_bad_shapes():
    net = init_residual_net(3, 4, 1, rng=0)
    with pytest.raises(ValueError, match="shape"):
        net(np.ones((2, 4)))
    with pytest.raises(ValueError, match="cotangent"):
        residual_net_vjp(net, np.ones((2, 3)), np.ones(3))


def test_power_iteration_figures_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.weights import power_iteration_figure, residual_weights_figure

    st = power_iteration_study(6, 8, 3, n_iterations=100, n_eval=40, n_records=6, rng=0)
    fig = power_iteration_figure(st)
    assert len(fig.axes) == 6
    plt.close(fig)
    fig = residual_weights_figure(st, n_times=3)
    assert sum(len(ax.images) for ax in fig.axes[:9]) == 9  # 3 blocks x 3 times (+ colorbars)
    plt.close(fig)

"""Finite-time Lyapunov exponents of discrete maps (esorma.stability.maps)."""

import numpy as np
import pytest

from esorma.stability import DivergenceError, MapLyapunovResult, block_stderr, map_lyapunov


def _linear(A):
    A = np.asarray(A, dtype=float)
    return (lambda x: A @ x), (lambda x, V: A @ V)


def test_linear_map_exponents_are_log_abs_eigenvalues():
    # A = S diag(0.9, -0.5, 0.2, 0.05) S^-1 with a well-conditioned S (seed 3).
    rng = np.random.default_rng(3)
    S = np.eye(4) + 0.3 * rng.standard_normal((4, 4))
    lam = np.array([0.9, -0.5, 0.2, 0.05])
    A = S @ np.diag(lam) @ np.linalg.inv(S)
    step, jvp = _linear(A)
    res = map_lyapunov(step, jvp, np.ones(4), 2000, k=4, n_transient=50, rng=0)
    expected = np.sort(np.log(np.abs(lam)))[::-1]
    # The bias of a linear map is O(log cond(S) / n): tolerance 5e-3 at n = 2000.
    np.testing.assert_allclose(res.exponents, expected, atol=5e-3)
    assert isinstance(res, MapLyapunovResult)
    assert res.exponents.shape == (4,) and res.stderr.shape == (4,)
    assert np.all(np.diff(res.exponents) <= 0)


def test_linear_map_complex_pair_and_k_less_than_dim():
    # A rotation-scaling block (eigenvalues 0.8 e^{+-i 0.7}) plus 0.3: leading two = log 0.8.
    c, s = np.cos(0.7), np.sin(0.7)
    A = np.zeros((3, 3))
    A[:2, :2] = 0.8 * np.array([[c, -s], [s, c]])
    A[2, 2] = 0.3
    res = map_lyapunov(*_linear(A), np.ones(3), 500, k=2, n_transient=100, rng=1)
    np.testing.assert_allclose(res.exponents, [np.log(0.8)] * 2, atol=1e-6)


def test_logistic_map_r4_is_log2():
    # r = 4: lambda = log 2 exactly (invariant density known). 2e4 steps, seed 0, tol 0.01
    # (stderr ~ 4e-4, the tolerance is > 10 standard errors).
    r = 4.0
    res = map_lyapunov(
        lambda x: r * x * (1 - x),
        lambda x, V: (r * (1 - 2 * x))[:, None] * V,
        [0.3],
        20000,
        n_transient=100,
        rng=0,
    )
    assert abs(res.maximal - np.log(2)) < 0.01
    assert 0 < res.stderr[0] < 0.01
    assert res.history.shape[1] == 1 and res.history_steps[-1] == 20000
    assert res.history[-1, 0] == pytest.approx(res.maximal)


def test_logistic_map_periodic_window_negative():
    # r = 3.2: stable 2-cycle; lambda = 0.5 log|f'(x1) f'(x2)| < 0 computed in closed form.
    r = 3.2
    disc = np.sqrt((r + 1) * (r - 3))
    x1, x2 = (r + 1 + disc) / (2 * r), (r + 1 - disc) / (2 * r)
    lam = 0.5 * np.log(abs(r * (1 - 2 * x1) * r * (1 - 2 * x2)))
    res = map_lyapunov(
        lambda x: r * x * (1 - x), lambda x, V: (r * (1 - 2 * x))[:, None] * V,
        [0.3], 4000, n_transient=1000, rng=0,
    )
    assert lam < 0
    assert abs(res.maximal - lam) < 1e-3


def test_henon_map_known_exponents():
    # Henon a = 1.4, b = 0.3: lambda = (0.4192, -1.6232) (Sprott, Chaos and Time-Series
    # Analysis, table); the sum is exactly log b. 5e4 steps, seed 1, tolerance 0.01.
    a, b = 1.4, 0.3

    def step(x):
        return np.array([1 - a * x[0] ** 2 + x[1], b * x[0]])

    def jvp(x, V):
        return np.array([[-2 * a * x[0], 1.0], [b, 0.0]]) @ V

    res = map_lyapunov(step, jvp, [0.1, 0.1], 50000, k=2, n_transient=1000, rng=1)
    np.testing.assert_allclose(res.exponents, [0.4192, -1.6232], atol=0.01)
    assert res.exponents.sum() == pytest.approx(np.log(b), abs=1e-9)


def test_same_seed_same_result():
    A = np.array([[0.5, 0.4], [0.0, 0.3]])
    r1 = map_lyapunov(*_linear(A), [1.0, 1.0], 100, k=1, rng=7)
    r2 = map_lyapunov(*_linear(A), [1.0, 1.0], 100, k=1, rng=7)
    np.testing.assert_array_equal(r1.exponents, r2.exponents)
    assert r1.seed == 7


def test_bad_input():
    step, jvp = _linear(np.eye(2) * 0.5)
    with pytest.raises(ValueError, match="k must be <= the dimension"):
        map_lyapunov(step, jvp, [1.0, 1.0], 10, k=3)
    with pytest.raises(ValueError, match="x0 must be finite"):
        map_lyapunov(step, jvp, [np.nan, 1.0], 10)
    with pytest.raises(ValueError, match="n_steps must be >= 1"):
        map_lyapunov(step, jvp, [1.0, 1.0], 0)
    with pytest.raises(ValueError, match="k must be >= 1"):
        map_lyapunov(step, jvp, [1.0, 1.0], 10, k=0)
    with pytest.raises(ValueError, match="x0 must be a non-empty 1-D"):
        map_lyapunov(step, jvp, np.ones((2, 2)), 10)
    with pytest.raises(TypeError, match="step must be callable"):
        map_lyapunov(None, jvp, [1.0, 1.0], 10)
    with pytest.raises(TypeError, match="jvp must be callable"):
        map_lyapunov(step, 3, [1.0, 1.0], 10)
    with pytest.raises(ValueError, match=r"jvp\(x, V\) must return an array of shape"):
        map_lyapunov(step, lambda x, V: np.ones(5), [1.0, 1.0], 10)
    with pytest.raises(ValueError, match=r"step\(x\) must return"):
        map_lyapunov(lambda x: np.ones(3), jvp, [1.0, 1.0], 10)


def test_diverging_map_is_reported():
    # x -> x^2 from x0 = 10 overflows after ~9 steps: an error, not inf/NaN exponents.
    with pytest.raises(DivergenceError, match="diverged"):
        with np.errstate(over="ignore"):
            map_lyapunov(lambda x: x * x, lambda x, V: (2 * x)[:, None] * V, [10.0], 100)


def test_block_stderr_matches_iid_theory():
    # iid N(0, 1) increments: stderr of the mean ~ 1/sqrt(n) (seed 5, within 40 %).
    x = np.random.default_rng(5).standard_normal((40000, 1))
    se, nb = block_stderr(x, 20)
    assert nb == 20
    assert 0.6 / np.sqrt(40000) < se[0] < 1.4 / np.sqrt(40000)
    se1, nb1 = block_stderr(x[:1], 20)
    assert nb1 == 1 and np.isnan(se1[0])


def test_map_result_round_trip(roundtrip):
    res = map_lyapunov(lambda x: 4 * x * (1 - x), lambda x, V: (4 - 8 * x)[:, None] * V, [0.3],
                       200, n_transient=10, rng=3)
    back = roundtrip(res)
    assert back.exponents[0] == res.exponents[0]

"""Windowed FTLEs and covariant Lyapunov vectors of maps: exact and published references."""

import numpy as np
import pytest

from esorma.errors import DivergenceError
from esorma.training import (
    clv_angle_stats,
    covariant_vectors,
    lyapunov_windows,
    window_means,
)

A_EIG = np.array([1.5, -1.1, 0.7, 0.2])


def _linear_map(seed=1):
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((4, 4))
    return P @ np.diag(A_EIG) @ np.linalg.inv(P), P / np.linalg.norm(P, axis=0)


def _henon(a=1.4, b=0.3):
    def step(x):
        return np.array([1 - a * x[0] ** 2 + x[1], b * x[0]])

    def jvp(x, V):
        return np.array([[-2 * a * x[0], 1.0], [b, 0.0]]) @ V

    return step, jvp


def test_exponents_of_a_linear_map_are_log_abs_eigenvalues():
    A, _ = _linear_map()
    res = lyapunov_windows(lambda x: x, lambda x, V: A @ V, np.ones(4), 400, window=100,
                           n_transient=100, rng=0)
    np.testing.assert_allclose(res.exponents, np.log(np.abs(A_EIG)), atol=2e-3)
    # every window of a constant linear map already sees the asymptotic rates
    np.testing.assert_allclose(res.ftle, np.tile(np.log(np.abs(A_EIG)), (4, 1)), atol=5e-3)
    assert res.ftle.shape == (4, 4) and res.window_starts.tolist() == [0, 100, 200, 300]


def test_sliding_windows_are_means_of_the_log_stretches():
    logs = np.arange(20.0).reshape(10, 2)
    starts, means = window_means(logs, 4, 3)
    assert starts.tolist() == [0, 3, 6]
    np.testing.assert_allclose(means[1], logs[3:7].mean(axis=0))


def test_clvs_of_a_linear_map_are_its_eigenvectors():
    A, P = _linear_map()
    clv = covariant_vectors(lambda x: x, lambda x, V: A @ V, np.ones(4), 60, times=[0, 30, 59],
                            n_transient=60, rng=3)
    overlap = np.abs(np.einsum("tdk,dk->tk", clv.vectors, P))
    np.testing.assert_allclose(overlap, 1.0, atol=1e-8)
    # Gram-Schmidt vectors are not the eigenvectors (this matrix is not normal)
    assert np.abs(P[:, 0] @ P[:, 1]) > 0.1


def test_clvs_are_covariant_along_a_henon_orbit():
    step, jvp = _henon()
    x = np.array([0.1, 0.1])
    for _ in range(500):
        x = step(x)
    clv = covariant_vectors(step, jvp, x, 40, n_transient=100, n_backward=100, rng=5)
    xs = [x]
    for _ in range(100 + 40):
        xs.append(step(xs[-1]))
    for j in range(39):
        t = clv.times[j]
        xt = xs[100 + t]
        for i in range(2):
            image = jvp(xt, clv.vectors[j, :, i][:, None])[:, 0]
            image /= np.linalg.norm(image)
            assert abs(image @ clv.vectors[j + 1, :, i]) == pytest.approx(1.0, abs=1e-9)
    # the two CLVs of the Henon map are not orthogonal (hyperbolic but not conformal)
    assert np.nanmin(clv.angle_12) < 1.0


def test_henon_exponents_match_published_values():
    # Henon a = 1.4, b = 0.3: lambda = (0.41922, -1.62319) (J. C. Sprott, Chaos and Time-Series
    # Analysis, Oxford 2003, Appendix A); the sum is exactly ln b. 2e4 steps after 1000
    # transient steps, seed 0: the window spread gives a standard error ~0.003, tolerance 0.01.
    step, jvp = _henon()
    res = lyapunov_windows(step, jvp, np.array([0.1, 0.1]), 20000, window=1000,
                           n_transient=1000, rng=0)
    np.testing.assert_allclose(res.exponents, [0.41922, -1.62319], atol=0.01)
    assert res.exponents.sum() == pytest.approx(np.log(0.3), abs=1e-12)
    assert np.all(res.ftle[:, 0] > 0.3) and not res.diverged


def test_angle_statistics():
    C = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    a12, amin = clv_angle_stats(C)
    assert a12 == pytest.approx(np.pi / 4) and amin == pytest.approx(np.pi / 4)
    assert np.isnan(clv_angle_stats(np.ones((3, 1)))[0])


def test_diverging_map_is_flagged_not_dropped():
    res = lyapunov_windows(lambda x: x * 1e200, lambda x, V: 1e200 * V, np.ones(2), 10,
                           window=5, rng=0)
    # x_1 = 1e200 is finite, x_2 overflows: step 1 is where the run leaves the finite numbers
    assert res.diverged and res.diverged_step == 1
    assert np.all(np.isfinite(res.log_stretch[:1])) and np.all(np.isnan(res.log_stretch[1:]))
    assert np.isnan(res.ftle).all() and res.ftle.shape == (2, 2)
    with pytest.raises(DivergenceError):
        covariant_vectors(lambda x: x * 1e200, lambda x, V: 1e200 * V, np.ones(2), 10)


def test_k_larger_than_the_dimension_is_refused():
    with pytest.raises(ValueError, match="k must be <= the dimension of the map"):
        lyapunov_windows(lambda x: x, lambda x, V: V, np.ones(2), 10, k=3, window=5)
    with pytest.raises(ValueError, match="x0 must be finite"):
        lyapunov_windows(lambda x: x, lambda x, V: V, [np.nan, 1.0], 10, window=5)


def test_results_round_trip(roundtrip):
    A, _ = _linear_map()
    roundtrip(lyapunov_windows(lambda x: x, lambda x, V: A @ V, np.ones(4), 20, k=2,
                               window=5, rng=0))
    roundtrip(covariant_vectors(lambda x: x, lambda x, V: A @ V, np.ones(4), 10, k=2,
                                times=[3], rng=0))


def test_cholesky_qr_matches_householder_and_falls_back_when_ill_conditioned():
    from esorma.training.lyapunov import qr_positive, qr_rows

    rng = np.random.default_rng(4)
    Yt = rng.standard_normal((5, 300)) * np.logspace(0, 4, 5)[:, None]   # cond ~ 1e4
    Qt, R = qr_rows(Yt)
    Q, R_ref = qr_positive(Yt.T)
    np.testing.assert_allclose(Qt, Q.T, atol=1e-12)
    np.testing.assert_allclose(R, R_ref, rtol=1e-12, atol=1e-12 * np.abs(R_ref).max())
    bad = Yt.copy()
    bad[1] = bad[0] + 1e-9 * bad[1]                                        # cond ~ 1e13
    Qt, R = qr_rows(bad)
    np.testing.assert_allclose(Qt @ Qt.T, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(Qt.T @ R, bad.T, atol=1e-9)
    assert qr_rows(np.full((2, 3), np.nan)) is None

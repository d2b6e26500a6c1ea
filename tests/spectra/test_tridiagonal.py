"""Tridiagonal beta models: Sturm counts and bisection against LAPACK, and the models against
the dense ensembles at the same scale (the sqrt 2 mismatch check)."""

import math

import numpy as np
import pytest
from scipy.stats import ks_2samp

import esorma.spectra as sp
from esorma.spectra import Tridiagonal


def _random_tridiagonal(rng, n):
    return Tridiagonal(rng.standard_normal(n), rng.standard_normal(n - 1))


def test_sturm_counts_match_dense_eigenvalues():
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 60):
        T = _random_tridiagonal(rng, n) if n > 1 else Tridiagonal(np.array([0.3]), np.zeros(0))
        ev = np.linalg.eigvalsh(T.to_dense())
        xs = np.concatenate([rng.uniform(-5, 5, 40), ev[:3] + 1e-9, ev[:3] - 1e-9])
        expected = (ev[None, :] < xs[:, None]).sum(axis=1)
        np.testing.assert_array_equal(sp.eigenvalue_counts(T, xs), expected)


def test_sturm_counts_with_zero_offdiagonal_and_repeated_diagonal():
    # a block-diagonal matrix with exact ties: zero pivots must not produce NaN counts
    d = np.array([1.0, 1.0, 1.0, 2.0, 2.0])
    e = np.array([0.0, 0.0, 0.0, 0.0])
    T = Tridiagonal(d, e)
    assert sp.eigenvalue_counts(T, [0.5, 1.5, 2.5]).tolist() == [0, 3, 5]
    assert sp.eigenvalue_counts(T, [1.0]).tolist()[0] in (0, 3)  # at a tie: either side


def test_extreme_eigenvalues_match_lapack():
    rng = np.random.default_rng(1)
    T = _random_tridiagonal(rng, 300)
    ev = np.linalg.eigvalsh(T.to_dense())
    np.testing.assert_allclose(sp.extreme_eigenvalues(T, 4), ev[::-1][:4], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(sp.extreme_eigenvalues(T, 3, which="smallest"), ev[:3],
                               rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(sp.tridiagonal_eigenvalues(T), ev, atol=1e-10)
    assert sp.largest_eigenvalue((T.diag, T.offdiag)) == pytest.approx(ev[-1], rel=1e-11)


def test_beta_hermite_has_the_law_and_scale_of_the_dense_goe_and_gue():
    # Same law, same scale: pooled eigenvalues of 6 samples each at n = 200 are compared with
    # a two-sample KS test (p > 0.01 with these seeds), the second moments within 2 % (E tr
    # H^2 / n = sigma^2 (1 + 1/n) for GOE), and the mean largest eigenvalues within 0.03 * 2
    # sigma (standard error ~0.02 * 2 sigma; a sqrt 2 mismatch would give a gap of 0.4 * 2
    # sigma).
    n, sigma, reps = 200, 1.3, 6
    rng = np.random.default_rng(2)
    for beta, dense in ((1, sp.goe), (2, sp.gue)):
        tri = [sp.tridiagonal_eigenvalues(sp.beta_hermite(n, beta, sigma=sigma, rng=rng))
               for _ in range(reps)]
        den = [np.linalg.eigvalsh(dense(n, sigma=sigma, rng=rng)) for _ in range(reps)]
        tri, den = np.concatenate(tri), np.concatenate(den)
        assert ks_2samp(tri, den, method="asymp").pvalue > 0.01
        assert np.mean(tri**2) == pytest.approx(np.mean(den**2), rel=0.02)
        assert np.mean(tri**2) == pytest.approx(sigma**2 * (1 + 1 / n) if beta == 1 else
                                                sigma**2, rel=0.02)
        lmax_t = [sp.largest_eigenvalue(n, beta, sigma=sigma, rng=rng) for _ in range(30)]
        lmax_d = [np.linalg.eigvalsh(dense(n, sigma=sigma, rng=rng))[-1] for _ in range(10)]
        assert np.mean(lmax_t) == pytest.approx(np.mean(lmax_d), abs=0.03 * 2 * sigma)


def test_beta_laguerre_matches_dense_wishart():
    rng = np.random.default_rng(3)
    for c in (0.5, 2.0):
        n = 200
        tri = np.concatenate([sp.tridiagonal_eigenvalues(sp.beta_laguerre(n, c, rng=rng))
                              for _ in range(5)])
        den = np.concatenate([np.linalg.eigvalsh(sp.wishart(n, c, rng=rng)) for _ in range(5)])
        den[np.abs(den) < 1e-10] = 0.0  # LAPACK's zeros are +-1e-15
        assert ks_2samp(tri, den, method="asymp").pvalue > 0.01
        law = sp.MarchenkoPasturLaw(c)
        assert np.mean(tri) == pytest.approx(1.0, rel=0.02)  # E tr W / n = 1
        assert np.mean(tri**2) == pytest.approx(law.moment(2), rel=0.03)
        if c > 1:
            assert np.sum(np.abs(tri) < 1e-12) == 5 * (n - round(n / c))
    # complex (beta = 2) also has MP(c): KS of one large sample
    T = sp.beta_laguerre(20_000, 0.25, 2.0, rng=4)
    assert sp.grid_ks_distance(T, sp.MarchenkoPasturLaw(0.25).cdf) < 0.01


def test_beta_hermite_density_is_the_semicircle_at_large_n():
    n = 200_000
    h = sp.beta_hermite_density(n, 1.0, bins=50, rng=5)
    assert h.counts.sum() == n and h.density.shape == (50,)
    law = sp.SemicircleLaw()
    # bin averages of the semicircle: exact via the CDF; counts per bin ~ 4000 -> 2 % noise
    expected = np.diff(law.cdf(h.edges)) / np.diff(h.edges)
    np.testing.assert_allclose(h.density, expected, atol=0.02)
    assert h.lambda_max == pytest.approx(2.0, abs=0.01)
    assert h.lambda_min == pytest.approx(-2.0, abs=0.01)
    assert np.all(np.diff(h.edges) > 0)


def test_grid_ks_distance_agrees_with_the_exact_ks():
    T = sp.beta_hermite(3000, rng=6)
    ev = sp.tridiagonal_eigenvalues(T)
    exact = sp.ks_distance(ev, sp.SemicircleLaw().cdf)
    grid = sp.grid_ks_distance(T, sp.SemicircleLaw().cdf, n_points=2000)
    assert grid <= exact + 1e-12 and grid == pytest.approx(exact, abs=1e-3)
    wrong = sp.grid_ks_distance(T, sp.SemicircleLaw(math.sqrt(2)).cdf)
    assert wrong > 0.1


def test_largest_eigenvalue_tracy_widom_scaling():
    # 150 samples at n = 400 of the largest eigenvalue of beta-Hermite (beta 1 and 2),
    # standardised by (x - 2) n^(2/3): mean within 0.2 of the TW mean (standard error ~0.1),
    # standard deviation within 20 %, and a KS test against the TW cdf with p > 0.01.
    from scipy.stats import kstest

    rng = np.random.default_rng(7)
    n = 400
    for beta in (1, 2):
        lam = np.array([sp.largest_eigenvalue(n, beta, rng=rng) for _ in range(150)])
        c, s = sp.largest_eigenvalue_scaling(n)
        z = (lam - c) / s
        mean, var, _, _ = sp.tracy_widom_moments(beta)
        assert z.mean() == pytest.approx(mean, abs=0.2)
        assert z.std(ddof=1) == pytest.approx(math.sqrt(var), rel=0.2)
        assert kstest(z, lambda x: sp.tracy_widom_cdf(x, beta)).pvalue > 0.01


def test_largest_eigenvalue_at_large_n_in_linear_memory():
    lam = sp.largest_eigenvalue(10**6, 1.0, rng=8)
    # 2 + n^(-2/3) TW: |TW| < 5 with overwhelming probability
    assert abs(lam - 2.0) < 5e-4


def test_tridiagonal_bad_input():
    with pytest.raises(ValueError, match="beta"):
        sp.beta_hermite(10, 0.0)
    with pytest.raises(ValueError, match="n must be"):
        sp.beta_hermite(0)
    with pytest.raises(ValueError, match="c must be"):
        sp.beta_laguerre(10, 0.0)
    with pytest.raises(ValueError, match="which"):
        sp.extreme_eigenvalues(sp.beta_hermite(5, rng=0), 1, which="middle")
    with pytest.raises(ValueError, match="k must be"):
        sp.extreme_eigenvalues(sp.beta_hermite(5, rng=0), 6)
    with pytest.raises(ValueError, match="shapes"):
        sp.eigenvalue_counts((np.zeros(3), np.zeros(3)), [0.0])
    with pytest.raises(TypeError, match="Tridiagonal"):
        sp.eigenvalue_counts(np.zeros((3, 3)), [0.0])
    with pytest.raises(ValueError, match="interval must be"):
        sp.tridiagonal_density(sp.beta_hermite(5, rng=0), interval=(1.0, 0.0))
    with pytest.raises(ValueError, match="interval must be"):
        sp.grid_ks_distance(sp.beta_hermite(5, rng=0), sp.SemicircleLaw().cdf, interval=(1.0,))
    with pytest.raises(MemoryError, match="beta-Hermite"):
        sp.beta_hermite(10**13)


def test_tridiagonal_reproducible():
    a = sp.beta_hermite(1000, 2.0, rng=9)
    b = sp.beta_hermite(1000, 2.0, rng=9)
    np.testing.assert_array_equal(a.diag, b.diag)
    np.testing.assert_array_equal(a.offdiag, b.offdiag)
    assert a.seed == 9


def test_sturm_counts_do_not_depend_on_the_number_of_threads():
    import numba

    T = sp.beta_hermite(300_000, rng=10)
    x = np.linspace(-2.1, 2.1, 37)
    many = sp.eigenvalue_counts(T, x)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sp.eigenvalue_counts(T, x)
        lam_one = sp.largest_eigenvalue(T)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(one, many)
    assert lam_one == sp.largest_eigenvalue(T)


def test_no_parameter_is_named_range():
    import inspect

    for f in (sp.tridiagonal_density, sp.beta_hermite_density, sp.grid_ks_distance):
        assert "range" not in inspect.signature(f).parameters
    T = sp.beta_hermite(2000, rng=4)
    h = sp.tridiagonal_density(T, bins=10, interval=(-3.0, 3.0))
    assert h.edges[0] == -3.0 and h.edges[-1] == 3.0 and int(h.counts.sum()) == 2000
    # a grid on a given interval: the same number as the default grid when it covers it
    ks = sp.grid_ks_distance(T, sp.SemicircleLaw().cdf, interval=(-2.1, 2.1))
    assert ks < 0.03


def test_tridiagonal_density_round_trips(roundtrip):
    roundtrip(sp.beta_hermite_density(5000, bins=20, rng=3))
    roundtrip(sp.beta_hermite(50, 2.0, rng=3))

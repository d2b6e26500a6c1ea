"""Dense ensembles of esorma.spectra against their laws, the registry (names, aliases,
summaries, round trips), and bad input.

Statistical checks use fixed seeds; each states its tolerance. Sizes are moderate (n <= 800)
so that the file runs in a few seconds.
"""

import math

import numpy as np
import pytest

import esorma.spectra as sp
from esorma.spectra import ENSEMBLES, sample_spectrum
from esorma.spectra import ensembles as ens

# Tolerances of the KS fit number per ensemble at n = 300 (typical values are 2-3 times
# smaller; a wrong law or a wrong scale gives > 0.1).
FIT_TOL = {
    "goe": 0.02, "gue": 0.02, "beta-hermite": 0.02, "wishart": 0.02, "wishart-complex": 0.02,
    "beta-laguerre": 0.02, "hebb": 0.02, "erdos-renyi": 0.03,
    "ginibre": 0.06, "ginibre-complex": 0.06, "elliptic": 0.06, "dale": 0.08,
}


@pytest.mark.parametrize("name", sorted(ENSEMBLES))
def test_every_ensemble_fits_its_law(name):
    s = sample_spectrum(name, 300, rng=11)
    assert s.n == 300 and s.eigenvalues.shape == (300,)
    assert s.fit.statistic < FIT_TOL[name], (name, s.fit)
    assert s.is_real == ENSEMBLES[name].real_spectrum
    if s.is_real:
        assert np.isrealobj(s.eigenvalues) and np.all(np.diff(s.eigenvalues) >= 0)
    # the summary is JSON-ready and reproducible from the seed
    import json

    from esorma.io import to_jsonable

    json.dumps(to_jsonable(s.summary()))
    # reproducible from the seed (checked at a small size to keep LAPACK time low)
    a, b = sample_spectrum(name, 40, rng=5), sample_spectrum(name, 40, rng=5)
    np.testing.assert_array_equal(a.eigenvalues, b.eigenvalues)
    assert not np.array_equal(a.eigenvalues, sample_spectrum(name, 40, rng=6).eigenvalues)


def test_registry_fit_detects_a_wrong_scale():
    # The same GOE eigenvalues against a semicircle of the wrong scale (the sqrt 2 mistake).
    ev = np.linalg.eigvalsh(sp.goe(400, rng=0))
    good = sp.goodness_of_fit(ev, sp.SemicircleLaw(1.0)).statistic
    bad = sp.goodness_of_fit(ev, sp.SemicircleLaw(math.sqrt(2))).statistic
    assert good < 0.02 and bad > 0.1


def test_goe_entry_variances_and_edge():
    n, sigma = 600, 1.5
    H = sp.goe(n, sigma=sigma, rng=1)
    assert np.array_equal(H, H.T)
    off = H[np.triu_indices(n, 1)]
    # 180k entries: relative error of the variance ~ 0.3 %; tolerance 2 %
    assert off.var() * n / sigma**2 == pytest.approx(1.0, rel=0.02)
    assert np.diag(H).var() * n / sigma**2 == pytest.approx(2.0, rel=0.15)
    ev = np.linalg.eigvalsh(H)
    # edge 2 sigma; TW fluctuations sigma n^(-2/3) ~ 0.02
    assert ev.max() == pytest.approx(2 * sigma, abs=0.1)
    assert ev.min() == pytest.approx(-2 * sigma, abs=0.1)


def test_gue_is_hermitian_with_semicircle_edge():
    H = sp.gue(300, sigma=0.5, rng=2)
    assert np.allclose(H, H.conj().T) and np.iscomplexobj(H)
    ev = np.linalg.eigvalsh(H)
    assert ev.max() == pytest.approx(1.0, abs=0.05)
    off = H[np.triu_indices(300, 1)]
    assert np.mean(np.abs(off) ** 2) * 300 / 0.25 == pytest.approx(1.0, rel=0.03)


def test_goe_parallel_normal_path_is_reproducible():
    # n = 1100 -> 1.2M normals: the chunked multi-threaded path
    a = sp.goe(1100, rng=5)
    b = sp.goe(1100, rng=np.random.default_rng(5))
    c = sp.goe(1100, rng=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_ginibre_radius_real_and_complex():
    for real in (True, False):
        ev = np.linalg.eigvals(sp.ginibre(300, sigma=2.0, real=real, rng=3))
        # radius sigma = 2 up to edge fluctuations ~ n^-1/2 sqrt(log n); tolerance 8 %
        assert np.abs(ev).max() == pytest.approx(2.0, rel=0.08)
        # circular law: half of the eigenvalues inside radius sigma / sqrt 2 (tol 0.05)
        assert np.mean(np.abs(ev) < 2.0 / math.sqrt(2)) == pytest.approx(0.5, abs=0.05)


def test_real_ginibre_number_of_real_eigenvalues():
    # E_n ~ sqrt(2n/pi) (Edelman-Kostlan-Shub); exact E_n checked on 60 samples at n = 64,
    # standard error ~ 0.3, tolerance 1.0
    rng = np.random.default_rng(4)
    n = 64
    counts = [np.sum(np.abs(np.linalg.eigvals(sp.ginibre(n, rng=rng)).imag) < 1e-9)
              for _ in range(60)]
    expected = sp.expected_real_eigenvalues(n)
    assert np.mean(counts) == pytest.approx(expected, abs=1.0)
    assert expected == pytest.approx(math.sqrt(2 * n / math.pi) + 0.5, abs=0.05)
    assert sp.expected_real_eigenvalues(1000) == pytest.approx(math.sqrt(2000 / math.pi) + 0.5,
                                                               abs=0.01)
    assert sp.expected_real_eigenvalues(2) == pytest.approx(math.sqrt(2))


def test_elliptic_correlation_and_axes():
    n, tau = 400, 0.6
    J = sp.elliptic(n, tau, rng=5)
    iu = np.triu_indices(n, 1)
    assert np.corrcoef(J[iu], J.T[iu])[0, 1] == pytest.approx(tau, abs=0.01)
    assert J[iu].var() * n == pytest.approx(1.0, rel=0.02)
    ev = np.linalg.eigvals(J)
    assert np.abs(ev.real).max() == pytest.approx(1 + tau, rel=0.06)
    assert np.abs(ev.imag).max() == pytest.approx(1 - tau, rel=0.12)
    fit = sp.goodness_of_fit(ev, sp.EllipticLaw(tau))
    assert fit.statistic < 0.06
    # tau = 1 is the GOE (symmetric), tau = 0 real Ginibre statistics
    S = sp.elliptic(200, 1.0, rng=0)
    assert np.allclose(S, S.T)
    ev1 = np.linalg.eigvals(S)
    assert sp.goodness_of_fit(ev1, sp.EllipticLaw(1.0)).statistic < 0.05


def test_dale_balanced_row_sum_zero_rajan_abbott_radius_and_density():
    n, f, se, si = 400, 0.8, 1.0, 2.5
    J = sp.dale(n, f=f, sigma_e=se, sigma_i=si, row_sum_zero=True, rng=6)
    n_e = round(f * n)
    # Dale structure: column means follow the sign of the population
    assert J[:, :n_e].mean() > 0 > J[:, n_e:].mean()
    # row sums equal those of the (balanced, zero) mean matrix
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-10)
    ev = np.linalg.eigvals(J)
    r = sp.rajan_abbott_radius(f, se**2, si**2)
    assert np.abs(ev).max() == pytest.approx(r, rel=0.08)
    law = sp.RajanAbbottLaw(f=f, var_e=se**2, var_i=si**2)
    fit = sp.goodness_of_fit(ev, law)
    uniform = sp.goodness_of_fit(ev, sp.CircularLaw(r))
    # the non-uniform radial law fits (KS < 0.05) and clearly better than a uniform disc
    assert fit.radial < 0.05 and uniform.radial > 2 * fit.radial


def test_dale_unbalanced_outlier():
    n, mu_e, mu_i = 300, 1.0, -0.4
    predicted = math.sqrt(n) * (0.5 * mu_e + 0.5 * mu_i)
    J = sp.dale(n, balanced=False, mu_e=mu_e, mu_i=mu_i, rng=7)
    ev = np.linalg.eigvals(J)
    top = ev[np.argmax(np.abs(ev))]
    # lambda = m.u + (m^T J~ u) / lambda + ...: the correction has standard deviation
    # sqrt(f mu_e^2 + (1 - f) mu_i^2) / lambda (sigma = 1); tolerance 3 of them
    tol = 3 * math.sqrt(0.5 * mu_e**2 + 0.5 * mu_i**2) / predicted
    assert top.real == pytest.approx(predicted, abs=tol) and abs(top.imag) < 1e-8
    assert np.sort(np.abs(ev))[-2] < 1.1  # the rest is the unit disc
    # with zero row sums the outlier is exactly m^T u
    J0 = sp.dale(n, balanced=False, mu_e=mu_e, mu_i=mu_i, row_sum_zero=True, rng=7)
    ev0 = np.linalg.eigvals(J0)
    assert ev0[np.argmax(np.abs(ev0))].real == pytest.approx(predicted, rel=1e-8)
    s = sample_spectrum("dale", n, rng=7, balanced=False, mu_e=mu_e, mu_i=mu_i)
    assert s.outliers.size == 1 and s.law.outliers[0] == pytest.approx(predicted)


def test_dale_sparse_keeps_means_and_sparsity():
    n, p = 400, 0.3
    J = sp.dale(n, f=0.5, p=p, row_sum_zero=True, rng=8)
    assert np.mean(J != 0) == pytest.approx(p, abs=0.01)
    n_e = 200
    assert J[:, :n_e].mean() * math.sqrt(n) == pytest.approx(1.0, abs=0.1)
    law = ENSEMBLES["dale"].law(n, f=0.5, p=p)
    ev = np.linalg.eigvals(J)
    assert np.abs(ev).max() == pytest.approx(law.radius, rel=0.1)


def test_wishart_marchenko_pastur_support_and_moments():
    for c, cplx in ((0.25, False), (0.5, True)):
        n = 400
        ev = np.linalg.eigvalsh(sp.wishart(n, c, complex=cplx, rng=9))
        lo, hi = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
        assert ev.min() == pytest.approx(lo, abs=0.05) and ev.max() == pytest.approx(hi, abs=0.1)
        law = sp.MarchenkoPasturLaw(c)
        # E tr W / n = 1 and E tr W^2 / n = 1 + c (to O(1/n))
        assert ev.mean() == pytest.approx(law.moment(1), rel=0.02)
        assert np.mean(ev**2) == pytest.approx(law.moment(2), rel=0.03)
    # c > 1: exactly n - m zero eigenvalues (the point mass 1 - 1/c)
    ev = np.linalg.eigvalsh(sp.wishart(300, 3.0, rng=10))
    assert np.sum(np.abs(ev) < 1e-10) == 300 - 100


@pytest.mark.parametrize("cplx", [False, True])
def test_wishart_bartlett_has_the_law_of_x_xt_entry_by_entry(cplx):
    """The Bartlett path (m >= n) against the definition W = X X^H / m, entry by entry.

    Each entry of W = X X^H / m has mean delta_ij and variance (1 + delta_ij [real]) / m (real)
    or 1 / m (complex); a wrong chi degree of freedom or a misplaced factor would give the
    diagonal entries different means. 4000 samples at n = 5, m = 7 (seed 21): 5 standard
    errors on the means and variances; the extreme eigenvalues against direct sampling by a
    two-sample KS test (p > 1e-3).
    """
    from scipy import stats

    n, m, reps = 5, 7, 4000
    rng = np.random.default_rng(21)
    ws = np.array([sp.wishart(n, n / m, complex=cplx, rng=rng) for _ in range(reps)])
    assert ws.shape == (reps, n, n)
    if cplx:
        x = (rng.standard_normal((reps, n, m)) + 1j * rng.standard_normal((reps, n, m)))
        x /= math.sqrt(2.0)
        direct = x @ np.conj(np.swapaxes(x, 1, 2)) / m
    else:
        x = rng.standard_normal((reps, n, m))
        direct = x @ np.swapaxes(x, 1, 2) / m
    eye = np.eye(n)
    var = np.full((n, n), 1.0 / m) + (0.0 if cplx else eye / m)
    mean = ws.mean(axis=0)
    assert np.all(np.abs(mean - eye) < 5 * np.sqrt(var / reps)), mean
    # variance of the sample variance ~ (kurtosis) var^2 / reps; 5 sigma with a generous
    # fourth moment (< 6 var^2 for these entries)
    v = ws.var(axis=0)
    assert np.all(np.abs(v - var) < 5 * np.sqrt(6.0 / reps) * var), v * m
    ev = np.linalg.eigvalsh(ws)
    ev_direct = np.linalg.eigvalsh(direct)
    for k in (0, n - 1):
        assert stats.ks_2samp(ev[:, k], ev_direct[:, k]).pvalue > 1e-3, k


def test_hebb_couplings_spectrum():
    n, alpha = 500, 0.1
    J = sp.hebb_couplings(n, alpha, rng=11)
    p = round(alpha * n)
    assert np.all(np.diag(J) == 0) and np.array_equal(J, J.T)
    # entries are multiples of 1/n with |J_ij| <= P/n
    assert np.allclose(J * n, np.round(J * n)) and np.abs(J).max() <= p / n + 1e-12
    ev = np.linalg.eigvalsh(J)
    at_mass = np.abs(ev + alpha) < 1e-9
    assert at_mass.sum() == n - p  # point mass of N - P eigenvalues at -alpha
    bulk = ev[~at_mass]
    lo, hi = (1 - math.sqrt(alpha)) ** 2 - alpha, (1 + math.sqrt(alpha)) ** 2 - alpha
    assert bulk.min() == pytest.approx(lo, abs=0.05) and bulk.max() == pytest.approx(hi, abs=0.08)
    assert abs(ev.sum()) < 1e-8  # zero trace
    law = ENSEMBLES["hebb"].law(n, alpha=alpha)
    assert law.support == pytest.approx((lo, hi)) and law.atoms[0] == pytest.approx((-alpha, 0.9))
    # alpha > 1: full rank, no point mass
    ev2 = np.linalg.eigvalsh(sp.hebb_couplings(100, 2.0, rng=0))
    assert np.sum(np.abs(ev2 + 2.0) < 1e-9) == 0 and ev2.min() > (1 - math.sqrt(2)) ** 2 - 2.1


def test_erdos_renyi_degree_bulk_and_outlier():
    n, d = 400, 30.0
    A = sp.erdos_renyi(n, d, scaled=False, rng=12)
    assert np.array_equal(A, A.T) and np.all(np.diag(A) == 0)
    assert set(np.unique(A)) <= {0.0, 1.0}
    assert A.sum(axis=1).mean() == pytest.approx(d, rel=0.03)
    s = sample_spectrum("erdos-renyi", n, rng=12, d=d)
    assert s.outliers.size == 1
    assert s.outliers[0] == pytest.approx(s.law.outliers[0], rel=0.03)
    assert s.bulk.max() == pytest.approx(2.0, abs=0.12)


def test_dense_size_is_refused_with_the_tridiagonal_hint():
    with pytest.raises(MemoryError, match="tridiagonal"):
        sp.goe(10**7)
    with pytest.raises(MemoryError, match="needs about"):
        sp.ginibre(10**7)
    with pytest.raises(MemoryError):
        sp.hebb_couplings(10**7, 0.1)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: sp.goe(0), ValueError, "n must be >= 1"),
    (lambda: sp.goe(2.5), TypeError, "n must be an integer"),
    (lambda: sp.goe(10, sigma=-1.0), ValueError, "sigma"),
    (lambda: sp.ginibre(10, real="yes"), TypeError, "real"),
    (lambda: sp.elliptic(10, 1.5), ValueError, "tau"),
    (lambda: sp.dale(10, f=1.2), ValueError, "f must be"),
    (lambda: sp.dale(10, f=-0.1), ValueError, "f must be"),
    (lambda: sp.dale(10, sigma_e=-1.0), ValueError, "sigma_e"),
    (lambda: sp.dale(10, sigma_i=-1.0), ValueError, "sigma_i"),
    (lambda: sp.dale(10, p=0.0), ValueError, "p must be"),
    (lambda: sp.dale(10, mu_i=-3.0), ValueError, "balanced"),
    (lambda: sp.dale(10, balanced=False), ValueError, "mu_i must be given"),
    (lambda: sp.wishart(10, 0.0), ValueError, "c must be"),
    (lambda: sp.wishart(10, -1.0), ValueError, "c must be"),
    (lambda: sp.hebb_couplings(10, 0.0), ValueError, "alpha must be"),
    (lambda: sp.hebb_couplings(10, 0.01), ValueError, "at least one pattern"),
    (lambda: sp.erdos_renyi(10, 20.0), ValueError, "d must be"),
    (lambda: sp.goe(10, rng=np.random.RandomState(0)), TypeError, "RandomState"),
    (lambda: sample_spectrum("nope", 10), ValueError, "ensemble must be one of"),
    (lambda: sample_spectrum("goe", 10, tau=0.5), ValueError, "unknown parameter"),
    (lambda: sample_spectrum("goe", 10, tau=0.5), ValueError, "does not apply"),
    (lambda: sp.SemicircleLaw(sigma=0.0), ValueError, "sigma"),
    (lambda: sp.MarchenkoPasturLaw(c=-1.0), ValueError, "c must be"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_samplers_do_not_depend_on_the_number_of_threads(monkeypatch):
    # the chunked normal generator must give the same matrix on 1 or many threads
    from esorma.spectra import ensembles

    many = sp.goe(1100, rng=21)
    many_g = sp.ginibre(1100, rng=22)
    monkeypatch.setattr(ensembles.os, "cpu_count", lambda: 1)
    np.testing.assert_array_equal(sp.goe(1100, rng=21), many)
    np.testing.assert_array_equal(sp.ginibre(1100, rng=22), many_g)
    import numba

    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sp.goe(1100, rng=21)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(one, many)


# --------------------------------------------------------------------------- names and aliases


def test_one_list_of_ensemble_names():
    assert tuple(ENSEMBLES) == sp.ENSEMBLE_NAMES
    assert all(ENSEMBLES[name].name == name for name in sp.ENSEMBLE_NAMES)
    assert set(sp.ENSEMBLE_ALIASES.values()) <= set(sp.ENSEMBLE_NAMES)
    assert not set(sp.ENSEMBLE_ALIASES) & set(sp.ENSEMBLE_NAMES)


def test_wigner_is_an_alias_of_goe():
    a = sample_spectrum("wigner", 50, rng=4)
    b = sample_spectrum("goe", 50, rng=4)
    assert a.ensemble == "goe"
    np.testing.assert_array_equal(a.eigenvalues, b.eigenvalues)
    with pytest.raises(ValueError, match="wigner for goe"):
        sp.resolve_ensemble("wishart-real")


@pytest.mark.parametrize("name", ["goe", "hebb", "dale", "wishart-complex", "elliptic"])
def test_spectrum_round_trips(name, roundtrip):
    s = sample_spectrum(name, 80, rng=2)
    back = roundtrip(s)
    assert back.summary() == s.summary()
    assert len(repr(s)) < 1000  # eigenvalues summarised, not printed


def test_importing_spectra_loads_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, esorma.spectra, esorma.spectra._names; "
            "print('numpy' in sys.modules, 'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


# --------------------------------------------------------------------------- large matrices


def test_large_goe_is_reproducible_from_a_saved_generator_state():
    n = 1500  # n (n + 1) / 2 > 2^20: the chunked (threaded) path
    assert n * (n + 1) // 2 >= ens._PARALLEL_MIN
    g = np.random.default_rng(5)
    state = g.bit_generator.state
    a = ens.goe(n, rng=g)
    g.bit_generator.state = state
    b = ens.goe(n, rng=g)
    np.testing.assert_array_equal(a, b)


def test_large_goe_changes_after_a_prior_draw():
    g = np.random.default_rng(0)
    g.random(10)
    assert not np.array_equal(ens.goe(1500, rng=g), ens.goe(1500, rng=0))
    # and the generator advanced: two consecutive draws differ
    g = np.random.default_rng(1)
    assert not np.array_equal(ens.goe(1500, rng=g), ens.goe(1500, rng=g))


def test_chunked_normals_do_not_need_generator_spawn():
    # numpy 1.24 (the declared minimum) has no Generator.spawn: a generator without it works
    class NoSpawn:
        def __init__(self, g):
            self._g = g

        def integers(self, *a, **k):
            return self._g.integers(*a, **k)

    z = ens._standard_normal(NoSpawn(np.random.default_rng(3)), (ens._PARALLEL_MIN,))
    np.testing.assert_array_equal(
        z, ens._standard_normal(np.random.default_rng(3), (ens._PARALLEL_MIN,)))
    # standard normals: mean 0, variance 1 within 5 standard errors (n = 2^20)
    assert abs(z.mean()) < 5 / 1024 and abs(z.var() - 1) < 5 * np.sqrt(2) / 1024


# --------------------------------------------------------------------------- summaries


@pytest.mark.parametrize("tau", [-1.0, 1.0])
def test_degenerate_elliptic_counts_no_eigenvalue_outside(tau):
    s = sample_spectrum("elliptic", 100, rng=0, tau=tau)
    assert s.n_outside == 0  # was 92 at tau = -1 (division by a zero semi-axis)
    assert s.summary()["n_outside_support"] == 0
    with pytest.raises(ValueError, match="segment"):
        s.law.standardize([0.5])


def test_default_dale_ensemble_matches_its_law():
    assert sp.ENSEMBLES["dale"].defaults["row_sum_zero"] is True
    s = sample_spectrum("dale", 300, rng=0)
    summary = s.summary()
    # seed 0, n = 300: radius 1.02 and KS 0.037 (was 1.42 and 0.068 without the constraint)
    assert summary["bulk_radius"] == pytest.approx(1.0, abs=0.08)
    assert s.fit.statistic < 0.06
    assert "note" not in summary


def test_dale_without_row_sum_constraint_says_escaping_eigenvalues_are_not_modelled():
    s = sample_spectrum("dale", 200, rng=0, row_sum_zero=False)
    assert "not modelled" in s.summary()["note"] and "not modelled" in s.law.label


def test_plain_dale_sampler_keeps_its_documented_default():
    import inspect

    assert inspect.signature(sp.dale).parameters["row_sum_zero"].default is False


@pytest.mark.parametrize("ensemble, params", [
    ("hebb", {"alpha": 0.1}), ("wishart", {"c": 2.0}), ("beta-laguerre", {"c": 2.0}),
])
def test_edges_exclude_the_point_mass(ensemble, params):
    s = sample_spectrum(ensemble, 300, rng=0, **params)
    out = s.summary()
    lo, hi = out["predicted_edges"]
    # the bulk edges within 15 % of the support width at n = 300 (seed 0); the atom is below
    assert out["edges"][0] == pytest.approx(lo, abs=0.15 * (hi - lo))
    assert out["edges"][1] == pytest.approx(hi, abs=0.15 * (hi - lo))
    assert out["edges"][0] > out["point_mass"]["location"] + 0.1


def test_dale_accepts_balanced_mu_i_and_rebalances_to_the_counts():
    J = sp.dale(999, f=0.8, mu_e=1.0, mu_i=-4.0, rng=0)  # raised before (799 vs 200 columns)
    assert J.shape == (999, 999)
    n_e, n_i, mu_i = sp.dale_counts_and_mu_i(999, 0.8, 1.0, -4.0, True)
    assert (n_e, n_i) == (799, 200) and n_e * 1.0 + n_i * mu_i == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="f mu_e"):
        sp.dale(999, f=0.8, mu_e=1.0, mu_i=-3.0)
    with pytest.raises(ValueError, match="n_E"):
        sp.dale(10, f=0.99, mu_e=1.0, mu_i=-99.0)  # round(9.9) = 10 columns, no inhibitory


def test_erdos_renyi_complete_graph_needs_unscaled():
    with pytest.raises(ValueError, match="d must be < n - 1"):
        sp.erdos_renyi(10, 9.0, rng=0)
    A = sp.erdos_renyi(10, 9.0, scaled=False, rng=0)
    assert np.array_equal(A, 1.0 - np.eye(10))


def test_rng_is_keyword_only():
    with pytest.raises(TypeError):
        sp.hebb_couplings(20, 0.5, 0)
    with pytest.raises(TypeError):
        sp.erdos_renyi(20, 3.0, 0)


def test_spectrum_params_record_the_balancing_mu_i():
    s = sample_spectrum("dale", 301, rng=0)  # round(150.5) = 150 excitatory, 151 inhibitory
    assert s.params["mu_i"] == pytest.approx(-150 / 151)
    # the recorded parameters reproduce the spectrum
    again = sample_spectrum("dale", 301, rng=0, **s.params)
    np.testing.assert_array_equal(again.eigenvalues, s.eigenvalues)


def test_ensemble_has_no_dead_fields():
    import dataclasses

    assert "dense" not in {f.name for f in dataclasses.fields(sp.Ensemble)}


def test_hebb_memory_error_blames_alpha():
    with pytest.raises(MemoryError, match="alpha"):
        sp.hebb_couplings(10, 1e9)

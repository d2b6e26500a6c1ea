"""The spectra studies: one ensemble (dense or Sturm-count summary), the gallery, the edge.

Each result round-trips through esorma.io; numbers are checked against their laws (with the
tolerances the command line was tested with before the studies moved into the library) and
the Sturm-count summaries against all eigenvalues of the same matrix.
"""

import math

import numpy as np
import pytest

import esorma.spectra as sp
from esorma.spectra import (
    GALLERY,
    GALLERY_MIN_N,
    TRIDIAGONAL_MIN_N,
    edge_study,
    spectrum_gallery,
    spectrum_study,
    sturm_summary,
)
from esorma.spectra.registry import _without_atoms

# --------------------------------------------------------------------------- one ensemble


def test_dense_study_is_the_registry_spectrum():
    r = spectrum_study("hebb", 300, alpha=0.2, rng=3)
    assert r.method == "dense" and r.sturm is None and r.seed == 3
    lib = sp.sample_spectrum("hebb", 300, rng=3, alpha=0.2)
    np.testing.assert_array_equal(r.spectrum.eigenvalues, lib.eigenvalues)
    s = r.summary()
    assert s["ensemble"] == "hebb" and s["n"] == 300 and s["seed"] == 3
    assert s["params"]["alpha"] == 0.2
    assert s["fit"]["statistic"] < 0.03
    assert s["point_mass"]["weight"] == pytest.approx(0.8)
    assert s["predicted_edges"][0] == pytest.approx((1 - 0.2**0.5) ** 2 - 0.2)
    assert r.law is r.spectrum.law and r.fit is r.spectrum.fit


def test_wigner_study_is_goe():
    r = spectrum_study("wigner", 100, rng=1)
    assert r.ensemble == "goe" and r.summary()["ensemble"] == "goe"


def test_large_beta_hermite_takes_the_tridiagonal_path():
    r = spectrum_study("beta-hermite", 300_000, bins=40, rng=0)
    assert r.method == "tridiagonal" and r.spectrum is None
    s = r.summary()
    assert s["method"] == "tridiagonal"
    assert s["lambda_max"] == pytest.approx(2.0, abs=0.01)
    assert s["fit"]["statistic"] < 0.005
    assert r.sturm.density.counts.size == 40 and int(r.sturm.density.counts.sum()) == 300_000
    assert s["n_outside_support"] == 0


def test_large_beta_laguerre_reports_its_point_mass():
    n = TRIDIAGONAL_MIN_N + 999  # 21 000 = 2 x 10 500: ratio exactly 2
    r = spectrum_study("beta-laguerre", n, c=2.0, rng=0)
    out = r.summary()
    assert out["method"] == "tridiagonal"
    assert out["point_mass"]["weight"] == pytest.approx(0.5, abs=1e-3)
    assert out["point_mass"]["predicted_weight"] == pytest.approx(0.5)
    assert out["edges"][0] == pytest.approx(out["predicted_edges"][0], abs=0.02)
    assert out["n_outside_support"] == 0


def test_tridiagonal_path_on_request_matches_the_dense_law():
    # the same sampler either way: beta-hermite's dense path diagonalises the same model
    dense = spectrum_study("beta-hermite", 2000, beta=2.0, rng=5)
    tri = spectrum_study("beta-hermite", 2000, beta=2.0, method="tridiagonal", rng=5)
    ev = dense.spectrum.eigenvalues
    assert tri.sturm.lambda_max == pytest.approx(ev[-1], rel=1e-10)
    assert tri.sturm.lambda_min == pytest.approx(ev[0], rel=1e-10)
    assert tri.sturm.edges == pytest.approx((ev[0], ev[-1]), rel=1e-10)


def test_sturm_counts_agree_with_all_eigenvalues():
    T = sp.beta_hermite(400, 1.0, rng=2)
    ev = sp.tridiagonal_eigenvalues(T)
    for law in (sp.SemicircleLaw(1.0), sp.SemicircleLaw(0.8)):  # the second has many outside
        got = sturm_summary(T, law, bins=10)
        lo, hi = law.support
        tol = 0.05 * (hi - lo)
        assert got.n_outside == int(np.sum((ev < lo - tol) | (ev > hi + tol)))
    assert got.n_outside > 0
    L = sp.beta_laguerre(400, 2.5, rng=3)
    ev = sp.tridiagonal_eigenvalues(L)
    law = sp.ENSEMBLES["beta-laguerre"].law(400, c=2.5)
    got = sturm_summary(L, law, bins=10)
    x = _without_atoms(ev, law)
    assert got.atom_weight == pytest.approx(1 - x.size / 400)
    assert got.edges == pytest.approx((x.min(), x.max()), rel=1e-10)
    # the grid KS distance is a lower bound of the exact one on all eigenvalues
    exact = sp.ks_distance(ev, law.cdf, cdf_left=lambda t: law.cdf(t, left=True))
    assert got.fit.statistic <= exact + 1e-12


def test_study_bad_input():
    with pytest.raises(ValueError, match="ensemble must be one of"):
        spectrum_study("nope", 10)
    with pytest.raises(ValueError, match="does not apply"):
        spectrum_study("goe", 10, tau=0.5)
    with pytest.raises(ValueError, match="n must be >= 1"):
        spectrum_study("goe", 0)
    with pytest.raises(ValueError, match="method must be one of"):
        spectrum_study("goe", 10, method="fast")
    with pytest.raises(ValueError, match="tridiagonal model"):
        spectrum_study("goe", 10, method="tridiagonal")
    with pytest.raises(ValueError, match="bins must be"):
        spectrum_study("beta-hermite", 10, bins=0)
    with pytest.raises(ValueError, match="c must be"):
        spectrum_study("beta-laguerre", TRIDIAGONAL_MIN_N, c=0.0)
    with pytest.raises(MemoryError, match="tridiagonal"):
        spectrum_study("goe", 10**7)
    with pytest.raises(ValueError, match="real law"):
        sturm_summary(sp.beta_hermite(10, rng=0), sp.CircularLaw())


@pytest.mark.parametrize("args, kwargs", [
    (("goe", 60), {}),
    (("dale", 80), {"balanced": False, "mu_e": 0.6, "mu_i": -0.3}),
    (("beta-laguerre", 3000), {"c": 2.0, "method": "tridiagonal"}),
])
def test_study_round_trips(args, kwargs, roundtrip):
    r = spectrum_study(*args, rng=1, **kwargs)
    back = roundtrip(r)
    assert back.summary() == r.summary()
    assert back.report() == r.report()


def test_report_and_summary_agree():
    r = spectrum_study("dale", 300, balanced=False, mu_e=0.6, mu_i=-0.3, row_sum_zero=True,
                       rng=0)
    s, text = r.summary(), "\n".join(r.report())
    assert "Rajan-Abbott" in text and "outliers" in text and "real eigvals" in text
    assert f"{s['fit']['statistic']:.4f}" in text and f"real eigvals   {s['n_real']}" in text
    r = spectrum_study("elliptic", 100, tau=-1.0, rng=0)
    assert "outside law" not in "\n".join(r.report())  # no bulk eigenvalue outside


# --------------------------------------------------------------------------- the gallery


@pytest.fixture(scope="module")
def small_gallery():
    # smaller than the default (tridiagonal density at 10^5, 30 Tracy-Widom samples)
    return spectrum_gallery(60, tw_samples=30, tridiagonal_n=10**5, rng=1)


def test_gallery_covers_every_ensemble(small_gallery):
    assert {name for name, _ in GALLERY} == set(sp.ENSEMBLE_NAMES)
    g = small_gallery
    assert [s.ensemble for s in g.spectra] == [name for name, _ in GALLERY]
    assert max(s.fit.statistic for s in g.spectra) < 0.25  # n = 60 per panel
    s = g.summary()
    assert len(s["gallery"]) == len(GALLERY)
    r = s["spacing_ratios"]
    assert r["goe_mean"] > r["poisson_mean"] + 0.08
    assert s["tridiagonal"]["n"] == 10**5
    assert s["tridiagonal"]["lambda_max"] == pytest.approx(2.0, abs=0.01)
    assert s["tracy_widom"]["samples"] == 30 and g.largest_eigenvalues.shape == (30,)


def test_gallery_is_reproducible_and_matches_its_panels(small_gallery):
    again = spectrum_gallery(60, extras=False, rng=1)
    assert not again.has_extras and again.density is None
    for a, b in zip(small_gallery.spectra, again.spectra):
        np.testing.assert_array_equal(a.eigenvalues, b.eigenvalues)


def test_gallery_round_trips(small_gallery, roundtrip):
    back = roundtrip(small_gallery)
    assert back.summary() == small_gallery.summary()
    assert "tuple[13 × Spectrum]" in repr(back)


def test_gallery_report_matches_summary(small_gallery):
    s, lines = small_gallery.summary(), small_gallery.report()
    for p, line in zip(s["gallery"], lines):
        assert line.startswith(p["ensemble"]) and line.endswith(f"{p['fit']['statistic']:.4f}")
    assert s["worst_fit"]["ensemble"] in lines[len(s["gallery"])]


def test_gallery_hebb_panel_has_enough_nonzero_eigenvalues(small_gallery):
    # rank P = round(alpha n): at n = 60 that is 8 eigenvalues; the panel gets its own size
    alpha = dict(GALLERY)["hebb"]["alpha"]
    (hebb,) = [s for s in small_gallery.spectra if s.ensemble == "hebb"]
    assert small_gallery.hebb_n == hebb.n == math.ceil(250 / alpha) == 1812
    p = round(alpha * hebb.n)
    nonzero = np.sum(np.abs(hebb.eigenvalues + p / hebb.n) > 1e-8)  # the rest sit at -P/n
    assert nonzero == p >= 250
    assert small_gallery.summary()["hebb_n"] == 1812
    assert all(s.n == 60 for s in small_gallery.spectra if s.ensemble != "hebb")
    plain = spectrum_gallery(60, extras=False, hebb_nonzero=0, rng=1)
    assert plain.hebb_n == 60 and all(s.n == 60 for s in plain.spectra)
    with pytest.raises(ValueError, match="hebb_nonzero"):
        spectrum_gallery(60, extras=False, hebb_nonzero=-1)


def test_gallery_refuses_small_n():
    with pytest.raises(ValueError, match=f">= {GALLERY_MIN_N} for the gallery"):
        spectrum_gallery(10)


# --------------------------------------------------------------------------- the edge


def test_edge_study_follows_tracy_widom(roundtrip):
    # the criterion of test_largest_eigenvalue_tracy_widom_scaling (tests/spectra/
    # test_tridiagonal.py): 150 samples at n = 400, KS test against TW_beta with p > 0.01
    from scipy.stats import kstest

    e = edge_study(400, 150, [10**3, 10**5], rng=3)
    assert e.samples.shape == (2, 150) and e.betas.tolist() == [1, 2]
    for row, beta in zip(e.standardized(), e.betas):
        assert kstest(row, lambda x, b=int(beta): sp.tracy_widom_cdf(x, b)).pvalue > 0.01
    # one sample per size: within 5 n^(-2/3) of the edge (|TW| < 5 with overwhelming odds)
    assert np.all(np.abs(e.lambda_max - 2.0) < 5 * e.sizes ** (-2 / 3))
    assert np.all(e.seconds_per_size > 0)
    back = roundtrip(e)
    assert back.summary() == e.summary()

"""Tracy-Widom laws against published values, laws' densities/CDFs, goodness of fit, spacing
ratios and the Wigner surmise."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

import esorma.spectra as sp

# Published moments of TW_1 and TW_2 (Bornemann, Math. Comp. 79 (2010), table 6; also
# Tracy & Widom 1994/1996): mean, variance, skewness, excess kurtosis.
TW_PUBLISHED = {
    1: (-1.2065335745820, 1.607781034581, 0.29346452408, 0.1652429384),
    2: (-1.7710868074116, 0.8131947928329, 0.224084203610, 0.0934480876),
}


@pytest.mark.parametrize("beta", [1, 2])
def test_tracy_widom_moments_match_published_values(beta):
    got = sp.tracy_widom_moments(beta)
    np.testing.assert_allclose(got, TW_PUBLISHED[beta], rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("beta", [1, 2])
def test_tracy_widom_cdf_is_a_distribution_and_converged(beta):
    s = np.linspace(-8, 6, 57)
    F = sp.tracy_widom_cdf(s, beta)
    assert np.all(np.diff(F) > 0) and F[0] < 1e-6 and F[-1] > 1 - 1e-5
    np.testing.assert_allclose(F, sp.tracy_widom_cdf(s, beta, n_quad=100), atol=1e-12)
    total = quad(lambda x: sp.tracy_widom_pdf(x, beta), -10, 8, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-6)
    # left tail (Baik, Buckingham & DiFranco 2008): log F_2(s) = -|s|^3/12 - ln|s|/8 + c,
    # log F_1(s) = -|s|^3/24 - |s|^(3/2)/(3 sqrt 2) - ln|s|/16 + c; differences between
    # s = -8 and s = -6 cancel the constants (tolerance 1e-3 relative)
    def tail(x):
        a = abs(x)
        if beta == 2:
            return -a**3 / 12 - np.log(a) / 8
        return -a**3 / 24 - a**1.5 / (3 * math.sqrt(2)) - np.log(a) / 16

    got = np.log(sp.tracy_widom_cdf(-8.0, beta)) - np.log(sp.tracy_widom_cdf(-6.0, beta))
    assert got == pytest.approx(tail(-8.0) - tail(-6.0), rel=1e-3)


def test_tracy_widom_values_and_law_object():
    # F_2(0), F_1(0) as given by independent Bornemann-method implementations
    assert sp.tracy_widom_cdf(0.0, 2) == pytest.approx(0.9693728283552, abs=1e-10)
    assert sp.tracy_widom_cdf(0.0, 1) == pytest.approx(0.8319080662029, abs=1e-10)
    law = sp.TracyWidomLaw.for_matrix(1000, beta=1, sigma=2.0)
    assert law.center == 4.0 and law.scale == pytest.approx(0.02)
    assert law.mean == pytest.approx(4.0 + 0.02 * TW_PUBLISHED[1][0])
    assert float(law.cdf(law.center)) == pytest.approx(0.8319080662029, abs=1e-10)
    with pytest.raises(ValueError, match="beta must be 1 or 2"):
        sp.tracy_widom_cdf(0.0, 4)


def test_semicircle_and_marchenko_pastur_cdfs_integrate_their_densities():
    sc = sp.SemicircleLaw(sigma=0.7, center=0.3)
    for x in (-0.9, 0.1, 0.3, 1.2):
        assert sc.cdf(x) == pytest.approx(quad(sc.pdf, -2, x)[0], abs=1e-8)
    assert sc.moment(2) == pytest.approx(0.49) and sc.moment(4) == pytest.approx(2 * 0.7**4)
    for c in (0.3, 1.0, 2.5):
        mp = sp.MarchenkoPasturLaw(c, scale=1.5, shift=-0.2)
        lo, hi = mp.support
        for x in np.linspace(lo, hi, 7)[1:-1]:
            expected = quad(mp.pdf, lo, x, limit=200)[0] + (1 - 1 / c if c > 1 else 0)
            assert mp.cdf(x) == pytest.approx(expected, abs=1e-5)
        assert mp.cdf(hi + 1) == pytest.approx(1.0)
        # moments of the unscaled law: E W = 1, E W^2 = 1 + c, E W^3 = 1 + 3c + c^2
        plain = sp.MarchenkoPasturLaw(c)
        m3 = quad(lambda x: x**3 * plain.pdf(x), *plain.support, limit=200)[0]
        assert plain.moment(3) == pytest.approx(1 + 3 * c + c * c)
        assert m3 == pytest.approx(plain.moment(3), rel=1e-5)
    mp = sp.MarchenkoPasturLaw(4.0)
    assert mp.cdf(0.0) == pytest.approx(0.75) and mp.cdf(0.0, left=True) == 0.0


def test_rajan_abbott_radial_law():
    uniform = sp.RajanAbbottLaw(f=0.3, var_e=2.0, var_i=2.0)
    rho = np.linspace(0, 1, 11)
    np.testing.assert_allclose(uniform.radial_cdf(rho), rho**2, atol=1e-12)
    law = sp.RajanAbbottLaw(f=0.8, var_e=1.0, var_i=6.25)
    F = law.radial_cdf(rho)
    assert F[0] == 0 and F[-1] == pytest.approx(1.0) and np.all(np.diff(F) > 0)
    assert np.all(F[1:-1] > rho[1:-1] ** 2)  # mass pushed to the centre
    # the area density integrates to 1 over the disc
    total = quad(lambda r: 2 * np.pi * r * law.radial_density(r), 0, law.radius, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-4)
    # one population with zero variance: F = f_nonzero-weighted Ginibre + mass at 0? The
    # formula gives F(0+) = weight of the zero-variance population (a point mass at 0).
    degenerate = sp.RajanAbbottLaw(f=0.5, var_e=0.0, var_i=1.0)
    assert float(degenerate.radial_cdf(1e-6)) == pytest.approx(0.5, abs=1e-4)


def test_ks_distance_exact_and_with_point_mass():
    assert sp.ks_distance([0.5], lambda x: x) == pytest.approx(0.5)
    assert sp.ks_distance([0.25, 0.75], lambda x: np.clip(x, 0, 1)) == pytest.approx(0.25)
    law = sp.MarchenkoPasturLaw(2.0)  # mass 1/2 at 0
    zeros_only = np.zeros(10)
    fit = sp.goodness_of_fit(zeros_only, law)
    assert fit.statistic == pytest.approx(0.5)
    with pytest.raises(ValueError, match="empty"):
        sp.ks_distance([], lambda x: x)


def test_goodness_of_fit_complex_and_p_value():
    rng = np.random.default_rng(0)
    # exact uniform points in the unit disc: fit ~ n^-1/2 and p-value not tiny
    z = np.sqrt(rng.random(2000)) * np.exp(2j * np.pi * rng.random(2000))
    fit = sp.goodness_of_fit(z, sp.CircularLaw(1.0))
    assert fit.method == "ks-radial-angular" and fit.statistic < 0.04 and fit.p_value > 0.01
    # the same points against a disc of radius 1.2 fail clearly
    assert sp.goodness_of_fit(z, sp.CircularLaw(1.2)).radial > 0.25


def test_spacing_ratios_poisson_goe_gue():
    rng = np.random.default_rng(1)
    poisson = np.sort(rng.random(20000))
    r = sp.spacing_ratios(poisson)
    # Poisson <r~> = 2 ln 2 - 1 = 0.3863; standard error ~0.002, tolerance 0.01
    assert r.mean() == pytest.approx(2 * math.log(2) - 1, abs=0.01)
    goe_r = np.concatenate([sp.spacing_ratios(np.linalg.eigvalsh(sp.goe(400, rng=rng)))
                            for _ in range(5)])
    gue_r = np.concatenate([sp.spacing_ratios(np.linalg.eigvalsh(sp.gue(300, rng=rng)))
                            for _ in range(5)])
    # Atas et al. large-N: GOE 0.5307, GUE 0.5996; tolerance 0.015 (standard error ~0.004)
    assert goe_r.mean() == pytest.approx(sp.mean_spacing_ratio("goe"), abs=0.015)
    assert gue_r.mean() == pytest.approx(sp.mean_spacing_ratio("gue"), abs=0.015)
    assert sp.level_statistics(poisson)["closest"] == "poisson"
    ev = np.linalg.eigvalsh(sp.goe(600, rng=2))
    assert sp.level_statistics(ev)["closest"] == "goe"


@pytest.mark.parametrize("kind", ["poisson", "goe", "gue", "gse"])
def test_spacing_ratio_surmise_normalised_with_its_mean(kind):
    total = quad(lambda r: sp.spacing_ratio_pdf(r, kind), 0, 1)[0]
    mean = quad(lambda r: r * sp.spacing_ratio_pdf(r, kind), 0, 1)[0]
    assert total == pytest.approx(1.0, abs=1e-8)
    assert mean == pytest.approx(sp.mean_spacing_ratio(kind, surmise=True), abs=1e-6)


@pytest.mark.parametrize("kind", ["poisson", "goe", "gue", "gse"])
def test_wigner_surmise_normalised_with_unit_mean(kind):
    assert quad(lambda s: sp.wigner_surmise(s, kind), 0, 60)[0] == pytest.approx(1.0, abs=1e-8)
    assert quad(lambda s: s * sp.wigner_surmise(s, kind), 0, 60)[0] == pytest.approx(1.0,
                                                                                     abs=1e-8)


def test_unfolded_goe_spacings_follow_the_wigner_surmise():
    ev = np.linalg.eigvalsh(sp.goe(800, rng=3))
    s = sp.spacings(ev, sp.SemicircleLaw(), trim=0.1)
    assert s.mean() == pytest.approx(1.0)

    def surmise_cdf(x):
        return 1 - np.exp(-np.pi * np.asarray(x) ** 2 / 4)

    def poisson_cdf(x):
        return 1 - np.exp(-np.asarray(x))

    # GOE spacings: KS to the surmise < 0.05 (surmise error ~0.01 + noise), Poisson far off
    assert sp.ks_distance(s, surmise_cdf) < 0.05
    assert sp.ks_distance(s, poisson_cdf) > 0.2


def test_statistics_bad_input():
    with pytest.raises(ValueError, match="at least 3"):
        sp.spacing_ratios([1.0, 2.0])
    with pytest.raises(ValueError, match="kind must be"):
        sp.mean_spacing_ratio("goa")
    with pytest.raises(ValueError, match="kind must be"):
        sp.wigner_surmise(1.0, "abc")
    with pytest.raises(ValueError, match="distinct"):
        sp.spacing_ratios([1, 1, 1, 1])  # equal levels have no ratio


def test_degenerate_elliptic_law_measures_points_along_its_segment():
    law = sp.EllipticLaw(-1.0)  # the segment [-2i, 2i]
    t, u = law.segment_coordinates(np.array([1j, 2.5j, 0.5 + 0j]))
    np.testing.assert_allclose(t, [0.5, 1.25, 0.0])
    np.testing.assert_allclose(u, [0.0, 0.0, 0.25])
    with pytest.raises(ValueError, match="segment"):
        law.standardize([0.5])


def test_no_dead_law_methods():
    assert not hasattr(sp.EllipticLaw, "marginal_real")


@pytest.mark.parametrize("law", [
    sp.SemicircleLaw(0.8, center=-0.05, outliers=(2.5,)),
    sp.MarchenkoPasturLaw(c=2.0, scale=0.5, shift=-0.5),
    sp.CircularLaw(1.5),
    sp.EllipticLaw(0.3, outliers=(1.9,)),
    sp.RajanAbbottLaw(f=0.8, var_e=1.0, var_i=6.25, outliers=(2.0,), note="a note"),
])
def test_laws_round_trip_with_tuple_outliers(law, roundtrip):
    back = roundtrip(law)
    assert back == law and isinstance(back.outliers, tuple)
    assert back.label == law.label


def test_fit_round_trips(roundtrip):
    fit = sp.goodness_of_fit(np.linalg.eigvals(sp.ginibre(100, rng=0)), sp.CircularLaw())
    assert roundtrip(fit).p_value == fit.p_value


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, complex(np.nan, 0.0)])
def test_non_finite_levels_refused_by_name(bad):
    """NaN/inf in a statistic's input is an error naming the argument, never a passed-on NaN."""
    from esorma.spectra import SemicircleLaw
    from esorma.spectra.statistics import (
        goodness_of_fit,
        ks_distance,
        level_statistics,
        spacing_ratios,
        spacings,
        split_outliers,
        unfold,
    )

    levels = np.array([0.0, 1.0, bad, 3.0, 4.0])
    for fn in (spacing_ratios, level_statistics, spacings,
               lambda x: unfold(x, SemicircleLaw()), lambda x: goodness_of_fit(x, SemicircleLaw()),
               lambda x: split_outliers(x, SemicircleLaw(outliers=(5.0,)))):
        with pytest.raises(ValueError, match="eigenvalues must be finite; found 1 NaN or inf"):
            fn(levels)
    with pytest.raises(ValueError, match="sample must be finite"):
        ks_distance(levels.real, lambda x: x)


def test_masked_levels_refused_and_density_inputs_checked():
    from esorma.spectra.statistics import spacing_ratio_pdf, spacing_ratios, wigner_surmise

    with pytest.raises(TypeError, match="eigenvalues must be a plain array"):
        spacing_ratios(np.ma.array([0.0, 1.0, 3.0, 4.0], mask=[0, 1, 0, 0]))
    with pytest.raises(ValueError, match="r must not contain NaN"):
        spacing_ratio_pdf([0.5, np.nan])
    with pytest.raises(ValueError, match="s must not contain NaN"):
        wigner_surmise([np.nan])
    # the densities vanish at infinity (no inf/inf = NaN)
    assert wigner_surmise([np.inf], "gse").tolist() == [0.0]
    assert spacing_ratio_pdf([np.inf], "goe", tilde=False).tolist() == [0.0]

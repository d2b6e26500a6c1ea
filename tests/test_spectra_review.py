"""Regression tests for the review of issue #4 (one block per defect, in the review's order).

Each test failed before its fix and passes after it.
"""

import dataclasses
import json

import numpy as np
import pytest

import esorma.spectra as sp
from esorma.cli import main
from esorma.cli import spectrum as cli_spectrum
from esorma.spectra import ensembles as ens
from esorma.spectra import sample_spectrum


# 1. large matrices depend on the generator state only ----------------------------------------

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


# 2. elliptic law at tau = +-1 (a segment) -----------------------------------------------------

@pytest.mark.parametrize("tau", [-1.0, 1.0])
def test_degenerate_elliptic_counts_no_eigenvalue_outside(tau):
    s = sample_spectrum("elliptic", 100, rng=0, tau=tau)
    assert s.n_outside == 0  # was 92 at tau = -1 (division by a zero semi-axis)
    assert s.summary()["n_outside_support"] == 0
    with pytest.raises(ValueError, match="segment"):
        s.law.standardize([0.5])


def test_degenerate_elliptic_counts_points_off_the_segment():
    law = sp.EllipticLaw(-1.0)  # the segment [-2i, 2i]
    t, u = law.segment_coordinates(np.array([1j, 2.5j, 0.5 + 0j]))
    np.testing.assert_allclose(t, [0.5, 1.25, 0.0])
    np.testing.assert_allclose(u, [0.0, 0.0, 0.25])


def test_cli_elliptic_tau_minus_one_has_no_outside_line(capsys):
    assert main(["spectrum", "elliptic", "--n", "100", "--tau", "-1"]) == 0
    assert "outside law" not in capsys.readouterr().out


# 3. the default Dale ensemble agrees with its law --------------------------------------------

def test_default_dale_ensemble_matches_its_law():
    assert sp.ENSEMBLES["dale"].defaults["row_sum_zero"] is True
    s = sample_spectrum("dale", 300, rng=0)
    summary = s.summary()
    # seed 0, n = 300: radius 1.02 and KS 0.037 (was 1.42 and 0.068 without the constraint)
    assert summary["bulk_radius"] == pytest.approx(1.0, abs=0.08)
    assert s.fit.statistic < 0.06
    assert "note" not in summary


def test_dale_without_row_sum_constraint_says_escaping_eigenvalues_are_not_modelled(capsys):
    s = sample_spectrum("dale", 200, rng=0, row_sum_zero=False)
    assert "not modelled" in s.summary()["note"] and "not modelled" in s.law.label
    assert main(["spectrum", "dale", "--n", "200", "--no-row-sum-zero"]) == 0
    assert "not modelled" in capsys.readouterr().out


def test_plain_dale_sampler_keeps_its_documented_default():
    import inspect

    assert inspect.signature(sp.dale).parameters["row_sum_zero"].default is False


# 4. edges exclude point masses ---------------------------------------------------------------

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


# 5. the large-n tridiagonal path reports outside counts and the point mass -------------------

def test_cli_large_tridiagonal_reports_point_mass(capsys):
    n = cli_spectrum._TRIDIAGONAL_DENSE_MAX + 1000
    assert main(["spectrum", "beta-laguerre", "--n", str(n), "--c", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["path"].startswith("tridiagonal")
    assert out["point_mass"]["weight"] == pytest.approx(0.5, abs=1e-3)
    assert out["point_mass"]["predicted_weight"] == pytest.approx(0.5)
    assert out["edges"][0] == pytest.approx(out["predicted_edges"][0], abs=0.02)
    assert out["n_outside_support"] == 0


def test_sturm_counts_agree_with_all_eigenvalues():
    from esorma.spectra.laws import SemicircleLaw
    from esorma.spectra.registry import _without_atoms

    T = sp.beta_hermite(400, 1.0, rng=2)
    ev = sp.tridiagonal_eigenvalues(T)
    for law in (SemicircleLaw(1.0), SemicircleLaw(0.8)):  # the second has many outside
        dens = sp.tridiagonal_density(T, bins=10)
        got = cli_spectrum._tridiagonal_support_counts(T, law, dens)
        lo, hi = law.support
        tol = 0.05 * (hi - lo)
        assert got["n_outside_support"] == int(np.sum((ev < lo - tol) | (ev > hi + tol)))
    assert got["n_outside_support"] > 0
    L = sp.beta_laguerre(400, 2.5, rng=3)
    ev = sp.tridiagonal_eigenvalues(L)
    law = sp.ENSEMBLES["beta-laguerre"].law(400, c=2.5)
    got = cli_spectrum._tridiagonal_support_counts(L, law, sp.tridiagonal_density(L, bins=10))
    x = _without_atoms(ev, law)
    assert got["point_mass"]["weight"] == pytest.approx(1 - x.size / 400)
    assert got["edges"] == pytest.approx([x.min(), x.max()], rel=1e-10)


# 6. an exactly balanced explicit mu_i --------------------------------------------------------

def test_dale_accepts_balanced_mu_i_and_rebalances_to_the_counts():
    J = sp.dale(999, f=0.8, mu_e=1.0, mu_i=-4.0, rng=0)  # raised before (799 vs 200 columns)
    assert J.shape == (999, 999)
    n_e, n_i, mu_i = sp.dale_counts_and_mu_i(999, 0.8, 1.0, -4.0, True)
    assert (n_e, n_i) == (799, 200) and n_e * 1.0 + n_i * mu_i == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="f mu_e"):
        sp.dale(999, f=0.8, mu_e=1.0, mu_i=-3.0)
    with pytest.raises(ValueError, match="n_E"):
        sp.dale(10, f=0.99, mu_e=1.0, mu_i=-99.0)  # round(9.9) = 10 columns, no inhibitory


# 7. Erdos-Renyi complete graph when scaled ---------------------------------------------------

def test_erdos_renyi_complete_graph_needs_unscaled():
    with pytest.raises(ValueError, match="d must be < n - 1"):
        sp.erdos_renyi(10, 9.0, rng=0)
    A = sp.erdos_renyi(10, 9.0, scaled=False, rng=0)
    assert np.array_equal(A, 1.0 - np.eye(10))


# 8. rng keyword-only; params record the mu_i used --------------------------------------------

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


# 9. dead code removed ------------------------------------------------------------------------

def test_dead_code_is_gone():
    assert "dense" not in {f.name for f in dataclasses.fields(sp.Ensemble)}
    assert not hasattr(sp.EllipticLaw, "marginal_real")
    assert all(isinstance(p, str) for p in cli_spectrum._PARAMS)


# 10. bad-input messages ----------------------------------------------------------------------

def test_hebb_memory_error_blames_alpha():
    with pytest.raises(MemoryError, match="alpha"):
        sp.hebb_couplings(10, 1e9)


def test_gallery_refuses_small_n_with_a_clear_message(capsys):
    assert main(["spectrum", "--gallery", "--n", "10"]) == 2
    err = capsys.readouterr().err
    assert f">= {cli_spectrum.GALLERY_MIN_N}" in err and "gallery" in err


def test_spacing_ratios_of_equal_levels_raise():
    with pytest.raises(ValueError, match="distinct"):
        sp.spacing_ratios([1, 1, 1, 1])

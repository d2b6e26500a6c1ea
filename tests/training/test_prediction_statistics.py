"""The statistics of the prediction study on synthetic data whose answer is known."""

import numpy as np
import pytest

from esorma.training.prediction import bootstrap_spearman, cross_validated_r2


def test_a_feature_equal_to_the_target_gives_rho_one_with_a_degenerate_interval():
    y = np.random.default_rng(0).normal(size=60)
    assert bootstrap_spearman(y, y, rng=1) == (1.0, 1.0, 1.0)
    # rank correlation: any increasing transform of the target is as good as the target
    rho, lo, hi = bootstrap_spearman(np.exp(3 * y), y, rng=1)
    assert (rho, lo, hi) == (1.0, 1.0, 1.0)
    rho, lo, hi = bootstrap_spearman(-y, y, rng=1)
    assert (rho, lo, hi) == (-1.0, -1.0, -1.0)


def test_a_noise_feature_gives_rho_near_zero_inside_its_interval():
    g = np.random.default_rng(2026)  # seed of the data; tolerance: |rho| < 3 / sqrt(n)
    x, y = g.normal(size=300), g.normal(size=300)
    rho, lo, hi = bootstrap_spearman(x, y, n_boot=1000, rng=7)
    assert abs(rho) < 3 / np.sqrt(300)
    assert lo < 0.0 < hi and lo < rho < hi
    assert hi - lo < 0.3  # about 2 x 1.96 / sqrt(n) = 0.23


def test_the_interval_covers_zero_for_independent_data_at_about_its_level():
    # 200 independent data sets of 40 pairs (seed 11), 95 % intervals from 300 resamples:
    # coverage of rho = 0 within [0.88, 0.99] (binomial sd at 0.95 is 0.015; the percentile
    # bootstrap under-covers slightly at small n).
    g = np.random.default_rng(11)
    covered = 0
    for _ in range(200):
        _, lo, hi = bootstrap_spearman(g.normal(size=40), g.normal(size=40), n_boot=300, rng=g)
        covered += lo <= 0.0 <= hi
    assert 0.88 <= covered / 200 <= 0.99


def test_the_bootstrap_is_reproducible_for_a_seed_and_drops_non_finite_pairs():
    g = np.random.default_rng(3)
    x, y = g.normal(size=50), g.normal(size=50)
    assert bootstrap_spearman(x, y, rng=5) == bootstrap_spearman(x, y, rng=5)
    x2, y2 = np.append(x, [np.nan, 1.0]), np.append(y, [0.0, np.inf])
    assert bootstrap_spearman(x2, y2, rng=5) == bootstrap_spearman(x, y, rng=5)
    assert np.isnan(bootstrap_spearman([1.0, 2.0], [2.0, 1.0])[0])  # fewer than 3 pairs
    assert np.isnan(bootstrap_spearman(np.ones(10), np.arange(10.0))[0])  # constant feature


def test_a_perfect_linear_feature_gives_r2_one_and_noise_gives_r2_at_most_zero():
    g = np.random.default_rng(4)
    x = g.normal(size=100)
    r2, spread = cross_validated_r2(x, 2.0 - 3.0 * x, ridge=0.0, n_repeats=3, rng=0)
    assert r2 == pytest.approx(1.0, abs=1e-12) and spread < 1e-12
    noise = g.normal(size=(100, 3))
    r2, _ = cross_validated_r2(noise, g.normal(size=100), n_repeats=5, rng=0)
    assert -0.2 < r2 < 0.02  # out of sample, useless features do not explain anything


def test_r2_recovers_the_explained_fraction_of_a_noisy_linear_model():
    # y = x + e with var x = var e = 1: the population R² is 1/2 (seed 8; n = 2000, so the
    # estimate is within a few 1/sqrt(n) of it).
    g = np.random.default_rng(8)
    x = g.normal(size=2000)
    y = x + g.normal(size=2000)
    r2, spread = cross_validated_r2(np.column_stack([x, g.normal(size=2000)]), y,
                                    n_repeats=3, rng=1)
    assert r2 == pytest.approx(0.5, abs=0.06)
    assert 0 < spread < 0.02


def test_bad_input_is_refused_naming_the_argument():
    with pytest.raises(ValueError, match="same length"):
        bootstrap_spearman([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_spearman([1, 2, 3], [1, 2, 3], confidence=1.0)
    with pytest.raises(ValueError, match="n_folds"):
        cross_validated_r2(np.arange(10.0), np.arange(10.0), n_folds=1)
    with pytest.raises(ValueError, match="same number of samples"):
        cross_validated_r2(np.ones((5, 2)), np.ones(4))
    assert np.isnan(cross_validated_r2(np.arange(3.0), np.arange(3.0), n_folds=5)[0])

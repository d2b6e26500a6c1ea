"""Weight-spectrum analysis against planted low-rank-plus-noise matrices with known answers.

Model (esorma.spectra.weights): W = sum_i theta_i u_i v_i^T + sigma Z / sqrt(q), Z iid N(0, 1),
q = max(n, m), c = min(n, m) / q. Large-q limits from Benaych-Georges & Nadakuditi (2012),
example 3.1. Finite-size tolerances below are several times the O(q^-1/2) fluctuations at the
stated sizes and seeds.
"""

import math

import numpy as np
import pytest

from esorma.spectra import (
    bbp_outlier,
    bbp_overlaps,
    bbp_strength,
    bbp_threshold,
    entropy_rank,
    estimate_noise,
    fit_power_law,
    layer_similarity,
    singular_value_edges,
    stable_rank,
    subspace_overlap,
    training_weight_spectra,
    weight_spectrum,
)


def _unit(rng, n):
    x = rng.standard_normal(n)
    return x / np.linalg.norm(x)


def _planted(rng, n, m, thetas, sigma=1.0):
    q = max(n, m)
    us = [_unit(rng, n) for _ in thetas]
    vs = [_unit(rng, m) for _ in thetas]
    W = sigma * rng.standard_normal((n, m)) / math.sqrt(q)
    for t, u, v in zip(thetas, us, vs):
        W += t * np.outer(u, v)
    return W, us, vs


# ----------------------------------------------------------------------------- the formulas
def test_bbp_formulas_meet_the_bulk_edge_at_the_threshold():
    c = 0.3
    t = bbp_threshold(c) * (1 + 1e-9)
    assert bbp_outlier(t, c) == pytest.approx(1 + math.sqrt(c), abs=1e-6)
    assert all(x == pytest.approx(0.0, abs=1e-6) for x in bbp_overlaps(t, c))
    assert math.isnan(bbp_outlier(0.9 * bbp_threshold(c), c))
    # large signals: the outlier is the signal and the vectors align
    assert bbp_outlier(1e4, c) == pytest.approx(1e4, rel=1e-6)
    assert all(x == pytest.approx(1.0, abs=1e-6) for x in bbp_overlaps(1e4, c))


def test_bbp_strength_inverts_the_outlier_location():
    thetas = np.array([0.8, 1.0, 2.0, 5.0])
    for c in (0.1, 0.5, 1.0):
        ok = thetas > bbp_threshold(c)
        back = bbp_strength(bbp_outlier(2.0 * thetas[ok], c, 2.0), c, 2.0)
        np.testing.assert_allclose(back, 2.0 * thetas[ok], rtol=1e-9)


def test_square_matrix_outlier_has_the_closed_form_of_c_equal_one():
    # c = 1: outlier at t + 1/t, overlaps 1 - 1/t^2 on both sides
    t = 2.0
    assert bbp_outlier(t, 1.0) == pytest.approx(t + 1 / t)
    assert bbp_overlaps(t, 1.0) == pytest.approx((1 - 1 / t**2, 1 - 1 / t**2))


# ----------------------------------------------------------------------------- planted matrices
@pytest.mark.parametrize("theta", [1.2, 2.0, 3.0])
def test_planted_rank_one_outlier_location_and_overlaps(theta):
    rng = np.random.default_rng(20240 + int(10 * theta))
    n, m, sigma = 400, 1600, 0.7
    c = n / m
    W, (u,), (v,) = _planted(rng, n, m, [theta * sigma], sigma)
    ws = weight_spectrum(W)  # noise estimated from the median
    assert ws.noise_std * math.sqrt(m) == pytest.approx(sigma, rel=0.02)
    assert ws.n_outliers == 1
    # fluctuations of the outlier: about sigma / sqrt(q) = 0.018 here; allow ~3.5 of them
    assert ws.singular_values[0] == pytest.approx(bbp_outlier(theta, c) * sigma, abs=0.06)
    # spreads over 20 seeds at this size: strength 2.9 % (theta = 1.2) to 0.8 % (3.0),
    # squared overlaps 0.019 (1.2) to 0.002 (3.0); tolerances are ~3.5 spreads of the worst
    assert ws.outlier_strengths[0] == pytest.approx(theta * sigma, rel=0.1)
    short, long_ = bbp_overlaps(theta, c)
    assert (ws.left[:, 0] @ u) ** 2 == pytest.approx(short, abs=0.07)
    assert (ws.right[:, 0] @ v) ** 2 == pytest.approx(long_, abs=0.07)
    # the reported prediction uses the estimated strength and agrees with the truth
    assert ws.predicted_overlaps[0] == pytest.approx([short, long_], abs=0.07)


def test_tall_matrix_swaps_the_short_and_long_sides():
    rng = np.random.default_rng(7)
    n, m, theta = 1600, 400, 2.0
    W, (u,), (v,) = _planted(rng, n, m, [theta])
    ws = weight_spectrum(W, noise=1 / math.sqrt(n))
    short, long_ = bbp_overlaps(theta, m / n)
    assert ws.n_outliers == 1 and ws.aspect == 0.25
    assert (ws.right[:, 0] @ v) ** 2 == pytest.approx(short, abs=0.06)  # v has length p = m
    assert (ws.left[:, 0] @ u) ** 2 == pytest.approx(long_, abs=0.06)


def test_signal_below_the_bbp_threshold_leaves_no_outlier():
    rng = np.random.default_rng(11)
    n, m = 400, 1600
    theta = 0.5 * bbp_threshold(n / m)
    W, _, _ = _planted(rng, n, m, [theta])
    ws = weight_spectrum(W)
    assert ws.n_outliers == 0
    assert ws.singular_values[0] == pytest.approx(ws.edges[1], abs=0.03)


def test_rank_three_signal_recovers_three_strengths():
    rng = np.random.default_rng(3)
    thetas = [4.0, 2.5, 1.5]
    W, us, _ = _planted(rng, 300, 900, thetas)
    ws = weight_spectrum(W)
    assert ws.n_outliers == 3
    np.testing.assert_allclose(ws.outlier_strengths, thetas, rtol=0.06)
    # each outlier's left vector is aligned with its own planted vector, not the others
    G = np.abs(ws.left.T @ np.stack(us, axis=1))
    assert np.all(np.argmax(G, axis=1) == [0, 1, 2])


def test_pure_noise_follows_marchenko_pastur_and_has_no_outlier():
    rng = np.random.default_rng(5)
    n, m, std = 500, 1000, 0.03
    W = std * rng.standard_normal((n, m))
    ws = weight_spectrum(W)
    assert ws.n_outliers == 0
    assert ws.noise_std == pytest.approx(std, rel=0.01)
    assert estimate_noise(ws.singular_values**2, W.shape, "frobenius") == pytest.approx(std,
                                                                                        rel=0.01)
    # KS distance of 500 eigenvalues to their limit law: O(1/p) for random-matrix eigenvalues
    assert ws.bulk_ks < 0.02
    lo, hi = singular_value_edges(W.shape, std)
    assert ws.singular_values[0] == pytest.approx(hi, rel=0.02)
    assert ws.singular_values[-1] == pytest.approx(lo, rel=0.05)


def test_false_outlier_rate_of_the_tracy_widom_margin_is_small():
    rng = np.random.default_rng(99)
    counts = [weight_spectrum(rng.standard_normal((60, 120))).n_outliers for _ in range(100)]
    # P(TW1 > 4) ~ 5e-4: expect about 0.05 false outliers in 100 matrices; allow 2
    assert sum(counts) <= 2


def test_gram_and_svd_give_the_same_singular_values():
    rng = np.random.default_rng(1)
    W, _, _ = _planted(rng, 650, 700, [3.0])
    a = weight_spectrum(W, method="gram")
    b = weight_spectrum(W, method="svd")
    np.testing.assert_allclose(a.singular_values[:600], b.singular_values[:600], rtol=1e-8)
    assert abs(a.left[:, 0] @ b.left[:, 0]) == pytest.approx(1.0, abs=1e-10)
    assert abs(a.right[:, 0] @ b.right[:, 0]) == pytest.approx(1.0, abs=1e-10)


# ----------------------------------------------------------------------------- ranks
def test_stable_and_entropy_rank_small_references():
    assert stable_rank([1.0, 1.0, 1.0, 1.0]) == 4.0
    assert entropy_rank([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0)
    assert stable_rank([5.0, 0.0]) == 1.0 and entropy_rank([5.0, 0.0]) == pytest.approx(1.0)
    # Roy & Vetterli: p = (1/2, 1/4, 1/4) -> H = 1.5 log 2, erank = 2^1.5
    assert entropy_rank([2.0, 1.0, 1.0]) == pytest.approx(2**1.5)
    assert stable_rank([2.0, 1.0, 1.0]) == pytest.approx(1.5)
    assert stable_rank(np.zeros(3)) == 0.0 and entropy_rank(np.zeros(3)) == 0.0


def test_low_rank_matrix_has_low_effective_rank():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((100, 3)) @ rng.standard_normal((3, 100))
    ws = weight_spectrum(W, noise=1e-6)
    assert ws.stable_rank <= 3.0 and ws.entropy_rank <= 3.0 + 1e-6
    assert weight_spectrum(rng.standard_normal((100, 100))).entropy_rank > 70


# ----------------------------------------------------------------------------- power law
def test_power_law_fit_recovers_exponent_and_tail_start():
    rng = np.random.default_rng(2)
    alpha, x_min = 2.5, 5.0
    tail = x_min * (1 - rng.random(3000)) ** (-1 / (alpha - 1))
    body = rng.uniform(0.1, x_min, 3000)  # not a power law below x_min
    fit = fit_power_law(np.concatenate([body, tail]))
    assert fit.alpha == pytest.approx(alpha, abs=4 * fit.alpha_stderr + 0.02)
    assert 0.7 * x_min < fit.x_min < 2.0 * x_min
    assert fit.ks < 0.03


def test_power_law_fit_with_fixed_x_min_is_the_hill_estimator():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    fit = fit_power_law(x, x_min=1.0, min_tail=2)
    expected = 1 + 4 / np.sum(np.log(x))
    assert fit.alpha == pytest.approx(expected)
    assert fit.n_tail == 4
    assert fit.alpha_stderr == pytest.approx((expected - 1) / 2)


def test_power_law_fit_of_too_few_points_is_nan():
    fit = fit_power_law([1.0, 2.0, 3.0])
    assert math.isnan(fit.alpha) and fit.n_tail == 0


# ----------------------------------------------------------------------------- similarity
def test_subspace_overlap_is_one_for_shared_and_small_for_random_subspaces():
    rng = np.random.default_rng(4)
    d = 200
    W, _, vs = _planted(rng, d, d, [5.0, 4.0])
    V = np.stack(vs, axis=1)
    U2 = np.linalg.qr(rng.standard_normal((d, 2)))[0]
    W2 = 3.0 * U2 @ V.T + rng.standard_normal((d, d)) / math.sqrt(d) * 0.1  # same inputs
    angles, ov = subspace_overlap(W, W2, 2, side="right")
    assert ov > 0.9 and angles.shape == (2,)
    _, ov_left = subspace_overlap(W, W2, 2, side="left")
    assert ov_left < 0.1  # random output directions: about k / d = 0.01
    with pytest.raises(ValueError, match="dimensions"):
        subspace_overlap(W, W2[:, :50], 1, side="right")


def test_layer_similarity_of_equal_matrices_and_of_noise():
    rng = np.random.default_rng(8)
    base, _, _ = _planted(rng, 40, 40, [6.0])
    mats = [base + 0.01 * rng.standard_normal((40, 40)) for _ in range(3)]
    mats.append(rng.standard_normal((40, 40)))
    sim = layer_similarity(mats, k=1)
    assert sim.cosine[0, 1] > 0.99 and sim.overlap_left[0, 2] > 0.99
    assert sim.overlap_right[1, 2] > 0.99
    assert abs(sim.cosine[0, 3]) < 0.2 and sim.overlap_right[0, 3] < 0.3
    np.testing.assert_allclose(np.diag(sim.cosine), 1.0)


# ----------------------------------------------------------------------------- training runs
def test_training_spectra_follow_a_bridge_run(roundtrip):
    from esorma.bridge import parity_task, train_mlp

    res = train_mlp(parity_task(4), hidden=(8, 8), n_epochs=600, learning_rate=2.0,
                    record_every=100, rng=0)
    ts = training_weight_spectra(res)
    assert ts.epochs.tolist() == [0, 100, 200, 300, 400, 500, 600]
    assert [lay.shape for lay in ts.layers] == [(8, 4), (8, 8), (1, 8)]
    assert ts.layers[1].singular_values.shape == (7, 8)
    assert ts.alignment.shape == (7, 2)
    assert set(ts.phase_codes.tolist()) <= {0, 1, 2}
    # the recorded singular values are those of the recorded weights
    net = res.network.with_params(res.history.params[-1])
    np.testing.assert_allclose(ts.layers[1].singular_values[-1],
                               np.linalg.svd(net.layers[1].W, compute_uv=False))
    assert ts.summary()["n_records"] == 7
    roundtrip(ts)


# ----------------------------------------------------------------------------- contract
def test_weight_spectrum_round_trips_and_prints_compactly(roundtrip):
    rng = np.random.default_rng(0)
    W, _, _ = _planted(rng, 50, 80, [3.0])
    back = roundtrip(weight_spectrum(W))
    assert back.n_outliers == 1 and back.left.shape == (50, 1)


@pytest.mark.parametrize("bad, err, match", [
    (np.ones(5), ValueError, "2-d"),
    (np.ones((1, 5)), ValueError, "both sides"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, "finite"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "real numeric"),
])
def test_weight_spectrum_refuses_bad_matrices(bad, err, match):
    with pytest.raises(err, match=match):
        weight_spectrum(bad)


def test_weight_spectrum_refuses_bad_options():
    W = np.eye(4)
    with pytest.raises(ValueError, match="noise"):
        weight_spectrum(W, noise="mad")
    with pytest.raises(ValueError, match="noise"):
        weight_spectrum(W, noise=-1.0)
    with pytest.raises(ValueError, match="method"):
        weight_spectrum(W, method="eig")
    with pytest.raises(ValueError, match="c"):
        bbp_outlier(1.0, 1.5)


def test_bbp_sweep_crosses_the_threshold(roundtrip):
    from esorma.spectra import bbp_sweep

    sw = bbp_sweep(100, 400, [0.3, 2.0], n_trials=3, rng=1)
    assert np.all(sw.n_outliers[0] == 0) and np.all(sw.n_outliers[1] == 1)
    assert sw.overlap_short[0].mean() < 0.1
    assert sw.top[1].mean() == pytest.approx(sw.predicted_top[1], abs=0.08)
    assert sw.overlap_short[1].mean() == pytest.approx(sw.predicted_short[1], abs=0.08)
    roundtrip(sw)


def test_figures_draw_every_panel():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.weights import bbp_figure, weight_spectrum_figure
    from esorma.spectra import bbp_sweep

    rng = np.random.default_rng(0)
    W, _, _ = _planted(rng, 80, 160, [3.0])
    fig = weight_spectrum_figure(weight_spectrum(W))
    assert len(fig.axes) == 2 and "1 outlier" in fig.axes[0].get_title()
    plt.close(fig)
    fig = bbp_figure(bbp_sweep(40, 80, [0.5, 2.0], n_trials=1, rng=0))
    assert len(fig.axes) == 2
    plt.close(fig)

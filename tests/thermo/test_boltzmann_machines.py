"""Boltzmann-machine learning: exact and PCD maximum likelihood recover known couplings, RBMs
learn bars and stripes, example data, bad input, and the round trip of the fit results."""

import numpy as np
import pytest

from esorma.thermo import (
    RBM,
    BMFitResult,
    BoltzmannMachine,
    RBMFitResult,
    all_states,
    bars_and_stripes,
    boltzmann_samples,
    exact_distribution,
    fit_boltzmann_machine,
    fit_rbm,
    random_boltzmann_model,
    sample_bars_and_stripes,
    state_codes,
)


def test_fully_visible_bm_recovers_known_couplings():
    # 8-spin model with J ~ N(0, 0.3²), θ ~ N(0, 0.2²); 20000 exact samples; exact maximum
    # likelihood. Statistical error per parameter ≈ 1/sqrt(M · Fisher) ≈ 0.01: tolerance 0.05.
    true = random_boltzmann_model(8, coupling_std=0.3, field_std=0.2, rng=10)
    x = boltzmann_samples(true, 20000, rng=11)
    fit = fit_boltzmann_machine(x, method="exact")
    assert fit.converged
    assert np.abs(fit.machine.J - true.J).max() < 0.05
    assert np.abs(fit.machine.theta - true.theta).max() < 0.05
    # the fitted model matches the data moments (the maximum-likelihood condition)
    m1, m2 = fit.machine.moments()
    xf = x.astype(float)
    np.testing.assert_allclose(m1, xf.mean(0), atol=1e-5)
    np.testing.assert_allclose(m2, xf.T @ xf / len(x), atol=1e-5)
    assert fit.machine.log_likelihood(x) >= true.log_likelihood(x) - 1e-9
    # persistent chains (PCD) land near the exact fit (stochastic gradients: tolerance 0.1)
    pcd = fit_boltzmann_machine(x, method="pcd", n_iterations=600, learning_rate=0.1,
                                n_chains=400, record_every=200, rng=12)
    assert np.abs(pcd.machine.J - true.J).max() < 0.1
    assert pcd.log_likelihood[-1] > pcd.log_likelihood[0] + 0.3


def test_boltzmann_samples_follow_the_model():
    bm = random_boltzmann_model(5, coupling_std=0.5, rng=1)
    x = boltzmann_samples(bm, 40000, rng=2)
    S, p, _ = exact_distribution(bm.to_network(), 1.0)
    freq = np.bincount(state_codes(x), minlength=32) / len(x)
    assert np.abs(freq - p).max() < 4 * np.sqrt(p.max() / len(x))


def test_rbm_exact_log_likelihood_matches_full_enumeration():
    rng = np.random.default_rng(0)
    rbm = RBM(rng.normal(0, 0.7, (5, 3)), rng.normal(0, 0.3, 5), rng.normal(0, 0.3, 3))
    V = all_states(5).astype(float)
    H = all_states(3).astype(float)
    logw = V @ rbm.W @ H.T + (V @ rbm.b)[:, None] + (H @ rbm.c)[None, :]
    log_z = np.log(np.exp(logw).sum())
    assert rbm.log_partition() == pytest.approx(log_z, rel=1e-12)
    pv = np.exp(logw).sum(axis=1) / np.exp(log_z)
    np.testing.assert_allclose(np.exp(-rbm.free_energy(V) - log_z), pv, rtol=1e-10)
    data = V[[0, 3, 7]].astype(np.int8)
    assert rbm.log_likelihood(data) == pytest.approx(np.log(pv[[0, 3, 7]]).mean(), rel=1e-10)
    np.testing.assert_allclose(
        rbm.hidden_probabilities(V[:2]), 1 / (1 + np.exp(-2 * (V[:2] @ rbm.W + rbm.c)))
    )


@pytest.mark.parametrize("method,learning_rate,mom", [("cd", 0.05, 0.5), ("pcd", 0.01, 0.0)])
def test_rbm_learns_bars_and_stripes(method, learning_rate, mom):
    # 3×3 bars and stripes (14 images): the optimum is −log 14 = −2.64 nats; the independent
    # model starts at −9 log 2 = −6.24. CD-1 / PCD with 8 hidden units must reach −3.6.
    x = np.repeat(bars_and_stripes(3), 20, axis=0)
    fit = fit_rbm(x, 8, method=method, n_epochs=150, learning_rate=learning_rate, momentum=mom,
                  eval_every=50, rng=0)
    assert fit.log_likelihood[0] == pytest.approx(-9 * np.log(2), abs=0.05)
    assert fit.log_likelihood[-1] > -3.6
    assert fit.log_likelihood[-1] <= -np.log(14) + 1e-9
    assert fit.rbm.sample(5, n_steps=10, rng=1).shape == (5, 9)


def test_bars_and_stripes_data():
    for size, count in [(3, 14), (4, 30)]:
        x = bars_and_stripes(size)
        assert x.shape == (count, size * size)
        assert len({tuple(r) for r in x}) == count
        for img in x.reshape(-1, size, size):
            rows_const = np.all(img == img[:, :1], axis=1).all()
            cols_const = np.all(img == img[:1, :], axis=0).all()
            assert rows_const or cols_const
    s = sample_bars_and_stripes(100, 4, rng=0)
    assert {tuple(r) for r in s} <= {tuple(r) for r in bars_and_stripes(4)}


def test_learning_bad_input():
    with pytest.raises(ValueError, match="data must contain only -1 and \\+1"):
        fit_boltzmann_machine(np.array([[0, 1], [1, 1]]))
    with pytest.raises(ValueError, match="data must contain only -1 and \\+1"):
        fit_rbm(np.array([[0, 1], [1, 1]]), 2)
    with pytest.raises(ValueError, match="N <= max_neurons = 16.*method='pcd'"):
        fit_boltzmann_machine(np.ones((3, 17), dtype=np.int8))
    with pytest.raises(ValueError, match="max_neurons must be <= 30"):
        fit_boltzmann_machine(np.ones((3, 4), dtype=np.int8), max_neurons=31)
    with pytest.raises(ValueError, match="method must be one of"):
        fit_rbm(np.ones((3, 4), dtype=np.int8), 2, method="gibbs")
    with pytest.raises(ValueError, match="symmetric"):
        BoltzmannMachine(np.array([[0.0, 1.0], [0.5, 0.0]]))
    with pytest.raises(ValueError, match="zero diagonal"):
        BoltzmannMachine(np.eye(2))
    with pytest.raises(ValueError, match="n_hidden <= 20"):
        RBM(np.zeros((2, 21))).log_partition()
    with pytest.raises(ValueError, match="temperature must be > 0"):
        boltzmann_samples(np.zeros((2, 2)), 5, temperature=0.0)


def test_bm_fit_converged_honours_tol():
    # converged must mean: final gradient max-norm <= tol (it used to be <= max(tol, 1e-5)).
    x = boltzmann_samples(random_boltzmann_model(6, rng=0), 5000, rng=1)
    for tol in (1e-12, 1e-3):
        fit = fit_boltzmann_machine(x, tol=tol)
        assert fit.converged == (fit.gradient_norm[-1] <= tol)
    assert not fit_boltzmann_machine(x, tol=1e-12).converged  # L-BFGS stops ~1e-9
    assert not fit_boltzmann_machine(x, tol=1e-6, n_iterations=2).converged
    default = fit_boltzmann_machine(x)  # default tol = 1e-6 is reached
    assert default.converged and default.gradient_norm[-1] <= 1e-6


def test_bm_fit_max_neurons_lifts_the_exact_cap():
    x = np.where(np.random.default_rng(0).random((200, 17)) < 0.5, -1, 1).astype(np.int8)
    fit = fit_boltzmann_machine(x, max_neurons=17, n_iterations=1)
    assert fit.machine.J.shape == (17, 17) and fit.method == "exact"


def test_fit_results_roundtrip(roundtrip):
    x = boltzmann_samples(random_boltzmann_model(5, rng=0), 2000, rng=1)
    bm = roundtrip(fit_boltzmann_machine(x, n_iterations=20))
    assert isinstance(bm, BMFitResult) and isinstance(bm.machine, BoltzmannMachine)
    assert bm.machine.log_likelihood(x) == pytest.approx(
        fit_boltzmann_machine(x, n_iterations=20).machine.log_likelihood(x))
    rbm = roundtrip(fit_rbm(np.repeat(bars_and_stripes(3), 2, axis=0), 4, n_epochs=3, rng=0))
    assert isinstance(rbm, RBMFitResult) and isinstance(rbm.rbm, RBM)


def test_learning_rate_and_epoch_names_are_shared():
    # One vocabulary with the bridge: learning_rate, n_epochs (RBM) / n_iterations (BM).
    import inspect

    bm = inspect.signature(fit_boltzmann_machine).parameters
    rbm = inspect.signature(fit_rbm).parameters
    assert "learning_rate" in bm and "n_iterations" in bm
    assert "learning_rate" in rbm and "n_epochs" in rbm
    for params in (bm, rbm):
        assert not {"lr", "epochs", "rule", "range"} & set(params)

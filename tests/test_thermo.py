"""Exact thermodynamics against brute force, Boltzmann-machine learning, RBMs, example data."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.patterns import random_patterns
from esorma.thermo import (
    RBM,
    BoltzmannMachine,
    all_states,
    bars_and_stripes,
    boltzmann_samples,
    exact,
    exact_distribution,
    fit_boltzmann_machine,
    fit_rbm,
    ground_states,
    mean_field_overlap,
    random_boltzmann_model,
    sample_bars_and_stripes,
    sk_couplings,
    state_codes,
)


def _brute(net, temps):
    """Direct numpy thermodynamics over all states (reference)."""
    n = net.n_neurons
    S = all_states(n)
    E = net.energy(S)
    Sf = S.astype(float)
    m = Sf.mean(axis=1)
    out = []
    for t in temps:
        w = np.exp(-(E - E.min()) / t)
        Z = w.sum()
        p = w / Z
        logz = np.log(Z) - E.min() / t
        e1 = p @ E
        c = (p @ E**2 - e1**2) / t**2
        q = (Sf @ Sf.T) / n
        d = np.rint((n - n * q) / 2).astype(int)
        pq = np.bincount(d.ravel(), weights=np.outer(p, p).ravel(), minlength=n + 1)[::-1]
        ov = None if net.patterns is None else (p @ np.abs(Sf @ net.patterns.T / n))
        out.append((logz, e1, c, p @ m, p @ np.abs(m), p @ m**2, pq, ov))
    return out


@pytest.mark.parametrize("case", ["sk_theta", "sk_symmetric", "hebb_int", "asym"])
def test_exact_matches_brute_force(case):
    rng = np.random.default_rng(3)
    if case == "sk_theta":
        net = Hopfield(sk_couplings(9, rng=1), theta=rng.normal(0, 0.4, 9))
    elif case == "sk_symmetric":
        net = Hopfield(sk_couplings(8, rng=2))  # θ = 0: half enumeration + mirror
    elif case == "hebb_int":
        net = Hopfield.from_patterns(random_patterns(2, 10, rng=3))  # int16 counts, scale 1/N
    else:
        J = rng.normal(size=(7, 7))  # non-symmetric with a diagonal: E uses the symmetric part
        net = Hopfield(J, theta=rng.normal(size=7))
    temps = [0.05, 0.4, 1.0, 3.0]
    th = exact(net, temps)
    ref = _brute(net, temps)
    for k, (logz, e1, c, m, am, m2, pq, ov) in enumerate(ref):
        assert th.log_z[k] == pytest.approx(logz, rel=1e-12, abs=1e-10)
        assert th.energy[k] == pytest.approx(e1, rel=1e-10, abs=1e-10)
        assert th.specific_heat[k] == pytest.approx(c, rel=1e-7, abs=1e-9)
        assert th.magnetisation[k] == pytest.approx(m, abs=1e-12)
        assert th.abs_magnetisation[k] == pytest.approx(am, abs=1e-12)
        assert th.magnetisation2[k] == pytest.approx(m2, abs=1e-12)
        np.testing.assert_allclose(th.overlap_distribution[k], pq, atol=1e-12)
        if ov is not None:
            np.testing.assert_allclose(th.abs_overlaps[k], ov, atol=1e-12)
    np.testing.assert_allclose(th.free_energy, -np.asarray(temps) * th.log_z)
    e_all = net.energy(all_states(net.n_neurons))
    assert th.ground_energy == pytest.approx(e_all.min(), abs=1e-12)
    np.testing.assert_allclose(net.energy(th.ground_states), e_all.min(), atol=1e-9)


def test_thermodynamic_identities_and_low_temperature_stability():
    net = Hopfield(sk_couplings(14, rng=5))
    temps = np.linspace(0.3, 3.0, 40)
    th = exact(net, temps)
    # C = d⟨E⟩/dT (central differences) and S = −dF/dT
    mid = slice(1, -1)
    dE = np.gradient(th.energy, temps)
    dF = np.gradient(th.free_energy, temps)
    np.testing.assert_allclose(dE[mid], th.specific_heat[mid], rtol=0.02)
    np.testing.assert_allclose(-dF[mid], th.entropy[mid], rtol=0.02, atol=0.02)
    # log-sum-exp: T = 1e-3 gives F = E₀ − T log(degeneracy 2), no overflow
    cold = exact(net, [1e-3, 1e-6])
    assert np.all(np.isfinite(cold.log_z))
    np.testing.assert_allclose(cold.free_energy, cold.ground_energy - cold.temperatures * np.log(2),
                               atol=1e-9)
    assert cold.ground_states.shape == (2, 14)
    np.testing.assert_array_equal(cold.ground_states[0], -cold.ground_states[1])
    # P(q) of the SK model spreads out as T drops below 1: ⟨q²⟩ ≈ 1/N = 0.07 at T = 3,
    # 0.44 at T = 0.3 for this 14-spin instance
    pq_low, pq_high = exact(net, [0.3, 3.0]).overlap_distribution
    q = th.q_values
    assert (pq_low * q**2).sum() > 0.3 > 0.15 > (pq_high * q**2).sum()


def test_exact_refuses_large_networks_and_bad_temperatures():
    J = np.zeros((25, 25))
    with pytest.raises(ValueError, match=r"N <= 24; got N = 25 \(2\^25"):
        exact(J, [1.0])
    with pytest.raises(ValueError, match="max_neurons must be <= 30"):
        exact(J, [1.0], max_neurons=31)
    small = sk_couplings(4, rng=0)
    with pytest.raises(ValueError, match="> 0"):
        exact(small, [1.0, 0.0])
    with pytest.raises(ValueError, match="> 0"):
        exact(small, [-1.0])
    with pytest.raises(ValueError, match="non-empty"):
        exact(small, [])
    with pytest.raises(TypeError, match="temperatures"):
        exact(small, ["a"])


def test_exact_24_spins_runs_and_is_consistent():
    # the benchmark size (N = 24) at a few temperatures; θ = 0 so half the states suffice
    net = Hopfield(sk_couplings(24, rng=9))
    th = exact(net, [0.5, 1.0, 2.0])
    assert th.overlap_distribution is None  # off by default above N = 20
    assert np.all(np.diff(th.energy) > 0) and np.all(th.specific_heat > 0)
    e0, gs = ground_states(net)
    assert e0 == th.ground_energy
    np.testing.assert_allclose(net.energy(gs), e0, atol=1e-9)


def test_exact_distribution_and_codes():
    net = Hopfield(sk_couplings(6, rng=1), theta=np.linspace(-0.2, 0.2, 6))
    S, p, E = exact_distribution(net, 0.7)
    np.testing.assert_allclose(E, net.energy(S), atol=1e-12)
    w = np.exp(-(E - E.min()) / 0.7)
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-12)
    np.testing.assert_array_equal(state_codes(S), np.arange(64))


def test_mean_field_overlap():
    t = np.array([0.2, 0.5, 0.8, 0.99])
    m = mean_field_overlap(t)
    np.testing.assert_allclose(m, np.tanh(m / t), atol=1e-12)
    assert np.all(m > 0) and mean_field_overlap(1.0) == 0 and mean_field_overlap(2.0) == 0
    assert mean_field_overlap(0.999) == pytest.approx(np.sqrt(3 * 0.001), rel=0.01)
    with pytest.raises(ValueError, match=">= 0"):
        mean_field_overlap(-0.1)


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


@pytest.mark.parametrize("method,lr,mom", [("cd", 0.05, 0.5), ("pcd", 0.01, 0.0)])
def test_rbm_learns_bars_and_stripes(method, lr, mom):
    # 3×3 bars and stripes (14 images): the optimum is −log 14 = −2.64 nats; the independent
    # model starts at −9 log 2 = −6.24. CD-1 / PCD with 8 hidden units must reach −3.6.
    x = np.repeat(bars_and_stripes(3), 20, axis=0)
    fit = fit_rbm(x, 8, method=method, n_epochs=150, learning_rate=lr, momentum=mom,
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


# --------------------------------------------------------------------------- review fixes


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


def test_enumeration_module_is_not_shadowed_by_the_exact_function():
    import importlib

    import esorma.thermo

    mod = importlib.import_module("esorma.thermo.enumeration")
    assert mod.MAX_NEURONS == 24 and mod.exact is esorma.thermo.exact
    assert callable(esorma.thermo.exact)  # the public function keeps its name

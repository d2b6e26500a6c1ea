"""Error bars of Markov-chain averages: the integrated autocorrelation time of an AR(1) series,
error bars and R-hat that see chains stuck in different states, and the round trip of
Estimate."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.dynamics import Estimate
from esorma.dynamics.observables import estimate, integrated_autocorr_time
from esorma.dynamics.stochastic import glauber
from esorma.patterns import random_patterns
from esorma.thermo.mean_field import mean_field_overlap

def test_integrated_autocorrelation_time_of_ar1():
    # AR(1) with φ = 0.9: τ_int = (1 + φ)/(1 − φ) = 19; estimate within 15 %.
    rng = np.random.default_rng(0)
    x = np.zeros((40000, 4))
    e = rng.normal(size=x.shape)
    for t in range(1, x.shape[0]):
        x[t] = 0.9 * x[t - 1] + e[t]
    tau = integrated_autocorr_time(x)
    assert abs(tau - 19) < 0.15 * 19
    est = estimate(x)
    naive = np.sqrt(x.var() / x.size)
    assert est.error > 4 * naive  # sqrt(19) ≈ 4.4 larger than the naive error bar
    assert integrated_autocorr_time(rng.normal(size=(5000, 2))) == pytest.approx(1, abs=0.15)


def test_error_bar_and_rhat_see_chains_stuck_in_different_states():
    # N = 1000 Hebb, P = 3, T = 0.5, 8 random starts: chains fall into different retrieval
    # states (m ≈ ±0.96 or a mixture/0), so the mean overlap with pattern 0 is meaningless
    # and the error bar must cover the spread of the chain means; R̂ flags it.
    xi = random_patterns(3, 1000, rng=0)
    net = Hopfield.from_patterns(xi)
    res = glauber(net, 0.5, n_sweeps=300, n_chains=8, burn_in=100, rng=1)
    x = res.series("overlap", pattern=0)
    means = x.mean(axis=0)
    assert means.max() - means.min() > 0.5  # the chains really disagree (seeded)
    est = res.estimate("overlap", pattern=0)
    assert est.error >= means.std(ddof=1) / np.sqrt(8) - 1e-12
    assert est.rhat > 1.05 and not est.reliable
    # chains started in the same retrieval state agree: R̂ ≈ 1, reliable, small error
    ok = glauber(net, 0.5, n_sweeps=2000, states=xi[0], n_chains=8, burn_in=100,
                 rng=1).estimate("overlap", pattern=0)
    assert ok.rhat < 1.05 and ok.reliable and ok.error < 0.005
    assert abs(ok.mean - mean_field_overlap(0.5)) < 0.01
    # one chain: R̂ undefined (NaN), the old rule applies
    one = estimate(np.random.default_rng(0).normal(size=3000))
    assert np.isnan(one.rhat) and one.reliable


def test_estimate_roundtrip(roundtrip):
    x = np.random.default_rng(0).normal(size=(500, 3))
    back = roundtrip(estimate(x))
    assert isinstance(back, Estimate) and str(back) == str(estimate(x))
    roundtrip(estimate(x[:, 0]))  # one chain: R-hat is NaN

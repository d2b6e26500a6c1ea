"""The continuous modern Hopfield network (Ramsauer et al. 2020)."""

import numpy as np
import pytest

from esorma.dense import ModernHopfield, beta_transition, continuous_study, separation_check


def test_update_never_increases_the_energy_and_energy_is_nonnegative():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 10))
    net = ModernHopfield(X, beta=0.7)
    q = rng.standard_normal((8, 10)) * 3
    e = net.energy(q)
    for _ in range(30):
        q = net.update(q)
        e2 = net.energy(q)
        assert np.all(e2 <= e + 1e-10)
        e = e2
    assert np.all(e >= -1e-10)


def test_softmax_is_overflow_safe_and_retrieve_does_not_modify_the_query():
    X = np.eye(3) * 100.0
    net = ModernHopfield(X, beta=1000.0)
    q = X.copy()
    res = net.retrieve(q)
    np.testing.assert_array_equal(q, X)
    assert np.all(np.isfinite(res.states)) and res.nearest.tolist() == [0, 1, 2]


def test_beta_transition_global_metastable_single():
    tr = beta_transition([0.5, 20.0, 2000.0], rng=0)
    assert tr.fractions[0, 2] == 1.0 and tr.fractions[1, 1] == 1.0 and tr.fractions[2, 0] == 1.0
    assert tr.mean_n_eff[0] > 31 and 4 < tr.mean_n_eff[1] < 12 and tr.mean_n_eff[2] < 1.05


def test_separation_condition_is_sufficient():
    chk = separation_check([4, 32, 256], dim=16, beta=30.0, rng=3)
    assert chk.violations.tolist() == [0, 0, 0]
    assert np.all(chk.retrieved >= chk.satisfied)


def test_continuous_study_roundtrip(roundtrip):
    cs = continuous_study((1.0, 1000.0), separation_patterns=(4, 16), rng=2)
    back = roundtrip(cs, seed=2)
    assert back.key_numbers()["separation"]["violations"] == [0, 0]


def test_bad_beta():
    with pytest.raises(ValueError, match="beta"):
        ModernHopfield(np.ones((2, 2)), beta=0.0)

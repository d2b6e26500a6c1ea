"""enumerate_fixed_points / count_fixed_points pick the low-rank search for rule-built Hebb
networks, agree with brute force and the branch-and-bound, and store states compactly."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import (
    FixedPoints,
    HebbFixedPoints,
    count_fixed_points,
    enumerate_fixed_points,
    label_class_counts,
    label_states,
)
from esorma.attractors import lowrank
from esorma.patterns import random_patterns


def _patterns(kind, p, n, rng):
    xi = rng.choice([-1, 1], size=(p, n)).astype(np.int8)
    if kind == "correlated" and p > 1:  # every pattern 80 % like the first
        xi[1:] = np.where(rng.random((p - 1, n)) < 0.8, xi[0], -xi[0])
    if kind == "repeated":  # half of the columns identical
        xi[:, n // 2:] = xi[:, :1]
    return xi


def _brute_sorted(net):
    n = net.n_neurons
    codes = np.arange(1 << n)
    S = np.where((codes[:, None] >> np.arange(n)) & 1, 1, -1).astype(np.int8)
    S = S[net.is_fixed_point(S)]
    e = net.energy(S)
    order = np.lexsort([S[:, i] for i in range(n - 1, -1, -1)] + [e])
    return S[order], e[order]


@pytest.mark.parametrize("kind", ["random", "correlated", "repeated"])
@pytest.mark.parametrize("theta", ["zero", "mixed"])
def test_auto_picks_low_rank_and_matches_brute_force(kind, theta):
    rng = np.random.default_rng(abs(hash((kind, theta))) % 2**32)
    for n, p in [(14, 3), (16, 5)]:
        xi = _patterns(kind, p, n, rng)
        th = None if theta == "zero" else rng.choice([0.0, 0.1, -0.2, 1.0 / n], size=n)
        net = Hopfield.from_patterns(xi, theta=th)
        fp = enumerate_fixed_points(net)
        assert fp.method == "low-rank" and isinstance(fp.compact, HebbFixedPoints)
        S, e = _brute_sorted(net)
        np.testing.assert_array_equal(fp.states, S)
        np.testing.assert_allclose(fp.energies, e, rtol=0, atol=1e-12)
        assert len(fp) == fp.n_fixed_points == S.shape[0]
        assert count_fixed_points(net) == S.shape[0]
        assert "low-rank" in repr(fp)


@pytest.mark.parametrize("kind", ["random", "correlated", "repeated"])
@pytest.mark.parametrize("sizes", [
    [(24, 3, None), (22, 4, 1.0 / 22)],
    pytest.param([(36, 3, None), (34, 5, 1.0 / 34), (40, 2, None)], marks=pytest.mark.slow),
], ids=["small", "N<=40"])
def test_low_rank_equals_branch_and_bound(kind, sizes):
    rng = np.random.default_rng({"random": 1, "correlated": 2, "repeated": 3}[kind])
    for n, p, th in sizes:
        xi = _patterns(kind, p, n, rng)
        net = Hopfield.from_patterns(xi, theta=None if th is None else np.full(n, th),
                                     integer=bool(n % 2 == 0))
        lr = enumerate_fixed_points(net, sort="lex")
        bb = enumerate_fixed_points(net, sort="lex", method="branch-and-bound", max_seconds=3600)
        assert lr.method == "low-rank" and bb.method == "branch-and-bound"
        np.testing.assert_array_equal(lr.states, bb.states)
        np.testing.assert_allclose(lr.energies, bb.energies, rtol=1e-12, atol=1e-12)


def test_large_network_is_stored_compactly_and_round_trips(roundtrip, monkeypatch):
    net = Hopfield.from_patterns(random_patterns(4, 3000, rng=4))
    monkeypatch.setattr(lowrank, "DENSE_STATES_BYTES", 10_000)  # force the compact form
    fp = enumerate_fixed_points(net)
    assert fp.method == "low-rank" and fp.states.shape == (0, 3000)
    assert len(fp) == fp.n_fixed_points == fp.compact.n_fixed_points > 8
    np.testing.assert_array_equal(fp.energies, np.sort(fp.compact.energies))
    reps = fp.compact.representatives()
    assert bool(net.is_fixed_point(reps).all())
    np.testing.assert_allclose(fp.compact.energies, net.energy(reps), rtol=1e-12)
    back = roundtrip(fp)
    assert isinstance(back, FixedPoints) and isinstance(back.compact, HebbFixedPoints)
    assert len(back) == len(fp)
    small = roundtrip(enumerate_fixed_points(Hopfield.from_patterns(random_patterns(3, 20, rng=0))))
    assert small.states.shape[0] == len(small) >= 6  # the 3 patterns and their reverses


def test_count_beyond_branch_and_bound_size():
    net = Hopfield.from_patterns(random_patterns(3, 10_000, rng=2))
    assert count_fixed_points(net) == 14  # P = 3: ±patterns and the 8 symmetric mixtures
    with pytest.raises(ValueError, match="N <= 64"):
        count_fixed_points(Hopfield.from_patterns(random_patterns(3, 100, rng=2)),
                           method="branch-and-bound")


def test_method_argument_is_checked():
    net = Hopfield.from_patterns(random_patterns(3, 12, rng=0))
    with pytest.raises(ValueError, match="method"):
        enumerate_fixed_points(net, method="magic")
    with pytest.raises(ValueError, match="low-rank"):
        enumerate_fixed_points(net.couplings, method="low-rank")
    with pytest.raises(ValueError, match="low-rank"):
        enumerate_fixed_points(Hopfield.from_patterns(random_patterns(3, 12, rng=0),
                                                      "pseudo_inverse"), method="low-rank")
    # a raw matrix (even a Hebb one) takes the branch-and-bound
    assert enumerate_fixed_points(net.J, 0.0).method == "branch-and-bound"


def test_estimate_refuses_p7_up_front():
    xi = random_patterns(7, 1000, rng=7)
    est = lowrank.hebb_enumeration_cost(patterns=xi)
    assert est["n_classes"] == 64 and est["seconds"] > 60
    with pytest.raises(ValueError, match="max_seconds"):
        lowrank.hebb_fixed_points(patterns=xi, max_seconds=60)
    with pytest.raises(ValueError, match="max_classes"):
        lowrank.hebb_fixed_points(patterns=xi, max_classes=32)


def test_estimate_tracks_the_search():
    fp_est = lowrank.hebb_enumeration_cost(patterns=random_patterns(5, 2000, rng=1))
    fp = lowrank.hebb_fixed_points(patterns=random_patterns(5, 2000, rng=1))
    assert 0.5 < fp_est["nodes"] / fp.n_visited < 2.0


@pytest.mark.parametrize("tol", [0.0, 0.05, 0.1])
def test_class_labels_equal_state_labels(tol):
    xi = random_patterns(5, 300, rng=3)
    fp = lowrank.hebb_fixed_points(patterns=xi)
    a = fp.labels(tol=tol)
    b = label_states(fp.representatives(), xi, tol=tol)
    for name in ("kind", "pattern", "signs", "order", "distance"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_allclose(a.overlaps, b.overlaps)


def test_class_labels_refuse_bad_shapes():
    with pytest.raises(ValueError, match="agree"):
        label_class_counts([[1, 2]], [[1, 1]], [3, 3])
    with pytest.raises(ValueError, match="between"):
        label_class_counts([[4]], [[1]], [3])


@pytest.mark.parametrize("kind", ["random", "correlated", "repeated"])
@pytest.mark.parametrize("theta", [None, "uniform"])
def test_self_coupling_kept_matches_branch_and_bound(kind, theta):
    rng = np.random.default_rng({"random": 4, "correlated": 5, "repeated": 6}[kind])
    n, p = 24, 3
    xi = _patterns(kind, p, n, rng)
    th = None if theta is None else np.full(n, 2.0 / n)
    J = (xi.T.astype(np.int64) @ xi).astype(np.int16)  # diagonal P kept
    net = Hopfield(J, theta=th, scale=1.0 / n)  # not rule-built: the branch-and-bound runs
    bb = enumerate_fixed_points(net, sort="lex", max_seconds=3600)
    assert bb.method == "branch-and-bound"
    fp = lowrank.hebb_fixed_points(patterns=xi, theta=th, self_coupling=True)
    states = fp.states()
    order = np.lexsort([states[:, i] for i in range(n - 1, -1, -1)])
    np.testing.assert_array_equal(states[order], bb.states)

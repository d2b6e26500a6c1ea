"""Exact enumeration of fixed points against brute force and the Hopfield enumeration."""

import itertools

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import enumerate_fixed_points
from esorma.dense import DenseHopfield, enumerate_dense_fixed_points, landscape_study
from esorma.patterns import random_patterns


def _brute(net):
    n = net.n_neurons
    states = np.array(list(itertools.product([-1, 1], repeat=n)), np.int8)
    e = net.energy(states)
    keep = []
    for k, s in enumerate(states):
        ok = True
        for i in range(n):
            t = s.copy()
            t[i] = -t[i]
            if net.energy(t) < e[k] - 1e-9 * max(1.0, abs(e[k])):
                ok = False
                break
        if ok:
            keep.append(tuple(s))
    return set(keep)


@pytest.mark.parametrize("model", ["poly2", "poly3", "poly4", "exp"])
def test_enumeration_equals_brute_force(model):
    xi = random_patterns(4, 9, rng=2)
    net = DenseHopfield.from_model(xi, model)
    fp = enumerate_dense_fixed_points(net)
    assert {tuple(s) for s in fp.states} == _brute(net)
    serial = enumerate_dense_fixed_points(net, parallel=False)
    np.testing.assert_array_equal(serial.states, fp.states)


def test_n2_fixed_points_are_the_hopfield_ones():
    xi = random_patterns(3, 14, rng=4)
    ours = enumerate_dense_fixed_points(DenseHopfield(xi, "power", 2))
    ref = enumerate_fixed_points(Hopfield.from_patterns(xi))
    assert {tuple(s) for s in ours.states} == {tuple(s) for s in ref.states}


def test_too_large_is_refused_up_front():
    xi = random_patterns(3, 31, rng=0)
    with pytest.raises(ValueError, match="N must be <= 30"):
        enumerate_dense_fixed_points(DenseHopfield(xi))
    with pytest.raises(ValueError, match="estimated"):
        enumerate_dense_fixed_points(DenseHopfield(random_patterns(50, 26, rng=0)),
                                     max_seconds=0.01)


def test_landscape_odd_powers_have_no_reversed_states(roundtrip):
    ls = landscape_study(12, 4, ("poly2", "poly3", "poly4"), n_starts=100, rng=1)
    counts = dict(zip(ls.models.tolist(), ls.kind_counts.tolist()))
    assert counts["poly2"][:2] == [4, 4] and counts["poly4"][:2] == [4, 4]
    assert counts["poly3"][1] == 0  # F odd: -xi has a high energy
    np.testing.assert_allclose(ls.basin_fractions.sum(axis=1), 1.0)
    roundtrip(ls, seed=1)


def _codes(fp):
    n = fp.n_neurons
    return sorted(int(((s > 0) * (1 << np.arange(n))).sum()) for s in fp.states)


@pytest.mark.parametrize("model", ["poly2", "poly3", "poly4", "exp", "poly20"])
def test_branch_and_bound_equals_brute_force_on_random_instances(model):
    # seeded random sizes up to N = 18, P up to 6, plus tie-rich instances (repeated and
    # opposite patterns, Hadamard-like orthogonal rows); poly20 has float gain tables
    gen = np.random.default_rng(21)
    cases = []
    for _ in range(8):
        n, p = int(gen.integers(3, 15)), int(gen.integers(1, 7))
        cases.append(random_patterns(p, n, rng=gen))
    cases.append(random_patterns(5, 18, rng=gen))
    xi = random_patterns(2, 10, rng=gen)
    cases.append(np.concatenate([xi, xi, -xi[:1]]))
    h = np.array([[1, 1], [1, -1]], np.int8)
    cases.append(np.kron(np.kron(h, h), h)[1:5])  # 4 orthogonal rows of N = 8
    for xi in cases:
        net = DenseHopfield.from_model(xi, model)
        bb = enumerate_dense_fixed_points(net, method="branch-and-bound")
        bf = enumerate_dense_fixed_points(net, method="brute-force")
        assert _codes(bb) == _codes(bf), (model, xi.shape)
        assert bb.method == "branch-and-bound" and bb.n_visited <= 2 ** (net.n_neurons + 1)
    # the last network decided serially, with other subtree splits, gives the same
    from esorma.dense.enumerate import branch_and_bound_codes

    net = DenseHopfield.from_model(cases[8], model)
    ref, _ = branch_and_bound_codes(net)
    for depth in (0, 3, 18):
        codes, _ = branch_and_bound_codes(net, parallel=False, depth=depth)
        np.testing.assert_array_equal(codes, ref)


def test_branch_and_bound_n2_matches_the_hopfield_enumeration_and_prunes(roundtrip):
    for seed, (n, p) in enumerate([(12, 2), (16, 3), (20, 5)]):
        xi = random_patterns(p, n, rng=seed)
        ours = enumerate_dense_fixed_points(DenseHopfield(xi, "power", 2),
                                            method="branch-and-bound")
        ref = enumerate_fixed_points(Hopfield.from_patterns(xi))
        assert {tuple(s) for s in ours.states} == {tuple(s) for s in ref.states}
    assert ours.n_visited < 2**20 / 10  # the joint (pairwise) bound prunes > 90 %
    back = roundtrip(ours)
    assert back.method == "branch-and-bound" and back.n_visited == ours.n_visited


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        enumerate_dense_fixed_points(DenseHopfield(random_patterns(2, 6, rng=0)),
                                     method="dfs")

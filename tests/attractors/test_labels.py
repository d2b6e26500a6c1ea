"""Attractor labels: stored pattern, reversed pattern, odd mixture (brute-force references)."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import (
    decode_states,
    encode_states,
    exact_basins,
    label_states,
    mixture_state,
)
from esorma.dynamics import run
from esorma.patterns import random_patterns


def _all_states(n):
    return decode_states(np.arange(2**n), n)


def _balanced_patterns(n_copies):
    """3 patterns over which all 8 sign combinations appear equally often (N = 8 n_copies)."""
    combos = np.array([[a, b, c] for a in (1, -1) for b in (1, -1) for c in (1, -1)]).T
    return np.tile(combos, n_copies).astype(np.int8)


def test_three_mixture_has_overlap_one_half_and_is_labelled():
    xi = _balanced_patterns(2)  # N = 16, overlaps exactly 1/2
    mix = mixture_state(xi, [1, 1, 1])
    assert np.array_equal(xi.astype(np.int64) @ mix / 16, [0.5, 0.5, 0.5])
    net = Hopfield.from_patterns(xi)
    res = exact_basins(net, mode="sequential")
    # the 8 mixtures sign(±ξ1 ± ξ2 ± ξ3) are fixed points of the network, labelled mixtures
    lab = res.labels
    mixtures = np.flatnonzero(lab.kind == 2)
    assert mixtures.size == 8
    assert np.allclose(np.abs(lab.overlaps[mixtures]), 0.5)
    assert np.all(lab.order[mixtures] == 3)
    signs = {tuple(lab.signs[k]) for k in mixtures}
    assert len(signs) == 8
    for k in mixtures:
        assert np.array_equal(res.attractors[k], mixture_state(xi, lab.signs[k]))


def test_three_mixture_of_random_patterns():
    """Overlaps of sign(ξ1+ξ2+ξ3) with each pattern: mean 1/2, sd sqrt(0.75/N) = 0.014 at
    N = 4000; tolerance 0.06 (> 4 sd); fixed seed 21."""
    n = 4000
    xi = random_patterns(6, n, rng=21)
    eps = np.array([1, 0, -1, 0, 1, 0])
    mix = mixture_state(xi, eps)
    m = xi.astype(np.int64) @ mix / n
    assert np.all(np.abs(m[[0, 2, 4]] - 0.5 * eps[[0, 2, 4]]) < 0.06)
    assert np.all(np.abs(m[[1, 3, 5]]) < 0.06)
    net = Hopfield.from_patterns(xi)
    end = run(net, mix, rng=0).states  # stays a (nearby) fixed point at low load
    lab = label_states(np.stack([mix, end]), xi, network=net)
    assert lab.names == ["mixture +0-2+4", "mixture +0-2+4"]
    assert np.all(lab.distance[0] == 0)
    assert np.allclose(lab.energies, net.energy(np.stack([mix, end])))
    # 5-mixtures have overlaps 3/8
    mix5 = mixture_state(xi, [1, 1, 1, -1, 1, 0])
    assert label_states(mix5, xi).names == ["mixture +0+1+2-3+4"]
    assert np.allclose(np.abs(xi[:5].astype(np.int64) @ mix5 / n), 3 / 8, atol=0.06)


def test_labels_patterns_reversed_spurious():
    xi = random_patterns(4, 200, rng=5)
    noisy = xi[1].copy()
    noisy[:6] *= -1  # 3 % of the spins
    junk = random_patterns(1, 200, rng=99)[0]
    lab = label_states(np.stack([xi[0], -xi[3], noisy, junk]), xi, tol=0.05)
    assert lab.names == ["pattern 0", "reversed 3", "pattern 1", "spurious"]
    assert lab.distance.tolist()[:3] == [0, 0, 6]
    assert lab.energies is None
    strict = label_states(noisy, xi, tol=0.0)
    assert strict.names == ["spurious"]
    assert lab.counts() == {"pattern": 2, "reversed": 1, "mixture": 0, "spurious": 1}


def _mixture_reference(xi, max_order=7):
    """Brute force: {code: lowest order} over every odd subset and sign vector."""
    from itertools import combinations, product

    p, n = xi.shape
    ref = {}
    for m in range(1, min(max_order, p) + 1, 2):
        for sub in combinations(range(p), m):
            for eps in product((1, -1), repeat=m):
                signs = np.zeros(p, dtype=int)
                signs[list(sub)] = eps
                code = int(encode_states(mixture_state(xi, signs)))
                ref.setdefault(code, m)
    return ref


@pytest.mark.parametrize("p", [4, 5])
def test_labels_equal_brute_force_on_every_state(p):
    """tol = 0: every one of the 2^12 states gets the lowest-order exact match (if any)."""
    xi = random_patterns(p, 12, rng=p)
    ref = _mixture_reference(xi)
    states = _all_states(12)
    lab = label_states(states, xi, tol=0.0)
    got_order = lab.order
    want = np.array([ref.get(c, 0) for c in range(2**12)])
    assert np.array_equal(got_order, want)
    for b in np.flatnonzero(lab.kind == 2):
        assert np.array_equal(mixture_state(xi, lab.signs[b]), states[b])
    assert np.array_equal(lab.kind == 3, want == 0)


@pytest.mark.parametrize("p", [4, 5])
def test_overlap_heuristic_with_ties_is_sound(p, monkeypatch):
    """Heuristic path forced on all 2^12 states (many ties at the cutoff at this tiny N):
    every mixture label is right, and none is invented; at P = 4 none is missed either."""
    import esorma.attractors.labels as labels_mod

    monkeypatch.setattr(labels_mod, "_EXHAUSTIVE", 0)
    xi = random_patterns(p, 12, rng=p)
    ref = _mixture_reference(xi)
    states = _all_states(12)
    lab = label_states(states, xi, tol=0.0)
    want = np.array([ref.get(c, 0) for c in range(2**12)])
    labelled = lab.order > 0
    assert np.all(want[labelled] == lab.order[labelled])
    for b in np.flatnonzero(lab.kind == 2):
        assert np.array_equal(mixture_state(xi, lab.signs[b]), states[b])
    if p == 4:
        assert np.array_equal(lab.order, want)


def test_labels_overlap_heuristic_for_many_patterns(monkeypatch):
    """With many patterns only the top-|m| subsets are tried; they find random mixtures."""
    import esorma.attractors.labels as labels_mod

    xi = random_patterns(8, 2000, rng=4)
    rng = np.random.default_rng(5)
    states, want = [], []
    for m in (3, 5, 7, 3, 5):
        signs = np.zeros(8, dtype=int)
        sub = rng.choice(8, size=m, replace=False)
        signs[sub] = rng.choice([-1, 1], size=m)
        states.append(mixture_state(xi, signs))
        want.append(signs)
    states = np.array(states)
    lab = label_states(states, xi)  # 8 patterns: 3264 candidates, more than the exhaustive 2048
    assert np.array_equal(lab.signs, np.array(want))
    monkeypatch.setattr(labels_mod, "_EXHAUSTIVE", 10**9)
    assert np.array_equal(label_states(states, xi).signs, lab.signs)


def test_bad_input():
    with pytest.raises(ValueError, match="patterns must contain only -1 and \\+1"):
        label_states(np.ones((2, 4)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="patterns must have 4 spins"):
        label_states(np.ones((2, 4)), np.ones((1, 5)))
    with pytest.raises(ValueError, match="tol must be"):
        label_states(np.ones(4), np.ones((1, 4)), tol=0.7)
    with pytest.raises(ValueError, match="odd number"):
        mixture_state(np.ones((2, 4)), [1, 1])

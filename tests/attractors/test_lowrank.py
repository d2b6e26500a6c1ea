"""Low-rank exact enumeration of Hebb fixed points against brute force and branch-and-bound."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import enumerate_fixed_points
from esorma.attractors.lowrank import HebbFixedPoints, hebb_fixed_points, is_lowrank_hebb
from esorma.patterns import random_patterns


def _brute(net):
    n = net.n_neurons
    codes = np.arange(1 << n)
    S = np.where((codes[:, None] >> np.arange(n)) & 1, 1, -1).astype(np.int8)
    return {tuple(r) for r in S[net.is_fixed_point(S)]}


def _patterns(kind, p, n, rng):
    xi = rng.choice([-1, 1], size=(p, n)).astype(np.int8)
    if kind == "correlated" and p > 1:  # every pattern 80 % like the first
        xi[1:] = np.where(rng.random((p - 1, n)) < 0.8, xi[0], -xi[0])
    if kind == "repeated":  # half of the columns identical
        xi[:, n // 2:] = xi[:, :1]
    return xi


def _theta(kind, n, rng):
    if kind == "zero":
        return None
    if kind == "uniform":
        return np.full(n, 1.0 / n)
    return rng.choice([0.0, 0.1, -0.2, 1.0 / n], size=n)  # mixed, with exact ties


@pytest.mark.parametrize("kind", ["random", "correlated", "repeated"])
@pytest.mark.parametrize("theta_kind", ["zero", "uniform", "mixed"])
@pytest.mark.parametrize("integer", [True, False])
def test_matches_brute_force(kind, theta_kind, integer):
    rng = np.random.default_rng(abs(hash((kind, theta_kind, integer))) % 2**32)
    for n, p in [(12, 2), (13, 3), (14, 4), (11, 5)]:
        xi = _patterns(kind, p, n, rng)
        net = Hopfield.from_patterns(xi, integer=integer, theta=_theta(theta_kind, n, rng))
        fp = hebb_fixed_points(net)
        states = fp.states()
        expected = _brute(net)
        assert {tuple(r) for r in states} == expected
        assert states.shape[0] == len(expected) == fp.n_fixed_points
        reps = fp.representatives()
        np.testing.assert_allclose(fp.energies, net.energy(reps), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(fp.overlaps, reps.astype(np.int64) @ xi.T.astype(np.int64))


@pytest.mark.parametrize("theta_kind", ["zero", "uniform", "mixed"])
def test_self_coupling_counts_tied_classes(theta_kind):
    rng = np.random.default_rng(7)
    for n, p, kind in [(12, 2, "repeated"), (13, 3, "random"), (14, 2, "correlated")]:
        xi = _patterns(kind, p, n, rng)
        th = _theta(theta_kind, n, rng)
        J = (xi.T.astype(np.int64) @ xi).astype(np.int16)  # diagonal P kept
        net = Hopfield(J, theta=th, scale=1.0 / n)
        fp = hebb_fixed_points(patterns=xi, theta=th, self_coupling=True)
        expected = _brute(net)
        states = fp.states()
        assert {tuple(r) for r in states} == expected
        assert states.shape[0] == len(expected) == fp.n_fixed_points


def test_split_tied_class_multiplicity():
    # one pattern, self-coupling kept, θ = 0, N = 4, pattern (+,+,-,-): the balanced states
    # have m = 0, so every neuron has field 0 and any balanced state is fixed: C(4,2) = 6 of them,
    # plus the pattern and its reverse (every other state has an unstable spin)
    xi = np.array([[1, 1, -1, -1]], dtype=np.int8)
    fp = hebb_fixed_points(patterns=xi, self_coupling=True)
    assert fp.n_fixed_points == 8
    assert fp.multiplicity.max() == 6  # the four neurons share one gauged class


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_branch_and_bound(seed):
    rng = np.random.default_rng(seed)
    for n, p, kind, th in [(28, 3, "random", None), (30, 4, "repeated", None),
                           (26, 3, "correlated", 1.0 / 26)]:
        xi = _patterns(kind, p, n, rng)
        net = Hopfield.from_patterns(xi, theta=None if th is None else np.full(n, th))
        bb = enumerate_fixed_points(net, max_seconds=600, method="branch-and-bound")
        fp = hebb_fixed_points(net)
        assert {tuple(r) for r in bb.states} == {tuple(r) for r in fp.states()}
        assert len(bb) == fp.n_fixed_points
        energy = dict(zip(map(tuple, bb.states), bb.energies))
        for s, e in zip(fp.representatives(), fp.energies):
            assert energy[tuple(s)] == pytest.approx(e, rel=1e-12, abs=1e-12)


def test_large_network_is_fast_and_every_solution_is_fixed():
    xi = random_patterns(5, 10_000, rng=3)
    fp = hebb_fixed_points(patterns=xi)
    assert fp.seconds < 10.0
    assert fp.n_fixed_points == len(fp) and len(fp) > 2 * 5
    # the stored patterns and their reverses are among them (P << N)
    m = fp.overlaps
    for mu in range(5):
        assert np.any(m[:, mu] == 10_000) and np.any(m[:, mu] == -10_000)
    net = Hopfield.from_patterns(xi[:, :2000])
    small = hebb_fixed_points(net)
    assert bool(net.is_fixed_point(small.representatives()).all())


def test_network_and_patterns_forms_agree():
    xi = random_patterns(4, 300, rng=5)
    th = np.where(np.arange(300) % 3 == 0, 0.01, -0.02)  # two threshold values
    a = hebb_fixed_points(Hopfield.from_patterns(xi, theta=th))
    b = hebb_fixed_points(patterns=xi, theta=th)
    assert a.n_fixed_points == b.n_fixed_points
    assert {tuple(r) for r in a.representatives()} == {tuple(r) for r in b.representatives()}


def test_refuses_networks_not_built_by_hebb():
    xi = random_patterns(2, 10, rng=0)
    J = Hopfield.from_patterns(xi).J
    raw = Hopfield(J, scale=0.1, patterns=xi, rule="hebb")  # raw J: not trusted
    assert not is_lowrank_hebb(raw)
    with pytest.raises(ValueError, match="from_patterns"):
        hebb_fixed_points(raw)
    with pytest.raises(ValueError, match="pseudo_inverse|from_patterns"):
        hebb_fixed_points(Hopfield.from_patterns(xi, "pseudo_inverse"))
    with pytest.raises(ValueError, match="either"):
        hebb_fixed_points(Hopfield.from_patterns(xi), patterns=xi)
    with pytest.raises(ValueError, match="max_solutions"):
        hebb_fixed_points(patterns=random_patterns(5, 200, rng=0), max_solutions=3)
    with pytest.raises(ValueError, match="max_classes"):
        hebb_fixed_points(patterns=random_patterns(2, 200, rng=0), theta=np.linspace(0, 1, 200))
    with pytest.raises(ValueError, match="limit"):
        hebb_fixed_points(patterns=random_patterns(5, 200, rng=0)).states(limit=3)


def test_result_round_trips(roundtrip):
    fp = hebb_fixed_points(patterns=random_patterns(3, 50, rng=2))
    back = roundtrip(fp)
    assert isinstance(back, HebbFixedPoints) and back.n_fixed_points == fp.n_fixed_points

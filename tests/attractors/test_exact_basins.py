"""Exact basins of the synchronous and sequential maps of small networks.

References are brute force: the map is applied to every one of the 2^N states in NumPy/pure
Python and iterated from every state until it repeats.
"""

import numba
import numpy as np

from esorma.io import read_attrs
import pytest

from esorma import Hopfield
from esorma.attractors import decode_states, encode_states, exact_basins, successors
from esorma.dynamics import run
from esorma.patterns import random_patterns


# ----------------------------------------------------------------------------- references
def _all_states(n):
    return decode_states(np.arange(2**n), n)


def _effective_fields(net, s):
    """Fields as the kernels define them: exact integers times scale for integer J."""
    if net.is_integer:
        raw = net.J.astype(np.int64) @ s.astype(np.int64)
    else:
        raw = net.J @ s.astype(np.float64)
    return net.scale * raw - net.theta


def _sync_map(net, s):
    f = _effective_fields(net, s)
    return np.where(f > 0, 1, np.where(f < 0, -1, s)).astype(np.int8)


def _sequential_map(net, s):
    s = s.copy()
    for i in range(len(s)):
        if net.is_integer:
            raw = int(net.J[i].astype(np.int64) @ s.astype(np.int64))
        else:
            raw = float(net.J[i] @ s.astype(np.float64))
        f = net.scale * raw - net.theta[i]
        if f > 0:
            s[i] = 1
        elif f < 0:
            s[i] = -1
    return s


def _brute(net, mode):
    """Successors, and {cycle (frozenset of codes): basin size}, depth of every state."""
    n = net.n_neurons
    step = _sync_map if mode == "sync" else _sequential_map
    states = _all_states(n)
    succ = np.array([int(encode_states(step(net, s))) for s in states])
    basins, depth = {}, np.empty(2**n, dtype=np.int64)
    for x in range(2**n):
        path, seen = [], {}
        y = x
        while y not in seen:
            seen[y] = len(path)
            path.append(y)
            y = int(succ[y])
        cycle = frozenset(path[seen[y]:])
        # walk on until the cycle is reached, for the depth
        d, z = 0, x
        while z not in cycle:
            z, d = int(succ[z]), d + 1
        depth[x] = d
        basins[cycle] = basins.get(cycle, 0) + 1
    return succ, basins, depth


def _as_dict(res):
    out = {}
    for k in range(res.n_attractors):
        cyc = res.cycle_codes[res.cycle_offsets[k] : res.cycle_offsets[k + 1]]
        out[frozenset(int(c) for c in cyc)] = int(res.basin_sizes[k])
    return out


def _networks():
    """Integer Hebb with ties (even P), float SK, non-symmetric Gaussian with thresholds."""
    rng = np.random.default_rng(7)
    yield "hebb-even-P", Hopfield.from_patterns(random_patterns(4, 9, rng=1))
    yield "hebb-odd-P", Hopfield.from_patterns(random_patterns(3, 10, rng=2))
    g = rng.normal(size=(10, 10))
    sk = (g + g.T) / np.sqrt(20)
    np.fill_diagonal(sk, 0)
    yield "sk", Hopfield(sk)
    yield "asym-theta", Hopfield(rng.normal(size=(9, 9)), theta=rng.normal(scale=0.5, size=9))


NETWORKS = list(_networks())




# ----------------------------------------------------------------------------- exact basins
@pytest.mark.parametrize("mode", ["sync", "sequential"])
@pytest.mark.parametrize("name,net", NETWORKS, ids=[n for n, _ in NETWORKS])
def test_exact_basins_equal_brute_force(name, net, mode):
    res = exact_basins(net, mode=mode)
    succ, basins, depth = _brute(net, mode)
    assert np.array_equal(res.successors, succ)
    assert _as_dict(res) == basins
    assert np.array_equal(res.depth, depth)
    assert int(res.basin_sizes.sum()) == 2**net.n_neurons
    # every state's basin index points at the attractor its orbit ends on
    for k in range(res.n_attractors):
        members = np.flatnonzero(res.basin == k)
        assert members.size == res.basin_sizes[k]
        assert res.max_transient[k] == depth[members].max()
    # the representative is the smallest code on its cycle and decodes to `attractors`
    for k in range(res.n_attractors):
        cyc = res.cycle_codes[res.cycle_offsets[k] : res.cycle_offsets[k + 1]]
        assert res.codes[k] == cyc.min() == cyc[0]
        assert np.array_equal(decode_states(cyc[1:], net.n_neurons),
                              decode_states(succ[cyc[:-1]], net.n_neurons))
    assert np.array_equal(res.attractors, decode_states(res.codes, net.n_neurons))
    assert np.allclose(res.energies, net.energy(res.attractors))
    cycle_states = decode_states(res.cycle_codes, net.n_neurons)
    assert np.allclose(res.cycle_energies, net.energy(cycle_states))
    # sorted by decreasing basin size
    assert np.all(np.diff(res.basin_sizes) <= 0)


@pytest.mark.parametrize("name,net", NETWORKS, ids=[n for n, _ in NETWORKS])
def test_fixed_points_are_the_stable_states(name, net):
    """Both maps fix exactly the states with s_i h_i >= 0 (a sweep flips each spin once)."""
    states = _all_states(net.n_neurons)
    stable = set(encode_states(states[net.is_fixed_point(states)]).tolist())
    for mode in ("sync", "sequential"):
        res = exact_basins(net, mode=mode)
        assert set(res.codes[res.is_fixed_point].tolist()) == stable


def test_fixed_points_agree_with_enumeration():
    from esorma.attractors import enumerate_fixed_points

    net = Hopfield.from_patterns(random_patterns(4, 14, rng=5))
    res = exact_basins(net, mode="sync")
    fp = enumerate_fixed_points(net)
    assert set(encode_states(fp.states).tolist()) == set(res.codes[res.is_fixed_point].tolist())


def test_sequential_map_is_one_dynamics_sweep():
    net = Hopfield(np.random.default_rng(3).normal(size=(10, 10)))
    states = _all_states(10)
    ref = run(net, states, mode="async", order="sequential", max_sweeps=1).states
    assert np.array_equal(successors(net, mode="sequential"), encode_states(ref))


def test_float_couplings_with_ties_follow_sync_dynamics():
    """Float Hebb couplings (even P: many near-ties) give one step of the sync dynamics."""
    for seed in range(3):
        net = Hopfield.from_patterns(random_patterns(4, 10, rng=seed), integer=False)
        states = _all_states(10)
        ref = run(net, states, mode="sync", max_sweeps=1).states
        assert np.array_equal(successors(net, mode="sync"), encode_states(ref))


def test_sync_basins_agree_with_sync_dynamics():
    """Running the synchronous dynamics from any state ends on the attractor of its basin."""
    net = Hopfield.from_patterns(random_patterns(3, 11, rng=8))
    res = exact_basins(net, mode="sync")
    states = _all_states(11)
    dyn = run(net, states, mode="sync", max_sweeps=200)
    assert dyn.all_converged
    end = res.attractor_of(dyn.states)
    assert np.array_equal(end, res.basin.astype(np.int64))


@pytest.mark.parametrize("seed", range(4))
def test_sync_symmetric_only_fixed_points_and_2_cycles(seed):
    """Goles–Olivos: for symmetric J the parallel map has only fixed points and 2-cycles;
    exhaustive over all 2^12 states for Hebb (with ties) and Gaussian symmetric couplings."""
    rng = np.random.default_rng(100 + seed)
    g = rng.normal(size=(12, 12))
    nets = [
        Hopfield.from_patterns(random_patterns(2 + seed, 12, rng=seed)),
        Hopfield(g + g.T),  # non-zero diagonal allowed
        Hopfield((g + g.T), theta=rng.normal(size=12)),
    ]
    for net in nets:
        res = exact_basins(net, mode="sync")
        assert set(res.cycle_lengths.tolist()) <= {1, 2}
        # and the sequential map (zero or positive diagonal) has only fixed points
        seq = exact_basins(net, mode="sequential")
        if np.all(np.diagonal(net.couplings) >= 0):
            assert set(seq.cycle_lengths.tolist()) == {1}


def test_non_symmetric_sync_can_have_long_cycles():
    # a ring of 5 spins copying their left neighbour: a rotation, so cycles of length 5
    n = 5
    J = np.zeros((n, n))
    for i in range(n):
        J[i, (i - 1) % n] = 1.0
    res = exact_basins(J, mode="sync")
    assert 5 in res.cycle_lengths.tolist()
    assert int(res.basin_sizes.sum()) == 32
    assert res.n_cycles == res.n_attractors - 2  # all-up and all-down are fixed


def test_to_networkx_graph():
    import networkx as nx

    net = Hopfield.from_patterns(random_patterns(3, 8, rng=3))
    res = exact_basins(net, mode="sync")
    g = res.to_networkx()
    assert g.number_of_nodes() == 256 and g.number_of_edges() == 256
    assert all(d == 1 for _, d in g.out_degree())
    comps = list(nx.weakly_connected_components(g))
    assert len(comps) == res.n_attractors
    cycles = list(nx.simple_cycles(g))
    assert sorted(len(c) for c in cycles) == sorted(res.cycle_lengths.tolist())
    for k in range(res.n_attractors):
        assert g.nodes[int(res.codes[k])]["basin"] == k
        assert g.nodes[int(res.codes[k])]["on_cycle"]


def test_same_result_with_one_or_two_threads():
    net = Hopfield(np.random.default_rng(4).normal(size=(14, 14)))
    before = numba.get_num_threads()
    try:
        out = []
        for t in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(t)
            out.append(exact_basins(net, mode="sequential"))
            out.append(exact_basins(net, mode="sync"))
    finally:
        numba.set_num_threads(before)
    for a, b in ((out[0], out[2]), (out[1], out[3])):
        assert np.array_equal(a.successors, b.successors)
        assert np.array_equal(a.basin, b.basin)
        assert np.array_equal(a.codes, b.codes)


def test_save_and_load_round_trip(tmp_path, roundtrip):
    import h5py

    from esorma.io import load_result, save_result

    net = Hopfield.from_patterns(random_patterns(3, 10, rng=1))
    res = exact_basins(net, mode="sync")
    roundtrip(res)
    p = save_result(tmp_path / "b.h5", res, kind="attractors", config={"N": 10}, seed=1)
    with h5py.File(p) as fh:
        assert read_attrs(fh["result/basin_sizes"])["unit"] == "states"
    back = load_result(p)
    assert np.array_equal(back.basin_sizes, res.basin_sizes)
    assert np.array_equal(back.successors, res.successors)
    assert back.labels.names == res.labels.names
    assert back.mode == "sync"


def test_encode_decode_round_trip(rng):
    s = (2 * rng.integers(0, 2, size=(20, 17)) - 1).astype(np.int8)
    assert np.array_equal(decode_states(encode_states(s), 17), s)


def test_stored_patterns_are_fixed_points_at_low_load():
    xi = random_patterns(5, 400, rng=11)  # alpha = 0.0125
    net = Hopfield.from_patterns(xi)
    assert bool(np.all(net.is_fixed_point(xi)))
    assert bool(np.all(net.is_fixed_point(-xi)))
    # exactly, at small N: patterns and reversals are among the exact attractors, labelled
    xi = random_patterns(2, 16, rng=3)
    res = exact_basins(Hopfield.from_patterns(xi), mode="sequential")
    names = res.labels.names
    for k in range(2):
        assert f"pattern {k}" in names and f"reversed {k}" in names


# ----------------------------------------------------------------------------- bad input
def test_bad_input():
    with pytest.raises(ValueError, match="N must be <= max_neurons"):
        exact_basins(np.zeros((25, 25)))
    with pytest.raises(ValueError, match="2\\*\\*25"):
        exact_basins(np.zeros((25, 25)))
    with pytest.raises(ValueError, match="mode must be one of"):
        exact_basins(np.zeros((4, 4)), mode="async")
    with pytest.raises(ValueError, match="square"):
        exact_basins(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="finite"):
        exact_basins(np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="max_neurons"):
        exact_basins(np.zeros((4, 4)), max_neurons=31)
    with pytest.raises(ValueError, match="theta"):
        exact_basins(np.zeros((4, 4)), theta=np.zeros(3))
    with pytest.raises(ValueError, match="transition graph was not kept"):
        exact_basins(np.eye(4), keep_graph=False).to_networkx()
    with pytest.raises(ValueError, match="codes must lie"):
        decode_states([16], 4)

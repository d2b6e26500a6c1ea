"""Hebb networks built from patterns keep the patterns and form J only when a path needs it;
every O(NP) path gives bit-identical results to the dense one (ties included)."""

import pickle
import tracemalloc

import numpy as np
import pytest

from esorma import Hopfield
from esorma.dynamics import glauber, metropolis, parallel_tempering, run
from esorma.learning import hebb, hebb_counts
from esorma.patterns import corrupt, random_patterns


def _pair(p, n, seed, theta=None):
    xi = random_patterns(p, n, rng=seed)
    lazy = Hopfield.from_patterns(xi, theta=theta)
    dense = Hopfield(hebb(xi, integer=True), theta=theta, scale=1.0 / n, patterns=xi)
    return xi, lazy, dense


def _tie_theta(n, rng):
    # thresholds on the lattice of fields (multiples of 1/N): ties s_i h_i = 0 happen often
    return rng.integers(-2, 3, size=n) / n


@pytest.mark.parametrize("p, n", [(2, 64), (4, 100), (7, 33)])
@pytest.mark.parametrize("with_theta", [False, True])
def test_fields_energies_fixed_points_overlaps_bit_identical(p, n, with_theta):
    rng = np.random.default_rng(p * n)
    theta = _tie_theta(n, rng) if with_theta else None
    xi, lazy, dense = _pair(p, n, p + n, theta)
    # even P gives many exact zero fields: the tie rule is exercised
    states = np.concatenate([xi, corrupt(np.repeat(xi, 5, axis=0), 0.2, rng=rng),
                             (2 * rng.integers(0, 2, (20, n)) - 1).astype(np.int8)])
    for name in ("fields", "energy", "is_fixed_point", "overlaps"):
        a, b = getattr(lazy, name)(states), getattr(dense, name)(states)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
        assert np.array_equal(getattr(lazy, name)(states[3]), getattr(dense, name)(states[3]))
    assert lazy.is_fixed_point(states).any() and not lazy.is_fixed_point(states).all()
    assert not lazy.couplings_formed  # none of these formed J
    assert np.array_equal(lazy.raw_fields(states), dense.raw_fields(states))


@pytest.mark.parametrize("mode, order", [("async", "random"), ("async", "sequential"),
                                         ("sync", "random")])
def test_zero_temperature_dynamics_bit_identical_without_forming_J(mode, order):
    rng = np.random.default_rng(5)
    for p, n, theta in [(2, 80, None), (5, 120, _tie_theta(120, rng)), (12, 60, None)]:
        xi, lazy, dense = _pair(p, n, n, theta)
        starts = np.concatenate([corrupt(np.repeat(xi, 3, axis=0), 0.3, rng=rng),
                                 (2 * rng.integers(0, 2, (10, n)) - 1).astype(np.int8)])
        a = run(lazy, starts, mode=mode, order=order, rng=7)
        b = run(dense, starts, mode=mode, order=order, rng=7)
        for f in ("states", "sweeps", "converged", "cycle_length", "energies"):
            assert np.array_equal(getattr(a, f), getattr(b, f)), (f, p, n)
        assert not lazy.couplings_formed
        one = run(lazy, starts[0], mode=mode, order=order, rng=7)
        assert one.states.shape == (n,)


@pytest.mark.parametrize("sampler", [glauber, metropolis])
def test_samplers_on_lazy_network_match_the_formed_network(sampler):
    xi = random_patterns(3, 150, rng=1)
    lazy = Hopfield.from_patterns(xi)
    formed = Hopfield.from_patterns(xi)
    formed.J  # noqa: B018 - form it: the low-rank path must not depend on it
    kw = dict(n_sweeps=30, n_chains=4, states=xi[0], path="low_rank", rng=2)
    for t in (0.0, 0.4):
        a, b = sampler(lazy, t, **kw), sampler(formed, t, **kw)
        assert np.array_equal(a.states, b.states) and np.array_equal(a.energy, b.energy)
        assert np.array_equal(a.energies, b.energies)
    assert sampler(lazy, 0.4, n_sweeps=5, states=xi[0], rng=2).path == "low_rank"
    pt = parallel_tempering(lazy, [0.3, 0.6, 1.2], n_sweeps=20, n_runs=2, rng=3)
    assert pt.states.shape == (2, 3, 150)
    assert not lazy.couplings_formed


def test_J_is_formed_on_demand_cached_and_released(tmp_path):
    from esorma.io import load_network, save_network

    xi = random_patterns(5, 50, rng=3)
    net = Hopfield.from_patterns(xi)
    assert "formed on demand" in repr(net) and not net.couplings_formed
    assert net.n_neurons == 50 and net.is_integer and net.couplings_dtype == np.int16
    assert not net.couplings_formed
    J = net.J
    assert net.couplings_formed and net.J is J  # cached
    assert np.array_equal(J, hebb(xi, integer=True)) and J.dtype == np.int16
    np.testing.assert_array_equal(net.couplings, hebb(xi))
    assert net.release_couplings() and not net.couplings_formed
    assert not Hopfield(hebb(xi)).release_couplings()  # a raw J is kept
    back = load_network(save_network(tmp_path / "n.h5", net))
    assert np.array_equal(back.J, net.J) and np.array_equal(back.patterns, xi)
    clone = pickle.loads(pickle.dumps(Hopfield.from_patterns(xi)))
    assert not clone.couplings_formed and np.array_equal(clone.J, J)
    f = Hopfield.from_patterns(xi, integer=False)
    assert not f.couplings_formed and np.array_equal(f.J, hebb(xi))
    assert Hopfield.from_patterns(xi, dtype="int32").J.dtype == np.int32
    with pytest.raises(AttributeError):
        net.J = J  # still frozen


@pytest.mark.parametrize("n", [1, 7, 65, 301])
@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float64])
def test_block_built_counts_equal_the_plain_product(n, dtype):
    xi = random_patterns(9, n, rng=n)
    x = xi.astype(np.int64)
    want = x.T @ x
    np.fill_diagonal(want, 0)
    got = hebb_counts(xi, dtype)
    assert got.dtype == dtype and np.array_equal(got, want)


def test_storing_dense_J_peaks_at_most_1_5_times_the_matrix():
    xi = random_patterns(100, 1500, rng=0)
    tracemalloc.start()
    try:
        J = Hopfield.from_patterns(xi).J
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 1.5 * J.nbytes, peak / J.nbytes


def test_large_lazy_network_runs_in_O_NP_memory():
    n, p = 200_000, 3
    xi = random_patterns(p, n, rng=0)
    probes = corrupt(xi, 0.1, rng=1)
    net = Hopfield.from_patterns(xi)
    tracemalloc.start()
    try:
        res = net.run(probes, rng=2)
        g = glauber(net, 0.5, n_sweeps=2, states=xi[0], rng=3)
        e, ok = net.energy(res.states), net.is_fixed_point(res.states)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * n  # tens of bytes per spin (3 probes, 1 chain); J alone: 2 N² = 80 GB
    assert ok.all() and np.allclose(np.diagonal(net.overlaps(res.states)), 1.0)
    assert np.all(e < 0) and g.overlaps[-1, 0, 0] > 0.9 and not net.couplings_formed


def test_many_patterns_use_the_dense_path_unless_J_would_not_fit(monkeypatch):
    from esorma.dynamics import _common

    xi = random_patterns(40, 120, rng=4)
    starts = corrupt(xi[:4], 0.2, rng=5)
    net = Hopfield.from_patterns(xi)
    assert _common.prefer_low_rank(Hopfield.from_patterns(xi[:32]))
    monkeypatch.setattr("esorma._validation.available_memory_bytes", lambda: 10_000)
    assert _common.prefer_low_rank(net)  # J (28 kB) would not fit: stay low rank
    a = run(net, starts, rng=6)
    assert not net.couplings_formed
    monkeypatch.undo()
    assert not _common.prefer_low_rank(Hopfield.from_patterns(xi))
    b = run(net, starts, rng=6)  # P > 32: the dense path (J formed) is cheaper per sweep
    assert net.couplings_formed
    assert np.array_equal(a.states, b.states) and np.array_equal(a.energies, b.energies)


def test_a_lazy_hebb_network_is_saved_as_its_patterns_and_loads_lazy(tmp_path):
    import h5py

    from esorma.io import load_network, save_network
    from esorma.patterns import random_patterns

    xi = random_patterns(3, 50, rng=4)
    for integer in (True, False):
        net = Hopfield.from_patterns(xi, integer=integer, theta=np.full(50, 0.02))
        p = save_network(tmp_path / f"n{integer}.h5", net, seed=4)
        with h5py.File(p) as f:
            assert "J" not in f["network"]          # O(NP) bytes on disk, never N x N
        back = load_network(p)
        assert not back.couplings_formed
        assert back.couplings_dtype == net.couplings_dtype and back.scale == net.scale
        np.testing.assert_array_equal(back.J, net.J)
        np.testing.assert_array_equal(back.theta, net.theta)

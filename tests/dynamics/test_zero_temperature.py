"""Zero-temperature dynamics against brute-force references; the round trip of DynamicsResult."""

import numba
import numpy as np
import pytest

from esorma import Hopfield
from esorma.dynamics import run
from esorma.patterns import corrupt, random_patterns


def _sequential_sweep_reference(J, theta, s):
    s = s.copy()
    for i in range(len(s)):
        h = J[i] @ s - theta[i]
        if h > 0:
            s[i] = 1
        elif h < 0:
            s[i] = -1
    return s


@pytest.mark.parametrize("integer", [True, False])
def test_sequential_matches_reference(integer):
    xi = random_patterns(6, 40, rng=0)
    net = Hopfield.from_patterns(xi, integer=integer)
    J = net.couplings
    starts = random_patterns(8, 40, rng=1)
    res = run(net, starts, order="sequential", max_sweeps=1)
    ref = np.array([_sequential_sweep_reference(J, net.theta, s.astype(float)) for s in starts])
    assert np.array_equal(res.states, ref)


def test_sync_matches_reference_non_symmetric_with_theta():
    rng = np.random.default_rng(2)
    J = rng.normal(size=(30, 30))
    theta = rng.normal(scale=0.3, size=30)
    net = Hopfield(J, theta=theta)
    s0 = random_patterns(5, 30, rng=3)
    res = run(net, s0, mode="sync", max_sweeps=1)
    h = s0 @ J.T - theta
    expected = np.where(h > 0, 1, np.where(h < 0, -1, s0))
    # one step taken unless already a fixed point
    for k in range(5):
        if res.sweeps[k] == 1:
            assert np.array_equal(res.states[k], expected[k])


def test_energy_never_increases_async():
    rng = np.random.default_rng(4)
    J = rng.normal(size=(60, 60))
    J = (J + J.T) / 2
    np.fill_diagonal(J, 0)
    net = Hopfield(J)
    s = random_patterns(10, 60, rng=5)
    e = net.energy(s)
    for sweep in range(20):
        res = run(net, s, max_sweeps=1, rng=sweep)
        assert np.all(res.energies <= e + 1e-12)
        np.testing.assert_allclose(res.energies, net.energy(res.states), atol=1e-10)
        s, e = res.states, res.energies
    assert np.all(net.is_fixed_point(s))


def test_async_converges_to_fixed_points_and_retrieves():
    xi = random_patterns(10, 500, rng=6)  # alpha = 0.02
    net = Hopfield.from_patterns(xi)
    res = run(net, corrupt(xi, 0.2, rng=7), rng=8)
    assert res.all_converged and np.all(res.cycle_length == 1)
    assert np.all(net.is_fixed_point(res.states))
    assert np.all(np.diagonal(net.overlaps(res.states)) == 1.0)


def test_sync_symmetric_only_fixed_points_or_two_cycles():
    rng = np.random.default_rng(9)
    J = rng.normal(size=(50, 50))
    J = (J + J.T) / 2
    np.fill_diagonal(J, 0)
    res = run(J, random_patterns(200, 50, rng=10), mode="sync", max_sweeps=1000)
    assert res.all_converged
    assert set(np.unique(res.cycle_length)) <= {1, 2}
    assert np.any(res.cycle_length == 2)  # SK-like couplings do have 2-cycles
    two = res.states[res.cycle_length == 2]
    nxt = run(J, two, mode="sync", max_sweeps=1).states
    assert np.all(np.any(nxt != two, axis=1))
    back = run(J, nxt, mode="sync", max_sweeps=1).states
    assert np.array_equal(back, two)


def test_max_sweeps_zero_only_checks():
    xi = random_patterns(3, 100, rng=11)
    net = Hopfield.from_patterns(xi)
    res = run(net, corrupt(xi, 0.1, rng=1), max_sweeps=0)
    assert not np.any(res.converged) and np.all(res.sweeps == 0)
    res = run(net, xi, max_sweeps=0)
    assert res.all_converged


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")
def test_same_seed_same_result_any_thread_count():
    xi = random_patterns(30, 400, rng=12)
    net = Hopfield.from_patterns(xi)
    starts = corrupt(np.repeat(xi, 2, axis=0), 0.3, rng=13)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = run(net, starts, rng=14)
        numba.set_num_threads(2)
        b = run(net, starts, rng=14)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(a.states, b.states) and np.array_equal(a.sweeps, b.sweeps)
    assert np.array_equal(a.seeds, b.seeds) and a.seeds.shape == (len(starts),)
    c = run(net, starts, rng=15)
    assert not np.array_equal(a.states, c.states)  # the seed matters


@pytest.mark.parametrize(
    "kwargs, err, msg",
    [
        (dict(mode="parallel"), ValueError, "mode must be one of"),
        (dict(order="backwards"), ValueError, "order must be one of"),
        (dict(max_sweeps=-1), ValueError, "max_sweeps must be >= 0"),
        (dict(max_sweeps=1.5), TypeError, "max_sweeps must be an integer"),
    ],
)
def test_bad_arguments(kwargs, err, msg):
    net = Hopfield.from_patterns(random_patterns(2, 10, rng=0))
    with pytest.raises(err, match=msg):
        run(net, np.ones(10), **kwargs)


def test_dynamics_result_roundtrip(roundtrip):
    xi = random_patterns(3, 60, rng=0)
    net = Hopfield.from_patterns(xi)
    back = roundtrip(run(net, corrupt(xi, 0.1, rng=1), rng=2))
    assert back.all_converged and back.seeds.shape == (3,)
    roundtrip(run(net, xi, order="sequential", max_sweeps=2))  # deterministic: seeds None


def test_networks_come_in_every_form():
    # a Hopfield, a raw coupling matrix and anything with to_network() give the same dynamics
    from esorma.thermo import BoltzmannMachine

    J = Hopfield.from_patterns(random_patterns(2, 30, rng=3)).couplings
    s0 = random_patterns(4, 30, rng=4)
    ref = run(Hopfield(J), s0, rng=5)
    for form in (J, BoltzmannMachine(J)):
        np.testing.assert_array_equal(run(form, s0, rng=5).states, ref.states)


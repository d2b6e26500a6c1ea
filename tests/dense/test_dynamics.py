"""Binary dense associative memories: n = 2 is the Hopfield network, state by state."""

import itertools

import numpy as np
import pytest

from esorma import Hopfield
from esorma.dense import DenseHopfield, glauber, run
from esorma.dynamics import run as hopfield_run
from esorma.patterns import corrupt, random_patterns


@pytest.fixture(scope="module")
def pair():
    xi = random_patterns(12, 50, rng=0)
    starts = np.random.default_rng(1).choice(np.array([-1, 1], np.int8), size=(40, 50))
    return xi, starts, DenseHopfield(xi, "power", 2), Hopfield.from_patterns(xi)


@pytest.mark.parametrize("mode, order", [("async", "random"), ("async", "sequential"),
                                         ("sync", "random")])
def test_n2_gives_the_hopfield_trajectories_exactly(pair, mode, order):
    xi, starts, dense, hop = pair
    a = run(dense, starts, mode=mode, order=order, rng=7)
    b = hopfield_run(hop, starts, mode=mode, order=order, rng=7)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.sweeps, b.sweeps)
    np.testing.assert_array_equal(a.cycle_length, b.cycle_length)
    # E_dense = E_Hebb - P/2 at n = 2
    np.testing.assert_allclose(a.energies, b.energies - xi.shape[0] / 2, atol=1e-9)


def test_n2_energy_differences_are_twice_s_h_state_by_state(pair):
    xi, starts, dense, hop = pair
    np.testing.assert_allclose(dense.energy_differences(starts), 2 * starts * hop.fields(starts),
                               atol=1e-12)
    np.testing.assert_array_equal(dense.is_fixed_point(starts), hop.is_fixed_point(starts))


def test_ties_keep_the_spin_at_n2():
    # two orthogonal patterns of N = 4: the state below has h_i = 0 on some spins
    xi = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], np.int8)
    dense, hop = DenseHopfield(xi, "power", 2), Hopfield.from_patterns(xi)
    for s in itertools.product([-1, 1], repeat=4):
        s = np.array(s, np.int8)
        de = dense.energy_differences(s)
        np.testing.assert_array_equal(de == 0, hop.fields(s) == 0)
        np.testing.assert_array_equal(run(dense, s, rng=1).states, hopfield_run(hop, s,
                                                                                 rng=1).states)


@pytest.mark.parametrize("model", ["poly3", "poly4", "exp"])
def test_energy_differences_match_full_energies(model):
    xi = random_patterns(7, 20, rng=3)
    net = DenseHopfield.from_model(xi, model)
    s = np.random.default_rng(4).choice(np.array([-1, 1], np.int8), size=(5, 20))
    de = net.energy_differences(s)
    e0 = net.energy(s)
    for i in range(20):
        t = s.copy()
        t[:, i] *= -1
        np.testing.assert_allclose(de[:, i], net.energy(t) - e0, rtol=1e-9, atol=1e-9)


def test_exp_is_overflow_safe_and_ties_are_exact():
    xi = random_patterns(50, 2000, rng=0)  # e^2000 overflows float64
    net = DenseHopfield(xi, "exp")
    de = net.energy_differences(xi[:2])
    assert np.all(np.isfinite(de)) and np.all(de > 0)
    # one pattern: flipping spin i changes x by -2: a strict increase; two opposite patterns:
    # x = (N, -N) -> (N-2, -N+2): never a tie
    one = DenseHopfield(np.array([[1, 1, -1, 1]], np.int8), "exp")
    assert np.all(one.energy_differences(np.array([1, 1, -1, 1], np.int8)) > 0)
    # a symmetric state: x = (0, 0) for xi = (+ + + +), (+ + - -) at s = (+ - + -)?
    sym = DenseHopfield(np.array([[1, 1, 1, 1], [-1, -1, -1, -1]], np.int8), "exp")
    s = np.array([1, -1, 1, -1], np.int8)  # x = (0, 0) -> (±2, ∓2): the multiset changes
    assert np.all(sym.energy_differences(s) < 0)
    tie = DenseHopfield(np.array([[1, 1], [1, -1]], np.int8), "exp")
    # s = (1, 1): x = (2, 0); flipping spin 2 gives x = (0, 2): the same multiset -> exact 0
    assert tie.energy_differences(np.array([1, 1], np.int8))[1] == 0.0


@pytest.mark.parametrize("model", ["poly3", "exp"])
def test_results_do_not_depend_on_batching_or_threads(model):
    import numba

    xi = random_patterns(40, 60, rng=2)
    net = DenseHopfield.from_model(xi, model)
    starts = corrupt(xi[:6], 0.3, rng=3)
    full = run(net, starts, rng=11)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = run(net, starts, rng=11)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(full.states, single.states)
    alone = run(net, starts[2], rng=np.random.default_rng(0))
    assert alone.states.shape == (60,)
    assert np.all(net.is_fixed_point(full.states))


def test_poly3_retrieves_far_beyond_the_hopfield_capacity():
    xi = random_patterns(200, 100, rng=5)  # P = 2 N
    net = DenseHopfield(xi, "power", 3)
    res = run(net, corrupt(xi[:10], 0.1, rng=6), rng=7)
    assert np.all(res.states == xi[:10])


def test_glauber_samples_the_boltzmann_law_of_a_small_network():
    # chi-square of the visited states of many short chains against exp(-E/T) (seeded).
    xi = random_patterns(2, 5, rng=1)
    net = DenseHopfield(xi, "power", 3)
    states = np.array(list(itertools.product([-1, 1], repeat=5)), np.int8)
    T = 1.5
    w = np.exp(-net.energy(states) / T)
    p = w / w.sum()
    starts = np.ones((4000, 5), np.int8)
    res = glauber(net, T, starts, n_sweeps=30, rng=3)
    codes = ((res.states > 0) * (1 << np.arange(5)[::-1])).sum(axis=1)
    counts = np.bincount(codes, minlength=32)
    expected = p * len(starts)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 70.0  # 31 dof: p-value ~ 1e-4 at 70


def test_validation_names_the_argument():
    xi = random_patterns(3, 10, rng=0)
    with pytest.raises(ValueError, match="degree"):
        DenseHopfield(xi, "exp", 3)
    with pytest.raises(ValueError, match="interaction"):
        DenseHopfield(xi, "cubic")
    with pytest.raises(ValueError, match="model"):
        DenseHopfield.from_model(xi, "poly1")
    with pytest.raises(TypeError, match="DenseHopfield"):
        run(Hopfield.from_patterns(xi), xi)
    with pytest.raises(ValueError, match="temperature"):
        glauber(DenseHopfield(xi), 0.0, xi)

"""Every expensive call is estimated first (issue #13): huge requests are refused up front, in
well under a second, with esorma's estimate and the parameter to change; degenerate couplings
(ties: most states fixed points) are counted before the search; samplers warn on
non-symmetric couplings."""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors.enumerate import (
    count_fixed_points,
    enumerate_fixed_points,
    estimate_enumeration_cost,
)
from esorma.attractors.sampling import sample_attractors
from esorma.couplings import sk_couplings
from esorma.dynamics import (
    NonSymmetricWarning,
    glauber,
    metropolis,
    parallel_tempering,
    run,
    temperature_ladder,
)
from esorma.dynamics._common import check_chain_memory
from esorma.patterns import random_patterns
from esorma.stability.fixed_points import estimate_fixed_point_search, find_fixed_points


def _blocks(n, size):
    J = np.zeros((n, n))
    for a in range(0, n, size):
        J[a : a + size, a : a + size] = 1.0
    np.fill_diagonal(J, 0.0)
    return J


def _refused(fn, exc_type, *fragments):
    t0 = time.perf_counter()
    with pytest.raises(exc_type) as info:
        fn()
    seconds = time.perf_counter() - t0
    msg = str(info.value)
    for frag in fragments:
        assert frag in msg, (frag, msg)
    return seconds, msg


# --------------------------------------------------------------------------- enumeration


def test_all_zero_couplings_are_refused_up_front_with_the_fixed_point_estimate():
    enumerate_fixed_points(np.zeros((4, 4)))  # load the compiled kernels
    seconds, msg = _refused(lambda: enumerate_fixed_points(np.zeros((30, 30))), ValueError,
                            "max_fixed_points", "1.07e+09", "2^30", "GiB")
    assert seconds < 1.0


def test_uncoupled_blocks_are_counted_from_the_tie_structure():
    # 20 ferromagnetic triples: 2^20 fixed points, which random probes of the whole tree
    # miss (the search takes seconds: a limit below the estimate is refused up front)
    est = estimate_enumeration_cost(_blocks(60, 3))
    assert est["fixed_points"] == 2.0**20
    seconds, _ = _refused(lambda: enumerate_fixed_points(_blocks(60, 3), max_seconds=0.2),
                          ValueError, "max_seconds", "1.05e+06 fixed points")
    assert seconds < 1.0


@pytest.mark.parametrize("n_free", [0, 3, 6])
def test_free_spins_double_the_estimated_count_exactly(n_free):
    J = np.zeros((10 + n_free, 10 + n_free))
    J[:10, :10] = sk_couplings(10, rng=4)
    est = estimate_enumeration_cost(J)
    exact = len(enumerate_fixed_points(J))
    assert est["free_spins"] == n_free
    if n_free:
        assert est["fixed_points"] == exact == len(enumerate_fixed_points(J[:10, :10])) * 2**n_free


def test_integer_ties_make_all_states_fixed_and_the_estimate_says_so():
    J = np.zeros((14, 14), dtype=np.int16)
    assert estimate_enumeration_cost(J)["fixed_points"] == 2**14 == len(enumerate_fixed_points(J))


def test_over_max_fixed_points_is_refused_before_the_search():
    J = _blocks(24, 2)  # 2^12 fixed points
    seconds, msg = _refused(lambda: enumerate_fixed_points(J, max_fixed_points=100), ValueError,
                            "max_fixed_points = 100", "4.1e+03")
    assert seconds < 1.0
    assert count_fixed_points(J, max_fixed_points=100) == 2**12  # counting stores nothing


def test_enumeration_estimate_is_within_a_factor_3_of_the_output_memory():
    J = np.zeros((16, 16))
    est = estimate_enumeration_cost(J)
    enumerate_fixed_points(J)
    tracemalloc.start()
    enumerate_fixed_points(J)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak / 3 <= est["bytes"] <= 3 * peak


# --------------------------------------------------------------------------- huge requests


def _net(n):
    return Hopfield.from_patterns(random_patterns(3, n, rng=0))


HUGE = {
    "sample_attractors": (lambda: sample_attractors(_net(200), 10**10), MemoryError,
                          ("n_starts", "GiB")),
    "glauber_recorded": (lambda: glauber(np.zeros((1000, 1000)), 1.0, n_sweeps=100,
                                         n_chains=10**6, record_samples=True),
                         MemoryError, ("n_chains", "record_samples", "GiB")),
    "metropolis_chains": (lambda: metropolis(np.zeros((100, 100)), 1.0, n_sweeps=10,
                                             n_chains=10**10), MemoryError, ("n_chains", "GiB")),
    "tempering": (lambda: parallel_tempering(np.zeros((100, 100)), [0.5, 1.0], n_sweeps=10,
                                             n_runs=10**10), MemoryError, ("n_runs", "GiB")),
    "dynamics_run": (lambda: run(_net(2000), np.broadcast_to(np.ones(2000, np.int8),
                                                             (20_000_000, 2000))),
                     MemoryError, ("batches", "GiB")),
    "random_patterns": (lambda: random_patterns(10**6, 10**5), MemoryError,
                        ("n_patterns", "93.1 GiB")),
    "sk_couplings": (lambda: sk_couplings(200_000), MemoryError, ("n_neurons", "596.0 GiB")),
    "find_fixed_points": (lambda: find_fixed_points(np.eye(400) * 0.5, n_starts=10**5),
                          ValueError, ("max_seconds", "n_starts", "estimated")),
}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_huge_request_is_refused_in_well_under_a_second_with_the_estimate(name):
    fn, exc, fragments = HUGE[name]
    seconds, _ = _refused(fn, exc, *fragments)
    assert seconds < 1.0


def test_chain_memory_estimate_is_within_a_factor_3_of_the_real_peak():
    J = sk_couplings(100, rng=0)
    glauber(J, 1.0, n_sweeps=2, n_chains=4, rng=0)
    c, sweeps = 1000, 10
    est = check_chain_memory(Hopfield(J), c, sweeps, False, record_samples=True)
    tracemalloc.start()
    glauber(J, 1.0, n_sweeps=sweeps, n_chains=c, record_samples=True, rng=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak / 3 <= est <= 3 * peak


def test_fixed_point_search_estimate_names_its_parts():
    est = estimate_fixed_point_search(np.eye(50) * 0.5, n_starts=4)
    assert est["n_starts"] == 5 and est["seconds"] <= est["worst_seconds"]
    assert est["iteration_seconds"] > 0


def test_sk_couplings_and_patterns_are_the_same_numbers_as_before():
    # the in-place rewrites (lower peak memory) draw and round exactly as the old code
    rng = np.random.default_rng(3)
    g = rng.standard_normal((7, 7)) / np.sqrt(7)
    old = np.triu(g, 1) + np.triu(g, 1).T
    assert np.array_equal(sk_couplings(7, rng=3), old)
    bits = np.random.default_rng(3).integers(0, 2, size=(4, 9), dtype=np.int8)
    assert np.array_equal(random_patterns(4, 9, rng=3), (2 * bits - 1).astype(np.int8))


# --------------------------------------------------------------------------- non-symmetric J


def _asymmetric(n=8, seed=0):
    return np.random.default_rng(seed).standard_normal((n, n)) * (1 - np.eye(n))


@pytest.mark.parametrize("sampler", [glauber, metropolis])
def test_sampler_on_nonsymmetric_couplings_warns_what_is_sampled(sampler):
    with pytest.warns(NonSymmetricWarning, match="not the Boltzmann distribution"):
        sampler(_asymmetric(), 1.0, n_sweeps=5, rng=0)


def test_tempering_on_nonsymmetric_couplings_warns():
    with pytest.warns(NonSymmetricWarning, match=r"symmetric part \(J \+ J\^T\)/2"):
        parallel_tempering(_asymmetric(), temperature_ladder(0.5, 2.0, 3), n_sweeps=5, rng=0)


def test_nonsymmetric_warning_is_a_runtime_warning_and_silent_when_not_needed():
    assert issubclass(NonSymmetricWarning, RuntimeWarning)
    J = _asymmetric()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glauber((J + J.T) / 2, 1.0, n_sweeps=5, rng=0)  # symmetric: nothing to say
        glauber(J, 0.0, n_sweeps=5, rng=0)  # T = 0 is the zero-temperature dynamics

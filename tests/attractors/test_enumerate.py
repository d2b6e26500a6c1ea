"""Exact enumeration of fixed points: brute force, Tanaka-Edwards scaling, bad input."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from esorma.attractors.enumerate import (
    FixedPoints,
    count_fixed_points,
    enumerate_fixed_points,
    estimate_enumeration_cost,
    iter_fixed_points,
)

# ----------------------------------------------------------------------------- helpers


def all_states(n: int) -> np.ndarray:
    idx = np.arange(1 << n)
    return np.where((idx[:, None] >> np.arange(n)) & 1, 1, -1).astype(np.int8)


def brute_force(J, theta=None, scale=1.0) -> np.ndarray:
    """Every fixed point by checking all 2^N states (exact for integer J)."""
    J = np.asarray(J)
    n = J.shape[0]
    S = all_states(n)
    if np.issubdtype(J.dtype, np.integer):
        Js = S.astype(np.int64) @ J.astype(np.int64).T  # exact
    else:
        Js = S.astype(np.float64) @ J.T
    if theta is None:
        H = Js  # sign of scale * Js is the sign of Js
    else:
        H = scale * Js - np.asarray(theta, float)
    keep = np.all(S * H >= 0, axis=1)
    return lex_sorted(S[keep])


def lex_sorted(states: np.ndarray) -> np.ndarray:
    return states[np.lexsort(states.T[::-1])] if len(states) else states


def sk(n: int, rng) -> np.ndarray:
    a = rng.standard_normal((n, n))
    J = np.triu(a, 1)
    return (J + J.T) / np.sqrt(n)


def hebb_int16(n: int, p: int, rng):
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    J = (xi.T.astype(np.int16) @ xi.astype(np.int16)).astype(np.int16)
    np.fill_diagonal(J, 0)
    return J, xi


def energy(J, theta, states, scale=1.0):
    s = states.astype(np.float64)
    return -0.5 * scale * np.einsum("ki,ij,kj->k", s, np.asarray(J, float), s) + s @ theta


# ------------------------------------------------------------------- brute-force agreement


@pytest.mark.parametrize("n", [1, 2, 3, 7, 12, 16])
def test_sk_equals_brute_force(n):
    rng = np.random.default_rng(100 + n)
    J = sk(n, rng)
    fp = enumerate_fixed_points(J, sort="lex")
    expected = brute_force(J)
    assert fp.states.dtype == np.int8
    assert fp.states.shape == expected.shape
    np.testing.assert_array_equal(fp.states, expected)
    assert fp.used_symmetry
    assert fp.method == "branch-and-bound"


@pytest.mark.parametrize("n", [5, 11, 16])
def test_sk_with_thresholds_equals_brute_force(n):
    rng = np.random.default_rng(200 + n)
    J = sk(n, rng)
    theta = 0.5 * rng.standard_normal(n)
    fp = enumerate_fixed_points(J, theta, sort="lex")
    np.testing.assert_array_equal(fp.states, brute_force(J, theta))
    assert not fp.used_symmetry
    if n < 11:
        return
    # the thresholds broke the flip symmetry for these seeds (otherwise the test is weak)
    flipped = {tuple(s) for s in (-fp.states).tolist()}
    assert flipped != {tuple(s) for s in fp.states.tolist()}


@pytest.mark.parametrize("n", [6, 13, 16])
def test_nonsymmetric_equals_brute_force(n):
    rng = np.random.default_rng(300 + n)
    J = rng.standard_normal((n, n)) / np.sqrt(n)  # non-symmetric, nonzero diagonal
    theta = 0.3 * rng.standard_normal(n)
    np.testing.assert_array_equal(
        enumerate_fixed_points(J, theta, sort="lex").states, brute_force(J, theta)
    )
    np.testing.assert_array_equal(
        enumerate_fixed_points(J, sort="lex").states, brute_force(J)
    )


@pytest.mark.parametrize("n,p", [(8, 2), (11, 4), (13, 4), (15, 6), (16, 2)])
def test_hebb_int16_with_ties_equals_brute_force(n, p):
    rng = np.random.default_rng(400 + 10 * n + p)
    J, xi = hebb_int16(n, p, rng)
    S = all_states(n).astype(np.int64)
    H = S @ J.astype(np.int64).T
    # exact ties h_i = 0 occur for these (N, P); only exact integer arithmetic decides them
    assert np.any(H == 0)
    fp = enumerate_fixed_points(J, sort="lex")
    expected = brute_force(J)
    np.testing.assert_array_equal(fp.states, expected)
    if p == 4:
        # here some fixed points are stable only thanks to the tie rule (h_i = 0 keeps s_i)
        assert len(fp) > np.all(S * H > 0, axis=1).sum()
    if p == 2:
        # at this low load the stored patterns and their reverses are fixed points
        found = {tuple(s) for s in fp.states.tolist()}
        for pattern in xi.tolist():
            assert tuple(pattern) in found
            assert tuple(-x for x in pattern) in found


def test_hebb_int_thresholds_exact():
    rng = np.random.default_rng(7)
    J, _ = hebb_int16(14, 4, rng)
    theta = rng.integers(-2, 3, size=14).astype(np.float64)  # integer-valued: exact ties
    np.testing.assert_array_equal(
        enumerate_fixed_points(J, theta, sort="lex").states, brute_force(J, theta)
    )


def test_ferromagnet_and_aggregate_bound():
    # only the two aligned states are fixed points; the aggregate bound (sum of the
    # stability conditions of the assigned spins) keeps the search small
    n = 22
    J = np.ones((n, n), dtype=np.int16) - np.eye(n, dtype=np.int16)
    fp = enumerate_fixed_points(J, sort="lex")
    np.testing.assert_array_equal(fp.states, np.array([[-1] * n, [1] * n], dtype=np.int8))
    assert fp.n_visited < 2**n / 50
    # a non-symmetric coupling matrix with a nonzero diagonal takes the other kernel branch
    rng = np.random.default_rng(18)
    A = rng.standard_normal((12, 12)) + 0.5 * np.eye(12)
    np.testing.assert_array_equal(enumerate_fixed_points(A, sort="lex").states, brute_force(A))


def test_sixty_four_spins_with_propagation():
    # strong negative thresholds force every spin up: one fixed point, found by propagation
    # alone (64 single-child nodes); checks the 64-bit state codes at the size limit
    n = 64
    J = np.ones((n, n)) - np.eye(n)
    theta = np.full(n, -100.0)
    fp = enumerate_fixed_points(J, theta)
    np.testing.assert_array_equal(fp.states, np.ones((1, n), dtype=np.int8))
    assert fp.energies[0] == pytest.approx(-0.5 * n * (n - 1) - 100.0 * n)
    assert fp.n_visited <= n + 1
    # strong negative self-couplings: no state is stable, the root is cut at once
    assert count_fixed_points(-10 * np.eye(n) + 0.01) == 0


def test_zero_couplings_every_state_is_a_tie():
    fp = enumerate_fixed_points(np.zeros((6, 6), dtype=np.int32))
    assert len(fp) == 64
    assert count_fixed_points(np.zeros((6, 6))) == 64


def test_network_object_duck_typed():
    rng = np.random.default_rng(11)
    n = 14
    J, _ = hebb_int16(n, 4, rng)
    net = SimpleNamespace(J=J, theta=np.zeros(n), scale=1.0 / n)
    np.testing.assert_array_equal(
        enumerate_fixed_points(net, sort="lex").states, brute_force(J)
    )
    theta = 0.2 * rng.standard_normal(n)
    net = SimpleNamespace(J=J, theta=theta, scale=1.0 / n)
    fp = enumerate_fixed_points(net, sort="lex")
    np.testing.assert_array_equal(fp.states, brute_force(J, theta, scale=1.0 / n))
    np.testing.assert_allclose(fp.energies, energy(J, theta, fp.states, scale=1.0 / n))
    # without .scale the couplings are used as they are
    net2 = SimpleNamespace(J=J.astype(float) / n, theta=theta)
    np.testing.assert_array_equal(enumerate_fixed_points(net2, sort="lex").states, fp.states)


def test_network_thresholds_on_the_grid_of_scale():
    # theta = k / N with scale = 1 / N: h = scale * (J s) - theta has near-ties decided by
    # float rounding; the result must match that same float test (as Hopfield.fields does)
    rng = np.random.default_rng(19)
    n = 13
    J, _ = hebb_int16(n, 4, rng)
    theta = rng.integers(-3, 4, size=n) / n
    net = SimpleNamespace(J=J, theta=theta, scale=1.0 / n)
    expected = brute_force(J, theta, scale=1.0 / n)
    np.testing.assert_array_equal(enumerate_fixed_points(net, sort="lex").states, expected)
    assert count_fixed_points(net) == len(expected)
    np.testing.assert_array_equal(lex_sorted(np.array(list(iter_fixed_points(net)))), expected)


def test_energies_and_sorting():
    rng = np.random.default_rng(12)
    n = 14
    J = sk(n, rng)
    theta = 0.2 * rng.standard_normal(n)
    fp = enumerate_fixed_points(J, theta)
    assert isinstance(fp, FixedPoints)
    np.testing.assert_allclose(fp.energies, energy(J, theta, fp.states), atol=1e-12)
    assert np.all(np.diff(fp.energies) >= 0)
    # same set as the lexicographic order, and the lexicographic order is really sorted
    lex = enumerate_fixed_points(J, theta, sort="lex").states
    np.testing.assert_array_equal(lex, lex_sorted(fp.states))
    assert len(fp) == fp.n_fixed_points == fp.energies.shape[0]
    with pytest.raises(ValueError):
        fp.states[0, 0] = 1  # results are read-only
    # the lowest-energy state found is the ground state over all 2^N states
    S = all_states(n)
    assert fp.energies[0] == pytest.approx(energy(J, theta, S).min())


def test_count_and_iterator_agree():
    rng = np.random.default_rng(13)
    n = 16
    J = sk(n, rng)
    fp = enumerate_fixed_points(J, sort="lex")
    assert count_fixed_points(J) == len(fp)
    it = list(iter_fixed_points(J, batch=3))
    assert all(s.dtype == np.int8 and s.shape == (n,) for s in it)
    np.testing.assert_array_equal(lex_sorted(np.array(it)), fp.states)
    # iterator with thresholds and the non-symmetric branch
    theta = 0.3 * rng.standard_normal(n)
    it = np.array(list(iter_fixed_points(J, theta)))
    np.testing.assert_array_equal(lex_sorted(it), brute_force(J, theta))


def test_independent_of_threads_and_subtrees():
    numba = pytest.importorskip("numba")
    rng = np.random.default_rng(14)
    J = sk(28, rng)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = enumerate_fixed_points(J)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = enumerate_fixed_points(J)
    finally:
        numba.set_num_threads(old)
    assert one.n_subtrees > 1  # large enough for the parallel path
    np.testing.assert_array_equal(one.states, two.states)
    np.testing.assert_array_equal(one.energies, two.energies)
    assert one.n_visited == two.n_visited
    serial = enumerate_fixed_points(J, n_subtrees=1)
    assert serial.n_subtrees == 1
    np.testing.assert_array_equal(serial.states, one.states)
    # the split does not change the search tree (up to rounding of float partial sums,
    # which can move a borderline branching decision)
    assert serial.n_visited == pytest.approx(one.n_visited, rel=1e-3)
    Ji = np.rint(50 * J).astype(np.int32)  # exact arithmetic: exactly the same tree
    a, b = enumerate_fixed_points(Ji, n_subtrees=1), enumerate_fixed_points(Ji)
    assert b.n_subtrees > 1 and a.n_visited == b.n_visited
    np.testing.assert_array_equal(a.states, b.states)


def test_search_visits_far_fewer_nodes_than_states():
    rng = np.random.default_rng(15)
    n = 30
    J = sk(n, rng)
    fp = enumerate_fixed_points(J)
    assert fp.n_visited < 2**n / 500
    assert len(fp) > 0
    # every reported state is 1-spin-flip stable and they are distinct
    H = fp.states.astype(float) @ J.T
    assert np.all(fp.states * H >= 0)
    assert len(np.unique(fp.states, axis=0)) == len(fp)
    # the Knuth estimate is in the right ballpark (within a factor 5)
    assert fp.n_visited / 5 < fp.estimated_nodes < 5 * fp.n_visited


def test_tol_turns_float_ties_into_ties():
    rng = np.random.default_rng(16)
    n = 12
    J, _ = hebb_int16(n, 4, rng)
    Jf = J / 3.0  # 1/3 is not exact in binary: float sums may miss exact ties
    exact = brute_force(J)
    fp = enumerate_fixed_points(Jf, tol=1e-9, sort="lex")
    np.testing.assert_array_equal(fp.states, exact)


# ---------------------------------------------------------------- Tanaka & Edwards (1980)


def test_sk_fixed_points_grow_like_tanaka_edwards():
    """<N_fp> of SK networks ~ c exp(0.1992 N) (Tanaka & Edwards 1980).

    Least-squares slope of log <N_fp> against N = 12, 16, 20, 24, with 1000 independent
    Gaussian coupling matrices per N (seed 2026). The coefficient of variation of N_fp is
    about 0.35 here, so each log-mean has a sampling error of about 0.011 and the slope of
    about 0.0013; finite-size corrections to the exponent are below 0.003 at these N (a
    3000-sample run gave local slopes 0.197, 0.201, 0.197, 0.202 between N = 12 and 28).
    Tolerance 0.01 (about 5 standard errors plus the finite-size bias).
    """
    rng = np.random.default_rng(2026)
    sizes = [12, 16, 20, 24]
    log_means = []
    for n in sizes:
        counts = [count_fixed_points(sk(n, rng)) for _ in range(1000)]
        log_means.append(np.log(np.mean(counts)))
    slope = np.polyfit(sizes, log_means, 1)[0]
    assert abs(slope - 0.1992) < 0.01, slope


# -------------------------------------------------------------------------- bad input


def test_bad_couplings():
    with pytest.raises(ValueError, match="square"):
        enumerate_fixed_points(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="square"):
        enumerate_fixed_points(np.zeros(5))
    bad = np.zeros((4, 4))
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        enumerate_fixed_points(bad)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="finite"):
        count_fixed_points(bad)
    with pytest.raises(TypeError):
        enumerate_fixed_points(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match="N >= 1"):
        enumerate_fixed_points(np.zeros((0, 0)))


def test_bad_thresholds():
    J = np.zeros((4, 4))
    with pytest.raises(ValueError, match=r"theta must have shape \(4,\)"):
        enumerate_fixed_points(J, np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        enumerate_fixed_points(J, np.array([0.0, np.nan, 0.0, 0.0]))
    net = SimpleNamespace(J=J, theta=np.zeros(4))
    with pytest.raises(ValueError, match="theta must be None"):
        enumerate_fixed_points(net, np.zeros(4))
    with pytest.raises(ValueError, match="scale"):
        enumerate_fixed_points(SimpleNamespace(J=J, theta=np.zeros(4), scale=-1.0))


def test_bad_options():
    J = np.ones((4, 4))
    with pytest.raises(ValueError, match="sort"):
        enumerate_fixed_points(J, sort="random")
    with pytest.raises(ValueError, match="tol"):
        enumerate_fixed_points(J, tol=-1.0)
    with pytest.raises(ValueError, match="max_seconds"):
        enumerate_fixed_points(J, max_seconds=0)
    with pytest.raises(ValueError, match="n_subtrees"):
        count_fixed_points(J, n_subtrees=0)
    with pytest.raises(ValueError, match="batch"):
        iter_fixed_points(J, batch=0)


def test_refuses_too_many_spins():
    with pytest.raises(ValueError, match="N <= 64"):
        enumerate_fixed_points(np.zeros((65, 65)))


def test_refuses_with_time_estimate():
    rng = np.random.default_rng(17)
    J = sk(60, rng)
    with pytest.raises(ValueError, match="estimated") as info:
        enumerate_fixed_points(J)  # SK at N = 60: years
    assert "max_seconds" in str(info.value)
    with pytest.raises(ValueError, match="estimated"):
        count_fixed_points(sk(40, rng), max_seconds=1e-3)
    with pytest.raises(ValueError, match="estimated"):
        iter_fixed_points(sk(40, rng), max_seconds=1e-3)  # refused at creation
    est = estimate_enumeration_cost(J)
    assert est["seconds"] > 600 and est["n_neurons"] == 60


def test_refuses_too_many_fixed_points():
    with pytest.raises(ValueError, match="max_fixed_points"):
        enumerate_fixed_points(np.zeros((12, 12)), max_fixed_points=1000)


def test_refuses_degenerate_ties_up_front():
    """Many exact ties (pairs of spins coupled only to each other, zero fields): 2^(N/2)
    fixed points. Refused from the estimate, quickly, before any search."""
    import time

    n = 60
    J = np.zeros((n, n), np.int16)
    for a in range(0, n, 2):
        J[a, a + 1] = J[a + 1, a] = 3  # each pair: two fixed points (++ and --)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="max_fixed_points"):
        enumerate_fixed_points(J)
    with pytest.raises(ValueError, match="max_seconds"):
        # nothing stored, but 2^31 nodes to visit: minutes, estimated within ~2x (a limit
        # far below the estimate, so that the refusal does not depend on the machine's load)
        count_fixed_points(J, max_seconds=30)
    assert time.perf_counter() - t0 < 10.0
    est = estimate_enumeration_cost(J)
    assert est["fixed_points"] == 2.0**30  # exact from the 30 uncoupled blocks
    # the same structure at N = 20 is enumerated exactly (2^10 states)
    assert count_fixed_points(J[:20, :20]) == 2**10

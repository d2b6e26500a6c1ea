"""One thread policy: threads chosen per call from the work, BLAS never competing with Numba,
results identical whatever the thread count."""

import numba
import numpy as np
import pytest

from esorma import Hopfield, _threads
from esorma._threads import thread_policy, threads_for
from esorma.dynamics import glauber, run
from esorma.patterns import corrupt, random_patterns


def test_tiny_work_gets_one_thread_and_big_work_at_most_what_is_allowed(monkeypatch):
    monkeypatch.setattr(_threads, "ADAPT_TO_LOAD", False)
    assert threads_for(10) == 1
    assert threads_for(10**9, items=1) == 1
    big = threads_for(10**12)
    assert 1 <= big <= min(numba.get_num_threads(), _threads.available_cores())
    assert threads_for(3 * _threads.WORK_PER_THREAD // 2 + _threads.SERIAL_WORK) <= 3
    assert threads_for(5, serial_work=0) == min(numba.get_num_threads(),
                                                _threads.available_cores())
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)  # the user's limit is respected
        assert threads_for(10**12) == 1
    finally:
        numba.set_num_threads(old)


def test_busy_machine_gets_fewer_threads(monkeypatch):
    monkeypatch.setattr(_threads, "busy_cores", lambda: 64)
    assert _threads.free_cores() == 1 and threads_for(10**12) == 1
    monkeypatch.setattr(_threads, "busy_cores", lambda: 0)
    assert _threads.free_cores() == _threads.available_cores()
    monkeypatch.undo()
    assert 0 <= _threads.busy_cores() and _threads.free_cores() >= 1


def test_policy_restores_numba_threads_chunksize_and_blas(monkeypatch):
    monkeypatch.setattr(_threads, "ADAPT_TO_LOAD", False)
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]

    old, blas_before = numba.get_num_threads(), blas_threads()
    chunk_before = numba.get_parallel_chunksize()
    with thread_policy(10**12, parallel_only=True) as n:
        assert numba.get_num_threads() == n
        assert numba.get_parallel_chunksize() == 1  # dynamic: idle threads take the next item
        if n > 1:
            assert all(t == 1 for t in blas_threads())  # BLAS never competes with Numba
    with thread_policy(1, parallel_only=True) as n:  # a kernel with only a parallel build
        assert n == 1 and numba.get_num_threads() == 1
    with thread_policy(1) as n:  # tiny work: nothing changed (the caller runs a serial build)
        assert n == 1 and numba.get_num_threads() == old
    assert numba.get_num_threads() == old and blas_threads() == blas_before
    assert numba.get_parallel_chunksize() == chunk_before
    with pytest.raises(RuntimeError):
        with thread_policy(10**12):
            raise RuntimeError("inside")
    assert numba.get_num_threads() == old and numba.get_parallel_chunksize() == chunk_before


@pytest.mark.parametrize("p", [3, 40])  # low-rank path, dense path
def test_retrieval_and_sampling_identical_on_1_and_2_threads(monkeypatch, p):
    monkeypatch.setattr(_threads, "SERIAL_WORK", 0)  # parallel builds even for small jobs
    monkeypatch.setattr(_threads, "ADAPT_TO_LOAD", False)  # ... even on a busy machine
    xi = random_patterns(p, 160, rng=p)
    net = Hopfield.from_patterns(xi)
    starts = corrupt(np.repeat(xi[:3], 4, axis=0), 0.3, rng=1)

    def once():
        a = run(net, starts, rng=2)
        b = run(net, starts, mode="sync")
        c = glauber(net, 0.5, n_sweeps=10, n_chains=4, states=xi[0], rng=3)
        return a, b, c, net.energy(starts), net.is_fixed_point(starts), net.fields(starts)

    outs = []
    old = numba.get_num_threads()
    try:
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            outs.append(once())
    finally:
        numba.set_num_threads(old)
    (a1, b1, c1, *rest1), (a2, b2, c2, *rest2) = outs
    for x, y in [(a1.states, a2.states), (a1.sweeps, a2.sweeps), (a1.energies, a2.energies),
                 (b1.states, b2.states), (c1.states, c2.states), (c1.energy, c2.energy)]:
        np.testing.assert_array_equal(x, y)
    for x, y in zip(rest1, rest2):
        np.testing.assert_array_equal(x, y)

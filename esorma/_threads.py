"""One thread policy for the package: Numba threads and BLAS threads, chosen per call.

On a machine with C cores, esorma never runs Numba threads and BLAS threads at the same time
(together they would oversubscribe the cores): a compiled parallel kernel runs with BLAS
limited to one thread, and a BLAS-heavy step (a large matrix product) runs with Numba idle.
How many threads a call gets depends on its work, not on a global switch:

* tiny work (below :data:`SERIAL_WORK` elementary operations): one thread, so no thread pool is
  woken up (waking it costs more than it saves, and on a busy machine a woken thread that
  lands on a busy core stalls the whole call);
* larger work: as many threads as the user allows (``numba.get_num_threads()``, which
  ``numba.set_num_threads`` and ``NUMBA_NUM_THREADS`` control), no more than the cores this
  process may run on that no other job is running on right now (:func:`free_cores`: a
  parallel region ends when its slowest thread does, and a thread sharing a core with
  another job runs at half speed or less, so on a busy machine fewer threads finish sooner),
  no more than there are independent items, and at least :data:`WORK_PER_THREAD` operations
  per thread.

Parallel loops over items of uneven cost (retrievals that converge after different numbers
of sweeps, chains, branch-and-bound subtrees) are split dynamically: :func:`thread_policy`
sets Numba's parallel chunk size so that idle threads take the next item instead of waiting
for a static share, and a core taken by another job then slows only the items it runs.

Results never depend on the thread count: every parallel kernel of esorma computes each item
from its own seed, and reductions are exact integer sums or done in a fixed order.

Examples
--------
>>> threads_for(10)
1
>>> from esorma._threads import thread_policy
>>> with thread_policy(10**9, items=1) as n:   # one item: no second thread to give it
...     n
1
"""

from __future__ import annotations

import contextlib
import os
import time

__all__ = [
    "SERIAL_WORK",
    "ADAPT_TO_LOAD",
    "WORK_PER_THREAD",
    "available_cores",
    "busy_cores",
    "free_cores",
    "threads_for",
    "thread_policy",
    "blas_policy",
    "single_threaded_blas",
]

#: Below this many elementary operations a call runs on one thread.
SERIAL_WORK = 200_000
#: Give a call only the cores no other job is running on (:func:`free_cores`); tests set it
#: False to run the parallel builds on a busy machine (results are the same either way).
ADAPT_TO_LOAD = True
#: A thread is worth starting only for at least this many operations (``SERIAL_WORK / 2``).
WORK_PER_THREAD = SERIAL_WORK // 2


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _own_running() -> int:
    """Threads of this process runnable right now (this one included), from /proc/self/task
    (worker threads still spinning after a parallel region are ours, not another job's)."""
    count = 0
    try:
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if stat[stat.rfind(b")") + 2:][:1] == b"R":
                count += 1
    except OSError:  # pragma: no cover - non-Linux
        return 1
    return max(1, count)


_BUSY = [-1.0, 0]  # (time of the last reading, its value): calls in a burst share it
#: Seconds a reading of :func:`busy_cores` is reused.
BUSY_TTL = 0.02


def busy_cores() -> int:
    """Threads of other jobs runnable right now: the instantaneous count of runnable threads
    of ``/proc/loadavg`` minus this process's own; 0 where it cannot be read. A reading is
    reused for :data:`BUSY_TTL` seconds (it costs tens of microseconds)."""
    now = time.monotonic()
    if now - _BUSY[0] < BUSY_TTL:
        return _BUSY[1]
    try:
        with open("/proc/loadavg", "rb") as fh:
            running = int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):  # pragma: no cover - non-Linux
        return 0
    busy = max(0, running - _own_running()) if running > 1 else 0
    _BUSY[0], _BUSY[1] = now, busy
    return busy


def free_cores() -> int:
    """Cores not taken by other runnable jobs right now (at least 1)."""
    return max(1, available_cores() - busy_cores())


def _numba_allowed() -> int:
    import numba

    return int(numba.get_num_threads())


def threads_for(work, *, items: int | None = None, serial_work: float | None = None) -> int:
    """Number of threads for a call doing ``work`` elementary operations.

    Parameters
    ----------
    work : float
        Elementary operations of the call (e.g. spin updates × cost per update).
    items : int, optional
        Independent items the parallel loop runs over (states, chains); no more threads than
        items.
    serial_work : float, optional
        Threshold below which one thread is used (default :data:`SERIAL_WORK`); each thread
        then needs at least half of it (:data:`WORK_PER_THREAD` by default).

    Returns
    -------
    int
        ``1`` for tiny work, else ``min(numba.get_num_threads(), free cores, items,
        work // (serial_work / 2))``, at least 1.

    Examples
    --------
    >>> threads_for(1_000)
    1
    >>> threads_for(10**9, items=1)
    1
    >>> threads_for(10**9) >= 1
    True
    """
    cut = SERIAL_WORK if serial_work is None else serial_work
    if work < cut:
        return 1
    n = min(_numba_allowed(), available_cores())
    if n > 1 and ADAPT_TO_LOAD:
        n = min(n, free_cores())
    if items is not None:
        n = min(n, int(items))
    per_thread = cut / 2  # WORK_PER_THREAD with the default threshold
    if per_thread > 0:
        n = min(n, int(work // per_thread) or 1)
    return max(1, n)


_BLAS = [-1, []]  # (len(sys.modules) at the scan, threadpoolctl controllers of BLAS libs)


def _blas_controllers():
    """The BLAS libraries' thread controllers, found by a threadpoolctl scan of the loaded
    libraries (about a millisecond) that is redone only after new modules were imported
    (which may load another BLAS, e.g. SciPy's); setting a limit through a kept controller
    costs about a microsecond."""
    import sys

    if _BLAS[0] != len(sys.modules):
        import numpy  # noqa: F401 - loads the BLAS numpy links to
        from threadpoolctl import ThreadpoolController

        libs = ThreadpoolController().select(user_api="blas").lib_controllers
        _BLAS[0], _BLAS[1] = len(sys.modules), libs
    return _BLAS[1]


@contextlib.contextmanager
def _blas_threads(n: int):
    """BLAS limited to ``n`` threads in the block (restored afterwards)."""
    changed = []
    for lib in _blas_controllers():
        old = lib.get_num_threads()
        if old is not None and old != n:
            lib.set_num_threads(n)
            changed.append((lib, old))
    try:
        yield
    finally:
        for lib, old in changed:
            lib.set_num_threads(old)


@contextlib.contextmanager
def thread_policy(work, *, items: int | None = None, chunksize: int | None = 1,
                  serial_work: float | None = None, parallel_only: bool = False):
    """Run the enclosed compiled kernels on ``threads_for(work, items=items)`` Numba threads.

    Inside the block Numba uses that many threads, BLAS one thread (the two never compete
    for the cores), and Numba's parallel loops hand out ``chunksize`` iterations at a time
    (dynamic scheduling; ``None`` keeps Numba's static split). Everything is restored on
    exit. Yields the thread count: callers pick the serial build of a kernel when it is 1
    (the serial build starts no thread at all; nothing is changed then, so tiny calls pay
    nothing). A caller that has only a parallel build passes ``parallel_only=True``: Numba
    is then limited to one thread as well. Costs a few tens of microseconds otherwise.
    """
    n = threads_for(work, items=items, serial_work=serial_work)
    if n == 1 and not parallel_only:
        yield 1
        return
    import numba

    before = numba.get_num_threads()
    if n != before:
        numba.set_num_threads(n)
    old_chunk = numba.set_parallel_chunksize(chunksize) if chunksize is not None else None
    try:
        if n > 1:
            with _blas_threads(1):
                yield n
        else:
            yield n
    finally:
        if old_chunk is not None:
            numba.set_parallel_chunksize(old_chunk)
        if n != before:
            numba.set_num_threads(before)


@contextlib.contextmanager
def blas_policy(work):
    """Run the enclosed BLAS products on ``threads_for(work)`` threads (no Numba kernel runs
    meanwhile). Yields the thread count."""
    n = threads_for(work)
    with _blas_threads(n):
        yield n


@contextlib.contextmanager
def single_threaded_blas():
    """Run the enclosed NumPy/SciPy products on one BLAS thread; restored afterwards.

    Small matrix products interleaved with Numba ``prange`` kernels are slowed down by orders
    of magnitude on a busy machine when OpenBLAS worker threads compete with Numba's threads.
    Limiting BLAS changes no result (the products involved are exact small integers or are
    reduced in the same order), only the speed.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield

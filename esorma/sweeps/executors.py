"""Where the points of a sweep run: in this process, local worker processes or Dask.

``workers=1`` runs in this process (lazily, point after point). ``workers > 1`` uses a
:class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method (safe with
threads, Numba and BLAS). ``scheduler="tcp://host:port"`` sends the points to an existing
Dask distributed cluster (``distributed.Client``); ``dask=True`` without an address starts a
local Dask cluster of ``workers`` processes on the loopback interface. Any
``concurrent.futures``-style executor can also be passed as ``executor``.

Local worker processes die with their parent: a parent killed with SIGKILL (which runs no
clean-up) must not leave its workers, nor the ``multiprocessing`` resource tracker they keep
alive, running re-parented to PID 1. On Linux each worker asks the kernel for SIGKILL when its
parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread in the worker polls
``os.getppid()`` and exits when the parent has gone. The resource tracker exits by itself once
the parent and every worker have closed its pipe.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import sys
import threading
import time

from esorma._validation import check_int, check_real
from esorma.errors import SchedulerError

__all__ = ["open_executor"]


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PARENT_POLL_SECONDS = 0.5


def _set_parent_death_signal() -> bool:
    """Linux: ask the kernel to SIGKILL this process when its parent dies. True on success."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError, TypeError):  # pragma: no cover - exotic libc
        return False


def _watch_parent(parent_pid: int) -> None:  # pragma: no cover - runs in worker processes
    """Exit this process as soon as its parent is no longer ``parent_pid`` (re-parented)."""
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(_PARENT_POLL_SECONDS)


def _die_with_parent(parent_pid: int, *, use_prctl: bool = True) -> str:
    """Make this (worker) process end when ``parent_pid`` dies; returns the mechanism used.

    ``prctl`` (Linux parent-death signal: immediate, even inside a compiled kernel holding
    the GIL) or ``watchdog`` (a daemon thread polling ``os.getppid()`` every 0.5 s).
    """
    if use_prctl and _set_parent_death_signal():
        mechanism = "prctl"
    else:
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                         name="esorma-parent-watchdog").start()
        mechanism = "watchdog"
    if os.getppid() != parent_pid:  # the parent died before the guard was in place
        os._exit(1)
    return mechanism


def _init_worker(threads: int, parent_pid: int | None = None,
                 use_prctl: bool = True) -> None:  # pragma: no cover - runs in workers
    if parent_pid is not None:
        _die_with_parent(parent_pid, use_prctl=use_prctl)
    with contextlib.suppress(Exception):
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


class _Runner:
    """A uniform face over the executors: ``submit(fn, arg)`` and ``as_completed(futures)``."""

    def __init__(self, name, executor=None, client=None, cluster=None):
        self.name = name
        self.executor = executor
        self.client = client
        self.cluster = cluster

    def submit(self, fn, arg):
        if self.client is not None:
            return self.client.submit(fn, arg, pure=False)
        return self.executor.submit(fn, arg)

    def as_completed(self, futures):
        if self.client is not None:
            from distributed import as_completed

            return as_completed(futures, loop=self.client.loop)
        return cf.as_completed(futures)

    def drain(self, futures):
        """Cancel the futures that have not started and wait for the running ones.

        concurrent.futures executors only: a Dask client cannot tell queued from running
        tasks, so there only the futures already finished are kept.
        """
        if self.client is not None:
            return
        for fut in futures:
            fut.cancel()
        cf.wait(list(futures))

    def close(self):
        if self.name == "processes" and self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        if self.client is not None and self.name == "dask":
            with contextlib.suppress(Exception):
                self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def _check_address(address) -> str:
    if not isinstance(address, str) or not address.strip():
        raise TypeError(
            f"scheduler must be an address string like 'tcp://host:8786'; got {address!r}"
        )
    address = address.strip()
    rest = address.split("://", 1)[-1]
    host, sep, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"scheduler must look like 'tcp://host:port'; got {address!r}")
    return address


@contextlib.contextmanager
def open_executor(*, workers: int = 1, scheduler: str | None = None, dask: bool = False,
                  executor=None, timeout: float = 10.0):
    """Yield a runner (``submit``/``as_completed``) or None for in-process serial execution.

    Parameters
    ----------
    workers : int
        Local worker processes (``ProcessPoolExecutor`` with ``spawn``) or, with ``dask=True``
        and no scheduler, the processes of a local Dask cluster on 127.0.0.1.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:port``).
    dask : bool
        Use Dask distributed (a local cluster when ``scheduler`` is None).
    executor : concurrent.futures.Executor or distributed.Client, optional
        Use this executor as is (it is not shut down).
    timeout : float
        Seconds to wait for the scheduler before :class:`SchedulerError`.

    Raises
    ------
    SchedulerError
        The Dask scheduler could not be reached within ``timeout`` seconds.

    Examples
    --------
    >>> with open_executor(workers=1) as runner:   # serial: points run in this process
    ...     print(runner)
    None
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as ex, open_executor(executor=ex) as runner:
    ...     runner.name, runner.submit(abs, -3).result()
    ('ThreadPoolExecutor', 3)
    """
    workers = check_int(workers, "workers", minimum=1)
    timeout = check_real(timeout, "timeout", minimum=0.0, strict_min=True)
    if executor is not None:
        if scheduler is not None or dask:
            raise ValueError("give either executor or scheduler/dask, not both")
        if not hasattr(executor, "submit"):
            raise TypeError(f"executor must have a submit() method; got {type(executor).__name__}")
        is_client = type(executor).__module__.startswith("distributed")
        runner = _Runner(type(executor).__name__, executor=None if is_client else executor,
                         client=executor if is_client else None)
        yield runner
        return
    if scheduler is not None or dask:
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise ImportError(
                "Dask execution needs dask.distributed: pip install 'dask[distributed]'"
            ) from exc
        cluster = None
        if scheduler is not None:
            address = _check_address(scheduler)
            try:
                client = distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(
                    f"could not reach the Dask scheduler at {address!r} within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); nothing was written"
                ) from exc
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None,
            )
            client = distributed.Client(cluster, set_as_default=False)
        runner = _Runner("dask", client=client, cluster=cluster)
        try:
            yield runner
        finally:
            runner.close()
        return
    if workers == 1:
        yield None
        return
    import multiprocessing

    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(max(1, (os.cpu_count() or 1) // workers), os.getpid()),
    )
    runner = _Runner("processes", executor=pool)
    try:
        yield runner
    finally:
        runner.close()

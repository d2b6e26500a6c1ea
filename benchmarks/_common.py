"""Shared helpers for the benchmark scripts: timing, spreads, a competing load, tables, JSON.

Every benchmark pins BLAS threads (:func:`pin_blas`), reports medians with their spread over
repeats (:func:`timeit`, :func:`summary`), the machine load during the run (:func:`machine`)
and writes JSON to ``benchmarks/out``. :func:`competing_load` starts a process that spins on one
core for the duration of a block, to measure how a job slows down on a busy machine.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import resource
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def timeit(fn, repeats: int = 5, warmup: int = 1):
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` times; return (median, all, last)."""
    last = None
    for _ in range(warmup):
        last = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, last


def cpu_timeit(fn, repeats: int = 5, warmup: int = 1):
    """Like :func:`timeit` but also returns the user+system CPU seconds of each repeat.

    Returns ``(median_wall, walls, cpus, last)``; ``cpu / wall`` ≈ 2 means both cores were busy.
    """
    last = None
    for _ in range(warmup):
        last = fn()
    walls, cpus = [], []
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        last = fn()
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
    return statistics.median(walls), walls, cpus, last


def summary(times) -> dict:
    """Median, min, max and relative spread ((max - min) / median) of repeated timings."""
    t = sorted(float(x) for x in times)
    med = statistics.median(t)
    return {"median": med, "min": t[0], "max": t[-1],
            "spread": (t[-1] - t[0]) / med if med > 0 else 0.0, "n": len(t)}


def pin_blas(n: int = 1):
    """Limit BLAS threads to ``n`` for the rest of the process; returns the threadpoolctl handle."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="blas")


def _spin(stop):  # pragma: no cover - runs in a child process
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


@contextlib.contextmanager
def competing_load(n_processes: int = 1):
    """Run the block while ``n_processes`` child processes each spin on one core.

    The children are started before and stopped after the block (the block sees a machine
    with ``n_processes`` cores taken by another job, like a shared workstation).
    """
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    procs = [ctx.Process(target=_spin, args=(stop,), daemon=True) for _ in range(n_processes)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # let the spinners reach full speed
    try:
        yield
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine() -> dict:
    import numba

    return {
        "cpus": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "loadavg": os.getloadavg(),
    }


def print_table(rows, headers) -> None:
    """Print a plain-text table."""
    cols = [headers] + [[str(c) for c in r] for r in rows]
    widths = [max(len(str(r[i])) for r in cols) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("-" * len(line))
    for r in cols[1:]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def write_json(name: str, payload: dict) -> Path:
    from esorma.io import atomic_write, package_versions, to_jsonable

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    payload = dict(payload, machine=machine(), versions=package_versions())
    with atomic_write(path) as tmp:
        tmp.write_text(json.dumps(to_jsonable(payload), indent=2))
    print(f"\nwrote {path}")
    return path

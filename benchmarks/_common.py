"""Shared helpers for the benchmark scripts: timing medians, tables, JSON output."""

from __future__ import annotations

import json
import os
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

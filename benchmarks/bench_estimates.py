"""Benchmark: esorma's up-front cost estimates against the measured cost (issue #13).

Every call that esorma estimates before it runs (and refuses when over a limit) is run here
on sizes that take seconds, on degenerate couplings (J = 0, uncoupled blocks: most states are
fixed points) and on generic ones (SK, Hebb, random). For each row: the estimate (seconds
and/or peak bytes), the measured wall time (median of repeats) and the measured peak of
NumPy allocations (``tracemalloc``, a separate run), and their ratio. The target: estimate
and real cost within a factor of 3. The "baseline" of this benchmark is the real cost itself.

A second table times the refusals of the huge requests of the issue (each must be refused
in well under a second, with esorma's estimate).

BLAS threads are pinned to 1 (threadpoolctl); numba uses its default thread count. The
machine load is recorded. Results go to ``benchmarks/out/bench_estimates.json``.

Run: ``python benchmarks/bench_estimates.py`` (``--quick``: one repeat, fewer rows).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_table, timeit, write_json  # noqa: E402

FACTOR = 3.0


def _blocks(n: int, size: int, dtype=np.float64) -> np.ndarray:
    """Uncoupled ferromagnetic blocks of ``size`` spins: 2 fixed points per block."""
    J = np.zeros((n, n), dtype=dtype)
    for a in range(0, n, size):
        J[a : a + size, a : a + size] = 1
    np.fill_diagonal(J, 0)
    return J


def _first(n: int, k: int) -> np.ndarray:
    """Mask keeping the couplings among the first ``k`` spins (the others are free)."""
    keep = np.arange(n) < k
    return keep[:, None] & keep[None, :]


def _hebb_int(n: int, p: int, seed: int) -> np.ndarray:
    from esorma.patterns import random_patterns

    xi = random_patterns(p, n, rng=seed).astype(np.int16)
    J = xi.T @ xi
    np.fill_diagonal(J, 0)
    return J


def _peak_bytes(fn) -> float:
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        fn()
        return float(tracemalloc.get_traced_memory()[1] - base)
    finally:
        tracemalloc.stop()


def enumeration_cases(quick: bool):
    from esorma.couplings import sk_couplings

    cases = [
        ("J = 0", "degenerate", np.zeros((18, 18))),
        ("J = 0 (int16)", "degenerate", np.zeros((20, 20), np.int16)),
        ("20 blocks of 2", "degenerate", _blocks(40, 2)),
        ("10 blocks of 3", "degenerate", _blocks(30, 3)),
        ("4 blocks of 8 + 8 free", "degenerate", _blocks(40, 8) * _first(40, 32)),
        ("SK", "generic", sk_couplings(30, rng=1)),
        ("SK", "generic", sk_couplings(36, rng=2)),
        ("Hebb P = 3 (int16)", "generic", _hebb_int(30, 3, 3)),
    ]
    if quick:
        cases = cases[:3] + cases[5:6]
    return cases


def run_enumeration(quick: bool, repeats: int):
    from esorma.attractors.enumerate import enumerate_fixed_points, estimate_enumeration_cost

    rows = []
    enumerate_fixed_points(np.zeros((8, 8)))  # compile / load the cache
    for name, kind, J in enumeration_cases(quick):
        est = estimate_enumeration_cost(J)

        def call(J=J):
            return enumerate_fixed_points(J, max_fixed_points=1 << 26, max_seconds=1e6)

        med, times, fp = timeit(call, repeats=repeats, warmup=0)
        peak = _peak_bytes(call)
        rows.append({
            "call": "enumerate_fixed_points", "case": f"{name}, N = {J.shape[0]}", "kind": kind,
            "est_fixed_points": est["fixed_points"], "fixed_points": len(fp),
            "est_seconds": est["seconds"], "seconds": med, "spread": [min(times), max(times)],
            "est_bytes": est["bytes"], "peak_bytes": peak,
        })
    return rows


def run_calls(quick: bool, repeats: int):
    from esorma import Hopfield
    from esorma.attractors.sampling import sample_attractors, sampling_bytes
    from esorma.couplings import sk_bytes, sk_couplings
    from esorma.dynamics import glauber, parallel_tempering, run, temperature_ladder
    from esorma.dynamics._common import check_chain_memory
    from esorma.dynamics.zero_temperature import run_bytes
    from esorma.patterns import random_patterns
    from esorma.stability.fixed_points import estimate_fixed_point_search, find_fixed_points

    rows = []
    J_sk = sk_couplings(300, rng=5)
    net_sk = Hopfield(J_sk)
    xi = random_patterns(5, 400, rng=6)
    net_hebb = Hopfield.from_patterns(xi)
    starts = random_patterns(20000, 300, rng=7)

    def add(call, case, kind, fn, est_bytes, est_seconds=None):
        fn()  # warm (compile)
        med, times, _ = timeit(fn, repeats=repeats, warmup=0)
        rows.append({
            "call": call, "case": case, "kind": kind, "est_seconds": est_seconds,
            "seconds": med, "spread": [min(times), max(times)],
            "est_bytes": est_bytes, "peak_bytes": _peak_bytes(fn),
        })

    c, sweeps = 4000, 20
    add("glauber (record_samples)", f"SK N = 300, {c} chains, {sweeps} sweeps", "generic",
        lambda: glauber(net_sk, 1.0, n_sweeps=sweeps, n_chains=c, record_samples=True, rng=0),
        check_chain_memory(net_sk, c, sweeps, False, record_samples=True))
    add("glauber (low rank)", f"Hebb N = 400 P = 5, {c} chains, {sweeps} sweeps", "generic",
        lambda: glauber(net_hebb, 0.5, n_sweeps=sweeps, n_chains=c, rng=0),
        check_chain_memory(net_hebb, c, sweeps, True))
    add("parallel_tempering", "SK N = 300, 100 runs x 8 T, 20 sweeps", "generic",
        lambda: parallel_tempering(net_sk, temperature_ladder(0.5, 2.0, 8), n_sweeps=20,
                                   n_runs=100, rng=0),
        check_chain_memory(net_sk, 800, 20, False))
    add("dynamics.run", "SK N = 300, 20000 states", "generic",
        lambda: run(net_sk, starts, max_sweeps=20, rng=0), run_bytes(20000, 300))
    add("dynamics.run", "J = 0 N = 300, 20000 states", "degenerate",
        lambda: run(np.zeros((300, 300)), starts, max_sweeps=20, rng=0), run_bytes(20000, 300))
    add("sample_attractors", "SK N = 300, 20000 starts", "generic",
        lambda: sample_attractors(net_sk, 20000, max_sweeps=20, rng=0),
        sampling_bytes(20000, 300))
    add("sample_attractors", "J = 0 N = 300, 20000 starts", "degenerate",
        lambda: sample_attractors(np.zeros((300, 300)), 20000, max_sweeps=20, rng=0),
        sampling_bytes(20000, 300))
    add("random_patterns", "P = 2000, N = 100000", "-",
        lambda: random_patterns(2000, 100000, rng=0), 2000.0 * 100000)
    add("sk_couplings", "N = 3000", "generic", lambda: sk_couplings(3000, rng=0), sk_bytes(3000))
    if not quick:
        for n, g in ((100, 2.0), (200, 2.0), (300, 1.5)):
            J = np.random.default_rng(n).standard_normal((n, n)) * g / np.sqrt(n)
            est = estimate_fixed_point_search(J, n_starts=10)
            add("find_fixed_points", f"random g = {g}, N = {n}, 11 starts", "generic",
                lambda J=J: find_fixed_points(J, n_starts=10, rng=0, max_seconds=np.inf),
                est["bytes"], est["seconds"])
    return rows


def refusals():
    """The huge requests of issue #13: each refused up front, the time it took."""
    from esorma.attractors.enumerate import enumerate_fixed_points
    from esorma.attractors.sampling import sample_attractors
    from esorma.couplings import sk_couplings
    from esorma.dynamics import glauber, run
    from esorma.patterns import random_patterns
    from esorma.stability.fixed_points import find_fixed_points

    from esorma import Hopfield

    net_20k = Hopfield.from_patterns(random_patterns(3, 20000, rng=0))  # built, not timed
    net_2k = Hopfield.from_patterns(random_patterns(3, 2000, rng=0))
    states_2m = np.broadcast_to(np.ones(2000, np.int8), (2_000_000, 2000))  # a view: no memory
    J_1500 = np.random.default_rng(0).standard_normal((1500, 1500)) / np.sqrt(1500)
    cases = [
        ("enumerate_fixed_points(np.zeros((30, 30)))",
         lambda: enumerate_fixed_points(np.zeros((30, 30)))),
        ("enumerate_fixed_points(np.zeros((31, 31)))",
         lambda: enumerate_fixed_points(np.zeros((31, 31)))),
        ("enumerate_fixed_points(20 blocks of 3, N = 60)",
         lambda: enumerate_fixed_points(_blocks(60, 3))),
        ("sample_attractors(N = 20000, 10**6 starts)", lambda: sample_attractors(net_20k, 10**6)),
        ("glauber(N = 1000, 10**6 chains, record_samples)",
         lambda: glauber(np.zeros((1000, 1000)), 1.0, n_sweeps=100, n_chains=10**6,
                         record_samples=True)),
        ("dynamics.run(2*10**6 states of N = 2000)", lambda: run(net_2k, states_2m)),
        ("random_patterns(10**6, 10**5)", lambda: random_patterns(10**6, 10**5)),
        ("sk_couplings(200000)", lambda: sk_couplings(200_000)),
        ("find_fixed_points(N = 1500, 5000 starts)",
         lambda: find_fixed_points(J_1500, n_starts=5000)),
    ]
    out = []
    for name, fn in cases:
        t0 = time.perf_counter()
        try:
            fn()
            msg = "NOT REFUSED"
        except (MemoryError, ValueError) as exc:
            msg = f"{type(exc).__name__}: {exc}"
        out.append({"call": name, "seconds": time.perf_counter() - t0, "message": msg})
    return out


def _ratio(est, real):
    if est is None or real is None or real <= 0 or est <= 0:
        return None
    return est / real


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    from threadpoolctl import threadpool_limits

    warnings.simplefilter("ignore")
    load0 = os.getloadavg()
    with threadpool_limits(1):
        rows = run_enumeration(args.quick, repeats) + run_calls(args.quick, repeats)
        refused = refusals()
    table, misses = [], []
    for r in rows:
        rt = _ratio(r.get("est_seconds"), r["seconds"])
        rb = _ratio(r.get("est_bytes"), r["peak_bytes"])
        r["ratio_seconds"], r["ratio_bytes"] = rt, rb
        bad = [x for x in (rt, rb) if x is not None and not (1 / FACTOR <= x <= FACTOR)]
        r["within_factor_3"] = not bad
        if bad:
            misses.append(r)
        fmt = (lambda x: "-" if x is None else f"{x:.3g}")
        table.append([
            r["call"], r["case"], r["kind"],
            fmt(r.get("est_seconds")), fmt(r["seconds"]), fmt(rt),
            fmt(r["est_bytes"] / 2**20), fmt(r["peak_bytes"] / 2**20), fmt(rb),
            "ok" if not bad else "MISS",
        ])
    print_table(table, ["call", "case", "kind", "est s", "real s", "ratio",
                        "est MiB", "peak MiB", "ratio", "x3"])
    print()
    print_table([[r["call"], f"{r['seconds'] * 1e3:.1f} ms", r["message"][:150]] for r in refused],
                ["refused call", "time", "message"])
    print(f"\nload average before / after: {load0} / {os.getloadavg()}; "
          f"{len(misses)} row(s) outside a factor {FACTOR:g}")
    write_json("bench_estimates", {"rows": rows, "refusals": refused, "factor": FACTOR,
                                   "load_before": load0, "machine_at_end": machine()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

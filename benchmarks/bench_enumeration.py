"""Benchmark: exact enumeration of the fixed points of SK networks.

Targets (issue #2): all fixed points of a 40-spin SK instance in under 30 s on a 2-core
machine, and of a 32-spin instance in under 1 s. Baselines measured in the same run:

* a plain single-threaded branch-and-bound (fixed spin order, bound = suffix sums of
  ``|J_ij|`` over the spins still to come, no propagation; uses the flip symmetry too), at
  N = 32, 34 and 36 (at N = 40 it takes about a minute);
* a Gray-code walk over all 2^N states with incremental fields (numba), at N = 28.

Medians of repeats (wall clock) and the user CPU time of the process (all threads) are
printed as a table and written to ``benchmarks/out/bench_enumeration.json``. Every method
must find the same number of fixed points on each instance (checked).

Run: ``python benchmarks/bench_enumeration.py`` (``--quick`` for fewer repeats).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SEED = 2026


def sk_couplings(n: int, seed: int) -> np.ndarray:
    """The SK instance of size ``n`` for ``seed`` (esorma's generator, one stream per size)."""
    from esorma.couplings import sk_couplings as draw

    return draw(n, rng=np.random.default_rng([seed, n]))


def _user_seconds() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def measure(fn, repeats: int):
    """Run ``fn`` ``repeats`` times; return (median wall s, median user-CPU s, last result)."""
    walls, users = [], []
    result = None
    for _ in range(repeats):
        u0, t0 = _user_seconds(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        users.append(_user_seconds() - u0)
    return statistics.median(walls), statistics.median(users), result


def _kernel_arrays(J):
    JT = np.ascontiguousarray(J.T, dtype=np.float64)
    diag = np.diagonal(J).astype(np.float64).copy()
    np.fill_diagonal(JT, 0.0)
    return JT, np.abs(JT), diag, np.zeros(J.shape[0])


def run(repeats_small: int, repeats_large: int, n_large: int) -> dict:
    import numba

    from esorma.attractors import _enum_kernels as K
    from esorma.attractors.enumerate import count_fixed_points, enumerate_fixed_points

    def ours(J):
        return lambda: enumerate_fixed_points(J)

    def ours_one_thread(J):
        def f():
            old = numba.get_num_threads()
            numba.set_num_threads(1)
            try:
                return enumerate_fixed_points(J)
            finally:
                numba.set_num_threads(old)

        return f

    def baseline(J):
        JT, aJT, diag, t = _kernel_arrays(J)
        return lambda: K.baseline_static_bb(JT, aJT, diag, t, True)

    def gray(J):
        JT, _, diag, t = _kernel_arrays(J)
        return lambda: K.gray_code_count(JT, diag, t)

    # compile everything on a small instance first
    Jw = sk_couplings(12, SEED)
    enumerate_fixed_points(Jw)
    enumerate_fixed_points(sk_couplings(26, SEED))  # parallel path
    count_fixed_points(Jw)
    baseline(Jw)()
    gray(Jw)()

    rows = []

    def add(name, n, fn, repeats, count_of, visited_of):
        wall, user, res = measure(fn, repeats)
        count = count_of(res)
        rows.append(
            {
                "method": name,
                "n_neurons": n,
                "median_wall_s": wall,
                "median_user_s": user,
                "repeats": repeats,
                "n_fixed_points": int(count),
                "n_visited": int(visited_of(res)),
            }
        )
        r = rows[-1]
        print(
            f"  {name:<34s} N={n:<3d} wall {wall:8.3f} s  user {user:8.3f} s  "
            f"fixed points {count}",
            flush=True,
        )
        return r

    # (count, visited) extractors of each method's result
    fp = (lambda r: len(r), lambda r: r.n_visited)
    bb = (lambda r: r[0], lambda r: r[1])
    gr = (lambda r: r, lambda r: 2**28)

    print(f"numba threads: {numba.get_num_threads()}, cpu count: {os.cpu_count()}")
    J28, J32, J34, J36, Jl = (sk_couplings(n, SEED) for n in (28, 32, 34, 36, n_large))
    res = {}
    reps_gray = 1 if repeats_small < 3 else 3
    reps_base = max(1, repeats_small // 2)
    res["ours_28"] = add("branch-and-bound (esorma)", 28, ours(J28), repeats_small, *fp)
    res["gray_28"] = add("Gray-code walk, all 2^N (baseline)", 28, gray(J28), reps_gray, *gr)
    res["ours_32"] = add("branch-and-bound (esorma)", 32, ours(J32), repeats_small, *fp)
    res["ours1_32"] = add("esorma, 1 thread", 32, ours_one_thread(J32), repeats_small, *fp)
    res["base_32"] = add("plain B&B, 1 thread (baseline)", 32, baseline(J32), repeats_small, *bb)
    res["ours_34"] = add("branch-and-bound (esorma)", 34, ours(J34), repeats_small, *fp)
    res["ours1_34"] = add("esorma, 1 thread", 34, ours_one_thread(J34), repeats_small, *fp)
    res["base_34"] = add("plain B&B, 1 thread (baseline)", 34, baseline(J34), reps_base, *bb)
    res["ours_36"] = add("branch-and-bound (esorma)", 36, ours(J36), reps_base, *fp)
    res["base_36"] = add("plain B&B, 1 thread (baseline)", 36, baseline(J36), 1, *bb)
    key = f"ours_{n_large}"
    res[key] = add("branch-and-bound (esorma)", n_large, ours(Jl), repeats_large, *fp)

    pairs = [("ours_28", "gray_28"), ("ours_32", "base_32"), ("ours1_32", "base_32"),
             ("ours_34", "base_34"), ("ours1_34", "base_34"), ("ours_36", "base_36")]
    for a, b in pairs:
        if res[a]["n_fixed_points"] != res[b]["n_fixed_points"]:
            raise AssertionError(f"{a} and {b} disagree on the number of fixed points")

    ratios = {
        "gray_over_ours_N28": res["gray_28"]["median_wall_s"] / res["ours_28"]["median_wall_s"],
        "baseline_over_ours_N32": res["base_32"]["median_wall_s"] / res["ours_32"]["median_wall_s"],
        "baseline_over_ours_1thread_N32": res["base_32"]["median_wall_s"]
        / res["ours1_32"]["median_wall_s"],
        "baseline_over_ours_N34": res["base_34"]["median_wall_s"] / res["ours_34"]["median_wall_s"],
        "baseline_over_ours_1thread_N34": res["base_34"]["median_wall_s"]
        / res["ours1_34"]["median_wall_s"],
        "baseline_user_over_ours_user_N34": res["base_34"]["median_user_s"]
        / res["ours_34"]["median_user_s"],
        "baseline_visited_over_ours_N34": res["base_34"]["n_visited"] / res["ours_34"]["n_visited"],
        "baseline_over_ours_N36": res["base_36"]["median_wall_s"] / res["ours_36"]["median_wall_s"],
        "baseline_user_over_ours_user_N36": res["base_36"]["median_user_s"]
        / res["ours_36"]["median_user_s"],
        "baseline_visited_over_ours_N36": res["base_36"]["n_visited"] / res["ours_36"]["n_visited"],
    }
    targets = {
        "N32_under_1s": res["ours_32"]["median_wall_s"] < 1.0,
        f"N{n_large}_under_30s": res[key]["median_wall_s"] < 30.0,
    }
    return {"rows": rows, "ratios": ratios, "targets": targets}


def print_table(out: dict) -> None:
    print()
    print(f"{'method':<36s} {'N':>3s} {'wall (median)':>14s} {'user CPU':>10s} "
          f"{'visited':>12s} {'fixed pts':>9s}")
    for r in out["rows"]:
        print(
            f"{r['method']:<36s} {r['n_neurons']:>3d} {r['median_wall_s']:>12.3f} s "
            f"{r['median_user_s']:>8.3f} s {r['n_visited']:>12d} {r['n_fixed_points']:>9d}"
        )
    print()
    for k, v in out["ratios"].items():
        print(f"  ratio {k:<34s} {v:8.1f}x")
    for k, v in out["targets"].items():
        print(f"  target {k:<33s} {'PASS' if v else 'FAIL'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat each")
    parser.add_argument("--n-large", type=int, default=40, help="size of the large instance")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "out" / "bench_enumeration.json",
    )
    args = parser.parse_args(argv)
    reps_small, reps_large = (1, 1) if args.quick else (5, 3)
    t0 = time.perf_counter()
    out = run(reps_small, reps_large, args.n_large)
    print_table(out)
    out["meta"] = {
        "seed": SEED,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "total_seconds": time.perf_counter() - t0,
        "note": "wall = median over repeats; user = user CPU time of the process (all threads)",
    }
    import numba

    out["meta"]["numba_threads"] = numba.get_num_threads()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=2, default=float))
    os.replace(tmp, args.out)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: a full capacity curve at N = 10 000 (target < 5 min on 2 cores).

Target: α = 0.05 … 0.20 in steps of 0.01 (16 grid points), one network and 20 probed
patterns per α, zero-temperature asynchronous dynamics from the patterns, with the full sweep
machinery (HDF5 file, atomic per-point commits). Reports the total, the time per grid point
and its split (building the patterns and the int16 Hebb couplings / dynamics, including the
stability check of the patterns).

Baseline: a straightforward NumPy implementation (float64 ``J = ξᵀξ/N`` and per-spin
``h_i = J[i] @ s`` asynchronous updates in random order) against esorma's pipeline on the same
smaller N and α values, in the same run; medians of ``--repeats`` repeats, ratio printed.

Writes ``benchmarks/out/bench_capacity.json``.

Usage: ``python benchmarks/bench_capacity.py [--n 10000] [--baseline-n 1000] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def numpy_baseline_point(n, p, n_probes, rng, max_sweeps=100):
    """The straightforward implementation: float64 Hebb matrix, per-spin dot products."""
    xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
    t0 = time.perf_counter()
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0.0)
    t1 = time.perf_counter()
    overlaps = []
    for mu in rng.choice(p, size=min(n_probes, p), replace=False):
        s = xi[mu].copy()
        for _ in range(max_sweeps):
            flips = 0
            for i in rng.permutation(n):
                h = J[i] @ s
                if h * s[i] < 0:
                    s[i] = -s[i]
                    flips += 1
            if flips == 0:
                break
        overlaps.append(float(s @ xi[mu]) / n)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, np.array(overlaps)


def esorma_curve(n, alphas, n_probes, seed, path=None):
    from esorma.capacity import CapacityConfig, capacity_sweep

    cfg = CapacityConfig(n_neurons=[n], alphas=list(alphas), n_networks=1, n_probes=n_probes)
    t0 = time.perf_counter()
    res = capacity_sweep(cfg, seed=seed, path=path, progress=False)
    total = time.perf_counter() - t0
    build = [res.points[(n, a, 0.0)].attrs["seconds_build"] for a in cfg.alphas]
    dyn = [res.points[(n, a, 0.0)].attrs["seconds_dynamics"] for a in cfg.alphas]
    return total, np.array(build), np.array(dyn), res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="target N (default 10000)")
    ap.add_argument("--baseline-n", type=int, default=1000,
                    help="N of the NumPy comparison (default 1000)")
    ap.add_argument("--baseline-alphas", type=float, nargs="+", default=[0.05, 0.10, 0.14, 0.17])
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the comparison")
    ap.add_argument("--curve-repeats", type=int, default=1, help="repeats of the full curve")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent / "out" / "bench_capacity.json")
    args = ap.parse_args(argv)

    alphas = [round(0.05 + 0.01 * i, 2) for i in range(16)]
    # Warm-up: compile / load the Numba kernels (not part of any timing).
    esorma_curve(200, [0.05], 4, args.seed)

    # --- target: the full curve at N = args.n, with the HDF5 file and atomic commits
    curve_totals, builds, dyns = [], [], []
    for r in range(args.curve_repeats):
        with tempfile.TemporaryDirectory() as d:
            total, b, dy, res = esorma_curve(args.n, alphas, args.probes, args.seed + r,
                                             path=Path(d) / "curve.h5")
            size = os.path.getsize(Path(d) / "curve.h5")
        curve_totals.append(total)
        builds.append(b)
        dyns.append(dy)
        s = res.summary()
        print(f"curve {r + 1}: {total:.1f} s  retrieved fraction "
              f"{np.round(s.retrieved_fraction[0, :, 0], 2).tolist()}", flush=True)
    build = np.median(np.array(builds), axis=0)
    dyn = np.median(np.array(dyns), axis=0)
    total = statistics.median(curve_totals)
    per_point = total / len(alphas)
    overhead = total - float(build.sum() + dyn.sum())

    # --- comparison at a smaller N: esorma vs straightforward NumPy, same alphas
    bn, balphas = args.baseline_n, args.baseline_alphas
    t_es, t_np = [], []
    np_split, es_split = [], []
    for r in range(args.repeats):
        t0 = time.perf_counter()
        _, eb, ed, _ = esorma_curve(bn, balphas, args.probes, args.seed + 100 + r)
        t_es.append(time.perf_counter() - t0)
        es_split.append((float(eb.sum()), float(ed.sum())))
        rng = np.random.default_rng(args.seed + 100 + r)
        t0 = time.perf_counter()
        split = [numpy_baseline_point(bn, int(round(a * bn)), args.probes, rng)[:2]
                 for a in balphas]
        t_np.append(time.perf_counter() - t0)
        np_split.append(np.sum(split, axis=0))
    es_med, np_med = statistics.median(t_es), statistics.median(t_np)
    es_b, es_d = np.median(np.array(es_split), axis=0)
    np_b, np_d = np.median(np.array(np_split), axis=0)

    rows = [
        ("full curve N=%d (16 points)" % args.n, total, 300.0, "target < 300 s"),
        ("  per grid point (mean)", per_point, None, ""),
        ("  building patterns + J (sum)", float(build.sum()), None, ""),
        ("  dynamics + stability (sum)", float(dyn.sum()), None, ""),
        ("  sweep overhead (files, etc.)", overhead, None, ""),
        (f"esorma N={bn}, {len(balphas)} alphas", es_med, None, "median"),
        ("  esorma: building J / dynamics", es_b, None, f"/ {es_d:.3f} s"),
        (f"NumPy baseline N={bn}, {len(balphas)} alphas", np_med, None, "median"),
        ("  NumPy: building J / dynamics", np_b, None, f"/ {np_d:.3f} s"),
    ]
    print()
    print(f"{'what':44s} {'seconds':>10s}  note")
    for name, val, _, note in rows:
        print(f"{name:44s} {val:10.2f}  {note}")
    print(f"{'speed-up vs NumPy (same N, same alphas)':44s} {np_med / es_med:10.1f}x")
    print(f"{'  of which dynamics':44s} {np_d / es_d:10.1f}x")
    print(f"{'  of which building J':44s} {np_b / es_b:10.1f}x")
    print("per point (N=%d): alpha, build s, dynamics s" % args.n)
    for a, b_, d_ in zip(alphas, build, dyn):
        print(f"  {a:.2f}  {b_:6.2f}  {d_:6.2f}")
    ok = total < 300.0
    print(f"\ntarget {'MET' if ok else 'MISSED'}: {total:.1f} s for the N={args.n} curve "
          f"(< 300 s), results file {size / 1024:.0f} KiB")

    from esorma.io import package_versions

    out = {
        "target": {"n": args.n, "alphas": alphas, "n_probes": args.probes, "n_networks": 1,
                   "seconds_total": curve_totals, "seconds_total_median": total,
                   "seconds_per_point": per_point,
                   "seconds_build_per_point": build.tolist(),
                   "seconds_dynamics_per_point": dyn.tolist(),
                   "seconds_overhead": overhead, "limit_seconds": 300.0, "met": ok,
                   "results_file_bytes": size},
        "comparison": {"n": bn, "alphas": balphas, "n_probes": args.probes,
                       "esorma_seconds": t_es, "numpy_seconds": t_np,
                       "numpy_build_dynamics_split": [list(map(float, x)) for x in np_split],
                       "esorma_build_dynamics_split": es_split,
                       "esorma_median": es_med, "numpy_median": np_med,
                       "speedup": np_med / es_med, "speedup_dynamics": np_d / es_d,
                       "speedup_build": np_b / es_b},
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "versions": package_versions(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: exact fixed points of Hebb networks by the low-rank search.

Targets (issue #17): every fixed point of a Hebb network with random patterns at N = 10^4 for
P ≤ 5 in under 10 s, and for P = 6 in under 60 s (2 cores). P = 7 (64 neuron classes) is
only estimated (Knuth's estimator of the class search), not run.

Baselines on the same instance in the same run, at sizes where they can do the job:

* plain NumPy brute force over all 2^N states (fields ``ξᵀ(ξ s) − P s`` in chunks, the
  1-spin-flip test) at N = 20 and 24;
* esorma's general branch-and-bound (``enumerate_fixed_points(..., method="branch-and-bound")``,
  the best general exact method in the package) at N = 28 and 36.

Every method must find the same set of fixed points (checked). Medians over repeats with their
spread, the machine load and the peak memory are printed and written to
``benchmarks/out/bench_lowrank_enumeration.json``.

Run: ``python benchmarks/bench_lowrank_enumeration.py`` (``--quick``: fewer repeats, no P = 6).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cpu_timeit, peak_rss_mb, pin_blas, print_table, summary, write_json  # noqa: E402

SEED = 17


def patterns(p: int, n: int) -> np.ndarray:
    from esorma.patterns import random_patterns

    return random_patterns(p, n, rng=np.random.default_rng([SEED, p, n]))


def brute_force(xi: np.ndarray) -> np.ndarray:
    """Every fixed point of the zero-diagonal Hebb network of ``xi`` (integer fields), by
    testing all 2^N states in chunks of 2^16 (plain NumPy)."""
    p, n = xi.shape
    x = xi.astype(np.float64)
    found = []
    chunk = 1 << 16
    bits = np.arange(n)
    for lo in range(0, 1 << n, chunk):
        codes = np.arange(lo, min(lo + chunk, 1 << n))
        s = np.where((codes[:, None] >> bits) & 1, 1.0, -1.0)
        h = (s @ x.T) @ x - p * s  # exact integers
        ok = np.all(s * h >= 0, axis=1)
        found.append(s[ok].astype(np.int8))
    return np.concatenate(found)


def as_set(states) -> set:
    return {tuple(r) for r in np.asarray(states)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    pin_blas(1)
    from esorma import Hopfield
    from esorma.attractors import enumerate_fixed_points, hebb_enumeration_cost
    from esorma.attractors import hebb_fixed_points

    repeats = 2 if args.quick else 5
    rows, records = [], []

    # ---------------------------------------------------------------- targets at N = 10^4
    n = 10_000
    for p in ([3, 4, 5] if args.quick else [3, 4, 5, 6]):
        xi = patterns(p, n)
        reps = repeats if p < 6 else max(2, repeats // 2)
        wall, walls, cpus, fp = cpu_timeit(lambda: hebb_fixed_points(patterns=xi),
                                           repeats=reps, warmup=1)
        target = 10.0 if p <= 5 else 60.0
        rec = {"what": "target", "P": p, "N": n, "method": "low-rank",
               "wall": summary(walls), "cpu": summary(cpus), "n_fixed_points": fp.n_fixed_points,
               "n_classes": int(fp.class_sizes.size), "n_visited": fp.n_visited,
               "target_s": target, "met": bool(wall < target)}
        records.append(rec)
        rows.append([f"P={p} N={n}", "esorma hebb_fixed_points", f"{wall:.3g}",
                     f"{rec['wall']['spread']:.0%}", f"{np.median(cpus):.3g}",
                     int(fp.n_fixed_points), f"< {target:g} s: {'met' if rec['met'] else 'NOT met'}"])
        # the same through enumerate_fixed_points (auto dispatch; states materialised and
        # sorted when they take at most 64 MiB)
        net = Hopfield.from_patterns(xi)
        wall, walls, cpus, full = cpu_timeit(lambda: enumerate_fixed_points(net), repeats=reps,
                                             warmup=1)
        assert full.method == "low-rank" and len(full) == fp.n_fixed_points
        stored = "states stored" if full.states.shape[0] else "compact only"
        records.append({"what": "target", "P": p, "N": n, "method": "enumerate_fixed_points",
                        "wall": summary(walls), "cpu": summary(cpus),
                        "n_fixed_points": len(full), "states_stored": bool(full.states.shape[0]),
                        "target_s": target, "met": bool(wall < target)})
        rows.append([f"P={p} N={n}", f"enumerate_fixed_points ({stored})", f"{wall:.3g}",
                     f"{summary(walls)['spread']:.0%}", f"{np.median(cpus):.3g}", len(full),
                     f"< {target:g} s: {'met' if wall < target else 'NOT met'}"])
    est = hebb_enumeration_cost(patterns=patterns(7, n))
    records.append({"what": "estimate", "P": 7, "N": n, "method": "low-rank", **est})
    rows.append([f"P=7 N={n}", "low-rank (estimate only)", f"~{est['seconds']:.3g}", "", "",
                 "", f"{est['n_classes']} classes, ~{est['nodes']:.2g} nodes: not run"])

    # ---------------------------------------------------------------- against baselines
    cases = [(5, 20, "brute force (NumPy)"), (5, 24, "brute force (NumPy)"),
             (5, 28, "branch-and-bound"), (4, 36, "branch-and-bound")]
    if args.quick:
        cases = cases[:1] + cases[2:3]
    for p, size, base in cases:
        xi = patterns(p, size)
        net = Hopfield.from_patterns(xi)
        lr_wall, lr_walls, lr_cpus, lr = cpu_timeit(lambda: enumerate_fixed_points(net),
                                                    repeats=repeats, warmup=1)
        assert lr.method == "low-rank"
        if base.startswith("brute"):
            b_reps = max(1, repeats // 2)
            b_wall, b_walls, b_cpus, b = cpu_timeit(lambda: brute_force(xi), repeats=b_reps,
                                                    warmup=0)
            same = as_set(b) == as_set(lr.states)
        else:
            b_reps = max(1, repeats // 2)
            b_wall, b_walls, b_cpus, b = cpu_timeit(
                lambda: enumerate_fixed_points(net, method="branch-and-bound", max_seconds=3600),
                repeats=b_reps, warmup=0)
            same = np.array_equal(b.states, lr.states)
        if not same:
            raise AssertionError(f"P={p} N={size}: {base} and low-rank disagree")
        records.append({"what": "baseline", "P": p, "N": size, "baseline": base,
                        "lowrank_wall": summary(lr_walls), "lowrank_cpu": summary(lr_cpus),
                        "baseline_wall": summary(b_walls), "baseline_cpu": summary(b_cpus),
                        "n_fixed_points": len(lr), "speedup": b_wall / lr_wall})
        rows.append([f"P={p} N={size}", "esorma low-rank", f"{lr_wall:.3g}",
                     f"{summary(lr_walls)['spread']:.0%}", f"{np.median(lr_cpus):.3g}", len(lr),
                     f"x{b_wall / lr_wall:.3g} faster than {base}"])
        rows.append([f"P={p} N={size}", base, f"{b_wall:.3g}",
                     f"{summary(b_walls)['spread']:.0%}", f"{np.median(b_cpus):.3g}", len(lr),
                     "same fixed points"])

    print_table(rows, ["instance", "method", "wall s (median)", "spread", "cpu s", "fixed points",
                       "note"])
    print(f"peak memory {peak_rss_mb():.0f} MB")
    write_json("bench_lowrank_enumeration",
               {"seed": SEED, "quick": args.quick, "records": records,
                "peak_rss_mb": peak_rss_mb()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Memory benchmark (issue 19): peak memory of storing Hebb couplings, and of a large network
that never needs them.

Every case runs in a fresh subprocess (so one case's peak cannot hide another's) and reports
``ru_maxrss`` after its setup (imports, patterns, compiled kernels warmed on a tiny problem)
and at the end: the difference is the memory the case itself needed.

* **Dense storing** at N = 4000, 8000, 16000 (P = 0.1 N): esorma forms its int16 counts block by
  block (target: peak ≤ 1.5 × the final matrix); against what a plain NumPy user writes
  (``x = xi.astype(float); J = x.T @ x / N``, float64), a careful one (float32 product, exact
  for P < 2**24) and the float32 Gram → int16 conversion esorma used before issue 19.
* **Lazy network** at N = 10⁶, P = 3: store, 20 retrievals from 10 %-corrupted patterns and
  100 Glauber sweeps at T = 0.5 (target: < 30 s and < 500 MB). The NumPy user's dense J would
  need N² × 8 bytes = 8 TB and cannot be built; the NumPy row gives its size, and the time of
  a plain NumPy low-rank implementation of the same job extrapolated from a timed slice.

Run: ``python benchmarks/bench_memory.py [--sizes 4000 8000 16000] [--big 1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import pin_blas, print_table, write_json  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- cases (child)


def case_store(impl: str, n: int) -> dict:
    from esorma import Hopfield
    from esorma.patterns import random_patterns

    p = max(1, n // 10)
    xi = random_patterns(p, n, rng=0)
    Hopfield.from_patterns(random_patterns(2, 16, rng=0)).J  # noqa: B018 - warm imports
    base = _rss_mb()
    t0 = time.perf_counter()
    if impl == "esorma":
        J = Hopfield.from_patterns(xi).J
    elif impl == "numpy_float64":
        x = xi.astype(np.float64)
        J = x.T @ x / n
        np.fill_diagonal(J, 0.0)
    elif impl == "numpy_float32":
        x = xi.astype(np.float32)
        J = x.T @ x
        np.fill_diagonal(J, 0.0)
    elif impl == "gram_then_int16":
        x = xi.astype(np.float32)
        g = x.T @ x
        np.fill_diagonal(g, 0)
        J = g.astype(np.int16)
        del g
    else:
        raise ValueError(impl)
    seconds = time.perf_counter() - t0
    return {"impl": impl, "n": n, "p": p, "seconds": seconds, "base_mb": base,
            "peak_mb": _rss_mb(), "matrix_mb": J.nbytes / 2**20, "dtype": str(J.dtype)}


def case_lazy(n: int, p: int = 3, probes: int = 20, sweeps: int = 100) -> dict:
    from esorma import Hopfield
    from esorma.dynamics import glauber
    from esorma.patterns import corrupt, random_patterns

    small = Hopfield.from_patterns(random_patterns(p, 64, rng=0))  # compiled kernels, cached
    small.run(corrupt(small.patterns, 0.1, rng=0), rng=0)
    glauber(small, 0.5, n_sweeps=2, states=small.patterns[0], rng=0)
    base = _rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    xi = random_patterns(p, n, rng=0)
    net = Hopfield.from_patterns(xi)
    t_store = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    # one probe at a time: corrupt() of a (20, N) batch makes two (20, N) 8-byte temporaries
    starts = np.stack([corrupt(xi[k % p], 0.1, rng=rng) for k in range(probes)])
    t1 = time.perf_counter()
    res = net.run(starts, rng=2)
    m = np.diagonal(net.overlaps(res.states)[:, np.arange(probes) % p])
    t2 = time.perf_counter()
    g = glauber(net, 0.5, n_sweeps=sweeps, states=xi[0], rng=3)
    t3 = time.perf_counter()
    return {"impl": "esorma_lazy", "n": n, "p": p, "probes": probes, "sweeps": sweeps,
            "store_s": t_store, "corrupt_s": t1 - t0 - t_store, "retrieve_s": t2 - t1,
            "glauber_s": t3 - t2, "total_s": t3 - t0, "cpu_s": time.process_time() - c0,
            "base_mb": base, "peak_mb": _rss_mb(),
            "retrieval_overlap_min": float(m.min()),
            "glauber_overlap": float(g.overlaps[-1, 0, 0]),
            "couplings_formed": bool(net.couplings_formed)}


def case_numpy_lowrank(n: int, p: int = 3, probes: int = 20, sweeps: int = 100,
                       slice_updates: int = 20_000) -> dict:
    """Plain NumPy/Python low-rank asynchronous updates (the overlaps kept up to date, one
    spin at a time): timed on a slice, extrapolated to the whole job."""
    rng = np.random.default_rng(0)
    xi = rng.choice(np.array([-1, 1], dtype=np.int64), size=(p, n))
    base = _rss_mb()
    s = xi[0].copy()
    s[rng.choice(n, n // 10, replace=False)] *= -1
    m = xi @ s
    order = rng.permutation(n)[:slice_updates]
    t0 = time.perf_counter()
    for i in order:
        h = xi[:, i] @ m - p * s[i]
        if s[i] * h < 0:
            s[i] = -s[i]
            m += 2 * s[i] * xi[:, i]
    per_update = (time.perf_counter() - t0) / slice_updates
    updates = n * (probes * 2 + sweeps)  # each retrieval: one flipping sweep + one check
    return {"impl": "numpy_lowrank_python", "n": n, "p": p, "per_update_s": per_update,
            "extrapolated_total_s": per_update * updates, "base_mb": base,
            "peak_mb": _rss_mb(), "dense_J_float64_bytes": 8.0 * n * n}


# --------------------------------------------------------------------------- driver


def run_case(*args) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False,
                         env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    if out.returncode != 0:
        return {"impl": args[0], "n": int(args[1]), "error": out.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4000, 8000, 16000])
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        pin_blas(1)
        impl, n = args.case[0], int(args.case[1])
        if impl == "lazy":
            res = case_lazy(n)
        elif impl == "numpy_lowrank":
            res = case_numpy_lowrank(n)
        else:
            res = case_store(impl, n)
        print(json.dumps(res))
        return 0

    load0 = os.getloadavg()
    store = [run_case(impl, n) for n in args.sizes
             for impl in ("esorma", "gram_then_int16", "numpy_float32", "numpy_float64")]
    rows = []
    for r in store:
        if "error" in r:
            rows.append([r["impl"], r["n"], "-", "-", "-", "-", r["error"][:60]])
            continue
        used = r["peak_mb"] - r["base_mb"]
        rows.append([r["impl"], r["n"], r["dtype"], f"{r['matrix_mb']:.0f}", f"{used:.0f}",
                     f"{used / r['matrix_mb']:.2f}", f"{r['seconds']:.2f}"])
    print("Storing Hebb couplings, P = 0.1 N (peak RSS above the setup, fresh process per "
          "case; BLAS 1 thread)\n")
    print_table(rows, ["implementation", "N", "dtype", "matrix MB", "peak MB",
                       "peak / matrix", "seconds"])
    es = [r for r in store if r.get("impl") == "esorma" and "error" not in r]
    ratio = max((r["peak_mb"] - r["base_mb"]) / r["matrix_mb"] for r in es) if es else float("nan")

    big = run_case("lazy", args.big)
    npl = run_case("numpy_lowrank", args.big)
    print(f"\nN = {args.big}, P = 3: store + 20 retrievals + 100 Glauber sweeps (T = 0.5)\n")
    rows = []
    if "error" not in big:
        rows.append([
            "esorma (lazy Hebb)", f"{big['total_s']:.2f} (CPU {big['cpu_s']:.2f})",
            f"store {big['store_s']:.2f} / probes {big['corrupt_s']:.2f} / retrieve "
            f"{big['retrieve_s']:.2f} / Glauber {big['glauber_s']:.2f}",
            f"{big['peak_mb']:.0f}", f"{big['peak_mb'] - big['base_mb']:.0f}",
        ])
    else:
        rows.append(["esorma (lazy Hebb)", "-", big["error"][:70], "-", "-"])
    rows.append(["NumPy dense J (float64)", "cannot fit",
                 f"J alone needs {8.0 * args.big**2 / 1e12:.0f} TB", "-", "-"])
    if "error" not in npl:
        rows.append(["NumPy low-rank, Python loop", f"~{npl['extrapolated_total_s']:.0f}",
                     f"extrapolated: {npl['per_update_s'] * 1e6:.1f} us per update",
                     f"{npl['peak_mb']:.0f}", f"{npl['peak_mb'] - npl['base_mb']:.0f}"])
    print_table(rows, ["implementation", "seconds", "phases", "peak RSS MB",
                       "above setup MB"])
    ok_store = ratio <= 1.5
    ok_big = "error" not in big and big["total_s"] < 30 and big["peak_mb"] < 500
    print(f"\nload average: {load0[0]:.2f} ({os.cpu_count()} cores)")
    print(f"target: storing peaks <= 1.5x the matrix -> {'met' if ok_store else 'NOT met'} "
          f"(worst {ratio:.2f}x)")
    if "error" not in big:
        print(f"target: N = {args.big}, P = 3 job < 30 s and < 500 MB -> "
              f"{'met' if ok_big else 'NOT met'} ({big['total_s']:.1f} s, "
              f"{big['peak_mb']:.0f} MB peak RSS, J formed: {big['couplings_formed']})")
    write_json("bench_memory", {"store": store, "lazy": big, "numpy_lowrank": npl,
                                "loadavg": load0, "store_ratio_max": ratio,
                                "targets_met": {"store": ok_store, "lazy": ok_big}})
    return 0


if __name__ == "__main__":
    sys.exit(main())

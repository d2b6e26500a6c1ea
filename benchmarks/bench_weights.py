"""Speed of the weight-spectrum analysis against a plain ``numpy.linalg.svd`` pipeline (issue 16).

Target: :func:`esorma.spectra.weight_spectrum` of a 4000 x 4000 matrix in < 10 s.

Instance: a planted rank-3 signal (strengths 3, 2 and 1.5 in units of the noise scale) in
Gaussian noise of entry variance 1/n, seed 0. Both pipelines do the same job on it: all
singular values, the noise level (median matching to Marchenko-Pastur), outliers beyond the
edge, the top singular vectors of the outliers, stable and entropy rank and the power-law tail
fit (the same Clauset KS scan in both, so the comparison isolates the linear algebra):

* esorma ``weight_spectrum(W)``: the Gram matrix ``W^T W`` (one GEMM), its eigenvalues
  (LAPACK ``syevd``), the outliers' vectors by Lanczos (``eigsh``) on the Gram matrix;
* esorma, values only (``n_vectors=0``);
* baseline: ``numpy.linalg.svd(W, full_matrices=False)`` then the same post-processing;
* baseline, values only: ``numpy.linalg.svd(W, compute_uv=False)``.

BLAS threads are pinned (``--blas-threads``, default 1); timings are medians over
``--repeats`` runs (``--baseline-repeats`` for the SVD baselines) with their spread; the
machine load is recorded (other jobs may share the cores: compare the ratio more than the
absolute numbers).

Run ``python benchmarks/bench_weights.py`` (``--quick``: n = 2000, 2 repeats). Prints a table
and writes ``benchmarks/out/bench_weights.json``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, print_table, write_json  # noqa: E402


def _planted(n, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) / math.sqrt(n)
    for t in (3.0, 2.0, 1.5):
        u = rng.standard_normal(n)
        v = rng.standard_normal(n)
        W += t * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
    return W


def baseline(W, vectors=True):
    """A plain NumPy pipeline: full SVD, then the same quantities as weight_spectrum."""
    import numpy as np

    from esorma.spectra.weights import _mp_median, entropy_rank, fit_power_law, stable_rank

    n, m = W.shape
    p, q = min(n, m), max(n, m)
    if vectors:
        U, s, Vt = np.linalg.svd(W, full_matrices=False)
    else:
        s = np.linalg.svd(W, compute_uv=False)
    c = p / q
    sigma2 = float(np.median(s * s)) / _mp_median(c)
    tw = (math.sqrt(p) + math.sqrt(q)) * (1 / math.sqrt(p) + 1 / math.sqrt(q)) ** (1 / 3) / q
    thr = math.sqrt(sigma2 * ((1 + math.sqrt(c)) ** 2 + 4.0 * tw))
    k = int(np.sum(s > thr))
    out = {"s": s, "n_outliers": k, "stable_rank": stable_rank(s),
           "entropy_rank": entropy_rank(s), "alpha": fit_power_law(s * s).alpha}
    if vectors:
        out["left"], out["right"] = U[:, :k], Vt[:k].T
    return out


def _time(fn, repeats):
    times, last = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return times, last


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="matrix size (default 4000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--baseline-repeats", type=int, default=1,
                        help="timed runs of the (slow) SVD baselines (default 1)")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads (default 1: on a shared 2-core machine two OpenBLAS "
                             "threads made the eigenvalue solve 7x slower)")
    parser.add_argument("--quick", action="store_true", help="n = 2000, 2 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.repeats = 2000, 2

    import numpy as np
    from threadpoolctl import threadpool_limits

    from esorma.spectra import weight_spectrum

    W = _planted(args.n)
    load_before = machine()["loadavg"]
    rows, payload = [], {"n": args.n, "repeats": args.repeats,
                         "blas_threads": args.blas_threads,
                         "baseline_repeats": args.baseline_repeats, "load_before": load_before}
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        weight_spectrum(W[:300, :300])  # warm-up (imports)
        cases = [
            ("esorma weight_spectrum (values + outlier vectors)", lambda: weight_spectrum(W)),
            ("esorma weight_spectrum, values only", lambda: weight_spectrum(W, n_vectors=0)),
            ("baseline numpy.linalg.svd (values + vectors)", lambda: baseline(W, True)),
            ("baseline numpy.linalg.svd, values only", lambda: baseline(W, False)),
        ]
        results = {}
        for name, fn in cases:
            times, last = _time(fn, args.repeats if name.startswith("esorma")
                                else args.baseline_repeats)
            results[name] = (times, last)
            print(f"{name}: median {statistics.median(times):.2f} s", flush=True)
    ws, base = results[cases[0][0]][1], results[cases[2][0]][1]
    t_base = statistics.median(results[cases[2][0]][0])
    t_base_vals = statistics.median(results[cases[3][0]][0])
    for name, (times, _) in results.items():
        med = statistics.median(times)
        ref = t_base_vals if "values only" in name else t_base
        target = "< 10 s" if name.startswith("esorma") else "baseline"
        rows.append([name, f"{med:.2f}", f"{min(times):.2f}-{max(times):.2f}",
                     f"{ref / med:.1f}x", target,
                     ("yes" if med < 10 else "NO") if name.startswith("esorma") else "-"])
        payload.setdefault("rows", []).append({
            "case": name, "median_s": med, "times_s": times, "speedup_vs_baseline": ref / med,
            "target_met": bool(med < 10) if name.startswith("esorma") else None})
    k = ws.n_outliers
    top = min(200, ws.singular_values.size)
    rel = float(np.max(np.abs(ws.singular_values[:top] - base["s"][:top]) / base["s"][:top]))
    ov = [float(abs(ws.left[:, i] @ base["left"][:, i])) for i in range(min(k, base["n_outliers"]))]
    payload.update(agreement={"n_outliers": [k, base["n_outliers"]],
                              "max_rel_diff_top200_singular_values": rel,
                              "outlier_left_vector_abs_cos": ov,
                              "stable_rank": [ws.stable_rank, base["stable_rank"]],
                              "entropy_rank": [ws.entropy_rank, base["entropy_rank"]],
                              "alpha": [ws.power_law.alpha, base["alpha"]]},
                   load_after=machine()["loadavg"])
    print()
    print_table(rows, ["case", "median s", "range s", "speed-up", "target", "met"])
    print(f"\nn = {args.n}, {args.repeats} repeats, BLAS threads {args.blas_threads}; load "
          f"{load_before} -> {payload['load_after']}")
    print(f"agreement: outliers {k} vs {base['n_outliers']}; top-{top} singular values max "
          f"rel. diff {rel:.1e}; |cos| of outlier vectors {np.round(ov, 12).tolist()}")
    write_json("bench_weights", payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

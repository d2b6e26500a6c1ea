"""Speed and memory of esorma.spectra against LAPACK baselines (issue 4 targets).

Targets
-------
1. Dense ensembles: sampling adds <= 10 % on top of the eigenvalue call at n = 2000
   (``eigvalsh`` for symmetric/Hermitian matrices, ``eigvals`` otherwise). Two reference
   rows measure the floor of any dense Wishart sampler on this machine: the triangular
   product ``L L^T`` alone (LAPACK ``dlauum``) and its n^3/3 flops at the DGEMM rate.
2. beta-Hermite spectral density at n = 10^6 (100 bins) in < 2 s.
3. Largest eigenvalue at n = 10^7 in < 10 s with O(n) memory.

Baselines measured in the same run: dense ``numpy.linalg.eigvalsh`` of a GOE at the largest
reasonable n (default 4000), LAPACK's tridiagonal solver for all eigenvalues
(``scipy.linalg.eigvalsh_tridiagonal``, O(n^2)) and LAPACK's bisection ``dstebz`` for the
largest eigenvalue (``select="i"``, O(n)).

Run ``python benchmarks/bench_spectra.py`` (``--quick`` for smaller sizes,
``--blas-threads 1`` to pin LAPACK to one thread on a loaded machine; NumPy is imported only
after that option is applied). Prints a table
and writes ``benchmarks/out/bench_spectra.json``. Timings are medians of repeats; the machine
may be shared, so compare the ratios more than the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path



def _median_time(fn, repeats: int) -> float:
    import numpy as np

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def bench_sampling(n: int, repeats: int) -> list:
    import numpy as np

    import esorma.spectra as sp

    samplers = [
        ("goe", lambda r: sp.goe(n, rng=r), np.linalg.eigvalsh),
        ("gue", lambda r: sp.gue(n, rng=r), np.linalg.eigvalsh),
        ("wishart c=0.5", lambda r: sp.wishart(n, 0.5, rng=r), np.linalg.eigvalsh),
        ("hebb alpha=0.138", lambda r: sp.hebb_couplings(n, 0.138, rng=r), np.linalg.eigvalsh),
        ("erdos_renyi d=20", lambda r: sp.erdos_renyi(n, 20.0, rng=r), np.linalg.eigvalsh),
        ("ginibre", lambda r: sp.ginibre(n, rng=r), np.linalg.eigvals),
        ("elliptic tau=0.5", lambda r: sp.elliptic(n, 0.5, rng=r), np.linalg.eigvals),
        ("dale row-sum-zero", lambda r: sp.dale(n, row_sum_zero=True, rng=r), np.linalg.eigvals),
    ]
    rows = []
    for name, sample, eig in samplers:
        sample(0)  # warm-up (compilation, page faults)
        m = sample(1)
        t_sample = _median_time(lambda: sample(2), repeats)
        t_eig = _median_time(lambda: eig(m), max(1, repeats - 2))
        rows.append({"task": f"sample {name} n={n}", "seconds": t_sample,
                     "baseline": f"{eig.__name__} of the same matrix", "baseline_seconds": t_eig,
                     "ratio": t_sample / t_eig, "target": "ratio <= 0.10",
                     "ok": t_sample / t_eig <= 0.10})
    return rows


def bench_wishart_floor(n: int, c: float, repeats: int) -> list:
    """What any dense Wishart sampler must spend, measured on this machine.

    A Wishart matrix with ``m >= n`` is ``L L^T`` for a triangular factor (Bartlett); forming
    it is at least the triangular product (LAPACK ``dlauum``, n^3/3 flops), and the cheapest
    conceivable product runs at the machine's DGEMM rate. Both are compared with the
    eigenvalue call, as the sampling target is: if either ratio is above 0.10, no dense
    Wishart sampler can meet that target here.
    """
    import numpy as np
    from scipy.linalg import lapack

    import esorma.spectra as sp

    rng = np.random.default_rng(3)
    w = sp.wishart(n, c, rng=rng)
    t_eig = _median_time(lambda: np.linalg.eigvalsh(w), max(1, repeats - 2))
    factor = np.asfortranarray(np.triu(rng.standard_normal((n, n))))
    copies = [factor.copy(order="F") for _ in range(repeats + 1)]
    lapack.dlauum(copies.pop(), lower=0, overwrite_c=1)  # warm-up
    t_lauum = _median_time(lambda: lapack.dlauum(copies.pop(), lower=0, overwrite_c=1),
                           repeats)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    a @ b
    t_gemm = _median_time(lambda: a @ b, repeats)
    rate = 2.0 * n**3 / t_gemm
    t_floor = (n**3 / 3.0) / rate
    return [
        {"task": f"wishart floor: L L^T alone (dlauum) n={n}", "seconds": t_lauum,
         "baseline": "eigvalsh of a Wishart matrix", "baseline_seconds": t_eig,
         "ratio": t_lauum / t_eig, "target": "reference (sampling ratio >= this)",
         "ok": True, "gflops": n**3 / 3.0 / t_lauum / 1e9},
        {"task": f"wishart floor: n^3/3 flops at DGEMM speed n={n}", "seconds": t_floor,
         "baseline": "eigvalsh of a Wishart matrix", "baseline_seconds": t_eig,
         "ratio": t_floor / t_eig, "target": "reference (sampling ratio >= this)",
         "ok": True, "dgemm_gflops": rate / 1e9},
    ]


def bench_density(n: int, n_dense: int, n_tri_all: int, repeats: int) -> list:
    import numpy as np

    import scipy.linalg as sl

    import esorma.spectra as sp

    sp.beta_hermite_density(1000, rng=0)  # compile / load cache
    t_ours = _median_time(lambda: sp.beta_hermite_density(n, 1.0, bins=100, rng=1), repeats)
    h = sp.goe(n_dense, rng=0)
    t_dense = _median_time(lambda: np.linalg.eigvalsh(h), max(1, repeats - 2))
    T = sp.beta_hermite(n_tri_all, rng=0)
    t_tri = _median_time(lambda: sl.eigvalsh_tridiagonal(T.diag, T.offdiag,
                                                         check_finite=False), 1)
    return [
        {"task": f"beta-Hermite density n={n:,} (100 bins)", "seconds": t_ours,
         "baseline": f"dense numpy eigvalsh n={n_dense}", "baseline_seconds": t_dense,
         "ratio": t_ours / t_dense, "target": "< 2 s", "ok": t_ours < 2.0},
        {"task": f"beta-Hermite density n={n:,} (100 bins)", "seconds": t_ours,
         "baseline": f"LAPACK all tridiagonal eigenvalues n={n_tri_all:,} (O(n^2))",
         "baseline_seconds": t_tri, "ratio": t_ours / t_tri, "target": "< 2 s",
         "ok": t_ours < 2.0},
    ]


def bench_largest(n: int, repeats: int) -> list:
    import scipy.linalg as sl

    import esorma.spectra as sp

    sp.largest_eigenvalue(1000, rng=0)
    tracemalloc.start()
    t0 = time.perf_counter()
    T = sp.beta_hermite(n, rng=2)
    t_sample = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_bisect = _median_time(lambda: sp.largest_eigenvalue(T), repeats)
    lam = sp.largest_eigenvalue(T)
    t_lapack = _median_time(lambda: sl.eigvalsh_tridiagonal(
        T.diag, T.offdiag, select="i", select_range=(n - 1, n - 1), check_finite=False), 1)
    lam_lapack = float(sl.eigvalsh_tridiagonal(T.diag, T.offdiag, select="i",
                                               select_range=(n - 1, n - 1),
                                               check_finite=False)[0])
    total = t_sample + t_bisect
    dense_bytes = 8.0 * n * n
    return [{
        "task": f"largest eigenvalue n={n:,} (sample + bisection)", "seconds": total,
        "sample_seconds": t_sample, "bisection_seconds": t_bisect,
        "baseline": "LAPACK dstebz bisection (select='i') on the same matrix",
        "baseline_seconds": t_lapack, "ratio": t_bisect / t_lapack,
        "target": "< 10 s, O(n) memory", "ok": total < 10.0,
        "peak_bytes_sampling": peak, "bytes_per_n": peak / n,
        "dense_matrix_bytes": dense_bytes, "lambda_max": lam,
        "lambda_max_lapack": lam_lapack, "abs_diff_vs_lapack": abs(lam - lam_lapack),
    }]


def main(argv=None) -> int:
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    if "--blas-threads" in argv:  # must be set before NumPy loads OpenBLAS
        k = argv[argv.index("--blas-threads") + 1]
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = k
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per timing (median)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS/LAPACK threads (default: the library's own choice); on a "
                             "loaded machine 1 avoids thread thrashing in the baselines")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "out" / "bench_spectra.json")
    args = parser.parse_args(argv)
    if args.quick:
        sizes = dict(n_sample=500, n_density=10**5, n_dense=1000, n_tri_all=5000,
                     n_largest=10**6)
    else:
        sizes = dict(n_sample=2000, n_density=10**6, n_dense=4000, n_tri_all=30000,
                     n_largest=10**7)
    rows = []
    rows += bench_sampling(sizes["n_sample"], args.repeats)
    rows += bench_wishart_floor(sizes["n_sample"], 0.5, args.repeats)
    rows += bench_density(sizes["n_density"], sizes["n_dense"], sizes["n_tri_all"], args.repeats)
    rows += bench_largest(sizes["n_largest"], max(1, args.repeats - 2))
    print(f"{'task':48s} {'time':>9s}  {'baseline':58s} {'time':>9s} {'ratio':>7s}  target")
    for r in rows:
        print(f"{r['task']:48s} {r['seconds']:9.4f}  {r['baseline']:58s} "
              f"{r['baseline_seconds']:9.4f} {r['ratio']:7.3f}  {r['target']}"
              f"{'' if r['ok'] else '  (MISSED)'}")
    big = rows[-1]
    print(f"largest eigenvalue: {big['lambda_max']:.12f} (LAPACK {big['lambda_max_lapack']:.12f});"
          f" sampling peak {big['peak_bytes_sampling'] / 2**20:.0f} MiB = "
          f"{big['bytes_per_n']:.0f} bytes per n (a dense matrix would need "
          f"{big['dense_matrix_bytes'] / 2**40:.0f} TiB)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"sizes": sizes, "repeats": args.repeats, "rows": rows,
               "blas_threads": args.blas_threads,
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                           "load_average": os.getloadavg()}}
    args.out.write_text(json.dumps(payload, indent=2, default=float))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

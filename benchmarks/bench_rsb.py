"""Speed of the RSB solvers against plain SciPy baselines (run: python benchmarks/bench_rsb.py).

Targets (issue #18): the 1RSB Hopfield capacity in < 1 s; Parisi's T = 0 SK ground-state
energy to 4 digits in < 60 s on 2 cores. Baselines, measured in the same run on the same job:

* 1RSB alpha_c: bisection on alpha of "does ``scipy.optimize.fsolve`` find a retrieval
  solution of the four 1RSB equations from a fixed start" (the textbook way to locate a fold),
  with the same equations and quadrature;
* Parisi energy: the same discretised functional (same q grid, same field grid) minimised by
  L-BFGS-B with SciPy's finite-difference gradient instead of the adjoint (reverse) sweep.

Writes ``benchmarks/out/bench_rsb.json``. The machine may be shared: medians and the load
average are reported.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _common import print_table, timeit, write_json  # noqa: E402

U0 = -0.763166  # Crisanti & Rizzo 2002; Oppermann, Schmidt & Sherrington 2007


def _alpha_c_bisection():
    """Baseline: bisection on alpha of fsolve's success (alpha parametrisation, fixed start)."""
    from scipy import optimize

    from esorma.replica.rsb import _equations, _valid

    start = np.array([0.97, 0.997, 0.05, 40.0])

    def exists(alpha):
        def fun(p):
            m, q0, c1, mu = p
            if not _valid(alpha, q0, c1, mu) or not 0 < m < 1:
                return np.full(4, 1e3)
            return _equations(m, alpha, q0, c1, mu)

        v, info, _ier, _ = optimize.fsolve(fun, start, full_output=True, xtol=1e-12)
        return np.max(np.abs(info["fvec"])) < 1e-10 and v[0] > 0.9

    lo, hi = 0.13, 0.145
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if exists(mid) else (lo, mid)
    return 0.5 * (lo + hi)


def _parisi_fd(n_levels, dy):
    """Baseline: the same functional, L-BFGS-B with finite-difference gradients."""
    from scipy import optimize

    from esorma.replica.parisi import _Functional, _shape

    fun = _Functional(_shape(0.0, n_levels), 0.0, 0.0, dy)
    qm = 0.5 * (fun.nodes[1:] + fun.nodes[:-1])
    res = optimize.minimize(lambda g: fun.value(g, grad=False)[0], 0.9 / np.sqrt(1 - qm) + 0.3,
                            method="L-BFGS-B", bounds=[(0.0, None)] * n_levels,
                            options={"maxiter": 2000, "ftol": 1e-16, "gtol": 1e-12})
    return -res.fun


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    from esorma.replica import hopfield_1rsb_capacity, parisi_solve
    from esorma.replica.rsb import _branch

    rows, payload = [], {}
    with threadpool_limits(1):
        def cap_cold():
            _branch.cache_clear()
            return hopfield_1rsb_capacity()

        t_cap, ts, cap = timeit(cap_cold, repeats=args.repeats)
        t_bis, tb, a_bis = timeit(_alpha_c_bisection, repeats=1, warmup=0)
        rows.append(["1RSB alpha_c (cold)", f"{t_cap:.3f} s", f"{cap.alpha_c:.7f}",
                     f"bisection+fsolve {t_bis:.2f} s", f"{a_bis:.7f}", "< 1 s"])
        payload["alpha_c"] = {"esorma_s": ts, "value": cap.alpha_c, "baseline_s": tb,
                              "baseline_value": a_bis, "target_s": 1.0}
        for n in (8, 16, 24):
            t_p, tp, sol = timeit(lambda n=n: parisi_solve(0.0, n_levels=n, dy=0.04),
                                  repeats=1 if n > 8 else args.repeats)
            entry = {"esorma_s": tp, "energy": sol.energy, "error": sol.energy - U0}
            base = ""
            if n <= 16:
                t_b, tbs, e_b = timeit(lambda n=n: _parisi_fd(n, 0.04), repeats=1, warmup=0)
                entry.update(baseline_s=tbs, baseline_energy=e_b)
                base = f"FD-gradient L-BFGS-B {t_b:.2f} s"
            else:
                base = "(not run: FD baseline ~n x slower)"
            rows.append([f"Parisi u0, {n} levels", f"{t_p:.2f} s", f"{sol.energy:.7f}", base,
                         f"{entry.get('baseline_energy', float('nan')):.7f}", "< 60 s, 4 digits"])
            payload[f"parisi_{n}"] = entry
    print_table(rows, ["job", "esorma", "value", "baseline", "baseline value", "target"])
    print(f"\nreference u0 = {U0}; load average {os.getloadavg()}")
    write_json("bench_rsb", payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

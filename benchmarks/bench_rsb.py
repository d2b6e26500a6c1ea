"""Speed of the RSB solvers against plain SciPy baselines (run: python benchmarks/bench_rsb.py).

Targets (issue #18): the 1RSB Hopfield capacity in < 1 s; Parisi's T = 0 SK ground-state
energy to 4 digits in < 60 s on 2 cores; the Hopfield 1RSB figure (``hopfield_1rsb_study``
defaults) < 30 s; k-step RSB with k >= 4 not slow. Baselines, measured in the same run on the
same job:

* 1RSB alpha_c: bisection on alpha of "does ``scipy.optimize.fsolve`` find a retrieval
  solution of the four 1RSB equations from a fixed start" (the textbook way to locate a fold),
  with the same equations and quadrature;
* Parisi energy: the same discretised functional (same q grid, same field grid) minimised by
  L-BFGS-B with SciPy's finite-difference gradient instead of the adjoint (reverse) sweep;
* kRSB: the same objective and start, L-BFGS-B with SciPy's finite-difference gradient (what
  ``sk_krsb`` did before) instead of the exact adjoint + complex-step chain rule;
* 1RSB alpha_M(T): the previous algorithm (``fsolve`` per solve, bounded Brent over m for the
  fold, march in T by 0.002) on the same equations, for two temperatures;
* Cole-Hopf step: the serial build against the parallel build (threads = numba default).

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


def _krsb_fd(k):
    """Baseline: sk_krsb's objective with SciPy finite-difference gradients."""
    from scipy import optimize

    from esorma.replica.parisi import _krsb_start, _KRSBObjective

    theta0, bounds = _krsb_start(k, 0.0, 0.0)
    obj = _KRSBObjective(k, 0.0, 0.0, 0.04)
    res = optimize.minimize(obj.value, theta0, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 500, "ftol": 1e-15, "gtol": 1e-10, "eps": 1e-7})
    return -res.fun


def _spinodal_old(Ts):
    """Baseline: the previous alpha_M^1RSB(T) algorithm (fsolve, bounded Brent, T march)."""
    import math

    from scipy import optimize

    from esorma.replica import hopfield_1rsb_capacity
    from esorma.replica.rsb_thermal import _equations_T, _valid_T

    def solve(m, T, v):
        def fun(p):
            return _equations_T(m, *p, T) if _valid_T(*p, T) else np.full(4, 1e3)

        v, info, _ier, _msg = optimize.fsolve(fun, v, full_output=True, xtol=1e-13)
        return v, float(np.max(np.abs(info["fvec"])))

    cap = hopfield_1rsb_capacity()
    m_prev, v = cap.m, np.array([cap.alpha_c, cap.q0, cap.C1, cap.mu])
    out, t_prev = [], 0.0
    for t in Ts:
        if t == 0.0:
            out.append(cap.alpha_c)
            continue
        for tt in np.linspace(t_prev, t, max(1, int(math.ceil((t - t_prev) / 0.002))) + 1)[1:]:
            v, _r = solve(m_prev, float(tt), v)
        cache = {m_prev: v}

        def alpha_of(mm, t=t, cache=cache):
            vv, r = solve(mm, t, cache[min(cache, key=lambda k: abs(k - mm))])
            if r > 1e-10:
                return 0.0
            cache[mm] = vv
            return vv[0]

        fit = optimize.minimize_scalar(lambda mm: -alpha_of(mm), method="bounded",
                                       bounds=(m_prev - 0.01, m_prev + 0.01),
                                       options={"xatol": 1e-6})
        m_prev = float(fit.x)
        v, _r = solve(m_prev, t, cache[min(cache, key=lambda k: abs(k - m_prev))])
        out.append(v[0])
        t_prev = t
    return np.array(out)


def _kernel_rows(rows, payload):
    import numba

    from esorma.replica import _rsb_kernels as kern
    from esorma.replica._parisi_functional import _log_weights

    for dy, s in ((0.04, 0.6), (0.01, 0.5)):
        y = dy * np.arange(-int(12 / dy), int(12 / dy) + 1)
        psi = np.abs(y) + 0.1 * np.cos(y)
        lw, _dlw = _log_weights(s, dy)
        t_s, ts, a = timeit(lambda: kern.step_forward_serial(psi, dy, lw, 1.3), repeats=5)
        t_p, tp, b = timeit(lambda: kern.step_forward_parallel(psi, dy, lw, 1.3), repeats=5)
        cells = y.size * lw.size
        rows.append([f"Cole-Hopf step, {cells / 1e6:.2f}M cells", f"{t_p * 1e3:.2f} ms (par.)",
                     f"identical: {bool(np.array_equal(a, b))}",
                     f"serial {t_s * 1e3:.2f} ms", f"{numba.get_num_threads()} threads",
                     f"parallel used: {kern.use_parallel(y.size, lw.size)}"])
        payload[f"kernel_{cells}"] = {"serial_s": ts, "parallel_s": tp,
                                      "threads": numba.get_num_threads()}


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
        from esorma.replica import parisi_solve as _ps
        from esorma.replica import sk_krsb
        from esorma.replica.rsb import hopfield_1rsb_spinodal
        from esorma.replica.rsb_study import hopfield_1rsb_study

        for k in (2, 4, 6):
            t_k, tk, sol = timeit(lambda k=k: sk_krsb(k, 0.0), repeats=1)
            base, bval, entry = "", float("nan"), {"esorma_s": tk, "energy": sol.energy}
            if k <= 4:
                t_b, tb, bval = timeit(lambda k=k: _krsb_fd(k), repeats=1, warmup=0)
                base = f"FD-gradient L-BFGS-B {t_b:.2f} s"
                entry.update(baseline_s=tb, baseline_energy=bval)
            else:
                base = "(not run)"
            rows.append([f"{k}RSB u0 (T = 0)", f"{t_k:.2f} s", f"{sol.energy:.7f}", base,
                         f"{bval:.7f}", "k >= 4 not slow"])
            payload[f"krsb_{k}"] = entry
        t_n, tn, sol = timeit(lambda: _ps(0.9, n_levels=8), repeats=3)
        rows.append(["Parisi near T_c (tau=0.1), 8 levels", f"{t_n:.2f} s",
                     f"x_max/2q_max={sol.x_max / (2 * sol.q_max):.4f}", "", "", ""])
        payload["near_tc"] = {"esorma_s": tn, "x_max": sol.x_max, "q_max": sol.q_max}
        Ts2 = [0.0, 0.01]
        t_s, tss, line = timeit(lambda: hopfield_1rsb_spinodal(Ts2), repeats=1)
        t_o, tso, old = timeit(lambda: _spinodal_old(Ts2), repeats=1, warmup=0)
        rows.append(["1RSB alpha_M(T), T = 0, 0.01", f"{t_s:.2f} s", f"{line.value[1]:.7f}",
                     f"old fsolve+Brent {t_o:.2f} s", f"{old[1]:.7f}", ""])
        payload["spinodal_2T"] = {"esorma_s": tss, "baseline_s": tso,
                                  "value": line.value.tolist(), "baseline_value": old.tolist()}
        Ts9 = np.round(np.linspace(0, 0.04, 9), 4)
        t_9, t9s, line9 = timeit(lambda: hopfield_1rsb_spinodal(Ts9), repeats=1)
        rows.append(["1RSB alpha_M(T), 9 T in [0, 0.04]", f"{t_9:.2f} s",
                     f"{line9.value.max():.7f}", "(old: minutes)", "", ""])
        payload["spinodal_9T"] = {"esorma_s": t9s, "value": line9.value.tolist()}
        t_h, ths, hop = timeit(hopfield_1rsb_study, repeats=1)
        rows.append(["hopfield_1rsb_study (figure)", f"{t_h:.2f} s",
                     f"merge T {hop.merge_temperature:.4f}", "", "", "< 30 s"])
        payload["hopfield_study"] = {"esorma_s": ths}
        _kernel_rows(rows, payload)
    print_table(rows, ["job", "esorma", "value", "baseline", "baseline value", "target"])
    print(f"\nreference u0 = {U0}; load average {os.getloadavg()}")
    write_json("bench_rsb", payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

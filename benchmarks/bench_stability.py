"""Speed of the maximal Lyapunov exponent of a rate network.

Run: ``python benchmarks/bench_stability.py``.

Target (issue #8): the maximal Lyapunov exponent of an N = 1000 rate network
(``dx/dt = -x + J tanh(g x)``, J Ginibre, g = 1.5) over 1000 time units in under 30 s on
2 cores. Measured in the same run:

* target: ``esorma.stability.max_lyapunov`` (compiled RK4, dt = 0.1, one tangent vector
  renormalised every time unit), 1000 time units, no transient. The kernel has no
  ``fastmath`` (its sums are bitwise the same on any CPU; chaos would amplify a difference)
  and is serial;
* baseline 1: scipy's ``solve_ivp`` (RK45, rtol 1e-6, atol 1e-9) on the variational equations
  (2N unknowns, restarted at every renormalisation) -- run over a SHORTER window
  (``--baseline-time``, default 50 time units) and scaled linearly to 1000;
* baseline 2: the same RK4 written as a NumPy loop (same dt), also over the shorter window and
  scaled.

Both baselines scale linearly in time (fixed work per time unit; solve_ivp's step size is
set by the chaotic dynamics, which are statistically stationary), so the scaling is fair.
Writes ``benchmarks/out/bench_stability.json``. The machine may be shared: medians of
``--repeats`` runs are reported, with the load average.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import print_table, timeit, write_json  # noqa: E402


def numpy_rk4_max_lyapunov(J, gain, x, v, t_max, dt=0.1, tau=1.0):
    """The reference algorithm in plain NumPy (RK4 of state + one tangent vector)."""
    steps = int(round(tau / dt))
    total = 0.0

    def f(x, v):
        p = np.tanh(gain * x)
        return -x + J @ p, -v + J @ (gain * (1 - p * p) * v)

    for _ in range(int(round(t_max / tau))):
        for _ in range(steps):
            k1x, k1v = f(x, v)
            k2x, k2v = f(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v)
            k3x, k3v = f(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v)
            k4x, k4v = f(x + dt * k3x, v + dt * k3v)
            x = x + dt / 6 * (k1x + 2 * k2x + 2 * k3x + k4x)
            v = v + dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
        r = np.linalg.norm(v)
        total += np.log(r)
        v = v / r
    return total / t_max


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--t-max", dest="t_max", type=float, default=1000.0)
    parser.add_argument("--baseline-time", dest="t_base", type=float, default=50.0)
    parser.add_argument("--gain", type=float, default=1.5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from esorma.spectra.ensembles import ginibre
    from esorma.stability import max_lyapunov

    J = ginibre(args.n, rng=0)
    x0 = np.random.default_rng(1).standard_normal(args.n)
    scale = args.t_max / args.t_base
    # Warm-up compiles (or loads from the cache) the kernel.
    max_lyapunov(J, gain=args.gain, t_max=2, t_transient=0, x0=x0, rng=0)

    print(f"N={args.n}, g={args.gain}, T={args.t_max:g}; baselines over T={args.t_base:g} "
          f"scaled x{scale:g}; medians of {args.repeats}")
    cpu0 = time.process_time()
    t_target, times_target, res = timeit(
        lambda: max_lyapunov(J, gain=args.gain, t_max=args.t_max, t_transient=0, x0=x0, rng=0),
        repeats=args.repeats, warmup=0)
    # CPU seconds per run (all threads): on a busy shared machine wall time includes waiting
    # for a core; CPU time is what the run would cost on an idle one (up to threading).
    cpu_target = (time.process_time() - cpu0) / args.repeats
    print(f"  target done: {t_target:.2f} s wall (median), {cpu_target:.2f} CPU s per run, "
          f"lambda_max = {res.maximal:+.4f} +- {res.stderr[0]:.4f}", flush=True)
    t_ivp, times_ivp, res_ivp = timeit(
        lambda: max_lyapunov(J, gain=args.gain, t_max=args.t_base, t_transient=0, x0=x0, rng=0,
                             solver="solve_ivp"),
        repeats=args.repeats, warmup=0)
    print(f"  solve_ivp baseline done: {t_ivp:.2f} s for T={args.t_base:g}", flush=True)
    v0 = np.random.default_rng(2).standard_normal(args.n)
    v0 /= np.linalg.norm(v0)
    t_np, times_np, lam_np = timeit(
        lambda: numpy_rk4_max_lyapunov(J, args.gain, x0.copy(), v0.copy(), args.t_base),
        repeats=args.repeats, warmup=0)
    print(f"  numpy RK4 baseline done: {t_np:.2f} s for T={args.t_base:g}")

    # Accuracy cross-check on the shorter window: the compiled RK4 and solve_ivp follow the
    # same trajectory (same x0, same tangent vector) so their finite-time exponents agree.
    short = max_lyapunov(J, gain=args.gain, t_max=args.t_base, t_transient=0, x0=x0, rng=0)
    rows = [
        ["esorma max_lyapunov (numba RK4)", f"{args.t_max:g}", f"{t_target:.2f}",
         f"{t_target:.2f}", "1.0", f"{res.maximal:+.4f}"],
        ["scipy solve_ivp RK45 + variational", f"{args.t_base:g}", f"{t_ivp:.2f}",
         f"{t_ivp * scale:.1f}", f"{t_ivp * scale / t_target:.1f}",
         f"{res_ivp.maximal:+.4f} (T={args.t_base:g}; RK4 {short.maximal:+.4f})"],
        ["numpy RK4 loop", f"{args.t_base:g}", f"{t_np:.2f}", f"{t_np * scale:.1f}",
         f"{t_np * scale / t_target:.1f}",
         f"{lam_np:+.4f} (T={args.t_base:g}, other tangent start)"],
    ]
    print()
    print_table(rows, ["method", "T run", "median s", f"s for T={args.t_max:g}",
                       "ratio vs target", "lambda_max"])
    ok = t_target < 30.0
    print(f"\ntarget < 30 s: {'PASS' if ok else 'FAIL'} ({t_target:.2f} s wall, "
          f"{cpu_target:.2f} CPU s); "
          f"speed-up vs solve_ivp: {t_ivp * scale / t_target:.1f}x")
    write_json("bench_stability", {
        "n": args.n, "gain": args.gain, "t_max": args.t_max, "baseline_time": args.t_base,
        "target_seconds_median": t_target, "target_seconds_all": times_target,
        "target_cpu_seconds_per_run": cpu_target,
        "target_lambda_max": res.maximal, "target_stderr": float(res.stderr[0]),
        "solve_ivp_seconds_median": t_ivp, "solve_ivp_seconds_all": times_ivp,
        "solve_ivp_scaled_seconds": t_ivp * scale, "ratio_solve_ivp": t_ivp * scale / t_target,
        "numpy_rk4_seconds_median": t_np, "numpy_rk4_scaled_seconds": t_np * scale,
        "ratio_numpy_rk4": t_np * scale / t_target,
        "short_window_lambda_rk4": short.maximal, "short_window_lambda_solve_ivp": res_ivp.maximal,
        "target_met": ok, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of the replica solvers against naive baselines (run: python benchmarks/bench_replica.py).

Targets (issue #3): the whole AGS phase diagram (three lines x 200 points) in < 10 s and the
capacity α_c in < 0.1 s. Baselines, measured in the same run:

* α_c: bisection on α of the T = 0 fixed-point iteration (m, C, r) with the Gaussian averages
  done by ``scipy.integrate.quad`` (the textbook approach; it also shows the accuracy lost to
  critical slowing down at the fold);
* phase diagram: per temperature, bisection on α of the finite-T fixed-point iteration with
  quad averages (measured on a few temperatures, reported per point and extrapolated to 600);
* one Gaussian average: the compiled kernel vs ``gaussian_moments_quad``.

Writes ``benchmarks/out/bench_replica.json``. The machine may be shared: medians are reported.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out" / "bench_replica.json"


def _median_time(fn, repeats):
    times = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _quad_avg(f, mu, sigma):
    from scipy import integrate

    g = lambda z: f(mu + sigma * z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa
    return integrate.quad(g, -12, 12, points=[-mu / sigma] if abs(mu / sigma) < 12 else None,
                          limit=200)[0]


def _naive_retrieves_T0(alpha, n_iter=400):
    """Fixed-point iteration of the T = 0 equations from m = 1; True if m stays > 0.5."""
    m, C = 1.0, 0.0
    for _ in range(n_iter):
        r = 1.0 / (1.0 - C) ** 2
        s = math.sqrt(alpha * r)
        C = math.sqrt(2 / math.pi) / s * math.exp(-m * m / (2 * s * s))
        m = _quad_avg(lambda u: math.copysign(1.0, u), m, s)  # <sign(u)> by quadrature
        if m < 0.5:
            return False
    return True


def naive_capacity(steps=20):
    lo, hi = 0.10, 0.16
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if _naive_retrieves_T0(mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _naive_retrieves(alpha, T, n_iter=150):
    m, q = 1.0, 1.0
    for _ in range(n_iter):
        C = (1 - q) / T
        if C >= 1:
            return False
        r = q / (1 - C) ** 2
        s = math.sqrt(alpha * r)
        m_new = _quad_avg(lambda u: math.tanh(u / T), m, s)
        q = _quad_avg(lambda u: math.tanh(u / T) ** 2, m, s)
        m = m_new
        if m < 0.05:
            return False
    return True


def naive_spinodal(T, steps=14):
    lo, hi = 0.0, 0.15
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if _naive_retrieves(mid, T):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _clear_caches():
    from esorma.replica import ags

    ags._fold.cache_clear()
    ags._first_order.cache_clear()
    ags._sg_sigma_min.cache_clear()
    ags._capacity_t0.cache_clear()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the phase diagram")
    parser.add_argument("--quick", action="store_true", help="fewer repeats / baseline points")
    args = parser.parse_args(argv)
    from esorma.replica import ags, ags_capacity_closed_form, phase_diagram
    from esorma.replica._gauss import gaussian_moments, gaussian_moments_quad

    gaussian_moments(0.1, 0.2, 0.3)  # compile / load the cache outside the timings
    rows = []

    # 1) capacity
    t_cap, cap = _median_time(ags._capacity_t0.__wrapped__, 21)
    a_ref = ags_capacity_closed_form()[0]
    t_naive, a_naive = _median_time(lambda: naive_capacity(16 if args.quick else 20), 1)
    rows.append(dict(task="alpha_c (T=0)", target_s=0.1, esorma_s=t_cap, baseline_s=t_naive,
                     ratio=t_naive / t_cap, esorma_value=cap.alpha_c, baseline_value=a_naive,
                     esorma_error=abs(cap.alpha_c - a_ref), baseline_error=abs(a_naive - a_ref)))

    # 2) phase diagram, 3 lines x 200 points (caches cleared before each repeat)
    def pd_run():
        _clear_caches()
        return phase_diagram(n_points=200)

    t_pd, pd = _median_time(pd_run, 1 if args.quick else args.repeats)
    T_base = [0.2, 0.5] if not args.quick else [0.5]
    t0 = time.perf_counter()
    base_vals = [naive_spinodal(T) for T in T_base]
    t_base_pt = (time.perf_counter() - t0) / len(T_base)
    esorma_vals = [ags._fold(T)[1] for T in T_base]
    rows.append(dict(task="phase diagram (3 x 200 points)", target_s=10.0, esorma_s=t_pd,
                     baseline_s=t_base_pt * 600,
                     baseline_note=f"naive per point {t_base_pt:.2f} s "
                     f"measured on T={T_base}, x 600 points (extrapolated)",
                     ratio=t_base_pt * 600 / t_pd,
                     esorma_alpha_M=esorma_vals, baseline_alpha_M=base_vals,
                     all_converged=pd.summary()["all_converged"]))

    # 3) one set of Gaussian averages at low T
    args_g = (0.01, 0.9, 0.3)
    n = 2000
    t_k, _ = _median_time(lambda: [gaussian_moments(*args_g) for _ in range(n)], 5)
    t_q, _ = _median_time(lambda: gaussian_moments_quad(*args_g), 3)
    rows.append(dict(task="Gaussian averages (6 moments, T=0.01)", target_s=None,
                     esorma_s=t_k / n, baseline_s=t_q, ratio=t_q / (t_k / n)))

    print(f"{'task':<40} {'target':>8} {'esorma':>10} {'baseline':>10} {'ratio':>8}")
    for r in rows:
        tgt = "-" if r["target_s"] is None else f"{r['target_s']:.2g} s"
        print(f"{r['task']:<40} {tgt:>8} {r['esorma_s']:>9.4g}s {r['baseline_s']:>9.4g}s "
              f"{r['ratio']:>7.0f}x")
    print(f"alpha_c: esorma {rows[0]['esorma_value']:.12f} (error {rows[0]['esorma_error']:.1e}),"
          f" naive bisection {rows[0]['baseline_value']:.8f} "
          f"(error {rows[0]['baseline_error']:.1e})")
    print(f"alpha_M(T={T_base}): esorma {np.round(esorma_vals, 8).tolist()}, "
          f"naive {np.round(base_vals, 5).tolist()}")
    from esorma.io import package_versions

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"rows": rows, "versions": package_versions(),
                               "loadavg": os.getloadavg()}, indent=2,
                              default=float))
    print(f"wrote {OUT}")
    ok = rows[0]["esorma_s"] < 0.1 and rows[1]["esorma_s"] < 10.0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

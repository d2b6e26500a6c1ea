"""Beyond replica symmetry: the SK ground-state energy and the Hopfield capacity with RSB.

1. SK at T = 0: the RS energy -sqrt(2/pi), k-step RSB (k = 1..3), Parisi's full solution
   (24 levels, with the |u_n - u_{n/2}| error estimate) and the exact ground-state energies of
   random instances (``enumerate_fixed_points``), averaged and extrapolated in N^(-2/3)
   (:func:`esorma.replica.sk_rsb_study`).
2. Hopfield: the 1RSB retrieval overlap m(alpha) at T = 0 next to RS, the capacities
   alpha_c^RS = 0.1379056, alpha_c^1RSB = 0.138186 (Steffan & Kuehn 1994), the 1RSB saddle
   point (m, q0, q1, x) on an (alpha, T) grid, and the retrieval line T_M(alpha) over its whole
   range with RS and 1RSB on one figure (1RSB merges with RS at the retrieval AT temperature,
   ~0.021 at the fold; above it the two lines coincide) (:func:`hopfield_1rsb_study`, ~15 s).

Writes ``<out>/sk_rsb.h5`` (:class:`esorma.replica.SKRSBStudy`), ``<out>/hopfield_1rsb.h5``
(:class:`esorma.replica.rsb_study.Hopfield1RSBStudy`) and the figures ``sk_rsb.png``,
``hopfield_1rsb.png``.
``--quick``: k <= 2, 12 levels, N = 8..20, 50 instances, a 4 x 4 Hopfield grid (~30 s).
Default: k <= 4, 24 levels, N = 8..28, 300 instances (~2-3 min). ``--full``: k <= 6, N up to
36 and 500 instances (long: 2^N).

Usage: ``python experiments/rsb.py [--quick | --full] [--out DIR] [--seed S]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def settings(quick: bool, full: bool) -> dict:
    if quick:
        return dict(k_max=2, n_levels=12, sizes=[8, 12, 16, 20], n_instances=50, n_alpha=8,
                    grid_alphas=[0.131, 0.136, 0.1375, 0.1381],
                    grid_temperatures=[0.0, 0.01, 0.02, 0.03])
    if full:
        return dict(k_max=6, n_levels=32, sizes=[12, 16, 20, 24, 28, 32, 36], n_instances=500,
                    n_alpha=20, grid_alphas=np.round(np.linspace(0.126, 0.1381, 14), 6).tolist(),
                    grid_temperatures=np.round(np.linspace(0, 0.03, 13), 6).tolist())
    return dict(k_max=4, n_levels=24, sizes=[8, 12, 16, 20, 24, 28], n_instances=300,
                n_alpha=16, grid_alphas=[0.128, 0.131, 0.134, 0.136, 0.137, 0.1375, 0.138,
                                         0.1381],
                grid_temperatures=[0.0, 0.005, 0.01, 0.015, 0.02, 0.025])


def compute(quick: bool, full: bool, seed: int, log=print):
    from esorma.replica import sk_rsb_study
    from esorma.replica.rsb_study import hopfield_1rsb_study

    config = settings(quick, full)
    t0 = time.perf_counter()
    study = sk_rsb_study(k_max=config["k_max"], n_levels=config["n_levels"],
                         sizes=config["sizes"], n_instances=config["n_instances"], rng=seed,
                         callback=lambda stage, v: log(f"  {stage:>8}: {v:.6f} "
                                                       f"({time.perf_counter() - t0:.1f} s)"))
    log(f"SK T=0: RS {study.rs_energy:.6f}; " + ", ".join(
        f"{int(k)}RSB {e:.6f}" for k, e in zip(study.ks, study.krsb_energies))
        + f"; Parisi {study.parisi_energy:.6f} +- {study.parisi_error:.1e}; exact N->inf "
          f"{study.extrapolated:.4f} +- {study.extrapolated_error:.4f}")
    hop = hopfield_1rsb_study(grid_alphas=config["grid_alphas"],
                              grid_temperatures=config["grid_temperatures"],
                              n_alpha=config["n_alpha"])
    cap = hop.capacity
    log(f"Hopfield T=0: alpha_c RS {cap.rs_alpha_c:.7f}, 1RSB {cap.alpha_c:.7f} "
        f"(m = {cap.m:.5f})")
    g = hop.grid
    log("alpha_M(T), 1RSB: " + ", ".join(
        f"T={t:g}: {a:.6f}{'' if k else ' (= RS)'}"
        for t, a, k in zip(g.temperatures, g.alpha_M, g.alpha_M_is_1rsb)))
    log(f"  1RSB merges with RS at the fold near T = {hop.merge_temperature:.4f}; merge loads "
        "alpha_AT(T): " + ", ".join(f"T={t:g}: {a:.4f}" for t, a in
                                    zip(g.temperatures, g.alpha_AT) if np.isfinite(a))
        + f" ({hop.seconds:.1f} s)")
    return study, hop, {"quick": quick, "full": full, **config}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small run (~30 s)")
    mode.add_argument("--full", action="store_true", help="N up to 36, 500 instances (long)")
    parser.add_argument("--seed", type=int, default=1979, help="random seed (default 1979)")
    parser.add_argument("--out", type=Path, default=Path("results/rsb"),
                        help="output folder (default results/rsb)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.replica import draw_hopfield_1rsb, draw_sk_rsb

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    study, hop, config = compute(args.quick, args.full, args.seed)
    written = [
        save_result(args.out / "sk_rsb.h5", study, config=config, seed=args.seed),
        save_result(args.out / "hopfield_1rsb.h5", hop, config=config),
        save_figure(draw_sk_rsb(study), args.out / "sk_rsb.png"),
        save_figure(draw_hopfield_1rsb(hop), args.out / "hopfield_1rsb.png"),
    ]
    print("\n".join(f"wrote {p}" for p in written) + f"\n({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

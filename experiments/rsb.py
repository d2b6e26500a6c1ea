"""Beyond replica symmetry: the SK ground-state energy and the Hopfield capacity with RSB.

1. SK at T = 0: the RS energy -sqrt(2/pi), k-step RSB (k = 1..3), Parisi's full solution
   (24 levels, with the |u_n - u_{n/2}| error estimate) and the exact ground-state energies of
   random instances (``enumerate_fixed_points``), averaged and extrapolated in N^(-2/3)
   (:func:`esorma.replica.sk_rsb_study`).
2. Hopfield: the 1RSB retrieval overlap m(alpha) at T = 0 next to RS, the capacities
   alpha_c^RS = 0.1379056, alpha_c^1RSB = 0.138186 (Steffan & Kuehn 1994), and the retrieval
   line T_M(alpha) near alpha_c with RS and 1RSB on one figure (1RSB merges with RS at the
   retrieval AT temperature, ~0.025).

Writes ``<out>/sk_rsb.h5`` (:class:`esorma.replica.SKRSBStudy`), ``<out>/hopfield_1rsb.h5``
(the m(alpha) :class:`esorma.replica.LineResult`), ``<out>/hopfield_1rsb_capacity.h5``,
``<out>/hopfield_1rsb_spinodal.h5`` (alpha_M(T), a LineResult) and the
figures ``sk_rsb.png``, ``hopfield_1rsb.png``.
``--quick``: k <= 2, 12 levels, N = 8..20, 50 instances (~30 s). Default: k <= 3, 24 levels,
N = 8..28, 300 instances (~2-3 min). ``--full``: N up to 36 and 500 instances (long: 2^N).

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
                    temperatures=[0.0, 0.01, 0.02, 0.03])
    if full:
        return dict(k_max=3, n_levels=32, sizes=[12, 16, 20, 24, 28, 32, 36], n_instances=500,
                    n_alpha=20, temperatures=np.round(np.linspace(0, 0.05, 21), 6).tolist())
    return dict(k_max=3, n_levels=24, sizes=[8, 12, 16, 20, 24, 28], n_instances=300,
                n_alpha=16, temperatures=np.round(np.linspace(0, 0.04, 9), 6).tolist())


def compute(quick: bool, full: bool, seed: int, log=print):
    from esorma.replica import (
        hopfield_1rsb_capacity,
        hopfield_1rsb_overlap,
        hopfield_1rsb_spinodal,
        sk_rsb_study,
    )

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
    cap = hopfield_1rsb_capacity()
    alphas = np.linspace(0.127, cap.alpha_c, config["n_alpha"])
    line = hopfield_1rsb_overlap(alphas)
    log(f"Hopfield T=0: alpha_c RS {cap.rs_alpha_c:.7f}, 1RSB {cap.alpha_c:.7f} "
        f"(m = {cap.m:.5f}, {cap.seconds:.2f} s)")
    spin = hopfield_1rsb_spinodal(config["temperatures"])
    log("alpha_M(T), 1RSB: " + ", ".join(f"T={t:g}: {a:.6f}"
                                         for t, a in zip(spin.argument, spin.value)))
    log(f"  ({spin.method})")
    return study, cap, line, spin, {"quick": quick, "full": full, **config}


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
    study, cap, line, spin, config = compute(args.quick, args.full, args.seed)
    written = [
        save_result(args.out / "sk_rsb.h5", study, config=config, seed=args.seed),
        save_result(args.out / "hopfield_1rsb.h5", line, config=config),
        save_result(args.out / "hopfield_1rsb_capacity.h5", cap, config=config),
        save_result(args.out / "hopfield_1rsb_spinodal.h5", spin, config=config),
        save_figure(draw_sk_rsb(study), args.out / "sk_rsb.png"),
        save_figure(draw_hopfield_1rsb(line, cap, spin), args.out / "hopfield_1rsb.png"),
    ]
    print("\n".join(f"wrote {p}" for p in written) + f"\n({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Capacity of dense associative memories against the theory (issue 21).

Error-free retrieval for F = x^2, x^3, x^4 (Krotov & Hopfield 2016) and F = e^x (Demircigil et
al. 2017); P_max(N) at the 1/2 crossing, fitted exponents with error bars, one figure; plus the
attractor landscape against n and the continuous model's β transition.

Run: ``python experiments/dense_capacity.py [--quick] [--seed 0] [--out-dir results/dense]
[--models poly3] [--checkpoint FILE.h5]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SIZES = {"poly2": [100, 200, 400, 800], "poly3": [50, 100, 200, 400],
         "poly4": [30, 50, 80, 120], "exp": [12, 16, 20, 24, 28]}
QUICK = {"poly2": [50, 100, 200], "poly3": [50, 100, 200], "poly4": [30, 50],
         "exp": [12, 16, 20]}
LOADS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0]


def main(argv=None) -> int:
    from esorma.dense import (
        DenseCapacityConfig,
        continuous_study,
        dense_capacity_study,
        landscape_study,
    )
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.dense import capacity_figure, continuous_figure, landscape_figure

    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", nargs="+", default=None)
    ap.add_argument("--networks", type=int, default=2)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--checkpoint", default=None, help="resumable sweep file")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--skip-extras", action="store_true",
                    help="only the capacity sweep (no landscape, no continuous model)")
    ap.add_argument("--out-dir", type=Path, default=Path("results/dense"))
    args = ap.parse_args(argv)
    table = QUICK if args.quick else SIZES
    models = args.models or list(table)
    cfg = DenseCapacityConfig({m: table[m] for m in models}, loads=LOADS,
                              n_networks=args.networks, n_probes=args.probes)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rep = dense_capacity_study(cfg, seed=args.seed, checkpoint=args.checkpoint,
                               workers=args.workers, progress=True)
    print("\n".join(rep.text()))
    print(f"capacity sweep: {time.perf_counter() - t0:.1f} s")
    save_result(args.out_dir / "dense_capacity.h5", rep, config=cfg.to_dict(), seed=args.seed)
    save_figure(capacity_figure(rep), args.out_dir / "dense_capacity.png")
    if not args.skip_extras:
        ls = landscape_study(14 if args.quick else 18, 6, rng=args.seed)
        print("\n".join(ls.text()))
        save_result(args.out_dir / "dense_landscape.h5", ls, seed=args.seed)
        save_figure(landscape_figure(ls), args.out_dir / "dense_landscape.png")
        cs = continuous_study(rng=args.seed)
        print("\n".join(cs.text()))
        save_result(args.out_dir / "dense_continuous.h5", cs, seed=args.seed)
        save_figure(continuous_figure(cs), args.out_dir / "dense_continuous.png")
    print(f"wrote {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

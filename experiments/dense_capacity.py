"""Capacity of dense associative memories against the theory.

Error-free retrieval for F = x^2, x^3, x^4 (Krotov & Hopfield 2016) and F = e^x (Demircigil et
al. 2017); P_max(N) at the 1/2 crossing, fitted exponents with error bars, one figure; plus the
attractor landscape against n and the continuous model's β transition.

The exponential model gets its own sweep (``dense_exp_rate.h5/.png``): starts with a fraction
``--exp-corruption`` (default 0.2) of flipped spins, N = 20..50, the P grid centred on the
finite-N nearest-pattern prediction, and the fitted rate of ln P_max against N compared with
the typical-pattern rate I(1 − 2ρ) and Demircigil et al.'s all-pattern rate I(1 − 2ρ)/2.

Run: ``python experiments/dense_capacity.py [--quick] [--seed 0] [--out-dir results/dense]
[--models poly3] [--only poly|exp] [--checkpoint FILE.h5]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SIZES = {"poly2": [100, 200, 400, 800], "poly3": [50, 100, 200, 400],
         "poly4": [30, 50, 80, 120]}
QUICK = {"poly2": [50, 100, 200], "poly3": [50, 100, 200], "poly4": [30, 50]}
LOADS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0]
# exponential model: N multiple of 5 (so that 0.2 N spins are flipped exactly)
EXP_SIZES = [20, 25, 30, 35, 40, 45, 50]
EXP_QUICK = [20, 25, 30, 35]
EXP_LOADS = [0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.75, 1.0, 1.5]


def exp_rate_config(quick: bool, corruption: float = 0.2, networks: int = 4, probes: int = 50):
    """The exponential model's rate sweep (a :class:`esorma.dense.DenseCapacityConfig`)."""
    from esorma.dense import DenseCapacityConfig

    return DenseCapacityConfig({"exp": EXP_QUICK if quick else EXP_SIZES}, loads=EXP_LOADS,
                               n_networks=2 if quick else networks,
                               n_probes=25 if quick else probes, corruption=corruption,
                               scale="finite")


def main(argv=None) -> int:
    from esorma.dense import (
        DenseCapacityConfig,
        continuous_study,
        dense_capacity_study,
        landscape_study,
    )
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.dense import (
        capacity_figure,
        continuous_figure,
        exp_rate_figure,
        landscape_figure,
    )

    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", nargs="+", default=None)
    ap.add_argument("--networks", type=int, default=2)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--checkpoint", default=None, help="resumable sweep file (polynomials)")
    ap.add_argument("--exp-checkpoint", default=None, help="resumable sweep file (exp rate)")
    ap.add_argument("--exp-corruption", type=float, default=0.2)
    ap.add_argument("--only", choices=("poly", "exp"), default=None,
                    help="run only the polynomial sweep or only the exponential rate sweep")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--skip-extras", action="store_true",
                    help="only the capacity sweep (no landscape, no continuous model)")
    ap.add_argument("--out-dir", type=Path, default=Path("results/dense"))
    args = ap.parse_args(argv)
    table = QUICK if args.quick else SIZES
    models = args.models or list(table)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.only != "exp":
        cfg = DenseCapacityConfig({m: table[m] for m in models}, loads=LOADS,
                                  n_networks=args.networks, n_probes=args.probes)
        t0 = time.perf_counter()
        rep = dense_capacity_study(cfg, seed=args.seed, checkpoint=args.checkpoint,
                                   workers=args.workers, progress=True)
        print("\n".join(rep.text()))
        print(f"capacity sweep: {time.perf_counter() - t0:.1f} s")
        save_result(args.out_dir / "dense_capacity.h5", rep, config=cfg.to_dict(),
                    seed=args.seed)
        save_figure(capacity_figure(rep), args.out_dir / "dense_capacity.png")
    if args.only != "poly":
        ecfg = exp_rate_config(args.quick, args.exp_corruption)
        t0 = time.perf_counter()
        erep = dense_capacity_study(ecfg, seed=args.seed, checkpoint=args.exp_checkpoint,
                                    workers=args.workers, progress=True)
        print("\n".join(erep.text()))
        print(f"exp rate sweep: {time.perf_counter() - t0:.1f} s")
        save_result(args.out_dir / "dense_exp_rate.h5", erep, config=ecfg.to_dict(),
                    seed=args.seed)
        save_figure(exp_rate_figure(erep), args.out_dir / "dense_exp_rate.png")
    if not args.skip_extras and args.only is None:
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

"""Second order against first order: saddle-free Newton, gradient descent and Adam.

For each task (XOR, 6-multiplexer, a threshold rule on real inputs) and seed, the same initial
sigmoid MLP is trained by full-batch gradient descent, Adam and the saddle-free damped Newton
method (exact Hessian, eigenvalues replaced by their absolute values) until the training loss
falls below a common target (:func:`esorma.bridge.optimizers_study.optimizers_study`).
Reported: median epochs and wall time to the target with 95 % bootstrap CIs, the per-seed
ratio to gradient descent, and the fraction of runs that reached the target.

Usage: ``python experiments/optimizers.py [--quick] [--seed S] [--out DIR]``; writes
``optimizers_points.h5`` (resumable sweep), ``optimizers.h5`` (an
:class:`~esorma.bridge.optimizers_study.OptimizersStudy`) and ``optimizers.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds per task (seconds)")
    parser.add_argument("--seed", type=int, default=0, help="study seed (default 0)")
    parser.add_argument("--target-loss", type=float, default=0.05,
                        help="common training loss to reach (default 0.05 nats)")
    parser.add_argument("--out", type=Path, default=Path("results/optimizers"), metavar="DIR",
                        help="output folder")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.bridge.optimizers_study import optimizers_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge_studies import draw_optimizers_study

    n_seeds = 3 if args.quick else 20
    args.out.mkdir(parents=True, exist_ok=True)
    tag = "_quick" if args.quick else ""
    study = optimizers_study(n_seeds=n_seeds, target_loss=args.target_loss, n_epochs=20_000,
                             checkpoint=args.out / f"optimizers_points{tag}.h5",
                             progress=True, seed=args.seed)
    h5 = save_result(args.out / f"optimizers{tag}.h5", study, config=study.config,
                     seed=args.seed)
    png = save_figure(draw_optimizers_study(study), args.out / f"optimizers{tag}.png")
    print(json.dumps(study.summary(), indent=1))
    print(f"{study.n_computed} points computed, {study.n_skipped} resumed, "
          f"{study.total_seconds:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Continued learning on a stream of new tasks: does a saturating network stop learning?

A sigmoid, a tanh and a ReLU MLP (same width, same learning rate, same initial draws and the
same stream per seed) are trained by full-batch gradient descent on a stream of threshold-rule
tasks on real inputs (new thresholds, a random rule and a new relevant pair of inputs per
stage), each stage starting from the weights the previous one ended with. Per stage: the
mean training loss paid while learning the new task, the held-out loss after it, and the
saturated (dead, for ReLU) fraction of hidden units; means with 95 % bootstrap CIs over seeds
(:func:`esorma.bridge.continual.continual_study`).

Usage: ``python experiments/continual_learning.py [--quick] [--seed S] [--out DIR]``; writes
``continual_points.h5`` (the resumable sweep: rerun after a kill to continue),
``continual_learning.h5`` (a :class:`~esorma.bridge.continual.ContinualStudy`) and
``continual_learning.png`` in ``DIR``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 seeds, 3 stages (seconds)")
    parser.add_argument("--seed", type=int, default=0, help="study seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("results/continual_learning"),
                        metavar="DIR", help="output folder")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.bridge.continual import continual_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge_studies import draw_continual_study

    if args.quick:
        kw = dict(n_stages=3, n_seeds=4, epochs_per_stage=300)
    else:
        kw = dict(n_stages=8, n_seeds=20, epochs_per_stage=2000)
    kw.update(activations=("sigmoid", "tanh", "relu"), hidden=(16,), learning_rate=0.5)
    args.out.mkdir(parents=True, exist_ok=True)
    ck = args.out / ("continual_points_quick.h5" if args.quick else "continual_points.h5")
    study = continual_study(**kw, checkpoint=ck, progress=True, seed=args.seed)
    h5 = save_result(args.out / "continual_learning.h5", study, config=study.config,
                     seed=args.seed)
    png = save_figure(draw_continual_study(study), args.out / "continual_learning.png")
    print(json.dumps(study.summary(), indent=1))
    print(f"{study.n_computed} seeds computed, {study.n_skipped} resumed, {study.seconds:.1f} s;"
          f" wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A faster start: the linear phase of training jumped in closed form, then gradient descent.

For each task (XOR, 6-multiplexer, a threshold rule on real inputs) and seed, a sigmoid MLP from
a small initialisation is trained by plain full-batch gradient descent, and, from the same
initial weights, by the closed-form solution of the linearised gradient-descent dynamics
(jumped to the last epoch at which the linearisation error of the gradient is <= 0.1) followed
by gradient descent (:func:`esorma.bridge.fast_start.fast_start_study`). Reported: median ratio
(fast / plain) of epochs and wall time to zero training error and to the saturated phase, with
95 % bootstrap CIs; the epochs the jump covers.

Usage: ``python experiments/fast_start.py [--quick] [--seed S] [--out DIR]
[--init-scale S] [--learning-rate-scale F]``; writes ``fast_start_points.h5`` (resumable sweep),
``fast_start.h5`` (a :class:`~esorma.bridge.fast_start.FastStartStudy`) and ``fast_start.png``.
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
    parser.add_argument("--init-scale", type=float, default=0.1,
                        help="initial weight scale (default 0.1)")
    parser.add_argument("--learning-rate-scale", type=float, default=1.0,
                        help="multiply every task's learning rate (default 1)")
    parser.add_argument("--out", type=Path, default=Path("results/fast_start"), metavar="DIR",
                        help="output folder")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.bridge.fast_start import fast_start_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge_studies import draw_fast_start_study

    n_seeds, n_epochs = (3, 20_000) if args.quick else (20, 40_000)
    n_epochs = int(n_epochs / min(args.learning_rate_scale, 1.0))
    args.out.mkdir(parents=True, exist_ok=True)
    tag = ("_quick" if args.quick else "") + (
        f"_lr{args.learning_rate_scale:g}" if args.learning_rate_scale != 1.0 else "")
    study = fast_start_study(n_seeds=n_seeds, n_epochs=n_epochs, init_scale=args.init_scale,
                             learning_rate_scale=args.learning_rate_scale,
                             checkpoint=args.out / f"fast_start_points{tag}.h5",
                             progress=True, seed=args.seed)
    h5 = save_result(args.out / f"fast_start{tag}.h5", study, config=study.config,
                     seed=args.seed)
    png = save_figure(draw_fast_start_study(study), args.out / f"fast_start{tag}.png")
    print(json.dumps(study.summary(), indent=1))
    print(f"{study.n_computed} points computed, {study.n_skipped} resumed, "
          f"{study.seconds:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

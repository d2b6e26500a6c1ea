"""Real-valued inputs read as logic: a saturated first layer turns R^n into threshold bits.

For each threshold rule (AND, OR, XOR of two bits ``[x_i > t_i]`` on uniform real inputs with a
distractor input) and seed, a sigmoid MLP is trained by gradient descent until it meets the
saturated stop rule, then as long again; its first layer is read as threshold features
(half-spaces), the rest as a formula over them, and the formula is checked against the network
and the target on fresh samples (:func:`esorma.bridge.threshold_features.threshold_reading_study`).

Usage: ``python experiments/real_inputs.py [--quick] [--seed S] [--out DIR]``; writes
``real_inputs_points.h5`` (resumable sweep), ``real_inputs.h5`` and ``real_inputs.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds per rule (seconds)")
    parser.add_argument("--seed", type=int, default=0, help="study seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("results/real_inputs"), metavar="DIR",
                        help="output folder")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.bridge.threshold_features import threshold_reading_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge_studies import draw_threshold_reading_study

    n_seeds = 3 if args.quick else 20
    args.out.mkdir(parents=True, exist_ok=True)
    tag = "_quick" if args.quick else ""
    study = threshold_reading_study(n_seeds=n_seeds,
                                    checkpoint=args.out / f"real_inputs_points{tag}.h5",
                                    progress=True, seed=args.seed)
    h5 = save_result(args.out / f"real_inputs{tag}.h5", study, config=study.config,
                     seed=args.seed)
    png = save_figure(draw_threshold_reading_study(study), args.out / f"real_inputs{tag}.png")
    print(json.dumps(study.summary(), indent=1))
    print(f"{study.n_computed} points computed, {study.n_skipped} resumed, "
          f"{study.seconds:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

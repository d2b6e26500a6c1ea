"""Do early Lyapunov exponents or covariant Lyapunov vectors of training predict the final loss?

After Sharafi, Martin & Hallerberg (2024), "On the weight dynamics of learning networks",
arXiv:2405.00743. For each setting -- task (``teacher``: regression on a random tanh teacher
network with noise 0.1; ``parity``: 5-bit parity with ±1 targets) x hidden activation (tanh,
ReLU) x learning rate (0.3, 1.5) -- 200 three-layer networks are trained by full-batch gradient
descent on the MSE loss for 4000 steps, each from its own random initial weights
(:func:`esorma.training.prediction.prediction_study`, size ``full``). In the first 10 windows
of 30 steps each run gives its 3 leading FTLEs, CLV angles and alignments, and the naive
baseline ln loss(t). The table gives, per setting and window, Spearman's rho with ln(final
loss) with a 95 % bootstrap interval (2000 resamples) and the out-of-sample R² (ridge,
5-fold cross-validation, mean ± sd over 5 partitions) of each feature family. Diverged runs
are counted and left out.

What the data show (seed 0, the full size; the figure and table of this script). The naive
baseline, ln loss(t), is the best single predictor wherever anything predicts: its R² reaches
0.85 (teacher, ReLU, lr 1.5, step 300), 0.39 (parity, ReLU, lr 0.3) and 0.38 (parity, ReLU,
lr 1.5). The leading FTLE's rho with ln(final loss) is small (|rho| <= 0.26 except +0.45
[+0.25, +0.61] at step 60 for parity, tanh, lr 1.5, where 146 of 200 runs diverged; the other
features reach |rho| <= 0.5), and the out-of-sample R² of the FTLE family stays <= 0.07 in every
setting and window; the CLV family reaches 0.21 (teacher, ReLU, lr 1.5, where the baseline has
0.85) and beats the baseline only for parity, tanh, lr 0.3 (0.12 ± 0.01 against -0.02 at step
270, the best of 10 windows). FTLE or CLV features beat the baseline by more than both spreads
in 3 of 80 (setting, window) cells each, about what chance gives for 80 looks; loss, FTLEs and
CLVs together in 10 of 80, by up to 0.17 (parity, ReLU, lr 1.5, step 120: 0.34 against 0.18).
In these small networks, early FTLEs and CLVs do not predict the final loss better than the
loss itself; together with it they add a little in the ReLU parity settings. 166 of 1600 runs
diverged (6, 14 and 146 in the lr 1.5 settings of teacher/tanh, teacher/ReLU and parity/tanh)
and are left out.

Usage::

    python experiments/learning_prediction.py --quick                 # seconds
    python experiments/learning_prediction.py --out results/learning_prediction.h5 \\
        --figure results/learning_prediction.png --workers 2          # the full study
    python experiments/learning_prediction.py --dask tcp://HOST:8786 --out run.h5

``--out FILE.h5`` writes the result (:class:`~esorma.training.prediction.PredictionStudy`,
``esorma.io.load_result``) and keeps the runs in ``FILE-checkpoint.h5`` beside it: a killed
study rerun with the same command resumes from the finished blocks of runs. ``--out DIR`` (a
folder, created if needed) writes ``learning_prediction.h5``, its checkpoint and
``learning_prediction.png`` in it (``-quick`` added to the names with ``--quick``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="the quick size (2 settings x 16 runs, seconds)")
    parser.add_argument("--seed", type=int, default=0, help="study seed (default 0)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE.h5",
                        help="write the result here; the runs go to FILE-checkpoint.h5 "
                             "(rerunning resumes); a folder: the result, its checkpoint and "
                             "the figure go in it")
    parser.add_argument("--figure", type=Path, default=None, metavar="FILE.png",
                        help="draw rho(t) with its band and the scatter at the best window")
    parser.add_argument("--workers", type=int, default=1,
                        help="local worker processes (or Dask workers with --dask local)")
    parser.add_argument("--dask", default=None, metavar="ADDRESS",
                        help="run the runs on a Dask scheduler (tcp://host:port), or 'local' "
                             "for a local Dask cluster of --workers processes")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.training import prediction_figure
    from esorma.training.prediction import prediction_study

    if args.out is not None and args.out.suffix not in (".h5", ".hdf5"):  # a folder
        args.out.mkdir(parents=True, exist_ok=True)
        name = "learning_prediction" + ("-quick" if args.quick else "")
        args.figure = args.figure or args.out / f"{name}.png"
        args.out = args.out / f"{name}.h5"
    for flag, path, endings in (("--out", args.out, (".h5", ".hdf5")),
                                ("--figure", args.figure, (".png", ".pdf", ".svg"))):
        if path is not None and (path.suffix not in endings or not path.parent.is_dir()):
            print(f"{flag} must end in {' or '.join(endings)} inside an existing folder; "
                  f"got {path}", file=sys.stderr)
            return 2
    checkpoint = None if args.out is None else args.out.with_name(
        f"{args.out.stem}-checkpoint.h5")
    scheduler = None if args.dask in (None, "local") else args.dask
    study = prediction_study("quick" if args.quick else "full", path=checkpoint,
                             workers=args.workers, scheduler=scheduler,
                             dask=args.dask is not None, progress=True, rng=args.seed)
    for line in study.table():
        print(line)
    print()
    print("best window per family (largest R²) against the baseline at the same window:")
    b = study.family_index("loss")
    for s in range(study.n_settings):
        parts = []
        for fam in ("ftle", "clv", "all"):
            w = study.best_window(s, fam)
            g = study.family_index(fam)
            parts.append(f"{fam} {study.r2[s, g, w]:+.2f}±{study.r2_spread[s, g, w]:.2f} "
                         f"(baseline {study.r2[s, b, w]:+.2f}, step "
                         f"{int(study.window_times[w])})")
        print(f"  {study.label(s)}: " + "; ".join(parts))
    for fam in ("ftle", "clv", "all"):
        better = study.beats_baseline(fam)
        print(f"{fam}: R² above the baseline's by more than both spreads in {int(better.sum())}"
              f" of {better.size} (setting, window) cells")
    print(f"diverged runs: {int(study.n_diverged.sum())} of {study.n_runs * study.n_settings} "
          f"(per setting {study.n_diverged.tolist()}; left out of the statistics)")
    print(f"{study.n_computed} blocks of runs computed in this call; {study.seconds:.1f} s")
    if args.out is not None:
        save_result(args.out, study, config=study.config, seed=args.seed)
        print(f"wrote {args.out} (runs: {checkpoint})")
    if args.figure is not None:
        save_figure(prediction_figure(study), args.figure)
        print(f"wrote {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

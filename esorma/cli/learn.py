"""``esorma learn``: do early Lyapunov exponents / covariant vectors of training predict the
final loss?

Parses the flags, calls :func:`esorma.training.prediction.prediction_study` (quick size by
default) and ends with :func:`esorma.cli._common.finish` (``--out`` result, ``--figure`` drawn
by :func:`esorma.plotting.training.prediction_figure`, ``--json``).
"""

from __future__ import annotations

from pathlib import Path

NAME = "learn"
HELP = "do early FTLEs / covariant Lyapunov vectors of training predict the final loss?"
DESCRIPTION = """\
Learning as a dynamical system: can stability indicators measured early in training predict
where training ends (Sharafi, Martin & Hallerberg 2024)?

For each setting (task x activation x learning rate) many three-layer networks are trained by
full-batch gradient descent on the MSE loss, each from its own random initial weights. In
consecutive early windows, each run gives the k leading finite-time Lyapunov exponents (FTLEs)
of the gradient-descent map, features of its covariant Lyapunov vectors (CLVs: angles, alignment
with the gradient and the Hessian's top eigenvector) and, as the naive baseline, the loss at the
window's end. Reported per window: Spearman's rho of each with the log of the final loss, with a
bootstrap interval, and the out-of-sample R² (ridge regression, k-fold cross-validation) of each
family of features against the baseline's.

Runs that diverge are counted and left out of the statistics. The default is a quick study
(seconds); experiments/learning_prediction.py runs the full one (200 runs per setting).
Nothing is written unless asked: --out FILE.h5 saves the result, --figure FILE.png draws rho
against the window time and the scatter at the best window, --checkpoint FILE.h5 keeps every
finished block of runs (rerunning the same command resumes)."""
EXAMPLES = [
    "esorma learn",
    "esorma learn --tasks teacher --activations tanh relu --runs 40 --figure learn.png",
    "esorma learn --learning-rates 0.1 0.5 --checkpoint runs.h5 --out learn.h5 --json",
]
ORDER = 72


def add_arguments(parser):
    from esorma.cli._common import add_outputs
    from esorma.training.prediction import PREDICTION_SIZES, PREDICTION_TASKS

    q = PREDICTION_SIZES["quick"]
    s = parser.add_argument_group("study (defaults: the quick size)")
    s.add_argument("--tasks", nargs="+", choices=sorted(PREDICTION_TASKS), default=None,
                   metavar="TASK", help=f"tasks among {', '.join(sorted(PREDICTION_TASKS))} "
                                        f"(default {' '.join(q['tasks'])})")
    s.add_argument("--activations", nargs="+", default=None, metavar="ACT",
                   help=f"hidden activations: tanh, sigmoid, relu, linear (default "
                        f"{' '.join(q['activations'])})")
    s.add_argument("--learning-rates", dest="learning_rates", nargs="+", type=float,
                   default=None, metavar="ETA",
                   help=f"learning rates (default {' '.join(map(str, q['learning_rates']))})")
    s.add_argument("--runs", type=int, default=None,
                   help=f"training runs per setting (default {q['n_runs']})")
    s.add_argument("--steps", type=int, default=None,
                   help=f"training steps per run (default {q['n_steps']})")
    s.add_argument("--windows", type=int, default=None,
                   help=f"early windows (default {q['n_windows']})")
    s.add_argument("--window", type=int, default=None,
                   help=f"steps per window, even (default {q['window']})")
    s.add_argument("--k", type=int, default=None,
                   help=f"leading exponents and CLVs (default {q['k']})")
    s.add_argument("--boot", type=int, default=None,
                   help=f"bootstrap resamples (default {q['n_boot']})")
    r = parser.add_argument_group("running")
    r.add_argument("--checkpoint", type=Path, default=None, metavar="FILE.h5",
                   help="keep every finished block of runs in this HDF5 file; rerunning the "
                        "same command resumes it")
    r.add_argument("--workers", type=int, default=1,
                   help="local worker processes, or Dask workers with --dask (default 1)")
    r.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed scheduler (tcp://host:port)")
    r.add_argument("--dask", action="store_true",
                   help="run on Dask (a local cluster of --workers processes unless --scheduler)")
    add_outputs(parser, figure=True, seed=0,
                figure_help="draw rho against the window time and the scatter at the best "
                            "window (.png, .pdf or .svg)")


def _check_checkpoint(args) -> None:
    from esorma.errors import OutputPathError
    from esorma.io import DATA_SUFFIXES, check_output_path

    if args.checkpoint is None:
        return
    check_output_path(args.checkpoint, suffixes=DATA_SUFFIXES, flag="--checkpoint", force=True)
    for flag, other in (("--out", args.out), ("--figure", getattr(args, "figure", None))):
        if other is not None and Path(other).resolve() == Path(args.checkpoint).resolve():
            raise OutputPathError(f"--checkpoint and {flag} name the same file; the checkpoint "
                                  "holds the raw runs, --out the finished result")


def _verdict(study) -> list[str]:
    """One line per setting: the best window of each family against the baseline there."""
    lines = ["", "best window per family (largest cross-validated R²) against the baseline "
                 "at the same window:"]
    b = study.family_index("loss")
    for s in range(study.n_settings):
        parts = []
        for fam in ("ftle", "clv"):
            w = study.best_window(s, fam)
            g = study.family_index(fam)
            parts.append(f"{fam} R² {study.r2[s, g, w]:+.2f} vs baseline "
                         f"{study.r2[s, b, w]:+.2f} at step {int(study.window_times[w])}")
        lines.append(f"  {study.label(s)}: " + "; ".join(parts))
    return lines


def run(args) -> int:
    from esorma.cli._common import finish, progress
    from esorma.plotting.training import prediction_figure
    from esorma.training.prediction import prediction_study

    _check_checkpoint(args)
    say = progress(args)
    study = prediction_study(
        "quick", tasks=args.tasks, activations=args.activations,
        learning_rates=args.learning_rates, n_runs=args.runs, n_steps=args.steps,
        window=args.window, n_windows=args.windows, k=args.k, n_boot=args.boot,
        path=args.checkpoint, workers=args.workers, scheduler=args.scheduler, dask=args.dask,
        progress=False, rng=args.seed)
    say(f"esorma learn: {study.n_settings} settings x {study.n_runs} runs, "
        f"{study.config['n_steps']} steps, {len(study.window_times)} windows of "
        f"{study.window} steps, k={study.config['k']}, seed={args.seed} "
        f"({study.seconds:.1f} s)")
    text = study.table() + _verdict(study)
    return finish(args, study, summary=study.summary(), text=text, draw=prediction_figure,
                  config=study.config, seed=args.seed)


#: The tour's study: two settings (a regression and a Boolean task), 12 runs each.
_TOUR = {"tasks": ("teacher", "parity"), "activations": ("tanh",), "learning_rates": (0.5,),
         "n_runs": 12}


def tour(ctx) -> None:
    """A small prediction study: teacher and parity tasks, tanh, 12 runs each (a few s)."""
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.training import prediction_figure
    from esorma.training.prediction import prediction_study

    study = prediction_study("quick", **_TOUR, rng=ctx.seed)
    save_result(ctx.path("learning_prediction.h5"), study, config=study.config, seed=ctx.seed)
    save_figure(prediction_figure(study), ctx.path("learning_prediction.png"))
    for line in _verdict(study)[2:]:
        ctx.log(line.strip())
    s = study.summary()
    ctx.record(settings=[f"{x['task']} {x['activation']} lr={x['learning_rate']:g}"
                         for x in s["settings"]],
               n_runs=study.n_runs, n_diverged=study.n_diverged.tolist(),
               window_times=study.window_times.tolist(),
               best_r2={f: [x["best_r2"][f] for x in s["settings"]] for f in ("ftle", "clv")},
               rho_ftle_1=[[round(v, 3) for v in x["rho"]["ftle"]] for x in s["settings"]],
               seconds_study=study.seconds)

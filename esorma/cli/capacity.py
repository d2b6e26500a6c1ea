"""``esorma capacity``: capacity curves of the Hopfield network by simulation, against the
replica-symmetric theory (the study is :func:`esorma.capacity.capacity_study`)."""

from __future__ import annotations

from pathlib import Path

NAME = "capacity"
HELP = "capacity curves m(α), retrieved fraction and α_c(N) by simulation (resumable sweeps)"
DESCRIPTION = """\
Storage capacity of the Hopfield network by simulation, with the replica theory overlaid.

For each network size N and load α = P/N: draw networks, start zero-temperature dynamics from
stored patterns (or Glauber dynamics at T > 0), and record the final overlaps. Prints α_c(N),
where the retrieved fraction crosses 1/2, and its N → ∞ extrapolation next to the
replica-symmetric 0.1379 and the simulation literature (0.14-0.145).

--out writes the result (HDF5), --figure the figure; nothing else is written. A long study can
keep a --checkpoint file: every finished grid point is saved there, and rerunning the same
command resumes it (a checkpoint of another configuration is refused). Grid points run on
local processes (--workers) or on a Dask cluster (--scheduler ADDRESS, or --dask for a local
one); results do not depend on how they ran. --theory prints only the replica-symmetric theory.
"""
EXAMPLES = [
    "esorma capacity --quick --figure capacity.png",
    "esorma capacity --n-neurons 1000 2000 4000 --alphas 0.05:0.20:0.01 --networks 4 "
    "--checkpoint capacity-run.h5 --out capacity.h5",
    "esorma capacity --n-neurons 2000 --alphas 0.02:0.14:0.02 --temperatures 0 0.2 0.4",
    "esorma capacity --scheduler tcp://127.0.0.1:8786 --checkpoint run.h5 --out capacity.h5",
    "esorma capacity --theory",
]
ORDER = 20


def add_arguments(parser):
    from esorma.capacity import PRESETS
    from esorma.cli._common import add_outputs

    full, quick = PRESETS["full"], PRESETS["quick"]
    g = parser.add_argument_group("grid")
    g.add_argument("--n-neurons", "-N", type=int, nargs="+", default=None, metavar="N",
                   help=f"network sizes (default {' '.join(map(str, full['n_neurons']))}; "
                        f"--quick: {' '.join(map(str, quick['n_neurons']))})")
    g.add_argument("--alphas", nargs="+", default=None, metavar="A",
                   help="loads α = P/N: values and/or START:STOP:STEP ranges (inclusive) "
                        "(default 0.05:0.20:0.01)")
    g.add_argument("--temperatures", "-T", nargs="+", default=["0"], metavar="T",
                   help="temperatures: values and/or START:STOP:STEP ranges (default 0: "
                        "zero-T dynamics; T > 0 uses Glauber)")
    e = parser.add_argument_group("experiment")
    e.add_argument("--rule", choices=("hebb", "pseudo_inverse", "storkey"), default="hebb",
                   help="learning rule (default hebb)")
    e.add_argument("--networks", type=int, default=None,
                   help=f"networks per grid point (default {full['n_networks']}; "
                        f"--quick: {quick['n_networks']})")
    e.add_argument("--probes", type=int, default=None,
                   help=f"probed patterns per network (default {full['n_probes']})")
    e.add_argument("--corruption", type=float, default=0.0,
                   help="fraction of flipped spins in each start state (default 0)")
    e.add_argument("--mode", choices=("async", "sync"), default="async",
                   help="dynamics (default async)")
    e.add_argument("--max-sweeps", type=int, default=100,
                   help="sweep limit (zero T) / number of Glauber sweeps (T > 0) (default 100)")
    e.add_argument("--dtype", choices=("int16", "int32", "float64"), default=None,
                   help="Hebb couplings as int16/int32 counts or float64 (default int16)")
    a = parser.add_argument_group("analysis")
    a.add_argument("--threshold", type=float, default=0.9,
                   help="retrieved when the final overlap exceeds this (default 0.9)")
    a.add_argument("--exponent", type=float, default=0.5,
                   help="finite-size scaling variable N^-exponent (default 0.5; 1 for 1/N)")
    a.add_argument("--theory", action="store_true",
                   help="only the replica-symmetric theory (α_c, m(α)); no simulation")
    r = parser.add_argument_group("running")
    r.add_argument("--quick", action="store_true",
                   help="small study, under a minute (N = 500, 1000, 2000; 2 networks)")
    r.add_argument("--checkpoint", type=Path, default=None, metavar="FILE.h5",
                   help="save every finished grid point to this HDF5 file; rerunning the same "
                        "command resumes it")
    r.add_argument("--workers", type=int, default=1,
                   help="local worker processes, or Dask workers with --dask (default 1)")
    r.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed scheduler (tcp://host:port)")
    r.add_argument("--dask", action="store_true",
                   help="run on Dask (a local cluster of --workers processes unless --scheduler)")
    r.add_argument("--timeout", type=float, default=10.0,
                   help="seconds to wait for the Dask scheduler (default 10)")
    add_outputs(parser, figure=True, seed=0)


def _check_checkpoint(args) -> None:
    """--checkpoint: right ending and an existing folder (an existing file is resumed)."""
    from esorma.errors import OutputPathError
    from esorma.io import DATA_SUFFIXES, check_output_path

    if args.checkpoint is None:
        return
    check_output_path(args.checkpoint, suffixes=DATA_SUFFIXES, flag="--checkpoint", force=True)
    for flag, other in (("--out", args.out), ("--figure", getattr(args, "figure", None))):
        if other is not None and Path(other).resolve() == Path(args.checkpoint).resolve():
            raise OutputPathError(f"--checkpoint and {flag} name the same file; the checkpoint "
                                  "holds the raw sweep, --out the finished result")


def config_from_args(args):
    """The :class:`~esorma.capacity.CapacityConfig` of the command line (quick defaults)."""
    from esorma._validation import parse_values
    from esorma.capacity import CapacityConfig

    return CapacityConfig.preset(
        "quick" if args.quick else "full",
        n_neurons=args.n_neurons,
        alphas=None if args.alphas is None else parse_values(args.alphas, "--alphas"),
        temperatures=parse_values(args.temperatures, "--temperatures"),
        rule=args.rule,
        n_networks=args.networks,
        n_probes=args.probes,
        corruption=args.corruption,
        mode=args.mode,
        max_sweeps=args.max_sweeps,
        coupling_dtype=args.dtype,
    )


def _run_theory(args) -> int:
    from esorma.capacity import LITERATURE_ALPHA_C, capacity_theory
    from esorma.cli._common import finish
    from esorma.plotting.capacity import theory_figure

    th = capacity_theory()
    summary = {"alpha_c": th.alpha_c, "m": th.m_c, "error_fraction": th.error_fraction,
               "converged": th.converged, "residual": th.residual,
               "literature_alpha_c": list(th.literature_alpha_c)}
    text = [
        "Replica-symmetric theory (Amit, Gutfreund & Sompolinsky), Hebb couplings, T = 0:",
        f"  alpha_c = {th.alpha_c:.8f}   overlap at alpha_c m = {th.m_c:.6f} "
        f"(wrong bits {100 * th.error_fraction:.3f}%)",
        f"  finite-size simulations (literature): alpha_c(N) ~ {LITERATURE_ALPHA_C[0]}-"
        f"{LITERATURE_ALPHA_C[1]}",
    ]
    return finish(args, th, summary=summary, text=text, draw=theory_figure,
                  config={"theory": True}, seed=None)


def run(args) -> int:
    from esorma._validation import check_real
    from esorma.capacity import capacity_study
    from esorma.cli._common import finish
    from esorma.plotting.capacity import report_figure

    _check_checkpoint(args)
    if args.theory:
        return _run_theory(args)
    check_real(args.threshold, "--threshold", minimum=0.0, maximum=1.0, strict_min=True)
    check_real(args.exponent, "--exponent", minimum=0.0, strict_min=True)
    config = config_from_args(args)
    report = capacity_study(
        config, seed=args.seed, threshold=args.threshold, exponent=args.exponent,
        checkpoint=args.checkpoint, workers=args.workers, scheduler=args.scheduler,
        dask=args.dask, timeout=args.timeout, progress=not (args.quiet or args.json),
    )
    provenance = {**config.to_dict(), "threshold": args.threshold, "exponent": args.exponent}
    return finish(args, report, summary=report.key_numbers(), text=report.text(),
                  draw=report_figure, config=provenance, seed=args.seed)


def tour(ctx) -> None:
    """Tour section: the quick capacity study (N = 500, 1000, 2000), HDF5 + PNG."""
    import numpy as np

    from esorma.capacity import capacity_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.capacity import report_figure

    report = capacity_study(quick=True, seed=ctx.seed)
    h5 = save_result(ctx.path("capacity.h5"), report, config=report.config.to_dict(),
                     seed=ctx.seed)
    png = save_figure(report_figure(report), ctx.path("capacity.png"))
    est = report.estimates[0]
    for i, n in enumerate(est.n_neurons):
        ctx.log(f"N = {int(n)}: retrieved fraction crosses 1/2 at alpha_c = {est.alpha_c[i]:.4f}")
    s = report.summary
    j = int(np.argmin(np.abs(s.alphas - 0.10)))
    n_points = int(np.count_nonzero(s.n_samples))
    ctx.log(f"mean overlap at alpha = {s.alphas[j]:g}, N = {s.n_neurons[-1]}: "
            f"{s.mean_overlap[-1, j, 0]:.4f}; {n_points} points in {report.seconds:.1f} s; "
            f"wrote {h5.name} and {png.name}")
    rec = {f"alpha_c_N{int(n)}": float(est.alpha_c[i]) for i, n in enumerate(est.n_neurons)}
    ex = report.extrapolation
    if ex is not None:
        rec["alpha_c_extrapolated"] = ex.alpha_inf
        rec["alpha_c_extrapolated_syst"] = ex.systematic_err
        stat = f" +- {ex.alpha_inf_err:.4f} (stat)" if np.isfinite(ex.alpha_inf_err) else ""
        ctx.log(f"extrapolated alpha_c(inf) = {ex.alpha_inf:.4f}{stat} +- "
                f"{ex.systematic_err:.4f} (syst: N^-1/2 vs 1/N) (RS 0.1379, literature "
                "0.14-0.145)")
    ctx.record(**rec, n_points=n_points)

"""Storage capacity of the Hopfield network by simulation, with the replica theory overlaid.

For each network size N and load α = P/N: draw networks, start zero-temperature dynamics from
stored patterns (or Glauber dynamics at T > 0), and record the final overlaps. Prints α_c(N),
where the retrieved fraction crosses 1/2, and its N → ∞ extrapolation next to the
replica-symmetric 0.1379 and the simulation literature (0.14-0.145); writes one HDF5 file per
study (rerunning the same command resumes it) and a figure.

Grid points run on local processes (--workers) or on a Dask cluster (--scheduler ADDRESS, or
--dask for a local one); results do not depend on how they ran.
"""

from __future__ import annotations

from pathlib import Path

NAME = "capacity"
HELP = "capacity curves m(α), retrieved fraction and α_c(N) by simulation (resumable sweeps)"
EXAMPLES = [
    "esorma capacity --quick",
    "esorma capacity --n-neurons 1000 2000 4000 --alphas 0.05:0.20:0.01 --networks 4 "
    "--out capacity.h5",
    "esorma capacity --n-neurons 2000 --alphas 0.02:0.14:0.02 --temperatures 0 0.2 0.4",
    "esorma capacity --scheduler tcp://127.0.0.1:8786 --out capacity.h5",
    "esorma capacity --theory",
]
ORDER = 20

QUICK = {"n_neurons": [500, 1000, 2000], "alphas": "0.05:0.20:0.01", "networks": 2,
         "probes": 20}
FULL = {"n_neurons": [1000, 2000, 4000], "alphas": "0.05:0.20:0.01", "networks": 4,
        "probes": 20}


def add_arguments(parser):
    from esorma.cli._common import add_json, add_quiet, add_seed

    g = parser.add_argument_group("grid")
    g.add_argument("--n-neurons", "-N", type=int, nargs="+", default=None, metavar="N",
                   help=f"network sizes (default {' '.join(map(str, FULL['n_neurons']))}; "
                        f"--quick: {' '.join(map(str, QUICK['n_neurons']))})")
    g.add_argument("--alphas", nargs="+", default=None, metavar="A",
                   help="loads α = P/N: values and/or START:STOP:STEP ranges (inclusive) "
                        f"(default {FULL['alphas']})")
    g.add_argument("--temperatures", "-T", type=float, nargs="+", default=[0.0], metavar="T",
                   help="temperatures (default 0: zero-T dynamics; T > 0 uses Glauber)")
    e = parser.add_argument_group("experiment")
    e.add_argument("--rule", choices=("hebb", "pseudo_inverse", "storkey"), default="hebb",
                   help="learning rule (default hebb)")
    e.add_argument("--networks", type=int, default=None,
                   help=f"networks per grid point (default {FULL['networks']}; "
                        f"--quick: {QUICK['networks']})")
    e.add_argument("--probes", type=int, default=None,
                   help=f"probed patterns per network (default {FULL['probes']})")
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
    o = parser.add_argument_group("running and output")
    o.add_argument("--quick", action="store_true",
                   help="small study, under a minute (N = 500, 1000, 2000)")
    o.add_argument("--theory", action="store_true",
                   help="only print the replica-symmetric α_c and exit")
    o.add_argument("--out", type=Path, default=None, metavar="PATH",
                   help="HDF5 results file, resumed if it exists (default capacity.h5, "
                        "--quick: capacity-quick.h5)")
    o.add_argument("--figure", type=Path, default=None, metavar="PNG",
                   help="figure file (default: the results file with .png)")
    o.add_argument("--workers", type=int, default=1,
                   help="local worker processes, or Dask workers with --dask (default 1)")
    o.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed scheduler (tcp://host:port)")
    o.add_argument("--dask", action="store_true",
                   help="run on Dask (a local cluster of --workers processes unless --scheduler)")
    o.add_argument("--timeout", type=float, default=10.0,
                   help="seconds to wait for the Dask scheduler (default 10)")
    add_seed(parser)
    add_json(parser)
    add_quiet(parser)


def parse_alphas(tokens) -> list[float]:
    """Loads from values and inclusive ``START:STOP:STEP`` ranges (rounded to 10 digits).

    Examples
    --------
    >>> parse_alphas(["0.05:0.08:0.01", "0.1"])
    [0.05, 0.06, 0.07, 0.08, 0.1]
    """
    import numpy as np

    out = []
    for tok in tokens:
        tok = str(tok).strip()
        if ":" in tok:
            parts = tok.split(":")
            if len(parts) != 3:
                raise ValueError(f"--alphas ranges must be START:STOP:STEP; got {tok!r}")
            try:
                start, stop, step = (float(x) for x in parts)
            except ValueError:
                raise ValueError(f"--alphas ranges must be numbers START:STOP:STEP; got {tok!r}")
            if not step > 0:
                raise ValueError(f"--alphas step must be > 0; got {tok!r}")
            if stop < start:
                raise ValueError(f"--alphas range must have STOP >= START; got {tok!r}")
            count = int(np.floor((stop - start) / step + 1e-9)) + 1
            out.extend(round(start + i * step, 10) for i in range(count))
        else:
            try:
                out.append(float(tok))
            except ValueError:
                raise ValueError(f"--alphas must be numbers or START:STOP:STEP; got {tok!r}")
    return out


def config_from_args(args):
    """The :class:`~esorma.capacity.CapacityConfig` of the command line (quick defaults)."""
    from esorma.capacity import CapacityConfig

    base = QUICK if args.quick else FULL
    alphas = parse_alphas(args.alphas if args.alphas is not None else [base["alphas"]])
    return CapacityConfig(
        n_neurons=args.n_neurons if args.n_neurons is not None else base["n_neurons"],
        alphas=alphas,
        temperatures=args.temperatures,
        rule=args.rule,
        n_networks=args.networks if args.networks is not None else base["networks"],
        n_probes=args.probes if args.probes is not None else base["probes"],
        corruption=args.corruption,
        mode=args.mode,
        max_sweeps=args.max_sweeps,
        coupling_dtype=args.dtype,
    )


def analyse(results, *, threshold=0.9, exponent=0.5) -> dict:
    """Summary, α_c(N) per temperature, extrapolation (T = 0, when >= 2 sizes cross)."""
    from esorma.capacity import estimate_capacity, extrapolate_capacity

    summary = results.summary(threshold=threshold)
    estimates = [estimate_capacity(summary, t_index=k)
                 for k in range(len(summary.temperatures))]
    extrap = None
    if int(sum(1 for v in estimates[0].alpha_c if v == v)) >= 2:
        extrap = extrapolate_capacity(estimates[0], exponent=exponent)
    return {"summary": summary, "estimates": estimates, "extrapolation": extrap}


def write_figures(results, analysis, path: Path) -> list[Path]:
    """The three-panel T = 0 figure at ``path`` (and a retrieval map when T varies)."""
    import matplotlib

    matplotlib.use("Agg")
    from esorma.cli._common import save_figure
    from esorma.plotting.capacity import capacity_figure, plot_retrieval_map

    s = analysis["summary"]
    fig = capacity_figure(s, analysis["estimates"][0], analysis["extrapolation"])
    fig.suptitle(f"Hopfield capacity by simulation: N = {', '.join(map(str, s.n_neurons))}; "
                 f"{s.n_networks} network(s) × {results.config.n_probes} probes per point; "
                 f"seed {results.seed}", y=1.02)
    paths = [save_figure(fig, path)]
    if len(s.temperatures) > 1:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 5))
        plot_retrieval_map(s, ax)
        paths.append(save_figure(fig, path.with_name(path.stem + "-map" + path.suffix)))
    return paths


def report_dict(results, analysis) -> dict:
    import numpy as np

    from esorma.capacity import LITERATURE_ALPHA_C, RS_ALPHA_C

    s = analysis["summary"]
    out = {
        "config": results.config.to_dict(),
        "seed": results.seed,
        "complete": results.complete,
        "file": None if results.path is None else str(results.path),
        "seconds": round(results.seconds, 3),
        "points_computed": results.n_computed,
        "points_resumed": results.n_skipped,
        "executor": results.executor,
        "threshold": s.threshold,
        "relative_threshold_T_gt_0": s.relative_threshold,
        "alpha_c": {},
        "rs_alpha_c": RS_ALPHA_C,
        "literature_alpha_c": list(LITERATURE_ALPHA_C),
    }
    for est in analysis["estimates"]:
        out["alpha_c"][f"T={est.temperature:g}"] = {
            str(int(n)): {"alpha_c": est.alpha_c[i], "sigma": est.sigma[i],
                          "low": est.alpha_c_low[i], "high": est.alpha_c_high[i],
                          "grid_step": (None if est.grid_step is None
                                        else est.grid_step[i]),
                          "status": est.status[i]}
            for i, n in enumerate(est.n_neurons)
        }
    ex = analysis["extrapolation"]
    if ex is not None:
        out["extrapolation"] = {"alpha_inf": ex.alpha_inf, "alpha_inf_err": ex.alpha_inf_err,
                                "systematic_err": ex.systematic_err,
                                "alt_exponent": ex.alt_exponent,
                                "alpha_inf_alt": ex.alpha_inf_alt,
                                "slope": ex.slope, "exponent": ex.exponent, "chi2": ex.chi2,
                                "n_used": ex.n_used}
    try:
        from esorma.capacity import theory_alpha_c

        out["rs_alpha_c"] = theory_alpha_c()
    except ImportError:
        pass
    out["mean_overlap_T0"] = {
        str(int(n)): dict(zip([f"{a:g}" for a in s.alphas],
                              np.round(s.mean_overlap[i, :, 0], 5).tolist()))
        for i, n in enumerate(s.n_neurons)
    }
    return out


def _print_theory(as_json: bool) -> int:
    from esorma.capacity import LITERATURE_ALPHA_C
    from esorma.cli._common import print_json
    from esorma.replica import ags_capacity

    cap = ags_capacity()
    if as_json:
        print_json({"alpha_c": cap.alpha_c, "m": cap.m, "error_fraction": cap.error_fraction,
                    "converged": cap.converged, "residual": cap.residual})
        return 0
    print("Replica-symmetric theory (Amit, Gutfreund & Sompolinsky), Hebb couplings, T = 0:")
    print(f"  alpha_c = {cap.alpha_c:.8f}   overlap at alpha_c m = {cap.m:.6f} "
          f"(wrong bits {100 * cap.error_fraction:.3f}%)")
    print(f"  finite-size simulations (literature): alpha_c(N) ~ {LITERATURE_ALPHA_C[0]}-"
          f"{LITERATURE_ALPHA_C[1]}")
    return 0


def check_analysis_args(args) -> None:
    """Refuse a bad ``--threshold``/``--exponent`` before any point is computed."""
    from esorma._validation import check_real

    check_real(args.threshold, "--threshold", minimum=0.0, maximum=1.0, strict_min=True)
    check_real(args.exponent, "--exponent", minimum=0.0, strict_min=True)


def execute(args, *, path: Path, figure: Path | None, progress: bool):
    """Run (or resume) the study of ``args`` into ``path``; returns (results, analysis, figs)."""
    from esorma.capacity import capacity_sweep

    check_analysis_args(args)
    cfg = config_from_args(args)
    results = capacity_sweep(
        cfg, seed=args.seed, path=path, workers=args.workers, scheduler=args.scheduler,
        dask=args.dask, timeout=args.timeout, progress=progress,
    )
    analysis = analyse(results, threshold=args.threshold, exponent=args.exponent)
    figs = write_figures(results, analysis, figure) if figure is not None else []
    return results, analysis, figs


def run(args) -> int:
    import sys

    import numpy as np

    from esorma.cli._common import print_json
    from esorma.sweeps import SchedulerError

    if args.theory:
        return _print_theory(args.json)
    path = args.out or Path("capacity-quick.h5" if args.quick else "capacity.h5")
    figure = args.figure or path.with_suffix(".png")
    try:
        results, analysis, figs = execute(args, path=path, figure=figure,
                                          progress=not (args.quiet or args.json))
    except SchedulerError as exc:
        print(f"esorma capacity: error: {exc}", file=sys.stderr)
        return 2
    rep = report_dict(results, analysis)
    rep["figures"] = [str(p) for p in figs]
    if args.json:
        print_json(rep)
        return 0
    s = analysis["summary"]
    cfg = results.config
    print(f"Hopfield capacity ({cfg.rule}, {cfg.n_networks} network(s) x {cfg.n_probes} probes "
          f"per point, corruption {cfg.corruption:g}, {cfg.mode} dynamics, seed {results.seed})")
    for est in analysis["estimates"]:
        crit = (f"m > {s.threshold:g}" if est.temperature == 0.0
                else f"m > {s.relative_threshold:g} m_RS(alpha, T)")
        print(f"  T = {est.temperature:g}: alpha_c(N) where the fraction with {crit} "
              f"crosses 1/2")
        for i, n in enumerate(est.n_neurons):
            if np.isfinite(est.alpha_c[i]):
                print(f"    N = {int(n):6d}  alpha_c = {est.alpha_c[i]:.4f} +- "
                      f"{est.sigma[i]:.4f} (1 sigma: Wilson bounds [{est.alpha_c_low[i]:.4f}, "
                      f"{est.alpha_c_high[i]:.4f}] and grid step / sqrt 12)")
            else:
                print(f"    N = {int(n):6d}  no crossing on the grid ({est.status[i]})")
    ex = analysis["extrapolation"]
    if ex is not None:
        err = f" +- {ex.alpha_inf_err:.4f} (stat)" if np.isfinite(ex.alpha_inf_err) else ""
        print(f"  extrapolation in N^-{ex.exponent:g}: alpha_c(inf) = {ex.alpha_inf:.4f}{err} "
              f"+- {ex.systematic_err:.4f} (syst: the N^-{ex.alt_exponent:g} fit gives "
              f"{ex.alpha_inf_alt:.4f}) ({ex.n_used} sizes)")
    print(f"  replica symmetric: {rep['rs_alpha_c']:.4f}; simulations (literature): "
          f"{rep['literature_alpha_c'][0]}-{rep['literature_alpha_c'][1]}")
    print(f"  results: {path}  ({'complete' if results.complete else 'INCOMPLETE'}; "
          f"{results.n_computed} points computed, {results.n_skipped} resumed from the file; "
          f"{results.seconds:.1f} s)")
    for p in figs:
        print(f"  figure:  {p}")
    return 0


def tour(ctx) -> None:
    """Tour section: the quick capacity study (N = 500, 1000, 2000), HDF5 + PNG."""
    import argparse

    import numpy as np

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--quick", "--seed", str(ctx.seed)])
    path = ctx.path("capacity.h5")
    if path.exists():  # a fresh run each tour (another seed must not be refused)
        path.unlink()
    results, analysis, figs = execute(args, path=path, figure=ctx.path("capacity.png"),
                                      progress=False)
    est = analysis["estimates"][0]
    for i, n in enumerate(est.n_neurons):
        ctx.log(f"N = {int(n)}: retrieved fraction crosses 1/2 at alpha_c = {est.alpha_c[i]:.4f}")
    ex = analysis["extrapolation"]
    s = analysis["summary"]
    j = int(np.argmin(np.abs(s.alphas - 0.10)))
    ctx.log(f"mean overlap at alpha = {s.alphas[j]:g}, N = {s.n_neurons[-1]}: "
            f"{s.mean_overlap[-1, j, 0]:.4f}; {len(results.points)} points in "
            f"{results.seconds:.1f} s; wrote {path.name} and {figs[0].name}")
    rec = {f"alpha_c_N{int(n)}": float(est.alpha_c[i]) for i, n in enumerate(est.n_neurons)}
    if ex is not None:
        rec["alpha_c_extrapolated"] = ex.alpha_inf
        rec["alpha_c_extrapolated_syst"] = ex.systematic_err
        stat = f" +- {ex.alpha_inf_err:.4f} (stat)" if np.isfinite(ex.alpha_inf_err) else ""
        ctx.log(f"extrapolated alpha_c(inf) = {ex.alpha_inf:.4f}{stat} +- "
                f"{ex.systematic_err:.4f} (syst: N^-1/2 vs 1/N) (RS 0.1379, literature "
                "0.14-0.145)")
    ctx.record(**rec, n_points=len(results.points))

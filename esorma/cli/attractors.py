"""``esorma attractors``: flags -> :func:`esorma.attractors.attractor_study` -> text/JSON/files."""

from __future__ import annotations

from pathlib import Path

NAME = "attractors"
HELP = "attractors of a Hopfield/SK network: exact basins (small N) or a sampled search"
DESCRIPTION = """\
Find the attractors of a network and the size of their basins.

The network is a random network storing random patterns (--n with --patterns P or --load α,
learnt with --rule), an SK spin glass (--sk: symmetric Gaussian couplings of variance 1/N), or
couplings read from a file (--couplings: a .npy matrix, an esorma network or result .h5, or an
.h5 with a dataset "J").

--method exact lists every fixed point and cycle of the synchronous (--dynamics sync) or
sequential-sweep (--dynamics sequential) map with the exact size of every basin; it visits all
2^N states, so it handles N up to 24. --method sampled runs the dynamics from --starts K starts
(random states, or stored patterns with --corruption of their spins flipped) and estimates the
basin fractions with binomial error bars. --method auto (the default) is exact up to N = 16,
unless --dynamics async or --from asks for the sampled search.
Attractors are labelled: stored pattern, reversed pattern, odd mixture, or spurious.

--method enumerate lists every fixed point (s_i h_i >= 0 for all i) by branch-and-bound,
without basins, for N up to 64 (SK couplings: N = 44 in well under a minute on 2 cores; the
cost is estimated first and a search longer than --max-seconds is refused). --dask ADDRESS
(a scheduler tcp://host:port, or "local" for --workers processes on this machine) splits the
search into prefix tasks run on a Dask cluster, and --checkpoint FILE.h5 writes every finished
prefix to a resumable HDF5 file: run the same command again after a kill and the finished
prefixes are skipped. The result is the same as the single-process search.

Energies are E = -1/2 s.J.s + theta.s (the whole network, not per spin).
"""
EXAMPLES = [
    "esorma attractors --n 12 --patterns 3",
    "esorma attractors --n 16 --patterns 2 --method exact --dynamics sequential --json",
    "esorma attractors --n 1000 --load 0.05 --starts 2000 --from random --figure attr.png",
    "esorma attractors --sk --n 18 --method exact --out sk18.h5",
    "esorma attractors --couplings J.npy --method sampled --dynamics sync",
    "esorma attractors --sk --n 36 --method enumerate --json",
    "esorma attractors --sk --n 52 --method enumerate --dask tcp://10.0.0.5:8786 "
    "--checkpoint sk52.h5 --max-seconds 1e6",
]
ORDER = 10


def add_arguments(parser):
    from esorma.attractors import AUTO_EXACT_MAX, MAX_EXACT_NEURONS
    from esorma.cli._common import add_outputs

    g = parser.add_argument_group("network (one of --patterns, --load, --sk, --couplings)")
    g.add_argument("--n", type=int, default=None, metavar="N",
                   help="number of neurons of a random or SK network (default 12)")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--patterns", type=int, default=None, metavar="P",
                     help="random network storing P random patterns (default 3)")
    src.add_argument("--load", type=float, default=None, metavar="ALPHA",
                     help="random network at load α: P = round(α N) patterns")
    src.add_argument("--sk", action="store_true",
                     help="Sherrington–Kirkpatrick couplings J_ij ~ N(0, 1/N), symmetric")
    src.add_argument("--couplings", type=Path, default=None, metavar="FILE",
                     help="read the network from FILE: .npy, or .h5 (an esorma network or "
                          "result, or a dataset 'J')")
    g.add_argument("--rule", choices=("hebb", "pseudo_inverse", "storkey"), default=None,
                   help="learning rule of the random pattern network (default hebb)")
    m = parser.add_argument_group("search")
    m.add_argument("--method", choices=("auto", "exact", "sampled", "enumerate"),
                   default="auto",
                   help=f"exact basins (N <= {MAX_EXACT_NEURONS}), sampled search, every fixed "
                        f"point by branch-and-bound (enumerate, N <= 64), or auto: "
                        f"exact if N <= {AUTO_EXACT_MAX} (default auto)")
    m.add_argument("--dynamics", choices=("sync", "sequential", "async"), default=None,
                   help="exact: sync (default) or sequential sweeps; sampled: async random "
                        "order (default), sequential or sync")
    m.add_argument("--starts", type=int, default=1000, metavar="K",
                   help="sampled: number of starts (default 1000)")
    m.add_argument("--from", dest="start_from", choices=("random", "patterns"), default=None,
                   help="sampled: random states, or stored patterns corrupted by --corruption "
                        "(default random)")
    m.add_argument("--corruption", type=float, default=0.1, metavar="F",
                   help="sampled: fraction of flipped spins of pattern starts (default 0.1)")
    m.add_argument("--max-sweeps", type=int, default=100, metavar="S",
                   help="sampled: sweep limit per start (default 100)")
    m.add_argument("--tol", type=float, default=None, metavar="F",
                   help="label tolerance: fraction of spins that may differ from a pattern "
                        "or mixture (default 0 exact, 0.05 sampled)")
    e = parser.add_argument_group("enumeration (--method enumerate)")
    e.add_argument("--dask", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="run the search as prefix tasks on a Dask cluster: a scheduler "
                        "address tcp://host:port, or 'local' (the default without an "
                        "address: --workers processes on this machine)")
    e.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="the same as --dask ADDRESS (the spelling of esorma capacity)")
    e.add_argument("--checkpoint", type=Path, default=None, metavar="FILE.h5",
                   help="write every finished prefix to this resumable HDF5 file; rerun the "
                        "same command to resume")
    e.add_argument("--prefixes", type=int, default=256, metavar="K",
                   help="at least K prefix tasks with --dask/--checkpoint (default 256)")
    e.add_argument("--workers", type=int, default=1, metavar="W",
                   help="processes of the local Dask cluster of --dask local (default 1)")
    e.add_argument("--max-seconds", type=float, default=600.0, metavar="S",
                   help="refuse a search estimated longer than S seconds on this machine "
                        "(default 600)")
    o = add_outputs(parser, figure=True, seed=0,
                    out_help="write the network and its attractors to this HDF5 file (.h5)",
                    figure_help="draw energy against basin size (and, for exact results with "
                                "N <= 12, the transition graph) to this file (.png/.pdf/.svg)")
    o.add_argument("--top", type=int, default=20, metavar="K",
                   help="attractors listed in the table and the JSON (default 20; 0: all)")


# --------------------------------------------------------------------------- flags -> study


def _check_flags(args) -> dict:
    """Validate the flags (errors name them); return the keyword arguments of the study."""
    from esorma._validation import check_int, check_probability, check_real, format_bytes
    from esorma.attractors import MAX_EXACT_NEURONS
    from esorma.attractors import exact_basins_cost

    if args.seed is None or args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer; got {args.seed}")
    check_int(args.top, "--top", minimum=0)
    kw = {}
    if args.couplings is not None:
        if args.n is not None:
            raise ValueError("--n cannot be combined with --couplings (N comes from the file)")
        if args.rule is not None:
            raise ValueError("--rule only applies to random pattern networks (--patterns, "
                             "--load), not to --couplings")
        kw["network"] = args.couplings
    else:
        n = check_int(12 if args.n is None else args.n, "--n", minimum=2 if args.sk else 1)
        kw["n_neurons"] = n
        if args.sk:
            if args.rule is not None:
                raise ValueError("--rule only applies to random pattern networks (--patterns, "
                                 "--load), not to --sk")
            if args.start_from == "patterns":
                raise ValueError("--from patterns needs stored patterns; an --sk network has "
                                 "none (use --from random)")
            kw["sk"] = True
        else:
            if args.load is not None:
                kw["load"] = check_real(args.load, "--load", minimum=0.0, strict_min=True)
            else:
                kw["n_patterns"] = check_int(3 if args.patterns is None else args.patterns,
                                             "--patterns", minimum=1)
            kw["rule"] = args.rule or "hebb"
    _check_enumeration_flags(args)
    if args.method == "enumerate":
        if args.dynamics is not None or args.start_from is not None:
            raise ValueError("--dynamics and --from do not apply to --method enumerate (it "
                             "lists the fixed points s_i h_i >= 0, which every dynamics shares)")
        if args.tol is not None:
            raise ValueError("--tol (label tolerance) does not apply to --method enumerate")
        if getattr(args, "figure", None) is not None:
            raise ValueError("--figure is not available with --method enumerate (use --out "
                             "and plot the energies)")
        if args.couplings is not None:
            from esorma.couplings import read_couplings

            n = read_couplings(args.couplings).n_neurons
        if n > 64:
            raise ValueError(f"--method enumerate handles N <= 64 spins; got N = {n} (use "
                             "--method sampled)")
        kw["method"] = "enumerate"
        kw["rng"] = args.seed
        return kw
    if args.method == "exact":
        if args.dynamics == "async":
            raise ValueError("--dynamics must be sync or sequential with --method exact "
                             "(random-order asynchronous dynamics is not a deterministic map); "
                             "got async (use --method sampled for it)")
        if args.start_from is not None:
            raise ValueError("--from only applies to --method sampled (--method exact starts "
                             "from every one of the 2^N states)")
        if args.couplings is not None:
            from esorma.couplings import read_couplings

            n = read_couplings(args.couplings).n_neurons
        if n > MAX_EXACT_NEURONS:
            nbytes, seconds = exact_basins_cost(n, args.dynamics or "sync")
            raise ValueError(
                f"--method exact visits all 2^N states and handles N <= {MAX_EXACT_NEURONS}; "
                f"N = {n} has 2^{n} = {2.0**n:.3g} states (about {format_bytes(nbytes)} and "
                f"~{seconds:.3g} s). For N = {n} use --method sampled (what --method auto "
                f"does above N = 16), with --starts K starts and --from random or --from "
                f"patterns, e.g. --method sampled --starts 2000"
            )
    kw.update(
        method=args.method,
        dynamics=args.dynamics,
        n_starts=check_int(args.starts, "--starts", minimum=1),
        start_from=args.start_from,
        corruption=check_probability(args.corruption, "--corruption"),
        max_sweeps=check_int(args.max_sweeps, "--max-sweeps", minimum=0),
        label_tol=None if args.tol is None else check_probability(args.tol, "--tol"),
        rng=args.seed,
    )
    return kw


def _check_enumeration_flags(args) -> None:
    from esorma._validation import check_int, check_real

    if args.scheduler is not None:
        if args.dask not in (None, "local", args.scheduler):
            raise ValueError(f"--scheduler {args.scheduler!r} and --dask {args.dask!r} name two "
                             "clusters; give one")
        args.dask = args.scheduler
    check_int(args.prefixes, "--prefixes", minimum=1, maximum=1 << 16)
    check_int(args.workers, "--workers", minimum=1)
    check_real(args.max_seconds, "--max-seconds", minimum=0.0, strict_min=True)
    if args.method != "enumerate":
        given = [f for f, v in (("--dask", args.dask), ("--checkpoint", args.checkpoint))
                 if v is not None]
        if given:
            verb = "apply" if len(given) > 1 else "applies"
            raise ValueError(f"{' and '.join(given)} only {verb} to --method enumerate; got "
                             f"--method {args.method}")
        return
    if args.dask is not None and args.dask != "local":
        from esorma.sweeps.executors import _check_address

        try:
            _check_address(args.dask)
        except (TypeError, ValueError):
            raise ValueError(f"--dask must be 'local' or a scheduler address like "
                             f"tcp://host:8786; got {args.dask!r}") from None
    if args.checkpoint is not None and args.checkpoint.suffix not in (".h5", ".hdf5"):
        raise ValueError(f"--checkpoint must be an HDF5 file ending in .h5; got "
                         f"{str(args.checkpoint)!r}")


def _run_enumeration(args, kw) -> int:
    """--method enumerate: every fixed point (optionally over Dask, checkpointed)."""
    from esorma.attractors import enumerate_fixed_points, enumerate_fixed_points_distributed
    from esorma.attractors.study import _network, _split_rng
    from esorma.cli._common import finish, progress

    say = progress(args)
    gen, _, seed = _split_rng(kw["rng"])
    net, source, _ = _network(kw.get("network"), kw.get("n_neurons"), kw.get("n_patterns"),
                              kw.get("load"), kw.get("rule"), kw.get("sk", False), gen)
    split = args.dask is not None or args.checkpoint is not None
    done = 0
    if args.checkpoint is not None and args.checkpoint.exists():
        from esorma.sweeps import load_points

        done = len(load_points(args.checkpoint, on_damage="skip")[1])
    say(f"enumerating the fixed points of N = {net.n_neurons} spins"
        + (f" ({done} prefixes already in {args.checkpoint})" if done else "") + " ...")
    if split:
        fp = enumerate_fixed_points_distributed(
            net, client=args.dask, checkpoint=args.checkpoint, n_prefixes=args.prefixes,
            workers=args.workers, max_seconds=args.max_seconds,
            progress=not (args.quiet or args.json))
    else:
        fp = enumerate_fixed_points(net, max_seconds=args.max_seconds)
    kind = {"sk": "SK network", "patterns": "pattern network"}.get(source, "network")
    summary = {
        "n_neurons": fp.n_neurons, "n_fixed_points": fp.n_fixed_points,
        "n_visited": fp.n_visited, "estimated_nodes": fp.estimated_nodes,
        "seconds": fp.seconds, "used_symmetry": fp.used_symmetry,
        "ground_energy": float(fp.energies.min()) if len(fp) else None,
        "prefix_tasks": fp.n_subtrees if split else None,
        "prefixes_resumed": done if split else None,
    }
    config = {"method": "enumerate", "network": source, "n_neurons": fp.n_neurons,
              "dask": args.dask, "prefixes": args.prefixes if split else None}
    top = len(fp) if args.top == 0 else min(args.top, len(fp))
    lines = [f"every fixed point of a {kind}, N = {fp.n_neurons}: {fp.n_fixed_points} "
             f"({getattr(fp, 'method', 'branch-and-bound')}, {fp.n_visited} nodes, "
             f"{fp.seconds:.2f} s"
             + (f", {fp.n_subtrees} prefix tasks" if split else "") + ")", "",
             f"{'#':>4}  {'energy E':>11}  state"]
    for k in range(top):
        st = "".join("+" if x > 0 else "-" for x in fp.states[k])
        lines.append(f"{k:>4}  {_energy(float(fp.energies[k])):>11}  {st}")
    if top < len(fp):
        lines.append(f"... and {len(fp) - top} more (--top 0 lists all)")
    rows = [{"index": k, "energy": float(fp.energies[k]),
             "state": fp.states[k].astype(int).tolist()} for k in range(top)]
    return finish(args, fp, summary={"config": config, "summary": summary,
                                     "fixed_points": rows},
                  text=lines, config=config, seed=seed)


# --------------------------------------------------------------------------- text


def _energy(e: float) -> str:
    return f"{e:.4f}"


def format_table(study, top: int = 20) -> str:
    """The attractors as a plain-text table (the ``top`` largest basins; 0: all).

    Energies (``E = −½ sᵀJs + θᵀs``) and fractions have a fixed number of decimals, so equal
    widths mean equal precision (``-4.0000`` next to ``-4.8333``).
    """
    exact = study.is_exact
    head = f"{'#':>4}  {'label':<22} {'cycle':>5} {'energy E':>11}  "
    head += (f"{'basin size':>10} {'fraction':>9}" if exact
             else f"{'hits':>6} {'fraction ± error':>17}")
    head += f"  {'max m':>7}"
    lines = [head, "-" * len(head)]
    rows = study.rows(top)
    for r in rows:
        line = (f"{r['index']:>4}  {r['label']:<22} {r['cycle_length']:>5} "
                f"{_energy(r['energy']):>11}  ")
        if exact:
            line += f"{r['basin_size']:>10} {r['basin_fraction']:>9.4f}"
        else:
            line += f"{r['count']:>6} {r['basin_fraction']:>8.4f} ± {r['fraction_error']:.4f}"
        line += f"  {r['max_overlap']:>7.3f}" if "max_overlap" in r else f"  {'-':>7}"
        lines.append(line)
    k_count = study.n_attractors
    if len(rows) < k_count:
        lines.append(f"... and {k_count - len(rows)} more (--top 0 lists all)")
    return "\n".join(lines)


def headline(study, summary: dict) -> str:
    """One or two lines with the key numbers (the same numbers as ``summary``)."""
    s = summary
    kind = f"{study.network_description}, N = {s['n_neurons']}"
    if study.is_exact:
        txt = (f"exact {s['dynamics']} basins of a {kind}: {s['n_attractors']} attractors "
               f"({s['n_fixed_points']} fixed points, {s['n_cycles']} cycles) over all "
               f"{s['n_states']} states in {s['seconds']:.2f} s")
    else:
        order = {"async": "asynchronous, random order", "sequential": "sequential sweeps",
                 "sync": "synchronous"}[s["dynamics"]]
        starts = (f"{s['n_starts']} random starts" if s["starts"] == "random" else
                  f"{s['n_starts']} starts at stored patterns with "
                  f"{study.corruption:.0%} of the spins flipped")
        merged = ", s and -s counted as one" if s["flip_merged"] else ""
        txt = (f"sampled search ({order}) on a {kind}: {s['n_attractors']} attractors "
               f"reached from {starts} ({s['n_unconverged']} unconverged{merged}) in "
               f"{s['seconds']:.2f} s")
    if "label_counts" in s:
        txt += "\nlabels: " + ", ".join(f"{v} {k}" for k, v in s["label_counts"].items())
    return txt


# --------------------------------------------------------------------------- command


def run(args) -> int:
    from esorma.attractors import attractor_study
    from esorma.cli._common import finish, progress
    from esorma.plotting.attractors import plot_attractor_study

    kw = _check_flags(args)
    if kw.get("method") == "enumerate":
        return _run_enumeration(args, kw)
    say = progress(args)
    say("finding attractors ...")
    study = attractor_study(**kw)
    summary = study.summary()
    config = {**study.settings(), "top": args.top}
    text = [headline(study, summary), "", format_table(study, args.top)]
    return finish(
        args, study,
        summary={"config": config, "summary": summary, "attractors": study.rows(args.top)},
        text=text, draw=plot_attractor_study, config=config, seed=args.seed,
    )


def tour(ctx) -> None:
    """Tour section: exact basins of a 12-neuron Hebb network, then a search at N = 1000."""
    import numpy as np

    from esorma.attractors import attractor_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.attractors import plot_attractor_study

    # 1. exact: every fixed point (sequential sweeps) and the synchronous basins
    common = dict(n_neurons=12, n_patterns=3, method="exact", rng=ctx.seed)
    seq = attractor_study(dynamics="sequential", **common).attractors
    ctx.log(f"N = 12, P = 3 Hebb: {seq.n_fixed_points} fixed points, all found exactly: "
            + ", ".join(seq.labels.names))
    study = attractor_study(dynamics="sync", **common)
    sync = study.attractors
    two = int(np.sum(sync.cycle_lengths == 2))
    pat = sync.labels.kind <= 1
    ctx.log(f"synchronous map over all 4096 states: {sync.n_attractors} attractors "
            f"({sync.n_fixed_points} fixed points, {two} two-cycles); basins of the stored "
            f"patterns and their reversals hold {sync.basin_fractions[pat].sum():.1%} of the "
            f"states (sequential sweeps: {seq.basin_fractions[seq.labels.kind <= 1].sum():.1%})")
    h5 = save_result(ctx.path("attractors-exact.h5"), study, config=study.settings(),
                     seed=ctx.seed)
    png = save_figure(plot_attractor_study(study), ctx.path("attractors-exact.png"))
    ctx.log(f"wrote {h5.name} and {png.name}")

    # 2. sampled: N = 1000, P = 10, random starts
    big = attractor_study(n_neurons=1000, n_patterns=10, method="sampled", n_starts=800,
                          rng=ctx.seed)
    samp = big.attractors
    c = samp.labels.counts()
    frac_pat = float(samp.fractions[samp.labels.kind == 0].sum())
    frac_mix = float(samp.fractions[samp.labels.kind == 2].sum())
    ctx.log(f"N = 1000, P = 10, 800 random starts (async): {samp.n_attractors} attractors up to "
            f"s -> -s; {c['pattern']} stored patterns (basin fraction {frac_pat:.2f}), "
            f"{c['mixture']} odd mixtures ({frac_mix:.2f}), {c['spurious']} spurious; "
            f"{samp.seconds:.1f} s")
    h5b = save_result(ctx.path("attractors-sampled.h5"), big, config=big.settings(),
                      seed=ctx.seed)
    pngb = save_figure(plot_attractor_study(big), ctx.path("attractors-sampled.png"))
    ctx.log(f"wrote {h5b.name} and {pngb.name}")
    ctx.record(
        exact_n_fixed_points=seq.n_fixed_points,
        exact_sync_attractors=sync.n_attractors,
        exact_sync_two_cycles=two,
        exact_sync_pattern_basin_fraction=float(sync.basin_fractions[pat].sum()),
        sampled_attractors=samp.n_attractors,
        sampled_patterns_found=c["pattern"],
        sampled_pattern_fraction=frac_pat,
        sampled_mixtures=c["mixture"],
    )

"""Attractors of a Hopfield or SK network: exact basins (small N) or a sampled search.

The network is a random Hebb network (--n with --patterns P or --load α, --rule), an SK
network (--sk: symmetric Gaussian couplings of variance 1/N), or couplings read from a file
(--couplings: a .npy matrix, an esorma network .h5, or an .h5 with a dataset "J").

--method exact enumerates every fixed point and cycle of the synchronous or sequential map,
with the exact size of every basin (N up to ~22); --method sampled runs the dynamics from many
starts (random or corrupted stored patterns) and estimates basin fractions with binomial error
bars. Attractors are labelled (stored pattern, reversed, odd mixture, spurious).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NAME = "attractors"
HELP = "attractors of a Hopfield/SK network: exact basins (small N) or a sampled search"
EXAMPLES = [
    "esorma attractors --n 12 --patterns 3",
    "esorma attractors --n 16 --patterns 2 --method exact --dynamics sequential --json",
    "esorma attractors --n 1000 --load 0.05 --starts 2000 --from random --fig attr.png",
    "esorma attractors --sk --n 18 --method exact --out sk18.h5",
    "esorma attractors --couplings J.npy --method sampled --dynamics sync",
]
ORDER = 10

#: Above this N, ``--method auto`` samples instead of enumerating basins exactly.
AUTO_EXACT_MAX = 16


@dataclass(frozen=True, eq=False)
class AttractorRun:
    """What ``esorma attractors --out`` stores: the network and the attractor result."""

    network: object
    result: object


def add_arguments(parser):
    from esorma.cli._common import add_json, add_out, add_quiet, add_seed

    g = parser.add_argument_group("network (one of --patterns, --load, --sk, --couplings)")
    g.add_argument("--n", type=int, default=None, metavar="N",
                   help="number of neurons of a random network (default 12)")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--patterns", type=int, default=None, metavar="P",
                     help="random Hebb-type network storing P random patterns (default 3)")
    src.add_argument("--load", type=float, default=None, metavar="ALPHA",
                     help="random network at load α: P = round(α N) patterns")
    src.add_argument("--sk", action="store_true",
                     help="Sherrington–Kirkpatrick couplings J_ij ~ N(0, 1/N), symmetric")
    src.add_argument("--couplings", type=Path, default=None, metavar="PATH",
                     help="read couplings from .npy, or .h5 (an esorma network or dataset 'J')")
    g.add_argument("--rule", choices=("hebb", "pseudo_inverse", "storkey"), default="hebb",
                   help="learning rule of random pattern networks (default hebb)")
    m = parser.add_argument_group("search")
    m.add_argument("--method", choices=("auto", "exact", "sampled"), default="auto",
                   help=f"exact basins, sampled search, or auto (exact if N <= "
                        f"{AUTO_EXACT_MAX}) (default auto)")
    m.add_argument("--dynamics", choices=("sync", "sequential", "async"), default=None,
                   help="exact: sync (default) or sequential sweeps; sampled: async random "
                        "order (default), sequential or sync")
    m.add_argument("--starts", type=int, default=1000, metavar="K",
                   help="sampled: number of starts (default 1000)")
    m.add_argument("--from", dest="start_from", choices=("random", "patterns"), default=None,
                   help="sampled: random states, or stored patterns corrupted by --corruption "
                        "(default random)")
    m.add_argument("--corruption", type=float, default=0.1,
                   help="sampled: fraction of flipped spins of pattern starts (default 0.1)")
    m.add_argument("--max-sweeps", type=int, default=100,
                   help="sampled: sweep limit per start (default 100)")
    m.add_argument("--tol", type=float, default=None,
                   help="label tolerance: fraction of spins that may differ from a pattern "
                        "or mixture (default 0 exact, 0.05 sampled)")
    o = parser.add_argument_group("output")
    add_seed(o)
    add_json(o)
    add_out(o, help="write the network and the attractors to this HDF5 file (atomic)")
    o.add_argument("--fig", type=Path, default=None, metavar="PNG",
                   help="figure: energy vs basin size (plus the transition graph for N <= 12)")
    o.add_argument("--top", type=int, default=20,
                   help="attractors listed in the table/JSON (default 20; 0: all)")
    add_quiet(o)


# --------------------------------------------------------------------------- building blocks


def sk_couplings(n: int, rng):
    """Symmetric Gaussian couplings with variance 1/N and zero diagonal (the SK model)."""
    import numpy as np

    g = rng.standard_normal((n, n))
    J = (g + g.T) / np.sqrt(2.0 * n)
    np.fill_diagonal(J, 0.0)
    return J


def _read_couplings(path: Path):
    import numpy as np

    from esorma.networks import Hopfield

    if not path.exists():
        raise FileNotFoundError(f"--couplings: no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return Hopfield(np.load(path, allow_pickle=False))
    if suffix in (".h5", ".hdf5"):
        import h5py

        from esorma.io import load_network

        with h5py.File(path, "r") as fh:
            if "network" in fh:
                return load_network(fh)
            for key in ("J", "couplings"):
                if key in fh:
                    theta = fh["theta"][()] if "theta" in fh else None
                    return Hopfield(fh[key][()], theta=theta)
        raise ValueError(
            f"--couplings: {path} holds neither an esorma network nor a dataset 'J'/'couplings'"
        )
    raise ValueError(f"--couplings must be a .npy or .h5/.hdf5 file; got {path.name!r}")


def build_network(args, rng):
    """The network described by the command-line arguments."""
    from esorma._validation import check_int, check_real
    from esorma.networks import Hopfield
    from esorma.patterns import random_patterns

    if args.couplings is not None:
        if args.n is not None:
            raise ValueError("--n cannot be combined with --couplings (N comes from the file)")
        return _read_couplings(args.couplings), {"source": str(args.couplings)}
    n = check_int(12 if args.n is None else args.n, "--n", minimum=1)
    if args.sk:
        return Hopfield(sk_couplings(n, rng)), {"source": "sk", "n": n}
    if args.load is not None:
        alpha = check_real(args.load, "--load", minimum=0.0, strict_min=True)
        p = max(1, int(round(alpha * n)))
    else:
        p = check_int(3 if args.patterns is None else args.patterns, "--patterns", minimum=1)
    xi = random_patterns(p, n, rng=rng)
    return Hopfield.from_patterns(xi, rule=args.rule), {
        "source": "patterns", "n": n, "n_patterns": p, "rule": args.rule,
    }


def _seeds(seed: int):
    import numpy as np

    net_seed, run_seed = np.random.SeedSequence(seed).generate_state(2)
    return int(net_seed), int(run_seed)


def compute(args):
    """Build the network and find its attractors; returns ``(network, result, config)``."""
    import numpy as np

    from esorma._validation import check_int, check_probability
    from esorma.attractors import exact_basins, sample_attractors

    if args.seed is None or args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer; got {args.seed}")
    net_seed, run_seed = _seeds(args.seed)
    net, config = build_network(args, np.random.default_rng(net_seed))
    n = net.n_neurons
    method = args.method
    if method == "auto":
        method = "exact" if n <= AUTO_EXACT_MAX else "sampled"
    top = check_int(args.top, "--top", minimum=0)
    config.update(method=method, seed=args.seed, top=top)
    if method == "exact":
        dyn = args.dynamics or "sync"
        if dyn == "async":
            raise ValueError(
                "--dynamics must be sync or sequential with --method exact (random-order "
                "asynchronous dynamics is not a deterministic map); got async"
            )
        if args.start_from is not None:
            raise ValueError("--from only applies to --method sampled")
        tol = 0.0 if args.tol is None else args.tol
        res = exact_basins(net, mode=dyn, label_tol=tol)
        config.update(dynamics=dyn, tol=tol)
    else:
        dyn = args.dynamics or "async"
        mode, order = ("sync", "random") if dyn == "sync" else ("async", (
            "sequential" if dyn == "sequential" else "random"))
        start_from = args.start_from or "random"
        tol = 0.05 if args.tol is None else args.tol
        check_probability(args.corruption, "--corruption")
        res = sample_attractors(
            net, check_int(args.starts, "--starts", minimum=1), starts=start_from,
            corruption=args.corruption, mode=mode, order=order,
            max_sweeps=check_int(args.max_sweeps, "--max-sweeps", minimum=0),
            label_tol=tol, rng=run_seed,
        )
        config.update(dynamics=dyn, starts=args.starts, start_from=start_from,
                      corruption=args.corruption, max_sweeps=args.max_sweeps, tol=tol,
                      run_seed=run_seed)
    return net, res, config


def rows(result, top: int = 20) -> list[dict]:
    """One dict per attractor (the ``top`` largest basins; 0 = all) for tables and JSON."""
    import numpy as np

    exact = hasattr(result, "basin_sizes")
    k_count = result.attractors.shape[0]
    keep = k_count if top == 0 else min(top, k_count)
    names = result.labels.names if result.labels is not None else None
    out = []
    for k in range(keep):
        row = {
            "index": k,
            "label": names[k] if names else "-",
            "cycle_length": int(result.cycle_lengths[k]),
            "energy": float(result.energies[k]),
        }
        if exact:
            row["basin_size"] = int(result.basin_sizes[k])
            row["basin_fraction"] = float(result.basin_fractions[k])
        else:
            row["count"] = int(result.counts[k])
            row["basin_fraction"] = float(result.fractions[k])
            row["fraction_error"] = float(result.fraction_errors[k])
        if result.labels is not None:
            m = result.labels.overlaps[k]
            j = int(np.argmax(np.abs(m)))
            row["max_overlap"] = float(m[j])
            row["max_overlap_pattern"] = j
        out.append(row)
    return out


def format_table(result, top: int = 20) -> str:
    """A plain-text table of the attractors."""
    exact = hasattr(result, "basin_sizes")
    lines = []
    head = f"{'#':>4}  {'label':<22} {'cycle':>5} {'energy':>12}  "
    head += f"{'basin size':>10} {'fraction':>9}" if exact else f"{'hits':>6} {'fraction':>17}"
    head += f"  {'max m':>7}"
    lines.append(head)
    lines.append("-" * len(head))
    for r in rows(result, top):
        line = f"{r['index']:>4}  {r['label']:<22} {r['cycle_length']:>5} {r['energy']:>12.5g}  "
        if exact:
            line += f"{r['basin_size']:>10} {r['basin_fraction']:>9.4f}"
        else:
            line += f"{r['count']:>6} {r['basin_fraction']:>8.4f} ± {r['fraction_error']:.4f}"
        line += f"  {r['max_overlap']:>7.3f}" if "max_overlap" in r else f"  {'-':>7}"
        lines.append(line)
    k_count = result.attractors.shape[0]
    shown = k_count if top == 0 else min(top, k_count)
    if shown < k_count:
        lines.append(f"... and {k_count - shown} more (use --top 0 to list all)")
    return "\n".join(lines)


def headline(net, result, config) -> str:
    s = result.summary()
    kind = (f"{config.get('rule', '')} network, P = {config['n_patterns']}"
            if config["source"] == "patterns" else
            ("SK network" if config["source"] == "sk" else f"couplings from {config['source']}"))
    if hasattr(result, "basin_sizes"):
        txt = (f"exact {result.mode} basins of a {kind}, N = {net.n_neurons}: "
               f"{s['n_attractors']} attractors ({s['n_fixed_points']} fixed points, "
               f"{s['n_cycles']} cycles) over {s['n_states']} states in {s['seconds']:.2f} s")
    else:
        txt = (f"sampled search ({result.mode}/{result.order}) on a {kind}, "
               f"N = {net.n_neurons}: {s['n_attractors']} attractors from {s['n_starts']} "
               f"{result.starts} starts ({s['n_unconverged']} unconverged"
               f"{', s and -s merged' if result.flip_merged else ''}) in {s['seconds']:.2f} s")
    if "label_counts" in s:
        c = s["label_counts"]
        txt += "\nlabels: " + ", ".join(f"{v} {k}" for k, v in c.items())
    return txt


def make_figure(result, *, graph_max_neurons: int = 12, title_prefix: str = ""):
    """Energy vs basin size, with the transition graph beside it for small exact results."""
    import matplotlib.pyplot as plt

    from esorma.plotting.attractors import plot_energy_vs_basin, plot_transition_graph

    graph = (hasattr(result, "basin_sizes") and result.successors is not None
             and result.n_neurons <= graph_max_neurons)
    if graph:
        fig, (a, b) = plt.subplots(1, 2, figsize=(13.5, 6.0))
        plot_energy_vs_basin(result, ax=a)
        plot_transition_graph(result, ax=b)
    else:
        fig, a = plt.subplots(figsize=(7.0, 5.0))
        plot_energy_vs_basin(result, ax=a)
    if title_prefix:
        fig.suptitle(title_prefix, fontsize=11)
    fig.tight_layout()
    return fig


def save(path, net, result, config, seed):
    from esorma.io import save_result

    return save_result(path, AttractorRun(network=net, result=result), kind="attractors",
                       config=config, seed=seed)


# --------------------------------------------------------------------------- command


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from esorma.cli._common import print_json, save_figure

    net, result, config = compute(args)
    top = config["top"]
    if args.out is not None:
        save(args.out, net, result, config, args.seed)
    if args.fig is not None:
        save_figure(make_figure(result), args.fig)
    if args.json:
        print_json({"config": config, "summary": result.summary(), "attractors": rows(result, top)})
        return 0
    if not args.quiet:
        print(headline(net, result, config))
        print()
    print(format_table(result, top))
    for p, what in ((args.out, "results"), (args.fig, "figure")):
        if p is not None and not args.quiet:
            print(f"{what}: {p}")
    return 0


def tour(ctx) -> None:
    """Tour section: exact basins of a 12-neuron Hebb network, then a search at N = 1000."""
    import argparse

    import numpy as np

    from esorma.cli._common import save_figure

    parser = argparse.ArgumentParser()
    add_arguments(parser)

    # 1. exact: every fixed point (sequential sweeps) and the synchronous basins
    args = parser.parse_args(["--n", "12", "--patterns", "3", "--method", "exact",
                              "--dynamics", "sequential", "--seed", str(ctx.seed)])
    net, seq, _ = compute(args)
    names = seq.labels.names
    ctx.log(f"N = 12, P = 3 Hebb: {seq.n_fixed_points} fixed points, all found exactly: "
            + ", ".join(names))
    args.dynamics = "sync"
    net, sync, config = compute(args)
    two = int(np.sum(sync.cycle_lengths == 2))
    lab = sync.labels
    pat = lab.kind <= 1
    ctx.log(f"synchronous map over all 4096 states: {sync.n_attractors} attractors "
            f"({sync.n_fixed_points} fixed points, {two} two-cycles); basins of the stored "
            f"patterns and their reversals hold {sync.basin_fractions[pat].sum():.1%} of the "
            f"states (sequential sweeps: {seq.basin_fractions[seq.labels.kind <= 1].sum():.1%})")
    h5 = save(ctx.path("attractors-exact.h5"), net, sync, config, ctx.seed)
    import matplotlib.pyplot as plt

    from esorma.plotting.attractors import plot_energy_vs_basin, plot_transition_graph

    fig, axes = plt.subplots(1, 3, figsize=(19.0, 6.2))
    plot_energy_vs_basin(sync, ax=axes[0])
    plot_transition_graph(sync, ax=axes[1])
    plot_transition_graph(seq, ax=axes[2])
    fig.suptitle(f"exact attractors of a 12-neuron Hebb network with P = 3 (seed {ctx.seed})")
    fig.tight_layout()
    png = save_figure(fig, ctx.path("attractors-exact.png"))
    ctx.log(f"wrote {h5.name} and {png.name}")

    # 2. sampled: N = 1000, P = 10, random starts
    args = parser.parse_args(["--n", "1000", "--patterns", "10", "--method", "sampled",
                              "--starts", "800", "--seed", str(ctx.seed)])
    net2, samp, config2 = compute(args)
    c = samp.labels.counts()
    frac_pat = float(samp.fractions[samp.labels.kind == 0].sum())
    frac_mix = float(samp.fractions[samp.labels.kind == 2].sum())
    ctx.log(f"N = 1000, P = 10, 800 random starts (async): {samp.n_attractors} attractors up to "
            f"s -> -s; {c['pattern']} stored patterns (basin fraction {frac_pat:.2f}), "
            f"{c['mixture']} odd mixtures ({frac_mix:.2f}), {c['spurious']} spurious; "
            f"{samp.seconds:.1f} s")
    h5b = save(ctx.path("attractors-sampled.h5"), net2, samp, config2, ctx.seed)
    pngb = save_figure(make_figure(samp), ctx.path("attractors-sampled.png"))
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

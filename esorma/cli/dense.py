"""``esorma dense``: dense associative memories (modern Hopfield networks).

Three studies, chosen by the positional argument: ``landscape`` (exact fixed points and basins
against the interaction order), ``capacity`` (P_max(N) against the Krotov–Hopfield and
Demircigil et al. scalings, with a resumable checkpoint) and ``continuous`` (the β transition
and the separation bound of Ramsauer et al.). Each calls one study function of
:mod:`esorma.dense` and ends with :func:`esorma.cli._common.finish`.
"""

from __future__ import annotations

NAME = "dense"
HELP = "dense associative memories: attractor landscape, capacity, continuous modern Hopfield"
DESCRIPTION = """\
Dense associative memories E = -sum_mu F(xi^mu . s) with F(x) = x^n (Krotov & Hopfield 2016)
or F(x) = e^x (Demircigil et al. 2017), and the continuous modern Hopfield network
(Ramsauer et al. 2020).

  landscape   every fixed point of small networks storing the same patterns with each model
              (exact enumeration of 2^N states), their kinds (patterns, reversed patterns,
              odd mixtures, spurious) and basins from random starts.
  capacity    error-free retrieval against P for each model and N (a resumable sweep:
              --checkpoint FILE.h5), P_max(N) at the 1/2 crossing, fitted exponents with
              error bars against N^(n-1)/(2 (2n-3)!! ln N) and, for exp, the typical-
              pattern rate I(1-2 rho) and Demircigil et al.'s all-pattern rate
              I(1-2 rho)/2 (use --corruption 0.2 --scale finite for exp).
  continuous  fixed points of the softmax update from every stored pattern against beta
              (global average -> metastable -> single pattern) and the separation condition
              of Ramsauer et al. checked on random patterns.

Nothing is written unless asked (--out, --figure, --checkpoint)."""
EXAMPLES = [
    "esorma dense landscape --n 16 --patterns 6",
    "esorma dense capacity --models poly2 poly3 --sizes 50 100 200 --figure dense.png",
    "esorma dense capacity --models exp --sizes 20 30 40 --corruption 0.2 --scale finite "
    "--loads 0.15 0.3 0.5 1 --checkpoint exp.h5 --json",
    "esorma dense continuous --betas 0.5 5 50 500",
]
ORDER = 85

_DEFAULT_SIZES = {"poly2": [50, 100, 200, 400], "poly3": [50, 100, 200, 400],
                  "poly4": [30, 50, 80, 120], "exp": [12, 16, 20, 24]}


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("study", choices=("landscape", "capacity", "continuous"),
                        help="which study to run")
    parser.add_argument("--models", nargs="+", default=None, metavar="MODEL",
                        help="polyN (F = x^N) or exp (landscape default: poly2..poly5 exp; "
                             "capacity default: poly2 poly3 poly4 exp)")
    parser.add_argument("--n", type=int, default=16,
                        help="landscape: number of neurons (default 16, at most 30)")
    parser.add_argument("--patterns", type=int, default=4,
                        help="landscape: number of patterns (default 4)")
    parser.add_argument("--starts", type=int, default=2000,
                        help="landscape: random starts for the basins (default 2000)")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, metavar="N",
                        help="capacity: network sizes for every model (default per model)")
    parser.add_argument("--loads", type=float, nargs="+",
                        default=[0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0], metavar="L",
                        help="capacity: P / P_theory(N) grid (default 0.5 .. 4)")
    parser.add_argument("--networks", type=int, default=2, help="capacity: networks per point")
    parser.add_argument("--probes", type=int, default=20, help="capacity: probes per network")
    parser.add_argument("--corruption", type=float, default=0.0,
                        help="capacity: fraction of flipped spins in the starts (default 0)")
    parser.add_argument("--scale", choices=("theory", "finite"), default="theory",
                        help="capacity: P = load x the asymptotic law (theory) or x the finite-N "
                             "prediction (finite: centres the grid on the transition; use it "
                             "for exp with --corruption 0.2)")
    parser.add_argument("--checkpoint", default=None, metavar="FILE.h5",
                        help="capacity: resumable sweep file (written only if given)")
    parser.add_argument("--workers", type=int, default=1, help="capacity: worker processes")
    parser.add_argument("--betas", type=float, nargs="+",
                        default=[0.5, 2.0, 5.0, 20.0, 50.0, 100.0, 500.0], metavar="BETA",
                        help="continuous: inverse temperatures")
    add_outputs(parser, figure=True, seed=0)


def run(args) -> int:
    from esorma.cli._common import finish, progress

    say = progress(args)
    if args.study == "landscape":
        from esorma.dense import landscape_study
        from esorma.plotting.dense import landscape_figure

        models = args.models or ["poly2", "poly3", "poly4", "poly5", "exp"]
        say(f"esorma dense landscape: N={args.n}, P={args.patterns}, models {' '.join(models)}")
        res = landscape_study(args.n, args.patterns, models, n_starts=args.starts,
                              rng=args.seed)
        config = {"study": "landscape", "n": args.n, "patterns": args.patterns,
                  "models": models, "starts": args.starts}
        return finish(args, res, summary=res.key_numbers(), text=res.text(),
                      draw=landscape_figure, config=config, seed=args.seed)
    if args.study == "capacity":
        from esorma.dense import DenseCapacityConfig, dense_capacity_study
        from esorma.plotting.dense import capacity_figure

        models = args.models or ["poly2", "poly3", "poly4", "exp"]
        sizes = {m: (list(args.sizes) if args.sizes else _DEFAULT_SIZES.get(m, [20, 40]))
                 for m in models}
        cfg = DenseCapacityConfig(sizes, loads=args.loads, n_networks=args.networks,
                                  n_probes=args.probes, corruption=args.corruption,
                                  scale=args.scale)
        say(f"esorma dense capacity: {sizes}, loads {args.loads}")
        rep = dense_capacity_study(cfg, seed=args.seed, checkpoint=args.checkpoint,
                                   workers=args.workers,
                                   progress=not (args.quiet or args.json))
        return finish(args, rep, summary=rep.key_numbers(), text=rep.text(),
                      draw=capacity_figure, config={"study": "capacity", **cfg.to_dict()},
                      seed=args.seed)
    from esorma.dense import continuous_study
    from esorma.plotting.dense import continuous_figure

    say(f"esorma dense continuous: betas {args.betas}")
    res = continuous_study(args.betas, rng=args.seed)
    return finish(args, res, summary=res.key_numbers(), text=res.text(),
                  draw=continuous_figure, config={"study": "continuous", "betas": args.betas},
                  seed=args.seed)


def tour(ctx) -> None:
    """Dense memories in a few seconds (about 5 s of CPU): landscape N = 12 with four models,
    a small capacity sweep (n = 2, 3, and e^x from 20 % noise), the β transition."""
    import time

    from esorma.dense import (
        DenseCapacityConfig,
        continuous_study,
        dense_capacity_study,
        landscape_study,
    )
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.dense import capacity_figure, continuous_figure, landscape_figure

    cpu0 = time.process_time()
    ls = landscape_study(12, 4, ("poly2", "poly3", "poly4", "exp"), n_starts=200,
                         rng=ctx.seed)
    save_result(ctx.path("dense_landscape.h5"), ls, config={"n": 12, "patterns": 4},
                seed=ctx.seed)
    save_figure(landscape_figure(ls), ctx.path("dense_landscape.png"))
    for line in ls.text():
        ctx.log(line)
    cfg = DenseCapacityConfig({"poly2": [40, 80], "poly3": [40, 80]},
                              loads=[0.5, 1.0, 2.0, 4.0], n_networks=1, n_probes=10)
    rep = dense_capacity_study(cfg, seed=ctx.seed)
    save_result(ctx.path("dense_capacity.h5"), rep, config=cfg.to_dict(), seed=ctx.seed)
    save_figure(capacity_figure(rep), ctx.path("dense_capacity.png"))
    for line in rep.text():
        ctx.log(line)
    ecfg = DenseCapacityConfig({"exp": [20, 30]}, loads=[0.25, 0.5, 1.0], n_networks=1,
                               n_probes=20, corruption=0.2, scale="finite")
    erep = dense_capacity_study(ecfg, seed=ctx.seed)
    save_result(ctx.path("dense_exp_capacity.h5"), erep, config=ecfg.to_dict(), seed=ctx.seed)
    for line in erep.text()[1:-1]:
        ctx.log(line)
    cs = continuous_study((0.5, 5.0, 50.0, 500.0), separation_patterns=(4, 64, 256),
                          rng=ctx.seed)
    save_result(ctx.path("dense_continuous.h5"), cs, config={"betas": [0.5, 5, 50, 500]},
                seed=ctx.seed)
    save_figure(continuous_figure(cs), ctx.path("dense_continuous.png"))
    ctx.record(fixed_points={str(m): int(c) for m, c in zip(ls.models, ls.n_fixed_points)},
               p_max={f"{m} N={int(n)}": round(float(p), 1)
                      for m, n, p in zip(rep.size_model, rep.size_n, rep.p_max)},
               exp_p_max={f"N={int(n)}": round(float(p), 1)
                          for n, p in zip(erep.size_n, erep.p_max)},
               beta_fractions=cs.transition.fractions.round(3).tolist(),
               cpu_seconds=round(time.process_time() - cpu0, 2))

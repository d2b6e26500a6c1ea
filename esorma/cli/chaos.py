"""The transition to chaos of a random rate network (Sompolinsky, Crisanti & Sommers 1988).

For each gain g the network dx/dt = -x + J tanh(g x) with a random coupling matrix J
(Ginibre: variance 1/N, or elliptic with correlation tau) is integrated with a compiled RK4
together with one tangent vector, and the maximal Lyapunov exponent is measured (Benettin).
The origin's Jacobian is -1 + g J; as N -> infinity the eigenvalues of J fill the ellipse with
semi-axes 1 + tau and 1 - tau (tau = 0: the unit disc), so below the critical gain
g_c = 1 / (1 + tau) (g_c = 1 for Ginibre) the origin attracts and
lambda_max = -1 + g * max Re eig(J) ~ g (1 + tau) - 1 < 0; above g_c the network is chaotic
(lambda_max > 0). Prints one row per gain and draws the curve (chaos.png unless --json, or
--figure PATH; --no-figure draws nothing).
"""

from __future__ import annotations

from pathlib import Path

NAME = "chaos"
HELP = "maximal Lyapunov exponent of a random rate network against the gain (SCS transition)"
EXAMPLES = [
    "esorma chaos --g 0.5 1.0 1.5 2.0 --n 500",
    "esorma chaos --g 0.8 1.2 1.6 2.0 --n 1000 --t-max 500 --figure chaos.png --out chaos.h5",
    "esorma chaos --ensemble elliptic --tau 0.5 --g 1.0 1.5 2.0 --json",
]
ORDER = 80
DEFAULT_FIGURE = "chaos.png"


def add_arguments(parser):
    from esorma.cli._common import add_json, add_out, add_quiet, add_seed

    parser.add_argument("--g", type=float, nargs="+", default=[0.5, 1.0, 1.5, 2.0],
                        metavar="G", help="gains to sweep (default 0.5 1.0 1.5 2.0)")
    parser.add_argument("--n", type=int, default=500, help="number of neurons (default 500)")
    parser.add_argument("--ensemble", choices=("ginibre", "elliptic"), default="ginibre",
                        help="coupling ensemble (default ginibre, variance 1/N)")
    parser.add_argument("--tau", type=float, default=0.0,
                        help="elliptic: correlation of J_ij and J_ji (default 0)")
    parser.add_argument("--t-max", dest="t_max", type=float, default=200.0,
                        help="measurement time per gain (default 200)")
    parser.add_argument("--t-transient", dest="t_transient", type=float, default=50.0,
                        help="discarded transient per gain (default 50)")
    parser.add_argument("--dt", type=float, default=0.1, help="RK4 step (default 0.1)")
    import argparse

    parser.add_argument("--figure", dest="figure", type=Path, default=None, metavar="PATH",
                        help="draw the curve and the origin's Jacobian spectrum here (default: "
                             f"{DEFAULT_FIGURE} in the current folder, unless --json)")
    parser.add_argument("--no-figure", dest="no_figure", action="store_true",
                        help="draw no figure")
    # Old spellings, kept as hidden aliases.
    parser.add_argument("--plot", dest="figure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-plot", dest="no_figure", action="store_true",
                        help=argparse.SUPPRESS)
    add_seed(parser)
    add_json(parser)
    add_out(parser)
    add_quiet(parser)


def _couplings(args):
    from esorma._validation import check_int

    n = check_int(args.n, "--n", minimum=2)
    if args.ensemble == "ginibre":
        from esorma.spectra.ensembles import ginibre

        return ginibre(n, rng=args.seed)
    from esorma.spectra.ensembles import elliptic

    return elliptic(n, args.tau, rng=args.seed)


def _tau(args) -> float:
    return float(args.tau) if args.ensemble == "elliptic" else 0.0


def _check_gains(gains):
    import numpy as np

    g = np.atleast_1d(np.asarray(gains, dtype=float))
    if g.ndim != 1 or g.size == 0 or not np.all(np.isfinite(g)) or np.any(g <= 0):
        raise ValueError(f"gains must be a non-empty list of finite numbers > 0; got "
                         f"{list(gains)!r}")
    return g


def _figure_path(args):
    """Where to draw: --figure PATH, else chaos.png unless --json; None with --no-figure."""
    if args.no_figure:
        return None
    if args.figure is not None:
        return args.figure
    return None if args.json else Path(DEFAULT_FIGURE)


def _draw(sweep, path, title, tau=0.0):
    from esorma.cli._common import save_figure

    return save_figure(_make_figure(sweep, title, tau), path)


def _make_figure(sweep, title, tau=0.0):
    """The two panels: lambda_max against g with the theory for ``tau``, and the origin's
    Jacobian spectrum at the largest gain with its (elliptic) law."""
    import matplotlib.pyplot as plt

    from esorma.plotting.stability import plot_jacobian_spectrum, plot_lyapunov_vs_gain

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11.0, 4.6))
    plot_lyapunov_vs_gain(sweep.gains, sweep.exponents, sweep.stderr,
                          label=f"N = {sweep.n_neurons}", ax=a1, title=title, tau=tau)
    stable = sweep.origin_abscissa < 0
    if stable.any():
        a1.plot(sweep.gains[stable], sweep.origin_abscissa[stable], "s", mfc="none",
                color="C3", ms=7, label="max Re eig(−1 + gJ) where the origin is stable")
    a1.legend(fontsize=8)
    g = float(sweep.gains.max())
    plot_jacobian_spectrum(-1.0 + g * sweep.origin_eigenvalues, gain=g, tau=tau, ax=a2,
                           title=f"origin's Jacobian −1 + gJ at g = {g:g}"
                                 + (f", τ = {tau:g}" if tau else ""))
    fig.tight_layout()
    return fig


def _write_h5(path, sweep, config, seed):
    from esorma.io import atomic_h5

    with atomic_h5(path, kind="chaos_sweep", config=config, seed=seed) as fh:
        for name in ("gains", "exponents", "stderr", "origin_abscissa", "origin_eigenvalues",
                     "seeds", "seconds"):
            fh.create_dataset(name, data=getattr(sweep, name))
        fh.attrs["n_neurons"] = sweep.n_neurons
        fh.attrs["t_max"] = sweep.t_max
        fh.attrs["t_transient"] = sweep.t_transient
        fh.attrs["dt"] = sweep.dt
    return path


def _config(args):
    return {"n": args.n, "gains": list(args.g), "ensemble": args.ensemble, "tau": args.tau,
            "t_max": args.t_max, "t_transient": args.t_transient, "dt": args.dt}


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from esorma.cli._common import print_json
    from esorma.stability import chaos_sweep

    _check_gains(args.g)
    J = _couplings(args)
    tau = _tau(args)
    figure = _figure_path(args)
    show = not (args.quiet or args.json)

    def progress(i, res):
        if show:
            state = "chaotic" if res.maximal > 3 * res.stderr[0] else (
                "stable" if res.maximal < -3 * res.stderr[0] else "marginal")
            print(f"{args.g[i]:>8.3g} {res.maximal:>+12.5f} {res.stderr[0]:>10.5f}  {state}",
                  flush=True)

    if show:
        print(f"esorma chaos: N={J.shape[0]} {args.ensemble}"
              f"{f' tau={args.tau:g}' if args.ensemble == 'elliptic' else ''}, "
              f"t_max={args.t_max:g}, transient={args.t_transient:g}, dt={args.dt:g}, "
              f"seed={args.seed}")
        print(f"{'g':>8} {'lambda_max':>12} {'stderr':>10}  state")
    sweep = chaos_sweep(J, args.g, t_max=args.t_max, t_transient=args.t_transient, dt=args.dt,
                        rng=args.seed + 1, callback=progress)
    files = {}
    if figure is not None:
        title = (f"λ_max vs g: N={sweep.n_neurons} {args.ensemble}"
                 f"{f' τ={tau:g}' if args.ensemble == 'elliptic' else ''}, "
                 f"T={sweep.t_max:g}, seed {args.seed}")
        files["figure"] = str(_draw(sweep, figure, title, tau=tau))
    if args.out is not None:
        files["out"] = str(_write_h5(args.out, sweep, _config(args), args.seed))
    if args.json:
        print_json({"n": sweep.n_neurons, "gains": sweep.gains, "exponents": sweep.exponents,
                    "stderr": sweep.stderr, "origin_abscissa": sweep.origin_abscissa,
                    "chaotic": sweep.chaotic, "critical_gain": 1.0 / (1.0 + tau),
                    "seed": args.seed, "files": files})
    elif not args.quiet:
        for k, v in files.items():
            print(f"wrote {v}")
    return 0


def tour(ctx) -> None:
    """A short SCS sweep: N = 300, six gains, T = 400 each after a transient of 100 (~2 s)."""
    from esorma.spectra.ensembles import ginibre
    from esorma.stability import chaos_sweep

    n, t_max, t_transient = 300, 400.0, 100.0
    J = ginibre(n, rng=ctx.seed)
    gains = [0.5, 0.8, 1.0, 1.3, 1.6, 2.0]
    sweep = chaos_sweep(J, gains, t_max=t_max, t_transient=t_transient, rng=ctx.seed + 1)
    _draw(sweep, ctx.path("chaos_transition.png"),
          f"λ_max vs g: N={n} Ginibre, T={t_max:g}, seed {ctx.seed}")
    _write_h5(ctx.path("chaos_transition.h5"), sweep,
              {"n": n, "gains": gains, "t_max": t_max, "t_transient": t_transient}, ctx.seed)
    for g, lam, se in zip(sweep.gains, sweep.exponents, sweep.stderr):
        ctx.log(f"g={g:<4g} lambda_max={lam:+.4f} +- {se:.4f}")
    ctx.record(n=n, gains=gains, lambda_max=[round(float(x), 5) for x in sweep.exponents],
               stderr=[round(float(x), 5) for x in sweep.stderr],
               n_chaotic=int(sweep.chaotic.sum()))

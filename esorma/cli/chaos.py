"""``esorma chaos``: the transition to chaos of a random rate network (SCS 1988).

Parses the flags, calls :func:`esorma.stability.chaos_study`, and ends with
:func:`esorma.cli._common.finish` (``--out`` result, ``--figure`` drawn by
:func:`esorma.plotting.stability.chaos_figure`, ``--json``).
"""

from __future__ import annotations

NAME = "chaos"
HELP = "maximal Lyapunov exponent of a random rate network against the gain (SCS transition)"
DESCRIPTION = """\
The transition to chaos of a random rate network (Sompolinsky, Crisanti & Sommers 1988).

For each gain g the network dx/dt = -x + J tanh(g x) with a random coupling matrix J (Ginibre:
variance 1/N, or elliptic with correlation tau) is integrated together with one tangent vector,
and the maximal Lyapunov exponent lambda_max is measured with its standard error.

Below the critical gain g_c = 1/(1 + tau) (g_c = 1 for Ginibre) the origin attracts and
lambda_max ~ g (1 + tau) - 1 < 0; above it the network is chaotic (lambda_max > 0).

Each gain is reported as chaotic (lambda_max > 3 standard errors), stable (lambda_max < -3
standard errors) or marginal (zero within 3 standard errors). Nothing is written unless asked:
--out FILE.h5 saves the result, --figure FILE.png draws the curve and the origin's Jacobian
spectrum."""
EXAMPLES = [
    "esorma chaos --g 0.5 1.0 1.5 2.0 --n 500",
    "esorma chaos --g 0.8 1.2 1.6 2.0 --n 1000 --t-max 500 --figure chaos.png --out chaos.h5",
    "esorma chaos --ensemble elliptic --tau 0.5 --g 1.0 1.5 2.0 --json",
]
ORDER = 80


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("--g", type=float, nargs="+", default=[0.5, 1.0, 1.5, 2.0],
                        metavar="G", help="gains to sweep (default 0.5 1.0 1.5 2.0)")
    parser.add_argument("--n", type=int, default=500, help="number of neurons (default 500)")
    parser.add_argument("--ensemble", choices=("ginibre", "elliptic"), default="ginibre",
                        help="coupling ensemble (default ginibre, variance 1/N)")
    parser.add_argument("--tau", type=float, default=None,
                        help="elliptic: correlation of J_ij and J_ji, in (-1, 1] (default 0)")
    parser.add_argument("--t-max", dest="t_max", type=float, default=200.0,
                        help="measurement time per gain (default 200)")
    parser.add_argument("--t-transient", dest="t_transient", type=float, default=50.0,
                        help="discarded transient per gain (default 50)")
    parser.add_argument("--dt", type=float, default=0.1, help="RK4 step (default 0.1)")
    add_outputs(parser, figure=True, seed=0,
                figure_help="draw lambda_max against g and the origin's Jacobian spectrum "
                            "(.png, .pdf or .svg)")


def _row(g, lam, se, state) -> str:
    return f"{g:>8.3g} {lam:>+12.5f} {se:>10.5f}  {state}"


def _dt_note(asked: float, used: float) -> str | None:
    """A line saying the RK4 step used differs from the one asked (None when they agree)."""
    if used == asked or not (used == used):  # equal, or NaN (no fixed step)
        return None
    return (f"dt: asked {asked:g}, used {used:g} (a whole number of RK4 steps per "
            f"renormalisation interval of 1)")


def _text(study, asked_dt=None) -> list[str]:
    """The closing lines: which gains are in which state, and the theory's critical gain."""
    lines = []
    note = None if asked_dt is None else _dt_note(asked_dt, study.sweep.dt)
    if note:
        lines.append(note)
    for state in ("chaotic", "marginal", "stable"):
        sel = study.states == state
        if sel.any():
            gains = ", ".join(f"{g:g}" for g in study.gains[sel])
            lines.append(f"{state:>8}: g = {gains}")
    lines.append(f"chaotic / stable: lambda_max beyond +-3 standard errors, else marginal; "
                 f"the origin loses stability at g_c = 1/(1+tau) = {study.critical_gain:.4g} "
                 f"(N -> infinity)")
    return lines


def _config(args, tau) -> dict:
    return {"n": args.n, "gains": list(args.g), "ensemble": args.ensemble, "tau": tau,
            "t_max": args.t_max, "t_transient": args.t_transient, "dt": args.dt}


def run(args) -> int:
    import math

    from esorma._validation import check_int, check_real
    from esorma.cli._common import finish, progress
    from esorma.plotting.stability import chaos_figure
    from esorma.stability import chaos_study, classify_exponents

    n = check_int(args.n, "--n", minimum=2)
    if any(not (g > 0 and g < float("inf")) for g in args.g):
        raise ValueError(f"--g: gains must be finite numbers > 0; got {args.g}")
    if args.tau is not None and args.ensemble != "elliptic":
        raise ValueError("--tau is the correlation of the elliptic ensemble: add "
                         "--ensemble elliptic")
    tau = 0.0 if args.tau is None else check_real(args.tau, "--tau", minimum=-1.0, maximum=1.0,
                                                  strict_min=True)
    say = progress(args)

    def on_gain(i, res):
        state = classify_exponents([res.maximal], [res.stderr[0]])[0]
        say(_row(args.g[i], res.maximal, res.stderr[0], state))

    dt = check_real(args.dt, "--dt", minimum=0.0, strict_min=True)
    used = 1.0 / max(1, int(math.ceil(1.0 / dt - 1e-9)))  # as lyapunov_spectrum fits it
    dt_text = f"dt={dt:g}" if used == dt else f"dt={dt:g} (used: {used:g})"
    say(f"esorma chaos: N={n} {args.ensemble}"
        f"{f' tau={tau:g}' if args.ensemble == 'elliptic' else ''}, t_max={args.t_max:g}, "
        f"transient={args.t_transient:g}, {dt_text}, seed={args.seed}")
    say(f"{'g':>8} {'lambda_max':>12} {'stderr':>10}  state")
    study = chaos_study(n, args.g, ensemble=args.ensemble, tau=tau, t_max=args.t_max,
                        t_transient=args.t_transient, dt=args.dt, rng=args.seed,
                        callback=on_gain)
    summary = study.summary()  # "dt" is the step used; "dt_requested" the one asked for
    summary["dt_requested"] = dt
    return finish(args, study, summary=summary, text=_text(study, dt), draw=chaos_figure,
                  config=_config(args, tau), seed=args.seed)


def tour(ctx) -> None:
    """A short SCS sweep: N = 300, six gains, T = 400 each after a transient of 100 (~2 s)."""
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.stability import chaos_figure
    from esorma.stability import chaos_study

    n, gains, t_max, t_transient = 300, [0.5, 0.8, 1.0, 1.3, 1.6, 2.0], 400.0, 100.0
    study = chaos_study(n, gains, t_max=t_max, t_transient=t_transient, rng=ctx.seed)
    config = {"n": n, "gains": gains, "ensemble": "ginibre", "tau": 0.0, "t_max": t_max,
              "t_transient": t_transient, "dt": study.sweep.dt}
    save_result(ctx.path("chaos_transition.h5"), study, config=config, seed=ctx.seed)
    save_figure(chaos_figure(study), ctx.path("chaos_transition.png"))
    for g, lam, se, state in zip(study.gains, study.exponents, study.stderr, study.states):
        ctx.log(f"g={g:<4g} lambda_max={lam:+.4f} +- {se:.4f}  {state}")
    s = study.summary()
    ctx.record(n=n, gains=gains, lambda_max=[round(float(x), 5) for x in study.exponents],
               stderr=[round(float(x), 5) for x in study.stderr], states=s["states"],
               n_chaotic=s["n_chaotic"], n_marginal=s["n_marginal"], n_stable=s["n_stable"],
               critical_gain=s["critical_gain"])

"""``esorma bridge``: train a small network on a Boolean task and read it as logic.

Parses the flags, calls :func:`esorma.bridge.bridge_study`, and prints, saves or draws its
:class:`~esorma.bridge.BridgeRun` (figure: :func:`esorma.plotting.bridge.draw_bridge_run`).
"""

from __future__ import annotations

NAME = "bridge"
HELP = "train an MLP on a Boolean task; phases, exact formulas, fidelity (e.g. 6-multiplexer)"
DESCRIPTION = (
    "Train a small network (an MLP with exact gradients) on the full truth table of a Boolean "
    "task and read it as logic.\n\n"
    "Every recorded epoch is labelled linear, hybrid or saturated; the saturated phase starts "
    "at the first epoch of the final saturated stretch (one number, the same in the text, the "
    "JSON and the figure). Then the exact formula of every unit and the minimised formula of "
    "the whole binarised network are extracted, and their fidelity to the real network is "
    "checked (agreement on every input, smallest margin, certificate). By default training "
    "runs until the network first meets the saturation rule and then as long again "
    "(--after 1), so the figure shows all three phases. The figure has five panels: phase "
    "diagnostics, activation histograms, loss, finite-time Lyapunov exponents of the "
    "gradient-descent map, and the binarised network as a graph."
)
EXAMPLES = [
    "esorma bridge multiplexer",
    "esorma bridge xor --figure xor.png",
    "esorma bridge parity --n-inputs 4 --hidden 8 --json",
    "esorma bridge majority --n-inputs 5 --activation tanh --out majority.h5",
]
ORDER = 70

TASK_CHOICES = ("xor", "parity", "sparse_parity", "majority", "multiplexer", "mux6",
                "random_dnf")
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu")  # esorma.bridge.ACTIVATIONS (no import here)


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("task", choices=TASK_CHOICES, help="Boolean task")
    parser.add_argument("--n-inputs", type=int, default=None,
                        help="inputs of parity/sparse_parity/majority/random_dnf")
    parser.add_argument("--hidden", type=str, default=None,
                        help="hidden widths, comma-separated (default: per task, e.g. 12 for mux)")
    parser.add_argument("--activation", choices=ACTIVATION_CHOICES, default="sigmoid",
                        help="hidden activation (default sigmoid; relu trains but has no "
                             "saturated phase and no formula)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="learning rate (default per task)")
    parser.add_argument("--epochs", type=int, default=20000,
                        help="most epochs to train (default 20000)")
    parser.add_argument("--after", type=float, default=1.0,
                        help="keep training this multiple of the epochs the pilot run needed to "
                             "meet the saturation rule (default 1.0)")
    parser.add_argument("--init-scale", type=float, default=1.0,
                        help="initial weight scale (default 1; try 1e-3 on xor)")
    parser.add_argument("--batch-size", type=int, default=None, help="mini-batch size")
    parser.add_argument("--margin", type=float, default=0.1, help="saturation margin (0.1)")
    parser.add_argument("--no-lyapunov", action="store_true",
                        help="skip the finite-time Lyapunov exponents")
    add_outputs(parser, seed=0,
                figure_help="draw the phases, the Lyapunov exponents and the network graph "
                            "to this file (.png, .pdf or .svg)")


def _parse_hidden(text):
    if text is None:
        return None
    try:
        out = tuple(int(t) for t in str(text).replace(" ", "").split(",") if t)
    except ValueError as exc:
        raise ValueError(f"--hidden must be comma-separated positive integers; got {text!r}") \
            from exc
    if not out or any(h < 1 for h in out):
        raise ValueError(f"--hidden must be comma-separated positive integers; got {text!r}")
    return out


def _check_flags(args):
    from esorma._validation import check_int, check_real

    if args.learning_rate is not None:
        check_real(args.learning_rate, "--learning-rate", minimum=0.0, strict_min=True)
    check_int(args.epochs, "--epochs", minimum=1)
    check_real(args.after, "--after", minimum=0.0)
    check_real(args.init_scale, "--init-scale", minimum=0.0)
    if args.n_inputs is not None:
        check_int(args.n_inputs, "--n-inputs", minimum=1)
    if args.batch_size is not None:
        check_int(args.batch_size, "--batch-size", minimum=1)
    check_real(args.margin, "--margin", minimum=0.0, maximum=0.5, strict_min=True,
               strict_max=True)
    return _parse_hidden(args.hidden)


def _config(args, hidden) -> dict:
    return {"task": args.task, "n_inputs": args.n_inputs,
            "hidden": None if hidden is None else list(hidden), "activation": args.activation,
            "learning_rate": args.learning_rate, "n_epochs": args.epochs, "after": args.after,
            "init_scale": args.init_scale, "batch_size": args.batch_size,
            "margin": args.margin, "lyapunov": not args.no_lyapunov}


def report_lines(run) -> list:
    """The text report of a :class:`~esorma.bridge.BridgeRun` (what ``esorma bridge`` prints)."""
    s = run.summary()
    lines = [
        f"task {s['task']} ({s['n_inputs']} inputs): target {s['target']}",
        f"network: hidden {tuple(s['hidden'])}, {s['activation']}, learning rate "
        f"{s['learning_rate']:g}, seed {s['seed']}; trained {s['n_epochs_run']} epochs, loss "
        f"{s['final_loss']:.3g}, error {s['final_error']:.3g}",
        "phases:",
    ]
    lines += [f"  {p:<10} epochs {a}-{b}" for p, a, b in s["phases"]]
    if s["saturated_from"] is not None:
        lines.append(f"saturated phase: from epoch {s['saturated_from']} to the end "
                     f"({s['n_epochs_run']})")
    else:
        lines.append(f"saturated phase: not reached by the end (final phase "
                     f"{s['final_phase']})")
    if s["lyapunov_max"] is not None:
        lines.append("largest finite-time Lyapunov exponent of the GD map: "
                     f"{s['lyapunov_max']:.4g} per step")
    f = run.formula
    if f is None:
        lines.append(f"formula: not extracted ({run.formula_error})")
    else:
        for li, (names, forms) in enumerate(zip(f.layer_names[1:], f.unit_formulas), start=1):
            lines.append(f"layer {li}:")
            shown = names if li < len(f.unit_formulas) else [names[f.output]]
            for nm, uf in zip(shown, forms):
                lines.append(f"  {nm} = {'(too many terms to print)' if uf is None else uf.text}")
        lines.append(f"network formula ({f.n_terms} term{'' if f.n_terms == 1 else 's'}, "
                     f"{f.method}):")
        lines.append(f"  out = {f.text}")
    r = run.fidelity
    if r is None:
        lines.append(f"fidelity: not computed ({run.fidelity_error})")
    else:
        lines.append(
            f"fidelity: agreement {r.agreement:g} on {r.n_checked} inputs ({r.method}); target "
            f"agreement {r.target_agreement:g}; smallest margin {r.min_margin:.3g}; certified "
            f"for all inputs by margins: {'yes' if r.certified else 'no'} (slack "
            f"{r.certificate_slack:.3g}){'; TIES' if r.ties else ''}")
        lines.append(f"  {r.reason}")
    return lines


def run(args) -> int:
    from esorma.bridge import bridge_study
    from esorma.cli._common import finish, progress
    from esorma.plotting.bridge import draw_bridge_run

    hidden = _check_flags(args)
    progress(args)(f"training on {args.task} (pilot run to the saturation rule, then the "
                   "analysed run) ...")
    result = bridge_study(
        args.task, n_inputs=args.n_inputs, hidden=hidden, activation=args.activation,
        learning_rate=args.learning_rate, n_epochs=args.epochs, after=args.after,
        init_scale=args.init_scale, batch_size=args.batch_size, margin=args.margin,
        lyapunov=not args.no_lyapunov, rng=args.seed,
    )
    return finish(args, result, summary=result.summary(), text=report_lines(result),
                  draw=draw_bridge_run, config=_config(args, hidden), seed=args.seed)


def tour(ctx) -> None:
    """Tour section: the 6-multiplexer read back as its 4-term formula."""
    import time

    from esorma.bridge import bridge_study
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge import draw_bridge_run

    t0 = time.perf_counter()
    result = bridge_study("multiplexer", n_lyapunov_windows=8, rng=ctx.seed)
    s = result.summary()
    when = (f"saturated from epoch {s['saturated_from']}" if s["saturated_from"] is not None
            else f"final phase {s['final_phase']}")
    ctx.log(f"6-multiplexer: {when}; phases "
            + ", ".join(f"{p} {a}-{b}" for p, a, b in s["phases"]))
    ctx.log(f"formula ({s['n_terms']} terms): {s['formula']}")
    r = result.fidelity
    ctx.log(f"fidelity {r.agreement:g} on all {r.n_checked} inputs; target agreement "
            f"{r.target_agreement:g}")
    save_result(ctx.path("bridge_mux6.h5"), result,
                config={"task": "multiplexer", "n_lyapunov_windows": 8}, seed=ctx.seed)
    save_figure(draw_bridge_run(result), ctx.path("bridge_phases.png"))
    ctx.record(n_terms=s["n_terms"], agreement=r.agreement,
               target_agreement=r.target_agreement, saturated_from=s["saturated_from"],
               final_phase=s["final_phase"], lyapunov_max=s["lyapunov_max"],
               seconds_pipeline=round(time.perf_counter() - t0, 2))

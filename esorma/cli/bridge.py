"""Train a small network on a Boolean task and read it as logic.

Trains an MLP (NumPy, exact gradients) on the full truth table of the task, labels every epoch
linear / hybrid / saturated, extracts the exact formula of every unit and the minimised formula
of the whole binarised network, and reports its fidelity to the real network (exhaustive
truth-table agreement, smallest margin, certificate). By default training runs until the
saturated phase is reached and then as long again, so the figure shows all three phases.
"""

from __future__ import annotations

from pathlib import Path

NAME = "bridge"
HELP = "train an MLP on a Boolean task; phases, exact formulas, fidelity (e.g. 6-multiplexer)"
EXAMPLES = [
    "esorma bridge multiplexer",
    "esorma bridge xor --figure xor-phases.png --graph xor-graph.png",
    "esorma bridge parity --n-inputs 4 --hidden 8 --json",
    "esorma bridge majority --n-inputs 5 --activation tanh --out majority.h5",
]
ORDER = 70

# Per-task defaults: (hidden widths, learning rate) known to reach the saturated phase.
RECIPES = {
    "xor": ((3,), 2.0),
    "parity": ((4,), 2.0),
    "sparse_parity": ((4,), 2.0),
    "majority": ((1,), 2.0),
    "multiplexer": ((12,), 4.0),
    "random_dnf": ((6,), 2.0),
}
TASK_CHOICES = ("xor", "parity", "sparse_parity", "majority", "multiplexer", "mux6",
                "random_dnf")


def add_arguments(parser):
    from esorma.cli._common import add_json, add_quiet, add_seed

    parser.add_argument("task", choices=TASK_CHOICES, help="Boolean task")
    parser.add_argument("--n-inputs", type=int, default=None,
                        help="inputs of parity/sparse_parity/majority/random_dnf")
    parser.add_argument("--hidden", type=str, default=None,
                        help="hidden widths, comma-separated (default: per task, e.g. 12 for mux)")
    parser.add_argument("--activation", choices=("sigmoid", "tanh"), default="sigmoid")
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default per task)")
    parser.add_argument("--epochs", type=int, default=20000,
                        help="maximum epochs to reach the saturated phase (default 20000)")
    parser.add_argument("--after", type=float, default=1.0,
                        help="keep training this multiple of the epochs needed to saturate "
                             "(default 1.0)")
    parser.add_argument("--init-scale", type=float, default=1.0,
                        help="initial weight scale (default 1; try 1e-3 on xor)")
    parser.add_argument("--batch-size", type=int, default=None, help="mini-batch size")
    parser.add_argument("--margin", type=float, default=0.1, help="saturation margin (0.1)")
    parser.add_argument("--no-lyapunov", action="store_true",
                        help="skip the finite-time Lyapunov exponents")
    parser.add_argument("--figure", type=Path, default=None, metavar="PNG",
                        help="write the phase figure here")
    parser.add_argument("--graph", type=Path, default=None, metavar="PNG",
                        help="write the network graph figure here")
    parser.add_argument("--out", type=Path, default=None, metavar="H5",
                        help="write history, diagnostics and formulas to this HDF5 file")
    add_seed(parser)
    add_json(parser)
    add_quiet(parser)


def _parse_hidden(text):
    if text is None:
        return None
    try:
        out = tuple(int(t) for t in str(text).replace(" ", "").split(",") if t)
    except ValueError as exc:
        raise ValueError(f"--hidden must be comma-separated positive integers; got {text!r}") \
            from exc
    if any(h < 1 for h in out):
        raise ValueError(f"--hidden must be comma-separated positive integers; got {text!r}")
    return out


def run_bridge(task_name, *, n_inputs=None, hidden=None, activation="sigmoid", lr=None,
               epochs=20000, after=1.0, init_scale=1.0, batch_size=None, margin=0.1,
               lyapunov=True, seed=0, n_lyapunov_windows=12):
    """Train, diagnose and extract: the whole pipeline of ``esorma bridge`` as a dict."""
    import numpy as np

    from esorma._validation import check_int, check_real
    from esorma.bridge import (
        classify_phases,
        fidelity,
        make_task,
        network_formula,
        network_to_graph,
        phase_diagnostics,
        train_mlp,
    )

    params = {}
    if n_inputs is not None:
        params["n_inputs"] = check_int(n_inputs, "--n-inputs", minimum=1)
    task = make_task(task_name, rng=seed, **params)
    rec_hidden, rec_lr = RECIPES[task.name]
    hidden = rec_hidden if hidden is None else hidden
    lr = rec_lr if lr is None else check_real(lr, "--lr", minimum=0, strict_min=True)
    after = check_real(after, "--after", minimum=0.0)
    epochs = check_int(epochs, "--epochs", minimum=1)
    kw = dict(hidden=hidden, activation=activation, lr=lr, init_scale=init_scale,
              batch_size=batch_size)
    first = train_mlp(task, epochs=epochs, stop_on="saturated", rng=seed, **kw)
    reached = first.config["epochs_run"] < epochs
    n_total = min(epochs, max(int(first.config["epochs_run"] * (1 + after)), 50)) \
        if reached else epochs
    record_every = max(1, n_total // 1000)
    res = train_mlp(task, epochs=n_total, rng=seed, record_every=record_every, **kw)
    diag = phase_diagnostics(res, margin=margin, lyapunov=lyapunov,
                             n_lyapunov_windows=n_lyapunov_windows, rng=seed)
    labels = classify_phases(diag)
    out = {"task": task, "result": res, "diagnostics": diag, "labels": labels,
           "saturated_at": first.config["epochs_run"] if reached else None}
    formula = rep = graph = None
    try:
        formula = network_formula(res.network, task.input_names)
    except ValueError as exc:  # e.g. a flat formula too large to print (refused with estimate)
        out["formula_error"] = str(exc)
    try:  # needs only the network's BDD, not the flat formula
        rep = fidelity(res.network, formula, target=task)
        graph = network_to_graph(res.network, task.input_names)
    except ValueError as exc:  # e.g. a unit whose BDD is too large
        out["fidelity_error"] = str(exc)
    out.update(formula=formula, fidelity=rep, graph=graph)
    out["summary"] = {
        "task": task.name, "target": task.description, "n_inputs": task.n_inputs,
        "hidden": list(hidden), "activation": activation, "lr": lr, "seed": seed,
        "epochs": int(res.history.epochs[-1]), "saturated_at": out["saturated_at"],
        "final_loss": float(res.history.loss[-1]), "final_error": float(res.history.error[-1]),
        "phases": [list(s) for s in labels.segments], "final_phase": labels.final,
        "first_saturated_epoch": labels.first_epoch("saturated"),
        "lyapunov_max": float(np.nanmax(diag.lyapunov_values)) if diag.lyapunov_values.size
        else None,
        "formula": None if formula is None else formula.text,
        "n_terms": None if formula is None else formula.n_terms,
        "minimiser": None if formula is None else formula.method,
        "fidelity": None if rep is None else rep.as_dict(),
    }
    return out


def _print_report(out):
    s = out["summary"]
    print(f"task {s['task']} ({s['n_inputs']} inputs): target {s['target']}")
    print(f"network: hidden {tuple(s['hidden'])}, {s['activation']}, lr {s['lr']:g}, "
          f"seed {s['seed']}; trained {s['epochs']} epochs, loss {s['final_loss']:.3g}, "
          f"error {s['final_error']:.3g}")
    if s["saturated_at"] is not None:
        print(f"saturated phase reached at epoch {s['saturated_at']}")
    print("phases:")
    for p, a, b in s["phases"]:
        print(f"  {p:<10} epochs {a}-{b}")
    if s["lyapunov_max"] is not None:
        print(f"largest finite-time Lyapunov exponent of the GD map: {s['lyapunov_max']:.4g} "
              "per step")
    f = out["formula"]
    if f is None:
        print(f"formula: not extracted ({out.get('formula_error')})")
    else:
        _print_formulas(f)
    r = out["fidelity"]
    if r is None:
        print(f"fidelity: not computed ({out.get('fidelity_error')})")
        return
    print(f"fidelity: agreement {r.agreement:g} on {r.n_checked} inputs ({r.method}); target "
          f"agreement {r.target_agreement:g}; smallest margin {r.min_margin:.3g}; "
          f"certified for all inputs by margins: {'yes' if r.certified else 'no'} "
          f"(slack {r.certificate_slack:.3g}){'; TIES' if r.ties else ''}")
    print(f"  {r.reason}")


def _print_formulas(f):
    for li, (names, forms) in enumerate(zip(f.layer_names[1:], f.unit_formulas), start=1):
        print(f"layer {li}:")
        for nm, uf in zip(names if li < len(f.unit_formulas) else [names[f.output]], forms):
            text = "(too many terms to print)" if uf is None else uf.text
            print(f"  {nm} = {text}")
    print(f"network formula ({f.n_terms} term{'' if f.n_terms == 1 else 's'}, {f.method}):")
    print(f"  out = {f.text}")


def _phase_figure(out, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.bridge import (
        plot_activation_histograms,
        plot_loss,
        plot_lyapunov,
        plot_phases,
    )

    d, lab, s = out["diagnostics"], out["labels"], out["summary"]
    fig, axes = plt.subplots(2, 2, figsize=(12.5, 8.8))
    plot_phases(d, lab, ax=axes[0, 0])
    plot_activation_histograms(d, ax=axes[0, 1])
    plot_loss(d, ax=axes[1, 0], labels=lab)
    plot_lyapunov(d, ax=axes[1, 1])
    fig.suptitle(f"{s['task']}: hidden {tuple(s['hidden'])} {s['activation']}, lr {s['lr']:g}, "
                 f"seed {s['seed']}; formula: {s['formula'] or '-'}", fontsize=9)
    fig.tight_layout(h_pad=4.0)
    return save_figure(fig, path)


def _graph_figure(out, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.bridge import plot_network_graph

    fig, ax = plt.subplots(figsize=(10.0, 6.0))
    s = out["summary"]
    plot_network_graph(out["graph"], ax=ax, title=f"{s['task']}: binarised network "
                       f"({out['graph'].number_of_edges()} relevant edges)")
    return save_figure(fig, path)


def _write_h5(out, path):
    import numpy as np

    from esorma.io import atomic_h5

    s = out["summary"]
    res, d = out["result"], out["diagnostics"]
    config = {k: v for k, v in s.items() if k in ("task", "n_inputs", "hidden", "activation",
                                                   "lr", "epochs")}
    with atomic_h5(path, kind="bridge_run", config=config, seed=s["seed"]) as fh:
        g = fh.create_group("history")
        g.create_dataset("epochs", data=res.history.epochs)
        g.create_dataset("params", data=res.history.params)
        g.create_dataset("loss", data=res.history.loss)
        g.create_dataset("error", data=res.history.error)
        g2 = fh.create_group("diagnostics")
        for k, v in d.as_arrays().items():
            g2.create_dataset(k, data=v)
        g2.create_dataset("phase_codes", data=out["labels"].codes)
        t = fh.create_group("task")
        t.create_dataset("X", data=out["task"].X)
        t.create_dataset("y", data=out["task"].y)
        for i, (W, b) in enumerate(res.network.layers):
            fh.create_dataset(f"network/W{i}", data=W)
            fh.create_dataset(f"network/b{i}", data=b)
        fh.attrs["formula"] = s["formula"] or ""
        fh.attrs["final_phase"] = s["final_phase"]
        if out["fidelity"] is not None:
            fh.attrs["agreement"] = out["fidelity"].agreement
            fh.attrs["certified"] = bool(out["fidelity"].certified)
            fh.attrs["ties"] = bool(out["fidelity"].ties)
        fh.attrs["phases"] = np.bytes_(str(s["phases"]))
    return path


def run(args) -> int:
    from esorma.cli._common import print_json

    hidden = _parse_hidden(args.hidden)
    out = run_bridge(
        args.task, n_inputs=args.n_inputs, hidden=hidden, activation=args.activation,
        lr=args.lr, epochs=args.epochs, after=args.after, init_scale=args.init_scale,
        batch_size=args.batch_size, margin=args.margin, lyapunov=not args.no_lyapunov,
        seed=args.seed,
    )
    s = out["summary"]
    if args.figure is not None:
        s["figure"] = str(_phase_figure(out, args.figure))
    if args.graph is not None and out["graph"] is not None:
        s["graph"] = str(_graph_figure(out, args.graph))
    if args.out is not None:
        s["h5"] = str(_write_h5(out, args.out))
    if args.json:
        print_json(s)
    elif not args.quiet:
        _print_report(out)
        for k in ("figure", "graph", "h5"):
            if k in s:
                print(f"wrote {s[k]}")
    return 0


def tour(ctx) -> None:
    """Tour section: the 6-multiplexer read back as its 4-term formula."""
    import time

    t0 = time.perf_counter()
    out = run_bridge("multiplexer", seed=ctx.seed, n_lyapunov_windows=8)
    s = out["summary"]
    ctx.log(f"6-multiplexer: saturated at epoch {s['saturated_at']}, phases "
            + ", ".join(f"{p} {a}-{b}" for p, a, b in s["phases"]))
    ctx.log(f"formula ({s['n_terms']} terms): {s['formula']}")
    r = out["fidelity"]
    ctx.log(f"fidelity {r.agreement:g} on all {r.n_checked} inputs; target agreement "
            f"{r.target_agreement:g}")
    _phase_figure(out, ctx.path("bridge_phases.png"))
    _graph_figure(out, ctx.path("bridge_graph.png"))
    _write_h5(out, ctx.path("bridge_mux6.h5"))
    ctx.record(n_terms=s["n_terms"], agreement=r.agreement,
               target_agreement=r.target_agreement, saturated_at=s["saturated_at"],
               final_phase=s["final_phase"], lyapunov_max=s["lyapunov_max"],
               seconds_pipeline=round(time.perf_counter() - t0, 2))

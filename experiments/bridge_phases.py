"""Training phases of small networks on Boolean tasks against the initial weight scale.

For each task (XOR, 6-multiplexer), initial weight scale and seed, a sigmoid MLP is trained by
full-batch gradient descent; every epoch is labelled linear / hybrid / saturated
(:func:`esorma.bridge.classify_phases`), the leading finite-time Lyapunov exponent (FTLE) of
the gradient-descent map is measured over an early window, and at the end the network formula
is extracted and its fidelity checked.

Expected: small initial scales stay longer in the linear phase (and the smallest ones stay at
the symmetric saddle of XOR, never saturating); runs that reach the saturated phase give
formulas with fidelity 1 that equal the target. Following Sharafi, Martin & Hallerberg
(arXiv:2405.00743), the early FTLE is plotted against the final loss.

Usage: ``python experiments/bridge_phases.py [--quick] [--seed S] [--out DIR]``; writes
``bridge_phases.h5`` and ``bridge_phases.png`` in ``DIR``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

TASKS = {"xor": ((3,), 2.0), "multiplexer": ((12,), 4.0)}


def run_one(task, hidden, lr, init_scale, epochs, seed, window):
    from esorma.bridge import (
        classify_phases,
        fidelity,
        gd_lyapunov,
        network_formula,
        phase_diagnostics,
        train_mlp,
    )

    res = train_mlp(task, hidden=hidden, lr=lr, init_scale=init_scale, epochs=epochs,
                    record_every=max(1, epochs // 400), rng=seed)
    d = phase_diagnostics(res, lyapunov=False)
    lab = classify_phases(d)
    ftle = gd_lyapunov(res, res.history.params[0], window, rng=seed).exponents[0]
    f = network_formula(res.network, task.input_names)
    rep = fidelity(res.network, f, target=task)
    first_sat = lab.first_epoch("saturated")
    left_linear = next((int(e) for e, c in zip(lab.epochs, lab.codes) if c != 0), -1)
    return {
        "final_loss": float(res.history.loss[-1]),
        "zero_error": bool(res.zero_error),
        "ftle_early": float(ftle),
        "first_saturated": -1 if first_sat is None else first_sat,
        "left_linear": left_linear,
        "final_phase": int(lab.codes[-1]),
        "agreement": rep.agreement,
        "target_agreement": rep.target_agreement,
        "n_terms": f.n_terms,
        "codes": lab.codes,
        "epochs": lab.epochs,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid (about a minute)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("results/bridge_phases"))
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.bridge import make_task
    from esorma.io import atomic_h5, atomic_write
    from esorma.plotting.bridge import PHASE_COLOURS

    if args.quick:
        scales, n_seeds, epochs, window = [1e-3, 0.1, 1.0, 3.0], 2, 1500, 30
    else:
        scales, n_seeds, epochs, window = [1e-3, 1e-2, 0.1, 0.3, 1.0, 2.0, 4.0], 5, 5000, 100
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = {}
    for name, (hidden, lr) in TASKS.items():
        task = make_task(name)
        for si, scale in enumerate(scales):
            for k in range(n_seeds):
                seed = args.seed + 1000 * si + k
                rows[(name, scale, k)] = run_one(task, hidden, lr, scale, epochs, seed, window)
                r = rows[(name, scale, k)]
                print(f"{name:<12} scale {scale:<6g} seed {seed:<5} loss {r['final_loss']:.3g} "
                      f"left linear {r['left_linear']:>5} saturated {r['first_saturated']:>5} "
                      f"fidelity {r['agreement']:.3f} terms {r['n_terms']}", flush=True)
    elapsed = time.perf_counter() - t0
    config = {"scales": scales, "n_seeds": n_seeds, "epochs": epochs, "ftle_window": window,
              "tasks": {k: [list(v[0]), v[1]] for k, v in TASKS.items()}, "quick": args.quick}
    h5 = args.out / "bridge_phases.h5"
    keys = ["final_loss", "ftle_early", "first_saturated", "left_linear", "final_phase",
            "agreement", "n_terms"]
    with atomic_h5(h5, kind="bridge_phases", config=config, seed=args.seed) as fh:
        for name in TASKS:
            g = fh.create_group(name)
            g.create_dataset("scales", data=np.asarray(scales))
            for key in keys:
                g.create_dataset(key, data=np.array(
                    [[rows[(name, s, k)][key] for k in range(n_seeds)] for s in scales],
                    dtype=float))
            g.create_dataset("phase_codes_seed0", data=np.stack(
                [rows[(name, s, 0)]["codes"] for s in scales]))
            g.create_dataset("epochs", data=rows[(name, scales[0], 0)]["epochs"])
        fh.attrs["seconds"] = elapsed

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for col, name in enumerate(TASKS):
        ax = axes[0, col]
        for i, s in enumerate(scales):
            r = rows[(name, s, 0)]
            ep, codes = r["epochs"], r["codes"]
            for j in range(len(ep)):
                end = ep[j + 1] if j + 1 < len(ep) else ep[j] + 1
                ax.barh(i, end - ep[j], left=ep[j], height=0.8, lw=0,
                        color=list(PHASE_COLOURS.values())[codes[j]])
        ax.set_yticks(range(len(scales)))
        ax.set_yticklabels([f"{s:g}" for s in scales])
        ax.set_xlabel("epoch")
        ax.set_ylabel("initial weight scale")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_title(f"{name}: phases over training (seed {args.seed})", fontsize=10)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=c, label=p) for p, c in PHASE_COLOURS.items()],
                  fontsize=8, loc="lower right")
        ax = axes[1, col]
        for i, s in enumerate(scales):
            x = [rows[(name, s, k)]["ftle_early"] for k in range(n_seeds)]
            y = [max(rows[(name, s, k)]["final_loss"], 1e-8) for k in range(n_seeds)]
            ax.semilogy(x, y, "o", color=plt.cm.viridis(i / max(len(scales) - 1, 1)),
                        label=f"scale {s:g}")
        ax.axvline(0.0, color="k", lw=0.8)
        ax.set_xlabel(f"leading FTLE of the GD map, first {window} steps")
        ax.set_ylabel(f"final loss after {epochs} epochs")
        ax.legend(fontsize=7)
        ax.set_title(f"{name}: early FTLE vs final loss ({n_seeds} seeds per scale)",
                     fontsize=10)
    fig.tight_layout()
    png = args.out / "bridge_phases.png"
    with atomic_write(png) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
    print(f"done in {elapsed:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Training phases of small networks on Boolean tasks against the initial weight scale.

For each task (XOR, 6-multiplexer), initial weight scale and seed, a sigmoid MLP is trained by
full-batch gradient descent; every epoch is labelled linear / hybrid / saturated
(:func:`esorma.bridge.classify_phases`), the leading finite-time Lyapunov exponent (FTLE) of
the gradient-descent map is measured over an early window, and at the end the network formula
is extracted and its fidelity checked (:func:`esorma.bridge.phase_sweep`).

Expected: small initial scales stay longer in the linear phase (and the smallest ones stay at
the symmetric saddle of XOR, never saturating); runs that reach the saturated phase give
formulas with fidelity 1 that equal the target. Following Sharafi, Martin & Hallerberg
(arXiv:2405.00743), the early FTLE is plotted against the final loss.

Usage: ``python experiments/bridge_phases.py [--quick] [--seed S] [--out DIR]``; writes
``bridge_phases.h5`` (a :class:`esorma.bridge.PhaseSweep`, read it back with
``esorma.io.load_result``) and ``bridge_phases.png`` in ``DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TASKS = ("xor", "multiplexer")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid (about a minute)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("results/bridge_phases"),
                        metavar="DIR", help="folder for bridge_phases.h5 and .png")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.bridge import phase_sweep
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.bridge import draw_phase_sweep

    if args.quick:
        scales, n_seeds, n_epochs, window = [1e-3, 0.1, 1.0, 3.0], 2, 1500, 30
    else:
        scales, n_seeds, n_epochs, window = [1e-3, 1e-2, 0.1, 0.3, 1.0, 2.0, 4.0], 5, 5000, 100
    args.out.mkdir(parents=True, exist_ok=True)
    sweep = phase_sweep(TASKS, scales, n_seeds=n_seeds, n_epochs=n_epochs, ftle_window=window,
                        progress=lambda line: print(line, flush=True), rng=args.seed)
    config = {"tasks": list(TASKS), "init_scales": scales, "n_seeds": n_seeds,
              "n_epochs": n_epochs, "ftle_window": window, "quick": args.quick}
    h5 = save_result(args.out / "bridge_phases.h5", sweep, config=config, seed=args.seed)
    png = save_figure(draw_phase_sweep(sweep), args.out / "bridge_phases.png")
    print(f"done in {sweep.seconds:.1f} s; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

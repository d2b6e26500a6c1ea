"""The transition to chaos of random rate networks (Sompolinsky, Crisanti & Sommers 1988).

``dx/dt = -x + J tanh(g x)`` with ``J`` Ginibre (i.i.d. entries of variance 1/N). For
``g < 1`` the origin is a stable fixed point and the maximal Lyapunov exponent equals the
largest real part of its Jacobian ``-1 + g J`` (``g - 1`` as N -> infinity); at ``g = 1`` the
origin loses stability and the network becomes chaotic, ``lambda_max > 0``.

For several N and several independent coupling matrices per N this script sweeps ``g``
(:func:`esorma.stability.chaos_size_study`), measures ``lambda_max`` (Benettin, compiled RK4),
and plots the mean curve against ``g`` with the ``g - 1`` line, each gain marked chaotic,
stable or marginal (``lambda_max`` beyond ±3 standard errors); it estimates where each curve
crosses zero (linear interpolation of the mean). A second panel shows the origin's Jacobian
spectrum at ``g = 1.5`` next to the shifted Ginibre disc ``|z + 1| <= g``, a third the
convergence of the running estimate at ``g = 1.5``.

Writes ``<out>/chaos_transition.h5`` (a :class:`esorma.stability.ChaosSizeStudy`, read it back
with :func:`esorma.io.load_result`) and ``<out>/chaos_transition.png``.
``--quick``: N = 200, 400, eight gains, one matrix each, T = 100 (~20 s on 2 cores).
Full: N = 200, 500, 1000, fifteen gains, three matrices each, T = 300 (~10 min).

Usage: ``python experiments/chaos_transition.py [--quick] [--out DIR] [--seed S]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def settings(quick: bool) -> dict:
    """The parameters of the quick and the full run."""
    if quick:
        return dict(sizes=[200, 400], gains=np.round(np.linspace(0.6, 2.0, 8), 10).tolist(),
                    n_matrices=1, t_max=100.0, t_transient=30.0)
    return dict(sizes=[200, 500, 1000], gains=np.round(np.linspace(0.6, 2.0, 15), 10).tolist(),
                n_matrices=3, t_max=300.0, t_transient=100.0)


def compute(quick: bool, seed: int, log=print):
    """Run the study; return the :class:`esorma.stability.ChaosSizeStudy` and its config."""
    from esorma.stability import chaos_size_study

    config = settings(quick)
    clock = {"t0": time.perf_counter()}

    def on_study(n, r, study):
        if r == config["n_matrices"] - 1:
            log(f"N={n:5d}: {config['n_matrices']} matri"
                f"{'x' if config['n_matrices'] == 1 else 'ces'} "
                f"({time.perf_counter() - clock['t0']:.1f} s)")
            clock["t0"] = time.perf_counter()

    result = chaos_size_study(config["sizes"], config["gains"],
                              n_matrices=config["n_matrices"], t_max=config["t_max"],
                              t_transient=config["t_transient"], convergence_gain=1.5,
                              rng=seed, callback=on_study)
    for i, n in enumerate(result.sizes.tolist()):
        log(f"N={n:5d}: zero crossing of <lambda_max> at g = {result.crossing[i]:.3f}")
        for g, m, e, state in zip(result.gains, result.mean[i], result.error[i],
                                  result.states[i]):
            log(f"   g={g:.2f}  lambda_max = {m:+.4f} +- {e:.4f}  {state}")
    return result, {"quick": quick, **config}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one matrix (~20 s)")
    parser.add_argument("--seed", type=int, default=1988, help="random seed (default 1988)")
    parser.add_argument("--out", type=Path, default=Path("results/chaos_transition"),
                        help="output folder (default results/chaos_transition)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.stability import chaos_size_figure

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    result, config = compute(args.quick, args.seed)
    h5 = save_result(args.out / "chaos_transition.h5", result, config=config, seed=args.seed)
    png = save_figure(chaos_size_figure(result), args.out / "chaos_transition.png")
    print(f"wrote {h5}\nwrote {png}\n({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Spectra of learned and planted weight matrices: the BBP transition and training dynamics.

Three parts, each saved as an HDF5 result (read back with :func:`esorma.io.load_result`) and a
figure:

1. ``bbp``: a rank-one signal ``theta u v^T`` in ``n x m`` Gaussian noise for a sweep of
   strengths (:func:`esorma.spectra.bbp_sweep`): the measured top singular value and the squared
   overlaps of its singular vectors with ``u`` and ``v`` against the limits of Benaych-Georges &
   Nadakuditi (2012), with the transition at ``theta = c^(1/4)``.
2. ``planted``: one large matrix with a planted rank-3 signal (strengths 3, 2, 1.5 and 0.5,
   the last below the threshold) analysed by :func:`esorma.spectra.weight_spectrum`: bulk
   against Marchenko-Pastur, outliers, ranks, power-law tail.
3. ``training``: a sigmoid MLP (hidden 32, 32) trained on the 6-input multiplexer
   (:func:`esorma.bridge.train_mlp`); every layer's spectrum along training, with the phases
   linear / hybrid / saturated (:func:`esorma.spectra.training_weight_spectra`).

Writes ``<out>/{bbp,planted,training}.h5`` and ``.png``.
``--quick``: 200 x 800 sweep with 3 trials, a 1000 x 1000 matrix, 4000 epochs (~30 s).
Full: 500 x 2000 with 10 trials, a 4000 x 4000 matrix, 20000 epochs (~5 min).

Usage: ``python experiments/weight_spectra.py [--quick] [--out DIR] [--seed S]``
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np


def settings(quick: bool) -> dict:
    """The parameters of the quick and the full run."""
    if quick:
        return dict(bbp_shape=[200, 800], bbp_trials=3, planted_n=1000, epochs=4000,
                    record_every=50)
    return dict(bbp_shape=[500, 2000], bbp_trials=10, planted_n=4000, epochs=20000,
                record_every=100)


def planted_matrix(n: int, strengths=(3.0, 2.0, 1.5, 0.5), rng=None) -> np.ndarray:
    """``sum_i theta_i u_i v_i^T + Z / sqrt(n)`` (square, noise scale 1)."""
    gen = np.random.default_rng(rng)
    W = gen.standard_normal((n, n)) / math.sqrt(n)
    for t in strengths:
        u = gen.standard_normal(n)
        v = gen.standard_normal(n)
        W += t * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
    return W


def compute(quick: bool, seed: int, log=print) -> tuple:
    """Run the three parts; return ``({name: result}, config)``."""
    from esorma.bridge import multiplexer_task, train_mlp
    from esorma.bridge.phases import PHASES
    from esorma.spectra import bbp_sweep, training_weight_spectra, weight_spectrum

    cfg = settings(quick)
    out = {}
    t0 = time.perf_counter()
    n, m = cfg["bbp_shape"]
    sw = bbp_sweep(n, m, np.linspace(0.0, 3.0, 13), n_trials=cfg["bbp_trials"], rng=seed)
    out["bbp"] = sw
    log(f"bbp sweep {n}x{m}, threshold c^(1/4) = {sw.threshold:.3f} "
        f"({time.perf_counter() - t0:.1f} s)")
    log(f"{'theta':>6} {'top':>7} {'BBP':>7} {'u.u~^2':>7} {'BBP':>6} {'v.v~^2':>7} {'BBP':>6} "
        f"{'outlier rate':>12}")
    for i, t in enumerate(sw.thetas):
        log(f"{t:>6.2f} {sw.top[i].mean():>7.3f} {sw.predicted_top[i]:>7.3f} "
            f"{sw.overlap_short[i].mean():>7.3f} {sw.predicted_short[i]:>6.3f} "
            f"{sw.overlap_long[i].mean():>7.3f} {sw.predicted_long[i]:>6.3f} "
            f"{(sw.n_outliers[i] > 0).mean():>12.2f}")
    t0 = time.perf_counter()
    N = cfg["planted_n"]
    ws = weight_spectrum(planted_matrix(N, rng=seed + 1))
    out["planted"] = ws
    log(f"planted {N}x{N} (strengths 3, 2, 1.5, 0.5; threshold 1): {ws.n_outliers} outliers "
        f"at {np.round(ws.outliers, 3).tolist()}, strengths "
        f"{np.round(ws.outlier_strengths, 3).tolist()}, noise scale {ws.sigma:.4f}, "
        f"bulk KS {ws.bulk_ks:.4f}, stable rank {ws.stable_rank:.2f}, entropy rank "
        f"{ws.entropy_rank:.1f}, tail alpha {ws.power_law.alpha:.2f} "
        f"({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    res = train_mlp(multiplexer_task(2), hidden=(32, 32), n_epochs=cfg["epochs"],
                    learning_rate=4.0, record_every=cfg["record_every"], rng=seed)
    ts = training_weight_spectra(res)
    out["training"] = ts
    log(f"training: multiplexer, hidden (32, 32), {cfg['epochs']} epochs, final error "
        f"{res.history.error[-1]:.3f} ({time.perf_counter() - t0:.1f} s)")
    for i, lay in enumerate(ts.layers):
        log(f"  layer {i + 1} {lay.shape}: stable rank {lay.stable_rank[0]:.2f} -> "
            f"{lay.stable_rank[-1]:.2f}, entropy rank {lay.entropy_rank[0]:.2f} -> "
            f"{lay.entropy_rank[-1]:.2f}, outliers {lay.n_outliers[0]} -> {lay.n_outliers[-1]}")
    segs, start = [], 0
    codes = ts.phase_codes
    for i in range(1, codes.size + 1):
        if i == codes.size or codes[i] != codes[start]:
            segs.append(f"{PHASES[int(codes[start])]} {ts.epochs[start]}-{ts.epochs[i - 1]}")
            start = i
    log("  phases: " + ", ".join(segs))
    return out, {"quick": quick, **cfg}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (~30 s)")
    parser.add_argument("--seed", type=int, default=2012, help="random seed (default 2012)")
    parser.add_argument("--out", type=Path, default=Path("results/weight_spectra"),
                        help="output folder (default results/weight_spectra)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.weights import (
        bbp_figure,
        training_spectra_figure,
        weight_spectrum_figure,
    )

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results, config = compute(args.quick, args.seed)
    draw = {"bbp": bbp_figure, "planted": weight_spectrum_figure,
            "training": training_spectra_figure}
    for name, result in results.items():
        h5 = save_result(args.out / f"{name}.h5", result, config=config, seed=args.seed)
        png = save_figure(draw[name](result), args.out / f"{name}.png")
        print(f"wrote {h5}\nwrote {png}")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

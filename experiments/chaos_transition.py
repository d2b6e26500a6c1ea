"""The transition to chaos of random rate networks (Sompolinsky, Crisanti & Sommers 1988).

``dx/dt = -x + J tanh(g x)`` with ``J`` Ginibre (i.i.d. entries of variance 1/N). For
``g < 1`` the origin is a stable fixed point and the maximal Lyapunov exponent equals the
largest real part of its Jacobian ``-1 + g J`` (``g - 1`` as N -> infinity); at ``g = 1`` the
origin loses stability and the network becomes chaotic, ``lambda_max > 0``.

For several N and several independent coupling matrices per N this script sweeps ``g``,
measures ``lambda_max`` (Benettin, compiled RK4), and plots the mean curve against ``g`` with
the ``g - 1`` line; it estimates where each curve crosses zero (linear interpolation of the
mean). A second panel shows the origin's Jacobian spectrum at ``g = 1.5`` next to the shifted
Ginibre disc ``|z + 1| <= g``, a third the convergence of the running estimate at ``g = 1.5``.

Writes ``<out>/chaos_transition.h5`` and ``<out>/chaos_transition.png``.
``--quick``: N = 200, 400, eight gains, one matrix each, T = 100 (~20 s on 2 cores).
Full: N = 200, 500, 1000, fifteen gains, three matrices each, T = 300 (~10 min).

Usage: ``python experiments/chaos_transition.py [--quick] [--out DIR] [--seed S]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def zero_crossing(gains, values) -> float:
    """The g beyond which ``values`` stay positive: linear interpolation between the last
    negative value and the next one; NaN if the last value is not positive or none is
    negative.

    >>> zero_crossing([0.5, 1.0, 1.5], [-0.5, -0.1, 0.3])
    1.125
    """
    g = np.asarray(gains, dtype=float)
    v = np.asarray(values, dtype=float)
    neg = np.flatnonzero(v < 0)
    if neg.size == 0 or neg[-1] == len(v) - 1:
        return float("nan")
    i = neg[-1]
    return float(g[i] - v[i] * (g[i + 1] - g[i]) / (v[i + 1] - v[i]))


def compute(quick: bool, seed: int, log=print) -> dict:
    from esorma.spectra.ensembles import ginibre
    from esorma.stability import chaos_sweep, max_lyapunov

    if quick:
        sizes, gains, n_real, t_max, t_tr = (200, 400), np.linspace(0.6, 2.0, 8), 1, 100.0, 30.0
    else:
        sizes, gains, n_real = (200, 500, 1000), np.linspace(0.6, 2.0, 15), 3
        t_max, t_tr = 300.0, 100.0
    ss = np.random.SeedSequence(seed)
    results = {}
    for n in sizes:
        exps = np.empty((n_real, gains.size))
        errs = np.empty_like(exps)
        absc = np.empty_like(exps)
        t0 = time.perf_counter()
        for r, child in enumerate(ss.spawn(n_real)):
            rng = np.random.default_rng(child)
            J = ginibre(n, rng=rng)
            sw = chaos_sweep(J, gains, t_max=t_max, t_transient=t_tr, rng=rng)
            exps[r], errs[r], absc[r] = sw.exponents, sw.stderr, sw.origin_abscissa
            if r == 0 and n == sizes[-1]:
                eig_origin = -1.0 + 1.5 * sw.origin_eigenvalues
                conv = max_lyapunov(J, gain=1.5, t_max=t_max, t_transient=t_tr, rng=rng)
        mean = exps.mean(axis=0)
        # Error of the mean: spread over matrices when there are several, else the
        # time-average error of the single run.
        err = (exps.std(axis=0, ddof=1) / np.sqrt(n_real) if n_real > 1
               else errs[0])
        cross = zero_crossing(gains, mean)
        results[n] = dict(exponents=exps, stderr=errs, origin_abscissa=absc, mean=mean,
                          error=err, crossing=cross, seconds=time.perf_counter() - t0)
        log(f"N={n:5d}: zero crossing of <lambda_max> at g = {cross:.3f} "
            f"({time.perf_counter() - t0:.1f} s)")
        for g, m, e in zip(gains, mean, err):
            log(f"   g={g:.2f}  lambda_max = {m:+.4f} +- {e:.4f}")
    return dict(sizes=sizes, gains=gains, n_real=n_real, t_max=t_max, t_transient=t_tr,
                results=results, eig_origin=eig_origin, convergence=conv)


def draw(data, path, seed):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.stability import (
        plot_jacobian_spectrum,
        plot_lyapunov_convergence,
        plot_lyapunov_vs_gain,
    )

    fig, axes = plt.subplots(1, 3, figsize=(16.0, 4.8))
    for n in data["sizes"]:
        r = data["results"][n]
        plot_lyapunov_vs_gain(data["gains"], r["mean"], r["error"], ax=axes[0],
                              label=f"N = {n} (crosses 0 at g ≈ {r['crossing']:.2f})",
                              title=(f"λ_max vs g, Ginibre J, {data['n_real']} matri"
                                     f"{'x' if data['n_real'] == 1 else 'ces'} per N, "
                                     f"T = {data['t_max']:g}, seed {seed}"))
    nmax = data["sizes"][-1]
    plot_jacobian_spectrum(data["eig_origin"], gain=1.5, ax=axes[1],
                           title=f"origin's Jacobian −1 + 1.5 J (N = {nmax})")
    plot_lyapunov_convergence(data["convergence"], ax=axes[2],
                              title=f"running λ_max estimate, N = {nmax}, g = 1.5")
    fig.tight_layout()
    return save_figure(fig, path)


def write_h5(data, path, config, seed):
    from esorma.io import atomic_h5

    with atomic_h5(path, kind="chaos_transition", config=config, seed=seed) as fh:
        fh.create_dataset("gains", data=data["gains"])
        fh.create_dataset("eig_origin_g1.5", data=data["eig_origin"])
        c = data["convergence"]
        fh.create_dataset("convergence_history", data=c.history[:, 0])
        fh.create_dataset("convergence_t", data=c.history_t)
        for n in data["sizes"]:
            r = data["results"][n]
            grp = fh.create_group(f"N{n}")
            for key in ("exponents", "stderr", "origin_abscissa", "mean", "error"):
                grp.create_dataset(key, data=r[key])
            grp.attrs["zero_crossing"] = r["crossing"]
            grp.attrs["seconds"] = r["seconds"]
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one matrix (~20 s)")
    parser.add_argument("--seed", type=int, default=1988, help="random seed (default 1988)")
    parser.add_argument("--out", type=Path, default=Path("results/chaos_transition"),
                        help="output folder (default results/chaos_transition)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data = compute(args.quick, args.seed)
    config = {"quick": args.quick, "sizes": list(data["sizes"]), "gains": data["gains"].tolist(),
              "n_real": data["n_real"], "t_max": data["t_max"],
              "t_transient": data["t_transient"]}
    h5 = write_h5(data, args.out / "chaos_transition.h5", config, args.seed)
    png = draw(data, args.out / "chaos_transition.png", args.seed)
    print(f"wrote {h5}\nwrote {png}\n({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

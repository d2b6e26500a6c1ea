"""Spectra gallery: every ensemble of esorma.spectra against its law, and the spectral edge.

Reproduces, with stated seeds:

1. the gallery page (``spectra_gallery.png``): GOE/GUE/beta-Hermite semicircles, real and
   complex Ginibre circular laws (with the sqrt(2n/pi) real eigenvalues of the real one),
   the elliptic law, Dale's-law matrices after Rajan & Abbott (2006) with a non-uniform
   radial density and with an outlier, Marchenko-Pastur laws (with a point mass for c > 1),
   the Hebb coupling spectrum at alpha = 0.138 and an Erdos-Renyi graph with its Perron
   outlier; plus Tracy-Widom, spacing ratios and a 10^6 tridiagonal density;
2. the edge page (``spectra_edge.png``): histograms of the standardised largest eigenvalue
   for beta = 1 and 2 against the Tracy-Widom densities (Bornemann's quadrature), and
   the standardised ``(lambda_max - 2) n^(2/3)`` for n up to 10^7 against ``TW_1``.

Everything goes to ``--out`` (default ``results/spectra_gallery``) as PNG and one HDF5 file
(eigenvalues, largest-eigenvalue samples, summaries, seed and versions).

Run ``python experiments/spectra_gallery.py --quick`` for a fast check (~1 minute).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def edge_study(seed: int, *, n_tw: int, n_samples: int, sizes) -> dict:
    """Largest-eigenvalue samples (beta = 1, 2) and lambda_max against n (tridiagonal)."""
    import numpy as np

    import esorma.spectra as sp
    from esorma._validation import as_rng, spawn_seeds

    seeds = spawn_seeds(as_rng(seed), 3)
    out = {"n_tw": n_tw}
    for beta, s in zip((1, 2), seeds[:2]):
        rng = as_rng(int(s))
        out[f"lambda_max_beta{beta}"] = np.array(
            [sp.largest_eigenvalue(n_tw, beta, rng=rng) for _ in range(n_samples)])
    rng = as_rng(int(seeds[2]))
    lam, secs = [], []
    for n in sizes:
        t0 = time.perf_counter()
        lam.append(sp.largest_eigenvalue(int(n), 1.0, rng=rng))
        secs.append(time.perf_counter() - t0)
    out["sizes"] = np.asarray(sizes, dtype=np.int64)
    out["lambda_max_vs_n"] = np.array(lam)
    out["seconds_vs_n"] = np.array(secs)
    return out


def draw_edge(edge: dict, path: Path, seed: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from esorma.cli._common import save_figure
    from esorma.plotting.spectra import plot_largest_eigenvalues
    from esorma.spectra import tracy_widom_moments

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    for ax, beta in zip(axes[:2], (1, 2)):
        plot_largest_eigenvalues(edge[f"lambda_max_beta{beta}"], edge["n_tw"], beta, ax=ax)
    ax = axes[2]
    n = edge["sizes"].astype(float)
    z = (edge["lambda_max_vs_n"] - 2.0) * n ** (2 / 3)
    mean1, var1 = tracy_widom_moments(1)[:2]
    sd = np.sqrt(var1)
    ax.semilogx(n, z, "o", label="(λmax − 2) n^(2/3), one sample per n")
    ax.axhline(mean1, color="C3", label=f"E[TW₁] = {mean1:.3f}")
    ax.axhspan(mean1 - sd, mean1 + sd, color="C3", alpha=0.15, label="± 1 s.d. of TW₁")
    for x, y, t in zip(n, z, edge["seconds_vs_n"]):
        ax.annotate(f"{t:.2g} s", (x, y), textcoords="offset points", xytext=(5, 4), fontsize=7)
    ax.set_xlabel("n (β-Hermite tridiagonal, β = 1)")
    ax.set_ylabel("standardised largest eigenvalue")
    ax.set_title("edge scaling up to large n (time per eigenvalue annotated)", fontsize=9)
    ax.set_ylim(mean1 - 4 * sd, mean1 + 4 * sd)
    ax.legend(fontsize=7)
    fig.suptitle(f"largest eigenvalue: Tracy-Widom fluctuations and n^(-2/3) scaling "
                 f"(seed {seed})", fontsize=12)
    fig.tight_layout()
    return save_figure(fig, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--out", type=Path, default=Path("results/spectra_gallery"),
                        help="output folder")
    args = parser.parse_args(argv)

    from esorma.cli.spectrum import draw_gallery, gallery
    from esorma.io import atomic_h5, to_jsonable

    args.out.mkdir(parents=True, exist_ok=True)
    if args.quick:
        n, tw_samples, tri_n = 250, 150, 10**5
        edge_kw = dict(n_tw=200, n_samples=300, sizes=[10**3, 10**4, 10**5])
    else:
        n, tw_samples, tri_n = 1000, 1000, 10**6
        edge_kw = dict(n_tw=1000, n_samples=2000, sizes=[10**3, 10**4, 10**5, 10**6, 10**7])
    t0 = time.perf_counter()
    items, extra = gallery(n, args.seed, tw_samples=tw_samples, tridiagonal_n=tri_n)
    gpng = draw_gallery(items, extra, args.out / "spectra_gallery.png",
                        title=f"random-matrix ensembles and their laws (n = {n}, "
                              f"seed {args.seed})")
    edge = edge_study(args.seed + 1, **edge_kw)
    epng = draw_edge(edge, args.out / "spectra_edge.png", args.seed + 1)
    config = {"quick": args.quick, "n": n, "tw_samples": tw_samples, "tridiagonal_n": tri_n,
              **{k: to_jsonable(v) for k, v in edge_kw.items()}}
    h5 = args.out / "spectra_gallery.h5"
    with atomic_h5(h5, kind="spectra_gallery", config=config, seed=args.seed) as fh:
        g = fh.create_group("gallery")
        for i, it in enumerate(items):
            sub = g.create_group(f"{i:02d}_{it['summary']['ensemble']}")
            sub.create_dataset("eigenvalues", data=it["spectrum"].eigenvalues)
            sub.attrs["summary"] = json.dumps(to_jsonable(it["summary"]), sort_keys=True)
        e = fh.create_group("edge")
        for k, v in edge.items():
            e.create_dataset(k, data=v)
        d = extra["density"]
        t = fh.create_group("tridiagonal_density")
        t.create_dataset("edges", data=d.edges)
        t.create_dataset("counts", data=d.counts)
        t.attrs["seconds"] = d.seconds
    worst = max(items, key=lambda it: it["summary"]["fit"]["statistic"])["summary"]
    print(f"{len(items)} ensembles at n={n}: worst fit {worst['ensemble']} "
          f"KS={worst['fit']['statistic']:.4f}")
    print(f"beta-Hermite n={d.n:,}: density in {d.seconds:.2f} s; largest eigenvalues "
          f"{dict(zip(edge['sizes'].tolist(), edge['lambda_max_vs_n'].round(6).tolist()))}")
    print(f"done in {time.perf_counter() - t0:.1f} s:\n  {gpng}\n  {epng}\n  {h5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

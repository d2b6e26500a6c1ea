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

Everything goes to the folder ``--out`` (default ``results/spectra_gallery``): the two PNG
pages and two HDF5 files written with :func:`esorma.io.save_result`
(``spectra_gallery.h5``: an :class:`esorma.spectra.SpectrumGallery`; ``spectra_edge.h5``: an
:class:`esorma.spectra.EdgeStudy`; both load back with :func:`esorma.io.load_result`).

Run ``python experiments/spectra_gallery.py --quick`` for a fast check (~1 minute).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--out", type=Path, default=Path("results/spectra_gallery"),
                        help="output folder (default results/spectra_gallery)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.spectra import draw_edge, draw_gallery
    from esorma.spectra import edge_study, spectrum_gallery

    args.out.mkdir(parents=True, exist_ok=True)
    if args.quick:
        n, tw_samples, tri_n = 250, 150, 10**5
        edge_kw = dict(tw_n=200, n_samples=300, sizes=[10**3, 10**4, 10**5])
    else:
        n, tw_samples, tri_n = 1000, 1000, 10**6
        edge_kw = dict(tw_n=1000, n_samples=2000, sizes=[10**3, 10**4, 10**5, 10**6, 10**7])
    t0 = time.perf_counter()
    gallery = spectrum_gallery(n, tw_samples=tw_samples, tridiagonal_n=tri_n, rng=args.seed)
    config = {"quick": args.quick, "n": n, "tw_samples": tw_samples, "tridiagonal_n": tri_n}
    files = [
        save_result(args.out / "spectra_gallery.h5", gallery, config=config, seed=args.seed),
        save_figure(draw_gallery(gallery, title=f"random-matrix ensembles and their laws "
                                                f"(n = {n}, seed {args.seed})"),
                    args.out / "spectra_gallery.png"),
    ]
    edge_seed = args.seed + 1
    edge = edge_study(**edge_kw, rng=edge_seed)
    files += [
        save_result(args.out / "spectra_edge.h5", edge, config={"quick": args.quick, **edge_kw},
                    seed=edge_seed),
        save_figure(draw_edge(edge), args.out / "spectra_edge.png"),
    ]
    for line in gallery.report():
        print(line)
    lam = dict(zip(edge.sizes.tolist(), edge.lambda_max.round(6).tolist()))
    print(f"edge: largest eigenvalues {lam}")
    print(f"done in {time.perf_counter() - t0:.1f} s:\n  " + "\n  ".join(map(str, files)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

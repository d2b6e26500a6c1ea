"""Exact fixed points of Hebb networks by kind against N and P, against the α → 0 theory.

For random patterns (P = 3..6, N from 30 to 10^4) every fixed point (``s_i h_i ≥ 0`` for all i)
is enumerated exactly by the low-rank search (:func:`esorma.attractors.hebb_fixed_points`) and
labelled: stored pattern (±), symmetric mixture of an odd number n of patterns, or other. The
mean count per network over pattern draws is compared with the α → 0, T = 0 mixture-state theory
of Amit, Gutfreund & Sompolinsky (1985): 2P patterns and C(P, n)·2^n symmetric n-mixtures
(:func:`esorma.attractors.mixture_census`).

Expected: all 2P patterns at every N; the symmetric odd mixtures reach the theory's count as N
grows (some are missing at small N, the more so for larger n); besides them many other
1-spin-flip-stable states (asymmetric mixtures with macroscopic overlaps), which the theory's
stability criterion does not count.

Usage: ``python experiments/hebb_mixtures.py [--quick] [--seed S] [--out DIR] [--figure F]``;
writes ``hebb_mixtures.h5`` (a :class:`esorma.attractors.MixtureCensus`, read it back with
``esorma.io.load_result``) and ``hebb_mixtures.png`` in ``DIR`` (or the figure at ``F``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def settings(quick: bool) -> dict:
    """The grid: P values, N values and pattern draws per point."""
    if quick:
        return dict(n_patterns=[3, 4, 5], n_neurons=[30, 100, 1000], n_draws=3)
    return dict(n_patterns=[3, 4, 5, 6], n_neurons=[30, 60, 100, 300, 1000, 3000, 10000],
                n_draws=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the pattern draws")
    parser.add_argument("--out", type=Path, default=Path("results/hebb_mixtures"),
                        metavar="DIR", help="folder for hebb_mixtures.h5 and .png")
    parser.add_argument("--figure", type=Path, default=None, metavar="FILE",
                        help="figure path (default DIR/hebb_mixtures.png)")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from esorma.attractors import mixture_census
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.mixtures import mixture_census_figure

    grid = settings(args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    census = mixture_census(grid["n_patterns"], grid["n_neurons"], n_draws=grid["n_draws"],
                            rng=args.seed)
    print(census.table())
    print("least max|m_mu| over the 'other' fixed points (per P, N):")
    for p, row in zip(census.n_patterns, census.max_overlap_min):
        print(f"  P = {p}: " + "  ".join(f"{x:.3f}" for x in row))
    config = dict(grid, quick=args.quick)
    h5 = save_result(args.out / "hebb_mixtures.h5", census, config=config, seed=args.seed)
    png = save_figure(mixture_census_figure(census),
                      args.figure or args.out / "hebb_mixtures.png")
    print(f"done in {census.seconds.sum():.1f} s of enumeration; wrote {h5} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

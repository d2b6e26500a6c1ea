"""Draw the eigenvalues of a random-matrix ensemble with its theoretical law overlaid.

Real spectra (symmetric matrices) are shown as a histogram with the density, complex ones
(non-symmetric matrices) as a scatter in the complex plane with the support boundary. The
fit number is a Kolmogorov-Smirnov distance to the law (radial and angular for complex
spectra). Ensembles:

  goe, gue, beta-hermite, ginibre, ginibre-complex, elliptic, dale, wishart,
  wishart-complex, beta-laguerre, hebb, erdos-renyi

For beta-hermite and beta-laguerre with n > 20000 the tridiagonal path is used: the
density comes from Sturm counts and the extreme eigenvalues from bisection, in O(n) memory
(n = 10^6 takes about a second, n = 10^7 fits easily).
"""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "spectrum"
HELP = "eigenvalues of a random-matrix ensemble with its law (semicircle, circular, MP, ...)"
EXAMPLES = [
    "esorma spectrum goe --n 2000 --out goe.png",
    "esorma spectrum dale --n 1000 --f 0.8 --sigma-i 2.5 --row-sum-zero --out dale.png",
    "esorma spectrum hebb --n 1000 --alpha 0.138 --json",
    "esorma spectrum beta-hermite --n 1000000 --json",
    "esorma spectrum --gallery --n 500 --out gallery.png --h5 gallery.h5",
]
ORDER = 40

ENSEMBLE_NAMES = (
    "goe", "gue", "beta-hermite", "ginibre", "ginibre-complex", "elliptic", "dale", "wishart",
    "wishart-complex", "beta-laguerre", "hebb", "erdos-renyi",
)

# ensemble parameters given as float options (the option dest is the parameter name)
_PARAMS = ("sigma", "tau", "c", "alpha", "beta", "d", "f", "mu_e", "mu_i", "sigma_e",
           "sigma_i", "p")

# The gallery: every ensemble once, with parameters that show its features.
GALLERY = (
    ("goe", {}),
    ("gue", {}),
    ("beta-hermite", {"beta": 4.0}),
    ("ginibre", {}),
    ("ginibre-complex", {}),
    ("elliptic", {"tau": 0.5}),
    ("dale", {"f": 0.8, "sigma_e": 1.0, "sigma_i": 2.5, "row_sum_zero": True}),
    ("dale", {"f": 0.5, "balanced": False, "mu_e": 1.0, "mu_i": -0.6, "row_sum_zero": True}),
    ("wishart", {"c": 0.25}),
    ("wishart-complex", {"c": 2.0}),
    ("beta-laguerre", {"c": 0.5, "beta": 2.0}),
    ("hebb", {"alpha": 0.138}),
    ("erdos-renyi", {"d": 20.0}),
)

_TRIDIAGONAL_DENSE_MAX = 20000
# The gallery's parameters need n >= 21 (erdos-renyi d = 20 < n - 1, hebb alpha n >= 1 ...).
GALLERY_MIN_N = 50


def add_arguments(parser):
    from esorma.cli._common import add_json, add_seed

    parser.add_argument("ensemble", nargs="?", default=None, metavar="ENSEMBLE",
                        help="one of: " + ", ".join(ENSEMBLE_NAMES))
    parser.add_argument("--n", type=int, default=None,
                        help="matrix size (default 1000; 400 per panel with --gallery, "
                             f"which needs n >= {GALLERY_MIN_N})")
    g = parser.add_argument_group("ensemble parameters (only those of the chosen ensemble)")
    g.add_argument("--sigma", type=float, help="scale: semicircle edge 2σ, Ginibre radius σ")
    g.add_argument("--tau", type=float, help="elliptic: correlation of J_ij and J_ji")
    g.add_argument("--c", type=float, help="wishart/beta-laguerre: ratio n/m")
    g.add_argument("--alpha", type=float, help="hebb: load P/n")
    g.add_argument("--beta", type=float, help="beta-hermite/beta-laguerre: Dyson index")
    g.add_argument("--d", type=float, help="erdos-renyi: mean degree")
    g.add_argument("--f", type=float, help="dale: fraction of excitatory columns")
    g.add_argument("--mu-e", dest="mu_e", type=float, help="dale: excitatory mean (×1/√n)")
    g.add_argument("--mu-i", dest="mu_i", type=float, help="dale: inhibitory mean (×1/√n)")
    g.add_argument("--sigma-e", dest="sigma_e", type=float, help="dale: excitatory s.d. (×1/√n)")
    g.add_argument("--sigma-i", dest="sigma_i", type=float, help="dale: inhibitory s.d. (×1/√n)")
    g.add_argument("--p", type=float, help="dale: connection probability")
    g.add_argument("--unbalanced", action="store_true",
                   help="dale: do not require f μE + (1-f) μI = 0 (give --mu-i)")
    g.add_argument("--row-sum-zero", dest="row_sum_zero", action="store_true", default=None,
                   help="dale: zero row sums of the random part, which removes the escaping "
                        "eigenvalues (the default)")
    g.add_argument("--no-row-sum-zero", dest="row_sum_zero", action="store_false",
                   help="dale: keep the row sums (escaping eigenvalues appear; the law does "
                        "not model them)")
    parser.add_argument("--gallery", action="store_true",
                        help="draw every ensemble on one page (plus Tracy-Widom, spacing "
                             "ratios and a 10^6 tridiagonal density)")
    parser.add_argument("--bins", type=int, default=100,
                        help="histogram bins of the large-n tridiagonal path (default 100)")
    parser.add_argument("--out", type=Path, default=None, metavar="FIG",
                        help="write the figure to this file (PNG, PDF, SVG)")
    parser.add_argument("--h5", type=Path, default=None, metavar="PATH",
                        help="write eigenvalues, parameters and summary to this HDF5 file")
    add_seed(parser)
    add_json(parser)


def _params_from_args(args, ensemble: str) -> dict:
    from esorma.spectra import ENSEMBLES

    allowed = ENSEMBLES[ensemble].defaults
    params = {}
    given = []
    for name in _PARAMS:
        v = getattr(args, name, None)
        if v is not None:
            given.append(name)
            params[name] = v
    if getattr(args, "unbalanced", False):
        given.append("balanced")
        params["balanced"] = False
    if getattr(args, "row_sum_zero", None) is not None:
        given.append("row_sum_zero")
        params["row_sum_zero"] = bool(args.row_sum_zero)
    bad = [g for g in given if g not in allowed]
    if bad:
        opts = ", ".join("--" + b.replace("_", "-") for b in bad)
        raise ValueError(f"{opts} does not apply to ensemble {ensemble!r}; its parameters are "
                         f"{', '.join(sorted(allowed)) or 'none'}")
    return params


def _summary_lines(summary: dict) -> list:
    s = summary
    lines = [f"{s['ensemble']}  n={s['n']}  seed={s['seed']}  ({s['seconds']:.2f} s)",
             f"  law            {s['law']}",
             f"  fit            {s['fit']['method']} = {s['fit']['statistic']:.4f}"]
    if "edges" in s:
        lines.append(f"  edges          [{s['edges'][0]:.4f}, {s['edges'][1]:.4f}]   "
                     f"law [{s['predicted_edges'][0]:.4f}, {s['predicted_edges'][1]:.4f}]")
    if "bulk_radius" in s:
        lines.append(f"  bulk radius    {s['bulk_radius']:.4f}   law {s['predicted_radius']:.4f}")
    if "lambda_max" in s:
        lines.append(f"  lambda_max     {s['lambda_max']:.6f}")
    if "n_real" in s:
        pred = s.get("predicted_n_real")
        lines.append(f"  real eigvals   {s['n_real']}" + (f"   law ≈ {pred:.1f}" if pred else ""))
    if "point_mass" in s:
        pm = s["point_mass"]
        lines.append(f"  point mass     {pm['weight']:.4f} at {pm['location']:.4g}   "
                     f"law {pm['predicted_weight']:.4f}")
    if s.get("predicted_outliers"):
        lines.append(f"  outliers       {s['outliers']}   law {s['predicted_outliers']}")
    if s.get("note"):
        lines.append(f"  note           {s['note']}")
    if s.get("n_outside_support"):
        lines.append(f"  outside law    {s['n_outside_support']} bulk eigenvalues (>5 % out)")
    return lines


def _large_tridiagonal(ensemble, n, params, seed, bins):
    """Density and extremes of a beta model without computing all eigenvalues."""
    import time

    from esorma.spectra import ENSEMBLES, tridiagonal as tri

    t0 = time.perf_counter()
    if ensemble == "beta-hermite":
        T = tri.beta_hermite(n, params.get("beta", 1.0), sigma=params.get("sigma", 1.0),
                             rng=seed)
    else:
        T = tri.beta_laguerre(n, params.get("c", 0.5), params.get("beta", 1.0), rng=seed)
    dens = tri.tridiagonal_density(T, bins=bins)
    full = dict(ENSEMBLES[ensemble].defaults)
    full.update(params)
    law = ENSEMBLES[ensemble].law(n, **full)
    ks = tri.grid_ks_distance(T, lambda x: law.cdf(x, left=True) if law.atoms else law.cdf(x),
                              n_points=256)
    extras = _tridiagonal_support_counts(T, law, dens)
    seconds = time.perf_counter() - t0
    summary = {
        "ensemble": ensemble, "n": n, "params": full, "seed": seed, "law": law.label,
        "fit": {"statistic": ks, "method": "ks-grid-256", "radial": None, "angular": None},
        "predicted_edges": list(law.support),
        "lambda_max": dens.lambda_max, "spectral_radius": max(abs(dens.lambda_min),
                                                              abs(dens.lambda_max)),
        "predicted_outliers": [], "seconds": seconds,
        "path": "tridiagonal (Sturm counts + bisection)",
    }
    summary.update(extras)
    return dens, law, summary


def _tridiagonal_support_counts(T, law, dens):
    """Edges (point masses excluded), eigenvalues outside the support and the point mass of a
    real law, from Sturm counts (the same rules as :class:`esorma.spectra.Spectrum`)."""
    from esorma.spectra import tridiagonal as tri
    from esorma.spectra.registry import atom_tolerance

    n = T.n
    lo, hi = law.support
    tol = 0.05 * (hi - lo)
    atol = atom_tolerance(law)
    below_lo, below_hi = (int(c) for c in tri.eigenvalue_counts(T, [lo - tol, hi + tol]))
    n_outside = below_lo + (n - below_hi)
    out = {}
    edge_lo, edge_hi = dens.lambda_min, dens.lambda_max
    for loc, w in law.atoms:
        c_lo, c_hi = (int(c) for c in tri.eigenvalue_counts(T, [loc - atol, loc + atol]))
        on_atom = c_hi - c_lo
        if not lo - tol <= loc <= hi + tol:
            n_outside -= on_atom
        if on_atom and c_lo == 0 and on_atom < n:  # the atom is the bottom of the spectrum
            edge_lo = tri.kth_eigenvalue(T, on_atom)
        if on_atom and c_hi == n and on_atom < n:  # the atom is the top
            edge_hi = tri.kth_eigenvalue(T, n - on_atom - 1)
        out["point_mass"] = {"location": loc, "predicted_weight": w, "weight": on_atom / n}
    out["edges"] = [edge_lo, edge_hi]
    # outliers: the law predicts none for the beta models; report eigenvalues beyond the
    # support as the count above (they are not listed, n may be 10^7)
    out["outliers"] = []
    out["n_outside_support"] = int(n_outside)
    return out


def _write_h5(path, items, config, seed):
    import json

    from esorma.io import atomic_h5, to_jsonable

    with atomic_h5(path, kind="spectrum", config=config, seed=seed) as fh:
        for key, item in items:
            g = fh.create_group(key)
            summary = item["summary"]
            g.attrs["summary"] = json.dumps(to_jsonable(summary), sort_keys=True)
            g.attrs["ensemble"] = summary["ensemble"]
            g.attrs["n"] = summary["n"]
            if "spectrum" in item:
                sp = item["spectrum"]
                g.create_dataset("eigenvalues", data=sp.eigenvalues, compression="gzip")
                g.create_dataset("outliers", data=sp.outliers)
            if "density" in item:
                d = item["density"]
                g.create_dataset("edges", data=d.edges)
                g.create_dataset("counts", data=d.counts)
    return path


def _single(args, seed):
    import time

    from esorma.spectra import sample_spectrum

    ensemble = args.ensemble
    if ensemble not in ENSEMBLE_NAMES:
        raise ValueError(f"ENSEMBLE must be one of {', '.join(ENSEMBLE_NAMES)}; "
                         f"got {ensemble!r}")
    n = 1000 if args.n is None else args.n
    if n < 1:
        raise ValueError(f"--n must be >= 1; got {n}")
    params = _params_from_args(args, ensemble)
    if ensemble in ("beta-hermite", "beta-laguerre") and n > _TRIDIAGONAL_DENSE_MAX:
        dens, law, summary = _large_tridiagonal(ensemble, n, params, seed, args.bins)
        return {"summary": summary, "density": dens, "law": law}
    t0 = time.perf_counter()
    spec = sample_spectrum(ensemble, n, rng=seed, **params)
    summary = spec.summary()
    summary["seconds"] = time.perf_counter() - t0
    return {"summary": summary, "spectrum": spec}


def _draw_single(item, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from esorma.cli._common import save_figure
    from esorma.plotting.spectra import plot_spectrum

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    if "spectrum" in item:
        plot_spectrum(item["spectrum"], ax=ax)
    else:
        d, law, s = item["density"], item["law"], item["summary"]
        e = d.edges
        ax.bar(e[:-1], d.density, width=np.diff(e), align="edge", color="C0", alpha=0.55,
               label=f"Sturm counts ({len(e) - 1} bins)")
        g = np.linspace(e[0], e[-1], 600)
        ax.plot(g, law.pdf(g), color="C3", lw=1.5, label=law.label)
        ax.axvline(d.lambda_max, color="C1", ls=":", label=f"λmax = {d.lambda_max:.5f}")
        ax.set_title(f"{s['ensemble']} (tridiagonal), n={s['n']:,}\n"
                     f"{s['seconds']:.2f} s, grid KS {s['fit']['statistic']:.4f}", fontsize=9)
        ax.set_xlabel("eigenvalue λ")
        ax.set_ylabel("density ρ(λ)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return save_figure(fig, path)


def gallery(n: int, seed: int, *, extras: bool = True, tw_samples: int = 200,
            tridiagonal_n: int = 10**6):
    """Sample every gallery ensemble; returns (items, extras dict)."""
    import numpy as np

    from esorma._validation import as_rng, spawn_seeds
    from esorma.spectra import (
        beta_hermite,
        beta_hermite_density,
        largest_eigenvalue,
        sample_spectrum,
        spacing_ratios,
    )

    if n < GALLERY_MIN_N:
        raise ValueError(f"n must be >= {GALLERY_MIN_N} for the gallery; got {n}")
    seeds = spawn_seeds(as_rng(seed), len(GALLERY) + 4)
    items = []
    for (name, params), s in zip(GALLERY, seeds):
        spec = sample_spectrum(name, n, rng=int(s), **params)
        items.append({"summary": spec.summary(), "spectrum": spec})
    extra = {}
    if extras:
        rng = as_rng(int(seeds[-1]))
        n_tw = 400
        lam = np.array([largest_eigenvalue(beta_hermite(n_tw, 1.0, rng=rng))
                        for _ in range(tw_samples)])
        extra["tracy_widom"] = {"samples": lam, "n": n_tw, "beta": 1}
        goe_ev = items[0]["spectrum"].eigenvalues
        poisson = np.sort(as_rng(int(seeds[-2])).random(goe_ev.size))
        extra["ratios"] = {"goe": spacing_ratios(goe_ev), "poisson": spacing_ratios(poisson)}
        extra["density"] = beta_hermite_density(tridiagonal_n, 1.0, bins=100,
                                                rng=int(seeds[-3]))
    return items, extra


def draw_gallery(items, extra, path, *, title: str = ""):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.cli._common import save_figure
    from esorma.plotting.spectra import (
        plot_gallery,
        plot_largest_eigenvalues,
        plot_spacing_ratios,
        plot_tridiagonal_density,
    )

    n_panels = len(items) + (3 if extra else 0)
    ncols = 4
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.7 * ncols, 4.2 * nrows), squeeze=False)
    flat = axes.ravel()
    plot_gallery([it["spectrum"] for it in items], axes=flat[: len(items)])
    k = len(items)
    if extra:
        tw = extra["tracy_widom"]
        plot_largest_eigenvalues(tw["samples"], tw["n"], tw["beta"], ax=flat[k])
        ax = plot_spacing_ratios(extra["ratios"]["goe"], ax=flat[k + 1], label="GOE levels")
        ax.hist(extra["ratios"]["poisson"], bins=30, range=(0, 1), density=True,
                histtype="step", color="0.3",
                label=f"Poisson levels: <r~> = {extra['ratios']['poisson'].mean():.3f}")
        ax.legend(fontsize=7)
        plot_tridiagonal_density(extra["density"], ax=flat[k + 2])
        k += 3
    for ax in flat[k:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    return save_figure(fig, path)


def run(args) -> int:
    from esorma.cli._common import print_json

    seed = args.seed
    if args.gallery:
        if args.ensemble is not None:
            raise ValueError("give either ENSEMBLE or --gallery, not both")
        n = 400 if args.n is None else args.n
        if n < GALLERY_MIN_N:
            raise ValueError(f"--n must be >= {GALLERY_MIN_N} for the gallery (its panels use "
                             f"fixed parameters such as erdos-renyi d = 20 and hebb alpha = "
                             f"0.138); got {n}")
        items, extra = gallery(n, seed)
        summaries = [it["summary"] for it in items]
        if args.out is not None:
            draw_gallery(items, extra, args.out,
                         title=f"esorma spectrum gallery: n = {n} per panel, seed {seed}")
        if args.h5 is not None:
            keyed = [(f"{i:02d}_{it['summary']['ensemble']}", it) for i, it in enumerate(items)]
            _write_h5(args.h5, keyed, {"gallery": True, "n": n}, seed)
        if args.json:
            print_json({"gallery": summaries})
        else:
            for s in summaries:
                print(f"{s['ensemble']:16s} {s['law']:52s} fit {s['fit']['statistic']:.4f}")
            _report_files(args)
        return 0
    if args.ensemble is None:
        raise ValueError("give an ENSEMBLE (one of " + ", ".join(ENSEMBLE_NAMES)
                         + ") or --gallery")
    item = _single(args, seed)
    if args.out is not None:
        _draw_single(item, args.out)
    if args.h5 is not None:
        cfg = {"ensemble": item["summary"]["ensemble"], "n": item["summary"]["n"],
               "params": item["summary"]["params"]}
        _write_h5(args.h5, [("spectrum", item)], cfg, seed)
    if args.json:
        print_json(item["summary"])
    else:
        print("\n".join(_summary_lines(item["summary"])))
        _report_files(args)
    return 0


def _report_files(args):
    for p in (args.out, args.h5):
        if p is not None:
            print(f"  wrote {p}", file=sys.stdout)


TOUR_N = 200
TOUR_TRIDIAGONAL_N = 200_000


def tour(ctx) -> None:
    """A small gallery: every ensemble at n = 200 with its law, plus Tracy-Widom, spacing
    ratios and a 2 x 10^5 tridiagonal density (``esorma spectrum --gallery`` uses 10^6)."""
    items, extra = gallery(TOUR_N, ctx.seed, tw_samples=100, tridiagonal_n=TOUR_TRIDIAGONAL_N)
    png = draw_gallery(items, extra, ctx.path("spectra_gallery.png"),
                       title=f"random-matrix spectra and their laws (n = {TOUR_N}, "
                             f"seed {ctx.seed})")
    h5 = _write_h5(ctx.path("spectra_gallery.h5"),
                   [(f"{i:02d}_{it['summary']['ensemble']}", it) for i, it in enumerate(items)],
                   {"gallery": True, "n": TOUR_N}, ctx.seed)
    fits = {f"{i:02d}_{it['summary']['ensemble']}": round(it["summary"]["fit"]["statistic"], 4)
            for i, it in enumerate(items)}
    worst = max(fits, key=fits.get)
    ctx.log(f"{len(items)} ensembles at n={TOUR_N}; worst fit {worst} KS={fits[worst]:.3f}")
    d = extra["density"]
    ctx.log(f"beta-Hermite n={d.n:,}: lambda_max={d.lambda_max:.5f} in {d.seconds:.2f} s")
    ctx.record(fits=fits, tridiagonal_lambda_max=d.lambda_max,
               tridiagonal_seconds=round(d.seconds, 3),
               tw_mean_standardized=float(((extra["tracy_widom"]["samples"] - 2)
                                           * extra["tracy_widom"]["n"] ** (2 / 3)).mean()),
               goe_mean_ratio=float(extra["ratios"]["goe"].mean()),
               poisson_mean_ratio=float(extra["ratios"]["poisson"].mean()))
    del png, h5

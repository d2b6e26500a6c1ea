"""``esorma spectrum``: one ensemble, or the gallery, against its law (esorma.spectra studies)."""

from __future__ import annotations

from esorma.spectra._names import ENSEMBLE_ALIASES, ENSEMBLE_NAMES

NAME = "spectrum"
HELP = "eigenvalues of a random-matrix ensemble with its law (semicircle, circular, MP, ...)"
_ALIASES = ", ".join(f"{a} = {b}" for a, b in ENSEMBLE_ALIASES.items())
DESCRIPTION = f"""\
Sample a random-matrix ensemble and compare its eigenvalues with the large-n law.

Real spectra (symmetric matrices) are compared with a density (semicircle,
Marchenko-Pastur with its point mass), complex ones (non-symmetric matrices) with a
region of the complex plane (circular, elliptic, Rajan-Abbott disc). The fit number is
a Kolmogorov-Smirnov distance to the law (radial and angular for complex spectra).

Ensembles: {", ".join(ENSEMBLE_NAMES)} ({_ALIASES}).

For beta-hermite and beta-laguerre with n > 20000 the spectrum is summarised without
computing every eigenvalue: the density from Sturm counts and the extreme eigenvalues
by bisection, in O(n) memory (n = 10^6 takes about a second).

--gallery samples every ensemble on one page, with Tracy-Widom fluctuations of the
largest eigenvalue, spacing ratios and a 10^6 tridiagonal density.

Nothing is written unless asked: --out saves the result (HDF5), --figure draws it."""
EXAMPLES = [
    "esorma spectrum wigner --n 2000 --figure goe.png",
    "esorma spectrum dale --n 1000 --f 0.8 --sigma-i 2.5 --figure dale.png",
    "esorma spectrum hebb --n 1000 --alpha 0.138 --json",
    "esorma spectrum beta-hermite --n 1000000 --out bh.h5",
    "esorma spectrum --gallery --n 500 --figure gallery.png --out gallery.h5",
]
ORDER = 40

# ensemble parameters given as float options (the option's dest is the parameter's name)
_FLOAT_PARAMS = ("sigma", "tau", "c", "alpha", "beta", "d", "f", "mu_e", "mu_i", "sigma_e",
                 "sigma_i", "p")

# sizes of the tour's gallery (``esorma spectrum --gallery`` uses n = 400 and 10^6)
TOUR_N = 200
TOUR_TW_SAMPLES = 100
TOUR_TRIDIAGONAL_N = 200_000


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("ensemble", nargs="?", default=None, metavar="ENSEMBLE",
                        help="one of: " + ", ".join(ENSEMBLE_NAMES) + f" ({_ALIASES})")
    parser.add_argument("--n", type=int, default=None,
                        help="matrix size (default 1000; 400 per panel with --gallery)")
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
                        help="every ensemble on one page (plus Tracy-Widom, spacing ratios "
                             "and a 10^6 tridiagonal density)")
    parser.add_argument("--bins", type=int, default=100,
                        help="histogram bins of the large-n tridiagonal path (default 100)")
    add_outputs(parser, figure=True, seed=0,
                out_help="write the result (eigenvalues or Sturm-count density, law, fit) to "
                         "this HDF5 file (.h5)")


def _given_params(args) -> dict:
    """The ensemble parameters given on the command line (the library checks they apply)."""
    params = {name: getattr(args, name) for name in _FLOAT_PARAMS
              if getattr(args, name, None) is not None}
    if args.unbalanced:
        params["balanced"] = False
    if args.row_sum_zero is not None:
        params["row_sum_zero"] = bool(args.row_sum_zero)
    return params


def run(args) -> int:
    from esorma.cli._common import finish, progress

    say = progress(args)
    if args.n is not None and args.n < 1:
        raise ValueError(f"--n must be >= 1; got {args.n}")
    if args.bins < 1:
        raise ValueError(f"--bins must be >= 1; got {args.bins}")
    params = _given_params(args)
    if args.gallery:
        if args.ensemble is not None:
            raise ValueError("give either ENSEMBLE or --gallery, not both")
        if params:
            raise ValueError("--gallery uses fixed parameters per panel; drop the ensemble "
                             "parameters (" + ", ".join(
                                 "--" + k.replace("_", "-") for k in params) + ")")
        from esorma.plotting.spectra import draw_gallery
        from esorma.spectra import GALLERY_MIN_N, spectrum_gallery

        n = 400 if args.n is None else args.n
        if n < GALLERY_MIN_N:  # refused before the progress line
            raise ValueError(f"--n must be >= {GALLERY_MIN_N} for the gallery (its panels use "
                             f"fixed parameters such as erdos-renyi d = 20); got {n}")
        say(f"gallery: every ensemble at n = {n}, Tracy-Widom, spacing ratios, "
            "a 10^6 tridiagonal density ...")
        result = spectrum_gallery(n, rng=args.seed)
        return finish(args, result, summary=result.summary(), text=result.report(),
                      draw=draw_gallery, config={"gallery": True, "n": n}, seed=args.seed)
    if args.ensemble is None:
        raise ValueError("give an ENSEMBLE (one of " + ", ".join(ENSEMBLE_NAMES)
                         + ") or --gallery")
    from esorma.plotting.spectra import draw_spectrum
    from esorma.spectra import spectrum_study

    n = 1000 if args.n is None else args.n
    result = spectrum_study(args.ensemble, n, bins=args.bins, rng=args.seed, **params)
    config = {"ensemble": result.ensemble, "n": result.n, "params": result.params,
              "method": result.method, "bins": args.bins}
    return finish(args, result, summary=result.summary(), text=result.report(),
                  draw=draw_spectrum, config=config, seed=args.seed)


def tour(ctx) -> None:
    """A small gallery: every ensemble at n = 200 with its law, plus Tracy-Widom, spacing
    ratios and a 2 x 10^5 tridiagonal density (``esorma spectrum --gallery`` uses 10^6)."""
    from esorma.io import save_result
    from esorma.plotting import save_figure
    from esorma.plotting.spectra import draw_gallery
    from esorma.spectra import spectrum_gallery

    result = spectrum_gallery(TOUR_N, tw_samples=TOUR_TW_SAMPLES,
                              tridiagonal_n=TOUR_TRIDIAGONAL_N, rng=ctx.seed)
    save_result(ctx.path("spectra_gallery.h5"), result,
                config={"gallery": True, "n": TOUR_N, "tw_samples": TOUR_TW_SAMPLES,
                        "tridiagonal_n": TOUR_TRIDIAGONAL_N},
                seed=ctx.seed)
    save_figure(draw_gallery(result), ctx.path("spectra_gallery.png"))
    s = result.summary()
    fits = {f"{i:02d}_{p['ensemble']}": round(p["fit"]["statistic"], 4)
            for i, p in enumerate(s["gallery"])}
    worst = max(fits, key=fits.get)
    ctx.log(f"{len(fits)} ensembles at n={TOUR_N}; worst fit {worst} KS={fits[worst]:.3f}")
    t = s["tridiagonal"]
    ctx.log(f"beta-Hermite n={t['n']:,}: lambda_max={t['lambda_max']:.5f} in "
            f"{t['seconds']:.2f} s")
    ctx.record(fits=fits, tridiagonal_lambda_max=t["lambda_max"],
               tridiagonal_seconds=round(t["seconds"], 3),
               tw_mean_standardized=s["tracy_widom"]["mean_standardized"],
               goe_mean_ratio=s["spacing_ratios"]["goe_mean"],
               poisson_mean_ratio=s["spacing_ratios"]["poisson_mean"])

"""Studies of random-matrix spectra: one ensemble against its law, the gallery, the edge.

Each study is one call that returns a frozen result (saved and loaded back with
:func:`esorma.io.save_result` / :func:`esorma.io.load_result`, drawn by
:mod:`esorma.plotting.spectra`):

* :func:`spectrum_study` -- one ensemble at one size: every eigenvalue and its law (dense
  path), or, for the tridiagonal beta models at large ``n``, a :class:`SturmSummary` (density,
  extreme eigenvalues, fit, point mass and counts outside the support from Sturm counts in
  ``O(n)`` memory: ``n = 10^6`` in about a second);
* :func:`spectrum_gallery` -- every ensemble of :data:`GALLERY` with its law, plus
  Tracy-Widom fluctuations of the largest eigenvalue, spacing ratios of GOE and Poisson levels
  and a large tridiagonal density;
* :func:`edge_study` -- largest-eigenvalue samples for ``beta = 1, 2`` and the ``n^(-2/3)``
  edge scaling up to ``n = 10^7``.

``esorma spectrum`` and ``experiments/spectra_gallery.py`` are thin layers over these.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_bool, check_choice, check_int, spawn_seeds
from esorma.spectra.registry import (
    ENSEMBLES,
    Spectrum,
    _num,
    atom_tolerance,
    check_params,
    resolve_ensemble,
    sample_spectrum,
)
from esorma.spectra.statistics import Fit
from esorma.spectra.tridiagonal import TridiagonalDensity

__all__ = [
    "GALLERY",
    "GALLERY_MIN_N",
    "TRIDIAGONAL_MIN_N",
    "SturmSummary",
    "sturm_summary",
    "SpectrumStudy",
    "spectrum_study",
    "SpectrumGallery",
    "spectrum_gallery",
    "EdgeStudy",
    "edge_study",
]

#: The gallery: every ensemble once, with parameters that show its features (a non-uniform
#: Rajan-Abbott disc, a Dale outlier, Marchenko-Pastur point masses, the Perron outlier).
GALLERY = (
    ("goe", MappingProxyType({})),
    ("gue", MappingProxyType({})),
    ("beta-hermite", MappingProxyType({"beta": 4.0})),
    ("ginibre", MappingProxyType({})),
    ("ginibre-complex", MappingProxyType({})),
    ("elliptic", MappingProxyType({"tau": 0.5})),
    ("dale", MappingProxyType({"f": 0.8, "sigma_e": 1.0, "sigma_i": 2.5,
                               "row_sum_zero": True})),
    ("dale", MappingProxyType({"f": 0.5, "balanced": False, "mu_e": 1.0, "mu_i": -0.6,
                               "row_sum_zero": True})),
    ("wishart", MappingProxyType({"c": 0.25})),
    ("wishart-complex", MappingProxyType({"c": 2.0})),
    ("beta-laguerre", MappingProxyType({"c": 0.5, "beta": 2.0})),
    ("hebb", MappingProxyType({"alpha": 0.138})),
    ("erdos-renyi", MappingProxyType({"d": 20.0})),
)

#: The gallery's fixed parameters need n >= 21 (erdos-renyi d = 20 < n - 1, ...).
GALLERY_MIN_N = 50

#: From this size on, ``spectrum_study(method="auto")`` summarises the beta models by Sturm
#: counts instead of computing every eigenvalue.
TRIDIAGONAL_MIN_N = 20_001

_TRIDIAGONAL_ENSEMBLES = ("beta-hermite", "beta-laguerre")


def _seed_of(rng):
    return int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None


# --------------------------------------------------------------------------- Sturm summaries


@summarized
@dataclass(frozen=True)
class SturmSummary:
    """The spectrum of a large tridiagonal matrix against a real law, from Sturm counts only.

    No eigenvalue list is kept (``n`` may be 10^7): the density is a histogram of exact
    counts, the extremes come from bisection, the fit is a KS distance on a grid.

    Attributes
    ----------
    n : int
        Matrix size.
    law : the real law compared with (:class:`~esorma.spectra.SemicircleLaw`, ...).
    density : TridiagonalDensity
        Histogram of all eigenvalues, with ``lambda_min`` and ``lambda_max``.
    fit : Fit
        Grid KS distance of all eigenvalues to the law (``method`` ``"ks-grid-<points>"``).
    edges : (float, float)
        Smallest and largest eigenvalue not on a point mass of the law (the bulk's edges).
    n_outside : int
        Eigenvalues farther than 5 % of the support's width outside it (point masses
        excluded), the rule of :attr:`esorma.spectra.Spectrum.n_outside`.
    atom_weight : float or None
        Fraction of eigenvalues on the law's point mass (None when the law has none).
    seconds : float
        Wall time of the counts.
    """

    n: int
    law: object
    density: TridiagonalDensity
    fit: Fit
    edges: tuple
    n_outside: int
    atom_weight: float | None
    seconds: float

    def __post_init__(self):
        object.__setattr__(self, "edges", tuple(float(e) for e in self.edges))

    @property
    def lambda_min(self) -> float:
        return self.density.lambda_min

    @property
    def lambda_max(self) -> float:
        return self.density.lambda_max

    @property
    def spectral_radius(self) -> float:
        return max(abs(self.density.lambda_min), abs(self.density.lambda_max))


def sturm_summary(T, law, *, bins: int = 100, n_points: int = 256) -> SturmSummary:
    """Compare every eigenvalue of a tridiagonal matrix with a real law, in ``O(n)`` memory.

    Parameters
    ----------
    T : Tridiagonal or (diag, offdiag)
        E.g. :func:`esorma.spectra.beta_hermite` or :func:`esorma.spectra.beta_laguerre`.
    law : real law
        Anything with ``kind == "real"``, ``support``, ``atoms`` and ``cdf`` (with
        ``left=True`` when it has point masses).
    bins : int
        Histogram bins of the density.
    n_points : int
        Grid points of the KS distance (:func:`esorma.spectra.grid_ks_distance`).

    Returns
    -------
    SturmSummary

    Examples
    --------
    >>> from esorma.spectra import SemicircleLaw, beta_hermite
    >>> s = sturm_summary(beta_hermite(10_000, rng=0), SemicircleLaw())
    >>> s.fit.statistic < 0.01, s.n_outside, round(s.lambda_max, 1)
    (True, 0, 2.0)
    """
    from esorma.spectra import tridiagonal as tri

    t0 = time.perf_counter()
    T = tri._as_tridiagonal(T)
    if getattr(law, "kind", None) != "real":
        raise ValueError(f"law must be a real law (with support, atoms and cdf); got "
                         f"{type(law).__name__}")
    bins = check_int(bins, "bins", minimum=1)
    n_points = check_int(n_points, "n_points", minimum=2)
    density = tri.tridiagonal_density(T, bins=bins)
    cdf = (lambda x: law.cdf(x, left=True)) if law.atoms else law.cdf
    ks = tri.grid_ks_distance(T, cdf, n_points=n_points)
    n = T.n
    lo, hi = law.support
    tol = 0.05 * (hi - lo)
    atol = atom_tolerance(law)
    below_lo, below_hi = (int(c) for c in tri.eigenvalue_counts(T, [lo - tol, hi + tol]))
    n_outside = below_lo + (n - below_hi)
    edge_lo, edge_hi = density.lambda_min, density.lambda_max
    atom_weight = None
    for k, (loc, _w) in enumerate(law.atoms):
        c_lo, c_hi = (int(c) for c in tri.eigenvalue_counts(T, [loc - atol, loc + atol]))
        on_atom = c_hi - c_lo
        if not lo - tol <= loc <= hi + tol:
            n_outside -= on_atom
        if on_atom and c_lo == 0 and on_atom < n:  # the atom is the bottom of the spectrum
            edge_lo = tri.kth_eigenvalue(T, on_atom)
        if on_atom and c_hi == n and on_atom < n:  # the atom is the top
            edge_hi = tri.kth_eigenvalue(T, n - on_atom - 1)
        if k == 0:
            atom_weight = on_atom / n
    return SturmSummary(n=n, law=law, density=density,
                        fit=Fit(statistic=ks, method=f"ks-grid-{n_points}", n_used=n),
                        edges=(edge_lo, edge_hi), n_outside=int(n_outside),
                        atom_weight=atom_weight, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------- one ensemble


@summarized
@dataclass(frozen=True)
class SpectrumStudy:
    """One ensemble's spectrum against its large-N law (the result of :func:`spectrum_study`).

    Attributes
    ----------
    ensemble, n, params : what was studied (``params`` with the defaults filled in).
    method : {"dense", "tridiagonal"}
        ``"dense"``: every eigenvalue, in :attr:`spectrum`; ``"tridiagonal"``: Sturm counts
        of a beta model, in :attr:`sturm`.
    spectrum : Spectrum or None
    sturm : SturmSummary or None
    seed : int or None
    seconds : float
        Wall time of the whole study (sampling, eigenvalues or counts, fit).
    """

    ensemble: str
    n: int
    params: dict
    method: str
    spectrum: Spectrum | None
    sturm: SturmSummary | None
    seed: int | None
    seconds: float

    def __post_init__(self):
        if (self.spectrum is None) == (self.sturm is None):
            raise ValueError("a SpectrumStudy holds either a spectrum (dense) or a Sturm "
                             "summary (tridiagonal)")

    @property
    def law(self):
        return (self.spectrum or self.sturm).law

    @property
    def fit(self) -> Fit:
        return (self.spectrum or self.sturm).fit

    def summary(self) -> dict:
        """The key numbers (JSON-ready): what ``esorma spectrum --json`` prints."""
        if self.spectrum is not None:
            out = self.spectrum.summary()
            out["method"] = self.method
            out["seconds"] = self.seconds
            return out
        s, law = self.sturm, self.sturm.law
        out = {
            "ensemble": self.ensemble, "n": self.n, "params": dict(self.params),
            "seed": self.seed, "method": self.method, "law": law.label,
            "fit": {"statistic": s.fit.statistic, "method": s.fit.method, "radial": None,
                    "angular": None},
            "edges": list(s.edges), "predicted_edges": list(law.support),
            "lambda_max": s.lambda_max, "spectral_radius": s.spectral_radius,
            # no eigenvalue list at this size: beyond-support eigenvalues are only counted
            "outliers": [], "predicted_outliers": [_num(z) for z in law.outliers],
            "n_outside_support": s.n_outside, "seconds": self.seconds,
        }
        if law.atoms:
            loc, w = law.atoms[0]
            out["point_mass"] = {"location": loc, "predicted_weight": w,
                                 "weight": s.atom_weight}
        if getattr(law, "note", ""):
            out["note"] = law.note
        return out

    def report(self) -> list:
        """The summary as text lines (the same numbers as :meth:`summary`)."""
        s = self.summary()
        seed = "none" if s["seed"] is None else s["seed"]
        lines = [f"{s['ensemble']}  n={s['n']}  seed={seed}  ({s['seconds']:.2f} s)",
                 f"  law            {s['law']}",
                 f"  fit            {s['fit']['method']} = {s['fit']['statistic']:.4f}"]
        if self.method == "tridiagonal":
            lines.insert(1, "  method         tridiagonal (Sturm counts + bisection, "
                            "no eigenvalue list)")
        if "edges" in s:
            lines.append(f"  edges          [{s['edges'][0]:.4f}, {s['edges'][1]:.4f}]   "
                         f"law [{s['predicted_edges'][0]:.4f}, {s['predicted_edges'][1]:.4f}]")
        if "bulk_radius" in s:
            lines.append(f"  bulk radius    {s['bulk_radius']:.4f}   "
                         f"law {s['predicted_radius']:.4f}")
        if "lambda_max" in s:
            lines.append(f"  lambda_max     {s['lambda_max']:.6f}")
        if "n_real" in s:
            pred = s.get("predicted_n_real")
            lines.append(f"  real eigvals   {s['n_real']}"
                         + (f"   law ≈ {pred:.1f}" if pred else ""))
        if "point_mass" in s:
            pm = s["point_mass"]
            lines.append(f"  point mass     {pm['weight']:.4f} at {pm['location']:.4g}   "
                         f"law {pm['predicted_weight']:.4f}")
        if s.get("predicted_outliers"):
            lines.append(f"  outliers       {_fmt_values(s['outliers'])}   "
                         f"law {_fmt_values(s['predicted_outliers'])}")
        if s.get("note"):
            lines.append(f"  note           {s['note']}")
        if s.get("n_outside_support"):
            lines.append(f"  outside law    {s['n_outside_support']} bulk eigenvalues "
                         "(>5 % out)")
        return lines


def _fmt_values(values) -> str:
    def one(v):
        return f"{v[0]:.4g}{v[1]:+.4g}i" if isinstance(v, list) else f"{v:.4g}"

    return "[" + ", ".join(one(v) for v in values) + "]"


def spectrum_study(ensemble: str, n: int = 1000, *, method: str = "auto", bins: int = 100,
                   rng=None, **params) -> SpectrumStudy:
    """Sample one ensemble and compare its spectrum with the large-N law.

    Parameters
    ----------
    ensemble : str
        A name of :data:`esorma.spectra.ENSEMBLES` or an alias (``"wigner"`` for ``"goe"``).
    n : int
        Matrix size.
    method : {"auto", "dense", "tridiagonal"}
        ``"dense"`` computes every eigenvalue (:func:`esorma.spectra.sample_spectrum`);
        ``"tridiagonal"`` (beta-hermite and beta-laguerre only) summarises the spectrum by
        Sturm counts in ``O(n)`` memory (:func:`sturm_summary`); ``"auto"`` takes the
        tridiagonal path for those two from ``n >= TRIDIAGONAL_MIN_N`` (20 001).
    bins : int
        Histogram bins of the tridiagonal path's density.
    rng : None, int or numpy.random.Generator
    **params
        Ensemble parameters (``ENSEMBLES[ensemble].defaults``: ``sigma``, ``tau``, ``c``,
        ``alpha``, ``beta``, ``d``, ``f``, ``mu_e``, ``mu_i``, ``sigma_e``, ``sigma_i``,
        ``balanced``, ``row_sum_zero``, ``p``, ``scaled``); others are refused.

    Returns
    -------
    SpectrumStudy

    Examples
    --------
    >>> r = spectrum_study("wigner", 200, rng=0)
    >>> r.ensemble, r.method, r.law.label, r.fit.statistic < 0.05
    ('goe', 'dense', 'semicircle, edge ±2', True)
    >>> big = spectrum_study("beta-hermite", 100_000, rng=0)
    >>> big.method, round(big.summary()["lambda_max"], 2)
    ('tridiagonal', 2.0)
    """
    t0 = time.perf_counter()
    name = resolve_ensemble(ensemble)
    full = check_params(name, params)
    n = check_int(n, "n", minimum=2 if name == "erdos-renyi" else 1)
    method = check_choice(method, "method", ("auto", "dense", "tridiagonal"))
    bins = check_int(bins, "bins", minimum=1)
    if method == "auto":
        method = ("tridiagonal" if name in _TRIDIAGONAL_ENSEMBLES and n >= TRIDIAGONAL_MIN_N
                  else "dense")
    elif method == "tridiagonal" and name not in _TRIDIAGONAL_ENSEMBLES:
        raise ValueError(f"method 'tridiagonal' needs a tridiagonal model "
                         f"({', '.join(_TRIDIAGONAL_ENSEMBLES)}); got ensemble {name!r}")
    if method == "dense":
        spec = sample_spectrum(name, n, rng=rng, **params)
        return SpectrumStudy(ensemble=name, n=n, params=spec.params, method="dense",
                             spectrum=spec, sturm=None, seed=spec.seed,
                             seconds=time.perf_counter() - t0)
    from esorma.spectra import tridiagonal as tri

    seed = _seed_of(rng)
    law = ENSEMBLES[name].law(n, **full)  # validates the parameters before sampling
    if name == "beta-hermite":
        T = tri.beta_hermite(n, full["beta"], sigma=full["sigma"], rng=rng)
    else:
        T = tri.beta_laguerre(n, full["c"], full["beta"], rng=rng)
    sturm = sturm_summary(T, law, bins=bins)
    return SpectrumStudy(ensemble=name, n=n, params=full, method="tridiagonal", spectrum=None,
                         sturm=sturm, seed=seed, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------- the gallery


@summarized
@dataclass(frozen=True)
class SpectrumGallery:
    """Every gallery ensemble against its law, and the spectral edge and local statistics.

    Attributes
    ----------
    n : int
        Matrix size of every panel.
    spectra : tuple of Spectrum
        One per entry of :data:`GALLERY`, in its order.
    largest_eigenvalues : numpy.ndarray or None
        Largest eigenvalue of ``tw_samples`` beta-Hermite matrices (``beta = tw_beta``,
        size ``tw_n``): Tracy-Widom fluctuations around ``2``.
    tw_n, tw_beta : int
    goe_ratios, poisson_ratios : numpy.ndarray or None
        Spacing ratios ``r~`` of the GOE panel's levels and of as many Poisson levels.
    density : TridiagonalDensity or None
        The density of a large beta-Hermite matrix (``beta = 1``) from Sturm counts.
    seed : int or None
    seconds : float
    hebb_n : int or None
        Matrix size of the Hebb panel: ``max(n, ceil(hebb_nonzero / alpha))``, so that its
        ``P = alpha n`` non-zero eigenvalues fill a histogram (None in files written before
        it was recorded: the Hebb panel then has size ``n``).
    """

    n: int
    spectra: tuple
    largest_eigenvalues: np.ndarray | None = field(metadata={
        "description": "largest eigenvalue of each beta-Hermite sample (semicircle edge 2)"})
    tw_n: int
    tw_beta: int
    goe_ratios: np.ndarray | None = field(metadata={
        "description": "spacing ratios min(r, 1/r) of the GOE panel's eigenvalues"})
    poisson_ratios: np.ndarray | None = field(metadata={
        "description": "spacing ratios min(r, 1/r) of independent uniform levels"})
    density: TridiagonalDensity | None
    seed: int | None
    seconds: float
    hebb_n: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "spectra", tuple(self.spectra))

    @property
    def has_extras(self) -> bool:
        return self.largest_eigenvalues is not None

    def tw_standardized(self) -> np.ndarray:
        """``(lambda_max - 2) tw_n^(2/3)``: Tracy-Widom distributed at large ``tw_n``."""
        return (np.asarray(self.largest_eigenvalues) - 2.0) * self.tw_n ** (2.0 / 3.0)

    def summary(self) -> dict:
        """The key numbers (JSON-ready): what ``esorma spectrum --gallery --json`` prints."""
        panels = [s.summary() for s in self.spectra]
        worst = max(range(len(panels)), key=lambda i: panels[i]["fit"]["statistic"])
        out = {"n": self.n, "hebb_n": self.hebb_n if self.hebb_n is not None else self.n,
               "seed": self.seed, "gallery": panels,
               "worst_fit": {"index": worst, "ensemble": panels[worst]["ensemble"],
                             "statistic": panels[worst]["fit"]["statistic"]},
               "seconds": self.seconds}
        if self.has_extras:
            from esorma.spectra.statistics import mean_spacing_ratio
            from esorma.spectra.tracy_widom import tracy_widom_moments

            out["tracy_widom"] = {
                "n": self.tw_n, "beta": self.tw_beta,
                "samples": int(self.largest_eigenvalues.size),
                "mean_standardized": float(self.tw_standardized().mean()),
                "predicted_mean": tracy_widom_moments(self.tw_beta)[0]}
            out["spacing_ratios"] = {
                "goe_mean": float(self.goe_ratios.mean()),
                "poisson_mean": float(self.poisson_ratios.mean()),
                "predicted_goe": mean_spacing_ratio("goe"),
                "predicted_poisson": mean_spacing_ratio("poisson")}
            d = self.density
            out["tridiagonal"] = {"n": d.n, "beta": d.beta, "lambda_min": d.lambda_min,
                                  "lambda_max": d.lambda_max, "seconds": d.seconds}
        return out

    def report(self) -> list:
        """The summary as text lines (the same numbers as :meth:`summary`)."""
        s = self.summary()
        lines = [f"{p['ensemble']:16s} {p['law']:52s} fit {p['fit']['statistic']:.4f}"
                 for p in s["gallery"]]
        w = s["worst_fit"]
        lines.append(f"{len(s['gallery'])} panels at n={self.n}: worst fit "
                     f"#{w['index']} {w['ensemble']} KS={w['statistic']:.4f}")
        if "tracy_widom" in s:
            tw, r, t = s["tracy_widom"], s["spacing_ratios"], s["tridiagonal"]
            lines.append(f"Tracy-Widom      {tw['samples']} samples at n={tw['n']}: mean "
                         f"(λmax − 2) n^(2/3) = {tw['mean_standardized']:.3f}   "
                         f"law {tw['predicted_mean']:.3f}")
            lines.append(f"spacing ratios   <r~> GOE {r['goe_mean']:.3f} (law "
                         f"{r['predicted_goe']:.4f}), Poisson {r['poisson_mean']:.3f} (law "
                         f"{r['predicted_poisson']:.4f})")
            lines.append(f"tridiagonal      β-Hermite n={t['n']:,}: λmax = "
                         f"{t['lambda_max']:.5f} in {t['seconds']:.2f} s")
        return lines


def spectrum_gallery(n: int = 400, *, extras: bool = True, tw_samples: int = 200,
                     tw_n: int = 400, tridiagonal_n: int = 10**6, hebb_nonzero: int = 250,
                     rng=None) -> SpectrumGallery:
    """Sample every ensemble of :data:`GALLERY` at size ``n`` against its law, plus extras.

    Parameters
    ----------
    n : int
        Matrix size of each panel (>= :data:`GALLERY_MIN_N`) but the Hebb one.
    extras : bool
        Also the largest-eigenvalue (Tracy-Widom) samples, the spacing ratios and the large
        tridiagonal density.
    tw_samples, tw_n : int
        How many largest eigenvalues, of beta-Hermite (``beta = 1``) matrices of which size.
    tridiagonal_n : int
        Size of the beta-Hermite matrix whose density is counted (10^6: about a second).
    hebb_nonzero : int, default 250
        The Hebb panel has ``P = round(alpha n)`` non-zero eigenvalues (the rest sit at
        ``-alpha``): it gets its own size ``max(n, ceil(hebb_nonzero / alpha))`` (1812 for
        ``alpha = 0.138``), recorded as ``hebb_n``. 0: size ``n`` like the others.
    rng : None, int or numpy.random.Generator
        Each panel and extra gets its own seed drawn from it.

    Returns
    -------
    SpectrumGallery

    Examples
    --------
    >>> g = spectrum_gallery(60, extras=False, hebb_nonzero=0, rng=0)
    >>> len(g.spectra) == len(GALLERY), max(s.fit.statistic for s in g.spectra) < 0.25
    (True, True)
    >>> g.hebb_n
    60
    """
    from esorma.spectra.statistics import spacing_ratios
    from esorma.spectra.tridiagonal import beta_hermite, beta_hermite_density, largest_eigenvalue

    t0 = time.perf_counter()
    n = check_int(n, "n")
    if n < GALLERY_MIN_N:
        raise ValueError(f"n must be >= {GALLERY_MIN_N} for the gallery (its panels use fixed "
                         f"parameters such as erdos-renyi d = 20 and hebb alpha = 0.138); "
                         f"got {n}")
    extras = check_bool(extras, "extras")
    tw_samples = check_int(tw_samples, "tw_samples", minimum=1)
    tw_n = check_int(tw_n, "tw_n", minimum=2)
    tridiagonal_n = check_int(tridiagonal_n, "tridiagonal_n", minimum=2)
    hebb_nonzero = check_int(hebb_nonzero, "hebb_nonzero", minimum=0)
    hebb_n = n
    for name, params in GALLERY:
        if name == "hebb":
            hebb_n = max(n, math.ceil(hebb_nonzero / params["alpha"]))
    seed = _seed_of(rng)
    seeds = spawn_seeds(as_rng(rng), len(GALLERY) + 4)
    spectra = tuple(sample_spectrum(name, hebb_n if name == "hebb" else n, rng=int(s), **params)
                    for (name, params), s in zip(GALLERY, seeds))
    lam = goe_r = poisson_r = density = None
    if extras:
        gen = as_rng(int(seeds[-1]))
        lam = np.array([largest_eigenvalue(beta_hermite(tw_n, 1.0, rng=gen))
                        for _ in range(tw_samples)])
        goe_ev = spectra[0].eigenvalues
        poisson = np.sort(as_rng(int(seeds[-2])).random(goe_ev.size))
        goe_r, poisson_r = spacing_ratios(goe_ev), spacing_ratios(poisson)
        density = beta_hermite_density(tridiagonal_n, 1.0, bins=100, rng=int(seeds[-3]))
    return SpectrumGallery(n=n, spectra=spectra, largest_eigenvalues=lam, tw_n=tw_n, tw_beta=1,
                           goe_ratios=goe_r, poisson_ratios=poisson_r, density=density,
                           seed=seed, seconds=time.perf_counter() - t0, hebb_n=hebb_n)


# --------------------------------------------------------------------------- the edge


@summarized
@dataclass(frozen=True)
class EdgeStudy:
    """Largest-eigenvalue fluctuations (beta = 1, 2) and the edge scaling against ``n``.

    Attributes
    ----------
    tw_n : int
        Size of the matrices of :attr:`samples`.
    betas : numpy.ndarray
        ``[1, 2]``.
    samples : numpy.ndarray
        ``(2, n_samples)``: largest eigenvalues of beta-Hermite matrices, one row per beta.
    sizes : numpy.ndarray
        Sizes of the scaling run (one beta = 1 matrix each).
    lambda_max : numpy.ndarray
        Its largest eigenvalue per size.
    seconds_per_size : numpy.ndarray
        Time to sample and bisect, per size.
    seed : int or None
    """

    tw_n: int
    betas: np.ndarray
    samples: np.ndarray = field(metadata={
        "description": "largest eigenvalues of beta-Hermite matrices (semicircle edge 2)"})
    sizes: np.ndarray
    lambda_max: np.ndarray = field(metadata={
        "description": "largest eigenvalue of one beta = 1 matrix per size"})
    seconds_per_size: np.ndarray = field(metadata={"unit": "s"})
    seed: int | None

    def standardized(self) -> np.ndarray:
        """``(samples - 2) tw_n^(2/3)`` (Tracy-Widom at large ``tw_n``)."""
        return (self.samples - 2.0) * self.tw_n ** (2.0 / 3.0)

    def standardized_vs_n(self) -> np.ndarray:
        """``(lambda_max - 2) n^(2/3)`` per size."""
        return (self.lambda_max - 2.0) * self.sizes.astype(float) ** (2.0 / 3.0)

    def summary(self) -> dict:
        from esorma.spectra.tracy_widom import tracy_widom_moments

        z = self.standardized()
        return {
            "tw_n": self.tw_n, "samples": int(self.samples.shape[1]), "seed": self.seed,
            "mean_standardized": {f"beta{int(b)}": float(z[i].mean())
                                  for i, b in enumerate(self.betas)},
            "predicted_mean": {f"beta{int(b)}": tracy_widom_moments(int(b))[0]
                               for b in self.betas},
            "lambda_max_vs_n": {str(int(n)): float(v)
                                for n, v in zip(self.sizes, self.lambda_max)},
            "seconds_vs_n": {str(int(n)): float(t)
                             for n, t in zip(self.sizes, self.seconds_per_size)},
        }


def edge_study(tw_n: int = 1000, n_samples: int = 2000, sizes=(10**3, 10**4, 10**5, 10**6,
                                                               10**7), *, rng=None) -> EdgeStudy:
    """Largest eigenvalues of beta-Hermite matrices: Tracy-Widom samples and edge scaling.

    Parameters
    ----------
    tw_n : int
        Size of the matrices sampled ``n_samples`` times for ``beta = 1`` and ``beta = 2``.
    n_samples : int
    sizes : sequence of int
        One ``beta = 1`` matrix per size (``10^7`` takes a few seconds, ``O(n)`` memory).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    EdgeStudy

    Examples
    --------
    >>> e = edge_study(200, 20, [1000, 10_000], rng=0)
    >>> e.samples.shape, e.lambda_max.round(1).tolist()
    ((2, 20), [2.0, 2.0])
    """
    from esorma.spectra.tridiagonal import largest_eigenvalue

    tw_n = check_int(tw_n, "tw_n", minimum=2)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    sizes = [check_int(s, "sizes", minimum=2) for s in np.atleast_1d(sizes).tolist()]
    if not sizes:
        raise ValueError("sizes must name at least one matrix size")
    seed = _seed_of(rng)
    seeds = spawn_seeds(as_rng(rng), 3)
    betas = np.array([1, 2])
    samples = np.empty((2, n_samples))
    for row, (beta, s) in enumerate(zip(betas, seeds[:2])):
        gen = as_rng(int(s))
        samples[row] = [largest_eigenvalue(tw_n, float(beta), rng=gen) for _ in range(n_samples)]
    gen = as_rng(int(seeds[2]))
    lam, secs = [], []
    for size in sizes:
        t0 = time.perf_counter()
        lam.append(largest_eigenvalue(size, 1.0, rng=gen))
        secs.append(time.perf_counter() - t0)
    return EdgeStudy(tw_n=tw_n, betas=betas, samples=samples,
                     sizes=np.asarray(sizes, dtype=np.int64), lambda_max=np.array(lam),
                     seconds_per_size=np.array(secs), seed=seed)


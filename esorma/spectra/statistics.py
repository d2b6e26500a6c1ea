"""Goodness of fit against a law, unfolding, spacing ratios and the Wigner surmise.

* :func:`goodness_of_fit` gives one number per sample: the Kolmogorov-Smirnov distance to the
  law for real spectra (point masses included), and for complex spectra the larger of the
  KS distances of the standardised modulus (radial check) and of the angle (angular check).
* :func:`spacing_ratios` and :func:`mean_spacing_ratio` tell integrable (Poisson) from chaotic
  (GOE/GUE) spectra without unfolding (Oganesyan & Huse 2007; Atas, Bogomolny, Giraud &
  Roux, PRL 110, 084101, 2013); :func:`wigner_surmise` is the spacing law of unfolded levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import check_not_masked

__all__ = [
    "Fit",
    "ks_distance",
    "goodness_of_fit",
    "split_outliers",
    "unfold",
    "spacings",
    "spacing_ratios",
    "mean_spacing_ratio",
    "spacing_ratio_pdf",
    "wigner_surmise",
    "level_statistics",
]

# <r~> for large matrices, from exact numerics (Atas et al. 2013, table I); the surmise
# values (3x3 matrices) are given by ``mean_spacing_ratio(kind, surmise=True)``.
_MEAN_RATIO_LARGE_N = {"poisson": 2 * math.log(2) - 1, "goe": 0.5307, "gue": 0.5996,
                       "gse": 0.6744}
_BETA = {"goe": 1, "gue": 2, "gse": 4}


@summarized
@dataclass(frozen=True)
class Fit:
    """Goodness of fit of a sample to its law.

    ``statistic`` is the one number to report (a KS distance, 0 = perfect); ``radial`` and
    ``angular`` are its parts for complex spectra; ``p_value`` is the asymptotic KS p-value
    of ``statistic`` for ``n_used`` independent points (eigenvalues are strongly correlated and
    fit far better than independent points, so it is conservative); ``n_outliers`` are the
    predicted outliers left out of the fit.
    """

    statistic: float
    method: str
    n_used: int
    radial: float | None = None
    angular: float | None = None
    n_outliers: int = 0

    @property
    def p_value(self) -> float:
        from scipy.stats import kstwo

        return float(kstwo.sf(self.statistic, max(self.n_used, 1)))


def _levels(x, name: str = "eigenvalues") -> np.ndarray:
    """A flat array of finite real or complex numbers (NaN/inf and masked arrays refused)."""
    check_not_masked(x, name)
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a numeric array; got {exc}") from None
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.complexfloating)
    ):
        raise TypeError(f"{name} must be a real or complex numeric array; got dtype {arr.dtype}")
    arr = arr.ravel()
    if not np.issubdtype(arr.dtype, np.complexfloating):
        arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        bad = arr[~finite][:3].tolist()
        raise ValueError(
            f"{name} must be finite; found {int((~finite).sum())} NaN or inf value(s), e.g. {bad}"
        )
    return arr


def _no_nan(x, name: str) -> np.ndarray:
    check_not_masked(x, name)
    try:
        arr = np.asarray(x, dtype=float)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be real numbers; got {exc}") from None
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN")
    return arr


def ks_distance(sample, cdf, *, cdf_left=None) -> float:
    """Kolmogorov-Smirnov distance ``sup |F_n - F|`` of a 1-d sample to a CDF.

    ``cdf_left(x) = P(X < x)`` handles laws with point masses (default: ``cdf``).

    Examples
    --------
    >>> round(ks_distance([0.25, 0.5, 0.75], lambda x: x), 4)
    0.25
    """
    sample = _levels(sample, "sample")
    if np.issubdtype(sample.dtype, np.complexfloating):
        raise TypeError("sample must be real for a Kolmogorov-Smirnov distance; got complex")
    x = np.sort(sample)
    n = x.size
    if n == 0:
        raise ValueError("sample must not be empty")
    right = np.asarray(cdf(x), dtype=float)
    left = right if cdf_left is None else np.asarray(cdf_left(x), dtype=float)
    if not (np.all(np.isfinite(right)) and np.all(np.isfinite(left))):
        raise ValueError("cdf must return finite values on the sample; got NaN or inf")
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - right), np.max(left - (i - 1) / n), 0.0))


def split_outliers(eigenvalues, law) -> tuple:
    """Split a spectrum into (bulk, outliers): for each predicted outlier of ``law``, the
    eigenvalue closest to it is taken out.

    Examples
    --------
    >>> from esorma.spectra.laws import SemicircleLaw
    >>> bulk, out = split_outliers([0.1, -1.0, 5.2], SemicircleLaw(outliers=(5.0,)))
    >>> out.tolist()
    [5.2]
    """
    ev = _levels(eigenvalues).copy()
    keep = np.ones(ev.size, dtype=bool)
    taken = []
    for loc in getattr(law, "outliers", ()):
        dist = np.where(keep, np.abs(ev - loc), np.inf)
        j = int(np.argmin(dist))
        keep[j] = False
        taken.append(ev[j])
    return ev[keep], np.asarray(taken, dtype=ev.dtype)


def _snap_atoms(x, law):
    atoms = getattr(law, "atoms", ())
    if not atoms:
        return x
    lo, hi = law.support
    tol = 1e-8 * max(1.0, abs(lo), abs(hi))
    x = x.copy()
    for loc, _ in atoms:
        x[np.abs(x - loc) <= tol] = loc
    return x


def goodness_of_fit(eigenvalues, law) -> Fit:
    """One goodness-of-fit number for a spectrum against its law (predicted outliers removed).

    Real laws: KS distance of the eigenvalues to ``law.cdf`` (point masses included; an
    eigenvalue within ``1e-8`` of a point mass counts as on it). Complex laws: standardise to
    the unit disc, then the maximum of the KS distances of the modulus (to
    ``law.radial_cdf``) and of the angle (to the uniform law); a degenerate ellipse
    (``|tau| = 1``) is checked on the real (or imaginary) axis against its semicircle.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.spectra import goe, SemicircleLaw
    >>> fit = goodness_of_fit(np.linalg.eigvalsh(goe(400, rng=0)), SemicircleLaw())
    >>> fit.method, fit.statistic < 0.02
    ('ks', True)
    """
    bulk, out = split_outliers(eigenvalues, law)
    n_out = int(out.size)
    if law.kind == "real":
        x = _snap_atoms(np.real(bulk).astype(float), law)
        if getattr(law, "atoms", ()):
            stat = ks_distance(x, law.cdf, cdf_left=lambda v: law.cdf(v, left=True))
        else:
            stat = ks_distance(x, law.cdf)
        return Fit(statistic=stat, method="ks", n_used=x.size, n_outliers=n_out)
    if getattr(law, "degenerate", False):
        tau = law.tau
        axis = np.real(bulk) if tau > 0 else np.imag(bulk)
        from esorma.spectra.laws import SemicircleLaw

        stat = ks_distance(axis, SemicircleLaw(sigma=law.sigma).cdf)
        return Fit(statistic=stat, method="ks-axis", n_used=bulk.size, n_outliers=n_out)
    w = law.standardize(bulk)
    radial = ks_distance(np.abs(w), law.radial_cdf)
    angle = (np.angle(w) % (2 * np.pi)) / (2 * np.pi)
    angular = ks_distance(angle, lambda t: np.clip(t, 0, 1))
    return Fit(statistic=max(radial, angular), method="ks-radial-angular", n_used=bulk.size,
               radial=radial, angular=angular, n_outliers=n_out)


def unfold(eigenvalues, law) -> np.ndarray:
    """Unfolded levels ``n F(lambda)`` (mean spacing 1 in the bulk) using the law's CDF.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.spectra import goe, SemicircleLaw
    >>> s = np.diff(unfold(np.linalg.eigvalsh(goe(500, rng=0)), SemicircleLaw()))
    >>> round(float(s.mean()), 1)
    1.0
    """
    x = np.sort(np.real(_levels(eigenvalues)))
    return x.size * np.asarray(law.cdf(x), dtype=float)


def spacings(eigenvalues, law=None, *, trim: float = 0.1) -> np.ndarray:
    """Nearest-neighbour spacings of the central ``1 - 2 trim`` of a real spectrum,
    normalised to mean 1 (after unfolding with ``law`` if given)."""
    x = unfold(eigenvalues, law) if law is not None else np.sort(np.real(_levels(eigenvalues)))
    k = int(trim * x.size)
    s = np.diff(x[k: x.size - k] if k else x)
    if s.size == 0:
        raise ValueError("need at least two eigenvalues after trimming")
    return s / s.mean()


def spacing_ratios(eigenvalues, *, tilde: bool = True) -> np.ndarray:
    """Ratios of consecutive spacings ``r_n = s_n / s_{n-1}`` of a sorted real spectrum.

    With ``tilde`` (default) returns ``min(r_n, 1 / r_n)`` in ``[0, 1]``, which needs no
    unfolding. Degenerate spacings (0/0) are dropped.

    Examples
    --------
    >>> spacing_ratios([0.0, 1.0, 3.0, 4.0]).tolist()
    [0.5, 0.5]
    """
    x = np.sort(np.real(_levels(eigenvalues)))
    s = np.diff(x)
    if s.size < 2:
        raise ValueError("need at least 3 eigenvalues for spacing ratios")
    a, b = s[1:], s[:-1]
    ok = (a > 0) | (b > 0)
    a, b = a[ok], b[ok]
    if a.size == 0:
        raise ValueError(
            f"spacing ratios need distinct levels; all {x.size} eigenvalues are equal "
            "(every spacing is 0)"
        )
    if tilde:
        return np.minimum(a, b) / np.maximum(a, b)
    with np.errstate(divide="ignore"):
        return a / b


def mean_spacing_ratio(kind: str, *, surmise: bool = False) -> float:
    """Expected ``<r~>`` for ``"poisson"``, ``"goe"``, ``"gue"`` or ``"gse"``.

    Large-N values from Atas et al. (2013) by default; ``surmise=True`` gives the exact
    3x3-matrix surmise (``4 - 2 sqrt 3`` for GOE, ``2 sqrt 3 / pi - 1/2`` for GUE).

    Examples
    --------
    >>> round(mean_spacing_ratio("poisson"), 4), round(mean_spacing_ratio("goe", surmise=True), 4)
    (0.3863, 0.5359)
    """
    if kind not in _MEAN_RATIO_LARGE_N:
        raise ValueError(f"kind must be one of {sorted(_MEAN_RATIO_LARGE_N)}; got {kind!r}")
    if not surmise or kind == "poisson":
        return _MEAN_RATIO_LARGE_N[kind]
    if kind == "goe":
        return 4 - 2 * math.sqrt(3)
    if kind == "gue":
        return 2 * math.sqrt(3) / math.pi - 0.5
    return 32 / 15 * math.sqrt(3) / math.pi - 0.5


def _beta(kind):
    if kind == "poisson":
        return 0
    if kind in _BETA:
        return _BETA[kind]
    if kind in (1, 2, 4):
        return kind
    raise ValueError(f"kind must be 'poisson', 'goe', 'gue', 'gse' or beta in (1, 2, 4); "
                     f"got {kind!r}")


def spacing_ratio_pdf(r, kind="goe", *, tilde: bool = True):
    """Surmise density of the spacing ratio (Atas et al. 2013).

    ``P(r) = (r + r^2)^beta / (Z_beta (1 + r + r^2)^(1 + 3 beta / 2))`` for the Wigner-Dyson
    classes, ``1 / (1 + r)^2`` for Poisson; with ``tilde`` the density of ``min(r, 1/r)`` on
    ``[0, 1]`` (twice the above).

    Examples
    --------
    >>> from scipy.integrate import quad
    >>> round(quad(lambda r: spacing_ratio_pdf(r, "gue"), 0, 1)[0], 6)
    1.0
    """
    beta = _beta(kind)
    r = _no_nan(r, "r")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # masked below
        if beta == 0:
            p = 1.0 / (1.0 + r) ** 2
        else:
            z = {1: 8 / 27, 2: 4 * math.pi / (81 * math.sqrt(3)),
                 4: 4 * math.pi / (729 * math.sqrt(3))}[beta]
            p = (r + r * r) ** beta / (z * (1 + r + r * r) ** (1 + 1.5 * beta))
    p = np.where((r >= 0) & np.isfinite(r), p, 0.0)  # the density vanishes at infinity
    if tilde:
        p = np.where(r <= 1, 2 * p, 0.0)
    return p


def wigner_surmise(s, kind="goe"):
    """Nearest-neighbour spacing density (mean 1): Wigner surmise or Poisson ``exp(-s)``.

    GOE ``(pi/2) s exp(-pi s^2 / 4)``, GUE ``(32/pi^2) s^2 exp(-4 s^2 / pi)``, GSE
    ``(2^18 / (3^6 pi^3)) s^4 exp(-64 s^2 / (9 pi))``.

    Examples
    --------
    >>> from scipy.integrate import quad
    >>> round(quad(lambda s: s * wigner_surmise(s, "goe"), 0, 50)[0], 6)
    1.0
    """
    beta = _beta(kind)
    s = _no_nan(s, "s")
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 at s = inf, masked below
        if beta == 0:
            p = np.exp(-s)
        elif beta == 1:
            p = 0.5 * np.pi * s * np.exp(-0.25 * np.pi * s * s)
        elif beta == 2:
            p = 32 / np.pi**2 * s * s * np.exp(-4 * s * s / np.pi)
        else:
            p = 2**18 / (3**6 * np.pi**3) * s**4 * np.exp(-64 * s * s / (9 * np.pi))
    return np.where((s >= 0) & np.isfinite(s), p, 0.0)  # the density vanishes at infinity


def level_statistics(eigenvalues) -> dict:
    """``<r~>`` of a real spectrum and the class (Poisson / GOE / GUE) it is closest to.

    Examples
    --------
    >>> import numpy as np
    >>> level_statistics(np.sort(np.random.default_rng(0).random(5000)))["closest"]
    'poisson'
    """
    r = spacing_ratios(eigenvalues)
    mean = float(r.mean())
    sem = float(r.std(ddof=1) / math.sqrt(r.size)) if r.size > 1 else float("nan")
    refs = {k: _MEAN_RATIO_LARGE_N[k] for k in ("poisson", "goe", "gue")}
    closest = min(refs, key=lambda k: abs(refs[k] - mean))
    return {"mean_ratio": mean, "sem": sem, "closest": closest, "references": refs}

"""A registry of named ensembles, each paired with its law, and one-call sampled spectra.

``ENSEMBLES[name]`` is an :class:`Ensemble` (sampler of eigenvalues, law, defaults);
:func:`sample_spectrum` draws a spectrum and returns a frozen :class:`Spectrum` with its law,
goodness of fit and summary numbers (edges, spectral radius, outliers).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_real
from esorma.spectra import ensembles as _ens
from esorma.spectra import laws as _laws
from esorma.spectra import tridiagonal as _tri
from esorma.spectra._names import ENSEMBLE_ALIASES, ENSEMBLE_NAMES, resolve_ensemble
from esorma.spectra.statistics import Fit, goodness_of_fit, split_outliers

__all__ = ["Ensemble", "ENSEMBLES", "ENSEMBLE_NAMES", "ENSEMBLE_ALIASES", "resolve_ensemble",
           "Spectrum", "sample_spectrum", "expected_real_eigenvalues", "check_params"]


@summarized
@dataclass(frozen=True)
class Ensemble:
    """A named ensemble: how to draw its eigenvalues and what law they follow."""

    name: str
    description: str
    eigenvalues: Callable  # (n, rng, **params) -> eigenvalues
    law: Callable  # (n, **params) -> law object
    defaults: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    real_spectrum: bool = True
    real_matrix: bool = True


def _sym(m):
    return np.linalg.eigvalsh(m)


def _nonsym(m):
    return np.linalg.eigvals(m)


_ESCAPING_NOTE = "escaping eigenvalues not modelled (row_sum_zero=False)"


def _dale_law(n, f=0.5, mu_e=1.0, mu_i=None, sigma_e=1.0, sigma_i=1.0, balanced=True,
              row_sum_zero=True, p=1.0):
    n_e, n_i, mu_i = _ens.dale_counts_and_mu_i(n, f, mu_e, mu_i, balanced)
    var_e = (sigma_e**2 + (1 - p) * mu_e**2) / p
    var_i = (sigma_i**2 + (1 - p) * mu_i**2) / p
    note = "" if row_sum_zero or (mu_e == 0 and mu_i == 0) else _ESCAPING_NOTE
    law = _laws.RajanAbbottLaw(f=n_e / n, var_e=var_e, var_i=var_i, note=note)
    outlier = (n_e * mu_e + n_i * mu_i) / math.sqrt(n)
    if abs(outlier) > 1.05 * law.radius:
        law = _laws.RajanAbbottLaw(f=law.f, var_e=var_e, var_i=var_i, outliers=(outlier,),
                                   note=note)
    return law


def _er_law(n, d=20.0, scaled=True):
    q = d / (n - 1)
    spread = math.sqrt(n * q * (1 - q)) if q < 1 else 1.0
    s = 1.0 / spread if scaled else 1.0
    sigma = spread * s  # off-diagonal variance sigma^2 / n
    theta = n * q * s  # the rank-one mean q s 1 1^T
    center = -q * s
    outliers = (theta + sigma**2 / theta + center,) if theta > sigma else ()
    return _laws.SemicircleLaw(sigma=sigma, center=center, outliers=outliers)


def _hebb_law(n, alpha=0.1):
    p = int(round(alpha * n))
    return _laws.MarchenkoPasturLaw(c=n / p, scale=p / n, shift=-p / n)


def _wishart_law(n, c=0.5, **_):
    c = check_real(c, "c", minimum=0.0, strict_min=True)
    m = max(1, int(round(n / c)))
    return _laws.MarchenkoPasturLaw(c=n / m)


def _bh_eigs(n, rng, beta=1.0, sigma=1.0):
    return _tri.tridiagonal_eigenvalues(_tri.beta_hermite(n, beta, sigma=sigma, rng=rng))


def _bl_eigs(n, rng, c=0.5, beta=1.0):
    return _tri.tridiagonal_eigenvalues(_tri.beta_laguerre(n, c, beta, rng=rng))


def _mp(**kw):
    return MappingProxyType(kw)


ENSEMBLES: dict[str, Ensemble] = {
    "goe": Ensemble(
        "goe", "Gaussian orthogonal ensemble (real symmetric)",
        lambda n, rng, sigma=1.0: _sym(_ens.goe(n, sigma=sigma, rng=rng)),
        lambda n, sigma=1.0: _laws.SemicircleLaw(sigma), _mp(sigma=1.0)),
    "gue": Ensemble(
        "gue", "Gaussian unitary ensemble (complex Hermitian)",
        lambda n, rng, sigma=1.0: _sym(_ens.gue(n, sigma=sigma, rng=rng)),
        lambda n, sigma=1.0: _laws.SemicircleLaw(sigma), _mp(sigma=1.0), real_matrix=False),
    "beta-hermite": Ensemble(
        "beta-hermite", "Dumitriu-Edelman tridiagonal beta-Hermite model (O(n) memory)",
        _bh_eigs, lambda n, beta=1.0, sigma=1.0: _laws.SemicircleLaw(sigma),
        _mp(beta=1.0, sigma=1.0)),
    "ginibre": Ensemble(
        "ginibre", "real Ginibre (i.i.d. Gaussian entries, non-symmetric)",
        lambda n, rng, sigma=1.0: _nonsym(_ens.ginibre(n, sigma=sigma, rng=rng)),
        lambda n, sigma=1.0: _laws.CircularLaw(sigma), _mp(sigma=1.0), real_spectrum=False),
    "ginibre-complex": Ensemble(
        "ginibre-complex", "complex Ginibre",
        lambda n, rng, sigma=1.0: _nonsym(_ens.ginibre(n, sigma=sigma, real=False, rng=rng)),
        lambda n, sigma=1.0: _laws.CircularLaw(sigma), _mp(sigma=1.0), real_spectrum=False,
        real_matrix=False),
    "elliptic": Ensemble(
        "elliptic", "elliptic ensemble, corr(J_ij, J_ji) = tau",
        lambda n, rng, tau=0.5, sigma=1.0: _nonsym(_ens.elliptic(n, tau, sigma=sigma, rng=rng)),
        lambda n, tau=0.5, sigma=1.0: _laws.EllipticLaw(tau, sigma), _mp(tau=0.5, sigma=1.0),
        real_spectrum=False),
    "dale": Ensemble(
        "dale", "Dale's-law excitatory/inhibitory matrix (Rajan & Abbott 2006)",
        lambda n, rng, **kw: _nonsym(_ens.dale(n, rng=rng, **kw)), _dale_law,
        _mp(f=0.5, mu_e=1.0, mu_i=None, sigma_e=1.0, sigma_i=1.0, balanced=True,
            row_sum_zero=True, p=1.0), real_spectrum=False),
    "wishart": Ensemble(
        "wishart", "real Wishart X X^T / m, ratio c = n / m",
        lambda n, rng, c=0.5: _sym(_ens.wishart(n, c, rng=rng)), _wishart_law, _mp(c=0.5)),
    "wishart-complex": Ensemble(
        "wishart-complex", "complex Wishart X X^H / m, ratio c = n / m",
        lambda n, rng, c=0.5: _sym(_ens.wishart(n, c, complex=True, rng=rng)), _wishart_law,
        _mp(c=0.5), real_matrix=False),
    "beta-laguerre": Ensemble(
        "beta-laguerre", "Dumitriu-Edelman tridiagonal beta-Laguerre (Wishart) model",
        _bl_eigs, lambda n, c=0.5, beta=1.0: _wishart_law(n, c), _mp(c=0.5, beta=1.0)),
    "hebb": Ensemble(
        "hebb", "Hopfield-Hebb couplings xi^T xi / n with zero diagonal, alpha = P / n",
        lambda n, rng, alpha=0.1: _sym(_ens.hebb_couplings(n, alpha, rng=rng)), _hebb_law,
        _mp(alpha=0.1)),
    "erdos-renyi": Ensemble(
        "erdos-renyi", "symmetric Erdos-Renyi adjacency, mean degree d (scaled to edge 2)",
        lambda n, rng, d=20.0, scaled=True: _sym(_ens.erdos_renyi(n, d, scaled=scaled, rng=rng)),
        _er_law, _mp(d=20.0, scaled=True)),
}
if tuple(ENSEMBLES) != ENSEMBLE_NAMES:  # pragma: no cover - caught by the tests at once
    raise ImportError("esorma.spectra: ENSEMBLES and ENSEMBLE_NAMES (_names.py) disagree")


def check_params(ensemble: str, params: dict) -> dict:
    """The parameters of ``ensemble`` with its defaults filled in; unknown names refused.

    Parameters
    ----------
    ensemble : str
        A registry name or an alias (``"wigner"``).
    params : dict
        Ensemble parameters (names of ``ENSEMBLES[ensemble].defaults``).

    Examples
    --------
    >>> check_params("wigner", {"sigma": 2.0})
    {'sigma': 2.0}
    >>> check_params("goe", {"tau": 0.5})
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'tau' does not apply to ensemble 'goe'; allowed: ['sigma']
    """
    name = resolve_ensemble(ensemble)
    spec = ENSEMBLES[name]
    unknown = sorted(set(params) - set(spec.defaults))
    if unknown:
        what = (f"parameter {unknown[0]!r} does not" if len(unknown) == 1
                else f"parameters {unknown} do not")
        raise ValueError(f"unknown {what} apply to ensemble {name!r}; allowed: "
                         f"{sorted(spec.defaults)}")
    full = dict(spec.defaults)
    full.update(params)
    return full


def expected_real_eigenvalues(n: int) -> float:
    """Expected number of real eigenvalues of an ``n x n`` real Ginibre matrix.

    Exact formula of Edelman, Kostlan & Shub (1994), ``E_n = 1/2 + sqrt(2) Gamma(n + 1/2)
    2F1(1, -1/2; n; 1/2) / (Gamma(n) sqrt(pi))``, which grows like ``sqrt(2 n / pi)``.

    Examples
    --------
    >>> expected_real_eigenvalues(1), round(expected_real_eigenvalues(2), 4)
    (1.0, 1.4142)
    """
    n = check_int(n, "n", minimum=1)
    from scipy.special import gammaln, hyp2f1

    return float(0.5 + math.sqrt(2.0) * hyp2f1(1.0, -0.5, n, 0.5)
                 * math.exp(gammaln(n + 0.5) - gammaln(n)) / math.sqrt(math.pi))


@summarized
@dataclass(frozen=True)
class Spectrum:
    """A sampled spectrum with its law and summary numbers.

    Attributes
    ----------
    ensemble, n, params : what was sampled (``params`` with defaults filled in).
    eigenvalues : numpy.ndarray
        Ascending for real spectra; complex otherwise.
    law : the large-N law (see :mod:`esorma.spectra.laws`).
    fit : Fit
        Goodness of fit of the bulk to the law (predicted outliers removed).
    outliers : numpy.ndarray
        The eigenvalues matched to the law's predicted outliers.
    seed : int or None
    seconds : float
        Wall time of sampling plus diagonalisation.
    """

    ensemble: str
    n: int
    params: dict
    eigenvalues: np.ndarray = field(metadata={
        "description": "eigenvalues (ascending when real; complex for non-symmetric matrices)"})
    law: object
    fit: Fit
    outliers: np.ndarray = field(metadata={
        "description": "the eigenvalues matched to the law's predicted outliers"})
    seed: int | None
    seconds: float

    @property
    def is_real(self) -> bool:
        return self.law.kind == "real"

    @property
    def bulk(self) -> np.ndarray:
        return split_outliers(self.eigenvalues, self.law)[0]

    @property
    def spectral_radius(self) -> float:
        return float(np.max(np.abs(self.eigenvalues)))

    @property
    def n_real(self) -> int | None:
        """Eigenvalues on the real axis (complex spectra of real matrices only)."""
        if self.is_real or not ENSEMBLES[self.ensemble].real_matrix:
            return None
        ev = self.eigenvalues
        return int(np.sum(np.abs(ev.imag) <= 1e-10 * max(1.0, self.spectral_radius)))

    @property
    def n_outside(self) -> int:
        """Bulk eigenvalues farther than 5 % of the law's scale outside its support (point
        masses excluded)."""
        bulk = self.bulk
        if self.is_real:
            lo, hi = self.law.support
            tol = 0.05 * (hi - lo)
            x = _without_atoms(bulk.real, self.law)
            return int(np.sum((x < lo - tol) | (x > hi + tol)))
        if getattr(self.law, "degenerate", False):  # a segment (elliptic law, |tau| = 1)
            t, u = self.law.segment_coordinates(bulk)
            return int(np.sum((np.abs(t) > 1.05) | (u > 0.05)))
        w = np.abs(self.law.standardize(bulk))
        return int(np.sum(w > 1.05))

    def summary(self) -> dict:
        """The summary numbers (JSON-ready) that ``esorma spectrum --json`` prints."""
        law = self.law
        out = {
            "ensemble": self.ensemble,
            "n": self.n,
            "params": dict(self.params),
            "seed": self.seed,
            "law": law.label,
            "fit": {"statistic": self.fit.statistic, "method": self.fit.method,
                    "radial": self.fit.radial, "angular": self.fit.angular},
            "spectral_radius": self.spectral_radius,
            "outliers": [_num(z) for z in self.outliers],
            "predicted_outliers": [_num(z) for z in law.outliers],
            "n_outside_support": self.n_outside,
            "seconds": self.seconds,
        }
        if getattr(law, "note", ""):
            out["note"] = law.note
        bulk = self.bulk
        if self.is_real:
            x = _without_atoms(bulk.real, law)  # point masses are not edges
            out["edges"] = ([float(x.min()), float(x.max())] if x.size
                            else [float("nan"), float("nan")])
            out["predicted_edges"] = list(law.support)
            if law.atoms:
                loc, w = law.atoms[0]
                tol = atom_tolerance(law)
                out["point_mass"] = {"location": loc, "predicted_weight": w,
                                     "weight": float(np.mean(np.abs(bulk - loc) <= tol))}
        else:
            out["bulk_radius"] = float(np.max(np.abs(bulk)))
            out["predicted_radius"] = law.radius
            if self.n_real is not None:
                out["n_real"] = self.n_real
                if self.ensemble == "ginibre":
                    out["predicted_n_real"] = expected_real_eigenvalues(self.n)
                elif self.ensemble == "elliptic" and self.params["tau"] < 1:
                    tau = self.params["tau"]  # Forrester & Nagao (2008), large n
                    out["predicted_n_real"] = math.sqrt(2 * self.n * (1 + tau)
                                                        / (math.pi * (1 - tau)))
        return out


def atom_tolerance(law) -> float:
    """Eigenvalues within this distance of a point mass of a real law count as on it."""
    return 1e-8 * max(1.0, *map(abs, law.support))


def _without_atoms(x, law):
    x = np.asarray(x, dtype=float)
    for loc, _ in getattr(law, "atoms", ()):
        x = x[np.abs(x - loc) > atom_tolerance(law)]
    return x


def _num(z):
    z = complex(z)
    return z.real if z.imag == 0 else [z.real, z.imag]


def sample_spectrum(ensemble: str, n: int, *, rng=None, **params) -> Spectrum:
    """Sample the eigenvalues of a named ensemble and compare them with their law.

    Parameters
    ----------
    ensemble : str
        A key of :data:`ENSEMBLES` (``"goe"``, ``"ginibre"``, ``"dale"``, ...) or an alias
        (``"wigner"`` for ``"goe"``).
    n : int
        Matrix size.
    rng : None, int or numpy.random.Generator
    **params
        Ensemble parameters (see ``ENSEMBLES[name].defaults``).

    Returns
    -------
    Spectrum

    Examples
    --------
    >>> s = sample_spectrum("ginibre", 300, rng=0)
    >>> s.law.label, s.fit.statistic < 0.1
    ('circular law, radius 1', True)
    """
    ensemble = resolve_ensemble(ensemble)
    spec = ENSEMBLES[ensemble]
    full = check_params(ensemble, params)
    n = check_int(n, "n", minimum=2 if ensemble == "erdos-renyi" else 1)
    seed = int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    t0 = time.perf_counter()
    ev = spec.eigenvalues(n, gen, **full)
    seconds = time.perf_counter() - t0
    law = spec.law(n, **full)
    if ensemble == "dale":  # record the inhibitory mean actually used (balanced: rebalanced)
        full["mu_i"] = _ens.dale_counts_and_mu_i(n, full["f"], full["mu_e"], full["mu_i"],
                                                 full["balanced"])[2]
    if law.kind == "real":
        ev = np.sort(np.real(ev))
    fit = goodness_of_fit(ev, law)
    _, outliers = split_outliers(ev, law)
    return Spectrum(ensemble=ensemble, n=n, params=full, eigenvalues=ev, law=law, fit=fit,
                    outliers=outliers, seed=seed, seconds=seconds)

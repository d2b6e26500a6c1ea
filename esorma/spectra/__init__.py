"""Random-matrix spectra: ensembles, their large-N laws, tridiagonal models, edge and local
statistics, and the studies behind ``esorma spectrum``.

* Dense samplers (plain ``numpy.ndarray``): :func:`goe`, :func:`gue`, :func:`ginibre`,
  :func:`elliptic`, :func:`dale`, :func:`wishart`, :func:`hebb_couplings`,
  :func:`erdos_renyi`.
* Laws: :class:`SemicircleLaw`, :class:`MarchenkoPasturLaw`, :class:`CircularLaw`,
  :class:`EllipticLaw`, :class:`RajanAbbottLaw`; edge law :class:`TracyWidomLaw`.
* Registry: :data:`ENSEMBLES` (names in :data:`ENSEMBLE_NAMES`, aliases such as ``wigner``
  in :data:`ENSEMBLE_ALIASES`) and :func:`sample_spectrum` (a :class:`Spectrum` with its law
  and goodness of fit).
* Large N in O(n) memory: :func:`beta_hermite`, :func:`beta_laguerre`,
  :func:`beta_hermite_density`, :func:`largest_eigenvalue`, :func:`extreme_eigenvalues`,
  :func:`sturm_summary`.
* Local statistics: :func:`spacing_ratios`, :func:`mean_spacing_ratio`,
  :func:`wigner_surmise`, :func:`level_statistics`.
* Studies (frozen results that save with :func:`esorma.io.save_result`):
  :func:`spectrum_study` (one ensemble, dense or tridiagonal), :func:`spectrum_gallery`
  (every ensemble, Tracy-Widom, spacing ratios, a large tridiagonal density) and
  :func:`edge_study` (largest-eigenvalue fluctuations and scaling).
* Learned weights (:mod:`~esorma.spectra.weights`): :func:`weight_spectrum` (Marchenko-Pastur
  bulk, outliers with the BBP prediction, stable and entropy rank, power-law tail),
  :func:`bbp_outlier`, :func:`bbp_overlaps`, :func:`fit_power_law`, :func:`layer_similarity`
  and the studies :func:`bbp_sweep` and :func:`training_weight_spectra` (along a training run of
  :func:`esorma.bridge.train_mlp`; :mod:`~esorma.spectra.weight_studies`).

Importing this package does no work: the names are loaded from their modules on first use.
"""

from __future__ import annotations

import importlib

# name -> module that defines it (loaded on first access: ``import esorma.spectra`` is free)
_MODULES = {
    "ensembles": (
        "goe", "gue", "ginibre", "elliptic", "dale", "dale_counts_and_mu_i",
        "dale_mean_inhibitory", "wishart", "hebb_couplings", "erdos_renyi", "check_dense_size",
    ),
    "laws": (
        "SemicircleLaw", "MarchenkoPasturLaw", "CircularLaw", "EllipticLaw", "RajanAbbottLaw",
        "rajan_abbott_radius",
    ),
    "tracy_widom": (
        "TracyWidomLaw", "tracy_widom_cdf", "tracy_widom_pdf", "tracy_widom_moments",
        "largest_eigenvalue_scaling",
    ),
    "_names": ("ENSEMBLE_NAMES", "ENSEMBLE_ALIASES", "resolve_ensemble"),
    "registry": ("ENSEMBLES", "Ensemble", "Spectrum", "sample_spectrum",
                 "expected_real_eigenvalues"),
    "tridiagonal": (
        "Tridiagonal", "TridiagonalDensity", "beta_hermite", "beta_laguerre",
        "eigenvalue_counts", "tridiagonal_density", "extreme_eigenvalues", "kth_eigenvalue",
        "tridiagonal_eigenvalues", "beta_hermite_density", "largest_eigenvalue",
        "grid_ks_distance",
    ),
    "statistics": (
        "Fit", "ks_distance", "goodness_of_fit", "split_outliers", "unfold", "spacings",
        "spacing_ratios", "mean_spacing_ratio", "spacing_ratio_pdf", "wigner_surmise",
        "level_statistics",
    ),
    "studies": (
        "GALLERY", "GALLERY_MIN_N", "TRIDIAGONAL_MIN_N", "SturmSummary", "sturm_summary",
        "SpectrumStudy", "spectrum_study", "SpectrumGallery", "spectrum_gallery", "EdgeStudy",
        "edge_study",
    ),
    "weights": (
        "NOISE_ESTIMATORS", "SVD_METHODS", "marchenko_pastur_for", "singular_value_edges",
        "bbp_threshold", "bbp_outlier", "bbp_overlaps", "bbp_strength", "estimate_noise",
        "stable_rank", "entropy_rank", "PowerLawFit", "fit_power_law", "WeightSpectrum",
        "weight_spectrum", "subspace_overlap", "LayerSimilarity", "layer_similarity",
    ),
    "weight_studies": (
        "BBPSweep", "bbp_sweep", "LayerTrajectory", "TrainingSpectra",
        "training_weight_spectra",
    ),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [name for names in _MODULES.values() for name in names]


def __getattr__(name):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'esorma.spectra' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

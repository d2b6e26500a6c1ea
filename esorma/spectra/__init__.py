"""Random-matrix spectra: ensembles, their large-N laws, tridiagonal models, edge and local
statistics.

* Dense samplers (plain ``numpy.ndarray``): :func:`goe`, :func:`gue`, :func:`ginibre`,
  :func:`elliptic`, :func:`dale`, :func:`wishart`, :func:`hebb_couplings`,
  :func:`erdos_renyi`.
* Laws: :class:`SemicircleLaw`, :class:`MarchenkoPasturLaw`, :class:`CircularLaw`,
  :class:`EllipticLaw`, :class:`RajanAbbottLaw`; edge law :class:`TracyWidomLaw`.
* Registry: :data:`ENSEMBLES` and :func:`sample_spectrum` (a :class:`Spectrum` with its law and
  goodness of fit).
* Large N in O(n) memory: :func:`beta_hermite`, :func:`beta_laguerre`,
  :func:`beta_hermite_density`, :func:`largest_eigenvalue`, :func:`extreme_eigenvalues`.
* Local statistics: :func:`spacing_ratios`, :func:`mean_spacing_ratio`,
  :func:`wigner_surmise`, :func:`level_statistics`.
"""

from esorma.spectra.ensembles import (
    check_dense_size,
    dale,
    dale_counts_and_mu_i,
    dale_mean_inhibitory,
    elliptic,
    erdos_renyi,
    ginibre,
    goe,
    gue,
    hebb_couplings,
    wishart,
)
from esorma.spectra.laws import (
    CircularLaw,
    EllipticLaw,
    MarchenkoPasturLaw,
    RajanAbbottLaw,
    SemicircleLaw,
    rajan_abbott_radius,
)
from esorma.spectra.registry import (
    ENSEMBLES,
    Ensemble,
    Spectrum,
    expected_real_eigenvalues,
    sample_spectrum,
)
from esorma.spectra.statistics import (
    Fit,
    goodness_of_fit,
    ks_distance,
    level_statistics,
    mean_spacing_ratio,
    spacing_ratio_pdf,
    spacing_ratios,
    spacings,
    split_outliers,
    unfold,
    wigner_surmise,
)
from esorma.spectra.tracy_widom import (
    TracyWidomLaw,
    largest_eigenvalue_scaling,
    tracy_widom_cdf,
    tracy_widom_moments,
    tracy_widom_pdf,
)
from esorma.spectra.tridiagonal import (
    Tridiagonal,
    TridiagonalDensity,
    beta_hermite,
    beta_hermite_density,
    beta_laguerre,
    eigenvalue_counts,
    extreme_eigenvalues,
    kth_eigenvalue,
    grid_ks_distance,
    largest_eigenvalue,
    tridiagonal_density,
    tridiagonal_eigenvalues,
)

__all__ = [
    # dense samplers
    "goe",
    "gue",
    "ginibre",
    "elliptic",
    "dale",
    "dale_counts_and_mu_i",
    "dale_mean_inhibitory",
    "wishart",
    "hebb_couplings",
    "erdos_renyi",
    "check_dense_size",
    # laws
    "SemicircleLaw",
    "MarchenkoPasturLaw",
    "CircularLaw",
    "EllipticLaw",
    "RajanAbbottLaw",
    "rajan_abbott_radius",
    "TracyWidomLaw",
    "tracy_widom_cdf",
    "tracy_widom_pdf",
    "tracy_widom_moments",
    "largest_eigenvalue_scaling",
    # registry
    "ENSEMBLES",
    "Ensemble",
    "Spectrum",
    "sample_spectrum",
    "expected_real_eigenvalues",
    # tridiagonal models
    "Tridiagonal",
    "TridiagonalDensity",
    "beta_hermite",
    "beta_laguerre",
    "eigenvalue_counts",
    "tridiagonal_density",
    "extreme_eigenvalues",
    "kth_eigenvalue",
    "tridiagonal_eigenvalues",
    "beta_hermite_density",
    "largest_eigenvalue",
    "grid_ks_distance",
    # statistics
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

"""Spectra of learned weight matrices: the random bulk, outliers, effective rank, heavy tails.

A weight matrix ``W`` of shape ``(n, m)`` is compared with a random matrix of the same shape:
write ``p = min(n, m)``, ``q = max(n, m)``, ``c = p / q <= 1``.

Normalisation
-------------
The reference model is the spiked (low-rank plus noise) matrix

    W = sum_i theta_i u_i v_i^T + sigma Z / sqrt(q),     Z with iid entries of variance 1,

so the noise entries have standard deviation ``noise_std = sigma / sqrt(q)``. The squared
singular values of the noise follow the Marchenko-Pastur law of ratio ``c`` and scale
``sigma^2`` (:class:`esorma.spectra.MarchenkoPasturLaw`), so its singular values fill
``sigma [1 - sqrt c, 1 + sqrt c]``. In units of ``sigma`` (``t = theta / sigma``), Benaych-
Georges & Nadakuditi (2012, J. Multivariate Anal. 111, 120, their example 3.1) give, for
``q -> infinity`` at fixed ``c``:

* an outlier exists iff ``t > c^(1/4)`` (the BBP threshold, Baik, Ben Arous & Peche 2005),
  at the singular value ``sigma sqrt((1 + t^2)(c + t^2)) / t`` (:func:`bbp_outlier`);
* the squared overlap of the outlier's singular vector with the planted one is
  ``1 - c (1 + t^2) / (t^2 (t^2 + c))`` on the short side (length ``p``) and
  ``1 - (c + t^2) / (t^2 (t^2 + 1))`` on the long side (length ``q``) (:func:`bbp_overlaps`);
  below the threshold both vanish.

:func:`bbp_strength` inverts the outlier location to estimate ``t`` from a measured outlier.

What :func:`weight_spectrum` reports
------------------------------------
* the noise level ``sigma``: given, or estimated robustly by matching the median squared
  singular value to the median of the Marchenko-Pastur law (Gavish & Donoho 2014, IEEE Trans.
  Inf. Theory 60, 5040; few outliers do not move the median), or from the Frobenius norm
  (the variance of the entries, outliers included);
* outliers: squared singular values above the MP edge ``sigma^2 (1 + sqrt c)^2`` by more than
  ``tw_margin`` Tracy-Widom scales of the largest eigenvalue of a real Wishart matrix
  (Johnstone 2001, Ann. Stat. 29, 295: ``(sqrt p + sqrt q)(1/sqrt p + 1/sqrt q)^(1/3) / q``
  in units of ``sigma^2``), each with its estimated strength ``t`` and predicted overlaps;
* the Kolmogorov-Smirnov distance of the bulk (outliers removed) to the MP law;
* stable rank ``||W||_F^2 / ||W||_2^2`` and the entropy (effective) rank of Roy & Vetterli
  (2007, EUSIPCO): ``exp(H(p))`` with ``p_i = s_i / sum_j s_j``;
* a power-law fit of the tail of the eigenvalues of ``W^T W`` (the squared singular values),
  ``P(lambda > x) ~ x^(1 - alpha)`` for ``x >= x_min``: the continuous maximum-likelihood
  (Hill) estimator with ``x_min`` minimising the KS distance, as in Clauset, Shalizi & Newman
  (2009, SIAM Rev. 51, 661) and the heavy-tailed self-regularisation analyses of Martin &
  Mahoney (2021, JMLR 22, 165) (:func:`fit_power_law`).

Across layers, :func:`subspace_overlap` and :func:`layer_similarity` compare the top-``k``
singular subspaces of several matrices by their principal angles
(:func:`scipy.linalg.subspace_angles`). The studies built on these functions (a BBP sweep of
planted matrices, the spectra along a training run of :func:`esorma.bridge.train_mlp`) are in
:mod:`esorma.spectra.weight_studies`.

Speed: singular values come from the Gram matrix (``p x p``, one matrix product and one
symmetric eigenvalue solve) when ``p > 600``: 4-6x faster than ``numpy.linalg.svd`` at
``4000 x 4000``; smaller matrices use the SVD (``method`` chooses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_int, check_memory, check_real

__all__ = [
    "NOISE_ESTIMATORS",
    "SVD_METHODS",
    "marchenko_pastur_for",
    "singular_value_edges",
    "bbp_threshold",
    "bbp_outlier",
    "bbp_overlaps",
    "bbp_strength",
    "estimate_noise",
    "stable_rank",
    "entropy_rank",
    "PowerLawFit",
    "fit_power_law",
    "WeightSpectrum",
    "weight_spectrum",
    "subspace_overlap",
    "LayerSimilarity",
    "layer_similarity",
]

#: Noise-level estimators of :func:`estimate_noise`.
NOISE_ESTIMATORS = ("median", "frobenius")
#: Ways :func:`weight_spectrum` computes singular values.
SVD_METHODS = ("auto", "svd", "gram")
#: ``method="auto"`` switches from the SVD to the Gram matrix above this short side.
_GRAM_FROM = 600


# ----------------------------------------------------------------------------- theory
def _check_c(c):
    return check_real(c, "c", minimum=0.0, maximum=1.0, strict_min=True)


def marchenko_pastur_for(shape, noise_std: float = 1.0):
    """The Marchenko-Pastur law of the squared singular values of pure noise of this shape.

    Entries of standard deviation ``noise_std``: ratio ``c = p / q`` and scale
    ``sigma^2 = noise_std^2 q``.

    Examples
    --------
    >>> law = marchenko_pastur_for((100, 400), 0.05)
    >>> [round(x, 6) for x in law.support]
    [0.25, 2.25]
    """
    from esorma.spectra.laws import MarchenkoPasturLaw

    p, q = _short_long(shape)
    s = check_real(noise_std, "noise_std", minimum=0.0, strict_min=True)
    return MarchenkoPasturLaw(c=p / q, scale=s * s * q)


def _short_long(shape):
    if len(shape) != 2:
        raise ValueError(f"shape must be (n, m); got {shape!r}")
    n, m = (check_int(x, "shape[i]", minimum=1) for x in shape)
    return min(n, m), max(n, m)


def singular_value_edges(shape, noise_std: float = 1.0) -> tuple:
    """``sigma (1 -+ sqrt c)``: edges of the noise singular values, ``sigma = noise_std sqrt q``.

    Examples
    --------
    >>> singular_value_edges((100, 400), 0.05)
    (0.5, 1.5)
    """
    p, q = _short_long(shape)
    sigma = check_real(noise_std, "noise_std", minimum=0.0, strict_min=True) * math.sqrt(q)
    r = math.sqrt(p / q)
    return (sigma * (1.0 - r), sigma * (1.0 + r))


def bbp_threshold(c: float) -> float:
    """``c^(1/4)``: the signal strength (units of ``sigma``) above which an outlier separates.

    Examples
    --------
    >>> bbp_threshold(0.0625)
    0.5
    """
    return _check_c(c) ** 0.25


def bbp_outlier(theta, c: float, sigma: float = 1.0):
    """Limit of the outlying singular value of a rank-one signal ``theta`` (NaN below threshold).

    ``sigma sqrt((1 + t^2)(c + t^2)) / t`` with ``t = theta / sigma`` when ``t > c^(1/4)``
    (Benaych-Georges & Nadakuditi 2012); at the threshold it equals the bulk edge
    ``sigma (1 + sqrt c)``.

    Examples
    --------
    >>> round(float(bbp_outlier(1.5, 0.25)), 6), float(bbp_outlier(0.5, 0.25))
    (1.900292, nan)
    """
    c = _check_c(c)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    t = np.asarray(theta, dtype=float) / sigma
    with np.errstate(divide="ignore", invalid="ignore"):
        val = sigma * np.sqrt((1 + t * t) * (c + t * t)) / t
    out = np.where(t > c ** 0.25, val, np.nan)
    return out[()] if out.ndim == 0 else out


def bbp_overlaps(theta, c: float, sigma: float = 1.0) -> tuple:
    """Limits of the squared overlaps ``(short side, long side)`` of the outlier's singular vectors.

    Short side = the singular vector of length ``p = min(n, m)``. Both are 0 at and below the
    threshold ``t = c^(1/4)`` and tend to 1 as ``t -> infinity``.

    Examples
    --------
    >>> [round(float(x), 6) for x in bbp_overlaps(1.5, 0.25)]
    [0.855556, 0.65812]
    """
    c = _check_c(c)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    t2 = (np.asarray(theta, dtype=float) / sigma) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        short = 1.0 - c * (1.0 + t2) / (t2 * (t2 + c))
        long_ = 1.0 - (c + t2) / (t2 * (t2 + 1.0))
    above = t2 > math.sqrt(c)
    short = np.where(above, short, 0.0)
    long_ = np.where(above, long_, 0.0)
    if short.ndim == 0:
        return float(short), float(long_)
    return short, long_


def bbp_strength(singular_value, c: float, sigma: float = 1.0):
    """Invert :func:`bbp_outlier`: the strength ``theta`` behind an outlier (NaN inside the bulk).

    Solves ``t^4 + (1 + c - y^2) t^2 + c = 0`` for the larger root, ``y = s / sigma``.

    Examples
    --------
    >>> round(float(bbp_strength(bbp_outlier(1.5, 0.25), 0.25)), 9)
    1.5
    """
    c = _check_c(c)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    y2 = (np.asarray(singular_value, dtype=float) / sigma) ** 2
    b = y2 - 1.0 - c
    disc = b * b - 4.0 * c
    with np.errstate(invalid="ignore"):
        t2 = 0.5 * (b + np.sqrt(disc))
        out = sigma * np.sqrt(t2)
    out = np.where((y2 > (1.0 + math.sqrt(c)) ** 2) & (disc >= 0), out, np.nan)
    return out[()] if out.ndim == 0 else out


def _mp_median(c: float) -> float:
    """Median of the Marchenko-Pastur law of ratio ``c <= 1`` and scale 1."""
    from esorma.spectra.laws import MarchenkoPasturLaw

    law = MarchenkoPasturLaw(c=c)
    lo, hi = law.support
    x = np.linspace(lo, hi, 4001)
    F = law.cdf(x)
    return float(np.interp(0.5, F, x))


def estimate_noise(squared_singular_values, shape, method: str = "median") -> float:
    """Per-entry noise standard deviation of a matrix from its squared singular values.

    ``"median"``: ``sigma^2 = median(s^2) / mu_c`` with ``mu_c`` the median of the
    Marchenko-Pastur law (Gavish & Donoho 2014), robust to a few outliers; ``"frobenius"``:
    ``sum(s^2) / (n m)``, the variance of the entries (signal included).

    Examples
    --------
    >>> W = np.random.default_rng(0).standard_normal((300, 600)) * 0.1
    >>> s2 = np.linalg.svd(W, compute_uv=False) ** 2
    >>> round(estimate_noise(s2, W.shape), 2), round(estimate_noise(s2, W.shape, "frobenius"), 2)
    (0.1, 0.1)
    """
    method = check_choice(method, "method", NOISE_ESTIMATORS)
    p, q = _short_long(shape)
    s2 = np.asarray(squared_singular_values, dtype=float).ravel()
    if s2.size != p:
        raise ValueError(f"squared_singular_values must have min(shape) = {p} entries; "
                         f"got {s2.size}")
    if method == "frobenius":
        return float(math.sqrt(s2.sum() / (p * q)))
    sigma2 = float(np.median(s2)) / _mp_median(p / q)
    return float(math.sqrt(sigma2 / q))


def stable_rank(singular_values) -> float:
    """``sum s_i^2 / max s_i^2`` (``||W||_F^2 / ||W||_2^2``); 0 for the zero matrix.

    Examples
    --------
    >>> stable_rank([2.0, 1.0, 1.0])
    1.5
    """
    s = np.abs(np.asarray(singular_values, dtype=float).ravel())
    top = s.max() if s.size else 0.0
    return float(np.sum(s * s) / (top * top)) if top > 0 else 0.0


def entropy_rank(singular_values) -> float:
    """Effective rank of Roy & Vetterli (2007): ``exp(-sum p_i log p_i)``, ``p_i = s_i / sum s``.

    Equals ``k`` for ``k`` equal non-zero singular values; 0 for the zero matrix.

    Examples
    --------
    >>> round(entropy_rank([3.0, 3.0, 3.0, 0.0]), 12)
    3.0
    """
    s = np.abs(np.asarray(singular_values, dtype=float).ravel())
    total = s.sum()
    if total <= 0:
        return 0.0
    p = s[s > 0] / total
    return float(np.exp(-np.sum(p * np.log(p))))


# ----------------------------------------------------------------------------- power law
@summarized
@dataclass(frozen=True)
class PowerLawFit:
    """Power-law fit ``p(x) ~ x^(-alpha)`` of the tail ``x >= x_min`` of a sample.

    Attributes
    ----------
    alpha : float
        Maximum-likelihood exponent ``1 + n / sum log(x_i / x_min)`` (NaN if no fit).
    alpha_stderr : float
        ``(alpha - 1) / sqrt(n)`` (Clauset et al. 2009, eq. 3.2).
    x_min : float
        Lower bound of the tail, chosen to minimise ``ks``.
    n_tail : int
        Sample points ``>= x_min``.
    ks : float
        KS distance between the tail and the fitted law.
    """

    alpha: float
    alpha_stderr: float
    x_min: float
    n_tail: int
    ks: float


def fit_power_law(sample, *, min_tail: int = 10, x_min=None, max_candidates: int = 1000
                  ) -> PowerLawFit:
    """Continuous power-law fit of the tail of ``sample`` (Clauset, Shalizi & Newman 2009).

    For each candidate ``x_min`` (sample values leaving at least ``min_tail`` points in the
    tail; at most ``max_candidates`` of them, evenly spaced in rank) the exponent is the
    maximum-likelihood (Hill) estimate and the KS distance of the tail to the fitted law
    ``P(X > x) = (x / x_min)^(1 - alpha)`` is computed; the ``x_min`` of least KS distance
    is kept. Give ``x_min`` to fix it. Non-positive values are ignored.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = (1 - rng.random(20000)) ** (-1 / 1.5)        # Pareto, alpha = 2.5, x_min = 1
    >>> fit = fit_power_law(x, x_min=1.0)
    >>> round(fit.alpha, 2), fit.n_tail
    (2.49, 20000)
    """
    x = np.asarray(sample, dtype=float).ravel()
    if not np.all(np.isfinite(x)):
        raise ValueError("sample must be finite; found NaN or inf entries")
    x = np.sort(x[x > 0])
    min_tail = check_int(min_tail, "min_tail", minimum=2)
    max_candidates = check_int(max_candidates, "max_candidates", minimum=1)
    nan = PowerLawFit(alpha=float("nan"), alpha_stderr=float("nan"), x_min=float("nan"),
                      n_tail=0, ks=float("nan"))
    if x.size < min_tail:
        return nan
    logx = np.log(x)
    n = x.size
    # suffix sums of log x: S[k] = sum_{j >= k} log x_j
    suffix = np.concatenate([np.cumsum(logx[::-1])[::-1], [0.0]])
    if x_min is not None:
        xm = check_real(x_min, "x_min", minimum=0.0, strict_min=True)
        k = int(np.searchsorted(x, xm, side="left"))
        if n - k < 2:
            return nan
        cands = np.array([k])
        logxm = np.array([math.log(xm)])
    else:
        last = n - min_tail  # the tail keeps at least min_tail points
        idx = np.arange(0, last + 1)
        # ties: keep the first index of each distinct value
        idx = idx[np.concatenate([[True], x[idx[1:]] != x[idx[1:] - 1]])]
        if idx.size > max_candidates:
            idx = idx[np.unique(np.linspace(0, idx.size - 1, max_candidates).round()
                                .astype(int))]
        cands = idx
        logxm = logx[cands]
    n_tail = n - cands
    denom = suffix[cands] - n_tail * logxm
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 + n_tail / denom
    ks = np.full(cands.size, np.inf)
    block = max(1, 2_000_000 // n)
    j = np.arange(n)
    for s in range(0, cands.size, block):
        kk = cands[s:s + block]
        a = alpha[s:s + block]
        nt = n_tail[s:s + block]
        # rows: candidates; columns: the points from the block's smallest x_min on (those
        # below a row's own x_min are masked out)
        j0 = int(kk.min())
        rel = j[None, j0:] - kk[:, None]
        mask = rel >= 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            model = 1.0 - np.exp((1.0 - a)[:, None] * (logx[None, j0:] - logxm[s:s + block,
                                                                                None]))
        emp_hi = (rel + 1) / nt[:, None]
        emp_lo = rel / nt[:, None]
        d = np.maximum(np.abs(emp_hi - model), np.abs(model - emp_lo))
        d = np.where(mask, d, 0.0)
        ks[s:s + block] = d.max(axis=1)
    ok = np.isfinite(alpha) & (alpha > 1.0) & np.isfinite(ks)
    if not ok.any():
        return nan
    best = int(np.flatnonzero(ok)[np.argmin(ks[ok])])
    a = float(alpha[best])
    m = int(n_tail[best])
    return PowerLawFit(alpha=a, alpha_stderr=(a - 1.0) / math.sqrt(m),
                       x_min=float(math.exp(logxm[best])), n_tail=m, ks=float(ks[best]))


# ----------------------------------------------------------------------------- one matrix
@summarized
@dataclass(frozen=True)
class WeightSpectrum:
    """The spectrum of one weight matrix against the random bulk of its shape.

    Attributes
    ----------
    shape : tuple of int
    singular_values : ndarray, shape (p,)
        Decreasing; ``p = min(shape)``.
    noise_std : float
        Per-entry noise standard deviation (given or estimated by ``noise``).
    noise : str
        ``"median"``, ``"frobenius"`` or ``"given"``.
    aspect : float
        ``c = p / q``.
    edges : ndarray, shape (2,)
        Bulk edges of the singular values, ``sigma (1 -+ sqrt c)``, ``sigma = noise_std sqrt q``.
    threshold : float
        Singular values above this count as outliers (edge plus ``tw_margin`` Tracy-Widom
        scales).
    n_outliers : int
    outlier_strengths : ndarray, shape (n_outliers,)
        Signal strength ``theta`` behind each outlier (:func:`bbp_strength`; NaN if the
        outlier is too close to the edge to invert).
    predicted_overlaps : ndarray, shape (n_outliers, 2)
        Squared overlaps (short side, long side) that a rank-one signal of that strength
        would have with the outlier's singular vectors (:func:`bbp_overlaps`).
    bulk_ks : float
        KS distance of the bulk squared singular values to the Marchenko-Pastur law.
    stable_rank, entropy_rank : float
    power_law : PowerLawFit
        Tail of the eigenvalues of ``W^T W``.
    left, right : ndarray, shape (n, k) and (m, k)
        Top-``k`` singular vectors (``k = n_vectors``; empty when 0).
    tw_margin : float
    """

    shape: tuple
    singular_values: np.ndarray = field(metadata={"description": "singular values, decreasing"})
    noise_std: float
    noise: str
    aspect: float
    edges: np.ndarray = field(metadata={"description": "bulk edges of the singular values"})
    threshold: float
    n_outliers: int
    outlier_strengths: np.ndarray = field(metadata={
        "description": "signal strength theta behind each outlier (BBP inverse)"})
    predicted_overlaps: np.ndarray = field(metadata={
        "description": "BBP squared overlaps (short side, long side) per outlier"})
    bulk_ks: float
    stable_rank: float
    entropy_rank: float
    power_law: PowerLawFit
    left: np.ndarray = field(repr=False, metadata={"description": "top left singular vectors"})
    right: np.ndarray = field(repr=False, metadata={"description": "top right singular vectors"})
    tw_margin: float = 4.0

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(int(s) for s in self.shape))

    @property
    def sigma(self) -> float:
        """Noise scale ``noise_std sqrt(q)`` (the unit of the bulk edges)."""
        return float(self.noise_std * math.sqrt(max(self.shape)))

    @property
    def outliers(self) -> np.ndarray:
        return self.singular_values[: self.n_outliers]

    @property
    def law(self):
        """The Marchenko-Pastur law of the squared singular values of the noise."""
        return marchenko_pastur_for(self.shape, self.noise_std)

    def summary(self) -> dict:
        return {
            "shape": list(self.shape), "noise_std": self.noise_std, "noise": self.noise,
            "aspect": self.aspect, "edges": self.edges.tolist(), "threshold": self.threshold,
            "n_outliers": self.n_outliers, "outliers": self.outliers.tolist(),
            "outlier_strengths": self.outlier_strengths.tolist(),
            "predicted_overlaps": self.predicted_overlaps.tolist(), "bulk_ks": self.bulk_ks,
            "stable_rank": self.stable_rank, "entropy_rank": self.entropy_rank,
            "power_law_alpha": self.power_law.alpha, "power_law_x_min": self.power_law.x_min,
            "power_law_n_tail": self.power_law.n_tail, "power_law_ks": self.power_law.ks,
        }


def _check_matrix(W, name="W"):
    arr = np.asarray(W)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer)
                                   or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim != 2 or min(arr.shape) < 2:
        raise ValueError(f"{name} must be a 2-d array with both sides >= 2; got shape "
                         f"{arr.shape}")
    arr = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; found NaN or inf entries")
    return arr


def _spectrum(W, method):
    """Decreasing singular values, and what :func:`_vectors` needs to find top vectors."""
    import scipy.linalg as sl

    n, m = W.shape
    p = min(n, m)
    if method == "auto":
        method = "gram" if p > _GRAM_FROM else "svd"
    if method == "svd":
        U, s, Vt = sl.svd(W, full_matrices=False, lapack_driver="gesdd")
        return s, ("svd", U, Vt)
    check_memory(8.0 * p * p * 2, f"the Gram matrix of a {n} x {m} matrix")
    short_left = n <= m
    G = W @ W.T if short_left else W.T @ W
    lam = sl.eigh(G, eigvals_only=True, driver="evd", check_finite=False)[::-1]
    return np.sqrt(np.clip(lam, 0.0, None)), ("gram", G, short_left)


def _vectors(W, s, aux, k):
    """Top-``k`` left ``(n, k)`` and right ``(m, k)`` singular vectors."""
    if aux[0] == "svd":
        return aux[1][:, :k], aux[2][:k].T
    _, G, short_left = aux
    p = G.shape[0]
    if k <= 20 and 4 * k < p:  # Lanczos on the Gram matrix: O(p^2) per step
        from scipy.sparse.linalg import eigsh

        lam, V = eigsh(G, k=k, which="LA", v0=np.full(p, 1.0 / np.sqrt(p)), tol=1e-12)
        V = V[:, np.argsort(lam)[::-1]]
    else:
        import scipy.linalg as sl

        V = sl.eigh(G, subset_by_index=[p - k, p - 1], check_finite=False)[1][:, ::-1]
    other = (W.T @ V if short_left else W @ V) / np.where(s[:k] > 0, s[:k], 1.0)
    return (V, other) if short_left else (other, V)


def weight_spectrum(W, *, noise="median", tw_margin: float = 4.0, n_vectors=None,
                    method: str = "auto", min_tail: int = 10) -> WeightSpectrum:
    """Singular spectrum of ``W`` against the Marchenko-Pastur bulk: outliers, ranks, tail.

    Parameters
    ----------
    W : array_like, shape (n, m)
        Both sides >= 2.
    noise : {"median", "frobenius"} or float
        How to set the per-entry noise standard deviation (see :func:`estimate_noise`), or
        its value.
    tw_margin : float
        Outliers lie above the bulk edge by more than this many Tracy-Widom scales
        (``P(TW_1 > 4) < 1e-3``: one false outlier in a thousand pure-noise matrices).
    n_vectors : int or None
        Top singular vectors to keep (None: as many as outliers).
    method : {"auto", "svd", "gram"}
        ``"svd"``: LAPACK ``gesdd``; ``"gram"``: eigenvalues of the ``p x p`` Gram matrix
        (faster, absolute error ``~ eps ||W||^2`` on the squared singular values; the top
        vectors by Lanczos on it, :func:`scipy.sparse.linalg.eigsh`, when at most 20);
        ``"auto"``: the Gram matrix when ``min(n, m) > 600``.
    min_tail : int
        Smallest tail of the power-law fit.

    Returns
    -------
    WeightSpectrum

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n, m = 200, 800
    >>> u = rng.standard_normal(n); u /= np.linalg.norm(u)
    >>> v = rng.standard_normal(m); v /= np.linalg.norm(v)
    >>> W = 2.0 * np.outer(u, v) + rng.standard_normal((n, m)) / np.sqrt(m)
    >>> ws = weight_spectrum(W)
    >>> ws.n_outliers, round(float(ws.outlier_strengths[0]), 1)
    (1, 2.0)
    """
    W = _check_matrix(W)
    n, m = W.shape
    p, q = min(n, m), max(n, m)
    method = check_choice(method, "method", SVD_METHODS)
    tw_margin = check_real(tw_margin, "tw_margin", minimum=0.0)
    if n_vectors is not None:
        n_vectors = check_int(n_vectors, "n_vectors", minimum=0, maximum=p)
    s, aux = _spectrum(W, method)
    s2 = s * s
    if isinstance(noise, str):
        label = check_choice(noise, "noise", NOISE_ESTIMATORS)
        noise_std = estimate_noise(s2, W.shape, label)
    else:
        label = "given"
        noise_std = check_real(noise, "noise", minimum=0.0, strict_min=True)
    c = p / q
    sigma = noise_std * math.sqrt(q) if noise_std > 0 else 0.0
    lo, hi = (sigma * (1 - math.sqrt(c)), sigma * (1 + math.sqrt(c)))
    if sigma > 0:
        tw_scale = (math.sqrt(p) + math.sqrt(q)) * (1 / math.sqrt(p) + 1 / math.sqrt(q)) ** (
            1.0 / 3.0) / q  # units of sigma^2
        threshold = sigma * math.sqrt((1 + math.sqrt(c)) ** 2 + tw_margin * tw_scale)
        n_out = int(np.sum(s > threshold))
        strengths = np.asarray(bbp_strength(s[:n_out], c, sigma), dtype=float).reshape(-1)
        sh, lg = bbp_overlaps(strengths, c, sigma) if n_out else (np.empty(0), np.empty(0))
        overlaps = np.stack([np.nan_to_num(np.asarray(sh, float).reshape(-1), nan=0.0),
                             np.nan_to_num(np.asarray(lg, float).reshape(-1), nan=0.0)],
                            axis=1).reshape(n_out, 2)
        law = marchenko_pastur_for(W.shape, noise_std)
        from esorma.spectra.statistics import ks_distance

        bulk = s2[n_out:]
        bulk_ks = ks_distance(bulk, law.cdf) if bulk.size else float("nan")
    else:  # the zero matrix
        threshold, n_out = 0.0, 0
        strengths, overlaps, bulk_ks = np.empty(0), np.empty((0, 2)), float("nan")
    if n_vectors is None:
        n_vectors = n_out
    if n_vectors:
        U, V = _vectors(W, s, aux, n_vectors)
    else:
        U, V = np.empty((n, 0)), np.empty((m, 0))
    return WeightSpectrum(
        shape=(n, m), singular_values=s, noise_std=float(noise_std), noise=label, aspect=c,
        edges=np.array([lo, hi]), threshold=float(threshold), n_outliers=n_out,
        outlier_strengths=strengths, predicted_overlaps=overlaps, bulk_ks=float(bulk_ks),
        stable_rank=stable_rank(s), entropy_rank=entropy_rank(s),
        power_law=fit_power_law(s2, min_tail=min_tail), left=U, right=V,
        tw_margin=float(tw_margin),
    )


# ----------------------------------------------------------------------------- across layers
def _top_vectors(W, k, side):
    import scipy.linalg as sl

    U, _s, Vt = sl.svd(W, full_matrices=False)
    return U[:, :k] if side == "left" else Vt[:k].T


def subspace_overlap(A, B, k: int = 1, *, side: str = "right") -> tuple:
    """Principal angles between the top-``k`` singular subspaces of ``A`` and ``B``.

    ``side="right"`` compares input spaces (both need the same number of columns),
    ``"left"`` output spaces (same number of rows), ``"left-right"`` the output space of
    ``A`` with the input space of ``B`` (consecutive layers ``B @ A``). Returns
    ``(angles, overlap)`` with ``angles`` in radians (increasing) and ``overlap`` the mean
    ``cos^2``: 1 for equal subspaces, about ``k / d`` for random ones in dimension ``d``.

    Examples
    --------
    >>> A = np.diag([3.0, 2.0, 1.0])
    >>> angles, ov = subspace_overlap(A, A[[1, 0, 2]][:, [1, 0, 2]], 2)
    >>> round(ov, 12)
    1.0
    """
    import scipy.linalg as sl

    A = _check_matrix(A, "A")
    B = _check_matrix(B, "B")
    side = check_choice(side, "side", ("right", "left", "left-right"))
    sa, sb = {"right": ("right", "right"), "left": ("left", "left"),
              "left-right": ("left", "right")}[side]
    da = A.shape[0] if sa == "left" else A.shape[1]
    db = B.shape[0] if sb == "left" else B.shape[1]
    if da != db:
        raise ValueError(f"side={side!r} compares spaces of dimensions {da} and {db}; they "
                         f"must be equal (A {A.shape}, B {B.shape})")
    k = check_int(k, "k", minimum=1, maximum=min(min(A.shape), min(B.shape)))
    angles = np.sort(sl.subspace_angles(_top_vectors(A, k, sa), _top_vectors(B, k, sb)))
    return angles, float(np.mean(np.cos(angles) ** 2))


@summarized
@dataclass(frozen=True)
class LayerSimilarity:
    """Similarity of several matrices of one shape.

    Attributes
    ----------
    k : int
        Dimension of the compared top singular subspaces.
    overlap_left, overlap_right : ndarray, shape (L, L)
        Mean ``cos^2`` of the principal angles between top-``k`` left (output) and right
        (input) singular subspaces.
    cosine : ndarray, shape (L, L)
        ``<W_i, W_j>_F / (||W_i|| ||W_j||)``: whether the matrices are nearly equal.
    """

    k: int
    overlap_left: np.ndarray = field(metadata={"description": "mean cos^2, left subspaces"})
    overlap_right: np.ndarray = field(metadata={"description": "mean cos^2, right subspaces"})
    cosine: np.ndarray = field(metadata={"description": "Frobenius cosine similarity"})


def layer_similarity(matrices, k: int = 1) -> LayerSimilarity:
    """Pairwise similarity of matrices of one shape (residual blocks, layers of one width).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W = rng.standard_normal((30, 30))
    >>> sim = layer_similarity([W, 2 * W, rng.standard_normal((30, 30))], k=2)
    >>> round(float(sim.cosine[0, 1]), 12), round(float(sim.overlap_right[0, 1]), 12)
    (1.0, 1.0)
    """
    import scipy.linalg as sl

    mats = [_check_matrix(W, f"matrices[{i}]") for i, W in enumerate(matrices)]
    if not mats:
        raise ValueError("matrices must hold at least one matrix")
    shape = mats[0].shape
    for i, W in enumerate(mats):
        if W.shape != shape:
            raise ValueError(f"matrices[{i}] has shape {W.shape}; expected {shape}")
    k = check_int(k, "k", minimum=1, maximum=min(shape))
    svds = [sl.svd(W, full_matrices=False) for W in mats]
    L = len(mats)
    ol, orr, cos = np.eye(L), np.eye(L), np.eye(L)
    norms = [np.linalg.norm(W) for W in mats]
    for i in range(L):
        for j in range(i + 1, L):
            a = sl.subspace_angles(svds[i][0][:, :k], svds[j][0][:, :k])
            b = sl.subspace_angles(svds[i][2][:k].T, svds[j][2][:k].T)
            ol[i, j] = ol[j, i] = np.mean(np.cos(a) ** 2)
            orr[i, j] = orr[j, i] = np.mean(np.cos(b) ** 2)
            den = norms[i] * norms[j]
            cos[i, j] = cos[j, i] = float(np.sum(mats[i] * mats[j]) / den) if den > 0 else 0.0
    return LayerSimilarity(k=k, overlap_left=ol, overlap_right=orr, cosine=cos)

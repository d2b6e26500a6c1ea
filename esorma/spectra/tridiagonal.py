"""Large-N spectra without dense matrices: Dumitriu-Edelman tridiagonal beta models.

The beta-Hermite model is a symmetric tridiagonal matrix whose eigenvalues have exactly the
joint law of the Gaussian beta ensemble (GOE for ``beta = 1``, GUE for ``beta = 2``); the
beta-Laguerre model does the same for Wishart matrices. Storing it costs ``O(n)``, and

* the spectral density is obtained from Sturm-sequence counts (number of eigenvalues below
  each bin edge, ``O(n)`` per edge, compiled and vectorised over edges): ``n = 10^6`` with
  100 bins in well under a second;
* extreme eigenvalues come from multisection on the same counts: ``n = 10^7`` in seconds.

The models are scaled to the dense samplers of :mod:`esorma.spectra.ensembles`:
``beta_hermite(n, 1, sigma=s)`` has the eigenvalue law of ``goe(n, sigma=s)`` (edge
``2 s``), ``beta_hermite(n, 2, sigma=s)`` that of ``gue(n, sigma=s)``, and
``beta_laguerre(n, c, 1)`` that of ``wishart(n, c)``.

References
----------
I. Dumitriu and A. Edelman, "Matrix models for beta ensembles", J. Math. Phys. 43, 5830
(2002).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_memory, check_real
from esorma.spectra._kernels import sturm_counts, sturm_counts_serial

__all__ = [
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
]

_BLOCK = 8  # shifts per compiled task (vectorised inner loop)
_SERIAL_WORK = 1 << 21  # below n * len(x) of this, threads cost more than they save


def _counts(diag, off2, xs, pivmin):
    if diag.shape[0] * xs.shape[0] < _SERIAL_WORK:
        out = np.zeros(xs.shape[0], dtype=np.int64)
        return sturm_counts_serial(diag, off2, xs, pivmin, out)
    return sturm_counts(diag, off2, xs, pivmin, _BLOCK)


@summarized
@dataclass(frozen=True)
class Tridiagonal:
    """A real symmetric tridiagonal matrix: ``diag`` (n,) and ``offdiag`` (n - 1,)."""

    diag: np.ndarray
    offdiag: np.ndarray
    beta: float = 1.0
    seed: int | None = None

    @property
    def n(self) -> int:
        return self.diag.shape[0]

    def to_dense(self) -> np.ndarray:
        """The ``(n, n)`` dense matrix (small ``n`` only)."""
        return np.diag(self.diag) + np.diag(self.offdiag, 1) + np.diag(self.offdiag, -1)

    def gershgorin(self) -> tuple:
        """An interval that contains every eigenvalue."""
        b = np.abs(self.offdiag)
        r = np.zeros(self.n)
        r[:-1] += b
        r[1:] += b
        return (float(np.min(self.diag - r)), float(np.max(self.diag + r)))


@summarized
@dataclass(frozen=True)
class TridiagonalDensity:
    """A histogram of all eigenvalues from Sturm counts (exact counts, no eigenvalues)."""

    edges: np.ndarray
    counts: np.ndarray
    n: int
    beta: float
    seed: int | None
    lambda_min: float
    lambda_max: float
    seconds: float

    @property
    def density(self) -> np.ndarray:
        """Counts per unit length, normalised to integrate to 1."""
        return self.counts / (self.n * np.diff(self.edges))

    @property
    def centers(self) -> np.ndarray:
        return 0.5 * (self.edges[1:] + self.edges[:-1])


def _seed_of(rng):
    return int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None


def _chi(rng, df):
    """Chi variates with (array) degrees of freedom ``df > 0``."""
    return np.sqrt(2.0 * rng.standard_gamma(0.5 * df))


def beta_hermite(n: int, beta: float = 1.0, *, sigma: float = 1.0, rng=None) -> Tridiagonal:
    """Dumitriu-Edelman beta-Hermite tridiagonal matrix, scaled to semicircle edge ``2 sigma``.

    Diagonal ``N(0, 2) * c / sqrt(2)``, off-diagonal ``chi_{beta (n - k)} * c / sqrt(2)``
    (``k = 1 .. n-1``) with ``c = sigma sqrt(2 / (beta n))``.

    Parameters
    ----------
    n : int
        Size (>= 1).
    beta : float
        Dyson index (> 0): 1 GOE, 2 GUE, 4 GSE; any positive value.
    sigma : float
        Scale: the same as in :func:`esorma.spectra.goe` / :func:`esorma.spectra.gue`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    Tridiagonal

    Notes
    -----
    The eigenvalues have the joint density ``prod |l_i - l_j|^beta exp(-beta n sum l^2 /
    (4 sigma^2))``: semicircle on ``[-2 sigma, 2 sigma]`` and largest eigenvalue ``2 sigma +
    sigma n^(-2/3) TW_beta``. Memory ``16 n`` bytes.

    Examples
    --------
    >>> T = beta_hermite(1000, beta=1, rng=0)
    >>> round(float(largest_eigenvalue(T)), 1)
    2.0
    """
    n = check_int(n, "n", minimum=1)
    beta = check_real(beta, "beta", minimum=0.0, strict_min=True)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    check_memory(40.0 * n, f"a beta-Hermite model of size {n}")
    seed = _seed_of(rng)
    rng = as_rng(rng)
    c = sigma * math.sqrt(2.0 / (beta * n))
    diag = rng.standard_normal(n) * c  # N(0, 2) / sqrt(2) = N(0, 1)
    df = beta * np.arange(n - 1, 0, -1, dtype=float)
    off = _chi(rng, df) * (c / math.sqrt(2.0))
    return Tridiagonal(diag=diag, offdiag=off, beta=beta, seed=seed)


def beta_laguerre(n: int, c: float, beta: float = 1.0, *, rng=None) -> Tridiagonal:
    """Dumitriu-Edelman beta-Laguerre model of an ``n x n`` Wishart matrix of ratio ``c``.

    ``L = B B^T / (beta m)`` with ``m = max(1, round(n / c))`` and ``B`` lower bidiagonal with
    ``B_ii = chi_{beta (m - i + 1)}`` and ``B_{i+1, i} = chi_{beta (n - i)}``. For ``c > 1``
    (``m < n``) the ``m`` non-zero eigenvalues come from the ``m x m`` model with ``n`` and
    ``m`` exchanged and the remaining ``n - m`` diagonal entries are exactly 0.

    Notes
    -----
    Marchenko-Pastur law of ratio ``c`` (same scale as :func:`esorma.spectra.wishart`).

    Examples
    --------
    >>> T = beta_laguerre(2000, 0.25, rng=0)
    >>> [round(x, 1) for x in T.gershgorin()][0] >= 0.0
    True
    """
    n = check_int(n, "n", minimum=1)
    c = check_real(c, "c", minimum=0.0, strict_min=True)
    beta = check_real(beta, "beta", minimum=0.0, strict_min=True)
    check_memory(48.0 * n, f"a beta-Laguerre model of size {n}")
    seed = _seed_of(rng)
    rng = as_rng(rng)
    m = max(1, int(round(n / c)))
    k, dof = (n, m) if m >= n else (m, n)  # k x k model with `dof` degrees of freedom
    bd = _chi(rng, beta * (dof - np.arange(k, dtype=float)))
    bs = _chi(rng, beta * np.arange(k - 1, 0, -1, dtype=float))
    diag = np.zeros(n)
    off = np.zeros(max(n - 1, 0))
    diag[:k] = bd * bd
    diag[1:k] += bs * bs
    off[: k - 1] = bs * bd[:-1]
    scale = 1.0 / (beta * m)
    diag *= scale
    off *= scale
    return Tridiagonal(diag=diag, offdiag=off, beta=beta, seed=seed)


def _as_tridiagonal(T) -> Tridiagonal:
    if isinstance(T, Tridiagonal):
        return T
    if isinstance(T, tuple) and len(T) == 2:
        d = np.ascontiguousarray(T[0], dtype=float)
        e = np.ascontiguousarray(T[1], dtype=float)
        if d.ndim != 1 or e.shape != (max(d.size - 1, 0),):
            raise ValueError(
                f"T must be (diag, offdiag) with shapes (n,), (n-1,); got {d.shape}, {e.shape}"
            )
        if not (np.all(np.isfinite(d)) and np.all(np.isfinite(e))):
            raise ValueError("T must be finite")
        return Tridiagonal(diag=d, offdiag=e)
    raise TypeError(f"T must be a Tridiagonal or a (diag, offdiag) tuple; got {type(T).__name__}")


def _check_interval(interval) -> tuple:
    """``interval`` as two finite floats ``low < high``."""
    try:
        lo, hi = interval
    except (TypeError, ValueError):
        raise ValueError(f"interval must be (low, high); got {interval!r}") from None
    lo, hi = check_real(lo, "interval low"), check_real(hi, "interval high")
    if hi <= lo:
        raise ValueError(f"interval must be (low, high) with low < high; got {interval!r}")
    return lo, hi


def _pivmin(T: Tridiagonal) -> float:
    scale = max(float(np.max(np.abs(T.offdiag))) if T.n > 1 else 0.0,
                float(np.max(np.abs(T.diag))), 1e-300)
    return np.finfo(float).tiny * max(1.0, scale * scale) / np.finfo(float).eps


def eigenvalue_counts(T, x) -> np.ndarray:
    """Number of eigenvalues of ``T`` strictly below each ``x`` (Sturm counts, ``O(n)`` each).

    Examples
    --------
    >>> T = Tridiagonal(np.array([1.0, 2.0, 3.0]), np.zeros(2))
    >>> eigenvalue_counts(T, [0.5, 2.5, 9.0]).tolist()
    [0, 2, 3]
    """
    T = _as_tridiagonal(T)
    xs = np.ascontiguousarray(np.atleast_1d(np.asarray(x, dtype=float)))
    off2 = np.ascontiguousarray(T.offdiag * T.offdiag)
    return _counts(np.ascontiguousarray(T.diag), off2, xs, _pivmin(T))


def tridiagonal_density(T, bins: int = 100,
                        interval: tuple | None = None) -> TridiagonalDensity:
    """Histogram of all eigenvalues of a tridiagonal matrix from Sturm counts.

    Parameters
    ----------
    T : Tridiagonal or (diag, offdiag)
    bins : int
        Number of equal bins.
    interval : (float, float), optional
        The histogram's ``(low, high)``; default the extreme eigenvalues (found by
        bisection).

    Examples
    --------
    >>> h = tridiagonal_density(beta_hermite(10_000, rng=1), bins=20)
    >>> int(h.counts.sum())
    10000
    """
    t0 = time.perf_counter()
    T = _as_tridiagonal(T)
    bins = check_int(bins, "bins", minimum=1)
    lo_ev = float(extreme_eigenvalues(T, 1, which="smallest")[0])
    hi_ev = float(extreme_eigenvalues(T, 1, which="largest")[0])
    if interval is None:
        pad = 1e-9 * max(1.0, abs(lo_ev), abs(hi_ev))
        lo, hi = lo_ev - pad, hi_ev + pad
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
    else:
        lo, hi = _check_interval(interval)
    edges = np.linspace(lo, hi, bins + 1)
    below = eigenvalue_counts(T, edges)
    counts = np.diff(below)
    return TridiagonalDensity(edges=edges, counts=counts, n=T.n, beta=T.beta, seed=T.seed,
                              lambda_min=lo_ev, lambda_max=hi_ev,
                              seconds=time.perf_counter() - t0)


def _kth(T, off2, index, lo, hi, pivmin, rtol, points):
    """The eigenvalue of 0-based ``index`` (ascending) by multisection of ``[lo, hi]``."""
    diag = np.ascontiguousarray(T.diag)
    for _ in range(200):
        width = hi - lo
        if width <= rtol * max(abs(lo), abs(hi)) or width <= 4 * pivmin:
            break
        xs = lo + width * np.arange(1, points + 1) / (points + 1)
        c = _counts(diag, off2, xs, pivmin)
        ok = np.nonzero(c <= index)[0]  # eigenvalue `index` is >= xs[ok]
        new_lo = xs[ok[-1]] if ok.size else lo
        bad = np.nonzero(c > index)[0]
        new_hi = xs[bad[0]] if bad.size else hi
        if new_lo == lo and new_hi == hi:
            break
        lo, hi = new_lo, new_hi
    return 0.5 * (lo + hi)


def extreme_eigenvalues(T, k: int = 1, *, which: str = "largest", rtol: float = 1e-13,
                        points: int = 16) -> np.ndarray:
    """The ``k`` largest (or smallest) eigenvalues of a symmetric tridiagonal matrix.

    Multisection of the Gershgorin interval on Sturm counts: every pass evaluates ``points``
    shifts at once (vectorised, split over threads) and shrinks the bracket ``points + 1``
    times. Cost ``O(n points log(1/rtol) / log(points))`` per eigenvalue; memory ``O(n)``.

    Parameters
    ----------
    T : Tridiagonal or (diag, offdiag)
    k : int
        How many (1 <= k <= n).
    which : {"largest", "smallest"}
    rtol : float
        Relative width of the final bracket.
    points : int
        Shifts per pass.

    Returns
    -------
    numpy.ndarray
        Descending for ``"largest"``, ascending for ``"smallest"``.

    Examples
    --------
    >>> T = Tridiagonal(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0]))
    >>> bool(np.allclose(extreme_eigenvalues(T, 3), np.linalg.eigvalsh(T.to_dense())[::-1]))
    True
    """
    T = _as_tridiagonal(T)
    k = check_int(k, "k", minimum=1, maximum=T.n)
    if which not in ("largest", "smallest"):
        raise ValueError(f"which must be 'largest' or 'smallest'; got {which!r}")
    rtol = check_real(rtol, "rtol", minimum=0.0, strict_min=True)
    points = check_int(points, "points", minimum=1)
    lo, hi = T.gershgorin()
    span = max(hi - lo, 1e-300)
    lo, hi = lo - 1e-12 * span, hi + 1e-12 * span
    off2 = np.ascontiguousarray(T.offdiag * T.offdiag)
    pivmin = _pivmin(T)
    idx = [T.n - 1 - j for j in range(k)] if which == "largest" else list(np.arange(k))
    out = np.empty(k)
    for j, index in enumerate(idx):
        out[j] = _kth(T, off2, int(index), lo, hi, pivmin, rtol, points)
    return out


def kth_eigenvalue(T, index: int, *, rtol: float = 1e-13, points: int = 16) -> float:
    """The eigenvalue of 0-based ``index`` in ascending order, by multisection on Sturm counts
    (``O(n)`` memory; the cost does not depend on ``index``).

    Examples
    --------
    >>> T = Tridiagonal(np.array([1.0, 2.0, 3.0]), np.zeros(2))
    >>> round(kth_eigenvalue(T, 1), 12)
    2.0
    """
    T = _as_tridiagonal(T)
    index = check_int(index, "index", minimum=0, maximum=T.n - 1)
    rtol = check_real(rtol, "rtol", minimum=0.0, strict_min=True)
    points = check_int(points, "points", minimum=1)
    lo, hi = T.gershgorin()
    span = max(hi - lo, 1e-300)
    lo, hi = lo - 1e-12 * span, hi + 1e-12 * span
    off2 = np.ascontiguousarray(T.offdiag * T.offdiag)
    return float(_kth(T, off2, index, lo, hi, _pivmin(T), rtol, points))


def tridiagonal_eigenvalues(T) -> np.ndarray:
    """All eigenvalues (ascending) with LAPACK's tridiagonal solver (``O(n^2)`` time).

    Examples
    --------
    >>> tridiagonal_eigenvalues(Tridiagonal(np.array([0.0, 0.0]), np.array([1.0]))).tolist()
    [-1.0, 1.0]
    """
    from scipy.linalg import eigvalsh_tridiagonal

    T = _as_tridiagonal(T)
    if T.n == 1:
        return T.diag.copy()
    return eigvalsh_tridiagonal(T.diag, T.offdiag, check_finite=False)


def beta_hermite_density(n: int, beta: float = 1.0, *, bins: int = 100, sigma: float = 1.0,
                         interval: tuple | None = None, rng=None) -> TridiagonalDensity:
    """Spectral density of a size-``n`` Gaussian beta ensemble without any dense matrix.

    Samples :func:`beta_hermite` and histograms its eigenvalues with Sturm counts.

    Examples
    --------
    >>> h = beta_hermite_density(100_000, beta=2, bins=50, rng=0)
    >>> round(h.lambda_max, 2)
    2.0
    """
    t0 = time.perf_counter()
    T = beta_hermite(n, beta, sigma=sigma, rng=rng)
    h = tridiagonal_density(T, bins=bins, interval=interval)
    return TridiagonalDensity(edges=h.edges, counts=h.counts, n=h.n, beta=h.beta, seed=h.seed,
                              lambda_min=h.lambda_min, lambda_max=h.lambda_max,
                              seconds=time.perf_counter() - t0)


def largest_eigenvalue(T_or_n, beta: float = 1.0, *, sigma: float = 1.0, rng=None) -> float:
    """Largest eigenvalue of a tridiagonal matrix, or of a fresh beta-Hermite model of size n.

    ``largest_eigenvalue(10**7)`` samples ``beta_hermite(10**7)`` (160 MB) and bisects: a few
    seconds, where a dense GOE of that size would need 800 TB.

    Examples
    --------
    >>> round(largest_eigenvalue(10_000, beta=2, rng=3), 1)
    2.0
    """
    if isinstance(T_or_n, (Tridiagonal, tuple)):
        T = T_or_n
    else:
        T = beta_hermite(T_or_n, beta, sigma=sigma, rng=rng)
    return float(extreme_eigenvalues(T, 1, which="largest")[0])


def grid_ks_distance(T, cdf, n_points: int = 512, *,
                     interval: tuple | None = None) -> float:
    """Kolmogorov-Smirnov distance of all eigenvalues of ``T`` to ``cdf``, on a grid.

    ``sup_x |F_n(x) - F(x)|`` over ``n_points`` equally spaced ``x`` (default: across the
    spectrum, or the ``(low, high)`` of ``interval``), with ``F_n`` from exact Sturm counts;
    a lower bound of the KS distance that converges to it as the grid is refined.
    ``O(n n_points)`` time, ``O(n)`` memory.

    Examples
    --------
    >>> from esorma.spectra.laws import SemicircleLaw
    >>> grid_ks_distance(beta_hermite(100_000, rng=0), SemicircleLaw().cdf) < 0.001
    True
    """
    T = _as_tridiagonal(T)
    n_points = check_int(n_points, "n_points", minimum=2)
    if interval is None:
        lo = float(extreme_eigenvalues(T, 1, which="smallest", rtol=1e-6)[0])
        hi = float(extreme_eigenvalues(T, 1, which="largest", rtol=1e-6)[0])
        pad = 0.02 * max(hi - lo, 1e-12)
        lo, hi = lo - pad, hi + pad
    else:
        lo, hi = _check_interval(interval)
    x = np.linspace(lo, hi, n_points)
    below = eigenvalue_counts(T, x) / T.n  # P_n(X < x)
    return float(np.max(np.abs(below - np.asarray(cdf(x), dtype=float))))

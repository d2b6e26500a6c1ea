"""Dense random-matrix ensembles, normalised so that their large-N laws have O(1) support.

Every sampler takes the size ``n``, its parameters and ``rng`` (None, an int seed or a
``numpy.random.Generator``) and returns a plain ``numpy.ndarray`` of shape ``(n, n)``.

=====================  ===================================================================
sampler                large-N spectrum (see :mod:`esorma.spectra.laws`)
=====================  ===================================================================
``goe``, ``gue``       semicircle on ``[-2 sigma, 2 sigma]``
``ginibre``            uniform disc of radius ``sigma`` (real or complex entries)
``elliptic``           uniform ellipse with semi-axes ``sigma (1 + tau)``, ``sigma (1 - tau)``
``dale``               Rajan-Abbott disc (radius ``sqrt(f s_E + (1 - f) s_I)``) + outlier
``wishart``            Marchenko-Pastur on ``[(1 - sqrt c)^2, (1 + sqrt c)^2]``
``hebb_couplings``     Marchenko-Pastur(alpha) shifted by ``-alpha``, mass ``1 - alpha`` at
                       ``-alpha``
``erdos_renyi``        semicircle on ``[-2, 2]`` (large ``d``) + Perron outlier near ``sqrt d``
=====================  ===================================================================

Dense matrices need ``O(n^2)`` memory; sizes that would not fit are refused up front with the
estimate (use the tridiagonal models of :mod:`esorma.spectra.tridiagonal` for large ``n``).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from esorma._validation import (
    as_rng,
    check_bool,
    check_int,
    check_memory,
    check_probability,
    check_real,
)
from esorma.spectra._kernels import (
    fill_symmetric,
    bartlett_fill,
    mirror_lower_inplace,
)

__all__ = [
    "goe",
    "gue",
    "ginibre",
    "elliptic",
    "dale",
    "dale_mean_inhibitory",
    "dale_counts_and_mu_i",
    "wishart",
    "hebb_couplings",
    "erdos_renyi",
    "check_dense_size",
]

# Above this many numbers, normals are drawn in fixed chunks by independent child generators
# on threads (NumPy releases the GIL); the chunking depends only on the size, never on the
# number of threads, so a seed gives the same matrix everywhere. The children are seeded from
# the generator's own stream (not from its SeedSequence spawn counter), so the matrix depends
# only on the generator state: restoring ``bit_generator.state`` reproduces it, and a prior
# draw changes it.
_PARALLEL_MIN = 1 << 20
_N_CHUNKS = 8

_TRIDIAGONAL_HINT = (
    "for large n use the tridiagonal models (esorma.spectra.beta_hermite_density, "
    "esorma.spectra.largest_eigenvalue) that need O(n) memory"
)


def check_dense_size(n: int, *, itemsize: int = 8, copies: float = 3.0, what: str = "") -> None:
    """Refuse (MemoryError) a dense ``n x n`` job that would not fit in memory.

    ``copies`` counts the matrix, the copy LAPACK works on and the workspace.

    Examples
    --------
    >>> check_dense_size(100)  # 100 x 100 fits
    """
    nbytes = copies * itemsize * float(n) ** 2
    check_memory(nbytes, what or f"a dense {n} x {n} matrix and its eigenvalue workspace",
                 hint=_TRIDIAGONAL_HINT)


def _standard_normal(rng: np.random.Generator, shape) -> np.ndarray:
    """Standard normals of ``shape`` (float64), drawn in parallel chunks for large sizes."""
    size = int(np.prod(shape))
    if size < _PARALLEL_MIN:
        return rng.standard_normal(shape)
    out = np.empty(size)
    children = [np.random.default_rng(int(k)) for k in rng.integers(0, 2**63, size=_N_CHUNKS)]
    bounds = np.linspace(0, size, _N_CHUNKS + 1).astype(np.int64)

    def fill(k):
        children[k].standard_normal(out=out[bounds[k]:bounds[k + 1]])

    workers = max(1, min(_N_CHUNKS, os.cpu_count() or 1))
    if workers == 1:
        for k in range(_N_CHUNKS):
            fill(k)
    else:
        with ThreadPoolExecutor(max_workers=workers) as ex:
            list(ex.map(fill, range(_N_CHUNKS)))
    return out.reshape(shape)


def _complex_normal(rng, shape) -> np.ndarray:
    """Complex normals with ``E|z|^2 = 1`` (independent real and imaginary parts)."""
    z = _standard_normal(rng, (*shape, 2))
    z *= math.sqrt(0.5)
    return z.view(np.complex128).reshape(shape)


def _check_n(n, name="n") -> int:
    return check_int(n, name, minimum=1)


def goe(n: int, *, sigma: float = 1.0, rng=None) -> np.ndarray:
    """A Gaussian Orthogonal Ensemble matrix whose semicircle has edge ``2 sigma``.

    Off-diagonal entries are ``N(0, sigma^2 / n)``, diagonal entries ``N(0, 2 sigma^2 / n)``
    (density ``exp(-n tr H^2 / (4 sigma^2))``).

    Parameters
    ----------
    n : int
        Size (>= 1).
    sigma : float
        Scale (> 0); the spectrum fills ``[-2 sigma, 2 sigma]`` as ``n`` grows.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        Real symmetric ``(n, n)`` float64 matrix.

    Notes
    -----
    Wigner's semicircle ``rho(x) = sqrt(4 sigma^2 - x^2) / (2 pi sigma^2)``; the largest
    eigenvalue is ``2 sigma + sigma n^(-2/3) TW_1``. The tridiagonal model
    ``beta_hermite(n, beta=1, sigma=sigma)`` has exactly the same eigenvalue law.

    Examples
    --------
    >>> import numpy as np
    >>> H = goe(300, rng=0)
    >>> bool(np.allclose(H, H.T)), round(float(np.linalg.eigvalsh(H).max()), 1)
    (True, 2.0)
    """
    n = _check_n(n)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    check_dense_size(n)
    rng = as_rng(rng)
    z = _standard_normal(rng, (n * (n + 1) // 2,))  # the upper triangle, row by row
    s = sigma / math.sqrt(n)
    return fill_symmetric(z, s, math.sqrt(2.0) * s, np.empty((n, n)))


def gue(n: int, *, sigma: float = 1.0, rng=None) -> np.ndarray:
    """A Gaussian Unitary Ensemble matrix whose semicircle has edge ``2 sigma``.

    Hermitian, ``E|H_ij|^2 = sigma^2 / n`` off the diagonal, real ``N(0, sigma^2/n)`` diagonal.

    Notes
    -----
    Same semicircle as :func:`goe`; largest eigenvalue ``2 sigma + sigma n^(-2/3) TW_2``;
    the tridiagonal model ``beta_hermite(n, beta=2, sigma=sigma)`` has the same law.

    Examples
    --------
    >>> import numpy as np
    >>> H = gue(200, rng=1)
    >>> bool(np.allclose(H, H.conj().T))
    True
    """
    n = _check_n(n)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    check_dense_size(n, itemsize=16)
    rng = as_rng(rng)
    z = _complex_normal(rng, (n * (n + 1) // 2,))  # the upper triangle, E|z|^2 = 1
    s = sigma / math.sqrt(n)
    # sqrt(2) Re z on the diagonal has variance 1
    return fill_symmetric(z, s, math.sqrt(2.0) * s, np.empty((n, n), dtype=np.complex128))


def ginibre(n: int, *, sigma: float = 1.0, real: bool = True, rng=None) -> np.ndarray:
    """A Ginibre matrix: i.i.d. entries of variance ``sigma^2 / n``; spectral radius ``sigma``.

    Parameters
    ----------
    n : int
    sigma : float
        The radius of the disc (> 0).
    real : bool
        Real Gaussian entries (default) or complex ones with ``E|J_ij|^2 = sigma^2/n``.
    rng : None, int or numpy.random.Generator

    Notes
    -----
    Circular law: eigenvalues uniform in the disc ``|z| <= sigma``. A real Ginibre matrix has
    about ``sqrt(2 n / pi)`` real eigenvalues (Edelman, Kostlan & Shub 1994).

    Examples
    --------
    >>> import numpy as np
    >>> J = ginibre(400, rng=0)
    >>> round(float(np.abs(np.linalg.eigvals(J)).max()), 1)
    1.0
    """
    n = _check_n(n)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    check_bool(real, "real")
    check_dense_size(n, itemsize=8 if real else 16, copies=4)
    rng = as_rng(rng)
    a = _standard_normal(rng, (n, n)) if real else _complex_normal(rng, (n, n))
    a *= sigma / math.sqrt(n)
    return a


def elliptic(n: int, tau: float, *, sigma: float = 1.0, rng=None) -> np.ndarray:
    """Real elliptic ensemble: ``Var J_ij = sigma^2/n`` and ``corr(J_ij, J_ji) = tau``.

    ``tau = 1`` is a GOE-like symmetric matrix, ``tau = 0`` real Ginibre, ``tau = -1``
    antisymmetric (off the diagonal).

    Parameters
    ----------
    n : int
    tau : float
        Correlation in ``[-1, 1]``.
    sigma : float
        Scale (> 0).

    Notes
    -----
    Built as ``J = a G + b G^T`` with one Gaussian matrix ``G`` and
    ``a = (sqrt((1+tau)/2) + sqrt((1-tau)/2)) / sqrt 2``, ``b = (sqrt((1+tau)/2) -
    sqrt((1-tau)/2)) / sqrt 2``, so that ``a^2 + b^2 = 1`` and ``2 a b = tau``. Elliptic law
    (Sommers, Crisanti, Sompolinsky & Stein 1988): eigenvalues uniform in the ellipse with
    semi-axes ``sigma (1 + tau)`` (real) and ``sigma (1 - tau)`` (imaginary).

    Examples
    --------
    >>> import numpy as np
    >>> J = elliptic(300, 0.5, rng=0)
    >>> round(float(np.corrcoef(J[np.triu_indices(300, 1)], J.T[np.triu_indices(300, 1)])[0, 1]), 1)
    0.5
    """
    n = _check_n(n)
    tau = check_real(tau, "tau", minimum=-1.0, maximum=1.0)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    check_dense_size(n, copies=4)
    rng = as_rng(rng)
    g = _standard_normal(rng, (n, n))
    p, q = math.sqrt((1.0 + tau) / 2.0), math.sqrt((1.0 - tau) / 2.0)
    scale = sigma / math.sqrt(n)
    a, b = scale * (p + q) / math.sqrt(2.0), scale * (p - q) / math.sqrt(2.0)
    out = g.T * b
    out += a * g
    return out


def dale_mean_inhibitory(f: float, mu_e: float, n: int | None = None) -> float:
    """The inhibitory mean that balances the excitatory one: ``f mu_E + (1 - f) mu_I = 0``.

    With ``n`` given, the balance is exact for the ``round(f n)`` excitatory columns of a
    sampled matrix.

    Examples
    --------
    >>> round(dale_mean_inhibitory(0.8, 1.0), 12)
    -4.0
    """
    if n is None:
        return -f * mu_e / (1.0 - f)
    n_e = int(round(f * n))
    return -n_e * mu_e / (n - n_e)


def dale_counts_and_mu_i(n: int, f: float, mu_e: float, mu_i: float | None,
                         balanced: bool) -> tuple:
    """The column counts ``(n_E, n_I)`` of a sampled Dale matrix and the inhibitory mean it
    uses.

    ``n_E = round(f n)``. With ``balanced``, ``mu_i`` (given or not) must balance ``mu_e`` on
    ``f`` (``f mu_E + (1 - f) mu_I = 0``, relative tolerance ``1e-9``); the value used is then
    rebalanced to the sampled counts, ``mu_I = -n_E mu_E / n_I``, so that the sampled mean
    matrix is exactly balanced (a ``mu_i`` already balanced on the counts is accepted too). Without ``balanced`` an explicit ``mu_i`` is used as given.

    Examples
    --------
    >>> dale_counts_and_mu_i(999, 0.8, 1.0, -4.0, True)[:2]
    (799, 200)
    >>> round(dale_counts_and_mu_i(999, 0.8, 1.0, -4.0, True)[2], 6)
    -3.995
    """
    n_e = int(round(f * n))
    n_i = n - n_e
    if mu_i is None:
        if not balanced:
            raise ValueError("mu_i must be given when balanced=False")
    else:
        mu_i = check_real(mu_i, "mu_i")
        if not balanced:
            return n_e, n_i, mu_i
        imbalance = f * mu_e + (1.0 - f) * mu_i
        on_f = abs(imbalance) <= 1e-9 * (abs(f * mu_e) + abs((1.0 - f) * mu_i) + 1e-300)
        # a value already rebalanced to the counts (as Spectrum.params records it) is accepted
        on_counts = abs(n_e * mu_e + n_i * mu_i) <= 1e-9 * (abs(n_e * mu_e) + abs(n_i * mu_i)
                                                             + 1e-300)
        if not (on_f or on_counts):
            raise ValueError(
                f"balanced=True needs f mu_e + (1 - f) mu_i = 0; got mu_e={mu_e}, "
                f"mu_i={mu_i}, f={f} (f mu_e + (1 - f) mu_i = {imbalance:.6g}; leave mu_i=None "
                "to balance, or set balanced=False)"
            )
    if n_i == 0:
        if mu_e != 0:
            raise ValueError(
                f"a balanced matrix with f={f} and n={n} has n_E = round(f n) = {n_e} "
                f"excitatory and no inhibitory column, so it needs mu_e = 0; got mu_e={mu_e}"
            )
        return n_e, n_i, 0.0
    return n_e, n_i, -n_e * mu_e / n_i


def dale(
    n: int,
    *,
    f: float = 0.5,
    mu_e: float = 1.0,
    mu_i: float | None = None,
    sigma_e: float = 1.0,
    sigma_i: float = 1.0,
    balanced: bool = True,
    row_sum_zero: bool = False,
    p: float = 1.0,
    rng=None,
) -> np.ndarray:
    """A Dale's-law (excitatory/inhibitory) coupling matrix after Rajan & Abbott (2006).

    Column ``j`` belongs to an excitatory neuron for the first ``n_E = round(f n)`` columns and
    to an inhibitory one otherwise. Entries of an excitatory column have mean
    ``mu_e / sqrt(n)`` and variance ``sigma_e^2 / n``, those of an inhibitory column
    ``mu_i / sqrt(n)`` and ``sigma_i^2 / n`` (the scaling of Rajan & Abbott, which keeps the
    bulk O(1) and puts the outlier of an unbalanced matrix at ``sqrt(n) (f mu_E + (1 - f)
    mu_I)``).

    Parameters
    ----------
    n : int
    f : float
        Fraction of excitatory columns, in ``[0, 1]``.
    mu_e, mu_i : float
        Column means (in units of ``1 / sqrt(n)``: for entries of mean ``m_E`` itself, pass
        ``mu_e = m_E * sqrt(n)``; the outlier then sits at ``n (f m_E + (1 - f) m_I)``).
        With ``balanced=True`` and ``mu_i=None``,
        ``mu_i`` is chosen so that the sampled matrix is exactly balanced
        (``n_E mu_E + n_I mu_I = 0``); an explicit ``mu_i`` with ``balanced=True`` must
        satisfy ``f mu_E + (1 - f) mu_I = 0`` and is then rebalanced to the sampled counts
        (see :func:`dale_counts_and_mu_i`); with ``balanced=False`` give ``mu_i``.
    sigma_e, sigma_i : float
        Standard deviations (in units of ``1 / sqrt(n)``), >= 0.
    balanced : bool
        Require the balance condition (an explicit ``mu_i`` must satisfy it).
    row_sum_zero : bool
        Subtract from every row the mean of its random part, so that ``sum_j (J_ij - M_ij) =
        0`` (Rajan & Abbott's constraint): the eigenvalues then lie in the disc, without the
        escaping eigenvalues that the balanced mean matrix otherwise creates. The default
        here is False (the plain sampler); the registry/CLI ensemble ``"dale"`` defaults to
        True, because its law does not model the escaping eigenvalues.
    p : float
        Connection probability in ``(0, 1]``. Absent connections are 0; present ones are
        divided by ``p`` so that the means stay ``mu / sqrt(n)``; the variance of an entry
        becomes ``(sigma^2 + (1 - p) mu^2) / (p n)``. With ``row_sum_zero`` the correction is
        spread over the present connections only (sparsity is kept).
    rng : None, int or numpy.random.Generator

    Notes
    -----
    The entries are Gaussian (as in Rajan & Abbott), so the sign of single entries is not
    constrained. The bulk is a disc of radius ``r = sqrt(f s_E + (1 - f) s_I)`` with the
    effective variances ``s = (sigma^2 + (1 - p) mu^2) / p``; its radial density is uniform
    only when ``s_E = s_I`` (see :class:`esorma.spectra.laws.RajanAbbottLaw`).

    Examples
    --------
    >>> import numpy as np
    >>> J = dale(400, f=0.5, mu_e=1.0, sigma_e=1.0, sigma_i=1.0, row_sum_zero=True, rng=0)
    >>> round(float(np.abs(np.linalg.eigvals(J)).max()), 1)
    1.0
    """
    n = _check_n(n)
    f = check_probability(f, "f")
    mu_e = check_real(mu_e, "mu_e")
    sigma_e = check_real(sigma_e, "sigma_e", minimum=0.0)
    sigma_i = check_real(sigma_i, "sigma_i", minimum=0.0)
    p = check_real(p, "p", minimum=0.0, maximum=1.0, strict_min=True)
    check_bool(balanced, "balanced")
    check_bool(row_sum_zero, "row_sum_zero")
    n_e, n_i, mu_i = dale_counts_and_mu_i(n, f, mu_e, mu_i, balanced)
    check_dense_size(n, copies=4)
    rng = as_rng(rng)
    root_n = math.sqrt(n)
    col_mu = np.empty(n)
    col_mu[:n_e] = mu_e / root_n
    col_mu[n_e:] = mu_i / root_n
    col_sd = np.empty(n)
    col_sd[:n_e] = sigma_e / root_n
    col_sd[n_e:] = sigma_i / root_n
    j = _standard_normal(rng, (n, n))
    j *= col_sd
    j += col_mu
    if p < 1.0:
        mask = rng.random((n, n)) < p
        j *= mask
        j *= 1.0 / p
    if row_sum_zero:
        excess = j.sum(axis=1) - col_mu.sum()
        if p < 1.0:
            k = mask.sum(axis=1)
            shift = np.divide(excess, k, out=np.zeros(n), where=k > 0)
            j -= shift[:, None] * mask
        else:
            j -= (excess / n)[:, None]
    return j


def wishart(n: int, c: float, *, complex: bool = False, rng=None) -> np.ndarray:  # noqa: A002
    """A Wishart (sample covariance) matrix ``W = X X^T / m`` with ``X`` of shape ``(n, m)``.

    ``m = max(1, round(n / c))``; entries of ``X`` are standard real (or complex, with
    ``E|X|^2 = 1``) normals.

    Parameters
    ----------
    n : int
        Size of ``W``.
    c : float
        Ratio ``n / m`` (> 0).
    complex : bool
        Complex entries (``W = X X^H / m``, Hermitian).

    Notes
    -----
    For ``m >= n`` the matrix is drawn through its Bartlett decomposition ``W = L L^T / m``
    (``L`` lower triangular, ``L_ii = chi_{m - i + 1}``, Gaussian below the diagonal), which
    has exactly the law of ``X X^T / m`` at a fraction of the cost.

    Marchenko-Pastur law with ratio ``c``: density ``sqrt((b - x)(x - a)) / (2 pi c x)`` on
    ``[a, b] = [(1 - sqrt c)^2, (1 + sqrt c)^2]``, plus a mass ``1 - 1/c`` at 0 when
    ``c > 1``. The ratio realised by a sample is ``n / m``.

    Examples
    --------
    >>> import numpy as np
    >>> W = wishart(400, 0.25, rng=0)
    >>> ev = np.linalg.eigvalsh(W)  # Marchenko-Pastur edges (1 -+ sqrt(0.25))^2 = 0.25, 2.25
    >>> round(float(ev.min()), 2), round(float(ev.max()), 2)
    (0.24, 2.21)
    """
    n = _check_n(n)
    c = check_real(c, "c", minimum=0.0, strict_min=True)
    check_bool(complex, "complex")
    m = max(1, int(round(n / c)))
    item = 16 if complex else 8
    check_memory(item * (3.0 * n * n + n * m), f"a {n} x {n} Wishart matrix with m = {m}",
                 hint=_TRIDIAGONAL_HINT.replace("beta_hermite_density", "beta_laguerre"))
    rng = as_rng(rng)
    if m >= n:
        return _bartlett(n, m, complex, rng)
    x = _complex_normal(rng, (n, m)) if complex else _standard_normal(rng, (n, m))
    w = x @ x.conj().T if complex else x @ x.T
    w *= 1.0 / m
    return w


def _bartlett(n: int, m: int, cplx: bool, rng) -> np.ndarray:
    """``W = L^H L / m`` with a Bartlett factor ``L`` (lower triangular): the law of
    ``X X^H / m`` for ``m >= n``, at the cost of one triangular product (LAPACK ``?lauum``,
    n^3/3 flops, against n^2 m for ``X X^H``).

    With ``L_ii ~ chi_{m-n+1+i}`` (real; the complex analogue for complex entries), ``L L^H``
    is Wishart (Bartlett), and so is ``L^H L``, which is ``L L^H`` for the index-reversed
    factor; ``?lauum`` computes the latter in place.
    """
    from scipy.linalg import lapack

    dof = m - n + 1 + np.arange(n, dtype=float)
    n_low = n * (n - 1) // 2  # only the strict lower triangle is random
    if cplx:
        diag = np.sqrt(rng.standard_gamma(dof))  # chi^2_{2k} / 2 = Gamma(k)
        z = _complex_normal(rng, (n_low,))
        low = np.empty((n, n), dtype=np.complex128)
    else:
        diag = np.sqrt(2.0 * rng.standard_gamma(0.5 * dof))  # chi_{m-n+1+i}
        z = _standard_normal(rng, (n_low,))
        low = np.empty((n, n))
    # L / sqrt(m), so that the product is already W = L L^H / m
    bartlett_fill(z, diag.astype(low.dtype), 1.0 / math.sqrt(m), low)
    del z
    # low.T is U = L^T, upper triangular and Fortran-ordered (its strict lower triangle, never
    # read, is garbage): ?lauum(U) = U U^H = L^T conj(L), written over U's upper triangle
    lauum = lapack.zlauum if cplx else lapack.dlauum
    w, info = lauum(low.T, lower=0, overwrite_c=1)
    if info != 0:  # pragma: no cover - LAPACK argument error
        raise RuntimeError(f"LAPACK ?lauum failed with info = {info}")
    w = w.T  # C-ordered, the product in the lower triangle
    return mirror_lower_inplace(w, cplx)


def hebb_couplings(n: int, alpha: float, *, rng=None) -> np.ndarray:
    """Hebb couplings ``J = xi^T xi / n`` of ``P = round(alpha n)`` random +-1 patterns, zero
    diagonal.

    Parameters
    ----------
    n : int
        Number of neurons.
    alpha : float
        Load ``P / n`` (> 0, and ``round(alpha n) >= 1``).
    rng : None, int or numpy.random.Generator

    Notes
    -----
    ``xi^T xi / n`` has the Marchenko-Pastur spectrum of ratio ``alpha`` on
    ``[(1 - sqrt alpha)^2, (1 + sqrt alpha)^2]`` and, for ``P < n``, ``n - P`` zero
    eigenvalues. Removing the diagonal (which is exactly ``P / n``) shifts everything by
    ``-alpha``: the bulk moves to ``[(1 - sqrt alpha)^2 - alpha, (1 + sqrt alpha)^2 - alpha]``
    and a point mass of ``n - P`` eigenvalues sits at ``-alpha``. This is the spectrum behind
    the noise term of the Amit-Gutfreund-Sompolinsky capacity ``alpha_c = 0.138``.

    Examples
    --------
    >>> import numpy as np
    >>> J = hebb_couplings(200, 0.1, rng=0)
    >>> float(np.abs(np.diag(J)).max()), int(np.sum(np.isclose(np.linalg.eigvalsh(J), -0.1)))
    (0.0, 180)
    """
    n = _check_n(n)
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    n_patterns = int(round(alpha * n))
    if n_patterns < 1:
        raise ValueError(
            f"alpha * n must round to at least one pattern; got alpha={alpha}, n={n}"
        )
    # the n x n part first (its fix is a smaller n), then the patterns (their fix is a smaller
    # alpha)
    check_memory(8.0 * 3 * n * n, f"Hebb couplings of {n} neurons", hint=_TRIDIAGONAL_HINT)
    check_memory(8.0 * (3 * n * n + n * n_patterns),
                 f"Hebb couplings of {n} neurons with P = round(alpha n) = {n_patterns} patterns",
                 hint=f"the load alpha={alpha} is too large for this memory: lower alpha")
    rng = as_rng(rng)
    from esorma.learning import hebb  # exact float32 Gram counts, zero diagonal, / n

    xi = rng.integers(0, 2, size=(n_patterns, n), dtype=np.int8)
    xi *= 2
    xi -= 1
    return hebb(xi)


def erdos_renyi(n: int, d: float, *, scaled: bool = True, rng=None) -> np.ndarray:
    """Symmetric Erdos-Renyi adjacency matrix with mean degree ``d`` (zero diagonal).

    Each pair is connected with probability ``q = d / (n - 1)``.

    Parameters
    ----------
    n : int
        Number of nodes (>= 2).
    d : float
        Mean degree, in ``(0, n - 1]`` (``(0, n - 1)`` when ``scaled``: the complete graph
        ``d = n - 1`` has no fluctuations to scale).
    scaled : bool
        Divide by ``sqrt(n q (1 - q))`` (default), so that the bulk tends to the semicircle on
        ``[-2, 2]`` when ``d`` grows; ``False`` returns the 0/1 adjacency matrix.
    rng : None, int or numpy.random.Generator

    Notes
    -----
    The centred, scaled matrix is a sparse Wigner matrix: for ``d >> 1`` its bulk follows the
    semicircle (for small ``d`` the density has corrections and localised states). The
    Perron eigenvalue of the adjacency matrix is near ``d + 1 - q``, an outlier at about
    ``sqrt(d)`` after scaling. A bridge to diluted networks.

    Examples
    --------
    >>> import numpy as np
    >>> A = erdos_renyi(300, 10.0, scaled=False, rng=0)
    >>> bool(np.all(A == A.T)), round(float(A.sum(axis=1).mean()))
    (True, 10)
    """
    n = check_int(n, "n", minimum=2)
    d = check_real(d, "d", minimum=0.0, maximum=n - 1, strict_min=True)
    check_bool(scaled, "scaled")
    if scaled and d >= n - 1:
        raise ValueError(
            f"d must be < n - 1 = {n - 1} when scaled=True (the complete graph has q = 1 and "
            f"zero variance, nothing to scale); got d={d} (use scaled=False for it)"
        )
    check_dense_size(n)
    rng = as_rng(rng)
    q = d / (n - 1)
    # one uniform per entry of the upper triangle (the diagonal ones are drawn and unused)
    z = (rng.random(n * (n + 1) // 2) < q).astype(np.float64)
    scale = 1.0 / math.sqrt(n * q * (1.0 - q)) if scaled else 1.0
    return fill_symmetric(z, scale, 0.0, np.empty((n, n)))

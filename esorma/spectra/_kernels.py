"""Compiled kernels of :mod:`esorma.spectra` (pure: arrays in, arrays out; no validation).

* :func:`fill_symmetric` builds a symmetric/Hermitian matrix from the normals of its upper
  triangle (dense Wigner samplers: sampling costs little next to LAPACK);
  :func:`bartlett_fill` and :func:`mirror_lower_inplace` serve the Bartlett
  sampler of Wishart matrices (the product in between is LAPACK ``?lauum``).
* :func:`sturm_counts` counts, for many shifts ``x`` at once, the eigenvalues of a symmetric
  tridiagonal matrix below ``x`` (Sturm sequence / LDL^T inertia). The loop over the matrix
  is outside and the loop over shifts inside, so the divisions of different shifts are
  independent and vectorise; shifts are split over threads in fixed blocks (integer counts:
  the result never depends on the thread count).
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange

__all__ = [
    "fill_symmetric",
    "mirror_lower_inplace",
    "bartlett_fill",
    "sturm_counts",
    "sturm_counts_serial",
]

_BLOCK = 64


@njit(parallel=True)
def fill_symmetric(z, off_scale, diag_scale, out):
    """Fill the symmetric (Hermitian for complex ``z``) ``out`` from its upper triangle ``z``.

    ``z`` holds the upper triangle with the diagonal, row by row (length ``n (n + 1) / 2``):
    ``out[i, j] = off_scale * z_ij``, ``out[j, i] = conj(out[i, j])`` and ``out[i, i] =
    diag_scale * Re z_ii``. Row blocks run in parallel; the tiles they write are disjoint.
    """
    n = out.shape[0]
    nb = (n + _BLOCK - 1) // _BLOCK
    for bi in prange(nb):
        i0 = bi * _BLOCK
        i1 = min(i0 + _BLOCK, n)
        for bj in range(bi, nb):
            j0 = bj * _BLOCK
            j1 = min(j0 + _BLOCK, n)
            for i in range(i0, i1):
                base = i * n - (i * (i - 1)) // 2 - i  # z[base + j] is element (i, j)
                for j in range(max(j0, i), j1):
                    v = z[base + j]
                    if j == i:
                        out[i, i] = diag_scale * v.real
                    else:
                        w = off_scale * v
                        out[i, j] = w
                        out[j, i] = np.conj(w)
    return out


@njit
def mirror_lower_inplace(a, conj):
    """Copy the strict lower triangle onto the upper one (conjugated when ``conj``), in
    cache-sized tiles.

    Serial on purpose: it runs right after a threaded BLAS call whose threads still spin on
    the cores, and a second thread pool fighting them made it slower, not faster.
    """
    n = a.shape[0]
    for bi in range(0, n, _BLOCK):
        for bj in range(bi, n, _BLOCK):
            for i in range(bi, min(bi + _BLOCK, n)):
                for j in range(max(bj, i + 1), min(bj + _BLOCK, n)):
                    a[i, j] = np.conj(a[j, i]) if conj else a[j, i]
    if conj:
        for i in range(n):
            a[i, i] = a[i, i].real
    return a


@njit
def bartlett_fill(z, diag, scale, out):
    """Write ``scale`` times the Bartlett factor into the lower triangle of ``out`` (C order).

    ``z`` holds the strict lower triangle row by row (row ``i`` is ``z[i (i - 1) / 2 :
    i (i + 1) / 2]``, length ``n (n - 1) / 2``), ``diag`` the diagonal. The strict upper
    triangle of ``out`` is left untouched (LAPACK ``?lauum`` does not read it).
    """
    n = out.shape[0]
    for i in range(n):
        base = (i * (i - 1)) // 2
        for j in range(i):
            out[i, j] = scale * z[base + j]
        out[i, i] = scale * diag[i]
    return out


@njit
def sturm_counts_serial(diag, off2, xs, pivmin, counts):
    """Number of eigenvalues ``< xs[k]`` of the tridiagonal (diag, sqrt(off2)) into ``counts``.

    ``off2`` holds the squared off-diagonal (length n - 1). A pivot smaller in magnitude than
    ``pivmin`` is replaced by ``-pivmin`` (LAPACK ``dstebz`` convention).
    """
    n = diag.shape[0]
    m = xs.shape[0]
    d = np.empty(m)
    for k in range(m):
        v = diag[0] - xs[k]
        if abs(v) < pivmin:
            v = -pivmin
        d[k] = v
        counts[k] = 1 if v < 0.0 else 0
    for i in range(1, n):
        a = diag[i]
        b2 = off2[i - 1]
        for k in range(m):
            v = (a - xs[k]) - b2 / d[k]
            v = v if abs(v) >= pivmin else -pivmin
            d[k] = v
            counts[k] += v < 0.0
    return counts


@njit(parallel=True)
def sturm_counts(diag, off2, xs, pivmin, block):
    """Parallel :func:`sturm_counts_serial` over fixed blocks of ``block`` shifts."""
    m = xs.shape[0]
    counts = np.zeros(m, dtype=np.int64)
    nblocks = (m + block - 1) // block
    for b in prange(nblocks):
        lo = b * block
        hi = min(lo + block, m)
        sturm_counts_serial(diag, off2, xs[lo:hi], pivmin, counts[lo:hi])
    return counts

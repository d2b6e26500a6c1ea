"""Exact-enumeration kernels (pure): Gray-code energies, Boltzmann sums, Walsh–Hadamard.

States are enumerated in Gray-code order: step k visits the state whose code is
``g = k ^ (k >> 1)``, bit j of g set meaning ``s_j = −1``; consecutive states differ by one
spin (the lowest set bit of k + 1), so each step costs O(N) (fields) + O(P) (overlaps).
The range is cut into ``n_chunks`` fixed chunks, each started from scratch, so the parallel
result is the same for any thread count.

Energies use the symmetrised couplings ``A = J + Jᵀ`` with a zero diagonal:
``E(s) = −¼ scale sᵀ A s + θᵀ s + e_const``; a flip of spin j changes the quadratic form
``Q = sᵀ A s`` by ``−4 s_j (A s)_j``.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange


@njit
def _trailing_zeros(x):
    k = 0
    while (x & 1) == 0:
        x >>= 1
        k += 1
    return k


@njit(parallel=True)
def gray_energies(A, theta, scale, e_const, xi, n_free, n_chunks, e_out, m_out, ov_out):
    """Energies, magnetisations (Σ s) and overlaps (Σ ξ s) of the 2**n_free enumerated states.

    Spins ``n_free .. N−1`` stay at +1. ``e_out`` float64 (L,), ``m_out`` int8 (L,),
    ``ov_out`` int8 (P, L) with ``L = 2**n_free``.
    """
    n = A.shape[0]
    p = xi.shape[0]
    total = np.int64(1) << n_free
    size = total // n_chunks
    for c in prange(n_chunks):
        k0 = c * size
        g0 = k0 ^ (k0 >> 1)
        s = np.ones(n, dtype=np.int64)
        for j in range(n_free):
            if (g0 >> j) & 1:
                s[j] = -1
        h = np.zeros(n, dtype=A.dtype)
        for i in range(n):
            acc = A[i, 0] * 0
            for j in range(n):
                acc += A[i, j] * s[j]
            h[i] = acc
        q = A[0, 0] * 0
        lin = 0.0
        mag = 0
        for i in range(n):
            q += s[i] * h[i]
            lin += theta[i] * s[i]
            mag += s[i]
        ov = np.zeros(p, dtype=np.int64)
        for mu in range(p):
            for i in range(n):
                ov[mu] += xi[mu, i] * s[i]
        for k in range(k0, k0 + size):
            e_out[k] = -0.25 * scale * q + lin + e_const
            m_out[k] = mag
            for mu in range(p):
                ov_out[mu, k] = ov[mu]
            if k + 1 < k0 + size:
                j = _trailing_zeros(k + 1)
                sj = s[j]
                q -= 4 * sj * h[j]
                lin -= 2.0 * theta[j] * sj
                mag -= 2 * sj
                for mu in range(p):
                    ov[mu] -= 2 * xi[mu, j] * sj
                s[j] = -sj
                row = A[j]
                if sj > 0:
                    for i in range(n):
                        h[i] -= 2 * row[i]
                else:
                    for i in range(n):
                        h[i] += 2 * row[i]


@njit(parallel=True)
def boltzmann_sums(e, mag, ov, betas, e_min, n_chunks, out):
    """Per chunk and temperature, the Boltzmann sums of 1, ΔE, ΔE², m, |m|, m² and per
    pattern m_μ, |m_μ|, m_μ² (``ΔE = E − e_min``; m and m_μ are the raw sums Σ s).

    ``out`` has shape (n_chunks, K, 6 + 3P); the caller adds the chunks in order.
    """
    total = e.shape[0]
    size = total // n_chunks
    k_t = betas.shape[0]
    p = ov.shape[0]
    for c in prange(n_chunks):
        acc = np.zeros((k_t, 6 + 3 * p))
        for idx in range(c * size, (c + 1) * size):
            de = e[idx] - e_min
            m = np.float64(mag[idx])
            am = abs(m)
            for k in range(k_t):
                w = np.exp(-betas[k] * de)
                if w == 0.0:
                    continue
                acc[k, 0] += w
                acc[k, 1] += w * de
                acc[k, 2] += w * de * de
                acc[k, 3] += w * m
                acc[k, 4] += w * am
                acc[k, 5] += w * m * m
                for mu in range(p):
                    x = np.float64(ov[mu, idx])
                    acc[k, 6 + 3 * mu] += w * x
                    acc[k, 7 + 3 * mu] += w * abs(x)
                    acc[k, 8 + 3 * mu] += w * x * x
        for k in range(k_t):
            for j in range(6 + 3 * p):
                out[c, k, j] = acc[k, j]


@njit(parallel=True)
def gray_to_code_weights(e, beta, e_min, log_norm, n, mirror, out):
    """Probabilities ``exp(−β (E − e_min) − log_norm)`` scattered from Gray index k to the
    state code ``g = k ^ (k >> 1)`` in ``out`` (length 2**n); ``mirror`` also fills the
    spin-flipped state ``g ^ (2**n − 1)`` (θ = 0 enumerations of half the states)."""
    full = (np.int64(1) << n) - 1
    for k in prange(e.shape[0]):
        g = k ^ (k >> 1)
        w = np.exp(-beta * (e[k] - e_min) - log_norm)
        out[g] = w
        if mirror:
            out[g ^ full] = w


@njit
def walsh_hadamard(a):
    """In-place unnormalised Walsh–Hadamard transform of ``a`` (length a power of 2)."""
    n = a.shape[0]
    h = 1
    while h < n:
        for i in range(0, n, 2 * h):
            for j in range(i, i + h):
                x = a[j]
                y = a[j + h]
                a[j] = x + y
                a[j + h] = x - y
        h *= 2


@njit
def weight_sums(a, n):
    """``S[w] = Σ_{k : popcount(k) = w} a[k]²`` for w = 0..n."""
    out = np.zeros(n + 1)
    for k in range(a.shape[0]):
        x = k
        w = 0
        while x:
            x &= x - 1
            w += 1
        out[w] += a[k] * a[k]
    return out

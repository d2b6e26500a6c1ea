"""Compiled O(NP) kernels for Hebb networks kept as their patterns (pure: arrays in/out).

A Hebb network stores ``J = ξᵀξ`` (integer counts, zero diagonal) with ``scale = 1/N``. Its
raw field is ``h = J s = ξᵀ(ξ s) − P s``: with the P overlaps ``M = ξ s`` (exact int64) every
field entry costs O(P) and equals the dense int64 field exactly, so every decision made on it
(signs, ties) is the dense one. ``xi_t`` is the (N, P) int8 transpose of the patterns.
Each kernel comes as a serial and a parallel build around one shared body (numba #6845).
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange


@njit
def _overlap_row(xi_t, s, m):
    n, p = xi_t.shape
    for mu in range(p):
        m[mu] = 0
    for i in range(n):
        si = np.int64(s[i])
        for mu in range(p):
            m[mu] += si * xi_t[i, mu]


@njit
def overlaps_int_serial(xi_t, states, out):
    """``out[b, μ] = Σ_i ξ^μ_i s_bi`` exactly in int64 (one thread)."""
    for b in range(states.shape[0]):
        _overlap_row(xi_t, states[b], out[b])
    return out


@njit(parallel=True)
def overlaps_int(xi_t, states, out):
    """:func:`overlaps_int_serial`, parallel over states."""
    for b in prange(states.shape[0]):
        _overlap_row(xi_t, states[b], out[b])
    return out


@njit
def _fields_range(xi_t, s, m, out, lo, hi):
    p = xi_t.shape[1]
    for i in range(lo, hi):
        acc = np.int64(0)
        for mu in range(p):
            acc += xi_t[i, mu] * m[mu]
        out[i] = acc - p * np.int64(s[i])


_BLOCK = 8192


@njit
def raw_fields_serial(xi_t, states, m, out):
    """``out[b] = ξᵀ m[b] − P s_b`` (int64), the exact raw Hebb fields (one thread)."""
    n = xi_t.shape[0]
    for b in range(states.shape[0]):
        _fields_range(xi_t, states[b], m[b], out[b], 0, n)
    return out


@njit(parallel=True)
def raw_fields(xi_t, states, m, out):
    """:func:`raw_fields_serial`, parallel over blocks of (state, neuron)."""
    n = xi_t.shape[0]
    nblk = (n + _BLOCK - 1) // _BLOCK
    for t in prange(states.shape[0] * nblk):
        b = t // nblk
        lo = (t % nblk) * _BLOCK
        hi = min(n, lo + _BLOCK)
        _fields_range(xi_t, states[b], m[b], out[b], lo, hi)
    return out


@njit
def _stable_row(xi_t, s, m, scale, theta):
    p = xi_t.shape[1]
    for i in range(xi_t.shape[0]):
        acc = np.int64(0)
        for mu in range(p):
            acc += xi_t[i, mu] * m[mu]
        f = scale * np.float64(acc - p * np.int64(s[i])) - theta[i]
        if s[i] * f < 0:
            return False
    return True


@njit
def fixed_points_serial(xi_t, states, m, scale, theta, out):
    """``out[b]`` = every ``s_i (scale h_i − θ_i) ≥ 0`` (the dense test, same float ops)."""
    for b in range(states.shape[0]):
        out[b] = _stable_row(xi_t, states[b], m[b], scale, theta)
    return out


@njit(parallel=True)
def fixed_points(xi_t, states, m, scale, theta, out):
    """:func:`fixed_points_serial`, parallel over states."""
    for b in prange(states.shape[0]):
        out[b] = _stable_row(xi_t, states[b], m[b], scale, theta)
    return out

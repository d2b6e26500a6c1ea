"""Compiled kernels for local fields of network objects (pure: arrays in, arrays out)."""

from __future__ import annotations


from esorma._numba import njit, prange


@njit(parallel=True)
def raw_fields_int(J, states, out):
    """``out[b] = J @ states[b]`` for integer J, accumulated exactly in int64."""
    b_count, n = states.shape
    for b in prange(b_count):
        s = states[b]
        for i in range(n):
            row = J[i]
            acc = 0
            for j in range(n):
                acc += row[j] * s[j]
            out[b, i] = acc
    return out

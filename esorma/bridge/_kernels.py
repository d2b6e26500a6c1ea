"""Compiled kernels of the bridge: minimal true sets of positive threshold functions.

All kernels take the weights sorted in decreasing order (all > 0) and the threshold ``T`` of
the function ``f(y) = [sum_i w_i y_i > T]``; ``suffix[j] = sum_{i >= j} w_i`` (length n + 1).

Depth-first enumeration: a set is grown by adding indices in increasing order (decreasing
weight). When adding index ``j`` first makes the sum exceed ``T``, the set is a minimal true
set (removing its lightest element ``j`` gives a sum <= T, removing any other element gives even
less), and every minimal true set is reached this way. A branch is cut as soon as the remaining
weights cannot reach ``T``.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit

__all__ = ["mts_count", "mts_fill", "mts_knuth_estimate"]


@njit
def mts_count(w, suffix, T, cap):
    """Number of minimal true sets, stopping once ``cap`` is reached (returns ``cap`` then)."""
    n = w.shape[0]
    chosen = np.empty(n + 1, dtype=np.int64)
    sums = np.empty(n + 1, dtype=np.float64)
    depth = 0
    j = 0
    s = 0.0
    count = 0
    while True:
        if j < n and s + suffix[j] > T:
            if s + w[j] > T:
                count += 1
                if count >= cap:
                    return count
                j += 1
            else:
                chosen[depth] = j
                sums[depth] = s
                depth += 1
                s += w[j]
                j += 1
            continue
        if depth == 0:
            break
        depth -= 1
        j = chosen[depth] + 1
        s = sums[depth]
    return count


@njit
def mts_fill(w, suffix, T, bits, out):
    """Write the minimal true sets as bit masks into ``out`` (length = their number).

    ``bits[j]`` is the mask bit of sorted position ``j`` (``1 << original index``).
    """
    n = w.shape[0]
    chosen = np.empty(n + 1, dtype=np.int64)
    sums = np.empty(n + 1, dtype=np.float64)
    masks = np.zeros(n + 1, dtype=np.int64)
    depth = 0
    j = 0
    s = 0.0
    count = 0
    cap = out.shape[0]
    while True:
        if j < n and s + suffix[j] > T:
            if s + w[j] > T:
                if count < cap:
                    out[count] = masks[depth] | bits[j]
                count += 1
                j += 1
            else:
                chosen[depth] = j
                sums[depth] = s
                masks[depth + 1] = masks[depth] | bits[j]
                depth += 1
                s += w[j]
                j += 1
            continue
        if depth == 0:
            break
        depth -= 1
        j = chosen[depth] + 1
        s = sums[depth]
    return count


@njit
def mts_knuth_estimate(w, suffix, T, u):
    """Knuth's unbiased tree-size estimate of the number of minimal true sets.

    ``u`` has shape (n_probes, n): uniform numbers drawn by the caller; each probe walks one
    random root-to-leaf path of the search tree and returns the number of sets it would find
    weighted by the product of branching factors. Returns the mean over probes.
    """
    n = w.shape[0]
    n_probes = u.shape[0]
    total = 0.0
    for p in range(n_probes):
        s = 0.0
        start = 0
        weight = 1.0
        est = 0.0
        for level in range(n + 1):
            records = 0
            n_children = 0
            for j in range(start, n):
                if s + suffix[j] <= T:
                    break
                if s + w[j] > T:
                    records += 1
                else:
                    n_children += 1
            est += weight * records
            if n_children == 0:
                break
            pick = int(u[p, min(level, n - 1)] * n_children)
            if pick >= n_children:
                pick = n_children - 1
            c = 0
            for j in range(start, n):
                if s + w[j] <= T and s + suffix[j] > T:
                    if c == pick:
                        s += w[j]
                        start = j + 1
                        break
                    c += 1
            weight *= n_children
        total += est
    return total / n_probes

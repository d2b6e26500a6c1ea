"""Compiled kernels for exact basins of deterministic zero-temperature maps (pure functions).

States are integer codes: bit ``i`` set means spin ``i`` is +1. The successor of every one of
the ``2^N`` states is computed by walking the states in Gray-code order, so that consecutive
states differ in one spin and the raw fields ``h = J s`` are updated in O(N) per state. The
walk is split into chunks (each starts from fields computed from scratch), processed in
parallel; each chunk writes only its own successors, so the result does not depend on the
number of threads.

Raw fields are int64 for integer couplings (exact ties) and float64 otherwise. For float
couplings an effective field within ``eps[i]`` of zero is recomputed from scratch in the fixed
order ``j = 0..N-1`` (as the synchronous dynamics kernel does), so that incremental rounding
never decides a sign; ``eps[i] < 0`` turns the guard off (integer couplings).

The functional graph ``x -> succ[x]`` is then split into basins in O(2^N): every state gets
the index of the cycle it falls into and its distance (number of steps) to that cycle.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange

__all__ = [
    "sync_successors",
    "sequential_successors",
    "functional_graph",
    "collect_cycles",
    "basin_stats",
    "relabel",
    "naive_sync_successors",
]


@njit
def _set_state(code, s):
    for i in range(s.shape[0]):
        s[i] = 1 if (code >> i) & 1 else -1


@njit
def _row_dot(J, i, s, acc0):
    """``sum_j J[i, j] s[j]`` in the fixed order j = 0..N-1 (``acc0`` fixes the dtype)."""
    row = J[i]
    acc = acc0
    for j in range(s.shape[0]):
        acc += row[j] * s[j]
    return acc


@njit
def _full_fields(J, s, h):
    for i in range(s.shape[0]):
        h[i] = 0  # h may be uninitialised memory (NaN * 0 is NaN)
        h[i] = _row_dot(J, i, s, h[i])


@njit
def _gray_step(k, s, h, Jt):
    """Move from Gray code ``gray(k-1)`` to ``gray(k)``: flip one spin and update ``h``."""
    j = 0
    while ((k >> j) & 1) == 0:
        j += 1
    s[j] = -s[j]
    d = 2 * s[j]
    for i in range(s.shape[0]):
        h[i] += d * Jt[j, i]


@njit(parallel=True)
def sync_successors(J, Jt, scale, theta, eps, hproto, chunk_bits, succ):
    """Successor of every state under one synchronous (parallel) update.

    ``s_i <- sign(scale * (J s)_i - theta_i)``, a zero field keeps ``s_i``. ``hproto`` is a
    length-N array of zeros whose dtype (int64 or float64) is used for the raw fields.
    """
    n = J.shape[0]
    total = np.int64(1) << n
    cb = min(chunk_bits, n)
    chunk = np.int64(1) << cb
    n_chunks = total >> cb
    for c in prange(n_chunks):
        s = np.empty(n, dtype=np.int8)
        h = np.empty_like(hproto)
        k0 = np.int64(c) << cb
        for t in range(chunk):
            k = k0 + t
            g = k ^ (k >> 1)
            if t == 0:
                _set_state(g, s)
                _full_fields(J, s, h)
            else:
                _gray_step(k, s, h, Jt)
            code = np.int64(0)
            for i in range(n):
                f = scale * h[i] - theta[i]
                if abs(f) <= eps[i]:  # never true for integer couplings (eps < 0)
                    f = scale * _row_dot(J, i, s, hproto[0]) - theta[i]
                if f > 0 or (f == 0 and s[i] > 0):
                    code |= np.int64(1) << i
            succ[g] = code


@njit(parallel=True)
def sequential_successors(J, Jt, scale, theta, eps, hproto, chunk_bits, succ):
    """Successor of every state under one sequential sweep ``i = 0..N-1`` of single-spin updates.

    Spin ``i`` flips if ``s_i f_i < 0`` with ``f`` the current effective field (earlier flips
    of the sweep included); a zero field keeps the spin.
    """
    n = J.shape[0]
    total = np.int64(1) << n
    cb = min(chunk_bits, n)
    chunk = np.int64(1) << cb
    n_chunks = total >> cb
    for c in prange(n_chunks):
        s = np.empty(n, dtype=np.int8)
        h = np.empty_like(hproto)
        sl = np.empty(n, dtype=np.int8)
        hl = np.empty_like(hproto)
        k0 = np.int64(c) << cb
        for t in range(chunk):
            k = k0 + t
            g = k ^ (k >> 1)
            if t == 0:
                _set_state(g, s)
                _full_fields(J, s, h)
            else:
                _gray_step(k, s, h, Jt)
            for i in range(n):
                sl[i] = s[i]
                hl[i] = h[i]
            code = np.int64(0)
            for i in range(n):
                f = scale * hl[i] - theta[i]
                if abs(f) <= eps[i]:
                    f = scale * _row_dot(J, i, sl, hproto[0]) - theta[i]
                if (sl[i] > 0 and f < 0) or (sl[i] < 0 and f > 0):
                    sl[i] = -sl[i]
                    d = 2 * sl[i]
                    for m in range(i + 1, n):  # spins before i are not visited again
                        hl[m] += d * Jt[i, m]
                if sl[i] > 0:
                    code |= np.int64(1) << i
            succ[g] = code


@njit(parallel=True)
def naive_sync_successors(J, scale, theta, hproto, succ):
    """Baseline for benchmarks: fields recomputed from scratch for every state (O(N^2))."""
    n = J.shape[0]
    total = np.int64(1) << n
    for x in prange(total):
        s = np.empty(n, dtype=np.int8)
        _set_state(x, s)
        code = np.int64(0)
        for i in range(n):
            f = scale * _row_dot(J, i, s, hproto[0] * 0) - theta[i]
            if f > 0 or (f == 0 and s[i] > 0):
                code |= np.int64(1) << i
        succ[x] = code


@njit
def functional_graph(succ, basin, depth):
    """Basins of the map ``x -> succ[x]`` in O(2^N) time, without an auxiliary path buffer.

    On return ``basin[x]`` is the index (in order of discovery) of the cycle that ``x`` falls
    into and ``depth[x]`` the number of steps to reach it (0 on the cycle). Returns
    ``(n_cycles, entry, length)``: one state on each cycle and the cycle lengths.
    """
    total = succ.shape[0]
    for x in range(total):
        basin[x] = -1
    cap = 64
    entry = np.empty(cap, dtype=np.int64)
    length = np.empty(cap, dtype=np.int64)
    n_cyc = 0
    for x in range(total):
        if basin[x] != -1:
            continue
        stamp = -2 - x  # marks the states of the current walk; depth holds their position
        y = x
        step = 0
        while basin[y] == -1:
            basin[y] = stamp
            depth[y] = step
            step += 1
            y = succ[y]
        if basin[y] == stamp:  # the walk closed a new cycle at y
            p = depth[y]
            cyc_len = step - p
            if n_cyc == cap:
                cap *= 2
                e2 = np.empty(cap, dtype=np.int64)
                l2 = np.empty(cap, dtype=np.int64)
                e2[:n_cyc] = entry[:n_cyc]
                l2[:n_cyc] = length[:n_cyc]
                entry = e2
                length = l2
            aid = n_cyc
            entry[aid] = y
            length[aid] = cyc_len
            n_cyc += 1
            z = x
            for k in range(p):
                basin[z] = aid
                depth[z] = p - k
                z = succ[z]
            for k in range(cyc_len):
                basin[z] = aid
                depth[z] = 0
                z = succ[z]
        else:  # the walk ran into a state whose basin is known
            aid = basin[y]
            d = depth[y]
            z = x
            for k in range(step):
                basin[z] = aid
                depth[z] = step - k + d
                z = succ[z]
    return n_cyc, entry[:n_cyc], length[:n_cyc]


@njit
def collect_cycles(succ, entry, length, offsets, codes):
    """Write each cycle's states into ``codes[offsets[k]:offsets[k+1]]``, starting at its
    smallest code and following the map; return the smallest codes."""
    k_count = entry.shape[0]
    first = np.empty(k_count, dtype=np.int64)
    for k in range(k_count):
        z = entry[k]
        best = z
        for _ in range(length[k]):
            z = succ[z]
            if z < best:
                best = z
        first[k] = best
        z = best
        for t in range(length[k]):
            codes[offsets[k] + t] = z
            z = succ[z]
    return first


@njit
def basin_stats(basin, depth, k_count):
    """Basin sizes and the longest transient (max depth) of each basin."""
    sizes = np.zeros(k_count, dtype=np.int64)
    longest = np.zeros(k_count, dtype=np.int64)
    for x in range(basin.shape[0]):
        b = basin[x]
        sizes[b] += 1
        if depth[x] > longest[b]:
            longest[b] = depth[x]
    return sizes, longest


@njit
def relabel(basin, new_index):
    """``basin[x] <- new_index[basin[x]]`` in place."""
    for x in range(basin.shape[0]):
        basin[x] = new_index[basin[x]]

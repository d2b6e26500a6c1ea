"""The enumeration kernel of esorma before issue #17 (copied for the benchmark only).

``legacy_enumerate(J)`` reproduces ``enumerate_fixed_points`` as it was: the same bounds and
branching rule, the top of the tree expanded into 1024 subtrees, shuffled and searched by a
``prange`` loop with numba's default static scheduling (each thread one contiguous block of
subtrees). ``plain_enumerate(J)`` is the plain branch-and-bound a user would write: one
thread, spins in the fixed order 0..N-1, each assigned spin tested against the suffix sums of
``|J_ij|`` over the spins still to come, the flip symmetry used; it returns the same states.
Neither is part of the library.
"""

from __future__ import annotations

import numpy as np
from numba import njit as _njit
from numba import prange


def njit(*args, **kwargs):
    kwargs.setdefault("cache", True)
    if len(args) == 1 and callable(args[0]):
        return _njit(**kwargs)(args[0])
    return _njit(*args, **kwargs)


PRUNE = -1
LEAF = 0
BRANCH = 1


@njit
def init_fields(JT, aJT, J0, sg, q, R, p):
    """Fields ``q``, remaining bounds ``R`` and column fields ``p`` of the assignment ``sg``.

    ``JT`` is the transposed coupling matrix with a zero diagonal (row ``j`` holds
    ``J[:, j]``), ``aJT = |JT|`` and ``J0`` the coupling matrix with a zero diagonal.
    """
    n = sg.shape[0]
    for i in range(n):
        q[i] = 0.0
        R[i] = 0.0
        p[i] = 0.0
    for j in range(n):
        if sg[j] != 0:
            x = float(sg[j])
            for i in range(n):
                q[i] += x * JT[j, i]
                p[i] += x * J0[j, i]
        else:
            for i in range(n):
                R[i] += aJT[j, i]


@njit
def _free_key(r, i, rscale):
    """Selection key of a free spin: its remaining coupling ``r`` (quantised with ``rscale``
    so that keys are integers), then its index; the largest key is branched on."""
    return int(r * rscale) * 128 + i + 1


@njit
def evaluate_node(q, R, p, sg, diag, t, tols):
    """Check a node from scratch; return ``(status, var, first_value, n_values)``.

    status PRUNE, LEAF (every spin assigned and within bounds) or BRANCH on ``var``: the
    forced spin with the highest index if any (``n_values`` = 1), else the free spin with the
    largest :func:`_free_key` (``n_values`` = 2); ``first_value`` = sign of its field. The
    same rule as the incremental pass of :func:`dfs_subtree`, so the tree does not depend on
    where the search is split.
    """
    eps = tols[0]
    eps_agg = tols[1]
    rscale = tols[3]
    n = sg.shape[0]
    forced_var = -1
    best = -1
    best_key = 0
    agg = 0.0
    for i in range(n):
        s = sg[i]
        a = q[i] - t[i]
        base = diag[i] + R[i]
        if s != 0:
            if s * a + base < -eps:
                return PRUNE, -1, 0, 0
            agg += s * a + diag[i]
        else:
            agg += abs(p[i])
            plus_ok = a + base >= -eps
            minus_ok = base - a >= -eps
            if plus_ok and minus_ok:
                key = _free_key(R[i], i, rscale)
                if key > best_key:
                    best_key = key
                    best = i
            elif plus_ok or minus_ok:
                forced_var = i
            else:
                return PRUNE, -1, 0, 0
    if agg < -eps_agg:
        return PRUNE, -1, 0, 0
    if forced_var >= 0:
        return BRANCH, forced_var, (1 if q[forced_var] - t[forced_var] >= 0 else -1), 1
    if best >= 0:
        return BRANCH, best, (1 if q[best] - t[best] >= 0 else -1), 2
    return LEAF, -1, 0, 0


@njit
def _sum4(x, n):
    """Sum of ``x[:n]`` with four interleaved accumulators (fixed order, so deterministic;
    ``x`` must have 3 spare zero entries after ``n``)."""
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    for i in range(0, n, 4):
        a0 += x[i]
        a1 += x[i + 1]
        a2 += x[i + 2]
        a3 += x[i + 3]
    return (a0 + a1) + (a2 + a3)


@njit
def _leaf_ok(q, sg, diag, t, tol):
    """Final test of a complete assignment: ``s_i h_i >= -tol`` for every spin."""
    n = sg.shape[0]
    for i in range(n):
        s = sg[i]
        if s * (q[i] - t[i]) + diag[i] < -tol:
            return False
    return True


@njit
def _encode(sg):
    code = np.uint64(0)
    for i in range(sg.shape[0]):
        if sg[i] > 0:
            code |= np.uint64(1) << np.uint64(i)
    return code


@njit
def _full_mask(n):
    return np.uint64(0xFFFFFFFFFFFFFFFF) >> np.uint64(64 - n)


@njit
def _emit(sg, sym, mask, out, count):
    """Store the code of ``sg`` (and of its flip when ``sym``) if there is room; new count."""
    cap = out.shape[0]
    code = _encode(sg)
    if count < cap:
        out[count] = code
    count += 1
    if sym:
        if count < cap:
            out[count] = (~code) & mask
        count += 1
    return count


@njit
def dfs_subtree(JT, aJT, J0, diag, t, tols, sym, sym_j, root, out, limit, abort):
    """Depth-first branch-and-bound below the partial assignment ``root``.

    ``tols = (eps, eps_agg, tol, rscale)``: pruning margins of the per-spin and aggregate
    tests, the tolerance of the final test and the quantisation of :func:`_free_key`
    (``2^40 / max_i R_i`` at the empty root, so keys stay below 2^47). ``sym_j``: J is symmetric, so ``p = q`` (no separate
    column fields). Stores the first ``out.shape[0]`` fixed points found (uint64 codes) in
    ``out`` and counts all of them. With ``sym`` (theta = 0) every state is emitted together
    with its global flip, and an empty ``root`` fixes its first branching spin to +1. Stops
    early once the count reaches ``limit`` (then sets ``abort[0] = 1``) or when another
    thread has set ``abort[0]``. Returns ``(count, n_visited, aborted)``; cost
    O(n_visited N) time, O(N^2) memory.
    """
    n = root.shape[0]
    eps = tols[0]
    eps_agg = tols[1]
    tol = tols[2]
    rscale = tols[3]
    mask = _full_mask(n)
    sg = root.copy()
    sgf = np.empty(n)
    n_assigned = 0
    for i in range(n):
        sgf[i] = float(sg[i])
        if sg[i] != 0:
            n_assigned += 1
    qs = np.empty((n + 1, n))
    rs = np.empty((n + 1, n))
    ps = np.empty((n + 1, n))
    var = np.empty(n + 1, np.int64)
    val0 = np.empty(n + 1, np.int64)
    nval = np.empty(n + 1, np.int64)
    tried = np.zeros(n + 1, np.int64)
    terms = np.zeros(n + 4)
    init_fields(JT, aJT, J0, sg, qs[0], rs[0], ps[0])
    count = 0
    visited = 1
    st, v, x, nv = evaluate_node(qs[0], rs[0], ps[0], sg, diag, t, tols)
    if st == PRUNE:
        return 0, visited, False
    if st == LEAF:
        if _leaf_ok(qs[0], sg, diag, t, tol):
            count = _emit(sg, sym, mask, out, count)
        return count, visited, False
    if sym and n_assigned == 0:
        x = 1
        nv = 1
    level = 0
    var[0] = v
    val0[0] = x
    nval[0] = nv
    negeps = -eps
    while level >= 0:
        if tried[level] < nval[level]:
            xv = val0[level] if tried[level] == 0 else -val0[level]
            tried[level] += 1
            vv = var[level]
            fx = float(xv)
            sg[vv] = xv
            sgf[vv] = fx
            la = level
            lb = level + 1
            # one fused, branch-free pass (vectorised): update the fields, count violated
            # per-spin bounds and forced spins, and store the terms of the aggregate bound.
            # (2-D indexing, no row views: views cost reference counting in the hot loop)
            nbad = 0
            fkey = 0  # 1 + highest index of a forced spin (0: none)
            rkey = 0  # largest _free_key among the unassigned spins (0: none)
            if sym_j:
                for i in range(n):
                    qv = qs[la, i] + fx * JT[vv, i]
                    rv = rs[la, i] - aJT[vv, i]
                    qs[lb, i] = qv
                    rs[lb, i] = rv
                    s = sgf[i]
                    a = qv - t[i]
                    u = 1.0 - abs(s)
                    sa = s * a + (1.0 - u) * diag[i]
                    ua = u * (diag[i] + rv)
                    nbad += sa + u * abs(a) + ua + (1.0 - u) * rv < negeps
                    fkey = max(fkey, (ua - u * abs(a) < negeps) * (i + 1))
                    rkey = max(rkey, int(u * (rv * rscale)) * 128 + int(u) * (i + 1))
                    terms[i] = sa + u * abs(qv)
            else:
                for i in range(n):
                    qv = qs[la, i] + fx * JT[vv, i]
                    rv = rs[la, i] - aJT[vv, i]
                    pv = ps[la, i] + fx * J0[vv, i]
                    qs[lb, i] = qv
                    rs[lb, i] = rv
                    ps[lb, i] = pv
                    s = sgf[i]
                    a = qv - t[i]
                    u = 1.0 - abs(s)
                    sa = s * a + (1.0 - u) * diag[i]
                    ua = u * (diag[i] + rv)
                    nbad += sa + u * abs(a) + ua + (1.0 - u) * rv < negeps
                    fkey = max(fkey, (ua - u * abs(a) < negeps) * (i + 1))
                    rkey = max(rkey, int(u * (rv * rscale)) * 128 + int(u) * (i + 1))
                    terms[i] = sa + u * abs(pv)
            visited += 1
            if nbad == 0 and _sum4(terms, n) >= -eps_agg:
                if level + 1 + n_assigned == n:
                    if _leaf_ok(qs[lb], sg, diag, t, tol):
                        count = _emit(sg, sym, mask, out, count)
                        if count >= limit:
                            abort[0] = 1
                            return count, visited, True
                else:
                    # the same rule as evaluate_node: a forced spin first, else the free spin
                    # with the largest key (both found by the vectorised pass above)
                    if fkey != 0:
                        v = fkey - 1
                        nv = 1
                    else:
                        v = (rkey % 128) - 1
                        nv = 2
                    x = 1 if qs[lb, v] - t[v] >= 0 else -1
                    level += 1
                    var[level] = v
                    val0[level] = x
                    nval[level] = nv
                    tried[level] = 0
            if (visited & 8191) == 0 and abort[0] != 0:
                return count, visited, True
        else:
            sg[var[level]] = 0
            sgf[var[level]] = 0.0
            level -= 1
    return count, visited, False


@njit
def _dfs_one(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, k):
    c, nvis, ab = dfs_subtree(
        JT, aJT, J0, diag, t, tols, sym, sym_j, roots[k], out[k], limit, abort
    )
    results[k, 0] = c
    results[k, 1] = nvis
    results[k, 2] = 1 if ab else 0


# The parallel and the serial build are two Python functions: with ``cache=True`` two builds
# of one function share a cache entry, and the serial one can silently replace the parallel
# one (numba issue #6845).
@njit(parallel=True)
def dfs_many(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results):
    """:func:`dfs_subtree` below every row of ``roots``, in parallel over subtrees.

    Subtree ``k`` writes only ``out[k]`` and ``results[k] = (count, n_visited, aborted)``,
    so the result does not depend on the number of threads.
    """
    abort = np.zeros(1, np.int64)
    for k in prange(roots.shape[0]):
        _dfs_one(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, k)


@njit
def dfs_many_serial(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results):
    """Serial twin of :func:`dfs_many` (small searches: no thread start-up cost)."""
    abort = np.zeros(1, np.int64)
    for k in range(roots.shape[0]):
        _dfs_one(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, k)


@njit
def expand_frontier(JT, aJT, J0, diag, t, tols, sym, nodes):
    """Evaluate every partial assignment in ``nodes`` (M, N) and return its children.

    Returns ``(children, leaves, n_evaluated)``: the children (M', N) int8 in order, the
    codes of the fixed points met (with their flips when ``sym``) and M.
    """
    m, n = nodes.shape
    mask = _full_mask(n)
    children = np.empty((2 * m, n), np.int8)
    leaves = np.empty(2 * m, np.uint64)
    n_child = 0
    n_leaf = 0
    q = np.empty(n)
    r = np.empty(n)
    p = np.empty(n)
    for k in range(m):
        sg = nodes[k]
        init_fields(JT, aJT, J0, sg, q, r, p)
        st, v, x, nv = evaluate_node(q, r, p, sg, diag, t, tols)
        if st == PRUNE:
            continue
        if st == LEAF:
            if _leaf_ok(q, sg, diag, t, tols[2]):
                n_leaf = _emit(sg, sym, mask, leaves, n_leaf)
            continue
        empty = True
        for i in range(n):
            if sg[i] != 0:
                empty = False
                break
        if sym and empty:
            x = 1
            nv = 1
        for b in range(nv):
            for i in range(n):
                children[n_child, i] = sg[i]
            children[n_child, v] = x if b == 0 else -x
            n_child += 1
    return children[:n_child].copy(), leaves[:n_leaf].copy(), m


@njit
def plain_bb_codes(JT, aJT, diag, t, sym, out):
    """Plain branch-and-bound in the fixed order 0..N-1 storing the codes of the fixed points
    (their flips too with ``sym``) in ``out``; returns ``(count, n_visited)``."""
    n = JT.shape[0]
    suf = np.zeros((n + 1, n))  # suf[d, i] = sum_{j >= d, j != i} |J_ij|
    for d in range(n - 1, -1, -1):
        for i in range(n):
            suf[d, i] = suf[d + 1, i] + aJT[d, i]
    qs = np.zeros((n + 1, n))
    s = np.zeros(n)
    tried = np.zeros(n + 1, np.int64)
    mask = np.uint64(0xFFFFFFFFFFFFFFFF) >> np.uint64(64 - n)
    count = 0
    visited = 0
    d = 0
    while d >= 0:
        n_vals = 1 if (sym and d == 0) else 2
        if tried[d] < n_vals:
            x = 1.0 if tried[d] == 0 else -1.0
            tried[d] += 1
            s[d] = x
            visited += 1
            for i in range(n):
                qs[d + 1, i] = qs[d, i] + x * JT[d, i]
            ok = True
            for i in range(d + 1):
                if s[i] * (qs[d + 1, i] - t[i]) + diag[i] + suf[d + 1, i] < 0.0:
                    ok = False
                    break
            if ok:
                if d + 1 == n:
                    code = np.uint64(0)
                    for i in range(n):
                        if s[i] > 0:
                            code |= np.uint64(1) << np.uint64(i)
                    if count < out.shape[0]:
                        out[count] = code
                    count += 1
                    if sym:
                        if count < out.shape[0]:
                            out[count] = (~code) & mask
                        count += 1
                else:
                    d += 1
                    tried[d] = 0
        else:
            d -= 1
    return count, visited



def _sorted_result(p, codes):
    from esorma.attractors._enum_kernels import decode_codes
    from esorma.attractors.enumerate import _energies, _final_test, _sort_order

    states = _final_test(p, decode_codes(np.asarray(codes, np.uint64), p.n))
    energies = _energies(p, states)
    order = _sort_order(states, energies, "energy")
    return states[order], energies[order]


def legacy_enumerate(J, n_subtrees=1024):
    """Today's (pre-#17) search: ``(states, energies, n_visited)``, sorted like the library."""
    from esorma.attractors.enumerate import _PROBE_SEED, _buffer_width, _prepare

    p = _prepare(J, None, 0.0)
    nodes = np.zeros((1, p.n), np.int8)
    leaves, visited = [], 0
    while 0 < nodes.shape[0] < n_subtrees:
        nodes, lv, m = expand_frontier(p.JT, p.aJT, p.J0, p.diag, p.t, p.tols, p.sym, nodes)
        visited += int(m)
        leaves.append(lv)
    m = nodes.shape[0]
    width = _buffer_width(p, m)
    while True:
        out = np.zeros((m, width), np.uint64)
        res = np.zeros((m, 3), np.int64)
        perm = np.random.default_rng(_PROBE_SEED).permutation(m)
        dfs_many(p.JT, p.aJT, p.J0, p.diag, p.t, p.tols, p.sym, p.sym_j, nodes[perm], out,
                 1 << 62, res)
        if res[:, 0].max(initial=0) <= width:
            break
        width = int(res[:, 0].max())
    out[perm] = out.copy()
    res[perm] = res.copy()
    codes = np.concatenate([*leaves, *(out[k, : res[k, 0]] for k in range(m))])
    states, energies = _sorted_result(p, codes)
    return states, energies, int(res[:, 1].sum()) + visited


def plain_enumerate(J):
    """The plain branch-and-bound: ``(states, energies, n_visited)``, sorted like the library."""
    from esorma.attractors.enumerate import _prepare

    p = _prepare(J, None, 0.0)
    cap = 1 << 16
    while True:
        out = np.zeros(cap, np.uint64)
        count, visited = plain_bb_codes(p.JT, p.aJT, p.diag, p.t, p.sym, out)
        if count <= cap:
            break
        cap = count
    states, energies = _sorted_result(p, out[:count])
    return states, energies, int(visited)

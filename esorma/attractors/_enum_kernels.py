"""Compiled kernels for the exact enumeration of fixed points (pure: arrays in, arrays out).

The search works on partial assignments ``sg`` (0 = unassigned, +-1 = assigned). For every
spin ``i`` it keeps

* ``q[i] = sum_{j assigned, j != i} J[i, j] s_j``  (partial field, diagonal excluded),
* ``R[i] = sum_{j unassigned, j != i} |J[i, j]|``  (bound on the field still to come).

An assigned spin ``i`` can still end up stable only if ``s_i (q_i - t_i) + J_ii + R_i >= 0``;
an unassigned spin ``k`` can still take the value ``v`` only if
``v (q_k - t_k) + J_kk + R_k >= 0``. A node is pruned as soon as one assigned spin fails or
one unassigned spin has no admissible value, or when the sum of the stability conditions of
all assigned spins already fails (see below); a spin with exactly one admissible value is
*forced* and is branched on first (a single child). Otherwise the search branches on the
free spin with the largest ``R_j + 3 |P_j|`` (:func:`_free_key`): a large remaining coupling
tightens every other bound most, and ``P_j`` (below) is how much the assigned spins that are
not yet stable depend on spin ``j``.

The aggregate test: summing ``s_i h_i >= 0`` over the assigned spins gives the necessary
condition ``sum_{i assigned} [s_i (q_i - t_i) + J_ii] + sum_{j unassigned} |p_j| >= 0`` with
``p_j = sum_{i assigned} s_i J[i, j]`` (``p = q`` for symmetric J). It cuts the balanced
partial assignments of ferromagnetic and low-load Hebb couplings, which the per-spin test
cannot (tens of times fewer nodes there; a few per cent fewer for SK couplings).

The deficit-set test: the same sum restricted to the assigned spins that are not yet stable
on their own, ``D = {i assigned: c_i = s_i (q_i - t_i) + J_ii < 0}``, gives
``sum_{i in D} c_i + sum_{j unassigned} |P_j| >= 0`` with ``P_j = sum_{i in D} s_i J_ij``.
These spins all need help from the unassigned ones, often from the same spins with opposite
signs, which neither the per-spin nor the aggregate test sees: on SK couplings it cuts the
visited nodes by 2.5x at N = 36 and 3x at N = 40 (more as N grows; with the branching key
below, which uses ``P`` too, 4x and 6x, and 8x at N = 44). ``P_D`` is kept per level
and updated only by the rows of the spins that enter or leave ``D`` (often none or one).

For integer couplings (stored exactly in float64) and integer-valued thresholds every
quantity above is an exact integer, so ties (``h_i = 0``) are decided exactly; ``eps`` is
then just the user's ``tol`` (0 by default). For float couplings ``eps`` is a tiny safety margin for the rounding of the running
sums (it only weakens pruning); the final test at a complete assignment uses ``tol``.

States are encoded as uint64 codes: bit ``i`` set means spin ``i`` is +1 (N <= 64).
"""

from __future__ import annotations

import numpy as np

import numba
from numba.core import cgutils, types
from numba.extending import intrinsic

from esorma._numba import njit, prange

__all__ = [
    "PRUNE",
    "LEAF",
    "BRANCH",
    "init_fields",
    "evaluate_node",
    "dfs_subtree",
    "dfs_many",
    "dfs_many_serial",
    "expand_frontier",
    "knuth_estimate_leaves",
    "decode_codes",
]

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


#: Weight of ``|P_j|`` (the deficit set's need of spin ``j``) in the branching key.
PD_WEIGHT = 3.0


@njit
def _free_key(r, pd, i, rscale):
    """Selection key of a free spin: its remaining coupling ``r`` plus ``PD_WEIGHT`` times
    ``|pd|``, the coupling of the deficit set to it (the spin those unstable spins need most:
    branching on it settles their fate early; 1.6x fewer nodes than ``r`` alone for SK
    couplings), quantised with ``rscale`` so that keys are integers, then its index; the
    largest key is branched on."""
    return int((r + PD_WEIGHT * abs(pd)) * (rscale / (1.0 + PD_WEIGHT))) * 128 + i + 1


@njit
def _deficit_sum(J0, sg, q, t, diag, P):
    """``sum_{i in D} c_i + sum_{j unassigned} |P_j|`` over the deficit set ``D`` of the
    assigned spins with ``c_i = s_i (q_i - t_i) + J_ii < 0`` (``P_j = sum_{i in D} s_i J_ij``),
    from scratch (``P`` is scratch). :func:`dfs_subtree` keeps the same quantity
    incrementally; a node is cut when it is below the aggregate margin."""
    n = sg.shape[0]
    for j in range(n):
        P[j] = 0.0
    tot = 0.0
    for i in range(n):
        if sg[i] != 0:
            c = sg[i] * (q[i] - t[i]) + diag[i]
            if c < 0.0:
                tot += c
                x = float(sg[i])
                for j in range(n):
                    P[j] += x * J0[i, j]
    for j in range(n):
        if sg[j] == 0:
            tot += abs(P[j])
    return tot


@njit
def evaluate_node(J0, q, R, p, sg, diag, t, tols):
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
                best = i
            elif plus_ok or minus_ok:
                forced_var = i
            else:
                return PRUNE, -1, 0, 0
    if agg < -eps_agg:
        return PRUNE, -1, 0, 0
    P = np.empty(n)
    if _deficit_sum(J0, sg, q, t, diag, P) < -eps_agg:
        return PRUNE, -1, 0, 0
    if forced_var >= 0:
        return BRANCH, forced_var, (1 if q[forced_var] - t[forced_var] >= 0 else -1), 1
    if best >= 0:  # some spin is free: take the one with the largest key
        best_key = 0
        for i in range(n):
            if sg[i] == 0:
                key = _free_key(R[i], P[i], i, rscale)
                if key > best_key:
                    best_key = key
                    best = i
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
    # deficit set D (assigned spins with c_i < 0) of each level: membership and P_D
    mem = np.zeros((n + 1, n))
    pds = np.zeros((n + 1, n))
    dterms = np.zeros(n + 4)
    init_fields(JT, aJT, J0, sg, qs[0], rs[0], ps[0])
    pdrow = np.zeros(n + 1, np.int64)
    su = np.zeros(n + 1)
    for i in range(n):
        if sg[i] != 0 and sg[i] * (qs[0, i] - t[i]) + diag[i] < 0.0:
            mem[0, i] = 1.0
            for j in range(n):
                pds[0, j] += sgf[i] * J0[i, j]
    for j in range(n):
        if sg[j] == 0:
            su[0] += abs(pds[0, j])
    count = 0
    visited = 1
    st, v, x, nv = evaluate_node(J0, qs[0], rs[0], ps[0], sg, diag, t, tols)
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
                    terms[i] = sa + u * abs(pv)
            visited += 1
            ok = nbad == 0 and _sum4(terms, n) >= -eps_agg
            if ok:
                # the deficit-set bound (see _deficit_sum). D's membership at this node
                # and the number of spins that entered or left it; when none did, P_D is the
                # parent's (shared row) and its sum over the unassigned spins loses |P_D[vv]|;
                # otherwise P_D is updated by their rows. (Separate loops: more arrays in the
                # fused pass above would stop its vectorisation.)
                cnt = 0
                for i in range(n):
                    w = abs(sgf[i])
                    c = terms[i]  # c_i for an assigned spin
                    mi = w * (c < 0.0)
                    cnt += mi != mem[la, i]
                    mem[lb, i] = mi
                    dterms[i] = mi * c
                dsum = _sum4(dterms, n)
                ra = pdrow[la]
                if cnt == 0:
                    pdrow[lb] = ra
                    su[lb] = su[la] - abs(pds[ra, vv])
                elif cnt == 1:  # one row in one pass (often the new spin's own)
                    pdrow[lb] = lb
                    i0 = vv
                    if mem[lb, vv] == mem[la, vv]:
                        i0 = 0
                        while mem[lb, i0] == mem[la, i0]:
                            i0 += 1
                    c0 = (mem[lb, i0] - mem[la, i0]) * sgf[i0]
                    for j in range(n):
                        pd = pds[ra, j] + c0 * J0[i0, j]
                        pds[lb, j] = pd
                        dterms[j] = (1.0 - abs(sgf[j])) * abs(pd)
                    su[lb] = _sum4(dterms, n)
                else:
                    pdrow[lb] = lb
                    for j in range(n):
                        pds[lb, j] = pds[ra, j]
                    for i0 in range(n):
                        if mem[lb, i0] != mem[la, i0]:
                            c0 = (mem[lb, i0] - mem[la, i0]) * sgf[i0]
                            for j in range(n):
                                pds[lb, j] += c0 * J0[i0, j]
                    for j in range(n):
                        dterms[j] = (1.0 - abs(sgf[j])) * abs(pds[lb, j])
                    su[lb] = _sum4(dterms, n)
                ok = dsum + su[lb] >= -eps_agg
            if ok:
                if level + 1 + n_assigned == n:
                    if _leaf_ok(qs[lb], sg, diag, t, tol):
                        count = _emit(sg, sym, mask, out, count)
                        if count >= limit:
                            abort[0] = 1
                            return count, visited, True
                else:
                    # the same rule as evaluate_node: a forced spin first (found by the
                    # vectorised pass above), else the free spin with the largest key
                    if fkey != 0:
                        v = fkey - 1
                        nv = 1
                    else:
                        pr = pdrow[lb]
                        bk = 0
                        v = -1
                        for j in range(n):
                            if sgf[j] == 0.0:
                                key = _free_key(rs[lb, j], pds[pr, j], j, rscale)
                                if key > bk:
                                    bk = key
                                    v = j
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


@intrinsic
def _fetch_add(typingctx, arr, idx, val):
    """Atomically add ``val`` to ``arr[idx]`` (int64) and return the old value."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.int64):
        return None
    sig = types.int64(arr, types.intp, types.int64)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")

    return sig, codegen


if numba.config.DISABLE_JIT:  # plain Python (NUMBA_DISABLE_JIT=1): one thread, no atomics

    def _fetch_add(arr, idx, val):  # noqa: F811
        old = int(arr[idx])
        arr[idx] += val
        return old


@njit
def _worker(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, nxt):
    """Take subtrees off the shared counter ``nxt[0]`` until none is left (or abort)."""
    m = roots.shape[0]
    while True:
        k = _fetch_add(nxt, 0, 1)
        if k >= m or abort[0] != 0:
            break
        _dfs_one(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, k)


# The parallel and the serial build are two Python functions: with ``cache=True`` two builds
# of one function share a cache entry, and the serial one can silently replace the parallel
# one (numba issue #6845).
@njit(parallel=True)
def dfs_many(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, n_workers):
    """:func:`dfs_subtree` below every row of ``roots``, in parallel over subtrees.

    Dynamic scheduling: ``n_workers`` workers (one per thread) take the next subtree from
    an atomic counter as soon as they finish one, so a thread slowed down by another job on
    its core, or stuck in a large subtree, never holds back work the others could do.
    Subtree ``k`` writes only ``out[k]`` and ``results[k] = (count, n_visited, aborted)``,
    so the result does not depend on the number of threads or on who ran what.
    """
    abort = np.zeros(1, np.int64)
    nxt = np.zeros(1, np.int64)
    for w in prange(n_workers):
        _worker(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results, abort, nxt)


@njit
def dfs_many_serial(JT, aJT, J0, diag, t, tols, sym, sym_j, roots, out, limit, results,
                    n_workers):
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
        st, v, x, nv = evaluate_node(J0, q, r, p, sg, diag, t, tols)
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
def knuth_estimate_leaves(JT, aJT, J0, diag, t, tols, sym, uniforms):
    """Knuth's (1975) estimate of ``(visited nodes, fixed points, levels walked)`` of the search.

    Each probe walks one random root-to-leaf path, choosing a child uniformly where a node
    has two (``uniforms``: the random numbers, drawn by the caller); a walk that ends on a
    complete assignment passing the final test scores its weight (the product of the numbers
    of children met) as fixed points, twice with ``sym`` (the flip is emitted too). Both are
    unbiased; on degenerate trees (J = 0, isolated or tied spins: every node has two children)
    they are exact. ``levels walked`` (the total over the probes) lets the caller turn the
    time of this call into a node rate. Cost O(n_probes N^2).
    """
    n_probes = uniforms.shape[0]
    n = JT.shape[0]
    tol = tols[2]
    levels = 0
    sg = np.zeros(n, np.int8)
    q = np.empty(n)
    r = np.empty(n)
    p = np.empty(n)
    total = 0.0
    found = 0.0
    for k in range(n_probes):
        for i in range(n):
            sg[i] = 0
        init_fields(JT, aJT, J0, sg, q, r, p)
        weight = 1.0
        score = 1.0
        for level in range(n + 1):
            levels += 1
            st, v, x, nv = evaluate_node(J0, q, r, p, sg, diag, t, tols)
            if st == LEAF:
                if _leaf_ok(q, sg, diag, t, tol):
                    found += weight * (2.0 if sym else 1.0)
                break
            if st != BRANCH:
                break
            if sym and level == 0:
                x = 1
                nv = 1
            weight *= nv
            score += weight
            if nv == 2 and uniforms[k, level] < 0.5:
                x = -x
            sg[v] = x
            fx = float(x)
            for i in range(n):
                q[i] += fx * JT[v, i]
                r[i] -= aJT[v, i]
                p[i] += fx * J0[v, i]
        total += score
    return total / n_probes, found / n_probes, levels


@njit
def decode_codes(codes, n):
    """uint64 codes -> (K, n) int8 states of +-1."""
    k = codes.shape[0]
    out = np.empty((k, n), np.int8)
    one = np.uint64(1)
    for a in range(k):
        c = codes[a]
        for i in range(n):
            out[a, i] = 1 if (c >> np.uint64(i)) & one else -1
    return out

"""Kernels of dense associative memories (pure; seeds passed in; arrays updated in place).

A state ``s`` is held together with its pattern overlaps ``x_mu = xi^mu . s`` (int64, in
[-N, N]). Flipping spin i changes every overlap by ``-2 s_i xi_i^mu``, so the energy change
of a flip and the flip itself cost O(P).

Interaction codes: ``KIND_POWER`` (F(x) = x^n, through difference tables) and ``KIND_EXP``
(F(x) = e^x, through a table of e^{-k} and a shift by max x: never overflows).

Difference tables (power): ``tab_p[x + N] = F(x - 2) - F(x)`` (the change of F(x_mu) when
``a_mu = s_i xi_i^mu = +1``) and ``tab_m[x + N] = F(x + 2) - F(x)`` (``a_mu = -1``); int64 when
every sum is exact, float64 otherwise. The *gain* ``sum_mu dF_mu`` is ``-dE`` up to the
positive energy scale ``escale``.

Exponential: with ``M = max_mu x_mu``, ``D = sum_mu e^{x_mu - M} (e^{-2 a_mu} - 1)`` and
``S = sum_mu e^{x_mu - M}``; the energy ``-ln sum_mu e^{x_mu}`` changes by ``-ln(1 + D/S)``.
Because e is transcendental, the raw energy difference is exactly zero only when the multiset
of overlaps is unchanged by the flip; when ``|D| <= 1e-9 S`` that is checked exactly with a
histogram, so ties are decided exactly as for integer energies.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange
from esorma._prng import rng_init, rng_shuffle, rng_uniform

KIND_POWER = 0
KIND_EXP = 1
_EM2 = np.exp(-2.0) - 1.0
_EP2 = np.exp(2.0) - 1.0


@njit
def _max(x):
    m = x[0]
    for k in range(1, x.shape[0]):
        if x[k] > m:
            m = x[k]
    return m


@njit
def _exp_tie(row, si, x, n, hist):
    """True when flipping leaves the multiset of overlaps unchanged (an exact tie)."""
    p = x.shape[0]
    for mu in range(p):
        a = si * row[mu]
        hist[x[mu] + n + 2] -= 1
        hist[x[mu] - 2 * a + n + 2] += 1
    same = True
    for mu in range(p):
        a = si * row[mu]
        if hist[x[mu] + n + 2] != 0 or hist[x[mu] - 2 * a + n + 2] != 0:
            same = False
    for mu in range(p):  # reset the workspace
        a = si * row[mu]
        hist[x[mu] + n + 2] = 0
        hist[x[mu] - 2 * a + n + 2] = 0
    return same


@njit
def delta_energy(kind, row, si, x, n, tab_p, tab_m, expt, mx, escale, hist):
    """Energy change of flipping a spin with pattern entries ``row`` (xi_i^mu) and value si.

    Returns exactly 0.0 for an exact tie.
    """
    p = x.shape[0]
    if kind == KIND_POWER:
        g = tab_p[0] * 0
        for mu in range(p):
            if si * row[mu] > 0:
                g += tab_p[x[mu] + n]
            else:
                g += tab_m[x[mu] + n]
        return -np.float64(g) * escale
    d = 0.0
    s = 0.0
    for mu in range(p):
        e = expt[mx - x[mu]]
        s += e
        if si * row[mu] > 0:
            d += e * _EM2
        else:
            d += e * _EP2
    if abs(d) <= 1e-9 * s:
        if _exp_tie(row, si, x, n, hist):
            return 0.0
    return -np.log1p(d / s)


@njit
def _flip(xiT, s, x, i, kind):
    row = xiT[i]
    d = 2 * np.int64(s[i])
    for mu in range(x.shape[0]):
        x[mu] -= d * row[mu]
    s[i] = -s[i]
    if kind == KIND_EXP:
        return _max(x)
    return 0


@njit
def overlaps_of(xiT, s, x):
    """x_mu = sum_i xi_i^mu s_i (int64)."""
    n, p = xiT.shape
    for mu in range(p):
        x[mu] = 0
    for i in range(n):
        si = np.int64(s[i])
        row = xiT[i]
        for mu in range(p):
            x[mu] += si * row[mu]


@njit
def _stable(kind, xiT, s, x, n, tp, tm, expt, mx, escale, hist):
    for i in range(n):
        if delta_energy(kind, xiT[i], s[i], x, n, tp, tm, expt, mx, escale, hist) < 0.0:
            return False
    return True


@njit
def _async_chain(kind, xiT, tp, tm, expt, escale, s, x, seed, max_sweeps, random_order):
    n = s.shape[0]
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    state = rng_init(seed)
    order = np.arange(n)
    mx = _max(x)
    sweeps = 0
    converged = False
    while sweeps < max_sweeps:
        if random_order:
            rng_shuffle(state, order)
        flips = 0
        for t in range(n):
            i = order[t]
            if delta_energy(kind, xiT[i], s[i], x, n, tp, tm, expt, mx, escale, hist) < 0.0:
                mx = _flip(xiT, s, x, i, kind)
                flips += 1
        if flips == 0:
            converged = True
            break
        sweeps += 1
    if not converged:
        converged = _stable(kind, xiT, s, x, n, tp, tm, expt, mx, escale, hist)
    return sweeps, converged


@njit
def _async_body(kind, xiT, tp, tm, expt, escale, states, x, seeds, max_sweeps, random_order,
                sweeps, converged, b):
    sw, cv = _async_chain(kind, xiT, tp, tm, expt, escale, states[b], x[b], seeds[b],
                          max_sweeps, random_order)
    sweeps[b] = sw
    converged[b] = cv


@njit
def async_serial(kind, xiT, tp, tm, expt, escale, states, x, seeds, max_sweeps, random_order,
                 sweeps, converged):
    """Zero-T asynchronous dynamics of every chain (serial build)."""
    for b in range(states.shape[0]):
        _async_body(kind, xiT, tp, tm, expt, escale, states, x, seeds, max_sweeps,
                    random_order, sweeps, converged, b)


@njit(parallel=True)
def async_parallel(kind, xiT, tp, tm, expt, escale, states, x, seeds, max_sweeps,
                   random_order, sweeps, converged):
    """Zero-T asynchronous dynamics of every chain (parallel over chains)."""
    for b in prange(states.shape[0]):
        _async_body(kind, xiT, tp, tm, expt, escale, states, x, seeds, max_sweeps,
                    random_order, sweeps, converged, b)


@njit
def _sync_body(kind, xiT, tp, tm, expt, escale, states, x, max_steps, steps, cycle, b):
    s = states[b]
    xb = x[b]
    n = s.shape[0]
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    prev = s.copy()
    new = s.copy()
    cyc = 0
    t = 0
    while True:
        mx = _max(xb)
        same_now = True
        same_prev = True
        for i in range(n):
            v = s[i]
            if delta_energy(kind, xiT[i], s[i], xb, n, tp, tm, expt, mx, escale, hist) < 0.0:
                v = -v
            new[i] = v
            if v != s[i]:
                same_now = False
            if v != prev[i]:
                same_prev = False
        if same_now:
            cyc = 1
            break
        if t > 0 and same_prev:
            cyc = 2
            break
        if t >= max_steps:
            break
        for i in range(n):
            prev[i] = s[i]
            s[i] = new[i]
        overlaps_of(xiT, s, xb)
        t += 1
    steps[b] = t
    cycle[b] = cyc


@njit
def sync_serial(kind, xiT, tp, tm, expt, escale, states, x, max_steps, steps, cycle):
    """Synchronous zero-T dynamics (serial build); fixed points (1) and 2-cycles (2)."""
    for b in range(states.shape[0]):
        _sync_body(kind, xiT, tp, tm, expt, escale, states, x, max_steps, steps, cycle, b)


@njit(parallel=True)
def sync_parallel(kind, xiT, tp, tm, expt, escale, states, x, max_steps, steps, cycle):
    """Synchronous zero-T dynamics (parallel over chains)."""
    for b in prange(states.shape[0]):
        _sync_body(kind, xiT, tp, tm, expt, escale, states, x, max_steps, steps, cycle, b)


@njit
def _glauber_body(kind, xiT, tp, tm, expt, escale, temperature, states, x, seeds, n_sweeps,
                  burn_in, random_order, mean_x, b):
    s = states[b]
    xb = x[b]
    n = s.shape[0]
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    state = rng_init(seeds[b])
    order = np.arange(n)
    mx = _max(xb)
    count = 0
    for sweep in range(n_sweeps):
        if random_order:
            rng_shuffle(state, order)
        for t in range(n):
            i = order[t]
            de = delta_energy(kind, xiT[i], s[i], xb, n, tp, tm, expt, mx, escale, hist)
            u = rng_uniform(state)
            z = de / temperature
            # heat bath: P(flip) = 1 / (1 + exp(dE / T)), overflow-safe
            if z > 0.0:
                pf = np.exp(-z) / (1.0 + np.exp(-z))
            else:
                pf = 1.0 / (1.0 + np.exp(z))
            if u < pf:
                mx = _flip(xiT, s, xb, i, kind)
        if sweep >= burn_in:
            for mu in range(xb.shape[0]):
                mean_x[b, mu] += xb[mu]
            count += 1
    if count > 0:
        for mu in range(xb.shape[0]):
            mean_x[b, mu] /= count


@njit
def glauber_serial(kind, xiT, tp, tm, expt, escale, temperature, states, x, seeds, n_sweeps,
                   burn_in, random_order, mean_x):
    """Glauber (heat-bath) dynamics on energy differences (serial build)."""
    for b in range(states.shape[0]):
        _glauber_body(kind, xiT, tp, tm, expt, escale, temperature, states, x, seeds,
                      n_sweeps, burn_in, random_order, mean_x, b)


@njit(parallel=True)
def glauber_parallel(kind, xiT, tp, tm, expt, escale, temperature, states, x, seeds, n_sweeps,
                     burn_in, random_order, mean_x):
    """Glauber (heat-bath) dynamics on energy differences (parallel over chains)."""
    for b in prange(states.shape[0]):
        _glauber_body(kind, xiT, tp, tm, expt, escale, temperature, states, x, seeds,
                      n_sweeps, burn_in, random_order, mean_x, b)


@njit
def delta_energies(kind, xiT, tp, tm, expt, escale, states, x, out):
    """Energy change of flipping each spin of each state, shape (B, N)."""
    bcount, n = states.shape
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    for b in range(bcount):
        mx = _max(x[b])
        for i in range(n):
            out[b, i] = delta_energy(kind, xiT[i], states[b, i], x[b], n, tp, tm, expt, mx,
                                     escale, hist)


@njit
def _enum_chunk(kind, xiT, tp, tm, expt, escale, low_bits, c, mask):
    n, p = xiT.shape
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    s = np.empty(n, dtype=np.int8)
    code0 = np.int64(c) << np.int64(low_bits)
    for i in range(n):
        s[i] = 1 if (code0 >> np.int64(i)) & 1 else -1
    x = np.zeros(p, dtype=np.int64)
    overlaps_of(xiT, s, x)
    mx = _max(x)
    code = code0
    total = np.int64(1) << np.int64(low_bits)
    for t in range(total):
        if t > 0:
            # Gray code: flip the lowest set bit of t
            k = 0
            while not (np.int64(t) >> np.int64(k)) & 1:
                k += 1
            mx = _flip(xiT, s, x, k, kind)
            code ^= np.int64(1) << np.int64(k)
        if _stable(kind, xiT, s, x, n, tp, tm, expt, mx, escale, hist):
            mask[code] = 1


@njit(parallel=True)
def enumerate_parallel(kind, xiT, tp, tm, expt, escale, low_bits, mask):
    """Mark every 1-flip-stable state (mask[code] = 1; bit i of code set means s_i = +1)."""
    n = xiT.shape[0]
    chunks = 1 << (n - low_bits)
    for c in prange(chunks):
        _enum_chunk(kind, xiT, tp, tm, expt, escale, low_bits, c, mask)


@njit
def enumerate_serial(kind, xiT, tp, tm, expt, escale, low_bits, mask):
    """Serial build of :func:`enumerate_parallel`."""
    n = xiT.shape[0]
    chunks = 1 << (n - low_bits)
    for c in range(chunks):
        _enum_chunk(kind, xiT, tp, tm, expt, escale, low_bits, c, mask)


@njit(parallel=True)
def overlaps_batch(xiT, states, x):
    """x[b, mu] = xi^mu . states[b] for every state (parallel over states)."""
    for b in prange(states.shape[0]):
        overlaps_of(xiT, states[b], x[b])


# ---------------------------------------------------------------------------------------------
# Branch-and-bound enumeration of fixed points.
#
# A subtree's prefix fixes spins 0..depth-1, then the next spin is chosen dynamically. With f
# spins fixed, the overlap of pattern mu is x_mu = y_mu + z_mu, y_mu the fixed part and z_mu in [-m, m] (m = N - f free
# spins, same parity). For a fixed spin i the gain of its flip is
# g_i = sum_mu G_{a_mu}(x_mu), a_mu = s_i xi_i^mu, with the per-pattern gain tables
# G_{+1}(x) = F(x - 2) - F(x), G_{-1}(x) = F(x + 2) - F(x) (the kernels' tab_p / tab_m, or their
# e^x analogues scaled by e^{-N}). Each term is bounded below by the minimum of its table over
# the interval of x_mu (a range-minimum query on a sparse table: exact for any F, no
# monotonicity or convexity assumed), so g_i >= LB_i; LB_i > 0 (integer tables) or
# LB_i > 1e-8 * sum_mu max|G| (float tables: beyond any rounding of the exact test) proves that
# spin i flips in every completion and the subtree is pruned. The same test with a free spin
# set to each value excludes values (a free spin with none left kills the node, one left is
# assigned without branching); for affine gains a joint linear bound is added
# (:func:`_surely_flips_joint`). Leaves are decided by the same exact test as the brute force
# (:func:`_stable`).
# ---------------------------------------------------------------------------------------------

_FLOAT_MARGIN = 1e-8


@njit
def _rmq(st, lg, lo, hi):
    """(min, max) of a gain table over the parity indices [lo, hi] (sparse tables st[0/1])."""
    lev = lg[hi - lo + 1]
    r = hi - (1 << lev) + 1
    a = st[0, lev, lo]
    b = st[0, lev, r]
    c = st[1, lev, lo]
    d = st[1, lev, r]
    return (a if a < b else b), (c if c > d else d)


@njit
def _surely_flips(exact, xiT, i, si, y, j, v, mo, n, st_p, st_m, lg):
    """True when spin i (value si) flips in every completion: the overlaps are
    x_mu = y_mu + v xi_j^mu + z_mu with ``mo`` free spins in z (v = 0: no spin j)."""
    p = y.shape[0]
    row = xiT[i]
    rj = xiT[j]
    lb = st_p[0, 0, 0] * 0
    scale = st_p[0, 0, 0] * 0
    for mu in range(p):
        c = y[mu] + v * rj[mu]
        lo = (c - mo + n) >> 1
        hi = (c + mo + n) >> 1
        if si * row[mu] > 0:
            a, b = _rmq(st_p, lg, lo, hi)
        else:
            a, b = _rmq(st_m, lg, lo, hi)
        lb += a
        if not exact:
            scale += max(abs(a), abs(b))
    if exact:
        return lb > 0
    return lb > _FLOAT_MARGIN * scale


@njit
def _linear_minorants(gtab, y, m, n, alpha, beta):
    """Per pattern mu and sign a (0: a = +1, 1: a = -1), a line alpha + beta z below the gain
    table G_a(y_mu + z) at every attainable z in [-m, m] (beta: the secant slope)."""
    p = y.shape[0]
    for mu in range(p):
        lo = (y[mu] - m + n) >> 1
        hi = (y[mu] + m + n) >> 1
        for a in range(2):
            if m == 0:
                alpha[a, mu] = gtab[a, lo]
                beta[a, mu] = 0.0
                continue
            b = (gtab[a, hi] - gtab[a, lo]) / (2.0 * m)
            best = np.inf
            for u in range(lo, hi + 1):
                z = 2 * (u - lo) - m
                val = gtab[a, u] - b * z
                if val < best:
                    best = val
            alpha[a, mu] = best
            beta[a, mu] = b


@njit
def _surely_flips_joint(xiT, i, si, assigned, alpha, beta):
    """Joint bound: g_i >= sum_mu alpha_mu + sum_{j free} s_j w_j >= sum alpha - sum |w_j|,
    w_j = sum_mu beta_mu xi_j^mu (the lines of :func:`_linear_minorants`)."""
    n, p = xiT.shape
    row = xiT[i]
    lb = 0.0
    scale = 0.0
    for mu in range(p):
        a = 0 if si * row[mu] > 0 else 1
        lb += alpha[a, mu]
        scale += abs(alpha[a, mu])
    for j in range(n):
        if assigned[j]:
            continue
        rj = xiT[j]
        w = 0.0
        for mu in range(p):
            a = 0 if si * row[mu] > 0 else 1
            w += beta[a, mu] * rj[mu]
        lb -= abs(w)
        scale += abs(w)
    return lb > _FLOAT_MARGIN * (scale + 1.0)


@njit
def _open_level(exact, xiT, y, assigned, m, n, st_p, st_m, lg):
    """Values each free spin can still take (bit 0: -1, bit 1: +1; a value is excluded when
    the spin would surely flip with it). Returns (spin to branch on, its values); values 0
    when some free spin can take neither (a dead node). A forced spin is preferred."""
    best = -1
    best_opts = 0
    for j in range(n):
        if assigned[j]:
            continue
        opts = 0
        if not _surely_flips(exact, xiT, j, -1, y, j, -1, m - 1, n, st_p, st_m, lg):
            opts |= 1
        if not _surely_flips(exact, xiT, j, 1, y, j, 1, m - 1, n, st_p, st_m, lg):
            opts |= 2
        if opts == 0:
            return j, 0
        if best < 0 or (best_opts == 3 and opts != 3):
            best = j
            best_opts = opts
    return best, best_opts


@njit
def _bnb_subtree(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefix,
                 depth, out, cap):
    """Depth-first search below the first ``depth`` spins fixed by the bits of ``prefix``.

    Below the prefix the next spin is chosen dynamically: every free spin whose two values
    are both excluded by the bound kills the node, a spin with one value left is assigned
    without branching. Writes the codes of the fixed points (bit i set: s_i = +1) into
    ``out[:cap]``; returns (number found, nodes evaluated); counting continues past ``cap``.
    """
    n, p = xiT.shape
    s = np.zeros(n, dtype=np.int8)
    y = np.zeros(p, dtype=np.int64)
    hist = np.zeros(2 * n + 5, dtype=np.int64)
    assigned = np.zeros(n, dtype=np.bool_)
    lvl_spin = np.zeros(n + 1, dtype=np.int64)
    lvl_opts = np.zeros(n + 1, dtype=np.int64)
    lvl_cur = np.zeros(n + 1, dtype=np.int64)
    alpha = np.zeros((2, p))
    beta = np.zeros((2, p))
    found = 0
    nodes = 1
    last_bad = 0
    for k in range(depth):
        v = 1 if (prefix >> np.int64(k)) & 1 else -1
        s[k] = v
        assigned[k] = True
        row = xiT[k]
        for mu in range(p):
            y[mu] += v * row[mu]
    for i in range(depth):
        if _surely_flips(exact, xiT, i, s[i], y, i, 0, n - depth, n, st_p, st_m, lg):
            return 0, nodes
    if depth == n:
        if _stable(kind, xiT, s, y, n, tp, tm, expt, _max(y), escale, hist):
            if cap > 0:
                out[0] = prefix
            return 1, nodes
        return 0, nodes
    j, opts = _open_level(exact, xiT, y, assigned, n - depth, n, st_p, st_m, lg)
    if opts == 0:
        return 0, nodes
    lev = depth
    lvl_spin[lev] = j
    lvl_opts[lev] = opts
    lvl_cur[lev] = 0
    while True:
        j = lvl_spin[lev]
        row = xiT[j]
        if lvl_cur[lev] != 0:  # undo the current value of this level
            c = lvl_cur[lev]
            for mu in range(p):
                y[mu] -= c * row[mu]
            s[j] = 0
            assigned[j] = False
            lvl_cur[lev] = 0
        if lvl_opts[lev] == 0:
            lev -= 1
            if lev < depth:
                break
            continue
        if lvl_opts[lev] & 1:
            v = -1
            lvl_opts[lev] &= 2
        else:
            v = 1
            lvl_opts[lev] = 0
        s[j] = v
        assigned[j] = True
        lvl_cur[lev] = v
        for mu in range(p):
            y[mu] += v * row[mu]
        nodes += 1
        f = lev + 1
        m = n - f
        # the fixed spins (the new one passed this bound when its value was allowed):
        # the one that failed last first
        pruned = False
        if last_bad != j and assigned[last_bad] and _surely_flips(
                exact, xiT, last_bad, s[last_bad], y, last_bad, 0, m, n, st_p, st_m, lg):
            pruned = True
        else:
            for i in range(n):
                if assigned[i] and i != j and i != last_bad and _surely_flips(
                        exact, xiT, i, s[i], y, i, 0, m, n, st_p, st_m, lg):
                    last_bad = i
                    pruned = True
                    break
        if not pruned and joint and m > 0:
            _linear_minorants(gtab, y, m, n, alpha, beta)
            if _surely_flips_joint(xiT, j, s[j], assigned, alpha, beta):
                pruned = True
            else:
                for i in range(n):
                    if assigned[i] and i != j and _surely_flips_joint(xiT, i, s[i], assigned,
                                                                      alpha, beta):
                        last_bad = i
                        pruned = True
                        break
        if pruned:
            continue
        if f == n:
            if _stable(kind, xiT, s, y, n, tp, tm, expt, _max(y), escale, hist):
                if found < cap:
                    code = np.int64(0)
                    for i in range(n):
                        if s[i] > 0:
                            code |= np.int64(1) << np.int64(i)
                    out[found] = code
                found += 1
            continue
        j2, opts2 = _open_level(exact, xiT, y, assigned, m, n, st_p, st_m, lg)
        if opts2 == 0:
            continue
        lev = f
        lvl_spin[lev] = j2
        lvl_opts[lev] = opts2
        lvl_cur[lev] = 0
    return found, nodes


@njit
def _bnb_body(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes, depth,
              out, counts, nodes, t):
    c, nd = _bnb_subtree(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab,
                         prefixes[t], depth, out[t], out.shape[1])
    counts[t] = c
    nodes[t] = nd


@njit
def bnb_serial(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes,
               depth, out, counts, nodes):
    """Branch-and-bound over the subtrees ``prefixes`` (serial build)."""
    for t in range(prefixes.shape[0]):
        _bnb_body(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes,
                  depth, out, counts, nodes, t)


@njit(parallel=True)
def bnb_parallel(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes,
                 depth, out, counts, nodes):
    """Branch-and-bound over the subtrees ``prefixes`` (parallel over subtrees)."""
    for t in prange(prefixes.shape[0]):
        _bnb_body(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes,
                  depth, out, counts, nodes, t)

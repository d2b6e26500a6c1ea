"""Finite-temperature single-spin kernels (pure; seeds passed in; chains updated in place).

Two representations of a chain's local fields:

* dense: raw fields ``h = J s`` (int32/int64 for integer couplings, float64 otherwise). The
  effective field of spin i excludes its self-coupling, ``f_i = scale (h_i − J_ii s_i) − θ_i``;
  a flip of spin i adds ``2 s_i Jt[i, :]`` to ``h`` (row of ``Jt = Jᵀ``, contiguous), O(N).
* low rank (Hebb with known patterns): the P overlaps ``M_μ = Σ_j ξ^μ_j s_j`` (int64). The
  field is ``f_i = (1/N)(Σ_μ ξ^μ_i M_μ − P s_i) − θ_i``; a flip costs O(P).

Both give bit-identical fields for integer Hebb couplings, so the two paths produce the same
trajectories from the same seeds.

Update rules (``rule``): 0 = Glauber (heat bath), flip with probability
``1 / (1 + exp(2 s_i f_i / T))``; 1 = Metropolis, flip with probability
``min(1, exp(−2 s_i f_i / T))``. At ``T = 0`` both become the zero-temperature rule (flip iff
``s_i h_i < 0`` with the FULL field ``h_i`` including the self-coupling ``J_ii s_i``, as in
:mod:`esorma.dynamics.zero_temperature`; a tie keeps the spin). Orders (``order``): 0 = a
uniformly random site per update, with replacement (N updates per sweep; public name
"uniform"), 1 = sequential 0..N−1, 2 = a fresh random permutation per sweep (public name
"random").
``sync = 1``: synchronous (Little) updates, all spins from the same fields.

Integer fields with θ = 0 at a constant temperature use a flip table instead of ``exp``:
``table[a + K]`` is the flip probability of a spin with integer alignment ``a`` (see
:func:`_alignment`), ``K = (len(table) − 1) / 2``; alignments beyond ±K flip with probability
1 (a < −K) or 0 (a > K) — the caller picks K so that the clipped probabilities are below
1e−17. An empty table means: compute ``exp``.

Network tuple ``net = (Jt, diag, xi_t, theta, scale, low_rank, table)``; chain tuple
``chains = (s, h, M, seeds, flips)`` with one row per chain.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange
from esorma._prng import rng_below, rng_init, rng_shuffle, rng_uniform

GLAUBER = 0
METROPOLIS = 1
ORDER_UNIFORM = 0
ORDER_SEQUENTIAL = 1
ORDER_PERMUTATION = 2


@njit(inline="always")
def _flip_decision(rule, x, temperature, u):
    """True if a spin with alignment ``x = s_i f_i`` flips (``u`` uniform on [0, 1))."""
    if temperature == 0.0:
        return x < 0.0
    if rule == 0:
        return u * (1.0 + np.exp(2.0 * x / temperature)) < 1.0
    if x <= 0.0:
        return True
    return u < np.exp(-2.0 * x / temperature)


@njit(inline="always")
def _alignment(i, s, h, M, diag, xi_t, low_rank):
    """``a = s_i × (raw field of i without self-coupling)``: integer for integer couplings.

    Dense: ``s_i (h_i − J_ii s_i)``; low rank: ``s_i Σ_μ ξ^μ_i M_μ − P``. The decision
    variable is ``x = s_i f_i = c a − s_i θ_i`` with ``c = scale`` (dense) or ``1/N``.
    At T = 0 the dense callers add ``J_ii`` back (full field, zero-temperature rule); the
    low-rank path is only used for Hebb couplings, whose diagonal is zero."""
    if low_rank:
        acc = 0
        for mu in range(M.shape[0]):
            acc += xi_t[i, mu] * M[mu]
        return s[i] * acc - M.shape[0]
    return s[i] * (h[i] - diag[i] * s[i])


@njit(inline="always")
def _table_flip(a, table, k, u):
    idx = np.int64(a) + k
    if idx < 0:
        return True
    if idx >= table.shape[0]:
        return False
    return u < table[idx]


@njit(inline="always")
def _flip_dense(i, s, h, Jt):
    s[i] = -s[i]
    if s[i] > 0:
        for k in range(h.shape[0]):
            h[k] += 2 * Jt[i, k]
    else:
        for k in range(h.shape[0]):
            h[k] -= 2 * Jt[i, k]


@njit(inline="always")
def _flip_low_rank(i, s, M, xi_t):
    s[i] = -s[i]
    d = 2 * np.int64(s[i])
    for mu in range(M.shape[0]):
        M[mu] += d * xi_t[i, mu]


@njit
def _sweep_low_rank(s, M, xi_t, theta, table, st, order_buf, temperature, rule, order):
    """One asynchronous sweep on the low-rank fields (explicit loop: this is the hot path)."""
    n = s.shape[0]
    p = M.shape[0]
    c = 1.0 / n
    ntab = table.shape[0]
    ktab = (ntab - 1) // 2
    flips = 0
    if order == 2:
        rng_shuffle(st, order_buf)
    for t in range(n):
        if order == 0:
            i = rng_below(st, n)
        elif order == 1:
            i = t
        else:
            i = order_buf[t]
        u = 0.0
        if temperature > 0.0:
            u = rng_uniform(st)
        acc = 0
        for mu in range(p):
            acc += xi_t[i, mu] * M[mu]
        a = s[i] * acc - p
        if ntab > 0:
            fl = _table_flip(a, table, ktab, u)
        else:
            fl = _flip_decision(rule, c * a - s[i] * theta[i], temperature, u)
        if fl:
            _flip_low_rank(i, s, M, xi_t)
            flips += 1
    return flips


@njit
def _sweep_dense(s, h, Jt, diag, theta, scale, table, st, order_buf, temperature, rule, order):
    """One asynchronous sweep on the dense raw fields (explicit loop: the hot path)."""
    n = s.shape[0]
    ntab = table.shape[0]
    ktab = (ntab - 1) // 2
    flips = 0
    if order == 2:
        rng_shuffle(st, order_buf)
    for t in range(n):
        if order == 0:
            i = rng_below(st, n)
        elif order == 1:
            i = t
        else:
            i = order_buf[t]
        u = 0.0
        if temperature > 0.0:
            u = rng_uniform(st)
        if temperature > 0.0:
            a = s[i] * (h[i] - diag[i] * s[i])
        else:
            a = s[i] * h[i]  # T = 0: full field with J_ii (zero-temperature rule)
        if ntab > 0:
            fl = _table_flip(a, table, ktab, u)
        else:
            fl = _flip_decision(rule, scale * a - s[i] * theta[i], temperature, u)
        if fl:
            _flip_dense(i, s, h, Jt)
            flips += 1
    return flips


@njit
def _sweep_async(net, s, h, M, st, order_buf, temperature, rule, order):
    """One asynchronous sweep (N update attempts) of one chain; returns the number of flips."""
    Jt, diag, xi_t, theta, scale, low_rank, table = net
    if low_rank:
        return _sweep_low_rank(s, M, xi_t, theta, table, st, order_buf, temperature, rule, order)
    return _sweep_dense(s, h, Jt, diag, theta, scale, table, st, order_buf, temperature, rule,
                        order)


@njit
def _sweep_sync(net, s, h, M, st, new, temperature, rule):
    """One synchronous (Little) step: every spin drawn from the fields of the current state."""
    Jt, diag, xi_t, theta, scale, low_rank, table = net
    n = s.shape[0]
    for i in range(n):
        u = 0.0
        if temperature > 0.0:
            u = rng_uniform(st)
        new[i] = s[i]
        a = _alignment(i, s, h, M, diag, xi_t, low_rank)
        if temperature == 0.0 and not low_rank:
            a = a + diag[i]  # T = 0: full field s_i h_i = a + J_ii (zero-temperature rule)
        if table.shape[0] > 0:
            fl = _table_flip(a, table, (table.shape[0] - 1) // 2, u)
        else:
            c = (1.0 / n) if low_rank else scale
            fl = _flip_decision(rule, c * a - s[i] * theta[i], temperature, u)
        if fl:
            new[i] = -s[i]
    flips = 0
    for i in range(n):
        if new[i] != s[i]:
            if low_rank:
                _flip_low_rank(i, s, M, xi_t)
            else:
                _flip_dense(i, s, h, Jt)
            flips += 1
    return flips


@njit
def _energy(net, s, h, M):
    """``E = −½ scale sᵀ J s + θᵀ s`` from the fields kept by the chain."""
    Jt, diag, xi_t, theta, scale, low_rank, table = net
    n = s.shape[0]
    e_theta = 0.0
    for i in range(n):
        e_theta += theta[i] * s[i]
    if low_rank:
        acc = 0
        for mu in range(M.shape[0]):
            acc += M[mu] * M[mu]
        acc -= M.shape[0] * n
        return -0.5 * (1.0 / n) * acc + e_theta
    acc2 = h[0] * 0
    for i in range(n):
        acc2 += s[i] * h[i]
    return -0.5 * scale * acc2 + e_theta


@njit
def _measure(net, s, h, M, k, c, e_out, m_out, ov_out):
    Jt, diag, xi_t, theta, scale, low_rank, table = net
    n = s.shape[0]
    e_out[k, c] = _energy(net, s, h, M)
    tot = 0
    for i in range(n):
        tot += s[i]
    m_out[k, c] = tot / n
    p = ov_out.shape[2]
    if p > 0:
        if low_rank:
            for mu in range(p):
                ov_out[k, c, mu] = M[mu] / n
        else:
            for mu in range(p):
                acc = 0
                for i in range(n):
                    acc += xi_t[i, mu] * s[i]
                ov_out[k, c, mu] = acc / n


@njit
def _overlap(a, b):
    acc = 0
    for i in range(a.shape[0]):
        acc += a[i] * b[i]
    return acc / a.shape[0]


@njit
def _step(net, s, h, M, st, buf, temperature, rule, order, sync):
    if sync:
        return _sweep_sync(net, s, h, M, st, buf, temperature, rule)
    return _sweep_async(net, s, h, M, st, buf, temperature, rule, order)


@njit
def _chain_group(g, net, chains, temps, cfg, out):
    """Run group g of the chains through the schedule (see :func:`run_chains`)."""
    s, h, M, seeds, flips = chains
    e_out, m_out, ov_out, q_out, smp_out = out
    rule, order, sync = cfg[0], cfg[1], cfg[2]
    burn_in, thin, group, record = cfg[3], cfg[4], cfg[5], cfg[6]
    n = s.shape[1]
    n_sweeps = temps.shape[0]
    sts = np.empty((group, 4), dtype=np.uint64)
    bufs = np.empty((group, n), dtype=np.int32)  # half the cache footprint of int64
    for j in range(group):
        sts[j] = rng_init(seeds[g * group + j])
        for i in range(n):
            bufs[j, i] = i
    for t in range(n_sweeps):
        temperature = temps[t]
        for j in range(group):
            c = g * group + j
            flips[c] += _step(
                net, s[c], h[c], M[c], sts[j], bufs[j], temperature, rule, order, sync
            )
        done = t + 1 - burn_in
        if done > 0 and done % thin == 0:
            k = done // thin - 1
            for j in range(group):
                c = g * group + j
                _measure(net, s[c], h[c], M[c], k, c, e_out, m_out, ov_out)
                if record:
                    for i in range(n):
                        smp_out[k, c, i] = s[c, i]
            if group == 2:
                q_out[k, g] = _overlap(s[2 * g], s[2 * g + 1])


@njit(parallel=True)
def run_chains(net, chains, temps, cfg, out):
    """Run every chain through the sweep schedule ``temps`` (one temperature per sweep).

    ``cfg = [rule, order, sync, burn_in, thin, group, record_samples]``. Chains are processed
    in groups of ``group`` (1, or 2 when replica overlaps q are recorded between chains 2g and
    2g+1), in parallel over groups. After sweep t (0-based) a measurement is taken when
    ``t + 1 > burn_in`` and ``(t + 1 − burn_in) % thin == 0``.
    ``out = (energy, magnetisation, overlaps, q, samples)`` with shapes (K, C), (K, C),
    (K, C, P), (K, C // 2) and (K or 0, C, N).
    """
    n_groups = chains[0].shape[0] // cfg[5]
    for g in prange(n_groups):
        _chain_group(g, net, chains, temps, cfg, out)


@njit
def run_chains_serial(net, chains, temps, cfg, out):
    """:func:`run_chains` on one thread (tiny jobs: no thread-pool wake-up); same result."""
    n_groups = chains[0].shape[0] // cfg[5]
    for g in range(n_groups):
        _chain_group(g, net, chains, temps, cfg, out)


@njit
def _tempering_group(g, net, chains, temps, cfg, run_seeds, pos, out):
    """Run group g of the tempering runs (see :func:`run_tempering`)."""
    s, h, M, seeds, flips = chains
    e_out, m_out, ov_out, q_out, acc_out, att_out, best_e, best_s = out
    rule, order, sync = cfg[0], cfg[1], cfg[2]
    burn_in, thin, group, every, n_sweeps = cfg[3], cfg[4], cfg[5], cfg[6], cfg[7]
    n = s.shape[1]
    k_t = temps.shape[0]
    p = ov_out.shape[3]
    xi_t = net[2]
    n_loc = group * k_t
    c0 = g * n_loc
    sts = np.empty((n_loc, 4), dtype=np.uint64)
    bufs = np.empty((n_loc, n), dtype=np.int32)
    rsts = np.empty((group, 4), dtype=np.uint64)
    who = np.empty((group, k_t), dtype=np.int64)  # chain at each temperature
    energy = np.empty(n_loc)
    for j in range(n_loc):
        sts[j] = rng_init(seeds[c0 + j])
        for i in range(n):
            bufs[j, i] = i
    for r in range(group):
        rsts[r] = rng_init(run_seeds[g * group + r])
        for j in range(k_t):
            c = c0 + r * k_t + j
            who[r, pos[c]] = c
    for t in range(n_sweeps):
        for j in range(n_loc):
            c = c0 + j
            flips[c] += _step(
                net, s[c], h[c], M[c], sts[j], bufs[j], temps[pos[c]], rule, order, sync
            )
            energy[j] = _energy(net, s[c], h[c], M[c])
            run = (g * group) + j // k_t
            if energy[j] < best_e[run]:
                best_e[run] = energy[j]
                for i in range(n):
                    best_s[run, i] = s[c, i]
        if (t + 1) % every == 0:
            for r in range(group):
                run = g * group + r
                for k in range(k_t - 1):
                    a = who[r, k]
                    b = who[r, k + 1]
                    delta = (1.0 / temps[k] - 1.0 / temps[k + 1]) * (
                        energy[a - c0] - energy[b - c0]
                    )
                    u = rng_uniform(rsts[r])
                    att_out[run, k] += 1
                    if delta >= 0.0 or u < np.exp(delta):
                        acc_out[run, k] += 1
                        who[r, k] = b
                        who[r, k + 1] = a
                        pos[a] = k + 1
                        pos[b] = k
        done = t + 1 - burn_in
        if done > 0 and done % thin == 0:
            kk = done // thin - 1
            for r in range(group):
                run = g * group + r
                for k in range(k_t):
                    c = who[r, k]
                    e_out[kk, run, k] = energy[c - c0]
                    tot = 0
                    for i in range(n):
                        tot += s[c, i]
                    m_out[kk, run, k] = tot / n
                    for mu in range(p):
                        acc = 0
                        for i in range(n):
                            acc += xi_t[i, mu] * s[c, i]
                        ov_out[kk, run, k, mu] = acc / n
            if group == 2:
                for k in range(k_t):
                    q_out[kk, g, k] = _overlap(s[who[0, k]], s[who[1, k]])


@njit(parallel=True)
def run_tempering(net, chains, temps, cfg, run_seeds, pos, out):
    """Parallel tempering: ``R`` runs × ``K`` replicas, replica c = r K + k.

    ``temps`` (K,) ascending; ``pos[c]`` is the index of the temperature chain c is at (updated
    in place). ``cfg = [rule, order, sync, burn_in, thin, group, exchange_every, n_sweeps]``;
    runs are processed in groups of ``group`` (2 when q is recorded between runs 2g, 2g+1).
    Every ``exchange_every`` sweeps each run attempts swaps of neighbouring temperatures
    (k, k+1) for k = 0..K−2 in turn, accepted with ``min(1, exp((β_k − β_{k+1})(E_a − E_b)))``.
    ``out = (energy (S,R,K), magnetisation (S,R,K), overlaps (S,R,K,P), q (S,R//2,K),
    accepted (R,K−1), attempted (R,K−1), best_energy (R,), best_state (R,N))``.
    """
    n_groups = chains[0].shape[0] // temps.shape[0] // cfg[5]
    for g in prange(n_groups):
        _tempering_group(g, net, chains, temps, cfg, run_seeds, pos, out)


@njit
def run_tempering_serial(net, chains, temps, cfg, run_seeds, pos, out):
    """:func:`run_tempering` on one thread (tiny jobs); same result."""
    n_groups = chains[0].shape[0] // temps.shape[0] // cfg[5]
    for g in range(n_groups):
        _tempering_group(g, net, chains, temps, cfg, run_seeds, pos, out)


#: Below this many spin-update attempts a call runs serially.
SERIAL_WORK = 200_000

"""Zero-temperature update kernels (pure; seeds passed in; states and fields updated in place).

Field arrays ``h`` hold the raw fields ``J s`` (int64 for integer couplings, float64 otherwise);
the effective field of spin i is ``scale * h[i] - theta[i]``. A flip of spin i adds
``2 s_i Jt[i, :]`` to ``h`` (row i of ``Jt = J.T``, contiguous), so a flip costs O(N) and a sweep
without flips costs O(N).
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit, prange
from esorma._prng import rng_init, rng_shuffle


@njit
def _unstable(s_i, f):
    return (s_i > 0 and f < 0) or (s_i < 0 and f > 0)


@njit
def _async_one(Jt, scale, theta, s, h, seed, max_sweeps, random_order):
    n = s.shape[0]
    state = rng_init(seed)
    order = np.arange(n)
    sweeps = 0
    converged = False
    while sweeps < max_sweeps:
        if random_order:
            rng_shuffle(state, order)
        flips = 0
        for t in range(n):
            i = order[t]
            if _unstable(s[i], scale * h[i] - theta[i]):
                s[i] = -s[i]
                d = 2 * np.int64(s[i])
                row = Jt[i]
                for k in range(n):
                    h[k] += d * row[k]
                flips += 1
        if flips == 0:
            converged = True
            break
        sweeps += 1
    if not converged:
        converged = True
        for i in range(n):
            if _unstable(s[i], scale * h[i] - theta[i]):
                converged = False
                break
    return sweeps, converged


@njit(parallel=True)
def async_batch(Jt, scale, theta, states, h, seeds, max_sweeps, random_order, sweeps, converged):
    """Asynchronous zero-T dynamics for every state of the batch (parallel over states)."""
    for b in prange(states.shape[0]):
        sw, cv = _async_one(Jt, scale, theta, states[b], h[b], seeds[b], max_sweeps, random_order)
        sweeps[b] = sw
        converged[b] = cv


@njit
def async_batch_serial(Jt, scale, theta, states, h, seeds, max_sweeps, random_order, sweeps,
                       converged):
    """:func:`async_batch` on one thread (small jobs); same result."""
    for b in range(states.shape[0]):
        sw, cv = _async_one(Jt, scale, theta, states[b], h[b], seeds[b], max_sweeps, random_order)
        sweeps[b] = sw
        converged[b] = cv


# ------------------------------------------------------------------ low rank (Hebb from ξ)
# The raw field of spin i is ``a_i = Σ_μ ξ^μ_i M_μ − P s_i`` with ``M = ξ s`` kept exactly in
# int64: the same integer as the dense int64 field, so every decision and tie is the dense one.


@njit(inline="always")
def _lr_field(xi_t, m, s, i):
    p = xi_t.shape[1]
    acc = np.int64(0)
    for mu in range(p):
        acc += xi_t[i, mu] * m[mu]
    return acc - p * np.int64(s[i])


@njit
def _async_one_lr(xi_t, scale, theta, s, m, seed, max_sweeps, random_order):
    n = s.shape[0]
    p = xi_t.shape[1]
    state = rng_init(seed)
    order = np.arange(n)
    sweeps = 0
    converged = False
    while sweeps < max_sweeps:
        if random_order:
            rng_shuffle(state, order)
        flips = 0
        for t in range(n):
            i = order[t]
            if _unstable(s[i], scale * _lr_field(xi_t, m, s, i) - theta[i]):
                s[i] = -s[i]
                d = 2 * np.int64(s[i])
                for mu in range(p):
                    m[mu] += d * xi_t[i, mu]
                flips += 1
        if flips == 0:
            converged = True
            break
        sweeps += 1
    if not converged:
        converged = True
        for i in range(n):
            if _unstable(s[i], scale * _lr_field(xi_t, m, s, i) - theta[i]):
                converged = False
                break
    return sweeps, converged


@njit(parallel=True)
def async_batch_lr(xi_t, scale, theta, states, m, seeds, max_sweeps, random_order, sweeps,
                   converged):
    """:func:`async_batch` on the overlaps ``m = ξ s`` (B, P) of Hebb networks: O(NP)."""
    for b in prange(states.shape[0]):
        sw, cv = _async_one_lr(xi_t, scale, theta, states[b], m[b], seeds[b], max_sweeps,
                               random_order)
        sweeps[b] = sw
        converged[b] = cv


@njit
def async_batch_lr_serial(xi_t, scale, theta, states, m, seeds, max_sweeps, random_order,
                          sweeps, converged):
    """:func:`async_batch_lr` on one thread; same result."""
    for b in range(states.shape[0]):
        sw, cv = _async_one_lr(xi_t, scale, theta, states[b], m[b], seeds[b], max_sweeps,
                               random_order)
        sweeps[b] = sw
        converged[b] = cv


@njit
def _sync_fields(J, s, h):
    n = s.shape[0]
    for i in range(n):
        row = J[i]
        acc = h[i] * 0
        for j in range(n):
            acc += row[j] * s[j]
        h[i] = acc


@njit
def _sync_one(J, xi_t, low_rank, scale, theta, s, hb, m, max_steps):
    """Synchronous steps of one state; returns (steps, cycle_length)."""
    n = s.shape[0]
    p = xi_t.shape[1]
    prev = s.copy()
    new = s.copy()
    cyc = 0
    t = 0
    while True:
        if low_rank:
            for mu in range(p):
                m[mu] = 0
            for i in range(n):
                for mu in range(p):
                    m[mu] += np.int64(s[i]) * xi_t[i, mu]
        else:
            _sync_fields(J, s, hb)
        same_as_now = True
        same_as_prev = True
        for i in range(n):
            if low_rank:
                f = scale * _lr_field(xi_t, m, s, i) - theta[i]
            else:
                f = scale * hb[i] - theta[i]
            v = s[i]
            if f > 0:
                v = 1
            elif f < 0:
                v = -1
            new[i] = v
            if v != s[i]:
                same_as_now = False
            if v != prev[i]:
                same_as_prev = False
        if same_as_now:
            cyc = 1
            break
        if t > 0 and same_as_prev:
            cyc = 2
            break
        if t >= max_steps:
            break
        for i in range(n):
            prev[i] = s[i]
            s[i] = new[i]
        t += 1
    return t, cyc


@njit(parallel=True)
def sync_batch(J, xi_t, low_rank, scale, theta, states, h, m, max_steps, steps, cycle_length):
    """Synchronous (Little) zero-T dynamics; detects fixed points (1) and 2-cycles (2).

    ``cycle_length[b]`` is 0 when neither was reached within ``max_steps``. Dense fields
    ``h`` (B, N) from J, or with ``low_rank`` the overlaps ``m`` (B, P) from ``xi_t``.
    """
    for b in prange(states.shape[0]):
        t, cyc = _sync_one(J, xi_t, low_rank, scale, theta, states[b], h[b], m[b], max_steps)
        steps[b] = t
        cycle_length[b] = cyc


@njit
def sync_batch_serial(J, xi_t, low_rank, scale, theta, states, h, m, max_steps, steps,
                      cycle_length):
    """:func:`sync_batch` on one thread; same result."""
    for b in range(states.shape[0]):
        t, cyc = _sync_one(J, xi_t, low_rank, scale, theta, states[b], h[b], m[b], max_steps)
        steps[b] = t
        cycle_length[b] = cyc

"""Exact enumeration of the fixed points (1-spin-flip stable states) of a network.

A state ``s`` in {-1, +1}^N is a fixed point of the zero-temperature dynamics when every spin
agrees with its local field, ``s_i h_i >= 0`` with ``h = J s - theta`` (a tie ``h_i = 0``
keeps the spin, so it counts as stable). :func:`enumerate_fixed_points` lists all of them
exactly, :func:`iter_fixed_points` yields them lazily and :func:`count_fixed_points` only
counts them.

The search is a branch-and-bound over partial assignments (see *Notes* of
:func:`enumerate_fixed_points`) that visits a vanishing fraction of the 2^N states; its
top levels are expanded serially into independent subtrees that run in parallel.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_couplings, check_int, check_real
from esorma._validation import check_memory, check_thresholds, format_bytes, format_seconds

__all__ = [
    "FixedPoints",
    "enumerate_fixed_points",
    "iter_fixed_points",
    "count_fixed_points",
    "estimate_enumeration_cost",
    "MAX_SPINS",
]

#: Largest network the exact search accepts (states are packed in 64-bit words).
MAX_SPINS = 64

_N_PROBES = 1000
_PROBE_SEED = 20260125
# Searches estimated below this many nodes (about 10 ms) run on one thread, in one subtree.
_SMALL_SEARCH = 1e5
# Costs in units of one level of one Knuth probe per spin (timed at each call, so they follow
# the machine and its load; benchmarks/bench_estimates.py checks them): a search node costs
# _NODE_PER_LEVEL * N units on one thread; each fixed point handed out (decode, final test,
# energies, sort) costs _FP_* + _FP_LIN * N + _FP_SQ_* * N^2 units (integer energy products
# do not use BLAS); every call has a fixed _CALL_SECONDS.
_NODE_PER_LEVEL = 1.0
_FP_FLOAT = 40.0
_FP_INT = 120.0
_FP_LIN = 3.0
_FP_SQ_FLOAT = 0.12
_FP_SQ_INT = 0.3
_CALL_SECONDS = 5e-3  # times the load slowdown
_CPUS = os.cpu_count() or 1
_CHECKED_BYTES = 64 << 20  # smaller outputs skip the (file-reading) memory check
_TIMING_SECONDS = 0.01  # time spent timing the probes (the estimate's own cost)
# Refuse up front only when the estimated count exceeds max_fixed_points by this factor
# (Knuth's estimate is noisy on generic couplings; the exact count is checked anyway).
_FP_MARGIN = 2.0


@summarized
@dataclass(frozen=True)
class FixedPoints:
    """All fixed points of a network, from :func:`enumerate_fixed_points`.

    Attributes
    ----------
    states : ndarray of int8, shape (K, N)
        The fixed points, sorted by energy then lexicographically (``-1 < +1``, spin 0
        first), or only lexicographically with ``sort="lex"``.
    energies : ndarray of float64, shape (K,)
        ``E = -1/2 s^T J s + theta^T s`` of each state (``J`` = effective couplings).
    n_visited : int
        Nodes (partial assignments) the branch-and-bound evaluated; compare with 2^N.
    seconds : float
        Wall-clock time of the search.
    method : str
        ``"branch-and-bound"``, or ``"low-rank"`` for a network built by
        ``Hopfield.from_patterns(xi, "hebb")`` (see ``compact``).
    used_symmetry : bool
        True when theta = 0: one spin was fixed and every state was emitted with its flip.
    n_subtrees : int
        Independent subtrees searched in parallel.
    estimated_nodes : float
        The up-front estimate of ``n_visited`` (Knuth's random-probe estimator).
    n_neurons : int
        N.
    compact : HebbFixedPoints or None
        Low-rank method only: every fixed point as counts of +1 neurons per neuron class
        (:class:`esorma.attractors.HebbFixedPoints`, with ``labels()``). ``states`` is then
        filled only when the states take at most 64 MiB (``lowrank.DENSE_STATES_BYTES``);
        otherwise it is empty (``compact.states(limit)`` materialises them) and
        ``energies`` lists the energies of all fixed points, ascending.
    """

    states: np.ndarray
    energies: np.ndarray
    n_visited: int
    seconds: float
    method: str = "branch-and-bound"
    used_symmetry: bool = False
    n_subtrees: int = 1
    estimated_nodes: float = float("nan")
    n_neurons: int = field(default=0)
    compact: object = field(default=None, metadata={
        "description": "low-rank method: the fixed points by neuron class (HebbFixedPoints)"})

    def __len__(self) -> int:
        return self.n_fixed_points

    @property
    def n_fixed_points(self) -> int:
        """Number of fixed points K (also when ``states`` is not materialised)."""
        if self.compact is not None:
            return int(self.compact.n_fixed_points)
        return int(self.states.shape[0])


# --------------------------------------------------------------------------- preparation


@summarized
@dataclass(frozen=True)
class _Problem:
    n: int
    JT: np.ndarray  # transposed effective couplings (float64), zero diagonal
    aJT: np.ndarray  # |JT|
    J0: np.ndarray  # effective couplings with a zero diagonal (JT when J is symmetric)
    diag: np.ndarray  # diagonal of the effective couplings
    t: np.ndarray  # effective thresholds
    tols: np.ndarray  # (eps, eps_agg, tol, rscale): margins, final test, branching key
    sym: bool  # theta == 0: use the spin-flip symmetry
    sym_j: bool  # J symmetric
    J_energy: np.ndarray  # couplings for the energy (as given)
    scale: float  # energy uses scale * J_energy
    theta: np.ndarray  # thresholds for the energy
    tol: float  # the user's tolerance (for the final test)
    exact: bool
    needs_filter: bool  # re-test candidates with h = scale * (J s) - theta (see _final_test)


def _prepare(J, theta, tol) -> _Problem:
    """Validate the input (raw matrix or network object) and build the kernel arrays."""
    scale = 1.0
    if not isinstance(J, np.ndarray) and hasattr(J, "J") and hasattr(J, "theta"):
        net = J
        if theta is not None:
            raise ValueError(
                "theta must be None when J is a network object (its own .theta is used); "
                f"got theta={theta!r}"
            )
        J = net.J
        theta = net.theta
        scale = getattr(net, "scale", 1.0)
        if scale is None:
            scale = 1.0
        scale = check_real(scale, "network.scale", minimum=0.0, strict_min=True)
    Jm = check_couplings(J, "J")
    n = Jm.shape[0]
    if n > MAX_SPINS:
        raise ValueError(
            f"J must have N <= {MAX_SPINS} spins for exact enumeration (2^{n} states); "
            f"got N = {n}. Use the sampled attractor search for large networks"
        )
    th = check_thresholds(theta, n, "theta")
    tol = check_real(tol, "tol", minimum=0.0)

    Jf = Jm.astype(np.float64)
    integral = bool(np.all(Jf == np.rint(Jf)))
    row_abs = np.abs(Jf).sum(axis=1)
    if integral and row_abs.max(initial=0.0) >= 2.0**52:
        raise ValueError(
            "J must have row sums of |J_ij| below 2^52 for exact integer arithmetic; "
            f"got a row sum of {row_abs.max():.3g}"
        )
    # s_i (scale (J s)_i - theta_i) >= 0  <=>  s_i ((J s)_i - theta_i / scale) >= 0
    t = th / scale
    tol_eff = tol / scale
    exact = integral and bool(np.all(t == np.rint(t)))
    JT = np.ascontiguousarray(Jf.T)
    diag = np.diagonal(Jf).copy()
    np.fill_diagonal(JT, 0.0)
    aJT = np.abs(JT)
    sym_j = bool(np.array_equal(Jf, Jf.T))
    J0 = JT if sym_j else np.ascontiguousarray(JT.T)
    if exact:
        eps = tol_eff
    else:
        big = float(row_abs.max(initial=0.0) + np.abs(t).max(initial=0.0))
        eps = tol_eff + 1e-11 * max(big, 1.0)
    # The kernels decide exactly when ``exact``. Otherwise (float couplings or thresholds),
    # and whenever scale != 1 with nonzero thresholds, they keep every candidate within a
    # margin and the final word is the same float test as the network's own
    # ``scale * (J s) - theta`` (see _final_test), so the two never disagree on near-ties.
    needs_filter = (not exact) or (scale != 1.0 and bool(np.any(th != 0.0)))
    leaf_tol = eps if needs_filter else tol_eff
    # quantisation of the branching key (remaining coupling R_i <= its value at the root)
    r_root = float(aJT.sum(axis=0).max(initial=0.0))
    rscale = 2.0**40 / r_root if r_root > 0 else 0.0
    return _Problem(
        n=n,
        JT=JT,
        aJT=aJT,
        J0=J0,
        diag=diag,
        t=t,
        tols=np.array([eps, n * eps, leaf_tol, rscale], dtype=np.float64),
        sym=bool(np.all(t == 0.0)),
        sym_j=sym_j,
        J_energy=Jm,
        scale=float(scale),
        theta=th,
        tol=float(tol),
        exact=exact,
        needs_filter=needs_filter,
    )


def _n_threads() -> int:
    import numba

    return int(numba.get_num_threads())


def _free_spins(p: _Problem) -> int:
    """Spins that are fixed either way whatever the others do: no coupling in or out, zero
    threshold and ``J_ii >= 0`` (``s_i h_i = J_ii``). Each doubles the number of fixed
    points (the tie factor ``2^k``)."""
    lone = ~(p.JT.any(axis=0) | p.JT.any(axis=1))
    return int(np.count_nonzero(lone & (p.t == 0.0) & (p.diag >= 0.0)))


def _components(p: _Problem) -> list[np.ndarray]:
    """Spins grouped into the connected components of the coupling graph (J_ij or J_ji != 0).

    The fixed points of uncoupled blocks combine freely: their number is the product of the
    blocks' counts (an isolated spin with zero threshold and ``J_ii >= 0`` is a factor 2).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    adj = csr_matrix((p.JT != 0) | (p.JT.T != 0))
    n_comp, label = connected_components(adj, directed=False)
    return [np.flatnonzero(label == c) for c in range(n_comp)]


_BRUTE_MAX = 16  # components up to this size are counted exactly (2^m states)


def _component_count(p: _Problem, idx: np.ndarray, gen) -> float:
    """Fixed points of the block ``idx`` alone: exact for small blocks, else Knuth's estimate."""
    from esorma.attractors import _enum_kernels as K

    m = idx.size
    JT = np.ascontiguousarray(p.JT[np.ix_(idx, idx)])
    t = np.ascontiguousarray(p.t[idx])
    diag = np.ascontiguousarray(p.diag[idx])
    if m <= _BRUTE_MAX:
        codes = np.arange(1 << m, dtype=np.int64)
        S = np.where((codes[:, None] >> np.arange(m)) & 1, 1.0, -1.0)
        q = S @ JT
        return float(np.count_nonzero(np.all(S * (q - t) + diag >= -p.tols[2], axis=1)))
    J0 = JT if p.sym_j else np.ascontiguousarray(JT.T)
    sym = bool(np.all(t == 0.0))
    u = gen.random((_N_PROBES, m + 1))
    return float(K.knuth_estimate_leaves(JT, np.abs(JT), J0, diag, t, p.tols, sym, u)[1])


def _fixed_point_count(p: _Problem) -> float:
    """Estimated number of fixed points: the product over the uncoupled blocks of the
    coupling graph (the tie structure) of each block's count."""
    if np.count_nonzero(p.JT) == p.n * (p.n - 1):  # dense: one block (the common case)
        return float("nan")
    comps = _components(p)
    if len(comps) == 1:
        return float("nan")
    gen = np.random.default_rng(_PROBE_SEED + 1)
    total = 1.0
    for idx in comps:
        total *= _component_count(p, idx, gen)
        if total == 0.0:
            break
    return total


def _estimate(p: _Problem) -> tuple[float, float, float, float]:
    """(estimated nodes, fixed points, seconds of the search alone, cost unit) from Knuth's
    random-probe estimator; the fixed points as a product over uncoupled blocks when J has several
    (:func:`_fixed_point_count`), which is exact for blocks of up to 16 spins.

    100 probes first; when they predict a large search, 1000 more (seeded: repeatable).
    The probes are timed: their fastest cost per level and spin measures this machine's
    speed, the load average its contention (:func:`_slowdown`), and the search and the
    output are priced in that unit.
    """
    from esorma.attractors import _enum_kernels as K

    gen = np.random.default_rng(_PROBE_SEED)
    u = gen.random((100, p.n + 1))
    args = (p.JT, p.aJT, p.J0, p.diag, p.t, p.tols, p.sym)
    K.knuth_estimate_leaves(*args, u[:1])  # compiled / loaded before timing
    t0 = time.perf_counter()
    nodes, fps, levels = K.knuth_estimate_leaves(*args, u)
    first = time.perf_counter() - t0
    units = [first / max(1.0, float(levels) * p.n)]
    if nodes > _SMALL_SEARCH:
        more_u = gen.random((_N_PROBES, p.n + 1))
        t0 = time.perf_counter()
        more, more_fps, more_levels = K.knuth_estimate_leaves(*args, more_u)
        units.append((time.perf_counter() - t0) / max(1.0, float(more_levels) * p.n))
        nodes = (100 * nodes + _N_PROBES * more) / (100 + _N_PROBES)
        fps = (100 * fps + _N_PROBES * more_fps) / (100 + _N_PROBES)
    by_blocks = _fixed_point_count(p)
    if by_blocks == by_blocks:  # several uncoupled blocks: their product is far less noisy
        fps = by_blocks
    threads = max(1, min(_n_threads(), _CPUS, 64))

    def search_seconds(unit):
        return _NODE_PER_LEVEL * nodes * p.n * unit * _slowdown(threads) / threads

    # one short timing is noisy (a preemption makes it look slow): when the estimate is large
    # enough to matter, time the probes again, up to _TIMING_SECONDS, and keep the fastest
    spent = first
    while (spent < _TIMING_SECONDS and len(units) < 50
           and search_seconds(min(units))
           + _output_seconds(p, fps, min(units) * _slowdown(1)) > 0.5):
        t0 = time.perf_counter()
        K.knuth_estimate_leaves(*args, u)
        dt = time.perf_counter() - t0
        spent += dt
        units.append(dt / max(1.0, float(levels) * p.n))
    # the fastest timing is the machine's speed without contention; the load average then
    # says how many runnable tasks share the cores
    unit = float(min(units))
    return float(nodes), float(fps), search_seconds(unit), unit * _slowdown(1)


def _slowdown(threads: int) -> float:
    """How much slower ``threads`` busy threads run on this machine now: the 1-minute load
    average plus our threads, shared by the cores (at least 1)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        load = 0.0
    return max(1.0, (load + threads) / float(_CPUS))


def _output_seconds(p: _Problem, k: float, unit: float) -> float:
    """Serial cost of handing out ``k`` fixed points (decoding, the final test, the energies
    as a (k, N) x (N, N) product, slower for integer couplings, and the sort), in units of
    the probes' cost per level and spin."""
    n = p.n
    integer = np.issubdtype(p.J_energy.dtype, np.integer)
    per_fp = (_FP_INT if integer else _FP_FLOAT) + _FP_LIN * n + (
        _FP_SQ_INT if integer else _FP_SQ_FLOAT) * n * n
    return _CALL_SECONDS * _slowdown(1) + k * per_fp * unit


def _output_bytes(p: _Problem, k: float, nodes: float, n_subtrees: int = 1024) -> float:
    """Peak memory of ``k`` fixed points of N spins: the codes, the int8 states, the float64
    copies of the energy product and the sorted copy (about 17 N + 40 bytes each), plus the
    per-subtree code buffers of the search (with their reordered copies: three times)."""
    m = n_subtrees if nodes > _SMALL_SEARCH else 1
    return k * (17.0 * p.n + 40.0) + 3 * 8.0 * m * _buffer_width(p, m)


def _check_cost(p: _Problem, max_seconds: float, max_fixed_points: int | None = None,
                store: bool = True) -> float:
    """Refuse up front (with the estimate and the parameter to change) when the search is
    estimated above ``max_seconds``, or when ``store`` and the fixed points would be more
    than ``max_fixed_points`` or not fit in memory. Returns the estimated nodes."""
    nodes, fps, seconds, unit = _estimate(p)
    tie = _free_spins(p)
    tie_note = f", {tie} free spin(s): a factor 2^{tie}" if tie else ""
    if store and max_fixed_points is not None and fps > _FP_MARGIN * max_fixed_points:
        total = seconds + _output_seconds(p, fps, unit)
        raise ValueError(
            f"this N = {p.n} network has about {fps:.3g} fixed points (estimated{tie_note}), "
            f"more than max_fixed_points = {max_fixed_points}; storing them would take about "
            f"{format_bytes(_output_bytes(p, fps, nodes))} and {format_seconds(total)}. "
            "Raise max_fixed_points to run it anyway, or use count_fixed_points / "
            "iter_fixed_points"
        )
    if store:
        seconds += _output_seconds(p, fps, unit)
    if seconds > max_seconds:
        out = f" and hand out about {fps:.3g} fixed points{tie_note}" if store else ""
        raise ValueError(
            f"exact enumeration of this N = {p.n} network would visit about {nodes:.2g} "
            f"search nodes{out}, an estimated {format_seconds(seconds)} on {_n_threads()} "
            f"thread(s), more than max_seconds = {max_seconds:g}; pass a larger max_seconds "
            "to run it anyway, or use the sampled attractor search"
        )
    if store and _output_bytes(p, fps, nodes) > _CHECKED_BYTES:
        check_memory(_output_bytes(p, fps, nodes),
                     f"about {fps:.3g} fixed points of N = {p.n} spins",
                     hint="lower max_fixed_points, or use count_fixed_points / iter_fixed_points")
    return nodes


def _frontier(p: _Problem, n_subtrees: int, start: np.ndarray | None = None):
    """Expand the top of the search tree (or of the subtree below the partial assignment
    ``start``) serially until it has >= n_subtrees open nodes.

    Returns ``(roots (M, N) int8, leaf codes met on the way, nodes evaluated)``. Depends only
    on the problem, ``start`` and ``n_subtrees`` (never on the thread count).
    """
    from esorma.attractors import _enum_kernels as K

    if start is None:
        nodes = np.zeros((1, p.n), dtype=np.int8)
    else:
        nodes = np.ascontiguousarray(start, dtype=np.int8).reshape(1, p.n)
    leaves = []
    visited = 0
    if n_subtrees <= 1:
        return nodes, np.empty(0, np.uint64), 0
    while 0 < nodes.shape[0] < n_subtrees:
        children, lv, m = K.expand_frontier(p.JT, p.aJT, p.J0, p.diag, p.t, p.tols, p.sym, nodes)
        visited += int(m)
        leaves.append(lv)
        nodes = children
    codes = np.concatenate(leaves) if leaves else np.empty(0, np.uint64)
    return nodes, codes, visited


def _search(p: _Problem, roots, *, store: bool, limit: int, cap: int, parallel: bool):
    """Search below every root (in parallel when ``parallel``); return (per-root code arrays
    or None, counts, visited, aborted)."""
    from esorma.attractors import _enum_kernels as K

    kernel = K.dfs_many if parallel and roots.shape[0] > 1 else K.dfs_many_serial

    def run(rts, width):
        m = rts.shape[0]
        out = np.zeros((m, width), np.uint64)
        res = np.zeros((m, 3), np.int64)
        # the threads take subtrees one at a time off a shared counter (dynamic scheduling);
        # whole regions of the tree (e.g. all subtrees below s_k = +1) differ in size, so the
        # subtrees are shuffled (fixed seed) to spread the large ones over the queue; results
        # are put back in subtree order: the output does not depend on the shuffle, the
        # number of threads or which thread ran which subtree
        perm = np.random.default_rng(_PROBE_SEED).permutation(m)
        kernel(p.JT, p.aJT, p.J0, p.diag, p.t, p.tols, p.sym, p.sym_j, rts[perm], out, limit, res,
               _n_threads())
        out[perm] = out.copy()
        res[perm] = res.copy()
        return out, res[:, 0], res[:, 1], res[:, 2].astype(bool)

    width = cap if store else 0
    out, counts, visited, aborted = run(roots, width)
    if not store or aborted.any() or int(counts.sum()) >= limit:
        # over the limit in total (no single subtree reached it): stop before any rerun
        return None, counts, visited, aborted
    per_root = [out[k, : counts[k]] for k in range(roots.shape[0])]
    over = np.flatnonzero(counts > width)
    if over.size:
        # a few subtrees held more fixed points than the buffer: search them again
        wide = int(counts[over].max())
        check_memory(8.0 * wide * over.size, "the fixed-point buffer")
        out2, c2, _, _ = run(roots[over], wide)
        for r, k in enumerate(over):
            per_root[k] = out2[r, : c2[r]]
    return per_root, counts, visited, aborted


def _too_many(max_fixed_points: int, n: int) -> ValueError:
    return ValueError(
        f"the network has more than max_fixed_points = {max_fixed_points} fixed points "
        f"(N = {n}; e.g. J = 0 makes all 2^N states fixed points); raise max_fixed_points "
        "or use count_fixed_points"
    )


def _validate_common(max_seconds, n_subtrees, max_fixed_points):
    if not (isinstance(max_seconds, (int, float)) and max_seconds == math.inf):
        max_seconds = check_real(max_seconds, "max_seconds", minimum=0.0, strict_min=True)
    n_subtrees = check_int(n_subtrees, "n_subtrees", minimum=1, maximum=1 << 16)
    max_fixed_points = check_int(max_fixed_points, "max_fixed_points", minimum=1)
    return max_seconds, n_subtrees, max_fixed_points


def _final_test(p: _Problem, states: np.ndarray) -> np.ndarray:
    """Keep the candidate states with ``s_i h_i >= -tol``, ``h = scale * (J s) - theta``.

    ``J s`` is exact (int64) for integer couplings and a float64 product otherwise: the same
    arithmetic as a brute-force check or the network's ``fields``. Processed in chunks.
    """
    if not p.needs_filter or states.shape[0] == 0:
        return states
    keep = np.empty(states.shape[0], dtype=bool)
    Jm = p.J_energy
    integer = np.issubdtype(Jm.dtype, np.integer)
    JmT = (Jm.astype(np.int64) if integer else Jm).T
    for a in range(0, states.shape[0], 1 << 15):
        s = states[a : a + (1 << 15)]
        Js = (s.astype(np.int64) if integer else s.astype(np.float64)) @ JmT
        h = p.scale * Js - p.theta if p.scale != 1.0 else Js - p.theta
        keep[a : a + s.shape[0]] = np.all(s * h >= -p.tol, axis=1)
    return states[keep]


def _energies(p: _Problem, states: np.ndarray) -> np.ndarray:
    if states.shape[0] == 0:
        return np.empty(0, np.float64)
    Jm = p.J_energy
    if np.issubdtype(Jm.dtype, np.integer):
        Js = states.astype(np.int64) @ Jm.astype(np.int64).T  # exact
        quad = np.einsum("ki,ki->k", states.astype(np.int64), Js).astype(np.float64)
    else:
        Js = states.astype(np.float64) @ Jm.T
        quad = np.einsum("ki,ki->k", states.astype(np.float64), Js)
    return -0.5 * p.scale * quad + states.astype(np.float64) @ p.theta


# --------------------------------------------------------------------------- public API


def enumerate_fixed_points(
    J,
    theta=None,
    *,
    tol: float = 0.0,
    sort: str = "energy",
    max_seconds: float = 600.0,
    max_fixed_points: int = 1 << 22,
    n_subtrees: int = 1024,
    method: str = "auto",
) -> FixedPoints:
    """Every fixed point ``s_i h_i >= 0`` (``h = J s - theta``) of a network, exactly.

    Parameters
    ----------
    J : array_like (N, N) or network
        Couplings (any real matrix, symmetric or not; integer couplings such as int16 Hebb
        matrices decide ties exactly), or a network object with attributes ``.J``,
        ``.theta`` and optionally ``.scale`` (the effective couplings are ``scale * J``).
        N <= 64.
    theta : array_like (N,) or float, optional
        Thresholds (default 0). Must be None when ``J`` is a network.
    tol : float, default 0
        Count ``s_i h_i >= -tol`` as stable. Leave 0 for exact or integer couplings; a tiny
        positive value makes float couplings with exact ties in real arithmetic (e.g.
        ``xi.T @ xi / N`` stored as float) behave like their integer form.
    sort : {"energy", "lex"}
        Order of the rows: by energy then lexicographically, or lexicographically only
        (rows compared as sequences of -1/+1, spin 0 first).
    max_seconds : float, default 600
        Refuse up front (ValueError, with the estimate) when the estimated run time, the
        search plus handing out the fixed points, is larger.
    max_fixed_points : int, default 2^22
        Refuse up front (ValueError, with the estimate) when the estimated number of fixed
        points is more than twice this (degenerate couplings: J = 0, uncoupled blocks, free
        spins), and stop with ValueError when the exact count is larger. Storing them takes
        about ``17 N + 40`` bytes each; more than fits in memory is refused (MemoryError).
    n_subtrees : int, default 1024
        Independent subtrees searched in parallel; the result does not depend on it, nor
        on the number of threads.
    method : {"auto", "low-rank", "branch-and-bound"}
        ``"auto"`` takes the low-rank search (:func:`esorma.attractors.hebb_fixed_points`,
        polynomial in N for few patterns, any N) for a network built by
        ``Hopfield.from_patterns(xi, "hebb")`` when N > 64, when it has at most 20 neuron
        classes, or up to 64 when it is estimated faster (:func:`esorma.attractors.lowrank.
        use_lowrank`), and the branch-and-bound otherwise; ``FixedPoints.method`` says which
        ran.

    Returns
    -------
    FixedPoints
        ``states`` (K, N) int8, ``energies`` (K,), plus ``n_visited``, ``seconds``,
        ``method``, ``used_symmetry``, ``n_subtrees``, ``estimated_nodes``.

    Raises
    ------
    ValueError
        Non-square or non-finite ``J``, wrong shape of ``theta``, N > 64, an estimated cost
        above ``max_seconds`` or more than ``max_fixed_points`` fixed points.

    Notes
    -----
    Branch-and-bound over partial assignments. For every spin the search keeps the partial
    field of the assigned spins ``q_i`` and the bound ``R_i = sum |J_ij|`` over the
    unassigned ``j``, both updated in O(N) per step. A node is cut as soon as

    * an assigned spin fails ``s_i (q_i - theta_i) + J_ii + R_i >= 0`` (it cannot become
      stable whatever the remaining spins do),
    * an unassigned spin has no admissible value, or
    * the sum of these conditions over the assigned spins fails even with the remaining
      spins chosen for the sum: ``sum_i [s_i (q_i - theta_i) + J_ii] + sum_j |p_j| < 0``
      with ``p_j = sum_{i assigned} s_i J_ij`` (this cuts the balanced partial states of
      ferromagnetic and low-load Hebb couplings that the per-spin test keeps), or
    * the same sum fails over the deficit set ``D`` alone, the assigned spins with
      ``c_i = s_i (q_i - theta_i) + J_ii < 0`` (``p_j`` summed over ``D``): the spins that still
      need help from the unassigned ones often need the same spins with opposite signs
      (with the branching rule below, 6x fewer nodes for SK couplings at N = 40, 8x at 44).

    Spins with a single admissible value are assigned first (propagation); otherwise the
    search branches on the free spin with the largest ``R_i + 3 |p_i|`` (``p`` summed
    over the deficit set ``D``: the spin the unstable ones depend on most). With
    ``theta = 0`` the set of fixed points is symmetric under ``s -> -s``: the first spin is
    fixed to +1 and both states are emitted. The top of the tree is expanded serially into
    about ``n_subtrees`` independent subtrees, handed out one at a time to Numba's threads
    (an atomic counter: a thread slowed down by another job on its core never holds back
    the others) and concatenated in order, so the output is the same for any number of
    threads. For integer couplings (and integer ``theta / scale``) all tests are exact
    integer arithmetic in float64, so ties ``h_i = 0`` are decided exactly.

    Cost: O(N) time per visited node and O(N^2) memory per thread, plus O(N) bytes per fixed
    point. For SK couplings the number of visited nodes grows roughly like ``exp(0.4 N)``:
    about 1.7e7 at N = 40 and 8e7 at N = 44 (a fraction 5e-6 of the 2^N states), i.e.
    about 3.5 s and 18 s of CPU time, shared by the threads (8x fewer nodes and 2.6x less
    CPU time than before the deficit-set bound; ``benchmarks/bench_enumeration.py``).
    Beyond N = 48 or so, split the search over several machines with
    :func:`esorma.attractors.enumerate_fixed_points_distributed` (Dask, resumable).
    Ferromagnetic and low-load Hebb couplings are harder for these bounds (about 1e9 nodes
    for a 40-spin ferromagnet). The cost is estimated up front with Knuth's random-probe
    estimator (1000 random root-to-leaf paths; reported as ``estimated_nodes``) and the call
    is refused when the estimate exceeds ``max_seconds``. The number of fixed points itself
    grows like
    ``exp(0.1992 N)`` for SK couplings (Tanaka & Edwards 1980).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.attractors.enumerate import enumerate_fixed_points
    >>> xi = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]], dtype=np.int8)
    >>> J = (xi.T.astype(np.int16) @ xi).astype(np.int16)
    >>> np.fill_diagonal(J, 0)
    >>> fp = enumerate_fixed_points(J)
    >>> bool((fp.states == xi[0]).all(axis=1).any())
    True
    >>> len(fp) == len(np.unique(fp.states, axis=0))
    True
    """
    check_choice(sort, "sort", ("energy", "lex"))
    max_seconds, n_subtrees, max_fixed_points = _validate_common(
        max_seconds, n_subtrees, max_fixed_points
    )
    from esorma.attractors import lowrank

    if lowrank.use_lowrank(J, theta, tol, method):  # a rule-built Hebb network
        return lowrank.lowrank_enumeration(J, sort=sort, max_seconds=max_seconds,
                                           max_fixed_points=max_fixed_points)
    p = _prepare(J, theta, tol)
    t0 = time.perf_counter()
    est = _check_cost(p, max_seconds, max_fixed_points)
    states, n_visited, n_roots = _collect(p, n_subtrees, max_fixed_points, est > _SMALL_SEARCH)
    return _branch_and_bound_result(p, states, sort=sort, n_visited=n_visited, t0=t0,
                                    n_subtrees=n_roots, estimated_nodes=est)


def _branch_and_bound_result(p: _Problem, states: np.ndarray, *, sort: str, n_visited: int,
                             t0: float, n_subtrees: int, estimated_nodes: float) -> FixedPoints:
    """The sorted, read-only :class:`FixedPoints` of a finished branch-and-bound search (one
    process or prefix tasks)."""
    energies = _energies(p, states)
    order = _sort_order(states, energies, sort)
    states = np.ascontiguousarray(states[order])
    energies = energies[order]
    states.setflags(write=False)
    energies.setflags(write=False)
    return FixedPoints(
        states=states,
        energies=energies,
        n_visited=n_visited,
        seconds=time.perf_counter() - t0,
        method="branch-and-bound",
        used_symmetry=p.sym,
        n_subtrees=n_subtrees,
        estimated_nodes=float(estimated_nodes),
        n_neurons=p.n,
    )


def _collect(p: _Problem, n_subtrees: int, max_fixed_points: int, parallel: bool):
    """Run the whole search; return (states (K, N) int8 in search order, n_visited,
    number of subtrees)."""
    from esorma.attractors._enum_kernels import decode_codes

    roots, leaf_codes, v0 = _frontier(p, n_subtrees if parallel else 1)
    if leaf_codes.size > max_fixed_points:
        raise _too_many(max_fixed_points, p.n)
    per_root, counts, visited, aborted = _search(
        p,
        roots,
        store=True,
        limit=max_fixed_points + 1,
        cap=_buffer_width(p, roots.shape[0]),
        parallel=parallel,
    )
    total = int(counts.sum()) + int(leaf_codes.size)
    if aborted.any() or total > max_fixed_points:
        raise _too_many(max_fixed_points, p.n)
    if _output_bytes(p, total, 0) > _CHECKED_BYTES:
        check_memory(_output_bytes(p, total, 0), f"{total} fixed points of N = {p.n} spins",
                     hint="lower max_fixed_points, or use count_fixed_points / iter_fixed_points")
    codes = np.concatenate([leaf_codes, *per_root]) if per_root else leaf_codes
    states = _final_test(p, decode_codes(codes.astype(np.uint64), p.n))
    return states, int(visited.sum()) + v0, int(roots.shape[0])


def _buffer_width(p: _Problem, m: int) -> int:
    """Per-subtree buffer (codes): generous for SK-like counts, at most ~64 MiB in total."""
    expected = 2.0 * math.exp(0.2 * p.n) / max(m, 1)
    width = int(min(max(256, 8 * expected), (8 << 20) / max(m, 1)))
    return max(width, 16)


def _sort_order(states: np.ndarray, energies: np.ndarray, sort: str) -> np.ndarray:
    if states.shape[0] == 0:
        return np.zeros(0, np.int64)
    keys = [states[:, i] for i in range(states.shape[1] - 1, -1, -1)]
    if sort == "energy":
        keys.append(energies)
    return np.lexsort(keys)


def count_fixed_points(
    J,
    theta=None,
    *,
    tol: float = 0.0,
    max_seconds: float = 600.0,
    max_fixed_points: int = 1 << 22,
    n_subtrees: int = 1024,
    method: str = "auto",
) -> int:
    """Number of fixed points of a network.

    Same search, parameters and cost as :func:`enumerate_fixed_points`. With integer
    couplings and thresholds (exact arithmetic) nothing is stored (memory O(N^2) per thread
    whatever the count, and ``max_fixed_points`` is ignored); otherwise the candidate states
    are kept for the final float test. ``method`` as in :func:`enumerate_fixed_points` (the
    low-rank count of a rule-built Hebb network is exact for any N; ``max_fixed_points``
    then bounds its class-count solutions).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.attractors.enumerate import count_fixed_points
    >>> count_fixed_points(np.ones((5, 5)) - np.eye(5))   # ferromagnet: all up, all down
    2
    """
    max_seconds, n_subtrees, max_fixed_points = _validate_common(
        max_seconds, n_subtrees, max_fixed_points
    )
    from esorma.attractors import lowrank

    if lowrank.use_lowrank(J, theta, tol, method):  # a rule-built Hebb network: exact, any N
        return lowrank.lowrank_enumeration(J, max_seconds=max_seconds,
                                           max_fixed_points=max_fixed_points, count_only=True)
    p = _prepare(J, theta, tol)
    parallel = _check_cost(p, max_seconds, max_fixed_points, store=p.needs_filter) > _SMALL_SEARCH
    if p.needs_filter:
        # float near-ties are settled by the final float test, which needs the states
        return int(_collect(p, n_subtrees, max_fixed_points, parallel)[0].shape[0])
    roots, leaf_codes, _ = _frontier(p, n_subtrees if parallel else 1)
    _, counts, _, _ = _search(p, roots, store=False, limit=1 << 62, cap=0, parallel=parallel)
    return int(counts.sum()) + int(leaf_codes.size)


def iter_fixed_points(
    J,
    theta=None,
    *,
    tol: float = 0.0,
    max_seconds: float = 600.0,
    n_subtrees: int = 1024,
    batch: int | None = None,
) -> Iterator[np.ndarray]:
    """Yield the fixed points one by one, as (N,) int8 arrays, in search order.

    The iterator twin of :func:`enumerate_fixed_points`: the same set of states, unsorted
    (``sorted`` by rows they match ``enumerate_fixed_points(..., sort="lex").states``). The
    subtrees are searched lazily, ``batch`` at a time (default 64) in parallel,
    so memory stays proportional to the fixed points of one batch. Input is validated and
    the cost checked when the iterator is created.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.attractors.enumerate import iter_fixed_points
    >>> J = np.ones((4, 4)) - np.eye(4)
    >>> sorted(s.tolist() for s in iter_fixed_points(J))
    [[-1, -1, -1, -1], [1, 1, 1, 1]]
    """
    max_seconds, n_subtrees, _ = _validate_common(max_seconds, n_subtrees, 1)
    if batch is not None:
        batch = check_int(batch, "batch", minimum=1)
    p = _prepare(J, theta, tol)
    parallel = _check_cost(p, max_seconds, store=False) > _SMALL_SEARCH
    return _iterate(p, n_subtrees, batch, parallel)


def _iterate(p: _Problem, n_subtrees: int, batch: int | None, parallel: bool):
    from esorma.attractors._enum_kernels import decode_codes

    roots, leaf_codes, _ = _frontier(p, n_subtrees)
    yield from _final_test(p, decode_codes(leaf_codes, p.n))
    size = batch or 64
    for start in range(0, roots.shape[0], size):
        chunk = roots[start : start + size]
        per_root, _, _, _ = _search(
            p,
            chunk,
            store=True,
            limit=1 << 62,
            cap=_buffer_width(p, roots.shape[0]),
            parallel=parallel,
        )
        for codes in per_root:
            yield from _final_test(p, decode_codes(codes, p.n))


def estimate_enumeration_cost(J, theta=None, *, tol: float = 0.0) -> dict:
    """Estimated cost of :func:`enumerate_fixed_points` (no search).

    Knuth's random-probe estimator over 1100 random root-to-leaf paths (seeded, so
    repeatable) gives the search nodes and the number of fixed points, the latter floored by
    the tie structure (``free_spins`` spins coupled to nothing double the count each: all-zero
    or block couplings make most states fixed points). ``seconds`` is the search (at the
    machine's speed now, measured by timing the probes) plus handing out the fixed points; ``bytes``
    is the peak memory of storing them. :func:`enumerate_fixed_points` refuses up front from
    these numbers (``max_fixed_points``, ``max_seconds``, available memory).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.attractors.enumerate import estimate_enumeration_cost
    >>> est = estimate_enumeration_cost(np.ones((6, 6)) - np.eye(6))
    >>> sorted(est)[:4]
    ['bytes', 'fixed_points', 'free_spins', 'n_neurons']
    >>> sorted(est)[4:]
    ['n_threads', 'nodes', 'search_seconds', 'seconds']
    >>> estimate_enumeration_cost(np.zeros((30, 30)))["fixed_points"] == 2.0**30
    True
    """
    p = _prepare(J, theta, tol)
    nodes, fps, seconds, unit = _estimate(p)
    return {
        "n_neurons": p.n,
        "nodes": nodes,
        "fixed_points": fps,
        "free_spins": _free_spins(p),
        "search_seconds": seconds,
        "seconds": seconds + _output_seconds(p, fps, unit),
        "bytes": _output_bytes(p, fps, nodes),
        "n_threads": _n_threads(),
    }

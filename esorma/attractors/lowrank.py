"""Exact fixed points of Hebb networks at low load, in time polynomial in N for fixed P.

For Hebb couplings ``J = ξᵀξ / N`` (zero diagonal, or with the self-coupling ``P/N`` kept) the
raw field on neuron ``i`` is ``ξ_iᵀ m − d s_i`` with the overlaps ``m = ξ s`` (integers) and
``d = P`` (zero diagonal) or ``d = 0`` (self-coupling kept). Write ``u_i = ξ_iᵀ m``. Neuron
``i`` may be +1 iff ``u_i ≥ a_i`` and −1 iff ``u_i ≤ b_i``, for two integers found once per
neuron from its threshold with the network's own float test (so ties ``h_i = 0`` are decided
exactly as :meth:`esorma.Hopfield.is_fixed_point` decides them). Neurons with the same column
of pattern bits and the same ``(a_i, b_i)`` are interchangeable: at most ``2^P`` classes when
θ is uniform. A fixed point is then a number ``k_c`` of +1 neurons per class such that, with
``m = Σ_c ξ_c (2 k_c − n_c)``, every class is stable; it stands for ``Π_c C(n_c, k_c)`` states
(a class can be split, ``0 < k_c < n_c``, only where ``a_c ≤ u_c ≤ b_c``: with a zero diagonal
``b_c = a_c − 2P - 1`` or so, so never; with the self-coupling kept only on exact ties).

The classes are searched depth-first (largest first) with interval bounds: after the first
``t`` classes are chosen, ``u_c`` lies within ``Σ_{d ≥ t} |ξ_c·ξ_d| n_d`` of its partial value,
and a branch is cut as soon as some class can be stable in none of its options. The cost is
estimated up front (:func:`hebb_enumeration_cost`, Knuth's random probes of the class tree)
and refused above ``max_seconds``: P ≤ 6 (≤ 32 classes) runs in seconds at any N, P = 7 (64
classes) is estimated at ~10^15 nodes and refused.

:func:`esorma.attractors.enumerate_fixed_points` and
:func:`~esorma.attractors.count_fixed_points` take this search by themselves for a network
built by ``Hopfield.from_patterns(xi, "hebb")`` (:func:`use_lowrank`), and return the usual
``FixedPoints`` with ``method="low-rank"`` and the class-count solutions in ``compact``
(:func:`lowrank_enumeration`); :meth:`HebbFixedPoints.labels` labels them in class space.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._numba import njit
from esorma._results import summarized
from esorma._validation import check_int, check_real

__all__ = [
    "HebbFixedPoints",
    "hebb_fixed_points",
    "hebb_enumeration_cost",
    "is_lowrank_hebb",
    "lowrank_enumeration",
    "use_lowrank",
    "DENSE_STATES_BYTES",
    "AUTO_MAX_CLASSES",
]

_BIG = np.int64(1) << 50


@summarized
@dataclass(frozen=True)
class HebbFixedPoints:
    """Every fixed point of a Hebb network, stored compactly by neuron class.

    Attributes
    ----------
    class_bits : ndarray of int8, shape (C, P)
        The gauged column ``g_i ξ_i`` of pattern bits shared by the neurons of each class.
    class_sizes : ndarray of int64, shape (C,)
        ``n_c``, neurons per class.
    neuron_class : ndarray of int32, shape (N,)
        The class of each neuron.
    gauge : ndarray of int8, shape (N,)
        ``g_i = ξ_i^1``: classes count the gauged spins ``g_i s_i`` (a neuron and one with the
        opposite column see opposite fields, so they share a class in this frame).
    plus_counts : ndarray of int64, shape (K, C)
        One row per solution: ``k_c``, the number of gauged spins ``g_i s_i = +1`` in class
        ``c`` (the first ``k_c`` of the class in index order in :meth:`representatives`).
    multiplicity : ndarray of float64, shape (K,)
        ``Π_c C(n_c, k_c)``: states the solution stands for (1 unless a class is split on a tie).
    overlaps : ndarray of int64, shape (K, P)
        ``m = ξ s`` (unnormalised) of each solution (the same for all states it stands for).
    energies : ndarray of float64, shape (K,)
        Energy of the representative state of each solution (of every state it stands for when
        θ is uniform over each class).
    n_fixed_points : float
        Total number of fixed points ``Σ multiplicity`` (exact below 2**53).
    n_visited : int
        Search nodes (partial class assignments) evaluated.
    seconds : float
    self_coupling : bool
        True when the diagonal ``P/N`` was kept.
    method : str
        ``"low-rank"``.
    n_neurons : int
    """

    class_bits: np.ndarray
    class_sizes: np.ndarray
    neuron_class: np.ndarray
    gauge: np.ndarray
    plus_counts: np.ndarray
    multiplicity: np.ndarray
    overlaps: np.ndarray
    energies: np.ndarray
    n_fixed_points: float
    n_visited: int
    seconds: float = field(metadata={"unit": "s", "description": "wall-clock time"})
    self_coupling: bool = False
    method: str = "low-rank"
    n_neurons: int = 0

    def __len__(self) -> int:
        return int(self.plus_counts.shape[0])

    @property
    def n_solutions(self) -> int:
        """Number of class-count solutions K (≤ the number of fixed points)."""
        return int(self.plus_counts.shape[0])

    def representatives(self) -> np.ndarray:
        """One state per solution, shape (K, N) int8: in class ``c`` the ``k_c`` neurons of
        lowest index are +1 (in the gauged frame)."""
        return self._materialise(self.plus_counts)

    def _materialise(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty((rows.shape[0], self.n_neurons), dtype=np.int8)
        whole = np.all((rows == 0) | (rows == self.class_sizes[None, :]), axis=1)
        if np.all(whole):  # no split class: one sign per class
            sigma = np.where(rows > 0, 1, -1).astype(np.int8)
            step = max(1, (1 << 24) // max(self.n_neurons, 1))
            for lo in range(0, rows.shape[0], step):
                out[lo : lo + step] = sigma[lo : lo + step][:, self.neuron_class]
                out[lo : lo + step] *= self.gauge
            return out
        rank = _rank_in_class(self.neuron_class, self.class_sizes.shape[0])
        step = max(1, (1 << 22) // max(self.n_neurons, 1))
        for lo in range(0, rows.shape[0], step):
            k = rows[lo : lo + step][:, self.neuron_class]
            out[lo : lo + step] = np.where(rank[None, :] < k, self.gauge, -self.gauge)
        return out

    def states(self, limit: int = 1 << 20) -> np.ndarray:
        """All fixed points as (n_fixed_points, N) int8, in solution order (ValueError above
        ``limit``)."""
        limit = check_int(limit, "limit", minimum=0)
        if self.n_fixed_points > limit:
            raise ValueError(
                f"this network has {self.n_fixed_points:.6g} fixed points, more than "
                f"limit = {limit}; use plus_counts / representatives() or raise limit"
            )
        single = self.multiplicity == 1.0
        if np.all(single):
            return self.representatives()
        from itertools import combinations, product

        members = [np.flatnonzero(self.neuron_class == c) for c in range(self.class_sizes.size)]
        out = []
        for row in self.plus_counts:
            choices = []
            for c, k in enumerate(row):
                if k == 0 or k == members[c].size:
                    choices.append([members[c][:k]])
                else:
                    choices.append([np.array(t, dtype=np.int64)
                                    for t in combinations(members[c], int(k))])
            for pick in product(*choices):
                s = np.full(self.n_neurons, -1, dtype=np.int8)
                for idx in pick:
                    s[idx] = 1
                out.append(s * self.gauge)
        if not out:
            return np.empty((0, self.n_neurons), dtype=np.int8)
        return np.stack(out)

    def labels(self, *, tol: float = 0.0, max_order: int = 7):
        """Labels of the solutions' representatives (stored pattern, reversed pattern, odd
        symmetric mixture or spurious), computed on the classes in O(K C) per candidate
        reference state, whatever N is: see :func:`esorma.attractors.label_class_counts`."""
        from esorma.attractors.labels import label_class_counts

        return label_class_counts(self.plus_counts, self.class_bits, self.class_sizes,
                                  tol=tol, max_order=max_order, energies=self.energies)


def _rank_in_class(neuron_class: np.ndarray, n_classes: int) -> np.ndarray:
    order = np.argsort(neuron_class, kind="stable")
    sizes = np.bincount(neuron_class, minlength=n_classes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(neuron_class.size, dtype=np.int64)
    rank[order] = np.arange(neuron_class.size) - np.repeat(starts, sizes)
    return rank


def is_lowrank_hebb(network) -> bool:
    """True for a network built by ``Hopfield.from_patterns(xi, "hebb")`` (its J is ξᵀξ with a
    zero diagonal, known without looking at J)."""
    return bool(getattr(network, "_low_rank", False)) and network.patterns is not None


# --------------------------------------------------------------------------- thresholds


def _field_fn(integer: bool, scale: float, n: int):
    """The network's own float field from an integer raw field (see Hopfield.raw_fields)."""
    if integer:
        return lambda r, th: scale * r.astype(np.float64) - th
    return lambda r, th: scale * (r.astype(np.float64) / n) - th


def _thresholds(theta, d: int, bound: int, fieldf):
    """Per neuron: ``a`` = least integer u with field(u - d) >= 0 (+1 allowed for u >= a),
    ``b`` = largest integer u with field(u + d) <= 0 (−1 allowed for u <= b); clipped to
    ±(bound + 1) (beyond every reachable u)."""
    n = theta.size
    lo = np.full(n, -bound - 1, dtype=np.int64)
    hi = np.full(n, bound + 1, dtype=np.int64)
    # a: smallest u in [lo, hi] with ok(u); hi stands for "never" when ok(hi) fails
    a_lo, a_hi = lo.copy(), hi.copy()
    while np.any(a_lo < a_hi):
        mid = (a_lo + a_hi) // 2
        ok = fieldf(mid - d, theta) >= 0
        a_hi = np.where(ok, mid, a_hi)
        a_lo = np.where(ok, a_lo, mid + 1)
    a = a_lo
    a = np.where(fieldf(a - d, theta) >= 0, a, _BIG)
    b_lo, b_hi = lo.copy(), hi.copy()
    while np.any(b_lo < b_hi):
        mid = (b_lo + b_hi + 1) // 2
        ok = fieldf(mid + d, theta) <= 0
        b_lo = np.where(ok, mid, b_lo)
        b_hi = np.where(ok, b_hi, mid - 1)
    b = b_lo
    b = np.where(fieldf(b + d, theta) <= 0, b, -_BIG)
    return a, b


# --------------------------------------------------------------------------- search kernel


@njit(cache=True)
def _node_ok(c, u, R, kk, sizes, a, b):
    """Can every class still be stable once classes 0..c are fixed (counts ``kk``), with the
    partial class fields ``u`` and the slack ``R`` of the classes not yet fixed?"""
    C = sizes.shape[0]
    for e in range(C):
        ue = u[e]
        r = R[e]
        lo = ue - r
        hi = ue + r
        if e <= c:
            ke = kk[e]
            if ke == 0:
                ilo = -_BIG
                ihi = b[e]
            elif ke == sizes[e]:
                ilo = a[e]
                ihi = _BIG
            else:
                ilo = a[e]
                ihi = b[e]
            if hi < ilo or lo > ihi:
                return False
        else:
            if lo > b[e] and hi < a[e]:
                return False
    return True


@njit(cache=True)
def _n_options(c, sizes, a, b):
    """Options of class c: k = 0, k = n_c and, only where a tie lets it split, 1..n_c-1."""
    if a[c] <= b[c]:
        return sizes[c] + 1
    return 2


@njit(cache=True)
def _option_k(j, n):
    # j=0 -> k=0, j=1 -> k=n, j=2..n -> k=j-1 (split class)
    if j == 0:
        return 0
    if j == 1:
        return n
    return j - 1


@njit(cache=True)
def _search(G, R, sizes, a, b, first_plus_only, max_solutions):
    """Depth-first search over the classes. Returns (k rows, count, visited, overflow)."""
    C = sizes.shape[0]
    out = np.empty((min(max_solutions, 1024), C), dtype=np.int64)
    n_out = 0
    visited = 0
    u = np.zeros((C + 1, C), dtype=np.int64)
    choice = np.full(C + 1, -1, dtype=np.int64)
    kk = np.zeros(C, dtype=np.int64)
    depth = 0
    overflow = False
    while depth >= 0:
        c = depth
        choice[c] += 1
        j = choice[c]
        n = sizes[c]
        if j == 0 and first_plus_only and c == 0:
            continue
        if j >= _n_options(c, sizes, a, b):
            choice[c] = -1
            depth -= 1
            continue
        k = _option_k(j, n)
        sig = 2 * k - n
        visited += 1
        for e in range(C):
            u[c + 1, e] = u[c, e] + G[e, c] * sig
        kk[c] = k
        if not _node_ok(c, u[c + 1], R[c + 1], kk, sizes, a, b):
            continue
        if c + 1 == C:
            if n_out < max_solutions:
                if n_out == out.shape[0]:
                    grown = np.empty((min(2 * n_out, max_solutions), C), dtype=np.int64)
                    grown[:n_out] = out
                    out = grown
                for e in range(C):
                    out[n_out, e] = kk[e]
            else:
                overflow = True
            n_out += 1
            continue
        depth += 1
        choice[depth] = -1
    return out[: min(n_out, max_solutions)], n_out, visited, overflow


@njit(cache=True)
def _knuth(G, R, sizes, a, b, first_plus_only, rand):
    """Knuth's random-probe estimate of the search: one random root-to-leaf path per row of
    ``rand`` (uniform numbers), choosing uniformly among the feasible children. Returns the
    mean estimated (nodes evaluated, solutions) and the node evaluations the probes did."""
    C = sizes.shape[0]
    u = np.zeros((C + 1, C), dtype=np.int64)
    kk = np.zeros(C, dtype=np.int64)
    ok_k = np.zeros(C + 1, dtype=np.int64)
    tot_nodes = 0.0
    tot_leaves = 0.0
    work = 0
    for p in range(rand.shape[0]):
        weight = 1.0
        nodes = 0.0
        for c in range(C):
            n = sizes[c]
            n_opt = _n_options(c, sizes, a, b)
            m = 0
            evaluated = 0
            for j in range(n_opt):
                if j == 0 and first_plus_only and c == 0:
                    continue
                k = _option_k(j, n)
                sig = 2 * k - n
                evaluated += 1
                for e in range(C):
                    u[c + 1, e] = u[c, e] + G[e, c] * sig
                kk[c] = k
                if _node_ok(c, u[c + 1], R[c + 1], kk, sizes, a, b):
                    ok_k[m] = k
                    m += 1
            work += evaluated
            nodes += weight * evaluated
            if m == 0:
                weight = 0.0
                break
            pick = min(int(rand[p, c] * m), m - 1)
            k = ok_k[pick]
            sig = 2 * k - n
            for e in range(C):
                u[c + 1, e] = u[c, e] + G[e, c] * sig
            kk[c] = k
            weight *= m
        tot_nodes += nodes
        tot_leaves += weight
    n_p = max(rand.shape[0], 1)
    return tot_nodes / n_p, tot_leaves / n_p, work


# --------------------------------------------------------------------------- public


@dataclass(frozen=True)
class _Classes:
    """The class structure of one Hebb network (internal)."""

    xi: np.ndarray
    theta: np.ndarray
    integer: bool
    scale: float
    d_self: int
    gauge: np.ndarray
    inv: np.ndarray
    sizes: np.ndarray
    cbits: np.ndarray
    G: np.ndarray
    R: np.ndarray
    a: np.ndarray
    b: np.ndarray
    sym: bool

    @property
    def n_classes(self) -> int:
        return int(self.sizes.size)


def _classes(network, patterns, theta, self_coupling) -> _Classes:
    """Validate the input and split the neurons into classes (bit column, thresholds)."""
    from esorma._validation import check_patterns, check_thresholds

    if network is not None:
        if patterns is not None or theta is not None or self_coupling:
            raise ValueError("give either network, or patterns (with theta, self_coupling)")
        if not is_lowrank_hebb(network):
            raise ValueError(
                "network must be built by Hopfield.from_patterns(xi, 'hebb') (its couplings "
                f"are then known to be ξᵀξ/N); got {network!r}"
            )
        xi = network.patterns
        th = network.theta
        integer = network.is_integer
        scale = float(network.scale)
        d_self = xi.shape[0]
    else:
        if patterns is None:
            raise ValueError("give network or patterns")
        xi = check_patterns(patterns)
        th = check_thresholds(theta, xi.shape[1])
        integer, scale = True, 1.0 / xi.shape[1]
        d_self = 0 if self_coupling else xi.shape[0]
    p, n = xi.shape
    fieldf = _field_fn(integer, scale, n)
    th = np.asarray(th, dtype=np.float64)
    a, b = _thresholds(th, d_self, p * n, fieldf)

    # gauge s'_i = g_i s_i with g_i = ξ_i^1: a neuron with column -ξ_i and thresholds
    # (-b_i, -a_i) behaves exactly as one with column ξ_i and (a_i, b_i), so classes pair up
    g = xi[0].astype(np.int64)
    a, b = np.where(g > 0, a, -b), np.where(g > 0, b, -a)
    # classes: same gauged bit column and same (a, b)
    bits = ((xi.T * g[:, None]) > 0).astype(np.int64)
    code = (bits << np.arange(p)).sum(axis=1)
    keys = np.stack([code, a, b], axis=1)
    uniq, inv, sizes = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inv = inv.reshape(-1)
    order = np.lexsort((uniq[:, 0], -sizes))  # largest first
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    uniq, sizes, inv = uniq[order], sizes[order], rank[inv]
    C = sizes.size
    cbits = np.where((uniq[:, :1] >> np.arange(p)) & 1, 1, -1).astype(np.int64)
    G = cbits @ cbits.T
    aG = np.abs(G) * sizes[None, :]
    R = np.zeros((C + 1, C), dtype=np.int64)
    R[:C] = np.cumsum(aG[:, ::-1], axis=1)[:, ::-1].T
    ca = np.ascontiguousarray(uniq[:, 1])
    cb = np.ascontiguousarray(uniq[:, 2])
    # spin-flip symmetry: θ = 0 and the largest class never split
    sym = bool(np.all(th == 0.0)) and bool(ca[0] > cb[0]) and np.array_equal(ca, -cb)
    return _Classes(xi=xi, theta=th, integer=bool(integer), scale=scale, d_self=int(d_self),
                    gauge=g, inv=inv, sizes=sizes.astype(np.int64), cbits=cbits, G=G, R=R,
                    a=ca, b=cb, sym=sym)


_N_PROBES = 256
_PROBE_SEED = 20261206
_SEARCH_PER_PROBE = 2.5  # measured: 1.9-3.2 for P = 6-12 (benchmarks/bench_lowrank_enumeration.py)


def _estimate(k: _Classes) -> dict:
    """Knuth's random-probe estimate of the class search, timed on this machine."""
    rand = np.random.default_rng(_PROBE_SEED).random((_N_PROBES, max(k.n_classes, 1)))
    args = (k.G, k.R, k.sizes, k.a, k.b, k.sym)
    _knuth(*args, rand[:1])  # compiled / loaded before timing
    t0 = time.perf_counter()
    nodes, leaves, work = _knuth(*args, rand)
    dt = time.perf_counter() - t0
    # one node costs O(C) in the search as in the probes; measured, a search node costs
    # about _SEARCH_PER_PROBE probe nodes (the search's deeper stacks and solution output)
    per_node = _SEARCH_PER_PROBE * dt / max(work, 1)
    factor = 2.0 if k.sym else 1.0
    return {
        "n_classes": k.n_classes,
        "nodes": float(nodes),
        "solutions": float(leaves) * factor,
        "seconds": float(nodes) * per_node,
    }


def hebb_enumeration_cost(network=None, *, patterns=None, theta=None,
                          self_coupling: bool = False) -> dict:
    """Estimated cost of :func:`hebb_fixed_points` (no search).

    Returns a dict with ``n_classes`` (neuron classes, at most ``2^(P-1)`` per distinct
    threshold pair), ``nodes`` and ``solutions`` (Knuth's random-probe estimate over 256
    seeded root-to-leaf paths of the class tree) and ``seconds`` (the nodes priced by timing
    the probes on this machine now).

    Examples
    --------
    >>> from esorma.patterns import random_patterns
    >>> est = hebb_enumeration_cost(patterns=random_patterns(3, 500, rng=0))
    >>> est["n_classes"], sorted(est)
    (4, ['n_classes', 'nodes', 'seconds', 'solutions'])
    """
    return _estimate(_classes(network, patterns, theta, self_coupling))


def hebb_fixed_points(
    network=None,
    *,
    patterns=None,
    theta=None,
    self_coupling: bool = False,
    max_solutions: int = 1 << 22,
    max_classes: int = 64,
    max_seconds: float = 600.0,
) -> HebbFixedPoints:
    """Every fixed point (``s_i h_i ≥ 0`` for all i) of a Hebb network, exactly.

    Parameters
    ----------
    network : Hopfield, optional
        A network built by ``Hopfield.from_patterns(xi, "hebb")`` (integer or float counts).
    patterns : array_like (P, N), optional
        Instead of ``network``: the patterns; couplings ``ξᵀξ/N`` (integer counts, scale 1/N).
    theta : array_like (N,) or float, optional
        Thresholds, only with ``patterns`` (default 0). Neurons whose thresholds differ
        enough to change their integer stability bounds go to different classes.
    self_coupling : bool
        Only with ``patterns``: keep the diagonal ``J_ii = P/N`` (default False: zero diagonal,
        as every esorma network).
    max_solutions : int
        Refuse (ValueError) when the class-count solutions exceed this.
    max_classes : int
        Refuse (ValueError) above this many neuron classes (at most ``2^(P-1)`` per distinct
        threshold value; the search is exponential in the number of classes).
    max_seconds : float
        Refuse up front (ValueError, with the estimate) when the search is estimated to take
        longer (Knuth's estimator on the class tree, timed on this machine).

    Returns
    -------
    HebbFixedPoints

    Notes
    -----
    Cost: the search tree has at most ``2^C`` leaves for ``C`` classes (``C ≤ 2^(P-1)`` with
    uniform thresholds), each node O(C); memory O(C) per solution, independent of N apart
    from the O(N P) class split. Measured on 2 cores for random patterns at N = 10⁴
    (benchmarks/bench_lowrank_enumeration.py): P = 5 in ~0.04 s, P = 6 in ~2 s; P = 7
    (64 classes) is refused by the estimate at the default ``max_seconds``.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> net = Hopfield.from_patterns(random_patterns(3, 1000, rng=1))
    >>> fp = hebb_fixed_points(net)
    >>> bool(net.is_fixed_point(fp.representatives()).all())
    True
    >>> fp.n_fixed_points >= 6      # the 3 patterns and their reverses at least
    True
    """
    t0 = time.perf_counter()
    max_solutions = check_int(max_solutions, "max_solutions", minimum=1)
    max_classes = check_int(max_classes, "max_classes", minimum=1)
    if not (isinstance(max_seconds, (int, float)) and max_seconds == math.inf):
        max_seconds = check_real(max_seconds, "max_seconds", minimum=0.0, strict_min=True)
    k = _classes(network, patterns, theta, self_coupling)
    _check_cost(k, max_classes, max_seconds, max_solutions)
    return _solve(k, max_solutions, t0)


def _check_cost(k: _Classes, max_classes, max_seconds, max_solutions) -> dict | None:
    from esorma._validation import format_seconds

    C = k.n_classes
    if C > max_classes:
        raise ValueError(
            f"this network splits into {C} neuron classes (bit column and threshold), more "
            f"than max_classes = {max_classes}: the search is exponential in the classes "
            "(thresholds that differ from neuron to neuron make one class per value); use "
            "enumerate_fixed_points, or raise max_classes"
        )
    if C <= 20:  # at most 2^20 leaves: nothing to estimate
        return None
    est = _estimate(k)
    if est["seconds"] > max_seconds:
        raise ValueError(
            f"exact enumeration of this Hebb network ({k.xi.shape[0]} patterns, {C} neuron "
            f"classes) would visit about {est['nodes']:.2g} search nodes, an estimated "
            f"{format_seconds(est['seconds'])}, more than max_seconds = {max_seconds:g}; pass "
            "a larger max_seconds to run it anyway, or use the sampled attractor search"
        )
    if est["solutions"] > 2.0 * max_solutions:
        raise ValueError(
            f"this Hebb network has about {est['solutions']:.3g} class-count solutions "
            f"(estimated), more than max_solutions = {max_solutions}; raise max_solutions"
        )
    return est


def _solve(k: _Classes, max_solutions: int, t0: float) -> HebbFixedPoints:
    sizes = k.sizes
    rows, n_out, visited, overflow = _search(k.G, k.R, sizes, k.a, k.b, k.sym, max_solutions)
    if overflow:
        raise ValueError(
            f"more than max_solutions = {max_solutions} class-count solutions ({n_out}); "
            "raise max_solutions"
        )
    rows = np.asarray(rows)
    if k.sym:
        rows = np.concatenate([rows, sizes[None, :] - rows])
    mult = np.array([math.prod(math.comb(int(s), int(c)) for s, c in zip(sizes, r))
                     for r in rows], dtype=np.float64)
    m = (2 * rows - sizes[None, :]) @ k.cbits
    n = k.xi.shape[1]
    res = HebbFixedPoints(
        class_bits=k.cbits.astype(np.int8),
        class_sizes=sizes.astype(np.int64),
        neuron_class=k.inv.astype(np.int32),
        gauge=k.gauge.astype(np.int8),
        plus_counts=rows.astype(np.int64),
        multiplicity=mult,
        overlaps=m.astype(np.int64),
        energies=np.zeros(rows.shape[0]),
        n_fixed_points=float(mult.sum()),
        n_visited=int(visited),
        seconds=0.0,
        self_coupling=bool(k.d_self == 0),
        n_neurons=n,
    )
    energies = _energies(res, k.xi, k.theta, k.d_self, k.integer, k.scale)
    object.__setattr__(res, "energies", energies)
    object.__setattr__(res, "seconds", time.perf_counter() - t0)
    return res


def _energies(res: HebbFixedPoints, xi, th, d_self, integer, scale) -> np.ndarray:
    """E = −½ scale (|m|² − d N) + θᵀs of the representatives (the network's own formula)."""
    m = res.overlaps.astype(np.float64)
    raw = (m * m).sum(axis=1) - d_self * res.n_neurons  # sᵀ J s (integer counts)
    if not integer:
        raw = raw / res.n_neurons
    e = -0.5 * scale * raw
    if np.any(th != 0.0) and res.plus_counts.shape[0]:
        # θᵀs of the representative: in class c the k_c neurons of lowest index have gauged
        # spin +1, so θᵀs = Σ_c (2 F_c(k_c) − F_c(n_c)) with F_c(k) the sum of g_i θ_i over
        # the first k neurons of class c
        C = res.class_sizes.size
        order = np.argsort(res.neuron_class, kind="stable")
        gth = (res.gauge.astype(np.float64) * th)[order]
        starts = np.concatenate([[0], np.cumsum(res.class_sizes)])
        cum = np.concatenate([[0.0], np.cumsum(gth)])
        k = res.plus_counts
        first = cum[starts[:C][None, :] + k] - cum[starts[:C]][None, :]
        total = cum[starts[1:]] - cum[starts[:C]]
        e += (2.0 * first - total[None, :]).sum(axis=1)
    return e


# --------------------------------------------------------------------------- as FixedPoints

#: Above this many bytes (count × N, int8) the states of a low-rank enumeration are not
#: materialised in ``FixedPoints.states``; they stay in ``FixedPoints.compact``.
DENSE_STATES_BYTES = 64 << 20


#: ``method="auto"`` takes the low-rank search for at most this many neuron classes (above
#: it, and for N <= 64, the branch-and-bound).
AUTO_MAX_CLASSES = 64
_METHODS = ("auto", "low-rank", "branch-and-bound")
_AUTO_SURE = 20  # up to 2^20 class leaves: low-rank without comparing estimates


def use_lowrank(J, theta, tol, method: str) -> bool:
    """Should :func:`~esorma.attractors.enumerate_fixed_points` take the low-rank search?

    ``method="auto"``: yes for a network built by ``Hopfield.from_patterns(xi, "hebb")``
    (own thresholds, ``tol = 0``) when N > 64 (the branch-and-bound cannot take it) or it has at
    most 20 neuron classes; with 21 to :data:`AUTO_MAX_CLASSES` classes, when its estimate is
    below the branch-and-bound's. ``"low-rank"`` insists (and refuses other input),
    ``"branch-and-bound"`` never."""
    from esorma._validation import check_choice

    check_choice(method, "method", _METHODS)
    if method == "branch-and-bound":
        return False
    ok = is_lowrank_hebb(J) and theta is None and tol == 0
    if method == "low-rank":
        if not ok:
            raise ValueError(
                "method='low-rank' needs a network built by Hopfield.from_patterns(xi, 'hebb') "
                f"with theta=None and tol=0 (its own thresholds); got {type(J).__name__}"
                + ("" if theta is None else " with theta") + ("" if tol == 0 else f", tol={tol}")
            )
        return True
    if not ok:
        return False
    if J.n_neurons > 64:
        return True
    k = _classes(J, None, None, False)
    if k.n_classes <= _AUTO_SURE:
        return True
    if k.n_classes > AUTO_MAX_CLASSES:
        return False
    # as many classes as neurons, nearly: the branch-and-bound's bounds are often better;
    # take whichever is estimated faster
    from esorma.attractors.enumerate import estimate_enumeration_cost

    return _estimate(k)["seconds"] <= estimate_enumeration_cost(J)["search_seconds"]


def _sort_order(states: np.ndarray, energies: np.ndarray, sort: str) -> np.ndarray:
    """The branch-and-bound's order (energy, then rows compared as -1 < +1, spin 0 first),
    with the spins packed 64 to a big-endian word so that the sort has N/64 keys, not N."""
    if states.shape[0] == 0:
        return np.zeros(0, np.int64)
    packed = np.packbits(states > 0, axis=1)  # spin 0 is the most significant bit
    pad = (-packed.shape[1]) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros((packed.shape[0], pad), np.uint8)], axis=1)
    words = np.ascontiguousarray(packed).view(">u8").astype(np.uint64)
    keys = [words[:, j] for j in range(words.shape[1] - 1, -1, -1)]
    if sort == "energy":
        keys.append(energies)
    return np.lexsort(keys)


def lowrank_enumeration(network, *, sort: str = "energy", max_seconds: float = 600.0,
                        max_fixed_points: int = 1 << 22, count_only: bool = False):
    """The low-rank path of :func:`esorma.attractors.enumerate_fixed_points` (and of
    :func:`~esorma.attractors.count_fixed_points` with ``count_only``): every fixed point of
    a rule-built Hebb network as a :class:`~esorma.attractors.FixedPoints` with
    ``method="low-rank"`` and the class-count solutions in ``compact``; ``states`` (sorted as
    the branch-and-bound sorts them, with their ``energies``) are filled only when they take at
    most :data:`DENSE_STATES_BYTES`; otherwise ``states`` is empty (``compact.states(limit)``
    or ``compact.representatives()`` materialise them) and ``energies`` holds the energies of
    all fixed points in ascending order."""
    from esorma.attractors.enumerate import FixedPoints

    t0 = time.perf_counter()
    k = _classes(network, None, None, False)
    est = _check_cost(k, 64, max_seconds, max_fixed_points)
    hfp = _solve(k, max_fixed_points, t0)
    if count_only:
        return sum(math.prod(math.comb(int(s), int(c)) for s, c in zip(k.sizes, r))
                   for r in hfp.plus_counts)
    n = network.n_neurons
    if hfp.n_fixed_points * n <= DENSE_STATES_BYTES:
        states = hfp.states(limit=max_fixed_points)
        if k.integer and not np.any(k.theta) and np.all(hfp.multiplicity == 1.0):
            energies = hfp.energies.copy()  # exact: −½ (|m|² − P N) / N, row for row
        else:
            energies = np.asarray(network.energy(states), dtype=np.float64) if len(states) \
                else np.empty(0)
        order = _sort_order(states, energies, sort)
        states = np.ascontiguousarray(states[order])
        energies = energies[order]
    else:
        # too many to store: the states stay in ``compact``; the energies of every fixed point
        # are kept, ascending (a rule-built network has a zero diagonal: no class is split,
        # so each solution is one state)
        states = np.empty((0, n), dtype=np.int8)
        energies = np.sort(np.repeat(hfp.energies, hfp.multiplicity.astype(np.int64)))
    states.setflags(write=False)
    energies.setflags(write=False)
    return FixedPoints(
        states=states,
        energies=energies,
        n_visited=hfp.n_visited,
        seconds=time.perf_counter() - t0,
        method="low-rank",
        used_symmetry=k.sym,
        n_subtrees=1,
        estimated_nodes=float("nan") if est is None else est["nodes"],
        n_neurons=n,
        compact=hfp,
    )

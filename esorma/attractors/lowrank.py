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
and a branch is cut as soon as some class can be stable in none of its options.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._numba import njit
from esorma._results import summarized
from esorma._validation import check_int, check_real

__all__ = ["HebbFixedPoints", "hebb_fixed_points", "is_lowrank_hebb"]

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
        lowest index are +1."""
        k = self.plus_counts.shape[0]
        out = np.empty((k, self.n_neurons), dtype=np.int8)
        rank = _rank_in_class(self.neuron_class, self.class_sizes.shape[0])
        for r in range(k):
            out[r] = np.where(rank < self.plus_counts[r][self.neuron_class], 1, -1)
        out *= self.gauge
        return out

    def states(self, limit: int = 1 << 20) -> np.ndarray:
        """All fixed points as (n_fixed_points, N) int8, unsorted (ValueError above ``limit``)."""
        limit = check_int(limit, "limit", minimum=0)
        if self.n_fixed_points > limit:
            raise ValueError(
                f"this network has {self.n_fixed_points:.6g} fixed points, more than "
                f"limit = {limit}; use plus_counts / representatives() or raise limit"
            )
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
        # options: j=0 -> k=0, j=1 -> k=n, j=2..n -> k=j-1 (split class, only when a<=b)
        if j == 0 and first_plus_only and c == 0:
            continue
        if j > 1 and (a[c] > b[c] or j > n):
            choice[c] = -1
            depth -= 1
            continue
        if j == 0:
            k = 0
        elif j == 1:
            k = n
        else:
            k = j - 1
        sig = 2 * k - n
        visited += 1
        for e in range(C):
            u[c + 1, e] = u[c, e] + G[e, c] * sig
        kk[c] = k
        # feasibility of every class with the remaining slack R[c + 1, e]
        ok = True
        for e in range(C):
            ue = u[c + 1, e]
            r = R[c + 1, e]
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
                    ok = False
                    break
            else:
                if lo > b[e] and hi < a[e]:
                    ok = False
                    break
        if not ok:
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


# --------------------------------------------------------------------------- public


def hebb_fixed_points(
    network=None,
    *,
    patterns=None,
    theta=None,
    self_coupling: bool = False,
    max_solutions: int = 1 << 22,
    max_classes: int = 64,
) -> HebbFixedPoints:
    """Every fixed point (``s_i h_i ≥ 0`` for all i) of a Hebb network, exactly.

    Parameters
    ----------
    network : Hopfield, optional
        A network built by ``Hopfield.from_patterns(xi, "hebb")`` (integer or float counts).
    patterns : array_like (P, N), optional
        Instead of ``network``: the patterns; couplings ``ξᵀξ/N`` (integer counts, scale 1/N).
    theta : array_like (N,) or float, optional
        Thresholds, only with ``patterns`` (default 0).
    self_coupling : bool
        Only with ``patterns``: keep the diagonal ``J_ii = P/N`` (default False: zero diagonal,
        as every esorma network).
    max_solutions : int
        Refuse (ValueError) when the class-count solutions exceed this.
    max_classes : int
        Refuse (ValueError) above this many neuron classes (at most ``2^(P-1)`` per distinct
        threshold value; the search is exponential in the number of classes).

    Returns
    -------
    HebbFixedPoints

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
    if C > max_classes:
        raise ValueError(
            f"this network splits into {C} neuron classes (bit column and threshold), more "
            f"than max_classes = {max_classes}: the search is exponential in the classes "
            "(thresholds that differ from neuron to neuron make one class per value); use "
            "enumerate_fixed_points, or raise max_classes"
        )
    cbits = np.where((uniq[:, :1] >> np.arange(p)) & 1, 1, -1).astype(np.int64)
    G = cbits @ cbits.T
    aG = np.abs(G) * sizes[None, :]
    R = np.zeros((C + 1, C), dtype=np.int64)
    R[:C] = np.cumsum(aG[:, ::-1], axis=1)[:, ::-1].T
    ca = np.ascontiguousarray(uniq[:, 1])
    cb = np.ascontiguousarray(uniq[:, 2])
    # spin-flip symmetry: θ = 0 and the largest class never split
    sym = bool(np.all(th == 0.0)) and bool(ca[0] > cb[0]) and np.array_equal(ca, -cb)
    rows, n_out, visited, overflow = _search(
        G, R, sizes.astype(np.int64), ca, cb, sym, max_solutions
    )
    if overflow:
        raise ValueError(
            f"more than max_solutions = {max_solutions} class-count solutions ({n_out}); "
            "raise max_solutions"
        )
    rows = np.asarray(rows)
    if sym:
        rows = np.concatenate([rows, sizes[None, :] - rows])
    mult = np.array([math.prod(math.comb(int(s), int(k)) for s, k in zip(sizes, r))
                     for r in rows], dtype=np.float64)
    m = (2 * rows - sizes[None, :]) @ cbits
    res = HebbFixedPoints(
        class_bits=cbits.astype(np.int8),
        class_sizes=sizes.astype(np.int64),
        neuron_class=inv.astype(np.int32),
        gauge=g.astype(np.int8),
        plus_counts=rows.astype(np.int64),
        multiplicity=mult,
        overlaps=m.astype(np.int64),
        energies=np.zeros(rows.shape[0]),
        n_fixed_points=float(mult.sum()),
        n_visited=int(visited),
        seconds=0.0,
        self_coupling=bool(d_self == 0),
        n_neurons=n,
    )
    energies = _energies(res, xi, th, d_self, integer, scale)
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
        rank = _rank_in_class(res.neuron_class, res.class_sizes.size)
        for r in range(res.plus_counts.shape[0]):
            s = np.where(rank < res.plus_counts[r][res.neuron_class], 1.0, -1.0) * res.gauge
            e[r] += s @ th
    return e

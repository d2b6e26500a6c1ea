"""Labels of attractor states: stored pattern, reversed pattern, odd mixture, spurious.

A state ``s`` of a network that stores patterns ``ξ^1..ξ^P`` is labelled by comparing it with
reference states built from the patterns:

* ``pattern k``: ``s`` is ``ξ^k`` up to at most ``tol * N`` flipped spins;
* ``reversed k``: the same for ``−ξ^k``;
* ``mixture`` of an odd number ``n ≥ 3`` of patterns: ``s`` is close to the symmetric mixture
  ``sign(Σ_{μ∈S} ε_μ ξ^μ)`` of a set ``S`` of ``n`` patterns with signs ``ε_μ = ±1``
  (Amit, Gutfreund & Sompolinsky 1985). Its overlaps with the patterns of ``S`` are ``ε_μ/2``
  for ``n = 3`` (``3/8`` for ``n = 5``, ...) and ``O(1/√N)`` with the others;
* ``spurious``: anything else (spin-glass states, asymmetric mixtures, ...).

The candidate set ``S`` and the signs are read off the overlaps (the ``n`` largest ``|m_μ|``
and their signs), so labelling costs ``O(P N)`` per state whatever ``P`` is.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product
from math import comb

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real, check_spins

__all__ = ["AttractorLabels", "label_states", "label_class_counts", "mixture_state", "KIND_NAMES"]

#: Names of the label kinds, indexed by :attr:`AttractorLabels.kind`.
KIND_NAMES = ("pattern", "reversed", "mixture", "spurious")
PATTERN, REVERSED, MIXTURE, SPURIOUS = 0, 1, 2, 3
# Up to this many candidate mixtures (all subsets and signs) every one of them is tried.
_EXHAUSTIVE = 2048


@summarized
@dataclass(frozen=True, eq=False)
class AttractorLabels:
    """Labels of a batch of states relative to stored patterns.

    Attributes
    ----------
    kind : ndarray of int8, shape (B,)
        Index into :data:`KIND_NAMES`: 0 pattern, 1 reversed pattern, 2 odd mixture,
        3 spurious.
    pattern : ndarray of int64, shape (B,)
        The pattern index ``k`` for kinds 0 and 1, else -1.
    signs : ndarray of int8, shape (B, P)
        The sign vector of the reference state: ``±1`` on the patterns that make it up (one for
        a pattern, ``n`` for a mixture), 0 elsewhere; all 0 for spurious states.
    order : ndarray of int64, shape (B,)
        Number of patterns in the reference state (1 for a pattern, ``n`` for a mixture,
        0 for spurious).
    distance : ndarray of int64, shape (B,)
        Hamming distance to the reference state (to the nearest pattern or reversed pattern
        for spurious states).
    overlaps : ndarray of float64, shape (B, P)
        ``m_μ = (1/N) Σ_i ξ^μ_i s_i``.
    energies : ndarray of float64, shape (B,), or None
        Energies, when a network was given.
    tol : float
        Largest Hamming distance, as a fraction of N, still counted as a match.
    """

    kind: np.ndarray
    pattern: np.ndarray
    signs: np.ndarray
    order: np.ndarray
    distance: np.ndarray
    overlaps: np.ndarray
    energies: np.ndarray | None
    tol: float

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    @property
    def names(self) -> list[str]:
        """Readable labels: ``"pattern 2"``, ``"reversed 0"``, ``"mixture +0-1+4"``,
        ``"spurious"``."""
        out = []
        for b in range(len(self)):
            k = int(self.kind[b])
            if k == PATTERN:
                out.append(f"pattern {int(self.pattern[b])}")
            elif k == REVERSED:
                out.append(f"reversed {int(self.pattern[b])}")
            elif k == MIXTURE:
                idx = np.flatnonzero(self.signs[b])
                terms = "".join(f"{'+' if self.signs[b, j] > 0 else '-'}{j}" for j in idx)
                out.append(f"mixture {terms}")
            else:
                out.append("spurious")
        return out

    @property
    def kind_names(self) -> list[str]:
        return [KIND_NAMES[int(k)] for k in self.kind]

    def counts(self) -> dict[str, int]:
        """How many states of each kind."""
        return {name: int(np.sum(self.kind == i)) for i, name in enumerate(KIND_NAMES)}


def mixture_state(patterns, signs) -> np.ndarray:
    """The symmetric mixture ``sign(Σ_μ ε_μ ξ^μ)`` of an odd number of patterns.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        ±1 patterns.
    signs : array_like, shape (P,)
        ``ε_μ ∈ {−1, 0, +1}``; the number of non-zero entries must be odd (no ties).

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, 1, 1, 1, -1, -1, -1, -1],
    ...                [1, 1, -1, -1, 1, 1, -1, -1],
    ...                [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> s = mixture_state(xi, [1, 1, 1])
    >>> s.tolist()
    [1, 1, 1, -1, 1, -1, -1, -1]
    >>> (xi @ s / 8).tolist()
    [0.5, 0.5, 0.5]
    """
    xi, _ = check_spins(patterns, "patterns")
    eps = np.asarray(signs)
    if eps.shape != (xi.shape[0],):
        raise ValueError(f"signs must have shape ({xi.shape[0]},); got shape {eps.shape}")
    if not np.all(np.isin(eps, (-1, 0, 1))):
        raise ValueError("signs must contain only -1, 0 and +1")
    n = int(np.count_nonzero(eps))
    if n % 2 == 0:
        raise ValueError(f"signs must select an odd number of patterns; got {n}")
    total = eps.astype(np.int64) @ xi.astype(np.int64)
    return np.where(total > 0, 1, -1).astype(np.int8)


def label_states(
    states,
    patterns,
    *,
    network=None,
    tol: float = 0.05,
    max_order: int = 7,
) -> AttractorLabels:
    """Label states as stored patterns, reversed patterns, odd symmetric mixtures or spurious.

    Parameters
    ----------
    states : array_like, shape (B, N) or (N,)
        ±1 states (attractors found by any method).
    patterns : array_like, shape (P, N)
        The stored ±1 patterns.
    network : Hopfield or array_like (N, N), optional
        If given, the energies of the states are computed with it.
    tol : float
        A state matches a reference state if at most ``tol * N`` spins differ (default 0.05;
        0 asks for exact equality). Retrieval states of a loaded network differ from the
        pattern in a few per cent of the spins.
    max_order : int
        Largest odd mixture order tried (3, 5, ..., ``max_order``; 1 disables mixtures).

    Returns
    -------
    AttractorLabels

    Notes
    -----
    For each state the overlaps ``m_μ`` are computed once. The pattern (or reversed pattern)
    with the largest ``|m_μ|`` is tried first; then mixtures of order ``n = 3, 5, ...``; the
    lowest order with a reference state within ``tol * N`` flips gives the label (the closest
    such state). When there are at most 2048 candidate mixtures (all subsets and signs; e.g.
    P ≤ 7 with the default ``max_order``) every one is compared; otherwise the ``n``
    patterns with the largest ``|m_μ|`` are taken, with signs ``ε_μ = sign(m_μ)`` (and every
    subset of the patterns tied at the ``n``-th place). A symmetric 3-mixture has
    ``|m_μ| = 1/2`` on its patterns and
    ``O(1/√N)`` elsewhere, so the right subset is found whenever ``N`` is not tiny.

    Examples
    --------
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(5, 400, rng=0)
    >>> mix = mixture_state(xi, [1, -1, 0, 1, 0])
    >>> lab = label_states(np.stack([xi[2], -xi[1], mix]), xi)
    >>> lab.names
    ['pattern 2', 'reversed 1', 'mixture +0-1+3']
    >>> (np.abs(lab.overlaps[2]) > 0.3).tolist()  # about 1/2 on its three patterns
    [True, True, False, True, False]
    """
    batch, _ = check_spins(states, "states")
    n_states, n = batch.shape
    xi, _ = check_spins(patterns, "patterns", n=n)
    tol = check_real(tol, "tol", minimum=0.0, maximum=0.5)
    max_order = check_int(max_order, "max_order", minimum=1)
    p = xi.shape[0]
    max_dist = int(np.floor(tol * n + 1e-9))

    s64 = batch.astype(np.int64)
    xi64 = xi.astype(np.int64)
    dots = s64 @ xi64.T  # (B, P) exact integers
    overlaps = dots / n

    kind = np.full(n_states, SPURIOUS, dtype=np.int8)
    pattern = np.full(n_states, -1, dtype=np.int64)
    signs = np.zeros((n_states, p), dtype=np.int8)
    order = np.zeros(n_states, dtype=np.int64)
    # Hamming distance to ±ξ^μ is (N - |dot|)/2.
    absd = np.abs(dots)
    best = np.argmax(absd, axis=1)
    best_dist = (n - absd[np.arange(n_states), best]) // 2
    distance = best_dist.astype(np.int64)

    hit = best_dist <= max_dist
    sgn = np.sign(dots[np.arange(n_states), best])
    kind[hit] = np.where(sgn[hit] > 0, PATTERN, REVERSED)
    pattern[hit] = best[hit]
    signs[np.flatnonzero(hit), best[hit]] = np.where(sgn[hit] > 0, 1, -1)
    order[hit] = 1

    orders = [m for m in range(3, min(max_order, p) + 1, 2)]
    todo = np.flatnonzero(~hit)
    n_candidates = sum(comb(p, m) * 2**m for m in orders)
    if orders and todo.size and n_candidates <= _EXHAUSTIVE:
        _exhaustive(orders, todo, xi64, s64, max_dist, kind, signs, order, distance)
    elif orders and todo.size:
        ranking = np.argsort(-absd[todo], axis=1, kind="stable")
        ranked = np.take_along_axis(absd[todo], ranking, axis=1)
        open_ = np.ones(todo.size, dtype=bool)
        for m in orders:
            cand = np.flatnonzero(open_ & (ranked[:, m - 1] > 0))
            if m < p:  # a tie at the m-th place: more than one candidate subset
                tie = ranked[cand, m - 1] == ranked[cand, m]
            else:
                tie = np.zeros(cand.size, dtype=bool)
            fast = cand[~tie]
            step = max(1, (1 << 22) // (m * n))
            for lo in range(0, fast.size, step):
                rows = fast[lo : lo + step]
                b = todo[rows]
                members = ranking[rows, :m]
                eps = np.sign(np.take_along_axis(dots[b], members, axis=1))
                total = np.einsum("cm,cmn->cn", eps, xi64[members])
                dist = np.count_nonzero(np.where(total > 0, 1, -1) != s64[b], axis=1)
                ok = dist <= max_dist
                bo, mo = b[ok], members[ok]
                kind[bo] = MIXTURE
                signs[bo[:, None], mo] = eps[ok].astype(np.int8)
                order[bo] = m
                distance[bo] = dist[ok]
                open_[rows[ok]] = False
            for row in cand[tie]:
                b = todo[row]
                dist, members, eps = _best_subset(absd[b], dots[b], xi64, s64[b], m)
                if dist <= max_dist:
                    kind[b] = MIXTURE
                    signs[b, members] = eps.astype(np.int8)
                    order[b] = m
                    distance[b] = dist
                    open_[row] = False

    energies = None
    if network is not None:
        from esorma.networks import as_network

        net = as_network(network)
        if net.n_neurons != n:
            raise ValueError(
                f"network must have {n} neurons to match states; got {net.n_neurons}"
            )
        energies = np.asarray(net.energy(batch), dtype=np.float64)
    return AttractorLabels(
        kind=kind,
        pattern=pattern,
        signs=signs,
        order=order,
        distance=distance,
        overlaps=overlaps,
        energies=energies,
        tol=tol,
    )


def label_class_counts(
    plus_counts,
    class_bits,
    class_sizes,
    *,
    tol: float = 0.0,
    max_order: int = 7,
    energies=None,
) -> AttractorLabels:
    """:func:`label_states` for states given by neuron class (the low-rank enumeration).

    State ``r`` has, in the gauged frame of :class:`esorma.attractors.HebbFixedPoints`,
    ``plus_counts[r, c]`` spins +1 among the ``class_sizes[c]`` neurons of class ``c`` whose
    gauged pattern column is ``class_bits[c]``. Patterns and symmetric mixtures are constant
    on a class, so overlaps and Hamming distances cost O(C) per state and reference state,
    whatever N is. Same labels as :func:`label_states` on the representatives (every
    symmetric mixture of each odd order is compared when there are at most 2^15 of them;
    beyond, the ``n`` largest overlaps with their signs).

    Examples
    --------
    >>> import numpy as np
    >>> bits = np.array([[1, 1], [1, -1]])          # two classes, P = 2
    >>> lab = label_class_counts([[3, 5], [0, 5], [1, 4]], bits, [3, 5])
    >>> lab.names                 # all +1 is pattern 0; class 0 at -1 is -(pattern 1)
    ['pattern 0', 'reversed 1', 'spurious']
    """
    k = np.asarray(plus_counts, dtype=np.int64)
    bits = np.asarray(class_bits, dtype=np.int64)
    sizes = np.asarray(class_sizes, dtype=np.int64)
    if k.ndim != 2 or bits.ndim != 2 or sizes.shape != (bits.shape[0],) \
            or k.shape[1] != bits.shape[0]:
        raise ValueError(
            f"plus_counts (K, C), class_bits (C, P) and class_sizes (C,) must agree; got "
            f"shapes {k.shape}, {bits.shape}, {sizes.shape}")
    if np.any(k < 0) or np.any(k > sizes[None, :]):
        raise ValueError("plus_counts must lie between 0 and class_sizes")
    tol = check_real(tol, "tol", minimum=0.0, maximum=0.5)
    max_order = check_int(max_order, "max_order", minimum=1)
    n_states = k.shape[0]
    p = bits.shape[1]
    n = int(sizes.sum())
    max_dist = int(np.floor(tol * n + 1e-9))
    dots = (2 * k - sizes[None, :]) @ bits  # (K, P) exact
    absd = np.abs(dots)
    kind = np.full(n_states, SPURIOUS, dtype=np.int8)
    pattern = np.full(n_states, -1, dtype=np.int64)
    signs = np.zeros((n_states, p), dtype=np.int8)
    order = np.zeros(n_states, dtype=np.int64)
    rows = np.arange(n_states)
    best = np.argmax(absd, axis=1) if p else np.zeros(n_states, np.int64)
    distance = ((n - absd[rows, best]) // 2).astype(np.int64)
    hit = distance <= max_dist
    sgn = np.sign(dots[rows, best])
    kind[hit] = np.where(sgn[hit] > 0, PATTERN, REVERSED)
    pattern[hit] = best[hit]
    signs[rows[hit], best[hit]] = np.where(sgn[hit] > 0, 1, -1)
    order[hit] = 1
    open_ = np.flatnonzero(~hit)
    base = k.sum(axis=1)  # distance to the all -1 (gauged) state
    free = (sizes[None, :] - 2 * k).astype(np.float64)  # gain per class set to +1
    for m in range(3, min(max_order, p) + 1, 2):
        if open_.size == 0:
            break
        if comb(p, m) * 2**m <= 1 << 15:
            subsets = np.array(list(combinations(range(p), m)), dtype=np.int64)
            eps = np.array(list(product((1, -1), repeat=m)), dtype=np.int64)
            cand = np.zeros((subsets.shape[0] * eps.shape[0], p), dtype=np.int64)
            for si, sub in enumerate(subsets):
                cand[si * eps.shape[0]:(si + 1) * eps.shape[0], sub] = eps
            plus = (bits @ cand.T > 0).astype(np.float64)  # (C, n_cand) reference = +1
            d = base[open_, None] + np.rint(free[open_] @ plus).astype(np.int64)
            pick = np.argmin(d, axis=1)
            dist = d[np.arange(open_.size), pick]
            eps_rows = cand[pick]
        else:  # the m largest overlaps with their signs
            top = np.argsort(-absd[open_], axis=1, kind="stable")[:, :m]
            eps_rows = np.zeros((open_.size, p), dtype=np.int64)
            np.put_along_axis(eps_rows, top,
                              np.sign(np.take_along_axis(dots[open_], top, axis=1)), axis=1)
            plus = (eps_rows @ bits.T > 0).astype(np.float64)  # (open, C)
            dist = base[open_] + np.rint((free[open_] * plus).sum(axis=1)).astype(np.int64)
            dist = np.where(np.count_nonzero(eps_rows, axis=1) == m, dist, n + 1)
        ok = dist <= max_dist
        b = open_[ok]
        kind[b] = MIXTURE
        signs[b] = eps_rows[ok].astype(np.int8)
        order[b] = m
        distance[b] = dist[ok]
        open_ = open_[~ok]
    return AttractorLabels(
        kind=kind,
        pattern=pattern,
        signs=signs,
        order=order,
        distance=distance,
        overlaps=dots / max(n, 1),
        energies=None if energies is None else np.asarray(energies, dtype=np.float64),
        tol=tol,
    )


def _best_subset(a, dots, xi64, s, m):
    """The closest symmetric ``m``-mixture when several patterns tie at the ``m``-th place."""
    ranking = np.argsort(-a, kind="stable")
    cutoff = a[ranking[m - 1]]
    top = ranking[a[ranking] > cutoff]
    ties = ranking[a[ranking] == cutoff]
    need = m - top.size
    subsets = combinations(ties.tolist(), need) if ties.size <= need + 6 else [ties[:need]]
    best = (s.size + 1, None, None)
    for extra in subsets:
        members = np.concatenate([top, np.asarray(extra, dtype=np.int64)])
        eps = np.sign(dots[members])
        ref = np.where(eps @ xi64[members] > 0, 1, -1)
        dist = int(np.count_nonzero(ref != s))
        if dist < best[0]:
            best = (dist, members, eps)
    return best


def _exhaustive(orders, todo, xi64, s64, max_dist, kind, signs, order, distance):
    """Compare the states with every symmetric mixture of every odd order (few patterns)."""
    n = xi64.shape[1]
    open_ = todo.copy()
    for m in orders:
        if open_.size == 0:
            break
        subsets = np.array(list(combinations(range(xi64.shape[0]), m)), dtype=np.int64)
        eps_all = np.array(list(product((1, -1), repeat=m)), dtype=np.int64)
        total = np.einsum("km,cmn->ckn", eps_all, xi64[subsets]).reshape(-1, n)
        refs = np.where(total > 0, 1, -1)
        still = []
        for lo in range(0, open_.size, 4096):
            b = open_[lo : lo + 4096]
            d = (n - s64[b] @ refs.T) // 2
            best = np.argmin(d, axis=1)
            dist = d[np.arange(b.size), best]
            ok = dist <= max_dist
            bo = b[ok]
            sub = subsets[best[ok] // eps_all.shape[0]]
            eps = eps_all[best[ok] % eps_all.shape[0]]
            kind[bo] = MIXTURE
            signs[bo[:, None], sub] = eps.astype(np.int8)
            order[bo] = m
            distance[bo] = dist[ok]
            still.append(b[~ok])
        open_ = np.concatenate(still)

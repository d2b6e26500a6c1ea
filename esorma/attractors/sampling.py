"""Sampled attractor search for networks too large to enumerate: many starts, dynamics, counts.

From each start (a random state, a corrupted stored pattern, or a given state) the
zero-temperature dynamics runs until it stops; the final states are deduplicated (up to the
global flip ``s → −s`` when the thresholds vanish, since then ``s`` and ``−s`` are attractors
together and have the same energy and basin size), counted, labelled and returned with
binomial error bars on the basin fractions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._stats import wilson_interval
from esorma._validation import (
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_memory,
    check_probability,
    check_spins,
)
from esorma.attractors.labels import AttractorLabels, label_states

__all__ = ["SampledAttractors", "sample_attractors", "wilson_interval"]


@summarized
@dataclass(frozen=True, eq=False)
class SampledAttractors:
    """Attractors reached from sampled starts, with estimated basin fractions.

    Attractors are sorted by decreasing count (ties: lexicographic order of the state).

    Attributes
    ----------
    attractors : ndarray of int8, shape (K, N)
        One representative per attractor. With ``flip_merged`` the sign is chosen so that the
        largest overlap with a stored pattern is positive (or, without patterns, spin 0 is +1).
    cycle_lengths : ndarray of int64, shape (K,)
        1 for fixed points, 2 for synchronous 2-cycles (the representative is one of the two
        states; ``partners`` holds the other).
    partners : ndarray of int8, shape (K, N)
        The image of each representative under one synchronous step (itself for fixed points).
    counts : ndarray of int64, shape (K,)
        Number of starts that ended on each attractor (both signs together when flip-merged).
    counts_reversed : ndarray of int64, shape (K,)
        Of these, how many ended on the reversed representative ``−s`` (0 unless flip-merged).
    fractions, fraction_errors : ndarray of float64, shape (K,)
        ``counts / n_starts`` and its binomial standard error ``sqrt(p (1−p) / n_starts)``.
    fraction_ci : ndarray of float64, shape (K, 2)
        95 % Wilson score intervals of the fractions.
    energies : ndarray of float64, shape (K,)
    overlaps : ndarray of float64, shape (K, P), or None
        Overlaps with the stored patterns.
    labels : AttractorLabels or None
    assignment : ndarray of int64, shape (n_starts,)
        The attractor each start reached (−1 if the dynamics did not converge).
    sweeps : ndarray of int64, shape (n_starts,)
        Sweeps (or synchronous steps) each run took.
    n_starts, n_unconverged : int
    unconverged_fraction : float
        ``n_unconverged / n_starts``; with ``fractions`` it sums to 1.
    starts : str
        ``"random"``, ``"patterns"`` or ``"given"``.
    corruption : float
        Fraction of flipped spins of pattern starts.
    flip_merged : bool
        Whether ``s`` and ``−s`` were counted as one attractor.
    mode, order : str
    max_sweeps : int
    seed : int or None
        The integer seed, if one was given.
    seconds : float
    """

    attractors: np.ndarray
    cycle_lengths: np.ndarray
    partners: np.ndarray
    counts: np.ndarray = field(metadata={"unit": "starts"})
    counts_reversed: np.ndarray = field(metadata={"unit": "starts"})
    fractions: np.ndarray = field(metadata={
        "unit": "fraction of starts", "description": "estimated basin fraction"})
    fraction_errors: np.ndarray = field(metadata={
        "unit": "fraction of starts", "description": "binomial standard error"})
    fraction_ci: np.ndarray = field(metadata={
        "unit": "fraction of starts", "description": "95 % Wilson interval"})
    energies: np.ndarray = field(metadata={
        "description": "E = -1/2 s.J.s + theta.s of each attractor (whole network)"})
    overlaps: np.ndarray | None
    labels: AttractorLabels | None
    assignment: np.ndarray
    sweeps: np.ndarray = field(metadata={"unit": "sweeps"})
    n_starts: int
    n_unconverged: int
    unconverged_fraction: float
    starts: str
    corruption: float
    flip_merged: bool
    mode: str
    order: str
    max_sweeps: int
    seed: int | None
    seconds: float

    @property
    def n_attractors(self) -> int:
        return int(self.attractors.shape[0])

    @property
    def n_neurons(self) -> int:
        return int(self.attractors.shape[1])

    def summary(self) -> dict:
        """Key numbers as a JSON-friendly dict."""
        out = {
            "n_starts": int(self.n_starts),
            "n_attractors": self.n_attractors,
            "n_unconverged": int(self.n_unconverged),
            "starts": self.starts,
            "mode": self.mode,
            "order": self.order,
            "flip_merged": bool(self.flip_merged),
            "largest_fraction": float(self.fractions.max()) if self.n_attractors else 0.0,
            "mean_sweeps": float(np.mean(self.sweeps)),
            "seconds": float(self.seconds),
        }
        if self.labels is not None:
            out["label_counts"] = self.labels.counts()
        return out


def _sync_step(net, states):
    h = net.fields(states)
    return np.where(h > 0, 1, np.where(h < 0, -1, states)).astype(np.int8)


def _packed(states):
    return np.packbits(states > 0, axis=1)


def _lex_first(a_packed, b_packed):
    """Row-wise: True where ``a`` comes before (or equals) ``b`` in byte-lexicographic order."""
    diff = a_packed != b_packed
    anydiff = diff.any(axis=1)
    first = np.argmax(diff, axis=1)
    rows = np.arange(a_packed.shape[0])
    return ~anydiff | (a_packed[rows, first] < b_packed[rows, first])


def sampling_bytes(n_starts: int, n_neurons: int) -> float:
    """Estimated peak memory of :func:`sample_attractors`: per start and spin, the start and
    its int8 temporaries (3 bytes), the dynamics
    (:func:`esorma.dynamics.zero_temperature.run_bytes`, 17 bytes) and the int8 copies of
    the end states built for the canonical keys (about 12)."""
    return float(n_starts) * (32.0 * n_neurons + 256.0)


def _check_sampling_memory(n_starts: int, n: int) -> None:
    check_memory(sampling_bytes(n_starts, n),
                 f"the sampled attractor search from {n_starts} starts of N = {n} spins",
                 hint="use fewer starts (n_starts) and merge several runs")


def sample_attractors(
    network,
    n_starts: int = 1000,
    *,
    starts="random",
    corruption: float = 0.1,
    mode: str = "async",
    order: str = "random",
    max_sweeps: int = 100,
    flip_symmetry: bool | None = None,
    patterns=None,
    label_tol: float = 0.05,
    rng=None,
) -> SampledAttractors:
    """Find attractors by running the zero-temperature dynamics from many starts.

    Parameters
    ----------
    network : Hopfield or array_like (N, N)
        A network or raw couplings.
    n_starts : int
        Number of starts (ignored when ``starts`` is an array).
    starts : {"random", "patterns"} or array_like (B, N)
        Uniformly random states; stored patterns (cycled through in order) each corrupted by
        ``corruption``; or the given states.
    corruption : float
        Fraction of spins flipped in pattern starts (see :func:`esorma.patterns.corrupt`).
    mode, order : str
        Dynamics (see :func:`esorma.dynamics.run`): asynchronous random order by default;
        ``order="sequential"`` or ``mode="sync"`` (fixed points and 2-cycles) as options.
    max_sweeps : int
        Sweeps (or synchronous steps) allowed per start; starts that do not converge are
        counted in ``n_unconverged``.
    flip_symmetry : bool, optional
        Merge ``s`` and ``−s`` (default: when all thresholds are 0).
    patterns : array_like (P, N), optional
        Patterns for overlaps and labels (default: the network's stored patterns).
    label_tol : float
        Tolerance of the labels (fraction of flipped spins; see :func:`label_states`).
    rng : None, int or Generator
        Seeds the starts and the update orders.

    Returns
    -------
    SampledAttractors

    Notes
    -----
    With random starts, ``fractions`` estimates the fraction of the ``2^N`` states whose
    dynamics ends on each attractor (for asynchronous random-order dynamics this is a
    probability, not a partition). Each count is binomial, hence the error bars
    ``sqrt(p(1−p)/n)`` and Wilson intervals. Results do not depend on the number of threads
    (one seed per start).

    Examples
    --------
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> net = Hopfield.from_patterns(random_patterns(3, 300, rng=1))
    >>> res = sample_attractors(net, 60, starts="patterns", corruption=0.2, rng=2)
    >>> sorted(res.labels.names)
    ['pattern 0', 'pattern 1', 'pattern 2']
    >>> float(res.fractions.sum() + res.unconverged_fraction)
    1.0
    """
    from esorma.dynamics import run
    from esorma.networks import as_network
    from esorma.patterns import corrupt

    t0 = time.perf_counter()
    net = as_network(network)
    n = net.n_neurons
    mode = check_choice(mode, "mode", ("async", "sync"))
    order = check_choice(order, "order", ("random", "sequential"))
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=0)
    corruption = check_probability(corruption, "corruption")
    seed = int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    pats = net.patterns if patterns is None else check_spins(patterns, "patterns", n=n)[0]
    if isinstance(starts, str):
        kind = check_choice(starts, "starts", ("random", "patterns"))
        n_starts = check_int(n_starts, "n_starts", minimum=1)
        _check_sampling_memory(n_starts, n)
        if kind == "random":
            init = (2 * gen.integers(0, 2, size=(n_starts, n), dtype=np.int8) - 1).astype(np.int8)
        else:
            if pats is None:
                raise ValueError(
                    "starts='patterns' needs stored patterns: the network has none and "
                    "patterns=None"
                )
            init = corrupt(pats[np.arange(n_starts) % pats.shape[0]], corruption, rng=gen)
    else:
        kind = "given"
        shape = np.shape(starts)
        _check_sampling_memory(shape[0] if len(shape) == 2 else 1, n)
        init, _ = check_spins(starts, "starts", n=n)
        n_starts = init.shape[0]
    theta_zero = bool(np.all(net.theta == 0))
    if flip_symmetry is None:
        flip_symmetry = theta_zero
    elif check_bool(flip_symmetry, "flip_symmetry") and not theta_zero:
        raise ValueError(
            "flip_symmetry=True needs theta = 0: with thresholds, -s is not an attractor "
            "when s is (use flip_symmetry=False or None)"
        )

    res = run(net, init, mode=mode, order=order, max_sweeps=max_sweeps, rng=gen)
    final = np.asarray(res.states, dtype=np.int8).reshape(n_starts, n)
    conv = np.asarray(res.converged).reshape(n_starts)
    cyc = np.asarray(res.cycle_length, dtype=np.int64).reshape(n_starts)
    sweeps = np.asarray(res.sweeps, dtype=np.int64).reshape(n_starts)

    idx = np.flatnonzero(conv)
    a = final[idx]
    b = a.copy()
    two = cyc[idx] == 2
    if np.any(two):
        b[two] = _sync_step(net, a[two])
    # Canonical key of each end state: the cycle {a, b} (or {a}) as an ordered pair, and
    # with the flip symmetry the smaller of the pair and its reversal.
    pa, pb = _packed(a), _packed(b)
    swap = ~_lex_first(pa, pb)
    lo = np.where(swap[:, None], b, a)
    hi = np.where(swap[:, None], a, b)
    sign = np.ones(idx.size, dtype=np.int8)
    if flip_symmetry:
        plo, pnlo = _packed(lo), _packed(-lo)
        # the reversed pair is {-lo, -hi}; its first element in order is min(-lo, -hi)
        nlo = np.where(_lex_first(pnlo, _packed(-hi))[:, None], -lo, -hi)
        use_rev = ~_lex_first(plo, _packed(nlo))
        nhi = np.where((nlo == -lo).all(axis=1)[:, None], -hi, -lo)
        lo = np.where(use_rev[:, None], nlo, lo).astype(np.int8)
        hi = np.where(use_rev[:, None], nhi, hi).astype(np.int8)
        sign = np.where(use_rev, -1, 1).astype(np.int8)
    keys = np.concatenate([_packed(lo), _packed(hi)], axis=1)
    assignment = np.full(n_starts, -1, dtype=np.int64)
    if idx.size:
        uniq, first_pos, inverse, counts = np.unique(
            keys, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(-1)
        k_count = uniq.shape[0]
        reps = lo[first_pos]
        partners = hi[first_pos]
        lens = np.where((reps == partners).all(axis=1), 1, 2).astype(np.int64)
        # the sign of each hit relative to the canonical representative
        rev_counts = np.bincount(inverse, weights=(sign < 0), minlength=k_count)
        # orientation shown to the user: largest |overlap| positive, else spin 0 = +1
        if flip_symmetry:
            if pats is not None:
                m = reps.astype(np.float64) @ pats.T.astype(np.float64)
                pick = m[np.arange(k_count), np.argmax(np.abs(m), axis=1)]
                flip = pick < 0
            else:
                flip = reps[:, 0] < 0
            reps = np.where(flip[:, None], -reps, reps).astype(np.int8)
            partners = np.where(flip[:, None], -partners, partners).astype(np.int8)
            rev_counts = np.where(flip, counts - rev_counts, rev_counts)
        sort = np.lexsort((np.arange(k_count), -counts))
        rank = np.empty(k_count, dtype=np.int64)
        rank[sort] = np.arange(k_count)
        reps, partners, lens = reps[sort], partners[sort], lens[sort]
        counts = counts[sort].astype(np.int64)
        rev_counts = np.asarray(rev_counts)[sort].astype(np.int64)
        assignment[idx] = rank[inverse]
    else:
        reps = np.zeros((0, n), dtype=np.int8)
        partners = reps.copy()
        lens = counts = rev_counts = np.zeros(0, dtype=np.int64)
    if not flip_symmetry:
        rev_counts = np.zeros_like(counts)

    fractions = counts / float(n_starts)
    errors = np.sqrt(fractions * (1 - fractions) / n_starts)
    ci = wilson_interval(counts, n_starts) if counts.size else np.zeros((0, 2))
    energies = (
        np.asarray(net.energy(reps), dtype=np.float64).reshape(-1) if reps.size else np.zeros(0)
    )
    overlaps = labels = None
    if pats is not None:
        if reps.shape[0]:
            labels = label_states(reps, pats, network=net, tol=label_tol)
            overlaps = labels.overlaps
        else:
            overlaps = np.zeros((0, pats.shape[0]))
    n_unconv = int(n_starts - idx.size)
    return SampledAttractors(
        attractors=reps,
        cycle_lengths=lens,
        partners=partners,
        counts=counts,
        counts_reversed=rev_counts,
        fractions=fractions,
        fraction_errors=errors,
        fraction_ci=ci,
        energies=energies,
        overlaps=overlaps,
        labels=labels,
        assignment=assignment,
        sweeps=sweeps,
        n_starts=int(n_starts),
        n_unconverged=n_unconv,
        unconverged_fraction=n_unconv / float(n_starts),
        starts=kind,
        corruption=corruption,
        flip_merged=bool(flip_symmetry),
        mode=mode,
        order=order,
        max_sweeps=max_sweeps,
        seed=seed,
        seconds=time.perf_counter() - t0,
    )

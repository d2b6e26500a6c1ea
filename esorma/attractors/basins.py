"""Exact attractors and basins of the deterministic zero-temperature maps of small networks.

Synchronous dynamics (every spin updated at once, the Little model) and sequential-order
dynamics (one sweep of single-spin updates ``i = 0, 1, ..., N−1``) are deterministic maps of
the ``2^N`` states onto themselves. Their functional graph splits into basins, each flowing
into one cycle (a fixed point is a cycle of length 1). :func:`exact_basins` computes the
successor of every state, every cycle and the size of every basin, exactly.

States are integer codes: bit ``i`` of the code is set when spin ``i`` is +1
(:func:`encode_states`, :func:`decode_states`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_int, check_memory, check_spins, format_bytes
from esorma.attractors import _kernels as _k
from esorma.attractors.labels import AttractorLabels, label_states

__all__ = [
    "ExactBasins",
    "exact_basins",
    "exact_basins_cost",
    "successors",
    "encode_states",
    "decode_states",
    "MAX_EXACT_NEURONS",
]

#: Default largest N accepted by :func:`exact_basins` (2^24 states, ~200 MiB, seconds).
MAX_EXACT_NEURONS = 24
_HARD_LIMIT = 30  # int32 codes
_BYTES_PER_STATE = 12  # successor, basin and depth (int32 each)
# Rough cost per state and spin on one core (calibrated on the development machine).
_SECONDS_PER_STATE_SPIN = {"sync": 5.0e-9, "sequential": 5.0e-9}
_CHUNK_BITS = 12


def encode_states(states) -> np.ndarray:
    """Integer codes of ±1 states: bit ``i`` is set when spin ``i`` is +1 (N ≤ 62).

    Examples
    --------
    >>> encode_states([[1, -1, 1], [-1, -1, -1]]).tolist()
    [5, 0]
    """
    batch, was_1d = check_spins(states, "states")
    n = batch.shape[1]
    if n > 62:
        raise ValueError(f"states must have at most 62 spins to be encoded; got {n}")
    weights = np.left_shift(np.int64(1), np.arange(n, dtype=np.int64))
    codes = (batch > 0).astype(np.int64) @ weights
    return codes[0] if was_1d else codes


def decode_states(codes, n_neurons: int) -> np.ndarray:
    """±1 states (int8, shape (B, N)) from integer codes (inverse of :func:`encode_states`).

    Examples
    --------
    >>> decode_states([5, 0], 3).tolist()
    [[1, -1, 1], [-1, -1, -1]]
    """
    n = check_int(n_neurons, "n_neurons", minimum=1, maximum=62)
    c = np.asarray(codes)
    if c.dtype == np.bool_ or not np.issubdtype(c.dtype, np.integer):
        raise TypeError(f"codes must be integers; got dtype {c.dtype}")
    scalar = c.ndim == 0
    c = np.atleast_1d(c).astype(np.int64)
    if c.ndim != 1:
        raise ValueError(f"codes must be a 1-d array; got shape {c.shape}")
    if c.size and (c.min() < 0 or c.max() >= (1 << n)):
        raise ValueError(f"codes must lie in [0, 2**{n}); got values outside")
    from esorma.attractors._enum_kernels import decode_codes

    out = decode_codes(c.astype(np.uint64), n)
    return out[0] if scalar else out


def exact_basins_cost(n: int, mode: str = "sync") -> tuple[float, float]:
    """Estimated memory (bytes) and single-core time (s) of :func:`exact_basins` at size ``n``.

    Examples
    --------
    >>> nbytes, seconds = exact_basins_cost(40)
    >>> nbytes > 1e12
    True
    """
    mode = check_choice(mode, "mode", ("sync", "sequential"))
    states = 2.0**n
    nbytes = states * _BYTES_PER_STATE
    per = _SECONDS_PER_STATE_SPIN[mode] * (n if mode == "sync" else n * n / 4 + n)
    return nbytes, states * per


def _prepare(network, theta, mode, max_neurons):
    from esorma.networks import as_network

    net = as_network(network, theta)
    mode = check_choice(mode, "mode", ("sync", "sequential"))
    max_neurons = check_int(max_neurons, "max_neurons", minimum=1, maximum=_HARD_LIMIT)
    n = net.n_neurons
    if n > max_neurons:
        nbytes, seconds = exact_basins_cost(n, mode)
        raise ValueError(
            f"the network has N = {n} neurons; exact basins visit all 2**{n} = {2**n:.3g} states "
            f"(about {format_bytes(nbytes)} and ~{seconds:.0f} s of single-core compute); "
            f"N must be <= max_neurons = {max_neurons} (at most {_HARD_LIMIT}). Use "
            f"esorma.attractors.sample_attractors for large networks"
        )
    check_memory(
        2.0**n * _BYTES_PER_STATE,
        f"exact basins of N = {n} neurons (2**{n} states)",
        hint="use esorma.attractors.sample_attractors instead",
    )
    return net, mode


def _successor_array(net, mode) -> np.ndarray:
    n = net.n_neurons
    J = net.J
    Jt = np.ascontiguousarray(J.T)
    if net.is_integer:
        hproto = np.zeros(n, dtype=np.int64)
        eps = np.full(n, -1.0)
    else:
        hproto = np.zeros(n, dtype=np.float64)
        rowabs = np.abs(J).sum(axis=1)
        eps = 1e-9 * (net.scale * rowabs + np.abs(net.theta)) + 1e-300
    succ = np.empty(1 << n, dtype=np.int32)
    kernel = _k.sync_successors if mode == "sync" else _k.sequential_successors
    kernel(J, Jt, float(net.scale), net.theta, eps, hproto, _CHUNK_BITS, succ)
    return succ


def successors(
    network, theta=None, *, mode: str = "sync", max_neurons: int = MAX_EXACT_NEURONS
) -> np.ndarray:
    """The successor code of every one of the ``2^N`` state codes under a deterministic map.

    Parameters
    ----------
    network : Hopfield or array_like (N, N)
        A network or raw couplings.
    theta : array_like, optional
        Thresholds (only with raw couplings).
    mode : {"sync", "sequential"}
        One synchronous update of all spins, or one sweep ``i = 0..N−1`` of single-spin updates.
    max_neurons : int
        Refuse networks with more neurons (default 24).

    Returns
    -------
    ndarray of int32, shape (2^N,)
        ``succ[x]`` is the code of the state that follows state ``x``.

    Notes
    -----
    States are visited in Gray-code order so that one spin changes between consecutive states
    and the fields are updated in O(N): the synchronous map costs O(N 2^N) in total, the
    sequential sweep O(N 2^N) plus O(N) per flip.

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[0, 1], [1, 0]])
    >>> successors(J).tolist()  # 00 <-> 11 fixed, 01 <-> 10 swap (a 2-cycle)
    [0, 2, 1, 3]
    """
    net, mode = _prepare(network, theta, mode, max_neurons)
    return _successor_array(net, mode)


@summarized
@dataclass(frozen=True, eq=False)
class ExactBasins:
    """Every attractor (fixed point or cycle) of a deterministic map and the size of its basin.

    Attractors are sorted by decreasing basin size (ties: smaller code first).

    Attributes
    ----------
    mode : str
        ``"sync"`` or ``"sequential"``.
    n_neurons : int
    attractors : ndarray of int8, shape (K, N)
        One state per attractor: the fixed point, or the cycle state with the smallest code.
    codes : ndarray of int64, shape (K,)
        Codes of ``attractors``.
    cycle_lengths : ndarray of int64, shape (K,)
        1 for a fixed point, L for a cycle of L states.
    cycle_codes : ndarray of int64, shape (sum of cycle lengths,)
        The states of every cycle, cycle k in ``cycle_codes[cycle_offsets[k]:cycle_offsets[k+1]]``
        in the order the map visits them, starting with ``codes[k]``.
    cycle_offsets : ndarray of int64, shape (K + 1,)
    basin_sizes : ndarray of int64, shape (K,)
        Number of states (cycle states included) that end on attractor k; they sum to ``2^N``.
    max_transient : ndarray of int64, shape (K,)
        The longest number of steps any state of the basin takes to reach the cycle.
    energies : ndarray of float64, shape (K,)
        ``E = −½ sᵀJs + θᵀs`` of ``attractors``.
    cycle_energies : ndarray of float64, shape like ``cycle_codes``
    labels : AttractorLabels or None
        Labels relative to the stored patterns (when the network has patterns).
    successors, basin, depth : ndarray of int32, shape (2^N,), or None
        The map (``successors[x]``), the attractor index of each state and its number of steps
        to the cycle; kept when ``keep_graph`` (needed by :meth:`to_networkx`).
    seconds : float
        Wall time of the computation.
    """

    mode: str
    n_neurons: int
    attractors: np.ndarray
    codes: np.ndarray
    cycle_lengths: np.ndarray
    cycle_codes: np.ndarray
    cycle_offsets: np.ndarray
    basin_sizes: np.ndarray = field(metadata={
        "unit": "states", "description": "states (of 2^N) that end on each attractor"})
    max_transient: np.ndarray = field(metadata={"unit": "steps"})
    energies: np.ndarray = field(metadata={
        "description": "E = -1/2 s.J.s + theta.s of each attractor (whole network)"})
    cycle_energies: np.ndarray
    labels: AttractorLabels | None
    successors: np.ndarray | None
    basin: np.ndarray | None
    depth: np.ndarray | None
    seconds: float

    # -------------------------------------------------------------- derived quantities
    @property
    def n_attractors(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_states(self) -> int:
        return 1 << int(self.n_neurons)

    @property
    def is_fixed_point(self) -> np.ndarray:
        """True for attractors that are fixed points (cycle length 1)."""
        return self.cycle_lengths == 1

    @property
    def n_fixed_points(self) -> int:
        return int(np.sum(self.cycle_lengths == 1))

    @property
    def n_cycles(self) -> int:
        """Number of attractors that are cycles of length ≥ 2."""
        return int(np.sum(self.cycle_lengths > 1))

    @property
    def basin_fractions(self) -> np.ndarray:
        return self.basin_sizes / float(self.n_states)

    @property
    def fixed_points(self) -> np.ndarray:
        """The fixed points, shape (F, N), in the attractor order."""
        return self.attractors[self.cycle_lengths == 1]

    def cycle_states(self, k: int) -> np.ndarray:
        """The states of attractor ``k`` (shape (L, N)) in the order the map visits them."""
        k = check_int(k, "k", minimum=0, maximum=self.n_attractors - 1)
        codes = self.cycle_codes[self.cycle_offsets[k] : self.cycle_offsets[k + 1]]
        return decode_states(codes, self.n_neurons)

    def attractor_of(self, states) -> np.ndarray:
        """Attractor index that each state (shape (B, N) or (N,)) flows into."""
        if self.basin is None:
            raise ValueError("the transition graph was not kept (use keep_graph=True)")
        batch, was_1d = check_spins(states, "states", n=self.n_neurons)
        out = self.basin[encode_states(batch)].astype(np.int64)
        return out[0] if was_1d else out

    def summary(self) -> dict:
        """Key numbers as a JSON-friendly dict."""
        out = {
            "mode": self.mode,
            "n_neurons": int(self.n_neurons),
            "n_states": self.n_states,
            "n_attractors": self.n_attractors,
            "n_fixed_points": self.n_fixed_points,
            "n_cycles": self.n_cycles,
            "cycle_lengths": sorted({int(x) for x in self.cycle_lengths}),
            "largest_basin_fraction": float(self.basin_fractions.max()),
            "longest_transient": int(self.max_transient.max()),
            "seconds": float(self.seconds),
        }
        if self.labels is not None:
            out["label_counts"] = self.labels.counts()
        return out

    def to_networkx(self, *, max_states: int = 1 << 18):
        """The state-transition graph as a ``networkx.DiGraph``.

        Nodes are state codes (ints) with attributes ``basin`` (attractor index), ``depth``
        (steps to the cycle) and ``on_cycle``; there is one edge ``x -> successor(x)`` per state
        (a self-loop at each fixed point). Every weakly connected component is one basin and
        holds exactly one cycle.

        Parameters
        ----------
        max_states : int
            Refuse larger graphs (networkx needs roughly 1 KiB per node).
        """
        import networkx as nx

        if self.successors is None:
            raise ValueError("the transition graph was not kept (use keep_graph=True)")
        if self.n_states > max_states:
            raise ValueError(
                f"the graph has 2**{self.n_neurons} = {self.n_states} states, more than "
                f"max_states = {max_states} (about {format_bytes(1024.0 * self.n_states)} "
                f"in networkx); use .successors, .basin and .depth directly"
            )
        g = nx.DiGraph(mode=self.mode, n_neurons=int(self.n_neurons))
        basin = self.basin.tolist()
        depth = self.depth.tolist()
        g.add_nodes_from(
            (x, {"basin": basin[x], "depth": depth[x], "on_cycle": depth[x] == 0})
            for x in range(self.n_states)
        )
        g.add_edges_from(zip(range(self.n_states), self.successors.tolist()))
        return g


def exact_basins(
    network,
    theta=None,
    *,
    mode: str = "sync",
    patterns=None,
    keep_graph: bool | None = None,
    max_neurons: int = MAX_EXACT_NEURONS,
    label_tol: float = 0.0,
) -> ExactBasins:
    """Exact attractors and basins of the synchronous or sequential zero-temperature map.

    Parameters
    ----------
    network : Hopfield or array_like (N, N)
        A network, or raw couplings (any real matrix, symmetric or not).
    theta : array_like, optional
        Thresholds (only with raw couplings; a network carries its own).
    mode : {"sync", "sequential"}
        ``"sync"``: ``s ← sign(J s − θ)`` for all spins at once (the Little model).
        ``"sequential"``: one sweep of single-spin updates in the order ``i = 0, ..., N−1``
        (for integer couplings, exactly one sweep of :func:`esorma.dynamics.run` with
        ``mode="async", order="sequential", max_sweeps=1``; see Notes for float couplings).
        A zero field keeps the spin in both.
    patterns : array_like, shape (P, N), optional
        Patterns to label the attractors with (default: the network's stored patterns).
    keep_graph : bool, optional
        Keep the successor, basin and depth of every state (``12 · 2^N`` bytes) for
        :meth:`ExactBasins.to_networkx`; default: when ``N ≤ 20``.
    max_neurons : int
        Refuse larger networks with an estimate of the cost (default 24, at most 30).
    label_tol : float
        Tolerance of the labels (fraction of flipped spins; default 0: exact matches).

    Returns
    -------
    ExactBasins

    Notes
    -----
    Cost: ``O(N 2^N)`` time for the synchronous map (plus ``O(N)`` per flip for the sequential
    sweep) and ``O(2^N)`` for the basins (a single pass over the functional graph that marks
    each walk and labels it when it closes a cycle or meets a known basin); memory ``12 · 2^N``
    bytes. For symmetric couplings the synchronous map has only fixed points and 2-cycles
    (Goles & Olivos 1980), and the sequential map (zero diagonal) only fixed points, since each
    flip lowers the energy.

    Ties (``h_i = 0`` keeps ``s_i``) are exact for integer couplings (Hebb networks store
    integer counts by default). For float couplings a field within ``1e-9`` (relative) of zero
    is recomputed as the sum ``Σ_j J_ij s_j`` in the order ``j = 0..N−1`` (as the synchronous
    dynamics does), so the synchronous successors equal one step of
    :func:`esorma.dynamics.run`. The sequential map and the asynchronous dynamics keep fields
    up to date incrementally, in different orders of summation, so with float couplings that
    encode exact ties (e.g. ``K/3`` with integer ``K``) they can disagree on which spins tie;
    whether a float sum such as ``0.4 + 0.2 − 0.6`` is zero is a matter of rounding, so use
    integer couplings (``scale`` carries the normalisation) when ties matter.

    Examples
    --------
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> net = Hopfield.from_patterns(random_patterns(2, 10, rng=4))
    >>> res = exact_basins(net, mode="sync")
    >>> int(res.basin_sizes.sum()) == 2**10
    True
    >>> set(res.cycle_lengths.tolist()) <= {1, 2}
    True
    >>> "pattern 0" in res.labels.names
    True
    """
    t0 = time.perf_counter()
    net, mode = _prepare(network, theta, mode, max_neurons)
    n = net.n_neurons
    if keep_graph is None:
        keep_graph = n <= 20
    succ = _successor_array(net, mode)
    basin = np.empty(1 << n, dtype=np.int32)
    depth = np.empty(1 << n, dtype=np.int32)
    k_count, entry, length = _k.functional_graph(succ, basin, depth)
    offsets = np.zeros(k_count + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    cyc = np.empty(int(offsets[-1]), dtype=np.int64)
    first = _k.collect_cycles(succ, entry, length, offsets, cyc)
    sizes, longest = _k.basin_stats(basin, depth, k_count)

    # Canonical order: decreasing basin size, then increasing code.
    perm = np.lexsort((first, -sizes))
    new_index = np.empty(k_count, dtype=np.int32)
    new_index[perm] = np.arange(k_count, dtype=np.int32)
    _k.relabel(basin, new_index)
    lens = length[perm].astype(np.int64)
    new_offsets = np.zeros(k_count + 1, dtype=np.int64)
    np.cumsum(lens, out=new_offsets[1:])
    # cycles in the new order: gather positions offsets[perm[k]] + (0 .. len - 1)
    within = np.arange(int(new_offsets[-1]), dtype=np.int64) - np.repeat(new_offsets[:-1], lens)
    cycle_codes = cyc[np.repeat(offsets[:-1][perm], lens) + within]
    codes = first[perm]
    attractors = decode_states(codes, n)
    # each cycle starts with its representative: one energy evaluation serves both
    cycle_energies = np.asarray(net.energy(decode_states(cycle_codes, n)), dtype=np.float64)
    energies = cycle_energies[new_offsets[:-1]]
    labels: AttractorLabels | None = None
    pats = net.patterns if patterns is None else patterns
    if pats is not None:
        labels = replace(label_states(attractors, pats, tol=label_tol), energies=energies)
    return ExactBasins(
        mode=mode,
        n_neurons=n,
        attractors=attractors,
        codes=codes.astype(np.int64),
        cycle_lengths=lens,
        cycle_codes=cycle_codes.astype(np.int64),
        cycle_offsets=new_offsets,
        basin_sizes=sizes[perm],
        max_transient=longest[perm],
        energies=energies,
        cycle_energies=cycle_energies,
        labels=labels,
        successors=succ if keep_graph else None,
        basin=basin if keep_graph else None,
        depth=depth if keep_graph else None,
        seconds=time.perf_counter() - t0,
    )

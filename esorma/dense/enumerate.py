"""Exact enumeration of the fixed points of small dense associative memories.

Two exact methods, chosen by ``method``:

``"branch-and-bound"``
    Depth-first over partial assignments. With f spins fixed, each overlap lies in
    ``x_μ ∈ [y_μ − m, y_μ + m]`` (y_μ its fixed part, m = N − f free spins). The gain of
    flipping a fixed spin i is ``g_i = Σ_μ G_{a_μ}(x_μ)``, ``a_μ = s_i ξ_i^μ``, with the
    per-pattern gain tables ``G_{±1}(x) = F(x ∓ 2) − F(x)``; bounding each term by the
    minimum of its table over the interval (a range-minimum query: valid for *any* F, no
    convexity or monotonicity assumed) gives ``g_i ≥ LB_i``, and ``LB_i > 0`` proves that spin
    i flips in every completion: the subtree is pruned. The same bound with one more spin
    fixed tells, for every free spin, which of its values are already excluded: a free spin
    with no value left kills the node, a spin with one value left is assigned next without
    branching. When the gains are affine in x (F = x², the Hopfield case) a joint bound is
    added: a line below each term, ``G(y_μ + z) ≥ α_μ + β_μ z``, summed over patterns and
    bounded over the free spins as ``Σ α − Σ_j |Σ_μ β_μ ξ_j^μ|`` (the pairwise bound of
    :mod:`esorma.attractors`). Float gains (F = e^x, huge powers) prune only beyond a relative
    margin of 1e-8, so rounding never prunes a fixed point; leaves are decided by the same
    exact test as the brute force.
``"brute-force"``
    Every one of the 2^N states in Gray-code order (one flip, O(P), between consecutive
    states; chunks of 2^16 run in parallel), tested for 1-flip stability (``ΔE_i ≥ 0`` for
    every i, stopping at the first unstable spin).

How much the bound prunes depends on F and on P / N (``benchmarks/bench_dense.py``, N = 22,
P = 5, median of 3 instances on a loaded 2-core machine): nodes visited / 2^N and time against
the brute force were 2.3 % and 2.5x faster (n = 2), 6.5 % and 2.9x faster (n = 3), 29 % and
2x slower (n = 4), 4.1 % and 5.3x faster (e^x). With more patterns (P = 6-8 at N = 22) the
per-pattern bound loosens and the branch-and-bound of n = 3 and e^x visits 10-40 % of the
states and can be 1.5-3x slower than the brute force. The pairwise enumeration of
:mod:`esorma.attractors` (n = 2 only) stays far ahead (about 5000 nodes). ``"auto"`` takes the
branch-and-bound for F = x² and F = e^x and the brute force for n ≥ 3. The up-front estimate
is the brute force's, about ``2^N (P + c N P)`` operations (:func:`enumeration_cost`; the
branch-and-bound measured 0.2 to 3 times its time); refused beyond ``max_seconds`` or N > 30.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_bool, check_int, check_memory, check_real
from esorma.dense import _kernels as _k
from esorma.dense.networks import DenseHopfield

__all__ = ["DenseFixedPoints", "enumerate_dense_fixed_points", "enumeration_cost",
           "branch_and_bound_codes", "METHODS", "MAX_NEURONS"]

#: Enumeration methods of :func:`enumerate_dense_fixed_points`.
METHODS = ("auto", "branch-and-bound", "brute-force")

#: Largest N accepted by the enumeration (2^30 states, a 1 GiB mask).
MAX_NEURONS = 30
#: Assumed throughput of the kernel (pattern-entry operations per second per thread), for the
#: up-front estimate; measured about 1e9 on one core of the reference machine, taken lower.
_OPS_PER_SECOND = 4e8


def enumeration_cost(n_neurons: int, n_patterns: int) -> dict:
    """Up-front estimate of :func:`enumerate_dense_fixed_points`: states, bytes, seconds.

    The time assumes ~3 O(P) passes per state (one Gray flip, one or two stability tests) at
    4·10^8 entries per second on one thread.

    Examples
    --------
    >>> c = enumeration_cost(20, 5)
    >>> c["states"], c["mask_bytes"]
    (1048576, 1048576)
    """
    n = check_int(n_neurons, "n_neurons", minimum=1)
    p = check_int(n_patterns, "n_patterns", minimum=1)
    states = 2 ** n
    return {"states": states, "mask_bytes": states,
            "seconds": 3.0 * states * p / _OPS_PER_SECOND}


@summarized
@dataclass(frozen=True)
class DenseFixedPoints:
    """Every fixed point (1-flip stable state) of a dense associative memory.

    Attributes
    ----------
    states : ndarray, int8, shape (K, N)
        The fixed points, sorted by energy (lowest first).
    energies : ndarray of float64, shape (K,)
    overlaps : ndarray of float64, shape (K, P)
    model : str
    n_neurons, n_patterns : int
    n_states : int
        2^N, the states the search decides.
    seconds : float
    estimated_seconds : float
        The up-front estimate.
    method : str
        ``"branch-and-bound"`` or ``"brute-force"``.
    n_visited : int
        Nodes (partial or complete assignments) evaluated; 2^N for the brute force.
    """

    states: np.ndarray
    energies: np.ndarray = field(metadata={"unit": "energy", "description":
                                           "energy of each fixed point"})
    overlaps: np.ndarray = field(metadata={"unit": "overlap m", "description":
                                           "overlaps of each fixed point with the patterns"})
    model: str = "poly3"
    n_neurons: int = 0
    n_patterns: int = 0
    n_states: int = 0
    seconds: float = 0.0
    estimated_seconds: float = 0.0
    method: str = "brute-force"
    n_visited: int = 0

    @property
    def count(self) -> int:
        return int(self.states.shape[0])


def _sparse_tables(tab: np.ndarray, n: int) -> np.ndarray:
    """Range-min/max sparse tables (2, L, N + 1) of a gain table on x = 2u − N, u = 0..N."""
    v = np.asarray(tab)
    levels = max(1, int(n + 1).bit_length())
    st = np.empty((2, levels, n + 1), dtype=v.dtype)
    st[0, 0] = v
    st[1, 0] = v
    for lev in range(1, levels):
        h = 1 << (lev - 1)
        st[:, lev] = st[:, lev - 1]
        if h < n + 1:
            st[0, lev, : n + 1 - h] = np.minimum(st[0, lev - 1, : n + 1 - h], st[0, lev - 1, h:])
            st[1, lev, : n + 1 - h] = np.maximum(st[1, lev - 1, : n + 1 - h], st[1, lev - 1, h:])
    return st


def _bound_tables(network: DenseHopfield):
    """(exact, st_p, st_m, lg): the per-pattern gain tables of the bound, on the parity class
    x ≡ N (mod 2), as sparse tables; ``lg[k] = floor(log2 k)``."""
    n = network.n_neurons
    if network.interaction == "exp":
        x = 2.0 * np.arange(n + 1) - n
        base = np.exp(x - n)
        gp, gm = base * _k._EM2, base * _k._EP2
        exact = False
    else:
        gp, gm = network._tp[0::2], network._tm[0::2]
        exact = bool(network.exact_ties)
    lg = np.zeros(n + 2, dtype=np.int64)
    for k in range(2, n + 2):
        lg[k] = lg[k // 2] + 1
    gtab = np.stack([np.asarray(gp, np.float64), np.asarray(gm, np.float64)])
    return exact, _sparse_tables(gp, n), _sparse_tables(gm, n), lg, gtab


def branch_and_bound_codes(network: DenseHopfield, *, parallel: bool = True,
                           depth: int | None = None, joint: bool | None = None):
    """Codes (bit i set: s_i = +1, ascending) of every fixed point by branch-and-bound, and the
    nodes evaluated. The first ``depth`` spins (default min(10, N − 10), at least 0) are expanded into 2^depth
    independent subtrees (run in parallel); ``joint`` adds the linear joint bound (default: when
    the gains are affine in x). No validation: see :func:`enumerate_dense_fixed_points`."""
    n = network.n_neurons
    depth = max(0, min(10, n - 10)) if depth is None else int(depth)
    exact, st_p, st_m, lg, gtab = _bound_tables(network)
    if joint is None:  # the joint (linear) bound pays off when the gains are affine in x
        joint = bool(np.all(np.diff(gtab, 2, axis=1) == 0))
    prefixes = np.arange(1 << depth, dtype=np.int64)
    args = (*network._kernel_args(),)
    kind, xiT, tp, tm, expt, escale = args
    kern = _k.bnb_parallel if parallel else _k.bnb_serial
    cap = 64
    counts = np.zeros(len(prefixes), np.int64)
    nodes = np.zeros(len(prefixes), np.int64)
    out = np.zeros((len(prefixes), cap), np.int64)
    kern(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab, prefixes, depth,
         out, counts, nodes)
    over = np.flatnonzero(counts > cap)
    parts = [out[t, : counts[t]] for t in range(len(prefixes)) if counts[t] <= cap]
    if over.size:  # rerun the subtrees that overflowed their buffer
        big = int(counts[over].max())
        out2 = np.zeros((over.size, big), np.int64)
        c2 = np.zeros(over.size, np.int64)
        n2 = np.zeros(over.size, np.int64)
        kern(kind, exact, joint, xiT, tp, tm, expt, escale, st_p, st_m, lg, gtab,
             prefixes[over], depth, out2, c2, n2)
        parts += [out2[j, : c2[j]] for j in range(over.size)]
    codes = np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
    return codes, int(nodes.sum())


def enumerate_dense_fixed_points(network: DenseHopfield, *, max_seconds: float = 60.0,
                                 parallel: bool = True,
                                 method: str = "auto") -> DenseFixedPoints:
    """All fixed points of ``network``, exactly (branch-and-bound or brute force).

    Parameters
    ----------
    network : DenseHopfield
        N ≤ 30.
    max_seconds : float
        Refuse (ValueError, with the estimate) when the up-front estimate exceeds it.
    parallel : bool
        Subtrees / chunks in parallel (the result does not depend on it).
    method : {"auto", "branch-and-bound", "brute-force"}
        See the module notes; the fixed points are the same.

    Returns
    -------
    DenseFixedPoints

    Examples
    --------
    >>> from esorma.dense import DenseHopfield
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(2, 10, rng=0)
    >>> fp = enumerate_dense_fixed_points(DenseHopfield(xi, "power", 4))
    >>> bool(all((fp.states == p).all(1).any() for p in xi)), fp.n_states
    (True, 1024)
    >>> bb = enumerate_dense_fixed_points(DenseHopfield(xi, "power", 2),
    ...                                   method="branch-and-bound")
    >>> bb.method, bool(bb.n_visited < 1024)
    ('branch-and-bound', True)
    """
    if not isinstance(network, DenseHopfield):
        raise TypeError(f"network must be a DenseHopfield; got {type(network).__name__}")
    max_seconds = check_real(max_seconds, "max_seconds", minimum=0.0, strict_min=True)
    parallel = check_bool(parallel, "parallel")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    import time

    n, p = network.n_neurons, network.n_patterns
    if n > MAX_NEURONS:
        raise ValueError(f"enumeration visits 2^N states: N must be <= {MAX_NEURONS}; got "
                         f"N = {n} (2^{n} = {2**n:.3g} states)")
    cost = enumeration_cost(n, p)
    threads = 1
    if parallel:
        import numba

        threads = max(1, numba.get_num_threads())
    est = cost["seconds"] / threads
    if est > max_seconds:
        raise ValueError(f"enumeration of N = {n}, P = {p} visits {cost['states']:.3g} states "
                         f"and is estimated at {est:.3g} s > max_seconds = {max_seconds:g}; "
                         "raise max_seconds or use fewer neurons/patterns")
    if method == "auto":
        affine = network.interaction == "power" and network.degree == 2
        method = ("branch-and-bound" if affine or network.interaction == "exp"
                  else "brute-force")
    t0 = time.perf_counter()
    if method == "branch-and-bound":
        codes, visited = branch_and_bound_codes(network, parallel=parallel)
    else:
        check_memory(cost["mask_bytes"], f"the 2^{n}-state mask of the enumeration")
        mask = np.zeros(2 ** n, dtype=np.uint8)
        low = min(n, 16)
        kern = _k.enumerate_parallel if parallel else _k.enumerate_serial
        kern(*network._kernel_args(), low, mask)
        codes = np.flatnonzero(mask)
        visited = 2 ** n
    bits = (codes[:, None] >> np.arange(n)[None, :]) & 1
    states = np.where(bits == 1, 1, -1).astype(np.int8)
    x = network.raw_overlaps(states) if len(states) else np.zeros((0, p), np.int64)
    energies = network._energy_from_overlaps(x) if len(states) else np.zeros(0)
    order = np.lexsort((codes, energies))
    return DenseFixedPoints(states[order], energies[order], x[order] / n, network.model, n, p,
                            2 ** n, time.perf_counter() - t0, est, method, int(visited))

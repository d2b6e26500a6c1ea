"""Exact enumeration of the fixed points of small dense associative memories.

Every one of the 2^N states is visited in Gray-code order (one flip, O(P), between
consecutive states; the 2^N states are split into 2^(N−L) chunks of 2^L run in parallel) and
tested for 1-flip stability (``ΔE_i ≥ 0`` for every i, stopping at the first unstable spin).
The energy is many-body, so the pairwise bounds of :mod:`esorma.attractors` do not apply;
this brute force is exact for any F and its cost is known before it starts:
about ``2^N (P + c N P)`` operations with ``c`` the mean fraction of spins tested per state
(small: most states fail at once), estimated up front by :func:`enumeration_cost` and refused
beyond ``max_seconds`` or N > 30.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_bool, check_int, check_memory, check_real
from esorma.dense import _kernels as _k
from esorma.dense.networks import DenseHopfield

__all__ = ["DenseFixedPoints", "enumerate_dense_fixed_points", "enumeration_cost",
           "MAX_NEURONS"]

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
        2^N states visited.
    seconds : float
    estimated_seconds : float
        The up-front estimate.
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

    @property
    def count(self) -> int:
        return int(self.states.shape[0])


def enumerate_dense_fixed_points(network: DenseHopfield, *, max_seconds: float = 60.0,
                                 parallel: bool = True) -> DenseFixedPoints:
    """All fixed points of ``network`` by exhaustive Gray-code search over the 2^N states.

    Parameters
    ----------
    network : DenseHopfield
        N ≤ 30.
    max_seconds : float
        Refuse (ValueError, with the estimate) when the up-front estimate exceeds it.
    parallel : bool
        Chunks in parallel (the result does not depend on it).

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
    """
    if not isinstance(network, DenseHopfield):
        raise TypeError(f"network must be a DenseHopfield; got {type(network).__name__}")
    max_seconds = check_real(max_seconds, "max_seconds", minimum=0.0, strict_min=True)
    parallel = check_bool(parallel, "parallel")
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
    check_memory(cost["mask_bytes"], f"the 2^{n}-state mask of the enumeration")
    t0 = time.perf_counter()
    mask = np.zeros(2 ** n, dtype=np.uint8)
    low = min(n, 16)
    kern = _k.enumerate_parallel if parallel else _k.enumerate_serial
    kern(*network._kernel_args(), low, mask)
    codes = np.flatnonzero(mask)
    bits = (codes[:, None] >> np.arange(n)[None, :]) & 1
    states = np.where(bits == 1, 1, -1).astype(np.int8)
    x = network.raw_overlaps(states) if len(states) else np.zeros((0, p), np.int64)
    energies = network._energy_from_overlaps(x) if len(states) else np.zeros(0)
    order = np.lexsort((codes, energies))
    return DenseFixedPoints(states[order], energies[order], x[order] / n, network.model, n, p,
                            2 ** n, time.perf_counter() - t0, est)

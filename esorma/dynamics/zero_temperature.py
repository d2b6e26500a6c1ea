"""Zero-temperature dynamics of Hopfield networks: asynchronous and synchronous updates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_memory,
    check_spins,
    spawn_seeds,
)
from esorma.dynamics import _kernels as _k
from esorma.dynamics._common import prefer_low_rank

__all__ = ["DynamicsResult", "run"]


@summarized
@dataclass(frozen=True)
class DynamicsResult:
    """Outcome of zero-temperature dynamics from a batch of initial states.

    Attributes
    ----------
    states : ndarray, int8, shape (B, N) or (N,)
        Final states (for a 2-cycle: the state reached at the last step).
    sweeps : ndarray, int64, shape (B,) or ()
        Asynchronous: sweeps in which at least one spin flipped (0 if the start was already a
        fixed point). Synchronous: parallel steps taken.
    converged : ndarray of bool
        Asynchronous: the final state is a fixed point. Synchronous: a fixed point or a 2-cycle
        was reached.
    cycle_length : ndarray, int64
        1 for a fixed point, 2 for a 2-cycle (synchronous only), 0 if not converged.
    energies : ndarray, float64
        Energy of the final states.
    mode, order : str
        ``"async"``/``"sync"`` and ``"random"``/``"sequential"`` (async).
    max_sweeps : int
    seeds : ndarray of int64, optional
        The seed of each state's random update order (asynchronous random order; ``None``
        for deterministic orders). A chain's trajectory depends only on its seed.
    """

    states: np.ndarray
    sweeps: np.ndarray
    converged: np.ndarray
    cycle_length: np.ndarray
    energies: np.ndarray
    mode: str
    order: str
    max_sweeps: int
    seeds: np.ndarray | None = None

    @property
    def all_converged(self) -> bool:
        return bool(np.all(self.converged))


def run_bytes(n_states: int, n_neurons: int, n_patterns: int | None = None) -> float:
    """Estimated peak memory of :func:`run` beyond its input: the working copy of the states
    (1 byte per spin), the fields (8) and the float64 copy of the states for the energies (8),
    plus per-state counters. With ``n_patterns`` (the low-rank path of Hebb networks built
    from patterns): the states and the P overlaps per state only."""
    if n_patterns is not None:
        return float(n_states) * (2.0 * n_neurons + 8.0 * n_patterns + 64.0)
    return float(n_states) * (17.0 * n_neurons + 64.0)


def run(
    network,
    states,
    *,
    mode: str = "async",
    order: str = "random",
    max_sweeps: int = 100,
    rng=None,
) -> DynamicsResult:
    """Run zero-temperature dynamics from one state or a batch of states.

    Update rule: ``s_i ← sign(h_i)`` with ``h = J s − θ``; a tie ``h_i = 0`` keeps ``s_i``.

    Parameters
    ----------
    network : Hopfield, object with ``to_network()``, or array_like (N, N)
        A network (see :func:`esorma.networks.as_network`), or raw couplings (then θ = 0).
    states : array_like, shape (N,) or (B, N)
        Initial ±1 states (not modified).
    mode : {"async", "sync"}
        Asynchronous single-spin updates (Glauber at T = 0; the energy never increases for
        symmetric J) or synchronous parallel updates (the Little model; for symmetric J it
        reaches fixed points or 2-cycles only).
    order : {"random", "sequential"}
        Asynchronous update order: a fresh random permutation per sweep, or 0..N-1.
    max_sweeps : int
        Maximal number of sweeps (async) or parallel steps (sync); 0 only checks stability.
    rng : None, int or Generator
        Seeds the random orders (one seed per state, so the result does not depend on the
        number of threads).

    Returns
    -------
    DynamicsResult

    Notes
    -----
    Integer Hebb networks built by ``Hopfield.from_patterns`` run on their overlaps
    ``M = ξ s`` (O(NP) memory, an update costs O(P), J is not formed) up to 32 patterns, and
    beyond that while the work spent on this path stays below the cost of forming J (or
    while J would not fit in memory); then J is formed once and the dense fields are used.
    The raw fields are the same exact integers on both paths, so the results are
    bit-identical. The number of threads is chosen per call from the work
    (:mod:`esorma._threads`); results do not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns, corrupt
    >>> xi = random_patterns(5, 200, rng=1)
    >>> net = Hopfield.from_patterns(xi)
    >>> res = run(net, corrupt(xi, 0.1, rng=2), rng=3)
    >>> bool(res.all_converged), np.round(net.overlaps(res.states).diagonal(), 2).tolist()
    (True, [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    from esorma._threads import thread_policy
    from esorma.networks import as_network

    net = as_network(network)
    # Integer Hebb networks built from patterns run on their overlaps M = ξ s (O(NP) memory,
    # bit-identical to the dense path) when that is cheaper or the dense J would not fit.
    shape = np.shape(states)  # refuse before validating (which itself costs O(B N) memory)
    b = shape[0] if len(shape) == 2 else 1
    # ~3 sweeps of O(NP) per state (a retrieval typically converges in 1-2 sweeps + 1 check)
    lr_work = 3.0 * b * net.n_neurons * (net.n_patterns + 1)
    low_rank = bool(getattr(net, "_exact_low_rank", False)) and prefer_low_rank(net, lr_work)
    check_memory(
        run_bytes(b, net.n_neurons, n_patterns=net.n_patterns if low_rank else None),
        f"zero-temperature dynamics of {b} states of N = {net.n_neurons} spins",
        hint="run the states in smaller batches",
    )
    batch, was_1d = check_spins(states, "states", n=net.n_neurons)
    check_choice(mode, "mode", ("async", "sync"))
    check_choice(order, "order", ("random", "sequential"))
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=0)
    rng = as_rng(rng)
    b, n = batch.shape
    s = batch.copy()
    sweeps = np.zeros(b, dtype=np.int64)
    seeds = None
    # Work of one sweep over the batch: O(N P) per state on the low-rank path, O(N²) on the
    # dense one (an upper bound: a flip costs N, and early sweeps flip a fraction of spins).
    work = float(b) * n * ((net.n_patterns + 1) if low_rank else n)
    if low_rank:
        m = np.ascontiguousarray(net.pattern_overlaps_int(s))
        h = np.zeros((b, 0), dtype=np.int64)
        J = np.zeros((0, 0), dtype=net.couplings_dtype)
    else:
        h = net.raw_fields(s)
        h = np.ascontiguousarray(h, dtype=np.int64 if net.is_integer else np.float64)
        m = np.zeros((b, 0), dtype=np.int64)
    if mode == "async":
        seeds = spawn_seeds(rng, b)
        conv = np.zeros(b, dtype=np.bool_)
        args = (seeds, max_sweeps, order == "random", sweeps, conv)
        with thread_policy(work, items=b) as threads:
            if low_rank:
                kern = _k.async_batch_lr if threads > 1 else _k.async_batch_lr_serial
                kern(net.xi_t, float(net.scale), net.theta, s, m, *args)
            else:
                kern = _k.async_batch if threads > 1 else _k.async_batch_serial
                kern(net._Jt, float(net.scale), net.theta, s, h, *args)
        cycle = conv.astype(np.int64)
        if low_rank:
            energies = net._energy_from_overlaps(s, m)
        else:
            energies = net._energy_from(s, h)
    else:
        cycle = np.zeros(b, dtype=np.int64)
        xi_t = net.xi_t if low_rank else np.zeros((n, 0), dtype=np.int8)
        with thread_policy(work, items=b) as threads:
            kern = _k.sync_batch if threads > 1 else _k.sync_batch_serial
            kern(J if low_rank else net.J, xi_t, low_rank, float(net.scale), net.theta, s, h,
                 m, max_sweeps, sweeps, cycle)
        conv = cycle > 0
        energies = net.energy(s)
    if was_1d:
        if mode == "sync" or order == "sequential":
            seeds = None
        return DynamicsResult(
            s[0], sweeps[0], conv[0], cycle[0], energies[0], mode, order, max_sweeps, seeds
        )
    if mode == "sync" or order == "sequential":
        seeds = None
    return DynamicsResult(s, sweeps, conv, cycle, energies, mode, order, max_sweeps, seeds)

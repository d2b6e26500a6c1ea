"""Dynamics of dense associative memories: zero temperature (async, sync) and Glauber at T > 0.

Both work on energy differences ``ΔE_i`` (see :mod:`esorma.dense.networks`); each chain keeps
its overlaps ``x_μ`` so an attempted flip costs O(P). Random update orders and Glauber random
numbers come from one seed per chain (drawn from ``rng`` first thing), so a result does not
depend on the number of threads; at n = 2 the asynchronous dynamics draws exactly the seeds and
orders of :func:`esorma.dynamics.run`, and therefore gives the same states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_real,
    check_spins,
    spawn_seeds,
)
from esorma.dense import _kernels as _k
from esorma.dense.networks import DenseHopfield

__all__ = ["DenseDynamicsResult", "DenseGlauberResult", "run", "glauber"]


def _check_network(network) -> DenseHopfield:
    if not isinstance(network, DenseHopfield):
        raise TypeError(f"network must be an esorma.dense.DenseHopfield; got "
                        f"{type(network).__name__}")
    return network


@summarized
@dataclass(frozen=True)
class DenseDynamicsResult:
    """Outcome of zero-temperature dynamics of a dense associative memory.

    Attributes
    ----------
    states : ndarray, int8, shape (B, N) or (N,)
    sweeps : ndarray of int64
        Async: sweeps with at least one flip. Sync: parallel steps taken.
    converged : ndarray of bool
        Async: a fixed point. Sync: a fixed point or a 2-cycle.
    cycle_length : ndarray of int64
        1 fixed point, 2 two-cycle (sync), 0 not converged.
    energies : ndarray of float64
        Energies of the final states.
    overlaps : ndarray of float64, shape (B, P) or (P,)
        Final overlaps ``m_μ``.
    model, mode, order : str
    max_sweeps : int
    seeds : ndarray of int64 or None
        Seed of each chain's random order (async random order only).
    """

    states: np.ndarray
    sweeps: np.ndarray
    converged: np.ndarray
    cycle_length: np.ndarray
    energies: np.ndarray
    overlaps: np.ndarray = field(metadata={"unit": "overlap m",
                                           "description": "final overlaps with the patterns"})
    model: str = "poly3"
    mode: str = "async"
    order: str = "random"
    max_sweeps: int = 100
    seeds: np.ndarray | None = None

    @property
    def all_converged(self) -> bool:
        return bool(np.all(self.converged))


def _parallel(b: int) -> bool:
    return b > 1


def run(network: DenseHopfield, states, *, mode: str = "async", order: str = "random",
        max_sweeps: int = 100, rng=None) -> DenseDynamicsResult:
    """Zero-temperature dynamics from one state or a batch of states.

    A spin flips when the flip lowers the energy (``ΔE_i < 0``); ``ΔE_i = 0`` keeps it.

    Parameters
    ----------
    network : DenseHopfield
    states : array_like, shape (N,) or (B, N)
        Initial ±1 states (not modified).
    mode : {"async", "sync"}
        Single-spin updates (the energy strictly decreases at every flip, so the dynamics
        ends at a fixed point) or parallel updates (fixed points or 2-cycles).
    order : {"random", "sequential"}
        Async order: a fresh random permutation per sweep, or 0..N-1.
    max_sweeps : int
        Maximal sweeps (async) or parallel steps (sync).
    rng : None, int or Generator
        One seed per chain for the random orders.

    Returns
    -------
    DenseDynamicsResult

    Examples
    --------
    >>> from esorma.dense import DenseHopfield
    >>> from esorma.patterns import random_patterns, corrupt
    >>> xi = random_patterns(200, 100, rng=1)        # P = 2 N: far beyond Hopfield capacity
    >>> net = DenseHopfield(xi, "power", 3)
    >>> res = run(net, corrupt(xi[:5], 0.1, rng=2), rng=3)
    >>> res.overlaps[:, :5].diagonal().tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    net = _check_network(network)
    batch, was_1d = check_spins(states, "states", n=net.n_neurons)
    check_choice(mode, "mode", ("async", "sync"))
    check_choice(order, "order", ("random", "sequential"))
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=0)
    rng = as_rng(rng)
    b = batch.shape[0]
    s = batch.copy()
    x = net.raw_overlaps(s)
    sweeps = np.zeros(b, dtype=np.int64)
    args = net._kernel_args()
    seeds = None
    if mode == "async":
        seeds = spawn_seeds(rng, b)
        conv = np.zeros(b, dtype=np.bool_)
        kern = _k.async_parallel if _parallel(b) else _k.async_serial
        kern(*args, s, x, seeds, max_sweeps, order == "random", sweeps, conv)
        cycle = conv.astype(np.int64)
        if order == "sequential":
            seeds = None
    else:
        cycle = np.zeros(b, dtype=np.int64)
        kern = _k.sync_parallel if _parallel(b) else _k.sync_serial
        kern(*args, s, x, max_sweeps, sweeps, cycle)
        conv = cycle > 0
        x = net.raw_overlaps(s)  # the overlaps of the reported (last) state
    energies = net._energy_from_overlaps(x)
    m = x / net.n_neurons
    if was_1d:
        return DenseDynamicsResult(s[0], sweeps[0], conv[0], cycle[0], energies[0], m[0],
                                   net.model, mode, order, max_sweeps, seeds)
    return DenseDynamicsResult(s, sweeps, conv, cycle, energies, m, net.model, mode, order,
                               max_sweeps, seeds)


@summarized
@dataclass(frozen=True)
class DenseGlauberResult:
    """Outcome of Glauber dynamics of a dense associative memory.

    Attributes
    ----------
    states : ndarray, int8, shape (B, N)
        Final states.
    mean_overlaps : ndarray, shape (B, P)
        Overlaps ``m_μ`` averaged over the sweeps after ``burn_in`` (sampled once per sweep).
    temperature : float
    n_sweeps, burn_in : int
    model : str
    seeds : ndarray of int64
    """

    states: np.ndarray
    mean_overlaps: np.ndarray = field(metadata={"unit": "overlap m", "description":
                                                "overlaps averaged over measured sweeps"})
    temperature: float = 0.0
    n_sweeps: int = 0
    burn_in: int = 0
    model: str = "poly3"
    seeds: np.ndarray | None = None


def glauber(network: DenseHopfield, temperature: float, states, *, n_sweeps: int = 100,
            burn_in: int | None = None, order: str = "random", rng=None) -> DenseGlauberResult:
    """Glauber (heat-bath) dynamics on energy differences at ``temperature`` > 0.

    Spin i flips with probability ``1 / (1 + exp(ΔE_i / T))``; at n = 2 this is the Glauber
    rule ``P(s_i = +1) = 1 / (1 + exp(−2 h_i / T))`` of the Hebb network (same T scale,
    ``T_c = 1`` at α → 0). Its stationary law is ``exp(−E(s) / T)``.

    Parameters
    ----------
    network : DenseHopfield
    temperature : float
        > 0 (for ``"exp"``, in units of the log-energy ``−ln Σ e^{x_μ}``).
    states : array_like, shape (N,) or (B, N)
        Initial states, one chain each.
    n_sweeps : int
        Sweeps (N attempted flips each).
    burn_in : int, optional
        Sweeps not averaged (default ``n_sweeps // 2``).
    order : {"random", "sequential"}
    rng : None, int or Generator

    Examples
    --------
    >>> from esorma.dense import DenseHopfield
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(20, 100, rng=0)
    >>> net = DenseHopfield(xi, "power", 3)
    >>> hot = glauber(net, 5.0, xi[0], n_sweeps=40, rng=1).mean_overlaps[0, 0]
    >>> cold = glauber(net, 0.1, xi[0], n_sweeps=40, rng=1).mean_overlaps[0, 0]
    >>> bool(cold > 0.95 and hot < 0.5)
    True
    """
    net = _check_network(network)
    temperature = check_real(temperature, "temperature", minimum=0.0, strict_min=True)
    batch, _ = check_spins(states, "states", n=net.n_neurons)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    burn_in = n_sweeps // 2 if burn_in is None else check_int(burn_in, "burn_in", minimum=0,
                                                             maximum=n_sweeps - 1)
    check_choice(order, "order", ("random", "sequential"))
    rng = as_rng(rng)
    b = batch.shape[0]
    seeds = spawn_seeds(rng, b)
    s = batch.copy()
    x = net.raw_overlaps(s)
    mean_x = np.zeros((b, net.n_patterns))
    kern = _k.glauber_parallel if _parallel(b) else _k.glauber_serial
    kern(*net._kernel_args(), temperature, s, x, seeds, n_sweeps, burn_in, order == "random",
         mean_x)
    return DenseGlauberResult(s, mean_x / net.n_neurons, temperature, n_sweeps, burn_in,
                              net.model, seeds)

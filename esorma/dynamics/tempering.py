"""Parallel tempering (replica exchange) across a temperature ladder."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, spawn_seeds
from esorma.dynamics import _stochastic_kernels as _k
from esorma.dynamics.observables import Estimate, estimate
from esorma.dynamics._common import (
    ORDERS,
    UPDATES,
    chain_arrays,
    check_chain_memory,
    initial_states,
    network_tuple,
    resolve_path,
    warn_if_nonsymmetric,
)
from esorma.networks import as_network

__all__ = ["TemperingResult", "parallel_tempering", "temperature_ladder"]


@summarized
@dataclass(frozen=True)
class TemperingResult:
    """Outcome of parallel tempering: R independent runs of K replicas each.

    Attributes
    ----------
    temperatures : ndarray, shape (K,)
        The ladder, ascending.
    states : ndarray, int8, shape (R, K, N)
        Final states, ordered by temperature.
    energy, magnetisation : ndarray, shape (S, R, K)
        Measurements at each temperature (after burn-in, every ``thin`` sweeps).
    overlaps : ndarray, shape (S, R, K, P) or None
        Overlaps with the stored patterns (networks with patterns).
    q : ndarray, shape (S, R // 2, K) or None
        Overlap between runs 2g and 2g+1 at the same temperature (even R only).
    accepted, attempted : ndarray, shape (R, K − 1)
        Exchange counts of each neighbouring pair (k, k+1).
    best_energy : ndarray, shape (R,)
        Lowest energy visited by each run (checked after every sweep of every replica).
    best_states : ndarray, int8, shape (R, N)
    flip_rate : ndarray, shape (R, K)
        Single-spin acceptance of each replica (replicas move across temperatures).
    n_updates : int
    seconds : float
    update, order, path : str
        The update rule (``"glauber"``/``"metropolis"``), the order and the field path.
    exchange_every, burn_in, thin : int
    seeds : ndarray
    """

    temperatures: np.ndarray
    states: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    overlaps: np.ndarray | None
    q: np.ndarray | None
    accepted: np.ndarray
    attempted: np.ndarray
    best_energy: np.ndarray
    best_states: np.ndarray
    flip_rate: np.ndarray
    n_updates: int
    seconds: float
    update: str
    order: str
    path: str
    exchange_every: int
    burn_in: int
    thin: int
    seeds: np.ndarray

    @property
    def acceptance_rates(self) -> np.ndarray:
        """Exchange acceptance of each neighbouring pair, over all runs, shape (K − 1,);
        NaN for a pair where no swap was attempted (e.g. ``exchange_every > n_sweeps``)."""
        att = self.attempted.sum(axis=0)
        acc = self.accepted.sum(axis=0).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(att > 0, acc / np.maximum(att, 1), np.nan)

    @property
    def ground_energy(self) -> float:
        """Lowest energy found by any run."""
        return float(self.best_energy.min())

    @property
    def ground_state(self) -> np.ndarray:
        """A state with :attr:`ground_energy`."""
        return self.best_states[int(np.argmin(self.best_energy))]

    def estimate(self, observable: str = "energy", temperature_index: int = 0) -> Estimate:
        """Mean ± error of ``"energy"``, ``"magnetisation"``, ``"abs_magnetisation"``, ``"q"``,
        ``"abs_q"`` or ``"q2"`` at one temperature of the ladder."""
        check_choice(observable, "observable",
                     ("energy", "magnetisation", "abs_magnetisation", "q", "abs_q", "q2"))
        k = check_int(temperature_index, "temperature_index", minimum=0,
                      maximum=self.temperatures.size - 1)
        if observable.endswith("q") or observable == "q2":
            if self.q is None:
                raise ValueError("no replica overlaps were recorded (needs an even n_runs)")
            x = self.q[:, :, k]
            x = {"q": x, "abs_q": np.abs(x), "q2": x**2}[observable]
        elif observable == "energy":
            x = self.energy[:, :, k]
        else:
            x = self.magnetisation[:, :, k]
            if observable == "abs_magnetisation":
                x = np.abs(x)
        if x.shape[0] < 2:
            raise ValueError(f"need at least 2 measurements for an estimate; got {x.shape[0]}")
        return estimate(x)


def temperature_ladder(t_min: float, t_max: float, n_temperatures: int) -> np.ndarray:
    """A geometric ladder from ``t_min`` to ``t_max`` (a common first choice for tempering).

    Examples
    --------
    >>> temperature_ladder(0.5, 2.0, 3).tolist()
    [0.5, 1.0, 2.0]
    """
    from esorma._validation import check_real

    t_min = check_real(t_min, "t_min", minimum=0.0, strict_min=True)
    t_max = check_real(t_max, "t_max", minimum=t_min)
    k = check_int(n_temperatures, "n_temperatures", minimum=2)
    return np.geomspace(t_min, t_max, k)


def _check_ladder(temperatures) -> np.ndarray:
    arr = np.asarray(temperatures)
    if arr.dtype == object or arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"temperatures must be a 1-D array of real numbers; got {temperatures!r}")
    arr = np.atleast_1d(arr).astype(np.float64)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(
            f"temperatures must be a ladder of at least 2 temperatures; got {arr.tolist()}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"temperatures must be finite and > 0; got {arr.tolist()}")
    arr = np.sort(arr)
    if np.any(np.diff(arr) == 0):
        raise ValueError(f"temperatures must be distinct; got {arr.tolist()}")
    return arr


def parallel_tempering(
    network,
    temperatures,
    *,
    n_sweeps: int,
    n_runs: int = 2,
    states=None,
    update: str = "glauber",
    order: str = "random",
    exchange_every: int = 1,
    burn_in: int = 0,
    thin: int = 1,
    path: str = "auto",
    rng=None,
) -> TemperingResult:
    """Replica-exchange Monte Carlo on a ladder of temperatures.

    Each of ``n_runs`` independent runs holds one replica per temperature. Every sweep each
    replica makes N single-spin updates at its temperature; every ``exchange_every`` sweeps
    neighbouring temperatures (k, k+1) try to swap their replicas, accepted with
    ``min(1, exp((1/T_k − 1/T_{k+1}) (E_k − E_{k+1})))``, which keeps the product of the
    Boltzmann distributions invariant.

    Parameters
    ----------
    network : Hopfield, object with ``to_network()`` (a BoltzmannMachine), or array_like (N, N)
        Symmetric couplings (spin glass, Hebb, ...), or an object with ``to_network()``.
    temperatures : array_like, shape (K,)
        At least 2 distinct temperatures > 0 (sorted ascending here).
    n_sweeps : int
    n_runs : int
        Independent runs (parallel over runs; an even number also records q between runs).
    states : array_like, shape (N,) or (R·K, N), optional
        Initial states (default random).
    update : {"glauber", "metropolis"}
        The single-spin update rule, as in :func:`esorma.dynamics.stochastic.sample`.
    order : {"random", "sequential", "uniform", "permutation"}
        As in :func:`esorma.dynamics.stochastic.sample` (``"random"``: a fresh permutation
        per sweep; ``"uniform"``: sites with replacement).
    exchange_every, burn_in, thin : int
    path : {"auto", "dense", "low_rank"}
        As in :func:`esorma.dynamics.stochastic.sample` (low rank: Hebb networks, O(P) per update).
    rng : None, int or Generator

    Returns
    -------
    TemperingResult

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.thermo.data import sk_couplings
    >>> J = sk_couplings(16, rng=3)
    >>> res = parallel_tempering(J, temperature_ladder(0.3, 2.0, 8), n_sweeps=500, rng=0)
    >>> res.acceptance_rates.shape, bool(res.acceptance_rates.min() > 0.05)
    ((7,), True)
    """
    net = as_network(network)
    temps = _check_ladder(temperatures)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_runs = check_int(n_runs, "n_runs", minimum=1)
    check_choice(update, "update", tuple(UPDATES))
    check_choice(order, "order", tuple(ORDERS))
    exchange_every = check_int(exchange_every, "exchange_every", minimum=1)
    burn_in = check_int(burn_in, "burn_in", minimum=0, maximum=n_sweeps)
    thin = check_int(thin, "thin", minimum=1)
    low_rank = resolve_path(net, path)
    rng = as_rng(rng)
    n, k_t = net.n_neurons, temps.size
    c = n_runs * k_t
    n_meas = (n_sweeps - burn_in) // thin
    p = net.n_patterns
    check_chain_memory(net, c, n_meas, low_rank, what="replicas",
                       hint="use fewer runs (n_runs) or temperatures, or raise thin")
    warn_if_nonsymmetric(net, "parallel tempering", temps)
    batch = initial_states(states, c, n, rng)
    seeds = spawn_seeds(rng, c)
    run_seeds = spawn_seeds(rng, n_runs)
    nt, hdt = network_tuple(net, low_rank)
    chains = chain_arrays(net, batch, low_rank, hdt, seeds)
    group = 2 if n_runs % 2 == 0 else 1
    pos = np.tile(np.arange(k_t, dtype=np.int64), n_runs)
    out = (
        np.zeros((n_meas, n_runs, k_t)),
        np.zeros((n_meas, n_runs, k_t)),
        np.zeros((n_meas, n_runs, k_t, p)),
        np.zeros((n_meas, n_runs // 2, k_t)),
        np.zeros((n_runs, k_t - 1), dtype=np.int64),
        np.zeros((n_runs, k_t - 1), dtype=np.int64),
        np.full(n_runs, np.inf),
        np.zeros((n_runs, n), dtype=np.int8),
    )
    cfg = np.array([UPDATES[update], ORDERS[order], 0, burn_in, thin, group, exchange_every,
                    n_sweeps], dtype=np.int64)
    t0 = time.perf_counter()
    work = n_sweeps * n * c
    from esorma._threads import thread_policy

    with thread_policy(work, items=n_runs // group, serial_work=_k.SERIAL_WORK) as nth:
        kernel = _k.run_tempering if nth > 1 else _k.run_tempering_serial
        kernel(nt, chains, temps, cfg, run_seeds, pos, out)
    seconds = time.perf_counter() - t0
    s = chains[0].reshape(n_runs, k_t, n)
    order_idx = np.argsort(pos.reshape(n_runs, k_t), axis=1)
    final = np.take_along_axis(s, order_idx[:, :, None], axis=1)
    flips = chains[4].reshape(n_runs, k_t) / float(n_sweeps * n)
    return TemperingResult(
        temperatures=temps,
        states=final,
        energy=out[0],
        magnetisation=out[1],
        overlaps=out[2] if p > 0 else None,
        q=out[3] if group == 2 else None,
        accepted=out[4],
        attempted=out[5],
        best_energy=out[6],
        best_states=out[7],
        flip_rate=flips,
        n_updates=n_sweeps * n * c,
        seconds=seconds,
        update=update,
        order=order,
        path="low_rank" if low_rank else "dense",
        exchange_every=exchange_every,
        burn_in=burn_in,
        thin=thin,
        seeds=seeds,
    )

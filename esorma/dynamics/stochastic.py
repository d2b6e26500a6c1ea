"""Finite-temperature dynamics of Hopfield / Boltzmann networks: Glauber and Metropolis.

Single-spin Markov chains at temperature ``T`` with incremental local fields, many chains at
once (parallel over chains, one seed per chain: results do not depend on the thread count),
observables measured on the fly (energy, magnetisation, overlaps with stored patterns, the
overlap q between replica pairs) with burn-in, thinning and autocorrelation-aware error bars,
and annealing schedules. Parallel tempering lives in :mod:`esorma.dynamics.tempering`.

Temperature units (``DESIGN.md``): Glauber ``P(s_i = +1) = 1 / (1 + exp(−2 h_i / T))`` with
``h = scale J s − θ``; Hebb couplings have ``T_c = 1`` as α → 0.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._threads import thread_policy
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_real,
    spawn_seeds,
)
from esorma.dynamics import _stochastic_kernels as _k
from esorma.dynamics._common import (
    LOW_RANK_MAX_PATTERNS,
    ORDERS,
    PATHS,
    UPDATES,
    chain_arrays,
    check_chain_memory,
    count_chains,
    initial_states,
    network_tuple,
    resolve_path,
    flip_table,
    warn_if_nonsymmetric,
)
from esorma.dynamics.observables import Estimate, estimate
from esorma.networks import as_network

__all__ = [
    "UPDATES",
    "ORDERS",
    "PATHS",
    "LOW_RANK_MAX_PATTERNS",
    "SamplingResult",
    "sample",
    "glauber",
    "metropolis",
    "anneal",
    "annealing_schedule",
]


# --------------------------------------------------------------------------- preparation


def _final_energies(nt, chains) -> np.ndarray:
    _, _, _, theta, scale, low_rank, _ = nt
    s, h, M = chains[0], chains[1], chains[2]
    sf = s.astype(np.float64)
    n = s.shape[1]
    if low_rank:
        quad = (M.astype(np.float64) ** 2).sum(axis=1) - M.shape[1] * n
        return -0.5 * quad / n + sf @ theta
    return -0.5 * scale * np.einsum("bi,bi->b", sf, h.astype(np.float64)) + sf @ theta


def _temperature_schedule(temperature, n_sweeps, name="temperature") -> np.ndarray:
    """A float64 array of one temperature per sweep (all >= 0)."""
    arr = np.asarray(temperature)
    if arr.dtype == object or arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real number or a 1-D array of them; got {temperature!r}")
    if arr.ndim == 0:
        t = check_real(float(arr), name, minimum=0.0)
        if n_sweeps is None:
            raise ValueError("n_sweeps must be given when the temperature is a single number")
        n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        return np.full(n_sweeps, t)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a number or a non-empty 1-D schedule (one temperature per sweep); "
            f"got shape {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        bad = arr[~np.isfinite(arr) | (arr < 0)][:3]
        raise ValueError(f"{name} must be finite and >= 0 (0 = zero-temperature dynamics); "
                         f"found {bad.tolist()}")
    if n_sweeps is not None and check_int(n_sweeps, "n_sweeps", minimum=1) != arr.size:
        raise ValueError(
            f"n_sweeps must equal the length of the temperature schedule ({arr.size}) or be "
            f"None; got {n_sweeps}"
        )
    return np.ascontiguousarray(arr)


# --------------------------------------------------------------------------- results


@summarized
@dataclass(frozen=True)
class SamplingResult:
    """Outcome of Glauber/Metropolis chains: final states and the measured time series.

    Attributes
    ----------
    states : ndarray, int8, shape (C, N)
        Final state of every chain.
    energies : ndarray, shape (C,)
        Energies ``E = −½ sᵀ J s + θᵀ s`` of the final states.
    temperatures : ndarray, shape (n_sweeps,)
        The temperature of every sweep (constant, or an annealing schedule).
    energy, magnetisation : ndarray, shape (K, C)
        Measurements (K of them, after burn-in, every ``thin`` sweeps) per chain; the
        magnetisation is ``(1/N) Σ_i s_i``.
    overlaps : ndarray, shape (K, C, P) or None
        Overlaps ``m_μ = (1/N) Σ_i ξ^μ_i s_i`` with the stored patterns (networks with patterns).
    q : ndarray, shape (K, C // 2) or None
        Replica overlap ``(1/N) Σ_i s^a_i s^b_i`` between chains 2g and 2g+1 (even C only).
    samples : ndarray, int8, shape (K, C, N) or None
        The measured states (``record_samples=True``).
    measured_at : ndarray, shape (K,)
        Sweep number (1-based) of each measurement.
    flip_rate : ndarray, shape (C,)
        Accepted flips per update attempt.
    n_updates : int
        Spin-update attempts performed (all chains).
    seconds : float
        Wall time of the compiled run.
    cpu_seconds : float
        Process CPU time of the compiled run (all threads; on a shared machine
        ``n_updates / cpu_seconds`` is the rate per fully available core).
    update, mode, order, path : str
        The update rule (``"glauber"``/``"metropolis"``), ``"async"``/``"sync"``, the
        order and the field path.
    burn_in, thin : int
    seeds : ndarray, shape (C,)
        The per-chain seeds drawn from ``rng``.
    """

    states: np.ndarray
    energies: np.ndarray
    temperatures: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    overlaps: np.ndarray | None
    q: np.ndarray | None
    samples: np.ndarray | None
    measured_at: np.ndarray
    flip_rate: np.ndarray
    n_updates: int
    seconds: float
    cpu_seconds: float
    update: str
    mode: str
    order: str
    path: str
    burn_in: int
    thin: int
    seeds: np.ndarray

    @property
    def n_neurons(self) -> int:
        return self.states.shape[1]

    @property
    def n_measurements(self) -> int:
        return self.energy.shape[0]

    @property
    def updates_per_second(self) -> float:
        return self.n_updates / self.seconds if self.seconds > 0 else float("inf")

    def series(self, observable: str = "energy", pattern: int = 0) -> np.ndarray:
        """The (K, C) series of an observable.

        ``observable`` is one of ``"energy"``, ``"energy_per_spin"``, ``"magnetisation"``,
        ``"abs_magnetisation"``, ``"overlap"``, ``"abs_overlap"`` (with ``pattern``), ``"q"``,
        ``"abs_q"``, ``"q2"``.
        """
        check_choice(observable, "observable", _OBSERVABLES)
        if observable == "energy":
            return self.energy
        if observable == "energy_per_spin":
            return self.energy / self.n_neurons
        if observable == "magnetisation":
            return self.magnetisation
        if observable == "abs_magnetisation":
            return np.abs(self.magnetisation)
        if observable in ("overlap", "abs_overlap"):
            if self.overlaps is None:
                raise ValueError("no overlaps were recorded (the network has no patterns)")
            p = check_int(pattern, "pattern", minimum=0, maximum=self.overlaps.shape[2] - 1)
            x = self.overlaps[:, :, p]
            return np.abs(x) if observable == "abs_overlap" else x
        if self.q is None:
            raise ValueError("no replica overlaps were recorded (needs an even number of chains)")
        return {"q": self.q, "abs_q": np.abs(self.q), "q2": self.q**2}[observable]

    def estimate(self, observable: str = "energy", pattern: int = 0) -> Estimate:
        """Mean with an autocorrelation-aware error bar (see :func:`estimate`)."""
        x = self.series(observable, pattern)
        if x.shape[0] < 2:
            raise ValueError(
                f"need at least 2 measurements per chain for an estimate; got {x.shape[0]} "
                "(lower burn_in/thin or raise n_sweeps)"
            )
        return estimate(x)


_OBSERVABLES = (
    "energy", "energy_per_spin", "magnetisation", "abs_magnetisation", "overlap",
    "abs_overlap", "q", "abs_q", "q2",
)


# --------------------------------------------------------------------------- public API


def sample(
    network,
    temperature,
    *,
    n_sweeps: int | None = None,
    states=None,
    n_chains: int | None = None,
    update: str = "glauber",
    mode: str = "async",
    order: str = "random",
    burn_in: int = 0,
    thin: int = 1,
    record_samples: bool = False,
    path: str = "auto",
    rng=None,
) -> SamplingResult:
    """Run single-spin Markov chains at temperature ``T`` (or along a schedule).

    Parameters
    ----------
    network : Hopfield, object with ``to_network()`` (a BoltzmannMachine), or array_like (N, N)
        A network, an object with ``to_network()``, or raw couplings (θ = 0).
    temperature : float or array_like, shape (n_sweeps,)
        ``T >= 0``; an array gives one temperature per sweep (annealing). ``T = 0`` is the
        library's zero-temperature dynamics (flip iff ``s_i h_i < 0`` with the full field
        ``h = J s − θ`` including ``J_ii``; see Notes).
    n_sweeps : int
        Number of sweeps (N update attempts each; one parallel step in ``mode="sync"``).
        Needed when ``temperature`` is a number.
    states : array_like, shape (N,) or (C, N), optional
        Initial states (not modified); default random. One state with ``n_chains`` is copied.
    n_chains : int, optional
        Number of chains when ``states`` is None (default 1).
    update : {"glauber", "metropolis"}
        The single-spin update rule (not a learning rule): heat bath
        ``P(flip) = 1/(1 + exp(2 s_i h_i / T))`` or Metropolis ``min(1, exp(−2 s_i h_i / T))``.
    mode : {"async", "sync"}
        Single-spin updates, or synchronous (Little) updates of all spins (Glauber only).
    order : {"random", "sequential", "uniform", "permutation"}
        Asynchronous order, with the meanings of :func:`esorma.dynamics.run`: ``"random"``
        (default) a fresh random permutation per sweep (``"permutation"`` is an alias),
        ``"sequential"`` 0..N−1, ``"uniform"`` N sites drawn uniformly with replacement.
    burn_in, thin : int
        Sweeps before the first measurement; sweeps between measurements.
    record_samples : bool
        Also keep the measured states (K × C × N int8; small networks).
    path : {"auto", "dense", "low_rank"}
        Field bookkeeping: N raw fields (a flip costs O(N)), or for Hebb networks with
        patterns the P overlaps (every update costs O(P), J is never formed); "auto" picks
        low rank for Hebb networks with at most 32 patterns, and with more while their
        (not yet formed) J would not fit in memory.
    rng : None, int or Generator
        Draws the random initial states and one seed per chain.

    Returns
    -------
    SamplingResult

    Notes
    -----
    At ``T > 0`` the self-coupling ``J_ii`` is left out of the field that decides spin i, so
    for symmetric couplings the asynchronous chains sample the Boltzmann distribution
    ``∝ exp(−E(s)/T)`` (``J_ii`` only adds a constant to E). At ``T = 0`` (a constant 0 or
    the zero entries of a schedule) the field includes ``J_ii s_i``, exactly as in
    :func:`esorma.dynamics.run` and ``Hopfield.is_fixed_point``, so a chain that stops
    flipping at T = 0 sits at a fixed point of the zero-temperature dynamics. The two
    coincide when the diagonal is zero. On non-symmetric couplings there is no detailed
    balance: the chains sample the dynamics' own stationary distribution, not the Boltzmann
    distribution of the energy (which sees only ``(J + Jᵀ)/2``), and a
    :class:`~esorma.dynamics.NonSymmetricWarning` says so (T > 0 only). Memory (chains,
    fields, measurements, recorded samples) is estimated and refused up front.
    The synchronous (Little) chain samples instead ``p(s) ∝ exp(−θᵀs/T) Π_i 2 cosh(h_i(s)/T)``
    (Peretto 1984). Chains are independent; the replica overlap q is measured between chains
    2g and 2g+1, which then run in lockstep (same per-chain streams, so the same trajectories).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(3, 1000, rng=0)
    >>> net = Hopfield.from_patterns(xi)
    >>> res = sample(net, 0.5, n_sweeps=200, states=xi[0], n_chains=4, burn_in=50, rng=1)
    >>> round(res.estimate("overlap", pattern=0).mean, 2)  # m = tanh(m / 0.5) = 0.957
    0.96
    """
    net = as_network(network)
    temps = _temperature_schedule(temperature, n_sweeps)
    n_sweeps = temps.size
    check_choice(update, "update", tuple(UPDATES))
    check_choice(mode, "mode", ("async", "sync"))
    check_choice(order, "order", tuple(ORDERS))
    if mode == "sync" and update != "glauber":
        raise ValueError("update must be 'glauber' for mode='sync' (synchronous Little "
                         f"dynamics); got update={update!r}")
    burn_in = check_int(burn_in, "burn_in", minimum=0, maximum=n_sweeps)
    thin = check_int(thin, "thin", minimum=1)
    low_rank = resolve_path(net, path)
    rng = as_rng(rng)
    n = net.n_neurons
    n_meas = (n_sweeps - burn_in) // thin
    check_chain_memory(
        net, count_chains(states, n_chains), n_meas, low_rank, record_samples=record_samples,
        hint="use fewer chains (n_chains), raise thin"
        + (" or set record_samples=False" if record_samples else ""),
    )
    warn_if_nonsymmetric(net, f"{update.capitalize()} sampling", temps)
    batch = initial_states(states, n_chains, n, rng)
    c = batch.shape[0]
    p = net.n_patterns
    seeds = spawn_seeds(rng, c)
    nt, hdt = network_tuple(net, low_rank, flip_table(net, low_rank, temps, update))
    chains = chain_arrays(net, batch, low_rank, hdt, seeds)
    group = 2 if c % 2 == 0 else 1
    out = (
        np.zeros((n_meas, c)),
        np.zeros((n_meas, c)),
        np.zeros((n_meas, c, p)),
        np.zeros((n_meas, c // 2)),
        np.zeros((n_meas if record_samples else 0, c, n), dtype=np.int8),
    )
    cfg = np.array(
        [UPDATES[update], ORDERS[order], int(mode == "sync"), burn_in, thin, group,
         int(record_samples)], dtype=np.int64,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    with thread_policy(n_sweeps * n * c, items=c // group, serial_work=_k.SERIAL_WORK) as nth:
        kernel = _k.run_chains if nth > 1 else _k.run_chains_serial
        kernel(nt, chains, temps, cfg, out)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    n_updates = n_sweeps * n * c
    return SamplingResult(
        states=chains[0],
        energies=_final_energies(nt, chains),
        temperatures=temps,
        energy=out[0],
        magnetisation=out[1],
        overlaps=out[2] if p > 0 else None,
        q=out[3] if group == 2 else None,
        samples=out[4] if record_samples else None,
        measured_at=burn_in + thin * np.arange(1, n_meas + 1),
        flip_rate=chains[4] / float(n_sweeps * n),
        n_updates=n_updates,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        update=update,
        mode=mode,
        order=order,
        path="low_rank" if low_rank else "dense",
        burn_in=burn_in,
        thin=thin,
        seeds=seeds,
    )


def glauber(network, temperature, **kwargs) -> SamplingResult:
    """Glauber (heat-bath) dynamics: :func:`sample` with ``update="glauber"``.

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> res = glauber(J, 1.0, n_sweeps=4000, n_chains=2, burn_in=100, rng=0)
    >>> round(float(res.estimate("energy").mean), 1)  # exact: -tanh(1) = -0.76
    -0.8
    """
    return sample(network, temperature, update="glauber", **kwargs)


def metropolis(network, temperature, **kwargs) -> SamplingResult:
    """Metropolis dynamics: :func:`sample` with ``update="metropolis"`` (asynchronous only).

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> res = metropolis(J, 1.0, n_sweeps=4000, n_chains=2, burn_in=100, rng=0)
    >>> round(float(res.estimate("energy").mean), 1)
    -0.8
    """
    return sample(network, temperature, update="metropolis", **kwargs)


def annealing_schedule(
    t_start: float, t_end: float, n_sweeps: int, kind: str = "linear"
) -> np.ndarray:
    """Temperatures for ``n_sweeps`` sweeps decreasing from ``t_start`` to ``t_end``.

    Parameters
    ----------
    t_start, t_end : float
        ``t_start > 0``, ``0 <= t_end <= t_start`` (``t_end = 0`` only for ``"linear"``).
    n_sweeps : int
    kind : {"linear", "geometric", "inverse_linear"}
        Linear in T, geometric (constant ratio), or linear in β = 1/T.

    Examples
    --------
    >>> annealing_schedule(2.0, 0.0, 5).tolist()
    [2.0, 1.5, 1.0, 0.5, 0.0]
    >>> annealing_schedule(1.0, 0.25, 3, kind="geometric").tolist()
    [1.0, 0.5, 0.25]
    """
    t_start = check_real(t_start, "t_start", minimum=0.0, strict_min=True)
    t_end = check_real(t_end, "t_end", minimum=0.0, maximum=t_start)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    check_choice(kind, "kind", ("linear", "geometric", "inverse_linear"))
    if n_sweeps == 1:
        return np.array([t_end])
    if kind == "linear":
        return np.linspace(t_start, t_end, n_sweeps)
    if t_end == 0:
        raise ValueError(f"t_end must be > 0 for kind={kind!r}; got 0.0")
    if kind == "geometric":
        return np.geomspace(t_start, t_end, n_sweeps)
    return 1.0 / np.linspace(1.0 / t_start, 1.0 / t_end, n_sweeps)


def anneal(network, schedule, *, states=None, n_chains=None, **kwargs) -> SamplingResult:
    """Simulated annealing: chains run along a decreasing temperature ``schedule``.

    Parameters
    ----------
    network : Hopfield, object with ``to_network()``, or array_like (N, N)
    schedule : array_like, shape (n_sweeps,)
        One temperature per sweep (see :func:`annealing_schedule`).
    states, n_chains, **kwargs
        As for :func:`sample` (``update``, ``order``, ``thin``, ``path``, ``rng``, ...).

    Returns
    -------
    SamplingResult
        ``energies`` holds the final energies; ``energy`` the measured series along the way.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.thermo.data import sk_couplings
    >>> J = sk_couplings(200, rng=0)
    >>> res = anneal(J, annealing_schedule(2.0, 0.0, 300), n_chains=2, rng=1)
    >>> bool(res.energies.mean() / 200 < -0.7)   # ground state ≈ -0.763 N
    True
    """
    sched = np.asarray(schedule)
    if sched.ndim != 1:
        raise ValueError(f"schedule must be a 1-D array of temperatures; got shape {sched.shape}")
    return sample(network, sched, states=states, n_chains=n_chains, **kwargs)

"""The Boltzmann-network study behind ``esorma boltzmann``: finite-temperature retrieval against
mean-field and replica theory, exact thermodynamics of a small spin glass, parallel tempering.

Three independent parts, each with its own random stream spawned from one seed:

1. **Retrieval.** A Hebb network of N neurons storing P random patterns is sampled with Glauber
   (or Metropolis) dynamics from a stored pattern at each temperature (low-rank O(P) updates);
   the overlap m(T) with autocorrelation-aware error bars is set against the mean-field
   ``m = tanh(m/T)`` (α → 0) and the replica-symmetric retrieval overlap of Amit, Gutfreund &
   Sompolinsky at the network's load α = P/N.
2. **Exact thermodynamics.** A Sherrington–Kirkpatrick network of ``exact_neurons`` spins is
   enumerated exactly: energy, free energy, entropy, specific heat against T, and the
   overlap distribution P(q) of two replicas at a few temperatures.
3. **Parallel tempering** on the same SK network must find its exact ground state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, check_not_masked, parse_values
from esorma.thermo.enumeration import MAX_NEURONS, ExactThermo

__all__ = ["BOLTZMANN_PRESETS", "BoltzmannStudyResult", "boltzmann_study"]

#: Sizes of the two presets of :func:`boltzmann_study` (``"quick"``: a second or two;
#: ``"full"``: about a minute on two cores). Arguments given explicitly override them.
BOLTZMANN_PRESETS = {
    "quick": {"n_neurons": 1000, "n_sweeps": 300, "burn_in": 100, "exact_neurons": 14,
              "pt_sweeps": 1000},
    "full": {"n_neurons": 4000, "n_sweeps": 1000, "burn_in": 200, "exact_neurons": 18,
             "pt_sweeps": 4000},
}

_DEFAULT_TEMPERATURES = "0.1:1.5:0.1"
_DEFAULT_EXACT_TEMPERATURES = "0.1:3.0:0.05"
_DEFAULT_PQ_TEMPERATURES = (0.3, 0.6, 1.0, 2.0)
_PT_LADDER = (0.2, 2.0, 10)  # geometric ladder: t_min, t_max, number of temperatures
_PT_RUNS = 2

_T_UNIT = "k_B T in units of the couplings (T_c = 1 for Hebb couplings as α → 0)"


def _meta(description: str, unit: str = "") -> dict:
    return {"description": description, "unit": unit}


@summarized
@dataclass(frozen=True)
class BoltzmannStudyResult:
    """Outcome of :func:`boltzmann_study`.

    Attributes
    ----------
    temperatures : ndarray, shape (K,)
        Temperatures of the retrieval runs.
    overlap, overlap_error, overlap_tau : ndarray, shape (K,)
        Retrieval overlap ``m`` with pattern 0 (mean over measurements and chains), its
        autocorrelation-aware standard error and integrated autocorrelation time (in sweeps).
    mean_field_overlap : ndarray, shape (K,)
        Largest root of ``m = tanh(m/T)`` (the α → 0 limit; 0 for T >= 1).
    rs_overlap : ndarray, shape (K,)
        Replica-symmetric (AGS) retrieval overlap at the load α = P/N; NaN where the retrieval
        state does not exist (above the spinodal T_M(α) < 1).
    exact : ExactThermo
        Exact thermodynamics of the SK network at ``exact.temperatures`` (no P(q)).
    exact_pq : ExactThermo
        The same network at the P(q) temperatures, with ``q_values`` and
        ``overlap_distribution``.
    sk_couplings : ndarray, shape (N_exact, N_exact)
        The SK couplings (``J_ij ~ N(0, 1/N)``, symmetric, zero diagonal).
    pt_temperatures : ndarray, shape (L,)
        The tempering ladder.
    pt_acceptance : ndarray, shape (L − 1,)
        Exchange acceptance of each neighbouring pair of the ladder.
    pt_ground_energy : float
        Lowest energy found by parallel tempering.
    pt_ground_state : ndarray, int8, shape (N_exact,)
        A state with that energy.
    pt_found_ground_state : bool
        ``pt_ground_energy`` equals the exact ground energy (relative tolerance 1e-9).
    n_neurons, n_patterns, n_sweeps, burn_in, n_chains : int
        The retrieval set-up (sweeps per temperature and chain; burn-in sweeps discarded).
    update : str
        Single-spin update rule of the retrieval runs (``"glauber"`` or ``"metropolis"``).
    pt_sweeps : int
        Sweeps of each tempering run.
    preset : str
        ``"quick"`` or ``"full"`` (the sizes not given explicitly).
    seed : int
        The root seed; ``boltzmann_study(..., rng=seed)`` with the same arguments repeats the
        study exactly.
    updates_per_second : float
        Spin-update attempts per second of the retrieval runs (wall time of the compiled
        kernels; machine dependent).
    seconds : float
        Wall time of the whole study.
    """

    temperatures: np.ndarray = field(metadata=_meta("temperatures of the retrieval runs",
                                                    _T_UNIT))
    overlap: np.ndarray = field(metadata=_meta("retrieval overlap m with pattern 0"))
    overlap_error: np.ndarray = field(metadata=_meta("standard error of the overlap"))
    overlap_tau: np.ndarray = field(metadata=_meta(
        "integrated autocorrelation time of the overlap", "sweeps"))
    mean_field_overlap: np.ndarray = field(metadata=_meta("largest root of m = tanh(m/T)"))
    rs_overlap: np.ndarray = field(metadata=_meta(
        "replica-symmetric (AGS) retrieval overlap at alpha = P/N; NaN: no retrieval state"))
    exact: ExactThermo
    exact_pq: ExactThermo
    sk_couplings: np.ndarray = field(metadata=_meta("SK couplings J_ij ~ N(0, 1/N)"))
    pt_temperatures: np.ndarray = field(metadata=_meta("parallel-tempering ladder", _T_UNIT))
    pt_acceptance: np.ndarray = field(metadata=_meta(
        "exchange acceptance of neighbouring temperatures"))
    pt_ground_energy: float
    pt_ground_state: np.ndarray
    pt_found_ground_state: bool
    n_neurons: int
    n_patterns: int
    n_sweeps: int
    burn_in: int
    n_chains: int
    update: str
    pt_sweeps: int
    preset: str
    seed: int
    updates_per_second: float
    seconds: float

    @property
    def load(self) -> float:
        """α = P / N of the retrieval network."""
        return self.n_patterns / self.n_neurons

    @property
    def exact_neurons(self) -> int:
        """Spins of the exactly enumerated SK network."""
        return int(self.exact.n_neurons)

    @property
    def config(self) -> dict:
        """The parameters that produced the result (for provenance in files)."""
        return {
            "preset": self.preset,
            "n_neurons": self.n_neurons,
            "n_patterns": self.n_patterns,
            "temperatures": self.temperatures.tolist(),
            "n_sweeps": self.n_sweeps,
            "burn_in": self.burn_in,
            "n_chains": self.n_chains,
            "update": self.update,
            "exact_neurons": self.exact_neurons,
            "exact_temperatures": self.exact.temperatures.tolist(),
            "pq_temperatures": self.exact_pq.temperatures.tolist(),
            "pt_temperatures": self.pt_temperatures.tolist(),
            "pt_sweeps": self.pt_sweeps,
            "seed": self.seed,
        }

    def summary(self) -> dict:
        """The key numbers as plain Python values (the ``--json`` output of the command)."""
        th = self.exact
        return {
            "temperatures": self.temperatures.tolist(),
            "overlap": self.overlap.tolist(),
            "overlap_error": self.overlap_error.tolist(),
            "mean_field_overlap": self.mean_field_overlap.tolist(),
            "rs_overlap": self.rs_overlap.tolist(),
            "load": self.load,
            "update": self.update,
            "updates_per_second": float(self.updates_per_second),
            "exact_neurons": self.exact_neurons,
            "exact_ground_energy_per_spin": th.ground_energy / th.n_neurons,
            "specific_heat_peak_temperature": float(
                th.temperatures[int(np.argmax(th.specific_heat))]),
            "pt_ground_energy_per_spin": self.pt_ground_energy / th.n_neurons,
            "pt_found_ground_state": bool(self.pt_found_ground_state),
            "pt_acceptance_rates": self.pt_acceptance.tolist(),
            "seed": self.seed,
        }

    def report(self) -> list[str]:
        """A human-readable report (the text of ``esorma boltzmann``), one line per entry."""
        th = self.exact
        ne = th.n_neurons
        lines = [
            f"Hebb network N = {self.n_neurons}, P = {self.n_patterns} (α = {self.load:.3g}), "
            f"{self.update} dynamics, {self.n_chains} chains × {self.n_sweeps} sweeps "
            f"(burn-in {self.burn_in}) per temperature, seed {self.seed}",
            "      T   overlap m ± error   mean field   RS (AGS)",
        ]
        for t, m, e, mf, rs in zip(self.temperatures, self.overlap, self.overlap_error,
                                   self.mean_field_overlap, self.rs_overlap):
            rs_text = "      —" if np.isnan(rs) else f"{rs:7.4f}"
            lines.append(f"  {t:5.2f}   {m:+.4f} ± {e:.4f}      {mf:7.4f}    {rs_text}")
        lines.append(f"spin updates per second: {self.updates_per_second:.3g}")
        t_peak = th.temperatures[int(np.argmax(th.specific_heat))]
        lines.append(
            f"exact SK N = {ne} (2^{ne} states): ground energy E0/N = {th.ground_energy / ne:.4f}; "
            f"specific heat C/N peaks at T = {t_peak:.2f}"
        )
        found = ("the exact ground state" if self.pt_found_ground_state
                 else "NOT the exact ground state")
        lines.append(
            f"parallel tempering ({self.pt_temperatures.size} temperatures "
            f"{self.pt_temperatures[0]:g}–{self.pt_temperatures[-1]:g}, {_PT_RUNS} runs × "
            f"{self.pt_sweeps} sweeps): E_min/N = {self.pt_ground_energy / ne:.4f}, {found}; "
            f"exchange acceptance {np.nanmin(self.pt_acceptance):.2f}–"
            f"{np.nanmax(self.pt_acceptance):.2f}"
        )
        return lines


def _temperature_key(t) -> int:
    """A seed-spawn key for temperature ``t`` (its value in units of 1e−9)."""
    return int(round(float(t) * 1e9))


def _root_seed(rng) -> int:
    """An int seed (< 2**63) for the root SeedSequence: ``rng`` itself when it is an int."""
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return check_int(rng, "rng", minimum=0)
    return int(as_rng(rng).integers(0, 2**63 - 1))


def _temperatures(values, default: str | tuple, name: str, *, positive: bool) -> np.ndarray:
    if values is None:
        values = parse_values([default] if isinstance(default, str) else default, name)
    elif isinstance(values, str):
        values = parse_values(values.split(), name)
    check_not_masked(values, name)
    arr = np.asarray(values)
    if arr.dtype == object or arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be real numbers; got {values!r}")
    arr = np.atleast_1d(arr).astype(np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must list at least one temperature; got {arr.tolist()}")
    bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
    if np.any(bad):
        raise ValueError(f"{name} must be finite and {'> 0' if positive else '>= 0'}; "
                         f"got {arr[bad][:3].tolist()}")
    return arr


def boltzmann_study(
    *,
    preset: str = "full",
    n_neurons: int | None = None,
    n_patterns: int = 3,
    temperatures=None,
    n_sweeps: int | None = None,
    burn_in: int | None = None,
    n_chains: int = 4,
    update: str = "glauber",
    exact_neurons: int | None = None,
    exact_temperatures=None,
    pq_temperatures=None,
    pt_sweeps: int | None = None,
    rng=None,
    progress=None,
) -> BoltzmannStudyResult:
    """Finite-temperature retrieval, exact spin-glass thermodynamics and parallel tempering.

    Parameters
    ----------
    preset : {"full", "quick"}
        Default sizes (:data:`BOLTZMANN_PRESETS`) for ``n_neurons``, ``n_sweeps``, ``burn_in``,
        ``exact_neurons`` and ``pt_sweeps`` when they are None: full = N 4000, 1000 sweeps
        (200 burn-in), SK N = 18, 4000 tempering sweeps; quick = N 1000, 300 (100), 14, 1000.
    n_neurons, n_patterns : int
        The Hebb network of the retrieval runs (``2 <= N``, ``1 <= P <= N``).
    temperatures : array_like or str, optional
        Retrieval temperatures ``>= 0`` (a string is parsed by
        :func:`esorma._validation.parse_values`, e.g. ``"0.1:1.5:0.1"``, the default).
    n_sweeps, burn_in, n_chains : int
        Sweeps per temperature and chain (>= 2), sweeps discarded first (<= n_sweeps − 2),
        chains per temperature, all started from pattern 0.
    update : {"glauber", "metropolis"}
        Single-spin update rule of the retrieval runs.
    exact_neurons : int
        Spins of the SK network enumerated exactly (2 to 24).
    exact_temperatures : array_like or str, optional
        Temperatures > 0 of the exact curves (default ``"0.1:3.0:0.05"``).
    pq_temperatures : array_like or str, optional
        Temperatures > 0 of the exact P(q) (default 0.3, 0.6, 1.0, 2.0).
    pt_sweeps : int
        Sweeps of each of the two parallel-tempering runs on the geometric ladder of 10
        temperatures from 0.2 to 2.0.
    rng : None, int or Generator
        The root seed. Each part (patterns, retrieval, SK couplings, tempering) has its own
        stream spawned from it, and each retrieval temperature its own stream keyed by its
        value: changing ``temperatures`` leaves the SK network and the tempering run alone,
        and a temperature present in two runs gives the same numbers.
    progress : callable, optional
        ``progress(message)`` is called with a short line after each retrieval temperature
        and each part (for progress output; the result does not depend on it).

    Returns
    -------
    BoltzmannStudyResult

    Examples
    --------
    >>> res = boltzmann_study(n_neurons=200, temperatures=[0.3, 1.5], n_sweeps=40, burn_in=10,
    ...                       exact_neurons=8, exact_temperatures=[0.5, 1.0], pq_temperatures=[1.0],
    ...                       pt_sweeps=100, rng=1)
    >>> bool(res.overlap[0] > 0.9 > 0.3 > abs(res.overlap[1])), res.pt_found_ground_state
    (True, True)
    """
    from esorma import Hopfield
    from esorma.dynamics.stochastic import UPDATES, sample
    from esorma.dynamics.tempering import parallel_tempering, temperature_ladder
    from esorma.patterns import random_patterns
    from esorma.replica import retrieval_overlap
    from esorma.thermo.data import sk_couplings
    from esorma.thermo.enumeration import exact
    from esorma.thermo.mean_field import mean_field_overlap

    check_choice(preset, "preset", tuple(BOLTZMANN_PRESETS))
    base = BOLTZMANN_PRESETS[preset]

    def pick(value, key):
        return base[key] if value is None else value

    n = check_int(pick(n_neurons, "n_neurons"), "n_neurons", minimum=2)
    p = check_int(n_patterns, "n_patterns", minimum=1, maximum=n)
    n_sweeps = check_int(pick(n_sweeps, "n_sweeps"), "n_sweeps", minimum=2)
    burn_in = check_int(pick(burn_in, "burn_in"), "burn_in", minimum=0, maximum=n_sweeps - 2)
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    check_choice(update, "update", tuple(UPDATES))
    ne = check_int(pick(exact_neurons, "exact_neurons"), "exact_neurons", minimum=2,
                   maximum=MAX_NEURONS)
    pt_sweeps = check_int(pick(pt_sweeps, "pt_sweeps"), "pt_sweeps", minimum=1)
    temps = _temperatures(temperatures, _DEFAULT_TEMPERATURES, "temperatures", positive=False)
    exact_temps = _temperatures(exact_temperatures, _DEFAULT_EXACT_TEMPERATURES,
                                "exact_temperatures", positive=True)
    pq_temps = _temperatures(pq_temperatures, _DEFAULT_PQ_TEMPERATURES, "pq_temperatures",
                             positive=True)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be None or a callable; got {progress!r}")
    say = progress or (lambda message: None)
    seed = _root_seed(rng)

    t_start = time.perf_counter()
    # Independent streams per part (and per retrieval temperature, keyed by its value).
    root = np.random.SeedSequence(seed)
    ss_patterns, ss_retrieval, ss_sk, ss_pt = root.spawn(4)
    xi = random_patterns(p, n, rng=np.random.default_rng(ss_patterns))
    net = Hopfield.from_patterns(xi)
    m_mean, m_err, m_tau, seconds, updates = [], [], [], 0.0, 0
    mf = np.atleast_1d(mean_field_overlap(temps))
    for k, t in enumerate(temps):
        ss_t = np.random.SeedSequence(ss_retrieval.entropy,
                                      spawn_key=(*ss_retrieval.spawn_key, _temperature_key(t)))
        res = sample(net, float(t), n_sweeps=n_sweeps, states=xi[0], n_chains=n_chains,
                     burn_in=burn_in, update=update, rng=np.random.default_rng(ss_t))
        est = res.estimate("overlap", pattern=0)
        m_mean.append(est.mean)
        m_err.append(est.error)
        m_tau.append(est.tau)
        seconds += res.seconds
        updates += res.n_updates
        say(f"retrieval T = {t:.3g} [{k + 1}/{temps.size}]: m = {est.mean:+.4f} "
            f"({res.seconds:.2f} s)")
    # NaN past the retrieval spinodal (no retrieval state there)
    rs = np.array([float(retrieval_overlap([p / n], float(t))[0]) for t in temps])

    J = sk_couplings(ne, rng=np.random.default_rng(ss_sk))
    th = exact(J, exact_temps, overlap_distribution=False)
    th_pq = exact(J, pq_temps, overlap_distribution=True)
    say(f"exact thermodynamics of SK N = {ne} ({th.seconds + th_pq.seconds:.2f} s)")

    ladder = temperature_ladder(*_PT_LADDER)
    pt = parallel_tempering(J, ladder, n_sweeps=pt_sweeps, n_runs=_PT_RUNS,
                            rng=np.random.default_rng(ss_pt))
    found = bool(abs(pt.ground_energy - th.ground_energy)
                 <= 1e-9 * max(1.0, abs(th.ground_energy)))
    say(f"parallel tempering ({pt.seconds:.2f} s)")
    return BoltzmannStudyResult(
        temperatures=temps,
        overlap=np.array(m_mean),
        overlap_error=np.array(m_err),
        overlap_tau=np.array(m_tau),
        mean_field_overlap=mf.astype(np.float64),
        rs_overlap=rs,
        exact=th,
        exact_pq=th_pq,
        sk_couplings=J,
        pt_temperatures=pt.temperatures,
        pt_acceptance=pt.acceptance_rates,
        pt_ground_energy=float(pt.ground_energy),
        pt_ground_state=np.array(pt.ground_state, dtype=np.int8),
        pt_found_ground_state=found,
        n_neurons=n,
        n_patterns=p,
        n_sweeps=n_sweeps,
        burn_in=burn_in,
        n_chains=n_chains,
        update=update,
        pt_sweeps=pt_sweeps,
        preset=preset,
        seed=seed,
        updates_per_second=updates / seconds if seconds > 0 else float("nan"),
        seconds=time.perf_counter() - t_start,
    )

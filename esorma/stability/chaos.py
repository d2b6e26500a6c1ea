"""Studies of the transition to chaos of random rate networks (Sompolinsky, Crisanti & Sommers).

The network ``dx/dt = -x + J tanh(g x)`` with a random coupling matrix ``J`` of variance
``1/N`` (Ginibre, or elliptic with correlation ``tau = N E[J_ij J_ji]``). As N -> infinity
the eigenvalues of ``J`` fill the ellipse with semi-axes ``1 + tau`` and ``1 - tau``, so the
origin's Jacobian ``-1 + g J`` has ``max Re = g (1 + tau) - 1``: below the critical gain
``g_c = 1 / (1 + tau)`` the origin attracts and ``lambda_max = g (1 + tau) - 1 < 0``; above it
the network is chaotic (``lambda_max > 0``).

- :func:`chaos_study`: one coupling matrix, a sweep of gains (the ``esorma chaos`` command).
- :func:`chaos_size_study`: several sizes N and matrices per N, the mean curve and where it
  crosses zero (``experiments/chaos_transition.py``).

Every gain is labelled ``"chaotic"``, ``"stable"`` or ``"marginal"`` by the one rule of
:func:`esorma.stability.classify_exponents` (``lambda_max`` beyond ``±3`` standard errors).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_finite_array,
    check_int,
    check_memory,
    check_real,
    spawn_seeds,
)
from esorma.stability.lyapunov import (
    CHAOS_N_SIGMA,
    ChaosSweep,
    LyapunovSpectrum,
    _check_gains,
    chaos_sweep,
    classify_exponents,
    max_lyapunov,
)

__all__ = [
    "ENSEMBLES",
    "ChaosStudy",
    "chaos_study",
    "ChaosSizeStudy",
    "chaos_size_study",
    "origin_critical_gain",
    "zero_crossing",
]

#: Coupling ensembles of the chaos studies.
ENSEMBLES = ("ginibre", "elliptic")

_STATE_META = {"description": "chaotic / stable / marginal: lambda_max beyond +-3 standard "
                              "errors (esorma.stability.classify_exponents)"}


def origin_critical_gain(tau: float = 0.0) -> float:
    """Gain at which the origin of ``dx/dt = -x + J tanh(g x)`` loses stability (N -> inf).

    For ``J`` of variance ``1/N`` with correlation ``tau = E[J_ij J_ji] N`` (elliptic law;
    ``tau = 0`` is Ginibre) the eigenvalues of ``J`` fill the ellipse with semi-axes
    ``1 + tau`` (real) and ``1 - tau`` (imaginary), so ``max Re eig(-1 + g J) = g (1 + tau) - 1``
    vanishes at ``g = 1 / (1 + tau)``.

    Examples
    --------
    >>> from esorma.stability import origin_critical_gain
    >>> origin_critical_gain(0.0), origin_critical_gain(0.5)
    (1.0, 0.6666666666666666)
    """
    tau = float(tau)
    if not -1.0 < tau <= 1.0:
        raise ValueError(f"tau must be in (-1, 1]; got {tau}")
    return 1.0 / (1.0 + tau)


def zero_crossing(gains, values) -> float:
    """The gain beyond which ``values`` stay positive, by linear interpolation.

    Interpolates between the last negative value and the next one; NaN if the last value is
    not positive or none is negative.

    Examples
    --------
    >>> from esorma.stability import zero_crossing
    >>> zero_crossing([0.5, 1.0, 1.5], [-0.5, -0.1, 0.3])
    1.125
    """
    g = check_finite_array(gains, "gains")
    v = check_finite_array(values, "values")
    if g.shape != v.shape or g.ndim != 1:
        raise ValueError(f"gains and values must be 1-d of the same length; got {g.shape} "
                         f"and {v.shape}")
    neg = np.flatnonzero(v < 0)
    if neg.size == 0 or neg[-1] == len(v) - 1:
        return float("nan")
    i = neg[-1]
    return float(g[i] - v[i] * (g[i + 1] - g[i]) / (v[i + 1] - v[i]))


def _check_ensemble(ensemble, tau) -> tuple[str, float]:
    ensemble = check_choice(ensemble, "ensemble", ENSEMBLES)
    tau = check_real(tau, "tau", minimum=-1.0, maximum=1.0, strict_min=True)
    if ensemble == "ginibre" and tau != 0.0:
        raise ValueError(f"tau is the correlation of the elliptic ensemble; got tau = {tau:g} "
                         "with ensemble='ginibre' (use ensemble='elliptic', or tau = 0)")
    return ensemble, tau


def _couplings(n: int, ensemble: str, tau: float, rng) -> np.ndarray:
    # J, its transpose (the kernel reads columns) and the eigenvalue workspace.
    check_memory(8.0 * n * n * 4, f"the couplings of N = {n} neurons",
                 hint="use a smaller number of neurons")
    if ensemble == "ginibre":
        from esorma.spectra.ensembles import ginibre

        return ginibre(n, rng=rng)
    from esorma.spectra.ensembles import elliptic

    return elliptic(n, tau, rng=rng)


def _int_seed(rng):
    return int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None


@summarized
@dataclass(frozen=True)
class ChaosStudy:
    """The maximal Lyapunov exponent of one random rate network against the gain.

    Attributes
    ----------
    sweep : ChaosSweep
        Gains, exponents, standard errors, the origin's spectral abscissa and ``eig(J)``.
    ensemble : str
        ``"ginibre"`` or ``"elliptic"``.
    tau : float
        Correlation ``N E[J_ij J_ji]`` of the elliptic ensemble (0 for Ginibre).
    critical_gain : float
        ``1 / (1 + tau)``, where the origin loses stability as N -> infinity.
    states : ndarray of str, shape (G,)
        ``"chaotic"``, ``"stable"`` or ``"marginal"`` at each gain
        (:func:`esorma.stability.classify_exponents`: ``lambda_max`` beyond ±3 standard errors).
    seed : int or None
        The int seed given as ``rng`` (None otherwise).
    """

    sweep: ChaosSweep
    ensemble: str
    tau: float
    critical_gain: float
    states: np.ndarray = field(metadata=_STATE_META)
    seed: int | None = None

    def __post_init__(self):
        # One dtype whatever the labels present (a file returns the narrowest one).
        object.__setattr__(self, "states", np.asarray(self.states, dtype="<U8"))

    @property
    def gains(self) -> np.ndarray:
        return self.sweep.gains

    @property
    def exponents(self) -> np.ndarray:
        """Maximal Lyapunov exponent at each gain."""
        return self.sweep.exponents

    @property
    def stderr(self) -> np.ndarray:
        return self.sweep.stderr

    @property
    def n_neurons(self) -> int:
        return int(self.sweep.n_neurons)

    @property
    def counts(self) -> dict:
        """``{"chaotic": .., "marginal": .., "stable": ..}``: how many gains in each state."""
        return {s: int(np.sum(self.states == s)) for s in ("chaotic", "marginal", "stable")}

    def summary(self) -> dict:
        """The key numbers as a JSON-ready dict (what ``esorma chaos --json`` prints)."""
        sw = self.sweep
        counts = self.counts
        return {
            "n": self.n_neurons, "ensemble": self.ensemble, "tau": self.tau,
            "gains": sw.gains.tolist(), "exponents": sw.exponents.tolist(),
            "stderr": sw.stderr.tolist(), "origin_abscissa": sw.origin_abscissa.tolist(),
            "states": self.states.tolist(), "n_chaotic": counts["chaotic"],
            "n_marginal": counts["marginal"], "n_stable": counts["stable"],
            "n_sigma": CHAOS_N_SIGMA, "critical_gain": self.critical_gain,
            "t_max": sw.t_max, "t_transient": sw.t_transient, "dt": sw.dt, "seed": self.seed,
        }


def chaos_study(
    n_neurons: int,
    gains,
    *,
    ensemble: str = "ginibre",
    tau: float = 0.0,
    t_max: float = 200.0,
    t_transient: float = 50.0,
    dt: float = 0.1,
    rng=None,
    callback=None,
) -> ChaosStudy:
    """Draw random couplings and measure ``lambda_max`` of ``dx/dt = -x + J tanh(g x)`` per gain.

    The Sompolinsky-Crisanti-Sommers experiment: ``J`` is drawn from the ``ensemble``
    (variance ``1/N``), then :func:`esorma.stability.chaos_sweep` integrates the network with
    one tangent vector at every gain (compiled RK4, Benettin) and each gain is labelled
    chaotic, stable or marginal (:func:`esorma.stability.classify_exponents`).

    Parameters
    ----------
    n_neurons : int
        Number of neurons N (>= 2).
    gains : sequence of float
        Gains ``g`` (finite, > 0).
    ensemble : {"ginibre", "elliptic"}, default "ginibre"
        Coupling ensemble (:func:`esorma.spectra.ensembles.ginibre` or
        :func:`~esorma.spectra.ensembles.elliptic`).
    tau : float, default 0
        Elliptic ensemble: correlation of ``J_ij`` and ``J_ji``, in (-1, 1]; must be 0 for
        Ginibre. The critical gain is ``1 / (1 + tau)``.
    t_max, t_transient, dt : float
        Measurement window, discarded transient (time units) and RK4 step, per gain.
    rng : None, int or numpy.random.Generator
        Draws ``J``, then the per-gain seeds of the initial states and tangent vectors.
    callback : callable, optional
        ``callback(i, LyapunovSpectrum)`` after each gain (progress output).

    Returns
    -------
    ChaosStudy

    Examples
    --------
    >>> from esorma.stability import chaos_study
    >>> study = chaos_study(150, [0.5, 2.5], t_max=100, t_transient=10, rng=0)
    >>> study.states.tolist(), study.critical_gain
    (['stable', 'chaotic'], 1.0)
    """
    n = check_int(n_neurons, "n_neurons", minimum=2)
    g = _check_gains(gains)
    ensemble, tau = _check_ensemble(ensemble, tau)
    critical = origin_critical_gain(tau)
    for name, value in (("t_max", t_max), ("dt", dt)):
        check_real(value, name, minimum=0.0, strict_min=True)
    check_real(t_transient, "t_transient", minimum=0.0)
    gen = as_rng(rng)
    J = _couplings(n, ensemble, tau, gen)
    sweep = chaos_sweep(J, g, t_max=t_max, t_transient=t_transient, dt=dt, rng=gen,
                        callback=callback)
    return ChaosStudy(sweep=sweep, ensemble=ensemble, tau=tau, critical_gain=critical,
                      states=sweep.states, seed=_int_seed(rng))


@summarized
@dataclass(frozen=True)
class ChaosSizeStudy:
    """``lambda_max`` against the gain for several sizes N and several matrices per N.

    Attributes
    ----------
    sizes : ndarray of int, shape (S,)
    gains : ndarray, shape (G,)
    n_matrices : int
        Independent coupling matrices per size (R).
    studies : tuple of ChaosStudy, length S * R
        Size-major: ``studies[i * R + r]`` is matrix ``r`` of size ``sizes[i]``
        (:meth:`study`).
    mean : ndarray, shape (S, G)
        Mean of ``lambda_max`` over the matrices of each size.
    error : ndarray, shape (S, G)
        Error of the mean: the spread over matrices (``std / sqrt(R)``) when ``R > 1``, else
        the time-average standard error of the single run.
    states : ndarray of str, shape (S, G)
        The mean curve classified by :func:`esorma.stability.classify_exponents` with
        ``error``.
    crossing : ndarray, shape (S,)
        Where each mean curve crosses zero (:func:`zero_crossing`; NaN if it does not).
    seconds : ndarray, shape (S,)
        Wall time per size.
    convergence : LyapunovSpectrum or None
        A longer-lived record of the running estimate at ``convergence_gain`` for the first
        matrix of the largest size (None when ``convergence_gain`` is None).
    convergence_gain : float or None
    ensemble : str
    tau, critical_gain : float
    seed : int or None
    """

    sizes: np.ndarray
    gains: np.ndarray
    n_matrices: int
    studies: tuple
    mean: np.ndarray = field(metadata={"unit": "1/time",
                                       "description": "mean lambda_max over the matrices"})
    error: np.ndarray = field(metadata={"unit": "1/time", "description": "error of the mean"})
    states: np.ndarray = field(metadata=_STATE_META)
    crossing: np.ndarray = field(metadata={"description": "zero crossing of the mean curve"})
    seconds: np.ndarray = field(metadata={"unit": "s", "description": "wall time per size"})
    convergence: LyapunovSpectrum | None
    convergence_gain: float | None
    ensemble: str
    tau: float
    critical_gain: float
    seed: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "studies", tuple(self.studies))
        object.__setattr__(self, "states", np.asarray(self.states, dtype="<U8"))

    def study(self, size_index: int, matrix: int = 0) -> ChaosStudy:
        """The study of matrix ``matrix`` at size ``sizes[size_index]``."""
        return self.studies[int(size_index) * self.n_matrices + int(matrix)]

    @property
    def exponents(self) -> np.ndarray:
        """``lambda_max`` of every run, shape (S, R, G)."""
        return np.stack([s.exponents for s in self.studies]).reshape(
            len(self.sizes), self.n_matrices, len(self.gains))


def chaos_size_study(
    sizes,
    gains,
    *,
    n_matrices: int = 1,
    ensemble: str = "ginibre",
    tau: float = 0.0,
    t_max: float = 200.0,
    t_transient: float = 50.0,
    dt: float = 0.1,
    convergence_gain: float | None = 1.5,
    rng=None,
    callback=None,
) -> ChaosSizeStudy:
    """:func:`chaos_study` for several sizes N and several coupling matrices per N.

    Averages ``lambda_max`` over the matrices of each size, classifies the mean curve and
    finds where it crosses zero; optionally records the running estimate at one gain for the
    first matrix of the largest size (a convergence check).

    Parameters
    ----------
    sizes : sequence of int
        Numbers of neurons (each >= 2).
    gains : sequence of float
        Gains (finite, > 0).
    n_matrices : int, default 1
        Independent coupling matrices per size.
    ensemble, tau, t_max, t_transient, dt
        As in :func:`chaos_study`.
    convergence_gain : float or None, default 1.5
        Gain of the convergence record (None: none).
    rng : None, int or numpy.random.Generator
        Draws one seed per (size, matrix) study, in that order.
    callback : callable, optional
        ``callback(n_neurons, matrix, ChaosStudy)`` after each study (progress output).

    Returns
    -------
    ChaosSizeStudy

    Examples
    --------
    >>> from esorma.stability import chaos_size_study
    >>> res = chaos_size_study([30, 60], [0.5, 2.5], t_max=40, t_transient=5,
    ...                        convergence_gain=None, rng=0)
    >>> res.mean.shape, res.states[:, 0].tolist()
    ((2, 2), ['stable', 'stable'])
    """
    try:
        sz = np.atleast_1d(np.asarray(sizes))
    except (TypeError, ValueError):
        sz = np.empty(0)
    if sz.ndim != 1 or sz.size == 0:
        raise ValueError(f"sizes must be a non-empty list of ints >= 2; got {sizes!r}")
    sz = np.array([check_int(v, "sizes", minimum=2) for v in sz.tolist()], dtype=np.int64)
    g = _check_gains(gains)
    n_matrices = check_int(n_matrices, "n_matrices", minimum=1)
    ensemble, tau = _check_ensemble(ensemble, tau)
    if convergence_gain is not None:
        convergence_gain = check_real(convergence_gain, "convergence_gain", minimum=0.0,
                                      strict_min=True)
    gen = as_rng(rng)
    seeds = spawn_seeds(gen, sz.size * n_matrices)
    studies, seconds = [], np.empty(sz.size)
    mean, error = np.empty((sz.size, g.size)), np.empty((sz.size, g.size))
    for i, n in enumerate(sz.tolist()):
        t0 = time.perf_counter()
        runs = []
        for r in range(n_matrices):
            st = chaos_study(n, g, ensemble=ensemble, tau=tau, t_max=t_max,
                             t_transient=t_transient, dt=dt, rng=int(seeds[i * n_matrices + r]))
            runs.append(st)
            if callback is not None:
                callback(n, r, st)
        seconds[i] = time.perf_counter() - t0
        exps = np.stack([s.exponents for s in runs])
        mean[i] = exps.mean(axis=0)
        error[i] = (exps.std(axis=0, ddof=1) / np.sqrt(n_matrices) if n_matrices > 1
                    else runs[0].stderr)
        studies.extend(runs)
    convergence = None
    if convergence_gain is not None:
        first = (sz.size - 1) * n_matrices
        J = _couplings(int(sz[-1]), ensemble, tau, as_rng(int(seeds[first])))
        convergence = max_lyapunov(J, gain=convergence_gain, t_max=t_max,
                                   t_transient=t_transient, dt=dt, rng=int(seeds[first]))
    return ChaosSizeStudy(
        sizes=sz, gains=g, n_matrices=n_matrices, studies=tuple(studies), mean=mean,
        error=error, states=classify_exponents(mean, error),
        crossing=np.array([zero_crossing(g, m) for m in mean]), seconds=seconds,
        convergence=convergence, convergence_gain=convergence_gain, ensemble=ensemble,
        tau=tau, critical_gain=origin_critical_gain(tau), seed=_int_seed(rng),
    )

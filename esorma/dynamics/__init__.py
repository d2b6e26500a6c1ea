"""Network dynamics.

Zero temperature: asynchronous (random or sequential order) and synchronous updates
(:func:`run`). Finite temperature: Glauber and Metropolis samplers with on-the-fly observables
(:func:`sample`, :func:`glauber`, :func:`metropolis`), annealing (:func:`anneal`) and parallel
tempering (:func:`parallel_tempering`), with autocorrelation-aware error bars (:func:`estimate`).
"""

from esorma.errors import NonSymmetricWarning
from esorma.dynamics.observables import (
    Estimate,
    autocorrelation,
    estimate,
    gelman_rubin,
    integrated_autocorr_time,
)
from esorma.dynamics.stochastic import (
    SamplingResult,
    anneal,
    annealing_schedule,
    glauber,
    metropolis,
    sample,
)
from esorma.dynamics.tempering import TemperingResult, parallel_tempering, temperature_ladder
from esorma.dynamics.zero_temperature import DynamicsResult, run

__all__ = [
    "DynamicsResult",
    "Estimate",
    "NonSymmetricWarning",
    "SamplingResult",
    "TemperingResult",
    "anneal",
    "annealing_schedule",
    "autocorrelation",
    "estimate",
    "gelman_rubin",
    "glauber",
    "integrated_autocorr_time",
    "metropolis",
    "parallel_tempering",
    "run",
    "sample",
    "temperature_ladder",
]

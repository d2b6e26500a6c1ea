"""Thermodynamics of Boltzmann networks: exact enumeration of small networks, mean-field
retrieval, fully visible Boltzmann machines and restricted Boltzmann machines, and the
Boltzmann-network study of ``esorma boltzmann`` (:func:`boltzmann_study`).

Examples
--------
>>> import numpy as np
>>> from esorma.thermo import exact, sk_couplings
>>> th = exact(sk_couplings(12, rng=0), [0.5, 1.0, 2.0])
>>> bool(np.all(np.diff(th.energy) > 0))      # ⟨E⟩ grows with T
True
"""

from esorma.thermo.boltzmann_machine import BMFitResult, BoltzmannMachine, fit_boltzmann_machine
from esorma.thermo.data import (
    bars_and_stripes,
    boltzmann_samples,
    random_boltzmann_model,
    sample_bars_and_stripes,
    sk_couplings,
)
from esorma.thermo.enumeration import (
    MAX_NEURONS,
    ExactThermo,
    all_states,
    exact,
    exact_distribution,
    ground_states,
    state_codes,
)
from esorma.thermo.mean_field import mean_field_overlap
from esorma.thermo.rbm import RBM, RBMFitResult, fit_rbm
from esorma.thermo.study import BOLTZMANN_PRESETS, BoltzmannStudyResult, boltzmann_study

__all__ = [
    "BOLTZMANN_PRESETS",
    "BoltzmannStudyResult",
    "boltzmann_study",
    "MAX_NEURONS",
    "ExactThermo",
    "exact",
    "exact_distribution",
    "ground_states",
    "all_states",
    "state_codes",
    "mean_field_overlap",
    "BoltzmannMachine",
    "BMFitResult",
    "fit_boltzmann_machine",
    "RBM",
    "RBMFitResult",
    "fit_rbm",
    "bars_and_stripes",
    "sample_bars_and_stripes",
    "sk_couplings",
    "random_boltzmann_model",
    "boltzmann_samples",
]

"""Dense associative memories (modern Hopfield networks).

Binary networks with many-body energies ``E = −Σ_μ F(ξ^μ · s)``, ``F(x) = x^n`` (Krotov &
Hopfield 2016) or ``F(x) = e^x`` (Demircigil et al. 2017): :class:`DenseHopfield`, their
zero-temperature and Glauber dynamics (:func:`run`, :func:`glauber`), capacity sweeps against
the theory (:func:`dense_capacity_study`; the exponential model's typical-pattern and
all-pattern rates :func:`typical_rate`, :func:`exp_rate`), exact enumeration of fixed points
by branch-and-bound or brute force (:func:`enumerate_dense_fixed_points`) and the attractor
landscape against n (:func:`landscape_study`); and the continuous modern Hopfield network of Ramsauer et al. 2020
(:class:`ModernHopfield`, :func:`beta_transition`, :func:`separation_check`).
"""

from esorma.dense.capacity import (
    DenseCapacityConfig,
    DenseCapacityReport,
    dense_capacity_study,
    exp_rate,
    nearest_pattern_capacity,
    theory_capacity,
    typical_rate,
)
from esorma.dense.continuous import (
    BetaTransition,
    ModernHopfield,
    RetrievalResult,
    SeparationCheck,
    beta_transition,
    separation_check,
)
from esorma.dense.dynamics import DenseDynamicsResult, DenseGlauberResult, glauber, run
from esorma.dense.enumerate import (
    DenseFixedPoints,
    enumerate_dense_fixed_points,
    enumeration_cost,
)
from esorma.dense.networks import INTERACTIONS, DenseHopfield, model_name, parse_model
from esorma.dense.study import (
    LANDSCAPE_KINDS,
    ContinuousStudy,
    DenseLandscape,
    continuous_study,
    landscape_study,
)

__all__ = [
    "INTERACTIONS",
    "BetaTransition",
    "DenseCapacityConfig",
    "DenseCapacityReport",
    "DenseDynamicsResult",
    "DenseFixedPoints",
    "DenseGlauberResult",
    "DenseHopfield",
    "DenseLandscape",
    "ContinuousStudy",
    "LANDSCAPE_KINDS",
    "ModernHopfield",
    "RetrievalResult",
    "SeparationCheck",
    "beta_transition",
    "dense_capacity_study",
    "exp_rate",
    "nearest_pattern_capacity",
    "typical_rate",
    "continuous_study",
    "enumerate_dense_fixed_points",
    "enumeration_cost",
    "glauber",
    "landscape_study",
    "model_name",
    "parse_model",
    "run",
    "separation_check",
    "theory_capacity",
]

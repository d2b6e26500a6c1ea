"""Replica-symmetric theory: the AGS Hopfield equations, the SK model and reference curves.

Hopfield (Amit, Gutfreund & Sompolinsky): :func:`ags_solve`, :func:`ags_capacity`
(α_c = 0.1379...), :func:`ags_first_order` (0.0518543 at T = 0), :func:`retrieval_overlap`
(m(α) for overlays), :func:`phase_diagram` and the lines ``T_g``, ``T_M``, ``T_c``;
:func:`replica_study` gathers every reference curve (AGS, SK, AT, Gardner) in one result.
Sherrington-Kirkpatrick: :func:`sk_solve`, :func:`at_line`. Beyond replica symmetry:
:func:`sk_krsb` (k steps), :func:`parisi_solve` (full RSB, Parisi's q(x)),
:func:`sk_rsb_study` (RS / kRSB / Parisi / exact finite-N ground states) and the Hopfield 1RSB
:func:`hopfield_1rsb_capacity` (α_c = 0.138186), :func:`hopfield_1rsb`. Perceptron references:
:func:`gardner_capacity`, :func:`pseudo_inverse_stability`.

Every solver returns a frozen dataclass with ``residual`` and ``converged``
(:class:`AGSSolution`, :class:`AGSCapacity`, :class:`AGSTransition`, :class:`SKSolution`,
:class:`PhaseDiagram`, :class:`ReplicaStudy`; the lines ``T_g(α)``, ``α_M(T)``, ``α_c(T)``,
``T_AT(h)``, ``h_AT(T)`` and ``κ_G(α)`` as a :class:`LineResult`, the roots ``T_M(α)``,
``T_c(α)`` as :class:`TemperatureRoots`); a solve whose residual is too large issues a
:class:`ConvergenceWarning`, a root finder that fails raises :class:`ConvergenceError`, and a
branch that does not exist raises :class:`NoSolutionError` (a ``ValueError``).
:func:`retrieval_overlap` returns a plain array for overlays but warns the same way.
"""

from esorma.replica._common import (
    ConvergenceError,
    ConvergenceWarning,
    LineResult,
    NoSolutionError,
    TemperatureRoots,
)
from esorma.replica.ags import (
    AGSCapacity,
    AGSSolution,
    AGSTransition,
    ags_capacity,
    ags_capacity_closed_form,
    ags_first_order,
    ags_solve,
    retrieval_branch,
    retrieval_overlap,
)
from esorma.replica.gardner import (
    gardner_capacity,
    gardner_kappa,
    hebb_unstable_fraction,
    pseudo_inverse_capacity,
    pseudo_inverse_stability,
)
from esorma.replica.phase import (
    PhaseDiagram,
    first_order_alpha,
    first_order_temperatures,
    phase_diagram,
    retrieval_temperatures,
    spin_glass_temperature,
    spinodal_alpha,
)
from esorma.replica.parisi import (
    PARISI_GROUND_ENERGY,
    ParisiSolution,
    SKRSBSolution,
    parisi_ground_energy,
    parisi_solve,
    sk_krsb,
)
from esorma.replica.rsb import (
    Hopfield1RSB,
    Hopfield1RSBCapacity,
    Hopfield1RSBGrid,
    hopfield_1rsb,
    hopfield_1rsb_capacity,
    hopfield_1rsb_grid,
    hopfield_1rsb_overlap,
    hopfield_1rsb_spinodal,
)
from esorma.replica.rsb_study import (
    Hopfield1RSBStudy,
    SKRSBStudy,
    hopfield_1rsb_study,
    sk_ground_energies,
    sk_rsb_study,
)
from esorma.replica.sk import SKSolution, at_field, at_line, sk_solve
from esorma.replica.study import ReplicaStudy, replica_study

#: Alias: the de Almeida-Thouless temperature T_AT(h).
T_AT = at_line

__all__ = [
    "AGSCapacity",
    "AGSSolution",
    "AGSTransition",
    "PARISI_GROUND_ENERGY",
    "ParisiSolution",
    "SKRSBSolution",
    "SKRSBStudy",
    "ConvergenceError",
    "ConvergenceWarning",
    "Hopfield1RSB",
    "Hopfield1RSBCapacity",
    "Hopfield1RSBGrid",
    "Hopfield1RSBStudy",
    "LineResult",
    "NoSolutionError",
    "PhaseDiagram",
    "ReplicaStudy",
    "SKSolution",
    "T_AT",
    "TemperatureRoots",
    "ags_capacity",
    "ags_capacity_closed_form",
    "ags_first_order",
    "ags_solve",
    "at_field",
    "at_line",
    "first_order_alpha",
    "first_order_temperatures",
    "gardner_capacity",
    "gardner_kappa",
    "hebb_unstable_fraction",
    "hopfield_1rsb",
    "hopfield_1rsb_capacity",
    "hopfield_1rsb_grid",
    "hopfield_1rsb_overlap",
    "hopfield_1rsb_spinodal",
    "hopfield_1rsb_study",
    "phase_diagram",
    "pseudo_inverse_capacity",
    "parisi_ground_energy",
    "parisi_solve",
    "pseudo_inverse_stability",
    "replica_study",
    "retrieval_branch",
    "retrieval_overlap",
    "retrieval_temperatures",
    "sk_ground_energies",
    "sk_krsb",
    "sk_rsb_study",
    "sk_solve",
    "spin_glass_temperature",
    "spinodal_alpha",
]

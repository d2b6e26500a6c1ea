"""The bridge from saturated feedforward layers to binary graphs and logical formulas.

A sigmoid/tanh network starts training in a near-linear phase and, on Boolean tasks, ends in a
saturated phase where every hidden unit outputs ~0 or ~1: each layer is then a binary graph and
each unit a threshold function with an exact logical formula. This package trains small
networks on Boolean tasks (:mod:`~esorma.bridge.tasks`, the model in
:mod:`~esorma.bridge.model`, its training in :mod:`~esorma.bridge.training`), tracks the
phases of training (:mod:`~esorma.bridge.diagnostics`, :mod:`~esorma.bridge.phases`), and
extracts graphs (:mod:`~esorma.bridge.graph`), exact unit formulas
(:mod:`~esorma.bridge.formula`), decision diagrams (:mod:`~esorma.bridge.bdd`) and
network-level formulas with fidelity reports (:mod:`~esorma.bridge.network`).
:func:`bridge_study` runs the whole pipeline of ``esorma bridge`` (:mod:`~esorma.bridge.study`).
:func:`power_iteration_study` trains a residual ``atan`` network by gradient ascent combined with
power iteration to find an eigenfunction of ``f -> f o A + f o B``
(:mod:`~esorma.bridge.power_iteration`).

Examples
--------
>>> from esorma.bridge import unit_to_formula
>>> str(unit_to_formula([2, 2, 2], -3, ["A", "B", "C"]))
'at least 2 of {A, B, C}'
"""

from esorma.bridge.bdd import (
    BDDTable,
    QuantisationReport,
    UnitBDD,
    isop_cover,
    quantise_unit,
    threshold_bdd_size_bound,
    unit_to_bdd,
)
from esorma.bridge.diagnostics import (
    PhaseDiagnostics,
    gd_lyapunov,
    phase_diagnostics,
    sign_flip_rate,
)
from esorma.bridge.formula import (
    UnitFormula,
    estimate_n_terms,
    minimal_true_sets,
    rounding_tolerance,
    threshold_margin,
    unit_to_formula,
)
from esorma.bridge.graph import layer_to_graph, network_to_graph
from esorma.bridge.model import (
    ACTIVATIONS,
    MLP,
    OUTPUTS,
    SOFTMAX_LINEAR_GAP,
    Layer,
    SoftmaxPhase,
    softmax,
    softmax_phase,
    hessian_vector_product,
    init_mlp,
    logits_jvp,
    loss_and_grad,
    mlp_from_weights,
)
from esorma.bridge.network import (
    FidelityReport,
    LayerFormulas,
    NetworkFormula,
    binarised_forward,
    fidelity,
    formula_agreement,
    network_formula,
    network_table,
)
from esorma.bridge.growth import WeightGrowthFit, fit_weight_growth
from esorma.bridge.phases import PHASES, PhaseLabels, classify_phases, hysteresis
from esorma.bridge.study import (
    RECIPES,
    BridgeRun,
    PhaseSweep,
    Recipe,
    bridge_study,
    phase_sweep,
)
from esorma.bridge.power_iteration import (
    CANDIDATES,
    ORTHOGONAL_METHODS,
    LinearSolutions,
    Oscillation,
    PowerIterationStudy,
    ResidualNet,
    correlation_objective,
    detect_oscillation,
    init_residual_net,
    linear_part,
    linear_solutions,
    power_iteration_study,
    random_orthogonal,
    residual_net_vjp,
)
from esorma.bridge.tasks import (
    REAL_TASKS,
    TASKS,
    THRESHOLD_RULES,
    BooleanTask,
    RealTask,
    gaussian_clusters,
    threshold_rule,
    all_inputs,
    make_task,
    majority_task,
    multiplexer_task,
    parity_task,
    random_dnf_task,
    sparse_parity_task,
    xor_task,
)
from esorma.bridge.training import (
    OPTIMIZERS,
    TrainingHistory,
    TrainResult,
    result_from_snapshots,
    train_mlp,
)
from esorma.bridge.threshold_features import (
    ThresholdFidelity,
    ThresholdFormula,
    ThresholdReadingStudy,
    threshold_fidelity,
    threshold_formula,
    threshold_reading_study,
)
from esorma.bridge.continual import ContinualStudy, continual_study
from esorma.bridge.fast_start import (
    FastStartStudy,
    JumpResult,
    fast_start_study,
    linear_jump,
    linearised_trajectory,
)
from esorma.bridge.optimizers_study import OptimizersStudy, optimizers_study
from esorma.bridge.timing import TIMING_TASKS, PhaseTimingStudy, phase_timing_study

__all__ = [
    # studies
    "bridge_study", "BridgeRun", "Recipe", "RECIPES", "phase_sweep", "PhaseSweep",
    # tasks
    "BooleanTask", "TASKS", "make_task", "all_inputs", "xor_task", "parity_task",
    "sparse_parity_task", "majority_task", "multiplexer_task", "random_dnf_task",
    "RealTask", "REAL_TASKS", "THRESHOLD_RULES", "gaussian_clusters", "threshold_rule",
    # networks and training
    "ACTIVATIONS", "OPTIMIZERS", "MLP", "Layer", "TrainingHistory", "TrainResult", "init_mlp",
    "mlp_from_weights", "train_mlp", "result_from_snapshots",
    "loss_and_grad", "hessian_vector_product", "logits_jvp",
    "OUTPUTS", "SOFTMAX_LINEAR_GAP", "SoftmaxPhase", "softmax", "softmax_phase",
    # phases
    "PhaseDiagnostics", "phase_diagnostics", "gd_lyapunov", "PHASES", "PhaseLabels",
    "classify_phases", "hysteresis", "sign_flip_rate",
    # phase timing, weight growth, sign flips
    "PhaseTimingStudy", "phase_timing_study", "TIMING_TASKS", "WeightGrowthFit",
    "fit_weight_growth",
    # graphs and formulas
    "layer_to_graph", "network_to_graph", "UnitFormula", "unit_to_formula",
    "minimal_true_sets", "estimate_n_terms", "threshold_margin", "rounding_tolerance",
    "UnitBDD", "BDDTable", "QuantisationReport", "quantise_unit", "unit_to_bdd",
    "threshold_bdd_size_bound", "isop_cover", "NetworkFormula", "LayerFormulas", "FidelityReport",
    "network_formula", "network_table", "fidelity", "binarised_forward", "formula_agreement",
    # real inputs read as threshold features; continued learning, fast start, optimisers
    "ThresholdFormula", "ThresholdFidelity", "threshold_formula", "threshold_fidelity",
    "ThresholdReadingStudy", "threshold_reading_study",
    "ContinualStudy", "continual_study", "FastStartStudy", "JumpResult", "fast_start_study",
    "linear_jump", "linearised_trajectory", "OptimizersStudy", "optimizers_study",
    # the power-iteration network
    "ResidualNet", "init_residual_net", "residual_net_vjp", "correlation_objective",
    "ORTHOGONAL_METHODS", "random_orthogonal", "LinearSolutions", "linear_solutions",
    "linear_part", "Oscillation", "detect_oscillation", "CANDIDATES", "PowerIterationStudy",
    "power_iteration_study",
]

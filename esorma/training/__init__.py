"""Feed-forward training as a dynamical system: tangent operator, Lyapunov spectra, CLVs.

Three-layer regression networks (:class:`ThreeLayerNet`, MSE loss, exact batched
Hessian-vector products) trained by full-batch or mini-batch gradient descent or heavy-ball
momentum (:func:`train_network`), with the tangent map of each step (``M = I − η H``), the
``k`` leading finite-time Lyapunov exponents in sliding windows, covariant Lyapunov vectors
(Ginelli et al. 2007) and the Hessian's extreme eigenvalues along training. The generic
machinery for any map (``step``, ``jvp``) is :func:`lyapunov_windows` and
:func:`covariant_vectors`. Regression tasks: :func:`make_regression_task` (a random teacher, a
smooth function of Gaussian inputs, or any Boolean task of :mod:`esorma.bridge.tasks`).

(Not to be confused with :mod:`esorma.learning`, the Hopfield learning rules.)
"""

from esorma.training.lyapunov import (
    CovariantVectors,
    LyapunovWindows,
    clv_angle_stats,
    covariant_vectors,
    lyapunov_windows,
    window_means,
)
from esorma.training.model import ACTIVATIONS, ThreeLayerNet, training_step, training_tangent
from esorma.training.tasks import (
    REGRESSION_TASKS,
    RegressionTask,
    boolean_task,
    make_regression_task,
    sine_task,
    teacher_task,
)
from esorma.training.trajectory import TrainingTrajectory, hessian_extremes, train_network

__all__ = [
    "ACTIVATIONS",
    "ThreeLayerNet",
    "training_step",
    "training_tangent",
    "RegressionTask",
    "REGRESSION_TASKS",
    "teacher_task",
    "sine_task",
    "boolean_task",
    "make_regression_task",
    "LyapunovWindows",
    "CovariantVectors",
    "lyapunov_windows",
    "covariant_vectors",
    "window_means",
    "clv_angle_stats",
    "TrainingTrajectory",
    "train_network",
    "hessian_extremes",
]

# ---------------------------------------------------------------------------------------------
# Prediction study (esorma/training/prediction.py, owned by the prediction helper): add its
# names below, lazily so that importing esorma.training stays cheap, e.g.
#
#     _LAZY = {"PredictionStudy": "esorma.training.prediction", ...}
#
#     def __getattr__(name):
#         if name in _LAZY:
#             import importlib
#             return getattr(importlib.import_module(_LAZY[name]), name)
#         raise AttributeError(f"module 'esorma.training' has no attribute {name!r}")
#
# and extend __all__ with them.
# --- prediction names: start ---
_LAZY = {name: "esorma.training.prediction" for name in (
    "PREDICTION_SIZES", "PREDICTION_TASKS", "PredictionStudy", "prediction_study",
    "bootstrap_spearman", "cross_validated_r2")}
__all__ += list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'esorma.training' has no attribute {name!r}")
# --- prediction names: end ---

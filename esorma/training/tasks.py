"""Regression tasks for :mod:`esorma.training`: a random teacher, a smooth function, Boolean tables.

Every task is a :class:`RegressionTask`: inputs ``X`` (``n_samples × n_inputs``) and real
targets ``Y`` (``n_samples × n_outputs``), learned with the MSE loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_finite_array, check_int, check_real

__all__ = [
    "RegressionTask",
    "REGRESSION_TASKS",
    "teacher_task",
    "sine_task",
    "boolean_task",
    "make_regression_task",
    "check_task",
]


@summarized
@dataclass(frozen=True)
class RegressionTask:
    """Inputs and real targets of a regression task.

    Attributes
    ----------
    name : str
        ``"teacher"``, ``"sine"`` or a Boolean task's name.
    X : ndarray, shape (n_samples, n_inputs)
    Y : ndarray, shape (n_samples, n_outputs)
    description : str
    params : dict
        The parameters that generated the task (provenance).
    """

    name: str
    X: np.ndarray = field(metadata={"unit": "1", "description": "inputs"})
    Y: np.ndarray = field(metadata={"unit": "1", "description": "targets"})
    description: str = ""
    params: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.Y.shape[1])


def check_task(task) -> RegressionTask:
    """Validate a :class:`RegressionTask` (finite ``X``, ``Y`` of matching rows)."""
    if not isinstance(task, RegressionTask):
        raise TypeError(f"task must be a RegressionTask (see make_regression_task); "
                        f"got {type(task).__name__}")
    X = check_finite_array(task.X, "task.X", ndim=2, allow_empty=False)
    Y = check_finite_array(task.Y, "task.Y", ndim=2, allow_empty=False)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"task.X and task.Y must have the same number of rows; got {X.shape} "
                         f"and {Y.shape}")
    return task


def teacher_task(n_inputs: int = 10, n_samples: int = 200, *, n_hidden: int = 8,
                 n_outputs: int = 1, activation: str = "tanh", noise: float = 0.0,
                 rng=None) -> RegressionTask:
    """Targets of a random teacher network on Gaussian inputs ``x ~ N(0, I)``.

    The teacher is a :class:`~esorma.training.ThreeLayerNet` with weights
    ``N(0, 1/fan_in)`` and biases ``N(0, 0.1²)``; ``noise`` adds ``N(0, noise²)`` to ``Y``.

    Examples
    --------
    >>> t = teacher_task(3, 20, rng=0)
    >>> t.X.shape, t.Y.shape
    ((20, 3), (20, 1))
    """
    from esorma.training.model import ACTIVATIONS, ThreeLayerNet, _forward

    n_inputs = check_int(n_inputs, "n_inputs", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    check_choice(activation, "activation", ACTIVATIONS)
    noise = check_real(noise, "noise", minimum=0.0)
    rng = as_rng(rng)
    X = rng.standard_normal((n_samples, n_inputs))  # first: inputs do not depend on the teacher
    teacher = ThreeLayerNet(n_inputs, n_hidden, n_outputs, activation)
    w = teacher.init(rng)
    W1, b1, W2, b2 = teacher.unpack(w)
    b1[...] = 0.1 * rng.standard_normal(b1.shape)
    b2[...] = 0.1 * rng.standard_normal(b2.shape)
    Y = _forward(teacher, w, X)[2]
    if noise > 0:
        Y = Y + noise * rng.standard_normal(Y.shape)
    return RegressionTask(
        "teacher", X, Y,
        f"random {activation} teacher {n_inputs}-{n_hidden}-{n_outputs}, Gaussian inputs",
        {"n_inputs": n_inputs, "n_samples": n_samples, "n_hidden": int(n_hidden),
         "n_outputs": int(n_outputs), "activation": activation, "noise": noise,
         "teacher_weights": w},
    )


def sine_task(n_inputs: int = 10, n_samples: int = 200, *, frequency: float = 1.0,
              noise: float = 0.0, rng=None) -> RegressionTask:
    """``y = sin(frequency · <u, x>)`` with ``u`` a random unit vector and ``x ~ N(0, I)``.

    Examples
    --------
    >>> t = sine_task(2, 5, rng=0)
    >>> bool(np.all(np.abs(t.Y) <= 1))
    True
    """
    n_inputs = check_int(n_inputs, "n_inputs", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    frequency = check_real(frequency, "frequency", minimum=0.0, strict_min=True)
    noise = check_real(noise, "noise", minimum=0.0)
    rng = as_rng(rng)
    u = rng.standard_normal(n_inputs)
    u /= np.linalg.norm(u)
    X = rng.standard_normal((n_samples, n_inputs))
    Y = np.sin(frequency * (X @ u))[:, None]
    if noise > 0:
        Y = Y + noise * rng.standard_normal(Y.shape)
    return RegressionTask("sine", X, Y, f"sin({frequency:g} <u, x>), u random unit vector",
                          {"n_inputs": n_inputs, "n_samples": n_samples,
                           "frequency": frequency, "noise": noise, "u": u})


def boolean_task(task="xor", *, signed: bool = True, rng=None, **params) -> RegressionTask:
    """A Boolean task of :mod:`esorma.bridge.tasks` as a regression target.

    ``task`` is a :class:`~esorma.bridge.tasks.BooleanTask` or a name accepted by
    :func:`esorma.bridge.tasks.make_task` (with its ``params``). With ``signed`` (default),
    inputs and targets are mapped ``{0, 1} → {−1, +1}``; otherwise they stay ``{0, 1}``.

    Examples
    --------
    >>> t = boolean_task("xor")
    >>> t.Y.ravel().tolist()
    [-1.0, 1.0, 1.0, -1.0]
    """
    from esorma.bridge.tasks import BooleanTask, make_task

    if isinstance(task, str):
        task = make_task(task, rng=rng, **params)
    if not isinstance(task, BooleanTask):
        raise TypeError(f"task must be a Boolean task name or a BooleanTask; "
                        f"got {type(task).__name__}")
    X = task.X.astype(np.float64)
    y = task.y.astype(np.float64)[:, None]
    if signed:
        X, y = 2.0 * X - 1.0, 2.0 * y - 1.0
    return RegressionTask(task.name, X, y, task.description,
                          {"signed": bool(signed), "n_inputs": task.n_inputs,
                           **{k: v for k, v in task.params.items()
                              if isinstance(v, (int, float, str, np.ndarray))}})


#: Generators of real-valued regression tasks by name.
REGRESSION_TASKS = {"teacher": teacher_task, "sine": sine_task}


def make_regression_task(name: str, *, rng=None, **params) -> RegressionTask:
    """A task by name: ``"teacher"``, ``"sine"`` or any Boolean task of ``esorma.bridge.tasks``.

    Examples
    --------
    >>> make_regression_task("parity", n_inputs=3).X.shape
    (8, 3)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a task name (str); got {name!r}")
    if name in REGRESSION_TASKS:
        return REGRESSION_TASKS[name](rng=rng, **params)
    from esorma.bridge.tasks import TASKS

    key = name.lower().replace("-", "_")
    if key in TASKS or key in ("mux6", "mux", "6mux"):
        return boolean_task(name, rng=rng, **params)
    raise ValueError(f"name must be one of {', '.join(map(repr, sorted(REGRESSION_TASKS)))} or a "
                     f"Boolean task ({', '.join(map(repr, sorted(TASKS)))}); got {name!r}")

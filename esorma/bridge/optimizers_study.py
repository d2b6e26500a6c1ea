"""Second order against first order: saddle-free Newton, gradient descent and Adam.

:func:`optimizers_study` trains the same initial network on the same task with every optimiser
of :func:`~esorma.bridge.train_mlp` (full batch) until the training loss falls below a common
``target_loss``, and records the epochs and the wall time it took (NaN when the budget ran
out first). Per task and seed every optimiser starts from identical weights.

Optimisers (learning rates in :data:`OPTIMIZER_SETTINGS`): ``"gd"`` at the task's recipe
learning rate (the one :mod:`esorma.bridge.study` uses to reach the saturated phase);
``"adam"`` at step size 0.05 (XOR-sized problems; Adam's usual 1e-3 is far slower here);
``"newton"``: the saddle-free damped Newton step ``-(|H| + lambda I)^-1 g`` with the exact
Hessian (``|H|``: eigenvalues replaced by their absolute values, Dauphin et al. 2014), full
step, Levenberg-Marquardt control of ``lambda``. An epoch is one full-batch step for all three;
a Newton epoch costs a Hessian (P Hessian-vector products) and an eigendecomposition
(``O(P^3)``), so its wall time per epoch is far higher: the wall-time comparison is the fair
one.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real
from esorma.bridge._studies import bootstrap_ci, run_points
from esorma.bridge.fast_start import STUDY_TASKS, _study_task

__all__ = ["OPTIMIZER_SETTINGS", "OptimizersStudy", "optimizers_study", "optimizers_point"]

KIND = "bridge-optimizers"

#: Per optimiser: learning rate (None = the task's recipe rate) and epoch budget factor.
OPTIMIZER_SETTINGS = {
    "gd": {"learning_rate": None, "budget": 1.0},
    "adam": {"learning_rate": 0.05, "budget": 1.0},
    "newton": {"learning_rate": 1.0, "budget": 0.1},
}


@summarized
@dataclass(frozen=True)
class OptimizersStudy:
    """Epochs and wall time to a common training loss, per task, optimiser and seed.

    Arrays have shape ``(n_tasks, n_optimizers, n_seeds)``; NaN where the target loss was not
    reached within the budget.

    Attributes
    ----------
    tasks, optimizers : tuple of str
    epochs : ndarray
        Epochs (full-batch steps) to ``loss < target_loss``.
    seconds : ndarray
        Wall time of those epochs.
    final_loss : ndarray
        Training loss at the stop.
    config : dict
    seed : int
    total_seconds : float
    n_computed, n_skipped : int
    """

    tasks: tuple
    optimizers: tuple
    epochs: np.ndarray = field(metadata={"unit": "epoch"})
    seconds: np.ndarray = field(metadata={"unit": "s"})
    final_loss: np.ndarray = field(metadata={"unit": "nats per output"})
    config: dict
    seed: int
    total_seconds: float = field(default=0.0, metadata={"unit": "s"})
    n_computed: int = 0
    n_skipped: int = 0

    def __post_init__(self):
        object.__setattr__(self, "tasks", tuple(self.tasks))
        object.__setattr__(self, "optimizers", tuple(self.optimizers))

    def stats(self, measure: str = "epochs") -> np.ndarray:
        """``(n_tasks, n_optimizers, 3)``: median over seeds and its 95 % bootstrap CI."""
        arr = getattr(self, measure)
        out = np.empty(arr.shape[:2] + (3,))
        for i in range(arr.shape[0]):
            for j in range(arr.shape[1]):
                out[i, j] = bootstrap_ci(arr[i, j], rng=100 * i + j)
        return out

    def ratio_stats(self, measure: str = "epochs", reference: str = "gd") -> np.ndarray:
        """Median per-seed ratio ``optimizer / reference`` and its CI, ``(n_tasks, n_opt, 3)``."""
        arr = getattr(self, measure)
        ref = arr[:, self.optimizers.index(reference)][:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            r = arr / ref
        out = np.empty(arr.shape[:2] + (3,))
        for i in range(arr.shape[0]):
            for j in range(arr.shape[1]):
                out[i, j] = bootstrap_ci(r[i, j], rng=100 * i + j)
        return out

    def summary(self) -> dict:
        ep, se = self.stats("epochs"), self.stats("seconds")
        out = {"target_loss": self.config["target_loss"], "n_seeds": int(self.epochs.shape[2]),
               "tasks": {}}
        has_gd = "gd" in self.optimizers
        re = self.ratio_stats("epochs") if has_gd else None
        rs = self.ratio_stats("seconds") if has_gd else None
        for i, t in enumerate(self.tasks):
            out["tasks"][t] = {}
            for j, o in enumerate(self.optimizers):
                d = {"median_epochs": ep[i, j].tolist(), "median_seconds": se[i, j].tolist(),
                     "reached": float(np.mean(np.isfinite(self.epochs[i, j])))}
                if has_gd:
                    d["ratio_epochs_vs_gd"] = re[i, j].tolist()
                    d["ratio_seconds_vs_gd"] = rs[i, j].tolist()
                out["tasks"][t][o] = d
        return out


def optimizers_point(point, *, config: dict):
    """One (task, seed index) point: every optimiser from the same initial weights."""
    from esorma.bridge.model import init_mlp
    from esorma.bridge.training import train_mlp
    from esorma.sweeps import PointOutput

    gen = point.rng()
    task, hidden, lr_task = _study_task(point.coords["task"], gen)
    net0 = init_mlp((task.n_inputs, *hidden, 1), "sigmoid", init_scale=config["init_scale"],
                    rng=gen)
    n_opt = len(config["optimizers"])
    ep, sec, fl = np.full(n_opt, np.nan), np.full(n_opt, np.nan), np.full(n_opt, np.nan)
    for j, opt in enumerate(config["optimizers"]):
        s = OPTIMIZER_SETTINGS[opt]
        lr = lr_task if s["learning_rate"] is None else s["learning_rate"]
        budget = max(1, int(round(config["n_epochs"] * s["budget"])))
        t0 = time.perf_counter()
        res = train_mlp(X=task.X, y=task.y, init=net0, optimizer=opt, learning_rate=lr,
                        n_epochs=budget, target_loss=config["target_loss"],
                        record_every=budget)
        dt = time.perf_counter() - t0
        fl[j] = res.history.loss[-1]
        if fl[j] < config["target_loss"]:
            ep[j], sec[j] = res.n_epochs_run, dt
    return PointOutput({"epochs": ep, "seconds": sec, "final_loss": fl}, {})


def optimizers_study(
    tasks=("xor", "multiplexer", "threshold_rule"), optimizers=("gd", "adam", "newton"), *,
    n_seeds: int = 20, target_loss: float = 0.05, init_scale: float = 1.0,
    n_epochs: int = 20_000, checkpoint=None, progress: bool = False, seed: int = 0,
) -> OptimizersStudy:
    """Epochs and wall time to ``loss < target_loss`` for each optimiser (module docstring).

    Parameters
    ----------
    tasks : sequence of str
        Keys of :data:`esorma.bridge.fast_start.STUDY_TASKS`.
    optimizers : sequence of str
        Keys of :data:`OPTIMIZER_SETTINGS`.
    n_seeds : int
    target_loss : float
        The common training loss (nats per output) to reach.
    init_scale : float
        Initial weight scale.
    n_epochs : int
        Epoch budget (times the optimiser's ``budget`` factor: Newton gets a tenth).
    checkpoint : path, optional
        HDF5 file receiving each finished point (resumed when rerun with the same settings).

    Examples
    --------
    >>> r = optimizers_study(("xor",), n_seeds=2, n_epochs=300)
    >>> r.epochs.shape
    (1, 3, 2)
    """
    from esorma.sweeps import make_point

    tasks, optimizers = tuple(tasks), tuple(optimizers)
    for t in tasks:
        if t not in STUDY_TASKS:
            raise ValueError(f"tasks must be keys of STUDY_TASKS ({', '.join(STUDY_TASKS)}); "
                             f"got {t!r}")
    for o in optimizers:
        if o not in OPTIMIZER_SETTINGS:
            raise ValueError(f"optimizers must be among {', '.join(OPTIMIZER_SETTINGS)}; "
                             f"got {o!r}")
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    config = {"tasks": list(tasks), "optimizers": list(optimizers), "n_seeds": n_seeds,
              "target_loss": check_real(target_loss, "target_loss", minimum=0.0,
                                        strict_min=True),
              "init_scale": check_real(init_scale, "init_scale", minimum=0.0),
              "n_epochs": check_int(n_epochs, "n_epochs", minimum=1)}
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    points = [make_point({"task": t, "seed_index": i}, seed=seed, index=k)
              for k, (t, i) in enumerate((t, i) for t in tasks for i in range(n_seeds))]
    func = functools.partial(optimizers_point, config=config)
    outs, n_comp, n_skip = run_points(func, points, checkpoint=checkpoint, kind=KIND,
                                      config=config, seed=seed, progress=progress)
    arrays = {}
    for m in ("epochs", "seconds", "final_loss"):
        arrays[m] = np.array([np.stack([np.asarray(outs[p.key][0][m]) for p in
                                        points[i * n_seeds:(i + 1) * n_seeds]], axis=-1)
                              for i in range(len(tasks))])
    return OptimizersStudy(tasks=tasks, optimizers=optimizers, config=config, seed=seed,
                           total_seconds=time.perf_counter() - t0, n_computed=n_comp,
                           n_skipped=n_skip, **arrays)

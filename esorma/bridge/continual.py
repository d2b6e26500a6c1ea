"""Continued learning: a stream of new tasks, sigmoid against ReLU (does saturation stop learning?).

The claim tested: a sigmoid/tanh network trained long on one task grows its weights and
saturates, so its gradients vanish on new data; ReLU units do not saturate and keep learning
as more data arrive. :func:`continual_study` trains one network on a sequence of tasks
(stages), each for the same number of full-batch gradient-descent epochs, starting each stage
from the weights the previous one ended with, and measures on every *new* stage:

``loss_before``
    Held-out cross-entropy on the new task before any training on it.
``online_loss``
    Mean training loss on the new task over the stage's epochs (the loss paid while learning
    the new data; small = learns fast).
``loss_after``, ``error_after``
    Held-out cross-entropy and error on the new task at the end of the stage.
``saturated_fraction``
    Sigmoid/tanh: fraction of (hidden unit, input) pairs within 0.1 of an extreme (rescaled to
    [0, 1]); ReLU: fraction of hidden units inactive on every training input (dead).
``weight_norm``
    Norm of all weights and biases at the end of the stage.

The stream: stage ``s`` is a :func:`~esorma.bridge.threshold_rule` task on ``n_inputs`` uniform
real inputs with new thresholds, a rule drawn from ``rules`` and its inputs permuted at random
(so a different pair of inputs is relevant at each stage). For each seed, every activation sees
the same stream and the same initial weights (paired comparison). Every activation uses the
same ``learning_rate`` and width.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real
from esorma.bridge._studies import bootstrap_ci, run_points

__all__ = ["ContinualStudy", "continual_study", "continual_point", "make_stream"]

KIND = "bridge-continual"


@summarized
@dataclass(frozen=True)
class ContinualStudy:
    """Per activation, stage and seed: loss on each new task of a stream (see module docstring).

    Arrays have shape ``(n_activations, n_stages, n_seeds)``.

    Attributes
    ----------
    activations : tuple of str
    loss_before, online_loss, loss_after, error_after, saturated_fraction, weight_norm : ndarray
    config : dict
        The study's parameters.
    seed : int
    seconds : float
    n_computed, n_skipped : int
        Points computed by this call, and found already in the checkpoint file.
    """

    activations: tuple
    loss_before: np.ndarray = field(metadata={"unit": "nats", "description":
                                              "held-out loss on the new task before training"})
    online_loss: np.ndarray = field(metadata={"unit": "nats", "description":
                                              "mean training loss over the stage's epochs"})
    loss_after: np.ndarray = field(metadata={"unit": "nats", "description":
                                             "held-out loss on the new task after the stage"})
    error_after: np.ndarray = field(metadata={"unit": "fraction", "description":
                                              "held-out error on the new task after the stage"})
    saturated_fraction: np.ndarray = field(metadata={"unit": "fraction", "description":
                                                     "saturated (sigmoid/tanh) or dead (relu)"})
    weight_norm: np.ndarray = field(metadata={"description": "parameter norm after the stage"})
    config: dict
    seed: int
    seconds: float = field(default=0.0, metadata={"unit": "s"})
    n_computed: int = 0
    n_skipped: int = 0

    def __post_init__(self):
        object.__setattr__(self, "activations", tuple(self.activations))

    @property
    def n_stages(self) -> int:
        return int(self.loss_after.shape[1])

    @property
    def n_seeds(self) -> int:
        return int(self.loss_after.shape[2])

    def stage_stats(self, metric: str = "online_loss", stat: str = "mean") -> np.ndarray:
        """``(n_activations, n_stages, 3)``: estimate and 95 % bootstrap CI over seeds."""
        arr = getattr(self, metric)
        out = np.empty(arr.shape[:2] + (3,))
        for a in range(arr.shape[0]):
            for s in range(arr.shape[1]):
                out[a, s] = bootstrap_ci(arr[a, s], stat=stat, rng=a * 1000 + s)
        return out

    def summary(self) -> dict:
        """Per activation: mean (95 % CI) of the online and after-stage losses, first vs last."""
        out = {"n_seeds": self.n_seeds, "n_stages": self.n_stages, "activations": {}}
        on, af = self.stage_stats("online_loss"), self.stage_stats("loss_after")
        er = self.stage_stats("error_after")
        sat = self.stage_stats("saturated_fraction")
        for i, act in enumerate(self.activations):
            out["activations"][act] = {
                "online_loss_first": on[i, 0].tolist(), "online_loss_last": on[i, -1].tolist(),
                "loss_after_first": af[i, 0].tolist(), "loss_after_last": af[i, -1].tolist(),
                "error_after_last": er[i, -1].tolist(),
                "saturated_fraction_last": sat[i, -1].tolist(),
            }
        return out


def make_stream(n_stages: int, *, n_inputs: int = 6, n_samples: int = 200,
                rules=("and", "or"), margin: float = 0.05, n_test: int = 500, rng=None) -> list:
    """The tasks of a stream: ``[(X, y, X_test, y_test), ...]`` (see the module docstring).

    Examples
    --------
    >>> st = make_stream(3, rng=0)
    >>> len(st), st[0][0].shape
    (3, (200, 6))
    """
    from esorma._validation import as_rng
    from esorma.bridge.tasks import threshold_rule

    gen = as_rng(rng)
    out = []
    for _ in range(check_int(n_stages, "n_stages", minimum=1)):
        rule = str(rules[int(gen.integers(len(rules)))])
        t = threshold_rule(n_samples, n_inputs, rule, margin=margin, n_test=n_test, rng=gen)
        perm = gen.permutation(n_inputs)
        out.append((t.X[:, perm], t.y, t.X_test[:, perm], t.y_test))
    return out


def _saturation(net, X):
    a = net.hidden_activations(X)
    if not a:
        return float("nan")
    if net.activation == "relu":
        return float(np.mean(np.concatenate([np.all(h <= 0, axis=0) for h in a])))
    u = np.concatenate(a, axis=1)
    u = u if net.activation == "sigmoid" else 0.5 * (u + 1.0)
    return float(np.mean((u <= 0.1) | (u >= 0.9)))


def continual_point(point, *, config: dict):
    """One (seed index) point: every activation on the same stream; arrays (A, S)."""
    from esorma.bridge.model import _loss_grad, init_mlp
    from esorma.bridge.training import train_mlp
    from esorma.sweeps import PointOutput

    cfg = config
    gen = point.rng()
    stream = make_stream(cfg["n_stages"], n_inputs=cfg["n_inputs"],
                         n_samples=cfg["n_samples"], rules=tuple(cfg["rules"]), rng=gen)
    init_seed = int(gen.integers(2**32))
    A, S = len(cfg["activations"]), cfg["n_stages"]
    keys = ("loss_before", "online_loss", "loss_after", "error_after", "saturated_fraction",
            "weight_norm")
    out = {k: np.empty((A, S)) for k in keys}
    for ai, act in enumerate(cfg["activations"]):
        net = init_mlp((cfg["n_inputs"], *cfg["hidden"], 1), act,
                       init_scale=cfg["init_scale"], rng=init_seed)
        for s, (X, y, Xt, yt) in enumerate(stream):
            yt2 = yt.reshape(-1, 1).astype(np.float64)
            out["loss_before"][ai, s] = _loss_grad(net.params, net.shapes, act, Xt, yt2)[0]
            res = train_mlp(X=X, y=y, init=net, n_epochs=cfg["epochs_per_stage"],
                            learning_rate=cfg["learning_rate"], record_every=1)
            net = res.network
            lo, _, zt = _loss_grad(net.params, net.shapes, act, Xt, yt2, with_logits=True)
            out["online_loss"][ai, s] = float(np.mean(res.history.loss[:-1]))
            out["loss_after"][ai, s] = lo
            out["error_after"][ai, s] = float(np.mean((zt[:, 0] > 0) != (yt > 0)))
            out["saturated_fraction"][ai, s] = _saturation(net, X)
            out["weight_norm"][ai, s] = float(np.linalg.norm(net.params))
    return PointOutput(out, {})


def continual_study(
    activations=("sigmoid", "relu"), *, n_stages: int = 6, n_seeds: int = 20,
    epochs_per_stage: int = 1000, hidden=(16,), learning_rate: float = 0.5,
    init_scale: float = 1.0, n_inputs: int = 6, n_samples: int = 200, rules=("and", "or"),
    checkpoint=None, progress: bool = False, seed: int = 0,
) -> ContinualStudy:
    """Train on a stream of new tasks and measure the loss on each new task, per activation.

    Parameters
    ----------
    activations : sequence of str
        Hidden activations compared (each a key of :data:`esorma.bridge.ACTIVATIONS`).
    n_stages, n_seeds : int
        Tasks in the stream, independent streams (seeds).
    epochs_per_stage : int
        Full-batch gradient-descent epochs on each task.
    hidden, learning_rate, init_scale
        Network and training (the same for every activation).
    n_inputs, n_samples, rules
        The stream (:func:`make_stream`).
    checkpoint : path, optional
        HDF5 file receiving each finished seed (resumed when rerun with the same settings).
    seed : int
        Study seed; seed index ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``.

    Examples
    --------
    >>> r = continual_study(n_stages=2, n_seeds=2, epochs_per_stage=20, hidden=(4,))
    >>> r.loss_after.shape
    (2, 2, 2)
    """
    from esorma._validation import check_choice
    from esorma.bridge.model import ACTIVATIONS
    from esorma.sweeps import make_point

    acts = tuple(activations)
    if not acts:
        raise ValueError("activations must name at least one activation; got an empty list")
    for a in acts:
        check_choice(a, "activations[i]", ACTIVATIONS)
    config = {
        "activations": list(acts), "n_stages": check_int(n_stages, "n_stages", minimum=1),
        "n_seeds": check_int(n_seeds, "n_seeds", minimum=1),
        "epochs_per_stage": check_int(epochs_per_stage, "epochs_per_stage", minimum=1),
        "hidden": [check_int(h, "hidden[i]", minimum=1) for h in hidden],
        "learning_rate": check_real(learning_rate, "learning_rate", minimum=0.0,
                                    strict_min=True),
        "init_scale": check_real(init_scale, "init_scale", minimum=0.0),
        "n_inputs": check_int(n_inputs, "n_inputs", minimum=2),
        "n_samples": check_int(n_samples, "n_samples", minimum=2),
        "rules": [str(r) for r in rules],
    }
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    points = [make_point({"seed_index": i}, seed=seed, index=i) for i in range(n_seeds)]
    func = functools.partial(continual_point, config=config)
    outs, n_comp, n_skip = run_points(func, points, checkpoint=checkpoint, kind=KIND,
                                      config=config, seed=seed, progress=progress)
    keys = ("loss_before", "online_loss", "loss_after", "error_after", "saturated_fraction",
            "weight_norm")
    arrays = {k: np.stack([np.asarray(outs[p.key][0][k]) for p in points], axis=-1)
              for k in keys}
    return ContinualStudy(activations=acts, config=config, seed=seed,
                          seconds=time.perf_counter() - t0, n_computed=n_comp,
                          n_skipped=n_skip, **arrays)

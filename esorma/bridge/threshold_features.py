"""Real-valued inputs read as threshold features: a saturated first layer turns ``R^n`` into bits.

When the first hidden layer of a sigmoid/tanh network is saturated, hidden unit ``j`` outputs
(almost exactly) the bit ``h_j = [w_j . x + b_j > 0]``: a *threshold feature* of the real
input (a half-space). The rest of the network then sees only these bits, so it is a binarised
network over the features and :func:`~esorma.bridge.network_formula` reads it as a formula.
:func:`threshold_formula` builds that reading (feature definitions plus a formula over them);
:func:`threshold_fidelity` checks it on real inputs the network never saw: the real network's
output bit against the formula evaluated on the threshold bits of fresh samples.

The formula of the upper layers is the exact Boolean function of the binarised sub-network
(layers 2..L) with the feature bits as 0/1 inputs. For tanh the first layer outputs ``+-1``;
the second layer is rewritten for 0/1 inputs (``u = 2h - 1``: ``W' = 2W``, ``b' = b - W 1``),
an exact change of variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int
from esorma.bridge.network import NetworkFormula, network_formula

__all__ = [
    "ThresholdFormula",
    "ThresholdFidelity",
    "threshold_formula",
    "threshold_fidelity",
    "feature_text",
    "ThresholdReadingStudy",
    "threshold_reading_study",
    "threshold_reading_point",
]


def feature_text(w, b, input_names, *, digits: int = 3, min_weight: float = 0.05) -> str:
    """Readable half-space ``[w . x + b > 0]`` scaled so the largest |weight| is 1.

    Coefficients below ``min_weight`` (after scaling) are dropped from the text (not from the
    evaluation).

    Examples
    --------
    >>> feature_text([10.0, 0.1], -2.0, ["x0", "x1"])
    '[x0 > 0.2]'
    >>> feature_text([-4.0, 4.0], 0.0, ["a", "b"])
    '[-a + b > 0]'
    """
    w = np.asarray(w, dtype=np.float64)
    s = float(np.max(np.abs(w)))
    if s == 0.0:
        return "[true]" if b > 0 else "[false]"
    ws, t = w / s, -float(b) / s + 0.0  # + 0.0: no "-0"
    parts = []
    for c, nm in zip(ws, input_names):
        if abs(c) < min_weight:
            continue
        mag = "" if abs(abs(c) - 1.0) < 10.0 ** (-digits) else f"{abs(c):.{digits}g} "
        sign = "-" if c < 0 else "+"
        parts.append((sign, f"{mag}{nm}"))
    text = "".join(f" {sg} {tm}" if i else (f"-{tm}" if sg == "-" else tm)
                   for i, (sg, tm) in enumerate(parts))
    return f"[{text} > {t:.{digits}g}]"


@summarized
@dataclass(frozen=True)
class ThresholdFormula:
    """A network on real inputs read as a formula over threshold features of its first layer.

    Attributes
    ----------
    text : str
        The formula over the feature names, followed by the feature definitions.
    formula : NetworkFormula
        The upper layers as a formula over the feature bits (inputs named ``feature_names``).
    feature_names : tuple of str
        ``h0, h1, ...``: one per first-layer unit.
    features : tuple of str
        Each feature as a readable half-space (:func:`feature_text`).
    weights : ndarray, shape (n_features, n_inputs)
    biases : ndarray, shape (n_features,)
        The first layer: feature ``j`` is ``[weights[j] . x + biases[j] > 0]``.
    input_names : tuple of str
    """

    text: str
    formula: NetworkFormula
    feature_names: tuple
    features: tuple
    weights: np.ndarray = field(metadata={"description": "first-layer weights"})
    biases: np.ndarray = field(metadata={"description": "first-layer biases"})
    input_names: tuple

    def __post_init__(self):
        for name in ("feature_names", "features", "input_names"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def __str__(self) -> str:
        return self.text

    def feature_bits(self, X) -> np.ndarray:
        """The threshold bits ``[W x + b > 0]`` of real inputs ``X`` (uint8, (B, n_features))."""
        X = _check_real_X(X, self.weights.shape[1])
        return (X @ self.weights.T + self.biases > 0).astype(np.uint8)

    def evaluate(self, X) -> np.ndarray:
        """The formula on real inputs ``X`` (uint8, (B,))."""
        return self.formula.table.evaluate(self.feature_bits(X))


def _check_real_X(X, n):
    from esorma.bridge.model import _check_X

    return _check_X(X, n)


def _upper_network(net):
    """Layers 2..L as a network with 0/1 inputs (exact rewrite for tanh's +-1)."""
    from esorma.bridge.model import MLP

    layers = [(W.copy(), b.copy()) for W, b in net.layers[1:]]
    if net.activation == "tanh":
        W, b = layers[0]
        layers[0] = (2.0 * W, b - W.sum(axis=1))
    return MLP(tuple(layers), net.activation)


def _check_net(net):
    from esorma.bridge.model import MLP

    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP; got {type(net).__name__}")
    if net.activation == "relu":
        raise ValueError("net.activation must be 'sigmoid' or 'tanh' to read threshold "
                         "features; ReLU units do not saturate")
    if len(net.layers) < 2:
        raise ValueError("net must have at least one hidden layer (its first layer gives the "
                         "threshold features); got a single-layer network")
    if net.output != "sigmoid":
        raise ValueError(f"net.output must be 'sigmoid' (one bit per output); got "
                         f"{net.output!r}")
    return net


def threshold_formula(net, input_names=None, *, output: int = 0, minimise: str = "auto",
                      digits: int = 3) -> ThresholdFormula:
    """Read a network on real inputs as a formula over the threshold features of layer 1.

    Parameters
    ----------
    net : MLP
        Sigmoid or tanh hidden units, sigmoid output, at least one hidden layer.
    input_names : sequence of str, optional
        Names of the real inputs (default ``x0, x1, ...``).
    output : int
        Output unit described.
    minimise : {"auto", "sympy", "isop"}
        Passed to :func:`~esorma.bridge.network_formula`.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge.model import mlp_from_weights
    >>> net = mlp_from_weights([(np.array([[50.0, 0.0], [0.0, 50.0]]), np.array([-10.0, 15.0])),
    ...                         (np.array([[20.0, 20.0]]), np.array([-30.0]))])
    >>> print(threshold_formula(net))
    h0 and h1   where h0 = [x0 > 0.2], h1 = [x1 > -0.3]
    """
    from esorma.bridge.formula import _check_names

    net = _check_net(net)
    names = _check_names(input_names, net.n_inputs)
    W, b = net.layers[0]
    H = W.shape[0]
    fnames = tuple(f"h{j}" for j in range(H))
    upper = _upper_network(net)
    formula = network_formula(upper, fnames, output=output, minimise=minimise)
    feats = tuple(feature_text(W[j], b[j], names, digits=digits) for j in range(H))
    used = formula.relevant
    defs = ", ".join(f"{fnames[j]} = {feats[j]}" for j in used)
    text = formula.text + (f"   where {defs}" if defs else "")
    return ThresholdFormula(text=text, formula=formula, feature_names=fnames, features=feats,
                            weights=W.copy(), biases=b.copy(), input_names=names)


@summarized
@dataclass(frozen=True)
class ThresholdFidelity:
    """How faithfully a threshold-feature formula reproduces a network on real inputs.

    Attributes
    ----------
    agreement : float
        Fraction of checked inputs where the formula (on the threshold bits) gives the real
        network's output bit.
    n_checked : int
    source : str
        ``"given"``, ``"held_out"`` (the task's test sample) or ``"fresh"`` (new samples).
    target_agreement, network_accuracy : float or None
        Formula and network against the targets (when known).
    min_feature_margin : float
        Smallest ``|w_j . x + b_j|`` over checked inputs and features (distance to a
        half-space boundary in pre-activation units; large = saturated first layer).
    max_feature_deviation : float
        Largest distance of a first-layer activation (rescaled to [0, 1]) from its bit.
    """

    agreement: float = field(metadata={"unit": "fraction"})
    n_checked: int
    source: str
    target_agreement: float | None = field(default=None, metadata={"unit": "fraction"})
    network_accuracy: float | None = field(default=None, metadata={"unit": "fraction"})
    min_feature_margin: float = 0.0
    max_feature_deviation: float = 1.0


def threshold_fidelity(net, formula: ThresholdFormula | None = None, X=None, *, y=None,
                       task=None, n_samples: int | None = None, output: int | None = None,
                       rng=None) -> ThresholdFidelity:
    """Compare the network with its threshold-feature formula on real inputs it never saw.

    Inputs checked: ``X`` if given; else, with a :class:`~esorma.bridge.RealTask`,
    ``n_samples`` fresh samples drawn with ``rng`` (``task.sample``) or, when ``n_samples``
    is None, the task's held-out test sample.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge.model import mlp_from_weights
    >>> from esorma.bridge.tasks import threshold_rule
    >>> t = threshold_rule(50, rule="and", thresholds=[0.2, -0.3], rng=0)
    >>> net = mlp_from_weights([(np.array([[500.0, 0], [0, 500.0]]), np.array([-100.0, 150.0])),
    ...                         (np.array([[20.0, 20.0]]), np.array([-30.0]))])
    >>> r = threshold_fidelity(net, task=t)
    >>> r.agreement, r.target_agreement, r.source
    (1.0, 1.0, 'held_out')
    """
    from esorma.bridge.tasks import RealTask

    net = _check_net(net)
    if formula is None:
        formula = threshold_formula(net, output=0 if output is None else output)
    elif not isinstance(formula, ThresholdFormula):
        raise TypeError(f"formula must be a ThresholdFormula; got {type(formula).__name__}")
    out = formula.formula.output if output is None else check_int(
        output, "output", minimum=0, maximum=net.n_outputs - 1)
    if task is not None and not isinstance(task, RealTask):
        raise TypeError(f"task must be a RealTask; got {type(task).__name__}")
    if X is not None:
        source = "given"
    elif task is None:
        raise TypeError("threshold_fidelity needs inputs X or a RealTask")
    elif n_samples is None:
        X, y, source = task.X_test, task.y_test, "held_out"
    else:
        X, y = task.sample(n_samples, rng=as_rng(rng))
        source = "fresh"
    X = _check_real_X(X, net.n_inputs)
    real = (net.logits(X)[:, out] > 0).astype(np.uint8)
    form = formula.evaluate(X)
    t_agree = acc = None
    if y is not None:
        yy = np.asarray(y)
        yy = yy.reshape(-1) if yy.ndim == 1 or yy.shape[1] == 1 else yy[:, out]
        if yy.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one bit per input ({X.shape[0]}); got {yy.shape[0]}")
        t_agree = float(np.mean(form == (yy > 0)))
        acc = float(np.mean(real == (yy > 0)))
    z1 = X @ formula.weights.T + formula.biases
    a1 = net.hidden_activations(X)[0]
    u = a1 if net.activation == "sigmoid" else 0.5 * (a1 + 1.0)
    dev = float(np.max(np.abs(u - (z1 > 0))))
    return ThresholdFidelity(agreement=float(np.mean(real == form)), n_checked=int(X.shape[0]),
                             source=source, target_agreement=t_agree, network_accuracy=acc,
                             min_feature_margin=float(np.min(np.abs(z1))),
                             max_feature_deviation=dev)


# ----------------------------------------------------------------------------- the study
KIND = "bridge-threshold-reading"
_READING_METRICS = ("saturated", "epochs", "agreement", "target_agreement", "network_accuracy",
                    "n_features_used", "n_terms", "min_feature_margin")


@summarized
@dataclass(frozen=True)
class ThresholdReadingStudy:
    """Networks trained on real-input threshold rules, read as formulas, checked on fresh data.

    Arrays have shape ``(n_rules, n_seeds)``.

    Attributes
    ----------
    rules : tuple of str
    saturated : ndarray of float (0/1)
        The run met the saturated stop rule of :func:`~esorma.bridge.train_mlp` in time.
    epochs : ndarray
        Epochs trained (including the ``after`` extension).
    agreement, target_agreement, network_accuracy : ndarray
        On ``n_fresh`` fresh samples: formula vs network, formula vs target, network vs
        target (:func:`threshold_fidelity`).
    n_features_used, n_terms : ndarray
        Threshold features the formula depends on; its number of terms.
    min_feature_margin : ndarray
        Smallest ``|w . x + b|`` over fresh samples and features.
    config : dict
    seed : int
    seconds : float
    n_computed, n_skipped : int
    """

    rules: tuple
    saturated: np.ndarray
    epochs: np.ndarray = field(metadata={"unit": "epoch"})
    agreement: np.ndarray = field(metadata={"unit": "fraction"})
    target_agreement: np.ndarray = field(metadata={"unit": "fraction"})
    network_accuracy: np.ndarray = field(metadata={"unit": "fraction"})
    n_features_used: np.ndarray
    n_terms: np.ndarray
    min_feature_margin: np.ndarray
    config: dict
    seed: int
    seconds: float = field(default=0.0, metadata={"unit": "s"})
    n_computed: int = 0
    n_skipped: int = 0

    def __post_init__(self):
        object.__setattr__(self, "rules", tuple(self.rules))

    def summary(self) -> dict:
        from esorma.bridge._studies import bootstrap_ci

        out = {"n_seeds": int(self.agreement.shape[1]), "rules": {}}
        for i, r in enumerate(self.rules):
            sat = self.saturated[i] > 0.5
            out["rules"][r] = {
                "saturated_fraction": float(np.mean(sat)),
                "agreement_saturated": bootstrap_ci(self.agreement[i][sat], rng=i),
                "agreement_all": bootstrap_ci(self.agreement[i], rng=i),
                "target_agreement_saturated": bootstrap_ci(self.target_agreement[i][sat],
                                                           rng=i),
                "fraction_agreement_one_saturated": (float(np.mean(self.agreement[i][sat]
                                                                   == 1.0))
                                                     if sat.any() else float("nan")),
            }
        return out


def threshold_reading_point(point, *, config: dict):
    """One (rule, seed index) point: train, read as threshold features, check on fresh data."""
    from esorma.bridge.tasks import threshold_rule
    from esorma.bridge.training import train_mlp
    from esorma.sweeps import PointOutput

    gen = point.rng()
    task = threshold_rule(config["n_samples"], config["n_inputs"], point.coords["rule"],
                          rng=gen)
    res = train_mlp(task, hidden=tuple(config["hidden"]), n_epochs=config["n_epochs"],
                    learning_rate=config["learning_rate"], stop_on="saturated",
                    check_every=50, record_every=config["n_epochs"], rng=gen)
    saturated = res.n_epochs_run < config["n_epochs"]
    net, epochs = res.network, res.n_epochs_run
    extra = int(round(config["after"] * epochs)) if saturated else 0
    if extra > 0:  # keep training (deeper into saturation), as esorma bridge --after does
        net = train_mlp(task, init=net, n_epochs=extra, learning_rate=config["learning_rate"],
                        record_every=extra).network
        epochs += extra
    f = threshold_formula(net)
    rep = threshold_fidelity(net, f, task=task, n_samples=config["n_fresh"], rng=gen)
    vals = {"saturated": float(saturated),
            "epochs": float(epochs), "agreement": rep.agreement,
            "target_agreement": rep.target_agreement, "network_accuracy": rep.network_accuracy,
            "n_features_used": float(len(f.formula.relevant)),
            "n_terms": float(f.formula.n_terms), "min_feature_margin": rep.min_feature_margin}
    return PointOutput({k: np.asarray(v, dtype=np.float64) for k, v in vals.items()}, {})


def threshold_reading_study(
    rules=("and", "or", "xor"), *, n_seeds: int = 20, n_samples: int = 200, n_inputs: int = 3,
    hidden=(4,), learning_rate: float = 2.0, n_epochs: int = 20_000, after: float = 1.0,
    n_fresh: int = 5000, checkpoint=None, progress: bool = False, seed: int = 0,
) -> ThresholdReadingStudy:
    """Train on real-input threshold rules, read each network as threshold features + formula.

    For each rule and seed: a :func:`~esorma.bridge.threshold_rule` task (``n_inputs`` uniform
    inputs, 2 relevant), a sigmoid MLP trained by gradient descent until the saturated stop
    rule (or ``n_epochs``), then ``after`` times as long again (deeper into saturation; runs
    that never met the rule are not extended), :func:`threshold_formula`, and
    :func:`threshold_fidelity` on ``n_fresh`` fresh samples.

    Examples
    --------
    >>> r = threshold_reading_study(("and",), n_seeds=1, n_epochs=200, n_fresh=100)
    >>> r.agreement.shape
    (1, 1)
    """
    import functools
    import time

    from esorma._validation import check_choice, check_real
    from esorma.bridge._studies import grouped_scalars, run_points
    from esorma.bridge.tasks import THRESHOLD_RULES
    from esorma.sweeps import make_point

    rules = tuple(rules)
    for r in rules:
        check_choice(r, "rules[i]", THRESHOLD_RULES)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    config = {"rules": list(rules), "n_seeds": n_seeds,
              "n_samples": check_int(n_samples, "n_samples", minimum=2),
              "n_inputs": check_int(n_inputs, "n_inputs", minimum=2),
              "hidden": [check_int(h, "hidden[i]", minimum=1) for h in hidden],
              "learning_rate": check_real(learning_rate, "learning_rate", minimum=0.0,
                                          strict_min=True),
              "n_epochs": check_int(n_epochs, "n_epochs", minimum=1),
              "after": check_real(after, "after", minimum=0.0),
              "n_fresh": check_int(n_fresh, "n_fresh", minimum=1)}
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    points = [make_point({"rule": r, "seed_index": i}, seed=seed, index=k)
              for k, (r, i) in enumerate((r, i) for r in rules for i in range(n_seeds))]
    func = functools.partial(threshold_reading_point, config=config)
    outs, n_comp, n_skip = run_points(func, points, checkpoint=checkpoint, kind=KIND,
                                      config=config, seed=seed, progress=progress)
    arrays = grouped_scalars(outs, points, _READING_METRICS, len(rules))
    return ThresholdReadingStudy(rules=rules, config=config, seed=seed,
                                 seconds=time.perf_counter() - t0, n_computed=n_comp,
                                 n_skipped=n_skip, **arrays)

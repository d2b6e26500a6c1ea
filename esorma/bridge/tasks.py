"""Benchmark tasks generated at run time: Boolean truth tables and real-valued samples.

Every Boolean task is a complete truth table: all ``2**n_inputs`` binary inputs in
lexicographic order (input 0 is the most significant bit) with the target bit of each. Tasks
are small by design (``n_inputs <= 20``) so that training, fidelity and phase diagnostics can
use every input.

Real-valued tasks (:class:`RealTask`: :func:`gaussian_clusters`, :func:`threshold_rule`) are
finite samples of a distribution on ``R^n`` with targets in {0, 1}; they carry a held-out test
sample and can draw fresh samples (:meth:`RealTask.sample`), so that the formula read from a
saturated network can be checked on inputs it never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_memory, check_real

__all__ = [
    "BooleanTask",
    "TASKS",
    "MAX_TASK_INPUTS",
    "all_inputs",
    "make_task",
    "xor_task",
    "parity_task",
    "sparse_parity_task",
    "majority_task",
    "multiplexer_task",
    "random_dnf_task",
    "RealTask",
    "REAL_TASKS",
    "gaussian_clusters",
    "threshold_rule",
    "THRESHOLD_RULES",
]

MAX_TASK_INPUTS = 20


@summarized
@dataclass(frozen=True)
class BooleanTask:
    """A Boolean function given by its complete truth table.

    Attributes
    ----------
    name : str
        Task name (``"xor"``, ``"parity"``, ``"multiplexer"``, ...).
    X : ndarray of uint8, shape (2**n_inputs, n_inputs)
        Every binary input, in lexicographic order.
    y : ndarray of uint8, shape (2**n_inputs,)
        The target bit of each input.
    input_names : tuple of str
        Names of the inputs (used in extracted formulas).
    description : str
        The target function in words or as a formula.
    params : dict
        The parameters that generated the task (including the relevant subset or the DNF terms
        of random tasks), for provenance.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    input_names: tuple
    description: str
    params: dict

    def __post_init__(self):
        object.__setattr__(self, "input_names", tuple(self.input_names))

    @property
    def n_inputs(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def balance(self) -> float:
        """Fraction of inputs with target 1."""
        return float(self.y.mean())


def all_inputs(n_inputs: int) -> np.ndarray:
    """All ``2**n_inputs`` binary vectors (uint8), lexicographic, input 0 most significant.

    Examples
    --------
    >>> all_inputs(2).tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    n = check_int(n_inputs, "n_inputs", minimum=0, maximum=30)
    check_memory(float(n) * 2.0**n, f"the truth table of {n} inputs")
    idx = np.arange(2**n, dtype=np.int64)
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    return ((idx[:, None] >> shifts[None, :]) & 1).astype(np.uint8)


def _check_n(n_inputs, name="n_inputs", minimum=1):
    return check_int(n_inputs, name, minimum=minimum, maximum=MAX_TASK_INPUTS)


def _names(n, prefix="x"):
    return tuple(f"{prefix}{i}" for i in range(n))


def xor_task() -> BooleanTask:
    """The XOR of two inputs ``A`` and ``B``.

    Examples
    --------
    >>> xor_task().y.tolist()
    [0, 1, 1, 0]
    """
    X = all_inputs(2)
    y = (X[:, 0] ^ X[:, 1]).astype(np.uint8)
    return BooleanTask("xor", X, y, ("A", "B"), "A xor B", {})


def parity_task(n_inputs: int = 3) -> BooleanTask:
    """Parity (XOR) of all ``n_inputs`` inputs.

    Examples
    --------
    >>> int(parity_task(3).y.sum())
    4
    """
    n = _check_n(n_inputs, minimum=2)
    X = all_inputs(n)
    y = (X.sum(axis=1) % 2).astype(np.uint8)
    return BooleanTask("parity", X, y, _names(n), f"parity of {n} inputs", {"n_inputs": n})


def sparse_parity_task(n_inputs: int = 6, k: int = 2, rng=None) -> BooleanTask:
    """Parity of a random subset of ``k`` of the ``n_inputs`` inputs (the rest are distractors).

    Examples
    --------
    >>> t = sparse_parity_task(5, 2, rng=0)
    >>> len(t.params["relevant"])
    2
    """
    n = _check_n(n_inputs, minimum=2)
    k = check_int(k, "k", minimum=1, maximum=n)
    gen = as_rng(rng)
    relevant = np.sort(gen.choice(n, size=k, replace=False))
    X = all_inputs(n)
    y = (X[:, relevant].sum(axis=1) % 2).astype(np.uint8)
    names = _names(n)
    desc = " xor ".join(names[i] for i in relevant)
    return BooleanTask(
        "sparse_parity", X, y, names, desc, {"n_inputs": n, "k": k, "relevant": relevant.tolist()}
    )


def majority_task(n_inputs: int = 5) -> BooleanTask:
    """Majority of an odd number of inputs: 1 when more than half are 1.

    Examples
    --------
    >>> majority_task(3).y.tolist()
    [0, 0, 0, 1, 0, 1, 1, 1]
    """
    n = _check_n(n_inputs)
    if n % 2 == 0:
        raise ValueError(f"n_inputs must be odd for the majority task (no ties); got {n}")
    X = all_inputs(n)
    y = (X.sum(axis=1) > n // 2).astype(np.uint8)
    names = _names(n)
    return BooleanTask(
        "majority", X, y, names, f"at least {n // 2 + 1} of {{{', '.join(names)}}}",
        {"n_inputs": n},
    )


def multiplexer_task(n_address: int = 2) -> BooleanTask:
    """The multiplexer: ``n_address`` address bits select one of ``2**n_address`` data bits.

    ``n_address=2`` is the 6-multiplexer with inputs ``a0 a1 d0 d1 d2 d3`` (``a0`` the most
    significant address bit): the output is ``d[2*a0 + a1]``.

    Examples
    --------
    >>> t = multiplexer_task(2)
    >>> t.input_names
    ('a0', 'a1', 'd0', 'd1', 'd2', 'd3')
    """
    k = check_int(n_address, "n_address", minimum=1, maximum=4)
    n = k + 2**k
    X = all_inputs(n)
    addr = np.zeros(X.shape[0], dtype=np.int64)
    for i in range(k):
        addr = 2 * addr + X[:, i]
    y = X[np.arange(X.shape[0]), k + addr].astype(np.uint8)
    names = tuple(f"a{i}" for i in range(k)) + tuple(f"d{j}" for j in range(2**k))
    terms = []
    for j in range(2**k):
        lits = [(names[i] if (j >> (k - 1 - i)) & 1 else f"not {names[i]}") for i in range(k)]
        terms.append("(" + " and ".join(lits + [f"d{j}"]) + ")")
    return BooleanTask("multiplexer", X, y, names, " or ".join(terms), {"n_address": k})


def random_dnf_task(
    n_inputs: int = 6, n_terms: int = 3, term_size: int = 2, rng=None
) -> BooleanTask:
    """A random DNF teacher: the OR of ``n_terms`` random conjunctions of ``term_size`` literals.

    Each term picks ``term_size`` distinct inputs and negates each with probability 1/2. Draws
    that give a constant function are redrawn.

    Examples
    --------
    >>> t = random_dnf_task(5, 2, 2, rng=1)
    >>> 0 < t.balance < 1
    True
    """
    n = _check_n(n_inputs)
    n_terms = check_int(n_terms, "n_terms", minimum=1, maximum=64)
    term_size = check_int(term_size, "term_size", minimum=1, maximum=n)
    gen = as_rng(rng)
    X = all_inputs(n)
    names = _names(n)
    for _ in range(100):
        terms = []
        y = np.zeros(X.shape[0], dtype=bool)
        for _t in range(n_terms):
            idx = np.sort(gen.choice(n, size=term_size, replace=False))
            neg = gen.random(term_size) < 0.5
            terms.append([(int(i), bool(g)) for i, g in zip(idx, neg)])
            lit = np.where(neg[None, :], X[:, idx] == 0, X[:, idx] == 1)
            y |= lit.all(axis=1)
        if 0 < y.sum() < y.size:
            break
    else:  # pragma: no cover - practically impossible for term_size <= n
        raise ValueError("could not draw a non-constant random DNF; change n_terms or term_size")
    desc = " or ".join(
        "(" + " and ".join(("not " if g else "") + names[i] for i, g in t) + ")" for t in terms
    )
    return BooleanTask(
        "random_dnf", X, y.astype(np.uint8), names, desc,
        {"n_inputs": n, "n_terms": n_terms, "term_size": term_size, "terms": terms},
    )


# ----------------------------------------------------------------------------- real inputs
@summarized
@dataclass(frozen=True)
class RealTask:
    """A classification task on real-valued inputs: a training sample and a held-out sample.

    Compatible with :func:`esorma.bridge.train_mlp` (it reads ``X`` and ``y``). ``y`` is a
    bit per sample (two classes) or one-hot rows (``n_classes > 2``, for softmax outputs).

    Attributes
    ----------
    name : str
        Generator name (``"gaussian_clusters"`` or ``"threshold_rule"``).
    X, X_test : ndarray of float64, shape (n, n_inputs)
        Training and held-out inputs.
    y, y_test : ndarray of uint8, shape (n,) or (n, n_classes)
        Targets (bits, or one-hot rows when there are more than two classes).
    input_names : tuple of str
    description : str
        The target rule in words (the threshold formula of :func:`threshold_rule`).
    params : dict
        Everything needed to draw fresh samples (:meth:`sample`): centres, labels, spread,
        thresholds, rule.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    input_names: tuple
    description: str
    params: dict

    def __post_init__(self):
        object.__setattr__(self, "input_names", tuple(self.input_names))

    @property
    def n_inputs(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_classes(self) -> int:
        return 2 if self.y.ndim == 1 else int(self.y.shape[1])

    @property
    def labels(self) -> np.ndarray:
        """Class index of every training sample (``y`` itself for two classes)."""
        return self.y.astype(np.int64) if self.y.ndim == 1 else np.argmax(self.y, axis=1)

    @property
    def balance(self) -> float:
        """Fraction of training samples in class 1 (two classes) or of the largest class."""
        if self.y.ndim == 1:
            return float(self.y.mean())
        return float(self.y.mean(axis=0).max())

    def sample(self, n_samples: int, rng=None) -> tuple:
        """Fresh ``(X, y)`` from the same distribution (for held-out checks and data streams).

        Examples
        --------
        >>> t = threshold_rule(50, rng=0)
        >>> X, y = t.sample(10, rng=1)
        >>> X.shape, y.shape
        ((10, 2), (10,))
        """
        n = check_int(n_samples, "n_samples", minimum=1, maximum=10_000_000)
        check_memory(8.0 * n * self.n_inputs, f"{n} samples of {self.n_inputs} inputs")
        return _REAL_SAMPLERS[self.name](self.params, n, as_rng(rng))


def _one_hot(labels, k):
    if k == 2:
        return labels.astype(np.uint8)
    out = np.zeros((labels.size, k), dtype=np.uint8)
    out[np.arange(labels.size), labels] = 1
    return out


def _sample_clusters(params, n, gen):
    centres = np.asarray(params["centres"], dtype=np.float64)
    labels = np.asarray(params["cluster_labels"], dtype=np.int64)
    which = gen.integers(0, centres.shape[0], size=n)
    X = centres[which] + params["spread"] * gen.standard_normal((n, centres.shape[1]))
    return X, _one_hot(labels[which], params["n_classes"])


def _threshold_bits(X, params):
    rel = np.asarray(params["relevant"], dtype=np.int64)
    return X[:, rel] > np.asarray(params["thresholds"])[None, :]


def _rule_value(bits, rule):
    if rule == "and":
        return bits.all(axis=1)
    if rule == "or":
        return bits.any(axis=1)
    if rule == "xor":
        return bits.sum(axis=1) % 2 == 1
    return bits.sum(axis=1) > bits.shape[1] // 2  # majority


def _sample_threshold(params, n, gen):
    d, margin = params["n_inputs"], params["margin"]
    th = np.asarray(params["thresholds"])
    rel = np.asarray(params["relevant"], dtype=np.int64)
    out = np.empty((0, d))
    while out.shape[0] < n:  # rejection: keep samples at least `margin` from every threshold
        X = gen.uniform(-1.0, 1.0, size=(2 * (n - out.shape[0]) + 8, d))
        ok = np.all(np.abs(X[:, rel] - th[None, :]) >= margin, axis=1)
        out = np.concatenate([out, X[ok]])
    X = out[:n]
    return X, _rule_value(_threshold_bits(X, params), params["rule"]).astype(np.uint8)


_REAL_SAMPLERS = {"gaussian_clusters": _sample_clusters, "threshold_rule": _sample_threshold}

#: Rules of :func:`threshold_rule` over the threshold bits ``[x_i > t_i]``.
THRESHOLD_RULES = ("and", "or", "xor", "majority")


def gaussian_clusters(
    n_samples: int = 200, n_inputs: int = 2, n_clusters: int = 4, n_classes: int = 2, *,
    spread: float = 0.1, min_distance: float = 0.6, n_test: int = 1000, rng=None,
) -> RealTask:
    """Gaussian clusters in ``[-1, 1]^n_inputs``; cluster ``c`` has class ``c % n_classes``.

    Centres are uniform in the cube, redrawn until every pair is at least ``min_distance``
    apart; each sample picks a cluster uniformly and adds ``spread * N(0, I)``. With four
    clusters and two classes the classes interleave (XOR-like) for most draws. With
    ``n_classes > 2`` the targets are one-hot rows (for softmax outputs).

    Examples
    --------
    >>> t = gaussian_clusters(100, rng=0)
    >>> t.X.shape, t.y.shape, t.X_test.shape
    ((100, 2), (100,), (1000, 2))
    >>> gaussian_clusters(30, n_clusters=3, n_classes=3, rng=0).y.shape
    (30, 3)
    """
    n = check_int(n_samples, "n_samples", minimum=1, maximum=10_000_000)
    d = check_int(n_inputs, "n_inputs", minimum=1, maximum=1000)
    k = check_int(n_clusters, "n_clusters", minimum=2, maximum=1000)
    nc = check_int(n_classes, "n_classes", minimum=2, maximum=k)
    n_test = check_int(n_test, "n_test", minimum=1, maximum=10_000_000)
    spread = check_real(spread, "spread", minimum=0.0)
    min_distance = check_real(min_distance, "min_distance", minimum=0.0)
    check_memory(8.0 * (n + n_test) * d, f"{n + n_test} samples of {d} inputs")
    gen = as_rng(rng)
    for _ in range(1000):
        centres = gen.uniform(-1.0, 1.0, size=(k, d))
        dist = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
        if np.all(dist[np.triu_indices(k, 1)] >= min_distance):
            break
    else:
        raise ValueError(f"could not place {k} centres at least min_distance={min_distance:g} "
                         f"apart in [-1, 1]^{d}; lower min_distance or n_clusters")
    params = {"n_inputs": d, "n_clusters": k, "n_classes": nc, "spread": spread,
              "min_distance": min_distance, "centres": centres.tolist(),
              "cluster_labels": [c % nc for c in range(k)]}
    X, y = _sample_clusters(params, n, gen)
    Xt, yt = _sample_clusters(params, n_test, gen)
    desc = (f"{k} Gaussian clusters (spread {spread:g}) in {d} dimensions, "
            f"class = cluster mod {nc}")
    return RealTask("gaussian_clusters", X, y, Xt, yt, _names(d), desc, params)


def threshold_rule(
    n_samples: int = 200, n_inputs: int = 2, rule: str = "and", *, n_relevant: int = 2,
    thresholds=None, margin: float = 0.05, n_test: int = 1000, rng=None,
) -> RealTask:
    """A logical rule over threshold features ``[x_i > t_i]`` of uniform inputs on ``[-1, 1]``.

    The first ``n_relevant`` inputs are relevant (the others are distractors); the target is
    ``rule`` (``"and"``, ``"or"``, ``"xor"`` or ``"majority"``) of the bits ``[x_i > t_i]``.
    Samples closer than ``margin`` to a threshold are rejected, so the classes are separated by
    a gap and gradient descent can reach zero error and saturate. Thresholds default to
    uniform draws in ``[-0.5, 0.5]``. The ``description`` is the exact formula, e.g.
    ``"[x0 > 0.12] and [x1 > -0.3]"``: the reading a saturated first layer should recover.

    Examples
    --------
    >>> t = threshold_rule(100, rule="xor", thresholds=[0.0, 0.0], rng=0)
    >>> t.description
    '[x0 > 0] xor [x1 > 0]'
    >>> bool(np.all(t.y == ((t.X[:, 0] > 0) ^ (t.X[:, 1] > 0))))
    True
    """
    n = check_int(n_samples, "n_samples", minimum=1, maximum=10_000_000)
    d = check_int(n_inputs, "n_inputs", minimum=1, maximum=1000)
    k = check_int(n_relevant, "n_relevant", minimum=1, maximum=d)
    n_test = check_int(n_test, "n_test", minimum=1, maximum=10_000_000)
    from esorma._validation import check_choice

    check_choice(rule, "rule", THRESHOLD_RULES)
    margin = check_real(margin, "margin", minimum=0.0, maximum=0.5)
    check_memory(8.0 * (n + n_test) * d, f"{n + n_test} samples of {d} inputs")
    gen = as_rng(rng)
    if thresholds is None:
        th = gen.uniform(-0.5, 0.5, size=k)
    else:
        th = np.asarray(thresholds, dtype=np.float64).ravel()
        if th.shape != (k,) or not np.all(np.abs(th) <= 1.0 - margin):
            raise ValueError(f"thresholds must be {k} numbers in [-1 + margin, 1 - margin]; got "
                             f"{thresholds!r}")
    params = {"n_inputs": d, "rule": rule, "n_relevant": k, "relevant": list(range(k)),
              "thresholds": th.tolist(), "margin": margin}
    X, y = _sample_threshold(params, n, gen)
    Xt, yt = _sample_threshold(params, n_test, gen)
    names = _names(d)
    desc = f" {rule} ".join(f"[{names[i]} > {t:.3g}]" for i, t in enumerate(th))
    if rule == "majority":
        desc = "majority of " + ", ".join(f"[{names[i]} > {t:.3g}]" for i, t in enumerate(th))
    return RealTask("threshold_rule", X, y, Xt, yt, names, desc, params)


#: Generators of real-valued tasks (accepted by :func:`make_task` as well).
REAL_TASKS = {"gaussian_clusters": gaussian_clusters, "threshold_rule": threshold_rule}


TASKS = {
    "xor": xor_task,
    "parity": parity_task,
    "sparse_parity": sparse_parity_task,
    "majority": majority_task,
    "multiplexer": multiplexer_task,
    "random_dnf": random_dnf_task,
}


def make_task(name: str, *, rng=None, **params) -> BooleanTask:
    """Build a task by name (a key of :data:`TASKS` or :data:`REAL_TASKS`; ``"mux6"`` = 6-mux).

    Real-valued tasks (:data:`REAL_TASKS`) return a :class:`RealTask`.

    Examples
    --------
    >>> make_task("majority", n_inputs=3).description
    'at least 2 of {x0, x1, x2}'
    """
    aliases = {"mux6": "multiplexer", "mux": "multiplexer", "6mux": "multiplexer"}
    if not isinstance(name, str):
        raise TypeError(f"name must be a task name (str); got {name!r}")
    key = aliases.get(name.lower().replace("-", "_"), name.lower().replace("-", "_"))
    if key in REAL_TASKS:
        try:
            return REAL_TASKS[key](rng=rng, **params)
        except TypeError as exc:
            raise TypeError(f"bad parameters for task {key!r}: {exc}") from exc
    if key not in TASKS:
        raise ValueError(
            f"name must be one of {', '.join(map(repr, sorted(TASKS) + sorted(REAL_TASKS)))} "
            f"(or 'mux6'); got {name!r}"
        )
    if key in ("sparse_parity", "random_dnf"):
        params["rng"] = rng
    try:
        return TASKS[key](**params)
    except TypeError as exc:
        raise TypeError(f"bad parameters for task {key!r}: {exc}") from exc

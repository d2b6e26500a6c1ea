"""Boolean benchmark tasks generated at run time (full truth tables on {0, 1} inputs).

Every task is a complete truth table: all ``2**n_inputs`` binary inputs in lexicographic order
(input 0 is the most significant bit) with the target bit of each. Tasks are small by design
(``n_inputs <= 20``) so that training, fidelity and phase diagnostics can use every input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_memory

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


TASKS = {
    "xor": xor_task,
    "parity": parity_task,
    "sparse_parity": sparse_parity_task,
    "majority": majority_task,
    "multiplexer": multiplexer_task,
    "random_dnf": random_dnf_task,
}


def make_task(name: str, *, rng=None, **params) -> BooleanTask:
    """Build a task by name (a key of :data:`TASKS`, ``"mux6"`` is accepted for the 6-mux).

    Examples
    --------
    >>> make_task("majority", n_inputs=3).description
    'at least 2 of {x0, x1, x2}'
    """
    aliases = {"mux6": "multiplexer", "mux": "multiplexer", "6mux": "multiplexer"}
    if not isinstance(name, str):
        raise TypeError(f"name must be a task name (str); got {name!r}")
    key = aliases.get(name.lower().replace("-", "_"), name.lower().replace("-", "_"))
    if key not in TASKS:
        raise ValueError(
            f"name must be one of {', '.join(map(repr, sorted(TASKS)))} (or 'mux6'); got {name!r}"
        )
    if key in ("sparse_parity", "random_dnf"):
        params["rng"] = rng
    try:
        return TASKS[key](**params)
    except TypeError as exc:
        raise TypeError(f"bad parameters for task {key!r}: {exc}") from exc

"""Exact Boolean formula of one threshold unit on binary inputs.

A unit with weights ``w`` and bias ``b`` fires on the binary input ``x`` when ``w.x + b > 0``
(strictly: a pre-activation of exactly 0 gives 0, as ``sigmoid(0) = 0.5`` is not above one
half). Inputs are 0/1 (``encoding="01"``) or -1/+1 (``encoding="pm1"``, the binarised output
of a tanh layer; internally ``x = 2u - 1`` turns it into the 0/1 case).

Method: every input with a negative weight is replaced by its negation (``w_i x_i =
w_i + |w_i| (1 - x_i)``), which makes the unit a *positive* threshold function of literals. Its
prime implicants are exactly its minimal true sets, enumerated depth-first over the literals
sorted by decreasing weight with pruning (see :mod:`esorma.bridge._kernels`); the cost grows
with the number of terms, not with ``2**n``. Inputs that appear in no minimal true set are
irrelevant and are dropped exactly (including inputs with a non-zero but too small weight).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_not_masked,
    check_real,
    check_thresholds,
)
from esorma.bridge._common import as_tuples

__all__ = [
    "ENCODINGS",
    "MAX_FLAT_INPUTS",
    "UnitFormula",
    "unit_to_formula",
    "minimal_true_sets",
    "estimate_n_terms",
    "threshold_margin",
    "rounding_tolerance",
    "positive_form",
    "format_dnf",
]

ENCODINGS = ("01", "pm1")
MAX_FLAT_INPUTS = 62  # terms are stored as int64 bit masks
_MITM_MAX = 40  # exact margins by meet-in-the-middle up to this many inputs


def _check_unit(w, b, name_w="w", name_b="b"):
    """Validate one unit: ``w`` a non-empty finite real 1-D array, ``b`` a finite real scalar."""
    arr = np.asarray(w)
    if arr.dtype == object or arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name_w} must be a real numeric 1-D array; got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name_w} must be a non-empty 1-D array (one weight per input); "
                         f"got shape {arr.shape}")
    arr = check_thresholds(arr, arr.size, name_w)  # float64, finite (shared helper)
    if isinstance(b, (bool, np.bool_)) or np.ndim(b) != 0:
        raise TypeError(f"{name_b} must be a real scalar (the unit's bias); got {b!r}")
    if isinstance(b, np.ndarray):
        b = b.item()
    try:
        bf = check_real(b, name_b)
    except TypeError as exc:
        raise TypeError(f"{name_b} must be a real scalar (the unit's bias); got {b!r}") from exc
    return arr, bf


def rounding_tolerance(w, b, *, factor: float = 8.0):
    """Floating-point noise level of ``w.x + b``: ``factor * eps * (sum|w| + |b|) * (n + 1)``.

    A pre-activation (or a margin ``min_x |w.x + b|``) at or below this level cannot be told
    apart from an exact tie ``w.x + b = 0``: rounding the weights or summing in another order
    may flip its sign. Results are therefore *certified* only when the margin is strictly
    above it, and a margin at or below it is reported as a tie. ``w`` may be a matrix (one
    unit per row, ``b`` a vector): one tolerance per unit. The same bound is the floating-point
    safety term of :func:`esorma.bridge.bdd.quantise_unit`.

    Examples
    --------
    >>> tol = rounding_tolerance([0.1, 0.2], -0.3)
    >>> bool(0.1 + 0.2 - 0.3 <= tol), bool(1e-9 > tol)
    (True, True)
    """
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = w.shape[-1] if w.ndim else 1
    eps = np.finfo(np.float64).eps
    tol = factor * eps * (np.abs(w).sum(axis=-1) + np.abs(b)) * (n + 1)
    return float(tol) if np.ndim(tol) == 0 else tol


def _check_names(names, n):
    if names is None:
        return tuple(f"x{i}" for i in range(n))
    if isinstance(names, str) or not hasattr(names, "__len__"):
        raise TypeError(f"names must be a sequence of {n} strings; got {names!r}")
    names = tuple(str(s) for s in names)
    if len(names) != n:
        raise ValueError(f"names must have one name per input ({n}); got {len(names)}")
    if len(set(names)) != n:
        raise ValueError("names must be distinct")
    return names


def to_01(w, b, encoding):
    """Weights and bias of the same unit on 0/1 inputs (``pm1``: ``x = 2u - 1``)."""
    if encoding == "pm1":
        return 2.0 * w, b - float(w.sum())
    return w, b


def positive_form(w, b, encoding: str = "01"):
    """``(weights, T, negated)``: the unit as ``[sum_i |w_i| l_i > T]`` over literals ``l_i``.

    ``l_i = x_i`` where ``w_i >= 0`` and ``not x_i`` where ``negated[i]``; inputs must be 0/1
    (after the ``pm1`` change of variables).

    Examples
    --------
    >>> positive_form([1.0, -2.0], 0.5)
    (array([1., 2.]), np.float64(1.5), array([False,  True]))
    """
    w, b = _check_unit(w, b)
    check_choice(encoding, "encoding", ENCODINGS)
    w, b = to_01(w, b, encoding)
    neg = w < 0
    bias = b + w[neg].sum()
    return np.abs(w), np.float64(-bias), neg


def _sorted_problem(wpos):
    nz = np.flatnonzero(wpos > 0)
    order = nz[np.argsort(-wpos[nz], kind="stable")]
    ws = np.ascontiguousarray(wpos[order])
    suffix = np.concatenate([np.cumsum(ws[::-1])[::-1], [0.0]])
    return order, ws, suffix


def estimate_n_terms(w, b, *, encoding: str = "01", n_probes: int = 2000, rng=None) -> float:
    """Knuth's unbiased estimate of the number of prime implicants of a threshold unit.

    Cheap (``n_probes`` random paths of the search tree) even when the exact number is
    astronomically large; used to refuse flat formulas that would not fit.

    Examples
    --------
    >>> 100 < estimate_n_terms([1.0] * 10, -4.5, rng=0) < 400  # exact: C(10, 5) = 252
    True
    """
    from esorma.bridge._kernels import mts_knuth_estimate

    wpos, T, _ = positive_form(w, b, encoding)
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    order, ws, suffix = _sorted_problem(wpos)
    if T < 0:
        return 1.0
    if ws.size == 0 or suffix[0] <= T:
        return 0.0
    u = as_rng(rng).random((n_probes, ws.size))
    return float(mts_knuth_estimate(ws, suffix, float(T), u))


def minimal_true_sets(w, b, *, max_terms: int = 1_000_000) -> list:
    """Minimal true sets of a positive threshold function ``[w.x + b > 0]`` (``w >= 0``).

    Returns a sorted list of sorted index tuples; ``[()]`` for a constant-true unit, ``[]`` for a
    constant-false one. These are the unit's prime implicants. Cost: proportional to the
    number of sets times ``n``; refused (ValueError with an estimate) above ``max_terms``.

    Examples
    --------
    >>> minimal_true_sets([2.0, 2.0, 2.0], -3.0)
    [(0, 1), (0, 2), (1, 2)]
    """
    wv, bv = _check_unit(w, b)
    if np.any(wv < 0):
        raise ValueError("w must be non-negative for minimal_true_sets (use unit_to_formula "
                         "for units with negative weights)")
    masks = _mts_masks(wv, -bv, max_terms)
    return sorted(tuple(i for i in range(wv.size) if (int(m) >> i) & 1) for m in masks)


def _mts_masks(wpos, T, max_terms):
    from esorma.bridge._kernels import mts_count, mts_fill

    order, ws, suffix = _sorted_problem(wpos)
    if T < 0:
        return np.zeros(1, dtype=np.int64)
    if ws.size == 0 or suffix[0] <= T:
        return np.zeros(0, dtype=np.int64)
    if order.size > MAX_FLAT_INPUTS:
        est = estimate_n_terms(wpos, -T, rng=0)
        raise ValueError(
            f"the unit has {order.size} inputs with non-zero weight, more than the "
            f"{MAX_FLAT_INPUTS} of the flat formula (Knuth estimate of its terms: about "
            f"{est:.3g}); use unit_to_bdd (esorma.bridge.bdd)"
        )
    max_terms = check_int(max_terms, "max_terms", minimum=1)
    count = int(mts_count(ws, suffix, float(T), max_terms + 1))
    if count > max_terms:
        est = estimate_n_terms(wpos, -T, rng=0)  # same positive threshold function
        raise ValueError(
            f"the flat formula of this unit has more than max_terms={max_terms} terms "
            f"(Knuth estimate about {est:.3g}); use unit_to_bdd (esorma.bridge.bdd) or raise "
            "max_terms"
        )
    bits = np.left_shift(np.int64(1), order.astype(np.int64))
    out = np.empty(count, dtype=np.int64)
    mts_fill(ws, suffix, float(T), bits, out)
    return out


def threshold_margin(w, b, *, encoding: str = "01"):
    """Smallest ``|w.x + b|`` over all binary inputs, exact up to 40 non-zero weights.

    Uses meet-in-the-middle (two halves of at most ``2**20`` partial sums, sorted and
    searched). Returns ``(margin, argmin_input)``; ``(nan, None)`` beyond 40 inputs.

    Examples
    --------
    >>> threshold_margin([2.0, 2.0, 2.0], -3.0)[0]
    1.0
    """
    from esorma.bridge.tasks import all_inputs

    w, b = _check_unit(w, b)
    check_choice(encoding, "encoding", ENCODINGS)
    w_full, b01 = to_01(w, b, encoding)
    nz = np.flatnonzero(w_full)  # inputs with zero weight do not change w.x + b
    w01 = w_full[nz]
    n = w01.size
    if n > _MITM_MAX:
        return float("nan"), None
    h = n // 2
    A = all_inputs(h).astype(np.float64) if h else np.zeros((1, 0))
    B = all_inputs(n - h).astype(np.float64)
    sa = A @ w01[:h] + b01
    sb = B @ w01[h:]
    ob = np.argsort(sb, kind="stable")
    sbs = sb[ob]
    pos = np.searchsorted(sbs, -sa)
    best, arg = np.inf, None
    for cand in (pos - 1, pos):
        ok = (cand >= 0) & (cand < sbs.size)
        c = np.clip(cand, 0, sbs.size - 1)
        val = np.where(ok, np.abs(sa + sbs[c]), np.inf)
        i = int(np.argmin(val))
        if val[i] < best:
            best, arg = float(val[i]), (i, int(ob[c[i]]))
    x = np.zeros(w_full.size, dtype=np.uint8)
    x[nz] = np.concatenate([A[arg[0]], B[arg[1]]]).astype(np.uint8)
    if encoding == "pm1":
        x = (2 * x.astype(np.int8) - 1).astype(np.int8)
    return best, x


def format_dnf(terms, names, *, max_shown: int | None = 64) -> str:
    """Text of a DNF: ``terms`` is a sequence of sequences of ``(index, negated)``."""
    if len(terms) == 0:
        return "False"
    if len(terms[0]) == 0 or any(len(t) == 0 for t in terms[:max_shown]):
        return "True"

    def lit(i, g):
        return ("not " if g else "") + names[i]

    shown = terms if max_shown is None else terms[:max_shown]
    parts = []
    for t in shown:
        body = " and ".join(lit(i, g) for i, g in t)
        parts.append(body if len(t) == 1 or len(terms) == 1 else f"({body})")
    text = " or ".join(parts)
    if len(shown) < len(terms):
        text += f" or ... ({len(terms) - len(shown)} more terms)"
    return text


@summarized
@dataclass(frozen=True)
class UnitFormula:
    """The exact Boolean function of one threshold unit.

    Attributes
    ----------
    text : str
        Human-readable formula: a literal, ``"A and B"``, ``"A or not B"``, ``"at least k of
        {...}"`` for k-of-n functions, otherwise a DNF of the prime implicants.
    masks : ndarray of int64
        The prime implicants as bit masks over the inputs (bit ``i`` = input ``i``), sorted by
        size; see :attr:`terms` for the literal form.
    negated : ndarray of bool
        ``negated[i]``: input ``i`` enters the terms as ``not x_i`` (its weight is negative).
    relevant : tuple of int
        Inputs the function depends on (the others were dropped exactly).
    k_of_n : tuple or None
        ``(k, literals)`` when the unit is "at least k of" its relevant literals.
    constant : bool or None
        ``True``/``False`` for a constant unit, None otherwise.
    margin : float
        Smallest ``|w.x + b|`` over binary inputs (NaN when not computed, beyond 40 inputs).
    certified : bool
        The margin is above the rounding tolerance, so the formula does not depend on the
        rounding of the weights or of the sums (False for a tie and when the margin was not
        computed).
    tie : bool
        The margin is at or below the rounding tolerance: some input sits on the decision
        boundary (exactly, or within floating-point noise), so the formula depends on the tie
        rule and on rounding. Example: ``0.1 A + 0.2 B - 0.3`` (margin ``2.8e-17`` in floating
        point, an exact tie for the decimal weights).
    tolerance : float
        The rounding tolerance, :func:`rounding_tolerance` of the unit on 0/1 inputs.
    reason : str
        Why the formula is or is not certified, in words.
    names : tuple of str
    weights, bias, encoding
        The unit as given.
    """

    text: str
    masks: np.ndarray
    negated: np.ndarray
    relevant: tuple
    k_of_n: tuple | None
    constant: bool | None
    margin: float
    certified: bool
    names: tuple
    weights: np.ndarray
    bias: float
    encoding: str
    tie: bool = False
    tolerance: float = 0.0
    reason: str = ""

    def __post_init__(self):
        for name in ("relevant", "k_of_n", "names"):
            object.__setattr__(self, name, as_tuples(getattr(self, name)))

    def __str__(self) -> str:
        return self.text

    @property
    def n_terms(self) -> int:
        return int(self.masks.size)

    @functools.cached_property
    def terms(self) -> tuple:
        """Prime implicants as tuples of ``(input index, negated)`` (built on first use)."""
        return tuple(_MaskTerms(self.masks, self.negated))

    def evaluate(self, X) -> np.ndarray:
        """The formula on binary inputs ``X`` (0/1, or -1/+1 for ``encoding="pm1"``)."""
        U = check_binary_inputs(X, len(self.names), self.encoding)
        return evaluate_masks(self.masks, self.negated, U)

    def to_sympy(self):
        """The formula as a SymPy Boolean expression (symbols named after the inputs)."""
        import sympy

        syms = [sympy.Symbol(nm) for nm in self.names]
        return dnf_to_sympy(self.terms, syms)


def _popcount(masks):
    m = masks.astype(np.uint64)
    c = np.zeros(m.shape, dtype=np.int64)
    for _ in range(MAX_FLAT_INPUTS + 1):
        if not np.any(m):
            break
        c += (m & np.uint64(1)).astype(np.int64)
        m = m >> np.uint64(1)
    return c


class _MaskTerms:
    """A lazy sequence view of bit-mask terms as tuples of ``(index, negated)``."""

    def __init__(self, masks, negated):
        self.masks = masks
        self.negated = negated

    def __len__(self):
        return int(self.masks.size)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(len(self)))]
        m = int(self.masks[j])
        return tuple((i, bool(self.negated[i])) for i in range(m.bit_length()) if (m >> i) & 1)

    def __iter__(self):
        for j in range(len(self)):
            yield self[j]


def dnf_to_sympy(terms, syms):
    import sympy

    if not terms:
        return sympy.false
    return sympy.Or(*[sympy.And(*[~syms[i] if g else syms[i] for i, g in t]) for t in terms])


def check_binary_inputs(X, n, encoding="01", name="X") -> np.ndarray:
    """Validate binary inputs and return them as 0/1 uint8 of shape (B, n)."""
    check_not_masked(X, name)
    arr = np.asarray(X)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be a numeric array of binary inputs; got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n:
        raise ValueError(f"{name} must have shape (B, {n}); got {np.shape(X)}")
    lo = 0 if encoding == "01" else -1
    if arr.size and not np.all((arr == lo) | (arr == 1)):
        bad = arr[(arr != lo) & (arr != 1)].ravel()[:3].tolist()
        allowed = "0 and 1" if encoding == "01" else "-1 and +1"
        raise ValueError(f"{name} must contain only {allowed} (binary inputs); found {bad}")
    return ((arr > 0) if encoding == "pm1" else (arr == 1)).astype(np.uint8)


def evaluate_masks(masks, negated, U) -> np.ndarray:
    """Evaluate bit-mask terms (with per-input negation flags) on 0/1 inputs ``U``."""
    L = np.where(negated[None, :], 1 - U, U).astype(np.int64)
    n = U.shape[1]
    # pack each row of literals into an int64 mask and test term inclusion
    packed = (L << np.arange(n, dtype=np.int64)[None, :]).sum(axis=1)
    out = np.zeros(U.shape[0], dtype=bool)
    mc = max(1, min(masks.size, 4096))
    bc = max(1, (1 << 22) // mc)
    for i0 in range(0, U.shape[0], bc):
        p = packed[i0 : i0 + bc, None]
        for j0 in range(0, masks.size, mc):
            m = masks[None, j0 : j0 + mc]
            out[i0 : i0 + bc] |= np.any((p & m) == m, axis=1)
    return out.astype(np.uint8)


def evaluate_dnf(terms, U) -> np.ndarray:
    """Evaluate a DNF on 0/1 inputs ``U`` (B, n); returns uint8 (B,)."""
    out = np.zeros(U.shape[0], dtype=bool)
    for t in terms:
        if not t:
            return np.ones(U.shape[0], dtype=np.uint8)
        ok = np.ones(U.shape[0], dtype=bool)
        for i, g in t:
            ok &= (U[:, i] == 0) if g else (U[:, i] == 1)
        out |= ok
    return out.astype(np.uint8)


def unit_to_formula(
    w,
    b,
    names=None,
    *,
    encoding: str = "01",
    max_terms: int = 200_000,
    compute_margin: bool = True,
) -> UnitFormula:
    """The exact Boolean function of the threshold unit ``[w.x + b > 0]`` on binary inputs.

    Parameters
    ----------
    w : array_like, shape (n,)
        Weights (any sign); negative weights give negated literals.
    b : float
        Bias.
    names : sequence of str, optional
        Input names (default ``x0, x1, ...``).
    encoding : {"01", "pm1"}
        Binary inputs are 0/1, or -1/+1 (the binarised output of a tanh layer).
    max_terms : int
        Refuse (ValueError with Knuth's estimate of the number of terms) beyond this many
        prime implicants; large units go to :func:`esorma.bridge.bdd.unit_to_bdd`.
    compute_margin : bool
        Compute the exact smallest ``|w.x + b|`` (meet-in-the-middle, up to 40 inputs).

    Returns
    -------
    UnitFormula

    Notes
    -----
    The unit is a k-of-n function exactly when all its minimal true sets have the same size
    ``k`` and there are ``C(m, k)`` of them over its ``m`` relevant literals. Cost of the
    enumeration: O(n) per prime implicant (a random dense 20-input unit takes milliseconds).

    Examples
    --------
    >>> str(unit_to_formula([2, 2, 2], -3, ["A", "B", "C"]))
    'at least 2 of {A, B, C}'
    >>> str(unit_to_formula([5.0, 0.5, -0.3], -1.0, ["A", "B", "C"]))
    'A'
    >>> str(unit_to_formula([-1.0, -1.0], 1.5, ["A", "B"]))
    'not A or not B'
    """
    wv, bv = _check_unit(w, b)
    check_choice(encoding, "encoding", ENCODINGS)
    names = _check_names(names, wv.size)
    wpos, T, neg = positive_form(wv, bv, encoding)
    masks = _mts_masks(wpos, float(T), max_terms)
    n = wv.size
    pop = _popcount(masks)
    order = np.lexsort((masks, pop))
    masks, pop = masks[order], pop[order]
    union = int(np.bitwise_or.reduce(masks)) if masks.size else 0
    relevant = tuple(i for i in range(n) if (union >> i) & 1)
    constant = None
    if masks.size == 0:
        constant = False
    elif masks.size == 1 and masks[0] == 0:
        constant = True
    k_of_n = None
    if constant is None and pop.min() == pop.max():
        k = int(pop[0])
        if masks.size == math.comb(len(relevant), k):
            k_of_n = (k, tuple((i, bool(neg[i])) for i in relevant))
    terms = _MaskTerms(masks, neg)
    if k_of_n is not None and 1 < k_of_n[0] < len(relevant):
        lits = ", ".join(("not " if g else "") + names[i] for i, g in k_of_n[1])
        text = f"at least {k_of_n[0]} of {{{lits}}}"
    else:
        text = format_dnf(terms, names)
    w01, b01 = to_01(wv, bv, encoding)
    tol = rounding_tolerance(w01, b01)
    if compute_margin:
        margin, _ = threshold_margin(wv, bv, encoding=encoding)
    else:
        margin = float("nan")
    tie = bool(np.isfinite(margin) and margin <= tol)
    certified = bool(np.isfinite(margin) and margin > tol)
    if certified:
        reason = f"certified: margin {margin:.3g} > rounding tolerance {tol:.3g}"
    elif tie:
        reason = (f"tie: margin {margin:.3g} <= rounding tolerance {tol:.3g}; some input is on "
                  "the decision boundary, so the formula depends on the tie rule and rounding")
    elif compute_margin:
        reason = f"not certified: the exact margin is computed up to {_MITM_MAX} inputs only"
    else:
        reason = "not certified: margin not computed (compute_margin=False)"
    return UnitFormula(
        text=text, masks=masks, negated=neg, relevant=relevant, k_of_n=k_of_n, constant=constant,
        margin=float(margin), certified=certified,
        names=names, weights=wv, bias=bv, encoding=encoding,
        tie=tie, tolerance=float(tol), reason=reason,
    )

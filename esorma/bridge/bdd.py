"""Binary decision diagrams of threshold units (large fan-in), with certified quantisation.

A threshold unit ``[w.x + b > 0]`` is built into a BDD (the ``dd`` package) by the classical
interval-memoised recursion: along a variable order (decreasing ``|w|``) the sub-function left
after fixing the first ``i`` literals depends only on which interval between achievable partial
sums the residual threshold falls into, so each (level, interval) is built once. With integer
weights the number of nodes per level is at most ``sum |q| + 1`` (pseudo-polynomial).

Quantisation. Real weights are rounded to ``s * q`` (``q`` integers, the bias is *not*
rounded) only when that is provably exact: with rounding error ``E = sum_i |w_i - s q_i|`` and
the exact margin of the rounded unit ``m_q = min_x |s q.x + b|`` over all binary ``x``
(computed by a subset-sum dynamic programme over the achievable integer sums ``q.x``), the two
units agree on every input when ``E < m_q``. The real unit's margin then lies in
``[m_q - E, m_q + E]``. When no tried resolution is certified, the BDD is built from the float
weights directly and the report says so.

Size. Float weights that are not certified-quantisable can need up to ~``2**(n/2)`` nodes.
Before building, :func:`threshold_bdd_size_bound` bounds the size from the distinct partial
sums of the weights (vectorised, a fraction of a second) and units above ``max_nodes``
(default :data:`DEFAULT_MAX_NODES`) are refused with that estimate; the construction stops at
``max_nodes`` as well, releasing every ``dd`` node it built.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_int

__all__ = [
    "QuantisationReport",
    "UnitBDD",
    "BDDTable",
    "bdd_to_table",
    "quantise_unit",
    "unit_to_bdd",
    "threshold_bdd",
    "threshold_bdd_size_bound",
    "DEFAULT_MAX_NODES",
    "new_bdd",
    "isop_cover",
    "model_count",
]

_DP_MAX = 1 << 24  # largest subset-sum table (sum |q| + 1 entries)
DEFAULT_MAX_NODES = 100_000  # ~1-3 s of pure-Python construction at most


def new_bdd(var_names):
    """A fresh ``dd.autoref.BDD`` manager with ``var_names`` declared in this order."""
    from dd import autoref

    bdd = autoref.BDD()
    bdd.declare(*var_names)
    return bdd


@summarized
@dataclass(frozen=True)
class QuantisationReport:
    """Outcome of the search for an exact integer quantisation of a unit.

    Attributes
    ----------
    exact : bool
        A certified quantisation was found (``rounding_error < quantised_margin``).
    scale : float
        ``s`` in ``w ~ s q`` (NaN when not exact).
    q : ndarray of int64 or None
        The integer weights.
    rounding_error : float
        ``E = sum |w - s q|`` (plus a floating-point safety term).
    quantised_margin : float
        ``m_q = min_x |s q.x + b|`` over all binary inputs.
    margin_bounds : tuple
        ``(m_q - E, m_q + E)``: bounds on the real unit's margin (NaN when not exact).
    tried : int
        Number of resolutions tried.
    message : str
        What happened, in words.
    """

    exact: bool
    scale: float
    q: np.ndarray | None
    rounding_error: float
    quantised_margin: float
    margin_bounds: tuple
    tried: int
    message: str

    def __post_init__(self):
        object.__setattr__(self, "margin_bounds", tuple(self.margin_bounds))


def _subset_sum_margin(q, b_over_s):
    """``min_x |q.x + b/s|`` over binary x, by a boolean DP over achievable sums."""
    neg = int(-q[q < 0].sum())
    size = int(np.abs(q).sum()) + 1
    reach = np.zeros(size, dtype=bool)
    reach[neg] = True  # index = sum + neg
    for qi in q.tolist():
        if qi > 0:
            reach[qi:] |= reach[:-qi].copy()
        elif qi < 0:
            reach[:qi] |= reach[-qi:].copy()
    sums = np.flatnonzero(reach) - neg
    return float(np.min(np.abs(sums + b_over_s)))


def quantise_unit(w, b, *, max_bits: int = 16) -> QuantisationReport:
    """Look for integer weights ``q`` and a scale ``s`` that provably give the same unit.

    Resolutions are tried from coarse to fine: ``s = min|w| / d`` (d = 1..16, catches weights
    that are multiples of a common step) and ``s = max|w| / 2**k`` (k = 1..max_bits).

    Examples
    --------
    >>> r = quantise_unit([0.5, 1.0, -1.5], 0.25)
    >>> r.exact, r.q.tolist()
    (True, [1, 2, -3])
    """
    from esorma.bridge.formula import _check_unit, rounding_tolerance

    w, b = _check_unit(w, b)
    max_bits = check_int(max_bits, "max_bits", minimum=1, maximum=30)
    aw = np.abs(w)
    nz = aw[aw > 0]
    if nz.size == 0:
        return QuantisationReport(
            True, 1.0, np.zeros(w.size, dtype=np.int64), 0.0, abs(b), (abs(b), abs(b)), 0,
            "all weights are zero: the unit is the constant [b > 0]",
        )
    cands = [nz.min() / d for d in range(1, 17)] + [nz.max() / 2.0**k for k in range(max_bits + 1)]
    cands = sorted(set(float(c) for c in cands if c > 0), reverse=True)
    slack = rounding_tolerance(w, b)  # floating-point safety term (shared with the margins)
    best = None
    tried = 0
    for s in cands:
        q = np.rint(w / s).astype(np.int64)
        if int(np.abs(q).sum()) + 1 > _DP_MAX:
            continue
        tried += 1
        E = float(np.abs(w - s * q).sum()) + slack
        mq = s * _subset_sum_margin(q, b / s)
        if best is None or mq - E > best[3] - best[2]:
            best = (s, q, E, mq)
        if E < mq:
            return QuantisationReport(
                True, s, q, E, mq, (mq - E, mq + E), tried,
                f"certified: integer weights (max |q| = {int(np.abs(q).max())}) with scale "
                f"{s:.6g}; rounding error {E:.3g} < quantised margin {mq:.3g}",
            )
    if best is None:
        msg = "no resolution fits the subset-sum table; weights were not quantised"
        return QuantisationReport(False, float("nan"), None, float("nan"), float("nan"),
                                  (float("nan"), float("nan")), tried, msg)
    s, q, E, mq = best
    return QuantisationReport(
        False, float("nan"), None, E, mq, (float("nan"), float("nan")), tried,
        f"not certified after {tried} resolutions: at best the rounding error {E:.3g} is not "
        f"below the quantised margin {mq:.3g} (a near-tie or a fine-grained unit); the BDD is "
        "built from the floating-point weights",
    )


def _positive_problem(w, b):
    """``(order, ws, T)``: the unit as ``[sum ws_k l_k > T]`` over literals, ``ws`` decreasing."""
    w = np.asarray(w, dtype=np.float64)
    T = -(float(b) + float(w[w < 0].sum()))
    aw = np.abs(w)
    keep = np.flatnonzero(aw > 0)
    order = keep[np.argsort(-aw[keep], kind="stable")]
    return order, aw[order], T


def _merge_close(x, tol):
    """Sorted values of ``x`` with runs closer than ``tol`` merged (float-noise duplicates)."""
    x = np.sort(x)
    if x.size < 2:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    keep[1:] = np.diff(x) > tol
    return x[keep]


def threshold_bdd_size_bound(w, b, *, cap: int = DEFAULT_MAX_NODES) -> int:
    """Upper bound on the nodes :func:`threshold_bdd` constructs for ``[w.x + b > 0]``.

    At level ``i`` of the recursion (literals sorted by decreasing weight) a node is built for
    each distinct sub-function left after fixing the first ``i`` literals, which is at most
    the number of distinct reachable partial sums of those literals that leave the result
    open, and at most the number of distinct achievable sums of the remaining literals that
    do not exceed the threshold (plus one). Both sets are computed exactly (merging values
    within the rounding tolerance) from the two ends, stopping once a set exceeds ``cap``;
    the bound is the sum over levels of the smaller count. Cheap: ``O(n cap log cap)``
    vectorised operations at worst, against ~``cap`` Python-level BDD operations for the
    construction itself.

    Beyond ``cap`` a set's size is extrapolated by doubling per level (each literal at most
    doubles it), so the result stays an upper bound; on random units it exceeds the nodes
    actually built by a factor of about 1.5.

    Examples
    --------
    >>> threshold_bdd_size_bound([1.0] * 10, -4.5)  # at least 5 of 10: 5 * 6 = 30 nodes
    30
    """
    from esorma.bridge.formula import rounding_tolerance

    w = np.asarray(w, dtype=np.float64)
    _, ws, T = _positive_problem(w, b)
    n = ws.size
    tol = rounding_tolerance(w, b)
    suffix = np.concatenate([np.cumsum(ws[::-1])[::-1], [0.0]])
    if T < 0 or suffix[0] <= T:
        return 0
    # prefix sums that leave the result open at level i: T - suffix[i] < s <= T
    # (once a set exceeds ``cap`` its size is extrapolated by doubling, still an upper bound)
    pre = np.empty(n)
    D = np.zeros(1)
    for i in range(n):
        if D is not None:
            D = D[(D <= T) & (D + suffix[i] > T)]
            pre[i] = D.size
            D = _merge_close(np.concatenate([D, D + ws[i]]), tol) if D.size <= cap else None
        else:
            pre[i] = 2.0 * pre[i - 1]
    # achievable sums of the remaining literals, up to the threshold (one class above it)
    post = np.empty(n)
    E = np.zeros(1)
    for i in range(n - 1, -1, -1):
        if E is not None:
            E = _merge_close(np.concatenate([E, E + ws[i]]), tol)
            E = E[E <= T]
            post[i] = E.size + 1
            if E.size > cap:
                E = None
        else:
            post[i] = 2.0 * post[i + 1]
    return int(min(float(np.minimum(pre, post).sum()), 2.0**62))


def threshold_bdd(bdd, conds, w, b, *, max_nodes: int = DEFAULT_MAX_NODES):
    """BDD of ``[sum_i w_i c_i + b > 0]`` where each ``c_i`` is a BDD (0/1-valued function).

    ``conds`` may be variables (a single unit) or functions of other variables (composition
    of layers). Negative weights use ``not c_i``. Returns the ``dd`` function.

    The size is bounded up front (:func:`threshold_bdd_size_bound`): a unit that would need
    more than ``max_nodes`` recursion nodes is refused at once with the bound in the message
    (fine-grained float weights on many inputs need up to ~``2**(n/2)`` nodes), and the
    construction also stops at ``max_nodes``. Either way no ``dd`` node built so far outlives
    the call.
    """
    max_nodes = check_int(max_nodes, "max_nodes", minimum=1)
    w = np.asarray(w, dtype=np.float64)
    bound = threshold_bdd_size_bound(w, b, cap=max_nodes)
    if bound > max_nodes:
        raise ValueError(
            f"the threshold BDD of this {w.size}-input unit would need up to about "
            f"{bound:.3g} nodes (upper bound from the distinct partial sums of its weights), "
            f"more than max_nodes={max_nodes}; its weights are too fine-grained for an exact "
            "diagram (quantisation was not certified): raise max_nodes or use fewer inputs"
        )
    order, ws_arr, T = _positive_problem(w, b)
    ws = ws_arr.tolist()
    cs = [(~conds[i] if w[i] < 0 else conds[i]) for i in order]
    n = len(ws)
    suffix = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + ws[i]
    memo = [([], [], []) for _ in range(n + 1)]
    inf = float("inf")
    count = [0]

    def build(i, t):
        if t < 0:
            return bdd.true, -inf, 0.0
        if suffix[i] <= t:
            return bdd.false, suffix[i], inf
        los, his, nodes = memo[i]
        k = bisect.bisect_right(los, t) - 1
        if k >= 0 and t < his[k]:
            return nodes[k], los[k], his[k]
        hi_node, a1, b1 = build(i + 1, t - ws[i])
        lo_node, a0, b0 = build(i + 1, t)
        lo = max(a1 + ws[i], a0)
        hi = min(b1 + ws[i], b0)
        node = bdd.ite(cs[i], hi_node, lo_node)
        count[0] += 1
        if count[0] > max_nodes:
            raise ValueError(
                f"the threshold BDD of this {n}-input unit exceeded max_nodes={max_nodes} "
                "constructed nodes; its weights are too fine-grained for an exact diagram "
                "(quantisation was not certified): raise max_nodes or use fewer inputs"
            )
        j = bisect.bisect_left(los, lo)
        los.insert(j, lo)
        his.insert(j, hi)
        nodes.insert(j, node)
        return node, lo, hi

    try:
        return build(0, T)[0]
    finally:
        # release every dd node held by the memo and the closure, also when the construction
        # gives up: the recursive closure is a reference cycle, and dd's manager asserts at
        # its deletion that no node is still referenced
        memo.clear()
        cs.clear()
        build = None  # noqa: F841


@summarized
@dataclass(frozen=True)
class UnitBDD:
    """A threshold unit as a binary decision diagram.

    Attributes
    ----------
    table : BDDTable
        The diagram as plain arrays (built with ``dd``; ``table.to_dd`` rebuilds it in a
        manager of your choice).
    names : tuple of str
        Display names of the inputs.
    quantisation : QuantisationReport
    exact : bool
        The BDD provably equals the real-weight unit on every binary input (certified
        quantisation). When False the BDD was built from the float weights, which is exact up
        to floating-point rounding of partial sums (inputs within ~1e-15 of a tie).
    n_nodes : int
        Number of BDD nodes of the function.
    n_true : int
        Exact number of inputs on which the unit fires (model count).
    relevant : tuple of int
        Inputs the function depends on (BDD support).
    encoding : str
    """

    table: BDDTable
    names: tuple
    quantisation: QuantisationReport
    exact: bool
    n_nodes: int
    n_true: int
    relevant: tuple
    encoding: str

    def __post_init__(self):
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "relevant", tuple(self.relevant))

    def evaluate(self, X) -> np.ndarray:
        """The diagram on binary inputs ``X`` (B, n) (0/1 or -1/+1 per ``encoding``)."""
        from esorma.bridge.formula import check_binary_inputs

        U = check_binary_inputs(X, len(self.names), self.encoding)
        return self.table.evaluate(U)


@summarized
@dataclass(frozen=True)
class BDDTable:
    """A reduced ordered BDD as plain arrays, detached from the ``dd`` manager that built it.

    Edges are encoded as ``2 * node + complement``; node 0 is the constant TRUE (so edge 0 is
    TRUE and edge 1 is FALSE). ``var[j]`` is the input index tested at node ``j`` (-1 for the
    terminal); ``low[j]``/``high[j]`` are the edges for input 0/1. Complement edges follow the
    ``dd`` convention (a complemented edge negates the whole sub-diagram).

    Attributes
    ----------
    var, low, high : ndarray of int64
    root : int
        Edge of the function.
    n_inputs : int
    """

    var: np.ndarray
    low: np.ndarray
    high: np.ndarray
    root: int
    n_inputs: int

    @property
    def n_nodes(self) -> int:
        """Number of internal nodes."""
        return int(self.var.size - 1)

    def count_paths(self) -> int:
        """Number of root-to-TRUE paths (exact Python int; linear in the diagram size).

        The paths are disjoint cubes whose union is the function, so this is the size of a
        disjoint sum of products; it estimates the size of an irredundant one (equal for
        k-of-n functions and parity).

        Examples
        --------
        >>> from esorma.bridge.bdd import unit_to_bdd
        >>> unit_to_bdd([1.0] * 5, -2.5).table.count_paths()  # C(5, 3)
        10
        """
        n_true = [1] + [0] * (self.var.size - 1)  # node 0 is TRUE: one path, none to FALSE
        n_false = [0] * self.var.size

        def edge(e):
            t, f = n_true[e >> 1], n_false[e >> 1]
            return (f, t) if e & 1 else (t, f)

        low, high = self.low.tolist(), self.high.tolist()
        for j in range(1, self.var.size):  # children have smaller ids
            t0, f0 = edge(low[j])
            t1, f1 = edge(high[j])
            n_true[j], n_false[j] = t0 + t1, f0 + f1
        return edge(int(self.root))[0]

    def evaluate(self, U) -> np.ndarray:
        """Evaluate on 0/1 rows ``U`` (B, n_inputs), vectorised; returns uint8 (B,)."""
        U = np.asarray(U)
        edge = np.full(U.shape[0], self.root, dtype=np.int64)
        rows = np.arange(U.shape[0])
        for _ in range(self.n_inputs + 1):
            node = edge >> 1
            live = node != 0
            if not np.any(live):
                break
            r = rows[live]
            nd = node[live]
            bit = U[r, self.var[nd]] != 0
            nxt = np.where(bit, self.high[nd], self.low[nd])
            edge[live] = nxt ^ (edge[live] & 1)
        return (1 - (edge & 1)).astype(np.uint8)

    def to_dd(self, bdd, var_names):
        """Rebuild the function in a ``dd`` manager (``var_names[i]`` = input ``i``)."""
        cache = {0: bdd.true}
        order = range(1, self.var.size)
        for j in order:  # children have smaller ids (post-order construction)
            lo = cache[self.low[j] >> 1]
            hi = cache[self.high[j] >> 1]
            lo = ~lo if self.low[j] & 1 else lo
            hi = ~hi if self.high[j] & 1 else hi
            cache[j] = bdd.ite(bdd.var(var_names[self.var[j]]), hi, lo)
        u = cache[self.root >> 1]
        return ~u if self.root & 1 else u


def bdd_to_table(bdd, node, var_names) -> BDDTable:
    """Copy a ``dd`` function into a :class:`BDDTable` (``var_names[i]`` = input ``i``)."""
    idx = {v: i for i, v in enumerate(var_names)}
    ids = {1: 0}  # dd node int of TRUE -> 0
    var, low, high = [-1], [0], [0]

    def edge_of(u):
        k = int(u)
        return 2 * visit(u if k > 0 else ~u) + (1 if k < 0 else 0)

    stack = []

    def visit(r):
        k = int(r)
        if k in ids:
            return ids[k]
        stack.append(r)
        while stack:
            top = stack[-1]
            kt = int(top)
            if kt in ids:
                stack.pop()
                continue
            pending = []
            for c in (top.low, top.high):
                rc = c if int(c) > 0 else ~c
                if int(rc) not in ids:
                    pending.append(rc)
            if pending:
                stack.extend(pending)
                continue
            lo, hi = top.low, top.high
            e_lo = 2 * ids[abs(int(lo))] + (1 if int(lo) < 0 else 0)
            e_hi = 2 * ids[abs(int(hi))] + (1 if int(hi) < 0 else 0)
            ids[kt] = len(var)
            var.append(idx[top.var])
            low.append(e_lo)
            high.append(e_hi)
            stack.pop()
        return ids[k]

    root = edge_of(node)
    return BDDTable(np.asarray(var, dtype=np.int64), np.asarray(low, dtype=np.int64),
                    np.asarray(high, dtype=np.int64), int(root), len(var_names))


def unit_to_bdd(
    w,
    b,
    names=None,
    *,
    encoding: str = "01",
    quantise: bool = True,
    max_bits: int = 16,
    max_nodes: int = DEFAULT_MAX_NODES,
    require_exact: bool = False,
) -> UnitBDD:
    """The threshold unit ``[w.x + b > 0]`` as a BDD, for any fan-in.

    Parameters
    ----------
    w, b, names, encoding
        As in :func:`esorma.bridge.formula.unit_to_formula`.
    quantise : bool
        Try a certified integer quantisation first (smaller diagrams, exact arithmetic).
    max_bits : int
        Finest resolution tried is ``max|w| / 2**max_bits``.
    max_nodes : int
        Largest diagram built; a larger one is refused up front with an upper bound on its
        size (see :func:`threshold_bdd_size_bound`).
    require_exact : bool
        Raise ValueError when the quantisation cannot be certified instead of falling back to
        the float weights.

    Examples
    --------
    >>> u = unit_to_bdd([1.0] * 40, -19.5)
    >>> u.exact, u.n_true == sum(__import__("math").comb(40, k) for k in range(20, 41))
    (True, True)
    """
    from esorma.bridge.formula import ENCODINGS, _check_names, _check_unit, to_01

    wv, bv = _check_unit(w, b)
    check_choice(encoding, "encoding", ENCODINGS)
    names = _check_names(names, wv.size)
    w01, b01 = to_01(wv, bv, encoding)
    var_names = tuple(f"v{i}" for i in range(wv.size))
    order = np.argsort(-np.abs(w01), kind="stable")
    bdd = new_bdd([var_names[i] for i in order])
    if quantise:
        rep = quantise_unit(w01, b01, max_bits=max_bits)
    else:
        rep = QuantisationReport(False, float("nan"), None, float("nan"), float("nan"),
                                 (float("nan"), float("nan")), 0, "quantisation not requested")
    if require_exact and not rep.exact:
        raise ValueError(f"unit_to_bdd: quantisation is not provably exact: {rep.message}")
    conds = [bdd.var(v) for v in var_names]
    if rep.exact:
        node = threshold_bdd(bdd, conds, rep.q.astype(np.float64), b01 / rep.scale,
                             max_nodes=max_nodes)
    else:
        node = threshold_bdd(bdd, conds, w01, b01, max_nodes=max_nodes)
    support = bdd.support(node)
    relevant = tuple(i for i, v in enumerate(var_names) if v in support)
    n_true = int(bdd.count(node, nvars=wv.size))
    table = bdd_to_table(bdd, node, var_names)
    del node, conds
    return UnitBDD(
        table=table, names=names, quantisation=rep, exact=bool(rep.exact),
        n_nodes=table.n_nodes, n_true=n_true, relevant=relevant, encoding=encoding,
    )


def model_count(bdd, node, n_vars: int) -> int:
    """Exact number of satisfying assignments of ``node`` over ``n_vars`` variables."""
    return int(bdd.count(node, nvars=n_vars))


def isop_cover(bdd, lower, upper=None, *, max_cubes: int | None = None):
    """Irredundant sum of products (Minato–Morreale) of a function given by BDDs.

    Returns a list of cubes (dicts ``var -> bool``) whose OR lies between ``lower`` and
    ``upper`` (``upper = lower`` by default, i.e. a cover of the function itself). No cube can
    be dropped and no literal removed from a cube without leaving the interval.

    Pure Python, ~0.1 ms per cube: with ``max_cubes`` it stops with a ValueError as soon as a
    partial cover exceeds that many cubes (every partial cover is part of the final one).
    """
    upper = lower if upper is None else upper
    if max_cubes is not None:
        max_cubes = check_int(max_cubes, "max_cubes", minimum=1)
    memo = {}

    def top(u, v):
        cand = [x.var for x in (u, v) if x != bdd.true and x != bdd.false]
        return min(cand, key=bdd.level_of_var)

    def rec(L, U):
        if L == bdd.false:
            return [], bdd.false
        if U == bdd.true:
            return [{}], bdd.true
        key = (L, U)
        if key in memo:
            return memo[key]
        x = top(L, U)
        L0, L1 = bdd.let({x: False}, L), bdd.let({x: True}, L)
        U0, U1 = bdd.let({x: False}, U), bdd.let({x: True}, U)
        c0, f0 = rec(L0 & ~U1, U0)
        c1, f1 = rec(L1 & ~U0, U1)
        Ls = (L0 & ~f0) | (L1 & ~f1)
        cs, fs = rec(Ls, U0 & U1)
        xv = bdd.var(x)
        f = (~xv & f0) | (xv & f1) | fs
        if max_cubes is not None and len(c0) + len(c1) + len(cs) > max_cubes:
            raise ValueError(f"the irredundant cover has more than max_cubes={max_cubes} cubes")
        cover = [dict(c, **{x: False}) for c in c0] + [dict(c, **{x: True}) for c in c1] + cs
        memo[key] = (cover, f)
        return cover, f

    try:
        return rec(lower, upper)[0]
    finally:
        memo.clear()
        rec = None  # noqa: F841 - break the closure cycle (see threshold_bdd)

"""Network-level formulas of binarised networks and their fidelity to the real network.

The *binarised* network replaces every hidden activation by its saturated value: a sigmoid unit
outputs ``[z > 0]`` in {0, 1}, a tanh unit ``sign(z)`` in {-1, +1} (with ``z = 0`` giving the
low value). Composing the exact threshold BDD of each unit layer by layer gives the exact
Boolean function of the binarised network, which is then minimised into a sum of products
(SymPy's ``SOPform`` on few variables, the Minato–Morreale irredundant cover on the BDD beyond)
and checked to be equivalent to the BDD. The number of cubes is estimated first (the number of
1-paths of the BDD, a disjoint cover of the function) and formulas above ``max_terms`` are
refused with that estimate. :func:`fidelity` needs only the BDD, never the minimised formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, check_not_masked
from esorma.bridge._common import as_tuples

__all__ = [
    "LayerFormulas",
    "NetworkFormula",
    "FidelityReport",
    "MAX_EXHAUSTIVE_INPUTS",
    "MAX_FORMULA_TERMS",
    "network_formula",
    "network_table",
    "binarised_forward",
    "fidelity",
    "unit_names",
    "formula_agreement",
]

MAX_EXHAUSTIVE_INPUTS = 20
MAX_FORMULA_TERMS = 10_000  # ISOP on the BDD costs ~0.1 ms per cube in pure Python
_SYMPY_MAX_VARS = 8


def _as_network(net, activation="sigmoid"):
    from esorma.bridge.model import MLP, mlp_from_weights

    if isinstance(net, MLP):
        return net
    return mlp_from_weights(net, activation)


def _check_binarisable(net):
    if net.activation == "relu":
        raise ValueError(
            "activation must be 'sigmoid' or 'tanh' to binarise hidden units; ReLU units do not "
            "saturate, so a ReLU network has no binary graph or formula"
        )


def unit_names(net, input_names=None) -> list:
    """Names of the units of every layer: inputs, ``h1_0, h1_1, ...`` per hidden layer, ``out``.

    Returns a list with one tuple of names per layer, starting with the inputs.
    """
    from esorma.bridge.formula import _check_names

    sizes = net.sizes
    names = [_check_names(input_names, sizes[0])]
    for li, width in enumerate(sizes[1:-1], start=1):
        names.append(tuple(f"h{li}_{j}" for j in range(width)))
    names.append(("out",) if sizes[-1] == 1 else tuple(f"out{j}" for j in range(sizes[-1])))
    return names


def binarised_forward(net, X) -> list:
    """Pre-activations of every layer of the binarised network on inputs ``X``.

    Returns a list of ``(B, width)`` arrays ``z`` (one per layer); the binary value passed on
    is ``z > 0`` (sigmoid: 0/1) or ``sign`` with ties low (tanh: -1/+1).
    """
    net = _as_network(net)
    _check_binarisable(net)
    check_not_masked(X, "X")
    a = np.asarray(X, dtype=np.float64)
    zs = []
    for li, (W, b) in enumerate(net.layers):
        z = a @ W.T + b
        zs.append(z)
        pos = z > 0
        a = pos.astype(np.float64) if net.activation == "sigmoid" else np.where(pos, 1.0, -1.0)
    return zs


@summarized
@dataclass(frozen=True)
class LayerFormulas:
    """The :class:`~esorma.bridge.formula.UnitFormula` of every unit of one layer.

    Behaves as the tuple ``units`` (index, iterate, ``len``); an entry is None where the
    unit's flat formula has more than ``max_unit_terms`` terms.
    """

    units: tuple

    def __post_init__(self):
        object.__setattr__(self, "units", tuple(self.units))

    def __iter__(self):
        return iter(self.units)

    def __getitem__(self, i):
        return self.units[i]

    def __len__(self) -> int:
        return len(self.units)


@summarized
@dataclass(frozen=True)
class NetworkFormula:
    """The exact Boolean function of a binarised network, minimised.

    Attributes
    ----------
    text : str
        The minimised sum of products over the input names.
    terms : tuple of tuple of (int, bool)
        Its terms as ``(input index, negated)`` literals.
    input_names : tuple of str
    table : BDDTable
        The exact function (BDD over the inputs) of the binarised network.
    unit_formulas : tuple of LayerFormulas
        Per layer, the :class:`UnitFormula` of every unit over the previous layer's names
        (None where the flat formula is too large); ``unit_formulas[layer][unit]``.
    layer_names : tuple of tuple of str
        Names of inputs, hidden units and outputs per layer.
    method : str
        ``"sympy"`` (SOPform) or ``"isop"`` (irredundant cover from the BDD).
    relevant : tuple of int
        Inputs the network function depends on.
    n_true : int
        Exact number of inputs mapped to 1 (model count of the BDD).
    output : int
        The output unit described.
    """

    text: str
    terms: tuple
    input_names: tuple
    table: object
    unit_formulas: tuple
    layer_names: tuple
    method: str
    relevant: tuple
    n_true: int
    output: int = 0
    encodings: tuple = field(default=(), repr=False)

    def __post_init__(self):
        for name in ("terms", "input_names", "layer_names", "relevant", "encodings"):
            object.__setattr__(self, name, as_tuples(getattr(self, name)))
        object.__setattr__(self, "unit_formulas", tuple(
            u if isinstance(u, LayerFormulas) else LayerFormulas(u) for u in self.unit_formulas))

    def __str__(self) -> str:
        return self.text

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    def evaluate(self, X) -> np.ndarray:
        """The formula on 0/1 inputs ``X`` (B, n_inputs); returns uint8 (B,)."""
        from esorma.bridge.formula import check_binary_inputs, evaluate_dnf

        U = check_binary_inputs(X, len(self.input_names))
        return evaluate_dnf(self.terms, U)

    def to_sympy(self):
        """The formula as a SymPy expression."""
        import sympy

        from esorma.bridge.formula import dnf_to_sympy

        syms = [sympy.Symbol(nm) for nm in self.input_names]
        return dnf_to_sympy(self.terms, syms)


def _sympy_terms(expr, sym_index):
    import sympy

    if expr is sympy.true or expr == sympy.true:
        return [()]
    if expr is sympy.false or expr == sympy.false:
        return []
    ors = expr.args if isinstance(expr, sympy.Or) else (expr,)
    terms = []
    for t in ors:
        lits = t.args if isinstance(t, sympy.And) else (t,)
        term = []
        for lit in lits:
            if isinstance(lit, sympy.Not):
                term.append((sym_index[lit.args[0]], True))
            else:
                term.append((sym_index[lit], False))
        terms.append(tuple(sorted(term)))
    return terms


def _k_of_n_text(terms, names):
    """``"at least k of {...}"`` when the DNF is all k-subsets of a set of literals."""
    import math

    if len(terms) < 2:
        return None
    lits = sorted({lit for t in terms for lit in t})
    if len({i for i, _ in lits}) != len(lits):
        return None
    k = len(terms[0])
    if any(len(t) != k for t in terms) or not (1 < k < len(lits)):
        return None
    if len(set(terms)) != math.comb(len(lits), k):
        return None
    body = ", ".join(("not " if g else "") + names[i] for i, g in lits)
    return f"at least {k} of {{{body}}}"


def _network_bdd(net, output, names, *, max_nodes, max_unit_terms=None):
    """Compose the exact threshold BDDs of the binarised network for one output.

    Returns ``(bdd, f, var_names, encodings, unit_formulas)``; ``unit_formulas`` is empty
    unless ``max_unit_terms`` is given. The caller drops ``f`` before the manager.
    """
    from esorma.bridge.bdd import new_bdd, threshold_bdd
    from esorma.bridge.formula import to_01, unit_to_formula

    n = net.n_inputs
    var_names = [f"v{i}" for i in range(n)]
    W1 = net.layers[0][0]
    order = np.argsort(-np.abs(W1).sum(axis=0), kind="stable")
    bdd = new_bdd([var_names[i] for i in order])
    conds = [bdd.var(v) for v in var_names]
    encodings, unit_formulas = [], []
    L = len(net.layers)
    for li, (W, b) in enumerate(net.layers):
        enc = "01" if li == 0 or net.activation == "sigmoid" else "pm1"
        encodings.append(enc)
        rows = range(W.shape[0]) if li < L - 1 else [output]
        new_conds, forms = [], []
        for j in rows:
            w01, b01 = to_01(W[j], float(b[j]), enc)
            try:
                new_conds.append(threshold_bdd(bdd, conds, w01, b01, max_nodes=max_nodes))
            except ValueError as exc:
                unit = names[li + 1][j]
                raise ValueError(f"unit {unit} (layer {li + 1}): {exc}") from None
            if max_unit_terms is not None:
                try:
                    forms.append(unit_to_formula(W[j], float(b[j]), names[li], encoding=enc,
                                                 max_terms=max_unit_terms))
                except ValueError:
                    forms.append(None)
        unit_formulas.append(tuple(forms))
        conds = new_conds
    return bdd, conds[0], var_names, tuple(encodings), tuple(unit_formulas)


def network_formula(
    net,
    input_names=None,
    *,
    output: int = 0,
    minimise: str = "auto",
    activation: str = "sigmoid",
    max_unit_terms: int = 20_000,
    max_terms: int = MAX_FORMULA_TERMS,
    max_nodes: int | None = None,
) -> NetworkFormula:
    """Compose the units of a binarised network into one minimised formula of its inputs.

    Parameters
    ----------
    net : MLP or list of (W, b)
        The network (``activation`` applies when a list is given).
    input_names : sequence of str, optional
    output : int
        Which output unit to describe.
    minimise : {"auto", "sympy", "isop"}
        ``"sympy"``: ``SOPform`` (Quine–McCluskey with a minimal cover) on the relevant inputs
        (at most 16 of them; slow beyond 8); ``"isop"``: the Minato–Morreale irredundant sum of products
        computed on the BDD (any size); ``"auto"``: SymPy up to 8 relevant inputs.
    max_unit_terms : int
        Largest per-unit flat formula reported in ``unit_formulas``.
    max_terms : int
        Refuse (ValueError with the estimate) a network formula estimated to have more terms:
        the estimate is the number of 1-paths of the network's BDD (a disjoint cover of the
        function; equal to the number of prime implicants for k-of-n units, e.g. ``C(25, 13)
        = 5.2e6`` for the majority of 25 inputs), computed in time linear in the BDD size.
        The minimiser itself stops as well once its cover exceeds ``max_terms``. Use
        :func:`fidelity` and :func:`formula_agreement`, which need only the BDD, for such
        networks.
    max_nodes : int, optional
        Largest threshold BDD built per unit (default
        :data:`esorma.bridge.bdd.DEFAULT_MAX_NODES`).

    Returns
    -------
    NetworkFormula

    Examples
    --------
    >>> import numpy as np
    >>> W1 = np.array([[4.0, -4.0], [-4.0, 4.0]]); b1 = np.array([-2.0, -2.0])
    >>> W2 = np.array([[4.0, 4.0]]); b2 = np.array([-2.0])
    >>> str(network_formula([(W1, b1), (W2, b2)], ["A", "B"]))
    '(A and not B) or (not A and B)'
    """
    from esorma.bridge.bdd import DEFAULT_MAX_NODES, bdd_to_table, isop_cover

    net = _as_network(net, activation)
    _check_binarisable(net)
    check_choice(minimise, "minimise", ("auto", "sympy", "isop"))
    output = check_int(output, "output", minimum=0, maximum=net.n_outputs - 1)
    max_terms = check_int(max_terms, "max_terms", minimum=1)
    max_nodes = DEFAULT_MAX_NODES if max_nodes is None else max_nodes
    names = unit_names(net, input_names)
    n = net.n_inputs
    bdd, f, var_names, encodings, unit_formulas = _network_bdd(
        net, output, names, max_nodes=max_nodes, max_unit_terms=max_unit_terms)
    support = sorted(bdd.support(f), key=lambda v: int(v[1:]))
    sup_idx = [int(v[1:]) for v in support]
    n_true = int(bdd.count(f, nvars=n))
    table = bdd_to_table(bdd, f, var_names)
    method = "sympy" if (minimise == "sympy" or (minimise == "auto"
                                                 and len(sup_idx) <= _SYMPY_MAX_VARS)) else "isop"
    if method == "sympy" and len(sup_idx) > 16:
        raise ValueError(f"minimise='sympy' is limited to 16 relevant inputs; the network "
                         f"depends on {len(sup_idx)}: use minimise='isop'")
    est = table.count_paths()
    if est > max_terms:
        raise ValueError(
            f"the network formula would have about {float(est):.3g} terms (estimate: the "
            f"1-paths of its {table.n_nodes}-node BDD), more than max_terms={max_terms}; "
            "raise max_terms, or use fidelity/formula_agreement, which work on the BDD "
            "without a flat formula"
        )
    if method == "sympy":
        import sympy
        from sympy.logic import SOPform

        syms = [sympy.Symbol(f"v{i}") for i in sup_idx]
        k = len(sup_idx)
        minterms = []
        for assign in bdd.pick_iter(f, care_vars=set(support)):
            minterms.append([int(bool(assign[v])) for v in support])
        if k == 0:
            terms = [()] if f == bdd.true else []
        else:
            expr = SOPform(list(syms), minterms) if minterms else sympy.false
            terms = _sympy_terms(expr, {s: i for s, i in zip(syms, sup_idx)})
    else:
        try:
            cover = isop_cover(bdd, f, max_cubes=max_terms)
        except ValueError:
            raise ValueError(
                f"the network formula has more than max_terms={max_terms} terms (BDD path "
                f"estimate {float(est):.3g}); raise max_terms, or use fidelity/"
                "formula_agreement, which work on the BDD without a flat formula") from None
        terms = [tuple(sorted((int(v[1:]), not val) for v, val in c.items())) for c in cover]
    # check: the cover is the function (BDD equivalence, exact for any number of inputs)
    g = bdd.false
    for t in terms:
        cube = bdd.true
        for i, neg in t:
            cube = cube & (~bdd.var(var_names[i]) if neg else bdd.var(var_names[i]))
        g = g | cube
    if g != f:  # pragma: no cover - would be a bug in the minimiser
        raise RuntimeError("the minimised formula differs from the network's BDD")
    terms.sort(key=lambda t: (len(t), t))
    del f, g
    from esorma.bridge.formula import format_dnf

    return NetworkFormula(
        text=_k_of_n_text(terms, names[0]) or format_dnf(terms, names[0], max_shown=None),
        terms=tuple(terms),
        input_names=names[0], table=table, unit_formulas=unit_formulas,
        layer_names=tuple(names), method=method, relevant=tuple(sup_idx), n_true=n_true,
        output=output, encodings=encodings,
    )


def network_table(net, *, output: int = 0, activation: str = "sigmoid",
                  max_nodes: int | None = None):
    """The exact Boolean function of the binarised network as a BDD (no flat formula).

    Returns ``(table, n_true)``: a :class:`~esorma.bridge.bdd.BDDTable` over the inputs and
    the exact number of inputs mapped to 1 (model count). Cheap where the flat formula is
    not: the majority of 25 inputs has ``C(25, 13) = 5.2e6`` terms but a 169-node BDD.

    Examples
    --------
    >>> import numpy as np
    >>> table, n_true = network_table([(np.ones((1, 25)), np.array([-12.5]))])
    >>> n_true == 2**24, table.n_nodes
    (True, 169)
    """
    from esorma.bridge.bdd import DEFAULT_MAX_NODES, bdd_to_table

    net = _as_network(net, activation)
    _check_binarisable(net)
    output = check_int(output, "output", minimum=0, maximum=net.n_outputs - 1)
    max_nodes = DEFAULT_MAX_NODES if max_nodes is None else max_nodes
    names = unit_names(net)
    bdd, f, var_names, _, _ = _network_bdd(net, output, names, max_nodes=max_nodes)
    n_true = int(bdd.count(f, nvars=net.n_inputs))
    table = bdd_to_table(bdd, f, var_names)
    del f
    return table, n_true


@summarized
@dataclass(frozen=True)
class FidelityReport:
    """How faithfully the binarised network (its formula) describes the real network.

    Attributes
    ----------
    agreement : float
        Fraction of checked inputs where the binarised network's exact function (its BDD,
        identical to the extracted formula) equals the real network's output bit.
    n_checked : int
    method : str
        ``"exhaustive"`` (all ``2**n`` inputs), ``"given"`` (the inputs passed) or
        ``"sampled"`` (random inputs, for more than 20 inputs).
    target_agreement : float or None
        Fraction of checked inputs where the formula equals the target.
    min_margin : float
        Smallest ``|z|`` of any unit of the binarised network on the checked inputs.
    output_margin : float
        Smallest ``|z|`` of the real network's output on the checked inputs.
    certified : bool
        Proven for *every* binary input: the real network's output equals the formula (every
        unit's margin is above its rounding tolerance, and the hidden activations are close
        enough to 0/1 that no unit downstream can change sign).
    certificate_slack : float
        Smallest ``margin - error bound`` over the units checked by the certificate
        (positive when certified).
    fraction_true : float
        Exact fraction of all ``2**n`` inputs the formula maps to 1 (BDD model count).
    ties : bool
        Some unit of the binarised network has a pre-activation within its rounding
        tolerance (:func:`esorma.bridge.formula.rounding_tolerance`) of 0, on the checked
        inputs or (certificate) on any input: the formula then depends on the tie rule and on
        floating-point rounding, and is never certified.
    reason : str
        Why the result is or is not certified, in words.
    """

    agreement: float
    n_checked: int
    method: str
    target_agreement: float | None
    min_margin: float
    output_margin: float
    certified: bool
    certificate_slack: float
    fraction_true: float
    ties: bool = False
    reason: str = ""

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _deviation(act, margin):
    """Largest distance of a real activation from its binary value given ``|z| >= margin``."""
    m = max(float(margin), 0.0)
    if act == "sigmoid":
        return 0.5 * (1.0 - np.tanh(0.5 * m))
    return 1.0 - np.tanh(m)


def _layer_encodings(net):
    return ["01" if li == 0 or net.activation == "sigmoid" else "pm1"
            for li in range(len(net.layers))]


def _layer_tolerances(net):
    """Rounding tolerance of every unit (on its 0/1 form), one array per layer."""
    from esorma.bridge.formula import rounding_tolerance

    tols = []
    for (W, b), enc in zip(net.layers, _layer_encodings(net)):
        W01, b01 = (2.0 * W, b - W.sum(axis=1)) if enc == "pm1" else (W, b)
        tols.append(np.atleast_1d(rounding_tolerance(W01, b01)))
    return tols


def _certificate(net, X_all=None, names=None):
    """Propagate activation-error bounds through the layers.

    Returns ``(certified, slack, tie, reason)``. A unit whose margin is at or below its
    rounding tolerance is a tie: never certified.
    """
    from esorma.bridge.formula import threshold_margin

    act = net.activation
    L = len(net.layers)
    names = unit_names(net) if names is None else names
    tols = _layer_tolerances(net)
    if X_all is not None:
        zs = binarised_forward(net, X_all)
        margins = [np.min(np.abs(z), axis=0) for z in zs]
    else:
        margins = []
        for (W, b), enc in zip(net.layers, _layer_encodings(net)):
            m = [threshold_margin(W[j], float(b[j]), encoding=enc)[0] for j in range(W.shape[0])]
            margins.append(np.asarray(m))
            if np.any(~np.isfinite(margins[-1])):
                return (False, float("nan"), False,
                        "not certified: exact margins are computed up to 40 inputs per unit")
    # ties first: a margin within rounding noise makes the formula depend on rounding
    for li in range(L):
        gap = margins[li] - tols[li]
        if np.any(gap <= 0):
            j = int(np.argmin(gap))
            return (False, float(gap[j]), True,
                    f"tie: unit {names[li + 1][j]} has margin {margins[li][j]:.3g} <= rounding "
                    f"tolerance {tols[li][j]:.3g}, so the formula depends on the tie rule and "
                    "rounding")
    slack = float(np.min(margins[0] - tols[0]))
    if L == 1:
        return (True, slack, False,
                f"certified: the unit's margin exceeds its rounding tolerance by {slack:.3g}")
    dev = np.array([_deviation(act, m) for m in margins[0]])
    for li in range(1, L):
        W, _ = net.layers[li]
        err = np.abs(W) @ dev
        s = margins[li] - err - tols[li]
        slack = min(slack, float(np.min(s)))
        if np.any(s <= 0):
            j = int(np.argmin(s))
            return (False, slack, False,
                    f"not certified: the hidden activations of layer {li} may differ from 0/1 by "
                    f"enough ({err[j]:.3g}) to flip unit {names[li + 1][j]} (margin "
                    f"{margins[li][j]:.3g})")
        if li < L - 1:
            dev = np.array([_deviation(act, v) for v in s])
    return (True, slack, False,
            f"certified: every unit's margin exceeds its rounding tolerance and activation "
            f"error bound (smallest slack {slack:.3g})")


def fidelity(net, formula=None, X=None, *, target=None, n_samples: int = 10_000, rng=None,
             activation: str = "sigmoid", output: int | None = None,
             max_nodes: int | None = None) -> FidelityReport:
    """Compare the binarised network (its extracted formula) with the real network.

    Only the exact BDD of the binarised network is needed (agreement by evaluating it, the
    fraction of true inputs by model counting), never the minimised flat formula, so this
    works for networks whose formula is too large to print.

    Parameters
    ----------
    net : MLP or list of (W, b)
    formula : NetworkFormula, optional
        A formula from :func:`network_formula` (its BDD is reused). Default: the BDD of
        ``net`` is built here.
    X : array of 0/1, optional
        Inputs to check. Default: all ``2**n`` inputs up to 20 inputs, else ``n_samples``
        random inputs (the certificate then speaks for all inputs).
    target : array of 0/1 or BooleanTask, optional
        Target bits on ``X`` (a task brings its own inputs).
    output : int, optional
        Output unit (default: the formula's, else 0).
    max_nodes : int, optional
        Largest threshold BDD built per unit when ``formula`` is not given.

    Examples
    --------
    >>> import numpy as np
    >>> net = [(np.array([[8.0, 8.0, 8.0]]), np.array([-12.0]))]
    >>> rep = fidelity(net)
    >>> rep.agreement, rep.certified, rep.ties
    (1.0, True, False)
    """
    from esorma.bridge.formula import check_binary_inputs
    from esorma.bridge.tasks import BooleanTask, all_inputs

    net = _as_network(net, activation)
    _check_binarisable(net)
    if formula is not None and not isinstance(formula, NetworkFormula):
        raise TypeError(f"formula must be a NetworkFormula; got {type(formula).__name__}")
    if output is None:
        output = 0 if formula is None else formula.output
    output = check_int(output, "output", minimum=0, maximum=net.n_outputs - 1)
    n = net.n_inputs
    if formula is None:
        table, n_true = network_table(net, output=output, max_nodes=max_nodes)
    else:
        if formula.output != output:
            raise ValueError(f"output must match the formula's output ({formula.output}); "
                             f"got {output}")
        if len(formula.input_names) != n:
            raise ValueError(f"formula must have {n} inputs to match the network; got "
                             f"{len(formula.input_names)}")
        table, n_true = formula.table, formula.n_true
    y = None
    if isinstance(target, BooleanTask):
        if X is None:
            X = target.X
        y = np.asarray(target.y)
    elif target is not None:
        y = np.asarray(target)
    if X is None:
        if n <= MAX_EXHAUSTIVE_INPUTS:
            U, method = all_inputs(n), "exhaustive"
        else:
            n_samples = check_int(n_samples, "n_samples", minimum=1)
            U, method = as_rng(rng).integers(0, 2, (n_samples, n)).astype(np.uint8), "sampled"
    else:
        U, method = check_binary_inputs(X, n), "given"
        if U.shape[0] == 2**n and np.unique(U, axis=0).shape[0] == 2**n:
            method = "exhaustive"
    logits = net.logits(U)[:, output]
    real = (logits > 0).astype(np.uint8)
    form = table.evaluate(U)
    agreement = float(np.mean(real == form))
    t_agree = None
    if y is not None:
        y = y.reshape(-1) if y.ndim == 1 or y.shape[1] == 1 else y[:, output]
        if y.shape[0] != U.shape[0]:
            raise ValueError(f"target must have one bit per input ({U.shape[0]}); "
                             f"got {y.shape[0]}")
        t_agree = float(np.mean(form == (y > 0)))
    sub = _sub_network(net, output)
    zs = binarised_forward(sub, U)
    min_margin = float(min(np.min(np.abs(z)) for z in zs))
    seen_tie = any(np.any(np.min(np.abs(z), axis=0) <= t)
                   for z, t in zip(zs, _layer_tolerances(sub)))
    out_margin = float(np.min(np.abs(logits)))
    names = unit_names(net)
    names[-1] = (names[-1][output],)
    certified, slack, tie, reason = _certificate(sub, U if method == "exhaustive" else None,
                                                 names)
    if seen_tie and not tie:
        certified, tie = False, True
        reason = ("tie: a unit's pre-activation is within its rounding tolerance of 0 on a "
                  "checked input, so the formula depends on the tie rule and rounding")
    return FidelityReport(
        agreement=agreement, n_checked=int(U.shape[0]), method=method, target_agreement=t_agree,
        min_margin=min_margin, output_margin=out_margin, certified=bool(certified),
        certificate_slack=float(slack), fraction_true=n_true / 2.0**n, ties=bool(tie),
        reason=reason,
    )


def _sub_network(net, output):
    from esorma.bridge.model import MLP

    W, b = net.layers[-1]
    layers = net.layers[:-1] + ((W[[output]], b[[output]]),)
    return MLP(layers, net.activation)


def formula_agreement(a, b) -> float:
    """Exact fraction of all ``2**n`` inputs on which two extracted functions agree.

    ``a`` and ``b`` are :class:`NetworkFormula`, :class:`~esorma.bridge.bdd.UnitBDD` or
    :class:`~esorma.bridge.bdd.BDDTable` objects over the same ``n`` inputs (in the same
    order). Both are rebuilt in one ``dd`` manager and the models of ``a xor b`` are counted,
    so the answer is exact for any ``n`` (no enumeration of inputs).

    Examples
    --------
    >>> from esorma.bridge.bdd import unit_to_bdd
    >>> a = unit_to_bdd([1.0] * 30, -14.5)   # at least 15 of 30
    >>> b = unit_to_bdd([1.0] * 30, -15.5)   # at least 16 of 30
    >>> import math; formula_agreement(a, b) == 1 - math.comb(30, 15) / 2**30
    True
    """
    from esorma.bridge.bdd import BDDTable, new_bdd

    def table(x):
        t = getattr(x, "table", x)
        if not isinstance(t, BDDTable):
            raise TypeError("a and b must be NetworkFormula, UnitBDD or BDDTable objects; got "
                            f"{type(x).__name__}")
        return t

    ta, tb = table(a), table(b)
    if ta.n_inputs != tb.n_inputs:
        raise ValueError(f"a and b must have the same number of inputs; got {ta.n_inputs} "
                         f"and {tb.n_inputs}")
    names = [f"v{i}" for i in range(ta.n_inputs)]
    bdd = new_bdd(names)
    fa, fb = ta.to_dd(bdd, names), tb.to_dd(bdd, names)
    diff = (fa & ~fb) | (~fa & fb)
    n_diff = int(bdd.count(diff, nvars=ta.n_inputs))
    del fa, fb, diff
    return 1.0 - n_diff / 2.0**ta.n_inputs

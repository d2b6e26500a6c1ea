"""Binarised layers as signed directed graphs (``networkx.DiGraph``).

An edge ``input -> unit`` is kept exactly when the input matters to the unit's decision: it
appears in one of the unit's prime implicants (equivalently, flipping it changes the unit's
output for some setting of the other inputs). Small weights that never change a decision are
dropped; beyond the flat-formula limit the support of the unit's BDD gives the same set. Edge attributes: ``weight`` (the real weight), ``sign`` (+1 excitatory, -1 inhibitory:
the input enters the formula negated). Unit attributes: ``bias``, ``threshold = -bias``,
``formula`` (text), ``margin``, ``layer``, ``kind`` (``"input"``, ``"hidden"``, ``"output"``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["layer_to_graph", "network_to_graph"]


def _check_layer(W, b):
    from esorma.bridge.model import _real_array

    W = _real_array(W, "W")
    b = _real_array(b, "b")
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"W must be a non-empty 2-D array (n_units, n_inputs); got {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}; got {b.shape}")
    return W, b


def layer_to_graph(
    W,
    b,
    input_names=None,
    unit_names=None,
    *,
    encoding: str = "01",
    layer: int = 1,
    kind: str = "hidden",
    graph=None,
    max_terms: int = 20_000,
    max_nodes: int | None = None,
):
    """The binarised layer ``[W x + b > 0]`` as a signed ``networkx.DiGraph``.

    Parameters
    ----------
    W : array, shape (n_units, n_inputs)
    b : array, shape (n_units,)
    input_names, unit_names : sequences of str, optional
        Default ``x0, x1, ...`` and ``u0, u1, ...``.
    encoding : {"01", "pm1"}
        Values of the binary inputs.
    layer : int
        Layer index stored on the unit nodes (inputs get ``layer - 1``).
    kind : str
        ``kind`` attribute of the unit nodes.
    graph : networkx.DiGraph, optional
        Add to this graph (used to compose layers).
    max_terms : int
        Largest flat formula per unit; beyond it the unit's BDD gives the relevant inputs.
    max_nodes : int, optional
        Largest BDD per unit (default :data:`esorma.bridge.bdd.DEFAULT_MAX_NODES`); a unit
        that needs more is refused up front with an estimate of its size.

    Examples
    --------
    >>> G = layer_to_graph([[2.0, 2.0, 2.0, 0.01]], [-3.0], ["A", "B", "C", "D"], ["u"])
    >>> sorted(G.predecessors("u")), G.nodes["u"]["formula"]
    (['A', 'B', 'C'], 'at least 2 of {A, B, C}')
    """
    import networkx as nx

    from esorma._validation import check_choice
    from esorma.bridge.bdd import DEFAULT_MAX_NODES, unit_to_bdd
    from esorma.bridge.formula import _check_names, unit_to_formula

    W, b = _check_layer(W, b)
    check_choice(encoding, "encoding", ("01", "pm1"))
    max_nodes = DEFAULT_MAX_NODES if max_nodes is None else max_nodes
    n_units, n_in = W.shape
    input_names = _check_names(input_names, n_in)
    if unit_names is None:
        unit_names = tuple(f"u{j}" for j in range(n_units))
    unit_names = tuple(str(s) for s in unit_names)
    if len(unit_names) != n_units:
        raise ValueError(f"unit_names must have one name per unit ({n_units}); "
                         f"got {len(unit_names)}")
    G = nx.DiGraph() if graph is None else graph
    for i, nm in enumerate(input_names):
        if nm not in G:
            G.add_node(nm, kind="input", layer=layer - 1)
    for j, nm in enumerate(unit_names):
        try:
            f = unit_to_formula(W[j], float(b[j]), input_names, encoding=encoding,
                                max_terms=max_terms, compute_margin=n_in <= 24)
            relevant, text, margin = f.relevant, f.text, f.margin
        except ValueError:
            try:
                u = unit_to_bdd(W[j], float(b[j]), input_names, encoding=encoding,
                                max_nodes=max_nodes)
            except ValueError as exc:
                raise ValueError(f"unit {nm}: no flat formula within max_terms={max_terms} "
                                 f"and {exc}") from None
            relevant, margin = u.relevant, u.quantisation.margin_bounds[0]
            text = f"(threshold function of {len(relevant)} inputs; BDD with {u.n_nodes} nodes)"
        G.add_node(nm, kind=kind, layer=layer, bias=float(b[j]), threshold=-float(b[j]),
                   formula=text, margin=float(margin))
        for i in relevant:
            G.add_edge(input_names[i], nm, weight=float(W[j, i]),
                       sign=1 if W[j, i] > 0 else -1)
    return G


def network_to_graph(net, input_names=None, *, activation: str = "sigmoid", prune: bool = True):
    """The whole binarised network as one signed graph (layers composed).

    Hidden units are ``h1_0, h1_1, ...`` (layer 1), ``h2_0, ...``; outputs ``out`` (or
    ``out0, out1, ...``). With ``prune=True`` hidden units from which no output is reachable
    are removed (they cannot influence the network's function).

    Examples
    --------
    >>> import numpy as np
    >>> W1 = np.array([[4.0, -4.0], [-4.0, 4.0]]); b1 = np.array([-2.0, -2.0])
    >>> W2 = np.array([[4.0, 4.0]]); b2 = np.array([-2.0])
    >>> G = network_to_graph([(W1, b1), (W2, b2)], ["A", "B"])
    >>> sorted(G.predecessors("out"))
    ['h1_0', 'h1_1']
    """
    from esorma.bridge.network import _as_network, _check_binarisable, unit_names

    net = _as_network(net, activation)
    _check_binarisable(net)
    names = unit_names(net, input_names)
    G = None
    L = len(net.layers)
    for li, (W, b) in enumerate(net.layers):
        enc = "01" if li == 0 or net.activation == "sigmoid" else "pm1"
        G = layer_to_graph(W, b, names[li], names[li + 1], encoding=enc, layer=li + 1,
                           kind="output" if li == L - 1 else "hidden", graph=G)
    if prune:
        outs = set(names[-1])
        keep = set(outs)
        for o in outs:
            keep |= set(_ancestors(G, o))
        drop = [v for v, d in G.nodes(data=True) if d["kind"] == "hidden" and v not in keep]
        G.remove_nodes_from(drop)
    G.graph["activation"] = net.activation
    G.graph["n_layers"] = L
    return G


def _ancestors(G, node):
    import networkx as nx

    return nx.ancestors(G, node)


def _layer_positions(G) -> dict:
    """Layered layout: x = layer, y spread evenly (used by the plotting module)."""
    by_layer: dict = {}
    for v, d in G.nodes(data=True):
        by_layer.setdefault(d.get("layer", 0), []).append(v)
    pos = {}
    for layer, nodes in by_layer.items():
        ys = np.linspace(1, -1, len(nodes)) if len(nodes) > 1 else [0.0]
        for v, y in zip(nodes, ys):
            pos[v] = (float(layer), float(y))
    return pos

"""Figures of attractors: energy against basin size, and the state-transition graph.

Every function imports matplotlib lazily, takes ``ax=None`` (a new figure is made) and returns
the axes. They accept the results of :func:`esorma.attractors.exact_basins` and (for the
energy plot) :func:`esorma.attractors.sample_attractors`. :func:`plot_attractor_study` draws
the whole figure of an :class:`esorma.attractors.AttractorStudy` (``esorma attractors
--figure``).
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = [
    "plot_energy_vs_basin",
    "plot_transition_graph",
    "radial_tree_layout",
    "plot_attractor_study",
]

# colours of the label kinds (pattern, reversed, mixture, spurious) and of unlabelled states
_KIND_COLOURS = ("tab:blue", "tab:cyan", "tab:orange", "0.55")
_UNLABELLED = "tab:purple"


def _is_exact(result) -> bool:
    return hasattr(result, "basin_sizes")


def plot_energy_vs_basin(result, ax=None, *, annotate: int = 6, title: str | None = None):
    """Energy of each attractor against the size of its basin.

    Exact results (:class:`~esorma.attractors.ExactBasins`) show basin sizes in states (log
    axis); sampled ones (:class:`~esorma.attractors.SampledAttractors`) basin fractions with
    95 % Wilson intervals. Colours give the labels (pattern, reversed, mixture, spurious),
    circles fixed points and squares cycles; the points of the ``annotate`` largest basins are
    named, with the number of attractors sharing the point (symmetric partners) as ``k×``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma import Hopfield
    >>> from esorma.attractors import exact_basins
    >>> from esorma.patterns import random_patterns
    >>> res = exact_basins(Hopfield.from_patterns(random_patterns(3, 10, rng=0)))
    >>> ax = plot_energy_vs_basin(res)
    >>> ax.get_xlabel()
    'basin size (states)'
    """
    ax = _axes(ax)
    exact = _is_exact(result)
    if exact:
        x = np.asarray(result.basin_sizes, dtype=np.float64)
        xerr = None
        n = result.n_neurons
    else:
        x = np.asarray(result.fractions, dtype=np.float64)
        ci = np.asarray(result.fraction_ci, dtype=np.float64).reshape(-1, 2)
        xerr = np.stack([x - ci[:, 0], ci[:, 1] - x])  # 95 % Wilson interval, > 0 on log axes
        n = result.attractors.shape[1]
    y = np.asarray(result.energies, dtype=np.float64)
    labels = result.labels
    kinds = np.full(x.shape[0], -1) if labels is None else np.asarray(labels.kind, dtype=int)
    names = None if labels is None else labels.names
    cyc = np.asarray(result.cycle_lengths)
    from esorma.attractors.labels import KIND_NAMES

    groups = [(k, KIND_NAMES[k], _KIND_COLOURS[k]) for k in range(4)]
    groups.append((-1, "attractor", _UNLABELLED))
    for k, name, colour in groups:
        for is_cycle, marker in ((False, "o"), (True, "s")):
            sel = (kinds == k) & ((cyc > 1) == is_cycle)
            if not np.any(sel):
                continue
            lab = name if not is_cycle else f"{name} (cycle)"
            if xerr is not None:
                ax.errorbar(x[sel], y[sel], xerr=xerr[:, sel], fmt=marker, color=colour,
                            ms=6, capsize=2, label=lab, alpha=0.85)
            else:
                ax.scatter(x[sel], y[sel], marker=marker, color=colour, s=36, label=lab,
                           alpha=0.85, edgecolors="k", linewidths=0.4)
    # attractors related by a symmetry (s and -s, ...) share a point: one note per point
    notes: dict[tuple, list[str]] = {}
    count: dict[tuple, int] = {}
    for k in range(x.shape[0]):
        key = (round(float(x[k]), 12), round(float(y[k]), 9))
        count[key] = count.get(key, 0) + 1
        if names is not None and kinds[k] != 3:
            notes.setdefault(key, []).append(names[k])
    top = sorted(count, key=lambda key: -key[0])[: max(annotate, 0)]
    for rank, key in enumerate(top):
        txt = ", ".join(notes.get(key, [])[:3])
        if count[key] > 1:
            txt = f"{txt} ({count[key]}×)" if txt else f"{count[key]}×"
        if txt:
            ax.annotate(txt, key, textcoords="offset points", xytext=(4, 4 + 9 * (rank % 3)),
                        fontsize=7)
    if exact:
        if x.size and x.max() / max(x.min(), 1) > 20:
            ax.set_xscale("log")
        ax.set_xlabel("basin size (states)")
        default = (f"exact {result.mode} basins, N={n}: {result.n_attractors} attractors "
                   f"({result.n_fixed_points} fixed points)")
    else:
        if x.size and x.max() / max(x.min(), 1e-12) > 20:
            ax.set_xscale("log")
        ax.set_xlabel("basin fraction (95 % Wilson interval)")
        merged = ", s ~ −s" if result.flip_merged else ""
        default = (f"sampled ({result.mode}, {result.starts} starts), N={n}: "
                   f"{result.n_attractors} attractors from {result.n_starts} starts{merged}")
    ax.set_ylabel("energy E")
    ax.set_title(title or default, fontsize=10)
    if x.size:
        ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return ax


def radial_tree_layout(successors, basin, depth, nodes, cycle_codes, cycle_offsets):
    """Positions (dict code -> (x, y)) of the given nodes of a functional graph.

    Each basin gets its own cell of a square grid; its cycle sits on a small circle at the
    centre and every in-tree fans out on rings of radius ``depth``, each subtree in an angular
    sector proportional to its size.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    node_set = set(nodes.tolist())
    children: dict[int, list[int]] = {}
    for x in nodes.tolist():
        if depth[x] > 0:
            children.setdefault(int(successors[x]), []).append(x)
    weight: dict[int, int] = {}
    for x in sorted(node_set, key=lambda v: -int(depth[v])):
        weight[x] = 1 + sum(weight[c] for c in children.get(x, ()))
    basins = sorted({int(basin[x]) for x in node_set})
    radius = {b: 0 for b in basins}
    for x in node_set:
        b = int(basin[x])
        radius[b] = max(radius[b], int(depth[x]))
    cell = 2.0 * (max(radius.values(), default=0) + 1.5)
    cols = int(np.ceil(np.sqrt(len(basins))))
    pos: dict[int, tuple[float, float]] = {}
    for idx, b in enumerate(basins):
        cx, cy = cell * (idx % cols), -cell * (idx // cols)
        cyc = [int(c) for c in cycle_codes[cycle_offsets[b] : cycle_offsets[b + 1]]]
        r0 = 0.0 if len(cyc) == 1 else 0.6
        total = sum(weight.get(c, 1) for c in cyc)
        start = 0.0
        stack = []
        for c in cyc:
            span = 2 * np.pi * weight.get(c, 1) / total
            stack.append((c, start, span))
            start += span
        while stack:
            x, a0, span = stack.pop()
            r = r0 + depth[x]
            ang = a0 + span / 2
            pos[x] = (cx + r * np.cos(ang), cy + r * np.sin(ang))
            kids = children.get(x, [])
            tot = sum(weight[k] for k in kids)
            a = a0
            for k in kids:
                s = span * weight[k] / tot
                stack.append((k, a, s))
                a += s
    return pos


def plot_transition_graph(result, ax=None, *, max_nodes: int = 4096, title: str | None = None):
    """Draw the state-transition graph of an exact result (one arrow ``x → successor(x)``).

    Basins are laid out side by side (:func:`radial_tree_layout`), coloured by basin; cycle
    states are large dots with a black edge (a star for a fixed point). When the graph has
    more than ``max_nodes`` states, the largest basins that fit are drawn whole (or, if the
    largest alone does not fit, its states within ``d`` steps of the attractor).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma import Hopfield
    >>> from esorma.attractors import exact_basins
    >>> from esorma.patterns import random_patterns
    >>> res = exact_basins(Hopfield.from_patterns(random_patterns(2, 6, rng=1)))
    >>> ax = plot_transition_graph(res)
    >>> ax.get_title().startswith("sync transition graph")
    True
    """
    from matplotlib.collections import LineCollection

    if not _is_exact(result) or result.successors is None:
        raise ValueError("plot_transition_graph needs an ExactBasins result with keep_graph=True")
    ax = _axes(ax, figsize=(7.0, 7.0))
    succ = np.asarray(result.successors, dtype=np.int64)
    basin = np.asarray(result.basin, dtype=np.int64)
    depth = np.asarray(result.depth, dtype=np.int64)
    total = succ.shape[0]
    note = ""
    if total <= max_nodes:
        keep = np.arange(total)
    else:
        sizes = np.asarray(result.basin_sizes)
        n_full = int(np.searchsorted(np.cumsum(sizes), max_nodes, side="right"))
        if n_full >= 1:  # the largest basins, whole (basin indices are sorted by size)
            keep = np.flatnonzero(basin < n_full)
            note = f"\nthe {n_full} largest of {result.n_attractors} basins"
        else:  # the largest basin alone is too big: its states within d steps of the cycle
            in0 = basin == 0
            cum = np.cumsum(np.bincount(depth[in0]))
            d = max(int(np.searchsorted(cum, max_nodes, side="right")) - 1, 0)
            keep = np.flatnonzero(in0 & (depth <= d))[: max(max_nodes, 1)]
            note = f"\nlargest basin, states ≤ {d} steps from the attractor"
    pos = radial_tree_layout(succ, basin, depth, keep, result.cycle_codes, result.cycle_offsets)
    xy = np.array([pos[x] for x in keep.tolist()])
    tgt = succ[keep]
    has_tgt = np.array([t in pos for t in tgt.tolist()])
    not_self = tgt != keep
    m = has_tgt & not_self
    segs = np.stack([xy[m], np.array([pos[t] for t in tgt[m].tolist()])], axis=1) if m.any() \
        else np.zeros((0, 2, 2))
    ax.add_collection(LineCollection(segs, colors="0.6", linewidths=0.5, zorder=1))
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab20")
    colours = cmap(basin[keep] % 20)
    on_cycle = depth[keep] == 0
    ax.scatter(xy[~on_cycle, 0], xy[~on_cycle, 1], s=6, c=colours[~on_cycle], zorder=2)
    fixed = on_cycle & (np.asarray(result.cycle_lengths)[basin[keep]] == 1)
    cyc = on_cycle & ~fixed
    ax.scatter(xy[fixed, 0], xy[fixed, 1], s=90, marker="*", c=colours[fixed],
               edgecolors="k", linewidths=0.6, zorder=3, label="fixed point")
    if cyc.any():
        ax.scatter(xy[cyc, 0], xy[cyc, 1], s=40, c=colours[cyc], edgecolors="k",
                   linewidths=0.6, zorder=3, label="cycle state")
    if result.labels is not None and len(set(basin[keep].tolist())) <= 24:
        names = result.labels.names
        for k in range(result.n_attractors):
            code = int(result.codes[k])
            if code in pos and result.labels.kind[k] != 3:
                ax.annotate(names[k], pos[code], textcoords="offset points", xytext=(5, 5),
                            fontsize=7)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(
        title
        or f"{result.mode} transition graph, N={result.n_neurons}: {result.n_attractors} "
        f"attractors; {keep.size} of {total} states drawn{note}",
        fontsize=9,
    )
    return ax


def plot_attractor_study(study, *, graph_max_neurons: int = 12):
    """The figure of an attractor study: energy against basin size, and the transition graph.

    The transition graph is drawn as a second panel for exact results of at most
    ``graph_max_neurons`` neurons (their graph was kept); otherwise the figure has one panel.

    Parameters
    ----------
    study : esorma.attractors.AttractorStudy
    graph_max_neurons : int
        Largest N whose transition graph is drawn (default 12: 4096 states).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.attractors import attractor_study
    >>> fig = plot_attractor_study(attractor_study(n_neurons=8, n_patterns=2, rng=0))
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    res = getattr(study, "attractors", None)
    if res is None or not hasattr(study, "network"):
        raise TypeError(f"study must be an AttractorStudy; got {type(study).__name__}")
    graph = (_is_exact(res) and res.successors is not None
             and res.n_neurons <= graph_max_neurons)
    if graph:
        fig, (a, b) = plt.subplots(1, 2, figsize=(13.5, 6.0))
        plot_energy_vs_basin(res, ax=a)
        plot_transition_graph(res, ax=b)
    else:
        fig, a = plt.subplots(figsize=(7.0, 5.0))
        plot_energy_vs_basin(res, ax=a)
    seed = "" if study.seed is None else f", seed {study.seed}"
    fig.suptitle(f"attractors of a {study.network_description}, N = {study.n_neurons} "
                 f"({study.method}, {study.dynamics}{seed})", fontsize=11)
    fig.tight_layout()
    return fig

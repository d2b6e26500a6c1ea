"""Figures of attractors: energy against basin size, and the state-transition graph.

Every function imports matplotlib lazily, takes ``ax=None`` (a new figure is made) and returns
the axes. They accept the results of :func:`esorma.attractors.exact_basins` and (for the
energy plot) :func:`esorma.attractors.sample_attractors`. :func:`plot_attractor_study` draws
the whole figure of an :class:`esorma.attractors.AttractorStudy` (``esorma attractors
--figure``).
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, place_labels, styled

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


@styled
def plot_energy_vs_basin(result, ax=None, *, annotate: int = 6, title: str | None = None,
                         min_count_for_bar: int = 3):
    """Energy per spin of each attractor against the size of its basin.

    Exact results (:class:`~esorma.attractors.ExactBasins`) show basin sizes in states (log
    axis); sampled ones (:class:`~esorma.attractors.SampledAttractors`) basin fractions with
    95 % Wilson intervals, drawn only for attractors reached from at least
    ``min_count_for_bar`` starts (the interval of an attractor seen once or twice spans the
    whole low end of the axis; it is stated once, in a note, instead of once per point).
    Colours give the labels (pattern, reversed, mixture, spurious), circles fixed points and
    squares cycles; stored patterns are drawn as rings on top, so that a pattern sharing its
    point with a reversed pattern stays visible. The ``annotate`` largest basins are named
    (labels placed without overlaps, inside the axes), with the number of attractors sharing
    the point (symmetric partners) as ``k×``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma import Hopfield
    >>> from esorma.attractors import exact_basins
    >>> from esorma.patterns import random_patterns
    >>> res = exact_basins(Hopfield.from_patterns(random_patterns(3, 10, rng=0)))
    >>> ax = plot_energy_vs_basin(res)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('basin size (states)', 'energy per spin E/N')
    """
    ax = _axes(ax)
    exact = _is_exact(result)
    if exact:
        x = np.asarray(result.basin_sizes, dtype=np.float64)
        xerr = None
        n = result.n_neurons
        counts = np.asarray(result.basin_sizes)
    else:
        x = np.asarray(result.fractions, dtype=np.float64)
        ci = np.asarray(result.fraction_ci, dtype=np.float64).reshape(-1, 2)
        xerr = np.stack([x - ci[:, 0], ci[:, 1] - x])  # 95 % Wilson interval, > 0 on log axes
        n = result.attractors.shape[1]
        counts = np.asarray(result.counts)
    y = np.asarray(result.energies, dtype=np.float64) / n
    labels = result.labels
    kinds = np.full(x.shape[0], -1) if labels is None else np.asarray(labels.kind, dtype=int)
    names = None if labels is None else labels.names
    cyc = np.asarray(result.cycle_lengths)
    from esorma.attractors.labels import KIND_NAMES

    groups = [(k, KIND_NAMES[k], _KIND_COLOURS[k]) for k in (3, 2, 1, 0)]
    groups.append((-1, "attractor", _UNLABELLED))
    bar = counts >= min_count_for_bar
    for k, name, colour in groups:
        for is_cycle, marker in ((False, "o"), (True, "s")):
            sel = (kinds == k) & ((cyc > 1) == is_cycle)
            if not np.any(sel):
                continue
            lab = (name if not is_cycle else f"{name} (cycle)") + f" ({int(sel.sum())})"
            ring = k == 0  # stored patterns: rings on top of everything
            style = dict(marker=marker, s=90 if ring else 36, zorder=4 if ring else 3,
                         facecolors="none" if ring else colour,
                         edgecolors=colour if ring else "k",
                         linewidths=2.0 if ring else 0.4, alpha=1.0 if ring else 0.85)
            if xerr is not None and np.any(sel & bar):
                sb = sel & bar
                ax.errorbar(x[sb], y[sb], xerr=xerr[:, sb], fmt="none", ecolor=colour,
                            elinewidth=1.0, capsize=2, alpha=0.7, zorder=2)
            ax.scatter(x[sel], y[sel], label=lab, **style)
    # attractors related by a symmetry (s and -s, ...) share a point: one note per point
    notes: dict[tuple, list[str]] = {}
    count: dict[tuple, int] = {}
    for k in range(x.shape[0]):
        key = (round(float(x[k]), 12), round(float(y[k]), 9))
        count[key] = count.get(key, 0) + 1
        if names is not None and kinds[k] != 3:
            notes.setdefault(key, []).append(names[k])
    top = sorted(count, key=lambda key: -key[0])[: max(annotate, 0)]
    pts, txts = [], []
    if not exact and names is not None and np.any(kinds == 0):
        # sampled: the stored patterns form one cluster; one label for all of them
        pat = kinds == 0
        pts.append((float(np.exp(np.mean(np.log(x[pat])))), float(np.min(y[pat]))))
        txts.append(f"{int(pat.sum())} stored patterns")
        top = [key for key in top if not any(nm.startswith("pattern") for nm in notes.get(key, []))]
    for key in top:
        txt = ", ".join(notes.get(key, [])[:2])
        if len(notes.get(key, [])) > 2:
            txt += ", …"
        if count[key] > 1:
            txt = f"{txt} ({count[key]}×)" if txt else f"{count[key]}×"
        if txt:
            pts.append(key)
            txts.append(txt)
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
        default = (f"sampled ({result.mode}), N={n}: {result.n_attractors} attractors "
                   f"from {result.n_starts} {result.starts} starts{merged}")
        few = ~bar
        if few.any():
            lo, hi = ci[few][:, 0].min(), ci[few][:, 1].max()
            ax.text(0.01, 0.99, f"{int(few.sum())} attractors reached from < "
                    f"{min_count_for_bar} starts:\nno bars (their 95 % intervals span "
                    f"{lo:.1e}–{hi:.1e})", transform=ax.transAxes, fontsize=NOTE_SIZE,
                    color="0.3", va="top", bbox=dict(fc="white", ec="none", alpha=0.8))
    ax.set_ylabel("energy per spin E/N")
    if y.size:
        pad = 0.08 * max(float(np.ptp(y)), 0.05)
        ax.set_ylim(float(y.min()) - pad, float(y.max()) + (2 if exact else 4) * pad)
    if x.size:
        ax.margins(x=0.15)
    ax.set_title(title or default, fontsize=10)
    if x.size:
        ax.legend(loc="upper right", title="label (attractors)", title_fontsize=8)
    place_labels(ax, pts, txts)
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


@styled
def plot_transition_graph(result, ax=None, *, max_nodes: int = 4096, max_basins: int = 12,
                          title: str | None = None):
    """Draw the state-transition graph of an exact result (one arrow ``x → successor(x)``).

    Basins are laid out side by side (:func:`radial_tree_layout`), coloured by basin; cycle
    states are large dots with a black edge (a star for a fixed point). Only the
    ``max_basins`` largest basins are drawn (a synchronous network has many tiny 2-cycle
    basins that would fill the picture with identical blobs); a note says how many basins,
    of which sizes, were left out. When those basins hold more than ``max_nodes`` states, the
    largest basins that fit are drawn whole (or, if the largest alone does not fit, its states
    within ``d`` steps of the attractor).

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
    sizes = np.asarray(result.basin_sizes)
    n_basins = min(int(max_basins), result.n_attractors)
    if n_basins < result.n_attractors:
        rest = sizes[n_basins:]
        note = (f"\nthe {n_basins} largest basins; {rest.size} more of {int(rest.min())}–"
                f"{int(rest.max())} states not drawn")
    if int(sizes[:n_basins].sum()) <= max_nodes:
        keep = np.flatnonzero(basin < n_basins)
    else:
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
    if len(set(basin[keep].tolist())) <= 24:
        names = result.labels.names if result.labels is not None else None
        for b in sorted(set(basin[keep].tolist())):
            first = int(result.cycle_codes[result.cycle_offsets[b]])
            if first not in pos:
                continue
            name = names[b] if names is not None and result.labels.kind[b] != 3 else ""
            members = basin[keep] == b
            top = xy[members, 1].max()
            cx = xy[members, 0].mean()
            ax.annotate(f"{name}\n{int(sizes[b])} states" if name else f"{int(sizes[b])} states",
                        (cx, top), textcoords="offset points", xytext=(0, 4), ha="center",
                        va="bottom", fontsize=NOTE_SIZE, color="0.2")
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.margins(0.08, 0.12)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel("states, arranged by basin (attractor at the centre, depth = distance)")
    ax.set_ylabel("one cell per basin")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(
        title
        or f"{result.mode} transition graph, N={result.n_neurons}: {result.n_attractors} "
        f"attractors; {keep.size} of {total} states drawn{note}",
        fontsize=10,
    )
    return ax


@styled
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

"""Figures of the bridge: training phases, activation histograms, Lyapunov exponents, graphs.

The ``plot_*`` functions import matplotlib lazily, take ``ax=None`` (a new figure is made) and
return the axes. :func:`draw_bridge_run` and :func:`draw_phase_sweep` return the whole figure
of a :class:`~esorma.bridge.BridgeRun` (``esorma bridge --figure``) and of a
:class:`~esorma.bridge.PhaseSweep` (``experiments/bridge_phases.py``).
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, styled

__all__ = [
    "PHASE_COLOURS",
    "draw_bridge_run",
    "draw_phase_sweep",
    "plot_phases",
    "plot_activation_histograms",
    "plot_lyapunov",
    "plot_loss",
    "plot_network_graph",
    "plot_sign_flips",
]

PHASE_COLOURS = {"linear": "#cfe3f7", "hybrid": "#fbe3c2", "saturated": "#d5efd2"}


_FIGSIZE = (6.5, 4.2)


def _shade(ax, labels):
    """Shade the background of ``ax`` by phase segments."""
    segs = labels.segments
    for i, (phase, a, b) in enumerate(segs):
        end = segs[i + 1][1] if i + 1 < len(segs) else max(b, a + 1)
        ax.axvspan(a, end, color=PHASE_COLOURS[phase], lw=0, zorder=0)


def _phase_handles():
    from matplotlib.patches import Patch

    return [Patch(color=c, label=p) for p, c in PHASE_COLOURS.items()]


def _mark_saturated(ax, labels):
    """A vertical line at ``labels.saturated_from`` (the start of the saturated phase)."""
    start = labels.saturated_from
    if start is not None:
        ax.axvline(start, color="C2", lw=1.2, ls="--", zorder=1,
                   label=f"saturated from epoch {start}")


def plot_phases(diagnostics, labels, ax=None, *, title: str | None = None):
    """Saturation, binarisation agreement and linearisation error over training, shaded by phase.

    Three series on one axis (fractions, and the linearisation error clipped at 1.5); the loss
    has its own panel (:func:`plot_loss`). The dashed green line marks
    ``labels.saturated_from``, the start of the final saturated segment; dotted lines are the
    thresholds of the phase classification.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.bridge import xor_task, train_mlp, phase_diagnostics, classify_phases
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=300, learning_rate=2.0, rng=1)
    >>> d = phase_diagnostics(res, lyapunov=False)
    >>> ax = plot_phases(d, classify_phases(d))
    >>> ax.get_xlabel()
    'epoch'
    """
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    ep = d.epochs
    _shade(ax, labels)
    _mark_saturated(ax, labels)
    ax.plot(ep, d.saturated_fraction, color="C2", lw=1.8,
            label=f"saturated fraction of units (margin {d.margin:g})")
    ax.plot(ep, d.binary_agreement, color="C3", lw=1.2,
            label="fraction of inputs: binarised = real")
    ax.plot(ep, np.minimum(d.linearisation_error, 1.5), color="C0", lw=1.5,
            label="linearisation error (clipped at 1.5)")
    th = labels.thresholds
    ax.axhline(th["linear_error"], color="C0", lw=0.8, ls=":")
    ax.axhline(th["saturated"], color="C2", lw=0.8, ls=":")
    ax.set_xlabel("epoch")
    ax.set_ylabel("diagnostic")
    ax.set_ylim(-0.02, 1.55)
    if ep.size and ep[-1] > 20 * max(ep[1] if ep.size > 1 else 1, 1):
        ax.set_xscale("symlog", linthresh=max(int(ep[1]) if ep.size > 1 else 1, 1) * 10)
        ax.set_xlim(0, ep[-1])
    h1, l1 = ax.get_legend_handles_labels()
    ax.legend(h1 + _phase_handles(), l1 + list(PHASE_COLOURS), fontsize=NOTE_SIZE,
              loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, framealpha=0.9)
    ax.set_title(title or f"training phases ({d.activation}, learning rate "
                 f"{d.learning_rate:g}); final: {labels.final}", fontsize=10)
    return ax


def plot_activation_histograms(diagnostics, ax=None, *, title: str | None = None):
    """Heat map of the hidden-activation histogram (rescaled to [-1, 1]) against epoch."""
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    H = np.nan_to_num(d.histograms).T
    ep = d.epochs
    x = np.arange(ep.size + 1)
    im = ax.pcolormesh(x, d.bin_edges, np.log10(H + 1e-3), cmap="viridis", shading="flat")
    ticks = np.unique(np.linspace(0, ep.size - 1, 6).round().astype(int))
    ax.set_xticks(ticks + 0.5)
    ax.set_xticklabels([str(int(ep[t])) for t in ticks])
    ax.set_xlabel("epoch (recorded)")
    ax.set_ylabel("hidden activation u (rescaled)")
    cb = ax.figure.colorbar(im, ax=ax)
    cb.set_label("log10 fraction")
    ax.set_title(title or "activation histogram: centre (linear) to ends (saturated)",
                 fontsize=10)
    return ax


def plot_lyapunov(diagnostics, ax=None, *, title: str | None = None):
    """Leading finite-time Lyapunov exponent of the gradient-descent map per window."""
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    if d.lyapunov_values.size:
        mid = d.lyapunov_windows.mean(axis=1)
        ax.errorbar(mid, d.lyapunov_values, yerr=np.nan_to_num(d.lyapunov_stderr), fmt="o-",
                    ms=3, color="C4", label="leading FTLE (per step)")
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "Lyapunov exponents not computed", ha="center", va="center",
                transform=ax.transAxes, color="0.4")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel("epoch (window centre)")
    ax.set_ylabel("λ₁ (per gradient step)")
    ax.set_title(title or f"FTLE of θ ↦ θ − η∇L (η = {d.learning_rate:g})", fontsize=10)
    return ax


def plot_loss(diagnostics, ax=None, labels=None, *, title: str | None = None):
    """Loss and training error against epoch (optionally shaded by phase)."""
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    if labels is not None:
        _shade(ax, labels)
        _mark_saturated(ax, labels)
    ax.semilogy(d.epochs, np.maximum(d.loss, 1e-12), color="k", label="loss")
    ax.semilogy(d.epochs, np.maximum(d.error, 1e-4), color="C3", label="error (floor 1e-4)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss / error rate")
    ax.legend(fontsize=8)
    ax.set_title(title or "loss and error", fontsize=10)
    return ax


def plot_sign_flips(diagnostics, ax=None, labels=None, *, title: str | None = None):
    """Fraction of parameters whose update changed sign between consecutive records.

    Near 0: every parameter keeps moving the same way (steady descent); near 1: the updates
    flip back and forth across a valley (gradient descent at the edge of stability, e.g. a
    large learning rate); about 0.5: noise. The relative distance travelled
    ``||θ_t − θ_0|| / ||θ_0||`` is drawn on the same axis (right scale in the legend text),
    so a flipping phase with no travel is told apart from one that still moves.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.bridge import xor_task, train_mlp, phase_diagnostics
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=100, learning_rate=2.0, rng=1)
    >>> plot_sign_flips(phase_diagnostics(res, lyapunov=False)).get_ylabel()
    'fraction of parameters'
    """
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    if labels is not None:
        _shade(ax, labels)
        _mark_saturated(ax, labels)
    ok = np.isfinite(d.sign_flip_rate)
    ax.plot(d.epochs[ok], d.sign_flip_rate[ok], color="C3", lw=1.0,
            label="update changed sign (fraction of parameters)")
    rel = np.asarray(d.relative_change, dtype=float)
    top = float(np.nanmax(rel)) if rel.size and np.isfinite(rel).any() else 0.0
    if top > 0:
        ax.plot(d.epochs, rel / top, color="k", lw=1.2,
                label=f"distance travelled ||θ−θ₀||/||θ₀|| (max {top:.3g} = 1)")
    ax.axhline(0.5, color="0.5", lw=0.8, ls=":")
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("epoch")
    ax.set_ylabel("fraction of parameters")
    ax.legend(fontsize=NOTE_SIZE, loc="center right")
    ax.set_title(title or "sign flips of the updates: oscillation across a valley", fontsize=10)
    return ax


def plot_network_graph(G, ax=None, *, title: str | None = None, show_formulas: bool = True):
    """Draw a binarised network graph (from ``network_to_graph``) in layers.

    Excitatory edges are solid blue, inhibitory (negated literal) dashed red; edge width grows
    with the absolute weight. Units whose formula is constant (``True``/``False``: no input can
    switch them) are dead: drawn grey, without edges. Unit formulas are written beside the
    units in full, wrapped over several lines (never cut).
    """
    import networkx as nx

    from esorma.bridge.graph import _layer_positions

    import textwrap

    ax = _axes(ax, figsize=(8.0, 5.0))
    pos = _layer_positions(G)
    kinds = nx.get_node_attributes(G, "kind")
    colours = {"input": "#9ecae1", "hidden": "#fdd0a2", "output": "#a1d99b"}
    dead = {v for v, d in G.nodes(data=True)
            if d.get("kind") != "input" and str(d.get("formula")) in ("True", "False")}
    G = G.copy()
    G.remove_edges_from([(u, v) for u, v in G.edges if u in dead or v in dead])
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=520,
                           node_color=["#dddddd" if v in dead else colours.get(kinds[v], "#ccc")
                                       for v in G.nodes])
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=7)
    w = np.array([abs(d["weight"]) for _, _, d in G.edges(data=True)]) if G.number_of_edges() \
        else np.zeros(0)
    wmax = w.max() if w.size else 1.0
    for sign, colour, style in ((1, "#2166ac", "solid"), (-1, "#b2182b", "dashed")):
        es = [(u, v) for u, v, d in G.edges(data=True) if d["sign"] == sign]
        widths = [0.5 + 2.5 * abs(G.edges[e]["weight"]) / wmax for e in es]
        nx.draw_networkx_edges(G, pos, edgelist=es, ax=ax, edge_color=colour, style=style,
                               width=widths, arrows=True, arrowsize=8, node_size=520)
    if show_formulas:
        for v, d in G.nodes(data=True):
            f = d.get("formula")
            if f and d["kind"] != "input":
                f = str(f)
                if v in dead:
                    txt = "dead (constant " + f + ")"
                elif len(f) <= 180:  # whole, wrapped over at most three lines
                    txt = "\n".join(textwrap.wrap(f, 60, break_on_hyphens=False))
                else:  # too long to draw: say how long instead of cutting it
                    txt = (f"{f.count(' or ') + 1} terms ({len(f)} characters): too long to "
                           "draw;\nsee the result's formulas (--json)")
                x, y = pos[v]
                ax.text(x + 0.06, y, txt, fontsize=6.5, color="0.45" if v in dead else "0.15",
                        va="center", ha="left", linespacing=1.0, zorder=5,
                        bbox=dict(fc="white", ec="none", alpha=0.8, pad=0.6))
    from matplotlib.lines import Line2D

    ax.legend(handles=[Line2D([], [], color="#2166ac", label="excitatory (x)"),
                       Line2D([], [], color="#b2182b", ls="--", label="inhibitory (not x)"),
                       Line2D([], [], marker="o", ls="none", color="#dddddd", ms=9,
                              label="dead unit (constant)")],
              fontsize=NOTE_SIZE, loc="lower right")
    ax.set_axis_off()
    ax.set_title(title or f"binarised network: {G.number_of_nodes()} nodes, "
                 f"{G.number_of_edges()} relevant edges", fontsize=10)
    return ax


@styled
def draw_bridge_run(run):
    """The figure of a :class:`~esorma.bridge.BridgeRun`: phases, histograms, loss, FTLE, sign
    flips, graph.

    Six panels: the phase diagnostics (:func:`plot_phases`), the activation histograms, the
    loss, the Lyapunov exponents, the sign flips of the updates (:func:`plot_sign_flips`),
    and below them the binarised network graph with its unit
    formulas (:func:`plot_network_graph`; a note where the network has none, e.g. ReLU).
    Returns the matplotlib Figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.bridge import bridge_study
    >>> fig = draw_bridge_run(bridge_study("xor", n_epochs=100, lyapunov=False, rng=1))
    >>> len(fig.axes) >= 6
    True
    """
    import matplotlib.pyplot as plt

    from esorma.bridge.graph import network_to_graph

    d, lab = run.diagnostics, run.labels
    fig = plt.figure(figsize=(12.5, 17.0))
    gs = fig.add_gridspec(4, 2, height_ratios=(1.0, 1.0, 1.0, 1.2))
    plot_phases(d, lab, ax=fig.add_subplot(gs[0, 0]))
    plot_activation_histograms(d, ax=fig.add_subplot(gs[0, 1]))
    plot_loss(d, ax=fig.add_subplot(gs[1, 0]), labels=lab)
    plot_lyapunov(d, ax=fig.add_subplot(gs[1, 1]))
    plot_sign_flips(d, ax=fig.add_subplot(gs[2, :]), labels=lab)
    ax = fig.add_subplot(gs[3, :])
    try:
        G = network_to_graph(run.network, run.task.input_names)
    except ValueError as exc:  # ReLU, or a unit too large for a flat formula
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"no binary graph: {exc}", ha="center", va="center", wrap=True,
                transform=ax.transAxes, color="0.4")
    else:
        plot_network_graph(G, ax=ax, title=f"{run.task.name}: binarised network "
                           f"({G.number_of_edges()} relevant edges)")
    start = run.saturated_from
    when = (f"saturated from epoch {start}" if start is not None
            else f"not saturated at the end (final phase {run.final_phase})")
    import textwrap

    formula = run.formula.text if run.formula is not None else "-"
    formula = "\n".join(textwrap.wrap(f"output formula: {formula}", 150))
    hidden = "–".join(str(int(h)) for h in np.atleast_1d(run.hidden))
    fig.suptitle(f"{run.task.name}: {hidden} hidden {run.activation} units, learning rate "
                 f"{run.learning_rate:g}, seed {run.seed}, {run.n_epochs_run} epochs; {when}\n"
                 f"{formula}", fontsize=10)
    fig.tight_layout(h_pad=4.0, rect=(0, 0, 1, 0.975))
    return fig


@styled
def draw_phase_sweep(sweep):
    """The figure of a :class:`~esorma.bridge.PhaseSweep`: phases per scale, FTLE vs loss.

    One column per task: the phase of every recorded epoch of the first seed's run per
    initial scale (top), and the early FTLE against the final loss of every run (bottom).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    s = sweep
    n_tasks = len(s.tasks)
    fig, axes = plt.subplots(2, n_tasks, figsize=(6 * n_tasks, 8), squeeze=False)
    colours = list(PHASE_COLOURS.values())
    ep = s.epochs
    n_seeds = s.seeds.shape[1]
    for col, name in enumerate(s.tasks):
        ax = axes[0, col]
        ends = np.append(ep[1:], ep[-1] + 1)
        for i in range(s.init_scales.size):
            codes = s.phase_codes[col, i]
            cuts = np.flatnonzero(np.diff(codes)) + 1
            for a, b in zip(np.r_[0, cuts], np.r_[cuts, codes.size]):  # runs of one phase
                ax.broken_barh([(ep[a], ends[b - 1] - ep[a])], (i - 0.4, 0.8), lw=0,
                               color=colours[codes[a]])
        ax.set_yticks(range(s.init_scales.size))
        ax.set_yticklabels([f"{v:g}" for v in s.init_scales])
        ax.set_xlabel("epoch")
        ax.set_ylabel("initial weight scale")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlim(0, ends[-1])
        ax.set_title(f"{name}: phases over training (first seed of each scale)", fontsize=10)
        ax.legend(handles=[Patch(color=c, label=p) for p, c in PHASE_COLOURS.items()],
                  fontsize=8, loc="lower right")
        ax = axes[1, col]
        for i, v in enumerate(s.init_scales):
            ax.semilogy(s.ftle_early[col, i], np.maximum(s.final_loss[col, i], 1e-8), "o",
                        color=plt.cm.viridis(i / max(s.init_scales.size - 1, 1)),
                        label=f"scale {v:g}")
        ax.axvline(0.0, color="k", lw=0.8)
        ax.set_xlabel(f"leading FTLE of the GD map, first {s.ftle_window} steps")
        ax.set_ylabel(f"final loss after {s.n_epochs} epochs")
        ax.legend(fontsize=7)
        ax.set_title(f"{name}: early FTLE vs final loss ({n_seeds} seeds per scale)",
                     fontsize=10)
    fig.tight_layout()
    return fig

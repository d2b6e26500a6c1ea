"""Figures of the bridge: training phases, activation histograms, Lyapunov exponents, graphs.

Every function imports matplotlib lazily, takes ``ax=None`` (a new figure is made) and
returns the axes.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = [
    "PHASE_COLOURS",
    "plot_phases",
    "plot_activation_histograms",
    "plot_lyapunov",
    "plot_loss",
    "plot_network_graph",
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


def plot_phases(diagnostics, labels, ax=None, *, title: str | None = None):
    """Saturation, binarisation agreement and linearisation error over training, shaded by phase.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.bridge import xor_task, train_mlp, phase_diagnostics, classify_phases
    >>> res = train_mlp(xor_task(), hidden=(3,), epochs=300, lr=2.0, rng=1)
    >>> d = phase_diagnostics(res, lyapunov=False)
    >>> ax = plot_phases(d, classify_phases(d))
    >>> ax.get_xlabel()
    'epoch'
    """
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    ep = d.epochs
    _shade(ax, labels)
    ax.plot(ep, d.saturated_fraction, color="C2", lw=1.8,
            label=f"saturated fraction (margin {d.margin:g})")
    ax.plot(ep, d.saturation, color="C2", lw=1.0, ls="--", label="mean |u| (saturation)")
    ax.plot(ep, d.binary_agreement, color="C3", lw=1.2, label="binarised = real (fraction)")
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
    ax2 = ax.twinx()
    ax2.semilogy(ep, np.maximum(d.loss, 1e-12), color="k", lw=1.0, label="loss (right)")
    ax2.set_ylabel("cross-entropy loss")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2 + _phase_handles(), l1 + l2 + list(PHASE_COLOURS), fontsize=7,
              loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, framealpha=0.9)
    ax.set_title(title or f"training phases ({d.activation}, lr {d.lr:g}); "
                 f"final: {labels.final}", fontsize=10)
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
    ax.set_ylabel("λ₁ per step")
    ax.set_title(title or f"FTLE of θ ↦ θ − η∇L (η = {d.lr:g})", fontsize=10)
    return ax


def plot_loss(diagnostics, ax=None, labels=None, *, title: str | None = None):
    """Loss and training error against epoch (optionally shaded by phase)."""
    ax = _axes(ax, _FIGSIZE)
    d = diagnostics
    if labels is not None:
        _shade(ax, labels)
    ax.semilogy(d.epochs, np.maximum(d.loss, 1e-12), color="k", label="loss")
    ax.semilogy(d.epochs, np.maximum(d.error, 1e-4), color="C3", label="error (floor 1e-4)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss / error")
    ax.legend(fontsize=8)
    ax.set_title(title or "loss and error", fontsize=10)
    return ax


def plot_network_graph(G, ax=None, *, title: str | None = None, show_formulas: bool = True):
    """Draw a binarised network graph (from ``network_to_graph``) in layers.

    Excitatory edges are solid blue, inhibitory (negated literal) dashed red; edge width grows
    with |weight|. Unit formulas are written beside the units when short.
    """
    import networkx as nx

    from esorma.bridge.graph import _layer_positions

    ax = _axes(ax, figsize=(8.0, 5.0))
    pos = _layer_positions(G)
    kinds = nx.get_node_attributes(G, "kind")
    colours = {"input": "#9ecae1", "hidden": "#fdd0a2", "output": "#a1d99b"}
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=520,
                           node_color=[colours.get(kinds[v], "#ccc") for v in G.nodes])
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
                txt = f if len(f) <= 48 else f[:45] + "..."
                x, y = pos[v]
                ax.text(x + 0.08, y - 0.09, txt, fontsize=6, color="0.25")
    from matplotlib.lines import Line2D

    ax.legend(handles=[Line2D([], [], color="#2166ac", label="excitatory (x)"),
                       Line2D([], [], color="#b2182b", ls="--", label="inhibitory (not x)")],
              fontsize=7, loc="upper right")
    ax.set_axis_off()
    ax.set_title(title or f"binarised network: {G.number_of_nodes()} nodes, "
                 f"{G.number_of_edges()} relevant edges", fontsize=10)
    return ax

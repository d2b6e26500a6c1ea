"""The figure of :func:`esorma._warmup.warmup`: compile (or cache-load) time per kernel group."""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, styled

__all__ = ["warmup_figure"]


@styled
def warmup_figure(report, *, title=None):
    """Horizontal bars of the seconds each part of a :class:`esorma._warmup.WarmupReport`
    took, annotated with the signatures made ready (compiled / loaded from the cache).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    parts = [str(p) for p in report.parts]
    secs = np.asarray(report.seconds, dtype=float)
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(parts) + 1.6))
    y = np.arange(len(parts))[::-1]
    ax.barh(y, secs, color="C0")
    ax.set_yticks(y, parts)
    ax.set_xlabel("wall time (s)")
    xmax = float(secs.max()) if secs.size else 1.0
    for yi, s, n, c in zip(y, secs, report.n_signatures, report.n_compiled):
        ax.text(s + 0.01 * max(xmax, 1e-9), yi, f"{int(n)} signatures, {int(c)} compiled",
                va="center", fontsize=NOTE_SIZE)
    ax.set_xlim(0, 1.45 * max(xmax, 1e-3))
    ax.set_title(title or f"esorma warmup: {float(report.total_seconds):.1f} s, "
                          f"{int(np.sum(report.n_compiled))} signatures compiled")
    fig.tight_layout()
    return fig

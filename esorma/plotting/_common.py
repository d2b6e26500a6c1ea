"""Helpers shared by the plotting modules: the axes helper, the shared style, label
placement and atomic saving.

One style for every figure of esorma (:data:`STYLE`, applied by :func:`styled`): titles 11 pt,
axis labels 10 pt, ticks and legends 9/8 pt, light grid, no top/right spines. Axis labels
carry their units in parentheses where a quantity has one (``time t (units of τ)``,
``energy per spin E/N``).
"""

from __future__ import annotations

import functools

#: rcParams of the shared style (used through :func:`styled`).
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8,
    "figure.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.framealpha": 0.85,
}

#: Font size of notes written inside axes (annotations, point labels).
NOTE_SIZE = 8


def styled(func):
    """Run a figure function inside ``matplotlib.rc_context(STYLE)`` (the shared style)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def place_labels(ax, points, texts, *, fontsize=NOTE_SIZE, min_gap=1.3, color="0.15"):
    """Write ``texts`` beside ``points`` (data coordinates) without overlaps, inside the axes.

    Labels go to the right of their point, or to the left when the point is in the right
    third of the axes; labels on the same side are pushed apart vertically (at least
    ``min_gap`` line heights) and joined to their point by a thin line when moved. Returns
    the list of text artists.
    """
    import numpy as np

    if not len(points):
        return []
    fig = ax.figure
    fig.canvas.draw_idle()
    trans = ax.transData
    disp = trans.transform(np.asarray(points, dtype=float))
    box = ax.get_window_extent()
    height = fontsize * fig.dpi / 72.0 * min_gap
    artists = []
    for side in ("right", "left"):
        idx = [i for i in range(len(texts))
               if (disp[i, 0] < box.x0 + 0.66 * box.width) == (side == "right")]
        idx.sort(key=lambda i: -disp[i, 1])
        ys = []
        for i in idx:
            y = min(disp[i, 1], box.y1 - 0.6 * height)
            if ys and ys[-1] - y < height:
                y = ys[-1] - height
            ys.append(y)
        # push back up if the stack left the axes at the bottom
        if ys and ys[-1] < box.y0 + 0.6 * height:
            shift = box.y0 + 0.6 * height - ys[-1]
            ys = [y + shift for y in ys]
        for i, y in zip(idx, ys):
            dx = 8 if side == "right" else -8
            xy_text = (disp[i, 0] + dx * fig.dpi / 72.0, y)
            data_text = trans.inverted().transform(xy_text)
            moved = abs(y - disp[i, 1]) > 0.3 * height
            artists.append(ax.annotate(
                texts[i], tuple(points[i]), xytext=tuple(data_text), textcoords="data",
                fontsize=fontsize, color=color, va="center",
                ha="left" if side == "right" else "right",
                arrowprops=dict(arrowstyle="-", color="0.6", lw=0.6) if moved else None,
                annotation_clip=False))
    return artists


def _axes(ax, figsize=(6.0, 4.5)):
    """Return ``ax``, or new axes on a new figure of ``figsize`` when ``ax`` is None.

    matplotlib is imported here, lazily, so that importing a plotting module costs nothing.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=figsize)
    return ax


def save_figure(fig, path, *, dpi: int = 120):
    """Save a matplotlib figure atomically (temporary file renamed into place) and close it.

    The format follows the file ending (``.png``, ``.pdf``, ``.svg``). Returns the path.

    Examples
    --------
    >>> import os, tempfile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> p = save_figure(fig, os.path.join(tempfile.mkdtemp(), "line.png"))
    >>> p.suffix
    '.png'
    """
    from pathlib import Path

    import matplotlib.pyplot as plt

    from esorma.io import atomic_write

    path = Path(path)
    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    plt.close(fig)
    return path

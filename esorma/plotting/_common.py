"""Helpers shared by the plotting modules."""

from __future__ import annotations


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

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

"""Matplotlib figures of esorma (each function takes ax=None and returns ax).

Figures are saved with :func:`save_figure` (atomic, format from the file ending).
"""

from esorma.plotting._common import save_figure

__all__ = ["save_figure"]

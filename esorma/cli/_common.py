"""Helpers shared by the command modules: common options, JSON output, figure saving."""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_seed", "add_json", "add_out", "add_quiet", "print_json", "save_figure"]


def add_seed(parser, default=0):
    parser.add_argument(
        "--seed", type=int, default=default, help=f"random seed (default {default})"
    )


def add_json(parser):
    parser.add_argument(
        "--json", action="store_true", help="print machine-readable JSON instead of a table"
    )


def add_out(parser, help="write results to this HDF5 file"):
    parser.add_argument("--out", type=Path, default=None, metavar="PATH", help=help)


def add_quiet(parser):
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def print_json(obj, file=None) -> None:
    """Print ``obj`` as indented JSON (NumPy types converted)."""
    from esorma.io import to_jsonable

    json.dump(to_jsonable(obj), file or sys.stdout, indent=2, sort_keys=True, allow_nan=False)
    (file or sys.stdout).write("\n")


def save_figure(fig, path) -> Path:
    """Save a matplotlib figure atomically (temporary file renamed into place) and close it."""
    import matplotlib.pyplot as plt

    from esorma.io import atomic_write

    path = Path(path)
    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    plt.close(fig)
    return path

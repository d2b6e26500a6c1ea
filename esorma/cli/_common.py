"""The command contract, shared by every sub-command: output flags, their checks, the ending.

Every command that computes something takes the same flags (``add_outputs``):

``--out FILE.h5``      the result, written with :func:`esorma.io.save_result`
``--figure FILE.png``  the figure (``.png``, ``.pdf`` or ``.svg``)
``--json``             the key numbers as JSON on stdout (nothing else printed)
``--force``            replace existing files (without it an existing target is refused)
``--seed``, ``--quiet``

:func:`esorma.cli.main` checks ``--out`` and ``--figure`` (ending, folder, existing file)
before the command runs, so a wrong target fails in well under a second. A command computes
its result with one library study function and ends with :func:`finish`, which writes only
what was asked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = [
    "add_seed",
    "add_quiet",
    "add_outputs",
    "check_outputs",
    "print_json",
    "progress",
    "finish",
]


def add_seed(parser, default=0):
    parser.add_argument(
        "--seed", type=int, default=default, help=f"random seed (default {default})"
    )


def add_quiet(parser):
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def add_outputs(parser, *, figure: bool = True, seed: int | None = 0, quiet: bool = True,
                out_help: str = "write the result to this HDF5 file (.h5)",
                figure_help: str = "draw the figure to this file (.png, .pdf or .svg)"):
    """Add the contract's output flags to ``parser`` (in an "output" group).

    ``figure=False`` for commands without a figure, ``seed=None`` for deterministic ones.
    """
    g = parser.add_argument_group("output")
    g.add_argument("--out", type=Path, default=None, metavar="FILE.h5", help=out_help)
    if figure:
        g.add_argument("--figure", type=Path, default=None, metavar="FILE.png",
                       help=figure_help)
    g.add_argument("--json", action="store_true",
                   help="print the key numbers as JSON on stdout (nothing else is printed)")
    g.add_argument("--force", action="store_true",
                   help="replace existing output files (refused without it)")
    if seed is not None:
        add_seed(g, seed)
    if quiet:
        add_quiet(g)
    return g


def check_outputs(args) -> None:
    """Refuse wrong ``--out``/``--figure`` targets before computing (see the module doc)."""
    from esorma.errors import OutputPathError
    from esorma.io import DATA_SUFFIXES, FIGURE_SUFFIXES, check_output_path

    force = bool(getattr(args, "force", False))
    out = getattr(args, "out", None)
    figure = getattr(args, "figure", None)
    if out is not None:
        check_output_path(out, suffixes=DATA_SUFFIXES, flag="--out", force=force)
    if figure is not None:
        check_output_path(figure, suffixes=FIGURE_SUFFIXES, flag="--figure", force=force)
    if out is not None and figure is not None and Path(out).resolve() == Path(figure).resolve():
        raise OutputPathError("--out and --figure name the same file")


def print_json(obj, file=None) -> None:
    """Print ``obj`` as indented strict JSON (NumPy types converted, NaN and inf as null)."""
    from esorma.io import to_jsonable

    json.dump(to_jsonable(obj), file or sys.stdout, indent=2, sort_keys=True, allow_nan=False)
    (file or sys.stdout).write("\n")


def progress(args):
    """A ``print`` for progress lines: silent with ``--quiet`` or ``--json``."""
    quiet = bool(getattr(args, "quiet", False) or getattr(args, "json", False))

    def say(*parts, **kwargs):
        if not quiet:
            print(*parts, flush=True, **kwargs)

    return say


def finish(args, result, *, summary: dict, text=(), draw=None, config=None, seed=None) -> int:
    """The end of every command: write ``--out`` and ``--figure``, print JSON or text.

    Parameters
    ----------
    args : argparse.Namespace
        With ``out``, ``json`` and (optionally) ``figure`` and ``quiet``.
    result : dataclass
        The study's result, saved with :func:`esorma.io.save_result`.
    summary : dict
        The key numbers (printed with ``--json``, with the files written under ``"files"``).
    text : str or sequence of str
        The human-readable report (printed unless ``--json`` or ``--quiet``).
    draw : callable, optional
        ``draw(result) -> matplotlib.figure.Figure``, called only with ``--figure``.
    config, seed
        Provenance stored in the file.

    Returns
    -------
    int
        The exit code (0).
    """
    from esorma.io import save_result

    files = {}
    if getattr(args, "out", None) is not None:
        save_result(args.out, result, config=config, seed=seed)
        files["out"] = str(args.out)
    if getattr(args, "figure", None) is not None:
        if draw is None:  # pragma: no cover - a command that offers --figure draws
            raise ValueError("--figure: this command has no figure")
        import matplotlib

        matplotlib.use("Agg")
        from esorma.plotting import save_figure

        save_figure(draw(result), args.figure)
        files["figure"] = str(args.figure)
    if getattr(args, "json", False):
        print_json({**summary, "files": files})
        return 0
    if not getattr(args, "quiet", False):
        lines = [text] if isinstance(text, str) else list(text)
        for line in lines:
            print(line)
        for name, path in files.items():
            print(f"wrote {path} ({name})")
    return 0


"""The ``esorma`` command line: one sub-command per job.

Sub-commands are discovered from the modules of this package (``esorma/cli/<name>.py``, names
not starting with an underscore). A command module defines

``NAME``            the sub-command (``"attractors"``)
``HELP``            one line for ``esorma --help``
``EXAMPLES``        a list of example command lines shown in ``esorma NAME --help``
``ORDER``           an int that sorts the commands in ``--help`` and in the tour
``add_arguments(parser)`` and ``run(args) -> int``
``tour(ctx)``       optional: its section of ``esorma tour`` (see :mod:`esorma.cli.tour`)

Command modules import heavy dependencies inside ``run`` so that ``esorma --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

__all__ = ["main", "command_modules", "build_parser"]


def command_modules() -> list:
    """The command modules of this package, sorted by their ``ORDER``."""
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def _epilog(examples) -> str:
    if not examples:
        return ""
    return "examples:\n" + "\n".join(f"  {e}" for e in examples)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    mods = command_modules()
    lines = []
    for m in mods:
        ex = getattr(m, "EXAMPLES", [])
        lines.append(f"  {m.NAME:<15} {m.HELP}")
        if ex:
            lines.append(f"  {'':<15}   e.g. {ex[0]}")
    parser = argparse.ArgumentParser(
        prog="esorma",
        description=(
            "esorma: attractors of Hopfield and Boltzmann networks, random-matrix spectra, "
            "replica theory and the bridge from saturated layers to logic."
        ),
        epilog="commands:\n" + "\n".join(lines) + "\n\nRun 'esorma COMMAND --help' for details.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from importlib import metadata

    try:
        version = metadata.version("esorma")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    parser.add_argument("--version", action="version", version=f"esorma {version}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for m in mods:
        p = sub.add_parser(
            m.NAME,
            help=m.HELP,
            description=getattr(m, "__doc__", None) or m.HELP,
            epilog=_epilog(getattr(m, "EXAMPLES", [])),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        m.add_arguments(p)
        p.set_defaults(_run=m.run)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``esorma`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `head`)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, TypeError, MemoryError, OSError) as exc:
        # OSError covers missing or unreadable files, HDF5 files that are not HDF5, and
        # unreachable schedulers (ConnectionError).
        print(f"esorma {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        if type(exc).__name__ not in ("ConvergenceError", "DivergenceError"):
            raise
        print(f"esorma {args.command}: did not converge: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"esorma {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

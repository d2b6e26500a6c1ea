"""The ``esorma`` command line: one sub-command per job.

Sub-commands are discovered from the modules of this package (``esorma/cli/<name>.py``, names
not starting with an underscore). A command module defines

``NAME``            the sub-command (``"attractors"``)
``HELP``            one line for ``esorma --help``
``EXAMPLES``        a list of example command lines shown in ``esorma NAME --help``
``ORDER``           an int that sorts the commands in ``--help`` and in the tour
``DESCRIPTION``     optional: the text of ``esorma NAME --help`` (default ``HELP``)
``CHECK_OUTPUTS``   optional: False for a command whose ``--out`` is not a result file
``add_arguments(parser)`` and ``run(args) -> int``
``tour(ctx)``       optional: its section of ``esorma tour`` (see :mod:`esorma.cli.tour`)

Command modules import heavy dependencies inside ``run`` so that ``esorma --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

__all__ = ["main", "command_modules", "build_parser", "build_parsers"]


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
    """The top-level parser with every sub-command registered (see :func:`build_parsers`)."""
    return build_parsers()[0]


def build_parsers():
    """The top-level parser and a dict ``{name: sub-command parser}``."""
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
        allow_abbrev=False,
    )
    from importlib import metadata

    try:
        version = metadata.version("esorma")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    parser.add_argument("--version", action="version", version=f"esorma {version}")
    # No per-command help here: the epilog lists the commands once, with an example each.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parsers = {}
    for m in mods:
        p = sub.add_parser(
            m.NAME,
            description=_wrap(getattr(m, "DESCRIPTION", None) or m.HELP),
            epilog=_epilog(getattr(m, "EXAMPLES", [])),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,  # a removed flag must not live on as a prefix of a new one
        )
        m.add_arguments(p)
        p.set_defaults(_run=m.run, _check_outputs=getattr(m, "CHECK_OUTPUTS", True))
        parsers[m.NAME] = p
    return parser, parsers


def _wrap(text: str, width: int = 90) -> str:
    """Wrap the paragraphs of a description whose lines are longer than the terminal."""
    import textwrap

    out = []
    for para in text.strip("\n").split("\n\n"):
        long = any(len(line) > 100 for line in para.splitlines())
        out.append(textwrap.fill(" ".join(para.split()), width) if long else para)
    return "\n\n".join(out)


def _unknown_command(parser, names, word) -> int:
    import difflib

    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"choose from {', '.join(names)}"
    parser.print_usage(sys.stderr)
    print(f"esorma: error: unknown command {word!r}; {hint}", file=sys.stderr)
    return 2


def _fail(sub, command, message, code=2) -> int:
    sub.print_usage(sys.stderr)
    print(f"esorma {command}: error: {message}", file=sys.stderr)
    return code


def main(argv=None) -> int:
    """Entry point of the ``esorma`` command; returns the exit code.

    Exit codes: 0 success, 2 bad input (flags, files, sizes; the sub-command's usage and
    the reason are printed), 3 a solver did not converge, 130 interrupted.
    """
    from esorma.cli._common import check_outputs
    from esorma.errors import ConvergenceError, EsormaError

    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    parser, parsers = build_parsers()
    if argv and not argv[0].startswith("-") and argv[0] not in parsers:
        return _unknown_command(parser, list(parsers), argv[0])
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "_run", None) is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        parser.print_help()
        return 0
    sub = parsers[args.command]
    if extra:
        sub.error(f"unrecognized arguments: {' '.join(extra)}")  # exits 2 with its usage
    try:
        if args._check_outputs:
            check_outputs(args)
        return int(args._run(args) or 0)
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `head`)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ConvergenceError as exc:
        print(f"esorma {args.command}: did not converge: {exc}", file=sys.stderr)
        return 3
    except (EsormaError, ValueError, TypeError, MemoryError, OSError) as exc:
        # OSError covers missing or unreadable files, HDF5 files that are not HDF5, and
        # unreachable schedulers (ConnectionError).
        return _fail(sub, args.command, exc)
    except KeyboardInterrupt:
        print(f"esorma {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

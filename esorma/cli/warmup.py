"""``esorma warmup``: compile and cache every Numba kernel the tour uses.

Parses the flags, calls :func:`esorma._warmup.warmup`, and ends with
:func:`esorma.cli._common.finish` (``--out`` report, ``--figure`` drawn by
:func:`esorma.plotting.warmup.warmup_figure`, ``--json``).
"""

from __future__ import annotations

NAME = "warmup"
HELP = "compile and cache every Numba kernel the tour uses (serial and parallel builds)"
DESCRIPTION = """\
Compile every Numba kernel that the tour and the commands use, and keep them in Numba's
on-disk cache, so that the first real run of a command does not pay for compilation.

Each part (the tour's sections) runs its study function on a tiny problem with the argument
types of the real calls, then compiles each kernel's serial or parallel twin for the same
signatures (a small problem takes only the serial build; the first large one would otherwise
still compile the parallel one). With an empty cache this takes about as long as the
compilation it saves (tens of seconds on two cores); with a full cache a second or two.

Nothing is written but the Numba cache (NUMBA_CACHE_DIR if set, else __pycache__ beside
esorma's sources), unless --out or --figure is given."""
EXAMPLES = [
    "esorma warmup",
    "esorma warmup --parts attractors capacity --json",
    "NUMBA_CACHE_DIR=/scratch/numba esorma warmup --quiet",
]
ORDER = 95


def add_arguments(parser):
    from esorma.cli._common import add_outputs

    parser.add_argument("--parts", nargs="+", default=None, metavar="PART",
                        help="warm up only these parts (default: all; see --list)")
    parser.add_argument("--list", action="store_true", help="list the parts and exit")
    add_outputs(parser, figure=True, seed=None,
                out_help="write the warm-up report (seconds per part) to this HDF5 file",
                figure_help="draw the seconds per part (.png, .pdf or .svg)")


def _row(name, seconds, n_sigs, n_comp, error="") -> str:
    row = f"{name:<15} {seconds:>8.2f} s  {n_sigs:>4} signatures ({n_comp} compiled)"
    return row + (f"  FAILED: {error}" if error else "")


def run(args) -> int:
    from esorma._warmup import PARTS, warmup
    from esorma.cli._common import finish, progress
    from esorma.plotting.warmup import warmup_figure

    if args.list:
        print("\n".join(PARTS))
        return 0
    if args.parts is not None:
        unknown = [p for p in args.parts if p not in PARTS]
        if unknown:
            raise ValueError(f"--parts: unknown part(s) {unknown}; choose among "
                             f"{', '.join(PARTS)}")
    say = progress(args)
    say(f"{'part':<15} {'time':>10}  kernels")
    report = warmup(args.parts, callback=lambda *row: say(_row(*row)))
    s = report.summary()
    where = report.cache_dir or "__pycache__ beside esorma's sources"
    text = [f"esorma warmup: {len(report.parts)} parts in {report.total_seconds:.1f} s; "
            f"{s['n_signatures']} kernel signatures ready, {s['n_compiled']} compiled; "
            f"cache: {where}"]
    if s["failed"]:
        text.append(f"failed parts (their kernels may still compile on first use): "
                    f"{', '.join(s['failed'])}")
    code = finish(args, report, summary=s, text=text, draw=warmup_figure,
                  config={"parts": [str(p) for p in report.parts]}, seed=None)
    return 1 if s["failed"] else code

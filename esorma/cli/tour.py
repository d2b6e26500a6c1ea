"""A short end-to-end run of everything esorma does, on embedded defaults.

Each command module may contribute a section by defining ``tour(ctx)``; sections run in the
commands' ``ORDER``. A section computes with the same library study function as its command,
writes its HDF5 files (``esorma.io.save_result``) and figures (``esorma.plotting.save_figure``)
through ``ctx.path`` (so that everything lands in the tour's folder and nowhere else), records
its key numbers with ``ctx.record``, and prints short lines with ``ctx.log``. The tour ends with
``summary.json`` and prints where everything is.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

NAME = "tour"
HELP = "short end-to-end run of every part of esorma (HDF5 + PNG written to a folder)"
DESCRIPTION = (
    "A short end-to-end run of every part of esorma on built-in defaults (about 25 s on two "
    "cores; the first run also compiles and caches the Numba kernels, about 1.5 minutes: run "
    "`esorma warmup` once after installing, or in an image build, to pay this up front).\n\n"
    "Each section (attractors, capacity, phase diagram, replica-symmetry breaking, spectra, "
    "Boltzmann networks, bridge, learning dynamics, chaos, dense associative memories) runs its "
    "command's study on a small problem and writes an HDF5 result and a PNG "
    "figure into the tour folder, and nowhere else; summary.json collects the key numbers. "
    "Running the tour again replaces the files of the previous tour in that folder."
)
EXAMPLES = ["esorma tour", "esorma tour --dir my-tour --seed 3",
            "esorma tour --only spectrum chaos --json"]
ORDER = 0


@dataclass
class TourContext:
    """What a tour section gets: where to write, the seed, and a place to record numbers."""

    outdir: Path
    seed: int
    quiet: bool = False
    summary: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    section: str = ""

    def log(self, msg: str) -> None:
        if not self.quiet:
            print(f"  {msg}", flush=True)

    def record(self, **numbers) -> None:
        self.summary.setdefault(self.section, {}).update(numbers)

    def path(self, name: str) -> Path:
        """A file path inside the tour folder (recorded in the list of outputs)."""
        p = self.outdir / name
        self.files.append(p)
        return p


def add_arguments(parser):
    parser.add_argument(
        "--dir", type=Path, default=Path("esorma-tour"), metavar="FOLDER",
        help="the tour's folder, created if needed (default esorma-tour)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--only", nargs="+", default=None, metavar="SECTION", help="run only these sections"
    )
    parser.add_argument("--json", action="store_true",
                        help="print only the summary, as JSON on stdout")
    parser.add_argument("--quiet", action="store_true", help="print only the final lines")


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from esorma.cli import command_modules
    from esorma.cli._common import print_json
    from esorma.io import atomic_write, package_versions, to_jsonable

    sections = [m for m in command_modules() if hasattr(m, "tour")]
    if args.only:
        unknown = set(args.only) - {m.NAME for m in sections}
        if unknown:
            raise ValueError(
                f"--only must name tour sections among {[m.NAME for m in sections]}; "
                f"got {sorted(unknown)}"
            )
        sections = [m for m in sections if m.NAME in args.only]
    if args.dir.exists() and not args.dir.is_dir():
        raise ValueError(f"--dir: {str(args.dir)!r} exists and is not a folder")
    if not args.dir.parent.is_dir():
        raise ValueError(f"--dir: folder {str(args.dir.parent)!r} does not exist")
    args.dir.mkdir(exist_ok=True)
    quiet = args.quiet or args.json
    ctx = TourContext(outdir=args.dir, seed=args.seed, quiet=quiet)
    failed = []
    t_all = time.perf_counter()
    for m in sections:
        ctx.section = m.NAME
        if not quiet:
            print(f"[{m.NAME}]", flush=True)
        t0 = time.perf_counter()
        try:
            m.tour(ctx)
        except Exception as exc:  # report and go on: one broken part must not hide the rest
            failed.append(m.NAME)
            print(f"esorma tour: section {m.NAME} FAILED: {type(exc).__name__}: {exc}",
                  file=sys.stderr, flush=True)
        ctx.record(seconds=round(time.perf_counter() - t0, 2))
    ctx.summary["_run"] = {
        "seed": args.seed,
        "seconds": round(time.perf_counter() - t_all, 2),
        "versions": package_versions(),
        "failed_sections": failed,
    }
    import json

    with atomic_write(args.dir / "summary.json") as tmp:
        tmp.write_text(json.dumps(to_jsonable(ctx.summary), indent=2, sort_keys=True,
                                  allow_nan=False))
    if args.json:
        print_json(ctx.summary)
        return 1 if failed else 0
    if not quiet:
        print()
    print(f"esorma tour: {len(sections) - len(failed)}/{len(sections)} sections ok in "
          f"{ctx.summary['_run']['seconds']:.1f} s; results in {args.dir.resolve()}")
    if not args.quiet:
        for p in ctx.files:
            if p.exists():
                print(f"  {p}")
        print(f"  {args.dir / 'summary.json'}")
    return 1 if failed else 0

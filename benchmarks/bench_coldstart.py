"""Cold start (issue 19): what the first run of the tour pays for compiling, and what
``esorma warmup`` saves.

Each repeat runs, in fresh subprocesses with their own empty Numba cache
(``NUMBA_CACHE_DIR`` pointed at a new temporary folder):

1. ``cold``: the tour on an empty cache (compiles and caches every kernel it uses);
2. ``warm``: the tour again on that cache (only loads the kernels);
3. on a second empty cache, ``esorma warmup`` (``warmup``), then the tour (``after_warmup``).

The tour's own work is the same in the three runs (same seed, same sections); the difference
is compilation. Target: ``after_warmup`` ≤ 1.3 × ``warm`` (every kernel the tour needs is
compiled by the warm-up, parallel builds included). Each tour run also reports how many kernel
signatures it still had to compile (Numba cache misses) and which.

BLAS is pinned to one thread in the children (``OPENBLAS_NUM_THREADS=1`` etc.; the same for
every run); wall and CPU seconds (user + system of the child) are medians over ``--repeats``
with their spread; the machine load is recorded.

Run: ``python benchmarks/bench_coldstart.py [--repeats 3] [--only SECTION ...]``; writes
``benchmarks/out/bench_coldstart.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, print_table, summary, write_json  # noqa: E402

#: Runs the tour in this process and prints, on its last line, the kernels it compiled.
_TOUR = r"""
import json, sys, tempfile, time
t0 = time.perf_counter()
from esorma.cli import main
only = sys.argv[1:]
with tempfile.TemporaryDirectory() as d:
    rc = main(["tour", "--dir", d, "--quiet"] + (["--only", *only] if only else []))
seconds = time.perf_counter() - t0
from numba.core.registry import CPUDispatcher
compiled = []
for name, mod in list(sys.modules.items()):
    if mod is None or not name.startswith("esorma"):
        continue
    for k, v in list(vars(mod).items()):
        if isinstance(v, CPUDispatcher) and v.__module__ == name:
            n = sum(v.stats.cache_misses.values())
            if n:
                compiled.append([f"{name}.{k}", n])
print("\n" + json.dumps({"rc": rc, "seconds": seconds, "compiled": compiled}))
"""


def _env(cache_dir: Path) -> dict:
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env.pop("ESORMA_NUMBA_CACHE", None)  # cache on
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


def _run(argv, cache_dir: Path) -> dict:
    """Run ``argv`` in a subprocess; wall and CPU seconds, and the JSON of its last line."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=_env(cache_dir), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-2000:]}")
    tail = proc.stdout.strip()
    try:
        info = json.loads(tail[tail.rindex("\n{") + 1:] if "\n{" in tail else tail)
    except ValueError:
        info = {}
    return {"wall": wall, "cpu": cpu, "info": info, "returncode": proc.returncode}


def tour(cache_dir: Path, only) -> dict:
    return _run([sys.executable, "-c", _TOUR, *only], cache_dir)


def warmup(cache_dir: Path) -> dict:
    return _run([sys.executable, "-m", "esorma", "warmup", "--json"], cache_dir)


def one_repeat(only, tmp: Path, k: int, say) -> dict:
    a, b = tmp / f"cache-{k}-a", tmp / f"cache-{k}-b"
    a.mkdir()
    b.mkdir()
    out = {}
    out["cold"] = tour(a, only)
    say(f"  cold tour          {out['cold']['wall']:7.1f} s")
    out["warm"] = tour(a, only)
    say(f"  warm tour          {out['warm']['wall']:7.1f} s")
    out["warmup"] = warmup(b)
    say(f"  esorma warmup      {out['warmup']['wall']:7.1f} s")
    out["after_warmup"] = tour(b, only)
    say(f"  tour after warmup  {out['after_warmup']['wall']:7.1f} s "
        f"({sum(n for _, n in out['after_warmup']['info'].get('compiled', []))} "
        f"signatures still compiled)")
    shutil.rmtree(a, ignore_errors=True)
    shutil.rmtree(b, ignore_errors=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="+", default=[], metavar="SECTION",
                        help="tour sections to run (default: the whole tour)")
    parser.add_argument("--target", type=float, default=1.3)
    args = parser.parse_args(argv)
    say = print
    say(f"machine: {machine()}")
    runs = []
    with tempfile.TemporaryDirectory(prefix="esorma-coldstart-") as d:
        for k in range(args.repeats):
            say(f"repeat {k + 1}/{args.repeats}")
            runs.append(one_repeat(args.only, Path(d), k, say))
    stages = ("cold", "warm", "warmup", "after_warmup")
    wall = {s: summary([r[s]["wall"] for r in runs]) for s in stages}
    cpu = {s: summary([r[s]["cpu"] for r in runs]) for s in stages}
    ratio = wall["after_warmup"]["median"] / wall["warm"]["median"]
    cold_ratio = wall["cold"]["median"] / wall["warm"]["median"]
    left = runs[-1]["after_warmup"]["info"].get("compiled", [])
    rows = [[s, f"{wall[s]['median']:.1f}", f"{wall[s]['spread']:.2f}",
             f"{cpu[s]['median']:.1f}"] for s in stages]
    print()
    print_table(rows, ["run", "wall s (median)", "spread", "cpu s (median)"])
    ok = ratio <= args.target
    print(f"\ncold / warm tour: {cold_ratio:.2f}x (first-run cost "
          f"{wall['cold']['median'] - wall['warm']['median']:.0f} s); warm-up costs "
          f"{wall['warmup']['median']:.0f} s; tour after warm-up / warm tour: {ratio:.2f}x "
          f"(target <= {args.target}): {'met' if ok else 'NOT met'}")
    if left:
        print("still compiled by the tour after warm-up: "
              + ", ".join(f"{k} ({n})" for k, n in left))
    write_json("bench_coldstart", {
        "sections": args.only or "all", "repeats": args.repeats, "blas_threads": 1,
        "wall": wall, "cpu": cpu, "cold_over_warm": cold_ratio,
        "after_warmup_over_warm": ratio, "target": args.target, "ok": ok,
        "compiled_after_warmup": left, "runs": runs, "load_after": machine()["loadavg"],
    })
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

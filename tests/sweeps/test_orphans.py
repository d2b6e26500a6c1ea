"""A sweep's worker processes die with their parent, even when the parent is SIGKILLed.

A 2-worker sweep runs in a subprocess; once both workers are busy, the subprocess is killed
with SIGKILL (no clean-up runs) and every process it had started (the workers and the
``multiprocessing`` resource tracker) must be gone within a few seconds.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table from /proc"
)

POINT_MODULE = """
import time

def slow_point(point):
    time.sleep(120)
    return {"x": 1.0}
"""

SWEEP_SCRIPT = """
from esorma.sweeps import grid_points, run_sweep
from orphan_points import slow_point

if __name__ == "__main__":
    run_sweep(slow_point, grid_points({"x": [1, 2, 3, 4]}, seed=0), workers=2,
              progress=False)
"""

# The portable fallback (a watchdog thread polling os.getppid()), forced by use_prctl=False.
WATCHDOG_SCRIPT = """
import concurrent.futures as cf
import multiprocessing
import os
import time

from esorma.sweeps.executors import _init_worker

if __name__ == "__main__":
    pool = cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_init_worker,
                                  initargs=(1, os.getpid(), False))
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    time.sleep(300)
"""


def _process_table():
    """{pid: (ppid, state, start_time)} from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return table


def _descendants(root, table):
    out, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _state, start) in table.items():
            if ppid == parent and pid not in out:
                out[pid] = start
                frontier.append(pid)
    return out


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid, start, table):
    """Still running: present, not a zombie, and not a recycled pid."""
    row = table.get(pid)
    return row is not None and row[1] != "Z" and row[2] == start


def _kill_and_check(script, tmp_path, n_workers=2):
    (tmp_path / "orphan_points.py").write_text(textwrap.dedent(POINT_MODULE))
    (tmp_path / "main.py").write_text(textwrap.dedent(script))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, str(tmp_path / "main.py")], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = {}
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            started = _descendants(proc.pid, _process_table())
            workers = [p for p in started if "spawn_main" in _cmdline(p)]
            if len(workers) >= n_workers:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the workers did not start within 90 s")
        time.sleep(1.0)  # let the workers reach their (long) tasks
        started = _descendants(proc.pid, _process_table())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while True:
            table = _process_table()
            survivors = {p: _cmdline(p) for p, s in started.items() if _alive(p, s, table)}
            if not survivors or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        table = _process_table()
        for pid, start in started.items():  # never leave anything behind, even on failure
            if _alive(pid, start, table):
                os.kill(pid, signal.SIGKILL)
    assert len(started) >= n_workers
    assert not survivors, f"processes survived their killed parent: {survivors}"


def test_sigkill_of_a_two_worker_sweep_leaves_no_workers_nor_resource_tracker(tmp_path):
    _kill_and_check(SWEEP_SCRIPT, tmp_path)


def test_watchdog_fallback_ends_workers_of_a_killed_parent(tmp_path):
    _kill_and_check(WATCHDOG_SCRIPT, tmp_path)


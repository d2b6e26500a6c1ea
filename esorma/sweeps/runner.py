"""The sweep itself: :func:`run_sweep` evaluates a function on every grid point, storing and
resuming through :mod:`esorma.sweeps.store` under the lock of :mod:`esorma.sweeps.locks`, on
an executor of :mod:`esorma.sweeps.executors`.

When a point fails (or on Ctrl-C), points not yet started are cancelled, running ones are
awaited and every point that succeeded is committed before the error is re-raised (with Dask
only the points already finished are kept). The function must be importable by the workers
(a module-level function, optionally wrapped in :func:`functools.partial`).
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from esorma._results import summarized
from esorma._validation import check_int, check_memory, format_bytes
from esorma.sweeps.executors import open_executor
from esorma.sweeps.grid import GridPoint
from esorma.sweeps.locks import _lock
from esorma.sweeps.store import (
    PointOutput,
    _as_output,
    _commit,
    _create_file,
    drop_points,
    inspect_results_file,
)

__all__ = ["SweepReport", "run_sweep"]


@summarized
@dataclass(frozen=True)
class SweepReport:
    """Outcome of :func:`run_sweep`.

    Attributes
    ----------
    path : Path or None
        The results file (None for an in-memory sweep).
    n_points, n_skipped, n_computed : int
        Points in the grid, already in the file before this run, computed by this run.
    seconds : float
        Wall time of this run.
    executor : str
        ``"serial"``, ``"processes"``, ``"dask"`` or the class name of a given executor.
    outputs : dict
        key -> :class:`PointOutput` for the points computed by this run (in memory only when
        ``path`` is None; empty otherwise, read the file with :func:`load_points`).
    damaged : tuple of str
        Keys of the points found damaged in the file (a checksum that did not match): they
        were dropped and computed again by this run (a ``DamagedPointsWarning`` said so).
    """

    path: Path | None
    n_points: int
    n_skipped: int
    n_computed: int
    seconds: float
    executor: str
    outputs: dict = field(default_factory=dict, repr=False)
    damaged: tuple = ()

    def __post_init__(self):
        if self.path is not None and not isinstance(self.path, Path):
            object.__setattr__(self, "path", Path(self.path))  # a str read back from a file


def _progress(total, initial, desc, enabled):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="point", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True, leave=True)


def run_sweep(
    func: Callable[[GridPoint], Any],
    points: Iterable[GridPoint],
    *,
    path=None,
    kind: str = "sweep",
    config: Mapping | None = None,
    seed=None,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    executor=None,
    timeout: float = 10.0,
    memory_per_point: float | None = None,
    progress: bool = True,
    desc: str = "sweep",
) -> SweepReport:
    """Evaluate ``func`` on every point, storing each finished point atomically; resume.

    Parameters
    ----------
    func : callable
        ``func(point) -> PointOutput or dict of arrays``; module-level (picklable) when run on
        worker processes or Dask.
    points : iterable of GridPoint
        The grid (unique keys).
    path : path-like, optional
        The results file (one per study). Points already in it are skipped; a file written
        with another ``kind``, ``config`` or ``seed`` is refused (ValueError naming the
        differing keys). Damaged points in it (checksums that do not match) are reported (a
        ``DamagedPointsWarning`` naming each, ``report.damaged``), dropped from the file and
        computed again; every intact point is kept. A file whose root is damaged is refused
        (:class:`esorma.errors.FileFormatError`). Without a path the outputs stay in memory
        (``report.outputs``).
    kind, config, seed
        Stored as provenance attributes and compared on resume.
    workers, scheduler, dask, executor, timeout
        Execution (see :func:`open_executor`).
    memory_per_point : float, optional
        Estimated peak bytes of one point; with local workers the sweep is refused up front
        (MemoryError, with the estimate) when ``workers`` of them would not fit.
    progress : bool
        Show a progress bar with an ETA (tqdm, on stderr).

    Returns
    -------
    SweepReport

    Examples
    --------
    >>> from esorma.sweeps import grid_points, run_sweep, _example_point
    >>> rep = run_sweep(_example_point, grid_points({"x": [1, 2]}, seed=3), progress=False)
    >>> rep.n_computed, sorted(rep.outputs)
    (2, ['x=1', 'x=2'])
    """
    points = list(points)
    if not points:
        raise ValueError("points must contain at least one grid point; got an empty grid")
    for p in points:
        if not isinstance(p, GridPoint):
            raise TypeError(f"points must be GridPoint objects; got {type(p).__name__}")
    keys = [p.key for p in points]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"points must have unique keys; repeated: {dup}")
    workers = check_int(workers, "workers", minimum=1)
    if memory_per_point is not None and scheduler is None and executor is None:
        check_memory(
            float(memory_per_point) * workers,
            f"{workers} worker(s) holding one network each ({format_bytes(memory_per_point)} "
            f"per point)",
            hint="use fewer workers (--workers) or smaller networks",
        )
    t0 = time.perf_counter()
    path = None if path is None else Path(path)

    def finished_keys() -> tuple[set[str], dict[str, str]]:
        if path is not None and path.exists():
            return inspect_results_file(path, kind=kind, config=config or {}, seed=seed)
        return set(), {}

    # A first look without the lock: a mismatched file is refused and a finished study returns
    # before any executor is started. The authoritative check is repeated under the lock.
    done, damaged = finished_keys()
    if all(p.key in done for p in points) and not damaged:
        return SweepReport(path, len(points), len(points), 0, time.perf_counter() - t0, "none")
    with contextlib.ExitStack() as stack:
        # Connect first: an unreachable scheduler must leave the file system untouched (no
        # results file, no lock file).
        runner = stack.enter_context(open_executor(
            workers=workers, scheduler=scheduler, dask=dask, executor=executor, timeout=timeout))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(_lock(path))
            done, damaged = finished_keys()
            if damaged:  # report them, keep every intact point, compute them again
                drop_points(path, damaged, reasons=damaged)
        pending = [p for p in points if p.key not in done]
        n_skipped = len(points) - len(pending)
        if not pending:
            return SweepReport(path, len(points), n_skipped, 0, time.perf_counter() - t0,
                               "none", damaged=tuple(sorted(damaged)))
        if path is not None and not path.exists():
            _create_file(path, kind=kind, config=config or {}, seed=seed)
        bar = stack.enter_context(_progress(len(points), n_skipped, desc, progress))
        outputs = {}
        committed = set()

        def commit(point, value):
            out = _as_output(value)
            if path is None:
                outputs[point.key] = out
            else:
                _commit(path, point, out, kind=kind, config=config or {})
            committed.add(point.key)
            bar.update(1)

        if runner is None:
            for p in pending:
                commit(p, func(p))
            name = "serial"
        else:
            name = runner.name
            futures = {runner.submit(func, p): p for p in pending}
            error = None
            try:
                for fut in runner.as_completed(list(futures)):
                    commit(futures[fut], fut.result())
            except BaseException as exc:  # keep every point that succeeds, then re-raise
                error = exc
                with contextlib.suppress(BaseException):
                    runner.drain(futures)  # points already running finish and are kept
                for fut, p in futures.items():
                    with contextlib.suppress(BaseException):
                        if p.key not in committed and fut.done() and not fut.cancelled() \
                                and fut.exception() is None:
                            commit(p, fut.result())
                    with contextlib.suppress(BaseException):
                        fut.cancel()
            if error is not None:
                raise error
    return SweepReport(path, len(points), n_skipped, len(pending), time.perf_counter() - t0,
                       name, outputs, tuple(sorted(damaged)))


def _example_point(point: GridPoint) -> PointOutput:
    """A tiny point function for examples and tests: two random numbers from the point seed."""
    return PointOutput({"values": point.rng().random(2)}, {"index": point.index})

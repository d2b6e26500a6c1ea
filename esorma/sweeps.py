"""Parameter sweeps: grid points with derived seeds, executors (local processes, Dask), resume.

A sweep evaluates one function on every point of a grid and stores each point's raw results in
one HDF5 file per study. The design choices, in short:

Seeds
    Each :class:`GridPoint` carries ``numpy.random.SeedSequence(entropy=study_seed,
    spawn_key=coordinate keys)``, so a point's random numbers depend only on the study seed and
    its coordinates: never on the execution order, the number of workers or the executor.
    Integer coordinates are their own key; floats use their IEEE-754 bits; strings a SHA-256
    prefix (see :func:`coordinate_key`).

Storage and resume
    One HDF5 file per study. The root carries the provenance attributes of
    :func:`esorma.io.write_metadata` (kind, config as JSON, seed, package versions); each
    finished point is a group ``/points/<key>`` with its datasets and attributes (coordinates,
    seed key, package versions of the run that computed it, timings). A point is committed
    atomically by *copy, append, rename*: the current
    file is copied to a temporary file beside it, the point is added to the copy, the copy is
    flushed to disk (``fsync``) and renamed over the original (``os.replace``). The file under
    its final name is therefore always a complete HDF5 file holding only finished points; a
    kill at any moment loses at most the points still running. A commit costs one copy of the
    file, so per-point results should stay small (overlaps, counters; not networks). Only the
    coordinating process writes; workers return their arrays. A lock file (``<name>.lock``,
    ``fcntl.flock``), taken once the executor is connected and removed on release, refuses a
    second concurrent run on the same results file; under it, commit copies (``.<name>.*.tmp``)
    left by a run killed mid-commit are deleted. When a point fails (or on Ctrl-C), points not
    yet started are cancelled, running ones are awaited and every point that succeeded is
    committed before the error is re-raised (with Dask only the points already finished are
    kept).

    Rerunning with the same config and seed skips every point already in the file; a file
    written with another kind, config or seed is refused with the list of differing keys.

Executors
    ``workers=1`` runs in this process (lazily, point after point). ``workers > 1`` uses a
    :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method (safe with
    threads, Numba and BLAS). ``scheduler="tcp://host:port"`` sends the points to an existing
    Dask distributed cluster (``distributed.Client``); ``dask=True`` without an address starts a
    local Dask cluster of ``workers`` processes on the loopback interface. Any
    ``concurrent.futures``-style executor can also be passed as ``executor``.
    The function must be importable by the workers (a module-level function, optionally
    wrapped in :func:`functools.partial`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import itertools
import json
import numbers
import os
import shutil
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from esorma._results import summarized
from esorma.errors import SchedulerError

from esorma._validation import check_int, check_memory, check_real, format_bytes

__all__ = [
    "GridPoint",
    "PointOutput",
    "StoredPoint",
    "SweepReport",
    "SchedulerError",
    "coordinate_key",
    "point_key",
    "make_point",
    "grid_points",
    "run_sweep",
    "load_points",
    "config_differences",
    "check_results_file",
    "open_executor",
]

POINTS_GROUP = "points"


# --------------------------------------------------------------------------- grid points


def coordinate_key(value) -> int:
    """The non-negative integer that stands for one coordinate value in a point's seed.

    Non-negative ints are their own key; negative ints map to ``2**64 + |v|``; floats to their
    IEEE-754 bits (``-0.0`` is ``0.0``); strings to the first 8 bytes of their SHA-256.

    Examples
    --------
    >>> coordinate_key(2000), coordinate_key(0.0), coordinate_key(0.5)
    (2000, 0, 4602678819172646912)
    """
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Integral):
        v = int(value)
        return v if v >= 0 else 2**64 - v
    if isinstance(value, numbers.Real):
        v = float(value)
        if not np.isfinite(v):
            raise ValueError(f"coordinates must be finite; got {value!r}")
        if v == 0.0:
            v = 0.0
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    if isinstance(value, str):
        return int.from_bytes(hashlib.sha256(value.encode()).digest()[:8], "little")
    raise TypeError(f"coordinates must be int, float or str; got {type(value).__name__}")


def _fmt(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return str(value)


def point_key(coords: Mapping[str, Any]) -> str:
    """The HDF5 group name of a point: ``"N=2000,P=260,T=0.0"``.

    Examples
    --------
    >>> point_key({"N": 100, "alpha": 0.1})
    'N=100,alpha=0.1'
    """
    parts = []
    for name, value in coords.items():
        text = f"{name}={_fmt(value)}"
        if "/" in text or "," in _fmt(value):
            raise ValueError(f"coordinate {name!r} must not contain '/' or ','; got {value!r}")
        parts.append(text)
    return ",".join(parts)


@summarized
@dataclass(frozen=True)
class GridPoint:
    """One point of a sweep: coordinates, a stable key and its own seed.

    Attributes
    ----------
    index : int
        Position in the grid (for display only: the seed does not depend on it).
    key : str
        HDF5 group name, from the coordinates (:func:`point_key`).
    coords : dict
        Coordinate values (JSON-able scalars).
    entropy : int
        The study seed.
    spawn_key : tuple of int
        :func:`coordinate_key` of the seed coordinates.
    """

    index: int
    key: str
    coords: dict
    entropy: int
    spawn_key: tuple

    def seed_sequence(self) -> np.random.SeedSequence:
        """A fresh ``SeedSequence(entropy, spawn_key)`` (the same every call)."""
        return np.random.SeedSequence(entropy=self.entropy, spawn_key=self.spawn_key)

    def rng(self) -> np.random.Generator:
        """A fresh generator seeded by :meth:`seed_sequence`."""
        return np.random.default_rng(self.seed_sequence())


def _check_seed(seed) -> int:
    return check_int(seed, "seed", minimum=0)


def make_point(coords: Mapping[str, Any], *, seed: int, index: int = 0, seed_coords=None):
    """A :class:`GridPoint` with seed ``SeedSequence(seed, spawn_key=keys(seed_coords))``.

    Parameters
    ----------
    coords : mapping
        Coordinates of the point (also its key).
    seed : int
        Study seed (>= 0).
    seed_coords : sequence, optional
        The values that determine the seed (default: every coordinate, in order).

    Examples
    --------
    >>> p = make_point({"N": 100, "P": 10}, seed=7)
    >>> p.key, p.spawn_key
    ('N=100,P=10', (100, 10))
    >>> bool(p.rng().random() == make_point({"N": 100, "P": 10}, seed=7).rng().random())
    True
    """
    seed = _check_seed(seed)
    coords = {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in coords.items()}
    values = list(coords.values()) if seed_coords is None else list(seed_coords)
    spawn = tuple(coordinate_key(v) for v in values)
    return GridPoint(index=int(index), key=point_key(coords), coords=coords, entropy=seed,
                     spawn_key=spawn)


def grid_points(axes: Mapping[str, Sequence], *, seed: int) -> list[GridPoint]:
    """Cartesian product of the axes (first axis slowest), one :class:`GridPoint` each.

    Raises ValueError for an empty mapping, an empty axis or repeated values on an axis.

    Examples
    --------
    >>> pts = grid_points({"N": [100, 200], "alpha": [0.05, 0.1]}, seed=0)
    >>> [p.key for p in pts]
    ['N=100,alpha=0.05', 'N=100,alpha=0.1', 'N=200,alpha=0.05', 'N=200,alpha=0.1']
    """
    if not isinstance(axes, Mapping) or not axes:
        raise ValueError(f"axes must be a non-empty mapping name -> values; got {axes!r}")
    lists = {}
    for name, values in axes.items():
        vals = list(np.atleast_1d(np.asarray(values)).tolist()) if not isinstance(
            values, (list, tuple)) else list(values)
        if not vals:
            raise ValueError(f"axis {name!r} must have at least one value; got an empty grid")
        keys = [_fmt(v) for v in vals]
        if len(set(keys)) != len(keys):
            raise ValueError(f"axis {name!r} must not repeat values; got {vals}")
        lists[name] = vals
    names = list(lists)
    return [
        make_point(dict(zip(names, combo)), seed=seed, index=i)
        for i, combo in enumerate(itertools.product(*lists.values()))
    ]


# --------------------------------------------------------------------------- results


@summarized
@dataclass(frozen=True)
class PointOutput:
    """What a point function returns: arrays (HDF5 datasets) and scalar attributes."""

    arrays: dict
    attrs: dict = field(default_factory=dict)


@summarized
@dataclass(frozen=True)
class StoredPoint:
    """A finished point read back from a results file."""

    key: str
    coords: dict
    arrays: dict
    attrs: dict


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
    """

    path: Path | None
    n_points: int
    n_skipped: int
    n_computed: int
    seconds: float
    executor: str
    outputs: dict = field(default_factory=dict, repr=False)


def _normalise(obj):
    from esorma.io import to_jsonable

    return json.loads(json.dumps(to_jsonable(obj), sort_keys=True))


def config_differences(stored: Mapping, current: Mapping) -> list[str]:
    """Human-readable differences between two configs (``"key: file=..., now=..."``).

    Examples
    --------
    >>> config_differences({"n": 1, "rule": "hebb"}, {"n": 2, "rule": "hebb"})
    ['n: file=1, now=2']
    """
    a, b = _normalise(dict(stored)), _normalise(dict(current))
    out = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k, "<missing>"), b.get(k, "<missing>")
        if va != vb:
            out.append(f"{k}: file={json.dumps(va)}, now={json.dumps(vb)}")
    return out


def check_results_file(path, *, kind: str, config: Mapping, seed) -> set[str]:
    """Check that ``path`` was written by the same kind, config and seed; return its point keys.

    Raises
    ------
    ValueError
        If the file is not an esorma sweep file, or was written with another kind, config or
        seed (the message lists every differing key).
    """
    import h5py

    from esorma.io import read_metadata

    path = Path(path)
    try:
        meta = read_metadata(path)
    except OSError as exc:
        raise ValueError(f"results file {str(path)!r} is not a readable HDF5 file: {exc}") from exc
    if meta.get("kind") != kind:
        raise ValueError(
            f"results file {str(path)!r} holds kind {meta.get('kind')!r}, not {kind!r}; "
            "choose another file"
        )
    diffs = config_differences(meta.get("config", {}), config or {})
    if _normalise(meta.get("seed")) != _normalise(seed):
        diffs.append(f"seed: file={json.dumps(meta.get('seed'))}, now={json.dumps(seed)}")
    if diffs:
        raise ValueError(
            f"results file {str(path)!r} was written with a different config; refusing to mix "
            f"results (use another --out or the same options). Differing keys: "
            + "; ".join(diffs)
        )
    with h5py.File(path, "r") as fh:
        return set(fh[POINTS_GROUP].keys()) if POINTS_GROUP in fh else set()


def load_points(path) -> tuple[dict, dict[str, StoredPoint]]:
    """Read a results file: ``(metadata, {key: StoredPoint})``.

    Examples
    --------
    >>> import os, tempfile
    >>> from esorma.sweeps import grid_points, run_sweep, load_points, _example_point
    >>> p = os.path.join(tempfile.mkdtemp(), "demo.h5")
    >>> pts = grid_points({"x": [1, 2, 3]}, seed=0)
    >>> _ = run_sweep(_example_point, pts, path=p, kind="demo", config={}, seed=0,
    ...               progress=False)
    >>> meta, points = load_points(p)
    >>> sorted(points), points["x=2"].arrays["values"].shape
    (['x=1', 'x=2', 'x=3'], (2,))
    """
    import h5py

    from esorma.io import read_metadata

    meta = read_metadata(path)
    out = {}
    with h5py.File(path, "r") as fh:
        grp = fh.get(POINTS_GROUP)
        for key in ([] if grp is None else grp.keys()):
            g = grp[key]
            attrs = {}
            for k, v in g.attrs.items():
                if isinstance(v, bytes):
                    v = v.decode()
                if isinstance(v, np.generic):
                    v = v.item()
                attrs[k] = v
            coords = json.loads(attrs.pop("coords"))
            attrs["spawn_key"] = tuple(json.loads(attrs.get("spawn_key", "[]")))
            arrays = {k: ds[()] for k, ds in g.items()}
            out[key] = StoredPoint(key=key, coords=coords, arrays=arrays, attrs=attrs)
    return meta, out


# --------------------------------------------------------------------------- storage


def _fsync(path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create_file(path: Path, *, kind, config, seed) -> None:
    from esorma.io import atomic_h5

    with atomic_h5(path, kind=kind, config=config, seed=seed) as fh:
        fh.create_group(POINTS_GROUP)
        fh.attrs["storage"] = "one group per finished point; commit = copy, append, fsync, rename"


def _write_point(group, point: GridPoint, output: PointOutput) -> None:
    from esorma.io import package_versions

    g = group.create_group(point.key)
    g.attrs["versions"] = json.dumps(package_versions(), sort_keys=True)
    g.attrs["coords"] = json.dumps(_normalise(point.coords))
    g.attrs["seed_entropy"] = json.dumps(point.entropy)
    g.attrs["spawn_key"] = json.dumps(list(point.spawn_key))
    for name, value in output.arrays.items():
        arr = np.asarray(value)
        g.create_dataset(name, data=arr, compression="gzip" if arr.size > 4096 else None)
    for name, value in output.attrs.items():
        g.attrs[name] = value.item() if isinstance(value, np.generic) else value


def _commit(path: Path, point: GridPoint, output: PointOutput) -> None:
    """Add one point to ``path`` atomically (copy, append, fsync, rename)."""
    import h5py

    from esorma.io import atomic_write

    with atomic_write(path) as tmp:
        shutil.copyfile(path, tmp)
        with h5py.File(tmp, "a") as fh:
            grp = fh.require_group(POINTS_GROUP)
            if point.key in grp:  # already there (cannot happen under the lock); keep it
                return
            _write_point(grp, point, output)
        _fsync(tmp)
    _fsync(path.parent)


@contextlib.contextmanager
def _lock(path: Path):
    """Hold ``<name>.lock`` (``fcntl.flock``) for the duration; remove it on release.

    The lock file is unlinked while the lock is still held. A process that opened the old
    file just before the unlink would then lock an orphaned inode, so after taking the lock
    the path is checked to still name the locked inode (otherwise: retry with a fresh file).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    for _attempt in range(20):
        fh = open(lock_path, "a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise ValueError(
                f"results file {str(path)!r} is being written by another run (lock "
                f"{str(lock_path)!r} is held); wait for it or choose another file"
            ) from exc
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()  # the previous holder removed this lock file: take a fresh one
    else:  # pragma: no cover - pathological churn
        raise ValueError(f"could not take the lock {str(lock_path)!r}; try again")
    try:
        _remove_stale_temporaries(path)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # still holding the flock: nobody else is inside
        fh.close()


def _remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete ``.<name>.*.tmp`` commit copies left beside ``path`` by a killed run.

    Called under the lock, when no other run can be committing to ``path``.
    """
    removed = []
    if not path.parent.is_dir():
        return removed
    import glob

    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _as_output(value) -> PointOutput:
    if isinstance(value, PointOutput):
        return value
    if isinstance(value, Mapping):
        return PointOutput(arrays=dict(value))
    raise TypeError(
        f"a sweep function must return a PointOutput or a dict of arrays; got "
        f"{type(value).__name__}"
    )


# --------------------------------------------------------------------------- executors


def _init_worker(threads: int) -> None:  # pragma: no cover - runs in worker processes
    with contextlib.suppress(Exception):
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


class _Runner:
    """A uniform face over the executors: ``submit(fn, arg)`` and ``as_completed(futures)``."""

    def __init__(self, name, executor=None, client=None, cluster=None):
        self.name = name
        self.executor = executor
        self.client = client
        self.cluster = cluster

    def submit(self, fn, arg):
        if self.client is not None:
            return self.client.submit(fn, arg, pure=False)
        return self.executor.submit(fn, arg)

    def as_completed(self, futures):
        if self.client is not None:
            from distributed import as_completed

            return as_completed(futures, loop=self.client.loop)
        return cf.as_completed(futures)

    def drain(self, futures):
        """Cancel the futures that have not started and wait for the running ones.

        concurrent.futures executors only: a Dask client cannot tell queued from running
        tasks, so there only the futures already finished are kept.
        """
        if self.client is not None:
            return
        for fut in futures:
            fut.cancel()
        cf.wait(list(futures))

    def close(self):
        if self.name == "processes" and self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        if self.client is not None and self.name == "dask":
            with contextlib.suppress(Exception):
                self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def _check_address(address) -> str:
    if not isinstance(address, str) or not address.strip():
        raise TypeError(
            f"scheduler must be an address string like 'tcp://host:8786'; got {address!r}"
        )
    address = address.strip()
    rest = address.split("://", 1)[-1]
    host, sep, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"scheduler must look like 'tcp://host:port'; got {address!r}")
    return address


@contextlib.contextmanager
def open_executor(*, workers: int = 1, scheduler: str | None = None, dask: bool = False,
                  executor=None, timeout: float = 10.0):
    """Yield a runner (``submit``/``as_completed``) or None for in-process serial execution.

    Parameters
    ----------
    workers : int
        Local worker processes (``ProcessPoolExecutor`` with ``spawn``) or, with ``dask=True``
        and no scheduler, the processes of a local Dask cluster on 127.0.0.1.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:port``).
    dask : bool
        Use Dask distributed (a local cluster when ``scheduler`` is None).
    executor : concurrent.futures.Executor or distributed.Client, optional
        Use this executor as is (it is not shut down).
    timeout : float
        Seconds to wait for the scheduler before :class:`SchedulerError`.
    """
    workers = check_int(workers, "workers", minimum=1)
    timeout = check_real(timeout, "timeout", minimum=0.0, strict_min=True)
    if executor is not None:
        if scheduler is not None or dask:
            raise ValueError("give either executor or scheduler/dask, not both")
        if not hasattr(executor, "submit"):
            raise TypeError(f"executor must have a submit() method; got {type(executor).__name__}")
        is_client = type(executor).__module__.startswith("distributed")
        runner = _Runner(type(executor).__name__, executor=None if is_client else executor,
                         client=executor if is_client else None)
        yield runner
        return
    if scheduler is not None or dask:
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise ImportError(
                "Dask execution needs dask.distributed: pip install 'dask[distributed]'"
            ) from exc
        cluster = None
        if scheduler is not None:
            address = _check_address(scheduler)
            try:
                client = distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(
                    f"could not reach the Dask scheduler at {address!r} within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); nothing was written"
                ) from exc
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None,
            )
            client = distributed.Client(cluster, set_as_default=False)
        runner = _Runner("dask", client=client, cluster=cluster)
        try:
            yield runner
        finally:
            runner.close()
        return
    if workers == 1:
        yield None
        return
    import multiprocessing

    pool = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(max(1, (os.cpu_count() or 1) // workers),),
    )
    runner = _Runner("processes", executor=pool)
    try:
        yield runner
    finally:
        runner.close()


# --------------------------------------------------------------------------- the sweep


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
        differing keys). Without a path the outputs stay in memory (``report.outputs``).
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

    def finished_keys() -> set[str]:
        if path is not None and path.exists():
            return check_results_file(path, kind=kind, config=config or {}, seed=seed)
        return set()

    # A first look without the lock: a mismatched file is refused and a finished study returns
    # before any executor is started. The authoritative check is repeated under the lock.
    done = finished_keys()
    if all(p.key in done for p in points):
        return SweepReport(path, len(points), len(points), 0, time.perf_counter() - t0, "none")
    with contextlib.ExitStack() as stack:
        # Connect first: an unreachable scheduler must leave the file system untouched (no
        # results file, no lock file).
        runner = stack.enter_context(open_executor(
            workers=workers, scheduler=scheduler, dask=dask, executor=executor, timeout=timeout))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(_lock(path))
            done = finished_keys()
        pending = [p for p in points if p.key not in done]
        n_skipped = len(points) - len(pending)
        if not pending:
            return SweepReport(path, len(points), n_skipped, 0, time.perf_counter() - t0,
                               "none")
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
                _commit(path, point, out)
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
                       name, outputs)


def _example_point(point: GridPoint) -> PointOutput:
    """A tiny point function for examples and tests: two random numbers from the point seed."""
    return PointOutput({"values": point.rng().random(2)}, {"index": point.index})

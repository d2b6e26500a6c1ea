"""Parameter sweeps: grid points with derived seeds, executors (local processes, Dask), resume.

A sweep evaluates one function on every point of a grid and stores each point's raw results in
one HDF5 file per study. The package has four parts:

:mod:`esorma.sweeps.grid` -- seeds
    Each :class:`GridPoint` carries ``numpy.random.SeedSequence(entropy=study_seed,
    spawn_key=coordinate keys)``, so a point's random numbers depend only on the study seed and
    its coordinates: never on the execution order, the number of workers or the executor.
    Integer coordinates are their own key; floats use their IEEE-754 bits; strings a SHA-256
    prefix (see :func:`coordinate_key`).

:mod:`esorma.sweeps.store` -- storage and resume
    One HDF5 file per study. The root carries the provenance attributes of
    :func:`esorma.io.write_metadata` (kind, config as JSON, seed as an integer, package
    versions); each finished point is a group ``/points/<key>`` with its datasets and
    attributes (the same provenance attributes for the run that computed it, coordinates,
    seed key, the point function's attributes such as timings). A point is committed
    atomically by *copy, append, rename*: the current
    file is copied to a temporary file beside it, the point is added to the copy, the copy is
    flushed to disk (``fsync``) and renamed over the original (``os.replace``). The file under
    its final name is therefore always a complete HDF5 file holding only finished points; a
    kill at any moment loses at most the points still running. A commit costs one copy of the
    file, so per-point results should stay small (overlaps, counters; not networks). Only the
    coordinating process writes; workers return their arrays.

    Rerunning with the same config and seed skips every point already in the file; a file
    written with another kind, config or seed is refused with the list of differing keys.
    Every point group and dataset carries a SHA-256 checksum (see :mod:`esorma.io`): a
    damaged point is reported (``DamagedPointsWarning``, ``SweepReport.damaged``), dropped
    and computed again, while every intact point is kept.

:mod:`esorma.sweeps.locks` -- one writer per file
    A lock file (``<name>.lock``, ``fcntl.flock``), taken once the executor is connected and
    removed on release, refuses a second concurrent run on the same results file; under it,
    commit copies (``.<name>.*.tmp``) left by a run killed mid-commit are deleted (a live
    writer's are kept).

:mod:`esorma.sweeps.executors` and :mod:`esorma.sweeps.runner` -- execution
    ``workers=1`` runs in this process (lazily, point after point). ``workers > 1`` uses a
    :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method (safe with
    threads, Numba and BLAS). ``scheduler="tcp://host:port"`` sends the points to an existing
    Dask distributed cluster (``distributed.Client``); ``dask=True`` without an address starts a
    local Dask cluster of ``workers`` processes on the loopback interface. Any
    ``concurrent.futures``-style executor can also be passed as ``executor``.
    The function must be importable by the workers (a module-level function, optionally
    wrapped in :func:`functools.partial`). When a point fails (or on Ctrl-C), points not
    yet started are cancelled, running ones are awaited and every point that succeeded is
    committed before the error is re-raised (with Dask only the points already finished are
    kept).

Examples
--------
>>> from esorma.sweeps import grid_points, run_sweep, _example_point
>>> report = run_sweep(_example_point, grid_points({"N": [10, 20], "T": [0.0, 0.5]}, seed=1),
...                    progress=False)
>>> report.n_computed, sorted(report.outputs)[:2]
(4, ['N=10,T=0.0', 'N=10,T=0.5'])
"""

from esorma.errors import SchedulerError
from esorma.sweeps.executors import open_executor
from esorma.sweeps.grid import GridPoint, coordinate_key, grid_points, make_point, point_key
from esorma.sweeps.locks import _lock
from esorma.sweeps.runner import SweepReport, _example_point, run_sweep
from esorma.sweeps.store import (
    POINTS_GROUP,
    DamagedPointsWarning,
    PointOutput,
    StoredPoint,
    check_results_file,
    config_differences,
    drop_points,
    inspect_results_file,
    load_points,
)

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
    "inspect_results_file",
    "drop_points",
    "DamagedPointsWarning",
    "open_executor",
]

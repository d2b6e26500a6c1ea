"""Running and storing a capacity sweep: :func:`capacity_sweep` and :class:`CapacityResults`.

Points are run by :func:`esorma.sweeps.run_sweep`, each with its own seed derived from the
study seed and its coordinates ``(N, P, T)``. With a ``path`` (a *checkpoint*) every finished
point is committed atomically to that HDF5 file, and rerunning the same study resumes it; a
checkpoint of another config or seed is refused, naming the differing keys; damaged points in
it (checksums that do not match) are named in a ``DamagedPointsWarning`` and
``CapacityResults.damaged``, and computed again, while every intact point is kept. The
checkpoint is
the sweep's own store (read back with :func:`load_capacity`); a finished study is saved with
:func:`esorma.io.save_result` (see :func:`esorma.capacity.capacity_study`).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from pathlib import Path

from esorma._results import summarized
from esorma._validation import check_int
from esorma.capacity.config import CapacityConfig

__all__ = ["CapacityResults", "capacity_sweep", "load_capacity", "KIND"]

#: The ``kind`` attribute of capacity checkpoints.
KIND = "capacity"


@summarized
@dataclass(frozen=True)
class CapacityResults:
    """Raw results of a capacity study (every finished grid point).

    Attributes
    ----------
    config : CapacityConfig
    seed : int
    points : dict
        ``(N, alpha, T) -> StoredPoint`` (arrays ``overlap``, ``sweeps``, ... as in
        :func:`~esorma.capacity.run_point`) for every finished point; ``alpha`` is the
        nominal grid value.
    path : Path or None
    complete : bool
        Every grid point is present.
    seconds : float
        Wall time of the run that produced this object (0 when only loaded).
    n_computed, n_skipped : int
        Points computed by this run and points found already finished in the file.
    executor : str
        How the points ran (``"serial"``, ``"processes"``, ``"dask"``, ``"none"``, ...).
    damaged : tuple of str
        Keys of checkpoint points found damaged and computed again by this run.
    """

    config: CapacityConfig
    seed: int
    points: dict
    path: Path | None = None
    complete: bool = True
    seconds: float = 0.0
    n_computed: int = 0
    n_skipped: int = 0
    executor: str = "none"
    damaged: tuple = ()

    def summary(self, threshold: float = 0.9,
                relative_threshold: float = 0.5) -> "CapacitySummary":
        """Per-point summaries (see :func:`esorma.capacity.summarize`)."""
        from esorma.capacity.analysis import summarize

        return summarize(self, threshold=threshold, relative_threshold=relative_threshold)


def _gather(config: CapacityConfig, stored: dict, seed, path, seconds) -> CapacityResults:
    from esorma.sweeps import point_key

    by_key = {}
    missing = 0
    for n in config.n_neurons:
        for a in config.alphas:
            for t in config.temperatures:
                key = point_key({"N": n, "P": int(round(a * n)), "T": float(t)})
                if key in stored:
                    by_key[(n, a, float(t))] = stored[key]
                else:
                    missing += 1
    return CapacityResults(config, seed, by_key, path, missing == 0, seconds)


def capacity_sweep(
    config: CapacityConfig,
    *,
    seed: int = 0,
    path=None,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    executor=None,
    timeout: float = 10.0,
    progress: bool = False,
) -> CapacityResults:
    """Run (or resume) a capacity study and return its raw results.

    Parameters
    ----------
    config : CapacityConfig
    seed : int
        Study seed; point seeds are ``SeedSequence(seed, spawn_key=(N, P, bits(T)))``.
    path : path-like, optional
        The checkpoint: an HDF5 file that receives every finished point (resumed if it exists
        with the same config and seed; refused, naming the differing keys, if it holds
        another). Without it results stay in memory.
    workers, scheduler, dask, executor, timeout
        Execution, see :func:`esorma.sweeps.run_sweep`. Results do not depend on them.
    progress : bool
        Progress bar over grid points.

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[200], alphas=[0.05, 0.3], n_probes=5)
    >>> res = capacity_sweep(cfg, seed=1)
    >>> s = res.summary()
    >>> s.retrieved_fraction[0, :, 0].tolist()
    [1.0, 0.0]
    """
    from esorma.capacity.simulation import run_point
    from esorma.sweeps import PointOutput, StoredPoint, load_points, run_sweep

    if not isinstance(config, CapacityConfig):
        raise TypeError(f"config must be a CapacityConfig; got {type(config).__name__}")
    seed = check_int(seed, "seed", minimum=0)
    if any(t > 0 for t in config.temperatures):
        try:
            from esorma.dynamics import stochastic  # noqa: F401
        except ImportError as exc:
            raise ValueError(
                "temperatures > 0 need Glauber dynamics (esorma.dynamics.stochastic), which is "
                "not available; use temperatures=[0]"
            ) from exc
    if path is not None and Path(path).exists():
        _check_checkpoint(path, config, seed)
    t0 = time.perf_counter()
    points = config.points(seed)
    func = functools.partial(run_point, config=config.to_dict())
    report = run_sweep(
        func, points, path=path, kind=KIND, config=config.to_dict(), seed=seed,
        workers=workers, scheduler=scheduler, dask=dask, executor=executor, timeout=timeout,
        memory_per_point=config.max_point_memory(), progress=progress, desc="capacity",
    )
    if path is None:
        by_pt = {p.key: p for p in points}
        stored = {
            k: StoredPoint(k, by_pt[k].coords, o.arrays, dict(o.attrs))
            for k, o in report.outputs.items() if isinstance(o, PointOutput)
        }
    else:
        _, stored = load_points(path)
    res = _gather(config, stored, seed, None if path is None else Path(path),
                  time.perf_counter() - t0)
    return dataclasses.replace(res, n_computed=report.n_computed, n_skipped=report.n_skipped,
                               executor=report.executor, damaged=tuple(report.damaged))


def load_capacity(path) -> CapacityResults:
    """Load the raw results of a capacity checkpoint (finished points only).

    Raises ValueError when ``path`` is not a capacity results file (e.g. a finished report
    written by :func:`esorma.io.save_result`, which :func:`esorma.io.load_result` reads), and
    :class:`esorma.errors.FileFormatError` when it is damaged (naming the damaged points).
    """
    from esorma.sweeps import load_points

    meta, stored = load_points(path)
    if meta.get("kind") != KIND:
        hint = (" (a saved result: read it with esorma.io.load_result)"
                if "result" in _groups(path) else "")
        raise ValueError(f"{str(path)!r} is not a capacity results file (kind "
                         f"{meta.get('kind')!r}){hint}")
    try:
        cfg = CapacityConfig.from_dict(meta["config"])
    except (TypeError, ValueError, KeyError) as exc:
        from esorma.errors import FileFormatError

        raise FileFormatError(f"{path}: the checkpoint's config is not a capacity config "
                              f"({exc})") from None
    return _gather(cfg, stored, meta.get("seed"), Path(path), 0.0)


def _check_checkpoint(path, config: CapacityConfig, seed: int) -> None:
    """Refuse a checkpoint of another kind, config or seed (naming every differing key)."""
    from esorma.io import read_metadata
    from esorma.sweeps import config_differences

    meta = read_metadata(path)  # FileFormatError (a ValueError) for a damaged or foreign file
    if meta.get("kind") != KIND:
        raise ValueError(f"checkpoint {str(path)!r} holds kind {meta.get('kind')!r}, not a "
                         "capacity sweep; choose another checkpoint file")
    diffs = config_differences(meta.get("config", {}), config.to_dict())
    if meta.get("seed") != seed:
        diffs.append(f"seed: file={meta.get('seed')}, now={seed}")
    if diffs:
        raise ValueError(f"checkpoint {str(path)!r} was written with a different config; "
                         "refusing to mix results (use another checkpoint file or the same "
                         "options). Differing keys: " + "; ".join(diffs))


def _groups(path) -> set:
    import h5py

    with h5py.File(path, "r") as fh:
        return set(fh.keys())

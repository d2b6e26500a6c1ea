"""Exact enumeration of fixed points split into prefix tasks: over Dask, resumable from HDF5.

The branch-and-bound tree of :func:`esorma.attractors.enumerate_fixed_points` is cut at its top:
the first levels are expanded (serially, on the calling machine) into ``M >= n_prefixes``
open nodes, the *prefixes* (partial assignments with the first few branching spins fixed). Each
prefix is one task: a worker rebuilds the problem, expands its prefix further and searches the
pieces on its own threads (dynamic scheduling, as in one process). Tasks run through
:func:`esorma.sweeps.run_sweep`, so they can go to a Dask cluster (``client=`` an address, a
``distributed.Client`` or ``"local"``) and every finished prefix is committed atomically to a
resumable HDF5 file (``checkpoint=``): a run killed at any moment loses only the prefixes that
were running, and the same call with the same file skips the finished ones.

The fixed points are gathered in prefix order, re-tested with the float arithmetic of the
network (as in one process), given their energies and sorted: the result is identical to
``enumerate_fixed_points(J, theta, tol=tol, sort=sort)``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from types import SimpleNamespace

import numpy as np

from esorma._validation import check_choice, check_int, check_memory

__all__ = ["enumerate_fixed_points_distributed", "KIND"]

#: ``kind`` of the checkpoint files (a file written for another problem is refused).
KIND = "fixed-point-prefixes"
# subtrees each task splits its prefix into (shared among the worker's threads)
_INNER_SUBTREES = 64
# the frontier of a problem, kept per worker process (tasks of one run share it)
_FRONTIERS: dict = {}


def _spec_digest(J, theta, scale, tol, n_prefixes) -> str:
    h = hashlib.sha256()
    for arr in (np.ascontiguousarray(J), np.ascontiguousarray(theta)):
        h.update(str(arr.dtype).encode())
        h.update(str(arr.shape).encode())
        h.update(arr.tobytes())
    h.update(repr((float(scale), float(tol), int(n_prefixes))).encode())
    return h.hexdigest()


def _problem(spec):
    from esorma.attractors.enumerate import _prepare

    J, theta, scale, tol = spec
    return _prepare(SimpleNamespace(J=J, theta=theta, scale=scale), None, tol)


def _roots(spec, n_prefixes, digest):
    """The prefixes of the problem (cached per process)."""
    from esorma.attractors.enumerate import _frontier

    hit = _FRONTIERS.get(digest)
    if hit is None:
        p = _problem(spec)
        hit = (p, _frontier(p, n_prefixes))
        _FRONTIERS.clear()
        _FRONTIERS[digest] = hit
    return hit


def _threads_usable() -> bool:
    """Whether this thread may start a parallel Numba region (not with the ``workqueue``
    layer from a non-main thread, e.g. a Dask worker thread: it is not thread-safe)."""
    import threading

    import numba

    if threading.current_thread() is threading.main_thread():
        return True
    try:
        layer = numba.threading_layer()
    except ValueError:  # not started yet
        from numba.np.ufunc.parallel import _launch_threads

        _launch_threads()
        layer = numba.threading_layer()
    return layer != "workqueue"


def _prefix_task(spec, n_prefixes, digest, limit, point):
    """One task: every candidate fixed point below prefix ``point.coords["prefix"]``."""
    from esorma.attractors.enumerate import _buffer_width, _frontier, _search, _too_many
    from esorma.sweeps import PointOutput

    t0 = time.perf_counter()
    p, (roots, _, _) = _roots(spec, n_prefixes, digest)
    root = roots[int(point.coords["prefix"])]
    sub, leaf_codes, v0 = _frontier(p, _INNER_SUBTREES, start=root)
    per_root, counts, visited, aborted = _search(
        p, sub, store=True, limit=limit,
        cap=_buffer_width(p, roots.shape[0] * max(sub.shape[0], 1)),
        parallel=_threads_usable())
    if aborted.any() or int(counts.sum()) + leaf_codes.size >= limit:
        raise _too_many(limit - 1, p.n)
    codes = np.concatenate([leaf_codes.astype(np.uint64), *per_root]) if per_root \
        else leaf_codes.astype(np.uint64)
    return PointOutput(
        arrays={"codes": codes},
        attrs={"n_visited": int(visited.sum()) + int(v0), "n_codes": int(codes.size),
               "seconds": time.perf_counter() - t0},
    )


def _where(client):
    """run_sweep's execution arguments for ``client``."""
    if client is None:
        return {}
    if isinstance(client, str):
        if client == "local":
            return {"dask": True}
        return {"scheduler": client}
    if hasattr(client, "submit"):
        return {"executor": client}
    raise TypeError(
        "client must be None (this process), 'local' (a Dask cluster on this machine), a "
        f"scheduler address 'tcp://host:port' or a distributed.Client; got "
        f"{type(client).__name__}"
    )


def enumerate_fixed_points_distributed(
    J,
    theta=None,
    *,
    tol: float = 0.0,
    sort: str = "energy",
    client=None,
    checkpoint=None,
    n_prefixes: int = 256,
    workers: int = 1,
    max_seconds: float = math.inf,
    max_fixed_points: int = 1 << 22,
    timeout: float = 10.0,
    progress: bool = False,
):
    """Every fixed point of a network, with the search split into prefix tasks (Dask, resume).

    The same fixed points, energies and order as :func:`enumerate_fixed_points` (same
    ``J``, ``theta``, ``tol``, ``sort``), computed as independent tasks that can run on a Dask
    cluster and be checkpointed to HDF5, so that a search of hours can be spread over the
    machines one has and survive a kill. For SK couplings the nodes grow about 5-fold
    every 4 spins: about 2e9 at N = 52 (some 10 CPU-minutes), 1e10 at N = 56 and 5e10 at
    N = 60 (a few CPU-hours).

    Parameters
    ----------
    J, theta, tol, sort
        As in :func:`enumerate_fixed_points` (N <= 64; network objects accepted).
    client : None, "local", str or distributed.Client
        Where the tasks run: None in this process (one task after another, each on all of
        Numba's threads); ``"local"`` a Dask cluster of ``workers`` processes on this
        machine; ``"tcp://host:port"`` a running Dask scheduler (start one with
        ``dask scheduler`` and ``dask worker tcp://host:8786 --nthreads 1`` on each machine:
        each task uses the worker's Numba threads, so give workers one Dask thread); or a
        ``distributed.Client`` (used as is, not closed). Dask is optional
        (``pip install 'esorma[dask]'``); without it only ``client=None`` works.
    checkpoint : path-like, optional
        HDF5 file of finished prefixes (``/points/prefix=<k>`` with the candidate codes;
        :mod:`esorma.sweeps.store` layout). Each finished prefix is committed atomically
        (copy, append, fsync, rename); rerunning the same call with the same file skips
        the prefixes already in it (a file written for another problem or another
        ``n_prefixes`` is refused, naming the differing keys). One run at a time per file
        (a lock file).
    n_prefixes : int, default 256
        At least this many prefix tasks (the top of the tree is expanded level by level until
        it has this many open nodes). More tasks balance a cluster better and lose less work
        to a kill; each costs one commit (a copy of the file).
    workers : int, default 1
        Processes of the local cluster with ``client="local"``.
    max_seconds : float, default inf
        Refuse up front (ValueError, with the estimate) when the search estimated for *this
        machine's* threads is longer (divide by the number of machines you have).
    max_fixed_points : int, default 2^22
        As in :func:`enumerate_fixed_points` (refused up front when estimated above twice
        this; ValueError when the exact count is larger).
    timeout : float
        Seconds to wait for the Dask scheduler.
    progress : bool
        Progress bar of the tasks (stderr).

    Returns
    -------
    FixedPoints
        As :func:`enumerate_fixed_points`; ``n_subtrees`` is the number of prefix tasks,
        ``n_visited`` the nodes of this run's tasks plus those read from the checkpoint.

    Raises
    ------
    ValueError
        Bad input, an estimate above ``max_seconds`` or ``max_fixed_points``, more fixed
        points than ``max_fixed_points``, or a checkpoint written for another problem.
    ImportError
        A Dask ``client`` without dask.distributed installed.
    esorma.errors.SchedulerError
        The scheduler could not be reached (nothing is written).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.couplings import sk_couplings
    >>> from esorma.attractors import enumerate_fixed_points
    >>> J = sk_couplings(16, rng=1)
    >>> fp = enumerate_fixed_points_distributed(J, n_prefixes=8)   # in this process
    >>> bool(np.array_equal(fp.states, enumerate_fixed_points(J).states))
    True

    A run on a cluster, checkpointed (resumed by running the same line again)::

        fp = enumerate_fixed_points_distributed(J, client="tcp://10.0.0.5:8786",
                                                checkpoint="sk52.h5", n_prefixes=4096)
    """
    from esorma.attractors.enumerate import (
        _CHECKED_BYTES,
        _branch_and_bound_result,
        _check_cost,
        _final_test,
        _output_bytes,
        _too_many,
        _validate_common,
        _prepare,
    )
    from esorma.attractors._enum_kernels import decode_codes
    from esorma.sweeps import load_points, make_point, run_sweep

    check_choice(sort, "sort", ("energy", "lex"))
    max_seconds, _, max_fixed_points = _validate_common(max_seconds, 1, max_fixed_points)
    n_prefixes = check_int(n_prefixes, "n_prefixes", minimum=1, maximum=1 << 16)
    workers = check_int(workers, "workers", minimum=1)
    where = _where(client)
    if where and "executor" not in where:
        try:
            import distributed  # noqa: F401
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise ImportError(
                f"client={client!r} needs dask.distributed, which is not installed: "
                "pip install 'esorma[dask]' (or use client=None to run in this process)"
            ) from exc
    p = _prepare(J, theta, tol)
    t0 = time.perf_counter()
    est = _check_cost(p, max_seconds, max_fixed_points)
    spec = (p.J_energy, p.theta, p.scale, p.tol)
    digest = _spec_digest(p.J_energy, p.theta, p.scale, p.tol, n_prefixes)
    _, (roots, top_codes, v0) = _roots(spec, n_prefixes, digest)
    if top_codes.size > max_fixed_points:
        raise _too_many(max_fixed_points, p.n)
    m = int(roots.shape[0])
    points = [make_point({"prefix": k}, seed=0, index=k) for k in range(m)]
    config = {"n_neurons": p.n, "problem_sha256": digest, "n_prefixes": n_prefixes,
              "n_tasks": m, "tol": p.tol}
    limit = max_fixed_points + 1
    outputs = {}
    if m:
        func = functools.partial(_prefix_task, spec, n_prefixes, digest, limit)
        report = run_sweep(func, points, path=checkpoint, kind=KIND, config=config, seed=0,
                           workers=workers, timeout=timeout, progress=progress,
                           desc="prefixes", **where)
        if checkpoint is None:
            outputs = {k: (v.arrays, v.attrs) for k, v in report.outputs.items()}
        else:
            _, stored = load_points(checkpoint)
            outputs = {k: (v.arrays, v.attrs) for k, v in stored.items()}
    parts = [top_codes.astype(np.uint64)]
    visited = int(v0)
    for pt in points:
        arrays, attrs = outputs[pt.key]
        parts.append(np.asarray(arrays["codes"], dtype=np.uint64).reshape(-1))
        visited += int(attrs["n_visited"])
    total = sum(int(a.size) for a in parts)
    if total > max_fixed_points:
        raise _too_many(max_fixed_points, p.n)
    if _output_bytes(p, total, 0) > _CHECKED_BYTES:
        check_memory(_output_bytes(p, total, 0), f"{total} fixed points of N = {p.n} spins",
                     hint="lower max_fixed_points")
    codes = np.concatenate(parts)
    states = _final_test(p, decode_codes(codes, p.n))
    return _branch_and_bound_result(p, states, sort=sort, n_visited=visited, t0=t0,
                                    n_subtrees=m, estimated_nodes=est)

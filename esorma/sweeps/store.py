"""The resumable results store of a sweep: one HDF5 file per study, one group per point.

Layout
    The root carries the provenance attributes of :func:`esorma.io.write_metadata` (schema
    version, kind, config as JSON, seed as an integer, package versions, creation time) and a
    group ``/points``. Each finished point is a group ``/points/<key>`` (:func:`point_key`)
    holding the point's arrays as datasets and, as attributes, the provenance of the run that
    computed it (again :func:`esorma.io.write_metadata`: kind, config, ``seed`` = the study
    seed as an integer, the package versions of that run), its ``coords`` and ``spawn_key``
    (JSON) and the scalar attributes the point function returned.

Commits
    A point is committed atomically by *copy, append, rename*: the current file is copied to
    a temporary file beside it, the point is added to the copy, the copy is flushed to disk
    (``fsync``) and renamed over the original (``os.replace``). The file under its final name
    is therefore always a complete HDF5 file holding only finished points; a kill at any
    moment loses at most the points still running. A commit costs one copy of the file, so
    per-point results should stay small (overlaps, counters; not networks). Only the
    coordinating process writes; workers return their arrays.

Resume
    :func:`check_results_file` refuses a file written with another kind, config or seed (with
    the list of differing keys) and returns the keys of the points already in it.

This layout is the store's own (it grows point by point, which a single
:func:`esorma.io.save_result` cannot); read it with :func:`load_points`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from esorma._results import summarized
from esorma.sweeps.grid import GridPoint

__all__ = [
    "POINTS_GROUP",
    "PointOutput",
    "StoredPoint",
    "config_differences",
    "check_results_file",
    "load_points",
]

#: The HDF5 group that holds one sub-group per finished point.
POINTS_GROUP = "points"

#: Attribute names of a point group that the store writes itself (a point function's
#: attributes must not use them).
RESERVED_ATTRS = ("schema_version", "kind", "config", "seed", "versions", "created", "coords",
                  "spawn_key")

# Attributes of point groups stored as JSON text (``seed_entropy``: files written before the
# seed became an integer attribute).
_JSON_ATTRS = ("config", "versions", "coords", "spawn_key", "seed_entropy")


@summarized
@dataclass(frozen=True)
class PointOutput:
    """What a point function returns: arrays (HDF5 datasets) and scalar attributes.

    Attributes
    ----------
    arrays : dict
        name -> array, one dataset each.
    attrs : dict
        name -> scalar (int, float, bool or str), one attribute each; the names in
        ``esorma.sweeps.store.RESERVED_ATTRS`` belong to the store.
    """

    arrays: dict
    attrs: dict = field(default_factory=dict)


@summarized
@dataclass(frozen=True)
class StoredPoint:
    """A finished point read back from a results file.

    Attributes
    ----------
    key : str
        The point's group name.
    coords : dict
        Its coordinates.
    arrays : dict
        Its datasets.
    attrs : dict
        Its attributes: those of the point function, ``seed`` (the study seed), ``spawn_key``
        (tuple), ``kind``, ``config`` and ``versions`` (dicts) of the run that computed it.
    """

    key: str
    coords: dict
    arrays: dict
    attrs: dict


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


def _read_point_attrs(group) -> dict:
    attrs = {}
    for k, v in group.attrs.items():
        if isinstance(v, bytes):
            v = v.decode()
        if isinstance(v, np.generic):
            v = v.item()
        if k in _JSON_ATTRS and isinstance(v, str):
            v = json.loads(v)
        attrs[k] = v
    if "seed_entropy" in attrs:  # a point written before the seed was an integer attribute
        attrs.setdefault("seed", attrs.pop("seed_entropy"))
    attrs["spawn_key"] = tuple(attrs.get("spawn_key", ()))
    return attrs


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
    >>> meta["seed"], points["x=2"].attrs["seed"], points["x=2"].attrs["spawn_key"]
    (0, 0, (2,))
    """
    import h5py

    from esorma.io import read_metadata

    meta = read_metadata(path)
    out = {}
    with h5py.File(path, "r") as fh:
        grp = fh.get(POINTS_GROUP)
        for key in ([] if grp is None else grp.keys()):
            g = grp[key]
            attrs = _read_point_attrs(g)
            coords = attrs.pop("coords")
            arrays = {k: ds[()] for k, ds in g.items()}
            out[key] = StoredPoint(key=key, coords=coords, arrays=arrays, attrs=attrs)
    return meta, out


# --------------------------------------------------------------------------- writing


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


def _write_point(group, point: GridPoint, output: PointOutput, *, kind="sweep",
                 config=None) -> None:
    from esorma.io import write_metadata

    g = group.create_group(point.key)
    write_metadata(g, kind=kind, config=config, seed=point.entropy)
    g.attrs["coords"] = json.dumps(_normalise(point.coords))
    g.attrs["spawn_key"] = json.dumps(list(point.spawn_key))
    for name, value in output.arrays.items():
        arr = np.asarray(value)
        g.create_dataset(name, data=arr, compression="gzip" if arr.size > 4096 else None)
    for name, value in output.attrs.items():
        g.attrs[name] = value.item() if isinstance(value, np.generic) else value


def _commit(path: Path, point: GridPoint, output: PointOutput, *, kind="sweep",
            config=None) -> None:
    """Add one point to ``path`` atomically (copy, append, fsync, rename)."""
    import h5py

    from esorma.io import atomic_write

    with atomic_write(path) as tmp:
        shutil.copyfile(path, tmp)
        with h5py.File(tmp, "a") as fh:
            grp = fh.require_group(POINTS_GROUP)
            if point.key in grp:  # already there (cannot happen under the lock); keep it
                return
            _write_point(grp, point, output, kind=kind, config=config)
        _fsync(tmp)
    _fsync(path.parent)


def _as_output(value) -> PointOutput:
    if isinstance(value, PointOutput):
        out = value
    elif isinstance(value, Mapping):
        out = PointOutput(arrays=dict(value))
    else:
        raise TypeError(
            f"a sweep function must return a PointOutput or a dict of arrays; got "
            f"{type(value).__name__}"
        )
    clash = sorted(set(out.attrs) & set(RESERVED_ATTRS))
    if clash:
        raise ValueError(
            f"a sweep function's attrs must not use the store's names {list(RESERVED_ATTRS)}; "
            f"got {clash}"
        )
    return out

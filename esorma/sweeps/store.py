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

Checksums
    As in every esorma file (:mod:`esorma.io`, schema version 3), each point group carries a
    SHA-256 digest over its attributes, its members and its own name, and each of its
    datasets one over its contents and attributes (numeric arrays also keep HDF5's
    Fletcher-32 filter). The root is sealed when the file is made; ``/points``, which grows
    point by point, is not (each point is checked on its own).

Resume
    :func:`check_results_file` refuses a file written with another kind, config or seed (with
    the list of differing keys) and returns the keys of the intact points in it;
    :func:`inspect_results_file` also returns the damaged ones (a checksum that does not
    match, an unreadable group or dataset) with what is wrong. On resume,
    :func:`esorma.sweeps.run_sweep` reports the damaged points (a
    :class:`DamagedPointsWarning` naming each, and ``SweepReport.damaged``), rewrites the file
    without them (:func:`drop_points`: every intact point is kept, bit for bit) and computes
    them again. A file whose root (kind, config, seed) or list of points is damaged is refused
    with :class:`esorma.errors.FileFormatError`: the study it belongs to cannot be told.

This layout is the store's own (it grows point by point, which a single
:func:`esorma.io.save_result` cannot); read it with :func:`load_points`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from esorma.errors import DamagedPointsWarning

from esorma._results import summarized
from esorma.errors import FileFormatError
from esorma.sweeps.grid import GridPoint

__all__ = [
    "POINTS_GROUP",
    "PointOutput",
    "StoredPoint",
    "config_differences",
    "check_results_file",
    "inspect_results_file",
    "load_points",
    "drop_points",
    "DamagedPointsWarning",
]

#: The HDF5 group that holds one sub-group per finished point.
POINTS_GROUP = "points"

#: Attribute names of a point group that the store writes itself (a point function's
#: attributes must not use them).
RESERVED_ATTRS = ("schema_version", "kind", "config", "seed", "versions", "created", "coords",
                  "spawn_key", "sha256")

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


def inspect_results_file(path, *, kind: str, config: Mapping,
                         seed) -> tuple[set[str], dict[str, str]]:
    """Check a results file's kind, config and seed; return its intact and damaged points.

    Returns
    -------
    finished : set of str
        Keys of the points whose groups and datasets are intact (checksums match).
    damaged : dict
        key -> what is wrong, for the points that are not.

    Raises
    ------
    ValueError
        The file was written with another kind, config or seed (the message lists every
        differing key).
    esorma.errors.FileFormatError
        The file is not a readable esorma sweep file, or its root or list of points is
        damaged (the message names the file and what is wrong).
    """
    meta, points, damaged = _scan(path, kind=kind, config=config, seed=seed, load=False)
    return set(points), damaged


def check_results_file(path, *, kind: str, config: Mapping, seed) -> set[str]:
    """Check that ``path`` was written by the same kind, config and seed; return the keys of
    its intact points (see :func:`inspect_results_file` for the damaged ones).

    Raises
    ------
    ValueError
        If the file is not an esorma sweep file (:class:`esorma.errors.FileFormatError`), or
        was written with another kind, config or seed (the message lists every differing key).
    """
    return inspect_results_file(path, kind=kind, config=config, seed=seed)[0]


def _check_identity(path, meta, *, kind, config, seed) -> None:
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


def _scan(path, *, kind=None, config=None, seed=None, load=True, identity=True):
    """Read and check a results file: ``(meta, {key: StoredPoint or None}, {key: reason})``."""
    import h5py

    from esorma.io import _open_group, _read_metadata, _requires_digests, reading

    path = Path(path)
    what = "esorma sweep results file"
    with reading(path, what), _open_group(path) as fh:
        meta = _read_metadata(fh)
        for key in ("kind", "config"):
            if key not in meta:
                raise FileFormatError(f"{path}: the results file lacks the attribute {key!r}")
        if identity:
            _check_identity(path, meta, kind=kind, config=config, seed=seed)
        required = _requires_digests(meta.get("schema_version"), fh)
        grp = fh.get(POINTS_GROUP)
        if grp is not None and not isinstance(grp, h5py.Group):
            raise FileFormatError(f"{path}: {POINTS_GROUP!r} is not a group")
        try:
            keys = [] if grp is None else list(grp.keys())
        except Exception as exc:  # noqa: BLE001
            raise FileFormatError(f"{path}: the list of finished points is damaged "
                                  f"({type(exc).__name__}: {exc}); delete the file or choose "
                                  "another one to start again") from None
        points, damaged = {}, {}
        for key in keys:
            try:
                points[key] = _read_point(grp[key], key, required, load)
            except Exception as exc:  # noqa: BLE001 - any damage: the point is lost
                reason = str(exc) if isinstance(exc, FileFormatError) else \
                    f"{type(exc).__name__}: {exc}"
                damaged[key] = reason.replace(f"{path}: ", "")
    return meta, points, damaged


def _read_point(g, key, required, load):
    """Check one point group (digests) and return its StoredPoint (None when not ``load``)."""
    import h5py

    from esorma.io import DIGEST_ATTR, _attr, check_digest

    if not isinstance(g, h5py.Group):
        raise FileFormatError(f"point {key!r} is not a group")
    required = required or DIGEST_ATTR in g.attrs or (
        "schema_version" in g.attrs and int(g.attrs["schema_version"]) >= 3)
    _attr(g, "coords")
    arrays = {}
    for name in g.keys():
        ds = g[name]
        if not isinstance(ds, h5py.Dataset):
            raise FileFormatError(f"point {key!r}: member {name!r} is not a dataset")
        data = ds[()]
        check_digest(ds, required=required, data=data)
        arrays[name] = data
    check_digest(g, required=required, with_name=True)
    if not load:
        return None
    attrs = _read_point_attrs(g)
    coords = attrs.pop("coords")
    if not isinstance(coords, dict):
        raise FileFormatError(f"point {key!r}: its coords are not a mapping")
    return StoredPoint(key=key, coords=coords, arrays=arrays, attrs=attrs)


def _read_point_attrs(group) -> dict:
    attrs = {}
    for k, v in group.attrs.items():
        if k == "sha256":
            continue
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


def load_points(path, *, on_damage: str = "raise") -> tuple[dict, dict[str, StoredPoint]]:
    """Read a results file: ``(metadata, {key: StoredPoint})``.

    Every point's datasets and attributes are checked against their checksums.

    Parameters
    ----------
    path : path-like
    on_damage : {"raise", "skip"}
        What to do with damaged points: refuse the file (FileFormatError naming every damaged
        point) or leave them out (:func:`inspect_results_file` names them).

    Raises
    ------
    esorma.errors.FileFormatError
        The file is not an esorma sweep file, is damaged or truncated, or (``"raise"``) holds
        damaged points.
    FileNotFoundError
        No such file.

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
    if on_damage not in ("raise", "skip"):
        raise ValueError(f"on_damage must be 'raise' or 'skip'; got {on_damage!r}")
    meta, points, damaged = _scan(path, identity=False)
    if damaged and on_damage == "raise":
        raise FileFormatError(f"{path}: {len(damaged)} damaged point(s): " + "; ".join(
            f"{k} ({v})" for k, v in sorted(damaged.items()))
            + " (rerun the study to compute them again)")
    return meta, points


# --------------------------------------------------------------------------- writing


def _fsync(path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create_file(path: Path, *, kind, config, seed) -> None:
    from esorma.io import atomic_h5, set_attr

    with atomic_h5(path, kind=kind, config=config, seed=seed,
                   unsealed=(POINTS_GROUP,)) as fh:
        fh.create_group(POINTS_GROUP)
        set_attr(fh, "storage",
                 "one group per finished point; commit = copy, append, fsync, rename")


def _write_point(group, point: GridPoint, output: PointOutput, *, kind="sweep",
                 config=None) -> None:
    from esorma.io import seal, set_attr, write_metadata

    g = group.create_group(point.key)
    write_metadata(g, kind=kind, config=config, seed=point.entropy)
    set_attr(g, "coords", json.dumps(_normalise(point.coords)))
    set_attr(g, "spawn_key", json.dumps(list(point.spawn_key)))
    for name, value in output.arrays.items():
        arr = np.asarray(value)
        chunked = arr.ndim >= 1 and arr.size > 0 and arr.dtype.kind in "biufc"
        ds = g.create_dataset(name, data=arr, fletcher32=chunked,
                              compression="gzip" if chunked and arr.size > 4096 else None)
        seal(ds, data=arr)
    for name, value in output.attrs.items():
        set_attr(g, name, value.item() if isinstance(value, np.generic) else value)
    seal(g, with_name=True)


def _commit(path: Path, point: GridPoint, output: PointOutput, *, kind="sweep",
            config=None) -> None:
    """Add one point to ``path`` atomically (copy, append, fsync, rename)."""
    import h5py

    from esorma.io import HDF5_LIBVER, atomic_write

    with atomic_write(path) as tmp:
        shutil.copyfile(path, tmp)
        with h5py.File(tmp, "a", libver=HDF5_LIBVER) as fh:
            grp = fh.require_group(POINTS_GROUP)
            if point.key in grp:  # already there (cannot happen under the lock); keep it
                return
            _write_point(grp, point, output, kind=kind, config=config)
        _fsync(tmp)
    _fsync(path.parent)


def drop_points(path, keys, *, reasons: Mapping | None = None) -> list[str]:
    """Rewrite ``path`` atomically without the points ``keys`` (damaged ones); keep the rest.

    The root and every other point are copied unchanged (attributes, datasets and their
    checksums). Call it only while holding the file's lock (:func:`esorma.sweeps.run_sweep`
    does). Returns the keys removed. With ``reasons`` (key -> what is wrong) a
    :class:`DamagedPointsWarning` names each dropped point.
    """
    import h5py

    from esorma.io import HDF5_LIBVER, atomic_write, seal

    path = Path(path)
    drop = set(keys)
    if not drop:
        return []
    with atomic_write(path) as tmp:
        with h5py.File(path, "r") as src, h5py.File(tmp, "w", libver=HDF5_LIBVER) as dst:
            for name in src.attrs.keys():
                dst.attrs.create(name, src.attrs[name], dtype=src.attrs.get_id(name).dtype)
            out = dst.create_group(POINTS_GROUP)
            grp = src[POINTS_GROUP]
            for key in grp.keys():
                if key not in drop:
                    src.copy(grp[key], out, name=key)
            if "sha256" in dst.attrs:
                seal(dst)  # the same attributes and members: the same digest
        _fsync(tmp)
    _fsync(path.parent)
    if reasons is not None:
        warnings.warn(
            f"results file {str(path)!r}: {len(drop)} damaged point(s) dropped and computed "
            "again: " + "; ".join(f"{k} ({reasons.get(k, 'damaged')})" for k in sorted(drop)),
            DamagedPointsWarning, stacklevel=3)
    return sorted(drop)


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

"""HDF5 input/output shared by the whole package: atomic, checksummed writes with provenance.

Every file esorma writes records, as attributes of its root group, the ``schema_version``, the
``kind`` of content, the ``config`` (JSON), the ``seed`` and the ``versions`` of the packages
that made it. Writes go to a temporary file ``.<name>.<pid>-<host>.<random>.tmp`` in the same
folder that is renamed into place only when complete, so an interrupted run never leaves a
half-written file under the final name; temporaries of killed writers are removed by later
writes in that folder (:func:`remove_stale_temporaries`).

Checksums (schema version 3)
    Nothing esorma reads back can change silently. Files are written in the HDF5 1.10+ format
    (``libver="v110"``), whose superblock, object headers (which hold the attributes), B-trees,
    heaps and chunk indexes carry HDF5's own checksums. Strings, in attributes and datasets,
    are stored as fixed-length UTF-8 (read back as ``bytes``; :func:`set_attr`): variable-length
    strings live in HDF5's global heap, which has no checksum, and a damaged one can make HDF5
    loop forever. On top of that every object esorma writes carries a SHA-256 digest in its
    attribute ``sha256``, checked on every read:

    * a **dataset**: over its dtype, shape, bytes (strings: their UTF-8 text) and its
      attributes (``unit``, ``description``, ...). Numeric arrays also keep HDF5's Fletcher-32
      filter, checked chunk by chunk by HDF5 itself; scalars, empty arrays and strings, which
      Fletcher-32 cannot cover, rely on the digest.
    * a **group** (the root, a result, a nested result or container, a network, a sweep
      point): over all its attributes -- where the scalars, strings, JSON values, ``config``,
      ``seed`` and ``schema_version`` live -- and the names and kinds of its members, so a
      changed byte in an attribute, a renamed, added or deleted member is detected. A sweep
      point's digest also covers its own name; the store's ``/points`` group, which grows
      point by point, carries none (each point is checked on its own).

    A damaged, truncated or foreign file is refused with one
    :class:`esorma.errors.FileFormatError` naming the file and what is wrong (a missing file
    stays a ``FileNotFoundError``). Files of schema versions 1 and 2 (no digests,
    variable-length strings) are still read, without these checks; a version newer than
    :data:`SCHEMA_VERSION` is refused. A dict or other value stored as JSON keeps NaN and
    infinities (``NaN``/``Infinity`` tokens).

Readers and writers accept a path or an open ``h5py.Group`` (netket's ``HDF5Log`` style).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import socket
import tempfile
import time
from pathlib import Path, PurePath
from typing import Any, Iterator

import numpy as np

from esorma.errors import FileFormatError, OutputPathError

__all__ = [
    "SCHEMA_VERSION",
    "package_versions",
    "atomic_write",
    "atomic_h5",
    "write_metadata",
    "read_metadata",
    "to_jsonable",
    "save_result",
    "load_result",
    "save_network",
    "load_network",
    "check_output_path",
    "seal",
    "check_digest",
    "set_attr",
    "read_attrs",
    "remove_stale_temporaries",
    "reading",
    "DIGEST_ATTR",
    "HDF5_LIBVER",
    "DATA_SUFFIXES",
    "FIGURE_SUFFIXES",
]

SCHEMA_VERSION = 3
#: The attribute holding an object's SHA-256 digest (schema version 3 on).
DIGEST_ATTR = "sha256"
#: The HDF5 file-format bounds of new files: 1.8+ objects carry HDF5's metadata checksums.
HDF5_LIBVER = ("v110", "latest")
#: Root attributes every file of schema version >= 3 has.
_REQUIRED_ROOT_ATTRS = ("schema_version", "kind", "config", "versions", "created")
#: A temporary of a dead writer (on this host) is removed once it is this old (seconds).
STALE_TEMPORARY_SECONDS = 600.0
#: A temporary whose writer is unknown (an esorma before schema 3, or another host) is
#: removed once it is this old (seconds).
UNKNOWN_TEMPORARY_SECONDS = 86400.0
#: File endings accepted for HDF5 output.
DATA_SUFFIXES = (".h5", ".hdf5")
#: File endings accepted for figures.
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")

_VERSIONED = ("esorma", "numpy", "scipy", "numba", "networkx", "matplotlib", "h5py")


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages whose behaviour a result depends on."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def to_jsonable(obj: Any) -> Any:
    """Convert NumPy scalars/arrays, paths and tuples into strict JSON (NaN and inf → null).

    Examples
    --------
    >>> import numpy as np, json
    >>> json.dumps(to_jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": (1.5,)}))
    '{"a": null, "b": [0, 1], "c": [1.5]}'
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and not np.isfinite(obj):
        return None  # strict JSON has no NaN/inf: they become null
    return obj


def _jsonable_exact(obj: Any) -> Any:
    """:func:`to_jsonable` without the NaN/inf -> null step (for JSON read back by esorma)."""
    if isinstance(obj, dict):
        return {str(k): _jsonable_exact(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable_exact(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable_exact(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable_exact(obj.item())
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


_TMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8})\.[A-Za-z0-9_]+\.tmp$")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return True  # not a real writer id: never treat it as dead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(folder, *, name: str | None = None, now: float | None = None,
                             under_lock: bool = False) -> list[Path]:
    """Delete the temporaries ``.<name>.<pid>-<host>.<random>.tmp`` of killed writes.

    A temporary is removed only when its writer cannot be writing any more: its ``pid`` is
    not alive on this host and the file was last modified more than
    :data:`STALE_TEMPORARY_SECONDS` ago. A temporary of unknown writer (another host, or the
    ``.<name>.<random>.tmp`` of an esorma before schema 3, only for ``name``) is removed after
    :data:`UNKNOWN_TEMPORARY_SECONDS`. A live writer's file is never touched.

    Parameters
    ----------
    folder : path-like
        Where to look.
    name : str, optional
        Also consider the old-style temporaries of this target name.
    now : float, optional
        The current time (``time.time()``; for tests).
    under_lock : bool
        The caller holds the lock of ``name`` (a sweep store): temporaries of ``name`` whose
        writer is dead on this host, or unknown, are removed whatever their age.

    Returns
    -------
    list of Path
        The files removed.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_write(os.path.join(d, "x.txt")) as tmp:
    ...     tmp.name.startswith(f".x.txt.{os.getpid()}-")
    True
    >>> remove_stale_temporaries(d)
    []
    """
    folder = Path(folder)
    now = time.time() if now is None else now
    host = _host_tag()
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        fname = entry.name
        if not (fname.startswith(".") and fname.endswith(".tmp")):
            continue
        m = _TMP_RE.match(fname)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        mine = name is not None and fname.startswith(f".{name}.")
        if m is not None:
            if m["host"] == host:
                if _pid_alive(int(m["pid"])):
                    continue
                limit = 0.0 if (under_lock and m["name"] == name) else STALE_TEMPORARY_SECONDS
            else:
                limit = UNKNOWN_TEMPORARY_SECONDS
        elif mine:  # an old-style temporary of this target: writer unknown
            limit = 0.0 if under_lock else UNKNOWN_TEMPORARY_SECONDS
        else:
            continue
        if age >= limit:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    The temporary is ``.<name>.<pid>-<host>.<random>.tmp``; temporaries that killed writers
    left in the folder are removed first (see :func:`remove_stale_temporaries`).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_write(os.path.join(d, "x.txt")) as tmp:
    ...     _ = tmp.write_text("done")
    >>> open(os.path.join(d, "x.txt")).read()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent, name=path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-{_host_tag()}.",
                               suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_h5(path: str | os.PathLike, *, kind: str, config=None, seed=None,
              unsealed: tuple = ()):
    """Open a new HDF5 file for writing atomically, with provenance attributes already set.

    Parameters
    ----------
    path : path-like
        Final file name. It appears only once the ``with`` block ends without error.
    kind : str
        What the file holds (``"network"``, ``"attractors"``, ``"spectrum"``, ...).
    config : dict, optional
        The parameters that produced the content (stored as JSON).
    seed : int or None
        The seed of the run.
    unsealed : tuple of str
        Paths of groups that keep growing after the file is made (a sweep store's
        ``"points"``): they get no digest of their own (their members are sealed one by one).

    Every group and dataset written in the block is sealed with its SHA-256 digest
    (:func:`seal`) when the block ends.

    Examples
    --------
    >>> import tempfile, os, h5py
    >>> p = os.path.join(tempfile.mkdtemp(), "demo.h5")
    >>> with atomic_h5(p, kind="demo", config={"n": 3}, seed=1) as f:
    ...     _ = f.create_dataset("x", data=[1, 2, 3])
    >>> read_metadata(p)["config"]
    {'n': 3}
    """
    import h5py

    with atomic_write(path) as tmp:
        with h5py.File(tmp, "w", libver=HDF5_LIBVER) as fh:
            write_metadata(fh, kind=kind, config=config, seed=seed)
            yield fh
            seal_tree(fh, unsealed=unsealed)


def write_metadata(group, *, kind: str, config=None, seed=None) -> None:
    """Store schema version, kind, config (JSON), seed and package versions as attributes."""
    set_attr(group, "schema_version", SCHEMA_VERSION)
    set_attr(group, "kind", kind)
    set_attr(group, "config", json.dumps(to_jsonable(config or {}), sort_keys=True))
    if seed is not None:  # an absent attribute reads back as None
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int or None; got {seed!r}")
        set_attr(group, "seed", np.int64(seed) if seed < 2**63 else np.uint64(seed))
    set_attr(group, "versions", json.dumps(package_versions(), sort_keys=True))
    set_attr(group, "created", _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))


# --------------------------------------------------------------------------- digests


def _feed(h, value) -> None:
    """Feed a typed, length-prefixed encoding of an attribute or dataset value to ``h``."""
    if isinstance(value, str):
        tag, data = b"s", value.encode("utf-8", "surrogatepass")
    elif isinstance(value, bytes):
        tag, data = b"b", bytes(value)
    elif isinstance(value, (np.ndarray, np.generic, int, float, complex, bool)):
        a = np.asarray(value)
        if a.dtype.kind == "O":
            h.update(b"O" + repr(a.shape).encode() + b";")
            for item in a.ravel():
                _feed(h, item)
            return
        if a.dtype.byteorder not in "=|":
            a = a.astype(a.dtype.newbyteorder("="))
        a = np.ascontiguousarray(a)
        tag = b"a" + str(a.dtype.descr).encode() + repr(a.shape).encode()
        h.update(tag + len(tag).to_bytes(8, "little") + a.nbytes.to_bytes(8, "little"))
        h.update(a.reshape(-1).view(np.uint8))
        return
    else:  # h5py.Empty and other rarities: their printed form
        tag, data = b"r", f"{type(value).__name__}:{value!r}".encode()
    h.update(tag + len(data).to_bytes(8, "little"))
    h.update(data)


def set_attr(obj, key: str, value) -> None:
    """Set an attribute the esorma way: text as fixed-length UTF-8 (read back as ``bytes``).

    Fixed-length strings sit in the object header, which HDF5 checksums; variable-length ones
    (h5py's default for ``str``) sit in the unchecked global heap. Other values as h5py does.
    """
    import h5py

    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        n = max(1, len(data))
        dtype = h5py.string_dtype("utf-8", n)
        obj.attrs.create(key, np.array(data, dtype=dtype), dtype=dtype)
    else:
        obj.attrs[key] = value


def read_attrs(obj) -> dict:
    """The attributes of an HDF5 group or dataset as Python values (text as ``str``).

    Examples
    --------
    >>> import tempfile, os, h5py
    >>> p = os.path.join(tempfile.mkdtemp(), "a.h5")
    >>> with h5py.File(p, "w") as f:
    ...     set_attr(f, "unit", "1/time")
    ...     read_attrs(f)
    {'unit': '1/time'}
    """
    out = {}
    for key in obj.attrs.keys():
        if key == DIGEST_ATTR:
            continue
        value = obj.attrs[key]
        if isinstance(value, bytes):
            value = value.decode("utf-8", "surrogatepass")
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def _digest(obj, *, with_name: bool = False, data=None) -> str:
    """SHA-256 over an HDF5 object: attributes, then members (group) or contents (dataset)."""
    import h5py

    is_group = isinstance(obj, h5py.Group)
    h = hashlib.sha256(b"esorma-group-1\0" if is_group else b"esorma-dataset-1\0")
    if with_name:
        _feed(h, obj.name.rpartition("/")[2])
    attrs = obj.attrs
    for key in sorted(attrs.keys()):
        if key == DIGEST_ATTR:
            continue
        _feed(h, key)
        _feed(h, attrs[key])
    if is_group:
        for key in sorted(obj.keys()):
            link = obj.get(key, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise FileFormatError(f"{_name(obj)}: {obj.name!r} member {key!r} is a "
                                      f"{type(link).__name__}; esorma files hold no links")
            cls = obj.get(key, getclass=True)
            _feed(h, key)
            _feed(h, "group" if issubclass(cls, h5py.Group) else "dataset")
    else:
        _feed(h, obj[()] if data is None else data)
    return h.hexdigest()


def seal(obj, *, with_name: bool = False, data=None) -> str:
    """Store the SHA-256 digest of a group or dataset in its attribute ``sha256``.

    A group's digest covers its attributes and its members' names and kinds (and its own name
    with ``with_name``); a dataset's covers its attributes, dtype, shape and contents. Seal an
    object after its last change (a group: after its members are created). ``data``: the
    numeric array just written to the dataset (saves reading it back; used only when the
    dataset's dtype and shape are exactly the array's).
    """
    if data is not None:
        data = np.asarray(data)
        if data.dtype.byteorder not in "=|":
            data = data.astype(data.dtype.newbyteorder("="))
        if (data.dtype.kind not in "biufc" or obj.dtype != data.dtype
                or obj.shape != data.shape):
            data = None  # let the digest read what HDF5 stored
    value = _digest(obj, with_name=with_name, data=data)
    set_attr(obj, DIGEST_ATTR, value)
    return value


def seal_tree(group, *, unsealed: tuple = ()) -> None:
    """Seal every dataset and group under ``group`` and ``group`` itself (see :func:`seal`)."""
    import h5py

    skip = {str(p).strip("/") for p in unsealed}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            if DIGEST_ATTR not in obj.attrs:  # not yet sealed as it was written
                seal(obj)
        elif name not in skip:
            seal(obj)

    group.visititems(visit)
    if group.name.strip("/") not in skip:
        seal(group)


def check_digest(obj, *, required: bool, with_name: bool = False, data=None) -> None:
    """Check an object's ``sha256`` digest (see :func:`seal`).

    Parameters
    ----------
    obj : h5py.Group or h5py.Dataset
    required : bool
        The file's schema version has digests: a missing one is damage.
    with_name : bool
        The digest covers the object's own name (sweep points).
    data : array, optional
        The dataset's contents already read (saves a second read).

    Raises
    ------
    esorma.errors.FileFormatError
        The digest is missing (when required) or differs: the object changed after writing.
    """
    stored = obj.attrs.get(DIGEST_ATTR)
    if stored is None:
        if required:
            raise FileFormatError(f"{_name(obj)}: {obj.name!r} has no checksum "
                                  f"(attribute {DIGEST_ATTR!r}): the file is damaged")
        return
    if isinstance(stored, bytes):
        stored = stored.decode("utf-8", "replace")
    if _digest(obj, with_name=with_name, data=data) != stored:
        what = "group" if hasattr(obj, "keys") else "dataset"
        raise FileFormatError(f"{_name(obj)}: the {what} {obj.name!r} is damaged (its SHA-256 "
                              "checksum does not match: the file changed after it was written)")


def _requires_digests(version, root) -> bool:
    return (isinstance(version, int) and version >= 3) or DIGEST_ATTR in root.attrs


def _attr(group, key):
    """An attribute that must be there (FileFormatError naming it otherwise)."""
    if key not in group.attrs:
        raise FileFormatError(f"{_name(group)}: {group.name!r} lacks the attribute {key!r}: "
                              "the file is incomplete or damaged")
    value = group.attrs[key]
    return value.decode() if isinstance(value, bytes) else value


@contextlib.contextmanager
def reading(path_or_group, what: str = "esorma file"):
    """Turn any failure while reading ``path_or_group`` into one FileFormatError.

    A FileFormatError raised inside passes unchanged, as does a ``FileNotFoundError`` for a
    path that does not exist; anything else (h5py's ``OSError``/``RuntimeError``, a
    ``KeyError``, a decoding error, ...) becomes ``FileFormatError("<file> is damaged or not
    an <what> (<error>)")``. ``KeyboardInterrupt`` passes.
    """
    try:
        yield
    except FileFormatError as exc:
        name = _name(path_or_group)
        if name in str(exc):
            raise
        raise FileFormatError(f"{name}: {exc}") from None  # every message names the file
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile file may raise anything
        if isinstance(exc, IsADirectoryError):
            raise FileFormatError(f"{_name(path_or_group)} is a folder, not an {what}") from None
        raise FileFormatError(f"{_name(path_or_group)} is damaged or not an {what} "
                              f"({type(exc).__name__}: {exc})") from None



@contextlib.contextmanager
def _open_group(path_or_group, mode="r"):
    import h5py

    if isinstance(path_or_group, (h5py.Group, h5py.File)):
        yield path_or_group
        return
    if mode == "r":
        if os.path.isdir(path_or_group):
            raise FileFormatError(f"{_name(path_or_group)} is a folder, not an esorma file")
        if not os.path.exists(path_or_group):
            raise FileNotFoundError(f"no such file: {str(path_or_group)!r}")
    try:
        fh = h5py.File(path_or_group, mode)
    except (FileNotFoundError, FileFormatError):
        raise
    except Exception as exc:  # noqa: BLE001 - truncated, foreign or garbage bytes
        raise FileFormatError(f"{_name(path_or_group)} is not a readable HDF5 file "
                              f"({type(exc).__name__}: {exc})") from None
    with fh:
        yield fh


def read_metadata(path_or_group) -> dict:
    """Read the provenance attributes written by :func:`write_metadata`.

    ``config`` and ``versions`` are decoded from JSON; ``seed`` is an int (None when the run
    had none); ``schema_version`` is checked (a file from a newer esorma is refused), and from
    schema version 3 on the root's attributes are checked against its digest.

    Raises
    ------
    esorma.errors.FileFormatError
        Not an esorma file, a newer or unknown schema, a missing attribute, a damaged or
        truncated file (the message names the file and what is wrong).
    FileNotFoundError
        No such file.
    """
    with reading(path_or_group), _open_group(path_or_group) as g:
        return _read_metadata(g)


def _read_metadata(g) -> dict:
    """read_metadata on an open group (errors not yet wrapped)."""
    attrs = {k: g.attrs[k] for k in g.attrs.keys()}
    version = attrs.get("schema_version")
    if isinstance(version, np.generic):
        version = version.item()
    _check_schema(version, g)
    if _requires_digests(version, g):
        for key in _REQUIRED_ROOT_ATTRS:
            _attr(g, key)
        check_digest(g, required=True)
    attrs.pop(DIGEST_ATTR, None)
    out = {"seed": None}
    for key, value in attrs.items():
        if isinstance(value, bytes):
            value = value.decode()
        if key in ("config", "seed", "versions") and isinstance(value, str):
            try:
                value = json.loads(value)  # files of schema 1 stored the seed as JSON
            except json.JSONDecodeError as exc:
                raise FileFormatError(f"{_name(g)}: attribute {key!r} is not "
                                      f"valid JSON ({exc})") from None
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def _name(path_or_group) -> str:
    name = getattr(path_or_group, "filename", None)
    if name is None:
        file = getattr(path_or_group, "file", None)
        name = getattr(file, "filename", path_or_group)
    return str(name)


def _check_schema(version, path_or_group) -> None:
    if version is None:
        raise FileFormatError(f"{_name(path_or_group)} is not an esorma file "
                              "(no schema_version attribute)")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FileFormatError(f"{_name(path_or_group)}: schema_version must be a positive int; "
                              f"got {version!r} (the file is damaged)")
    if version > SCHEMA_VERSION:
        raise FileFormatError(
            f"{_name(path_or_group)} was written with schema_version {version} by a newer "
            f"esorma; this one reads up to {SCHEMA_VERSION}: upgrade esorma to read it"
        )


# --------------------------------------------------------------------------- results & networks


def _write_array(group, name, value: np.ndarray, meta=None):
    if value.dtype.kind == "O":
        raise TypeError(f"cannot store field {name!r}: object arrays have no HDF5 form; "
                        "store numbers, strings or nested results")
    if value.dtype.kind == "U":
        import h5py

        # Fixed-length UTF-8 (no unchecked global heap; see the module docstring).
        encoded = [s.encode("utf-8", "surrogatepass") for s in value.ravel().tolist()]
        n = max([1] + [len(b) for b in encoded])
        dtype = h5py.string_dtype("utf-8", n)
        data = np.array(encoded, dtype=dtype).reshape(value.shape)
        ds = group.create_dataset(name, data=data, dtype=dtype)
        set_attr(ds, "unicode", True)
    elif value.ndim >= 1 and value.size > 0:
        # Chunked with a Fletcher-32 checksum: a damaged byte is an error on reading,
        # never a silently different number.
        ds = group.create_dataset(name, data=value, fletcher32=True,
                                  compression="gzip" if value.size > 4096 else None)
    else:
        ds = group.create_dataset(name, data=value)
    for key in ("unit", "description"):
        if meta and meta.get(key):
            set_attr(ds, key, meta[key])
    seal(ds, data=value if value.dtype.kind != "U" else None)


def _needs_group(value) -> bool:
    """True for values stored as datasets or groups: arrays, results, and containers of them."""
    import dataclasses

    if isinstance(value, np.ndarray) or (
            dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_needs_group(v) for v in value)
    if isinstance(value, dict):
        return any(_needs_group(v) for v in value.values())
    return False


def _write_value(group, name, value, meta=None):
    import dataclasses

    if value is None:
        set_attr(group, f"none:{name}", True)
    elif isinstance(value, np.ndarray):
        _write_array(group, name, value, meta)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        sub = group.create_group(name)
        set_attr(sub, "dataclass", f"{type(value).__module__}:{type(value).__qualname__}")
        for f in dataclasses.fields(value):
            _write_value(sub, f.name, getattr(value, f.name), f.metadata)
    elif isinstance(value, (list, tuple)) and any(_needs_group(v) for v in value):
        sub = group.create_group(name)
        set_attr(sub, "container",
                 type(value).__name__ if type(value) in (list, tuple) else "tuple")
        set_attr(sub, "length", len(value))
        for i, v in enumerate(value):
            _write_value(sub, str(i), v)
    elif isinstance(value, dict) and any(_needs_group(v) for v in value.values()):
        sub = group.create_group(name)
        set_attr(sub, "container", "dict")
        named = all(isinstance(k, str) and "/" not in k and k not in ("", ".") for k in value)
        if named:  # readable member names
            set_attr(sub, "keys", json.dumps(list(value)))
            for k, v in value.items():
                _write_value(sub, k, v)
        else:  # any JSON keys (numbers, tuples of numbers): members by position
            try:
                set_attr(sub, "key_values", json.dumps([to_jsonable(k) for k in value]))
            except TypeError:
                raise TypeError(f"cannot store field {name!r}: dict keys must be strings, "
                                f"numbers or tuples of them") from None
            for i, v in enumerate(value.values()):
                _write_value(sub, str(i), v)
    elif isinstance(value, PurePath):
        set_attr(group, f"path:{name}", str(value))
    elif isinstance(value, (str, bool, int, float, complex, np.generic)):
        set_attr(group, f"scalar:{name}", value)
    else:
        try:
            # NaN and inf kept (as JSON's non-standard NaN/Infinity): a file must not change
            # a number, even to null.
            text = json.dumps(_jsonable_exact(value), allow_nan=True)
        except TypeError as exc:
            raise TypeError(f"cannot store field {name!r} of type {type(value).__name__}: "
                            f"{exc}") from None
        set_attr(group, f"json:{name}", text)


def _hashable(key):
    """A dict key decoded from JSON: lists become tuples (JSON has no tuples)."""
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def _read_dataset(ds, required: bool = False):
    import h5py

    if not isinstance(ds, h5py.Dataset):
        raise FileFormatError(f"{_name(ds)}: {ds.name!r} is a {type(ds).__name__}, not a "
                              "dataset")
    value = ds[()]
    check_digest(ds, required=required, data=value)
    if ds.attrs.get("unicode", False):
        value = np.asarray(value, dtype=object)
        value = np.array([v.decode("utf-8", "surrogatepass") if isinstance(v, bytes) else v
                          for v in value.ravel()], dtype=str).reshape(value.shape)
    elif isinstance(value, np.generic):  # h5py reads a 0-d dataset as a scalar
        value = np.asarray(value)
    return value


def _resolve_class(target):
    import dataclasses
    import importlib

    module, _, qualname = str(target).partition(":")
    # Only esorma's own result classes are rebuilt: a file must never name code to run.
    if (module != "esorma" and not module.startswith("esorma.")) or any(
            part in ("__main__", "") for part in module.split(".")):
        raise FileFormatError(
            f"refusing to load {target!r}: only esorma result classes can be rebuilt from a file"
        )
    try:
        cls = importlib.import_module(module)
    except (ImportError, ValueError):
        raise FileFormatError(f"{target!r} names a module this esorma does not have") from None
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise FileFormatError(f"refusing to load {target!r}: not an esorma result dataclass")
    return cls


def _read_group(group, required: bool = False):
    import dataclasses

    import h5py

    values = {}
    for key in group.keys():
        link = group.get(key, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise FileFormatError(f"{_name(group)}: {group.name!r} member {key!r} is a "
                                  f"{type(link).__name__}; esorma files hold no links")
        ds = group[key]
        values[key] = (_read_group(ds, required) if isinstance(ds, h5py.Group)
                       else _read_dataset(ds, required))
    for key, value in group.attrs.items():
        prefix, _, name = key.partition(":")
        if not name:
            continue
        if prefix == "none":
            values[name] = None
        elif prefix == "scalar":
            values[name] = value.decode() if isinstance(value, bytes) else (
                value.item() if isinstance(value, np.generic) else value
            )
        elif prefix == "json":
            values[name] = json.loads(value)
        elif prefix == "path":
            values[name] = Path(value.decode() if isinstance(value, bytes) else value)
    container = group.attrs.get("container")
    if container is not None:
        container = container.decode() if isinstance(container, bytes) else str(container)
        if container == "dict":
            if "keys" in group.attrs:
                keys = json.loads(group.attrs["keys"])
                _check_members(group, values, keys)
                check_digest(group, required=required)
                return {k: values[k] for k in keys}
            keys = json.loads(_attr(group, "key_values"))
            _check_members(group, values, [str(i) for i in range(len(keys))])
            check_digest(group, required=required)
            return {_hashable(k): values[str(i)] for i, k in enumerate(keys)}
        if container not in ("list", "tuple"):
            raise FileFormatError(f"{_name(group)}: {group.name!r} is an unknown container "
                                  f"{container!r}")
        length = _attr(group, "length")
        _check_members(group, values, [str(i) for i in range(int(length))])
        check_digest(group, required=required)
        items = [values[str(i)] for i in range(int(length))]
        return items if container == "list" else tuple(items)
    target = group.attrs.get("dataclass")
    if target is None:
        check_digest(group, required=required)
        return values
    cls = _resolve_class(target.decode() if isinstance(target, bytes) else target)
    init = {f.name for f in dataclasses.fields(cls) if f.init}
    missing = sorted(f.name for f in dataclasses.fields(cls) if f.init and f.name not in values
                     and f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING)
    if missing:
        raise FileFormatError(f"{_name(group)}: group {group.name!r} ({cls.__name__}) lacks "
                              f"the fields {missing}: the file is incomplete or damaged")
    check_digest(group, required=required)
    return cls(**{k: v for k, v in values.items() if k in init})


def _check_members(group, values, keys) -> None:
    missing = [k for k in keys if k not in values]
    if missing:
        raise FileFormatError(f"{_name(group)}: {group.name!r} lacks the members {missing}: "
                              "the file is incomplete or damaged")


def save_result(path, result, *, kind: str | None = None, config=None, seed=None) -> Path:
    """Save a result dataclass (arrays, scalars, nested dataclasses) to HDF5, atomically.

    Every esorma result round-trips: :func:`load_result` rebuilds the same class. Arrays
    become datasets (with a Fletcher-32 checksum, so damage is detected on reading, and the
    ``unit``/``description`` of the field's metadata as attributes), scalars and strings
    become attributes, nested results, and lists, tuples or dicts holding arrays or results,
    become groups; other values are stored as JSON.

    Parameters
    ----------
    path : path-like
        Target file (replaced atomically: it appears only when complete).
    result : dataclass instance
        Any esorma result (its fields become datasets and attributes of the group ``result``).
    kind : str, optional
        Content label (default: the class name).
    config : dict, optional
        The parameters that produced the result (stored as JSON in the ``config`` attribute).
    seed : int, optional
        The seed of the run (stored as an integer attribute).

    Examples
    --------
    >>> import tempfile, os
    >>> from esorma.dynamics import DynamicsResult
    >>> import numpy as np
    >>> r = DynamicsResult(np.ones((1, 3), np.int8), np.zeros(1), np.ones(1, bool),
    ...                    np.ones(1), np.zeros(1), "async", "random", 10)
    >>> p = save_result(os.path.join(tempfile.mkdtemp(), "r.h5"), r, config={"N": 3}, seed=0)
    >>> load_result(p).mode
    'async'
    >>> read_metadata(p)["seed"]
    0
    """
    import dataclasses

    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        raise TypeError(f"result must be a dataclass instance; got {type(result).__name__}")
    kind = kind or type(result).__name__
    with atomic_h5(path, kind=kind, config=config, seed=seed) as fh:
        _write_value(fh, "result", result)
    return Path(path)


def load_result(path_or_group, cls: type | None = None):
    """Load a result saved by :func:`save_result`, rebuilt as its dataclass.

    Parameters
    ----------
    path_or_group : path-like or h5py.Group
    cls : type, optional
        The class expected; another class in the file is refused.

    Raises
    ------
    esorma.errors.FileFormatError
        The file holds no esorma result, another class than ``cls``, a newer schema, or is
        damaged, truncated or foreign (a checksum, a field or an attribute is wrong or
        missing); the message names the file and what is wrong. Also a ``ValueError``.
    FileNotFoundError
        No such file.
    """
    import dataclasses

    with reading(path_or_group, "esorma result file"), _open_group(path_or_group) as g:
        name = _name(g)
        meta = _read_metadata(g)
        if "result" not in g:
            raise FileFormatError(f"{name} holds no esorma result (no 'result' group)")
        result = g["result"]
        target = _attr(result, "dataclass")
        if cls is not None:
            want = f"{cls.__module__}:{cls.__qualname__}"
            if str(target) != want:
                raise FileFormatError(f"{name} holds a {str(target).rpartition(':')[2]}, "
                                      f"not a {cls.__name__}")
        value = _read_group(result, _requires_digests(meta.get("schema_version"), g))
        if not dataclasses.is_dataclass(value):
            raise FileFormatError(f"{name}: the 'result' group holds no result dataclass")
        return value


def check_output_path(path, *, suffixes=DATA_SUFFIXES, flag: str = "path",
                      force: bool = False) -> Path:
    """Check an output target before any work: its ending, its folder, an existing file.

    Parameters
    ----------
    path : path-like
        The file to be written.
    suffixes : tuple of str
        Allowed endings (case-insensitive), e.g. :data:`DATA_SUFFIXES`.
    flag : str
        The argument's name in messages (``"--out"``).
    force : bool
        Allow replacing an existing file.

    Raises
    ------
    esorma.errors.OutputPathError
        A wrong ending, a folder that does not exist or cannot be written, a target that is a
        folder, or an existing file without ``force``.

    Examples
    --------
    >>> check_output_path("results.png", suffixes=DATA_SUFFIXES, flag="--out")
    Traceback (most recent call last):
    ...
    esorma.errors.OutputPathError: --out must end in .h5 or .hdf5; got 'results.png'
    """
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise OutputPathError(f"{flag} must end in {' or '.join(suffixes)}; got {str(path)!r}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputPathError(f"{flag}: folder {str(parent)!r} does not exist (create it first)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"{flag}: folder {str(parent)!r} is not writable")
    if path.is_dir():
        raise OutputPathError(f"{flag}: {str(path)!r} is a folder, not a file")
    if path.exists() and not force:
        raise OutputPathError(f"{flag}: {str(path)!r} exists; pass --force to overwrite it")
    return path


def save_network(path, network, *, config=None, seed=None) -> Path:
    """Save a :class:`esorma.Hopfield` network (couplings, thresholds, scale, patterns, rule).

    Examples
    --------
    >>> import tempfile, os
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> net = Hopfield.from_patterns(random_patterns(2, 16, rng=0))
    >>> p = save_network(os.path.join(tempfile.mkdtemp(), "net.h5"), net, seed=0)
    >>> load_network(p).J.dtype
    dtype('int16')
    """
    from esorma.networks import Hopfield

    if not isinstance(network, Hopfield):
        raise TypeError(f"network must be an esorma.Hopfield; got {type(network).__name__}")
    lazy = bool(getattr(network, "_lazy", False))
    with atomic_h5(path, kind="network", config=config, seed=seed) as fh:
        g = fh.create_group("network")
        if lazy:
            # A Hebb network built from patterns is saved as its patterns (O(NP) bytes, never
            # the N x N matrix): loading rebuilds the same lazy network.
            set_attr(g, "lazy_hebb_dtype", str(network.couplings_dtype))
        else:
            _write_array(g, "J", np.asarray(network.J))
        _write_array(g, "theta", np.asarray(network.theta))
        set_attr(g, "scale", network.scale)
        if network.patterns is not None:
            _write_array(g, "patterns", np.asarray(network.patterns))
        if network.rule is not None:
            set_attr(g, "rule", network.rule)
    return Path(path)


def _load_lazy_hebb(n, name, required, dtype):
    """Rebuild a Hebb network saved as its patterns (see :func:`save_network`)."""
    from esorma.networks import Hopfield

    missing = [k for k in ("patterns", "theta") if k not in n]
    if missing:
        raise FileFormatError(f"{name}: the network lacks {missing} (a Hebb network saved as patterns)")
    check_digest(n, required=required)
    dtype = dtype.decode() if isinstance(dtype, bytes) else str(dtype)
    integer = dtype in ("int16", "int32")
    try:
        return Hopfield.from_patterns(
            _read_dataset(n["patterns"], required), "hebb", integer=integer,
            dtype=dtype if integer else None, theta=_read_dataset(n["theta"], required))
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{name}: the stored network is invalid ({exc})") from None


def load_network(path_or_group):
    """Load a network saved by :func:`save_network`.

    Raises
    ------
    esorma.errors.FileFormatError
        Not a network file (another kind, no ``network`` group, a missing ``J``, ``theta`` or
        ``scale``), a newer schema, a damaged or truncated file.
    FileNotFoundError
        No such file.
    """
    from esorma.networks import Hopfield

    with reading(path_or_group, "esorma network file"), _open_group(path_or_group) as g:
        name = _name(g)
        meta = _read_metadata(g)
        required = _requires_digests(meta.get("schema_version"), g)
        if "network" not in g:
            raise FileFormatError(f"{name} holds no esorma network (no 'network' group)")
        if meta.get("kind") not in (None, "network"):
            raise FileFormatError(f"{name} holds a {meta.get('kind')!r}, not a network")
        n = g["network"]
        lazy = n.attrs.get("lazy_hebb_dtype")
        if lazy is not None:
            return _load_lazy_hebb(n, name, required, lazy)
        missing = [k for k in ("J", "theta") if k not in n]
        if missing or "scale" not in n.attrs:
            raise FileFormatError(f"{name}: the network lacks "
                                  f"{missing + ([] if 'scale' in n.attrs else ['scale'])}")
        check_digest(n, required=required)
        rule = n.attrs.get("rule")
        try:
            return Hopfield(
                _read_dataset(n["J"], required),
                theta=_read_dataset(n["theta"], required),
                scale=float(n.attrs["scale"]),
                patterns=_read_dataset(n["patterns"], required) if "patterns" in n else None,
                rule=rule.decode() if isinstance(rule, bytes) else rule,
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, FileFormatError):
                raise
            raise FileFormatError(f"{name}: the stored network is invalid ({exc})") from None

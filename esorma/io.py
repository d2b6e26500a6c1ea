"""HDF5 input/output shared by the whole package: atomic writes and provenance attributes.

Every file esorma writes records, as attributes of its root group, the ``schema_version``, the
``kind`` of content, the ``config`` (JSON), the ``seed`` and the ``versions`` of the packages
that made it. Writes go to a temporary file in the same folder that is renamed into place only
when complete, so an interrupted run never leaves a half-written file under the final name.

Readers and writers accept a path or an open ``h5py.Group`` (netket's ``HDF5Log`` style).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import tempfile
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
    "DATA_SUFFIXES",
    "FIGURE_SUFFIXES",
]

SCHEMA_VERSION = 2
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
def atomic_h5(path: str | os.PathLike, *, kind: str, config=None, seed=None):
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
        with h5py.File(tmp, "w") as fh:
            write_metadata(fh, kind=kind, config=config, seed=seed)
            yield fh


def write_metadata(group, *, kind: str, config=None, seed=None) -> None:
    """Store schema version, kind, config (JSON), seed and package versions as attributes."""
    group.attrs["schema_version"] = SCHEMA_VERSION
    group.attrs["kind"] = kind
    group.attrs["config"] = json.dumps(to_jsonable(config or {}), sort_keys=True)
    if seed is not None:  # an absent attribute reads back as None
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int or None; got {seed!r}")
        group.attrs["seed"] = np.int64(seed) if seed < 2**63 else np.uint64(seed)
    group.attrs["versions"] = json.dumps(package_versions(), sort_keys=True)
    group.attrs["created"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def _open_group(path_or_group, mode="r"):
    import h5py

    if isinstance(path_or_group, (h5py.Group, h5py.File)):
        yield path_or_group
    else:
        with h5py.File(path_or_group, mode) as fh:
            yield fh


def read_metadata(path_or_group) -> dict:
    """Read the provenance attributes written by :func:`write_metadata`.

    ``config`` and ``versions`` are decoded from JSON; ``seed`` is an int (None when the run
    had none); ``schema_version`` is checked (a file from a newer esorma is refused).
    """
    with _open_group(path_or_group) as g:
        attrs = dict(g.attrs)
    out = {"seed": None}
    for key, value in attrs.items():
        if isinstance(value, bytes):
            value = value.decode()
        if key in ("config", "seed", "versions") and isinstance(value, str):
            try:
                value = json.loads(value)  # files of schema 1 stored the seed as JSON
            except json.JSONDecodeError as exc:
                raise FileFormatError(f"{_name(path_or_group)}: attribute {key!r} is not "
                                      f"valid JSON ({exc})") from None
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    _check_schema(out.get("schema_version"), path_or_group)
    return out


def _name(path_or_group) -> str:
    return str(getattr(path_or_group, "filename", path_or_group))


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

        ds = group.create_dataset(name, data=value.astype(object),
                                  dtype=h5py.string_dtype("utf-8"))
        ds.attrs["unicode"] = True
    elif value.ndim >= 1 and value.size > 0:
        # Chunked with a Fletcher-32 checksum: a damaged byte is an error on reading,
        # never a silently different number.
        ds = group.create_dataset(name, data=value, fletcher32=True,
                                  compression="gzip" if value.size > 4096 else None)
    else:
        ds = group.create_dataset(name, data=value)
    for key in ("unit", "description"):
        if meta and meta.get(key):
            ds.attrs[key] = meta[key]


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
        group.attrs[f"none:{name}"] = True
    elif isinstance(value, np.ndarray):
        _write_array(group, name, value, meta)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        sub = group.create_group(name)
        sub.attrs["dataclass"] = f"{type(value).__module__}:{type(value).__qualname__}"
        for f in dataclasses.fields(value):
            _write_value(sub, f.name, getattr(value, f.name), f.metadata)
    elif isinstance(value, (list, tuple)) and any(_needs_group(v) for v in value):
        sub = group.create_group(name)
        sub.attrs["container"] = type(value).__name__ if type(value) in (list, tuple) else "tuple"
        sub.attrs["length"] = len(value)
        for i, v in enumerate(value):
            _write_value(sub, str(i), v)
    elif isinstance(value, dict) and any(_needs_group(v) for v in value.values()):
        sub = group.create_group(name)
        sub.attrs["container"] = "dict"
        named = all(isinstance(k, str) and "/" not in k and k not in ("", ".") for k in value)
        if named:  # readable member names
            sub.attrs["keys"] = json.dumps(list(value))
            for k, v in value.items():
                _write_value(sub, k, v)
        else:  # any JSON keys (numbers, tuples of numbers): members by position
            try:
                sub.attrs["key_values"] = json.dumps([to_jsonable(k) for k in value])
            except TypeError:
                raise TypeError(f"cannot store field {name!r}: dict keys must be strings, "
                                f"numbers or tuples of them") from None
            for i, v in enumerate(value.values()):
                _write_value(sub, str(i), v)
    elif isinstance(value, PurePath):
        group.attrs[f"path:{name}"] = str(value)
    elif isinstance(value, (str, bool, int, float, complex, np.generic)):
        group.attrs[f"scalar:{name}"] = value
    else:
        try:
            text = json.dumps(to_jsonable(value))
        except TypeError as exc:
            raise TypeError(f"cannot store field {name!r} of type {type(value).__name__}: "
                            f"{exc}") from None
        group.attrs[f"json:{name}"] = text


def _hashable(key):
    """A dict key decoded from JSON: lists become tuples (JSON has no tuples)."""
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def _read_dataset(ds):
    value = ds[()]
    if ds.attrs.get("unicode", False):
        value = np.asarray(value, dtype=object)
        value = np.array([v.decode() if isinstance(v, bytes) else v for v in value.ravel()],
                         dtype=str).reshape(value.shape)
    return value


def _resolve_class(target):
    import dataclasses
    import importlib

    module, _, qualname = str(target).partition(":")
    # Only esorma's own result classes are rebuilt: a file must never name code to run.
    if module != "esorma" and not module.startswith("esorma."):
        raise FileFormatError(
            f"refusing to load {target!r}: only esorma result classes can be rebuilt from a file"
        )
    try:
        cls = importlib.import_module(module)
    except ImportError:
        raise FileFormatError(f"{target!r} names a module this esorma does not have") from None
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise FileFormatError(f"refusing to load {target!r}: not an esorma result dataclass")
    return cls


def _read_group(group):
    import dataclasses

    values = {}
    for key, ds in group.items():
        values[key] = _read_group(ds) if hasattr(ds, "keys") else _read_dataset(ds)
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
                return {k: values[k] for k in json.loads(group.attrs["keys"])}
            keys = json.loads(group.attrs["key_values"])
            return {_hashable(k): values[str(i)] for i, k in enumerate(keys)}
        items = [values[str(i)] for i in range(int(group.attrs["length"]))]
        return items if container == "list" else tuple(items)
    target = group.attrs.get("dataclass")
    if target is None:
        return values
    cls = _resolve_class(target)
    init = {f.name for f in dataclasses.fields(cls) if f.init}
    missing = sorted(f.name for f in dataclasses.fields(cls) if f.init and f.name not in values
                     and f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING)
    if missing:
        raise FileFormatError(f"group {group.name!r} ({cls.__name__}) lacks the fields "
                              f"{missing}: the file is incomplete or damaged")
    return cls(**{k: v for k, v in values.items() if k in init})


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
        damaged (a checksum or a field is wrong or missing). Also a ``ValueError``.
    """
    import h5py

    name = _name(path_or_group)
    try:
        with _open_group(path_or_group) as g:
            read_metadata(g)
            if "result" not in g:
                raise FileFormatError(f"{name} holds no esorma result (no 'result' group)")
            if cls is not None:
                target = g["result"].attrs.get("dataclass")
                target = target.decode() if isinstance(target, bytes) else str(target)
                want = f"{cls.__module__}:{cls.__qualname__}"
                if target != want:
                    raise FileFormatError(f"{name} holds a {target.rpartition(':')[2]}, "
                                          f"not a {cls.__name__}")
            return _read_group(g["result"])
    except FileFormatError:
        raise
    except (OSError, KeyError, RuntimeError, TypeError, json.JSONDecodeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if isinstance(exc, OSError) and not isinstance(path_or_group, (h5py.Group, h5py.File)) \
                and not Path(path_or_group).exists():
            raise
        raise FileFormatError(f"{name} is damaged or not an esorma result file "
                              f"({type(exc).__name__}: {exc})") from None


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
    with atomic_h5(path, kind="network", config=config, seed=seed) as fh:
        g = fh.create_group("network")
        _write_array(g, "J", np.asarray(network.J))
        _write_array(g, "theta", np.asarray(network.theta))
        g.attrs["scale"] = network.scale
        if network.patterns is not None:
            _write_array(g, "patterns", np.asarray(network.patterns))
        if network.rule is not None:
            g.attrs["rule"] = network.rule
    return Path(path)


def load_network(path_or_group):
    """Load a network saved by :func:`save_network`."""
    from esorma.networks import Hopfield

    name = _name(path_or_group)
    try:
        with _open_group(path_or_group) as g:
            meta = read_metadata(g)
            if "network" not in g:
                raise FileFormatError(f"{name} holds no esorma network (no 'network' group)")
            if meta.get("kind") not in (None, "network"):
                raise FileFormatError(f"{name} holds a {meta.get('kind')!r}, not a network")
            n = g["network"]
            missing = [k for k in ("J", "theta") if k not in n]
            if missing or "scale" not in n.attrs:
                raise FileFormatError(f"{name}: the network lacks "
                                      f"{missing + ([] if 'scale' in n.attrs else ['scale'])}")
            rule = n.attrs.get("rule")
            return Hopfield(
                n["J"][()],
                theta=n["theta"][()],
                scale=float(n.attrs["scale"]),
                patterns=n["patterns"][()] if "patterns" in n else None,
                rule=rule.decode() if isinstance(rule, bytes) else rule,
            )
    except (FileFormatError, FileNotFoundError):
        raise
    except (OSError, KeyError, RuntimeError) as exc:
        raise FileFormatError(f"{name} is damaged or not an esorma network file "
                              f"({type(exc).__name__}: {exc})") from None

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
from pathlib import Path
from typing import Any, Iterator

import numpy as np

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
]

SCHEMA_VERSION = 1

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
    group.attrs["seed"] = json.dumps(to_jsonable(seed))
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
    """Read the provenance attributes written by :func:`write_metadata` (JSON decoded)."""
    with _open_group(path_or_group) as g:
        attrs = dict(g.attrs)
    out = {}
    for key, value in attrs.items():
        if isinstance(value, bytes):
            value = value.decode()
        if key in ("config", "seed", "versions") and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


# --------------------------------------------------------------------------- results & networks


def _write_value(group, name, value):
    import dataclasses

    if value is None:
        group.attrs[f"none:{name}"] = True
    elif isinstance(value, np.ndarray):
        group.create_dataset(name, data=value, compression="gzip" if value.size > 4096 else None)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        sub = group.create_group(name)
        sub.attrs["dataclass"] = f"{type(value).__module__}:{type(value).__qualname__}"
        for f in dataclasses.fields(value):
            _write_value(sub, f.name, getattr(value, f.name))
    elif isinstance(value, (str, bool, int, float, np.generic)):
        group.attrs[f"scalar:{name}"] = value
    else:
        group.attrs[f"json:{name}"] = json.dumps(to_jsonable(value))


def _read_group(group):
    import importlib

    values = {}
    for key, ds in group.items():
        if hasattr(ds, "keys"):
            values[key] = _read_group(ds)
        else:
            values[key] = ds[()]
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
    target = group.attrs.get("dataclass")
    if target is None:
        return values
    import dataclasses

    module, _, qualname = str(target).partition(":")
    # Only esorma's own result classes are rebuilt: a file must never name code to run.
    if module != "esorma" and not module.startswith("esorma."):
        raise ValueError(
            f"refusing to load {target!r}: only esorma result classes can be rebuilt from a file"
        )
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"refusing to load {target!r}: not an esorma result dataclass")
    return cls(**values)


def save_result(path, result, *, kind: str | None = None, config=None, seed=None) -> Path:
    """Save a result dataclass (arrays, scalars, nested dataclasses) to HDF5, atomically.

    Parameters
    ----------
    path : path-like
        Target file (replaced atomically).
    result : dataclass instance
        Any esorma result (its fields become datasets and attributes of the group ``result``).
    kind : str, optional
        Content label (default: the class name).

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
    """
    import dataclasses

    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        raise TypeError(f"result must be a dataclass instance; got {type(result).__name__}")
    kind = kind or type(result).__name__
    with atomic_h5(path, kind=kind, config=config, seed=seed) as fh:
        _write_value(fh, "result", result)
    return Path(path)


def load_result(path_or_group):
    """Load a result saved by :func:`save_result` (rebuilt as its dataclass)."""
    with _open_group(path_or_group) as g:
        if "result" not in g:
            raise ValueError(f"{path_or_group!r} holds no esorma result (no 'result' group)")
        return _read_group(g["result"])


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
        g.create_dataset("J", data=network.J, compression="gzip" if network.J.size > 4096 else None)
        g.create_dataset("theta", data=network.theta)
        g.attrs["scale"] = network.scale
        if network.patterns is not None:
            g.create_dataset("patterns", data=network.patterns)
        if network.rule is not None:
            g.attrs["rule"] = network.rule
    return Path(path)


def load_network(path_or_group):
    """Load a network saved by :func:`save_network`."""
    from esorma.networks import Hopfield

    with _open_group(path_or_group) as g:
        if "network" not in g:
            raise ValueError(f"{path_or_group!r} holds no esorma network (no 'network' group)")
        n = g["network"]
        rule = n.attrs.get("rule")
        return Hopfield(
            n["J"][()],
            theta=n["theta"][()],
            scale=float(n.attrs["scale"]),
            patterns=n["patterns"][()] if "patterns" in n else None,
            rule=rule.decode() if isinstance(rule, bytes) else rule,
        )

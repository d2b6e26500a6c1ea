"""Grid points of a sweep: coordinate keys, point keys and per-point seeds.

Each :class:`GridPoint` carries ``numpy.random.SeedSequence(entropy=study_seed,
spawn_key=coordinate keys)``, so a point's random numbers depend only on the study seed and
its coordinates: never on the execution order, the number of workers or the executor.
Integer coordinates are their own key; floats use their IEEE-754 bits; strings a SHA-256
prefix (see :func:`coordinate_key`).
"""

from __future__ import annotations

import hashlib
import itertools
import numbers
import struct
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int

__all__ = ["GridPoint", "coordinate_key", "point_key", "make_point", "grid_points"]


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

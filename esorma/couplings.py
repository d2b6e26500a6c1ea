"""Coupling matrices that do not come from a learning rule: SK spin glasses and files.

* :func:`sk_couplings`: Sherrington–Kirkpatrick couplings (symmetric Gaussian, variance 1/N).
* :func:`read_couplings`: a network from a file — a ``.npy`` matrix, an esorma network or
  result file (``.h5``), or any ``.h5`` with a dataset ``"J"`` (and optionally ``"theta"``).

(Couplings learnt from patterns are made by :mod:`esorma.learning` and
:meth:`esorma.Hopfield.from_patterns`.)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from esorma._validation import as_rng, check_int, check_memory
from esorma.errors import FileFormatError

__all__ = ["sk_couplings", "read_couplings", "COUPLINGS_SUFFIXES"]

#: File endings :func:`read_couplings` reads.
COUPLINGS_SUFFIXES = (".npy", ".h5", ".hdf5")


def sk_bytes(n_neurons: int) -> float:
    """Peak memory of :func:`sk_couplings`: two float64 (N, N) arrays (16 N^2 bytes)."""
    return 16.0 * float(n_neurons) ** 2


def sk_couplings(n_neurons: int, *, rng=None) -> np.ndarray:
    """Sherrington–Kirkpatrick couplings: symmetric, ``J_ij ~ N(0, 1/N)``, zero diagonal.

    With these couplings (``E = −Σ_{i<j} J_ij s_i s_j``) the spin-glass transition is at
    ``T = 1`` and the ground-state energy per spin tends to ``−0.7633`` (Parisi) as N → ∞.

    Parameters
    ----------
    n_neurons : int
        N ≥ 2.
    rng : None, int, SeedSequence or Generator
        Source of the Gaussian draws. The upper triangle of one ``(N, N)`` standard-normal
        draw (scaled by ``1/√N``) is mirrored, so a seed always gives the same matrix.

    Returns
    -------
    ndarray of float64, shape (N, N)
        Peak memory 16 N^2 bytes, refused up front (MemoryError with the estimate) when it
        would not fit.

    Examples
    --------
    >>> J = sk_couplings(100, rng=0)
    >>> off = J[np.triu_indices(100, 1)]
    >>> bool((J == J.T).all()), float(J[0, 0]), round(float(off.std() * 10), 1)
    (True, 0.0, 1.0)
    """
    n = check_int(n_neurons, "n_neurons", minimum=2)
    check_memory(sk_bytes(n), f"SK couplings of N = {n} neurons",
                 hint="use fewer neurons (n_neurons)")
    rng = as_rng(rng)
    g = rng.standard_normal((n, n))
    g /= np.sqrt(n)  # in place, the same numbers as standard_normal(...) / sqrt(n)
    J = np.triu(g, 1)
    del g
    return J + J.T


def _h5_keys(group) -> list[str]:
    return sorted(str(k) for k in group.keys())


def _network_from(value, path):
    from esorma.networks import Hopfield

    if isinstance(value, Hopfield):
        return value
    net = getattr(value, "network", None)
    if isinstance(net, Hopfield):
        return net
    raise FileFormatError(
        f"{path}: the esorma result in this file is a {type(value).__name__}, which holds no "
        f"network; give a .npy matrix, an esorma network file or an .h5 with a dataset 'J'"
    )


def _read_h5(path: Path):
    import h5py

    from esorma.io import load_network, load_result
    from esorma.networks import Hopfield

    try:
        fh = h5py.File(path, "r")
    except OSError as exc:
        raise FileFormatError(f"{path} is not a readable HDF5 file ({exc})") from None
    with fh:
        if "network" in fh:
            return load_network(fh)
        if "result" in fh:
            return _network_from(load_result(fh), path)
        for key in ("J", "couplings"):
            if key in fh:
                ds = fh[key]
                if not isinstance(ds, h5py.Dataset):
                    raise FileFormatError(f"{path}: {key!r} is a group, not a dataset of "
                                          "couplings")
                theta = None
                if "theta" in fh:
                    if not isinstance(fh["theta"], h5py.Dataset):
                        raise FileFormatError(f"{path}: 'theta' is a group, not a dataset")
                    theta = fh["theta"][()]
                try:
                    return Hopfield(ds[()], theta=theta)
                except (TypeError, ValueError) as exc:
                    raise FileFormatError(f"{path}: dataset {key!r}: {exc}") from None
        raise FileFormatError(
            f"{path} holds neither an esorma network (group 'network') nor a dataset 'J' "
            f"(or 'couplings'); it has {_h5_keys(fh) or 'nothing'}"
        )


def read_couplings(path):
    """Read a network from a couplings file.

    Parameters
    ----------
    path : path-like
        One of

        * ``.npy``: an ``(N, N)`` real matrix (no pickled objects);
        * ``.h5``/``.hdf5`` written by :func:`esorma.io.save_network` (group ``"network"``:
          couplings, thresholds, scale, patterns and rule are kept);
        * ``.h5``/``.hdf5`` written by :func:`esorma.io.save_result` holding a network or a
          result with a ``network`` (e.g. ``esorma attractors --out``);
        * any other ``.h5``/``.hdf5`` with a dataset ``"J"`` (or ``"couplings"``) and,
          optionally, a dataset ``"theta"`` of thresholds.

    Returns
    -------
    esorma.Hopfield

    Raises
    ------
    FileNotFoundError
        No such file.
    esorma.errors.FileFormatError
        The file is not one of the above (the message names the file and what was missing).
    ValueError
        Another file ending.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "J.npy")
    >>> np.save(p, sk_couplings(5, rng=0))
    >>> read_couplings(p).n_neurons
    5
    """
    from esorma.networks import Hopfield

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name; got {type(path).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in COUPLINGS_SUFFIXES:
        raise ValueError(f"a couplings file must be a .npy or .h5/.hdf5 file; got {path.name!r}")
    if not path.is_file():
        if path.is_dir():
            raise FileFormatError(f"{path} is a folder, not a couplings file")
        raise FileNotFoundError(f"no such file: {path}")
    if suffix == ".npy":
        try:
            J = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise FileFormatError(f"{path} is not a readable .npy matrix ({exc})") from None
        try:
            return Hopfield(J)
        except (TypeError, ValueError) as exc:
            raise FileFormatError(f"{path}: {exc}") from None
    return _read_h5(path)

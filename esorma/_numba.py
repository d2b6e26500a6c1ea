"""The one Numba wrapper of the package.

Every compiled kernel in esorma is declared with :func:`njit` from this module, so that
caching and debugging switches live in one place (after quimb's ``core.py``).

Environment switches
--------------------
``ESORMA_NUMBA_CACHE=0``
    Do not write or read the on-disk cache (default: cache on).
``NUMBA_DISABLE_JIT=1``
    Numba's own switch: run kernels as plain Python (useful for coverage and debugging).

Kernels must be pure: arrays and scalars in, arrays out; no validation, no I/O, no hidden
random state (seeds are passed in explicitly).
"""

from __future__ import annotations

import os

import numba

__all__ = ["njit", "prange", "CACHE"]

CACHE = os.environ.get("ESORMA_NUMBA_CACHE", "1") not in ("0", "false", "False", "no")

prange = numba.prange


def njit(*args, **kwargs):
    """``numba.njit`` with ``cache`` on by default (see module docstring).

    Use as ``@njit`` or ``@njit(parallel=True)``. ``fastmath`` is never turned on here:
    pass it explicitly, and only for pure sums and norms.
    """
    kwargs.setdefault("cache", CACHE)
    if len(args) == 1 and callable(args[0]):
        return numba.njit(**kwargs)(args[0])
    return numba.njit(*args, **kwargs)

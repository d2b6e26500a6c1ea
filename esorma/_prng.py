"""Counter-free, explicitly seeded random numbers for compiled kernels.

Kernels never touch NumPy's or Numba's global random state. A public function draws one
64-bit seed per chain (or start) from the caller's ``numpy.random.Generator`` with
:func:`esorma._validation.spawn_seeds` and passes the seeds in; each chain then runs its own
xoshiro256** stream, initialised by SplitMix64 from its seed. Because a chain's stream depends
only on its seed, the result is the same whatever the number of threads.

All functions here are Numba kernels operating on a ``state`` array of 4 ``uint64``.
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit

__all__ = ["rng_init", "rng_next", "rng_uniform", "rng_below", "rng_shuffle"]

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit
def rng_init(seed):
    """A fresh xoshiro256** state (uint64[4]) from an integer seed via SplitMix64."""
    state = np.empty(4, dtype=np.uint64)
    z = np.uint64(seed)
    for k in range(4):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[k] = x ^ (x >> np.uint64(31))
    return state


@njit
def rng_next(state):
    """Next 64-bit output of xoshiro256** (advances ``state`` in place)."""
    result = _rotl(state[1] * np.uint64(5), 7) * np.uint64(9)
    t = state[1] << np.uint64(17)
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = _rotl(state[3], 45)
    return result


@njit
def rng_uniform(state):
    """A float64 uniform on [0, 1) with 53 random bits."""
    return np.float64(rng_next(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit
def rng_below(state, n):
    """An integer uniform on ``0 .. n-1`` (``n >= 1``; bias below 2**-40 for n < 2**24)."""
    return np.int64(rng_uniform(state) * n)


@njit
def rng_shuffle(state, arr):
    """Fisher–Yates shuffle of ``arr`` in place."""
    for i in range(arr.shape[0] - 1, 0, -1):
        j = rng_below(state, i + 1)
        tmp = arr[i]
        arr[i] = arr[j]
        arr[j] = tmp

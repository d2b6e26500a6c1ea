"""Random patterns, corruption by spin flips, and overlaps."""

from __future__ import annotations

import numpy as np

from esorma._validation import as_rng, check_int, check_memory, check_probability, check_spins

__all__ = ["random_patterns", "corrupt", "overlaps"]


def random_patterns(n_patterns: int, n_neurons: int, *, rng=None) -> np.ndarray:
    """Unbiased random ±1 patterns, shape (P, N), int8.

    Memory: P × N bytes (refused up front with the estimate when that would not fit).

    Examples
    --------
    >>> xi = random_patterns(3, 8, rng=0)
    >>> xi.shape, xi.dtype
    ((3, 8), dtype('int8'))
    """
    p = check_int(n_patterns, "n_patterns", minimum=1)
    n = check_int(n_neurons, "n_neurons", minimum=1)
    check_memory(float(p) * n, f"{p} random patterns of N = {n} spins (int8)",
                 hint="use fewer patterns (n_patterns) or neurons (n_neurons)")
    rng = as_rng(rng)
    bits = rng.integers(0, 2, size=(p, n), dtype=np.int8)
    bits *= 2  # in place: the only array is the (P, N) int8 result
    bits -= 1
    return bits


def corrupt(states, fraction: float, *, rng=None) -> np.ndarray:
    """Flip exactly ``round(fraction * N)`` distinct spins of every state, chosen at random.

    Parameters
    ----------
    states : array_like, shape (N,) or (B, N)
        ±1 states (for example stored patterns).
    fraction : float
        Fraction of spins to flip, in [0, 1]. The overlap with the original is then
        exactly ``1 - 2 round(fraction N) / N``.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.ones((2, 10), dtype=np.int8)
    >>> (corrupt(xi, 0.3, rng=0) == -1).sum(axis=1)
    array([3, 3])
    """
    batch, was_1d = check_spins(states, "states")
    fraction = check_probability(fraction, "fraction")
    rng = as_rng(rng)
    b, n = batch.shape
    k = int(round(fraction * n))
    out = batch.copy()
    if k:
        # Keys are drawn in blocks of rows (the same stream as one (B, N) draw), so the
        # temporaries stay O(N) for long states instead of O(B N) float64 + int64.
        step = max(1, (1 << 20) // n)
        for r0 in range(0, b, step):
            r1 = min(b, r0 + step)
            keys = rng.random((r1 - r0, n))
            idx = np.argpartition(keys, k - 1, axis=1)[:, :k]
            rows = np.repeat(np.arange(r0, r1), k)
            out[rows, idx.ravel()] *= -1
    return out[0] if was_1d else out


def overlaps(states, patterns) -> np.ndarray:
    """Overlaps ``m_μ = (1/N) Σ_i ξ^μ_i s_i``, shape (B, P) (or (P,) for one state).

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, 1, 1, 1], [1, -1, 1, -1]])
    >>> overlaps(np.array([1, 1, 1, -1]), xi)
    array([0.5, 0.5])
    """
    s, was_1d = check_spins(states, "states")
    xi, _ = check_spins(patterns, "patterns", n=s.shape[1])
    m = (s.astype(np.float64) @ xi.T.astype(np.float64)) / s.shape[1]
    return m[0] if was_1d else m

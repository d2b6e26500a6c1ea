"""Small statistics shared by several parts (binomial intervals)."""

from __future__ import annotations

import numpy as np

__all__ = ["wilson_interval"]


def wilson_interval(counts, n_trials, z: float = 1.96) -> np.ndarray:
    """Wilson score interval of binomial proportions ``counts / n_trials``, shape (..., 2).

    ``z`` is the normal quantile (1.96: 95 %, 1.0: one standard error). The interval always
    contains the observed proportion and reaches 0 (1) exactly when no (every) trial
    succeeded; with ``n_trials = 0`` it is ``[nan, nan]``.

    Examples
    --------
    >>> np.round(wilson_interval([0, 50], 100), 3).tolist()
    [[0.0, 0.037], [0.404, 0.596]]
    >>> wilson_interval(3, 0).tolist()
    [nan, nan]
    """
    k = np.asarray(counts, dtype=np.float64)
    n = float(n_trials)
    if n <= 0:
        return np.full(k.shape + (2,), np.nan)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = np.where(k <= 0, 0.0, np.minimum(p, np.maximum(0.0, centre - half)))
    hi = np.where(k >= n, 1.0, np.maximum(p, np.minimum(1.0, centre + half)))
    return np.stack([lo, hi], axis=-1)

"""Small statistics shared by several parts: binomial intervals, bootstrap intervals of a
median or mean, and Spearman's rank correlation with its bootstrap interval."""

from __future__ import annotations

import numpy as np

__all__ = ["wilson_interval", "bootstrap_ci", "spearman", "spearman_ci"]


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


def bootstrap_ci(values, *, stat: str = "median", n_boot: int = 2000, level: float = 0.95,
                 rng=0) -> tuple:
    """``(estimate, low, high)``: a statistic of the finite values and its percentile bootstrap CI.

    NaNs are dropped first; nothing left gives three NaNs. ``stat`` is ``"median"`` or
    ``"mean"``; ``rng`` (seed or Generator) draws the ``n_boot`` resamples.

    Examples
    --------
    >>> est, lo, hi = bootstrap_ci([1.0, 2.0, 3.0, 4.0, 100.0])
    >>> est, lo <= est <= hi
    (3.0, True)
    """
    from esorma._validation import as_rng, check_choice, check_int, check_real

    check_choice(stat, "stat", ("median", "mean"))
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True,
                       strict_max=True)
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (float("nan"),) * 3
    f = np.median if stat == "median" else np.mean
    est = float(f(v))
    if v.size == 1:
        return est, est, est
    gen = as_rng(rng)
    boots = f(v[gen.integers(0, v.size, size=(n_boot, v.size))], axis=1)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(boots, [a, 1.0 - a])
    return est, float(lo), float(hi)


def spearman(x, y) -> np.ndarray:
    """Spearman's rank correlation of matching rows of ``x`` and ``y`` (last axis; ties get
    their average rank; NaN for a constant row).

    Examples
    --------
    >>> float(spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 40.0, 30.0]))
    0.8
    """
    from scipy.stats import rankdata

    rx = rankdata(np.asarray(x, dtype=np.float64), axis=-1)
    ry = rankdata(np.asarray(y, dtype=np.float64), axis=-1)
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    den = np.sqrt((rx * rx).sum(axis=-1) * (ry * ry).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (rx * ry).sum(axis=-1) / np.where(den > 0, den, 1.0)
    return np.where(den > 0, np.clip(r, -1.0, 1.0), np.nan)


def spearman_ci(x, y, *, n_boot: int = 2000, level: float = 0.95, rng=0) -> tuple:
    """Spearman correlation of paired samples and its percentile bootstrap CI (over pairs).

    Pairs with a non-finite member are dropped. Returns ``(rho, low, high)``: NaN when fewer
    than 3 pairs remain or a sample is constant; ``n_boot = 0`` gives NaN bounds. Resamples
    whose ranks are all tied are left out of the interval. The resamples are drawn in blocks
    (bounded memory; the same stream as one draw).

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> spearman_ci(x, x ** 3, rng=0)
    (1.0, 1.0, 1.0)
    """
    from esorma._validation import as_rng, check_int, check_real

    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length; got {x.size} and {y.size}")
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True,
                       strict_max=True)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = x.size
    if n < 3:
        return (float("nan"),) * 3
    rho = float(spearman(x, y))
    if n_boot == 0 or not np.isfinite(rho):
        return rho, float("nan"), float("nan")
    gen = as_rng(rng)
    boot = np.empty(n_boot)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_boot, chunk):
        idx = gen.integers(0, n, size=(min(chunk, n_boot - start), n))
        boot[start:start + idx.shape[0]] = spearman(x[idx], y[idx])
    boot = boot[np.isfinite(boot)]
    if boot.size == 0:
        return rho, float("nan"), float("nan")
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(boot, [a, 1.0 - a])
    return rho, float(lo), float(hi)

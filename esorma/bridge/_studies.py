"""Shared pieces of the bridge studies: bootstrap intervals and resumable sweeps."""

from __future__ import annotations

import numpy as np

from esorma._validation import as_rng

__all__ = ["bootstrap_ci", "run_points"]


def bootstrap_ci(values, *, stat: str = "median", n_boot: int = 2000, level: float = 0.95,
                 rng=0) -> tuple:
    """``(estimate, low, high)``: a statistic of the finite values and its percentile bootstrap CI.

    NaNs are dropped first; all-NaN gives three NaNs. ``stat`` is ``"median"`` or ``"mean"``.

    Examples
    --------
    >>> est, lo, hi = bootstrap_ci([1.0, 2.0, 3.0, 4.0, 100.0])
    >>> est, lo <= est <= hi
    (3.0, True)
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (float("nan"),) * 3
    f = np.median if stat == "median" else np.mean
    est = float(f(v))
    if v.size == 1:
        return est, est, est
    gen = as_rng(rng)
    idx = gen.integers(0, v.size, size=(n_boot, v.size))
    boots = f(v[idx], axis=1)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(boots, [a, 1.0 - a])
    return est, float(lo), float(hi)


def run_points(func, points, *, checkpoint, kind, config, seed, progress=False):
    """Run a sweep (resumable when ``checkpoint`` is a path) and return ``{key: (arrays, attrs)}``.

    Returns ``(outputs, n_computed, n_skipped)``.
    """
    from esorma.sweeps import PointOutput, load_points, run_sweep

    report = run_sweep(func, points, path=checkpoint, kind=kind, config=config, seed=seed,
                       progress=bool(progress), desc=kind)
    if checkpoint is None:
        out = {k: (o.arrays, dict(o.attrs)) for k, o in report.outputs.items()
               if isinstance(o, PointOutput)}
    else:
        _, stored = load_points(checkpoint)
        out = {k: (sp.arrays, dict(sp.attrs)) for k, sp in stored.items()}
    return out, int(report.n_computed), int(report.n_skipped)

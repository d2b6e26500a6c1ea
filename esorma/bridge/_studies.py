"""Shared pieces of the bridge studies: bootstrap intervals and resumable sweeps."""

from __future__ import annotations

from esorma._stats import bootstrap_ci  # noqa: F401 - re-exported for the bridge studies

__all__ = ["bootstrap_ci", "run_points", "grouped_scalars"]


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


def grouped_scalars(outs, points, names, n_groups: int) -> dict:
    """``{name: array (n_groups, n_seeds)}`` of the scalar outputs ``name`` of ``points``, which
    run group by group (all seeds of group 0, then of group 1, ...)."""
    import numpy as np

    n_seeds = len(points) // n_groups
    return {m: np.array([[float(outs[p.key][0][m]) for p in points[i * n_seeds:(i + 1) * n_seeds]]
                         for i in range(n_groups)]) for m in names}

"""Mean-field (Curie–Weiss) retrieval overlap of a Hopfield network with few patterns."""

from __future__ import annotations

import numpy as np

__all__ = ["mean_field_overlap"]


def mean_field_overlap(temperature, *, tol: float = 1e-13, max_iter: int = 100000) -> np.ndarray:
    """The largest solution of ``m = tanh(m / T)`` (retrieval overlap for α → 0).

    ``m = 0`` for ``T >= 1``; near ``T_c = 1``, ``m ≈ sqrt(3 (1 − T))``.

    Parameters
    ----------
    temperature : float or array_like
        ``T >= 0`` (``m = 1`` at ``T = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(mean_field_overlap([0.0, 0.5, 0.9, 1.2]), 4).tolist()
    [1.0, 0.9575, 0.5254, 0.0]
    """
    t = np.asarray(temperature, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"temperature must be finite and >= 0; got {t.ravel()[:3].tolist()}")
    flat = t.ravel()
    out = np.zeros_like(flat)
    for i, ti in enumerate(flat):
        if ti == 0:
            out[i] = 1.0
            continue
        if ti >= 1:
            continue
        # bisection on g(m) = tanh(m/T) - m over (0, 1]: g > 0 near 0, g(1) < 0
        lo, hi = 1e-300, 1.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if np.tanh(mid / ti) - mid > 0:
                lo = mid
            else:
                hi = mid
            if hi - lo < tol:
                break
        out[i] = 0.5 * (lo + hi)
    return out.reshape(t.shape) if t.ndim else np.float64(out[0])

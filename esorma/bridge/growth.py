"""Weight growth in the saturated phase: logarithmic or power law?

Once a network classifies every training input correctly, cross-entropy keeps decreasing only
by growing the weights: the logits move toward ±∞ and the hidden layer saturates further. For
a *linear* predictor trained by gradient descent on linearly separable data with the logistic
(or cross-entropy) loss, Soudry, Hoffer, Nacson, Gunasekar & Srebro (2018, "The implicit bias
of gradient descent on separable data", JMLR 19(70), Theorem 3) show
``w(t) = w_hat log t + rho(t)`` with ``rho`` bounded and ``w_hat`` the L2 max-margin separator,
so ``||w(t)|| ~ ||w_hat|| log t``. The one-dimensional case is exact enough to test against:
on a single example ``x = 1`` with label 1 the update is ``w <- w + eta / (1 + e^w)``, so
``e^w ~ eta t`` and ``w(t) ~ log t + log eta`` (slope 1 in ``log t``).

:func:`fit_weight_growth` fits both two-parameter models to ``||theta||`` over the saturated
window of a run:

log model
    ``||theta|| = a + b ln t`` (ordinary least squares in ``ln t``);
power law
    ``||theta|| = c t^p`` (ordinary least squares of ``ln ||theta||`` on ``ln t``),

on points resampled evenly in ``ln t`` (so that the late epochs, which are most of a run,
do not outweigh the early ones), and compares their root-mean-square residuals in
``||theta||``. Over a short window a power law with a small exponent and a logarithm look
alike; the fit reports ``p`` so that a reader can see this (``p -> 0`` as the window grows
when the growth is logarithmic).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int

__all__ = ["WeightGrowthFit", "fit_weight_growth", "log_spaced_indices"]


@summarized
@dataclass(frozen=True)
class WeightGrowthFit:
    """Log and power-law fits of the weight norm against the epoch.

    Attributes
    ----------
    epochs, norms : ndarray, shape (k,)
        The points fitted (resampled evenly in ``ln t``).
    log_a, log_b : float
        ``||theta|| = log_a + log_b ln t``.
    power_c, power_p : float
        ``||theta|| = power_c t^power_p``.
    log_rms, power_rms : float
        Root-mean-square residuals of each model in ``||theta||``.
    log_residuals, power_residuals : ndarray, shape (k,)
        ``norms - model`` at each point.
    """

    epochs: np.ndarray = field(metadata={"unit": "epoch", "description": "epochs fitted"})
    norms: np.ndarray = field(metadata={"description": "||theta|| at those epochs"})
    log_a: float
    log_b: float = field(metadata={"description": "slope of ||theta|| in ln t"})
    power_c: float
    power_p: float = field(metadata={"description": "exponent of the power law"})
    log_rms: float
    power_rms: float
    log_residuals: np.ndarray
    power_residuals: np.ndarray

    @property
    def better(self) -> str:
        """``"log"`` when the log model has the smaller rms residual, else ``"power"``."""
        return "log" if self.log_rms <= self.power_rms else "power"

    @property
    def rms_ratio(self) -> float:
        """``log_rms / power_rms`` (< 1: the logarithm fits better)."""
        return float(self.log_rms / self.power_rms) if self.power_rms > 0 else float("nan")


def log_spaced_indices(epochs, n_points: int) -> np.ndarray:
    """Indices into increasing positive ``epochs`` at ``n_points`` values evenly spaced in log.

    Returns the sorted unique nearest indices (fewer than ``n_points`` when epochs repeat).

    Examples
    --------
    >>> log_spaced_indices(np.arange(1, 1001), 4).tolist()
    [0, 9, 99, 999]
    """
    e = np.asarray(epochs, dtype=np.float64).reshape(-1)
    n_points = check_int(n_points, "n_points", minimum=2)
    if e.size == 0 or np.any(e <= 0) or np.any(np.diff(e) <= 0):
        raise ValueError("epochs must be positive and strictly increasing")
    targets = np.geomspace(e[0], e[-1], n_points)
    idx = np.clip(np.searchsorted(e, targets), 0, e.size - 1)
    lower = np.clip(idx - 1, 0, e.size - 1)
    pick = np.where(np.abs(np.log(e[lower]) - np.log(targets))
                    < np.abs(np.log(e[idx]) - np.log(targets)), lower, idx)
    return np.unique(pick)


def fit_weight_growth(epochs, norms, *, n_points: int = 64) -> WeightGrowthFit:
    """Fit ``a + b ln t`` and ``c t^p`` to the weight norm over a window of epochs.

    Parameters
    ----------
    epochs : array_like, shape (m,)
        Positive, strictly increasing epochs (the saturated window of a run).
    norms : array_like, shape (m,)
        Positive ``||theta||`` at those epochs.
    n_points : int
        Points resampled evenly in ``ln t`` before fitting (at least 3 distinct ones needed).

    Returns
    -------
    WeightGrowthFit

    Examples
    --------
    Gradient descent on the logistic loss of one example grows its weight as ``ln t``:

    >>> w, eta, ws = 0.0, 1.0, []
    >>> for t in range(1, 20001):
    ...     w += eta / (1.0 + np.exp(w)); ws.append(w)
    >>> fit = fit_weight_growth(np.arange(100, 20001), np.abs(ws[99:]))
    >>> round(fit.log_b, 2), fit.better
    (1.0, 'log')
    """
    e = np.asarray(epochs, dtype=np.float64).reshape(-1)
    w = np.asarray(norms, dtype=np.float64).reshape(-1)
    if e.shape != w.shape:
        raise ValueError(f"epochs and norms must have the same shape; got {e.shape} and "
                         f"{w.shape}")
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError("norms must be finite and positive")
    idx = log_spaced_indices(e, n_points)
    if idx.size < 3:
        raise ValueError(f"need at least 3 distinct epochs to fit; got {idx.size}")
    t, y = e[idx], w[idx]
    lt = np.log(t)
    A = np.column_stack([np.ones_like(lt), lt])
    (a, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    (lc, p), *_ = np.linalg.lstsq(A, np.log(y), rcond=None)
    r_log = y - (a + b * lt)
    r_pow = y - np.exp(lc) * t ** p
    return WeightGrowthFit(
        epochs=t, norms=y, log_a=float(a), log_b=float(b), power_c=float(np.exp(lc)),
        power_p=float(p), log_rms=float(np.sqrt(np.mean(r_log ** 2))),
        power_rms=float(np.sqrt(np.mean(r_pow ** 2))), log_residuals=r_log,
        power_residuals=r_pow,
    )

"""Error bars for Markov-chain averages: integrated autocorrelation time and estimates.

A time series ``x`` of shape (n_samples, n_chains) (measurements × independent chains) is
summarised by its mean and an error bar that accounts for autocorrelation,
``σ_mean² = var(x) · τ_int / (n_samples · n_chains)``, with ``τ_int = 1 + 2 Σ_{t≥1} ρ(t)``
estimated by Sokal's automatic window (the smallest window W with ``W ≥ c τ_int(W)``,
c = 5). ``τ_int = 1`` for independent samples; it is in units of the measurement interval
(the thinning), not of sweeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Estimate", "autocorrelation", "integrated_autocorr_time", "estimate"]


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo average with an autocorrelation-aware error bar.

    Attributes
    ----------
    mean : float
        Average over measurements and chains.
    error : float
        Standard error of ``mean`` (``sqrt(var · tau / n)``).
    tau : float
        Integrated autocorrelation time in measurement intervals (1 = uncorrelated).
    variance : float
        Variance of a single measurement.
    n_samples : int
        Number of measurements (all chains together).
    reliable : bool
        False when the series is shorter than ~50 τ (the error bar is then a rough guess).
    """

    mean: float
    error: float
    tau: float
    variance: float
    n_samples: int
    reliable: bool

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.error:.2g} (τ = {self.tau:.3g})"


def _as_series(x) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"series must have shape (n_samples,) or (n_samples, n_chains); "
                         f"got shape {arr.shape}")
    if arr.shape[0] < 2 or arr.shape[1] < 1:
        raise ValueError(f"series must hold at least 2 samples of 1 chain; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("series must be finite; found NaN or inf")
    return arr


def autocorrelation(x) -> np.ndarray:
    """Normalised autocorrelation ``ρ(t)``, t = 0..n−1, averaged over chains (FFT, O(n log n)).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_chains)

    Examples
    --------
    >>> import numpy as np
    >>> rho = autocorrelation(np.random.default_rng(0).normal(size=(4000, 4)))
    >>> float(rho[0]), abs(float(rho[1])) < 0.05
    (1.0, True)
    """
    arr = _as_series(x)
    n = arr.shape[0]
    d = arr - arr.mean(axis=0)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, n=size, axis=0)
    acf = np.fft.irfft(f * np.conj(f), n=size, axis=0)[:n].sum(axis=1)
    acf /= np.arange(n, 0, -1)  # unbiased lag estimate, averaged over chains
    if acf[0] <= 0:
        out = np.zeros(n)
        out[0] = 1.0
        return out
    return acf / acf[0]


def integrated_autocorr_time(x, *, c: float = 5.0) -> float:
    """Integrated autocorrelation time ``τ_int = 1 + 2 Σ_{t=1}^{W} ρ(t)`` (Sokal's window).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_chains)
        Measurements of independent chains, in columns.
    c : float
        Window constant: the window W is the smallest with ``W ≥ c τ_int(W)``.

    Returns
    -------
    float
        ``τ_int`` ≥ ~1 in units of the measurement interval; a constant series gives 1.

    Examples
    --------
    An AR(1) series with coefficient φ has ``τ_int = (1 + φ) / (1 − φ)``:

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = np.zeros((20000, 4)); e = rng.normal(size=x.shape)
    >>> for t in range(1, len(x)): x[t] = 0.8 * x[t - 1] + e[t]
    >>> 8 < integrated_autocorr_time(x) < 10.5
    True
    """
    rho = autocorrelation(x)
    n = rho.shape[0]
    taus = 2.0 * np.cumsum(rho) - 1.0  # τ(W) = 1 + 2 Σ_{t=1}^{W} ρ(t)
    ok = np.arange(n) >= c * taus
    w = int(np.argmax(ok)) if ok.any() else n - 1
    return float(max(taus[w], 1e-12))


def estimate(x, *, c: float = 5.0) -> Estimate:
    """Mean and autocorrelation-aware error bar of a series of measurements.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_chains)

    Examples
    --------
    >>> import numpy as np
    >>> est = estimate(np.random.default_rng(0).normal(1.0, 1.0, size=(10000, 2)))
    >>> abs(est.mean - 1.0) < 4 * est.error, round(est.error, 3)
    (True, 0.007)
    """
    arr = _as_series(x)
    n = arr.size
    var = float(arr.var())
    tau = integrated_autocorr_time(arr, c=c) if var > 0 else 1.0
    error = float(np.sqrt(var * tau / n))
    return Estimate(float(arr.mean()), error, tau, var, n, bool(arr.shape[0] >= 50 * tau))

"""Error bars for Markov-chain averages: integrated autocorrelation time and estimates.

A time series ``x`` of shape (n_samples, n_chains) (measurements × independent chains) is
summarised by its mean and an error bar that accounts for autocorrelation,
``σ_mean² = var(x) · τ_int / (n_samples · n_chains)``, with ``τ_int = 1 + 2 Σ_{t≥1} ρ(t)``
estimated by Sokal's automatic window (the smallest window W with ``W ≥ c τ_int(W)``,
c = 5). ``τ_int = 1`` for independent samples; it is in units of the measurement interval
(the thinning), not of sweeps.

τ is measured around each chain's own mean, so it cannot see chains stuck in different
states (a retrieval network started from random states, a spin glass below T_c). With C ≥ 2
chains the error bar is therefore at least the spread of the chain means,
``std(chain means) / sqrt(C)``, and the Gelman–Rubin ratio R̂ (Gelman & Rubin 1992: the
pooled variance estimate over the within-chain variance, square-rooted) is reported;
``R̂ > 1.05`` marks the estimate unreliable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._validation import check_not_masked

from esorma._results import summarized

__all__ = ["Estimate", "autocorrelation", "integrated_autocorr_time", "estimate", "gelman_rubin"]

#: ``reliable`` needs ``R̂ <= RHAT_MAX`` (with at least 2 chains).
RHAT_MAX = 1.05


@summarized
@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo average with an autocorrelation-aware error bar.

    Attributes
    ----------
    mean : float
        Average over measurements and chains.
    error : float
        Standard error of ``mean``: ``sqrt(var · tau / n)``, or with C ≥ 2 chains the spread
        of the chain means ``std(chain means) / sqrt(C)`` when that is larger.
    tau : float
        Integrated autocorrelation time in measurement intervals (1 = uncorrelated).
    variance : float
        Variance of a single measurement.
    n_samples : int
        Number of measurements (all chains together).
    reliable : bool
        False when each chain is shorter than ~50 τ (the error bar is then a rough guess) or
        the chains disagree (``rhat > 1.05``).
    rhat : float
        Gelman–Rubin potential scale reduction R̂ over the chains (≈ 1 when they agree;
        NaN for a single chain; inf when chains are constant at different values).
    """

    mean: float
    error: float
    tau: float
    variance: float
    n_samples: int
    reliable: bool
    rhat: float = float("nan")

    def __str__(self) -> str:
        r = "" if np.isnan(self.rhat) else f", R̂ = {self.rhat:.3g}"
        return f"{self.mean:.6g} ± {self.error:.2g} (τ = {self.tau:.3g}{r})"


def _as_series(x) -> np.ndarray:
    check_not_masked(x, "series")
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("series must be finite; got NaN or inf (a statistic of them would be "
                         "NaN or meaningless)")
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


def gelman_rubin(x) -> float:
    """Gelman–Rubin R̂ of a (n_samples, n_chains) series.

    ``R̂ = sqrt(((n − 1)/n · W + B/n) / W)`` with W the mean within-chain variance and
    B/n the variance of the chain means (both unbiased). NaN for one chain; 1 for chains
    that are all the same constant; inf for constant chains at different values.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(1000, 4))
    >>> bool(gelman_rubin(x) < 1.01), bool(gelman_rubin(x + [0, 0, 3, 3]) > 1.5)
    (True, True)
    """
    arr = _as_series(x)
    n, c = arr.shape
    if c < 2:
        return float("nan")
    w = float(arr.var(axis=0, ddof=1).mean())
    b_over_n = float(arr.mean(axis=0).var(ddof=1))
    if w <= 0:
        return 1.0 if b_over_n <= 0 else float("inf")
    return float(np.sqrt(((n - 1) / n * w + b_over_n) / w))


def estimate(x, *, c: float = 5.0) -> Estimate:
    """Mean and autocorrelation-aware error bar of a series of measurements.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_chains)
        Measurements of independent chains, in columns.

    Notes
    -----
    ``error = sqrt(var · τ / n)`` with the pooled variance; with C ≥ 2 chains it is raised
    to ``std(chain means, ddof=1) / sqrt(C)`` when that is larger (chains stuck in
    different states), and ``reliable`` requires ``R̂ <= 1.05`` besides ≥ 50 τ samples
    per chain.

    Examples
    --------
    >>> import numpy as np
    >>> est = estimate(np.random.default_rng(0).normal(1.0, 1.0, size=(10000, 2)))
    >>> abs(est.mean - 1.0) < 4 * est.error, round(est.error, 3), est.reliable
    (True, 0.007, True)
    >>> stuck = np.random.default_rng(0).normal(size=(2000, 4)) * 0.01 + [1, -1, 1, -1]
    >>> est = estimate(stuck)
    >>> round(est.error, 2), est.reliable      # the spread of the 4 chain means / 2
    (0.58, False)
    """
    arr = _as_series(x)
    n = arr.size
    var = float(arr.var())
    tau = integrated_autocorr_time(arr, c=c) if var > 0 else 1.0
    error = float(np.sqrt(var * tau / n))
    n_chains = arr.shape[1]
    rhat = gelman_rubin(arr)
    if n_chains >= 2:
        error = max(error, float(arr.mean(axis=0).std(ddof=1) / np.sqrt(n_chains)))
    reliable = bool(arr.shape[0] >= 50 * tau) and not (n_chains >= 2 and not rhat <= RHAT_MAX)
    return Estimate(float(arr.mean()), error, tau, var, n, reliable, rhat)

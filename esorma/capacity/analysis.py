"""Analysis of capacity sweeps: summaries per point, α_c(N) at the 1/2 crossing, and the
finite-size extrapolation of α_c to N → ∞.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._stats import wilson_interval
from esorma._validation import check_int, check_real
from esorma.capacity.storage import CapacityResults

__all__ = [
    "HIST_EDGES",
    "CapacitySummary",
    "CapacityEstimate",
    "CapacityExtrapolation",
    "retrieval_thresholds",
    "summarize",
    "estimate_capacity",
    "extrapolate_capacity",
]

#: Bin edges of :attr:`CapacitySummary.histogram` (40 bins over the overlap range -1..1).
HIST_EDGES = np.linspace(-1.0, 1.0, 41)


@summarized
@dataclass(frozen=True)
class CapacitySummary:
    """Summaries per grid point; arrays have shape ``(len(N), len(alpha), len(T))``.

    Attributes
    ----------
    n_neurons, alphas, temperatures : ndarray
        The grid (``alphas`` nominal); ``load`` holds the actual P/N per point.
    mean_overlap, std_overlap, sem_overlap, median_overlap : ndarray
        Final overlap with the probed pattern over networks and probes. ``sem_overlap`` is the
        standard error over networks (the spread of per-network means / sqrt(n_networks))
        when ``n_networks >= 2``, over probes otherwise.
    quantiles : ndarray, shape (..., 5)
        Overlap quantiles at ``QUANTILES`` (10, 25, 50, 75, 90 %).
    histogram : ndarray, shape (..., 40)
        Counts of final overlaps in the bins ``HIST_EDGES`` (-1..1).
    retrieved_fraction, retrieved_low, retrieved_high : ndarray
        Fraction of probes counted as retrieved (overlap > ``retrieval_threshold``) and its
        Wilson score interval (1σ, z = 1).
    retrieval_threshold : ndarray
        The overlap threshold used per point: ``threshold`` at T = 0; at T > 0
        ``relative_threshold × m_RS(α, T)`` where the replica-symmetric retrieval state
        exists, ``relative_threshold`` (an overlap of 1/2 by default) where it does not.
    fixed_point_fraction, converged_fraction, mean_sweeps, mean_wrong_fraction : ndarray
        ``converged_fraction`` and ``mean_sweeps`` are NaN at T > 0 (Glauber dynamics does
        not converge; it runs ``max_sweeps`` sweeps).
    n_samples : ndarray of int
        Probes per point (0 where the point has not been computed: other fields NaN).
    threshold : float
    relative_threshold : float
    """

    n_neurons: np.ndarray
    alphas: np.ndarray
    temperatures: np.ndarray
    load: np.ndarray
    mean_overlap: np.ndarray
    std_overlap: np.ndarray
    sem_overlap: np.ndarray
    median_overlap: np.ndarray
    quantiles: np.ndarray
    histogram: np.ndarray
    retrieved_fraction: np.ndarray
    retrieved_low: np.ndarray
    retrieved_high: np.ndarray
    fixed_point_fraction: np.ndarray
    converged_fraction: np.ndarray
    mean_sweeps: np.ndarray
    mean_wrong_fraction: np.ndarray
    n_samples: np.ndarray
    threshold: float
    rule: str = "hebb"
    retrieval_threshold: np.ndarray | None = None
    relative_threshold: float = 0.5
    corruption: float = 0.0
    n_networks: int = 1
    seed: int | None = None

    QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def retrieval_thresholds(load, temperature: float, threshold: float = 0.9,
                         relative_threshold: float = 0.5) -> np.ndarray:
    """Overlap above which a probe counts as retrieved at loads ``load`` and ``temperature``.

    At T = 0 the retrieval overlap is close to 1 below α_c and the absolute ``threshold``
    (default 0.9) is used. At T > 0 the thermal retrieval overlap m_RS(α, T) is well below 1
    inside the retrieval phase (m_RS(0.002, 0.7) ≈ 0.83), so a fixed 0.9 would call a
    retrieval state "not retrieved"; there the threshold is ``relative_threshold × m_RS(α,
    T)`` (half the RS retrieval overlap by default, well above the spin-glass and paramagnetic
    overlaps ~0), and ``relative_threshold`` itself where no RS retrieval state exists
    (beyond the AGS line T_M(α)). Without :mod:`esorma.replica` the absolute threshold is
    used at every T.

    Examples
    --------
    >>> thr = retrieval_thresholds([0.002, 0.05], 0.0)
    >>> thr.tolist()
    [0.9, 0.9]
    >>> bool(0.40 < retrieval_thresholds([0.002], 0.7)[0] < 0.43)
    True
    """
    load = np.atleast_1d(np.asarray(load, dtype=float))
    out = np.full(load.shape, float(threshold))
    if temperature <= 0.0:
        return out
    try:
        from esorma.replica import retrieval_overlap
    except ImportError:  # pragma: no cover - the replica module is part of esorma
        return out
    ok = np.isfinite(load)
    if ok.any():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = np.asarray(retrieval_overlap(load[ok], T=float(temperature)), dtype=float)
        out[ok] = np.where(np.isfinite(m) & (m > 0), relative_threshold * m,
                           relative_threshold)
    return out


def summarize(results: CapacityResults, threshold: float = 0.9,
              relative_threshold: float = 0.5) -> CapacitySummary:
    """Summaries per (N, α, T): overlap statistics and the retrieved fraction.

    Parameters
    ----------
    results : CapacityResults
    threshold : float
        At T = 0 a probe is retrieved when its final overlap exceeds ``threshold`` (in (0, 1]).
    relative_threshold : float
        At T > 0 a probe is retrieved when its (time-averaged) overlap exceeds
        ``relative_threshold × m_RS(α, T)``, see :func:`retrieval_thresholds`.
    """
    if not isinstance(results, CapacityResults):
        raise TypeError(f"results must be CapacityResults; got {type(results).__name__}")
    threshold = check_real(threshold, "threshold", minimum=0.0, maximum=1.0, strict_min=True)
    relative_threshold = check_real(relative_threshold, "relative_threshold", minimum=0.0,
                                    maximum=1.0, strict_min=True, strict_max=True)
    cfg = results.config
    shape = (len(cfg.n_neurons), len(cfg.alphas), len(cfg.temperatures))
    nan = lambda: np.full(shape, np.nan)  # noqa: E731
    f = {k: nan() for k in ("load", "mean_overlap", "std_overlap", "sem_overlap",
                             "median_overlap", "retrieved_fraction", "retrieved_low",
                             "retrieved_high", "fixed_point_fraction", "converged_fraction",
                             "mean_sweeps", "mean_wrong_fraction")}
    thr = np.full(shape, np.nan)
    for i, n in enumerate(cfg.n_neurons):
        loads = np.array([int(round(a * n)) / n for a in cfg.alphas])
        for k, t in enumerate(cfg.temperatures):
            thr[i, :, k] = retrieval_thresholds(loads, float(t), threshold, relative_threshold)
    quant = np.full(shape + (5,), np.nan)
    hist = np.zeros(shape + (len(HIST_EDGES) - 1,), dtype=np.int64)
    ns = np.zeros(shape, dtype=np.int64)
    for i, n in enumerate(cfg.n_neurons):
        for j, a in enumerate(cfg.alphas):
            p = int(round(a * n))
            for k, t in enumerate(cfg.temperatures):
                f["load"][i, j, k] = p / n
                pt = results.points.get((n, a, float(t)))
                if pt is None:
                    continue
                m = np.asarray(pt.arrays["overlap"], dtype=np.float64)
                flat = m.ravel()
                cnt = flat.size
                ns[i, j, k] = cnt
                f["mean_overlap"][i, j, k] = flat.mean()
                f["std_overlap"][i, j, k] = flat.std(ddof=1) if cnt > 1 else 0.0
                if m.shape[0] >= 2:
                    f["sem_overlap"][i, j, k] = m.mean(axis=1).std(ddof=1) / np.sqrt(m.shape[0])
                else:
                    f["sem_overlap"][i, j, k] = (
                        flat.std(ddof=1) / np.sqrt(cnt) if cnt > 1 else 0.0)
                f["median_overlap"][i, j, k] = np.median(flat)
                quant[i, j, k] = np.quantile(flat, CapacitySummary.QUANTILES)
                hist[i, j, k] = np.histogram(np.clip(flat, -1, 1), bins=HIST_EDGES)[0]
                r = int(np.count_nonzero(flat > thr[i, j, k]))
                f["retrieved_fraction"][i, j, k] = r / cnt
                f["retrieved_low"][i, j, k], f["retrieved_high"][i, j, k] = wilson_interval(
                    r, cnt, z=1.0)
                f["fixed_point_fraction"][i, j, k] = np.mean(pt.arrays["pattern_fixed_point"])
                if float(t) == 0.0 and "converged" in pt.arrays:  # no convergence at T > 0
                    f["converged_fraction"][i, j, k] = np.mean(pt.arrays["converged"])
                    f["mean_sweeps"][i, j, k] = np.mean(pt.arrays["sweeps"])
                f["mean_wrong_fraction"][i, j, k] = np.mean(pt.arrays["wrong_fraction"])
    return CapacitySummary(
        n_neurons=np.array(cfg.n_neurons), alphas=np.array(cfg.alphas),
        temperatures=np.array(cfg.temperatures), quantiles=quant, histogram=hist,
        n_samples=ns, threshold=threshold, rule=cfg.rule, corruption=cfg.corruption,
        n_networks=cfg.n_networks, seed=results.seed, retrieval_threshold=thr,
        relative_threshold=relative_threshold, **f,
    )


# --------------------------------------------------------------------------- capacity per N


@summarized
@dataclass(frozen=True)
class CapacityEstimate:
    """Where the retrieved fraction first crosses ``level`` (downwards), per N.

    Attributes
    ----------
    n_neurons : ndarray
    alpha_c : ndarray
        Linear interpolation in the load P/N between the last point at or above ``level``
        and the first point below it; NaN when the fraction never crosses on the grid.
    alpha_c_low, alpha_c_high : ndarray
        The same crossing for the lower and upper 1σ Wilson bounds of the fraction (the
        statistical part of the α_c interval; one-sided NaN when the bound does not cross on
        the grid).
    status : tuple of str
        ``"ok"``, ``"below grid"`` (already < level at the smallest α) or ``"above grid"``.
    level : float
    temperature : float
    grid_step : ndarray or None
        Spacing of the two loads that bracket the crossing (NaN without a crossing). The
        crossing is only located to about ``grid_step / √12`` by the linear interpolation
        (a fraction that jumps from 1 to 0 between two loads says nothing about where in
        between), whatever the Wilson interval says.
    """

    n_neurons: np.ndarray
    alpha_c: np.ndarray
    alpha_c_low: np.ndarray
    alpha_c_high: np.ndarray
    status: tuple
    level: float = 0.5
    temperature: float = 0.0
    grid_step: np.ndarray | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", tuple(self.status))

    @property
    def sigma_stat(self) -> np.ndarray:
        """Half-width of the Wilson-bound interval (the one side present when the other is
        missing; 0 when both are missing)."""
        c = np.asarray(self.alpha_c, dtype=float)
        lo = np.asarray(self.alpha_c_low, dtype=float)
        hi = np.asarray(self.alpha_c_high, dtype=float)
        both = 0.5 * (hi - lo)
        one = np.where(np.isfinite(lo), np.abs(c - lo), np.abs(hi - c))
        out = np.where(np.isfinite(lo) & np.isfinite(hi), both, one)
        return np.where(np.isfinite(out), out, 0.0)

    @property
    def sigma_grid(self) -> np.ndarray:
        """Resolution of the grid at the crossing, ``grid_step / √12`` (0 when unknown)."""
        if self.grid_step is None:
            return np.zeros(np.shape(self.alpha_c))
        g = np.asarray(self.grid_step, dtype=float) / np.sqrt(12.0)
        return np.where(np.isfinite(g), g, 0.0)

    @property
    def sigma(self) -> np.ndarray:
        """1σ error of α_c per N: Wilson-bound half-width and grid resolution in quadrature
        (so never below ``grid_step / √12``); NaN where there is no crossing."""
        s = np.hypot(self.sigma_stat, self.sigma_grid)
        return np.where(np.isfinite(np.asarray(self.alpha_c, dtype=float)), s, np.nan)


def _crossing(x, y, level):
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return np.nan, "no data", np.nan
    order = np.argsort(x)
    x, y = x[order], y[order]
    below = np.nonzero(y < level)[0]
    if below.size == 0:
        return np.nan, "above grid", np.nan
    j = below[0]
    if j == 0:
        return np.nan, "below grid", np.nan
    x0, x1, y0, y1 = x[j - 1], x[j], y[j - 1], y[j]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1)), "ok", float(x1 - x0)


def estimate_capacity(summary: CapacitySummary, *, level: float = 0.5,
                      t_index: int = 0) -> CapacityEstimate:
    """α_c(N): the load where the retrieved fraction crosses ``level`` (default 1/2).

    Examples
    --------
    >>> from esorma.capacity import CapacityConfig, capacity_sweep
    >>> cfg = CapacityConfig(n_neurons=[300], alphas=[0.05, 0.25], n_probes=10)
    >>> est = estimate_capacity(capacity_sweep(cfg, seed=0).summary())
    >>> est.status, bool(0.05 < est.alpha_c[0] < 0.25)
    (('ok',), True)
    """
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True,
                       strict_max=True)
    t_index = check_int(t_index, "t_index", minimum=0, maximum=len(summary.temperatures) - 1)
    ac, lo, hi, st, step = [], [], [], [], []
    for i in range(len(summary.n_neurons)):
        x = summary.load[i, :, t_index]
        c, s, dx = _crossing(x, summary.retrieved_fraction[i, :, t_index], level)
        ac.append(c)
        st.append(s)
        step.append(dx)
        lo.append(_crossing(x, summary.retrieved_low[i, :, t_index], level)[0])
        hi.append(_crossing(x, summary.retrieved_high[i, :, t_index], level)[0])
    return CapacityEstimate(np.array(summary.n_neurons), np.array(ac), np.array(lo),
                            np.array(hi), tuple(st), level,
                            float(summary.temperatures[t_index]), np.array(step))


@summarized
@dataclass(frozen=True)
class CapacityExtrapolation:
    """Weighted linear fit ``α_c(N) = alpha_inf + slope · N^(−exponent)``.

    Attributes
    ----------
    alpha_inf, alpha_inf_err : float
        Extrapolated N → ∞ capacity and its statistical 1σ error (from the fit covariance,
        inflated by sqrt(χ²/dof) when that exceeds 1; NaN with fewer than 3 sizes).
    alt_exponent, alpha_inf_alt : float
        The same fit in the other scaling variable (``1/N`` for the default ``N^(−1/2)``,
        ``N^(−1/2)`` for ``1/N``) and its α_∞.
    systematic_err : float
        ``|alpha_inf − alpha_inf_alt|``: how much α_∞ depends on the assumed finite-size
        law (a few sizes cannot tell the two apart). Quote it next to ``alpha_inf_err``.
    slope, slope_err : float
    exponent : float
        Scaling variable ``x = N^(−exponent)`` (1 = 1/N).
    x, alpha_c, sigma : ndarray
        The points used (finite α_c only) and their weights' σ.
    chi2 : float
    n_used : int
    """

    alpha_inf: float
    alpha_inf_err: float
    slope: float
    slope_err: float
    exponent: float
    x: np.ndarray
    alpha_c: np.ndarray
    sigma: np.ndarray
    n_neurons: np.ndarray
    chi2: float
    n_used: int
    alt_exponent: float = float("nan")
    alpha_inf_alt: float = float("nan")
    systematic_err: float = float("nan")

    def predict(self, n) -> np.ndarray:
        return self.alpha_inf + self.slope * np.asarray(n, dtype=float) ** (-self.exponent)


def _weighted_line(x, y, sig):
    w = 1.0 / sig**2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    beta = cov @ (A.T @ (w * y))
    resid = y - A @ beta
    chi2 = float(np.sum(w * resid**2))
    dof = len(y) - 2
    if dof >= 1:
        cov = cov * max(1.0, chi2 / dof)
        err = np.sqrt(np.diag(cov))
    else:
        err = np.array([np.nan, np.nan])
    return beta, err, chi2


def extrapolate_capacity(estimate: CapacityEstimate, *, exponent: float = 0.5,
                         min_sigma: float = 1e-3,
                         alt_exponent: float | None = None) -> CapacityExtrapolation:
    """Extrapolate α_c(N) to N → ∞ with a weighted line in ``x = N^(−exponent)``.

    The default scaling variable is ``N^(−1/2)``; ``1/N`` (``exponent=1``) is the other
    common choice. With a few sizes and grid-limited errors both usually fit, and they
    extrapolate differently (≈ 0.138 and ≈ 0.149 for N = 500 … 4000): that difference is
    reported as ``systematic_err`` and must be quoted with α_∞.

    Needs at least two sizes with a finite α_c (ValueError otherwise). σ per size is
    :attr:`CapacityEstimate.sigma` (Wilson-bound half-width and grid resolution
    ``step/√12`` in quadrature), at least ``min_sigma``. The same fit in ``alt_exponent``
    (default: 1 for the N^(−1/2) fit, 0.5 otherwise) gives ``alpha_inf_alt``; their
    difference is reported as ``systematic_err``.

    Examples
    --------
    >>> import numpy as np
    >>> est = CapacityEstimate(np.array([1000, 2000, 4000]), np.array([0.15, 0.145, 0.1425]),
    ...                        np.array([0.149, 0.144, 0.142]), np.array([0.151, 0.146, 0.143]),
    ...                        ("ok",) * 3)
    >>> round(extrapolate_capacity(est, exponent=1.0).alpha_inf, 4)
    0.14
    """
    exponent = check_real(exponent, "exponent", minimum=0.0, strict_min=True)
    if alt_exponent is None:
        alt_exponent = 0.5 if exponent == 1.0 else 1.0
    alt_exponent = check_real(alt_exponent, "alt_exponent", minimum=0.0, strict_min=True)
    ok = np.isfinite(estimate.alpha_c)
    if ok.sum() < 2:
        raise ValueError(
            f"extrapolation needs alpha_c at >= 2 network sizes; got {int(ok.sum())} "
            f"(statuses: {list(estimate.status)})"
        )
    n = estimate.n_neurons[ok].astype(float)
    y = estimate.alpha_c[ok]
    sig = estimate.sigma[ok]
    sig = np.where(np.isfinite(sig), np.maximum(sig, min_sigma), 5 * min_sigma)
    x = n ** (-exponent)
    beta, err, chi2 = _weighted_line(x, y, sig)
    alt = float(_weighted_line(n ** (-alt_exponent), y, sig)[0][0])
    return CapacityExtrapolation(float(beta[0]), float(err[0]), float(beta[1]), float(err[1]),
                                 exponent, x, y, sig, n, chi2, int(len(y)),
                                 float(alt_exponent), alt, abs(float(beta[0]) - alt))

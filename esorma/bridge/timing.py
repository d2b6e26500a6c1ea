"""Phase timing across many runs: when training enters and leaves each phase.

:func:`phase_timing_study` trains sigmoid MLPs by full-batch gradient descent over a grid of
tasks (Boolean and real-valued), hidden widths, learning rates, initial weight scales and
seeds, records **every epoch** (from epoch 0, the initialisation), labels the epochs with the
hysteresis rules of :func:`esorma.bridge.classify_phases`, and measures per run:

* the entry and exit epochs of the hybrid phase;
* the growth of ``||theta||`` in the saturated phase (:func:`esorma.bridge.fit_weight_growth`:
  ``a + b ln t`` against ``c t^p``);
* the per-epoch rate of sign flips of the weight updates
  (:func:`esorma.bridge.sign_flip_rate`) against the saturated fraction.

"Enters the hybrid phase faster than it leaves it"
---------------------------------------------------
With ``t_in`` the first epoch labelled hybrid (the time taken to *enter*: from epoch 0, when
training starts in the linear phase) and ``t_out`` the first epoch of the final saturated
segment (:attr:`PhaseLabels.saturated_from <esorma.bridge.phases.PhaseLabels.saturated_from>`:
from there on every epoch is saturated), the time taken to *leave* the hybrid phase for good is
``t_out - t_in``. (With large learning rates a run can be kicked into a short saturated
segment within a few epochs and fall back to hybrid: ``t_out_first``, the first epoch after the
first hybrid segment, is stored too, but the ratio uses the final entry.) A run enters faster
than it leaves when

    ``ratio = (t_out - t_in) / t_in > 1``,

i.e. when its point lies above the line ``y = x`` in the plot of ``t_out - t_in`` against
``t_in`` (:func:`esorma.plotting.phases.plot_hybrid_timing`). Runs that start in the hybrid
phase (``t_in = 0``) have no ratio; runs that never leave it before the last epoch are
*censored*: their ratio is at least ``(n_epochs - t_in) / t_in``. The study reports the
median ratio over runs that left (with a percentile bootstrap CI over runs); the fraction above
the line over every run whose side is known (runs that left, and censored runs whose lower
bound already exceeds 1); and a lower bound of the median over every run that entered
(censored runs at their lower bound: valid because a censored value is at least its bound).

Sign flips against saturation
-----------------------------
Per run: the Spearman correlation over epochs of the flip rate with the saturated fraction,
and the mean flip rate and mean saturated fraction over the last quarter of training; over
runs: the Spearman correlation of those two late means, with a bootstrap CI over runs.

Storage and resume
------------------
One HDF5 file per study through :func:`esorma.sweeps.run_sweep` (one point per run: its
phase epochs, fit parameters and short curves); a killed study resumes where it stopped, and
a file written with another grid or seed is refused. The seed of each run derives from the
study seed and the run's coordinates (task, width, learning rate, scale, seed index) only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from esorma._results import summarized
from esorma._stats import bootstrap_ci, spearman
from esorma._stats import spearman_ci as _spearman_ci
from esorma._validation import check_int, check_real

__all__ = [
    "TIMING_TASKS",
    "PhaseTimingStudy",
    "phase_timing_study",
    "bootstrap_median_ci",
    "spearman_ci",
    "hybrid_ratio",
]

#: Default tasks of :func:`phase_timing_study`: task parameters and hidden widths.
TIMING_TASKS = {
    "xor": {"params": {}, "widths": (3, 6)},
    "multiplexer": {"params": {}, "widths": (12, 24)},
    "threshold_rule": {"params": {"n_samples": 100, "rule": "xor", "n_test": 100},
                       "widths": (4, 8)},
}

_N_BINS = 10  # saturated-fraction bins of the flip-rate curve
_N_CURVE = 48  # points of the stored weight-norm curve


# ----------------------------------------------------------------------------- statistics
def bootstrap_median_ci(values, *, n_boot: int = 2000, level: float = 0.95, rng=0) -> tuple:
    """Median of ``values`` and its percentile bootstrap confidence interval.

    Returns ``(median, low, high)``; NaNs are dropped; all NaN when nothing is left
    (:func:`esorma._stats.bootstrap_ci` with ``stat="median"``).

    Examples
    --------
    >>> m, lo, hi = bootstrap_median_ci(np.arange(1, 102), rng=0)
    >>> m, bool(lo < 51 < hi)
    (51.0, True)
    """
    return bootstrap_ci(values, stat="median", n_boot=n_boot, level=level, rng=rng)


def spearman_ci(x, y, *, n_boot: int = 2000, level: float = 0.95, rng=0) -> tuple:
    """Spearman correlation of paired samples and its percentile bootstrap CI (over pairs).

    Pairs with a NaN are dropped. Returns ``(rho, low, high)`` (NaN when fewer than 3 pairs or
    a constant sample; resamples with a constant sample are left out of the interval); see
    :func:`esorma._stats.spearman_ci`.

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> rho, lo, hi = spearman_ci(x, x ** 3, rng=0)
    >>> rho, lo, hi
    (1.0, 1.0, 1.0)
    """
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    return _spearman_ci(x, y, n_boot=n_boot, level=level, rng=rng)


def hybrid_ratio(t_in, t_out, n_epochs) -> tuple:
    """``(ratio, lower_bound)`` arrays of ``(t_out - t_in) / t_in`` (see the module docstring).

    ``t_in`` and ``t_out`` are epochs with -1 for "never". ``ratio`` is NaN unless the run
    entered (``t_in > 0``) and left (``t_out >= 0``); ``lower_bound`` equals ``ratio`` for
    those runs and ``(n_epochs - t_in) / t_in`` for runs that entered and never left.

    Examples
    --------
    >>> r, lb = hybrid_ratio([10, 10, 0, -1], [40, -1, 5, -1], 100)
    >>> r.tolist()[:2], lb.tolist()[:2]
    ([3.0, nan], [3.0, 9.0])
    """
    ti = np.asarray(t_in, dtype=np.float64)
    to = np.asarray(t_out, dtype=np.float64)
    entered = ti > 0
    left = entered & (to >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(left, (to - ti) / np.where(entered, ti, 1.0), np.nan)
        lb = np.where(left, ratio, np.where(entered, (n_epochs - ti) / np.where(entered, ti, 1.0),
                                            np.nan))
    return ratio, lb


# ----------------------------------------------------------------------------- one run
def _timing_point(point, *, task_params, n_epochs, margin, hold):
    """Train one run and measure it (module level: runs on worker processes)."""
    from esorma.bridge.diagnostics import phase_diagnostics
    from esorma.bridge.growth import fit_weight_growth, log_spaced_indices
    from esorma.bridge.phases import classify_phases
    from esorma.bridge.tasks import make_task
    from esorma.bridge.training import train_mlp
    from esorma.errors import DivergenceError
    from esorma.sweeps import PointOutput

    c = point.coords
    run_seed = int(point.seed_sequence().generate_state(1)[0])
    t0 = time.perf_counter()
    task = make_task(c["task"], rng=run_seed, **task_params.get(c["task"], {}))
    nan = float("nan")
    attrs = {"run_seed": run_seed, "diverged": False}
    try:
        res = train_mlp(task, hidden=(int(c["width"]),), learning_rate=float(c["learning_rate"]),
                        init_scale=float(c["init_scale"]), n_epochs=n_epochs, record_every=1,
                        rng=run_seed)
    except DivergenceError:
        attrs.update(diverged=True, seconds=time.perf_counter() - t0)
        empty = np.full(0, nan)
        return PointOutput({"codes": np.zeros(0, np.int8), "curve_epochs": empty,
                            "curve_norms": empty, "flip_bin_sum": np.zeros(_N_BINS),
                            "flip_bin_count": np.zeros(_N_BINS)}, attrs)
    d = phase_diagnostics(res, margin=margin, lyapunov=False)
    lab = classify_phases(d, hold=hold)
    raw = classify_phases(d, hold=1, saturated_leave=lab.thresholds["saturated"],
                          linear_reenter=lab.thresholds["linear_error"],
                          linear_reenter_saturation=lab.thresholds["linear_saturation"])
    t_in, t_out_first = lab.entry_exit("hybrid")
    sat_in, _ = lab.entry_exit("saturated")
    sat_from = lab.saturated_from
    t_out = sat_from if (t_in is not None and sat_from is not None and sat_from > t_in) else None
    ep = d.epochs
    norms = np.linalg.norm(res.history.params, axis=1)
    attrs.update(
        t_in=-1 if t_in is None else t_in, t_out=-1 if t_out is None else t_out,
        t_out_first=-1 if t_out_first is None else t_out_first,
        saturated_entry=-1 if sat_in is None else sat_in,
        saturated_from=-1 if sat_from is None else sat_from,
        final_phase=int(lab.codes[-1]), n_changes=lab.n_changes, n_changes_raw=raw.n_changes,
        final_loss=float(d.loss[-1]), final_error=float(d.error[-1]),
        diverged=bool(res.diverged),
    )
    # weight growth over the final saturated segment
    fit = dict(log_a=nan, log_b=nan, power_c=nan, power_p=nan, log_rms=nan, power_rms=nan)
    curve_e = np.full(_N_CURVE, nan)
    curve_w = np.full(_N_CURVE, nan)
    if sat_from is not None:
        sel = (ep >= max(sat_from, 1))
        e_s, w_s = ep[sel].astype(np.float64), norms[sel]
        if e_s.size >= 3 and e_s[-1] >= 2 * e_s[0]:
            f = fit_weight_growth(e_s, w_s)
            fit = dict(log_a=f.log_a, log_b=f.log_b, power_c=f.power_c, power_p=f.power_p,
                       log_rms=f.log_rms, power_rms=f.power_rms)
        if e_s.size >= 2:
            idx = log_spaced_indices(e_s, _N_CURVE)
            curve_e[: idx.size] = e_s[idx]
            curve_w[: idx.size] = w_s[idx]
    attrs.update(fit)
    # sign flips against the saturated fraction
    flip, sf = d.sign_flip_rate, d.saturated_fraction
    ok = np.isfinite(flip) & np.isfinite(sf)
    late = ok & (ep >= ep[-1] * 0.75)
    for k, name in enumerate(("linear", "hybrid", "saturated")):
        m = ok & (lab.codes == k)
        attrs[f"flip_{name}"] = float(flip[m].mean()) if m.any() else nan
    attrs["flip_mean"] = float(flip[ok].mean()) if ok.any() else nan
    attrs["flip_late"] = float(flip[late].mean()) if late.any() else nan
    attrs["sf_late"] = float(sf[late].mean()) if late.any() else nan
    attrs["flip_sf_rho"] = (float(spearman(flip[ok], sf[ok])) if ok.sum() >= 3
                            else nan)
    b = np.clip((sf[ok] * _N_BINS).astype(int), 0, _N_BINS - 1)
    attrs["seconds"] = time.perf_counter() - t0
    return PointOutput({
        "codes": lab.codes.astype(np.int8),
        "curve_epochs": curve_e, "curve_norms": curve_w,
        "flip_bin_sum": np.bincount(b, weights=flip[ok], minlength=_N_BINS).astype(np.float64),
        "flip_bin_count": np.bincount(b, minlength=_N_BINS).astype(np.float64),
    }, attrs)


# ----------------------------------------------------------------------------- result
def _runs(description, unit=None):
    meta = {"description": description + " (one per run)"}
    if unit:
        meta["unit"] = unit
    return field(metadata=meta)


def _rows(description, unit=None):
    meta = {"description": description + " (one per setting, last row: all runs)"}
    if unit:
        meta["unit"] = unit
    return field(metadata=meta)


@summarized
@dataclass(frozen=True)
class PhaseTimingStudy:
    """Phase entry/exit times, weight growth and sign flips over many training runs.

    Per-run arrays (length ``n_runs``; -1 in int arrays means "never") and per-setting rows
    (length ``n_settings + 1``: one per (task, width, learning rate, scale), the last row
    pooling every run). Definitions in :mod:`esorma.bridge.timing`.

    Attributes
    ----------
    task : tuple of str
    width, seed_index, run_seed, setting : ndarray of int
        Per run; ``setting`` indexes the rows.
    learning_rate, init_scale : ndarray of float
    t_in, t_out, t_out_first, saturated_entry, saturated_from, final_phase, n_changes,
    n_changes_raw
        Per run: hybrid entry, final exit (start of the final saturated segment), end of the
        first hybrid segment, first and final saturated entry, final phase code, phase
        changes with the hysteresis rule and with the raw rule.
    ratio, ratio_lower : ndarray
        ``(t_out - t_in) / t_in`` and its lower bound (censored runs).
    log_a, log_b, power_c, power_p, log_rms, power_rms : ndarray
        Weight-growth fits over the final saturated segment (NaN: too short).
    flip_linear, flip_hybrid, flip_saturated, flip_mean, flip_late, sf_late, flip_sf_rho
        Sign-flip statistics per run.
    curve_epochs, curve_norms : ndarray, shape (n_runs, 48)
        ``||theta||`` at log-spaced epochs of the final saturated segment (NaN padded).
    flip_bin_sum, flip_bin_count : ndarray, shape (n_runs, 10)
        Sum and count of per-epoch flip rates in saturated-fraction bins ``[k/10, (k+1)/10)``.
    setting_labels : tuple of str
    row_* : ndarray, shape (n_settings + 1,)
        Per setting: runs, entered, left, censored; median ratio and its CI; fraction above
        ``y = x``; lower bound of the median; median log slope, median power exponent,
        fraction where the log model fits better, median rms ratio; Spearman rho of the late
        flip rate against the late saturated fraction over runs and its CI; median per-run rho.
    config : dict
    seconds : float
        Wall time of the runs computed by this call (0 on a full resume).
    """

    task: tuple
    width: np.ndarray = _runs("hidden width")
    learning_rate: np.ndarray = _runs("learning rate")
    init_scale: np.ndarray = _runs("initial weight scale")
    seed_index: np.ndarray = _runs("seed index within the setting")
    run_seed: np.ndarray = _runs("seed of the task draw, initial weights")
    setting: np.ndarray = _runs("row of the setting")
    t_in: np.ndarray = _runs("first hybrid epoch, -1 never", "epoch")
    t_out: np.ndarray = _runs("start of the final saturated segment after t_in, -1 never",
                              "epoch")
    t_out_first: np.ndarray = _runs("first epoch after the first hybrid segment, -1 never",
                                    "epoch")
    saturated_entry: np.ndarray = _runs("first saturated epoch, -1 never", "epoch")
    saturated_from: np.ndarray = _runs("start of the final saturated segment, -1 never",
                                       "epoch")
    final_phase: np.ndarray = _runs("final phase: 0 linear, 1 hybrid, 2 saturated")
    n_changes: np.ndarray = _runs("phase changes (hysteresis rule)")
    n_changes_raw: np.ndarray = _runs("phase changes (raw per-epoch rule)")
    final_loss: np.ndarray = _runs("final cross-entropy", "nats per output")
    ratio: np.ndarray = _runs("(t_out - t_in) / t_in, NaN undefined")
    ratio_lower: np.ndarray = _runs("lower bound of the ratio (censored runs)")
    log_a: np.ndarray = _runs("intercept of ||theta|| = a + b ln t")
    log_b: np.ndarray = _runs("slope of ||theta|| = a + b ln t")
    power_c: np.ndarray = _runs("prefactor of ||theta|| = c t^p")
    power_p: np.ndarray = _runs("exponent of ||theta|| = c t^p")
    log_rms: np.ndarray = _runs("rms residual of the log fit")
    power_rms: np.ndarray = _runs("rms residual of the power fit")
    flip_linear: np.ndarray = _runs("mean flip rate in the linear phase", "fraction")
    flip_hybrid: np.ndarray = _runs("mean flip rate in the hybrid phase", "fraction")
    flip_saturated: np.ndarray = _runs("mean flip rate in the saturated phase", "fraction")
    flip_mean: np.ndarray = _runs("mean flip rate over the run", "fraction")
    flip_late: np.ndarray = _runs("mean flip rate over the last quarter", "fraction")
    sf_late: np.ndarray = _runs("mean saturated fraction over the last quarter", "fraction")
    flip_sf_rho: np.ndarray = _runs("Spearman rho of flip rate and saturated fraction "
                                    "over epochs")
    curve_epochs: np.ndarray = _runs("log-spaced epochs of the saturated segment", "epoch")
    curve_norms: np.ndarray = _runs("||theta|| at curve_epochs")
    flip_bin_sum: np.ndarray = _runs("sum of flip rates per saturated-fraction bin")
    flip_bin_count: np.ndarray = _runs("epochs per saturated-fraction bin")
    setting_labels: tuple
    row_n_runs: np.ndarray = _rows("runs")
    row_n_entered: np.ndarray = _rows("runs that entered the hybrid phase after epoch 0")
    row_n_left: np.ndarray = _rows("runs that entered and left it")
    row_n_censored: np.ndarray = _rows("runs that entered and never left")
    row_ratio_median: np.ndarray = _rows("median ratio over runs that left")
    row_ratio_low: np.ndarray = _rows("bootstrap CI low of the median ratio")
    row_ratio_high: np.ndarray = _rows("bootstrap CI high of the median ratio")
    row_frac_above: np.ndarray = _rows("fraction above y = x among runs whose side is known")
    row_n_sided: np.ndarray = _rows("runs whose side of y = x is known")
    row_ratio_median_lower: np.ndarray = _rows("lower bound of the median ratio over runs "
                                               "that entered")
    row_log_b: np.ndarray = _rows("median slope b of a + b ln t")
    row_power_p: np.ndarray = _rows("median exponent p of c t^p")
    row_frac_log_better: np.ndarray = _rows("fraction of fitted runs where a + b ln t fits "
                                            "better")
    row_rms_ratio: np.ndarray = _rows("median log_rms / power_rms")
    row_n_fit: np.ndarray = _rows("runs with a growth fit")
    row_flip_rho: np.ndarray = _rows("Spearman rho over runs: late flip rate vs late "
                                     "saturated fraction")
    row_flip_rho_low: np.ndarray = _rows("bootstrap CI low of row_flip_rho")
    row_flip_rho_high: np.ndarray = _rows("bootstrap CI high of row_flip_rho")
    row_flip_rho_runs: np.ndarray = _rows("median per-run rho over epochs")
    config: dict
    seconds: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "task", tuple(str(t) for t in self.task))
        object.__setattr__(self, "setting_labels", tuple(str(t) for t in self.setting_labels))

    @property
    def n_runs(self) -> int:
        return len(self.task)

    def late_growth(self) -> dict:
        """Growth fits on the later half (in ``ln t``) of each run's saturated window.

        Refits the stored 48-point curves (:attr:`curve_epochs`, :attr:`curve_norms`) on the
        epochs ``t >= sqrt(t_first t_last)`` of the window: a logarithm keeps its slope ``b``
        and a power law its exponent ``p`` there, so a drop of ``p`` (or of ``b``) from the
        full window tells which way the curvature goes. Returns pooled medians and counts.
        """
        from esorma.bridge.growth import fit_weight_growth

        b, p, ratio = [], [], []
        for i in range(self.n_runs):
            e, w = self.curve_epochs[i], self.curve_norms[i]
            ok = np.isfinite(e) & np.isfinite(w)
            if not np.isfinite(self.log_b[i]) or ok.sum() < 8:
                continue
            e, w = e[ok], w[ok]
            half = e >= np.sqrt(e[0] * e[-1])
            if half.sum() < 4 or e[half][-1] < 1.5 * e[half][0]:
                continue
            f = fit_weight_growth(e[half], w[half], n_points=32)
            b.append(f.log_b)
            p.append(f.power_p)
            ratio.append(f.rms_ratio)
        ratio = np.asarray(ratio)
        return {"n_fit": len(b), "log_b": float(np.median(b)) if b else np.nan,
                "power_p": float(np.median(p)) if p else np.nan,
                "rms_ratio": float(np.median(ratio)) if b else np.nan,
                "frac_log_better": float(np.mean(ratio <= 1)) if b else np.nan}

    def entry_dwell_correlation(self, *, n_boot: int = 2000, rng=0) -> tuple:
        """Spearman ``(rho, low, high)`` of ``t_in`` with ``t_out - t_in`` over runs that left."""
        left = np.isfinite(self.ratio)
        return spearman_ci(self.t_in[left], (self.t_out - self.t_in)[left], n_boot=n_boot,
                           rng=rng)

    def table(self) -> str:
        """One line per setting (and all runs): the numbers the experiment prints."""
        head = (f"{'setting':<34} {'runs':>4} {'left':>4} {'cens':>4}  "
                f"{'median ratio [95% CI]':<24} {'>1':>5} {'med.lb':>7}  "
                f"{'log b':>6} {'p':>6} {'log<pow':>7}  {'rho flip~sf [95% CI]':<22}")
        lines = [head, "-" * len(head)]
        for i, lab in enumerate(self.setting_labels):
            ci = (f"{self.row_ratio_median[i]:.3g} [{self.row_ratio_low[i]:.3g}, "
                  f"{self.row_ratio_high[i]:.3g}]")
            rho = (f"{self.row_flip_rho[i]:+.2f} [{self.row_flip_rho_low[i]:+.2f}, "
                   f"{self.row_flip_rho_high[i]:+.2f}]")
            lines.append(
                f"{lab:<34} {int(self.row_n_runs[i]):>4} {int(self.row_n_left[i]):>4} "
                f"{int(self.row_n_censored[i]):>4}  {ci:<24} {self.row_frac_above[i]:>5.2f} "
                f"{self.row_ratio_median_lower[i]:>7.3g}  {self.row_log_b[i]:>6.2f} "
                f"{self.row_power_p[i]:>6.3f} {self.row_frac_log_better[i]:>7.2f}  {rho:<22}")
        return "\n".join(lines)


def _summarise_rows(cols, groups, n_boot, seed):
    """Per-setting rows (and a pooled last row) from the per-run columns."""
    rows = {k: [] for k in ("n_runs", "n_entered", "n_left", "n_censored", "n_sided",
                            "ratio_median",
                            "ratio_low", "ratio_high", "frac_above", "ratio_median_lower",
                            "log_b", "power_p", "frac_log_better", "rms_ratio", "n_fit",
                            "flip_rho", "flip_rho_low", "flip_rho_high", "flip_rho_runs")}
    for g in groups:
        ratio, lower = cols["ratio"][g], cols["ratio_lower"][g]
        entered = cols["t_in"][g] > 0
        left = np.isfinite(ratio)
        med, lo, hi = bootstrap_median_ci(ratio, n_boot=n_boot, rng=seed)
        above = (left & (ratio > 1)) | (entered & ~left & (lower > 1))
        sided = left | (entered & ~left & (lower > 1))
        fitted = np.isfinite(cols["log_rms"][g]) & np.isfinite(cols["power_rms"][g])
        with np.errstate(invalid="ignore", divide="ignore"):
            rr = cols["log_rms"][g][fitted] / cols["power_rms"][g][fitted]
        rho, rlo, rhi = spearman_ci(cols["flip_late"][g], cols["sf_late"][g], n_boot=n_boot,
                                    rng=seed)
        runs_rho = cols["flip_sf_rho"][g]
        vals = dict(
            n_runs=g.size, n_entered=int(entered.sum()), n_left=int(left.sum()),
            n_censored=int((entered & ~left).sum()), ratio_median=med, ratio_low=lo,
            ratio_high=hi, n_sided=int(sided.sum()),
            frac_above=float(above.sum() / sided.sum()) if sided.any() else np.nan,
            ratio_median_lower=float(np.median(lower[entered])) if entered.any() else np.nan,
            log_b=float(np.median(cols["log_b"][g][fitted])) if fitted.any() else np.nan,
            power_p=float(np.median(cols["power_p"][g][fitted])) if fitted.any() else np.nan,
            frac_log_better=float(np.mean(rr <= 1)) if fitted.any() else np.nan,
            rms_ratio=float(np.median(rr)) if fitted.any() else np.nan,
            n_fit=int(fitted.sum()), flip_rho=rho, flip_rho_low=rlo, flip_rho_high=rhi,
            flip_rho_runs=(float(np.nanmedian(runs_rho)) if np.any(np.isfinite(runs_rho))
                           else np.nan),
        )
        for k, v in vals.items():
            rows[k].append(v)
    return {f"row_{k}": np.asarray(v, dtype=np.float64) for k, v in rows.items()}


_SCALAR_ATTRS = ("t_in", "t_out", "t_out_first", "saturated_entry", "saturated_from", "final_phase",
                 "n_changes", "n_changes_raw", "final_loss", "log_a", "log_b", "power_c",
                 "power_p", "log_rms", "power_rms", "flip_linear", "flip_hybrid",
                 "flip_saturated", "flip_mean", "flip_late", "sf_late", "flip_sf_rho")
_INT_ATTRS = ("t_in", "t_out", "t_out_first", "saturated_entry", "saturated_from", "final_phase",
              "n_changes", "n_changes_raw")


def phase_timing_study(
    tasks=("xor", "multiplexer", "threshold_rule"),
    *,
    widths=None,
    learning_rates=(1.0, 4.0),
    init_scales=(0.1, 1.0),
    n_seeds: int = 20,
    n_epochs: int = 5000,
    task_params=None,
    margin: float = 0.1,
    hold: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    path=None,
    workers: int = 1,
    progress: bool = False,
) -> PhaseTimingStudy:
    """Time the training phases over tasks, widths, learning rates, initial scales and seeds.

    Parameters
    ----------
    tasks : sequence of str
        Task names of :func:`esorma.bridge.make_task` (Boolean or real-valued).
    widths : dict or sequence of int, optional
        Hidden widths: one sequence for every task, or ``{task: widths}``; default the
        ``widths`` of :data:`TIMING_TASKS` (tasks not listed there need this).
    learning_rates, init_scales : sequence of float
        Full-batch gradient-descent learning rates and initial weight scales.
    n_seeds : int
        Runs per setting.
    n_epochs : int
        Epochs per run; every epoch is recorded.
    task_params : dict, optional
        ``{task: {parameter: value}}`` passed to :func:`~esorma.bridge.make_task` (default
        the ``params`` of :data:`TIMING_TASKS`); random tasks are drawn with the run's seed.
    margin : float
        Saturation margin of :func:`~esorma.bridge.phase_diagnostics`.
    hold : int, optional
        Dwell time of the phase rules in epochs (default :data:`esorma.bridge.phases.HOLD`).
    n_boot : int
        Bootstrap resamples of the confidence intervals (seeded by ``seed``).
    seed : int
        Study seed (>= 0): each run's seed derives from it and the run's coordinates.
    path : path-like, optional
        HDF5 file of the study (:func:`esorma.sweeps.run_sweep`): every finished run is
        stored at once; rerunning resumes; a file of another grid or seed is refused.
    workers : int
        Local worker processes (results do not depend on it).
    progress : bool
        Progress bar on stderr.

    Returns
    -------
    PhaseTimingStudy

    Examples
    --------
    >>> s = phase_timing_study(["xor"], widths=[3], learning_rates=[4.0], init_scales=[1.0],
    ...                        n_seeds=2, n_epochs=150, n_boot=20)
    >>> s.n_runs, s.setting_labels[-1], bool(np.all(s.t_in > 0))
    (2, 'all', True)
    """
    from esorma.bridge.phases import HOLD
    from esorma.bridge.tasks import REAL_TASKS, TASKS
    from esorma.sweeps import load_points, make_point, run_sweep

    if isinstance(tasks, str):
        tasks = (tasks,)
    tasks = tuple(str(t) for t in tasks)
    if not tasks:
        raise ValueError("tasks must name at least one task; got an empty sequence")
    for t in tasks:
        if t not in TASKS and t not in REAL_TASKS:
            raise ValueError(f"tasks[i] must be one of {sorted(TASKS) + sorted(REAL_TASKS)}; "
                             f"got {t!r}")
    if widths is None:
        missing = [t for t in tasks if t not in TIMING_TASKS]
        if missing:
            raise ValueError(f"widths must be given for tasks without defaults: {missing}")
        wmap = {t: tuple(TIMING_TASKS[t]["widths"]) for t in tasks}
    elif isinstance(widths, dict):
        wmap = {t: tuple(np.atleast_1d(widths[t]).tolist()) for t in tasks if t in widths}
        if set(wmap) != set(tasks):
            raise ValueError(f"widths must have an entry for every task; missing "
                             f"{sorted(set(tasks) - set(wmap))}")
    else:
        ws = tuple(np.atleast_1d(widths).tolist())
        wmap = {t: ws for t in tasks}
    wmap = {t: tuple(check_int(w, "widths[i]", minimum=1) for w in ws) for t, ws in wmap.items()}
    lrs = tuple(check_real(x, "learning_rates[i]", minimum=0.0, strict_min=True)
                for x in np.atleast_1d(learning_rates).tolist())
    scales = tuple(check_real(x, "init_scales[i]", minimum=0.0, strict_min=True)
                   for x in np.atleast_1d(init_scales).tolist())
    if not lrs or not scales:
        raise ValueError("learning_rates and init_scales must not be empty")
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=10)
    margin = check_real(margin, "margin", minimum=0.0, maximum=0.5, strict_min=True,
                        strict_max=True)
    hold = HOLD if hold is None else check_int(hold, "hold", minimum=1)
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    tparams = {t: dict(TIMING_TASKS.get(t, {}).get("params", {})) for t in tasks}
    if task_params is not None:
        if not isinstance(task_params, dict):
            raise TypeError(f"task_params must be a dict {{task: {{...}}}}; got "
                            f"{type(task_params).__name__}")
        for t, p in task_params.items():
            tparams[str(t)] = dict(p)

    settings, points = [], []
    for t in tasks:
        for w in wmap[t]:
            for lr in lrs:
                for sc in scales:
                    settings.append((t, w, lr, sc))
                    for k in range(n_seeds):
                        points.append(make_point(
                            {"task": t, "width": w, "learning_rate": lr, "init_scale": sc,
                             "seed": k}, seed=seed, index=len(points)))
    config = {"tasks": list(tasks), "widths": {t: list(v) for t, v in wmap.items()},
              "learning_rates": list(lrs), "init_scales": list(scales), "n_seeds": n_seeds,
              "n_epochs": n_epochs, "task_params": tparams, "margin": margin, "hold": hold}
    func = partial(_timing_point, task_params=tparams, n_epochs=n_epochs, margin=margin,
                   hold=hold)
    t0 = time.perf_counter()
    report = run_sweep(func, points, path=path, kind="bridge.phase_timing", config=config,
                       seed=seed, workers=workers, progress=progress, desc="phase timing")
    seconds = time.perf_counter() - t0 if report.n_computed else 0.0
    if path is None:
        outputs = {k: (o.arrays, o.attrs) for k, o in report.outputs.items()}
    else:
        _, stored = load_points(path)
        outputs = {k: (p.arrays, p.attrs) for k, p in stored.items()}

    n = len(points)
    cols = {k: np.full(n, -1 if k in _INT_ATTRS else np.nan,
                       dtype=np.int64 if k in _INT_ATTRS else np.float64) for k in _SCALAR_ATTRS}
    curve_e = np.full((n, _N_CURVE), np.nan)
    curve_w = np.full((n, _N_CURVE), np.nan)
    fsum = np.zeros((n, _N_BINS))
    fcnt = np.zeros((n, _N_BINS))
    run_seed = np.zeros(n, dtype=np.int64)
    setting = np.zeros(n, dtype=np.int64)
    for i, p in enumerate(points):
        arrays, attrs = outputs[p.key]
        setting[i] = i // n_seeds
        run_seed[i] = int(attrs["run_seed"])
        if attrs.get("diverged") and arrays["codes"].size == 0:
            continue
        for k in _SCALAR_ATTRS:
            cols[k][i] = attrs[k]
        curve_e[i], curve_w[i] = arrays["curve_epochs"], arrays["curve_norms"]
        fsum[i], fcnt[i] = arrays["flip_bin_sum"], arrays["flip_bin_count"]
    ratio, lower = hybrid_ratio(cols["t_in"], cols["t_out"], n_epochs)
    cols["ratio"], cols["ratio_lower"] = ratio, lower
    groups = [np.arange(s * n_seeds, (s + 1) * n_seeds) for s in range(len(settings))]
    groups.append(np.arange(n))
    labels = tuple(f"{t} w{w} lr{lr:g} s{sc:g}" for t, w, lr, sc in settings) + ("all",)
    rows = _summarise_rows(cols, groups, n_boot, seed)
    per = {k: v for k, v in cols.items() if k not in ("ratio", "ratio_lower")}
    return PhaseTimingStudy(
        task=tuple(p.coords["task"] for p in points),
        width=np.array([p.coords["width"] for p in points], dtype=np.int64),
        learning_rate=np.array([p.coords["learning_rate"] for p in points], dtype=np.float64),
        init_scale=np.array([p.coords["init_scale"] for p in points], dtype=np.float64),
        seed_index=np.array([p.coords["seed"] for p in points], dtype=np.int64),
        run_seed=run_seed, setting=setting, ratio=ratio, ratio_lower=lower,
        curve_epochs=curve_e, curve_norms=curve_w, flip_bin_sum=fsum, flip_bin_count=fcnt,
        setting_labels=labels, config=config, seconds=round(seconds, 2), **per, **rows,
    )

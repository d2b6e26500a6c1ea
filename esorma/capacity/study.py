"""The capacity study: sweep, summaries, α_c(N), its extrapolation and the RS theory, in one call.

:func:`capacity_study` is what ``esorma capacity``, ``experiments/capacity_curve.py`` and the
tour compute; it returns a :class:`CapacityReport` that :func:`esorma.io.save_result` writes and
:func:`esorma.plotting.capacity.report_figure` draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_bool, check_real
from esorma.capacity.analysis import (
    CapacityExtrapolation,
    CapacitySummary,
    estimate_capacity,
    extrapolate_capacity,
)
from esorma.capacity.config import CapacityConfig
from esorma.capacity.storage import CapacityResults, capacity_sweep
from esorma.capacity.theory import (
    LITERATURE_ALPHA_C,
    RS_ALPHA_C,
    CapacityTheory,
    capacity_theory,
)

__all__ = ["CapacityReport", "capacity_study", "report_from_results"]


@summarized
@dataclass(frozen=True)
class CapacityReport:
    """A finished capacity study: grid summaries, α_c(N), its N → ∞ extrapolation, RS theory.

    Attributes
    ----------
    config : CapacityConfig
    seed : int
    summary : CapacitySummary
        Overlap statistics and retrieved fractions per (N, α, T).
    estimates : tuple of CapacityEstimate
        α_c(N) where the retrieved fraction crosses 1/2, one per temperature.
    extrapolation, extrapolation_alt : CapacityExtrapolation or None
        The fit of α_c(N) at the first temperature in ``N^(−exponent)`` and in the other
        scaling variable (``1/N`` for the default ``N^(−1/2)``); None with fewer than two
        sizes that cross.
    theory : CapacityTheory or None
        The replica-symmetric α_c and m(α, T) over the loads of the grid (None when not
        asked for).
    overlaps : ndarray, shape (len(N), len(α), len(T), n_networks, n_probes)
        Every probe's overlap (the final one at T = 0, the Glauber time average at T > 0);
        NaN where a point has fewer probes (P < n_probes) or was not computed.
    complete : bool
        Every grid point was computed.
    n_computed, n_skipped : int
        Points computed by this run, and points resumed from the checkpoint.
    seconds : float
        Wall time of the sweep.
    executor : str
        How the points ran (``"serial"``, ``"processes"``, ``"dask"``, ``"none"``).
    checkpoint : str or None
        The checkpoint file of the sweep (None for a sweep held in memory).
    """

    config: CapacityConfig
    seed: int
    summary: CapacitySummary
    estimates: tuple
    extrapolation: CapacityExtrapolation | None
    extrapolation_alt: CapacityExtrapolation | None
    theory: CapacityTheory | None
    overlaps: np.ndarray = field(metadata={
        "unit": "overlap m",
        "description": "overlap of every probe with its pattern, axes (N, alpha, T, network, "
                       "probe); NaN where absent"})
    complete: bool = True
    n_computed: int = 0
    n_skipped: int = 0
    seconds: float = 0.0
    executor: str = "none"
    checkpoint: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "estimates", tuple(self.estimates))

    @property
    def rs_alpha_c(self) -> float:
        """The replica-symmetric α_c (from :attr:`theory`, else :data:`RS_ALPHA_C`)."""
        return RS_ALPHA_C if self.theory is None else float(self.theory.alpha_c)

    def key_numbers(self) -> dict:
        """The key numbers as a JSON-able dict (``esorma capacity --json``).

        Examples
        --------
        >>> cfg = CapacityConfig([200], [0.05, 0.3], n_probes=4)
        >>> rep = capacity_study(cfg, seed=1, theory=False)
        >>> rep.key_numbers()["alpha_c"]["T=0"]["200"]["status"]
        'ok'
        """
        s = self.summary
        out = {
            "config": self.config.to_dict(),
            "seed": self.seed,
            "complete": self.complete,
            "checkpoint": self.checkpoint,
            "seconds": round(float(self.seconds), 3),
            "points_computed": self.n_computed,
            "points_resumed": self.n_skipped,
            "executor": self.executor,
            "threshold": s.threshold,
            "relative_threshold_T_gt_0": s.relative_threshold,
            "alpha_c": {},
            "rs_alpha_c": self.rs_alpha_c,
            "literature_alpha_c": list(LITERATURE_ALPHA_C),
        }
        for est in self.estimates:
            out["alpha_c"][f"T={est.temperature:g}"] = {
                str(int(n)): {"alpha_c": est.alpha_c[i], "sigma": est.sigma[i],
                              "low": est.alpha_c_low[i], "high": est.alpha_c_high[i],
                              "grid_step": (None if est.grid_step is None
                                            else est.grid_step[i]),
                              "status": est.status[i]}
                for i, n in enumerate(est.n_neurons)
            }
        for name, ex in (("extrapolation", self.extrapolation),
                         ("extrapolation_alt", self.extrapolation_alt)):
            if ex is not None:
                out[name] = {"alpha_inf": ex.alpha_inf, "alpha_inf_err": ex.alpha_inf_err,
                             "systematic_err": ex.systematic_err,
                             "alt_exponent": ex.alt_exponent, "alpha_inf_alt": ex.alpha_inf_alt,
                             "slope": ex.slope, "exponent": ex.exponent, "chi2": ex.chi2,
                             "n_used": ex.n_used,
                             "temperature": self.estimates[0].temperature}
        out["mean_overlap"] = {
            f"T={t:g}": {
                str(int(n)): dict(zip([f"{a:g}" for a in s.alphas],
                                      np.round(s.mean_overlap[i, :, k], 5).tolist()))
                for i, n in enumerate(s.n_neurons)
            }
            for k, t in enumerate(s.temperatures)
        }
        return out

    def text(self) -> list[str]:
        """The human-readable report (``esorma capacity`` prints it), one line per entry."""
        s, cfg = self.summary, self.config
        lines = [f"Hopfield capacity ({cfg.rule}, {cfg.n_networks} network(s) x "
                 f"{cfg.n_probes} probes per point, corruption {cfg.corruption:g}, "
                 f"{cfg.mode} dynamics, seed {self.seed})"]
        for est in self.estimates:
            crit = (f"m > {s.threshold:g}" if est.temperature == 0.0
                    else f"m > {s.relative_threshold:g} m_RS(alpha, T)")
            lines.append(f"  T = {est.temperature:g}: alpha_c(N) where the fraction with "
                         f"{crit} crosses 1/2")
            for i, n in enumerate(est.n_neurons):
                if np.isfinite(est.alpha_c[i]):
                    lines.append(
                        f"    N = {int(n):6d}  alpha_c = {est.alpha_c[i]:.4f} +- "
                        f"{est.sigma[i]:.4f} (1 sigma: Wilson bounds "
                        f"[{est.alpha_c_low[i]:.4f}, {est.alpha_c_high[i]:.4f}] and grid step "
                        f"/ sqrt 12)")
                else:
                    lines.append(f"    N = {int(n):6d}  no crossing on the grid "
                                 f"({est.status[i]})")
        ex = self.extrapolation
        if ex is not None:
            err = (f" +- {ex.alpha_inf_err:.4f} (stat)" if np.isfinite(ex.alpha_inf_err)
                   else "")
            lines.append(
                f"  extrapolation in N^-{ex.exponent:g}: alpha_c(inf) = {ex.alpha_inf:.4f}{err} "
                f"+- {ex.systematic_err:.4f} (syst: the N^-{ex.alt_exponent:g} fit gives "
                f"{ex.alpha_inf_alt:.4f}) ({ex.n_used} sizes)")
        lines.append(f"  replica symmetric: {self.rs_alpha_c:.4f}; simulations (literature): "
                     f"{LITERATURE_ALPHA_C[0]}-{LITERATURE_ALPHA_C[1]}")
        state = "complete" if self.complete else "INCOMPLETE"
        where = f"checkpoint {self.checkpoint}; " if self.checkpoint else ""
        lines.append(f"  sweep: {state}; {where}{self.n_computed} points computed, "
                     f"{self.n_skipped} resumed; {self.seconds:.1f} s")
        return lines


def _overlaps(results: CapacityResults) -> np.ndarray:
    cfg = results.config
    out = np.full((len(cfg.n_neurons), len(cfg.alphas), len(cfg.temperatures),
                   cfg.n_networks, cfg.n_probes), np.nan)
    for i, n in enumerate(cfg.n_neurons):
        for j, a in enumerate(cfg.alphas):
            for k, t in enumerate(cfg.temperatures):
                pt = results.points.get((n, a, float(t)))
                if pt is not None:
                    m = np.asarray(pt.arrays["overlap"], dtype=np.float64)
                    out[i, j, k, :m.shape[0], :m.shape[1]] = m
    return out


def _check_analysis(threshold, relative_threshold, exponent):
    threshold = check_real(threshold, "threshold", minimum=0.0, maximum=1.0, strict_min=True)
    relative_threshold = check_real(relative_threshold, "relative_threshold", minimum=0.0,
                                    maximum=1.0, strict_min=True, strict_max=True)
    exponent = check_real(exponent, "exponent", minimum=0.0, strict_min=True)
    return threshold, relative_threshold, exponent


def report_from_results(results: CapacityResults, *, threshold: float = 0.9,
                        relative_threshold: float = 0.5, exponent: float = 0.5,
                        theory: bool = True) -> CapacityReport:
    """The :class:`CapacityReport` of raw results (e.g. a checkpoint read by
    :func:`~esorma.capacity.load_capacity`); see :func:`capacity_study` for the arguments."""
    if not isinstance(results, CapacityResults):
        raise TypeError(f"results must be CapacityResults; got {type(results).__name__}")
    threshold, relative_threshold, exponent = _check_analysis(threshold, relative_threshold,
                                                              exponent)
    theory = check_bool(theory, "theory")
    summary = results.summary(threshold=threshold, relative_threshold=relative_threshold)
    estimates = tuple(estimate_capacity(summary, t_index=k)
                      for k in range(len(summary.temperatures)))
    extrap = alt = None
    if int(np.isfinite(estimates[0].alpha_c).sum()) >= 2:
        extrap = extrapolate_capacity(estimates[0], exponent=exponent)
        alt = extrapolate_capacity(estimates[0], exponent=extrap.alt_exponent,
                                   alt_exponent=exponent)
    th = None
    if theory:
        loads = summary.load[np.isfinite(summary.load)]
        lo, hi = float(loads.min()), float(loads.max())
        grid = np.linspace(max(1e-4, lo), max(hi, lo + 1e-4), 400)
        th = capacity_theory(grid, results.config.temperatures)
    return CapacityReport(
        config=results.config, seed=int(results.seed), summary=summary, estimates=estimates,
        extrapolation=extrap, extrapolation_alt=alt, theory=th, overlaps=_overlaps(results),
        complete=bool(results.complete), n_computed=int(results.n_computed),
        n_skipped=int(results.n_skipped), seconds=float(results.seconds),
        executor=str(results.executor),
        checkpoint=None if results.path is None else str(results.path),
    )


def capacity_study(
    config: CapacityConfig | Mapping | None = None,
    *,
    quick: bool = False,
    seed: int = 0,
    threshold: float = 0.9,
    relative_threshold: float = 0.5,
    exponent: float = 0.5,
    theory: bool = True,
    checkpoint=None,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    executor=None,
    timeout: float = 10.0,
    progress: bool = False,
) -> CapacityReport:
    """Capacity of the Hopfield network by simulation, with its analysis and the RS theory.

    Runs (or resumes) the sweep over the (N, α, T) grid of ``config`` (see
    :func:`capacity_sweep`), summarises every point, locates α_c(N) where the retrieved
    fraction crosses 1/2 (per temperature), extrapolates α_c(N) to N → ∞ in
    ``N^(−exponent)`` and in the other scaling variable (at the first temperature, when at
    least two sizes cross), and computes the replica-symmetric α_c and m(α, T) over the loads
    of the grid.

    Parameters
    ----------
    config : CapacityConfig or dict, optional
        The grid and the experiment. Default: the preset grid ``"full"`` (N = 1000, 2000,
        4000; α = 0.05 … 0.20 step 0.01; 4 networks × 20 probes), or ``"quick"`` with
        ``quick=True`` (N = 500, 1000, 2000; 2 networks; under a minute), see
        :meth:`CapacityConfig.preset`.
    quick : bool
        Use the quick preset (only without ``config``).
    seed : int
        Study seed (>= 0); every point's seed derives from it and the point's (N, P, T), so
        results do not depend on the executor, the number of workers or a resume.
    threshold : float
        At T = 0 a probe is retrieved when its final overlap exceeds it (in (0, 1]).
    relative_threshold : float
        At T > 0 a probe is retrieved above ``relative_threshold × m_RS(α, T)`` (in (0, 1)).
    exponent : float
        Finite-size scaling variable ``N^(−exponent)`` (> 0; 0.5 by default, 1 for 1/N).
    theory : bool
        Compute the replica-symmetric overlay (:class:`CapacityTheory`).
    checkpoint : path-like, optional
        HDF5 file receiving every finished point; rerunning the same study resumes it, and a
        checkpoint of another config or seed is refused naming the differing keys. Without
        it nothing is written.
    workers, scheduler, dask, executor, timeout
        Where the points run (see :func:`esorma.sweeps.run_sweep`); results do not depend on it.
    progress : bool
        Progress bar over the grid points (on stderr).

    Returns
    -------
    CapacityReport

    Raises
    ------
    ValueError
        Bad arguments or config, or a checkpoint written with another config or seed.
    MemoryError
        The largest grid point would not fit in memory (refused before computing).
    esorma.errors.SchedulerError
        The Dask scheduler could not be reached (nothing is written).

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[200, 400], alphas=[0.05, 0.3], n_probes=4)
    >>> rep = capacity_study(cfg, seed=1, theory=False)
    >>> rep.summary.retrieved_fraction[:, :, 0].tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    >>> [round(float(a), 3) for a in rep.estimates[0].alpha_c]
    [0.175, 0.175]
    >>> rep.complete, rep.checkpoint is None, rep.overlaps.shape
    (True, True, (2, 2, 1, 1, 4))
    """
    quick = check_bool(quick, "quick")
    if config is None:
        config = CapacityConfig.preset("quick" if quick else "full")
    elif quick:
        raise ValueError("quick selects the preset grid; pass either config or quick=True, "
                         "not both")
    elif isinstance(config, Mapping):
        config = CapacityConfig(**config)
    elif not isinstance(config, CapacityConfig):
        raise TypeError(f"config must be a CapacityConfig, a dict or None; got "
                        f"{type(config).__name__}")
    _check_analysis(threshold, relative_threshold, exponent)
    theory = check_bool(theory, "theory")
    results = capacity_sweep(config, seed=seed, path=checkpoint, workers=workers,
                             scheduler=scheduler, dask=dask, executor=executor,
                             timeout=timeout, progress=progress)
    return report_from_results(results, threshold=threshold,
                               relative_threshold=relative_threshold, exponent=exponent,
                               theory=theory)

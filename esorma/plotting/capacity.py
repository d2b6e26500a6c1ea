"""Figures of capacity studies: m(α) with the replica-symmetric theory, the retrieved fraction,
α_c(N) with its finite-size extrapolation, and the (α, T) retrieval map.

Every ``plot_*`` function imports matplotlib lazily, takes ``ax=None`` (a new figure is made)
and returns the axes. :func:`report_figure` draws a :class:`~esorma.capacity.CapacityReport`
(the figure of ``esorma capacity --figure``), :func:`theory_figure` a
:class:`~esorma.capacity.CapacityTheory` (``esorma capacity --theory --figure``), and
:func:`capacity_figure` the three T = 0 panels of a summary.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes, styled

__all__ = [
    "plot_overlap_curve",
    "plot_retrieved_fraction",
    "plot_capacity_scaling",
    "plot_retrieval_map",
    "plot_theory_overlap",
    "capacity_figure",
    "report_figure",
    "theory_figure",
]


def _theory(alphas, temperature):
    try:
        from esorma.capacity import theory_alpha_c, theory_overlap

        return theory_overlap(alphas, temperature), theory_alpha_c()
    except ImportError:  # the replica module is optional for plotting
        return None, None


def _stored_theory(theory, t):
    """The RS curve at temperature ``t`` from a CapacityTheory (None when it lacks ``t``)."""
    temps = np.asarray(theory.temperatures, dtype=float)
    k = np.nonzero(np.isclose(temps, t))[0]
    if k.size == 0:
        return None, None
    return np.asarray(theory.alphas), np.asarray(theory.overlap)[k[0]]


def plot_overlap_curve(summary, ax=None, *, t_index: int = 0, theory=True):
    """Mean final overlap vs load for every N (error bars: standard errors), with the RS m(α).

    ``theory``: True computes the RS m(α) over the loads of the summary, a
    :class:`~esorma.capacity.CapacityTheory` draws its stored curve, False draws none.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.capacity import CapacityConfig, capacity_sweep
    >>> s = capacity_sweep(CapacityConfig([200], [0.05, 0.2], n_probes=4), seed=0).summary()
    >>> plot_overlap_curve(s).get_ylabel()
    'final overlap m'
    """
    ax = _axes(ax)
    t = float(summary.temperatures[t_index])
    for i, n in enumerate(summary.n_neurons):
        ok = summary.n_samples[i, :, t_index] > 0
        ax.errorbar(summary.load[i, ok, t_index], summary.mean_overlap[i, ok, t_index],
                    yerr=summary.sem_overlap[i, ok, t_index], marker="o", ms=3, capsize=2,
                    lw=1, label=f"N = {n}")
    if theory is not None and theory is not False:
        lo, hi = float(np.nanmin(summary.load)), float(np.nanmax(summary.load))
        if theory is True:
            grid = np.linspace(max(1e-4, lo), hi, 400)
            m, ac = _theory(grid, t)
        else:
            grid, m = _stored_theory(theory, t)
            ac = float(theory.alpha_c)
        if m is not None:
            ax.plot(grid, m, "k--", lw=1.2, zorder=5,
                    label=f"replica-symmetric m(α), T = {t:g}")
            if t == 0.0 and ac is not None and lo <= ac <= hi:
                ax.axvline(ac, color="k", ls=":", lw=1, label=f"RS α_c = {ac:.4f}")
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("final overlap m")
    ax.set_title(f"Retrieval overlap ({summary.rule}, T = {t:g}, "
                 f"corruption {summary.corruption:g})")
    ax.set_ylim(min(0.0, float(np.nanmin(summary.mean_overlap)) - 0.05), 1.02)
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_retrieved_fraction(summary, ax=None, *, t_index: int = 0, estimate=None):
    """Fraction of probes retrieved (overlap > threshold) vs load, with 1σ Wilson bands.

    ``estimate`` (a :class:`~esorma.capacity.CapacityEstimate`) marks α_c(N).
    """
    ax = _axes(ax)
    for i, n in enumerate(summary.n_neurons):
        ok = summary.n_samples[i, :, t_index] > 0
        x = summary.load[i, ok, t_index]
        y = summary.retrieved_fraction[i, ok, t_index]
        err = np.vstack([y - summary.retrieved_low[i, ok, t_index],
                         summary.retrieved_high[i, ok, t_index] - y])
        line = ax.errorbar(x, y, yerr=err, marker="o", ms=3, capsize=2, lw=1,
                           label=f"N = {n}")
        if estimate is not None and np.isfinite(estimate.alpha_c[i]):
            ax.axvline(estimate.alpha_c[i], color=line[0].get_color(), ls="--", lw=0.8)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    t = float(summary.temperatures[t_index])
    if t == 0.0:
        from esorma.capacity import RS_ALPHA_C

        ax.axvline(RS_ALPHA_C, color="k", ls=":", lw=1, label=f"RS α_c = {RS_ALPHA_C}")
    ax.set_xlabel("load α = P / N")
    if t > 0.0:
        ax.set_ylabel(f"fraction retrieved (m > {summary.relative_threshold:g}·m_RS(α, T))")
    else:
        ax.set_ylabel(f"fraction retrieved (m > {summary.threshold:g})")
    ax.set_title(f"Retrieved fraction ({summary.n_networks} network(s) per point, T = {t:g})")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_capacity_scaling(estimate, extrapolation=None, ax=None):
    """α_c(N) vs the scaling variable ``N^(−exponent)`` with the extrapolated line, the RS
    value 0.1379 and the finite-size literature band 0.14–0.145."""
    from esorma.capacity import LITERATURE_ALPHA_C, RS_ALPHA_C

    ax = _axes(ax)
    expo = extrapolation.exponent if extrapolation is not None else 0.5
    x = estimate.n_neurons.astype(float) ** (-expo)
    ok = np.isfinite(estimate.alpha_c)
    lo = np.where(np.isfinite(estimate.alpha_c_low), estimate.alpha_c_low, estimate.alpha_c)
    hi = np.where(np.isfinite(estimate.alpha_c_high), estimate.alpha_c_high, estimate.alpha_c)
    ax.errorbar(x[ok], estimate.alpha_c[ok],
                yerr=np.vstack([estimate.alpha_c[ok] - lo[ok], hi[ok] - estimate.alpha_c[ok]]),
                fmt="o", capsize=3, label="simulation α_c(N) (fraction = 1/2)")
    xmax = float(np.max(x)) * 1.1 if x.size else 1.0
    if extrapolation is not None:
        xs = np.linspace(0, xmax, 50)
        ex = extrapolation
        label = f"fit: α_∞ = {ex.alpha_inf:.4f}"
        if np.isfinite(ex.alpha_inf_err):
            label += f" ± {ex.alpha_inf_err:.4f} (stat)"
        syst = getattr(ex, "systematic_err", np.nan)
        if np.isfinite(syst):
            alt = {1.0: "1/N", 0.5: "1/√N"}.get(ex.alt_exponent, f"N^-{ex.alt_exponent:g}")
            label += f" ± {syst:.4f} (syst: {alt} fit gives {ex.alpha_inf_alt:.4f})"
        ax.plot(xs, ex.alpha_inf + ex.slope * xs, "C1-", label=label)
    ax.axhline(RS_ALPHA_C, color="k", ls=":", lw=1, label=f"replica symmetric {RS_ALPHA_C}")
    ax.axhspan(*LITERATURE_ALPHA_C, color="grey", alpha=0.2,
               label=f"simulations (literature) {LITERATURE_ALPHA_C[0]}–{LITERATURE_ALPHA_C[1]}")
    ax.set_xlim(0, xmax)
    label = {1.0: "1/N", 0.5: "1/√N"}.get(expo, f"N^(-{expo:g})")
    ax.set_xlabel(f"scaling variable {label}")
    ax.set_ylabel("capacity α_c(N)")
    ax.set_title(f"Finite-size extrapolation of α_c (T = {estimate.temperature:g})")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return ax


def plot_retrieval_map(summary, ax=None, *, n_index: int = -1, theory: bool = True):
    """Retrieved fraction over the (α, T) grid at one N, with the AGS line T_M(α) (retrieval
    states exist to its left) and T_g(α).

    At T = 0 a probe counts as retrieved when m > ``summary.threshold``; at T > 0 when its
    time-averaged overlap exceeds ``summary.relative_threshold`` × the RS retrieval overlap
    m_RS(α, T) (see :func:`esorma.capacity.retrieval_thresholds`), since m_RS < 0.9 inside
    much of the retrieval phase at finite T.
    """
    ax = _axes(ax)
    import matplotlib.pyplot as plt

    frac = summary.retrieved_fraction[n_index]  # (alpha, T)
    alphas = summary.load[n_index, :, 0]
    temps = summary.temperatures
    if len(alphas) > 1 and len(temps) > 1:
        mesh = ax.pcolormesh(alphas, temps, frac.T, shading="nearest", cmap="viridis",
                             vmin=0, vmax=1)
    else:
        mesh = ax.scatter(np.repeat(alphas, len(temps)), np.tile(temps, len(alphas)),
                          c=frac.ravel(), cmap="viridis", vmin=0, vmax=1, s=80)
    rel = getattr(summary, "relative_threshold", None)
    if rel is not None and np.any(np.asarray(temps) > 0):
        cb_label = (f"fraction retrieved (T = 0: m > {summary.threshold:g}; "
                    f"T > 0: m > {rel:g}·m_RS)")
    else:
        cb_label = f"fraction retrieved (m > {summary.threshold:g})"
    plt.colorbar(mesh, ax=ax, label=cb_label)
    if theory:
        try:
            from esorma.replica import phase_diagram

            pd = phase_diagram(n_points=60)
            ax.plot(pd.alpha_M, pd.temperatures, "w-", lw=2, label="AGS T_M (retrieval limit)")
            ax.plot(pd.alphas, pd.T_g, "w--", lw=1, label="AGS T_g (spin glass)")
            ax.legend(fontsize="small", loc="upper right")
        except ImportError:
            pass
    ax.set_xlim(float(np.min(alphas)) - 0.005, float(np.max(alphas)) + 0.005)
    ax.set_ylim(float(np.min(temps)) - 0.02, float(np.max(temps)) + 0.02)
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("temperature T")
    ax.set_title(f"Retrieval map, N = {summary.n_neurons[n_index]}")
    return ax


@styled
def capacity_figure(summary, estimate=None, extrapolation=None, *, t_index: int = 0):
    """A three-panel figure: m(α) with RS theory, retrieved fraction, α_c(N) scaling."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    plot_overlap_curve(summary, axes[0], t_index=t_index)
    plot_retrieved_fraction(summary, axes[1], t_index=t_index, estimate=estimate)
    if estimate is not None:
        plot_capacity_scaling(estimate, extrapolation, axes[2])
    else:
        axes[2].set_axis_off()
    fig.tight_layout()
    return fig


def plot_theory_overlap(theory, ax=None):
    """The RS retrieval overlap m(α) of a :class:`~esorma.capacity.CapacityTheory`, one curve
    per temperature, with α_c (T = 0) and the literature band of simulated α_c."""
    from esorma.capacity import LITERATURE_ALPHA_C

    ax = _axes(ax)
    for k, t in enumerate(np.asarray(theory.temperatures, dtype=float)):
        ax.plot(theory.alphas, theory.overlap[k], lw=1.5, label=f"RS m(α), T = {t:g}")
    ax.axvline(theory.alpha_c, color="k", ls=":", lw=1,
               label=f"RS α_c = {theory.alpha_c:.4f} (m = {theory.m_c:.4f})")
    ax.axvspan(*theory.literature_alpha_c, color="grey", alpha=0.2,
               label=f"simulations (literature) {LITERATURE_ALPHA_C[0]}–{LITERATURE_ALPHA_C[1]}")
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("retrieval overlap m")
    ax.set_title("Replica-symmetric retrieval overlap (Amit, Gutfreund & Sompolinsky)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize="small", loc="lower left")
    return ax


@styled
def theory_figure(theory):
    """A figure of :func:`plot_theory_overlap` (``esorma capacity --theory --figure``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.capacity import capacity_theory
    >>> fig = theory_figure(capacity_theory([0.05, 0.1, 0.15]))
    >>> fig.axes[0].get_ylabel()
    'retrieval overlap m'
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.8))
    plot_theory_overlap(theory, ax)
    fig.tight_layout()
    return fig


@styled
def report_figure(report):
    """The figure of a :class:`~esorma.capacity.CapacityReport`.

    Panels: m(α) per N with the stored RS m(α), the retrieved fraction with α_c(N), α_c(N)
    against the scaling variable with the extrapolation (at the first temperature), and, when
    the study has several temperatures, the (α, T) retrieval map at the largest N.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.capacity import CapacityConfig, capacity_study
    >>> rep = capacity_study(CapacityConfig([200], [0.05, 0.2], n_probes=4), seed=0)
    >>> fig = report_figure(rep)
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (3, 'final overlap m')
    """
    import matplotlib.pyplot as plt

    s = report.summary
    has_map = len(s.temperatures) > 1
    if has_map:
        fig, grid = plt.subplots(2, 2, figsize=(14, 10))
        axes = grid.ravel()
    else:
        fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    theory = report.theory if report.theory is not None else False
    plot_overlap_curve(s, axes[0], theory=theory)
    estimate = report.estimates[0] if report.estimates else None
    plot_retrieved_fraction(s, axes[1], estimate=estimate)
    if estimate is not None and np.isfinite(estimate.alpha_c).any():
        plot_capacity_scaling(estimate, report.extrapolation, axes[2])
    else:
        axes[2].set_axis_off()
        axes[2].text(0.5, 0.5, "no size crosses 1/2 on the grid", ha="center",
                     va="center", transform=axes[2].transAxes)
    if has_map:
        plot_retrieval_map(s, axes[3])
    cfg = report.config
    fig.suptitle(f"Hopfield capacity by simulation ({cfg.rule}): N = "
                 f"{', '.join(map(str, cfg.n_neurons))}; {cfg.n_networks} network(s) × "
                 f"{cfg.n_probes} probes per point; seed {report.seed}", y=1.02)
    fig.tight_layout()
    return fig

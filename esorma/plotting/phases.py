"""Figures of the phase timing study (:class:`esorma.bridge.PhaseTimingStudy`).

``plot_*`` functions import matplotlib lazily, take ``ax=None`` (a new figure is made) and
return the axes; :func:`draw_phase_timing` returns the whole figure of
``experiments/phase_timing.py``: hybrid exit against entry, weight growth in saturation, the
two growth fits compared, and sign flips against the saturated fraction.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, styled

__all__ = [
    "plot_hybrid_timing",
    "plot_weight_growth",
    "plot_growth_fits",
    "plot_flips_vs_saturation",
    "draw_phase_timing",
]

_FIGSIZE = (6.0, 4.5)
_MARKERS = ("o", "s", "D", "v", "P", "X")


def _task_colours(study):
    tasks = list(dict.fromkeys(study.task))
    return tasks, {t: f"C{i}" for i, t in enumerate(tasks)}


@styled
def plot_hybrid_timing(study, ax=None):
    """Time to leave the hybrid phase against time to enter it, log-log, with ``y = x``.

    Every run that entered the hybrid phase after epoch 0 is a point ``(t_in, t_out - t_in)``
    (colour: task, marker: learning rate); above the line the run took longer to leave the
    hybrid phase than to enter it. Runs still hybrid at the last epoch are open triangles at
    their lower bound ``n_epochs - t_in``. The title gives the median ratio
    ``(t_out - t_in) / t_in`` over runs that left, its 95 % bootstrap CI and the fraction above
    the line.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.bridge import phase_timing_study
    >>> s = phase_timing_study(["xor"], widths=[3], learning_rates=[4.0], init_scales=[1.0],
    ...                        n_seeds=2, n_epochs=150, n_boot=20)
    >>> plot_hybrid_timing(s).get_xscale()
    'log'
    """
    ax = _axes(ax, _FIGSIZE)
    s = study
    tasks, colours = _task_colours(s)
    lrs = sorted(set(np.asarray(s.learning_rate).tolist()))
    n_ep = s.config.get("n_epochs", np.nan)
    t_in = np.asarray(s.t_in, dtype=float)
    t_out = np.asarray(s.t_out, dtype=float)
    entered = t_in > 0
    left = entered & (t_out >= 0)
    cens = entered & ~left
    for t in tasks:
        for j, lr in enumerate(lrs):
            sel = np.array([x == t for x in s.task]) & (s.learning_rate == lr)
            m = _MARKERS[j % len(_MARKERS)]
            a = sel & left
            if a.any():
                ax.loglog(t_in[a], t_out[a] - t_in[a], m, ms=4, alpha=0.7, color=colours[t],
                          label=f"{t}, lr {lr:g}")
            c = sel & cens
            if c.any():
                ax.loglog(t_in[c], n_ep - t_in[c], "^", ms=5, mfc="none", color=colours[t],
                          alpha=0.7)
    pts = np.r_[t_in[entered], (t_out - t_in)[left], (n_ep - t_in)[cens]]
    pts = pts[np.isfinite(pts) & (pts > 0)]
    if pts.size:
        lo, hi = pts.min() / 2, pts.max() * 2
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x (as long to leave as to enter)")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
    if cens.any():
        ax.plot([], [], "^", mfc="none", color="0.3",
                label=f"still hybrid at the end ({int(cens.sum())}; lower bound)")
    ax.set_xlabel("epochs to enter the hybrid phase  t_in")
    ax.set_ylabel("epochs to leave it for good  t_out − t_in")
    r = -1
    ax.set_title(f"hybrid phase: median (t_out−t_in)/t_in = {s.row_ratio_median[r]:.3g} "
                 f"[{s.row_ratio_low[r]:.3g}, {s.row_ratio_high[r]:.3g}]\n"
                 f"{s.row_frac_above[r]:.0%} of {int(s.row_n_sided[r])} runs lie above y = x "
                 "(censored ones at their bound)", fontsize=10)
    ax.legend(fontsize=NOTE_SIZE - 1, loc="lower right", ncol=1)
    return ax


@styled
def plot_weight_growth(study, ax=None, *, max_runs: int = 60):
    """``||θ||`` against epoch in the final saturated segment (log epoch axis).

    A straight line on this axis is logarithmic growth ``a + b ln t`` (Soudry et al. 2018 for
    a linear predictor on separable data); an upward-curving one is a power law. At most
    ``max_runs`` runs per task are drawn.
    """
    ax = _axes(ax, _FIGSIZE)
    s = study
    tasks, colours = _task_colours(s)
    for t in tasks:
        idx = [i for i, x in enumerate(s.task) if x == t and np.isfinite(s.log_b[i])]
        for k, i in enumerate(idx[:max_runs]):
            e, w = s.curve_epochs[i], s.curve_norms[i]
            ok = np.isfinite(e) & np.isfinite(w)
            ax.semilogx(e[ok], w[ok], color=colours[t], lw=0.7, alpha=0.5,
                        label=f"{t} ({len(idx)} runs)" if k == 0 else None)
    ax.set_xlabel("epoch t (saturated phase)")
    ax.set_ylabel("weight norm ||θ||")
    r = -1
    ax.set_title(f"weight growth in saturation: median slope b = {s.row_log_b[r]:.3g} per "
                 f"e-fold of t", fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


@styled
def plot_growth_fits(study, ax=None):
    """RMS residual of ``a + b ln t`` against that of ``c t^p``, one point per run.

    Below the line ``y = x`` the logarithm fits better. The title gives the fraction of runs
    below it and the median power-law exponent ``p``.
    """
    ax = _axes(ax, _FIGSIZE)
    s = study
    tasks, colours = _task_colours(s)
    lr_, pr_ = np.asarray(s.log_rms, float), np.asarray(s.power_rms, float)
    ok = np.isfinite(lr_) & np.isfinite(pr_) & (lr_ > 0) & (pr_ > 0)
    for t in tasks:
        sel = ok & np.array([x == t for x in s.task])
        if sel.any():
            ax.loglog(pr_[sel], lr_[sel], "o", ms=4, alpha=0.7, color=colours[t], label=t)
    if ok.any():
        lo = min(lr_[ok].min(), pr_[ok].min()) / 2
        hi = max(lr_[ok].max(), pr_[ok].max()) * 2
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel("rms residual of c·t^p")
    ax.set_ylabel("rms residual of a + b ln t")
    r = -1
    ax.set_title(f"log fits better in {s.row_frac_log_better[r]:.0%} of "
                 f"{int(s.row_n_fit[r])} runs; median p = {s.row_power_p[r]:.3g}",
                 fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


@styled
def plot_flips_vs_saturation(study, ax=None):
    """Sign-flip rate of the weight updates against the saturated fraction.

    Lines: mean per-epoch flip rate in saturated-fraction bins, pooled over the runs of each
    task; points: each run's means over its last quarter of training. The title gives the
    Spearman correlation of those run means with its 95 % bootstrap CI.
    """
    ax = _axes(ax, _FIGSIZE)
    s = study
    tasks, colours = _task_colours(s)
    nb = s.flip_bin_sum.shape[1]
    centres = (np.arange(nb) + 0.5) / nb
    for t in tasks:
        sel = np.array([x == t for x in s.task])
        cnt = s.flip_bin_count[sel].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s.flip_bin_sum[sel].sum(axis=0) / cnt
        ok = cnt > 0
        ax.plot(centres[ok], mean[ok], "-", color=colours[t], lw=1.5, label=f"{t}: per epoch")
        ax.plot(s.sf_late[sel], s.flip_late[sel], "o", ms=3, alpha=0.5, color=colours[t])
    ax.plot([], [], "o", ms=3, color="0.4", label="run means, last quarter")
    ax.set_xlabel("saturated fraction of hidden activations")
    ax.set_ylabel("sign flips per epoch (fraction of parameters)")
    ax.set_xlim(0, 1)
    r = -1
    ax.set_title(f"Spearman ρ over runs = {s.row_flip_rho[r]:+.2f} "
                 f"[{s.row_flip_rho_low[r]:+.2f}, {s.row_flip_rho_high[r]:+.2f}]", fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


@styled
def draw_phase_timing(study):
    """The four panels of a :class:`~esorma.bridge.PhaseTimingStudy`; returns the Figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 9.5))
    plot_hybrid_timing(study, ax=axes[0, 0])
    plot_weight_growth(study, ax=axes[0, 1])
    plot_growth_fits(study, ax=axes[1, 0])
    plot_flips_vs_saturation(study, ax=axes[1, 1])
    cfg = study.config
    fig.suptitle(f"training phases of {study.n_runs} runs ({cfg.get('n_seeds')} seeds per "
                 f"setting, {cfg.get('n_epochs')} epochs, every epoch recorded)")
    fig.tight_layout()
    return fig

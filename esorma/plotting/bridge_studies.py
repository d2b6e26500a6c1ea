"""Figures of the bridge studies: continued learning, fast start, optimisers, real inputs.

Each ``draw_*`` function takes the study's result and returns a matplotlib Figure; each
``plot_*`` function draws one panel on ``ax`` (new axes when None) and returns ``ax``.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes, styled

__all__ = [
    "plot_continual_metric",
    "draw_continual_study",
    "plot_ratio_intervals",
    "draw_fast_start_study",
    "plot_time_to_target",
    "draw_optimizers_study",
    "draw_threshold_reading_study",
]

_ACT_COLOURS = {"sigmoid": "C0", "tanh": "C2", "relu": "C3"}
_OPT_COLOURS = {"gd": "C0", "adam": "C1", "newton": "C4"}


@styled
def plot_continual_metric(study, metric: str = "online_loss", ax=None, *, ylabel=None,
                          title=None, log: bool = False):
    """Mean of ``metric`` per stage with 95 % bootstrap error bars, one line per activation."""
    ax = _axes(ax)
    st = study.stage_stats(metric, "mean")
    x = np.arange(1, study.n_stages + 1)
    for i, act in enumerate(study.activations):
        m, lo, hi = st[i, :, 0], st[i, :, 1], st[i, :, 2]
        ax.errorbar(x + 0.06 * (i - 1), m, yerr=[m - lo, hi - m], marker="o", ms=4, capsize=3,
                    color=_ACT_COLOURS.get(act), label=act)
    ax.set_xlabel("stage (new task) in the stream")
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    ax.set_xticks(x)
    if log:
        ax.set_yscale("log")
    ax.legend(title="hidden units")
    if title:
        ax.set_title(title)
    return ax


@styled
def draw_continual_study(study):
    """Loss on each new task of the stream, sigmoid vs ReLU (and saturation), with error bars."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    n = study.n_seeds
    plot_continual_metric(study, "online_loss", axes[0], log=True,
                          ylabel="mean training loss on the new task (nats)",
                          title="loss paid while learning each new task")
    plot_continual_metric(study, "loss_after", axes[1], log=True,
                          ylabel="held-out loss on the new task (nats)",
                          title="held-out loss after each stage")
    plot_continual_metric(study, "saturated_fraction", axes[2],
                          ylabel="saturated (sigmoid/tanh) or dead (ReLU) fraction",
                          title="hidden units: saturation")
    fig.suptitle(f"Continued learning on a stream of threshold-rule tasks: mean and 95 % "
                 f"bootstrap CI over {n} seeds ({study.config['epochs_per_stage']} GD epochs "
                 f"per task, learning rate {study.config['learning_rate']:g})", fontsize=11)
    fig.tight_layout()
    return fig


@styled
def plot_ratio_intervals(labels, stats, ax=None, *, xlabel="median ratio fast / plain",
                         title=None, colours=None):
    """Horizontal median-with-CI markers, one row per label, with the no-change line at 1."""
    ax = _axes(ax)
    stats = np.asarray(stats, dtype=np.float64)
    y = np.arange(len(labels))[::-1]
    for k, (lab, (m, lo, hi)) in enumerate(zip(labels, stats)):
        if not np.isfinite(m):
            continue
        ax.errorbar([m], [y[k]], xerr=[[m - lo], [hi - m]], fmt="o", capsize=4,
                    color=None if colours is None else colours[k])
        ax.annotate(f"{m:.3g} [{lo:.3g}, {hi:.3g}]", (m, y[k]), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=8)
    ax.axvline(1.0, color="k", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("task")
    ax.set_ylim(-0.7, len(labels) - 0.3)
    if title:
        ax.set_title(title)
    return ax


@styled
def draw_fast_start_study(study):
    """Median ratio (jump + GD) / (plain GD) with bootstrap CIs; the jump length vs plain GD."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    labels = list(study.tasks)
    for ax, ms, name in ((axes[0], "zero", "zero training error"),
                         (axes[1], "saturated", "the saturated phase")):
        e = study.ratio_stats(ms, "epochs")
        s = study.ratio_stats(ms, "seconds")
        rows = [f"{t} (epochs)" for t in labels] + [f"{t} (wall time)" for t in labels]
        plot_ratio_intervals(rows, np.vstack([e, s]), ax,
                             xlabel="median ratio fast start / plain GD (< 1: faster)",
                             title=f"time to {name}")
    ax = axes[2]
    for i, t in enumerate(labels):
        ax.loglog(np.maximum(study.plain_epochs_saturated[i], 1),
                  np.maximum(study.jump_epochs[i], 0.5), "o", ms=4, label=t, alpha=0.8)
    lim = [1, max(10.0, float(np.nanmax(study.plain_epochs_saturated, initial=10)))]
    ax.plot(lim, lim, "k--", lw=0.8, label="jump = all of training")
    ax.set_xlabel("plain GD epochs to the saturated phase")
    ax.set_ylabel("epochs covered by the closed-form jump")
    ax.set_title("how much of training the jump covers")
    ax.legend()
    n = study.jump_epochs.shape[1]
    fig.suptitle(f"Closed-form linear phase then GD vs plain GD ({n} seeds per task, initial "
                 f"scale {study.config['init_scale']:g}, handover at linearisation error "
                 f"{study.config['max_error']:g}); 95 % bootstrap CIs", fontsize=11)
    fig.tight_layout()
    return fig


@styled
def plot_time_to_target(study, measure: str = "epochs", ax=None, *, title=None):
    """Median epochs (or seconds) to the target loss per task and optimiser, with CIs (log)."""
    ax = _axes(ax)
    st = study.stats(measure)
    n_opt = len(study.optimizers)
    x = np.arange(len(study.tasks))
    w = 0.8 / n_opt
    for j, opt in enumerate(study.optimizers):
        m, lo, hi = st[:, j, 0], st[:, j, 1], st[:, j, 2]
        ok = np.isfinite(m)
        ax.bar(x[ok] + (j - (n_opt - 1) / 2) * w, m[ok], w, color=_OPT_COLOURS.get(opt),
               yerr=[m[ok] - lo[ok], hi[ok] - m[ok]], capsize=3, label=opt)
        reached = np.mean(np.isfinite(getattr(study, measure)[:, j]), axis=-1)
        for k in np.flatnonzero(reached < 1):
            ax.annotate(f"{100 * reached[k]:.0f}% reached", (x[k] + (j - (n_opt - 1) / 2) * w,
                        0.02), xycoords=("data", "axes fraction"), rotation=90, fontsize=7,
                        ha="center", va="bottom", color="white" if ok[k] else "0.2")
    ax.set_xticks(x)
    ax.set_xticklabels(study.tasks)
    ax.set_yscale("log")
    ax.set_xlabel("task")
    ax.set_ylabel("epochs to the target loss" if measure == "epochs"
                  else "wall time to the target loss (s)")
    ax.legend(title="optimiser")
    if title:
        ax.set_title(title)
    return ax


@styled
def draw_optimizers_study(study):
    """Saddle-free Newton, GD and Adam: epochs and wall time to the same loss (medians, CIs)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    plot_time_to_target(study, "epochs", axes[0], title="epochs (full-batch steps)")
    plot_time_to_target(study, "seconds", axes[1], title="wall time")
    fig.suptitle(f"Time to training loss {study.config['target_loss']:g}: median and 95 % "
                 f"bootstrap CI over the seeds that reached it ({study.epochs.shape[2]} seeds)",
                 fontsize=11)
    fig.tight_layout()
    return fig


@styled
def draw_threshold_reading_study(study):
    """Fidelity of the threshold-feature formula on fresh real inputs, per rule and run."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.3))
    rng = np.random.default_rng(0)
    for ax, metric, lab in ((axes[0], "agreement", "formula = network on fresh inputs"),
                            (axes[1], "target_agreement", "formula = target on fresh inputs")):
        for i, rule in enumerate(study.rules):
            vals = getattr(study, metric)[i]
            sat = study.saturated[i] > 0.5
            x = i + 0.12 * rng.standard_normal(vals.size)
            ax.plot(x[sat], vals[sat], "o", color="C0", ms=4, alpha=0.8,
                    label="saturated run" if i == 0 else None)
            ax.plot(x[~sat], vals[~sat], "x", color="C3", ms=5,
                    label="not saturated in time" if i == 0 else None)
        ax.axhline(1.0, color="k", lw=0.8, ls="--")
        ax.set_xticks(range(len(study.rules)))
        ax.set_xticklabels([f"threshold {r}" for r in study.rules])
        ax.set_xlabel("target rule over [x_i > t_i]")
        ax.set_ylabel(f"fraction of {study.config['n_fresh']} fresh inputs")
        ax.set_title(lab)
        ax.legend(loc="lower left")
    fig.suptitle(f"Real inputs read as threshold features: {study.agreement.shape[1]} runs per "
                 "rule (sigmoid MLP, first layer = half-spaces, upper layers = formula)",
                 fontsize=11)
    fig.tight_layout()
    return fig

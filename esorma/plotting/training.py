"""Figures of learning dynamics: does an early stability indicator predict the final loss?

:func:`prediction_figure` draws the whole figure of a
:class:`esorma.training.prediction.PredictionStudy` (what ``esorma learn --figure`` and
``experiments/learning_prediction.py`` draw); :func:`plot_rho_vs_time` and
:func:`plot_best_window_scatter` draw one setting's panels (they take ``ax=None`` and return
the axes; matplotlib is imported lazily).
"""

from __future__ import annotations

from esorma.plotting._common import NOTE_SIZE, _axes, styled

__all__ = ["prediction_figure", "plot_rho_vs_time", "plot_best_window_scatter"]

#: Colour and legend text of each headline feature.
_STYLE = {
    "log_loss": ("0.35", "baseline: ln loss(t)"),
    "ftle_1": ("C3", "leading FTLE λ₁"),
    "clv_angle_12": ("C0", "CLV angle θ₁₂"),
}


def plot_rho_vs_time(study, setting: int = 0, *, features=("log_loss", "ftle_1", "clv_angle_12"),
                     ax=None, title=None, legend=True):
    """Spearman's rho of each feature with ``ln(final loss)`` against the window time, with
    its bootstrap band, for one setting of a :class:`PredictionStudy`.

    Parameters
    ----------
    study : PredictionStudy
    setting : int
        Index of the setting (see ``study.label``).
    features : sequence of str
        Feature names of ``study.features``.
    """
    ax = _axes(ax)
    s = int(setting)
    t = study.window_times
    for name in features:
        i = study.feature_index(name)
        color, text = _STYLE.get(name, (None, name))
        ax.fill_between(t, study.rho_low[s, i], study.rho_high[s, i], color=color, alpha=0.18,
                        lw=0)
        ax.plot(t, study.rho[s, i], "o-", ms=3.5, color=color, label=text)
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("window end (training step)")
    ax.set_ylabel("Spearman ρ with ln(final loss)")
    n_div = int(study.n_diverged[s])
    ax.set_title(title or f"{study.label(s)}\n{int(study.n_used[s])} runs used, "
                          f"{n_div} diverged (excluded)")
    if legend:
        ax.legend(loc="best", fontsize=7)
    return ax


def plot_best_window_scatter(study, setting: int = 0, *, family: str = "ftle", ax=None,
                             title=None):
    """The headline feature of ``family`` against ``ln(final loss)`` at the window where the
    family predicts best (:meth:`PredictionStudy.best_window`), one point per run used; the
    title gives rho with its interval and the cross-validated R² of the family and of the
    baseline at that window."""
    from esorma.training.prediction import HEADLINE

    ax = _axes(ax)
    s = int(setting)
    w = study.best_window(s, family)
    name = HEADLINE[family]
    i = study.feature_index(name)
    used = ~study.diverged[s]
    x = study.values[s, used, w, i]
    y = study.final_log_loss[s, used]
    color, text = _STYLE.get(name, ("C2", name))
    ax.scatter(x, y, s=12, color=color, alpha=0.7, edgecolors="none")
    g, b = study.family_index(family), study.family_index("loss")
    unit = " (per step)" if name.startswith("ftle") else (
        " (rad)" if "angle" in name else "")
    ax.set_xlabel(f"{text}{unit} at step {int(study.window_times[w])}")
    ax.set_ylabel("ln(final loss)")
    ax.set_title(title or (
        f"ρ = {study.rho[s, i, w]:+.2f} [{study.rho_low[s, i, w]:+.2f}, "
        f"{study.rho_high[s, i, w]:+.2f}]\nR² {family} {study.r2[s, g, w]:+.2f}, "
        f"baseline {study.r2[s, b, w]:+.2f}"), fontsize=9)
    return ax


@styled
def prediction_figure(study, *, family: str = "ftle", title=None):
    """The figure of a :class:`PredictionStudy`: per setting, rho(t) of the baseline, the
    leading FTLE and the CLV angle with their bootstrap bands (upper rows), and the scatter of
    the ``family``'s headline feature against ``ln(final loss)`` at its best window (lower
    rows).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    S = study.n_settings
    cols = min(S, 4)
    blocks = -(-S // cols)
    fig, axes = plt.subplots(2 * blocks, cols, figsize=(3.9 * cols, 3.3 * 2 * blocks),
                             squeeze=False)
    for s in range(S):
        r, c = divmod(s, cols)
        plot_rho_vs_time(study, s, ax=axes[2 * r, c], legend=(s == 0))
        plot_best_window_scatter(study, s, family=family, ax=axes[2 * r + 1, c])
    for j in range(S, blocks * cols):
        r, c = divmod(j, cols)
        axes[2 * r, c].set_visible(False)
        axes[2 * r + 1, c].set_visible(False)
    conf = study.config.get("confidence", 0.95)
    fig.suptitle(title or (f"Do early FTLEs / CLVs predict the final loss? {study.n_runs} runs "
                           f"per setting, {study.config.get('n_steps')} steps, windows of "
                           f"{study.window} steps (seed {study.seed})"))
    fig.text(0.01, 0.003, f"bands: {conf:.0%} percentile bootstrap ({study.config.get('n_boot')}"
             f" resamples); R²: ridge regression, {study.config.get('n_folds')}-fold "
             f"cross-validation; diverged runs excluded and counted", fontsize=NOTE_SIZE,
             color="0.3")
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    return fig

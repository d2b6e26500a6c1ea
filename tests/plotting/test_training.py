"""The prediction-study figure draws without warnings, with labelled axes and the right panels."""

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(scope="module")
def study():
    from esorma.training.prediction import prediction_study

    # three settings (one always diverges: its panels must still draw), 8 runs each
    return prediction_study("quick", tasks=["teacher"], activations=["tanh"],
                            learning_rates=[0.1, 0.3, 30.0], n_runs=8, n_steps=100, window=10,
                            n_windows=3, n_boot=50, n_folds=4, rng=1)


def _drawn(fig):
    fig.set_dpi(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    shown = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    for ax in shown:
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), ax.get_title()
    return shown


def test_prediction_figure_has_a_rho_panel_and_a_scatter_per_setting(study):
    from esorma.plotting.training import prediction_figure

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = prediction_figure(study)
    shown = _drawn(fig)
    assert len(shown) == 6  # 3 settings x (rho(t), scatter)
    rho_axes = [ax for ax in shown if ax.get_ylabel().startswith("Spearman")]
    assert len(rho_axes) == 3
    assert "8 diverged (excluded)" in rho_axes[2].get_title()
    # the rho(t) curve drawn is the study's
    line = rho_axes[0].get_lines()[1]  # baseline first, then the leading FTLE
    np.testing.assert_array_equal(line.get_xdata(), study.window_times)
    np.testing.assert_array_equal(line.get_ydata(), study.rho[0, study.feature_index("ftle_1")])
    plt.close(fig)


def test_the_scatter_is_at_the_best_window(study):
    from esorma.plotting.training import plot_best_window_scatter

    ax = plot_best_window_scatter(study, 1, family="clv")
    w = study.best_window(1, "clv")
    assert f"at step {int(study.window_times[w])}" in ax.get_xlabel()
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == study.n_used[1]
    np.testing.assert_array_equal(np.asarray(offsets)[:, 1],
                                  study.final_log_loss[1][~study.diverged[1]])
    _drawn(ax.figure)
    plt.close(ax.figure)

"""Figures of the bridge studies draw without warnings and label every axis."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from esorma.bridge.continual import continual_study  # noqa: E402
from esorma.bridge.fast_start import fast_start_study  # noqa: E402
from esorma.bridge.optimizers_study import optimizers_study  # noqa: E402
from esorma.bridge.threshold_features import threshold_reading_study  # noqa: E402
from esorma.plotting.bridge_studies import (  # noqa: E402
    draw_continual_study,
    draw_fast_start_study,
    draw_optimizers_study,
    draw_threshold_reading_study,
)


def _check(fig):
    fig.set_dpi(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    n = 0
    for ax in fig.axes:
        if ax.get_visible() and ax.axison:
            assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), ax.get_title()
            n += 1
    assert n >= 2
    plt.close(fig)


@pytest.mark.parametrize("which", ["continual", "fast_start", "optimizers", "reading"])
def test_study_figures_draw_without_warnings_and_with_labels(which):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if which == "continual":
            fig = draw_continual_study(continual_study(n_stages=2, n_seeds=2,
                                                       epochs_per_stage=20, hidden=(3,)))
        elif which == "fast_start":
            fig = draw_fast_start_study(fast_start_study(("xor",), n_seeds=2, n_epochs=300))
        elif which == "optimizers":
            fig = draw_optimizers_study(optimizers_study(("xor",), n_seeds=2, n_epochs=300))
        else:
            fig = draw_threshold_reading_study(threshold_reading_study(
                ("and", "xor"), n_seeds=2, n_epochs=400, n_fresh=200))
    _check(fig)

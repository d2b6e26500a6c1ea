"""Figures of the phase timing study (esorma.plotting.phases)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import esorma.bridge as B  # noqa: E402
from esorma.plotting import phases as P  # noqa: E402


@pytest.fixture(scope="module")
def study():
    return B.phase_timing_study(["xor"], widths=[3], learning_rates=[4.0],
                                init_scales=[1.0], n_seeds=3, n_epochs=400, n_boot=50, seed=1)


def test_timing_panel_is_log_log_with_the_diagonal_and_the_median_in_the_title(study):
    import matplotlib.pyplot as plt

    ax = P.plot_hybrid_timing(study)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    diag = [ln for ln in ax.get_lines() if ln.get_label().startswith("y = x")]
    assert diag and np.allclose(*diag[0].get_data())
    assert f"{study.row_ratio_median[-1]:.3g}" in ax.get_title()
    pts = [ln for ln in ax.get_lines() if ln.get_label().startswith("xor")]
    np.testing.assert_allclose(pts[0].get_xdata(), study.t_in[study.t_out >= 0])
    plt.close("all")


def test_four_panel_figure_has_labelled_axes(study):
    import matplotlib.pyplot as plt

    fig = P.draw_phase_timing(study)
    axes = fig.get_axes()
    assert len(axes) == 4
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in axes)
    assert "Spearman" in axes[3].get_title()
    assert "log fits better" in axes[2].get_title()
    plt.close(fig)

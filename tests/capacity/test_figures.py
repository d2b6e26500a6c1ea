"""Figures of capacity studies: labelled panels, the report's figure (with the retrieval map
as a panel when T varies) and the theory figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from esorma.capacity import (  # noqa: E402
    CapacityConfig,
    CapacityEstimate,
    capacity_study,
    capacity_theory,
    estimate_capacity,
    extrapolate_capacity,
    summarize,
)
from tests.capacity.test_analysis import _fake_results  # noqa: E402


def test_plot_functions_label_axes():
    from esorma.plotting.capacity import (
        capacity_figure,
        plot_capacity_scaling,
        plot_retrieval_map,
    )

    s = summarize(_fake_results([1.0, 0.8, 0.4, 0.0]))
    est = estimate_capacity(s)
    fig = capacity_figure(s, est)
    assert [a.get_xlabel() for a in fig.axes[:2]] == ["load α = P / N"] * 2
    plt.close(fig)
    n = np.array([500, 1000, 2000])
    e3 = CapacityEstimate(n, np.array([0.17, 0.16, 0.155]), np.array([0.16, 0.155, 0.15]),
                          np.array([0.18, 0.165, 0.16]), ("ok",) * 3)
    ax = plot_capacity_scaling(e3, extrapolate_capacity(e3))
    assert ax.get_xlabel() == "scaling variable 1/√N"
    assert "α_∞" in ax.get_legend_handles_labels()[1][0]
    plt.close(ax.figure)
    ax = plot_retrieval_map(s, theory=False)
    assert ax.get_ylabel() == "temperature T"
    plt.close(ax.figure)


def test_report_figure_draws_the_stored_theory_and_a_map_panel_when_t_varies():
    pytest.importorskip("esorma.dynamics.stochastic")
    from esorma.plotting.capacity import report_figure

    rep = capacity_study(CapacityConfig([200, 400], [0.05, 0.2], n_probes=3), seed=0)
    fig = report_figure(rep)
    assert len(fig.axes) == 3
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert any(lab.startswith("replica-symmetric m(α)") for lab in labels)
    plt.close(fig)
    cfg = CapacityConfig([200], [0.02, 0.05], temperatures=[0.0, 0.3], n_probes=3,
                         max_sweeps=10)
    fig = report_figure(capacity_study(cfg, seed=0))
    assert fig.axes[3].get_ylabel() == "temperature T"  # the map is the fourth panel
    plt.close(fig)


def test_theory_figure():
    from esorma.plotting.capacity import theory_figure

    fig = theory_figure(capacity_theory([0.05, 0.1, 0.15], temperatures=[0.0, 0.3]))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "load α = P / N" and len(ax.get_lines()) >= 2
    plt.close(fig)

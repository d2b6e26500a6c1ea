"""The mixture-census figure draws one labelled panel per P, with the theory lines."""

import warnings

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from esorma.attractors import mixture_census  # noqa: E402
from esorma.plotting.mixtures import mixture_census_figure  # noqa: E402


def test_census_figure_has_a_labelled_panel_per_p_and_theory_lines():
    census = mixture_census([3, 5], [40, 200], n_draws=2, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = mixture_census_figure(census)
        fig.set_dpi(40)
        fig.canvas.draw()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["P = 3", "P = 5"]
    for ax in axes:
        assert ax.get_xlabel() == "N" and ax.get_ylabel()
    # dashed theory lines at 2P and C(P,n) 2^n: P = 5 has 10, 80 and 32
    levels = sorted({round(line.get_ydata()[0]) for line in axes[1].get_lines()
                     if line.get_linestyle() == "--"})
    assert levels == [10, 32, 80]
    plt.close(fig)

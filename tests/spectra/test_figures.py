"""Figures of spectra (esorma.plotting.spectra): the plot functions and the study pages."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import esorma.spectra as sp  # noqa: E402
from esorma.plotting import spectra as psp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_functions_return_axes():
    s = sp.sample_spectrum("wishart-complex", 200, rng=0, c=2.0)
    ax = psp.plot_spectrum(s)
    assert ax.get_xlabel() == "eigenvalue λ" and "wishart-complex" in ax.get_title()
    assert any("point mass" in t.get_text() for t in ax.texts)
    c = sp.sample_spectrum("dale", 200, rng=0, sigma_i=2.0, row_sum_zero=True)
    ax = psp.plot_spectrum(c)
    assert ax.get_xlabel() == "Re λ" and ax.get_legend() is not None
    ax = psp.plot_radial_cdf(c)
    assert len(ax.lines) >= 2
    with pytest.raises(ValueError, match="complex"):
        psp.plot_radial_cdf(s)
    ax = psp.plot_spacing_ratios(sp.spacing_ratios(np.linalg.eigvalsh(sp.goe(200, rng=1))))
    assert "ratio" in ax.get_xlabel()
    ax = psp.plot_largest_eigenvalues([1.95, 1.97, 1.99], 500, 1)
    assert "Tracy-Widom" in ax.get_legend().get_texts()[1].get_text()
    ax = psp.plot_tridiagonal_density(sp.beta_hermite_density(5000, rng=0, bins=20))
    assert "β-Hermite" in ax.get_title()
    axes = psp.plot_gallery([s, c], ncols=3)
    assert axes.shape == (1, 3) and not axes[0, 2].get_visible()


def test_draw_spectrum_dense_and_tridiagonal():
    fig = psp.draw_spectrum(sp.spectrum_study("ginibre", 150, rng=0))
    assert fig.axes[0].get_xlabel() == "Re λ"
    study = sp.spectrum_study("beta-laguerre", 3000, c=2.0, method="tridiagonal", rng=0)
    fig = psp.draw_spectrum(study)
    ax = fig.axes[0]
    assert "tridiagonal" in ax.get_title() and "Marchenko-Pastur" in " ".join(
        t.get_text() for t in ax.get_legend().get_texts())


def test_draw_gallery_and_edge_pages():
    g = sp.spectrum_gallery(60, tw_samples=20, tridiagonal_n=10**4, rng=0)
    fig = psp.draw_gallery(g)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(sp.GALLERY) + 3
    assert "seed 0" in fig._suptitle.get_text()
    fig = psp.draw_gallery(sp.spectrum_gallery(60, extras=False, rng=0), title="")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(sp.GALLERY)
    e = sp.edge_study(100, 20, [1000, 5000], rng=0)
    fig = psp.draw_edge(e)
    assert len(fig.axes) == 3 and fig.axes[2].get_xscale() == "log"

"""Every figure of esorma draws without warnings, and every axes it shows carries labels."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _check_labels(fig):
    """Every visible axes with its axis on has an x and a y label (colorbars: one label)."""
    fig.set_dpi(40)  # render (missing glyphs and layout warnings show up here), cheaply
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    checked = 0
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        if ax.get_label() == "<colorbar>":
            assert ax.get_ylabel() or ax.get_xlabel(), "colorbar without a label"
            continue
        assert ax.get_xlabel().strip(), f"axes {ax.get_title()!r} has no x label"
        assert ax.get_ylabel().strip(), f"axes {ax.get_title()!r} has no y label"
        checked += 1
    assert checked >= 1
    plt.close(fig)


def _draw(make):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = make()
    _check_labels(fig)
    return fig


def test_exact_attractor_figure_per_spin_energy_and_graph():
    from esorma.attractors import attractor_study
    from esorma.plotting.attractors import plot_attractor_study

    study = attractor_study(n_neurons=10, n_patterns=2, dynamics="sync", rng=0)
    fig = _draw(lambda: plot_attractor_study(study))
    energy_ax, graph_ax = fig.axes[:2]
    assert energy_ax.get_ylabel() == "energy per spin E/N"
    assert "largest basins" in graph_ax.get_title() or study.attractors.n_attractors <= 12


def test_sampled_attractor_figure_bars_only_for_repeated_attractors():
    from esorma.attractors import attractor_study
    from esorma.plotting.attractors import plot_energy_vs_basin

    study = attractor_study(n_neurons=200, n_patterns=4, method="sampled", n_starts=60,
                            rng=1)
    res = study.attractors
    fig = plt.figure()
    ax = fig.add_subplot()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_energy_vs_basin(res, ax=ax, min_count_for_bar=3)
    n_bars = sum(len(c.get_segments()) for c in ax.collections
                 if type(c).__name__ == "LineCollection")
    assert n_bars == int(np.sum(np.asarray(res.counts) >= 3))
    # energies are per spin: within [-1, 1] for Hebb couplings of a few patterns
    ys = np.concatenate([c.get_offsets()[:, 1] for c in ax.collections
                         if type(c).__name__ == "PathCollection"])
    assert np.all(np.abs(ys) <= 1.0)
    _check_labels(fig)


def test_chaos_figure_points_not_joined():
    from esorma.plotting.stability import chaos_figure
    from esorma.stability import chaos_study

    study = chaos_study(40, [0.5, 1.5], t_max=20.0, t_transient=5.0, rng=0)
    fig = _draw(lambda: chaos_figure(study))
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "N = 40"]
    assert all(ln.get_linestyle() == "None" for ln in lines)
    assert "run time t" in fig.axes[0].get_title()


def test_chaos_figure_draws_dmft_for_ginibre_only():
    from esorma.plotting.stability import chaos_figure
    from esorma.stability import chaos_study, dmft_lyapunov

    study = chaos_study(40, [0.5, 2.0], t_max=20.0, t_transient=5.0, rng=0)
    fig = _draw(lambda: chaos_figure(study))
    (dmft,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "DMFT (N → ∞)"]
    g, lam = dmft.get_data()
    assert g.min() == pytest.approx(1.0) and g.max() > 2.0  # drawn for g > g_c only
    np.testing.assert_allclose(lam, dmft_lyapunov(g).exponents)
    assert lam[0] == pytest.approx(0.0, abs=1e-12) and np.all(lam[1:] > 0)
    ell = chaos_study(40, [0.5, 2.0], ensemble="elliptic", tau=0.4, t_max=20.0,
                      t_transient=5.0, rng=0)
    fig = _draw(lambda: chaos_figure(ell))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "DMFT (N → ∞)" not in labels
    assert any(t.startswith("no DMFT curve") and "τ = 0" in t for t in labels)


def test_boltzmann_figure_explains_end_of_theory():
    from esorma.plotting.thermo import boltzmann_figure
    from esorma.thermo import boltzmann_study

    res = boltzmann_study(n_neurons=100, n_patterns=3, temperatures=[0.5, 1.2], n_sweeps=10,
                          burn_in=0, exact_neurons=6, exact_temperatures=[0.5, 1.0],
                          pq_temperatures=[0.5, 1.0], pt_sweeps=10, rng=0)
    fig = _draw(lambda: boltzmann_figure(res))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "T_M" in texts


def test_spectra_gallery_page():
    from esorma.plotting.spectra import draw_gallery
    from esorma.spectra import spectrum_gallery

    gallery = spectrum_gallery(50, tw_samples=10, tw_n=50, tridiagonal_n=1000, rng=0)
    fig = _draw(lambda: draw_gallery(gallery))
    labels = " ".join(ax.get_xlabel() for ax in fig.axes)
    assert "r~" not in labels and "r̃" in labels
    assert min(t.get_fontsize() for ax in fig.axes for t in ax.get_xticklabels()) >= 8
    assert "Hebb n = 1812" in fig._suptitle.get_text()


def test_bridge_figure_without_cut_formulas():
    from esorma.bridge import bridge_study
    from esorma.plotting.bridge import draw_bridge_run

    run = bridge_study("xor", n_epochs=150, lyapunov=False, rng=1)
    fig = _draw(lambda: draw_bridge_run(run))
    assert "(" not in fig._suptitle.get_text().split(":")[1].split("hidden")[0]
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert not any(t.endswith("...") or t.endswith("…") for t in texts)

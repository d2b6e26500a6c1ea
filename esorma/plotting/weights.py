"""Figures of weight spectra and of the power-iteration network.

``plot_*`` functions import matplotlib lazily, take ``ax=None`` and return the axes; the
``*_figure`` functions draw a whole result and return the figure:

* :func:`weight_spectrum_figure` (:class:`esorma.spectra.WeightSpectrum`): the squared singular
  values against the Marchenko-Pastur density, the outliers, the power-law tail.
* :func:`bbp_figure` (:class:`esorma.spectra.BBPSweep`): measured top singular value and
  overlaps against the BBP limits.
* :func:`training_spectra_figure` (:class:`esorma.spectra.TrainingSpectra`): ranks, top
  singular values, outliers and layer alignment over training, phases shaded.
* :func:`power_iteration_figure` and :func:`residual_weights_figure`
  (:class:`esorma.bridge.PowerIterationStudy`): lambda(t), alignment with the exact linear
  solutions, the residual spectra and similarity over training, the weights as images.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = [
    "plot_mp_density",
    "plot_power_law_tail",
    "weight_spectrum_figure",
    "bbp_figure",
    "training_spectra_figure",
    "power_iteration_figure",
    "residual_weights_figure",
]

_PHASE_COLORS = ("#dbe9f6", "#fde9c9", "#f6d5d5")  # linear, hybrid, saturated


def plot_mp_density(ws, *, ax=None, bins: int = 60):
    """Histogram of the squared singular values with the Marchenko-Pastur density and outliers."""
    ax = _axes(ax)
    s2 = ws.singular_values ** 2
    law = ws.law
    lo, hi = law.support
    bulk = s2[ws.n_outliers:]
    ax.hist(bulk, bins=bins, density=True, color="0.75", label=f"bulk ({bulk.size})")
    x = np.linspace(lo, hi, 400)
    ax.plot(x, law.pdf(x), "C0", lw=1.5,
            label=f"Marchenko-Pastur c={ws.aspect:.3g}, σ²={ws.sigma ** 2:.3g}")
    ax.axvline(ws.threshold ** 2, color="C3", ls=":", lw=1, label="outlier threshold")
    for j, v in enumerate(s2[: ws.n_outliers]):
        ax.axvline(v, color="C3", lw=1.5, label="outliers" if j == 0 else None)
    ax.set_xlabel("squared singular value")
    ax.set_ylabel("density")
    ax.set_title(f"{ws.shape[0]}×{ws.shape[1]}: {ws.n_outliers} outlier(s), stable rank "
                 f"{ws.stable_rank:.3g}, entropy rank {ws.entropy_rank:.3g}", fontsize=9)
    ax.legend(fontsize=7)
    return ax


def plot_power_law_tail(ws, *, ax=None):
    """Complementary CDF of the eigenvalues of ``W^T W`` (log-log) with the fitted power law."""
    ax = _axes(ax)
    x = np.sort(ws.singular_values ** 2)
    x = x[x > 0]
    ccdf = 1.0 - np.arange(x.size) / x.size
    ax.loglog(x, ccdf, ".", ms=3, color="0.3", label="eigenvalues of WᵀW")
    fit = ws.power_law
    if np.isfinite(fit.alpha):
        xs = np.geomspace(fit.x_min, x.max(), 50)
        frac = fit.n_tail / x.size
        ax.loglog(xs, frac * (xs / fit.x_min) ** (1.0 - fit.alpha), "C3", lw=1.5,
                  label=f"α = {fit.alpha:.2f} ± {fit.alpha_stderr:.2f} (x ≥ {fit.x_min:.3g},"
                        f" KS {fit.ks:.3f})")
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("P(λ ≥ x)")
    ax.legend(fontsize=7)
    return ax


def weight_spectrum_figure(ws):
    """The bulk against Marchenko-Pastur (left) and the power-law tail (right)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    plot_mp_density(ws, ax=axes[0])
    plot_power_law_tail(ws, ax=axes[1])
    fig.tight_layout()
    return fig


def bbp_figure(sweep):
    """Top singular value and squared overlaps against the signal strength, with the BBP limits."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    th = sweep.thetas
    t = np.linspace(th.min(), th.max(), 300)
    from esorma.spectra.weights import bbp_outlier, bbp_overlaps

    n, m = sweep.shape
    c = n / m
    pred = np.asarray(bbp_outlier(t, c), dtype=float)
    edge = 1.0 + np.sqrt(c)
    ax = axes[0]
    ax.errorbar(th, sweep.top.mean(axis=1), yerr=sweep.top.std(axis=1), fmt="o", ms=4,
                capsize=3, label=f"measured ({sweep.top.shape[1]} trials)")
    ax.plot(t, np.where(np.isnan(pred), edge, pred), "k-", lw=1,
            label="BBP limit √((1+θ²)(c+θ²))/θ")
    ax.axhline(edge, color="0.6", ls="--", lw=0.8, label="bulk edge 1+√c")
    ax.axvline(sweep.threshold, color="C3", ls=":", lw=1,
               label=f"θ_c = c^¼ = {sweep.threshold:.3g}")
    ax.set_xlabel("signal strength θ / σ")
    ax.set_ylabel("top singular value / σ")
    ax.set_title(f"{n}×{m} (c = {c:.3g})", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1]
    ps, pl = bbp_overlaps(t, c)
    for data, curve, color, lab in ((sweep.overlap_short, ps, "C0", "short side (u)"),
                                    (sweep.overlap_long, pl, "C1", "long side (v)")):
        ax.errorbar(th, data.mean(axis=1), yerr=data.std(axis=1), fmt="o", ms=4, capsize=3,
                    color=color, label=f"{lab}, measured")
        ax.plot(t, curve, color=color, lw=1)
    ax.axvline(sweep.threshold, color="C3", ls=":", lw=1)
    ax.set_xlabel("signal strength θ / σ")
    ax.set_ylabel("squared overlap with the planted vector")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _shade_phases(ax, epochs, codes):
    if codes.size == 0 or codes[0] < 0:
        return
    start = 0
    for i in range(1, codes.size + 1):
        if i == codes.size or codes[i] != codes[start]:
            hi = epochs[i] if i < codes.size else epochs[-1]
            ax.axvspan(epochs[start], hi, color=_PHASE_COLORS[int(codes[start])], lw=0,
                       zorder=0)
            start = i


def training_spectra_figure(ts):
    """Per layer: stable and entropy rank, top singular value against the bulk edge, outliers."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    ep = ts.epochs
    for ax in axes.ravel():
        _shade_phases(ax, ep, ts.phase_codes)
    for i, lay in enumerate(ts.layers):
        lab = f"layer {i + 1} {lay.shape[0]}×{lay.shape[1]}"
        axes[0, 0].plot(ep, lay.stable_rank, color=f"C{i}", label=lab)
        axes[0, 0].plot(ep, lay.entropy_rank, color=f"C{i}", ls="--")
        axes[0, 1].plot(ep, lay.singular_values[:, 0], color=f"C{i}", label=lab)
        axes[0, 1].plot(ep, lay.edge, color=f"C{i}", ls=":")
        axes[1, 0].plot(ep, lay.n_outliers, color=f"C{i}", drawstyle="steps-post", label=lab)
    for j in range(ts.alignment.shape[1]):
        axes[1, 1].plot(ep, ts.alignment[:, j], color=f"C{j}",
                        label=f"layers {j + 1}→{j + 2}")
    axes[0, 0].set_ylabel("stable rank (—), entropy rank (--)")
    axes[0, 1].set_ylabel("top singular value (—), MP edge (:)")
    axes[1, 0].set_ylabel("outliers beyond the MP edge")
    axes[1, 1].set_ylabel(f"alignment (mean cos², k = {ts.k})")
    for ax in axes[1]:
        ax.set_xlabel("epoch")
    handles = [Patch(color=c, label=p) for c, p in zip(_PHASE_COLORS,
                                                       ("linear", "hybrid", "saturated"))]
    axes[0, 0].legend(fontsize=7)
    axes[1, 1].legend(handles=axes[1, 1].get_legend_handles_labels()[0] + handles, fontsize=7)
    fig.tight_layout()
    return fig


def _smooth(x, width):
    if width <= 1 or x.size < width:
        return np.arange(x.size), x
    k = np.ones(width) / width
    return np.arange(width - 1, x.size), np.convolve(x, k, mode="valid")


def power_iteration_figure(study):
    """lambda(t), alignment with the exact solutions, the residual spectra and similarity."""
    import matplotlib.pyplot as plt

    from esorma.bridge.power_iteration import CANDIDATES

    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    sol = study.solutions
    it = study.record_iterations
    ax = axes[0, 0]
    t, sm = _smooth(study.batch_lambda, max(1, study.batch_lambda.size // 200))
    ax.plot(t, sm, color="0.6", lw=0.8, label="batch (running mean)")
    ax.plot(it, study.eval_lambda, "C0", lw=1.5, label="evaluation set")
    for name, ls in (("largest_real_part", "--"), ("smallest_real_part", "-.")):
        lam = sol.eigenvalues[getattr(sol, name)]
        ax.axhline(lam.real, color="k", ls=ls, lw=0.8,
                   label=f"Re λ {name.replace('_', ' ')} = {lam.real:.3f}"
                         f"{'' if abs(lam.imag) < 1e-9 else f' (±{abs(lam.imag):.2f}i)'}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("λ (slope of y on N(x))")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for j, name in enumerate(CANDIDATES):
        ax.plot(it, study.alignment[:, j], color=f"C{j}", label=name.replace("_", " "))
    ax.plot(it, study.linear_fraction, "k:", label="variance in the linear part")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("iteration")
    ax.set_ylabel("|cos| of the linear part with the solution")
    ax.legend(fontsize=7)
    ax = axes[0, 2]
    lam = sol.eigenvalues
    ax.scatter(lam.real, lam.imag, s=14, color="0.4", label="eig(Aᵀ + Bᵀ)")
    m = lam[getattr(sol, study.matched)]
    ax.scatter([m.real], [m.imag], s=80, facecolors="none", edgecolors="C3",
               label=f"matched: {study.matched.replace('_', ' ')}")
    ax.axvline(study.final_lambda, color="C0", lw=1, label=f"learned λ = {study.final_lambda:.3f}")
    ax.set_aspect("equal")
    ax.set_xlabel("Re")
    ax.set_ylabel("Im")
    osc = study.oscillation
    ax.set_title("oscillating" if osc.oscillating else ("converged" if osc.converged
                                                         else "not converged"), fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1, 0]
    K = study.residual_singular_values.shape[1]
    for b in range(K):
        sv = study.residual_singular_values[:, b]
        ax.semilogy(it, sv[:, 0], color=f"C{b}", label=f"block {b + 1}: σ₁")
        ax.semilogy(it, sv[:, 1], color=f"C{b}", ls="--", lw=0.8)
        ax.semilogy(it, np.median(sv, axis=1), color=f"C{b}", ls=":", lw=0.8)
    ax.set_xlabel("iteration")
    ax.set_ylabel("singular values (σ₁ —, σ₂ --, median :)")
    ax.legend(fontsize=7)
    ax = axes[1, 1]
    for b in range(K):
        ax.plot(it, study.residual_stable_rank[:, b], color=f"C{b}", label=f"block {b + 1}")
        ax.plot(it, study.residual_entropy_rank[:, b], color=f"C{b}", ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("stable rank (—), entropy rank (--)")
    ax.legend(fontsize=7)
    ax = axes[1, 2]
    for i in range(K):
        for j in range(i + 1, K):
            ax.plot(it, study.residual_cosine[:, i, j], label=f"cos(W{i + 1}, W{j + 1})")
            ax.plot(it, study.residual_overlap_right[:, i, j], ls="--",
                    label=f"top-{study.config['k']} input overlap {i + 1},{j + 1}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("similarity of residual matrices")
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def residual_weights_figure(study, n_times: int = 4):
    """The residual weight matrices as images at ``n_times`` records (rows: blocks)."""
    import matplotlib.pyplot as plt

    W = study.residual_weights
    R, K = W.shape[:2]
    idx = np.unique(np.linspace(0, R - 1, n_times).round().astype(int))
    fig, axes = plt.subplots(K, idx.size, figsize=(2.6 * idx.size, 2.6 * K), squeeze=False)
    for c, r in enumerate(idx):
        vmax = float(np.abs(W[r]).max()) or 1.0
        for b in range(K):
            ax = axes[b, c]
            im = ax.imshow(W[r, b], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            if b == 0:
                ax.set_title(f"iteration {study.record_iterations[r]}", fontsize=9)
            if c == 0:
                ax.set_ylabel(f"block {b + 1}")
        fig.colorbar(im, ax=axes[:, c].tolist(), shrink=0.6)
    return fig

"""Figures of dense associative memories: capacity scaling, attractor landscape, β transition.

Functions import matplotlib lazily and return a Figure (whole-study figures) or axes.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = ["capacity_figure", "landscape_figure", "continuous_figure", "plot_p_max",
           "exp_rate_figure"]


def plot_p_max(report, *, ax=None):
    """P_max(N) per model with 1σ error bars, the theory scale (dashed) and the finite-N
    Gaussian prediction (dotted), on log axes."""
    ax = _axes(ax)
    for k, m in enumerate(dict.fromkeys(report.size_model.tolist())):
        sel = report.size_model == m
        n, pm, sg = report.size_n[sel], report.p_max[sel], report.p_max_sigma_log[sel]
        color = f"C{k}"
        lo, hi = pm * (1 - np.exp(-sg)), pm * (np.exp(sg) - 1)
        ax.errorbar(n, pm, yerr=[lo, hi], fmt="o", color=color, capsize=3, label=f"{m}")
        ax.plot(n, report.p_theory[sel], "--", color=color, lw=1)
        if np.isfinite(report.p_gaussian[sel]).any():
            ax.plot(n, report.p_gaussian[sel], ":", color=color, lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N")
    ax.set_ylabel("P_max (half of the patterns retrieved error-free)")
    ax.legend(title="dashed: theory, dotted: finite-N Gaussian", fontsize=8)
    return ax


def capacity_figure(report):
    """The capacity study: retrieved fraction against P/P_theory, and P_max(N) against N."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11.0, 4.5))
    for k, m in enumerate(dict.fromkeys(report.point_model.tolist())):
        for j, n in enumerate(sorted(set(report.point_n[report.point_model == m].tolist()))):
            sel = (report.point_model == m) & (report.point_n == n)
            scale = report.p_theory[(report.size_model == m) & (report.size_n == n)][0]
            a.plot(report.point_p[sel] / scale, report.retrieved_fraction[sel], "-o", ms=3,
                   color=f"C{k}", alpha=0.4 + 0.6 * (j + 1) / 6, label=f"{m} N={n}")
    a.axhline(0.5, color="0.6", lw=0.8)
    a.set_xscale("log")
    a.set_xlabel("P / P_theory(N)")
    a.set_ylabel("fraction retrieved error-free")
    a.legend(fontsize=6, ncol=2)
    plot_p_max(report, ax=b)
    fig.tight_layout()
    return fig


def landscape_figure(landscape):
    """Fixed points by kind and basin fractions by kind, per model."""
    import matplotlib.pyplot as plt

    from esorma.dense.study import LANDSCAPE_KINDS

    fig, (a, b) = plt.subplots(1, 2, figsize=(11.0, 4.0))
    x = np.arange(len(landscape.models))
    bottom = np.zeros(len(x))
    bottom2 = np.zeros(len(x))
    for i, kind in enumerate(LANDSCAPE_KINDS):
        a.bar(x, landscape.kind_counts[:, i], bottom=bottom, label=kind, color=f"C{i}")
        b.bar(x, landscape.basin_fractions[:, i], bottom=bottom2, label=kind, color=f"C{i}")
        bottom += landscape.kind_counts[:, i]
        bottom2 += landscape.basin_fractions[:, i]
    for ax, lab in ((a, "fixed points"), (b, "fraction of random starts")):
        ax.set_xticks(x, landscape.models)
        ax.set_ylabel(lab)
    a.set_yscale("symlog")
    a.legend(fontsize=8)
    p, n = landscape.patterns.shape
    fig.suptitle(f"exact fixed points and basins, N = {n}, P = {p}")
    fig.tight_layout()
    return fig


def continuous_figure(study):
    """β transition (fractions of kinds and n_eff) and the separation check."""
    import matplotlib.pyplot as plt

    t, s = study.transition, study.separation
    fig, (a, b) = plt.subplots(1, 2, figsize=(11.0, 4.0))
    for i, k in enumerate(("single", "metastable", "global")):
        a.plot(t.betas, t.fractions[:, i], "-o", ms=3, label=k)
    a.set_xscale("log")
    a.set_xlabel("beta")
    a.set_ylabel("fraction of fixed points")
    a2 = a.twinx()
    a2.plot(t.betas, t.mean_n_eff, "k:", label="n_eff")
    a2.set_ylabel("mean n_eff (dotted)")
    a.legend(fontsize=8)
    b.plot(s.n_patterns, s.satisfied, "-o", label="separation condition met")
    b.plot(s.n_patterns, s.retrieved, "-s", label="retrieved (fixed point in sphere)")
    b.set_xscale("log")
    b.set_xlabel("P")
    b.set_ylabel("fraction of patterns")
    b.set_title(f"beta = {s.beta:g}, d = {s.dim}")
    b.legend(fontsize=8)
    fig.tight_layout()
    return fig


def exp_rate_figure(report, model: str = "exp"):
    """The exponential model's capacity rate: retrieved fraction against P (one curve per N),
    and ln P_max against N with its fit, the finite-N nearest-pattern prediction and the two
    asymptotic rates (typical pattern I(1 − 2ρ), all patterns I(1 − 2ρ)/2) drawn through the
    first measured point."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11.0, 4.5))
    sel_p = report.point_model == model
    ns = sorted(set(report.point_n[sel_p].tolist()))
    for j, n in enumerate(ns):
        sel = sel_p & (report.point_n == n)
        a.errorbar(report.point_p[sel], report.retrieved_fraction[sel],
                   yerr=[report.retrieved_fraction[sel] - report.retrieved_low[sel],
                         report.retrieved_high[sel] - report.retrieved_fraction[sel]],
                   fmt="-o", ms=3, capsize=2, color=plt.cm.viridis(j / max(1, len(ns) - 1)),
                   label=f"N = {n}")
    a.axhline(0.5, color="0.6", lw=0.8)
    a.set_xscale("log")
    a.set_xlabel("P (stored patterns)")
    a.set_ylabel("fraction retrieved error-free")
    a.set_title(f"F = e^x, starts with {report.config.corruption:g} N flipped spins")
    a.legend(fontsize=7, ncol=2)
    sel = report.size_model == model
    i = list(report.fit_model).index(model)
    n = report.size_n[sel].astype(float)
    lp = np.log(report.p_max[sel])
    b.errorbar(n, lp, yerr=report.p_max_sigma_log[sel], fmt="o", color="C0", capsize=3,
               label=f"measured: rate {report.fit_exponent[i]:.3f} ± "
                     f"{report.fit_exponent_err[i]:.3f}")
    ok = np.isfinite(lp)
    if ok.sum() >= 2:
        c = np.polyfit(n[ok], lp[ok], 1)
        b.plot(n, np.polyval(c, n), "-", color="C0", lw=1)
    if len(report.p_nearest) == len(report.size_model):
        b.plot(n, np.log(report.p_nearest[sel]), ":", color="C1",
               label=f"finite-N nearest pattern: rate {report.fit_finite[i]:.3f}")
        if ok.any():
            k = int(np.flatnonzero(ok)[0])
            for rate, style, lab in (
                    (report.fit_typical[i], "--", "typical pattern I(1-2rho)"),
                    (report.fit_theory[i], "-.", "all patterns I(1-2rho)/2 (Demircigil)")):
                b.plot(n, lp[k] + rate * (n - n[k]), style, color="0.4", lw=1,
                       label=f"{lab}: {rate:.3f}")
    b.set_xlabel("N")
    b.set_ylabel("ln P_max")
    b.legend(fontsize=7)
    fig.tight_layout()
    return fig

"""Figure of the mixture census: exact fixed points of Hebb networks by kind against N.

:func:`mixture_census_figure` draws a :class:`esorma.attractors.MixtureCensus`: one panel per P,
the mean count of each kind (error bars: standard error over the pattern draws) against N,
with the α → 0 theory's count of each kind as a dashed line of the same colour.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, styled

__all__ = ["mixture_census_figure"]


@styled
def mixture_census_figure(census, *, title=None):
    """The figure of a :class:`esorma.attractors.MixtureCensus` (one panel per P).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    ps, ns = census.n_patterns, census.n_neurons
    fig, axes = plt.subplots(1, ps.size, figsize=(4.2 * ps.size + 0.6, 4.2), squeeze=False)
    mean, err = census.mean, census.stderr
    for a, (p, ax) in enumerate(zip(ps, axes[0])):
        for k, kind in enumerate(census.kinds):
            theory = census.theory[a, k]
            if np.isnan(theory) and kind != "other":
                continue
            color = f"C{k}"
            y = mean[a, :, k]
            shown = y > 0
            ax.errorbar(ns[shown], y[shown], yerr=err[a, shown, k], fmt="o-", color=color,
                        ms=4, capsize=2, label=str(kind))
            if not np.isnan(theory):
                ax.axhline(theory, color=color, ls="--", lw=1)
        tot = census.totals[a]
        ax.plot(ns, tot.mean(axis=1), "k:", lw=1, label="all fixed points")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_title(f"P = {int(p)}")
        ax.set_ylabel("exact fixed points per network" if a == 0 else "fixed points")
        ax.legend(fontsize=NOTE_SIZE)
    diag = "self-coupling kept" if census.self_coupling else "zero diagonal"
    seed = "" if census.seed is None else f", seed {census.seed}"
    fig.suptitle(title or (f"Exact fixed points of Hebb networks by kind ({diag}; "
                           f"{census.n_draws} pattern draws per point{seed})"), fontsize=10)
    fig.text(0.01, 0.005, "dashed: α → 0, T = 0 theory (Amit, Gutfreund & Sompolinsky 1985): "
             "2P patterns, C(P,n)·2^n symmetric n-mixtures for odd n; 'other' = every other "
             "1-spin-flip-stable state (asymmetric mixtures)", fontsize=NOTE_SIZE, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig

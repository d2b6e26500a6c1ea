"""Figures of finite-temperature studies: retrieval overlap m(T) against mean-field theory,
exact energy and specific heat against T, the overlap distribution P(q).

Every function imports matplotlib lazily, takes ``ax=None`` (a new figure is made) and returns
the axes; :func:`boltzmann_figure` draws the four-panel figure of a
:class:`esorma.thermo.BoltzmannStudyResult`.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, styled

__all__ = [
    "plot_magnetisation",
    "plot_energy",
    "plot_specific_heat",
    "plot_overlap_distribution",
    "boltzmann_figure",
]


def plot_magnetisation(temperatures, m, error=None, ax=None, *, theory: bool = True,
                       load: float | None = None,
                       label: str = "Glauber simulation", title: str | None = None):
    """Retrieval overlap m(T) with error bars, the mean-field ``m = tanh(m/T)`` (α → 0) and,
    when ``load`` (α = P/N > 0) is given, the replica-symmetric AGS retrieval overlap m(α, T),
    which ends at the retrieval spinodal T_M(α) ≈ 1 − 1.95 √α below T = 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> plot_magnetisation([0.5, 1.5], [0.95, 0.02]).get_xlabel()
    'temperature T'
    """
    from esorma.thermo.mean_field import mean_field_overlap

    ax = _axes(ax)
    t = np.asarray(temperatures, dtype=float)
    ax.errorbar(t, m, yerr=error, fmt="o", ms=4, capsize=2, label=label)
    if theory:
        grid = np.linspace(0.0, max(1.6, float(t.max()) * 1.05), 400)
        ax.plot(grid, mean_field_overlap(grid), "k--", lw=1.2, label="mean field m = tanh(m/T)")
        ax.axvline(1.0, color="grey", ls=":", lw=1, label="T_c = 1")
        if load is not None and load > 0:
            import warnings

            from esorma.replica import retrieval_overlap

            tg = np.linspace(0.0, 1.0, 101)
            with warnings.catch_warnings():  # NaN past the spinodal is the answer, not a failure
                warnings.simplefilter("ignore")
                m_ags = np.array([float(retrieval_overlap([load], x)[0]) for x in tg])
            ax.plot(tg, m_ags, color="tab:red", lw=1.2,
                    label=f"replica symmetric (AGS), α = {load:.3g}")
            ok = np.flatnonzero(np.isfinite(m_ags))
            if ok.size and ok[-1] < tg.size - 1:  # the RS retrieval branch ends: say why
                t_end, m_end = tg[ok[-1]], m_ags[ok[-1]]
                ax.plot([t_end], [m_end], "o", mfc="white", mec="tab:red", ms=5)
                ax.annotate(f"retrieval solution ends\nat T_M(α) ≈ {t_end:.2f}\n"
                            "(spinodal: above it the RS\nequations have m = 0 only)",
                            (t_end, m_end), xytext=(1.04, 0.72), textcoords="data",
                            fontsize=NOTE_SIZE, color="tab:red", va="center",
                            arrowprops=dict(arrowstyle="-", color="tab:red", lw=0.6))
    ax.set_xlabel("temperature T")
    ax.set_ylabel("overlap with the stored pattern m")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title or "Retrieval overlap vs temperature")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_energy(thermo, ax=None, *, title: str | None = None):
    """Exact mean energy and free energy per spin against T (an :class:`ExactThermo`)."""
    ax = _axes(ax)
    n = thermo.n_neurons
    t = thermo.temperatures
    ax.plot(t, thermo.energy / n, "-", label="⟨E⟩ / N")
    ax.plot(t, thermo.free_energy / n, "--", label="F / N")
    ax.axhline(thermo.ground_energy / n, color="grey", ls=":", lw=1, label="ground state E₀ / N")
    ax.set_xlabel("temperature T")
    ax.set_ylabel("energy per spin E/N")
    ax.set_title(title or f"Exact energy (N = {n}, 2^{n} states)")
    ax.legend(fontsize="small")
    return ax


def plot_specific_heat(thermo, ax=None, *, title: str | None = None):
    """Exact specific heat per spin ``C/N = Var(E) / (N T²)`` against T."""
    ax = _axes(ax)
    n = thermo.n_neurons
    ax.plot(thermo.temperatures, thermo.specific_heat / n, "-", color="C3")
    ax.set_xlabel("temperature T")
    ax.set_ylabel("specific heat per spin C / N")
    ax.set_title(title or f"Exact specific heat (N = {n})")
    return ax


def plot_overlap_distribution(thermo, ax=None, *, temperature_indices=None,
                              title: str | None = None):
    """Exact overlap distribution P(q) of two replicas at some of the temperatures."""
    if thermo.overlap_distribution is None:
        raise ValueError(
            "thermo has no overlap distribution (use exact(..., overlap_distribution=True))"
        )
    ax = _axes(ax)
    k = thermo.temperatures.size
    idx = (np.unique(np.linspace(0, k - 1, min(k, 4)).round().astype(int))
           if temperature_indices is None else np.asarray(temperature_indices))
    top = 0.0
    for i in idx:
        ax.plot(thermo.q_values, thermo.overlap_distribution[i], "o-", ms=3,
                label=f"T = {thermo.temperatures[i]:.2g}")
        top = max(top, float(np.max(thermo.overlap_distribution[i])))
    ax.set_xlabel("replica overlap q")
    ax.set_ylabel("probability P(q)")
    ax.set_title(title or f"Exact overlap distribution (N = {thermo.n_neurons})")
    ax.set_ylim(0, 1.3 * top if top > 0 else 1)  # room for the legend above the peaks
    ax.legend(fontsize="small", loc="upper center", ncol=len(idx))
    return ax


@styled
def boltzmann_figure(result, *, suptitle: str | None = None):
    """The figure of :func:`esorma.thermo.boltzmann_study`: four panels, m(T) against mean-field
    and replica theory, exact E(T), exact C(T) and exact P(q).

    Parameters
    ----------
    result : BoltzmannStudyResult
    suptitle : str, optional
        Default: the set-up of the study (sizes, update rule, seed).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.thermo import boltzmann_study
    >>> res = boltzmann_study(n_neurons=100, temperatures=[0.5], n_sweeps=10, burn_in=0,
    ...                       exact_neurons=6, exact_temperatures=[1.0], pq_temperatures=[1.0],
    ...                       pt_sweeps=10, rng=0)
    >>> len(boltzmann_figure(res).axes)
    4
    """
    import matplotlib.pyplot as plt

    r = result
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    plot_magnetisation(r.temperatures, r.overlap, r.overlap_error, axes[0, 0], load=r.load,
                       label=f"{r.update.capitalize()} simulation")
    plot_energy(r.exact, axes[0, 1])
    plot_specific_heat(r.exact, axes[1, 0])
    plot_overlap_distribution(r.exact_pq, axes[1, 1])
    if suptitle is None:
        suptitle = (f"Hebb N = {r.n_neurons}, P = {r.n_patterns} ({r.update}, {r.n_chains} "
                    f"chains × {r.n_sweeps} sweeps); exact SK N = {r.exact_neurons}; "
                    f"seed {r.seed}")
    fig.suptitle(suptitle)
    fig.tight_layout()
    return fig

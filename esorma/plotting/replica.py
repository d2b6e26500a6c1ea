"""Figures of the replica theory: the AGS phase diagram, m(α), SK and reference curves.

The ``plot_*`` functions import matplotlib lazily, take ``ax=None`` (a new figure is made) and
return the axes. The ``draw_*`` functions take a result and return a whole figure (for
``esorma phase-diagram --figure``, the tour and ``experiments/phase_diagram.py``); save it with
:func:`esorma.plotting.save_figure`.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = [
    "draw_phase_diagram",
    "draw_replica_study",
    "draw_sk_rsb",
    "plot_hopfield_1rsb",
    "draw_hopfield_1rsb",
    "plot_retrieval_line_1rsb",
    "plot_1rsb_grid",
    "plot_phase_diagram",
    "plot_retrieval_overlap",
    "plot_sk",
    "plot_gardner",
]


def plot_phase_diagram(pd, ax=None, *, inset: bool = True):
    """Draw the AGS (α, T) phase diagram from a :class:`~esorma.replica.PhaseDiagram`.

    Shows ``T_g`` (paramagnet / spin glass), ``T_M`` (retrieval states exist below),
    ``T_c`` (retrieval states are the global minimum below), the capacity point
    ``α_c = 0.138`` and, in an inset, the low-T re-entrance of ``T_M``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.replica import phase_diagram
    >>> ax = plot_phase_diagram(phase_diagram(n_points=15))
    >>> ax.get_xlabel()
    'load α = P/N'
    """
    ax = _axes(ax)
    ax.plot(pd.alphas, pd.T_g, color="tab:gray", lw=2,
            label=r"$T_g = 1+\sqrt{\alpha}$ (spin glass)")
    ax.plot(pd.alpha_M, pd.temperatures, color="tab:blue", lw=2,
            label=r"$T_M$: retrieval states exist")
    ax.plot(pd.alpha_c, pd.temperatures, color="tab:red", lw=2,
            label=r"$T_c$: retrieval is the global minimum")
    cap = pd.capacity
    ax.plot([cap.alpha_c], [0.0], "o", color="tab:blue", ms=7, clip_on=False,
            label=rf"$\alpha_c = {cap.alpha_c:.6f}$ (m = {cap.m:.4f})")
    ax.plot([pd.alpha_first_order], [0.0], "s", color="tab:red", ms=6, clip_on=False,
            label=rf"$\alpha = {pd.alpha_first_order:.5f}$ (first order, T=0)")
    ax.text(0.006, 0.1, "retrieval\n(global min.)", fontsize=8, color="tab:red")
    ax.text(0.085, 0.12, "retrieval\n(metastable)", fontsize=8, color="tab:blue")
    ax.text(0.035, 0.85, "spin glass", fontsize=9)
    ax.text(0.02, 1.25, "paramagnet", fontsize=9)
    xmax = max(float(np.nanmax(pd.alphas)), 0.16)
    ax.set_xlim(0.0, xmax)
    ax.set_ylim(0.0, max(1.8, float(np.nanmax(pd.T_g)) + 0.4))
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("temperature T")
    ax.set_title("AGS replica-symmetric phase diagram of the Hopfield model")
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    if inset:
        ins = ax.inset_axes([0.56, 0.33, 0.4, 0.3])
        ins.plot(pd.alpha_M, pd.temperatures, color="tab:blue", lw=1.5)
        ins.axvline(cap.alpha_c, color="tab:blue", ls=":", lw=1)
        ins.plot([pd.alpha_M_max], [pd.T_at_alpha_M_max], "x", color="k")
        ins.set_xlim(cap.alpha_c - 8e-4, pd.alpha_M_max + 2e-4)
        ins.set_ylim(0.0, 0.08)
        ins.tick_params(labelsize=6)
        ins.set_title("re-entrance of $T_M$", fontsize=7)
        ins.xaxis.get_offset_text().set_fontsize(6)
    return ax


def plot_retrieval_overlap(alphas=None, temperatures=(0.0,), ax=None):
    """Theoretical ``m(α)`` on the retrieval branch (NaN beyond ``α_M(T)``) for some ``T``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_retrieval_overlap(np.linspace(0.01, 0.15, 8))
    >>> ax.get_ylabel()
    'overlap m'
    """
    from esorma.replica import retrieval_branch, retrieval_overlap

    ax = _axes(ax)
    if alphas is None:
        alphas = np.linspace(0.0, 0.15, 151)
    alphas = np.asarray(alphas, dtype=float)
    for T in temperatures:
        a_m = retrieval_branch(T)[1]
        grid = np.sort(np.append(alphas, a_m)) if 0 < a_m <= alphas.max() else alphas
        m = retrieval_overlap(grid, T=T)
        ax.plot(grid, m, lw=2, label=f"T = {T:g}")
        if a_m > 0 and a_m <= np.max(alphas):
            ax.axvline(a_m, ls=":", lw=1, color=ax.lines[-1].get_color())
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("overlap m")
    ax.set_title("AGS retrieval overlap m(α) (RS theory)")
    ax.legend(fontsize=8)
    return ax


def plot_sk(temperatures=None, h: float = 0.0, ax=None):
    """SK replica-symmetric ``q``, energy and entropy against ``T`` (RS-unstable part shaded).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_sk(np.linspace(0.0, 1.5, 16))
    >>> ax.get_xlabel()
    'temperature T / J'
    """
    from esorma.replica import sk_solve

    ax = _axes(ax)
    if temperatures is None:
        temperatures = np.linspace(0.0, 1.5, 151)
    sols = [sk_solve(float(t), h=h) for t in temperatures]
    ax.plot(temperatures, [s.q for s in sols], label="q")
    ax.plot(temperatures, [s.energy for s in sols], label="energy u")
    ax.plot(temperatures, [s.entropy for s in sols], label="entropy s")
    unstable = np.array([not s.rs_stable for s in sols])
    if unstable.any():
        ax.fill_between(temperatures, -1, 1, where=unstable, color="0.9",
                        label="RS unstable (AT)")
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel("temperature T / J")
    ax.set_ylabel("RS value")
    ax.set_ylim(-1.0, 1.0)
    ax.set_title(f"Sherrington-Kirkpatrick, replica symmetric (h = {h:g})")
    ax.legend(fontsize=8)
    return ax


def plot_gardner(ax=None, kappas=None):
    """Gardner's ``κ_G(α)`` with the pseudo-inverse rule's ``κ_PI(α)`` for comparison.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> plot_gardner().get_ylabel()
    'stability κ'
    """
    from esorma.replica import gardner_capacity, pseudo_inverse_stability

    ax = _axes(ax)
    if kappas is None:
        kappas = np.linspace(-0.5, 3.0, 200)
    ax.plot(gardner_capacity(kappas), kappas, lw=2, label="Gardner bound $\\alpha_c(\\kappa)$")
    a = np.linspace(0.02, 0.999, 200)
    ax.plot(a, pseudo_inverse_stability(a), lw=2, label="pseudo-inverse rule")
    ax.plot([2.0], [0.0], "o", color="k")
    ax.set_xlim(0, 3)
    ax.set_ylim(-0.5, 3)
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("stability κ")
    ax.set_title("Perceptron capacity references")
    ax.legend(fontsize=8)
    return ax


def draw_phase_diagram(pd):
    """The figure of a :class:`~esorma.replica.PhaseDiagram` (one panel, with the inset).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.replica import phase_diagram
    >>> fig = draw_phase_diagram(phase_diagram(n_points=8))
    >>> fig.axes[0].get_ylabel()
    'temperature T'
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 5.5))
    plot_phase_diagram(pd, ax=ax)
    return fig


def _plot_sk_curves(study, ax):
    T = study.sk_temperatures
    ax.plot(T, study.sk_q, label="q")
    ax.plot(T, study.sk_energy, label="energy u")
    ax.plot(T, study.sk_entropy, label="entropy s")
    at = study.at_line
    ax.plot(np.atleast_1d(at.value), np.atleast_1d(at.argument), "k--", label="AT line h_AT(T)")
    ax.axhline(0, color="k", lw=0.5)
    ax.plot([0], [-np.sqrt(2 / np.pi)], "o", color="tab:orange")
    ax.plot([0], [-1 / (2 * np.pi)], "o", color="tab:green")
    ax.set_xlabel("temperature T / J")
    ax.set_ylabel("RS value (h = 0) / field h")
    ax.set_title("Sherrington-Kirkpatrick (RS): s(0) = -1/(2π) < 0")
    ax.legend(fontsize=8)
    return ax


def draw_replica_study(study):
    """The four panels of a :class:`~esorma.replica.ReplicaStudy`.

    The AGS phase diagram, ``m(α)`` at several temperatures, the SK RS solution with the AT
    line, and Gardner's bound with the pseudo-inverse rule.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.replica import replica_study
    >>> fig = draw_replica_study(replica_study(n_points=5, n_overlap=5, n_sk=3, n_at=3))
    >>> len(fig.axes)
    4
    """
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(2, 2, figsize=(12, 9.5))
    plot_phase_diagram(study.phase_diagram, ax=axs[0, 0])
    ax = axs[0, 1]
    for T, m in zip(study.overlap_temperatures, study.overlap):
        ax.plot(study.overlap_alphas, m, lw=2, label=f"T = {T:g}")
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("overlap m")
    ax.set_title("retrieval overlap m(α) (AGS, RS); curves end at α_M(T)")
    ax.legend(fontsize=8)
    _plot_sk_curves(study, axs[1, 0])
    plot_gardner(ax=axs[1, 1], kappas=study.kappas)
    fig.suptitle("Replica-symmetric theory: AGS Hopfield model, SK model, perceptron bounds")
    fig.tight_layout()
    return fig


def draw_sk_rsb(study):
    """Two panels for an :class:`esorma.replica.SKRSBStudy`: ground-state energies, and ``βx(q)``.

    Left: exact finite-``N`` averages against ``N^(-2/3)`` with the extrapolation line, beside
    the RS, ``k``-RSB and Parisi energies (horizontal lines). Right: Parisi's ``γ(q) = βx(q)`` at
    ``T = 0`` (a step function on the solver's ``q`` grid).
    """
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    xs = study.sizes.astype(float) ** (-2.0 / 3.0)
    ax.errorbar(xs, study.mean_energy, yerr=study.stderr, fmt="o", color="k", ms=4,
                label=f"exact ground states ({study.n_instances} instances per N)")
    grid = np.linspace(0.0, xs.max() * 1.05, 50)
    ax.plot(grid, study.extrapolated + study.slope * grid, "k--", lw=1,
            label=f"fit e∞ + a N^(-2/3): e∞ = {study.extrapolated:.4f} "
                  f"± {study.extrapolated_error:.4f}")
    ax.axhline(study.rs_energy, color="C3", lw=1, label=f"RS  {study.rs_energy:.4f}")
    for k, e in zip(study.ks, study.krsb_energies):
        ax.axhline(e, color=f"C{int(k) % 8}", lw=0.8, ls=":", label=f"{int(k)}RSB  {e:.5f}")
    ax.axhline(study.parisi_energy, color="C0", lw=1.5,
               label=f"Parisi (full RSB)  {study.parisi_energy:.6f}")
    ax.set_xlabel("N^(-2/3)")
    ax.set_ylabel("ground-state energy per spin")
    ax.set_title("SK model at T = 0")
    ax.legend(fontsize=7)
    par = study.parisi
    bx.stairs(par.gamma, par.q_nodes, baseline=None, color="C0",
              label="Parisi γ(q) = βx(q), T = 0")
    bx.set_xlabel("q")
    bx.set_ylabel("βx(q)")
    bx.set_yscale("log")
    bx.set_title(f"order function ({par.n_levels} levels)")
    bx.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_hopfield_1rsb(line, capacity, ax=None):
    """RS and 1RSB retrieval overlap ``m(α)`` at ``T = 0`` near the capacity, on one axes.

    ``line`` is :func:`esorma.replica.hopfield_1rsb_overlap`'s result, ``capacity`` a
    :class:`esorma.replica.Hopfield1RSBCapacity`; the RS curve is computed here.
    """
    from esorma.replica import retrieval_overlap

    ax = _axes(ax)
    a = np.asarray(line.argument)
    rs_a = np.linspace(a.min(), capacity.rs_alpha_c, 60)
    ax.plot(rs_a, retrieval_overlap(rs_a, 0.0), color="C3", label="RS (AGS)")
    ax.plot(a, line.value, "o-", color="C0", ms=3, label="1RSB")
    ax.axvline(capacity.rs_alpha_c, color="C3", ls=":", lw=1,
               label=f"α_c RS = {capacity.rs_alpha_c:.6f}")
    ax.axvline(capacity.alpha_c, color="C0", ls=":", lw=1,
               label=f"α_c 1RSB = {capacity.alpha_c:.6f}")
    ax.plot([capacity.alpha_c], [capacity.m], "s", color="C0")
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("retrieval overlap m (T = 0)")
    ax.set_title("Hopfield retrieval: RS vs one step of RSB")
    ax.legend(fontsize=8)
    return ax


def plot_retrieval_line_1rsb(study, ax=None, *, inset: bool = True):
    """The retrieval line ``T_M(α)`` over its whole range, RS and 1RSB, on one axes.

    ``study`` is a :class:`esorma.replica.Hopfield1RSBStudy`. The two lines coincide above the
    merge temperature (shaded, labelled); the inset zooms on ``α_c`` where they differ.
    """
    ax = _axes(ax)
    Ts = np.asarray(study.temperatures)
    one = np.asarray(study.is_1rsb, dtype=bool)
    ax.plot(study.alpha_M_rs, Ts, "-", color="C3", label="RS  T_M(α)")
    ax.plot(study.alpha_M_1rsb, Ts, "--", color="C0", lw=1.2,
            label="1RSB  T_M(α) (= RS where merged)")
    ax.plot(study.alpha_M_1rsb[one], Ts[one], "o", color="C0", ms=3, label="1RSB ≠ RS")
    tm = study.merge_temperature
    if np.isfinite(tm):
        ax.axhspan(tm, 1.0, color="0.9", zorder=0)
        ax.text(0.02, 0.62, f"T > {tm:.3f}: 1RSB = RS\n(q₁ = q₀ at the fold)",
                transform=ax.transAxes, fontsize=8)
    ax.set_xlim(0.0, 0.145)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("temperature T")
    ax.set_title("retrieval line T_M(α): RS and one step of RSB")
    ax.legend(fontsize=7, loc="lower left")
    if inset:
        sub = ax.inset_axes([0.56, 0.58, 0.4, 0.36])
        sel = Ts <= max(0.04, 1.6 * (tm if np.isfinite(tm) else 0.025))
        sub.plot(study.alpha_M_rs[sel], Ts[sel], "-", color="C3")
        sub.plot(study.alpha_M_1rsb[sel], Ts[sel], "o--", color="C0", ms=2.5, lw=1)
        if np.isfinite(tm):
            sub.axhline(tm, color="0.5", lw=0.8, ls=":")
        sub.tick_params(labelsize=6)
        sub.set_title("near α_c", fontsize=7)
    return ax


def plot_1rsb_grid(grid, ax=None):
    """``q_1 - q_0`` of the 1RSB retrieval state on its ``(α, T)`` grid (filled: 1RSB, open: RS,
    cross: no retrieval) with the folds ``α_M(T)`` and the merge loads ``α_AT(T)``."""
    ax = _axes(ax)
    A, T = np.meshgrid(grid.alphas, grid.temperatures)
    gap = np.where(grid.is_1rsb, grid.q1 - grid.q0, np.nan)
    sc = ax.scatter(A[grid.is_1rsb], T[grid.is_1rsb], c=gap[grid.is_1rsb], cmap="viridis",
                    s=30, label="1RSB (colour: q₁ - q₀)")
    rs = grid.retrieval & ~grid.is_1rsb
    ax.scatter(A[rs], T[rs], facecolors="none", edgecolors="C3", s=30, label="RS (merged)")
    none = ~grid.retrieval
    ax.scatter(A[none], T[none], marker="x", color="0.5", s=20, label="no retrieval")
    ax.plot(grid.alpha_M, grid.temperatures, "-", color="C0", lw=1, label="α_M(T)")
    ok = np.isfinite(grid.alpha_AT)
    ax.plot(grid.alpha_AT[ok], grid.temperatures[ok], ":", color="k", lw=1,
            label="1RSB merges with RS (α_AT)")
    ax.figure.colorbar(sc, ax=ax, fraction=0.046)
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("temperature T")
    ax.set_title("1RSB retrieval saddle point on an (α, T) grid")
    ax.legend(fontsize=7, loc="upper left")
    return ax


def draw_hopfield_1rsb(study):
    """Three panels for an :class:`esorma.replica.Hopfield1RSBStudy`: ``m(α)`` at ``T = 0``
    (:func:`plot_hopfield_1rsb`), the retrieval line over its whole range
    (:func:`plot_retrieval_line_1rsb`) and the ``(α, T)`` grid (:func:`plot_1rsb_grid`)."""
    import matplotlib.pyplot as plt

    fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(16, 4.6))
    plot_hopfield_1rsb(study.overlap, study.capacity, ax=ax)
    plot_retrieval_line_1rsb(study, ax=bx)
    plot_1rsb_grid(study.grid, ax=cx)
    fig.tight_layout()
    return fig

"""Figures of rate-network stability: the chaos transition, Jacobian spectra, convergence.

The ``plot_*`` functions import matplotlib lazily, take ``ax=None`` (a new figure is made) and
return the axes; :func:`chaos_figure` and :func:`chaos_size_figure` draw the whole figure of a
study result (:class:`esorma.stability.ChaosStudy`, :class:`esorma.stability.ChaosSizeStudy`)
and return it.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, styled
from esorma.stability.chaos import origin_critical_gain

__all__ = [
    "chaos_figure",
    "chaos_size_figure",
    "plot_lyapunov_vs_gain",
    "plot_jacobian_spectrum",
    "plot_lyapunov_convergence",
    "plot_rate_trajectory",
]


#: Marker of each state of :func:`esorma.stability.classify_exponents`.
_STATE_MARKERS = {"chaotic": ("^", "C3"), "marginal": ("D", "0.6"), "stable": ("v", "C2")}


def plot_lyapunov_vs_gain(gains, exponents, stderr=None, *, label=None, theory=True, tau=0.0,
                          states=None, ax=None, title=None, **kwargs):
    """Maximal Lyapunov exponent against the gain ``g`` (the SCS transition curve).

    Parameters
    ----------
    gains, exponents : array_like (G,)
    stderr : array_like (G,), optional
        Error bars.
    label : str, optional
        Legend entry (e.g. ``"N = 500"``).
    theory : bool, default True
        Draw the zero line, the critical gain ``g_c = 1 / (1 + tau)`` (vertical line), the
        stable-origin prediction ``g (1 + tau) - 1`` for ``g < g_c`` and, for ``tau = 0``, the
        dynamic mean-field ``lambda_max`` for ``g > g_c``
        (:func:`esorma.stability.dmft_lyapunov`; N -> infinity). For ``tau != 0`` the legend
        says that no DMFT curve is drawn (the SCS theory needs ``tau = 0``).
    tau : float, default 0
        Correlation of the elliptic ensemble the couplings came from (0: Ginibre, where
        ``g_c = 1`` and the prediction is ``g - 1``).
    states : sequence of str, optional
        ``"chaotic"``, ``"stable"`` or ``"marginal"`` per gain
        (:func:`esorma.stability.classify_exponents`), marked on the points.
    """
    ax = _axes(ax)
    g = np.asarray(gains, dtype=float)
    lam = np.asarray(exponents, dtype=float)
    # measured points are not joined: a line between two gains would draw a zero crossing
    # that was never measured (the N = inf crossing is at g_c, drawn as theory)
    kwargs.setdefault("ls", "none")
    ax.errorbar(g, lam, yerr=None if stderr is None else np.asarray(stderr, dtype=float),
                marker="o", ms=4, capsize=3, label=label, **kwargs)
    if states is not None:
        states = np.asarray(states).astype(str)
        if states.shape != g.shape:
            raise ValueError(f"states must have one entry per gain ({g.size}); got "
                             f"{states.shape}")
        drawn = getattr(ax, "_esorma_states_drawn", set())
        for state, (marker, color) in _STATE_MARKERS.items():
            sel = states == state
            if sel.any():
                lab = None if state in drawn else {
                    "chaotic": "chaotic: λ_max > 3σ", "marginal": "marginal: |λ_max| ≤ 3σ",
                    "stable": "stable: λ_max < −3σ"}[state]
                ax.scatter(g[sel], lam[sel], marker=marker, s=60, facecolors="none",
                           edgecolors=color, linewidths=1.5, zorder=3, label=lab)
                drawn.add(state)
        ax._esorma_states_drawn = drawn
    if theory and not getattr(ax, "_esorma_theory_drawn", False):
        gc = origin_critical_gain(tau)
        lo = min(float(g.min()), gc)
        gg = np.linspace(lo, gc, 50)
        lab = ("g − 1 (stable origin, N→∞)" if tau == 0.0
               else f"g(1+τ) − 1, τ={tau:g} (stable origin, N→∞)")
        ax.plot(gg, gg * (1.0 + tau) - 1.0, "k--", lw=1, label=lab)
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.axvline(gc, color="0.5", lw=0.8, ls=":",
                   label=f"g_c = 1/(1+τ) = {gc:.3g} (τ: corr(J_ij, J_ji))")
        hi = max(float(g.max()), gc) * 1.02
        ax.axvspan(gc, hi, color="C3", alpha=0.06, lw=0,
                   label="chaotic for N→∞: λ_max > 0 (SCS 1988)")
        if float(g.max()) > gc:
            _plot_dmft(ax, gc, hi, tau)
        ax._esorma_theory_drawn = True
    ax.set_xlabel("gain g")
    ax.set_ylabel("maximal Lyapunov exponent λ_max (per unit time)")
    ax.set_title(title or "Transition to chaos (Sompolinsky–Crisanti–Sommers 1988)")
    ax.legend(fontsize=8)
    return ax


def _plot_dmft(ax, g_lo, g_hi, tau):
    """The dynamic mean-field ``lambda_max(g)`` for ``g > g_c`` (Ginibre only)."""
    if tau != 0.0:
        # reciprocal couplings add a memory term to the mean-field equations: the SCS
        # reduction (esorma.stability.dmft_lyapunov) does not apply
        # a legend entry only (one NaN point: nothing drawn, no zero-length data)
        ax.plot([np.nan], [np.nan], " ", label="no DMFT curve: the SCS theory holds for τ = 0 "
                                                 "only")
        return
    from esorma.stability.dmft import dmft_lyapunov

    g_hi = min(g_hi, 10.0)
    # denser near g_c, where lambda_max ~ (g - 1)^2 / 2 bends
    gg = g_lo + (g_hi - g_lo) * np.linspace(0.0, 1.0, 25) ** 1.5
    res = dmft_lyapunov(gg)
    ax.plot(res.gains, res.exponents, "-", color="C1", lw=1.5, label="DMFT (N → ∞)")


def plot_jacobian_spectrum(eigenvalues, *, gain=None, tau=0.0, center=-1.0, ax=None,
                           title=None, **kwargs):
    """Eigenvalues of a fixed point's Jacobian in the complex plane.

    With ``gain`` given, draws the support of the law of ``-1 + g J`` for ``J`` of variance
    1/N: the disc of radius ``g`` centred at ``center = -1`` (Ginibre, circular law) or, with
    ``tau != 0``, the ellipse with semi-axes ``g (1 + tau)`` and ``g (1 - tau)`` (elliptic
    ensemble). The imaginary axis (the stability boundary) is drawn dashed.
    """
    ax = _axes(ax, figsize=(5.0, 5.0))
    ev = np.asarray(eigenvalues, dtype=complex).ravel()
    kwargs.setdefault("s", 6)
    kwargs.setdefault("alpha", 0.7)
    ax.scatter(ev.real, ev.imag, label=f"eigenvalues ({ev.size})", **kwargs)
    if gain is not None:
        t = np.linspace(0, 2 * np.pi, 400)
        shift = f"z + {-center:g}" if center < 0 else f"z − {center:g}"
        if tau == 0.0:
            lab = f"circular law: |{shift}| ≤ {gain:g}"
        else:
            lab = f"elliptic law (τ={tau:g}) around {center:g}"
        ax.plot(center + gain * (1 + tau) * np.cos(t), gain * (1 - tau) * np.sin(t), "k-",
                lw=1, label=lab)
    ax.axvline(0.0, color="r", lw=0.8, ls="--", label="Re z = 0")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    n_unstable = int(np.sum(ev.real > 0))
    ax.set_title(title or f"Jacobian spectrum ({n_unstable} unstable directions)")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_lyapunov_convergence(result, *, ax=None, title=None):
    """Running estimate of each exponent against time, with the final ± stderr band.

    ``result`` is a :class:`esorma.stability.LyapunovSpectrum` or a
    :class:`esorma.stability.MapLyapunovResult`.
    """
    ax = _axes(ax)
    t = getattr(result, "history_t", None)
    xlabel = "time"
    if t is None:
        t = result.history_steps
        xlabel = "steps"
    for j in range(result.history.shape[1]):
        line, = ax.plot(t, result.history[:, j], lw=1.2, label=f"λ_{j + 1}")
        lam, se = result.exponents[j], result.stderr[j]
        if np.isfinite(se):
            ax.axhspan(lam - se, lam + se, color=line.get_color(), alpha=0.15)
    ax.set_xlabel(xlabel if xlabel == "steps" else "time t (units of the neuron time constant)")
    ax.set_ylabel("running estimate of λ (per unit time)")
    ax.set_title(title or "Convergence of the Lyapunov exponents")
    ax.legend(fontsize=8, ncol=2)
    return ax


def plot_rate_trajectory(trajectory, *, n_units: int = 8, ax=None, title=None):
    """A few units' activities ``x_i(t)`` of a :class:`esorma.stability.RateTrajectory`."""
    ax = _axes(ax)
    n = min(int(n_units), trajectory.x.shape[1])
    for i in range(n):
        ax.plot(trajectory.t, trajectory.x[:, i], lw=1)
    ax.set_xlabel("time t (units of the neuron time constant)")
    ax.set_ylabel("activity x_i(t)")
    ax.set_title(title or f"Rate network ({trajectory.phi}, g={trajectory.gain:g}), "
                          f"{n} of {trajectory.x.shape[1]} units")
    return ax


@styled
def chaos_figure(study, *, title=None):
    """The figure of a :class:`esorma.stability.ChaosStudy` (what ``esorma chaos --figure``
    draws): ``lambda_max`` against ``g`` with the theory for its ``tau`` and each gain's state,
    and the origin's Jacobian spectrum at the largest gain with its (elliptic) law.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    sweep, tau = study.sweep, float(study.tau)
    ens = f"{study.ensemble}" + (f" τ={tau:g}" if study.ensemble == "elliptic" else "")
    seed = "" if study.seed is None else f", seed {study.seed}"
    counts = study.counts
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11.0, 4.6))
    plot_lyapunov_vs_gain(
        sweep.gains, sweep.exponents, sweep.stderr, label=f"N = {sweep.n_neurons}", ax=a1,
        tau=tau, states=study.states,
        title=title or (f"λ_max vs g: N={sweep.n_neurons} {ens}, run time t = "
                        f"{sweep.t_max:g}{seed}\n"
                        f"{counts['chaotic']} chaotic, {counts['marginal']} marginal, "
                        f"{counts['stable']} stable"))
    stable = sweep.origin_abscissa < 0
    if stable.any():
        a1.plot(sweep.gains[stable], sweep.origin_abscissa[stable], "s", mfc="none",
                color="0.25", ms=7, label="max Re eig(−1 + gJ) where the origin is stable")
    a1.legend(fontsize=8)
    g = float(sweep.gains.max())
    plot_jacobian_spectrum(-1.0 + g * sweep.origin_eigenvalues, gain=g, tau=tau, ax=a2,
                           title=f"origin's Jacobian −1 + gJ at g = {g:g}"
                                 + (f", τ = {tau:g}" if tau else ""))
    fig.text(0.01, 0.005, "time in units of the neuron time constant (dx/dt = −x + gJ tanh x); "
             "λ_max per unit time; points are not joined (zero crossings between gains are "
             "not measured)", fontsize=NOTE_SIZE, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@styled
def chaos_size_figure(result, *, title=None):
    """The figure of a :class:`esorma.stability.ChaosSizeStudy`: the mean ``lambda_max``
    curve of each size (with its state per gain and its zero crossing), the origin's Jacobian
    spectrum of the largest size at the convergence gain (else the largest gain), and the
    running estimate at that gain (when recorded).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    tau = float(result.tau)
    conv = result.convergence
    fig, axes = plt.subplots(1, 3 if conv is not None else 2,
                             figsize=(16.0 if conv is not None else 11.0, 4.8))
    r = result.n_matrices
    ens = "Ginibre" if result.ensemble == "ginibre" else f"elliptic τ={tau:g}"
    t_max = result.studies[0].sweep.t_max
    seed = "" if result.seed is None else f", seed {result.seed}"
    for i, n in enumerate(result.sizes.tolist()):
        plot_lyapunov_vs_gain(
            result.gains, result.mean[i], result.error[i], ax=axes[0], tau=tau,
            states=result.states[i],
            label=f"N = {n} (crosses 0 at g ≈ {result.crossing[i]:.2f})",
            title=title or (f"λ_max vs g, {ens} J, {r} matri{'x' if r == 1 else 'ces'} per N, "
                            f"run time t = {t_max:g}{seed}"))
    nmax = int(result.sizes[-1])
    g = float(result.convergence_gain if result.convergence_gain is not None
              else result.gains.max())
    ev = result.study(len(result.sizes) - 1, 0).sweep.origin_eigenvalues
    plot_jacobian_spectrum(-1.0 + g * ev, gain=g, tau=tau, ax=axes[1],
                           title=f"origin's Jacobian −1 + {g:g} J (N = {nmax})")
    if conv is not None:
        plot_lyapunov_convergence(conv, ax=axes[2],
                                  title=f"running λ_max estimate, N = {nmax}, g = {g:g}")
    fig.text(0.01, 0.005, "time in units of the neuron time constant (dx/dt = −x + gJ tanh x); "
             "λ_max per unit time; points are not joined (zero crossings between gains are "
             "not measured; the N = ∞ crossing is g_c)", fontsize=NOTE_SIZE, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig

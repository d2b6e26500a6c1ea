"""Figures of rate-network stability: the chaos transition, Jacobian spectra, convergence.

Every function imports matplotlib lazily, takes ``ax=None`` (a new figure is made) and returns
the axes.
"""

from __future__ import annotations

import numpy as np

from esorma.plotting._common import _axes

__all__ = [
    "origin_critical_gain",
    "plot_lyapunov_vs_gain",
    "plot_jacobian_spectrum",
    "plot_lyapunov_convergence",
    "plot_rate_trajectory",
]


def origin_critical_gain(tau: float = 0.0) -> float:
    """Gain at which the origin of ``dx/dt = -x + J tanh(g x)`` loses stability (N -> inf).

    For ``J`` of variance ``1/N`` with correlation ``tau = E[J_ij J_ji] N`` (elliptic law;
    ``tau = 0`` is Ginibre) the eigenvalues of ``J`` fill the ellipse with semi-axes
    ``1 + tau`` (real) and ``1 - tau`` (imaginary), so ``max Re eig(-1 + g J) = g (1 + tau) - 1``
    vanishes at ``g = 1 / (1 + tau)``.

    Examples
    --------
    >>> from esorma.plotting.stability import origin_critical_gain
    >>> origin_critical_gain(0.0), origin_critical_gain(0.5)
    (1.0, 0.6666666666666666)
    """
    tau = float(tau)
    if not -1.0 < tau <= 1.0:
        raise ValueError(f"tau must be in (-1, 1]; got {tau}")
    return 1.0 / (1.0 + tau)


def plot_lyapunov_vs_gain(gains, exponents, stderr=None, *, label=None, theory=True, tau=0.0,
                          ax=None, title=None, **kwargs):
    """Maximal Lyapunov exponent against the gain ``g`` (the SCS transition curve).

    Parameters
    ----------
    gains, exponents : array_like (G,)
    stderr : array_like (G,), optional
        Error bars.
    label : str, optional
        Legend entry (e.g. ``"N = 500"``).
    theory : bool, default True
        Draw the zero line, the critical gain ``g_c = 1 / (1 + tau)`` (vertical line) and the
        stable-origin prediction ``g (1 + tau) - 1`` for ``g < g_c`` (N -> infinity).
    tau : float, default 0
        Correlation of the elliptic ensemble the couplings came from (0: Ginibre, where
        ``g_c = 1`` and the prediction is ``g - 1``).
    """
    ax = _axes(ax)
    g = np.asarray(gains, dtype=float)
    lam = np.asarray(exponents, dtype=float)
    ax.errorbar(g, lam, yerr=None if stderr is None else np.asarray(stderr, dtype=float),
                marker="o", ms=4, capsize=3, label=label, **kwargs)
    if theory and not getattr(ax, "_esorma_theory_drawn", False):
        gc = origin_critical_gain(tau)
        lo = min(float(g.min()), gc)
        gg = np.linspace(lo, gc, 50)
        lab = ("g − 1 (stable origin, N→∞)" if tau == 0.0
               else f"g(1+τ) − 1, τ={tau:g} (stable origin, N→∞)")
        ax.plot(gg, gg * (1.0 + tau) - 1.0, "k--", lw=1, label=lab)
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.axvline(gc, color="0.5", lw=0.8, ls=":", label=f"g_c = 1/(1+τ) = {gc:.3g}")
        ax._esorma_theory_drawn = True
    ax.set_xlabel("gain g")
    ax.set_ylabel("maximal Lyapunov exponent λ_max")
    ax.set_title(title or "Transition to chaos (Sompolinsky–Crisanti–Sommers 1988)")
    ax.legend(fontsize=8)
    return ax


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
    ax.set_xlabel(xlabel)
    ax.set_ylabel("running estimate")
    ax.set_title(title or "Convergence of the Lyapunov exponents")
    ax.legend(fontsize=8, ncol=2)
    return ax


def plot_rate_trajectory(trajectory, *, n_units: int = 8, ax=None, title=None):
    """A few units' activities ``x_i(t)`` of a :class:`esorma.stability.RateTrajectory`."""
    ax = _axes(ax)
    n = min(int(n_units), trajectory.x.shape[1])
    for i in range(n):
        ax.plot(trajectory.t, trajectory.x[:, i], lw=1)
    ax.set_xlabel("time")
    ax.set_ylabel("x_i(t)")
    ax.set_title(title or f"Rate network ({trajectory.phi}, g={trajectory.gain:g}), "
                          f"{n} of {trajectory.x.shape[1]} units")
    return ax

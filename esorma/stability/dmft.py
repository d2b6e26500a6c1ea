"""Dynamic mean-field theory (N -> infinity) of the chaotic random rate network.

The network of :mod:`esorma.stability.chaos`, ``dx/dt = -x + J tanh(g x)`` with ``J`` of
variance ``1/N`` (Ginibre), is, in the local field ``h = g x``, the model of Sompolinsky,
Crisanti & Sommers (SCS, Phys. Rev. Lett. 61, 259, 1988): ``dh/dt = -h + g J tanh(h)``.
A linear change of variables leaves every Lyapunov exponent unchanged, so
:func:`dmft_lyapunov` predicts what :func:`esorma.stability.chaos_study` measures.

The theory, as implemented (``phi = tanh``, ``Phi = log cosh`` its primitive; ``<.>`` Gaussian
averages over fields of variance ``Delta0`` and covariance ``Delta``):

1. **Autocorrelation.** ``Delta(tau) = <h(t) h(t + tau)>`` obeys ``Delta'' = -dV/dDelta``,
   ``V(Delta) = -Delta^2 / 2 + g^2 <Phi(h(t)) Phi(h(t + tau))>`` (a particle in a potential).
   The chaotic solution leaves ``Delta0 = Delta(0)`` at rest and reaches ``Delta(inf) = 0``
   (``<phi> = 0``), so energy conservation ``V(Delta0) = V(0)`` fixes ``Delta0``:
   ``Delta0^2 = 2 g^2 Var[Phi(sqrt(Delta0) z)]``. Then
   ``tau(Delta) = int_Delta^Delta0 dD / sqrt(2 (V(0) - V(D)))``, computed in the variable
   ``Delta = Delta0 sech^2(theta)`` where the integrand is smooth (it is constant, the
   classic ``sech^2`` profile, near onset).
2. **Maximal exponent.** A perturbation ``delta Delta(t, t') = exp(2 lambda T) psi(tau)``
   (``T = (t + t') / 2``, ``tau = t - t'``; the squared distance of two trajectories grows as
   ``exp(2 lambda t)``) of the two-time correlation obeys
   ``(dT / 2 + 1)^2 - d_tau^2`` applied to it ``= g^2 <phi'(h(t)) phi'(h(t + tau))> delta Delta``,
   i.e. ``H psi = E psi`` with ``H = -d_tau^2 + 1 - g^2 <phi' phi'>(tau)`` and
   ``E = 1 - (1 + lambda)^2``. The fastest growth is the ground state ``E0`` of ``H``:
   ``lambda_max = -1 + sqrt(1 - E0)`` (SCS 1988; Crisanti & Sompolinsky, Phys. Rev. E 98,
   062120, 2018). Differentiating the equation of ``Delta`` shows ``H Delta' = 0``: ``Delta'``
   (odd, one node) is an excited state at ``E = 0``, so ``E0 < 0`` and ``lambda_max > 0``
   for every ``g > 1``. Below ``g = 1``, ``Delta = 0``, ``H = -d^2 + 1 - g^2`` and
   ``lambda_max = g - 1`` (the origin's abscissa). Near onset ``lambda_max`` vanishes
   quadratically, not linearly (SCS 1988); this implementation gives
   ``lambda_max / (g - 1)^2 -> 0.50`` (0.498 at g = 1.001, 0.482 at g = 1.01).

Gaussian averages use trapezoid rules in the standard normal variables (exponentially
accurate for these analytic integrands), the functions of ``Delta`` Chebyshev interpolants on
``[0, Delta0]``, the ground state a finite-difference ``H`` on ``tau >= 0`` (even ground state:
Neumann at 0) at two step sizes, Richardson-extrapolated.

The elliptic ensemble (``tau_J = N E[J_ij J_ji] != 0``) is not covered: reciprocal couplings
add a response-function (memory) term to the mean-field equations and this reduction to a
particle in a potential no longer holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_not_masked

__all__ = ["DMFTLyapunov", "dmft_lyapunov"]

# Standard-normal trapezoid rule: nodes on [-_Z_MAX, _Z_MAX].
_Z_MAX = 8.5


def _normal_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    z = np.linspace(-_Z_MAX, _Z_MAX, n)
    w = np.exp(-0.5 * z * z)
    return z, w / w.sum()


def _logcosh(u: np.ndarray) -> np.ndarray:
    a = np.abs(u)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


def _energy_gap(delta0: float, g: float, z, w) -> float:
    """``(V(0) - V(Delta0)) * 2 / Delta0^2 = 1 - 2 g^2 Var[Phi(sqrt(Delta0) z)] / Delta0^2``."""
    p = _logcosh(np.sqrt(delta0) * z)
    m = w @ p
    return 1.0 - 2.0 * g * g * (w @ (p - m) ** 2) / (delta0 * delta0)


def _delta0(g: float, z, w) -> float:
    from scipy.optimize import brentq

    # The gap is 1 - g^2 < 0 as Delta0 -> 0 and -> 1 as Delta0 -> inf.
    lo, hi = 1e-12, 1.0
    while _energy_gap(hi, g, z, w) <= 0.0:
        lo, hi = hi, 4.0 * hi
        if hi > 1e8:  # pragma: no cover - g is bounded by the caller
            raise RuntimeError(f"no chaotic DMFT solution found for g = {g}")
    return brentq(_energy_gap, lo, hi, args=(g, z, w), xtol=1e-15, rtol=1e-14)


def _chebyshev_tables(g: float, delta0: float, n_nodes: int, z, w):
    """Values at Chebyshev nodes (first kind) of ``Delta in (0, Delta0)`` of
    ``S = 2 (V(0) - V(Delta)) / (Delta^2 (1 - Delta / Delta0))`` and ``<phi' phi'>(Delta)``."""
    k = np.arange(n_nodes)
    u = np.cos(np.pi * (k + 0.5) / n_nodes)          # in (-1, 1)
    d = 0.5 * delta0 * (1.0 + u)                      # in (0, Delta0)
    var, cprime = np.empty(n_nodes), np.empty(n_nodes)
    for i in range(n_nodes):
        # [z_shared, x_private]: h = sqrt(D) z + sqrt(Delta0 - D) x
        arg = np.sqrt(d[i]) * z[:, None] + np.sqrt(delta0 - d[i]) * z[None, :]
        big_phi = _logcosh(arg) @ w                  # E_x Phi, per z
        var[i] = ((big_phi - w @ big_phi) ** 2) @ w  # Var_z E_x Phi = C_Phi(D) - C_Phi(0)
        t = np.tanh(arg)
        dphi = (1.0 - t * t) @ w                     # E_x phi'
        cprime[i] = (dphi * dphi) @ w
    k_gap = d * d - 2.0 * g * g * var                # 2 (V(0) - V(D))
    s = k_gap / (d * d * (1.0 - d / delta0))
    return u, s, cprime


def _cheb_fit(u, values):
    from numpy.polynomial import chebyshev as C

    return C.chebfit(u, values, len(u) - 1)


def _ground_energy(potential_fn, length: float, n: int) -> float:
    from scipy.linalg import eigh_tridiagonal

    h = length / n
    tau = (np.arange(n) + 0.5) * h
    d = 2.0 / h ** 2 + potential_fn(tau)
    d[0] -= 1.0 / h ** 2  # Neumann at tau = 0 (even ground state)
    e = np.full(n - 1, -1.0 / h ** 2)
    return float(eigh_tridiagonal(d, e, eigvals_only=True, select="i",
                                  select_range=(0, 0))[0])


def _solve_one(g: float, n_nodes: int, n_grid: int):
    from numpy.polynomial import chebyshev as C

    delta0 = _delta0(g, *_normal_rule(2001))
    # the field's standard deviation sqrt(Delta0) grows ~ g: keep the 2-d rule's step below
    # the scale 1 / sqrt(Delta0) of tanh's bend (301 points are converged to 1e-12 at
    # Delta0 = 17, g = 5)
    z, w = _normal_rule(max(301, int(np.ceil(301 * np.sqrt(delta0 / 17.0)))))
    u, s, cprime = _chebyshev_tables(g, delta0, n_nodes, z, w)
    if np.any(s <= 0.0):
        raise RuntimeError(f"DMFT potential is not monotone at g = {g} (numerical failure)")
    cs, cc = _cheb_fit(u, s), _cheb_fit(u, cprime)
    # tau(theta) = int_0^theta 2 / sqrt(S(Delta0 sech^2)) dtheta
    theta = np.linspace(0.0, 20.0, 8001)
    sech2 = 1.0 / np.cosh(theta) ** 2
    rate = 2.0 / np.sqrt(C.chebval(2.0 * sech2 - 1.0, cs))
    tau_of = np.concatenate(([0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(theta))))
    kappa2 = 1.0 - g * g * C.chebval(-1.0, cc)    # H's potential at tau -> inf (Delta = 0)
    kappa = np.sqrt(max(kappa2, 1e-300))

    def potential(tau):
        th = np.interp(tau, tau_of, theta, right=np.inf)
        x = 2.0 / np.cosh(th) ** 2 - 1.0             # Delta / Delta0 mapped to [-1, 1]
        return 1.0 - g * g * C.chebval(x, cc)

    # past theta = 14.5, Delta / Delta0 < 1e-12; then 30 decay lengths of the bound state
    # (it decays at least as exp(-kappa tau) since E0 < 0)
    length = float(np.interp(14.5, theta, tau_of)) + 30.0 / kappa
    e_h = _ground_energy(potential, length, n_grid)
    e_h2 = _ground_energy(potential, length, 2 * n_grid)
    e0 = (4.0 * e_h2 - e_h) / 3.0
    lam = -1.0 + np.sqrt(1.0 - e0)
    return lam, e0, delta0, kappa


@summarized
@dataclass(frozen=True)
class DMFTLyapunov:
    """The N -> infinity maximal Lyapunov exponent of ``dx/dt = -x + J tanh(g x)`` (Ginibre
    ``J``, variance ``1/N``) from dynamic mean-field theory (Sompolinsky, Crisanti & Sommers
    1988).

    Attributes
    ----------
    gains : ndarray, shape (G,)
    exponents : ndarray, shape (G,)
        ``lambda_max``: ``g - 1`` for ``g <= 1`` (stable origin), positive beyond.
    ground_energy : ndarray, shape (G,)
        ``E0`` of ``-d_tau^2 + 1 - g^2 <phi' phi'>(tau)``; ``lambda_max = -1 + sqrt(1 - E0)``.
    delta0 : ndarray, shape (G,)
        Variance of the local field ``h = g x`` (0 for ``g <= 1``); ``Var x = delta0 / g^2``.
    decay_rate : ndarray, shape (G,)
        ``kappa = sqrt(1 - g^2 <phi'>^2)``: ``Delta(tau) ~ exp(-kappa tau)`` at long times
        (``sqrt(1 - g^2)`` for ``g < 1``, where it is the linear relaxation rate; 0 at g = 1).
    """

    gains: np.ndarray
    exponents: np.ndarray = field(metadata={"unit": "1/time",
                                            "description": "N -> inf maximal Lyapunov exponent"})
    ground_energy: np.ndarray = field(metadata={"unit": "1/time^2",
                                                "description": "ground state of the DMFT "
                                                               "Schroedinger operator"})
    delta0: np.ndarray = field(metadata={"description": "variance of the local field g x"})
    decay_rate: np.ndarray = field(metadata={"unit": "1/time",
                                             "description": "long-time decay rate of the "
                                                            "autocorrelation"})


def dmft_lyapunov(gains, *, n_nodes: int = 48, n_grid: int = 3000) -> DMFTLyapunov:
    """N -> infinity maximal Lyapunov exponent of the random rate network against the gain.

    Dynamic mean-field theory of Sompolinsky, Crisanti & Sommers (Phys. Rev. Lett. 61, 259,
    1988) for ``dx/dt = -x + J tanh(g x)`` with Ginibre ``J`` of variance ``1/N`` (the
    network of :func:`esorma.stability.chaos_study`): the self-consistent autocorrelation of
    the chaotic state, then ``lambda_max = -1 + sqrt(1 - E0)`` with ``E0`` the ground state of
    ``-d_tau^2 + 1 - g^2 <phi'(h(t)) phi'(h(t + tau))>`` (see the module text). For
    ``g <= 1`` the origin is stable and ``lambda_max = g - 1``. Not valid for the elliptic
    ensemble (``tau != 0``).

    Parameters
    ----------
    gains : float or sequence of float
        Gains ``g`` (finite, > 0, at most 10).
    n_nodes : int, default 48
        Chebyshev nodes for the functions of ``Delta`` on ``[0, Delta0]`` (>= 8).
    n_grid : int, default 3000
        Points of the finite-difference Schroedinger operator (the result is extrapolated
        from ``n_grid`` and ``2 n_grid``; >= 200).

    Returns
    -------
    DMFTLyapunov

    Examples
    --------
    >>> from esorma.stability import dmft_lyapunov
    >>> res = dmft_lyapunov([0.5, 1.0, 2.0])
    >>> res.exponents[:2].tolist()
    [-0.5, 0.0]
    >>> bool(0.0 < res.exponents[2] < 0.5)
    True
    """
    check_not_masked(gains, "gains")
    try:
        g = np.atleast_1d(np.asarray(gains, dtype=float))
    except (TypeError, ValueError):
        g = np.empty(0)
    if g.ndim != 1 or g.size == 0 or not np.all(np.isfinite(g)) or np.any(g <= 0) \
            or np.any(g > 10):
        raise ValueError(f"gains must be a non-empty list of finite numbers in (0, 10]; got "
                         f"{gains!r}")
    n_nodes = check_int(n_nodes, "n_nodes", minimum=8)
    n_grid = check_int(n_grid, "n_grid", minimum=200)
    lam, e0, d0, kap = (np.empty(g.size) for _ in range(4))
    for i, gi in enumerate(g.tolist()):
        if gi <= 1.0:
            lam[i], e0[i], d0[i], kap[i] = gi - 1.0, 1.0 - gi * gi, 0.0, np.sqrt(1.0 - gi * gi)
        else:
            lam[i], e0[i], d0[i], kap[i] = _solve_one(gi, n_nodes, n_grid)
    return DMFTLyapunov(gains=g, exponents=lam, ground_energy=e0, delta0=d0, decay_rate=kap)

"""Robust Gaussian averages for the replica equations (nodes, the wrapper and a quad reference).

The compiled kernel lives in :mod:`esorma.replica._kernels`; this module builds its quadrature
nodes once (lazily, on first use) and offers :func:`gaussian_moments`, the one Python entry
point to the kernel (every solver of the package calls it), and :func:`gaussian_moments_quad`,
an independent (slow) reference based on ``scipy.integrate.quad`` with breakpoints that the
tests and the benchmark compare against.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import NamedTuple

import numpy as np

__all__ = ["Moments", "quadrature_nodes", "gaussian_moments", "gaussian_moments_quad"]

#: Gauss-Hermite order for the smooth regime (sigma <= T/2).
N_HERMITE = 80
#: Composite Gauss-Legendre in w = |u|/T: panels of width PANEL on [0, W_MAX], N_LEG nodes each.
W_MAX = 18.0
PANEL = 0.5
N_LEG = 8


class Moments(NamedTuple):
    """Gaussian averages over ``u ~ N(mu, sigma^2)`` at temperature ``T`` (``beta = 1/T``)."""

    m1: float  #: <tanh(beta u)>
    q: float  #: <tanh^2(beta u)>
    c: float  #: beta <sech^2(beta u)>  (1 - q = T c)
    c4: float  #: beta <sech^4(beta u)>
    lc: float  #: T <ln 2cosh(beta u)>
    ent: float  #: <ln 2cosh(beta u) - beta u tanh(beta u)>


@functools.lru_cache(maxsize=None)
def quadrature_nodes():
    """``(hx, hw, lx, lw, lf)``: Gauss-Hermite nodes, composite Gauss-Legendre nodes, tables."""
    hx, hw = np.polynomial.hermite_e.hermegauss(N_HERMITE)
    hw = hw / hw.sum()
    gx, gw = np.polynomial.legendre.leggauss(N_LEG)
    edges = np.arange(0.0, W_MAX + PANEL / 2, PANEL)
    lo, hi = edges[:-1, None], edges[1:, None]
    lx = (0.5 * (hi - lo) * gx[None, :] + 0.5 * (hi + lo)).ravel()
    lw = (0.5 * (hi - lo) * gw[None, :]).ravel()
    e = np.exp(-2.0 * lx)
    f_t = 2.0 * e / (1.0 + e)
    s2 = 4.0 * e / (1.0 + e) ** 2
    lg = np.log1p(e)
    lf = np.stack([f_t, s2, s2 * s2, lg, lg + lx * f_t], axis=1)
    return tuple(np.ascontiguousarray(a) for a in (hx, hw, lx, lw, lf))


_BOUND = []


def _bind():
    # Imported on first use (numba is not imported with the package), bound to the nodes once.
    from esorma.replica._kernels import gauss_moments

    nodes = quadrature_nodes()

    def bound(T, mu, sigma):
        return gauss_moments(T, mu, sigma, *nodes)

    _BOUND.append(bound)
    return bound


def gaussian_moments(T: float, mu: float, sigma: float) -> Moments:
    """All Gaussian averages needed by the RS equations, in one compiled pass.

    No validation (a private hot path): ``T >= 0`` and ``sigma >= 0`` are the caller's job.

    Parameters
    ----------
    T : float
        Temperature (>= 0; 0 gives the ``beta -> infinity`` limits).
    mu, sigma : float
        Mean and standard deviation (>= 0) of the Gaussian field ``u``.

    Returns
    -------
    Moments

    Examples
    --------
    >>> mo = gaussian_moments(0.5, 0.3, 0.0)
    >>> round(mo.m1, 12) == round(math.tanh(0.6), 12)
    True
    """
    f = _BOUND[0] if _BOUND else _bind()
    return Moments(*f(float(T), float(mu), float(sigma)))


def gaussian_moments_quad(T: float, mu: float, sigma: float) -> Moments:
    """Reference implementation with ``scipy.integrate.quad`` (slow; tests and benchmarks).

    The integrals are done in ``z`` (``u = mu + sigma z``) on ``[-12, 12]`` with a breakpoint
    at the kink ``z0 = -mu/sigma`` and at ``z0 +- k T/sigma`` so that quad resolves the sharp
    feature at low temperature; ``1 - q`` is integrated directly.
    """
    from scipy import integrate

    if T == 0 or sigma == 0:
        raise ValueError("gaussian_moments_quad needs T > 0 and sigma > 0")
    beta = 1.0 / T

    def g(z):
        return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    def sech2(t):
        e = math.exp(-2 * abs(t))
        return 4 * e / (1 + e) ** 2

    def l2c(t):
        return abs(t) + math.log1p(math.exp(-2 * abs(t)))

    funcs = {
        "m1": lambda z: g(z) * math.tanh(beta * (mu + sigma * z)),
        "q": lambda z: g(z) * math.tanh(beta * (mu + sigma * z)) ** 2,
        "c": lambda z: g(z) * beta * sech2(beta * (mu + sigma * z)),
        "c4": lambda z: g(z) * beta * sech2(beta * (mu + sigma * z)) ** 2,
        "lc": lambda z: g(z) * T * l2c(beta * (mu + sigma * z)),
        "ent": lambda z: g(z)
        * (
            l2c(beta * (mu + sigma * z))
            - beta * (mu + sigma * z) * math.tanh(beta * (mu + sigma * z))
        ),
    }
    z0 = -mu / sigma
    width = T / sigma
    pts = sorted(
        p for p in {z0 + k * width for k in (-20, -5, -1, 0, 1, 5, 20)} if -12 < p < 12
    )
    out = {}
    with warnings.catch_warnings():
        # an odd integrand (mu = 0) integrates to ~1e-17: quad's relative test cannot be met
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for name, f in funcs.items():
            val, _ = integrate.quad(f, -12.0, 12.0, points=pts or None, limit=400,
                                    epsabs=1e-14, epsrel=1e-13)
            out[name] = val
    return Moments(**out)

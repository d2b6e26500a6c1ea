r"""Reference curves for the capacity plot: Gardner's bound and the pseudo-inverse rule.

Gardner (1988): for random ±1 patterns the largest load at which couplings exist that store
every pattern with normalised stability ``ξ_i h_i / |J_i| >= κ`` is

.. math::

    \alpha_c(\kappa) = \Big[\int_{-\kappa}^{\infty} Dt\,(t + \kappa)^2\Big]^{-1}
                     = \big[(1 + \kappa^2)\,\Phi(\kappa) + \kappa\,\varphi(\kappa)\big]^{-1},

so ``α_c(0) = 2``. The pseudo-inverse (projection) rule ``J = ξᵀ C⁻¹ ξ / N`` with the diagonal
removed stores every pattern exactly up to ``α = 1``: the aligned field is ``1 - α`` and the
row norm ``√(α(1 - α))``, so its stability is ``κ_PI(α) = √((1 - α)/α)``, below Gardner's
optimum ``κ_G(α)`` for every ``α``. For the Hebb rule the one-step signal-to-noise estimate of
the fraction of unstable bits is ``Φ(-1/√α)``.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from esorma.replica._common import ConvergenceError, LineResult, check_array, line_result

__all__ = [
    "gardner_capacity",
    "gardner_kappa",
    "pseudo_inverse_stability",
    "pseudo_inverse_capacity",
    "hebb_unstable_fraction",
]


def _scalar_or_array(x, out):
    return out if np.ndim(x) else float(out[0])


def _check_finite_reals(x, name):
    return check_array(x, name)


def gardner_capacity(kappa=0.0):
    r"""Gardner's capacity ``α_c(κ)`` of the perceptron (``α_c(0) = 2``).

    Parameters
    ----------
    kappa : float or array_like
        Required normalised stability (any finite real; ``κ < 0`` gives ``α_c > 2``).

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> gardner_capacity(0.0)
    2.0
    >>> round(gardner_capacity(1.0), 4)
    0.5196
    """
    k = _check_finite_reals(kappa, "kappa")
    with np.errstate(over="ignore", divide="ignore"):  # κ → -∞: the integral → 0, α_c → ∞
        integral = (1.0 + k * k) * special.ndtr(k) + k * np.exp(-0.5 * k * k) / np.sqrt(2 * np.pi)
        return _scalar_or_array(kappa, 1.0 / integral)


def gardner_kappa(alpha) -> LineResult:
    """The largest attainable stability ``κ_G(α)`` (inverse of :func:`gardner_capacity`).

    Parameters
    ----------
    alpha : float or array_like
        Loads ``> 0`` (``κ_G > 0`` for ``α < 2``, ``< 0`` above).

    Returns
    -------
    LineResult
        ``value`` = ``κ_G(α)``; ``residual`` = ``|α_c(κ_G) - α| / α``.

    Examples
    --------
    >>> res = gardner_kappa(2.0)
    >>> abs(round(res.value, 12)), res.converged
    (0.0, True)
    """
    a = check_array(alpha, "alpha", minimum=0.0, strict=True)
    out = np.empty_like(a)
    res = np.empty_like(a)
    for i, av in enumerate(a):
        f = lambda k: gardner_capacity(k) - av  # noqa: E731
        lo, hi = -1.0, 1.0
        for _ in range(64):  # α_c(κ) is monotone; 2^64 covers every finite float load
            if f(lo) >= 0:
                break
            lo *= 2.0
        for _ in range(64):
            if f(hi) <= 0:
                break
            hi *= 2.0
        if not (f(lo) >= 0 >= f(hi)):
            raise ConvergenceError(f"gardner_kappa: could not bracket kappa for alpha={av:g}")
        out[i] = optimize.brentq(f, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)
        res[i] = abs(f(out[i])) / av
    return line_result("kappa_G(alpha)", alpha, a, out, res,
                       "Brent root in kappa of alpha_c(kappa) = alpha (closed-form alpha_c)")


def pseudo_inverse_capacity() -> float:
    """Capacity of the pseudo-inverse rule: every pattern is a fixed point for ``α < 1``."""
    return 1.0


def pseudo_inverse_stability(alpha):
    """Stability ``κ_PI(α) = √((1-α)/α)`` of the pseudo-inverse rule (zero diagonal), α < 1.

    Examples
    --------
    >>> round(pseudo_inverse_stability(0.5), 12)
    1.0
    """
    a = check_array(alpha, "alpha", minimum=0.0, strict=True)
    if np.any(a >= 1.0):
        raise ValueError(f"alpha must be < 1 for the pseudo-inverse rule; got {a.max():g}")
    return _scalar_or_array(alpha, np.sqrt((1.0 - a) / a))


def hebb_unstable_fraction(alpha):
    """One-step signal-to-noise estimate ``Φ(-1/√α)`` of the Hebb rule's unstable bits.

    Examples
    --------
    >>> round(hebb_unstable_fraction(0.138), 4)
    0.0036
    """
    a = check_array(alpha, "alpha", minimum=0.0, strict=True)
    return _scalar_or_array(alpha, special.ndtr(-1.0 / np.sqrt(a)))

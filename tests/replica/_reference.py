r"""An independent route to the AGS replica-symmetric lines, for the tests only.

Shares no code with :mod:`esorma.replica`: the Gaussian averages are ``scipy.integrate.quad``
integrals (not the compiled Hermite/Legendre kernel), the retrieval branch is parametrised by
the overlap ``m`` (esorma uses ``x = m/√(αr)``), and the free energy is written out from
Amit, Gutfreund & Sompolinsky, Ann. Phys. 173, 30 (1987), eq. (4.10) in their notation:

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2}
        + \frac{\alpha}{2\beta}\Big[\ln\big(1 - \beta(1-q)\big)
        - \frac{\beta q}{1 - \beta(1-q)}\Big]
        + \frac{\alpha\beta}{2} r (1 - q)
        - \frac1\beta\big\langle\!\big\langle \ln 2\cosh\beta(m + \sqrt{\alpha r}\,z)
          \big\rangle\!\big\rangle ,

with the saddle point ``m = <<tanh>>``, ``q = <<tanh²>>``, ``r = q/(1 - β(1-q))²``.
Valid for ``T > 0``.
"""

import math
import warnings

from scipy import integrate, optimize


def _avg(f, mu, sigma, T):
    """``<<f(β(mu + sigma z))>>`` over a standard normal z (quad, breakpoints at the kink)."""
    beta = 1.0 / T

    def integrand(z):
        return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) * f(beta * (mu + sigma * z))

    pts = None
    if sigma > 0:
        z0, w = -mu / sigma, T / sigma
        pts = sorted(p for p in {z0 + k * w for k in (-30, -8, -2, 0, 2, 8, 30)}
                     if -13 < p < 13)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(integrand, -13.0, 13.0, points=pts or None, limit=500,
                                epsabs=1e-15, epsrel=1e-13)
    return val


def _sech2(t):
    e = math.exp(-2.0 * abs(t))
    return 4.0 * e / (1.0 + e) ** 2


def _log2cosh(t):
    return abs(t) + math.log1p(math.exp(-2.0 * abs(t)))


def curie_weiss(T):
    """Largest root of ``m = tanh(m/T)`` (0 < T < 1)."""
    return optimize.brentq(lambda m: math.tanh(m / T) - m, 1e-9, 1.0, xtol=1e-16)


def retrieval_at_m(m, T):
    """``(alpha, q, one_minus_q, r)`` of the retrieval solution with overlap ``m``."""
    g = lambda s: _avg(math.tanh, m, s, T) - m  # noqa: E731 - decreasing in sigma
    hi = 1.0
    while g(hi) > 0:
        hi *= 2.0
    lo = 1e-3
    while g(lo) < 0:
        lo *= 1e-2
    s = optimize.brentq(g, lo, hi, xtol=1e-15, rtol=1e-15)
    omq = _avg(_sech2, m, s, T)  # 1 - q, integrated directly
    q = 1.0 - omq
    r = q / (1.0 - omq / T) ** 2
    return s * s / r, q, omq, r


def spinodal(T, n_scan=16):
    """``(alpha_M, m_fold)``: the largest load with a retrieval solution, max over m of α(m)."""
    m_top = curie_weiss(T) * (1 - 1e-9)
    ms = [m_top * (0.3 + 0.7 * k / (n_scan - 1)) for k in range(n_scan)]
    als = [retrieval_at_m(m, T)[0] for m in ms]
    k = max(range(n_scan), key=als.__getitem__)
    lo, hi = ms[max(k - 1, 0)], ms[min(k + 1, n_scan - 1)]
    res = optimize.minimize_scalar(lambda m: -retrieval_at_m(m, T)[0], bounds=(lo, hi),
                                   method="bounded", options={"xatol": 1e-9})
    return -float(res.fun), float(res.x)


def free_energy(alpha, T, m, q, omq, r):
    """The AGS RS free energy per spin (see the module docstring)."""
    beta = 1.0 / T
    one_minus_c = 1.0 - beta * omq
    return (alpha / 2 + m * m / 2
            + alpha / (2 * beta) * (math.log(one_minus_c) - beta * q / one_minus_c)
            + alpha * beta / 2 * r * omq
            - _avg(_log2cosh, m, math.sqrt(alpha * r), T) / beta)


def spin_glass(alpha, T):
    """``(q, one_minus_q, r)`` of the m = 0 solution at ``(alpha, T)``, T < 1.

    Solved in the noise ``σ = √(αr)``: ``β(1 - q(σ)) = 1`` at the bifurcation ``σ_0`` and
    ``α(σ) = σ²(1 - β(1-q))²/q`` grows from 0 there (the paramagnet q = 0 is not a root).
    """
    beta = 1.0 / T
    c_minus_1 = lambda s: beta * _avg(_sech2, 0.0, s, T) - 1.0  # noqa: E731
    hi = 1.0
    while c_minus_1(hi) > 0:
        hi *= 2.0
    s0 = optimize.brentq(c_minus_1, 1e-12, hi, xtol=1e-15, rtol=1e-15)

    def alpha_of(s):
        omq = _avg(_sech2, 0.0, s, T)
        return s * s * (1.0 - beta * omq) ** 2 / (1.0 - omq)

    hi = 2.0 * s0
    while alpha_of(hi) < alpha:
        hi *= 2.0
    s = optimize.brentq(lambda s: alpha_of(s) - alpha, s0, hi, xtol=1e-15, rtol=1e-15)
    omq = _avg(_sech2, 0.0, s, T)
    q = 1.0 - omq
    return q, omq, q / (1.0 - beta * omq) ** 2


def delta_f_at_m(m, T):
    """``(alpha, f_retrieval - f_spin_glass)`` at the load of the retrieval point with overlap m."""
    alpha, q, omq, r = retrieval_at_m(m, T)
    f_ret = free_energy(alpha, T, m, q, omq, r)
    q0, omq0, r0 = spin_glass(alpha, T)
    return alpha, f_ret - free_energy(alpha, T, 0.0, q0, omq0, r0)


def first_order(T):
    """The load where ``f_retrieval = f_spin_glass``, on the stable side of the fold."""
    _a, m_fold = spinodal(T)
    m_top = curie_weiss(T) * (1 - 1e-9)
    m = optimize.brentq(lambda m: delta_f_at_m(m, T)[1], m_fold, m_top, xtol=1e-14)
    return retrieval_at_m(m, T)[0]


def _alpha_of_y_T0(y):
    """T = 0 retrieval: ``α(y) = [erf y - (2/√π) y e^{-y²}]² / (2y²)``, ``m = erf y`` (AGS)."""
    return (math.erf(y) - 2.0 / math.sqrt(math.pi) * y * math.exp(-y * y)) ** 2 / (2 * y * y)


def first_order_T0():
    """The T = 0 first-order load from closed-form energies (no esorma code).

    Retrieval (stable side, ``y > y_c``): ``u = -m²/2 - (α/2)(r - 1)`` with ``m = erf y``,
    ``C = (2/√π) y e^{-y²}/m``, ``r = (1 - C)^{-2}``; spin glass: ``u = -1/π - √(2α/π)``.
    """
    y_c = optimize.minimize_scalar(lambda y: -_alpha_of_y_T0(y), bounds=(0.5, 3.0),
                                   method="bounded", options={"xatol": 1e-12}).x

    def delta(alpha):
        y = optimize.brentq(lambda y: _alpha_of_y_T0(y) - alpha, y_c, 10.0, xtol=1e-15)
        m = math.erf(y)
        C = 2.0 * y * math.exp(-y * y) / (math.sqrt(math.pi) * m)
        u_ret = -m * m / 2 - alpha / 2 * (1 / (1 - C) ** 2 - 1)
        return u_ret - (-1 / math.pi - math.sqrt(2 * alpha / math.pi))

    return optimize.brentq(delta, 0.02, 0.1, xtol=1e-15)

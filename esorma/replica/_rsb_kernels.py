"""Compiled Cole-Hopf steps of the Parisi recursion on a uniform field grid (pure, no validation).

One step of replica-symmetry breaking maps a function ``psi`` of the cavity field ``y`` to

.. math::

    \\psi'(y) = \\frac1\\gamma \\ln \\int\\! Dz\\, e^{\\gamma\\,\\psi(y + s z)}
    \\qquad (\\gamma = 0:\\ \\psi'(y) = \\int\\! Dz\\, \\psi(y + s z)),

the exact solution of the Parisi PDE over an interval of ``q`` of length ``s**2`` on which
``gamma = beta x(q)`` is constant. On a uniform grid of spacing ``dy`` the Gaussian integral is
the trapezoid rule with the discrete, renormalised weights ``w_l ~ exp(-(l dy)**2 / 2 s**2)``,
``|l| <= K`` (spectrally accurate once ``s >~ dy``), done in log-sum-exp form so that nothing
overflows however large ``gamma |y|`` is. Outside the grid ``psi`` is continued with slope
``+-1`` (``psi(y) -> |y| + const`` for ``|y| -> infinity``, exact up to terms ~ exp(-y**2/2)).

:func:`step_forward` applies one step; :func:`step_adjoint` propagates the gradient of a scalar
(``lam = dP/dpsi'``) back to ``dP/dpsi`` and returns ``dP/dgamma`` (reverse-mode, the same
cost as the forward step).
"""

from __future__ import annotations

import math

import numpy as np

from esorma._numba import njit

__all__ = ["step_forward", "step_adjoint"]


@njit
def _ext(psi, j, dy):
    """``psi`` at grid index ``j``, continued linearly with slope -1 / +1 left / right."""
    m = psi.shape[0]
    if j < 0:
        return psi[0] - j * dy
    if j >= m:
        return psi[m - 1] + (j - m + 1) * dy
    return psi[j]


@njit
def step_forward(psi, dy, logw, gamma):
    """One Cole-Hopf step: ``(1/gamma) ln sum_l w_l exp(gamma psi(y_i + l dy))`` for every i."""
    m = psi.shape[0]
    k = (logw.shape[0] - 1) // 2
    out = np.empty(m)
    if gamma == 0.0:
        for i in range(m):
            acc = 0.0
            for l in range(-k, k + 1):
                acc += math.exp(logw[l + k]) * _ext(psi, i + l, dy)
            out[i] = acc
        return out
    for i in range(m):
        mx = -math.inf
        for l in range(-k, k + 1):
            v = logw[l + k] + gamma * _ext(psi, i + l, dy)
            if v > mx:
                mx = v
        acc = 0.0
        for l in range(-k, k + 1):
            acc += math.exp(logw[l + k] + gamma * _ext(psi, i + l, dy) - mx)
        out[i] = (mx + math.log(acc)) / gamma
    return out


@njit
def step_adjoint(psi, out, lam, dy, logw, gamma):
    """Reverse step: ``(dP/dpsi, dP/dgamma)`` from ``lam = dP/dout``.

    With the tilted weights ``p_il = w_l exp(gamma (psi(y_i + l dy) - out_i))``:
    ``dout_i/dpsi_j = sum_l p_il [i + l -> j]`` (padding points count for the edge they continue)
    and ``dout_i/dgamma = (sum_l p_il psi(y_i + l dy) - out_i) / gamma`` (at ``gamma = 0`` the
    limit ``Var_w(psi) / 2``).
    """
    m = psi.shape[0]
    k = (logw.shape[0] - 1) // 2
    grad = np.zeros(m)
    dgamma = 0.0
    for i in range(m):
        li = lam[i]
        if li == 0.0:
            continue
        if gamma == 0.0:
            mean = out[i]
            var = 0.0
            for l in range(-k, k + 1):
                w = math.exp(logw[l + k])
                v = _ext(psi, i + l, dy)
                var += w * (v - mean) * (v - mean)
                j = i + l
                if j < 0:
                    j = 0
                elif j >= m:
                    j = m - 1
                grad[j] += li * w
            dgamma += li * 0.5 * var
        else:
            mean = 0.0
            for l in range(-k, k + 1):
                v = _ext(psi, i + l, dy)
                p = math.exp(logw[l + k] + gamma * (v - out[i]))
                mean += p * v
                j = i + l
                if j < 0:
                    j = 0
                elif j >= m:
                    j = m - 1
                grad[j] += li * p
            dgamma += li * (mean - out[i]) / gamma
    return grad, dgamma

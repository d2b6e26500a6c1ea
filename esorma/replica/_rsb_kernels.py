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
(``lam = dP/dpsi'``) back to ``dP/dpsi`` and returns ``dP/dgamma`` and ``dP/ds`` (reverse mode,
the same cost as the forward step; ``dP/ds`` from ``dlogw = d log w_l / ds``).

Serial and parallel builds (DESIGN.md, numba #6845) are two functions around one shared row
body: ``*_serial`` and ``*_parallel``. The adjoint is done in two passes (per-row tilted weights,
then a gather per grid point in a fixed order), so both builds give bit-identical results
whatever the thread count. :func:`use_parallel` chooses by the size of the work.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from esorma._numba import njit, prange

__all__ = [
    "step_forward",
    "step_adjoint",
    "step_forward_serial",
    "step_forward_parallel",
    "step_adjoint_serial",
    "step_adjoint_parallel",
    "use_parallel",
    "PARALLEL_MIN_WORK",
]

#: Grid points x kernel width above which the parallel builds are used. One step is a few ms
#: at the default grid (601 points, <= 270 weights: ~160k cells); measured on the shared 2-core
#: machine (load ~8), the parallel build was 6-25x *slower* there and still 1.4x slower at 2M
#: cells (dy = 0.01): a prange launch under oversubscription costs a scheduler time slice.
#: So the parallel build is kept for fine grids only (>= 1M cells, serial >~ 15 ms per step).
PARALLEL_MIN_WORK = 1_000_000


def use_parallel(m: int, width: int) -> bool:
    """Whether a step on ``m`` grid points with ``width`` weights is worth the parallel build."""
    return m * width >= PARALLEL_MIN_WORK and numba.get_num_threads() > 1


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
def _forward_row(psi, dy, logw, gamma, i):
    k = (logw.shape[0] - 1) // 2
    if gamma == 0.0:
        acc = 0.0
        for l in range(-k, k + 1):
            acc += math.exp(logw[l + k]) * _ext(psi, i + l, dy)
        return acc
    mx = -math.inf
    for l in range(-k, k + 1):
        v = logw[l + k] + gamma * _ext(psi, i + l, dy)
        if v > mx:
            mx = v
    acc = 0.0
    for l in range(-k, k + 1):
        acc += math.exp(logw[l + k] + gamma * _ext(psi, i + l, dy) - mx)
    return (mx + math.log(acc)) / gamma


@njit
def step_forward_serial(psi, dy, logw, gamma):
    """One Cole-Hopf step: ``(1/gamma) ln sum_l w_l exp(gamma psi(y_i + l dy))`` for every i."""
    m = psi.shape[0]
    out = np.empty(m)
    for i in range(m):
        out[i] = _forward_row(psi, dy, logw, gamma, i)
    return out


@njit(parallel=True)
def step_forward_parallel(psi, dy, logw, gamma):
    """:func:`step_forward_serial`, rows in parallel (identical results)."""
    m = psi.shape[0]
    out = np.empty(m)
    for i in prange(m):
        out[i] = _forward_row(psi, dy, logw, gamma, i)
    return out


@njit
def _adjoint_row(psi, out, lam, dy, logw, dlogw, gamma, i, pw, dg, ds):
    """Row ``i``: ``pw[i, l] = lam_i dout_i/dpsi(y_i + l dy)``, ``dg[i]``, ``ds[i]``."""
    k = (logw.shape[0] - 1) // 2
    li = lam[i]
    if li == 0.0:
        for l in range(2 * k + 1):
            pw[i, l] = 0.0
        dg[i] = 0.0
        ds[i] = 0.0
        return
    if gamma == 0.0:
        mean = out[i]
        var = 0.0
        dsi = 0.0
        for l in range(-k, k + 1):
            w = math.exp(logw[l + k])
            v = _ext(psi, i + l, dy)
            var += w * (v - mean) * (v - mean)
            dsi += w * dlogw[l + k] * v
            pw[i, l + k] = li * w
        dg[i] = li * 0.5 * var
        ds[i] = li * dsi
        return
    mean = 0.0
    dsi = 0.0
    for l in range(-k, k + 1):
        v = _ext(psi, i + l, dy)
        p = math.exp(logw[l + k] + gamma * (v - out[i]))
        mean += p * v
        dsi += p * dlogw[l + k]
        pw[i, l + k] = li * p
    dg[i] = li * (mean - out[i]) / gamma
    ds[i] = li * dsi / gamma


@njit
def _gather(pw, j, m, k):
    """``dP/dpsi_j``: the sum of ``pw[i, l]`` over ``i + l = j`` (edges take the padding)."""
    acc = 0.0
    lo = j - k if j - k > 0 else 0
    hi = j + k if j + k < m - 1 else m - 1
    for i in range(lo, hi + 1):
        acc += pw[i, j - i + k]
    if j == 0:
        for i in range(0, min(k, m - 1) + 1):
            for l in range(-k, -i):
                acc += pw[i, l + k]
    if j == m - 1:
        for i in range(max(0, m - 1 - k), m):
            for l in range(m - i, k + 1):
                acc += pw[i, l + k]
    return acc


@njit
def _sum(a):
    acc = 0.0
    for v in a:
        acc += v
    return acc


@njit
def step_adjoint_serial(psi, out, lam, dy, logw, dlogw, gamma):
    """Reverse step: ``(dP/dpsi, dP/dgamma, dP/ds)`` from ``lam = dP/dout``.

    With the tilted weights ``p_il = w_l exp(gamma (psi(y_i + l dy) - out_i))``:
    ``dout_i/dpsi_j = sum_l p_il [i + l -> j]`` (padding points count for the edge they continue),
    ``dout_i/dgamma = (sum_l p_il psi(y_i + l dy) - out_i) / gamma`` (at ``gamma = 0`` the limit
    ``Var_w(psi) / 2``) and ``dout_i/ds = sum_l p_il dlogw_l / gamma`` (``gamma = 0``:
    ``sum_l w_l dlogw_l psi(y_i + l dy)``).
    """
    m = psi.shape[0]
    k = (logw.shape[0] - 1) // 2
    pw = np.empty((m, 2 * k + 1))
    dg = np.empty(m)
    ds = np.empty(m)
    for i in range(m):
        _adjoint_row(psi, out, lam, dy, logw, dlogw, gamma, i, pw, dg, ds)
    grad = np.empty(m)
    for j in range(m):
        grad[j] = _gather(pw, j, m, k)
    return grad, _sum(dg), _sum(ds)


@njit(parallel=True)
def step_adjoint_parallel(psi, out, lam, dy, logw, dlogw, gamma):
    """:func:`step_adjoint_serial`, rows and gathers in parallel (identical results)."""
    m = psi.shape[0]
    k = (logw.shape[0] - 1) // 2
    pw = np.empty((m, 2 * k + 1))
    dg = np.empty(m)
    ds = np.empty(m)
    for i in prange(m):
        _adjoint_row(psi, out, lam, dy, logw, dlogw, gamma, i, pw, dg, ds)
    grad = np.empty(m)
    for j in prange(m):
        grad[j] = _gather(pw, j, m, k)
    return grad, _sum(dg), _sum(ds)


def step_forward(psi, dy, logw, gamma):
    """:func:`step_forward_serial` or :func:`step_forward_parallel`, chosen by size."""
    if use_parallel(psi.shape[0], logw.shape[0]):
        return step_forward_parallel(psi, dy, logw, gamma)
    return step_forward_serial(psi, dy, logw, gamma)


def step_adjoint(psi, out, lam, dy, logw, dlogw, gamma):
    """:func:`step_adjoint_serial` or :func:`step_adjoint_parallel`, chosen by size."""
    if use_parallel(psi.shape[0], logw.shape[0]):
        return step_adjoint_parallel(psi, out, lam, dy, logw, dlogw, gamma)
    return step_adjoint_serial(psi, out, lam, dy, logw, dlogw, gamma)

"""Compiled kernels of the rate-network integrators (pure: arrays in, arrays out).

The rate network is ``dx/dt = -x + J phi(x) + I`` with ``phi`` coded as an int:

``PHI_TANH = 0``    ``phi(x) = tanh(g x)``, ``phi'(x) = g (1 - tanh(g x)^2)``
``PHI_LINEAR = 1``  ``phi(x) = g x``,       ``phi'(x) = g``

Tangent vectors are stored as rows of a ``(k, N)`` array. The products with ``J`` are a
serial compiled loop (:func:`matvecs`) that reads each row of ``J`` once for two vectors at a
time (the state's ``phi(x)`` and a tangent vector): no BLAS and no threads. On a shared,
oversubscribed machine a multi-threaded BLAS gemv spin-waits for its threads and was measured
20x slower than this loop (5.6 ms vs 0.27 ms for two N = 1000 products); the loop is a pure
sum, so ``fastmath`` (SIMD reassociation) is allowed, and results do not depend on the thread
count.

Kernels return a status: 0 = fine, 1 = the state or a tangent vector became non-finite or
exceeded ``max_abs`` (the caller reports it; nothing here raises or prints).
"""

from __future__ import annotations

import numpy as np

from esorma._numba import njit

PHI_TANH = 0
PHI_LINEAR = 1



@njit
def phi_and_slope(x, gain, code, phi, slope):
    """Fill ``phi`` with phi(x) and ``slope`` with phi'(x)."""
    n = x.shape[0]
    if code == PHI_TANH:
        for i in range(n):
            t = np.tanh(gain * x[i])
            phi[i] = t
            slope[i] = gain * (1.0 - t * t)
    else:
        for i in range(n):
            phi[i] = gain * x[i]
            slope[i] = gain


@njit(fastmath=True)
def matvecs(J, M, out):
    """``out[c] = J @ M[c]`` for every row ``c`` of ``M`` (serial; rows of J read once per
    pair of vectors)."""
    n = J.shape[0]
    m = M.shape[0]
    c = 0
    while c + 1 < m:
        for i in range(n):
            s1 = 0.0
            s2 = 0.0
            for j in range(n):
                a = J[i, j]
                s1 += a * M[c, j]
                s2 += a * M[c + 1, j]
            out[c, i] = s1
            out[c + 1, i] = s2
        c += 2
    if c < m:
        for i in range(n):
            s1 = 0.0
            for j in range(n):
                s1 += J[i, j] * M[c, j]
            out[c, i] = s1


@njit
def _state_rhs(J, x, inputs, gain, code, phi, jp, out):
    # phi and jp are (1, N) work arrays
    n = x.shape[0]
    if code == PHI_TANH:
        for i in range(n):
            phi[0, i] = np.tanh(gain * x[i])
    else:
        for i in range(n):
            phi[0, i] = gain * x[i]
    matvecs(J, phi, jp)
    for i in range(n):
        out[i] = -x[i] + jp[0, i] + inputs[i]


@njit
def rk4_trajectory(J, x0, inputs, gain, code, dt, n_steps, save_every, max_abs, out):
    """Fixed-step RK4 of the rate network; writes every ``save_every``-th state into ``out``.

    ``out`` has shape (n_steps // save_every + 1, N); row 0 is ``x0``. Returns
    ``(status, steps_done)``.
    """
    n = x0.shape[0]
    x = x0.copy()
    phi = np.empty((1, n))
    jp = np.empty((1, n))
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    tmp = np.empty(n)
    out[0] = x
    row = 1
    for step in range(1, n_steps + 1):
        _state_rhs(J, x, inputs, gain, code, phi, jp, k1)
        for i in range(n):
            tmp[i] = x[i] + 0.5 * dt * k1[i]
        _state_rhs(J, tmp, inputs, gain, code, phi, jp, k2)
        for i in range(n):
            tmp[i] = x[i] + 0.5 * dt * k2[i]
        _state_rhs(J, tmp, inputs, gain, code, phi, jp, k3)
        for i in range(n):
            tmp[i] = x[i] + dt * k3[i]
        _state_rhs(J, tmp, inputs, gain, code, phi, jp, k4)
        bad = False
        for i in range(n):
            x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
            if not (abs(x[i]) <= max_abs):  # also catches NaN
                bad = True
        if bad:
            return 1, step
        if step % save_every == 0:
            out[row] = x
            row += 1
    return 0, n_steps


@njit
def _full_rhs(J, x, V, inputs, gain, code, slope, kx, kV, M, prod):
    """kx = -x + J phi(x) + I and kV[j] = -V[j] + J (phi'(x) * V[j]).

    ``M`` and ``prod`` are (k + 1, N) work arrays: row 0 holds phi(x), rows 1.. the scaled
    tangent vectors; one pass of :func:`matvecs` multiplies them all by J.
    """
    n = x.shape[0]
    k = V.shape[0]
    phi_and_slope(x, gain, code, M[0], slope)
    for j in range(k):
        for i in range(n):
            M[j + 1, i] = slope[i] * V[j, i]
    matvecs(J, M, prod)
    for i in range(n):
        kx[i] = -x[i] + prod[0, i] + inputs[i]
    for j in range(k):
        for i in range(n):
            kV[j, i] = -V[j, i] + prod[j + 1, i]


@njit
def _orthonormalise(V, logs_row):
    """QR of the tangent rows; V <- Q^T, logs_row <- log|R_ii| (floored at the tiny float)."""
    k = V.shape[0]
    tiny = 2.2250738585072014e-308
    if k == 1:
        s = 0.0
        for i in range(V.shape[1]):
            s += V[0, i] * V[0, i]
        r = np.sqrt(s)
        logs_row[0] = np.log(max(r, tiny))
        if r > 0.0:
            for i in range(V.shape[1]):
                V[0, i] /= r
        return
    q, r = np.linalg.qr(np.ascontiguousarray(V.T))
    for j in range(k):
        logs_row[j] = np.log(max(abs(r[j, j]), tiny))
        for i in range(V.shape[1]):
            V[j, i] = q[i, j]


@njit
def rk4_lyapunov(J, x, V, inputs, gain, code, dt, steps_per_renorm, n_renorm, max_abs, logs):
    """RK4 of the state ``x`` (N,) and tangent rows ``V`` (k, N), in place, with a QR
    re-orthonormalisation every ``steps_per_renorm`` steps; ``logs[r]`` gets ``log|R_ii|``.

    Returns ``(status, renormalisations_done)``.
    """
    n = x.shape[0]
    k = V.shape[0]
    slope = np.empty(n)
    M = np.empty((k + 1, n))
    prod = np.empty((k + 1, n))
    kx1 = np.empty(n)
    kx2 = np.empty(n)
    kx3 = np.empty(n)
    kx4 = np.empty(n)
    kV1 = np.empty((k, n))
    kV2 = np.empty((k, n))
    kV3 = np.empty((k, n))
    kV4 = np.empty((k, n))
    xt = np.empty(n)
    Vt = np.empty((k, n))
    h = dt
    for r in range(n_renorm):
        for _ in range(steps_per_renorm):
            _full_rhs(J, x, V, inputs, gain, code, slope, kx1, kV1, M, prod)
            for i in range(n):
                xt[i] = x[i] + 0.5 * h * kx1[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + 0.5 * h * kV1[j, i]
            _full_rhs(J, xt, Vt, inputs, gain, code, slope, kx2, kV2, M, prod)
            for i in range(n):
                xt[i] = x[i] + 0.5 * h * kx2[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + 0.5 * h * kV2[j, i]
            _full_rhs(J, xt, Vt, inputs, gain, code, slope, kx3, kV3, M, prod)
            for i in range(n):
                xt[i] = x[i] + h * kx3[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + h * kV3[j, i]
            _full_rhs(J, xt, Vt, inputs, gain, code, slope, kx4, kV4, M, prod)
            for i in range(n):
                x[i] += h / 6.0 * (kx1[i] + 2.0 * kx2[i] + 2.0 * kx3[i] + kx4[i])
            for j in range(k):
                for i in range(n):
                    V[j, i] += h / 6.0 * (kV1[j, i] + 2.0 * kV2[j, i] + 2.0 * kV3[j, i] + kV4[j, i])
        bad = False
        for i in range(n):
            if not (abs(x[i]) <= max_abs):
                bad = True
        for j in range(k):
            for i in range(n):
                if not (abs(V[j, i]) <= max_abs):
                    bad = True
        if bad:
            return 1, r
        _orthonormalise(V, logs[r])
    return 0, n_renorm

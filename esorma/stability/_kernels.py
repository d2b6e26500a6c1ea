"""Compiled kernels of the rate-network integrators (pure: arrays in, arrays out).

The rate network is ``dx/dt = -x + J phi(x) + I`` with ``phi`` coded as an int:

``PHI_TANH = 0``    ``phi(x) = tanh(g x)``, ``phi'(x) = g (1 - tanh(g x)^2)``
``PHI_LINEAR = 1``  ``phi(x) = g x``,       ``phi'(x) = g``

Tangent vectors are stored as rows of a ``(k, N)`` array. The products with ``J`` are a
serial compiled loop (:func:`matvecs`) that takes ``JT = J.T`` (C-contiguous, i.e. ``J`` in
column order) and accumulates ``out[c] += JT[j] * M[c, j]`` over ``j`` ("axpy" form, eight
columns per sweep), two vectors per pass over ``J`` (the state's ``phi(x)`` and a tangent vector). Each output entry is
the plain sequential sum ``sum_j J[i, j] M[c, j]`` in increasing ``j``: the inner loop runs
over independent entries ``i``, so it vectorises WITHOUT ``fastmath`` and the result is bitwise
the same whatever the SIMD width of the CPU (no reassociation; chaos would amplify any rounding
difference into a different trajectory). No threads: on this shared 2-core machine a
``prange`` over rows (OpenMP layer) was measured 40x slower per product (4.9 ms vs 0.12 ms
for two N = 1000 products), and a multi-threaded BLAS gemv spin-waits likewise; a single
NumPy/BLAS gemv pair takes about the same 0.12 ms but its summation order depends on the CPU.

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


@njit
def matvecs(JT, M, out):
    """``out[c] = J @ M[c]`` for every row ``c`` of ``M``, given ``JT = J.T`` C-contiguous.

    Serial, no fastmath: ``out[c, i]`` is the sequential sum over ``j = 0, 1, ...`` of
    ``J[i, j] * M[c, j]`` (bitwise reproducible on any CPU). ``J`` is read once per pair of
    vectors; eight columns of ``J`` are applied per sweep over ``i`` (the partial sum stays in a
    register through the eight additions, in the same order), which halves the loads and
    stores of ``out``.
    """
    n = JT.shape[0]
    m = M.shape[0]
    for c in range(m):
        for i in range(n):
            out[c, i] = 0.0
    c = 0
    while c < m:
        pair = c + 1 < m
        d = c + 1 if pair else c  # a lone last vector is processed as its own pair
        j = 0
        while j + 7 < n:
            a0 = M[c, j]
            a1 = M[c, j + 1]
            a2 = M[c, j + 2]
            a3 = M[c, j + 3]
            a4 = M[c, j + 4]
            a5 = M[c, j + 5]
            a6 = M[c, j + 6]
            a7 = M[c, j + 7]
            b0 = M[d, j]
            b1 = M[d, j + 1]
            b2 = M[d, j + 2]
            b3 = M[d, j + 3]
            b4 = M[d, j + 4]
            b5 = M[d, j + 5]
            b6 = M[d, j + 6]
            b7 = M[d, j + 7]
            for i in range(n):
                w0 = JT[j, i]
                w1 = JT[j + 1, i]
                w2 = JT[j + 2, i]
                w3 = JT[j + 3, i]
                w4 = JT[j + 4, i]
                w5 = JT[j + 5, i]
                w6 = JT[j + 6, i]
                w7 = JT[j + 7, i]
                s = out[c, i]
                s += w0 * a0
                s += w1 * a1
                s += w2 * a2
                s += w3 * a3
                s += w4 * a4
                s += w5 * a5
                s += w6 * a6
                s += w7 * a7
                t = out[d, i]
                t += w0 * b0
                t += w1 * b1
                t += w2 * b2
                t += w3 * b3
                t += w4 * b4
                t += w5 * b5
                t += w6 * b6
                t += w7 * b7
                out[c, i] = s
                if pair:
                    out[d, i] = t
            j += 8
        while j < n:
            a = M[c, j]
            b = M[d, j]
            for i in range(n):
                w = JT[j, i]
                s = out[c, i] + w * a
                t = out[d, i] + w * b
                out[c, i] = s
                if pair:
                    out[d, i] = t
            j += 1
        c += 2


@njit
def _state_rhs(JT, x, inputs, gain, code, phi, jp, out):
    # phi and jp are (1, N) work arrays
    n = x.shape[0]
    if code == PHI_TANH:
        for i in range(n):
            phi[0, i] = np.tanh(gain * x[i])
    else:
        for i in range(n):
            phi[0, i] = gain * x[i]
    matvecs(JT, phi, jp)
    for i in range(n):
        out[i] = -x[i] + jp[0, i] + inputs[i]


@njit
def rk4_trajectory(JT, x0, inputs, gain, code, dt, n_steps, save_every, max_abs, out):
    """Fixed-step RK4 of the rate network (``JT = J.T``, C-contiguous); writes every
    ``save_every``-th state into ``out``.

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
        _state_rhs(JT, x, inputs, gain, code, phi, jp, k1)
        for i in range(n):
            tmp[i] = x[i] + 0.5 * dt * k1[i]
        _state_rhs(JT, tmp, inputs, gain, code, phi, jp, k2)
        for i in range(n):
            tmp[i] = x[i] + 0.5 * dt * k2[i]
        _state_rhs(JT, tmp, inputs, gain, code, phi, jp, k3)
        for i in range(n):
            tmp[i] = x[i] + dt * k3[i]
        _state_rhs(JT, tmp, inputs, gain, code, phi, jp, k4)
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
def _full_rhs(JT, x, V, inputs, gain, code, slope, kx, kV, M, prod):
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
    matvecs(JT, M, prod)
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
def rk4_lyapunov(JT, x, V, inputs, gain, code, dt, steps_per_renorm, n_renorm, max_abs, logs):
    """RK4 (``JT = J.T``, C-contiguous) of the state ``x`` (N,) and tangent rows ``V`` (k, N),
    in place, with a QR
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
            _full_rhs(JT, x, V, inputs, gain, code, slope, kx1, kV1, M, prod)
            for i in range(n):
                xt[i] = x[i] + 0.5 * h * kx1[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + 0.5 * h * kV1[j, i]
            _full_rhs(JT, xt, Vt, inputs, gain, code, slope, kx2, kV2, M, prod)
            for i in range(n):
                xt[i] = x[i] + 0.5 * h * kx2[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + 0.5 * h * kV2[j, i]
            _full_rhs(JT, xt, Vt, inputs, gain, code, slope, kx3, kV3, M, prod)
            for i in range(n):
                xt[i] = x[i] + h * kx3[i]
            for j in range(k):
                for i in range(n):
                    Vt[j, i] = V[j, i] + h * kV3[j, i]
            _full_rhs(JT, xt, Vt, inputs, gain, code, slope, kx4, kV4, M, prod)
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

"""The discretised Parisi functional ``P(nodes, γ)`` with its exact (adjoint) gradient.

Private to :mod:`esorma.replica.parisi`. ``γ = βx(q)`` is a step function on the ``q`` nodes
``q_0 < … < q_n``; ``P`` is computed by Cole-Hopf steps on a uniform field grid
(:mod:`._rsb_kernels`) and its gradient with respect to both the step heights ``γ_j`` and the
node positions ``q_i`` by one reverse (adjoint) sweep of the same cost: this is what makes the
full-RSB minimisation and ``k``-step RSB with ``k >= 4`` fast.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special



class _LazyKernels:
    """The numba kernels, imported on first use (``import esorma.replica`` stays light)."""

    def __getattr__(self, name):
        from esorma.replica import _rsb_kernels

        return getattr(_rsb_kernels, name)


kern = _LazyKernels()

__all__ = []


class _Grid:
    """Uniform field grid centred on ``h`` (so ``Ψ(0, h)`` is a grid value)."""

    def __init__(self, h: float, dy: float, half_width: float):
        n_side = int(math.ceil(half_width / dy))
        self.dy = dy
        self.i0 = n_side
        self.y = h + dy * np.arange(-n_side, n_side + 1)


def _log_weights(s: float, dy: float):
    """Normalised log trapezoid weights of ``N(0, s²)`` on spacing ``dy`` and ``d/ds`` of them."""
    k = max(1, int(math.ceil(8.5 * s / dy)))
    z = dy * np.arange(-k, k + 1)
    lw = -0.5 * (z / s) ** 2
    lw -= special.logsumexp(lw)
    c = z * z / s ** 3
    return lw, c - float(np.dot(np.exp(lw), c))


def _top_closed_form(y: np.ndarray, s: float, g: float) -> np.ndarray:
    """``(1/γ) ln E exp(γ|y + s z|)`` (``E|y + s z|`` at ``γ = 0``): the T = 0 top step."""
    if s == 0.0:
        return np.abs(y)
    if g == 0.0:
        return y * (1.0 - 2.0 * special.ndtr(-y / s)) + 2.0 * s * np.exp(-0.5 * (y / s) ** 2) / \
            math.sqrt(2.0 * math.pi)
    a = g * y + special.log_ndtr(y / s + g * s)
    b = -g * y + special.log_ndtr(-y / s + g * s)
    return np.logaddexp(a, b) / g + 0.5 * g * s * s


def _top_finite_T(y: np.ndarray, T: float) -> np.ndarray:
    return T * np.logaddexp(y / T, -y / T)


def _pde_derivs(psi, dy):
    ext = np.concatenate(([psi[0] + dy], psi, [psi[-1] + dy]))  # slopes -1 / +1 outside
    d1 = (ext[2:] - ext[:-2]) / (2 * dy)
    d2 = (ext[2:] - 2 * ext[1:-1] + ext[:-2]) / (dy * dy)
    return d1, d2


def _pde_step(psi, dy, delta, gamma):
    """``Ψ + (Δ/2)(Ψ'' + γΨ'²)``: the Parisi PDE over a short interval ``Δ`` (Euler, O(Δ²))."""
    d1, d2 = _pde_derivs(psi, dy)
    return psi + 0.5 * delta * (d2 + gamma * d1 * d1)


def _pde_adjoint(psi, lam, dy, delta, gamma):
    """Reverse of :func:`_pde_step`: ``(dP/dpsi, dP/dγ, dP/dΔ)``."""
    d1, d2 = _pde_derivs(psi, dy)
    m = psi.size
    # transpose of the central-difference operators, with the padding folded onto the edges
    a = 0.5 * delta * lam / (dy * dy)
    b = 0.5 * delta * gamma * 2.0 * d1 * lam / (2 * dy)
    grad = lam.copy()
    grad -= 2 * a
    grad[1:] += a[:-1] + b[:-1]
    grad[:-1] += a[1:] - b[1:]
    grad[0] += a[0] - b[0]  # ext[0] = psi[0] + dy
    grad[m - 1] += a[m - 1] + b[m - 1]  # ext[-1] = psi[-1] + dy
    dgam = 0.5 * delta * float(np.dot(lam, d1 * d1))
    ddelta = 0.5 * float(np.dot(lam, d2 + gamma * d1 * d1))
    return grad, dgam, ddelta


class _Functional:
    """``P(γ)`` and its gradient for a step function ``γ`` on the ``q`` nodes ``nodes``.

    ``T > 0``: ``x = 1`` on ``[q_top, 1]`` is done in closed form (``Ψ = T ln 2cosh(y/T) +
    β(1 - q_top)/2``); :meth:`value_and_grads` assumes ``q_top = nodes[-1]`` for the node
    gradient. ``T = 0``: ``nodes[-1] = 1`` and the last interval is the closed-form kink step.
    """

    def __init__(self, nodes: np.ndarray, T: float, h: float, dy: float, q_top: float = 1.0):
        self.nodes = np.asarray(nodes, dtype=float)
        self.T, self.h = T, h
        self.grid = _Grid(h, dy, max(12.0, abs(h) + 10.0))
        d = np.diff(self.nodes)
        self.deltas = d
        # steps narrower than dy (Δ <= dy², where the explicit scheme is stable): one explicit
        # step of the PDE (error O(Δ²)), "pde"; wider ones: the Gaussian weights (s >= dy)
        self.logw = []
        for di in d:
            if di <= 0:
                self.logw.append(None)
            elif di <= dy * dy:
                self.logw.append("pde")
            else:
                self.logw.append(_log_weights(math.sqrt(di), dy))
        self.sq = 0.5 * (self.nodes[1:] ** 2 - self.nodes[:-1] ** 2)  # ∫ q dq per interval
        self.q_top = q_top
        self.top_shift = 0.0 if T == 0.0 else 0.5 * (1.0 - q_top) / T
        self.top_const = 0.0 if T == 0.0 else -0.25 * (1.0 - q_top * q_top) / T

    def _forward(self, gamma):
        y, dy = self.grid.y, self.grid.dy
        n = len(self.deltas)
        psis = [None] * (n + 1)
        if self.T == 0.0:
            psis[n - 1] = _top_closed_form(y, math.sqrt(self.deltas[-1]), gamma[-1])
            first = n - 2
        else:
            psis[n] = _top_finite_T(y, self.T) + self.top_shift
            first = n - 1
        for j in range(first, -1, -1):
            lw = self.logw[j]
            if lw is None:
                psis[j] = psis[j + 1]
            elif isinstance(lw, str):
                psis[j] = _pde_step(psis[j + 1], dy, self.deltas[j], gamma[j])
            else:
                psis[j] = kern.step_forward(psis[j + 1], dy, lw[0], gamma[j])
        p = psis[0][self.grid.i0] - 0.5 * float(np.dot(gamma, self.sq)) + self.top_const
        return p, psis, first

    def value(self, gamma, grad: bool = True):
        """``(P, dP/dγ, psis)`` (``(P, psis)`` with ``grad=False``)."""
        if not grad:
            p, psis, _ = self._forward(np.asarray(gamma, dtype=float))
            return p, psis
        p, g, _gn, psis = self.value_and_grads(gamma)
        return p, g, psis

    def value_and_grads(self, gamma):
        """``(P, dP/dγ, dP/dnodes, psis)`` by one forward and one reverse sweep."""
        gamma = np.asarray(gamma, dtype=float)
        p, psis, first = self._forward(gamma)
        y, dy = self.grid.y, self.grid.dy
        n = len(self.deltas)
        g = -0.5 * self.sq.copy()
        gd = np.zeros(n)  # dP/dΔ_j
        lam = np.zeros_like(y)
        lam[self.grid.i0] = 1.0
        for j in range(0, first + 1):
            lw = self.logw[j]
            if lw is None:
                d1, d2 = _pde_derivs(psis[j + 1], dy)
                gd[j] = 0.5 * float(np.dot(lam, d2 + gamma[j] * d1 * d1))
                continue
            if isinstance(lw, str):
                lam, dgam, gd[j] = _pde_adjoint(psis[j + 1], lam, dy, self.deltas[j], gamma[j])
                g[j] += dgam
                continue
            lam, dgam, dsig = kern.step_adjoint(psis[j + 1], psis[j], lam, dy, lw[0], lw[1],
                                                gamma[j])
            g[j] += dgam
            gd[j] = dsig / (2.0 * math.sqrt(self.deltas[j]))
        if self.T == 0.0:
            s, gt = math.sqrt(self.deltas[-1]), gamma[-1]
            eps = 1e-6 * max(1.0, gt)
            lo = max(gt - eps, 0.0)
            g[-1] += float(np.dot(lam, _top_closed_form(y, s, gt + eps)
                                  - _top_closed_form(y, s, lo))) / (gt + eps - lo)
            if s > 0.0:
                es = 1e-6 * s
                gd[-1] = float(np.dot(lam, _top_closed_form(y, s + es, gt)
                                      - _top_closed_form(y, s - es, gt))) / (2 * es) / (2 * s)
            else:  # the PDE at the kink: dΨ/dΔ = (Ψ'' + γΨ'²)/2 with Ψ = |y|
                d1, d2 = _pde_derivs(np.abs(y), dy)
                gd[-1] = 0.5 * float(np.dot(lam, d2 + gt * d1 * d1))
            lam_top_sum = 0.0
        else:
            lam_top_sum = float(np.sum(lam))
        nodes = self.nodes
        gn = np.zeros(n + 1)
        gn[1:] += gd
        gn[:-1] -= gd
        gn[1:] -= 0.5 * gamma * nodes[1:]
        gn[:-1] += 0.5 * gamma * nodes[:-1]
        if self.T > 0.0:
            gn[-1] += -0.5 / self.T * lam_top_sum + 0.5 * self.q_top / self.T
        return p, g, gn, psis

    def magnetization(self, psi0) -> float:
        i, dy = self.grid.i0, self.grid.dy
        v = psi0
        return float((-v[i + 2] + 8 * v[i + 1] - 8 * v[i - 1] + v[i - 2]) / (12 * dy))


def _shape(T: float, n: int) -> np.ndarray:
    u = np.arange(n + 1) / n
    if T == 0.0:
        return 1.0 - (1.0 - u) ** 2  # γ(q) ~ (1 - q)^(-1/2) at T = 0
    return 1.0 - (1.0 - u) ** 1.5 if T < 0.7 else u

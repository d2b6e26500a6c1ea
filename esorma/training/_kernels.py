"""Compiled kernels of the training package (pure: arrays in, arrays out; no validation).

:func:`rpass_hidden_in` and :func:`rpass_hidden_out` fuse the element-wise middle of the
batched R-operator (Pearlmutter's Hessian-vector product) of a three-layer network:
everything between the two large matrix products ``X V1ᵀ`` (which gives ``R(z1)``) and ``R(δ1)ᵀ X`` (which gives ``R(∂L/∂W1)``).
In NumPy this middle is seven passes over ``(B, k, n_hidden)`` arrays with temporaries; here
it is two passes whose inner loops run over hidden units (they vectorise without
``fastmath``), and the small output-layer contractions stay BLAS products, so a
Hessian-vector product of ``k`` directions costs two large GEMMs plus
``O(B k n_hidden n_out)``.
Serial on purpose: the loops are short and sums run in a fixed order (same bits on any
thread count); the GEMMs around it take the BLAS threads.
"""

from __future__ import annotations

from esorma._numba import njit


@njit
def rpass_hidden_in(Rz1, v1, d1, Ra1):
    """``Rz1 += v1`` (the bias direction) and ``Ra1 = Rz1 · φ'(z1)``; shapes (B, k, h)."""
    B, k, h = Rz1.shape
    for b in range(B):
        for kk in range(k):
            for hh in range(h):
                z = Rz1[b, kk, hh] + v1[kk, hh]
                Rz1[b, kk, hh] = z
                Ra1[b, kk, hh] = z * d1[b, hh]


@njit
def rpass_hidden_out(Rz1, Rd2, d1, d2g1, W2, delta2, V2, Rg1, gb1):
    """``R(δ1) = (R(δ2) W2 + δ2 V2) · φ'(z1) + φ''(z1) · ∂L/∂a1 · R(z1)`` and its batch sum.

    ``Rz1`` (B, k, h), ``Rd2`` (B, k, o), ``d1``/``d2g1`` (B, h), ``W2`` (o, h),
    ``delta2`` (B, o), ``V2`` (k, o, h). Writes ``Rg1`` (B, k, h) and ``gb1`` (k, h) =
    ``Σ_b Rg1`` (summed in sample order). Inner loops run over hidden units (vectorised).
    """
    B, k, h = Rz1.shape
    o = W2.shape[0]
    gb1[:] = 0.0
    for b in range(B):
        for kk in range(k):
            for hh in range(h):
                Rg1[b, kk, hh] = 0.0
            for oo in range(o):
                r = Rd2[b, kk, oo]
                dl = delta2[b, oo]
                for hh in range(h):
                    Rg1[b, kk, hh] += r * W2[oo, hh] + dl * V2[kk, oo, hh]
            for hh in range(h):
                g = Rg1[b, kk, hh] * d1[b, hh] + d2g1[b, hh] * Rz1[b, kk, hh]
                Rg1[b, kk, hh] = g
                gb1[kk, hh] += g

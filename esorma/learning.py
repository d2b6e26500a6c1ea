"""Learning rules that turn stored patterns into couplings: Hebb, pseudo-inverse, Storkey.

All rules take patterns ``ξ`` of shape (P, N) with entries ±1 (any integer or float dtype) and
return an (N, N) coupling matrix with a zero diagonal. The registry :data:`RULES` maps names to
functions so that experiments can take the rule as a string.

Notes
-----
Hebb: ``J = (1/N) Σ_μ ξ^μ ξ^μᵀ`` with ``J_ii = 0``. The sum is accumulated in floating point
(exact for P < 2^24), never in the patterns' dtype, so int8 patterns cannot overflow (the peer
bug of summing int8 products in int8). With ``integer=True`` the unnormalised counts
``ξᵀξ`` are returned as int16 (P ≤ 32767) or int32: ties are exact and memory traffic halves;
the network then carries ``scale = 1/N``.

Pseudo-inverse (projection rule, Personnaz et al. 1985; Kanter & Sompolinsky 1987):
``J = ξᵀ C⁺ ξ / N`` with ``C = ξ ξᵀ / N`` the pattern overlap matrix; every stored pattern
is a fixed point as long as the patterns are linearly independent (P < N). The diagonal is
zeroed (``zero_diagonal=False`` keeps the exact projector).

Storkey (1997): ``w_ij ← w_ij + (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j)/N`` with
``h_ij = Σ_{k≠i,j} w_ik ξ_k``, one pattern at a time; capacity ≈ N/√(2 ln N).
"""

from __future__ import annotations

import numpy as np

from esorma._validation import check_choice, check_memory, check_patterns

__all__ = [
    "hebb", "hebb_counts", "hebb_counts_bytes", "pseudo_inverse", "storkey", "RULES", "get_rule",
    "hebb_counts_dtype",
]


def hebb_counts_dtype(n_patterns: int):
    """Smallest integer dtype that holds Hebb counts ``Σ_μ ξ_i ξ_j`` for ``n_patterns``."""
    return np.int16 if n_patterns <= np.iinfo(np.int16).max else np.int32


def _patterns_f(patterns, dtype) -> np.ndarray:
    xi = check_patterns(patterns)
    return xi, xi.astype(dtype)


def hebb(patterns, *, integer: bool = False) -> np.ndarray:
    """Hebbian couplings ``J = ξᵀξ / N`` with a zero diagonal.

    Parameters
    ----------
    patterns : array_like, shape (P, N) or (N,)
        Stored patterns with entries ±1, any numeric dtype.
    integer : bool
        If True return the unnormalised counts ``ξᵀξ`` (zero diagonal) as int16 when
        P ≤ 32767 (int32 otherwise); multiply by ``1/N`` for the couplings.

    Returns
    -------
    J : ndarray, shape (N, N)
        float64 couplings, or integer counts with ``integer=True``.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, -1, 1, 1]], dtype=np.int8)
    >>> hebb(xi)
    array([[ 0.  , -0.25,  0.25,  0.25],
           [-0.25,  0.  , -0.25, -0.25],
           [ 0.25, -0.25,  0.  ,  0.25],
           [ 0.25, -0.25,  0.25,  0.  ]])
    >>> hebb(np.ones((300, 3), dtype=np.int8), integer=True)[0, 1]  # no int8 overflow
    np.int16(300)
    """
    xi = check_patterns(patterns)
    if integer:
        return hebb_counts(xi, hebb_counts_dtype(xi.shape[0]))
    J = hebb_counts(xi, np.float64)
    J /= xi.shape[1]
    return J


#: Rows of ``ξᵀξ`` formed per block: N/16, so the float32 block buffer is 1/8 of an int16 output.
_BLOCK_FRACTION = 16


def hebb_counts_bytes(n_patterns: int, n_neurons: int, dtype=np.int16) -> float:
    """Peak bytes of :func:`hebb_counts`: the (N, N) output, one block buffer of at most
    ``N/16`` rows × N float32 (none for a float64 output) and the patterns as floats."""
    n, p = int(n_neurons), int(n_patterns)
    out = np.dtype(dtype).itemsize * float(n) * n
    block = 0.0 if np.dtype(dtype) == np.float64 else 4.0 * n * max(1, -(-n // _BLOCK_FRACTION))
    return out + block + 8.0 * p * n


def hebb_counts(patterns, dtype=np.int16) -> np.ndarray:
    """The Hebb counts ``ξᵀξ`` with a zero diagonal, built block by block into ``dtype``.

    Row blocks ``ξ[:, rows]ᵀ ξ`` are BLAS products of exact small integers (float32 while
    P < 2**24, float64 beyond) written straight into the output, so the peak memory is the
    output, one float32 block of N/16 rows (1/8 of an int16 output; none for a float64
    output) and the patterns as floats (4 P N bytes): no N × N float intermediate.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        ±1 patterns.
    dtype : {int16, int32, int64, float32, float64}
        dtype of the counts (int16 holds P ≤ 32767).

    Examples
    --------
    >>> import numpy as np
    >>> hebb_counts(np.array([[1, -1, 1], [1, 1, 1]], dtype=np.int8))
    array([[0, 0, 2],
           [0, 0, 0],
           [2, 0, 0]], dtype=int16)
    """
    from esorma._threads import blas_policy

    xi = check_patterns(patterns)
    p, n = xi.shape
    dtype = np.dtype(dtype)
    if dtype.kind == "i" and p > np.iinfo(dtype).max:
        raise ValueError(f"dtype {dtype} holds Hebb counts for at most {np.iinfo(dtype).max} "
                         f"patterns; got P = {p}")
    check_memory(hebb_counts_bytes(p, n, dtype), f"Hebb couplings for N = {n}")
    acc = np.float32 if p < 2**24 else np.float64
    if dtype == np.float64:
        acc = np.float64
    x = xi.astype(acc)
    xt = x.T
    out = np.empty((n, n), dtype=dtype)
    rows = max(1, -(-n // _BLOCK_FRACTION))
    direct = np.dtype(acc) == dtype
    buf = None if direct else np.empty((min(rows, n), n), dtype=acc)
    with blas_policy(float(p) * n * n):
        for lo in range(0, n, rows):
            hi = min(n, lo + rows)
            if direct:
                np.matmul(xt[lo:hi], x, out=out[lo:hi])
            else:
                blk = buf[: hi - lo]
                np.matmul(xt[lo:hi], x, out=blk)
                out[lo:hi] = blk  # exact integers: the cast loses nothing
    np.fill_diagonal(out, 0)
    return out


def pseudo_inverse(patterns, *, zero_diagonal: bool = True) -> np.ndarray:
    """Projection-rule couplings ``J = ξᵀ C⁺ ξ / N`` with ``C = ξ ξᵀ / N``.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Stored patterns with entries ±1.
    zero_diagonal : bool
        Zero the diagonal (default, as for every network in esorma). With False, J is the
        orthogonal projector onto the span of the patterns.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(5, 40))
    >>> J = pseudo_inverse(xi, zero_diagonal=False)
    >>> bool(np.allclose(J @ xi.T, xi.T))      # every pattern is an eigenvector, eigenvalue 1
    True
    """
    xi = check_patterns(patterns)
    p, n = xi.shape
    check_memory(n * n * 8 * 2, f"pseudo-inverse couplings for N = {n}")
    x = xi.astype(np.float64)
    c = (x @ x.T) / n
    rank = np.linalg.matrix_rank(c, hermitian=True)
    if rank < p:
        import warnings

        warnings.warn(
            f"patterns are linearly dependent (rank {rank} < P = {p}"
            f"{'; P >= N' if p >= n else ''}): the projection rule stores their span, and "
            "with a zero diagonal the patterns need not be fixed points",
            RuntimeWarning,
            stacklevel=2,
        )
    cinv = np.linalg.pinv(c, hermitian=True)
    J = (x.T @ cinv @ x) / n
    J = 0.5 * (J + J.T)
    if zero_diagonal:
        np.fill_diagonal(J, 0.0)
    return J


def storkey(patterns) -> np.ndarray:
    """Storkey's incremental rule (1997), one pattern at a time, zero diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, 50))
    >>> J = storkey(xi)
    >>> bool(np.all(np.sign(J @ xi.T) == xi.T))   # stored patterns are fixed points
    True
    """
    xi = check_patterns(patterns)
    p, n = xi.shape
    check_memory(n * n * 8 * 3, f"Storkey couplings for N = {n}")
    w = np.zeros((n, n), dtype=np.float64)
    for mu in range(p):
        x = xi[mu].astype(np.float64)
        field = w @ x  # with zero diagonal: h_ij = field_i - w_ij x_j
        # Δw_ij = (x_i x_j - x_i h_ji - h_ij x_j)/N with h_ji = field_j - w_ji x_i
        #       = (x_i x_j - x_i field_j - field_i x_j + w_ji + w_ij)/N
        dw = np.outer(x, x) - np.outer(x, field) - np.outer(field, x) + w + w.T
        w += dw / n
        np.fill_diagonal(w, 0.0)
    return w


RULES = {"hebb": hebb, "pseudo_inverse": pseudo_inverse, "storkey": storkey}


def get_rule(name: str):
    """The learning-rule function registered under ``name`` (see :data:`RULES`)."""
    check_choice(name, "rule", RULES)
    return RULES[name]

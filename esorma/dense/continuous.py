"""The continuous modern Hopfield network (Ramsauer et al. 2020, "Hopfield networks is all you
need").

Stored patterns ``x_1..x_P`` in R^d (rows of ``X``), ``M = max_i ||x_i||``, inverse temperature
β. Energy ``E(ξ) = −β⁻¹ ln Σ_i exp(β x_iᵀ ξ) + ½ ξᵀξ + β⁻¹ ln P + ½ M²`` and update
``ξ ← Xᵀ softmax(β X ξ)`` (the attention step): the update never increases E and converges to
fixed points (stationary points of E). A fixed point is classified by the effective number of
patterns it averages, ``n_eff = 1 / Σ_i p_i²`` with ``p = softmax(β X ξ*)``: *single*
(``n_eff < 1.5``, one pattern retrieved), *global* (``n_eff ≥ P/2``, the average of all
patterns), *metastable* otherwise (an average over a subset: Ramsauer et al.'s metastable
states). As β grows, the fixed points reached from the stored patterns go from the global
average through metastable states to single patterns (:func:`beta_transition`).

Separation (Ramsauer et al., Theorem 3 / eq. (9)): with ``Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j``,
if ``Δ_i ≥ 2/(βP) + β⁻¹ ln(2 (P−1) P β M²)`` the update maps the sphere
``S_i = {ξ : ||ξ − x_i|| ≤ 1/(βPM)}`` into itself and has a fixed point in it: pattern i is
stored. :func:`separation_check` tests that sufficient condition numerically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_real

__all__ = ["ModernHopfield", "RetrievalResult", "BetaTransition", "SeparationCheck",
           "beta_transition", "separation_check", "clustered_patterns", "KINDS"]

#: Kinds of fixed points, indexed by :attr:`RetrievalResult.kind`.
KINDS = ("single", "metastable", "global")


def _softmax_rows(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@summarized
@dataclass(frozen=True)
class RetrievalResult:
    """Fixed points reached by iterating the update from a batch of queries.

    Attributes
    ----------
    states : ndarray, shape (B, d)
    weights : ndarray, shape (B, P)
        ``softmax(β X ξ*)``.
    n_eff : ndarray, shape (B,)
        ``1 / Σ p_i²``.
    kind : ndarray of int8, shape (B,)
        Index into :data:`KINDS`.
    nearest : ndarray of int64
        The pattern of largest weight.
    iterations : ndarray of int64
    converged : ndarray of bool
    energies : ndarray, shape (B,)
    beta : float
    """

    states: np.ndarray
    weights: np.ndarray
    n_eff: np.ndarray = field(metadata={"unit": "patterns", "description":
                                        "effective number of patterns averaged"})
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    nearest: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    iterations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    converged: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    energies: np.ndarray = field(default_factory=lambda: np.zeros(0))
    beta: float = 1.0


class ModernHopfield:
    """Continuous modern Hopfield network with stored patterns ``X`` (P, d) and β > 0.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((10, 64))
    >>> net = ModernHopfield(X, beta=2.0)
    >>> res = net.retrieve(X + 0.1 * rng.standard_normal(X.shape))
    >>> bool((res.nearest == np.arange(10)).all()), KINDS[res.kind[0]]
    (True, 'single')
    """

    def __init__(self, patterns, beta: float = 1.0):
        X = np.asarray(patterns, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError(f"patterns must have shape (P, d) with P, d >= 1; got {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("patterns must be finite")
        self.patterns = X
        self.beta = check_real(beta, "beta", minimum=0.0, strict_min=True)
        self.max_norm = float(np.linalg.norm(X, axis=1).max())

    @property
    def n_patterns(self) -> int:
        return self.patterns.shape[0]

    def __repr__(self) -> str:
        return (f"ModernHopfield(P={self.n_patterns}, d={self.patterns.shape[1]}, "
                f"beta={self.beta:g})")

    def _queries(self, xi):
        q = np.asarray(xi, dtype=np.float64)
        one = q.ndim == 1
        q = np.atleast_2d(q)
        if q.ndim != 2 or q.shape[1] != self.patterns.shape[1]:
            raise ValueError(f"states must have shape (d,) or (B, d) with d = "
                             f"{self.patterns.shape[1]}; got {np.shape(xi)}")
        return q, one

    def weights(self, xi) -> np.ndarray:
        """``softmax(β X ξ)`` per query (overflow-safe)."""
        q, one = self._queries(xi)
        p = _softmax_rows(self.beta * q @ self.patterns.T)
        return p[0] if one else p

    def update(self, xi) -> np.ndarray:
        """One update ``ξ ← Xᵀ softmax(β X ξ)``."""
        q, one = self._queries(xi)
        out = _softmax_rows(self.beta * q @ self.patterns.T) @ self.patterns
        return out[0] if one else out

    def energy(self, xi) -> np.ndarray | float:
        """``E(ξ) = −lse(β, Xξ) + ½ξᵀξ + β⁻¹ ln P + ½M²`` (≥ 0 up to rounding)."""
        q, one = self._queries(xi)
        z = self.beta * q @ self.patterns.T
        zm = z.max(axis=1)
        lse = (zm + np.log(np.exp(z - zm[:, None]).sum(axis=1))) / self.beta
        e = (-lse + 0.5 * np.einsum("bi,bi->b", q, q) + np.log(self.n_patterns) / self.beta
             + 0.5 * self.max_norm**2)
        return e[0] if one else e

    def retrieve(self, xi, *, max_iterations: int = 1000, tol: float = 1e-10) -> RetrievalResult:
        """Iterate the update until ``||ξ_{t+1} − ξ_t|| ≤ tol (1 + M)`` (a fixed point)."""
        max_iterations = check_int(max_iterations, "max_iterations", minimum=1)
        tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
        q, _ = self._queries(xi)
        q = q.copy()  # never iterate in place on the caller's array
        b = q.shape[0]
        its = np.zeros(b, np.int64)
        conv = np.zeros(b, bool)
        active = np.arange(b)
        for t in range(1, max_iterations + 1):
            new = self.update(q[active])
            step = np.linalg.norm(new - q[active], axis=1)
            q[active] = new
            its[active] = t
            done = step <= tol * (1.0 + self.max_norm)
            conv[active[done]] = True
            active = active[~done]
            if active.size == 0:
                break
        p = self.weights(q)
        n_eff = 1.0 / np.sum(p * p, axis=1)
        kind = np.where(n_eff < 1.5, 0, np.where(n_eff >= self.n_patterns / 2.0, 2, 1))
        return RetrievalResult(q, p, n_eff, kind.astype(np.int8), p.argmax(axis=1), its, conv,
                               self.energy(q), self.beta)


def clustered_patterns(n_clusters: int, per_cluster: int, dim: int, *, spread: float = 0.3,
                       rng=None) -> np.ndarray:
    """Patterns in clusters: unit cluster centres plus Gaussian spread, normalised to norm 1.

    Shape ``(n_clusters · per_cluster, dim)``, cluster by cluster.
    """
    c = check_int(n_clusters, "n_clusters", minimum=1)
    k = check_int(per_cluster, "per_cluster", minimum=1)
    d = check_int(dim, "dim", minimum=2)
    spread = check_real(spread, "spread", minimum=0.0)
    gen = as_rng(rng)
    centres = gen.standard_normal((c, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    X = np.repeat(centres, k, axis=0) + spread * gen.standard_normal((c * k, d)) / np.sqrt(d)
    return X / np.linalg.norm(X, axis=1, keepdims=True)


@summarized
@dataclass(frozen=True)
class BetaTransition:
    """Fixed points reached from every stored pattern, against β.

    Attributes
    ----------
    betas : ndarray (K,)
    fractions : ndarray (K, 3)
        Fraction of starts ending in a single / metastable / global fixed point.
    mean_n_eff : ndarray (K,)
        Mean effective number of averaged patterns.
    retrieved : ndarray (K,)
        Fraction of starts whose fixed point is single and nearest to its own pattern.
    n_clusters, per_cluster, dim : int
    spread : float
    seed : int or None
    """

    betas: np.ndarray
    fractions: np.ndarray = field(metadata={"unit": "fraction", "description":
                                            "single, metastable, global fixed points"})
    mean_n_eff: np.ndarray = field(default_factory=lambda: np.zeros(0))
    retrieved: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_clusters: int = 0
    per_cluster: int = 0
    dim: int = 0
    spread: float = 0.0
    seed: int | None = None


def beta_transition(betas, *, n_clusters: int = 4, per_cluster: int = 8, dim: int = 64,
                    spread: float = 0.3, rng=None) -> BetaTransition:
    """Global average → metastable states → single patterns as β grows (Ramsauer et al.).

    Clustered unit patterns (:func:`clustered_patterns`); the update is iterated from every
    stored pattern and the fixed point classified (:data:`KINDS`).

    Examples
    --------
    >>> tr = beta_transition([0.5, 20.0, 2000.0], rng=0)
    >>> tr.fractions.argmax(axis=1).tolist()      # global, metastable, single
    [2, 1, 0]
    """
    b = np.array([check_real(v, "betas", minimum=0.0, strict_min=True)
                  for v in np.atleast_1d(betas).tolist()])
    seed = rng if isinstance(rng, (int, np.integer)) else None
    X = clustered_patterns(n_clusters, per_cluster, dim, spread=spread, rng=rng)
    fr = np.zeros((b.size, 3))
    neff = np.zeros(b.size)
    ret = np.zeros(b.size)
    for k, beta in enumerate(b):
        res = ModernHopfield(X, beta).retrieve(X, max_iterations=2000)
        fr[k] = np.bincount(res.kind, minlength=3) / X.shape[0]
        neff[k] = res.n_eff.mean()
        ret[k] = np.mean((res.kind == 0) & (res.nearest == np.arange(X.shape[0])))
    return BetaTransition(b, fr, neff, ret, n_clusters, per_cluster, dim, float(spread),
                          None if seed is None else int(seed))


@summarized
@dataclass(frozen=True)
class SeparationCheck:
    """Ramsauer et al.'s separation condition against retrieval, for random unit patterns.

    Arrays of shape (len(n_patterns),):

    Attributes
    ----------
    n_patterns : ndarray of int64
    satisfied : ndarray
        Fraction of patterns meeting the separation condition (sufficient for storage).
    retrieved : ndarray
        Fraction whose iteration from the pattern ends within ``1/(βPM)`` of it.
    violations : ndarray of int64
        Patterns meeting the condition whose iterates leave the sphere ``S_i`` or whose fixed
        point lies outside it (the theorem says 0).
    beta : float
    dim : int
    seed : int or None
    """

    n_patterns: np.ndarray
    satisfied: np.ndarray = field(metadata={"unit": "fraction", "description":
                                            "patterns meeting the separation condition"})
    retrieved: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "fraction", "description": "patterns whose fixed point is within the sphere"})
    violations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    beta: float = 1.0
    dim: int = 0
    seed: int | None = None


def separation_check(n_patterns, *, dim: int = 32, beta: float = 8.0,
                     rng=None) -> SeparationCheck:
    """Check the separation-based storage condition of Ramsauer et al. numerically.

    For P random unit patterns in d dimensions, every pattern meeting
    ``Δ_i ≥ 2/(βP) + β⁻¹ ln(2(P−1)PβM²)`` must converge, from the pattern, to a fixed point
    within ``1/(βPM)`` of it, with every iterate inside that sphere.

    Examples
    --------
    >>> chk = separation_check([4, 64, 1024], dim=16, beta=30.0, rng=0)
    >>> chk.violations.tolist(), bool(chk.satisfied[0] > chk.satisfied[-1])
    ([0, 0, 0], True)
    """
    ps = np.array([check_int(v, "n_patterns", minimum=2) for v in
                   np.atleast_1d(n_patterns).tolist()], dtype=np.int64)
    d = check_int(dim, "dim", minimum=2)
    beta = check_real(beta, "beta", minimum=0.0, strict_min=True)
    seed = rng if isinstance(rng, (int, np.integer)) else None
    gen = as_rng(rng)
    sat, ret, viol = np.zeros(ps.size), np.zeros(ps.size), np.zeros(ps.size, np.int64)
    for k, p in enumerate(ps.tolist()):
        X = gen.standard_normal((p, d))
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        net = ModernHopfield(X, beta)
        m = net.max_norm
        G = X @ X.T
        diag = np.diag(G).copy()
        np.fill_diagonal(G, -np.inf)
        delta = diag - G.max(axis=1)
        bound = 2.0 / (beta * p) + np.log(2.0 * (p - 1) * p * beta * m * m) / beta
        ok = delta >= bound
        radius = 1.0 / (beta * p * m)
        q = X.copy()
        inside = np.ones(p, bool)
        for _ in range(200):
            new = net.update(q)
            inside &= np.linalg.norm(new - X, axis=1) <= radius * (1 + 1e-9)
            if np.allclose(new, q, rtol=0, atol=1e-14):
                q = new
                break
            q = new
        final_in = np.linalg.norm(q - X, axis=1) <= radius * (1 + 1e-9)
        sat[k] = ok.mean()
        ret[k] = final_in.mean()
        viol[k] = int(np.sum(ok & ~(inside & final_in)))
    return SeparationCheck(ps, sat, ret, viol, beta, d, None if seed is None else int(seed))

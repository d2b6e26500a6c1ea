"""Census of the exact fixed points of Hebb networks by kind, against the α → 0 mixture theory.

Amit, Gutfreund & Sompolinsky (1985, Phys. Rev. A 32, 1007) solved the Hopfield model with a
finite number P of random patterns as N → ∞ (α = P/N → 0). At T = 0 the mean-field states
are the 2P retrieval (Mattis) states and the symmetric mixtures
``sign(Σ_{μ∈S} ε_μ ξ^μ)`` of an odd number n = |S| of patterns (C(P, n)·2^n of each order),
which are local minima; symmetric mixtures of an even number are saddle points (below
T ≈ 0.46 only the 3-mixtures remain among the mixtures' finite-T minima, hence the
abstract's "below T ≈ 0.46 T_c additional dynamically stable states appear").

:func:`mixture_census` counts, for random patterns at finite N, every exact fixed point
(``s_i h_i ≥ 0`` for all i, :func:`~esorma.attractors.hebb_fixed_points`) by kind:

* ``pattern``: ±ξ^μ exactly (theory: 2P);
* ``mixture n`` for odd n ≥ 3: exactly the symmetric mixture state (theory: C(P, n)·2^n);
* ``other``: every other fixed point. At fixed P all of them have macroscopic overlaps
  (``max_overlap_min``): they are asymmetric mixtures, not spin-glass states.

Theory and census differ in what "stable" means: the theory's stability is that of the
mean-field free energy under changes of the overlaps; the census asks for stability to every
single spin flip of a finite network, a weaker condition that many asymmetric states meet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from math import comb

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int

__all__ = ["MixtureCensus", "mixture_census", "mixture_theory_counts"]


def mixture_theory_counts(n_patterns: int) -> dict[str, int]:
    """The α → 0, T = 0 count of each kind: ``2P`` patterns and ``C(P, n)·2^n`` symmetric
    n-mixtures for odd ``3 ≤ n ≤ P`` (Amit, Gutfreund & Sompolinsky 1985).

    Examples
    --------
    >>> mixture_theory_counts(5)
    {'pattern': 10, 'mixture 3': 80, 'mixture 5': 32}
    """
    p = check_int(n_patterns, "n_patterns", minimum=1)
    out = {"pattern": 2 * p}
    for n in range(3, p + 1, 2):
        out[f"mixture {n}"] = comb(p, n) * 2**n
    return out


@summarized
@dataclass(frozen=True)
class MixtureCensus:
    """Exact fixed points of Hebb networks counted by kind, per (P, N) and pattern draw.

    Attributes
    ----------
    n_patterns : ndarray of int64, shape (A,)
        The P values.
    n_neurons : ndarray of int64, shape (B,)
        The N values.
    kinds : ndarray of str, shape (K,)
        ``"pattern"``, ``"mixture 3"``, ``"mixture 5"``, ..., ``"other"`` (orders up to the
        largest P).
    counts : ndarray of float64, shape (A, B, D, K)
        Fixed points of each kind in each of the D pattern draws.
    totals : ndarray of float64, shape (A, B, D)
        All fixed points of each draw.
    theory : ndarray of float64, shape (A, K)
        The α → 0 count of each kind (:func:`mixture_theory_counts`; NaN for ``other`` and
        for orders above P).
    max_overlap_min : ndarray of float64, shape (A, B)
        The least ``max_μ |m_μ|`` over every ``other`` fixed point of every draw (NaN if none):
        how macroscopic the other states are.
    seconds : ndarray of float64, shape (A, B, D)
        Time of each exact enumeration.
    self_coupling : bool
    seed : int or None
    """

    n_patterns: np.ndarray
    n_neurons: np.ndarray
    kinds: np.ndarray
    counts: np.ndarray
    totals: np.ndarray
    theory: np.ndarray
    max_overlap_min: np.ndarray
    seconds: np.ndarray = field(metadata={"unit": "s", "description": "enumeration time"})
    self_coupling: bool = False
    seed: int | None = None

    @property
    def n_draws(self) -> int:
        return int(self.counts.shape[2])

    @property
    def mean(self) -> np.ndarray:
        """Mean count per kind over the draws, shape (A, B, K)."""
        return self.counts.mean(axis=2)

    @property
    def stderr(self) -> np.ndarray:
        """Standard error of :attr:`mean` (0 with one draw), shape (A, B, K)."""
        d = self.n_draws
        if d < 2:
            return np.zeros_like(self.mean)
        return self.counts.std(axis=2, ddof=1) / np.sqrt(d)

    @property
    def fraction_of_theory(self) -> np.ndarray:
        """Mean count of each theory kind over its α → 0 count, shape (A, B, K) (NaN where
        the theory has none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.mean / self.theory[:, None, :]

    def table(self) -> str:
        """The census as a text table (mean ± stderr per kind, with the theory)."""
        head = ["P", "N"] + [str(k) for k in self.kinds] + ["total"]
        lines = ["  ".join(f"{h:>16}" for h in head)]
        for a, p in enumerate(self.n_patterns):
            th = ["", "theory"] + ["-" if np.isnan(t) else f"{t:.0f}" for t in self.theory[a]]
            lines.append("  ".join(f"{x:>16}" for x in th + [""]))
            for b, n in enumerate(self.n_neurons):
                cells = [str(int(p)), str(int(n))]
                for k in range(self.kinds.size):
                    if np.isnan(self.theory[a, k]) and self.kinds[k] != "other":
                        cells.append("-")
                    else:
                        cells.append(f"{self.mean[a, b, k]:.1f}±{self.stderr[a, b, k]:.1f}")
                tot = self.totals[a, b]
                err = tot.std(ddof=1) / np.sqrt(tot.size) if tot.size > 1 else 0.0
                cells.append(f"{tot.mean():.1f}±{err:.1f}")
                lines.append("  ".join(f"{x:>16}" for x in cells))
        return "\n".join(lines)


def mixture_census(
    n_patterns=(3, 4, 5),
    n_neurons=(100, 1000, 10000),
    *,
    n_draws: int = 10,
    self_coupling: bool = False,
    max_seconds: float = 600.0,
    rng=None,
) -> MixtureCensus:
    """Count every exact fixed point of Hebb networks by kind, over random pattern draws.

    Parameters
    ----------
    n_patterns : sequence of int
        P values (each ≥ 1; P ≤ 6 runs in seconds at any N, see :func:`hebb_fixed_points`).
    n_neurons : sequence of int
        N values (each ≥ 2).
    n_draws : int
        Independent pattern draws per (P, N).
    self_coupling : bool
        Keep the diagonal ``J_ii = P/N`` (default: zero diagonal, as the networks of esorma).
    max_seconds : float
        Passed to :func:`hebb_fixed_points` (refusal of one enumeration estimated longer).
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    MixtureCensus

    Examples
    --------
    >>> c = mixture_census([3], [200], n_draws=2, rng=0)
    >>> c.kinds.tolist()
    ['pattern', 'mixture 3', 'other']
    >>> c.mean[0, 0].tolist()           # P = 3: the 6 patterns and the 8 mixtures, no other
    [6.0, 8.0, 0.0]
    """
    from esorma.attractors.lowrank import hebb_fixed_points
    from esorma.patterns import random_patterns

    ps = np.array([check_int(p, "n_patterns", minimum=1) for p in np.atleast_1d(n_patterns)],
                  dtype=np.int64)
    ns = np.array([check_int(n, "n_neurons", minimum=2) for n in np.atleast_1d(n_neurons)],
                  dtype=np.int64)
    if ps.size == 0 or ns.size == 0:
        raise ValueError("n_patterns and n_neurons must each hold at least one value")
    n_draws = check_int(n_draws, "n_draws", minimum=1)
    seed = rng if isinstance(rng, (int, np.integer)) else None
    gen = as_rng(rng)
    orders = list(range(3, int(ps.max()) + 1, 2))
    kinds = ["pattern"] + [f"mixture {n}" for n in orders] + ["other"]
    col = {n: 1 + i for i, n in enumerate(orders)}
    K = len(kinds)
    counts = np.zeros((ps.size, ns.size, n_draws, K))
    totals = np.zeros((ps.size, ns.size, n_draws))
    seconds = np.zeros((ps.size, ns.size, n_draws))
    mmin = np.full((ps.size, ns.size), np.nan)
    theory = np.full((ps.size, K), np.nan)
    for a, p in enumerate(ps):
        for name, value in mixture_theory_counts(int(p)).items():
            theory[a, kinds.index(name)] = value
        for b, n in enumerate(ns):
            for d in range(n_draws):
                xi = random_patterns(int(p), int(n), rng=gen)
                t0 = time.perf_counter()
                fp = hebb_fixed_points(patterns=xi, self_coupling=self_coupling,
                                       max_seconds=max_seconds)
                lab = fp.labels(tol=0.0, max_order=int(p))
                seconds[a, b, d] = time.perf_counter() - t0
                w = fp.multiplicity
                totals[a, b, d] = w.sum()
                is_pat = lab.kind <= 1
                counts[a, b, d, 0] = w[is_pat].sum()
                for m, c in col.items():
                    counts[a, b, d, c] = w[(lab.kind == 2) & (lab.order == m)].sum()
                other = lab.kind == 3
                counts[a, b, d, K - 1] = w[other].sum()
                if other.any():
                    low = float(np.abs(lab.overlaps[other]).max(axis=1).min())
                    mmin[a, b] = low if np.isnan(mmin[a, b]) else min(mmin[a, b], low)
    return MixtureCensus(
        n_patterns=ps,
        n_neurons=ns,
        kinds=np.array(kinds),
        counts=counts,
        totals=totals,
        theory=theory,
        max_overlap_min=mmin,
        seconds=seconds,
        self_coupling=bool(self_coupling),
        seed=None if seed is None else int(seed),
    )

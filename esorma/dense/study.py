"""Study functions of dense associative memories (what ``esorma dense`` and the experiment run).

:func:`landscape_study` -- the attractor landscape against the interaction order: exact
enumeration of every fixed point of networks storing the *same* patterns with F = x², x³, ...,
e^x, their kinds (stored patterns, reversed patterns, odd mixtures, other spurious states) and
the basins (where random starts end). :func:`continuous_study` -- the continuous model: the β
transition and the separation check. Capacity: :func:`esorma.dense.dense_capacity_study`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int, check_real, spawn_seeds
from esorma.dense.continuous import (
    BetaTransition,
    SeparationCheck,
    beta_transition,
    separation_check,
)
from esorma.dense.dynamics import run
from esorma.dense.enumerate import enumerate_dense_fixed_points
from esorma.dense.networks import DenseHopfield, parse_model

__all__ = ["DenseLandscape", "landscape_study", "ContinuousStudy", "continuous_study",
           "LANDSCAPE_KINDS"]

#: Kinds of fixed points (the labels of :func:`esorma.attractors.label_states`, exact match).
LANDSCAPE_KINDS = ("pattern", "reversed", "mixture", "spurious")


def _int_seed(rng):
    return int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None


@summarized
@dataclass(frozen=True)
class DenseLandscape:
    """Fixed points and basins of dense associative memories against the model.

    Attributes
    ----------
    models : ndarray of str, shape (M,)
    patterns : ndarray int8, shape (P, N)
        The patterns every model stores.
    n_fixed_points : ndarray of int64, shape (M,)
    kind_counts : ndarray of int64, shape (M, 4)
        Fixed points that are stored patterns, reversed patterns, odd symmetric mixtures and
        other (spurious) states (:data:`LANDSCAPE_KINDS`, exact matches).
    basin_fractions : ndarray, shape (M, 4)
        Fraction of random starts whose asynchronous zero-T dynamics ends in each kind.
    retrieved_from_noise : ndarray, shape (M,)
        Fraction of starts at the patterns with ``corruption`` flipped spins that end on them.
    lowest_spurious_gap : ndarray, shape (M,)
        Lowest spurious/mixture energy minus the highest stored-pattern energy (> 0: every
        spurious state lies above every pattern); NaN without spurious states.
    seconds : ndarray, shape (M,)
        Enumeration time per model.
    n_starts : int
    corruption : float
    seed : int or None
    """

    models: np.ndarray
    patterns: np.ndarray
    n_fixed_points: np.ndarray = field(metadata={"unit": "states", "description":
                                                 "number of 1-flip-stable states"})
    kind_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.int64),
                                    metadata={"unit": "states", "description":
                                              "pattern, reversed, mixture, spurious"})
    basin_fractions: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)), metadata={
        "unit": "fraction", "description": "random starts ending in each kind"})
    retrieved_from_noise: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lowest_spurious_gap: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "energy", "description": "lowest non-pattern minus highest pattern energy"})
    seconds: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "s", "description": "enumeration wall time"})
    n_starts: int = 0
    corruption: float = 0.0
    seed: int | None = None

    def key_numbers(self) -> dict:
        return {
            "n_neurons": int(self.patterns.shape[1]), "n_patterns": int(self.patterns.shape[0]),
            "seed": self.seed, "n_starts": self.n_starts, "corruption": self.corruption,
            "models": {str(m): {"fixed_points": int(self.n_fixed_points[i]),
                                "kinds": dict(zip(LANDSCAPE_KINDS,
                                                  self.kind_counts[i].tolist())),
                                "basins": dict(zip(LANDSCAPE_KINDS,
                                                   self.basin_fractions[i].round(4).tolist())),
                                "retrieved_from_noise": float(self.retrieved_from_noise[i]),
                                "lowest_spurious_gap": float(self.lowest_spurious_gap[i])}
                       for i, m in enumerate(self.models)}}

    def text(self) -> list[str]:
        p, n = self.patterns.shape
        lines = [f"Dense associative memories: every fixed point of N = {n}, P = {p} "
                 f"(exact enumeration of 2^{n} states); basins from {self.n_starts} random "
                 "starts",
                 f"  {'model':>6} {'fixed':>6} {'pattern':>8} {'reversed':>9} {'mixture':>8} "
                 f"{'spurious':>9} | basins: pattern reversed mixture spurious | "
                 f"from {self.corruption:g} noise"]
        for i, m in enumerate(self.models):
            c = self.kind_counts[i]
            b = self.basin_fractions[i]
            lines.append(f"  {m:>6} {int(self.n_fixed_points[i]):6d} {c[0]:8d} {c[1]:9d} "
                         f"{c[2]:8d} {c[3]:9d} |  {b[0]:.3f}  {b[1]:.3f}  {b[2]:.3f}  "
                         f"{b[3]:.3f}  | {self.retrieved_from_noise[i]:.3f}")
        return lines


def landscape_study(n_neurons: int = 16, n_patterns: int = 4,
                    models=("poly2", "poly3", "poly4", "poly5", "exp"), *,
                    n_starts: int = 2000, corruption: float = 0.125,
                    max_seconds: float = 120.0, rng=None) -> DenseLandscape:
    """How the attractor landscape changes with the interaction order.

    The same random patterns are stored with every model; all fixed points are enumerated
    exactly (:func:`enumerate_dense_fixed_points`) and labelled
    (:func:`esorma.attractors.label_states`, exact matches); ``n_starts`` random states and
    ``n_starts`` noisy patterns are run to their fixed points.

    Examples
    --------
    >>> ls = landscape_study(12, 3, ("poly2", "poly4"), n_starts=200, rng=0)
    >>> ls.kind_counts[:, 0].tolist()           # every pattern is a fixed point
    [3, 3]
    >>> bool(ls.n_fixed_points[1] <= ls.n_fixed_points[0])
    True
    """
    from esorma.attractors import label_states
    from esorma.patterns import corrupt, random_patterns

    n = check_int(n_neurons, "n_neurons", minimum=2, maximum=30)
    p = check_int(n_patterns, "n_patterns", minimum=1)
    models = [str(m) for m in (models if not isinstance(models, str) else [models])]
    for m in models:
        parse_model(m)
    if not models:
        raise ValueError("models must name at least one model")
    n_starts = check_int(n_starts, "n_starts", minimum=1)
    corruption = check_real(corruption, "corruption", minimum=0.0, maximum=0.5)
    gen = as_rng(rng)
    xi = random_patterns(p, n, rng=gen)
    starts = gen.choice(np.array([-1, 1], np.int8), size=(n_starts, n))
    noisy_idx = gen.integers(0, p, size=n_starts)
    noisy = corrupt(xi[noisy_idx], corruption, rng=gen)
    seeds = spawn_seeds(gen, 2 * len(models))
    nfp = np.zeros(len(models), np.int64)
    counts = np.zeros((len(models), 4), np.int64)
    basins = np.zeros((len(models), 4))
    rec = np.zeros(len(models))
    gap = np.full(len(models), np.nan)
    secs = np.zeros(len(models))
    for k, m in enumerate(models):
        net = DenseHopfield.from_model(xi, m)
        t0 = time.perf_counter()
        fp = enumerate_dense_fixed_points(net, max_seconds=max_seconds)
        secs[k] = time.perf_counter() - t0
        nfp[k] = fp.count
        lab = label_states(fp.states, xi, tol=0.0)
        counts[k] = np.bincount(lab.kind, minlength=4)[:4]
        pat = lab.kind == 0
        other = lab.kind >= 2
        if other.any() and pat.any():
            gap[k] = fp.energies[other].min() - fp.energies[pat].max()
        res = run(net, starts, rng=int(seeds[2 * k]))
        fl = label_states(res.states, xi, tol=0.0)
        basins[k] = np.bincount(fl.kind, minlength=4)[:4] / n_starts
        res2 = run(net, noisy, rng=int(seeds[2 * k + 1]))
        rec[k] = np.mean(np.all(res2.states == xi[noisy_idx], axis=1))
    return DenseLandscape(np.array(models, dtype=str), xi, nfp, counts, basins, rec, gap, secs,
                          n_starts, corruption, _int_seed(rng))


@summarized
@dataclass(frozen=True)
class ContinuousStudy:
    """The continuous modern Hopfield network: β transition and separation check."""

    transition: BetaTransition
    separation: SeparationCheck

    def key_numbers(self) -> dict:
        t, s = self.transition, self.separation
        return {"betas": t.betas.tolist(),
                "fractions": {k: t.fractions[:, i].tolist()
                              for i, k in enumerate(("single", "metastable", "global"))},
                "mean_n_eff": t.mean_n_eff.tolist(), "retrieved": t.retrieved.tolist(),
                "separation": {"n_patterns": s.n_patterns.tolist(), "beta": s.beta,
                               "dim": s.dim, "satisfied": s.satisfied.tolist(),
                               "retrieved": s.retrieved.tolist(),
                               "violations": s.violations.tolist()}}

    def text(self) -> list[str]:
        t, s = self.transition, self.separation
        lines = [f"Continuous modern Hopfield: {t.n_clusters} clusters x {t.per_cluster} unit "
                 f"patterns in d = {t.dim} (spread {t.spread:g}); fixed points from every "
                 "pattern",
                 f"  {'beta':>9} {'single':>7} {'metast.':>7} {'global':>7} {'n_eff':>7}"]
        for i, b in enumerate(t.betas):
            f = t.fractions[i]
            lines.append(f"  {b:9.4g} {f[0]:7.3f} {f[1]:7.3f} {f[2]:7.3f} "
                         f"{t.mean_n_eff[i]:7.2f}")
        lines.append(f"  separation condition (Ramsauer et al. eq. 9), beta = {s.beta:g}, "
                     f"d = {s.dim}, random unit patterns:")
        for i, p in enumerate(s.n_patterns):
            lines.append(f"    P = {int(p):6d}: condition met {s.satisfied[i]:.3f}, retrieved "
                         f"{s.retrieved[i]:.3f}, violations {int(s.violations[i])}")
        return lines


def continuous_study(betas=(0.5, 2.0, 5.0, 20.0, 50.0, 100.0, 500.0), *,
                     n_clusters: int = 4, per_cluster: int = 8, dim: int = 64,
                     spread: float = 0.3, separation_patterns=(4, 16, 64, 256, 1024),
                     separation_dim: int = 16, separation_beta: float = 30.0,
                     rng=None) -> ContinuousStudy:
    """The β transition (:func:`beta_transition`) and the separation check
    (:func:`separation_check`) in one result.

    Examples
    --------
    >>> cs = continuous_study((0.5, 2000.0), separation_patterns=(4, 64), rng=0)
    >>> cs.transition.fractions[:, [2, 0]].tolist(), cs.separation.violations.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [0, 0])
    """
    gen = as_rng(rng)
    s1, s2 = (int(v) for v in spawn_seeds(gen, 2))
    tr = beta_transition(betas, n_clusters=n_clusters, per_cluster=per_cluster, dim=dim,
                         spread=spread, rng=s1)
    sep = separation_check(separation_patterns, dim=separation_dim, beta=separation_beta,
                           rng=s2)
    return ContinuousStudy(tr, sep)

"""Capacity of dense associative memories: sweeps over (model, N, P), P_max(N) and its scaling.

A grid point ``(model, N, P)`` draws ``n_networks`` networks storing P random patterns and
starts the zero-temperature asynchronous dynamics from ``n_probes`` stored patterns (exactly,
or with a fraction ``corruption`` of flipped spins). A probe is *retrieved* when the final
state equals the pattern exactly (error-free retrieval, the criterion of Krotov & Hopfield).
P_max(N) is where the retrieved fraction crosses 1/2 (interpolated in ln P), and the scaling of
P_max(N) is fitted against the theory.

The P grid of each N is a list of ``loads`` times the theory's scale ``P_theory(N)``
(:func:`theory_capacity`), so that one grid of loads fits every N and every model. Points are
run by :func:`esorma.sweeps.run_sweep` (optional HDF5 checkpoint, atomic commits, resume,
processes or Dask), each seeded from the study seed and its coordinates.

Theory
------
Polynomial ``F(x) = x^n`` (Krotov & Hopfield 2016, eq. for error-free retrieval):
``P_max ≈ N^{n−1} / (2 (2n−3)!! ln N)``, obtained from the Gaussian crosstalk of variance
``(2n−3)!! P N^{n−1}`` against the signal ``2n N^{n−1}`` per bit. The same signal-to-noise
argument at finite N (exact signal ``F(N) − F(N−2)``, exact crosstalk variance
``E[(F(y+1) − F(y−1))^2]`` over the binomial ``y``, independent bits) gives the P at which half
the patterns are stable (:func:`gaussian_half_capacity`), which carries the finite-N
corrections the asymptotic law leaves out.

Exponential ``F(x) = e^x`` (Demircigil et al. 2017): ``P = e^{α N}`` patterns are retrieved from
a fraction ρ of errors for ``α < I(1 − 2ρ)/2`` with ``I(x) = ½[(1+x) ln(1+x) + (1−x) ln(1−x)]``;
at ρ = 0, ``α* = ln 2 / 2 ≈ 0.347`` (P ≈ 2^{N/2}). That theorem (their Theorem 3) asks for
*every* pattern to be retrieved from *every* start at distance ρN; the factor 1/2 is the price
of the union over the e^{αN} patterns. The measured P_max (half of the *probed* patterns
retrieved) is a typical-pattern threshold, whose rate is twice as large,
``α_1(ρ) = I(1 − 2ρ) = ln 2 − H(ρ)`` (:func:`typical_rate`; the typical/all distinction is
Lucibello & Mézard 2023's α_1 / α_c): a start at distance k = ρN from its pattern is captured
by another pattern when one of the P − 1 random patterns lies closer to it, which happens with
probability ``P · Σ_{d<k} C(N, d) 2^{−N} ≈ P e^{−N (ln 2 − H(ρ))}``. The finite-N form of that
argument (:func:`nearest_pattern_capacity`, exact binomial sums) carries the prefactor
(``ln P ≈ α_1 N + ½ ln N + c``, Bahadur–Rao) that a fit over small N otherwise mistakes for
rate. At ρ = 0 the closest competitors are at distance 1, which the nearest-pattern argument
does not count: measure the rate from noisy starts (ρ > 0).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._stats import wilson_interval
from esorma._threads import single_threaded_blas
from esorma._validation import check_int, check_real
from esorma.dense.networks import DenseHopfield, double_factorial, parse_model

__all__ = [
    "DenseCapacityConfig",
    "DenseCapacityReport",
    "dense_capacity_study",
    "dense_capacity_point",
    "theory_capacity",
    "gaussian_half_capacity",
    "exp_rate",
    "typical_rate",
    "nearest_pattern_capacity",
    "finite_capacity",
    "SCALES",
    "KIND",
]

KIND = "dense-capacity"
#: How a study's P grid is scaled: ``load × theory_capacity`` or ``load × finite_capacity``.
SCALES = ("theory", "finite")


def exp_rate(corruption: float = 0.0) -> float:
    """Demircigil et al.'s rate ``α*(ρ) = I(1 − 2ρ) / 2`` (``ln 2 / 2`` at ρ = 0).

    Examples
    --------
    >>> round(exp_rate(0.0), 6), round(exp_rate(0.1), 4)
    (0.346574, 0.184)
    """
    x = 1.0 - 2.0 * check_real(corruption, "corruption", minimum=0.0, maximum=0.5,
                               strict_max=True)
    info = 0.5 * ((1 + x) * math.log(1 + x) + ((1 - x) * math.log(1 - x) if x < 1 else 0.0))
    return info / 2.0


def typical_rate(corruption: float = 0.0) -> float:
    """Rate of the typical-pattern threshold of F = e^x: ``α_1(ρ) = I(1 − 2ρ) = ln 2 − H(ρ)``.

    Twice Demircigil et al.'s all-pattern rate (:func:`exp_rate`).

    Examples
    --------
    >>> round(typical_rate(0.0), 6), round(typical_rate(0.2), 4)
    (0.693147, 0.1927)
    """
    return 2.0 * exp_rate(corruption)


def nearest_pattern_capacity(n_neurons, corruption: float = 0.0) -> np.ndarray:
    """Finite-N typical-pattern capacity of F = e^x: the P at which a start at distance
    ``k = round(ρ N)`` from its pattern has probability 1/2 that none of the P − 1 other random
    patterns is closer to it (a pattern at distance exactly k counts 1/2).

    ``q = [Σ_{d<k} C(N, d) + C(N, k) / 2] 2^{−N}`` and ``(1 − q)^{P−1} = 1/2`` (exact
    binomial sums). Its rate in N is :func:`typical_rate`; the async dynamics also lets
    patterns at distance k + 1 compete, so the measured P_max lies a slowly varying factor
    (about 1/2 at ρ = 0.2) below it. At ρ = 0 only identical patterns count: not a useful
    prediction there.

    Examples
    --------
    >>> nearest_pattern_capacity([20, 40], 0.2).round(1).tolist()
    [193.3, 12353.9]
    """
    rho = check_real(corruption, "corruption", minimum=0.0, maximum=0.5, strict_max=True)
    out = []
    for n in np.atleast_1d(n_neurons).tolist():
        n = int(n)
        k = int(round(rho * n))
        num = 2 * sum(math.comb(n, d) for d in range(k)) + math.comb(n, k)
        q = num / 2 ** (n + 1)
        out.append(1.0 + math.log(2.0) / -math.log1p(-q))
    return np.array(out)


def finite_capacity(model: str, n_neurons, corruption: float = 0.0) -> np.ndarray:
    """The finite-N prediction of P_max: :func:`gaussian_half_capacity` (polynomial) or
    :func:`nearest_pattern_capacity` (exponential)."""
    interaction, _ = parse_model(model)
    if interaction == "exp":
        return nearest_pattern_capacity(n_neurons, corruption)
    return gaussian_half_capacity(model, n_neurons)


def theory_capacity(model: str, n_neurons, corruption: float = 0.0) -> np.ndarray:
    """The theory's capacity scale: ``N^{n−1} / (2 (2n−3)!! ln N)`` or ``e^{α*(ρ) N}``.

    Examples
    --------
    >>> theory_capacity("poly2", [100]).round(2).tolist()      # N / (2 ln N)
    [10.86]
    >>> theory_capacity("exp", [20]).round(1).tolist()          # 2^(N/2)
    [1024.0]
    """
    interaction, degree = parse_model(model)
    n = np.asarray(n_neurons, dtype=np.float64)
    if interaction == "exp":
        return np.exp(exp_rate(corruption) * n)
    return n ** (degree - 1) / (2.0 * double_factorial(2 * degree - 3) * np.log(n))


def _crosstalk_variance(degree: int, n: int) -> float:
    """``E[(F(y+1) − F(y−1))^2]`` for y a sum of n − 1 random ±1 (exact binomial sum)."""
    m = n - 1
    k = np.arange(m + 1)
    y = (2 * k - m).astype(np.float64)
    logw = np.array([math.lgamma(m + 1) - math.lgamma(i + 1) - math.lgamma(m - i + 1)
                     for i in range(m + 1)]) - m * math.log(2.0)
    g = (y + 1) ** degree - (y - 1) ** degree
    return float(np.sum(np.exp(logw) * g * g))


def gaussian_half_capacity(model: str, n_neurons) -> np.ndarray:
    """P at which half the patterns are stable in the finite-N Gaussian signal-to-noise theory.

    Bit error ``p = Q(S / sqrt((P − 1) V))`` with ``S = F(N) − F(N−2)`` and ``V`` the exact
    crosstalk variance; a pattern is stable with probability ``(1 − p)^N``. Polynomial models
    only (NaN for ``"exp"``, whose crosstalk is dominated by rare large overlaps, not
    Gaussian).

    Examples
    --------
    >>> bool(10 < gaussian_half_capacity("poly2", [100])[0] < 20)
    True
    """
    from scipy.special import ndtri

    interaction, degree = parse_model(model)
    out = []
    for n in np.atleast_1d(n_neurons).tolist():
        n = int(n)
        if interaction == "exp":
            out.append(np.nan)
            continue
        s = float(n ** degree - (n - 2) ** degree)
        v = _crosstalk_variance(degree, n)
        p_bit = -math.expm1(math.log(0.5) / n)  # (1 - p)^N = 1/2
        z = -float(ndtri(p_bit))                  # Q(z) = p_bit
        out.append(1.0 + (s / z) ** 2 / v)
    return np.array(out)


@summarized
@dataclass(frozen=True)
class DenseCapacityConfig:
    """The grid and the protocol of a dense capacity study.

    Parameters
    ----------
    sizes : dict
        ``model -> list of N`` (models ``"poly2"``, ``"poly3"``, ..., ``"exp"``).
    loads : sequence of float
        P = round(load × P_theory(N)) (:func:`theory_capacity`), at least 1; repeated P are
        merged.
    n_networks, n_probes : int
        Networks per point, probed patterns per network.
    corruption : float
        Fraction of flipped spins in the starts (0: start at the pattern).
    max_sweeps : int
    scale : {"theory", "finite"}
        P = load × :func:`theory_capacity` (asymptotic law; for ``"exp"`` Demircigil et al.'s
        all-pattern e^{α* N}) or load × :func:`finite_capacity` (finite-N prediction of the
        half-retrieval point: centres the grid on the transition at every N).
    """

    sizes: dict
    loads: tuple = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
    n_networks: int = 2
    n_probes: int = 20
    corruption: float = 0.0
    max_sweeps: int = 50
    scale: str = "theory"

    def __post_init__(self):
        if not isinstance(self.sizes, dict) or not self.sizes:
            raise ValueError(f"sizes must be a non-empty dict model -> list of N; got "
                             f"{self.sizes!r}")
        sizes = {}
        for model, ns in self.sizes.items():
            interaction, _ = parse_model(model)
            vals = sorted({check_int(v, f"sizes[{model!r}]", minimum=4, maximum=100_000)
                           for v in np.atleast_1d(ns).tolist()})
            if interaction == "exp" and vals[-1] > 60:
                raise ValueError(f"sizes['exp'] must be <= 60 (P ~ 2^(N/2) patterns); got "
                                 f"{vals[-1]}")
            sizes[str(model)] = vals
        set_ = object.__setattr__
        set_(self, "sizes", sizes)
        loads = tuple(sorted({check_real(v, "loads", minimum=0.0, strict_min=True)
                              for v in np.atleast_1d(self.loads).tolist()}))
        if not loads:
            raise ValueError("loads must hold at least one value")
        set_(self, "loads", loads)
        set_(self, "n_networks", check_int(self.n_networks, "n_networks", minimum=1))
        set_(self, "n_probes", check_int(self.n_probes, "n_probes", minimum=1))
        set_(self, "corruption", check_real(self.corruption, "corruption", minimum=0.0,
                                            maximum=0.5, strict_max=True))
        set_(self, "max_sweeps", check_int(self.max_sweeps, "max_sweeps", minimum=1))
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}; got {self.scale!r}")
        for model, ns in sizes.items():
            for n in ns:
                pmax = max(self.p_values(model, n))
                if pmax * n > 2 * 10**9:
                    raise ValueError(f"model {model}, N = {n}: the largest P = {pmax} would "
                                     f"hold {pmax * n:.3g} pattern entries (> 2e9); use "
                                     "smaller loads or sizes")

    def p_values(self, model: str, n: int) -> list[int]:
        """The distinct P of one (model, N), ascending."""
        fn = theory_capacity if self.scale == "theory" else finite_capacity
        scale = float(fn(model, [n], self.corruption)[0])
        return sorted({max(1, int(round(a * scale))) for a in self.loads})

    def to_dict(self) -> dict:
        out = {"sizes": {m: list(v) for m, v in self.sizes.items()}, "loads": list(self.loads),
               "n_networks": self.n_networks, "n_probes": self.n_probes,
               "corruption": self.corruption, "max_sweeps": self.max_sweeps}
        if self.scale != "theory":  # older checkpoints (no key) resume unchanged
            out["scale"] = self.scale
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "DenseCapacityConfig":
        return cls(**d)

    def points(self, seed: int):
        from esorma.sweeps import make_point

        out = []
        for model, ns in self.sizes.items():
            for n in ns:
                for p in self.p_values(model, n):
                    out.append(make_point({"model": model, "N": n, "P": p}, seed=seed,
                                          index=len(out)))
        return out


def dense_capacity_point(point, *, config: dict):
    """Simulate one grid point ``(model, N, P)``; returns a :class:`esorma.sweeps.PointOutput`.

    Arrays of shape ``(n_networks, min(n_probes, P))``: ``retrieved`` (final state equals the
    pattern), ``final_overlap``, ``pattern_fixed_point``, ``sweeps``.
    """
    from esorma.dense.dynamics import run
    from esorma.patterns import corrupt, random_patterns
    from esorma.sweeps import PointOutput

    cfg = DenseCapacityConfig.from_dict(config)
    model = str(point.coords["model"])
    n, p = int(point.coords["N"]), int(point.coords["P"])
    k = min(cfg.n_probes, p)
    shape = (cfg.n_networks, k)
    out = {"retrieved": np.empty(shape, bool), "final_overlap": np.empty(shape),
           "pattern_fixed_point": np.empty(shape, bool), "sweeps": np.empty(shape, np.int64)}
    t0 = time.perf_counter()
    for j, child in enumerate(point.seed_sequence().spawn(cfg.n_networks)):
        rng = np.random.default_rng(child)
        xi = random_patterns(p, n, rng=rng)
        net = DenseHopfield.from_model(xi, model)
        probes = np.sort(rng.choice(p, size=k, replace=False))
        targets = xi[probes]
        starts = corrupt(targets, cfg.corruption, rng=rng) if cfg.corruption > 0 else targets
        with single_threaded_blas():
            out["pattern_fixed_point"][j] = net.is_fixed_point(targets)
            res = run(net, starts, max_sweeps=cfg.max_sweeps, rng=rng)
        out["retrieved"][j] = np.all(res.states == targets, axis=1)
        out["final_overlap"][j] = np.einsum("bi,bi->b", res.states.astype(np.float64),
                                            targets.astype(np.float64)) / n
        out["sweeps"][j] = res.sweeps
    attrs = {"model": model, "N": n, "P": p, "seconds": time.perf_counter() - t0}
    return PointOutput(out, attrs)


def _crossing(p, frac):
    """ln P where ``frac`` (decreasing in P, on the grid ``p``) first crosses 1/2; NaN if none."""
    lp = np.log(np.asarray(p, dtype=np.float64))
    f = np.asarray(frac, dtype=np.float64)
    for k in range(len(f) - 1):
        if f[k] >= 0.5 > f[k + 1]:
            t = (f[k] - 0.5) / (f[k] - f[k + 1])
            return lp[k] + t * (lp[k + 1] - lp[k]), lp[k + 1] - lp[k]
    return np.nan, np.nan


def _fit(x, y, sigma):
    """Weighted least squares y = a + b x; (b, σ_b, a, σ_a, χ²/dof), σ scaled when χ²/dof > 1."""
    x, y, s = (np.asarray(v, dtype=np.float64) for v in (x, y, sigma))
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(s) & (s > 0)
    x, y, s = x[ok], y[ok], s[ok]
    if x.size < 2:
        return (np.nan,) * 5
    w = 1.0 / s**2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    coef = cov @ (A.T @ (w * y))
    dof = x.size - 2
    chi2 = float(np.sum(w * (y - A @ coef) ** 2) / dof) if dof > 0 else np.nan
    scale = max(1.0, chi2) if np.isfinite(chi2) else 1.0
    return (float(coef[1]), float(np.sqrt(cov[1, 1] * scale)), float(coef[0]),
            float(np.sqrt(cov[0, 0] * scale)), chi2)


_F = {"unit": "1", "description": ""}


@summarized
@dataclass(frozen=True)
class DenseCapacityReport:
    """A finished dense capacity study.

    Point table (one entry per grid point, ``point_*``): model, N, P, the fraction of probes
    retrieved without error with its Wilson 1σ interval, the fraction of probed patterns that
    are fixed points, the mean final overlap.

    Size table (one entry per (model, N), ``size_*``): P_max(N) (1/2 crossing, interpolated in
    ln P), its 1σ error in ln P (Wilson bounds and grid step/√12), the theory's scale
    (:func:`theory_capacity`) and, for polynomials, the finite-N Gaussian prediction.

    Fits (one entry per model, ``fit_*``): polynomial: the exponent of ``P_max ∝ N^b`` and of
    ``P_max ln N ∝ N^b`` (theory: n − 1), with 1σ errors; exponential: the rate of
    ``P_max ∝ e^{α N}`` and of ``P_max / √N ∝ e^{α N}`` (the Bahadur–Rao prefactor removed);
    ``fit_theory``: n − 1 or Demircigil et al.'s all-pattern rate α*(ρ) = I(1 − 2ρ)/2;
    ``fit_typical``: n − 1 or the typical-pattern rate α_1(ρ) = I(1 − 2ρ) that a half-retrieval
    P_max measures; ``fit_finite``: the same fit applied to the finite-N prediction
    (:func:`finite_capacity`) on the same sizes, i.e. the rate the theory predicts *for this
    range of N*; ``fit_ratio``: the mean of P_max / P_theory.
    """

    config: DenseCapacityConfig
    seed: int
    point_model: np.ndarray
    point_n: np.ndarray
    point_p: np.ndarray
    retrieved_fraction: np.ndarray = field(metadata={"unit": "fraction", "description":
                                                     "probes retrieved with no wrong bit"})
    retrieved_low: np.ndarray = field(metadata={"unit": "fraction", "description":
                                                "Wilson 1 sigma lower bound"})
    retrieved_high: np.ndarray = field(metadata={"unit": "fraction", "description":
                                                 "Wilson 1 sigma upper bound"})
    fixed_point_fraction: np.ndarray = field(metadata={"unit": "fraction", "description":
                                                       "probed patterns that are fixed points"})
    mean_overlap: np.ndarray = field(metadata={"unit": "overlap m", "description":
                                               "mean final overlap"})
    size_model: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    size_n: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    p_max: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "patterns", "description": "P where the retrieved fraction crosses 1/2"})
    p_max_sigma_log: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "ln patterns", "description": "1 sigma error of ln P_max"})
    p_theory: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "patterns", "description": "theory scale N^(n-1)/(2(2n-3)!! ln N) or e^(a N)"})
    p_gaussian: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "patterns", "description": "finite-N Gaussian prediction of P_max (NaN: exp)"})
    fit_model: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    fit_exponent: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "b of P_max ~ N^b (poly) or alpha of e^(alpha N) (exp)"})
    fit_exponent_err: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fit_log_exponent: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "b of P_max ln N ~ N^b (poly; NaN for exp)"})
    fit_log_exponent_err: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fit_theory: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "theory exponent n-1 or rate alpha*"})
    fit_ratio: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "mean P_max / P_theory over N"})
    p_nearest: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "patterns", "description": "exp: finite-N nearest-pattern prediction of P_max "
                                           "(NaN: poly)"})
    fit_typical: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "n-1 or the typical-pattern rate I(1-2 rho)"})
    fit_finite: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={
        "unit": "1", "description": "the fitted exponent/rate of the finite-N prediction on "
                                    "the same sizes"})
    complete: bool = True
    n_computed: int = 0
    n_skipped: int = 0
    seconds: float = 0.0
    checkpoint: str | None = None

    def key_numbers(self) -> dict:
        out = {"seed": self.seed, "config": self.config.to_dict(), "complete": self.complete,
               "points_computed": self.n_computed, "points_resumed": self.n_skipped,
               "seconds": round(self.seconds, 3), "checkpoint": self.checkpoint,
               "p_max": {}, "fits": {}}
        for m, n, pm, sg, pt, pg in zip(self.size_model, self.size_n, self.p_max,
                                        self.p_max_sigma_log, self.p_theory, self.p_gaussian):
            out["p_max"].setdefault(str(m), {})[str(int(n))] = {
                "p_max": pm, "sigma_ln": sg, "theory": pt, "gaussian": pg}
        for i, m in enumerate(self.fit_model):
            out["fits"][str(m)] = {
                "exponent": self.fit_exponent[i], "exponent_err": self.fit_exponent_err[i],
                "log_corrected_exponent": self.fit_log_exponent[i],
                "log_corrected_exponent_err": self.fit_log_exponent_err[i],
                "theory": self.fit_theory[i], "p_max_over_theory": self.fit_ratio[i]}
            if len(self.fit_typical) == len(self.fit_model):
                out["fits"][str(m)].update(typical=self.fit_typical[i],
                                           finite_n_theory=self.fit_finite[i])
        if len(self.p_nearest) == len(self.size_model):
            for m, n, pn in zip(self.size_model, self.size_n, self.p_nearest):
                if np.isfinite(pn):
                    out["p_max"][str(m)][str(int(n))]["nearest_pattern"] = pn
        return out

    def text(self) -> list[str]:
        cfg = self.config
        lines = [f"Dense associative memories: error-free retrieval from corruption "
                 f"{cfg.corruption:g} ({cfg.n_networks} network(s) x {cfg.n_probes} probes per "
                 f"point, seed {self.seed})"]
        for m, n, pm, sg, pt, pg in zip(self.size_model, self.size_n, self.p_max,
                                        self.p_max_sigma_log, self.p_theory, self.p_gaussian):
            if np.isfinite(pm):
                g = f", gaussian {pg:.4g}" if np.isfinite(pg) else ""
                lines.append(f"  {m:>6} N = {int(n):5d}  P_max = {pm:.4g} (x/ e^{sg:.2f}); "
                             f"theory scale {pt:.4g}{g}")
            else:
                lines.append(f"  {m:>6} N = {int(n):5d}  no 1/2 crossing on the P grid")
        for i, m in enumerate(self.fit_model):
            if str(m) == "exp":
                extra = ""
                if len(self.fit_typical) == len(self.fit_model):
                    extra = (f"; typical-pattern rate I(1-2rho) = {self.fit_typical[i]:.3f}, "
                             f"finite-N nearest-pattern theory on these N: "
                             f"{self.fit_finite[i]:.3f}")
                lines.append(f"  fit {m}: P_max ~ e^(alpha N), alpha = {self.fit_exponent[i]:.3f}"
                             f" +- {self.fit_exponent_err[i]:.3f}; P_max/sqrt(N): "
                             f"{self.fit_log_exponent[i]:.3f} +- "
                             f"{self.fit_log_exponent_err[i]:.3f} (Demircigil et al., all "
                             f"patterns: {self.fit_theory[i]:.3f}{extra})")
            else:
                lines.append(
                    f"  fit {m}: P_max ~ N^b, b = {self.fit_exponent[i]:.3f} +- "
                    f"{self.fit_exponent_err[i]:.3f}; P_max ln N ~ N^b, b = "
                    f"{self.fit_log_exponent[i]:.3f} +- {self.fit_log_exponent_err[i]:.3f} "
                    f"(Krotov-Hopfield: {self.fit_theory[i]:g}); P_max / theory = "
                    f"{self.fit_ratio[i]:.2f}")
        state = "complete" if self.complete else "INCOMPLETE"
        lines.append(f"  sweep: {state}; {self.n_computed} points computed, {self.n_skipped} "
                     f"resumed; {self.seconds:.1f} s")
        return lines


def _analyse(cfg: DenseCapacityConfig, seed: int, stored: dict, **extra) -> DenseCapacityReport:
    from esorma.sweeps import point_key

    pm_, pn_, pp_, fr, lo, hi, fpf, mo = [], [], [], [], [], [], [], []
    sm, sn, pmax, sig, pth, pga = [], [], [], [], [], []
    fm, fe, fee, fl, fle, ft, fr_ = [], [], [], [], [], [], []
    pne, fty, ffi = [], [], []
    missing = 0
    for model, ns in cfg.sizes.items():
        interaction, degree = parse_model(model)
        theory = theory_capacity(model, ns, cfg.corruption)
        gauss = (gaussian_half_capacity(model, ns) if cfg.corruption == 0.0
                 else np.full(len(ns), np.nan))
        near = (nearest_pattern_capacity(ns, cfg.corruption) if interaction == "exp"
                else np.full(len(ns), np.nan))
        pne.extend(float(v) for v in near)
        for i, n in enumerate(ns):
            ps, fracs, lows, highs = [], [], [], []
            for p in cfg.p_values(model, n):
                pt = stored.get(point_key({"model": model, "N": n, "P": p}))
                if pt is None:
                    missing += 1
                    continue
                r = np.asarray(pt.arrays["retrieved"], dtype=bool)
                k = int(r.sum())
                lo_, hi_ = wilson_interval(k, r.size, z=1.0)
                ps.append(p)
                fracs.append(k / r.size)
                lows.append(lo_)
                highs.append(hi_)
                pm_.append(model)
                pn_.append(n)
                pp_.append(p)
                fr.append(k / r.size)
                lo.append(lo_)
                hi.append(hi_)
                fpf.append(float(np.mean(pt.arrays["pattern_fixed_point"])))
                mo.append(float(np.mean(pt.arrays["final_overlap"])))
            c, step = _crossing(ps, fracs) if len(ps) >= 2 else (np.nan, np.nan)
            if np.isfinite(c):
                cl, _ = _crossing(ps, lows)
                ch, _ = _crossing(ps, highs)
                width = abs(ch - cl) / 2 if np.isfinite(cl) and np.isfinite(ch) else step / 2
                s = math.sqrt(width**2 + step**2 / 12.0)
            else:
                s = np.nan
            sm.append(model)
            sn.append(n)
            pmax.append(math.exp(c) if np.isfinite(c) else np.nan)
            sig.append(s)
            pth.append(float(theory[i]))
            pga.append(float(gauss[i]))
        sel = slice(len(sm) - len(ns), len(sm))
        n_arr = np.array(sn[sel], dtype=np.float64)
        lp = np.log(np.array(pmax[sel]))
        sg = np.array(sig[sel])
        fm.append(model)
        if interaction == "exp":
            b, eb, *_ = _fit(n_arr, lp, sg)
            bl, ebl, *_ = _fit(n_arr, lp - 0.5 * np.log(n_arr), sg)
            fe.append(b)
            fee.append(eb)
            fl.append(bl)
            fle.append(ebl)
            ft.append(exp_rate(cfg.corruption))
            fty.append(typical_rate(cfg.corruption))
            ffi.append(_fit(n_arr, np.log(near), np.ones(len(ns)))[0])
        else:
            b, eb, *_ = _fit(np.log(n_arr), lp, sg)
            bl, ebl, *_ = _fit(np.log(n_arr), lp + np.log(np.log(n_arr)), sg)
            fe.append(b)
            fee.append(eb)
            fl.append(bl)
            fle.append(ebl)
            ft.append(float(degree - 1))
            fty.append(float(degree - 1))
            ffi.append(_fit(np.log(n_arr), np.log(gauss), np.ones(len(ns)))[0])
        ratio = np.array(pmax[sel]) / np.array(pth[sel])
        fr_.append(float(np.nanmean(ratio)) if np.isfinite(ratio).any() else np.nan)
    f64 = lambda v: np.array(v, dtype=np.float64)  # noqa: E731
    return DenseCapacityReport(
        config=cfg, seed=int(seed), point_model=np.array(pm_, dtype=str),
        point_n=np.array(pn_, np.int64), point_p=np.array(pp_, np.int64),
        retrieved_fraction=f64(fr), retrieved_low=f64(lo), retrieved_high=f64(hi),
        fixed_point_fraction=f64(fpf), mean_overlap=f64(mo), size_model=np.array(sm, dtype=str),
        size_n=np.array(sn, np.int64), p_max=f64(pmax), p_max_sigma_log=f64(sig),
        p_theory=f64(pth), p_gaussian=f64(pga), fit_model=np.array(fm, dtype=str),
        fit_exponent=f64(fe), fit_exponent_err=f64(fee), fit_log_exponent=f64(fl),
        fit_log_exponent_err=f64(fle), fit_theory=f64(ft), fit_ratio=f64(fr_),
        p_nearest=f64(pne), fit_typical=f64(fty), fit_finite=f64(ffi), complete=missing == 0, **extra)


def dense_capacity_study(config: DenseCapacityConfig | dict, *, seed: int = 0, checkpoint=None,
                         workers: int = 1, scheduler: str | None = None, dask: bool = False,
                         executor=None, timeout: float = 10.0,
                         progress: bool = False) -> DenseCapacityReport:
    """Capacity curves of dense associative memories, P_max(N) and its fitted scaling.

    Parameters
    ----------
    config : DenseCapacityConfig or dict
    seed : int
        Study seed; each point's seed derives from it and (model, N, P).
    checkpoint : path-like, optional
        HDF5 file receiving every finished point (resumed when rerun with the same config and
        seed; refused, naming the differing keys, otherwise).
    workers, scheduler, dask, executor, timeout
        Where the points run (:func:`esorma.sweeps.run_sweep`); results do not depend on it.
    progress : bool

    Returns
    -------
    DenseCapacityReport

    Examples
    --------
    >>> cfg = DenseCapacityConfig({"poly3": [40, 60]}, loads=[0.5, 8.0], n_probes=5)
    >>> rep = dense_capacity_study(cfg, seed=1)
    >>> rep.retrieved_fraction.tolist()
    [1.0, 0.0, 1.0, 0.0]
    >>> bool(np.isfinite(rep.p_max).all()), rep.fit_model.tolist()
    (True, ['poly3'])
    """
    from esorma.sweeps import PointOutput, StoredPoint, load_points, run_sweep

    if isinstance(config, dict):
        config = DenseCapacityConfig(**config)
    if not isinstance(config, DenseCapacityConfig):
        raise TypeError(f"config must be a DenseCapacityConfig or a dict; got "
                        f"{type(config).__name__}")
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    points = config.points(seed)
    func = functools.partial(dense_capacity_point, config=config.to_dict())
    report = run_sweep(func, points, path=checkpoint, kind=KIND, config=config.to_dict(),
                       seed=seed, workers=workers, scheduler=scheduler, dask=dask,
                       executor=executor, timeout=timeout, progress=progress,
                       desc="dense capacity")
    if checkpoint is None:
        by_pt = {p.key: p for p in points}
        stored = {k: StoredPoint(k, by_pt[k].coords, o.arrays, dict(o.attrs))
                  for k, o in report.outputs.items() if isinstance(o, PointOutput)}
    else:
        _, stored = load_points(checkpoint)
    return _analyse(config, seed, stored, n_computed=report.n_computed,
                    n_skipped=report.n_skipped, seconds=time.perf_counter() - t0,
                    checkpoint=None if checkpoint is None else str(checkpoint))



"""Storage capacity of Hopfield networks by simulation: sweeps over (N, α[, T]), summaries,
capacity per N and its finite-size extrapolation.

For every network size N and load α = P/N of a grid (and optionally a temperature T), a grid
point draws ``n_networks`` networks storing P = round(α N) random patterns (Hebb by default,
with int16 counts), starts the dynamics from ``n_probes`` stored patterns (exactly, or with a
fraction of flipped spins) and records, per probe: the final overlap with the probed pattern,
the fraction of wrong bits ``(1 − m)/2``, the sweeps, convergence and whether the pattern
itself is a fixed point. Points are run by :func:`esorma.sweeps.run_sweep` (HDF5 file per
study, atomic per-point commits, resume, local processes or Dask), each with its own seed
derived from the study seed and its coordinates ``(N, P, T)``.

Notes
-----
Amit, Gutfreund & Sompolinsky (1985, 1987): in the replica-symmetric (RS) theory the retrieval
states of the Hebb network at T = 0 disappear at α_c ≈ 0.1379, where the retrieval overlap jumps
from m ≈ 0.967 to the spin-glass value. Simulations of finite networks (e.g. Amit, Gutfreund &
Sompolinsky 1987; Kohring 1990) extrapolate to α_c ≈ 0.14–0.145 for N → ∞, slightly above the RS
value (replica-symmetry breaking). At finite N the retrieved fraction is a smooth step whose
width shrinks with N; its 1/2 crossing is still at α ≈ 0.155 for N = 2000 and decreases with
N. The crossing is located on the α grid, so α_c(N) is known to no better than
(grid step)/√12 (:attr:`CapacityEstimate.sigma`); the N → ∞ extrapolation depends on the
assumed law (N^(−1/2) by default, or 1/N) and :func:`extrapolate_capacity` reports that
dependence as a systematic error. At T > 0 a probe counts as retrieved relative to the
thermal RS overlap (:func:`retrieval_thresholds`).
Below α_c the mean final overlap follows the RS m(α) closely (0.998 at α = 0.10).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from esorma._results import summarized
from esorma._threads import single_threaded_blas
from esorma._validation import (
    check_choice,
    check_int,
    check_real,
)

__all__ = [
    "RS_ALPHA_C",
    "LITERATURE_ALPHA_C",
    "CapacityConfig",
    "CapacityResults",
    "CapacitySummary",
    "CapacityEstimate",
    "CapacityExtrapolation",
    "capacity_sweep",
    "load_capacity",
    "run_point",
    "summarize",
    "retrieval_thresholds",
    "estimate_capacity",
    "extrapolate_capacity",
    "theory_alpha_c",
    "theory_overlap",
    "point_memory_bytes",
]

RS_ALPHA_C = 0.1379
"""Replica-symmetric capacity of the Hebb network at T = 0 (AGS 1985), for reference."""

LITERATURE_ALPHA_C = (0.14, 0.145)
"""Range of finite-size simulation estimates of α_c (retrieved fraction crossing 1/2)."""

KIND = "capacity"
_RULES = ("hebb", "pseudo_inverse", "storkey")
_DTYPES = ("int16", "int32", "float64")
_INT16_MAX = int(np.iinfo(np.int16).max)


# --------------------------------------------------------------------------- configuration


def _as_tuple(values, name):
    if values is None:
        raise ValueError(f"{name} must be a non-empty list; got None")
    arr = np.atleast_1d(np.asarray(values))
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list; got an empty grid")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d list of values; got shape {arr.shape}")
    return arr


@summarized
@dataclass(frozen=True)
class CapacityConfig:
    """Everything that determines the raw results of a capacity study (besides the seed).

    Parameters
    ----------
    n_neurons : sequence of int
        Network sizes N (each >= 2).
    alphas : sequence of float
        Loads α > 0; each point stores P = round(α N) >= 1 patterns.
    temperatures : sequence of float
        Temperatures T >= 0 (default ``(0.0,)``: zero-temperature dynamics). T > 0 uses
        Glauber dynamics from :mod:`esorma.dynamics.stochastic`.
    rule : {"hebb", "pseudo_inverse", "storkey"}
    n_networks, n_probes : int
        Networks per point and probed patterns per network (``min(n_probes, P)`` are probed).
    corruption : float
        Fraction of spins flipped in each start state, in [0, 0.5).
    mode, order : str
        Zero-T dynamics (``"async"``/``"sync"``; ``"random"``/``"sequential"``).
    max_sweeps : int
        Sweep limit of the zero-T dynamics; number of Glauber sweeps at T > 0.
    coupling_dtype : {"int16", "int32", "float64"}, optional
        Hebb couplings as integer counts (int16 needs P <= 32767) or float64. Default int16
        for Hebb, float64 for the other rules (which only allow float64).

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[200], alphas=[0.05, 0.1], n_probes=5)
    >>> [p.key for p in cfg.points(seed=0)]
    ['N=200,P=10,T=0.0', 'N=200,P=20,T=0.0']
    """

    n_neurons: tuple
    alphas: tuple
    temperatures: tuple = (0.0,)
    rule: str = "hebb"
    n_networks: int = 1
    n_probes: int = 20
    corruption: float = 0.0
    mode: str = "async"
    order: str = "random"
    max_sweeps: int = 100
    coupling_dtype: str | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        ns = _as_tuple(self.n_neurons, "n_neurons")
        n_list = tuple(check_int(v, "n_neurons", minimum=2) for v in ns.tolist())
        if len(set(n_list)) != len(n_list):
            raise ValueError(f"n_neurons must not repeat values; got {list(n_list)}")
        al = _as_tuple(self.alphas, "alphas")
        a_list = tuple(
            check_real(v, "alphas", minimum=0.0, strict_min=True) for v in al.tolist()
        )
        if len(set(a_list)) != len(a_list):
            raise ValueError(f"alphas must not repeat values; got {list(a_list)}")
        ts = _as_tuple(self.temperatures, "temperatures")
        t_list = tuple(check_real(v, "temperatures", minimum=0.0) for v in ts.tolist())
        if len(set(t_list)) != len(t_list):
            raise ValueError(f"temperatures must not repeat values; got {list(t_list)}")
        set_(self, "n_neurons", n_list)
        set_(self, "alphas", a_list)
        set_(self, "temperatures", t_list)
        check_choice(self.rule, "rule", _RULES)
        set_(self, "n_networks", check_int(self.n_networks, "n_networks", minimum=1))
        set_(self, "n_probes", check_int(self.n_probes, "n_probes", minimum=1))
        set_(self, "corruption", check_real(self.corruption, "corruption", minimum=0.0,
                                            maximum=0.5, strict_max=True))
        check_choice(self.mode, "mode", ("async", "sync"))
        check_choice(self.order, "order", ("random", "sequential"))
        set_(self, "max_sweeps", check_int(self.max_sweeps, "max_sweeps", minimum=1))
        dtype = self.coupling_dtype
        if dtype is None:
            dtype = "int16" if self.rule == "hebb" else "float64"
        check_choice(dtype, "coupling_dtype", _DTYPES)
        if self.rule != "hebb" and dtype != "float64":
            raise ValueError(
                f"coupling_dtype must be 'float64' for rule={self.rule!r} (integer couplings "
                f"exist only for Hebb); got {dtype!r}"
            )
        set_(self, "coupling_dtype", dtype)
        seen = {}
        for n in n_list:
            for a in a_list:
                p = int(round(a * n))
                if p < 1:
                    raise ValueError(
                        f"alphas must give at least one pattern: alpha={a} with N={n} gives "
                        f"P = round(alpha N) = 0"
                    )
                if dtype == "int16" and p > _INT16_MAX:
                    raise ValueError(
                        f"P = round(alpha N) must be <= {_INT16_MAX} with int16 couplings; "
                        f"alpha={a}, N={n} gives P={p} (use coupling_dtype='int32')"
                    )
                if (n, p) in seen:
                    raise ValueError(
                        f"alphas {seen[(n, p)]} and {a} both give P={p} patterns at N={n}; "
                        "use a coarser alpha grid or larger N"
                    )
                seen[(n, p)] = a

    def to_dict(self) -> dict:
        """JSON-able dict (stored in the results file and compared on resume)."""
        return {
            "n_neurons": list(self.n_neurons),
            "alphas": list(self.alphas),
            "temperatures": list(self.temperatures),
            "rule": self.rule,
            "n_networks": self.n_networks,
            "n_probes": self.n_probes,
            "corruption": self.corruption,
            "mode": self.mode,
            "order": self.order,
            "max_sweeps": self.max_sweeps,
            "coupling_dtype": self.coupling_dtype,
        }

    @classmethod
    def from_dict(cls, d) -> "CapacityConfig":
        return cls(**d)

    def points(self, seed: int) -> list:
        """Grid points ``(N, P, T)`` (N slowest), seeds from ``(seed; N, P, T)``."""
        from esorma.sweeps import make_point

        pts = []
        for n in self.n_neurons:
            for a in self.alphas:
                for t in self.temperatures:
                    p = int(round(a * n))
                    pts.append(make_point({"N": n, "P": p, "T": float(t)}, seed=seed,
                                          index=len(pts)))
        return pts

    def max_point_memory(self) -> float:
        """Peak bytes of the largest grid point (see :func:`point_memory_bytes`)."""
        return max(
            point_memory_bytes(n, int(round(a * n)), self.rule, self.coupling_dtype,
                               min(self.n_probes, int(round(a * n))))
            for n in self.n_neurons for a in self.alphas
        )


def point_memory_bytes(n: int, p: int, rule: str = "hebb", coupling_dtype: str = "int16",
                       n_probes: int = 20) -> float:
    """Estimated peak bytes of one grid point (one network in memory).

    Hebb with integer counts: float32 accumulator and the counts (4 + 2 or 4 bytes per
    coupling) plus the symmetry check's boolean temporary; float64 rules: several N×N float64
    arrays; plus the patterns in int8/float32/float64 and the probe batch.
    """
    per = {"int16": 4 + 2 + 1, "int32": 4 + 4 + 4 + 1, "float64": 4 + 8 + 8 + 1}[coupling_dtype]
    if rule == "pseudo_inverse":
        per = 8 * 4
    elif rule == "storkey":
        per = 8 * 3
    return float(n) * n * per + 21.0 * p * n + 40.0 * n_probes * n + 64e6


# --------------------------------------------------------------------------- one grid point


def _build_network(xi, rule, coupling_dtype):
    from esorma.networks import Hopfield

    if rule == "hebb":
        if coupling_dtype == "float64":
            return Hopfield.from_patterns(xi, "hebb", integer=False)
        return Hopfield.from_patterns(xi, "hebb", integer=True, dtype=coupling_dtype)
    return Hopfield.from_patterns(xi, rule)


def _glauber(net, starts, probes, temperature, cfg, rng):
    """Glauber dynamics at ``temperature`` from ``starts`` (one chain per probe).

    Returns the overlap with each probed pattern averaged over the second half of the
    ``max_sweeps`` sweeps, and the final states.
    """
    from esorma.dynamics.stochastic import glauber

    n_sweeps = cfg.max_sweeps
    res = glauber(
        net, temperature, n_sweeps=n_sweeps, states=starts, burn_in=n_sweeps // 2, thin=1,
        mode=cfg.mode, order=cfg.order,  # "random": a fresh permutation per sweep
        rng=rng,
    )
    series = res.overlaps[:, np.arange(len(probes)), probes]  # (K, C)
    return series.mean(axis=0), res.states


def run_point(point, *, config: dict):
    """Simulate one grid point ``(N, P, T)``; returns a :class:`esorma.sweeps.PointOutput`.

    Arrays of shape ``(n_networks, min(n_probes, P))``: ``overlap`` (at T = 0 the overlap of
    the final state with the probed pattern; at T > 0 the Glauber time average over the second
    half of the ``max_sweeps`` sweeps), ``final_overlap`` (of the final state),
    ``initial_overlap``, ``wrong_fraction`` ((1 − m)/2), ``pattern_fixed_point`` (the
    pattern itself is 1-flip stable), ``probe_index`` and, at T = 0 only, ``sweeps`` and
    ``converged`` (Glauber dynamics at T > 0 does not converge: it runs exactly
    ``max_sweeps`` sweeps, so these diagnostics are not stored rather than invented).
    Attributes: ``seconds_build`` (patterns + couplings), ``seconds_dynamics``.

    Network k uses ``point.seed_sequence().spawn(n_networks)[k]`` for its patterns, probes,
    corruption and update orders, so results depend only on the study seed and (N, P, T).
    """
    from esorma.dynamics import run
    from esorma.patterns import corrupt, random_patterns
    from esorma.sweeps import PointOutput

    cfg = CapacityConfig.from_dict(config)
    n, p, t = int(point.coords["N"]), int(point.coords["P"]), float(point.coords["T"])
    k = min(cfg.n_probes, p)
    shape = (cfg.n_networks, k)
    out = {
        "overlap": np.empty(shape), "initial_overlap": np.empty(shape),
        "sweeps": np.empty(shape, np.int64), "converged": np.empty(shape, bool),
        "pattern_fixed_point": np.empty(shape, bool), "probe_index": np.empty(shape, np.int64),
        "final_overlap": np.empty(shape),
    }
    t_build = t_dyn = 0.0
    for j, child in enumerate(point.seed_sequence().spawn(cfg.n_networks)):
        rng = np.random.default_rng(child)
        t0 = time.perf_counter()
        xi = random_patterns(p, n, rng=rng)
        net = _build_network(xi, cfg.rule, cfg.coupling_dtype)
        t1 = time.perf_counter()
        probes = np.sort(rng.choice(p, size=k, replace=False))
        targets = xi[probes]
        starts = corrupt(targets, cfg.corruption, rng=rng) if cfg.corruption > 0 else targets
        with single_threaded_blas():
            out["pattern_fixed_point"][j] = net.is_fixed_point(targets)
            if t == 0.0:
                res = run(net, starts, mode=cfg.mode, order=cfg.order,
                          max_sweeps=cfg.max_sweeps, rng=rng)
                final, sweeps, conv = res.states, res.sweeps, res.converged
                m = None
            else:
                m, final = _glauber(net, starts, probes, t, cfg, rng)
                sweeps = conv = None
        tf = targets.astype(np.float64)
        m_final = np.einsum("bi,bi->b", final.astype(np.float64), tf) / n
        out["overlap"][j] = m_final if m is None else m
        out["final_overlap"][j] = m_final
        out["initial_overlap"][j] = np.einsum("bi,bi->b", starts.astype(np.float64), tf) / n
        if sweeps is not None:
            out["sweeps"][j] = sweeps
            out["converged"][j] = conv
        out["probe_index"][j] = probes
        del net, xi
        t_build += t1 - t0
        t_dyn += time.perf_counter() - t1
    out["wrong_fraction"] = (1.0 - out["overlap"]) / 2.0
    if t > 0.0:
        del out["sweeps"], out["converged"]
    attrs = {"N": n, "P": p, "T": t, "alpha": p / n, "seconds_build": t_build,
             "seconds_dynamics": t_dyn}
    return PointOutput(out, attrs)


# --------------------------------------------------------------------------- results


@summarized
@dataclass(frozen=True)
class CapacityResults:
    """Raw results of a capacity study (every finished grid point).

    Attributes
    ----------
    config : CapacityConfig
    seed : int
    points : dict
        ``(N, alpha, T) -> StoredPoint`` (arrays ``overlap``, ``sweeps``, ... as in
        :func:`run_point`) for every finished point; ``alpha`` is the nominal grid value.
    path : Path or None
    complete : bool
        Every grid point is present.
    seconds : float
        Wall time of the run that produced this object (0 when only loaded).
    n_computed, n_skipped : int
        Points computed by this run and points found already finished in the file.
    executor : str
        How the points ran (``"serial"``, ``"processes"``, ``"dask"``, ``"none"``, ...).
    """

    config: CapacityConfig
    seed: int
    points: dict
    path: Path | None = None
    complete: bool = True
    seconds: float = 0.0
    n_computed: int = 0
    n_skipped: int = 0
    executor: str = "none"

    def summary(self, threshold: float = 0.9,
                relative_threshold: float = 0.5) -> "CapacitySummary":
        """Per-point summaries (see :func:`summarize`)."""
        return summarize(self, threshold=threshold, relative_threshold=relative_threshold)


def _gather(config: CapacityConfig, stored: dict, seed, path, seconds) -> CapacityResults:
    from esorma.sweeps import point_key

    by_key = {}
    missing = 0
    for n in config.n_neurons:
        for a in config.alphas:
            for t in config.temperatures:
                key = point_key({"N": n, "P": int(round(a * n)), "T": float(t)})
                if key in stored:
                    by_key[(n, a, float(t))] = stored[key]
                else:
                    missing += 1
    return CapacityResults(config, seed, by_key, path, missing == 0, seconds)


def capacity_sweep(
    config: CapacityConfig,
    *,
    seed: int = 0,
    path=None,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    executor=None,
    timeout: float = 10.0,
    progress: bool = False,
) -> CapacityResults:
    """Run (or resume) a capacity study and return its raw results.

    Parameters
    ----------
    config : CapacityConfig
    seed : int
        Study seed; point seeds are ``SeedSequence(seed, spawn_key=(N, P, bits(T)))``.
    path : path-like, optional
        HDF5 results file (resumed if it exists with the same config and seed; refused if it
        holds another config). Without it results stay in memory.
    workers, scheduler, dask, executor, timeout
        Execution, see :func:`esorma.sweeps.run_sweep`. Results do not depend on them.
    progress : bool
        Progress bar over grid points.

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[200], alphas=[0.05, 0.3], n_probes=5)
    >>> res = capacity_sweep(cfg, seed=1)
    >>> s = res.summary()
    >>> s.retrieved_fraction[0, :, 0].tolist()
    [1.0, 0.0]
    """
    from esorma.sweeps import PointOutput, StoredPoint, load_points, run_sweep

    if not isinstance(config, CapacityConfig):
        raise TypeError(f"config must be a CapacityConfig; got {type(config).__name__}")
    seed = check_int(seed, "seed", minimum=0)
    if any(t > 0 for t in config.temperatures):
        try:
            from esorma.dynamics import stochastic  # noqa: F401
        except ImportError as exc:
            raise ValueError(
                "temperatures > 0 need Glauber dynamics (esorma.dynamics.stochastic), which is "
                "not available; use temperatures=[0]"
            ) from exc
    t0 = time.perf_counter()
    points = config.points(seed)
    func = functools.partial(run_point, config=config.to_dict())
    report = run_sweep(
        func, points, path=path, kind=KIND, config=config.to_dict(), seed=seed,
        workers=workers, scheduler=scheduler, dask=dask, executor=executor, timeout=timeout,
        memory_per_point=config.max_point_memory(), progress=progress, desc="capacity",
    )
    if path is None:
        by_pt = {p.key: p for p in points}
        stored = {
            k: StoredPoint(k, by_pt[k].coords, o.arrays, dict(o.attrs))
            for k, o in report.outputs.items() if isinstance(o, PointOutput)
        }
    else:
        _, stored = load_points(path)
    res = _gather(config, stored, seed, None if path is None else Path(path),
                  time.perf_counter() - t0)
    return dataclasses.replace(res, n_computed=report.n_computed, n_skipped=report.n_skipped,
                               executor=report.executor)


def load_capacity(path) -> CapacityResults:
    """Load the results of a capacity study (finished points only).

    Raises ValueError when ``path`` is not a capacity results file.
    """
    from esorma.sweeps import load_points

    meta, stored = load_points(path)
    if meta.get("kind") != KIND:
        raise ValueError(f"{str(path)!r} is not a capacity results file (kind "
                         f"{meta.get('kind')!r})")
    cfg = CapacityConfig.from_dict(meta["config"])
    return _gather(cfg, stored, meta.get("seed"), Path(path), 0.0)


# --------------------------------------------------------------------------- summaries


def _wilson(k, n, z=1.0):
    if n == 0:
        return np.nan, np.nan
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if k == 0 else min(p, max(0.0, centre - half))
    hi = 1.0 if k == n else max(p, min(1.0, centre + half))
    return lo, hi


HIST_EDGES = np.linspace(-1.0, 1.0, 41)


@summarized
@dataclass(frozen=True)
class CapacitySummary:
    """Summaries per grid point; arrays have shape ``(len(N), len(alpha), len(T))``.

    Attributes
    ----------
    n_neurons, alphas, temperatures : ndarray
        The grid (``alphas`` nominal); ``load`` holds the actual P/N per point.
    mean_overlap, std_overlap, sem_overlap, median_overlap : ndarray
        Final overlap with the probed pattern over networks and probes. ``sem_overlap`` is the
        standard error over networks (the spread of per-network means / sqrt(n_networks))
        when ``n_networks >= 2``, over probes otherwise.
    quantiles : ndarray, shape (..., 5)
        Overlap quantiles at ``QUANTILES`` (10, 25, 50, 75, 90 %).
    histogram : ndarray, shape (..., 40)
        Counts of final overlaps in the bins ``HIST_EDGES`` (-1..1).
    retrieved_fraction, retrieved_low, retrieved_high : ndarray
        Fraction of probes counted as retrieved (overlap > ``retrieval_threshold``) and its
        Wilson score interval (1σ, z = 1).
    retrieval_threshold : ndarray
        The overlap threshold used per point: ``threshold`` at T = 0; at T > 0
        ``relative_threshold × m_RS(α, T)`` where the replica-symmetric retrieval state
        exists, ``relative_threshold`` (an overlap of 1/2 by default) where it does not.
    fixed_point_fraction, converged_fraction, mean_sweeps, mean_wrong_fraction : ndarray
        ``converged_fraction`` and ``mean_sweeps`` are NaN at T > 0 (Glauber dynamics does
        not converge; it runs ``max_sweeps`` sweeps).
    n_samples : ndarray of int
        Probes per point (0 where the point has not been computed: other fields NaN).
    threshold : float
    relative_threshold : float
    """

    n_neurons: np.ndarray
    alphas: np.ndarray
    temperatures: np.ndarray
    load: np.ndarray
    mean_overlap: np.ndarray
    std_overlap: np.ndarray
    sem_overlap: np.ndarray
    median_overlap: np.ndarray
    quantiles: np.ndarray
    histogram: np.ndarray
    retrieved_fraction: np.ndarray
    retrieved_low: np.ndarray
    retrieved_high: np.ndarray
    fixed_point_fraction: np.ndarray
    converged_fraction: np.ndarray
    mean_sweeps: np.ndarray
    mean_wrong_fraction: np.ndarray
    n_samples: np.ndarray
    threshold: float
    rule: str = "hebb"
    retrieval_threshold: np.ndarray | None = None
    relative_threshold: float = 0.5
    corruption: float = 0.0
    n_networks: int = 1
    seed: int | None = None

    QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def retrieval_thresholds(load, temperature: float, threshold: float = 0.9,
                         relative_threshold: float = 0.5) -> np.ndarray:
    """Overlap above which a probe counts as retrieved at loads ``load`` and ``temperature``.

    At T = 0 the retrieval overlap is close to 1 below α_c and the absolute ``threshold``
    (default 0.9) is used. At T > 0 the thermal retrieval overlap m_RS(α, T) is well below 1
    inside the retrieval phase (m_RS(0.002, 0.7) ≈ 0.83), so a fixed 0.9 would call a
    retrieval state "not retrieved"; there the threshold is ``relative_threshold × m_RS(α,
    T)`` (half the RS retrieval overlap by default, well above the spin-glass and paramagnetic
    overlaps ~0), and ``relative_threshold`` itself where no RS retrieval state exists
    (beyond the AGS line T_M(α)). Without :mod:`esorma.replica` the absolute threshold is
    used at every T.

    Examples
    --------
    >>> thr = retrieval_thresholds([0.002, 0.05], 0.0)
    >>> thr.tolist()
    [0.9, 0.9]
    >>> bool(0.40 < retrieval_thresholds([0.002], 0.7)[0] < 0.43)
    True
    """
    load = np.atleast_1d(np.asarray(load, dtype=float))
    out = np.full(load.shape, float(threshold))
    if temperature <= 0.0:
        return out
    try:
        from esorma.replica import retrieval_overlap
    except ImportError:  # pragma: no cover - the replica module is part of esorma
        return out
    ok = np.isfinite(load)
    if ok.any():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = np.asarray(retrieval_overlap(load[ok], T=float(temperature)), dtype=float)
        out[ok] = np.where(np.isfinite(m) & (m > 0), relative_threshold * m,
                           relative_threshold)
    return out


def summarize(results: CapacityResults, threshold: float = 0.9,
              relative_threshold: float = 0.5) -> CapacitySummary:
    """Summaries per (N, α, T): overlap statistics and the retrieved fraction.

    Parameters
    ----------
    results : CapacityResults
    threshold : float
        At T = 0 a probe is retrieved when its final overlap exceeds ``threshold`` (in (0, 1]).
    relative_threshold : float
        At T > 0 a probe is retrieved when its (time-averaged) overlap exceeds
        ``relative_threshold × m_RS(α, T)``, see :func:`retrieval_thresholds`.
    """
    if not isinstance(results, CapacityResults):
        raise TypeError(f"results must be CapacityResults; got {type(results).__name__}")
    threshold = check_real(threshold, "threshold", minimum=0.0, maximum=1.0, strict_min=True)
    relative_threshold = check_real(relative_threshold, "relative_threshold", minimum=0.0,
                                    maximum=1.0, strict_min=True, strict_max=True)
    cfg = results.config
    shape = (len(cfg.n_neurons), len(cfg.alphas), len(cfg.temperatures))
    nan = lambda: np.full(shape, np.nan)  # noqa: E731
    f = {k: nan() for k in ("load", "mean_overlap", "std_overlap", "sem_overlap",
                             "median_overlap", "retrieved_fraction", "retrieved_low",
                             "retrieved_high", "fixed_point_fraction", "converged_fraction",
                             "mean_sweeps", "mean_wrong_fraction")}
    thr = np.full(shape, np.nan)
    for i, n in enumerate(cfg.n_neurons):
        loads = np.array([int(round(a * n)) / n for a in cfg.alphas])
        for k, t in enumerate(cfg.temperatures):
            thr[i, :, k] = retrieval_thresholds(loads, float(t), threshold, relative_threshold)
    quant = np.full(shape + (5,), np.nan)
    hist = np.zeros(shape + (len(HIST_EDGES) - 1,), dtype=np.int64)
    ns = np.zeros(shape, dtype=np.int64)
    for i, n in enumerate(cfg.n_neurons):
        for j, a in enumerate(cfg.alphas):
            p = int(round(a * n))
            for k, t in enumerate(cfg.temperatures):
                f["load"][i, j, k] = p / n
                pt = results.points.get((n, a, float(t)))
                if pt is None:
                    continue
                m = np.asarray(pt.arrays["overlap"], dtype=np.float64)
                flat = m.ravel()
                cnt = flat.size
                ns[i, j, k] = cnt
                f["mean_overlap"][i, j, k] = flat.mean()
                f["std_overlap"][i, j, k] = flat.std(ddof=1) if cnt > 1 else 0.0
                if m.shape[0] >= 2:
                    f["sem_overlap"][i, j, k] = m.mean(axis=1).std(ddof=1) / np.sqrt(m.shape[0])
                else:
                    f["sem_overlap"][i, j, k] = (
                        flat.std(ddof=1) / np.sqrt(cnt) if cnt > 1 else 0.0)
                f["median_overlap"][i, j, k] = np.median(flat)
                quant[i, j, k] = np.quantile(flat, CapacitySummary.QUANTILES)
                hist[i, j, k] = np.histogram(np.clip(flat, -1, 1), bins=HIST_EDGES)[0]
                r = int(np.count_nonzero(flat > thr[i, j, k]))
                f["retrieved_fraction"][i, j, k] = r / cnt
                f["retrieved_low"][i, j, k], f["retrieved_high"][i, j, k] = _wilson(r, cnt)
                f["fixed_point_fraction"][i, j, k] = np.mean(pt.arrays["pattern_fixed_point"])
                if float(t) == 0.0 and "converged" in pt.arrays:  # no convergence at T > 0
                    f["converged_fraction"][i, j, k] = np.mean(pt.arrays["converged"])
                    f["mean_sweeps"][i, j, k] = np.mean(pt.arrays["sweeps"])
                f["mean_wrong_fraction"][i, j, k] = np.mean(pt.arrays["wrong_fraction"])
    return CapacitySummary(
        n_neurons=np.array(cfg.n_neurons), alphas=np.array(cfg.alphas),
        temperatures=np.array(cfg.temperatures), quantiles=quant, histogram=hist,
        n_samples=ns, threshold=threshold, rule=cfg.rule, corruption=cfg.corruption,
        n_networks=cfg.n_networks, seed=results.seed, retrieval_threshold=thr,
        relative_threshold=relative_threshold, **f,
    )


# --------------------------------------------------------------------------- capacity per N


@summarized
@dataclass(frozen=True)
class CapacityEstimate:
    """Where the retrieved fraction first crosses ``level`` (downwards), per N.

    Attributes
    ----------
    n_neurons : ndarray
    alpha_c : ndarray
        Linear interpolation in the load P/N between the last point at or above ``level``
        and the first point below it; NaN when the fraction never crosses on the grid.
    alpha_c_low, alpha_c_high : ndarray
        The same crossing for the lower and upper 1σ Wilson bounds of the fraction (the
        statistical part of the α_c interval; one-sided NaN when the bound does not cross on
        the grid).
    status : tuple of str
        ``"ok"``, ``"below grid"`` (already < level at the smallest α) or ``"above grid"``.
    level : float
    temperature : float
    grid_step : ndarray or None
        Spacing of the two loads that bracket the crossing (NaN without a crossing). The
        crossing is only located to about ``grid_step / √12`` by the linear interpolation
        (a fraction that jumps from 1 to 0 between two loads says nothing about where in
        between), whatever the Wilson interval says.
    """

    n_neurons: np.ndarray
    alpha_c: np.ndarray
    alpha_c_low: np.ndarray
    alpha_c_high: np.ndarray
    status: tuple
    level: float = 0.5
    temperature: float = 0.0
    grid_step: np.ndarray | None = None

    @property
    def sigma_stat(self) -> np.ndarray:
        """Half-width of the Wilson-bound interval (the one side present when the other is
        missing; 0 when both are missing)."""
        c = np.asarray(self.alpha_c, dtype=float)
        lo = np.asarray(self.alpha_c_low, dtype=float)
        hi = np.asarray(self.alpha_c_high, dtype=float)
        both = 0.5 * (hi - lo)
        one = np.where(np.isfinite(lo), np.abs(c - lo), np.abs(hi - c))
        out = np.where(np.isfinite(lo) & np.isfinite(hi), both, one)
        return np.where(np.isfinite(out), out, 0.0)

    @property
    def sigma_grid(self) -> np.ndarray:
        """Resolution of the grid at the crossing, ``grid_step / √12`` (0 when unknown)."""
        if self.grid_step is None:
            return np.zeros(np.shape(self.alpha_c))
        g = np.asarray(self.grid_step, dtype=float) / np.sqrt(12.0)
        return np.where(np.isfinite(g), g, 0.0)

    @property
    def sigma(self) -> np.ndarray:
        """1σ error of α_c per N: Wilson-bound half-width and grid resolution in quadrature
        (so never below ``grid_step / √12``); NaN where there is no crossing."""
        s = np.hypot(self.sigma_stat, self.sigma_grid)
        return np.where(np.isfinite(np.asarray(self.alpha_c, dtype=float)), s, np.nan)


def _crossing(x, y, level):
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return np.nan, "no data", np.nan
    order = np.argsort(x)
    x, y = x[order], y[order]
    below = np.nonzero(y < level)[0]
    if below.size == 0:
        return np.nan, "above grid", np.nan
    j = below[0]
    if j == 0:
        return np.nan, "below grid", np.nan
    x0, x1, y0, y1 = x[j - 1], x[j], y[j - 1], y[j]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1)), "ok", float(x1 - x0)


def estimate_capacity(summary: CapacitySummary, *, level: float = 0.5,
                      t_index: int = 0) -> CapacityEstimate:
    """α_c(N): the load where the retrieved fraction crosses ``level`` (default 1/2).

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[300], alphas=[0.05, 0.25], n_probes=10)
    >>> est = estimate_capacity(capacity_sweep(cfg, seed=0).summary())
    >>> est.status, bool(0.05 < est.alpha_c[0] < 0.25)
    (('ok',), True)
    """
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True,
                       strict_max=True)
    t_index = check_int(t_index, "t_index", minimum=0, maximum=len(summary.temperatures) - 1)
    ac, lo, hi, st, step = [], [], [], [], []
    for i in range(len(summary.n_neurons)):
        x = summary.load[i, :, t_index]
        c, s, dx = _crossing(x, summary.retrieved_fraction[i, :, t_index], level)
        ac.append(c)
        st.append(s)
        step.append(dx)
        lo.append(_crossing(x, summary.retrieved_low[i, :, t_index], level)[0])
        hi.append(_crossing(x, summary.retrieved_high[i, :, t_index], level)[0])
    return CapacityEstimate(np.array(summary.n_neurons), np.array(ac), np.array(lo),
                            np.array(hi), tuple(st), level,
                            float(summary.temperatures[t_index]), np.array(step))


@summarized
@dataclass(frozen=True)
class CapacityExtrapolation:
    """Weighted linear fit ``α_c(N) = alpha_inf + slope · N^(−exponent)``.

    Attributes
    ----------
    alpha_inf, alpha_inf_err : float
        Extrapolated N → ∞ capacity and its statistical 1σ error (from the fit covariance,
        inflated by sqrt(χ²/dof) when that exceeds 1; NaN with fewer than 3 sizes).
    alt_exponent, alpha_inf_alt : float
        The same fit in the other scaling variable (``1/N`` for the default ``N^(−1/2)``,
        ``N^(−1/2)`` for ``1/N``) and its α_∞.
    systematic_err : float
        ``|alpha_inf − alpha_inf_alt|``: how much α_∞ depends on the assumed finite-size
        law (a few sizes cannot tell the two apart). Quote it next to ``alpha_inf_err``.
    slope, slope_err : float
    exponent : float
        Scaling variable ``x = N^(−exponent)`` (1 = 1/N).
    x, alpha_c, sigma : ndarray
        The points used (finite α_c only) and their weights' σ.
    chi2 : float
    n_used : int
    """

    alpha_inf: float
    alpha_inf_err: float
    slope: float
    slope_err: float
    exponent: float
    x: np.ndarray
    alpha_c: np.ndarray
    sigma: np.ndarray
    n_neurons: np.ndarray
    chi2: float
    n_used: int
    alt_exponent: float = float("nan")
    alpha_inf_alt: float = float("nan")
    systematic_err: float = float("nan")

    def predict(self, n) -> np.ndarray:
        return self.alpha_inf + self.slope * np.asarray(n, dtype=float) ** (-self.exponent)


def _weighted_line(x, y, sig):
    w = 1.0 / sig**2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    beta = cov @ (A.T @ (w * y))
    resid = y - A @ beta
    chi2 = float(np.sum(w * resid**2))
    dof = len(y) - 2
    if dof >= 1:
        cov = cov * max(1.0, chi2 / dof)
        err = np.sqrt(np.diag(cov))
    else:
        err = np.array([np.nan, np.nan])
    return beta, err, chi2


def extrapolate_capacity(estimate: CapacityEstimate, *, exponent: float = 0.5,
                         min_sigma: float = 1e-3,
                         alt_exponent: float | None = None) -> CapacityExtrapolation:
    """Extrapolate α_c(N) to N → ∞ with a weighted line in ``x = N^(−exponent)``.

    The default scaling variable is ``N^(−1/2)``; ``1/N`` (``exponent=1``) is the other
    common choice. With a few sizes and grid-limited errors both usually fit, and they
    extrapolate differently (≈ 0.138 and ≈ 0.149 for N = 500 … 4000): that difference is
    reported as ``systematic_err`` and must be quoted with α_∞.

    Needs at least two sizes with a finite α_c (ValueError otherwise). σ per size is
    :attr:`CapacityEstimate.sigma` (Wilson-bound half-width and grid resolution
    ``step/√12`` in quadrature), at least ``min_sigma``. The same fit in ``alt_exponent``
    (default: 1 for the N^(−1/2) fit, 0.5 otherwise) gives ``alpha_inf_alt``; their
    difference is reported as ``systematic_err``.

    Examples
    --------
    >>> import numpy as np
    >>> est = CapacityEstimate(np.array([1000, 2000, 4000]), np.array([0.15, 0.145, 0.1425]),
    ...                        np.array([0.149, 0.144, 0.142]), np.array([0.151, 0.146, 0.143]),
    ...                        ("ok",) * 3)
    >>> round(extrapolate_capacity(est, exponent=1.0).alpha_inf, 4)
    0.14
    """
    exponent = check_real(exponent, "exponent", minimum=0.0, strict_min=True)
    if alt_exponent is None:
        alt_exponent = 0.5 if exponent == 1.0 else 1.0
    alt_exponent = check_real(alt_exponent, "alt_exponent", minimum=0.0, strict_min=True)
    ok = np.isfinite(estimate.alpha_c)
    if ok.sum() < 2:
        raise ValueError(
            f"extrapolation needs alpha_c at >= 2 network sizes; got {int(ok.sum())} "
            f"(statuses: {list(estimate.status)})"
        )
    n = estimate.n_neurons[ok].astype(float)
    y = estimate.alpha_c[ok]
    sig = estimate.sigma[ok]
    sig = np.where(np.isfinite(sig), np.maximum(sig, min_sigma), 5 * min_sigma)
    x = n ** (-exponent)
    beta, err, chi2 = _weighted_line(x, y, sig)
    alt = float(_weighted_line(n ** (-alt_exponent), y, sig)[0][0])
    return CapacityExtrapolation(float(beta[0]), float(err[0]), float(beta[1]), float(err[1]),
                                 exponent, x, y, sig, n, chi2, int(len(y)),
                                 float(alt_exponent), alt, abs(float(beta[0]) - alt))


# --------------------------------------------------------------------------- theory


def theory_alpha_c() -> float:
    """α_c of the replica-symmetric AGS theory from :func:`esorma.replica.ags_capacity`."""
    from esorma.replica import ags_capacity

    return float(ags_capacity().alpha_c)


def theory_overlap(alphas, temperature: float = 0.0) -> np.ndarray:
    """RS retrieval overlap m(α) at ``temperature`` (NaN where there is no retrieval state),
    from :func:`esorma.replica.retrieval_overlap`."""
    from esorma.replica import retrieval_overlap

    return np.asarray(retrieval_overlap(np.asarray(alphas, dtype=float), T=temperature),
                      dtype=float)

"""Compile (and cache) every Numba kernel the tour uses, parallel builds included.

The first call of a compiled kernel pays its compilation (seconds per kernel group); with the
on-disk cache (:mod:`esorma._numba`) later processes only load it. Running a small problem is
not enough to warm a cache: many paths choose a serial build below a work threshold and a
parallel build above it, so a small problem compiles only the serial one and the first large
call still compiles. :func:`warmup` therefore

1. runs each part's study function (the one its ``esorma`` command and tour section call) on a
   tiny problem, which compiles the kernels with the argument types the real calls use (types,
   not sizes, decide the signature), and
2. compiles every serial/parallel twin (``f_serial``/``f_parallel``, ``f``/``f_serial``, ...)
   for the signatures its sibling was compiled for, so the build that the tiny problem did not
   take is in the cache too, with exactly the same signature.

Nothing is written but Numba's cache (``NUMBA_CACHE_DIR``, else ``__pycache__`` beside the
package's sources).
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized

__all__ = ["PARTS", "WarmupReport", "warmup"]

_SEC = {"unit": "s"}


# --------------------------------------------------------------------------- the parts
# Each runs the study function of one tour section with the tour's sizes where a size decides
# a type or a path (N and P decide the coupling dtype; N, P and the number of probes or starts
# decide between the low-rank and the dense path; n the tridiagonal path), and with little
# work otherwise (few sweeps, temperatures, instances, samples).


def _attractors(seed):
    from esorma.attractors import attractor_study

    common = dict(n_neurons=12, n_patterns=3, method="exact", rng=seed)
    attractor_study(dynamics="sequential", **common)
    attractor_study(dynamics="sync", **common)
    # the tour's sampled search as it is: the number of starts decides (through the work) the
    # path taken (low-rank overlaps or formed couplings, serial or parallel build)
    attractor_study(n_neurons=1000, n_patterns=10, method="sampled", n_starts=800, rng=seed)


def _capacity(seed):
    from esorma.capacity import CapacityConfig, capacity_study

    # P = 25 (int8 couplings) and P = 150 (int16), as in the tour's grid, with the tour's 20
    # probes per network (the work per call decides the path)
    cfg = CapacityConfig.preset("quick", n_neurons=(500,), alphas=(0.05, 0.3),
                                n_networks=1)
    capacity_study(cfg, seed=seed)


def _phase_diagram(seed):
    from esorma.replica import phase_diagram, sk_solve

    phase_diagram(n_points=6)
    sk_solve(0.0)


def _rsb(seed):
    from esorma.replica import sk_rsb_study
    from esorma.replica.rsb_study import hopfield_1rsb_study

    sk_rsb_study(k_max=1, n_levels=6, dy=0.04, sizes=(8, 10), n_instances=2, rng=seed)
    hopfield_1rsb_study(grid_alphas=(0.134,), grid_temperatures=(0.0, 0.01), n_alpha=2,
                        n_temperatures=3)


def _spectrum(seed):
    from esorma.spectra import spectrum_gallery

    spectrum_gallery(200, tw_samples=4, tridiagonal_n=200_000, rng=seed)


def _boltzmann(seed):
    from esorma.thermo import boltzmann_study

    boltzmann_study(preset="quick", temperatures="0.5:1.5:0.5", n_sweeps=6, burn_in=2,
                    exact_temperatures="0.5:1.5:0.5", pq_temperatures=(0.5, 1.0),
                    pt_sweeps=10, rng=seed)


def _bridge(seed):
    from esorma.bridge import bridge_study

    bridge_study("multiplexer", n_epochs=200, n_lyapunov_windows=2, rng=seed)


def _chaos(seed):
    from esorma.stability import chaos_study

    chaos_study(300, [0.5, 2.0], t_max=2.0, t_transient=1.0, rng=seed)


def _dense(seed):
    from esorma.dense import (
        DenseCapacityConfig,
        continuous_study,
        dense_capacity_study,
        landscape_study,
    )

    landscape_study(12, 4, ("poly2", "poly3", "poly4", "exp"), n_starts=10, rng=seed)
    dense_capacity_study(DenseCapacityConfig({"poly2": [40], "poly3": [40]}, loads=[0.5],
                                             n_networks=1, n_probes=2), seed=seed)
    dense_capacity_study(DenseCapacityConfig({"exp": [20]}, loads=[0.5], n_networks=1,
                                             n_probes=2, corruption=0.2, scale="finite"),
                         seed=seed)
    continuous_study((0.5, 5.0), separation_patterns=(4, 64), rng=seed)


def _learn(seed):
    from esorma.training.prediction import prediction_study

    prediction_study("quick", tasks=("teacher", "parity"), activations=("tanh",),
                     learning_rates=(0.5,), n_runs=8, n_boot=20, rng=seed)


#: The parts of :func:`warmup`, in the tour's order: name -> tiny run of its study function.
PARTS = {
    "attractors": _attractors,
    "capacity": _capacity,
    "phase-diagram": _phase_diagram,
    "rsb": _rsb,
    "spectrum": _spectrum,
    "boltzmann": _boltzmann,
    "bridge": _bridge,
    "chaos": _chaos,
    "dense": _dense,
    "learn": _learn,
}


# --------------------------------------------------------------------------- twins

_TWIN_SUFFIX = re.compile(r"_(serial|parallel|par|seq)$")


def _dispatchers() -> dict:
    """``{(module, name): dispatcher}`` for every Numba dispatcher defined in esorma."""
    from numba.core.registry import CPUDispatcher

    found = {}
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname == "esorma" or modname.startswith("esorma.")):
            continue
        for name, obj in list(vars(mod).items()):
            if isinstance(obj, CPUDispatcher) and getattr(obj, "__module__", None) == modname:
                found[(modname, name)] = obj
    return found


def _n_signatures(dispatchers) -> int:
    return sum(len(d.signatures) for d in dispatchers.values())


def _complete_twins(dispatchers, compiled=None) -> int:
    """Compile each serial/parallel twin for the signatures of its siblings; return how many.

    ``compiled`` (a one-element list), when given, is increased by the signatures of those that
    were compiled rather than loaded from the cache (a failed attempt counts for nothing).

    Twins are dispatchers of one module whose names differ only by a ``_serial``,
    ``_parallel`` (or ``_par``/``_seq``) suffix. A sibling that cannot take a signature (not
    a real twin) is left alone.
    """
    groups: dict = {}
    for (mod, name), d in dispatchers.items():
        groups.setdefault((mod, _TWIN_SUFFIX.sub("", name)), []).append(d)
    done = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        sigs = {tuple(s) for d in members for s in d.signatures}
        for d in members:
            have = {tuple(s) for s in d.signatures}
            for sig in sigs - have:
                misses = sum(d.stats.cache_misses.values())
                try:
                    d.compile(sig)
                except Exception:  # noqa: BLE001 - not a twin after all: nothing to warm
                    continue
                done += 1
                if compiled is not None:
                    compiled[0] += sum(d.stats.cache_misses.values()) - misses
    return done


def _misses(dispatchers) -> int:
    """Signatures compiled (not loaded from the cache) so far in this process."""
    return sum(sum(d.stats.cache_misses.values()) for d in dispatchers.values())


# --------------------------------------------------------------------------- the result


@summarized
@dataclass(frozen=True)
class WarmupReport:
    """What :func:`warmup` compiled or loaded, part by part.

    Attributes
    ----------
    parts : ndarray of str, shape (K,)
        The parts warmed up, in order.
    seconds : ndarray, shape (K,)
        Wall time of each part (compiling, or loading from the cache, plus the tiny run).
    n_signatures : ndarray of int, shape (K,)
        Kernel signatures that became ready in this process during each part.
    n_compiled : ndarray of int, shape (K,)
        Of those, how many were compiled (the rest were loaded from the cache).
    n_twins : ndarray of int, shape (K,)
        Serial/parallel twin builds compiled or loaded for a sibling's signature.
    errors : ndarray of str, shape (K,)
        ``""`` where the part ran, else the exception it raised (the other parts still run).
    total_seconds : float
        Wall time of the whole warm-up.
    cache_dir : str
        Numba's cache folder (``""``: beside the package's sources).
    """

    parts: np.ndarray = field(metadata={"description": "parts warmed up, in order"})
    seconds: np.ndarray = field(metadata={**_SEC, "description": "wall time of each part"})
    n_signatures: np.ndarray = field(
        metadata={"description": "kernel signatures made ready during each part"})
    n_compiled: np.ndarray = field(
        metadata={"description": "signatures compiled (not loaded from the cache)"})
    n_twins: np.ndarray = field(
        metadata={"description": "serial/parallel twin builds made for a sibling's signature"})
    errors: np.ndarray = field(metadata={"description": "exception of each part ('' if none)"})
    total_seconds: float = field(metadata={**_SEC, "description": "wall time of the warm-up"})
    cache_dir: str = field(default="", metadata={"description": "Numba cache folder"})

    def __post_init__(self):
        object.__setattr__(self, "parts", np.asarray(self.parts, dtype="<U16"))
        object.__setattr__(self, "errors", np.asarray(self.errors, dtype=str))
        for name in ("seconds",):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        for name in ("n_signatures", "n_compiled", "n_twins"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))

    def summary(self) -> dict:
        """The key numbers as a JSON-ready dict (what ``esorma warmup --json`` prints)."""
        return {
            "parts": {str(p): {"seconds": round(float(s), 3), "signatures": int(n),
                               "compiled": int(c), "twins": int(t),
                               **({"error": str(e)} if e else {})}
                      for p, s, n, c, t, e in zip(self.parts, self.seconds, self.n_signatures,
                                                  self.n_compiled, self.n_twins, self.errors)},
            "failed": [str(p) for p, e in zip(self.parts, self.errors) if e],
            "total_seconds": round(float(self.total_seconds), 3),
            "n_signatures": int(self.n_signatures.sum()),
            "n_compiled": int(self.n_compiled.sum()),
            "cache_dir": self.cache_dir,
        }


def warmup(parts=None, *, seed: int = 2026, callback=None) -> WarmupReport:
    """Compile and cache every kernel the tour uses, serial and parallel builds alike.

    Parameters
    ----------
    parts : sequence of str, optional
        Which parts (keys of :data:`PARTS`, the tour's sections); default all.
    seed : int
        Seed of the small problems (default: the tour's). Types do not depend on it, but a
        path chosen from the data (e.g. how many patterns coincide) can.
    callback : callable, optional
        ``callback(name, seconds, n_signatures, n_compiled, error)`` after each part
        (``error`` is ``""`` when the part ran).

    Returns
    -------
    WarmupReport

    Notes
    -----
    Costs about the compile time of the tour's kernels (tens of seconds on 2 cores with an
    empty cache, a second or two when the cache is already full). The tiny problems take the
    argument types of the real calls, so the signatures compiled are the ones those calls
    look up; serial/parallel twins are compiled for each other's signatures (the work
    threshold between them would otherwise leave one build cold).

    Examples
    --------
    >>> rep = warmup(["chaos"])  # doctest: +SKIP
    >>> list(rep.parts)  # doctest: +SKIP
    ['chaos']
    """
    if parts is None:
        names = list(PARTS)
    else:
        if isinstance(parts, str):
            parts = [parts]
        names = list(parts)
        unknown = [p for p in names if p not in PARTS]
        if unknown or not names:
            raise ValueError(f"parts must name warm-up parts among {list(PARTS)}; "
                             f"got {names!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an int >= 0; got {seed!r}")
    import os

    from esorma._threads import single_threaded_blas

    seconds, n_sigs, n_comp, n_twins, errors = [], [], [], [], []
    t_all = time.perf_counter()
    with single_threaded_blas():
        for name in names:
            before = _dispatchers()
            sigs0, miss0 = _n_signatures(before), _misses(before)
            t0 = time.perf_counter()
            try:
                PARTS[name](int(seed))
                err = ""
            except Exception as exc:  # noqa: BLE001 - report it; the other parts still run
                err = f"{type(exc).__name__}: {exc}"
            mid = _dispatchers()
            twin_misses = [0]
            twins = _complete_twins(mid, twin_misses)
            dt = time.perf_counter() - t0
            ns = _n_signatures(_dispatchers()) - sigs0
            # compiled (not loaded): during the part, plus the twins that were compiled
            nc = _misses(mid) - miss0 + twin_misses[0]
            seconds.append(dt)
            n_sigs.append(ns)
            n_comp.append(nc)
            n_twins.append(twins)
            errors.append(err)
            if callback is not None:
                callback(name, dt, ns, nc, err)
    return WarmupReport(parts=names, seconds=seconds, n_signatures=n_sigs, n_compiled=n_comp,
                        n_twins=n_twins, errors=errors, total_seconds=time.perf_counter() - t_all,
                        cache_dir=os.environ.get("NUMBA_CACHE_DIR", ""))

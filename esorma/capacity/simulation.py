"""One grid point of a capacity study: draw networks, run the dynamics from stored patterns.

:func:`run_point` is the function the sweep evaluates on every ``(N, P, T)`` point (on this
process, local worker processes or Dask workers); it depends only on the point's seed and the
config, never on how or where it runs.
"""

from __future__ import annotations

import time

import numpy as np

from esorma._threads import single_threaded_blas
from esorma.capacity.config import CapacityConfig

__all__ = ["run_point"]


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

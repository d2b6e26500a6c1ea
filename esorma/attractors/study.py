"""The attractor study: build a network, find its attractors (exactly or by sampling), label them.

:func:`attractor_study` is what ``esorma attractors`` computes; it returns an
:class:`AttractorStudy` holding the network, the attractors and the settings, which saves and
loads with :func:`esorma.io.save_result` / :func:`esorma.io.load_result`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_probability,
    check_real,
)
from esorma.attractors.basins import MAX_EXACT_NEURONS, ExactBasins, exact_basins
from esorma.attractors.sampling import SampledAttractors, sample_attractors

if TYPE_CHECKING:  # pragma: no cover
    from esorma.networks import Hopfield

__all__ = ["AttractorStudy", "attractor_study", "AUTO_EXACT_MAX", "DYNAMICS"]

#: Above this N, ``method="auto"`` samples instead of enumerating the basins exactly.
AUTO_EXACT_MAX = 16
#: The dynamics each method accepts (the first is the default).
DYNAMICS = {"exact": ("sync", "sequential"), "sampled": ("async", "sequential", "sync")}
_SOURCES = ("patterns", "sk", "network", "file")


@summarized
@dataclass(frozen=True, eq=False)
class AttractorStudy:
    """A network, its attractors and how they were found (the result of :func:`attractor_study`).

    Attributes
    ----------
    network : esorma.Hopfield
        The network studied.
    attractors : ExactBasins or SampledAttractors
        Every attractor with its exact basin (``method="exact"``), or those reached from the
        sampled starts with estimated basin fractions (``method="sampled"``); labelled when the
        network stores patterns.
    method : str
        ``"exact"`` or ``"sampled"`` (what ``"auto"`` resolved to).
    dynamics : str
        ``"sync"`` (all spins at once), ``"sequential"`` (sweeps ``i = 0..N−1``) or ``"async"``
        (random-order single-spin updates; sampled only).
    source : str
        Where the couplings came from: ``"patterns"`` (random patterns and a learning rule),
        ``"sk"`` (Sherrington–Kirkpatrick), ``"network"`` (given) or ``"file"``.
    couplings_file : str or None
        The file read when ``source == "file"``.
    label_tol : float
        Label tolerance (fraction of spins that may differ from a pattern or mixture).
    n_starts, start_from, corruption, max_sweeps
        The sampled search's settings (None for the exact method).
    seed : int or None
        The integer seed, when one was given.
    """

    network: Hopfield
    attractors: ExactBasins | SampledAttractors
    method: str
    dynamics: str
    source: str
    couplings_file: str | None
    label_tol: float = field(metadata={"unit": "fraction of spins"})
    n_starts: int | None
    start_from: str | None
    corruption: float | None = field(metadata={"unit": "fraction of spins"})
    max_sweeps: int | None
    seed: int | None

    # ------------------------------------------------------------------ derived numbers
    @property
    def n_neurons(self) -> int:
        return int(self.network.n_neurons)

    @property
    def n_attractors(self) -> int:
        return int(self.attractors.n_attractors)

    @property
    def is_exact(self) -> bool:
        return self.method == "exact"

    @property
    def network_description(self) -> str:
        """A short phrase naming the network, e.g. ``"hebb network with P = 3 patterns"``."""
        if self.source == "patterns":
            p = self.network.n_patterns
            return f"{self.network.rule} network with P = {p} pattern{'s' if p != 1 else ''}"
        if self.source == "sk":
            return "SK network"
        if self.source == "file":
            return f"network from {self.couplings_file}"
        return "given network"

    def settings(self) -> dict:
        """How the study was made (JSON-friendly): network source, method, dynamics, ..."""
        out = {
            "source": self.source,
            "n_neurons": self.n_neurons,
            "n_patterns": int(self.network.n_patterns),
            "rule": self.network.rule,
            "method": self.method,
            "dynamics": self.dynamics,
            "label_tol": float(self.label_tol),
            "seed": self.seed,
        }
        if self.couplings_file is not None:
            out["couplings_file"] = self.couplings_file
        if not self.is_exact:
            out.update(n_starts=int(self.n_starts), start_from=self.start_from,
                       corruption=float(self.corruption), max_sweeps=int(self.max_sweeps))
        return out

    def summary(self) -> dict:
        """The key numbers (JSON-friendly): the attractors' summary with method and network."""
        s = self.attractors.summary()
        out = {"method": self.method, "dynamics": self.dynamics, "source": self.source,
               "n_neurons": self.n_neurons, "n_patterns": int(self.network.n_patterns)}
        out.update(s)
        if not self.is_exact:
            cyc = self.attractors.cycle_lengths
            out["n_fixed_points"] = int(np.sum(cyc == 1))
            out["n_cycles"] = int(np.sum(cyc > 1))
            out["cycle_lengths"] = sorted({int(x) for x in cyc})
            out["unconverged_fraction"] = float(self.attractors.unconverged_fraction)
            out["largest_basin_fraction"] = out["largest_fraction"]
        return out

    def rows(self, top: int = 0) -> list[dict]:
        """One dict per attractor, largest basins first (``top`` of them; 0: all).

        Keys: ``index``, ``label``, ``cycle_length``, ``energy`` (``E = −½ sᵀJs + θᵀs``, the
        total energy), then ``basin_size`` and ``basin_fraction`` (exact) or ``count``,
        ``basin_fraction`` and ``fraction_error`` (sampled), and ``max_overlap`` (the overlap of
        largest magnitude with a stored pattern) with its ``max_overlap_pattern``.
        """
        top = check_int(top, "top", minimum=0)
        res = self.attractors
        k_count = res.n_attractors
        keep = k_count if top == 0 else min(top, k_count)
        names = res.labels.names if res.labels is not None else None
        out = []
        for k in range(keep):
            row = {
                "index": k,
                "label": names[k] if names else "-",
                "cycle_length": int(res.cycle_lengths[k]),
                "energy": float(res.energies[k]),
            }
            if self.is_exact:
                row["basin_size"] = int(res.basin_sizes[k])
                row["basin_fraction"] = float(res.basin_fractions[k])
            else:
                row["count"] = int(res.counts[k])
                row["basin_fraction"] = float(res.fractions[k])
                row["fraction_error"] = float(res.fraction_errors[k])
            if res.labels is not None:
                m = res.labels.overlaps[k]
                j = int(np.argmax(np.abs(m)))
                row["max_overlap"] = float(m[j])
                row["max_overlap_pattern"] = j
            out.append(row)
        return out


def _split_rng(rng):
    """(generator of the network, int seed of the search, the int seed or None)."""
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"rng must be a non-negative int seed; got {rng}")
        net_seed, run_seed = np.random.SeedSequence(rng).generate_state(2)
        return (np.random.default_rng(int(net_seed)), int(run_seed),
                None if rng is None else int(rng))
    gen = as_rng(rng)
    return gen, int(gen.integers(0, 2**63 - 1)), None


def _network(network, n_neurons, n_patterns, load, rule, sk, gen):
    """(network, source, couplings_file) from the arguments of :func:`attractor_study`."""
    from esorma.couplings import read_couplings, sk_couplings
    from esorma.networks import Hopfield, as_network
    from esorma.patterns import random_patterns

    sk = check_bool(sk, "sk")
    if network is not None:
        given = [name for name, v in (("n_neurons", n_neurons), ("n_patterns", n_patterns),
                                      ("load", load), ("rule", rule)) if v is not None]
        if sk:
            given.append("sk")
        if given:
            raise ValueError(f"{', '.join(given)} cannot be combined with network (the network "
                             f"is given); pass one or the other")
        if isinstance(network, (str, os.PathLike)):
            return read_couplings(network), "file", os.fspath(network)
        return as_network(network), "network", None
    n = check_int(12 if n_neurons is None else n_neurons, "n_neurons", minimum=2 if sk else 1)
    if sk:
        extra = [name for name, v in (("n_patterns", n_patterns), ("load", load),
                                      ("rule", rule)) if v is not None]
        if extra:
            raise ValueError(f"{', '.join(extra)} cannot be combined with sk=True "
                             "(SK couplings store no patterns)")
        return Hopfield(sk_couplings(n, rng=gen)), "sk", None
    if load is not None and n_patterns is not None:
        raise ValueError("give n_patterns or load, not both")
    if load is not None:
        alpha = check_real(load, "load", minimum=0.0, strict_min=True)
        p = max(1, int(round(alpha * n)))
    else:
        p = check_int(3 if n_patterns is None else n_patterns, "n_patterns", minimum=1)
    from esorma.learning import RULES

    rule = check_choice("hebb" if rule is None else rule, "rule", RULES)
    xi = random_patterns(p, n, rng=gen)
    return Hopfield.from_patterns(xi, rule=rule), "patterns", None


def attractor_study(
    network=None,
    *,
    n_neurons: int | None = None,
    n_patterns: int | None = None,
    load: float | None = None,
    rule: str | None = None,
    sk: bool = False,
    method: str = "auto",
    dynamics: str | None = None,
    n_starts: int = 1000,
    start_from: str | None = None,
    corruption: float = 0.1,
    max_sweeps: int = 100,
    label_tol: float | None = None,
    rng=None,
) -> AttractorStudy:
    """Build a network, find its attractors exactly or by sampling, and label them.

    Parameters
    ----------
    network : Hopfield, array_like (N, N), object with ``to_network()``, or path, optional
        The network to study, or a couplings file (read with
        :func:`esorma.couplings.read_couplings`). Default: a random network (below).
    n_neurons : int, optional
        N of a random network (default 12).
    n_patterns : int, optional
        Random ±1 patterns stored by ``rule`` (default 3) ...
    load : float, optional
        ... or the load ``α > 0``: ``P = max(1, round(α N))`` patterns.
    rule : {"hebb", "pseudo_inverse", "storkey"}, optional
        Learning rule of the random network (default ``"hebb"``).
    sk : bool
        Sherrington–Kirkpatrick couplings of ``n_neurons`` spins instead of stored patterns
        (:func:`esorma.couplings.sk_couplings`).
    method : {"auto", "exact", "sampled"}
        ``"exact"``: every attractor and the exact size of every basin over all ``2^N``
        states (N ≤ :data:`~esorma.attractors.MAX_EXACT_NEURONS`); ``"sampled"``: the
        dynamics from ``n_starts`` starts, with binomial error bars on the basin fractions;
        ``"auto"``: exact up to N = 16 (unless ``dynamics="async"`` or ``start_from`` asks
        for the sampled search), sampled above.
    dynamics : str, optional
        Exact: ``"sync"`` (default) or ``"sequential"``; sampled: ``"async"`` (random order,
        default), ``"sequential"`` or ``"sync"``.
    n_starts : int
        Sampled: number of starts.
    start_from : {"random", "patterns"}, optional
        Sampled: uniformly random states (default), or stored patterns with a fraction
        ``corruption`` of their spins flipped.
    corruption : float
        Sampled: fraction of flipped spins of pattern starts.
    max_sweeps : int
        Sampled: sweeps (or synchronous steps) allowed per start.
    label_tol : float, optional
        Fraction of spins that may differ from a pattern or mixture in a label (default 0 for
        exact, 0.05 for sampled).
    rng : None, int, SeedSequence or Generator
        Seeds the random network and the search. An int seed is split into two independent
        streams (``numpy.random.SeedSequence(seed).generate_state(2)``: the network's and the
        search's), so the same seed gives the same network whichever method runs.

    Returns
    -------
    AttractorStudy

    Raises
    ------
    ValueError
        Bad arguments, ``method="exact"`` above ``MAX_EXACT_NEURONS`` (with the cost), pattern
        starts on a network without stored patterns.

    Examples
    --------
    >>> from esorma.attractors import attractor_study
    >>> study = attractor_study(n_neurons=10, n_patterns=2, rng=0)
    >>> study.method, int(study.attractors.basin_sizes.sum()) == 2**10
    ('exact', True)
    >>> sorted(n for n in study.attractors.labels.names if n.startswith("pattern"))
    ['pattern 0', 'pattern 1']
    """
    method = check_choice(method, "method", ("auto", "exact", "sampled"))
    gen, run_seed, seed = _split_rng(rng)
    net, source, path = _network(network, n_neurons, n_patterns, load, rule, sk, gen)
    n = net.n_neurons
    if method == "auto":
        exact_ok = (n <= AUTO_EXACT_MAX and start_from is None
                    and dynamics in (None, *DYNAMICS["exact"]))
        method = "exact" if exact_ok else "sampled"
    allowed = DYNAMICS[method]
    if dynamics is None:
        dynamics = allowed[0]
    elif dynamics not in allowed:
        why = (" (random-order asynchronous updates are not a deterministic map)"
               if method == "exact" and dynamics == "async" else "")
        raise ValueError(f"dynamics must be one of {list(allowed)} with method={method!r}{why}; "
                         f"got {dynamics!r}")
    if label_tol is not None:
        label_tol = check_probability(label_tol, "label_tol")
    if method == "exact":
        sampled_only = [name for name, v in (("start_from", start_from),) if v is not None]
        if sampled_only:
            raise ValueError(f"{sampled_only[0]} only applies to method='sampled'")
        tol = 0.0 if label_tol is None else label_tol
        if n > MAX_EXACT_NEURONS:
            raise ValueError(
                f"method='exact' visits all 2**N states and handles N <= {MAX_EXACT_NEURONS}; "
                f"the network has N = {n} (2**{n} = {2.0**n:.3g} states): use "
                f"method='sampled' (or 'auto')"
            )
        res = exact_basins(net, mode=dynamics, label_tol=tol)
        return AttractorStudy(
            network=net, attractors=res, method="exact", dynamics=dynamics, source=source,
            couplings_file=path, label_tol=float(tol), n_starts=None, start_from=None,
            corruption=None, max_sweeps=None, seed=seed,
        )
    n_starts = check_int(n_starts, "n_starts", minimum=1)
    start_from = check_choice("random" if start_from is None else start_from, "start_from",
                              ("random", "patterns"))
    corruption = check_probability(corruption, "corruption")
    max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=0)
    tol = 0.05 if label_tol is None else label_tol
    if start_from == "patterns" and net.patterns is None:
        where = {"sk": "SK couplings store", "file": f"the network read from {path} has",
                 "network": "the given network has"}[source]
        raise ValueError(f"starting from the stored patterns needs a network that stores "
                         f"patterns: {where} none (start from random states instead)")
    mode, order = {"async": ("async", "random"), "sequential": ("async", "sequential"),
                   "sync": ("sync", "random")}[dynamics]
    res = sample_attractors(net, n_starts, starts=start_from, corruption=corruption, mode=mode,
                            order=order, max_sweeps=max_sweeps, label_tol=tol, rng=run_seed)
    return AttractorStudy(
        network=net, attractors=res, method="sampled", dynamics=dynamics, source=source,
        couplings_file=path, label_tol=float(tol), n_starts=n_starts, start_from=start_from,
        corruption=float(corruption), max_sweeps=max_sweeps, seed=seed,
    )

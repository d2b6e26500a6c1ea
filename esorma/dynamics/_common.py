"""Preparation shared by the finite-temperature samplers (:mod:`esorma.dynamics.stochastic`) and
parallel tempering (:mod:`esorma.dynamics.tempering`): names of update rules, orders and field
paths, the per-network tuples the kernels of :mod:`esorma.dynamics._stochastic_kernels` take,
the chain arrays, the initial states and the flip tables. The module is private (names without
an underscore here are shared by the two public modules, not public API); no printing.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np

from esorma.errors import NonSymmetricWarning

from esorma._validation import check_choice, check_int, check_memory, check_spins
from esorma.dynamics import _stochastic_kernels as _k

UPDATES = {"glauber": _k.GLAUBER, "metropolis": _k.METROPOLIS}
"""Single-spin update rules (the ``update`` argument): name -> kernel code."""

ORDERS = {
    "random": _k.ORDER_PERMUTATION,
    "sequential": _k.ORDER_SEQUENTIAL,
    "uniform": _k.ORDER_UNIFORM,
    "permutation": _k.ORDER_PERMUTATION,
}
"""Asynchronous update orders, as in :func:`esorma.dynamics.run`: ``"random"`` = a fresh random
permutation per sweep (``"permutation"`` is an alias), ``"sequential"`` = 0..N−1, and
``"uniform"`` = N sites drawn uniformly with replacement per sweep."""


PATHS = ("auto", "dense", "low_rank")



def warn_if_nonsymmetric(net, sampler: str, temperatures, *, stacklevel: int = 3) -> None:
    """Warn (:class:`NonSymmetricWarning`) when ``net`` has non-symmetric couplings and some
    temperature is positive, saying what is sampled instead."""
    if getattr(net, "symmetric", True) or not np.any(np.asarray(temperatures) > 0):
        return
    J = net.J
    asym = float(np.abs(J - J.T).max()) if J.size else 0.0
    warnings.warn(
        f"J is not symmetric (max |J - J^T| = {asym:.3g}): {sampler} has no detailed balance "
        "on non-symmetric couplings, so the chains sample the stationary distribution of the "
        "non-equilibrium dynamics, not the Boltzmann distribution exp(-E/T) of the energy "
        "(esorma's energy uses only the symmetric part (J + J^T)/2); averages such as <E> "
        "differ from the Boltzmann ones. Pass (J + J.T) / 2 to sample that Boltzmann "
        "distribution",
        NonSymmetricWarning,
        stacklevel=stacklevel,
    )


def check_chain_memory(net, n_chains: int, n_meas: int, low_rank: bool, *,
                       record_samples: bool = False, what: str = "chains",
                       hint: str = "") -> float:
    """Refuse up front (MemoryError with the estimate) when the chains, their fields and the
    recorded measurements would not fit; returns the estimated peak bytes.

    Per chain and spin: the initial and working states and the field arrays with their
    float64 temporaries (about 20 bytes on the dense path, 12 on the low-rank one); per
    measurement and chain: energy, magnetisation, P overlaps and q (8 bytes each) and, with
    ``record_samples``, the N spins.
    """
    c, n, p = int(n_chains), int(net.n_neurons), int(net.n_patterns)
    per_spin = 12.0 if low_rank else 20.0
    nbytes = (c * n * per_spin + c * (16.0 * p + 64.0)
              + n_meas * c * (20.0 + 8.0 * p + (n if record_samples else 0)))
    check_memory(
        nbytes,
        f"{c} {what} of N = {n} spins with {n_meas} measurements"
        + (" and recorded samples" if record_samples else ""),
        hint=hint,
    )
    return nbytes

#: ``path="auto"`` uses the low-rank Hebb path up to this many patterns.
LOW_RANK_MAX_PATTERNS = 32


# --------------------------------------------------------------------------- preparation


def resolve_path(net, path: str) -> bool:
    check_choice(path, "path", PATHS)
    if path == "low_rank":
        if not net._low_rank:
            raise ValueError(
                "path='low_rank' needs a Hebb network with its patterns "
                "(Hopfield.from_patterns(xi, rule='hebb')); use path='dense' or 'auto'"
            )
        return True
    if path == "dense":
        return False
    return prefer_low_rank(net)


#: One BLAS multiply-add of the Hebb product costs about this fraction of one low-rank kernel
#: operation (measured order of magnitude; used only to choose a path, never the result).
BLAS_OP_COST = 0.1


def prefer_low_rank(net, low_rank_work: float | None = None) -> bool:
    """Whether a Hebb network built from patterns runs on its overlaps ``M = ξ s``.

    Yes up to :data:`LOW_RANK_MAX_PATTERNS` patterns (an update costs O(P) against O(N) per
    flip on the dense fields). For more patterns: no once J is formed; while it is not, yes
    when forming it would take more than half of the available memory (the dense path would
    be refused; the low-rank one runs in O(NP)), and, for a caller that states the work of
    its low-rank run (``low_rank_work``, kernel operations), yes as long as the low-rank work
    spent on this network stays below the cost of forming J (then J is formed and reused:
    never more than about twice the cheaper choice in hindsight). Both paths give
    bit-identical results; only speed and memory differ.
    """
    if not getattr(net, "_low_rank", False) or net.patterns is None:
        return False
    if net.n_patterns <= LOW_RANK_MAX_PATTERNS:
        return True
    if net.couplings_formed:
        return False
    from esorma._validation import available_memory_bytes
    from esorma.learning import hebb_counts_bytes

    need = hebb_counts_bytes(net.n_patterns, net.n_neurons, net.couplings_dtype)
    if need > 0.5 * available_memory_bytes():
        return True
    if low_rank_work is None:
        return False
    spent = net.__dict__.get("_low_rank_spent", 0.0) + float(low_rank_work)
    form = BLAS_OP_COST * float(net.n_patterns) * net.n_neurons * net.n_neurons
    if spent > form:
        return False
    object.__setattr__(net, "_low_rank_spent", spent)
    return True


_CACHE = weakref.WeakKeyDictionary()


def forget_network(net) -> None:
    """Drop what :func:`dense_info` cached for ``net`` (its J was released)."""
    _CACHE.pop(net, None)


def dense_info(net):
    """(max_i Σ_{j≠i} |J_ij|, max |J_ii|, Jt as int8 if every count fits else Jt), computed
    once per network (networks are immutable) and only for integer couplings."""
    info = _CACHE.get(net)
    if info is None:
        J = net.J
        diag = np.abs(np.diagonal(J).astype(np.int64))
        rows = np.abs(J).sum(axis=1, dtype=np.int64) - diag
        narrow = net._Jt
        if J.dtype != np.int8 and int(np.abs(net._Jt).max()) <= 127:
            narrow = net._Jt.astype(np.int8)  # half the memory traffic per flip
        info = (int(rows.max()), int(diag.max()), narrow)
        _CACHE[net] = info
    return info


def alignment_bound(net, low_rank: bool) -> int:
    """Largest ``|a|`` of the integer alignment (see the kernels) of this network."""
    if low_rank:
        return net.n_patterns * (net.n_neurons + 1)
    return dense_info(net)[0]


def field_dtype(net, low_rank: bool = False):
    if low_rank:
        return np.int64  # fields are not kept
    if not net.is_integer:
        return np.float64
    bound, dmax, _ = dense_info(net)
    return np.int32 if 2 * (bound + dmax) + 2 < np.iinfo(np.int32).max else np.int64


_TABLE_MAX = 1 << 20
_TABLE_CUT = 20.0  # exp(-2 * 20) = 4e-18: clipped probabilities are below double resolution


def flip_table(net, low_rank: bool, temperatures: np.ndarray, update: str) -> np.ndarray:
    """Flip probabilities by integer alignment, or an empty array when ``exp`` must be used.

    A table applies when the alignments are integers (integer couplings or the low-rank
    Hebb path), θ = 0, and the temperature is one constant T > 0.
    """
    empty = np.zeros(0)
    if not (low_rank or net.is_integer) or np.any(net.theta != 0):
        return empty
    t = float(temperatures[0])
    if t <= 0 or np.any(temperatures != t):
        return empty
    c = 1.0 / net.n_neurons if low_rank else float(net.scale)
    k = min(alignment_bound(net, low_rank), int(np.ceil(_TABLE_CUT * t / c)))
    if 2 * k + 1 > _TABLE_MAX:
        return empty
    a = np.arange(-k, k + 1, dtype=np.float64)
    if update == "glauber":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(2.0 * c * a / t))
    return np.minimum(1.0, np.exp(np.minimum(-2.0 * c * a / t, 0.0)))


def network_tuple(net, low_rank: bool, table=None):
    """(Jt, diag, xi_t, theta, scale, low_rank, table) and the raw-field dtype."""
    n = net.n_neurons
    if net.patterns is not None:
        xi_t = net.xi_t if hasattr(net, "xi_t") else np.ascontiguousarray(net.patterns.T)
    else:
        xi_t = np.zeros((n, 0), dtype=np.int8)
    hdt = field_dtype(net, low_rank)
    if low_rank:
        # Hebb couplings have a zero diagonal and the kernels never read J on this path: an
        # empty J of the right dtype keeps the network in O(NP) memory (J is not formed).
        diag = np.zeros(n, dtype=hdt)
        jt = np.zeros((0, 0), dtype=net.couplings_dtype)
    else:
        diag = np.ascontiguousarray(np.diagonal(net.J)).astype(hdt)
        jt = dense_info(net)[2] if net.is_integer else net._Jt
    table = np.zeros(0) if table is None else table
    return (jt, diag, xi_t, net.theta, float(net.scale), bool(low_rank), table), hdt


def chain_arrays(net, batch, low_rank: bool, hdt, seeds):
    """(s, h, M, seeds, flips) for a validated batch (copied)."""
    b, n = batch.shape
    s = batch.copy()
    if low_rank:
        h = np.zeros((b, 0), dtype=hdt)
        M = np.ascontiguousarray(net.pattern_overlaps_int(s))
    else:
        check_memory(b * n * np.dtype(hdt).itemsize, f"local fields of {b} chains × {n} spins")
        h = np.ascontiguousarray(net.raw_fields(s)).astype(hdt)
        M = np.zeros((b, 0), dtype=np.int64)
    return (s, h, M, np.asarray(seeds, dtype=np.int64), np.zeros(b, dtype=np.int64))



def count_chains(states, n_chains) -> int:
    """How many chains :func:`initial_states` will make, without making them (for the
    up-front memory estimate; invalid input is left to :func:`initial_states`)."""
    try:
        want = None if n_chains is None else check_int(n_chains, "n_chains", minimum=1)
    except (TypeError, ValueError):
        want = None
    if states is None:
        return 1 if want is None else want
    shape = np.shape(states)
    rows = shape[0] if len(shape) == 2 else 1
    return want if (want is not None and rows == 1) else rows


def initial_states(states, n_chains, n, rng, name="states"):
    if states is None:
        b = 1 if n_chains is None else check_int(n_chains, "n_chains", minimum=1)
        return (2 * rng.integers(0, 2, size=(b, n), dtype=np.int8) - 1).astype(np.int8)
    batch, _ = check_spins(states, name, n=n)
    if n_chains is not None and check_int(n_chains, "n_chains", minimum=1) != batch.shape[0]:
        if batch.shape[0] != 1:
            raise ValueError(
                f"n_chains must match the number of given states ({batch.shape[0]}) or be None; "
                f"got {n_chains}"
            )
        batch = np.repeat(batch, n_chains, axis=0)
    return np.ascontiguousarray(batch)

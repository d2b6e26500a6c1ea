"""Exact thermodynamics of small networks by enumeration of all 2**N states.

``Z(T) = Σ_s exp(−E(s)/T)`` with ``E(s) = −½ sᵀ (scale J) s + θᵀ s``. States are visited in
Gray-code order (one spin flip per step, O(N) per state) in parallel chunks; all Boltzmann
sums are taken relative to the ground-state energy (log-sum-exp), so nothing overflows at low
T. With θ = 0 the spin-flip symmetry E(s) = E(−s) halves the enumeration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_memory, format_bytes
from esorma.networks import as_network
from esorma.thermo import _kernels as _k

__all__ = [
    "MAX_NEURONS",
    "ExactThermo",
    "exact",
    "all_states",
    "state_codes",
    "exact_distribution",
    "ground_states",
]

#: Default largest N for :func:`exact` (2**24 ≈ 1.7e7 states; about a second per 50 T).
MAX_NEURONS = 24
_HARD_MAX = 30
_N_CHUNKS = 256


@summarized
@dataclass(frozen=True)
class ExactThermo:
    """Exact equilibrium quantities of a network at a list of temperatures.

    Attributes
    ----------
    temperatures : ndarray, shape (K,)
    log_z : ndarray, shape (K,)
        ``log Z``.
    free_energy, energy, entropy, specific_heat : ndarray, shape (K,)
        ``F = −T log Z``, ``⟨E⟩``, ``S = (⟨E⟩ − F)/T`` (k_B = 1) and
        ``C = (⟨E²⟩ − ⟨E⟩²)/T²``; extensive (divide by N for per-spin values).
    magnetisation, abs_magnetisation, magnetisation2 : ndarray, shape (K,)
        ``⟨m⟩``, ``⟨|m|⟩``, ``⟨m²⟩`` with ``m = (1/N) Σ_i s_i``.
    overlaps, abs_overlaps, overlaps2 : ndarray, shape (K, P) or None
        The same for the overlaps ``m_μ = (1/N) Σ_i ξ^μ_i s_i`` with stored patterns.
    q_values : ndarray, shape (N + 1,) or None
        ``q = 1 − 2d/N`` for Hamming distances d = 0..N.
    overlap_distribution : ndarray, shape (K, N + 1) or None
        ``P(q)`` of two independent replicas (probabilities summing to 1).
    ground_energy : float
    ground_states : ndarray, int8, shape (G, N)
        All states within 1e-9 (relative) of the ground energy (at most 64 listed).
    n_neurons : int
    seconds : float
    """

    temperatures: np.ndarray
    log_z: np.ndarray
    free_energy: np.ndarray
    energy: np.ndarray
    entropy: np.ndarray
    specific_heat: np.ndarray
    magnetisation: np.ndarray
    abs_magnetisation: np.ndarray
    magnetisation2: np.ndarray
    overlaps: np.ndarray | None
    abs_overlaps: np.ndarray | None
    overlaps2: np.ndarray | None
    q_values: np.ndarray | None
    overlap_distribution: np.ndarray | None
    ground_energy: float
    ground_states: np.ndarray
    n_neurons: int
    seconds: float

    @property
    def n_states(self) -> int:
        return 2**self.n_neurons


def _check_size(n: int, max_neurons: int, extra_bytes_per_state: int = 0) -> None:
    max_neurons = check_int(max_neurons, "max_neurons", minimum=1, maximum=_HARD_MAX)
    if n > max_neurons:
        states = 2.0**n
        need = states * (9 + extra_bytes_per_state)
        secs = states * 6e-8
        raise ValueError(
            f"exact enumeration needs N <= {max_neurons}; got N = {n} "
            f"(2^{n} = {states:.3g} states, about {format_bytes(need)} of memory and "
            f"~{secs:.3g} s per 50 temperatures; raise max_neurons up to {_HARD_MAX} "
            "or use the samplers in esorma.dynamics)"
        )


def _check_temperatures(temperatures) -> np.ndarray:
    arr = np.asarray(temperatures)
    if arr.dtype == object or arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"temperatures must be real numbers; got {temperatures!r}")
    arr = np.atleast_1d(arr).astype(np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"temperatures must be a non-empty 1-D list; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        bad = arr[~np.isfinite(arr) | (arr <= 0)][:3]
        raise ValueError(
            f"temperatures must be finite and > 0 for exact thermodynamics (use the ground "
            f"state for T = 0); found {bad.tolist()}"
        )
    return arr


def _symmetrised(net):
    """(A, scale, e_const): ``E = −¼ scale sᵀ A s + θᵀ s + e_const`` with diag(A) = 0."""
    J = net.J
    if net.is_integer:
        A = J.astype(np.int64) + J.T.astype(np.int64)
    else:
        A = J + J.T
    A = np.ascontiguousarray(A)
    e_const = -0.5 * float(net.scale) * float(np.trace(J.astype(np.float64)))
    np.fill_diagonal(A, 0)
    return A, float(net.scale), e_const


def _enumerate(net, *, half_ok: bool = True):
    """Energies etc. in Gray order. Returns (e, mag, ov, n_free, mirror)."""
    n = net.n_neurons
    mirror = bool(half_ok and n > 1 and not np.any(net.theta))
    n_free = n - 1 if mirror else n
    total = 1 << n_free
    p = net.n_patterns
    check_memory(total * (9 + p), f"exact enumeration of 2^{n_free} states")
    A, scale, e_const = _symmetrised(net)
    xi = net.patterns if net.patterns is not None else np.zeros((0, n), dtype=np.int8)
    e = np.empty(total)
    mag = np.empty(total, dtype=np.int8)
    ov = np.empty((p, total), dtype=np.int8)
    n_chunks = min(total, _N_CHUNKS)
    _k.gray_energies(A, net.theta, scale, e_const, xi, n_free, n_chunks, e, mag, ov)
    return e, mag, ov, n_free, mirror


def _codes_to_states(codes: np.ndarray, n: int) -> np.ndarray:
    bits = (codes[:, None] >> np.arange(n)) & 1
    return (1 - 2 * bits).astype(np.int8)


def all_states(n_neurons: int) -> np.ndarray:
    """All 2**N states, row g having ``s_j = −1`` where bit j of g is set (int8, (2**N, N)).

    Examples
    --------
    >>> all_states(2).tolist()
    [[1, 1], [-1, 1], [1, -1], [-1, -1]]
    """
    n = check_int(n_neurons, "n_neurons", minimum=1, maximum=_HARD_MAX)
    check_memory(2.0**n * n, f"all 2^{n} states of {n} spins")
    return _codes_to_states(np.arange(2**n, dtype=np.int64), n)


def state_codes(states) -> np.ndarray:
    """The row index in :func:`all_states` of each state (inverse of the ordering).

    Examples
    --------
    >>> state_codes([[1, 1], [-1, -1]]).tolist()
    [0, 3]
    """
    from esorma._validation import check_spins

    batch, was_1d = check_spins(states, "states")
    if batch.shape[1] > 62:
        raise ValueError(f"states must have at most 62 spins for integer codes; "
                         f"got {batch.shape[1]}")
    bits = (batch < 0).astype(np.int64)
    codes = bits @ (np.int64(1) << np.arange(batch.shape[1], dtype=np.int64))
    return codes[0] if was_1d else codes


def _ground(e, n, n_free, mirror, limit=64):
    e_min = float(e.min())
    tol = 1e-9 * max(1.0, abs(e_min))
    ks = np.flatnonzero(e <= e_min + tol)[:limit]
    codes = ks ^ (ks >> 1)
    if mirror:
        codes = np.concatenate([codes, codes ^ ((1 << n) - 1)])[:limit]
    return e_min, _codes_to_states(np.sort(codes), n)


def exact(
    network,
    temperatures,
    *,
    overlap_distribution: bool | None = None,
    max_neurons: int = MAX_NEURONS,
) -> ExactThermo:
    """Exact partition function and thermodynamics of a small network at several temperatures.

    Parameters
    ----------
    network : Hopfield, object with ``to_network()`` (a BoltzmannMachine), or array_like (N, N)
        A network, an object with ``to_network()``, or raw couplings (θ = 0); any real J
        (the energy uses its symmetric part).
    temperatures : float or array_like, shape (K,)
        Temperatures > 0.
    overlap_distribution : bool, optional
        Compute ``P(q)`` (a Walsh–Hadamard transform of 2**N probabilities per temperature,
        O(N 2**N) each). Default: only when N <= 20.
    max_neurons : int
        Refuse larger networks (default 24, at most 30) with an estimate of the cost.

    Returns
    -------
    ExactThermo

    Notes
    -----
    Cost: 2**N states × (N + P) for the enumeration, then 2**N × K exponentials, parallel
    over fixed chunks (identical results for any thread count). Sums are relative to the
    ground energy E₀: ``log Z = −E₀/T + log Σ_s exp(−(E − E₀)/T)``. ``P(q)`` uses
    ``Σ_{s,s'} p(s) p(s') [d(s, s') = d] = 2^−N Σ_k p̂(k)² K_d(|k|)`` with p̂ the
    Walsh–Hadamard transform of p and K_d the Krawtchouk polynomials.

    Examples
    --------
    Two ferromagnetically coupled spins: ``Z = 2 e^{1/T} + 2 e^{−1/T}``.

    >>> import numpy as np
    >>> th = exact(np.array([[0.0, 1.0], [1.0, 0.0]]), [1.0])
    >>> round(float(th.log_z[0]), 6), round(float(np.log(4 * np.cosh(1.0))), 6)
    (1.820075, 1.820075)
    >>> th.q_values.tolist(), np.round(th.overlap_distribution[0], 3).tolist()  # P(1) = Σ p²
    ([-1.0, 0.0, 1.0], [0.395, 0.21, 0.395])
    """
    net = as_network(network)
    temps = _check_temperatures(temperatures)
    n = net.n_neurons
    _check_size(n, max_neurons, net.n_patterns)
    if overlap_distribution is None:
        overlap_distribution = n <= 20
    if overlap_distribution:
        check_memory(2.0**n * 8, f"P(q) for N = {n} (2^{n} probabilities)",
                     hint="set overlap_distribution=False")
    t0 = time.perf_counter()
    e, mag, ov, n_free, mirror = _enumerate(net)
    e_min, gs = _ground(e, n, n_free, mirror)
    betas = 1.0 / temps
    n_chunks = min(e.size, _N_CHUNKS)
    p = ov.shape[0]
    sums = np.zeros((n_chunks, temps.size, 6 + 3 * p))
    _k.boltzmann_sums(e, mag, ov, betas, e_min, n_chunks, sums)
    tot = sums.sum(axis=0)  # fixed order: deterministic
    z0 = tot[:, 0]
    # Everything relative to E₀ (no cancellation at low T): with Z' = Σ exp(−β(E − E₀)),
    # F = E₀ − T log Z', S = β⟨E − E₀⟩ + log Z', C = β² Var E. At T → 0 these tend to the
    # ground energy, the log of the ground-state degeneracy and 0, instead of 0/0 = NaN.
    log_z_rel = np.log(z0) + (np.log(2.0) if mirror else 0.0)
    with np.errstate(over="ignore"):
        log_z = -betas * e_min + log_z_rel
    if not np.all(np.isfinite(log_z)):
        bad = temps[~np.isfinite(log_z)][:3].tolist()
        raise ValueError(
            f"temperatures too small for float64: log Z = -E0/T + ... overflows at T = {bad} "
            f"(ground energy E0 = {e_min:.6g}); use T >= {abs(e_min) / 1e300:.3g}, or "
            f"ground_states() for the T -> 0 limit"
        )
    mean_de = tot[:, 1] / z0
    var_e = np.maximum(tot[:, 2] / z0 - mean_de**2, 0.0)
    energy = e_min + mean_de
    free = e_min - temps * log_z_rel
    m = tot[:, 3] / z0 / n
    if mirror:
        m = np.zeros_like(m)
    absm = tot[:, 4] / z0 / n
    m2 = tot[:, 5] / z0 / n**2
    ovs = aovs = ov2 = None
    if p:
        ovs = tot[:, 6::3] / z0[:, None] / n
        if mirror:
            ovs = np.zeros_like(ovs)
        aovs = tot[:, 7::3] / z0[:, None] / n
        ov2 = tot[:, 8::3] / z0[:, None] / n**2
    qv = pq = None
    if overlap_distribution:
        qv, pq = _overlap_distribution(e, betas, e_min, log_z, n, mirror)
    return ExactThermo(
        temperatures=temps,
        log_z=log_z,
        free_energy=free,
        energy=energy,
        entropy=betas * mean_de + log_z_rel,
        specific_heat=betas * (betas * var_e),
        magnetisation=m,
        abs_magnetisation=absm,
        magnetisation2=m2,
        overlaps=ovs,
        abs_overlaps=aovs,
        overlaps2=ov2,
        q_values=qv,
        overlap_distribution=pq,
        ground_energy=e_min,
        ground_states=gs,
        n_neurons=n,
        seconds=time.perf_counter() - t0,
    )


def _krawtchouk(n: int) -> np.ndarray:
    """``K[d, w] = Σ_j (−1)^j C(w, j) C(n − w, d − j)`` for d, w = 0..n."""
    from math import comb

    K = np.zeros((n + 1, n + 1))
    for w in range(n + 1):
        for d in range(n + 1):
            K[d, w] = sum((-1) ** j * comb(w, j) * comb(n - w, d - j)
                          for j in range(0, min(w, d) + 1))
    return K


def _overlap_distribution(e, betas, e_min, log_z, n, mirror):
    kraw = _krawtchouk(n)
    buf = np.empty(1 << n)
    pq = np.empty((betas.size, n + 1))
    for k, beta in enumerate(betas):
        # p(s) = exp(−β(E − E₀)) / Z' with log Z' = log Z + β E₀ (mirror: Z counts both halves)
        log_norm = log_z[k] + beta * e_min
        _k.gray_to_code_weights(e, beta, e_min, log_norm, n, mirror, buf)
        _k.walsh_hadamard(buf)
        sw = _k.weight_sums(buf, n)
        pd = (kraw @ sw) / float(1 << n)
        pd = np.clip(pd, 0.0, None)
        pq[k] = pd / pd.sum()
    d = np.arange(n + 1)
    q = 1.0 - 2.0 * d / n
    # order by increasing q
    return q[::-1].copy(), pq[:, ::-1].copy()


def exact_distribution(network, temperature: float, *, max_neurons: int = 20):
    """All states and their Boltzmann probabilities ``exp(−E/T)/Z`` (N <= 20 by default).

    Returns
    -------
    states : ndarray, int8, shape (2**N, N)
        In the order of :func:`all_states`.
    probabilities : ndarray, shape (2**N,)
    energies : ndarray, shape (2**N,)

    Examples
    --------
    >>> import numpy as np
    >>> S, p, E = exact_distribution(np.array([[0.0, 1.0], [1.0, 0.0]]), 1.0)
    >>> np.round(p, 3).tolist()   # aligned states weigh e / (2e + 2/e)
    [0.44, 0.06, 0.06, 0.44]
    """
    net = as_network(network)
    temp = float(_check_temperatures(temperature)[0])
    n = net.n_neurons
    _check_size(n, max_neurons)
    e, _, _, n_free, mirror = _enumerate(net, half_ok=False)
    ks = np.arange(e.size, dtype=np.int64)
    energies = np.empty_like(e)
    energies[ks ^ (ks >> 1)] = e
    w = -(energies - energies.min()) / temp
    prob = np.exp(w - np.log(np.exp(w).sum()))
    return all_states(n), prob, energies


def ground_states(network, *, max_neurons: int = MAX_NEURONS, limit: int = 64):
    """Exact ground energy and ground states (at most ``limit``) by enumeration.

    Examples
    --------
    >>> import numpy as np
    >>> e0, gs = ground_states(np.array([[0.0, -1.0], [-1.0, 0.0]]))
    >>> e0, gs.tolist()
    (-1.0, [[-1, 1], [1, -1]])
    """
    net = as_network(network)
    _check_size(net.n_neurons, max_neurons)
    limit = check_int(limit, "limit", minimum=1)
    e, _, _, n_free, mirror = _enumerate(net)
    return _ground(e, net.n_neurons, n_free, mirror, limit)

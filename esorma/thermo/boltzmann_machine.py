"""Fully visible Boltzmann machines: exact and persistent-chain maximum-likelihood learning.

The model over ±1 spins is ``p(s) = exp(−E(s)) / Z`` with ``E(s) = −½ sᵀ J s + θᵀ s`` (the
network energy at T = 1), J symmetric with zero diagonal. The mean log-likelihood of data
``D`` is concave in (J, θ) with gradient

``∂L/∂J_ij = ⟨s_i s_j⟩_D − ⟨s_i s_j⟩_model``,   ``∂L/∂θ_i = ⟨s_i⟩_model − ⟨s_i⟩_D``.

The model moments are exact by enumeration for small N, or estimated with persistent
Glauber chains (PCD / stochastic maximum likelihood, Younes 1989; Tieleman 2008).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    as_rng,
    check_choice,
    check_int,
    check_memory,
    check_real,
    check_spins,
    check_thresholds,
    format_bytes,
)

__all__ = ["BoltzmannMachine", "BMFitResult", "fit_boltzmann_machine"]

_EXACT_MAX = 16


@summarized
@dataclass(frozen=True, eq=False, repr=False)
class BoltzmannMachine:
    """A fully visible Boltzmann machine ``p(s) ∝ exp(½ sᵀ J s − θᵀ s)`` over ±1 spins.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Symmetric couplings with a zero diagonal.
    theta : array_like, shape (N,), optional
        Thresholds (default 0).

    Examples
    --------
    >>> import numpy as np
    >>> bm = BoltzmannMachine(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> round(float(bm.log_partition()), 4)          # log(2e + 2/e) = log(4 cosh 1)
    1.8201
    >>> np.round(bm.moments()[1], 3).tolist()         # ⟨s_0 s_1⟩ = tanh(1)
    [[1.0, 0.762], [0.762, 1.0]]
    """

    J: np.ndarray
    theta: np.ndarray | None = None

    def __post_init__(self):
        from esorma._validation import check_couplings

        J = check_couplings(self.J, "J", symmetric=True, zero_diagonal=True).astype(np.float64)
        object.__setattr__(self, "J", J)
        object.__setattr__(self, "theta", check_thresholds(self.theta, J.shape[0]))

    @property
    def n_neurons(self) -> int:
        return self.J.shape[0]

    def __repr__(self) -> str:
        return f"BoltzmannMachine(N={self.n_neurons})"

    def to_network(self):
        """The :class:`esorma.Hopfield` network with the same energy."""
        from esorma.networks import Hopfield

        return Hopfield(self.J, theta=self.theta)

    def energy(self, states) -> np.ndarray:
        """``E(s) = −½ sᵀ J s + θᵀ s`` per state (shape (B,) or a float)."""
        batch, was_1d = check_spins(states, "states", n=self.n_neurons)
        s = batch.astype(np.float64)
        e = -0.5 * np.einsum("bi,ij,bj->b", s, self.J, s) + s @ self.theta
        return float(e[0]) if was_1d else e

    def log_partition(self, *, max_neurons: int = 24) -> float:
        """``log Z`` by exact enumeration (:func:`esorma.thermo.exact`)."""
        from esorma.thermo.enumeration import exact

        return float(exact(self.to_network(), [1.0], overlap_distribution=False,
                           max_neurons=max_neurons).log_z[0])

    def log_likelihood(self, data, *, max_neurons: int = 24) -> float:
        """Mean exact log-likelihood ``⟨−E⟩_D − log Z`` of ±1 data (nats per sample)."""
        e = self.energy(_check_data(data, self.n_neurons))
        return float(-np.mean(e) - self.log_partition(max_neurons=max_neurons))

    def moments(self, *, max_neurons: int = _EXACT_MAX):
        """Exact ``⟨s_i⟩`` (N,) and ``⟨s_i s_j⟩`` (N, N) by enumeration (N <= 16 by default)."""
        return _exact_moments(self.J, self.theta, max_neurons)

    def sample(self, n_samples: int, *, method: str = "exact", n_sweeps: int = 100, rng=None):
        """Samples of the model: ``"exact"`` (enumeration, N <= 20) or ``"mcmc"`` (independent
        Glauber chains of ``n_sweeps`` sweeps from random states)."""
        check_choice(method, "method", ("exact", "mcmc"))
        if method == "exact":
            from esorma.thermo.data import boltzmann_samples

            return boltzmann_samples(self, n_samples, rng=rng)
        from esorma.dynamics.stochastic import glauber

        n_samples = check_int(n_samples, "n_samples", minimum=1)
        res = glauber(self.to_network(), 1.0, n_sweeps=n_sweeps, n_chains=n_samples, rng=rng)
        return res.states


def _check_data(data, n=None) -> np.ndarray:
    batch, _ = check_spins(data, "data", n=n)
    return batch


def _exact_moments(J, theta, max_neurons):
    from esorma.thermo.enumeration import _check_size, all_states

    n = J.shape[0]
    _check_size(n, max_neurons)
    S = all_states(n).astype(np.float64)
    e = -0.5 * np.einsum("bi,ij,bj->b", S, J, S) + S @ theta
    w = np.exp(-(e - e.min()))
    p = w / w.sum()
    return p @ S, S.T @ (p[:, None] * S)


@summarized
@dataclass(frozen=True)
class BMFitResult:
    """Outcome of :func:`fit_boltzmann_machine`.

    Attributes
    ----------
    machine : BoltzmannMachine
        The fitted model (for PCD: the average of the iterates over the second half).
    log_likelihood : ndarray
        Exact mean log-likelihood of the data along the way (NaN when N is too large to
        enumerate).
    gradient_norm : ndarray
        Max-norm of the gradient (exact method) or of its stochastic estimate (PCD).
    n_iterations : int
    converged : bool
        Exact method: the final gradient max-norm is ``<= tol``. PCD: always False (the
        stochastic gradient never vanishes; judge by ``log_likelihood``).
    method : str
    seconds : float
    """

    machine: BoltzmannMachine
    log_likelihood: np.ndarray
    gradient_norm: np.ndarray
    n_iterations: int
    converged: bool
    method: str
    seconds: float


def fit_boltzmann_machine(
    data,
    *,
    method: str = "exact",
    n_iterations: int = 500,
    learning_rate: float = 0.05,
    l2: float = 0.0,
    n_chains: int = 256,
    sweeps_per_step: int = 1,
    tol: float = 1e-6,
    record_every: int = 10,
    max_neurons: int = _EXACT_MAX,
    rng=None,
) -> BMFitResult:
    """Maximum-likelihood fit of a fully visible Boltzmann machine to ±1 data.

    Parameters
    ----------
    data : array_like, shape (M, N)
        Samples with entries in {−1, +1}.
    method : {"exact", "pcd"}
        ``"exact"``: exact gradients by enumeration (N <= ``max_neurons``) maximised with L-BFGS
        (``n_iterations`` is the iteration cap). ``"pcd"``: gradient ascent with model
        moments from ``n_chains`` persistent Glauber chains advanced ``sweeps_per_step``
        sweeps per step, learning rate ``learning_rate / (1 + t / 200)``, and the
        average of the second half of the iterates returned.
    l2 : float
        Penalty ``(l2 / 2) Σ_{i<j} J_ij²`` (0 = plain maximum likelihood).
    tol : float
        Exact method: stop when the largest gradient component is below ``tol``;
        ``converged`` is True iff the final gradient max-norm is ``<= tol``.
    record_every : int
        PCD: record the exact log-likelihood (N <= 20) every so many steps.
    max_neurons : int
        Exact method: largest N to enumerate (default 16, at most 30 as in
        :func:`esorma.thermo.exact`; each gradient costs O(2^N N²) and 2^N N doubles of
        memory). Larger data need ``method="pcd"``.
    rng : None, int or Generator
        PCD chains (initial states and per-step seeds).

    Returns
    -------
    BMFitResult

    Examples
    --------
    >>> from esorma.thermo.data import random_boltzmann_model
    >>> true = random_boltzmann_model(6, rng=0)
    >>> fit = fit_boltzmann_machine(true.sample(20000, rng=1))
    >>> fit.converged, bool(abs(fit.machine.J - true.J).max() < 0.08)
    (True, True)
    """
    check_choice(method, "method", ("exact", "pcd"))
    x = _check_data(data)
    m, n = x.shape
    if n < 2:
        raise ValueError(f"data must have at least 2 spins per sample; got {n}")
    n_iterations = check_int(n_iterations, "n_iterations", minimum=1)
    learning_rate = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    l2 = check_real(l2, "l2", minimum=0.0)
    tol = check_real(tol, "tol", minimum=0.0)
    xf = x.astype(np.float64)
    d1 = xf.mean(axis=0)
    d2 = xf.T @ xf / m
    iu = np.triu_indices(n, 1)
    t0 = time.perf_counter()
    if method == "exact":
        from esorma.thermo.enumeration import _HARD_MAX

        max_neurons = check_int(max_neurons, "max_neurons", minimum=2, maximum=_HARD_MAX)
        if n > max_neurons:
            raise ValueError(
                f"method='exact' enumerates all 2^N states: needs N <= max_neurons = "
                f"{max_neurons}; got N = {n} (2^{n} = {2.0**n:.3g} states, about "
                f"{format_bytes(2.0**n * n * 8)} per gradient). Raise max_neurons (at most "
                f"{_HARD_MAX}) or use method='pcd' (persistent MCMC chains, any N)"
            )
        check_memory(2.0**n * n * 8 * 3, f"exact Boltzmann-machine gradients for N = {n}",
                     hint="use method='pcd'")
        return _fit_exact(d1, d2, iu, n, n_iterations, l2, tol, t0)
    n_chains = check_int(n_chains, "n_chains", minimum=1)
    sweeps_per_step = check_int(sweeps_per_step, "sweeps_per_step", minimum=1)
    record_every = check_int(record_every, "record_every", minimum=1)
    return _fit_pcd(x, d1, d2, iu, n, n_iterations, learning_rate, l2, n_chains,
                    sweeps_per_step, record_every, as_rng(rng), t0)


def _unpack(params, iu, n):
    J = np.zeros((n, n))
    k = iu[0].size
    J[iu] = params[:k]
    J = J + J.T
    return J, params[k:]


def _exact_ll(J, theta, d1, d2):
    from esorma.thermo.enumeration import exact

    log_z = exact(BoltzmannMachine(J, theta).to_network(), [1.0], overlap_distribution=False,
                  max_neurons=24).log_z[0]
    return 0.5 * float(np.sum(J * d2)) - float(theta @ d1) - float(log_z)


def _fit_exact(d1, d2, iu, n, n_iterations, l2, tol, t0):
    from scipy.optimize import minimize

    from esorma.thermo.enumeration import all_states

    S = all_states(n).astype(np.float64)
    lls, gns = [], []

    def negll(params):
        J, theta = _unpack(params, iu, n)
        e = -0.5 * np.einsum("bi,ij,bj->b", S, J, S) + S @ theta
        e0 = e.min()
        w = np.exp(-(e - e0))
        z = w.sum()
        p = w / z
        log_z = np.log(z) - e0
        m1 = p @ S
        m2 = S.T @ (p[:, None] * S)
        ll = 0.5 * float(np.sum(J * d2)) - float(theta @ d1) - log_z
        gJ = (d2 - m2)[iu] - l2 * params[: iu[0].size]
        gt = m1 - d1
        g = np.concatenate([gJ, gt])
        lls.append(ll)
        gns.append(float(np.abs(g).max()))
        return -(ll - 0.5 * l2 * float(np.sum(params[: iu[0].size] ** 2))), -g

    x0 = np.zeros(iu[0].size + n)
    res = minimize(negll, x0, jac=True, method="L-BFGS-B",
                   options={"maxiter": n_iterations, "gtol": tol, "ftol": 0.0})
    J, theta = _unpack(res.x, iu, n)
    _, g = negll(res.x)
    gnorm = float(np.abs(g).max())
    return BMFitResult(
        machine=BoltzmannMachine(J, theta),
        log_likelihood=np.array(lls),
        gradient_norm=np.array(gns),
        n_iterations=int(res.nit),
        converged=bool(gnorm <= tol),
        method="exact",
        seconds=time.perf_counter() - t0,
    )


def _fit_pcd(x, d1, d2, iu, n, n_iterations, learning_rate, l2, n_chains, sweeps, record_every,
             rng, t0):
    from esorma.dynamics.stochastic import glauber

    J = np.zeros((n, n))
    theta = np.zeros(n)
    chains = x[rng.integers(0, x.shape[0], size=n_chains)].copy()  # start from data
    avg_J = np.zeros_like(J)
    avg_t = np.zeros_like(theta)
    n_avg = 0
    lls, gns = [], []
    exact_ok = n <= 20
    for t in range(n_iterations):
        res = glauber(
            BoltzmannMachine(J, theta).to_network(), 1.0, n_sweeps=sweeps, states=chains,
            path="dense", rng=rng,
        )
        chains = res.states
        s = chains.astype(np.float64)
        m1 = s.mean(axis=0)
        m2 = s.T @ s / n_chains
        gJ = d2 - m2 - l2 * J
        np.fill_diagonal(gJ, 0.0)
        gt = m1 - d1
        step = learning_rate / (1.0 + t / 200.0)
        J = J + step * gJ
        theta = theta + step * gt
        gns.append(float(max(np.abs(gJ[iu]).max(), np.abs(gt).max())))
        if t >= n_iterations // 2:
            avg_J += J
            avg_t += theta
            n_avg += 1
        if exact_ok and (t % record_every == 0 or t == n_iterations - 1):
            lls.append(_exact_ll(J, theta, d1, d2))
        elif not exact_ok and t % record_every == 0:
            lls.append(np.nan)
    J_fit = avg_J / n_avg
    J_fit = 0.5 * (J_fit + J_fit.T)
    np.fill_diagonal(J_fit, 0.0)
    return BMFitResult(
        machine=BoltzmannMachine(J_fit, avg_t / n_avg),
        log_likelihood=np.array(lls),
        gradient_norm=np.array(gns),
        n_iterations=n_iterations,
        converged=False,
        method="pcd",
        seconds=time.perf_counter() - t0,
    )

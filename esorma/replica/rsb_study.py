"""The SK ground-state energy beyond replica symmetry: RS, kRSB, Parisi and exact finite-N values.

:func:`sk_rsb_study` gathers, at ``T = 0`` and ``h = 0``: the RS energy ``-√(2/π)``, the ``k``-step
RSB energies (``k = 1 … k_max``), Parisi's full-RSB energy (with its discretisation error) and
the exact ground-state energies of random SK instances (``N`` spins, couplings ``N(0, 1/N)``)
found by :func:`esorma.attractors.enumerate_fixed_points`, averaged over instances and
extrapolated as ``e(N) = e_∞ + a N^{-2/3}``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_int
from esorma.replica._common import LineResult
from esorma.replica.parisi import ParisiSolution, parisi_solve, sk_krsb
from esorma.replica.rsb import Hopfield1RSBCapacity
from esorma.replica.rsb_thermal import Hopfield1RSBGrid

__all__ = ["SKRSBStudy", "sk_rsb_study", "sk_ground_energies", "Hopfield1RSBStudy",
           "hopfield_1rsb_study"]


@summarized
@dataclass(frozen=True)
class SKRSBStudy:
    """RS, kRSB and full-RSB ground-state energies of the SK model beside exact finite-N values.

    Attributes
    ----------
    rs_energy : float
        ``-√(2/π)``.
    ks : numpy.ndarray
        Steps of breaking ``1 … k_max``.
    krsb_energies : numpy.ndarray
        ``u_k`` at ``T = 0`` (rising with ``k``).
    krsb_residuals : numpy.ndarray
    parisi_energy, parisi_error : float
        Full-RSB energy and ``|u_n - u_{n/2}|`` (a bound on its discretisation error).
    parisi : ParisiSolution
        The full solution (``γ(q) = βx(q)`` at ``T = 0``).
    sizes : numpy.ndarray
        ``N`` of the exact enumerations.
    mean_energy, stderr : numpy.ndarray
        Instance average of the ground-state energy per spin, and its standard error.
    n_instances : int
    extrapolated, extrapolated_error : float
        ``e_∞`` of the weighted fit ``e(N) = e_∞ + a N^{-2/3}`` and its standard error.
    slope : float
        ``a`` of that fit.
    seed : int or None
    seconds : float
    """

    rs_energy: float = field(metadata={"unit": "J per spin"})
    ks: np.ndarray
    krsb_energies: np.ndarray = field(metadata={"unit": "J per spin"})
    krsb_residuals: np.ndarray
    parisi_energy: float = field(metadata={"unit": "J per spin"})
    parisi_error: float = field(metadata={"unit": "J per spin"})
    parisi: ParisiSolution
    sizes: np.ndarray
    mean_energy: np.ndarray = field(metadata={"unit": "J per spin"})
    stderr: np.ndarray = field(metadata={"unit": "J per spin"})
    n_instances: int
    extrapolated: float = field(metadata={"unit": "J per spin"})
    extrapolated_error: float = field(metadata={"unit": "J per spin"})
    slope: float
    seed: int | None
    seconds: float = field(metadata={"unit": "s"})


def sk_ground_energies(n_spins: int, n_instances: int, rng=None) -> np.ndarray:
    """Exact ground-state energies per spin of ``n_instances`` SK instances of ``n_spins`` spins.

    ``J_ij = J_ji ~ N(0, 1/N)``, zero diagonal, ``E = -½ sᵀJs``; the ground state is the lowest
    fixed point of :func:`esorma.attractors.enumerate_fixed_points` (every ground state is a
    fixed point). Cost ~ ``2^N`` pruned (N = 24: ~0.01 s, N = 30: ~1 s per instance).

    Examples
    --------
    >>> e = sk_ground_energies(8, 3, rng=1)
    >>> e.shape, bool(np.all(e < 0))
    ((3,), True)
    """
    from esorma.attractors import enumerate_fixed_points

    n = check_int(n_spins, "n_spins", minimum=2, maximum=48)
    m = check_int(n_instances, "n_instances", minimum=1)
    gen = as_rng(rng)
    out = np.empty(m)
    for i in range(m):
        a = gen.standard_normal((n, n)) / math.sqrt(n)
        J = np.triu(a, 1)
        J = J + J.T
        out[i] = float(enumerate_fixed_points(J).energies[0]) / n
    return out


def sk_rsb_study(*, k_max: int = 3, n_levels: int = 24, dy: float = 0.04,
                 sizes=(8, 12, 16, 20, 24), n_instances: int = 200, rng=None,
                 callback=None) -> SKRSBStudy:
    """RS, kRSB (``k = 1 … k_max``), Parisi and exact finite-``N`` SK ground-state energies.

    Parameters
    ----------
    k_max : int
        Largest number of RSB steps (each ``k`` costs ~``k²`` seconds).
    n_levels, dy : int, float
        Discretisation of :func:`parisi_solve`.
    sizes : sequence of int
        ``N`` values of the exact enumeration (<= 48; 2^N cost).
    n_instances : int
        Instances per size.
    rng : int or numpy.random.Generator, optional
    callback : callable, optional
        ``callback(stage: str, value)`` after each piece (progress output).

    Returns
    -------
    SKRSBStudy
    """
    k_max = check_int(k_max, "k_max", minimum=1, maximum=8)
    n_instances = check_int(n_instances, "n_instances", minimum=2)
    sizes = np.asarray([check_int(s, "sizes", minimum=4, maximum=48) for s in sizes], dtype=int)
    if sizes.size < 2:
        raise ValueError(f"sizes must hold at least 2 values for the extrapolation; got {sizes}")
    seed = rng if isinstance(rng, (int, np.integer)) else None
    gen = as_rng(rng)
    t0 = time.perf_counter()
    say = callback or (lambda stage, value: None)
    rs = -math.sqrt(2.0 / math.pi)
    ks = np.arange(1, k_max + 1)
    ek, rk = [], []
    for k in ks:
        sol = sk_krsb(int(k), 0.0, dy=dy)
        ek.append(sol.energy)
        rk.append(sol.residual)
        say(f"{k}RSB", sol.energy)
    par = parisi_solve(0.0, n_levels=n_levels, dy=dy, error_estimate=True)
    say("parisi", par.energy)
    means, errs = [], []
    for n in sizes:
        e = sk_ground_energies(int(n), n_instances, rng=gen)
        means.append(e.mean())
        errs.append(e.std(ddof=1) / math.sqrt(e.size))
        say(f"N={n}", means[-1])
    means, errs = np.array(means), np.array(errs)
    xs = sizes.astype(float) ** (-2.0 / 3.0)
    A = np.stack([np.ones_like(xs), xs], axis=1)
    w = 1.0 / errs
    coef, *_ = np.linalg.lstsq(A * w[:, None], means * w, rcond=None)
    cov = np.linalg.inv((A * w[:, None]).T @ (A * w[:, None]))
    return SKRSBStudy(
        rs_energy=rs, ks=ks, krsb_energies=np.array(ek), krsb_residuals=np.array(rk),
        parisi_energy=par.energy, parisi_error=par.error_estimate, parisi=par, sizes=sizes,
        mean_energy=means, stderr=errs, n_instances=n_instances,
        extrapolated=float(coef[0]), extrapolated_error=float(math.sqrt(cov[0, 0])),
        slope=float(coef[1]), seed=None if seed is None else int(seed),
        seconds=time.perf_counter() - t0,
    )


@summarized
@dataclass(frozen=True)
class Hopfield1RSBStudy:
    """The Hopfield retrieval state with one step of RSB against RS, at ``T = 0`` and ``T > 0``.

    Attributes
    ----------
    capacity : Hopfield1RSBCapacity
        ``α_c^{1RSB} = 0.138186`` (RS 0.1379056).
    overlap : LineResult
        The 1RSB ``m(α)`` at ``T = 0``.
    grid : Hopfield1RSBGrid
        The 1RSB saddle point ``(m, q_0, q_1, x)`` on a grid of ``(α, T)`` near ``α_c``, with the
        1RSB folds ``α_M(T)`` at its temperatures.
    temperatures : numpy.ndarray
        ``T`` of the retrieval line over its whole range ``[0, 1)`` (the grid temperatures and
        a coarse grid above).
    alpha_M_rs, alpha_M_1rsb : numpy.ndarray
        ``α_M(T)`` with RS and with 1RSB (equal where ``is_1rsb`` is False: merged).
    is_1rsb : numpy.ndarray of bool
        1RSB distinct from RS at the fold.
    merge_temperature : float
        Where 1RSB merges with RS on the retrieval line (see :class:`Hopfield1RSBGrid`; if the
        grid does not bracket it, the folds are followed up to ``T = 0.04`` to find it). Above
        the grid's largest temperature the 1RSB line is the RS one (``is_1rsb`` False).
    seconds : float
    """

    capacity: Hopfield1RSBCapacity
    overlap: LineResult
    grid: Hopfield1RSBGrid
    temperatures: np.ndarray
    alpha_M_rs: np.ndarray
    alpha_M_1rsb: np.ndarray
    is_1rsb: np.ndarray
    merge_temperature: float
    seconds: float = field(metadata={"unit": "s"})


def hopfield_1rsb_study(*, grid_alphas=(0.128, 0.131, 0.134, 0.136, 0.137, 0.1375, 0.138,
                                        0.1381),
                        grid_temperatures=(0.0, 0.005, 0.01, 0.015, 0.02, 0.025),
                        n_alpha: int = 10, n_temperatures: int = 30) -> Hopfield1RSBStudy:
    """RS against 1RSB for the Hopfield retrieval state: ``m(α)`` at ``T = 0``, the saddle point
    on an ``(α, T)`` grid and the retrieval line ``T_M(α)`` over its whole range.

    Parameters
    ----------
    grid_alphas, grid_temperatures : sequence of float
        The grid of :func:`esorma.replica.hopfield_1rsb_grid` (temperatures <= 1); its folds are
        the 1RSB points of the retrieval line.
    n_alpha : int
        Loads of the ``T = 0`` overlap line on ``[0.127, α_c^{1RSB}]``.
    n_temperatures : int
        Temperatures of the RS retrieval line on ``(max grid T, 1)``.

    Returns
    -------
    Hopfield1RSBStudy

    Notes
    -----
    Cost ~10 s on 2 idle cores with the defaults (most of it the grid at ``T > 0``).
    """
    from esorma.replica.phase import spinodal_alpha
    from esorma.replica.rsb import hopfield_1rsb_capacity, hopfield_1rsb_overlap
    from esorma.replica.rsb_thermal import hopfield_1rsb_grid

    n_alpha = check_int(n_alpha, "n_alpha", minimum=2)
    n_temperatures = check_int(n_temperatures, "n_temperatures", minimum=2)
    t0 = time.perf_counter()
    cap = hopfield_1rsb_capacity()
    line = hopfield_1rsb_overlap(np.linspace(0.127, cap.alpha_c, n_alpha))
    grid = hopfield_1rsb_grid(grid_alphas, grid_temperatures)
    merge = grid.merge_temperature
    if not np.isfinite(merge):  # not bracketed by the grid: follow the folds up to T = 0.04
        from esorma.replica.rsb_thermal import _fold_history

        probe = np.union1d(np.asarray(grid.temperatures, dtype=float),
                           np.round(np.arange(0.0, 0.0401, 0.005), 4))
        merge = _fold_history(probe)["merge"]
    gt = np.asarray(grid.temperatures, dtype=float)
    above = np.linspace(float(gt.max()), 1.0, n_temperatures + 2)[1:-1]
    Ts = np.concatenate([gt, above])
    order = np.argsort(Ts, kind="stable")
    Ts = Ts[order]
    rs = np.asarray(spinodal_alpha(Ts).value, dtype=float)
    one = np.concatenate([grid.alpha_M, np.full(above.size, np.nan)])[order]
    is1 = np.concatenate([grid.alpha_M_is_1rsb, np.zeros(above.size, dtype=bool)])[order]
    one = np.where(is1, one, rs)
    return Hopfield1RSBStudy(
        capacity=cap, overlap=line, grid=grid, temperatures=Ts, alpha_M_rs=rs,
        alpha_M_1rsb=one, is_1rsb=is1, merge_temperature=float(merge),
        seconds=time.perf_counter() - t0,
    )

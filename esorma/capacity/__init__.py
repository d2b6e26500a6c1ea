"""Storage capacity of Hopfield networks by simulation: sweeps over (N, α[, T]), summaries,
capacity per N, its finite-size extrapolation and the replica-symmetric theory.

For every network size N and load α = P/N of a grid (and optionally a temperature T), a grid
point draws ``n_networks`` networks storing P = round(α N) random patterns (Hebb by default,
with int16 counts), starts the dynamics from ``n_probes`` stored patterns (exactly, or with a
fraction of flipped spins) and records, per probe: the final overlap with the probed pattern,
the fraction of wrong bits ``(1 − m)/2``, the sweeps, convergence and whether the pattern
itself is a fixed point. Points are run by :func:`esorma.sweeps.run_sweep` (an optional HDF5
checkpoint per study, atomic per-point commits, resume, local processes or Dask), each with
its own seed derived from the study seed and its coordinates ``(N, P, T)``.

:func:`capacity_study` does all of it in one call and returns a :class:`CapacityReport`
(saved with :func:`esorma.io.save_result`, drawn with
:func:`esorma.plotting.capacity.report_figure`).

Modules: :mod:`~esorma.capacity.config` (the grid), :mod:`~esorma.capacity.simulation` (one
grid point), :mod:`~esorma.capacity.storage` (the sweep and its checkpoint),
:mod:`~esorma.capacity.analysis` (summaries, α_c(N), extrapolation),
:mod:`~esorma.capacity.theory` (the RS theory) and :mod:`~esorma.capacity.study`.

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

from esorma.capacity.analysis import (
    HIST_EDGES,
    CapacityEstimate,
    CapacityExtrapolation,
    CapacitySummary,
    estimate_capacity,
    extrapolate_capacity,
    retrieval_thresholds,
    summarize,
)
from esorma.capacity.config import PRESETS, CapacityConfig, point_memory_bytes
from esorma.capacity.simulation import run_point
from esorma.capacity.storage import KIND, CapacityResults, capacity_sweep, load_capacity
from esorma.capacity.study import CapacityReport, capacity_study, report_from_results
from esorma.capacity.theory import (
    LITERATURE_ALPHA_C,
    RS_ALPHA_C,
    CapacityTheory,
    capacity_theory,
    theory_alpha_c,
    theory_overlap,
)

__all__ = [
    "RS_ALPHA_C",
    "LITERATURE_ALPHA_C",
    "PRESETS",
    "CapacityConfig",
    "CapacityResults",
    "CapacitySummary",
    "CapacityEstimate",
    "CapacityExtrapolation",
    "CapacityTheory",
    "CapacityReport",
    "capacity_study",
    "capacity_theory",
    "report_from_results",
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

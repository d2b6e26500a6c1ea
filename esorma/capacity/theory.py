"""The replica-symmetric theory that capacity simulations are compared with.

Amit, Gutfreund & Sompolinsky (1985, 1987): in the replica-symmetric (RS) theory the retrieval
states of the Hebb network at T = 0 disappear at α_c ≈ 0.1379, where the retrieval overlap jumps
from m ≈ 0.967 to the spin-glass value. Simulations of finite networks (e.g. Amit, Gutfreund &
Sompolinsky 1987; Kohring 1990) extrapolate to α_c ≈ 0.14–0.145 for N → ∞, slightly above the
RS value (replica-symmetry breaking). The numbers come from :mod:`esorma.replica`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized

__all__ = [
    "RS_ALPHA_C",
    "LITERATURE_ALPHA_C",
    "CapacityTheory",
    "capacity_theory",
    "theory_alpha_c",
    "theory_overlap",
]

RS_ALPHA_C = 0.1379
"""Replica-symmetric capacity of the Hebb network at T = 0 (AGS 1985), for reference."""

LITERATURE_ALPHA_C = (0.14, 0.145)
"""Range of finite-size simulation estimates of α_c (retrieved fraction crossing 1/2)."""


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


@summarized
@dataclass(frozen=True)
class CapacityTheory:
    """The replica-symmetric capacity of the Hebb network and its retrieval overlap m(α, T).

    Attributes
    ----------
    alpha_c : float
        RS capacity at T = 0 (AGS: 0.13790557), where the retrieval state disappears.
    m_c, error_fraction : float
        Retrieval overlap at ``alpha_c`` and its fraction of wrong bits ``(1 − m_c)/2``.
    converged : bool
    residual : float
        Of the saddle-point equations solved for ``alpha_c``.
    alphas : ndarray
        Loads of the overlap curve.
    temperatures : ndarray
    overlap : ndarray, shape (len(temperatures), len(alphas))
        RS retrieval overlap m(α, T); NaN where no retrieval state exists.
    literature_alpha_c : tuple of float
        Range of finite-size simulation estimates (:data:`LITERATURE_ALPHA_C`).
    """

    alpha_c: float
    m_c: float
    error_fraction: float
    converged: bool
    residual: float
    alphas: np.ndarray = field(metadata={"unit": "P/N", "description": "load α of the curve"})
    temperatures: np.ndarray = field(metadata={"unit": "T (AGS units, T_c = 1)",
                                               "description": "temperatures of the curve"})
    overlap: np.ndarray = field(metadata={
        "unit": "overlap m", "description": "RS retrieval overlap m(α, T), NaN without "
                                            "retrieval state"})
    literature_alpha_c: tuple = LITERATURE_ALPHA_C

    def __post_init__(self):
        object.__setattr__(self, "literature_alpha_c",
                           tuple(float(v) for v in self.literature_alpha_c))


def capacity_theory(alphas=None, temperatures=(0.0,)) -> CapacityTheory:
    """The RS capacity α_c and the retrieval overlap m(α, T) on a grid of loads.

    Parameters
    ----------
    alphas : sequence of float, optional
        Loads α > 0 of the overlap curve (default: 200 loads from 0.001 to 0.2).
    temperatures : sequence of float
        Temperatures T >= 0 of the curve (default T = 0).

    Returns
    -------
    CapacityTheory

    Examples
    --------
    >>> th = capacity_theory([0.05, 0.10, 0.2])
    >>> round(th.alpha_c, 6), round(th.m_c, 4)
    (0.137906, 0.9674)
    >>> th.overlap.round(4).tolist()
    [[1.0, 0.998, nan]]
    """
    from esorma._validation import check_real
    from esorma.replica import ags_capacity

    if alphas is None:
        alphas = np.linspace(0.001, 0.2, 200)
    alphas = np.atleast_1d(np.asarray(alphas, dtype=float))
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(f"alphas must be a non-empty 1-d list of loads; got shape "
                         f"{alphas.shape}")
    for a in alphas.tolist():
        check_real(a, "alphas", minimum=0.0, strict_min=True)
    temps = np.atleast_1d(np.asarray(temperatures, dtype=float))
    if temps.ndim != 1 or temps.size == 0:
        raise ValueError(f"temperatures must be a non-empty 1-d list; got shape {temps.shape}")
    for t in temps.tolist():
        check_real(t, "temperatures", minimum=0.0)
    cap = ags_capacity()
    overlap = np.stack([theory_overlap(alphas, float(t)) for t in temps])
    return CapacityTheory(
        alpha_c=float(cap.alpha_c), m_c=float(cap.m), error_fraction=float(cap.error_fraction),
        converged=bool(cap.converged), residual=float(cap.residual), alphas=alphas,
        temperatures=temps, overlap=overlap,
    )

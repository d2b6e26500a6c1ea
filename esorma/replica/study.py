r"""The replica-symmetric reference study: AGS phase diagram, m(α), SK, AT line, Gardner.

:func:`replica_study` gathers, in one frozen result, every curve and number that
``experiments/phase_diagram.py`` compares with the literature: the AGS phase diagram
(:func:`~esorma.replica.phase_diagram`), the capacity by a second, closed-form route, the
small-α slopes of ``T_M`` and ``T_c``, the retrieval overlap ``m(α)`` at a few temperatures,
the SK replica-symmetric solution against ``T``, the de Almeida-Thouless line and Gardner's
``α_c(κ)``. The study is deterministic (no random numbers).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int
from esorma.replica._common import LineResult
from esorma.replica.phase import PhaseDiagram

__all__ = ["ReplicaStudy", "replica_study"]

#: Temperatures of the m(α) curves.
OVERLAP_TEMPERATURES = (0.0, 0.2, 0.4, 0.6)
#: Load at which the small-α slopes (1 - T_M)/√α and (1 - T_c)/√α are evaluated.
SMALL_ALPHA = 1e-6
#: Field at which the AT line is compared with h² = (4/3)(1 - T)³.
SMALL_FIELD = 1e-3


@summarized
@dataclass(frozen=True)
class ReplicaStudy:
    """Every curve of the replica-symmetric reference study (see :func:`replica_study`).

    Attributes
    ----------
    phase_diagram : PhaseDiagram
        The AGS (α, T) diagram (α_c = 0.1379..., first order at 0.0518543 for T = 0).
    alpha_c_closed_form, m_c_closed_form : float
        The ``T = 0`` capacity and overlap from :func:`ags_capacity_closed_form` (a second
        route to ``phase_diagram.capacity``).
    small_alpha, T_M_slope, T_c_slope : float
        ``(1 - T_M(α))/√α`` and ``(1 - T_c(α))/√α`` at ``α = small_alpha`` (AGS: 1.95, 2.6).
    overlap_alphas, overlap_temperatures, overlap : numpy.ndarray
        ``overlap[i, j] = m(overlap_alphas[j])`` at ``overlap_temperatures[i]`` (NaN beyond
        ``α_M(T)``).
    sk_temperatures, sk_q, sk_energy, sk_entropy, sk_free_energy, sk_at_eigenvalue :
        numpy.ndarray
        The SK RS solution at ``h = 0``, ``J = 1`` (``T → 0``: ``u = -√(2/π)``,
        ``s = -1/(2π)``).
    at_line : LineResult
        ``T_AT(h)`` of the SK model on a grid of fields.
    small_field, at_ratio : float
        ``h²/((4/3)(1 - T_AT(h))³)`` at ``h = small_field`` (→ 1 as ``h → 0``).
    kappas, gardner_alpha_c : numpy.ndarray
        Gardner's perceptron capacity ``α_c(κ)``.
    seconds : float
        Wall time.
    """

    phase_diagram: PhaseDiagram
    alpha_c_closed_form: float
    m_c_closed_form: float
    small_alpha: float
    T_M_slope: float
    T_c_slope: float
    overlap_alphas: np.ndarray = field(metadata={"unit": "1", "description": "load alpha"})
    overlap_temperatures: np.ndarray = field(metadata={
        "unit": "T_c(alpha=0) = 1", "description": "temperature of each m(alpha) curve"})
    overlap: np.ndarray = field(metadata={
        "unit": "1", "description": "retrieval overlap m[temperature, alpha] (NaN: none)"})
    sk_temperatures: np.ndarray = field(metadata={"unit": "J", "description": "SK temperature"})
    sk_q: np.ndarray = field(metadata={"unit": "1", "description": "Edwards-Anderson q (RS)"})
    sk_energy: np.ndarray = field(metadata={"unit": "J", "description": "RS energy per spin"})
    sk_entropy: np.ndarray = field(metadata={"unit": "1", "description": "RS entropy per spin"})
    sk_free_energy: np.ndarray = field(metadata={
        "unit": "J", "description": "RS free energy per spin"})
    sk_at_eigenvalue: np.ndarray = field(metadata={
        "unit": "1", "description": "replicon eigenvalue 1 - (beta J)^2 <sech^4> (-inf at T=0)"})
    at_line: LineResult
    small_field: float
    at_ratio: float
    kappas: np.ndarray = field(metadata={"unit": "1", "description": "perceptron margin kappa"})
    gardner_alpha_c: np.ndarray = field(metadata={
        "unit": "1", "description": "Gardner capacity alpha_c(kappa)"})
    seconds: float = 0.0

    def summary(self) -> dict:
        """The key numbers (JSON-friendly): the phase diagram's and the study's own."""
        i0 = int(np.argmin(self.sk_temperatures))
        return {
            **self.phase_diagram.summary(),
            "alpha_c_closed_form": self.alpha_c_closed_form,
            "T_M_slope": self.T_M_slope,
            "T_c_slope": self.T_c_slope,
            "sk_T0_energy": float(self.sk_energy[i0]),
            "sk_T0_entropy": float(self.sk_entropy[i0]),
            "at_ratio": self.at_ratio,
            "gardner_alpha_c_kappa0": float(np.interp(0.0, self.kappas, self.gardner_alpha_c)),
        }


def replica_study(n_points: int = 300, n_overlap: int = 281, n_sk: int = 151,
                  n_at: int = 61) -> ReplicaStudy:
    r"""The replica-symmetric reference study (AGS 1987, SK 1975, AT 1978, Gardner 1988).

    Parameters
    ----------
    n_points : int
        Points per line of the phase diagram (>= 2; see :func:`phase_diagram`).
    n_overlap : int
        Loads of the ``m(α)`` curves, in ``[0, 0.14]`` (>= 2).
    n_sk : int
        Temperatures of the SK solution, in ``[0, 1.5]`` (>= 2).
    n_at : int
        Fields of the AT line, in ``[0, 1.5]`` (>= 2).

    Returns
    -------
    ReplicaStudy

    Raises
    ------
    ValueError
        A size below 2 (the message names it).

    Examples
    --------
    >>> st = replica_study(n_points=5, n_overlap=5, n_sk=3, n_at=3)
    >>> round(st.phase_diagram.capacity.alpha_c, 6), round(st.alpha_c_closed_form, 6)
    (0.137906, 0.137906)
    >>> st.overlap.shape, round(float(st.sk_entropy[0]), 6)
    ((4, 5), -0.159155)
    """
    from esorma.replica import ags, gardner, phase, sk

    n_points = check_int(n_points, "n_points", minimum=2)
    n_overlap = check_int(n_overlap, "n_overlap", minimum=2)
    n_sk = check_int(n_sk, "n_sk", minimum=2)
    n_at = check_int(n_at, "n_at", minimum=2)
    t0 = time.perf_counter()
    pd = phase.phase_diagram(n_points=n_points)
    a_cf, m_cf, _y = ags.ags_capacity_closed_form()
    root = math.sqrt(SMALL_ALPHA)
    slope_M = (1.0 - phase.retrieval_temperatures(SMALL_ALPHA).roots[-1]) / root
    slope_c = (1.0 - phase.first_order_temperatures(SMALL_ALPHA).roots[-1]) / root
    alphas = np.linspace(0.0, 0.14, n_overlap)
    temps = np.array(OVERLAP_TEMPERATURES)
    overlap = np.array([ags.retrieval_overlap(alphas, T=float(T)) for T in temps])
    T_sk = np.linspace(0.0, 1.5, n_sk)
    sols = [sk.sk_solve(float(t)) for t in T_sk]
    at = sk.at_line(np.linspace(0.0, 1.5, n_at))
    at_ratio = SMALL_FIELD**2 / ((4.0 / 3.0) * (1.0 - sk.at_line(SMALL_FIELD).value) ** 3)
    kappas = np.linspace(-0.5, 3.0, 141)
    return ReplicaStudy(
        phase_diagram=pd,
        alpha_c_closed_form=a_cf,
        m_c_closed_form=m_cf,
        small_alpha=SMALL_ALPHA,
        T_M_slope=float(slope_M),
        T_c_slope=float(slope_c),
        overlap_alphas=alphas,
        overlap_temperatures=temps,
        overlap=overlap,
        sk_temperatures=T_sk,
        sk_q=np.array([s.q for s in sols]),
        sk_energy=np.array([s.energy for s in sols]),
        sk_entropy=np.array([s.entropy for s in sols]),
        sk_free_energy=np.array([s.free_energy for s in sols]),
        sk_at_eigenvalue=np.array([s.at_eigenvalue for s in sols]),
        at_line=at,
        small_field=SMALL_FIELD,
        at_ratio=float(at_ratio),
        kappas=kappas,
        gardner_alpha_c=np.asarray(gardner.gardner_capacity(kappas), dtype=float),
        seconds=time.perf_counter() - t0,
    )

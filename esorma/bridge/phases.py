"""Label each epoch of training as linear, hybrid or saturated.

Raw rules (defaults are module constants; every threshold is a keyword of :func:`classify_phases`)
--------------------------------------------------------------------------------------------------
saturated
    ``binary_agreement >= SATURATED_MIN_AGREEMENT`` (1.0) and
    ``saturated_fraction >= SATURATED_MIN_FRACTION`` (0.5): the binarised network (hidden
    units replaced by their saturated values) gives the real network's output bit on every
    training input, and most hidden activations lie within the saturation margin of their
    extremes. The first condition is what makes the extracted formula faithful; the second
    excludes accidental agreement of a network still near its initialisation. (Requiring
    90 % saturated activations would be too strict: units that the output ignores on some
    inputs stay unsaturated there for ever under cross-entropy training.)
linear
    not saturated, ``linearisation_error <= LINEAR_MAX_ERROR`` (0.1) and
    ``saturated_fraction <= LINEAR_MAX_FRACTION`` (0.5): the network's logits move as the
    first-order Taylor model around the initial weights predicts, to within 10 % of the
    distance moved, and most units sit in their linear range.
hybrid
    everything else.

Hysteresis (robustness to flicker)
----------------------------------
Applied epoch by epoch, the raw rules flicker: a saturated fraction hovering at 0.5, or one
input whose binarised output disagrees for a few epochs, sends the label back and forth between
hybrid and saturated. :func:`classify_phases` therefore runs each of the two states (saturated,
linear) as a Schmitt trigger with a dwell time (:func:`hysteresis`):

* a state is **entered** at record ``i`` when its *enter* condition holds at the ``hold``
  consecutive records ``i, i+1, ..., i+hold-1`` (or at every record from ``i`` to the last one,
  when fewer than ``hold`` remain);
* it is **left** at record ``j`` only when its *leave* condition holds at ``hold`` consecutive
  records from ``j`` (same end rule). The leave condition uses a second, looser threshold.

saturated
    enter: ``saturated_fraction >= saturated`` and ``binary_agreement >= agreement``;
    leave: ``saturated_fraction < saturated_leave`` (default ``SATURATED_LEAVE_FRACTION`` =
    0.4) or ``binary_agreement < agreement_leave`` (default: ``agreement``).
linear
    on at the first record when the raw linear rule holds there (training starts from the
    initial weights, where the linearisation error is 0); leave: ``linearisation_error >
    linear_error`` or ``saturated_fraction > linear_saturation``; enter again:
    ``linearisation_error <= linear_reenter`` (default ``LINEAR_REENTER_ERROR`` = 0.05) and
    ``saturated_fraction <= linear_reenter_saturation`` (default 0.4).

The label of a record is saturated when the saturated state is on, else linear when the linear
state is on, else hybrid. The default ``hold`` is ``HOLD`` = 3 *recorded* epochs (record every
epoch to have it mean 3 epochs). ``hold=1`` with every leave/re-enter threshold equal to its
enter threshold gives back the raw rules exactly.

For ReLU networks (no saturation) only the linearisation criterion applies (linear/hybrid).
A network that never leaves a small-weight saddle (XOR from a tiny initialisation) keeps its
activations at the centre and is labelled linear, never saturated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real

__all__ = [
    "PHASES",
    "SATURATED_MIN_FRACTION",
    "SATURATED_MIN_AGREEMENT",
    "LINEAR_MAX_ERROR",
    "LINEAR_MAX_FRACTION",
    "SATURATED_LEAVE_FRACTION",
    "LINEAR_REENTER_ERROR",
    "LINEAR_REENTER_FRACTION",
    "HOLD",
    "PhaseLabels",
    "classify_phases",
    "hysteresis",
]

PHASES = ("linear", "hybrid", "saturated")
SATURATED_MIN_FRACTION = 0.5
SATURATED_MIN_AGREEMENT = 1.0
LINEAR_MAX_ERROR = 0.1
LINEAR_MAX_FRACTION = 0.5
SATURATED_LEAVE_FRACTION = 0.4
LINEAR_REENTER_ERROR = 0.05
LINEAR_REENTER_FRACTION = 0.4
HOLD = 3


@summarized
@dataclass(frozen=True)
class PhaseLabels:
    """Phase of each recorded epoch.

    Attributes
    ----------
    epochs : ndarray of int, shape (m,)
    codes : ndarray of int8, shape (m,)
        0 = linear, 1 = hybrid, 2 = saturated (indices into :data:`PHASES`).
    segments : tuple of (str, int, int)
        Maximal runs ``(phase, first epoch, last epoch)``.
    thresholds : dict
        The thresholds used.

    When does the saturated phase start? :attr:`saturated_from`: the first epoch of the final
    saturated segment, from which every recorded epoch is saturated (None if the last one is
    not). ``esorma bridge`` reports this one number in its text, JSON and figure.
    """

    epochs: np.ndarray = field(metadata={"unit": "epoch", "description": "recorded epochs"})
    codes: np.ndarray = field(metadata={"description": "0 linear, 1 hybrid, 2 saturated"})
    segments: tuple
    thresholds: dict

    def __post_init__(self):
        segs = tuple((str(p), int(a), int(b)) for p, a, b in self.segments)
        object.__setattr__(self, "segments", segs)

    @property
    def labels(self) -> list:
        """Phase names per epoch."""
        return [PHASES[c] for c in self.codes]

    @property
    def final(self) -> str:
        """Phase at the last recorded epoch."""
        return PHASES[int(self.codes[-1])]

    def first_epoch(self, phase: str):
        """First epoch labelled ``phase`` (None if never)."""
        idx = np.flatnonzero(self.codes == PHASES.index(phase))
        return int(self.epochs[idx[0]]) if idx.size else None

    def since(self, phase: str):
        """The epoch since which every recorded epoch is labelled ``phase``.

        That is the first epoch of the last segment when it is ``phase``; None when the last
        recorded epoch is in another phase.
        """
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}; got {phase!r}")
        if not self.segments or self.segments[-1][0] != phase:
            return None
        return int(self.segments[-1][1])

    @property
    def saturated_from(self):
        """First epoch of the final saturated segment (None if training ends unsaturated)."""
        return self.since("saturated")

    def entry_exit(self, phase: str) -> tuple:
        """``(entry, exit)`` epochs of the first segment labelled ``phase``.

        ``entry`` is its first epoch, ``exit`` the first epoch of the segment after it (None
        when the segment runs to the last record: the run never left it); ``(None, None)`` when
        no epoch is labelled ``phase``.

        Examples
        --------
        >>> lab = PhaseLabels(epochs=np.arange(6), codes=np.array([0, 0, 1, 1, 2, 2]),
        ...                   segments=(("linear", 0, 1), ("hybrid", 2, 3),
        ...                             ("saturated", 4, 5)), thresholds={})
        >>> lab.entry_exit("hybrid"), lab.entry_exit("saturated")
        ((2, 4), (4, None))
        """
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}; got {phase!r}")
        for i, (p, a, _) in enumerate(self.segments):
            if p == phase:
                nxt = self.segments[i + 1][1] if i + 1 < len(self.segments) else None
                return int(a), (None if nxt is None else int(nxt))
        return None, None

    @property
    def n_changes(self) -> int:
        """Number of phase changes (segments - 1); 2 for a clean linear -> hybrid -> saturated."""
        return max(len(self.segments) - 1, 0)

    def summary(self) -> str:
        """One line per segment: ``linear     epochs 0-120``."""
        return "\n".join(f"{p:<10} epochs {a}-{b}" for p, a, b in self.segments)


def _persists(cond: np.ndarray, hold: int) -> np.ndarray:
    """True at ``i`` when ``cond`` holds at ``i .. i+hold-1``, or at every record from ``i`` on."""
    n = cond.size
    run = np.zeros(n + 1, dtype=np.int64)  # consecutive True from i forward
    for i in range(n - 1, -1, -1):
        run[i] = run[i + 1] + 1 if cond[i] else 0
    idx = np.arange(n)
    return (run[:n] >= hold) | ((run[:n] == n - idx) & (run[:n] > 0))


def hysteresis(enter, leave, *, hold: int = 1, initial: bool = False) -> np.ndarray:
    """A two-threshold switch with a dwell time: on/off state per record.

    The state turns on at the first record ``i`` (while off) where ``enter`` holds at the
    ``hold`` records ``i .. i+hold-1`` (or at every record from ``i`` to the end, when fewer
    than ``hold`` remain), and turns off at the first record ``j`` (while on) where ``leave``
    holds the same way. With ``enter = x >= a`` and ``leave = x < b``, ``b <= a``, this is a
    Schmitt trigger on the indicator ``x``.

    Parameters
    ----------
    enter, leave : array_like of bool, shape (n,)
        Conditions per record (must not both hold at one record).
    hold : int
        Records a condition must persist (>= 1).
    initial : bool
        State before the first record.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> x = np.array([0.0, 0.6, 0.2, 0.6, 0.6, 0.6, 0.45, 0.6, 0.3, 0.3, 0.3])
    >>> hysteresis(x >= 0.5, x < 0.4, hold=2).astype(int).tolist()
    [0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]
    """
    enter = np.asarray(enter, dtype=bool).reshape(-1)
    leave = np.asarray(leave, dtype=bool).reshape(-1)
    if enter.shape != leave.shape:
        raise ValueError(f"enter and leave must have the same shape; got {enter.shape} and "
                         f"{leave.shape}")
    if np.any(enter & leave):
        raise ValueError("enter and leave must not both hold at a record (the leave threshold "
                         "must lie beyond the enter threshold)")
    hold = check_int(hold, "hold", minimum=1)
    on, off = _persists(enter, hold), _persists(leave, hold)
    state = bool(initial)
    out = np.zeros(enter.size, dtype=bool)
    for i in range(enter.size):
        if not state and on[i]:
            state = True
        elif state and off[i]:
            state = False
        out[i] = state
    return out


def classify_phases(
    diagnostics,
    *,
    saturated: float = SATURATED_MIN_FRACTION,
    agreement: float = SATURATED_MIN_AGREEMENT,
    linear_error: float = LINEAR_MAX_ERROR,
    linear_saturation: float = LINEAR_MAX_FRACTION,
    hold: int = HOLD,
    saturated_leave: float | None = None,
    agreement_leave: float | None = None,
    linear_reenter: float | None = None,
    linear_reenter_saturation: float | None = None,
) -> PhaseLabels:
    """Label every recorded epoch linear / hybrid / saturated (rules in the module docstring).

    Parameters
    ----------
    diagnostics : PhaseDiagnostics
    saturated, agreement : float
        Enter the saturated state: saturated fraction and binary agreement at least these.
    linear_error, linear_saturation : float
        Leave the linear state: linearisation error or saturated fraction above these.
    hold : int
        Records a condition must persist before the state switches (1: no dwell time).
    saturated_leave : float, optional
        Leave the saturated state below this saturated fraction (default
        ``min(saturated, SATURATED_LEAVE_FRACTION)``).
    agreement_leave : float, optional
        ... or below this binary agreement (default ``agreement``).
    linear_reenter, linear_reenter_saturation : float, optional
        Enter the linear state again at or below this linearisation error and saturated
        fraction (defaults ``min(linear_error, LINEAR_REENTER_ERROR)`` and
        ``min(linear_saturation, LINEAR_REENTER_FRACTION)``).

    ``hold=1, saturated_leave=saturated, agreement_leave=agreement, linear_reenter=linear_error,
    linear_reenter_saturation=linear_saturation`` gives the raw per-epoch rules.

    Examples
    --------
    >>> from esorma.bridge.tasks import xor_task
    >>> from esorma.bridge.training import train_mlp
    >>> from esorma.bridge.diagnostics import phase_diagnostics
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=300, learning_rate=2.0, rng=1)
    >>> classify_phases(phase_diagnostics(res, lyapunov=False)).codes[0]
    np.int8(0)
    """
    from esorma.bridge.diagnostics import PhaseDiagnostics

    if not isinstance(diagnostics, PhaseDiagnostics):
        raise TypeError("diagnostics must be a PhaseDiagnostics from phase_diagnostics; got "
                        f"{type(diagnostics).__name__}")
    saturated = check_real(saturated, "saturated", minimum=0.0, maximum=1.0)
    agreement = check_real(agreement, "agreement", minimum=0.0, maximum=1.0)
    linear_error = check_real(linear_error, "linear_error", minimum=0.0)
    linear_saturation = check_real(linear_saturation, "linear_saturation", minimum=0.0,
                                   maximum=1.0)
    if linear_saturation > saturated:
        raise ValueError(f"linear_saturation must be <= saturated ({saturated}); "
                         f"got {linear_saturation}")
    hold = check_int(hold, "hold", minimum=1)
    if saturated_leave is None:
        saturated_leave = min(saturated, SATURATED_LEAVE_FRACTION)
    saturated_leave = check_real(saturated_leave, "saturated_leave", minimum=0.0,
                                 maximum=saturated)
    agreement_leave = agreement if agreement_leave is None else check_real(
        agreement_leave, "agreement_leave", minimum=0.0, maximum=agreement)
    if linear_reenter is None:
        linear_reenter = min(linear_error, LINEAR_REENTER_ERROR)
    linear_reenter = check_real(linear_reenter, "linear_reenter", minimum=0.0,
                                maximum=linear_error)
    if linear_reenter_saturation is None:
        linear_reenter_saturation = min(linear_saturation, LINEAR_REENTER_FRACTION)
    linear_reenter_saturation = check_real(linear_reenter_saturation,
                                           "linear_reenter_saturation", minimum=0.0,
                                           maximum=linear_saturation)
    sf = diagnostics.saturated_fraction
    le = diagnostics.linearisation_error
    has_sat = np.isfinite(sf)
    sf0 = np.where(has_sat, sf, 0.0)
    ag = np.nan_to_num(diagnostics.binary_agreement)
    sat_enter = has_sat & (sf0 >= saturated) & (ag >= agreement)
    sat_leave = ~has_sat | (sf0 < saturated_leave) | (ag < agreement_leave)
    is_sat = hysteresis(sat_enter, sat_leave & ~sat_enter, hold=hold)
    lin_enter = (le <= linear_reenter) & (sf0 <= linear_reenter_saturation)
    lin_leave = (le > linear_error) | (sf0 > linear_saturation)
    raw_lin0 = bool(le.size and le[0] <= linear_error and sf0[0] <= linear_saturation)
    is_lin = hysteresis(lin_enter, lin_leave, hold=hold, initial=raw_lin0)
    codes = np.where(is_sat, 2, np.where(is_lin, 0, 1)).astype(np.int8)
    segs = []
    ep = diagnostics.epochs
    start = 0
    for i in range(1, codes.size + 1):
        if i == codes.size or codes[i] != codes[start]:
            segs.append((PHASES[int(codes[start])], int(ep[start]), int(ep[i - 1])))
            start = i
    return PhaseLabels(
        epochs=ep.copy(), codes=codes, segments=tuple(segs),
        thresholds={"saturated": saturated, "agreement": agreement, "linear_error": linear_error,
                    "linear_saturation": linear_saturation, "margin": diagnostics.margin,
                    "hold": hold, "saturated_leave": saturated_leave,
                    "agreement_leave": agreement_leave, "linear_reenter": linear_reenter,
                    "linear_reenter_saturation": linear_reenter_saturation},
    )

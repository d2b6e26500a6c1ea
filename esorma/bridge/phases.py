"""Label each epoch of training as linear, hybrid or saturated.

Rules (defaults are module constants; every threshold is a keyword of :func:`classify_phases`)
-------------------------------------------------------------------------------------------
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

For ReLU networks (no saturation) only the linearisation criterion applies (linear/hybrid).
A network that never leaves a small-weight saddle (XOR from a tiny initialisation) keeps its
activations at the centre and is labelled linear, never saturated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_real

__all__ = [
    "PHASES",
    "SATURATED_MIN_FRACTION",
    "SATURATED_MIN_AGREEMENT",
    "LINEAR_MAX_ERROR",
    "LINEAR_MAX_FRACTION",
    "PhaseLabels",
    "classify_phases",
]

PHASES = ("linear", "hybrid", "saturated")
SATURATED_MIN_FRACTION = 0.5
SATURATED_MIN_AGREEMENT = 1.0
LINEAR_MAX_ERROR = 0.1
LINEAR_MAX_FRACTION = 0.5


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

    def summary(self) -> str:
        """One line per segment: ``linear     epochs 0-120``."""
        return "\n".join(f"{p:<10} epochs {a}-{b}" for p, a, b in self.segments)


def classify_phases(
    diagnostics,
    *,
    saturated: float = SATURATED_MIN_FRACTION,
    agreement: float = SATURATED_MIN_AGREEMENT,
    linear_error: float = LINEAR_MAX_ERROR,
    linear_saturation: float = LINEAR_MAX_FRACTION,
) -> PhaseLabels:
    """Label every recorded epoch linear / hybrid / saturated (rules in the module docstring).

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
    sf = diagnostics.saturated_fraction
    le = diagnostics.linearisation_error
    has_sat = np.isfinite(sf)
    ag = diagnostics.binary_agreement
    is_sat = has_sat & (sf >= saturated) & (np.nan_to_num(ag) >= agreement)
    is_lin = ~is_sat & (le <= linear_error) & (~has_sat | (sf <= linear_saturation))
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
                    "linear_saturation": linear_saturation, "margin": diagnostics.margin},
    )

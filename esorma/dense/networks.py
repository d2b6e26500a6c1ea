"""Dense associative memories: binary networks with many-body energies.

``E(s) = −Σ_μ F(x_μ)`` with the pattern overlaps ``x_μ = ξ^μ · s = N m_μ`` and a separation
function ``F`` (Krotov & Hopfield 2016; Demircigil et al. 2017):

* ``interaction="power"``: ``F(x) = x^n`` (n ≥ 2). The energy is normalised as
  ``E(s) = −Σ_μ x_μ^n / (2 N^{n−1}) = −(N/2) Σ_μ m_μ^n`` so that it is extensive and, at
  n = 2, equals the Hebb energy of :class:`esorma.Hopfield` (zero diagonal) minus the constant
  P/2: energy differences, the zero-temperature dynamics and Glauber dynamics at temperature
  T are then *identical* to the pairwise Hopfield network's (``ΔE_i = 2 s_i h_i``).
* ``interaction="exp"``: ``F(x) = e^x``. Energies are reported on the logarithmic scale
  ``E(s) = −ln Σ_μ e^{x_μ}`` (a monotone function of ``−Σ e^{x_μ}``: the same fixed points and
  zero-T dynamics, no overflow at any N; Glauber dynamics at T > 0 uses differences of this
  log-energy, since differences of the raw energy are of order e^N).

The update rule is the energy-difference rule: spin i flips when the flip lowers the energy,
``ΔE_i < 0``; a tie ``ΔE_i = 0`` keeps the spin (the project's tie rule). For F = x², the full
energy difference ``−Σ_μ [F(x_μ − 2 s_i ξ^μ_i) − F(x_μ)] = 4 (s_i Σ_μ ξ^μ_i x_μ − P)`` already
excludes the self-coupling, which is why n = 2 matches the zero-diagonal Hebb network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_int, check_patterns, check_spins
from esorma.dense import _kernels as _k

__all__ = ["DenseHopfield", "INTERACTIONS", "parse_model", "model_name"]

#: The separation functions F of :class:`DenseHopfield`.
INTERACTIONS = ("power", "exp")


def parse_model(model: str) -> tuple[str, int | None]:
    """``"poly3"`` -> ``("power", 3)``, ``"exp"`` -> ``("exp", None)``.

    Examples
    --------
    >>> parse_model("poly2"), parse_model("exp")
    (('power', 2), ('exp', None))
    """
    if model == "exp":
        return "exp", None
    if isinstance(model, str) and model.startswith("poly") and model[4:].isdigit():
        n = int(model[4:])
        if n >= 2:
            return "power", n
    raise ValueError(f"model must be 'polyN' (N >= 2, F(x) = x^N) or 'exp' (F(x) = e^x); "
                     f"got {model!r}")


def model_name(interaction: str, degree: int | None) -> str:
    """Inverse of :func:`parse_model`."""
    return "exp" if interaction == "exp" else f"poly{int(degree)}"


@summarized
@dataclass(frozen=True, eq=False, repr=False)
class DenseHopfield:
    """A dense associative memory storing ±1 ``patterns`` with separation function F.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Stored ±1 patterns.
    interaction : {"power", "exp"}
        ``F(x) = x^degree`` or ``F(x) = e^x``.
    degree : int, optional
        The power n ≥ 2 (only for ``"power"``; default 3).

    Notes
    -----
    Power energies are evaluated from exact integer difference tables (int64) whenever
    ``P · max|F(x ± 2) − F(x)|`` fits in 63 bits (e.g. N = 1000, n ≤ 5 for P ≤ 10^5); beyond
    that the tables are float64 and ties are no longer decided exactly
    (:attr:`exact_ties` is False). Costs: O(P) per attempted flip and per flip, memory
    N·P bytes for the patterns (int8).

    Examples
    --------
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(40, 60, rng=0)
    >>> net = DenseHopfield(xi, "power", 3)
    >>> net, bool(net.is_fixed_point(xi).all())
    (DenseHopfield(poly3, N=60, P=40, exact ties), True)
    """

    patterns: np.ndarray
    interaction: str = "power"
    degree: int | None = None

    def __post_init__(self):
        xi = check_patterns(self.patterns, "patterns")
        check_choice(self.interaction, "interaction", INTERACTIONS)
        set_ = object.__setattr__
        set_(self, "patterns", xi)
        if self.interaction == "power":
            degree = 3 if self.degree is None else check_int(self.degree, "degree", minimum=2,
                                                               maximum=64)
        else:
            if self.degree is not None:
                raise ValueError(f"degree is only used with interaction='power'; got "
                                 f"degree={self.degree!r} with interaction='exp'")
            degree = None
        set_(self, "degree", degree)
        p, n = xi.shape
        set_(self, "_xiT", np.ascontiguousarray(xi.T))
        if self.interaction == "power":
            xs = range(-n, n + 1)
            tp = [(x - 2) ** degree - x ** degree for x in xs]
            tm = [(x + 2) ** degree - x ** degree for x in xs]
            bound = max(max(abs(v) for v in tp), max(abs(v) for v in tm)) * p
            exact = bound < 2**62
            dtype = np.int64 if exact else np.float64
            set_(self, "_tp", np.array(tp, dtype=dtype) if exact
                 else np.array([float(v) for v in tp]))
            set_(self, "_tm", np.array(tm, dtype=dtype) if exact
                 else np.array([float(v) for v in tm]))
            set_(self, "_expt", np.zeros(1))
            set_(self, "_escale", 1.0 / (2.0 * float(n) ** (degree - 1)))
            set_(self, "_kind", _k.KIND_POWER)
            set_(self, "exact_ties", bool(exact))
        else:
            set_(self, "_tp", np.zeros(1))
            set_(self, "_tm", np.zeros(1))
            set_(self, "_expt", np.exp(-np.arange(2 * n + 5, dtype=np.float64)))
            set_(self, "_escale", 1.0)
            set_(self, "_kind", _k.KIND_EXP)
            set_(self, "exact_ties", True)

    @classmethod
    def from_model(cls, patterns, model: str) -> "DenseHopfield":
        """Build from a model name (``"poly2"``, ``"poly3"``, ..., ``"exp"``)."""
        interaction, degree = parse_model(model)
        return cls(patterns, interaction, degree)

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        return self.patterns.shape[1]

    @property
    def n_patterns(self) -> int:
        return self.patterns.shape[0]

    @property
    def model(self) -> str:
        return model_name(self.interaction, self.degree)

    @property
    def load(self) -> float:
        return self.n_patterns / self.n_neurons

    def __repr__(self) -> str:
        ties = "exact ties" if self.exact_ties else "float64 ties"
        return f"DenseHopfield({self.model}, N={self.n_neurons}, P={self.n_patterns}, {ties})"

    def _kernel_args(self):
        return self._kind, self._xiT, self._tp, self._tm, self._expt, self._escale

    # ------------------------------------------------------------------ evaluation
    def _batch(self, states, name="states"):
        return check_spins(states, name, n=self.n_neurons)

    def raw_overlaps(self, batch: np.ndarray) -> np.ndarray:
        """``x_μ = ξ^μ · s`` (int64, shape (B, P)) of a validated int8 batch."""
        x = np.empty((batch.shape[0], self.n_patterns), dtype=np.int64)
        _k.overlaps_batch(self._xiT, batch, x)
        return x

    def overlaps(self, states) -> np.ndarray:
        """Overlaps ``m_μ = x_μ / N``, shape (B, P) (or (P,))."""
        batch, was_1d = self._batch(states)
        m = self.raw_overlaps(batch) / self.n_neurons
        return m[0] if was_1d else m

    def energy(self, states) -> np.ndarray | float:
        """Energy per state: ``−Σ_μ x_μ^n / (2 N^{n−1})`` (power) or ``−ln Σ_μ e^{x_μ}`` (exp)."""
        batch, was_1d = self._batch(states)
        x = self.raw_overlaps(batch)
        e = self._energy_from_overlaps(x)
        return e[0] if was_1d else e

    def _energy_from_overlaps(self, x: np.ndarray) -> np.ndarray:
        if self.interaction == "power":
            return -(x.astype(np.float64) ** self.degree).sum(axis=1) * self._escale
        xf = x.astype(np.float64)
        mx = xf.max(axis=1, keepdims=True)
        return -(mx[:, 0] + np.log(np.exp(xf - mx).sum(axis=1)))

    def energy_differences(self, states) -> np.ndarray:
        """``ΔE_i``: the energy change of flipping spin i alone, shape like ``states``.

        Exact ties are exactly 0.0.
        """
        batch, was_1d = self._batch(states)
        x = self.raw_overlaps(batch)
        out = np.empty(batch.shape, dtype=np.float64)
        kind, xiT, tp, tm, expt, escale = self._kernel_args()
        _k.delta_energies(kind, xiT, tp, tm, expt, escale, batch, x, out)
        return out[0] if was_1d else out

    def is_fixed_point(self, states) -> np.ndarray | bool:
        """True where no single flip lowers the energy (``ΔE_i ≥ 0`` for every i)."""
        batch, was_1d = self._batch(states)
        ok = np.all(self.energy_differences(batch) >= 0.0, axis=1)
        return bool(ok[0]) if was_1d else ok

    def run(self, states, **kwargs):
        """Zero-temperature dynamics; see :func:`esorma.dense.run`."""
        from esorma.dense.dynamics import run

        return run(self, states, **kwargs)

    def glauber(self, temperature: float, states, **kwargs):
        """Glauber dynamics; see :func:`esorma.dense.glauber`."""
        from esorma.dense.dynamics import glauber

        return glauber(self, temperature, states, **kwargs)


def double_factorial(k: int) -> int:
    """``k!!`` (1 for k ≤ 0)."""
    return math.prod(range(k, 0, -2)) if k > 0 else 1

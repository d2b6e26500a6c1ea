"""Hopfield network objects: couplings, thresholds, local fields, energies, fixed points.

Conventions (see ``DESIGN.md``): spins are int8 ±1, one state (N,) or a batch (B, N); local
field ``h = J s − θ``; energy ``E(s) = −½ sᵀ J s + θᵀ s``; a fixed point has ``s_i h_i ≥ 0`` for
every i. Hebb networks store integer counts ``ξᵀξ`` (int16 while P ≤ 32767) with
``scale = 1/N``, so ties are exact and memory traffic halves; the effective couplings are
``scale * J``.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass

import numpy as np

from esorma._results import summarized
from esorma import _network_kernels as _k
from esorma._validation import (
    check_choice,
    check_couplings,
    check_patterns,
    check_real,
    check_spins,
    check_thresholds,
)

__all__ = ["Hopfield", "as_network"]


@summarized
@dataclass(frozen=True, eq=False, repr=False)
class Hopfield:
    """A Hopfield network with couplings ``scale * J`` and thresholds ``theta``.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Couplings: any finite real matrix (symmetric or not), or integer counts (int16/int32)
        together with ``scale``. The diagonal is kept as given (learning rules zero it).
        Integer couplings are summed exactly in int64: row sums ``Σ_j |J_ij|`` above 2**60
        are refused (they would overflow), as are values so large that float64 fields or
        energies would overflow. Masked arrays are refused.
    theta : array_like, shape (N,), optional
        Thresholds (default 0).
    scale : float
        Positive factor multiplying J (``1/N`` for integer Hebb counts, 1 otherwise).
    patterns : array_like, shape (P, N), optional
        Stored patterns, for overlaps, labels and the low-rank field path of Hebb networks.
    rule : str, optional
        Name of the learning rule that made J (``"hebb"``, ``"pseudo_inverse"``, ``"storkey"``).

    Notes
    -----
    ``symmetric`` is computed from J. Networks built by :meth:`from_patterns` skip that pass
    (the rules are symmetric by construction) and, for Hebb couplings, compute initial fields
    in the low-rank form ``ξᵀ(ξ s) − P s``: O(NP) per state instead of O(N²). A network built
    from a raw J always uses J itself, even when patterns are attached.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(3, 100, rng=0)
    >>> net = Hopfield.from_patterns(xi)
    >>> net.n_neurons, net.n_patterns, net.J.dtype
    (100, 3, dtype('int16'))
    >>> bool(net.is_fixed_point(xi).all())
    True
    >>> float(net.energy(xi[0])) < 0
    True
    """

    J: np.ndarray
    theta: np.ndarray | None = None
    scale: float = 1.0
    patterns: np.ndarray | None = None
    rule: str | None = None
    _trusted: InitVar[bool] = False  # set only by from_patterns: J is the rule's output

    def __post_init__(self, _trusted: bool = False):
        J = check_couplings(self.J, "J")
        n = J.shape[0]
        set_ = object.__setattr__
        set_(self, "J", J)
        set_(self, "theta", check_thresholds(self.theta, n))
        set_(self, "scale", check_real(self.scale, "scale", minimum=0.0, strict_min=True))
        if self.patterns is not None:
            xi, _ = check_spins(self.patterns, "patterns", n=n)
            set_(self, "patterns", xi)
        if _trusted is not True:
            self._check_float_range()
        if self.rule is not None:
            from esorma.learning import RULES

            check_choice(self.rule, "rule", RULES)
        symmetric = True if _trusted is True else bool(np.array_equal(J, J.T))
        set_(self, "symmetric", symmetric)
        # Kernels walk rows of J^T (the columns of J) when a spin flips; contiguous either way.
        set_(self, "_Jt", J if symmetric else np.ascontiguousarray(J.T))
        set_(self, "_low_rank", _trusted is True and self.rule == "hebb")

    def _check_float_range(self) -> None:
        """Refuse ``scale``, J and θ so large that fields or energies would overflow float64.

        A cheap bound (two passes over J, no copy): ``|E| <= ½ scale N² max|J| + N max|θ|``.
        Integer J is bounded separately (row sums, in ``check_couplings``).
        """
        J, n = self.J, self.J.shape[0]
        peak = max(abs(float(J.max())), abs(float(J.min())))
        with np.errstate(over="ignore"):
            bound = self.scale * peak * n * n + n * float(np.abs(self.theta).max())
        if not np.isfinite(bound):
            raise ValueError(
                f"scale * J and theta are too large (scale = {self.scale:.3g}, max |J_ij| = "
                f"{peak:.3g}, N = {n}): local fields and energies could overflow float64; "
                f"rescale the couplings"
            )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_patterns(
        cls,
        patterns,
        rule: str = "hebb",
        *,
        integer: bool | None = None,
        dtype=None,
        theta=None,
    ) -> "Hopfield":
        """Build a network storing ``patterns`` with a rule from :data:`esorma.learning.RULES`.

        Parameters
        ----------
        patterns : array_like, shape (P, N)
            ±1 patterns.
        rule : {"hebb", "pseudo_inverse", "storkey"}
        integer : bool, optional
            Store Hebb couplings as integer counts with ``scale = 1/N`` (default True for Hebb;
            not available for the other rules).
        dtype : {None, "int16", "int32"}
            Integer type of the Hebb counts (default: int16 while P ≤ 32767, else int32).
        theta : array_like, optional
            Thresholds.
        """
        from esorma.learning import get_rule, hebb

        rule_fn = get_rule(rule)
        xi = check_patterns(patterns)
        n = xi.shape[1]
        if integer is None:
            integer = rule == "hebb"
        if integer and rule != "hebb":
            raise ValueError(f"integer=True is only available for rule='hebb'; got rule={rule!r}")
        if dtype is not None and not integer:
            raise ValueError("dtype is only used with integer Hebb couplings (integer=True)")
        if rule == "hebb" and integer:
            counts = hebb(xi, integer=True)
            if dtype is not None:
                check_choice(str(np.dtype(dtype)), "dtype", ("int16", "int32"))
                if np.dtype(dtype) == np.int16 and xi.shape[0] > np.iinfo(np.int16).max:
                    raise ValueError(
                        f"dtype int16 holds Hebb counts for at most 32767 patterns; "
                        f"got P = {xi.shape[0]} (use int32)"
                    )
                counts = counts.astype(dtype, copy=False)
            return cls(counts, theta, 1.0 / n, xi, rule, _trusted=True)
        return cls(rule_fn(xi), theta, 1.0, xi, rule, _trusted=True)

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        return self.J.shape[0]

    @property
    def n_patterns(self) -> int:
        return 0 if self.patterns is None else self.patterns.shape[0]

    @property
    def load(self) -> float:
        """α = P / N."""
        return self.n_patterns / self.n_neurons

    @property
    def is_integer(self) -> bool:
        return bool(np.issubdtype(self.J.dtype, np.integer))

    @property
    def couplings(self) -> np.ndarray:
        """The effective couplings ``scale * J`` as float64 (a new array for integer J)."""
        if self.is_integer or self.scale != 1.0:
            return self.J.astype(np.float64) * self.scale
        return self.J

    def __repr__(self) -> str:
        kind = f"{self.rule} " if self.rule else ""
        return (
            f"Hopfield({kind}N={self.n_neurons}, P={self.n_patterns}, "
            f"J dtype={self.J.dtype}, symmetric={self.symmetric})"
        )

    # ------------------------------------------------------------------ fields and energy
    def _check(self, states, name="states"):
        return check_spins(states, name, n=self.n_neurons)

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``J @ s`` for a validated int8 batch (no scale, no theta): int64 for integer J.

        Hebb networks with known patterns use the low-rank form ``ξᵀ(ξ s) − P s`` (O(NP) per
        state instead of O(N²)); it equals ``J @ s`` exactly because ``J_ii = 0``.
        """
        if self._low_rank:
            xi = self.patterns.astype(np.float64)
            s = batch.astype(np.float64)
            h = (s @ xi.T) @ xi - self.n_patterns * s  # exact integers below 2**53
            if self.is_integer:
                return np.rint(h).astype(np.int64)
            return h / self.n_neurons
        if self.is_integer:
            out = np.empty(batch.shape, dtype=np.int64)
            return _k.raw_fields_int(self.J, batch, out)
        return batch.astype(np.float64) @ self._Jt

    def fields(self, states) -> np.ndarray:
        """Local fields ``h = scale * J s − θ``, shape like ``states`` (float64)."""
        batch, was_1d = self._check(states)
        h = self.scale * self.raw_fields(batch) - self.theta
        return h[0] if was_1d else h

    def energy(self, states) -> np.ndarray | float:
        """Energy ``E(s) = −½ sᵀ (scale J) s + θᵀ s`` per state."""
        batch, was_1d = self._check(states)
        h = self.raw_fields(batch)
        s = batch.astype(np.float64)
        e = -0.5 * self.scale * np.einsum("bi,bi->b", s, h) + s @ self.theta
        return e[0] if was_1d else e

    def is_fixed_point(self, states) -> np.ndarray | bool:
        """True where ``s_i h_i ≥ 0`` for every i (stable to every single spin flip)."""
        batch, was_1d = self._check(states)
        h = self.scale * self.raw_fields(batch) - self.theta
        ok = np.all(batch * h >= 0, axis=1)
        return bool(ok[0]) if was_1d else ok

    def overlaps(self, states) -> np.ndarray:
        """Overlaps with the stored patterns, shape (B, P) (or (P,))."""
        if self.patterns is None:
            raise ValueError("this network has no stored patterns (patterns=None)")
        from esorma.patterns import overlaps

        return overlaps(states, self.patterns)

    def run(self, states, **kwargs):
        """Zero-temperature dynamics from ``states``; see :func:`esorma.dynamics.run`."""
        from esorma.dynamics import run

        return run(self, states, **kwargs)


def as_network(network, theta=None) -> Hopfield:
    """The :class:`Hopfield` network behind ``network``: the one argument form of esorma.

    Every public function that takes a network accepts the same three forms:

    * a :class:`Hopfield` (returned as is);
    * any object with a ``to_network()`` method returning one (e.g. a
      :class:`esorma.thermo.BoltzmannMachine`);
    * a square coupling matrix ``J`` (array_like (N, N)), with thresholds ``theta``
      (default 0).

    Parameters
    ----------
    network : Hopfield, object with ``to_network()``, or array_like (N, N)
    theta : array_like, shape (N,), optional
        Thresholds, only with a raw coupling matrix (a network has its own).

    Returns
    -------
    Hopfield

    Raises
    ------
    TypeError
        ``network`` is none of the three forms (or ``to_network()`` returns no Hopfield).
    ValueError
        ``theta`` given together with a network, or a matrix that is not square and finite.

    Examples
    --------
    >>> import numpy as np
    >>> net = as_network(np.array([[0.0, 1.0], [1.0, 0.0]]), theta=[0.1, 0.0])
    >>> net.n_neurons, net.theta.tolist()
    (2, [0.1, 0.0])
    >>> as_network(net) is net
    True
    >>> from esorma.thermo import BoltzmannMachine
    >>> as_network(BoltzmannMachine(net.J)).n_neurons    # anything with to_network()
    2
    """
    if isinstance(network, Hopfield):
        if theta is not None:
            raise ValueError("theta must be None when a network is given (it has its own)")
        return network
    to_network = getattr(network, "to_network", None)
    if callable(to_network):
        if theta is not None:
            raise ValueError(
                f"theta must be None when a {type(network).__name__} is given (it has its own)"
            )
        net = to_network()
        if not isinstance(net, Hopfield):
            raise TypeError(
                f"network: {type(network).__name__}.to_network() must return an esorma.Hopfield; "
                f"got {type(net).__name__}"
            )
        return net
    if network is None or isinstance(network, (str, bytes, dict)):
        raise TypeError(
            "network must be an esorma.Hopfield, an object with to_network() or a square "
            f"coupling matrix; got {type(network).__name__}"
        )
    return Hopfield(network, theta=theta)

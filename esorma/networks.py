"""Hopfield network objects: couplings, thresholds, local fields, energies, fixed points.

Conventions (see ``DESIGN.md``): spins are int8 ±1, one state (N,) or a batch (B, N); local
field ``h = J s − θ``; energy ``E(s) = −½ sᵀ J s + θᵀ s``; a fixed point has ``s_i h_i ≥ 0`` for
every i. Hebb networks store integer counts ``ξᵀξ`` (int16 while P ≤ 32767) with
``scale = 1/N``, so ties are exact and memory traffic halves; the effective couplings are
``scale * J``. A Hebb network built from patterns keeps only the patterns and forms its
counts on first use of ``J`` (see :class:`Hopfield`, *Lazy couplings*): fields, energies,
fixed points, overlaps and the dynamics run on the overlaps ``ξ s`` in O(NP) memory.
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
    (the rules are symmetric by construction).

    **Lazy couplings.** A Hebb network built by :meth:`from_patterns` keeps only its
    patterns: the N × N matrix ``J`` is formed the first time something reads ``net.J``,
    ``net.couplings`` or a path that needs the dense matrix (then cached on the network;
    :meth:`release_couplings` drops it again, :attr:`couplings_formed` tells whether it is
    held). Fields, energies, fixed-point tests, overlaps, zero-temperature dynamics
    (:func:`esorma.dynamics.run`) and the Glauber/Metropolis samplers of integer Hebb networks
    run in O(NP) memory on the overlaps ``M = ξ s``: the raw field ``J s = ξᵀM − P s`` is
    the same exact int64 number as on the dense path, so every result (ties included) is
    bit-identical. A network built from a raw J always uses J itself, even when patterns are
    attached.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma import Hopfield
    >>> from esorma.patterns import random_patterns
    >>> xi = random_patterns(3, 100, rng=0)
    >>> net = Hopfield.from_patterns(xi)
    >>> net.couplings_formed                     # only the patterns are held
    False
    >>> bool(net.is_fixed_point(xi).all()), float(net.energy(xi[0])) < 0
    (True, True)
    >>> net.n_neurons, net.n_patterns, net.J.dtype   # reading J forms it (and caches it)
    (100, 3, dtype('int16'))
    >>> net.couplings_formed
    True
    """

    J: np.ndarray
    theta: np.ndarray | None = None
    scale: float = 1.0
    patterns: np.ndarray | None = None
    rule: str | None = None
    _trusted: InitVar[bool] = False  # set only by from_patterns: J is the rule's output
    _lazy_dtype: InitVar[object] = None  # set only by from_patterns: Hebb J formed on demand

    def __post_init__(self, _trusted: bool = False, _lazy_dtype=None):
        set_ = object.__setattr__
        lazy = self._J is None and _trusted is True and _lazy_dtype is not None
        if lazy:
            xi, _ = check_spins(self.patterns, "patterns")
            n = xi.shape[1]
            set_(self, "patterns", xi)
            set_(self, "_dtype", np.dtype(_lazy_dtype))
        else:
            J = check_couplings(self._J, "J")
            n = J.shape[0]
            set_(self, "J", J)
            set_(self, "_dtype", J.dtype)
        set_(self, "_n", n)
        set_(self, "theta", check_thresholds(self.theta, n))
        set_(self, "_theta_zero", not bool(np.any(self.theta)))
        set_(self, "scale", check_real(self.scale, "scale", minimum=0.0, strict_min=True))
        if self.patterns is not None and not lazy:
            xi, _ = check_spins(self.patterns, "patterns", n=n)
            set_(self, "patterns", xi)
        if _trusted is not True:
            self._check_float_range()
        if self.rule is not None:
            from esorma.learning import RULES

            check_choice(self.rule, "rule", RULES)
        symmetric = True if _trusted is True else bool(np.array_equal(self._J, self._J.T))
        set_(self, "symmetric", symmetric)
        # Kernels walk rows of J^T (the columns of J) when a spin flips; contiguous either way.
        set_(self, "_Jt_store", None if symmetric else np.ascontiguousarray(self._J.T))
        set_(self, "_low_rank", _trusted is True and self.rule == "hebb")
        set_(self, "_xi_t", None)

    def _check_float_range(self) -> None:
        """Refuse ``scale``, J and θ so large that fields or energies would overflow float64.

        A cheap bound (two passes over J, no copy): ``|E| <= ½ scale N² max|J| + N max|θ|``.
        Integer J is bounded separately (row sums, in ``check_couplings``).
        """
        J, n = self.J, self.J.shape[0]
        peak = max(abs(float(J.max())), abs(float(J.min()))) if J.size else 0.0
        with np.errstate(over="ignore"):
            bound = self.scale * peak * n * n + n * float(np.abs(self.theta).max(initial=0.0))
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

        Hebb networks keep only the patterns (O(NP) memory); their matrix J is formed when a
        path needs it (see the class Notes, *Lazy couplings*). The other rules compute J now.

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
        from esorma.learning import get_rule, hebb_counts_dtype

        rule_fn = get_rule(rule)
        xi = check_patterns(patterns)
        n = xi.shape[1]
        if integer is None:
            integer = rule == "hebb"
        if integer and rule != "hebb":
            raise ValueError(f"integer=True is only available for rule='hebb'; got rule={rule!r}")
        if dtype is not None and not integer:
            raise ValueError("dtype is only used with integer Hebb couplings (integer=True)")
        if rule == "hebb":
            if not integer:
                return cls(None, theta, 1.0, xi, rule, _trusted=True, _lazy_dtype=np.float64)
            counts_dtype = hebb_counts_dtype(xi.shape[0])
            if dtype is not None:
                check_choice(str(np.dtype(dtype)), "dtype", ("int16", "int32"))
                if np.dtype(dtype) == np.int16 and xi.shape[0] > np.iinfo(np.int16).max:
                    raise ValueError(
                        f"dtype int16 holds Hebb counts for at most 32767 patterns; "
                        f"got P = {xi.shape[0]} (use int32)"
                    )
                counts_dtype = np.dtype(dtype)
            return cls(None, theta, 1.0 / n, xi, rule, _trusted=True, _lazy_dtype=counts_dtype)
        return cls(rule_fn(xi), theta, 1.0, xi, rule, _trusted=True)

    # ------------------------------------------------------------------ lazy couplings
    @property
    def couplings_formed(self) -> bool:
        """True when the N × N matrix J is held in memory (always, unless the network was
        built by :meth:`from_patterns` with the Hebb rule and nothing has needed J yet)."""
        return self._J is not None

    def release_couplings(self) -> bool:
        """Drop the cached J of a lazy Hebb network (it is formed again when needed).

        Returns True if memory was released; networks given a raw J keep it (False).
        """
        if not self._lazy or self._J is None:
            return False
        object.__setattr__(self, "_J", None)
        from esorma.dynamics._common import forget_network

        forget_network(self)
        return True

    @property
    def _lazy(self) -> bool:
        return self._low_rank

    def _form_couplings(self) -> np.ndarray:
        from esorma.learning import hebb_counts

        counts = hebb_counts(self.patterns, self._dtype)
        if self._dtype.kind == "f":
            counts /= self._n
        return counts

    @property
    def _Jt(self) -> np.ndarray:
        """J transposed, C-contiguous (J itself when symmetric): rows walked by the kernels."""
        return self.J if self._Jt_store is None else self._Jt_store

    @property
    def xi_t(self) -> np.ndarray:
        """The patterns transposed, (N, P) int8 C-contiguous (cached; for O(NP) kernels)."""
        if self._xi_t is None:
            object.__setattr__(self, "_xi_t", np.ascontiguousarray(self.patterns.T))
        return self._xi_t

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        return self._n

    @property
    def n_patterns(self) -> int:
        return 0 if self.patterns is None else self.patterns.shape[0]

    @property
    def load(self) -> float:
        """α = P / N."""
        return self.n_patterns / self.n_neurons

    @property
    def is_integer(self) -> bool:
        return bool(np.issubdtype(self._dtype, np.integer))

    @property
    def couplings_dtype(self) -> np.dtype:
        """dtype of J (known without forming a lazy J)."""
        return self._dtype

    @property
    def couplings(self) -> np.ndarray:
        """The effective couplings ``scale * J`` as float64 (a new array for integer J).

        For a lazy Hebb network this forms J (N² counts, cached on the network until
        :meth:`release_couplings`) and returns a new float64 array: N² × 8 bytes more.
        """
        J = self.J
        if self.is_integer or self.scale != 1.0:
            return J.astype(np.float64) * self.scale
        return J

    def __repr__(self) -> str:
        kind = f"{self.rule} " if self.rule else ""
        lazy = ", J formed on demand" if (self._lazy and self._J is None) else ""
        return (
            f"Hopfield({kind}N={self.n_neurons}, P={self.n_patterns}, "
            f"J dtype={self._dtype}, symmetric={self.symmetric}{lazy})"
        )

    # ------------------------------------------------------------------ fields and energy
    def _check(self, states, name="states"):
        return check_spins(states, name, n=self.n_neurons)

    @property
    def _exact_low_rank(self) -> bool:
        """Integer Hebb counts known from the patterns: O(NP) paths, bit-identical results."""
        return self._low_rank and self.is_integer

    def pattern_overlaps_int(self, batch: np.ndarray) -> np.ndarray:
        """``M = ξ s`` for a validated int8 batch (B, N): exact int64, shape (B, P)."""
        from esorma import _low_rank_kernels as _lk
        from esorma._threads import thread_policy

        b, n = batch.shape
        out = np.empty((b, self.n_patterns), dtype=np.int64)
        if self.n_patterns == 0:
            return out
        with thread_policy(b * n * self.n_patterns, items=b) as threads:
            kern = _lk.overlaps_int if threads > 1 else _lk.overlaps_int_serial
            return kern(self.xi_t, np.ascontiguousarray(batch), out)

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``J @ s`` for a validated int8 batch (no scale, no theta): int64 for integer J.

        Hebb networks with known patterns use the low-rank form ``ξᵀ(ξ s) − P s`` (O(NP) per
        state instead of O(N²)); it equals ``J @ s`` exactly because ``J_ii = 0``.
        """
        from esorma._threads import thread_policy

        b, n = batch.shape
        if self._low_rank:
            from esorma import _low_rank_kernels as _lk

            batch = np.ascontiguousarray(batch)
            m = self.pattern_overlaps_int(batch)
            h = np.empty((b, n), dtype=np.int64)
            with thread_policy(b * n * (self.n_patterns + 1)) as threads:
                kern = _lk.raw_fields if threads > 1 else _lk.raw_fields_serial
                kern(self.xi_t, batch, m, h)
            if self.is_integer:
                return h
            return h / n
        if self.is_integer:
            out = np.empty(batch.shape, dtype=np.int64)
            with thread_policy(b * n * n, items=b, parallel_only=True):
                return _k.raw_fields_int(self.J, batch, out)
        return batch.astype(np.float64) @ self._Jt

    def _theta_term(self, batch: np.ndarray) -> np.ndarray | float:
        """``θᵀ s`` per state (0.0 when θ = 0, without a float copy of the batch)."""
        if self._theta_zero:
            return 0.0
        return batch.astype(np.float64) @ self.theta

    def fields(self, states) -> np.ndarray:
        """Local fields ``h = scale * J s − θ``, shape like ``states`` (float64)."""
        batch, was_1d = self._check(states)
        h = self.scale * self.raw_fields(batch) - self.theta
        return h[0] if was_1d else h

    def _energy_from(self, batch: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Energies from validated states and their raw fields (the dense formula)."""
        s = batch.astype(np.float64)
        return -0.5 * self.scale * np.einsum("bi,bi->b", s, h) + self._theta_term(batch)

    def _energy_from_overlaps(self, batch: np.ndarray, m: np.ndarray) -> np.ndarray:
        """Energies of integer Hebb networks from ``M = ξ s``: ``sᵀJs = Σ_μ M_μ² − P N``
        exactly (the dense float sum of these integers is exact, so the results agree)."""
        quad = (m * m).sum(axis=1) - self.n_patterns * self.n_neurons
        return -0.5 * self.scale * quad.astype(np.float64) + self._theta_term(batch)

    def energy(self, states) -> np.ndarray | float:
        """Energy ``E(s) = −½ sᵀ (scale J) s + θᵀ s`` per state."""
        batch, was_1d = self._check(states)
        if self._exact_low_rank:
            e = self._energy_from_overlaps(batch, self.pattern_overlaps_int(batch))
        else:
            e = self._energy_from(batch, self.raw_fields(batch))
        return e[0] if was_1d else e

    def is_fixed_point(self, states) -> np.ndarray | bool:
        """True where ``s_i h_i ≥ 0`` for every i (stable to every single spin flip)."""
        batch, was_1d = self._check(states)
        if self._exact_low_rank:
            from esorma import _low_rank_kernels as _lk
            from esorma._threads import thread_policy

            batch = np.ascontiguousarray(batch)
            m = self.pattern_overlaps_int(batch)
            ok = np.empty(batch.shape[0], dtype=np.bool_)
            b, n = batch.shape
            with thread_policy(b * n * (self.n_patterns + 1), items=b) as threads:
                kern = _lk.fixed_points if threads > 1 else _lk.fixed_points_serial
                kern(self.xi_t, batch, m, float(self.scale), self.theta, ok)
        else:
            h = self.scale * self.raw_fields(batch) - self.theta
            ok = np.all(batch * h >= 0, axis=1)
        return bool(ok[0]) if was_1d else ok

    def overlaps(self, states) -> np.ndarray:
        """Overlaps with the stored patterns, shape (B, P) (or (P,)); O(NP), no float copy."""
        if self.patterns is None:
            raise ValueError("this network has no stored patterns (patterns=None)")
        batch, was_1d = self._check(states)
        m = self.pattern_overlaps_int(batch) / self.n_neurons
        return m[0] if was_1d else m

    def run(self, states, **kwargs):
        """Zero-temperature dynamics from ``states``; see :func:`esorma.dynamics.run`."""
        from esorma.dynamics import run

        return run(self, states, **kwargs)


def _get_J(self) -> np.ndarray:
    J = self._J
    if J is None:
        J = self._form_couplings()
        object.__setattr__(self, "_J", J)
    return J


def _set_J(self, value) -> None:
    object.__setattr__(self, "_J", value)


# ``J`` is a dataclass field (the constructor's first argument) read through a property, so a
# Hebb network built from patterns forms it only when read (see "Lazy couplings" above).
Hopfield.J = property(
    _get_J, _set_J,
    doc="Couplings (N, N): integer counts or floats; formed on first read for lazy Hebb "
        "networks (then cached until ``release_couplings()``).",
)


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

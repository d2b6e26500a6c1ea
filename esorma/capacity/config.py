"""The configuration of a capacity study: the (N, α, T) grid, the learning rule, the dynamics.

:class:`CapacityConfig` holds everything that determines the raw results besides the seed; it
is stored in checkpoints and compared on resume. :meth:`CapacityConfig.preset` gives the
default grids of ``esorma capacity`` (``"full"``) and of its ``--quick`` run (``"quick"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import check_choice, check_int, check_real

__all__ = ["CapacityConfig", "point_memory_bytes", "PRESETS"]

_RULES = ("hebb", "pseudo_inverse", "storkey")
_DTYPES = ("int16", "int32", "float64")
_INT16_MAX = int(np.iinfo(np.int16).max)

#: Default grids: ``"full"`` (``esorma capacity``) and ``"quick"`` (``--quick``, under a minute).
PRESETS = {
    "quick": {"n_neurons": (500, 1000, 2000), "alphas": tuple(round(0.05 + 0.01 * i, 10)
                                                             for i in range(16)),
              "n_networks": 2, "n_probes": 20},
    "full": {"n_neurons": (1000, 2000, 4000), "alphas": tuple(round(0.05 + 0.01 * i, 10)
                                                            for i in range(16)),
             "n_networks": 4, "n_probes": 20},
}


def _as_tuple(values, name):
    if values is None:
        raise ValueError(f"{name} must be a non-empty list; got None")
    arr = np.atleast_1d(np.asarray(values))
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list; got an empty grid")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d list of values; got shape {arr.shape}")
    return arr


@summarized
@dataclass(frozen=True)
class CapacityConfig:
    """Everything that determines the raw results of a capacity study (besides the seed).

    Parameters
    ----------
    n_neurons : sequence of int
        Network sizes N (each >= 2).
    alphas : sequence of float
        Loads α > 0; each point stores P = round(α N) >= 1 patterns.
    temperatures : sequence of float
        Temperatures T >= 0 (default ``(0.0,)``: zero-temperature dynamics). T > 0 uses
        Glauber dynamics from :mod:`esorma.dynamics.stochastic`.
    rule : {"hebb", "pseudo_inverse", "storkey"}
    n_networks, n_probes : int
        Networks per point and probed patterns per network (``min(n_probes, P)`` are probed).
    corruption : float
        Fraction of spins flipped in each start state, in [0, 0.5).
    mode, order : str
        Zero-T dynamics (``"async"``/``"sync"``; ``"random"``/``"sequential"``).
    max_sweeps : int
        Sweep limit of the zero-T dynamics; number of Glauber sweeps at T > 0.
    coupling_dtype : {"int16", "int32", "float64"}, optional
        Hebb couplings as integer counts (int16 needs P <= 32767) or float64. Default int16
        for Hebb, float64 for the other rules (which only allow float64).

    Examples
    --------
    >>> cfg = CapacityConfig(n_neurons=[200], alphas=[0.05, 0.1], n_probes=5)
    >>> [p.key for p in cfg.points(seed=0)]
    ['N=200,P=10,T=0.0', 'N=200,P=20,T=0.0']
    >>> CapacityConfig.preset("quick", n_networks=1).n_neurons
    (500, 1000, 2000)
    """

    n_neurons: tuple
    alphas: tuple
    temperatures: tuple = (0.0,)
    rule: str = "hebb"
    n_networks: int = 1
    n_probes: int = 20
    corruption: float = 0.0
    mode: str = "async"
    order: str = "random"
    max_sweeps: int = 100
    coupling_dtype: str | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        ns = _as_tuple(self.n_neurons, "n_neurons")
        n_list = tuple(check_int(v, "n_neurons", minimum=2) for v in ns.tolist())
        if len(set(n_list)) != len(n_list):
            raise ValueError(f"n_neurons must not repeat values; got {list(n_list)}")
        al = _as_tuple(self.alphas, "alphas")
        a_list = tuple(
            check_real(v, "alphas", minimum=0.0, strict_min=True) for v in al.tolist()
        )
        if len(set(a_list)) != len(a_list):
            raise ValueError(f"alphas must not repeat values; got {list(a_list)}")
        ts = _as_tuple(self.temperatures, "temperatures")
        t_list = tuple(check_real(v, "temperatures", minimum=0.0) for v in ts.tolist())
        if len(set(t_list)) != len(t_list):
            raise ValueError(f"temperatures must not repeat values; got {list(t_list)}")
        set_(self, "n_neurons", n_list)
        set_(self, "alphas", a_list)
        set_(self, "temperatures", t_list)
        check_choice(self.rule, "rule", _RULES)
        set_(self, "n_networks", check_int(self.n_networks, "n_networks", minimum=1))
        set_(self, "n_probes", check_int(self.n_probes, "n_probes", minimum=1))
        set_(self, "corruption", check_real(self.corruption, "corruption", minimum=0.0,
                                            maximum=0.5, strict_max=True))
        check_choice(self.mode, "mode", ("async", "sync"))
        check_choice(self.order, "order", ("random", "sequential"))
        set_(self, "max_sweeps", check_int(self.max_sweeps, "max_sweeps", minimum=1))
        dtype = self.coupling_dtype
        if dtype is None:
            dtype = "int16" if self.rule == "hebb" else "float64"
        check_choice(dtype, "coupling_dtype", _DTYPES)
        if self.rule != "hebb" and dtype != "float64":
            raise ValueError(
                f"coupling_dtype must be 'float64' for rule={self.rule!r} (integer couplings "
                f"exist only for Hebb); got {dtype!r}"
            )
        set_(self, "coupling_dtype", dtype)
        seen = {}
        for n in n_list:
            for a in a_list:
                p = int(round(a * n))
                if p < 1:
                    raise ValueError(
                        f"alphas must give at least one pattern: alpha={a} with N={n} gives "
                        f"P = round(alpha N) = 0"
                    )
                if dtype == "int16" and p > _INT16_MAX:
                    raise ValueError(
                        f"P = round(alpha N) must be <= {_INT16_MAX} with int16 couplings; "
                        f"alpha={a}, N={n} gives P={p} (use coupling_dtype='int32')"
                    )
                if (n, p) in seen:
                    raise ValueError(
                        f"alphas {seen[(n, p)]} and {a} both give P={p} patterns at N={n}; "
                        "use a coarser alpha grid or larger N"
                    )
                seen[(n, p)] = a

    @classmethod
    def preset(cls, name: str = "full", **overrides) -> "CapacityConfig":
        """The default grid ``name`` (``"full"`` or ``"quick"``, see :data:`PRESETS`).

        Keyword arguments replace fields of the preset; a value of None keeps the preset's
        (so an explicit 0 is validated, never replaced by the default).
        """
        check_choice(name, "name", tuple(PRESETS))
        fields = dict(PRESETS[name])
        fields.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**fields)

    def to_dict(self) -> dict:
        """JSON-able dict (stored in checkpoints and compared on resume)."""
        return {
            "n_neurons": list(self.n_neurons),
            "alphas": list(self.alphas),
            "temperatures": list(self.temperatures),
            "rule": self.rule,
            "n_networks": self.n_networks,
            "n_probes": self.n_probes,
            "corruption": self.corruption,
            "mode": self.mode,
            "order": self.order,
            "max_sweeps": self.max_sweeps,
            "coupling_dtype": self.coupling_dtype,
        }

    @classmethod
    def from_dict(cls, d) -> "CapacityConfig":
        return cls(**d)

    def points(self, seed: int) -> list:
        """Grid points ``(N, P, T)`` (N slowest), seeds from ``(seed; N, P, T)``."""
        from esorma.sweeps import make_point

        pts = []
        for n in self.n_neurons:
            for a in self.alphas:
                for t in self.temperatures:
                    p = int(round(a * n))
                    pts.append(make_point({"N": n, "P": p, "T": float(t)}, seed=seed,
                                          index=len(pts)))
        return pts

    def max_point_memory(self) -> float:
        """Peak bytes of the largest grid point (see :func:`point_memory_bytes`)."""
        return max(
            point_memory_bytes(n, int(round(a * n)), self.rule, self.coupling_dtype,
                               min(self.n_probes, int(round(a * n))))
            for n in self.n_neurons for a in self.alphas
        )


def point_memory_bytes(n: int, p: int, rule: str = "hebb", coupling_dtype: str = "int16",
                       n_probes: int = 20) -> float:
    """Estimated peak bytes of one grid point (one network in memory).

    Hebb with integer counts: float32 accumulator and the counts (4 + 2 or 4 bytes per
    coupling) plus the symmetry check's boolean temporary; float64 rules: several N×N float64
    arrays; plus the patterns in int8/float32/float64 and the probe batch.

    Examples
    --------
    >>> point_memory_bytes(20_000, 1000) < 8 * 1024**3
    True
    """
    per = {"int16": 4 + 2 + 1, "int32": 4 + 4 + 4 + 1, "float64": 4 + 8 + 8 + 1}[coupling_dtype]
    if rule == "pseudo_inverse":
        per = 8 * 4
    elif rule == "storkey":
        per = 8 * 3
    return float(n) * n * per + 21.0 * p * n + 40.0 * n_probes * n + 64e6

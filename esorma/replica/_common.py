"""Shared pieces of the replica package: exceptions, warnings, validation, small result types."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma.errors import ConvergenceError, ConvergenceWarning, NoSolutionError

from esorma._validation import check_not_masked, check_real

__all__ = [
    "NoSolutionError",
    "ConvergenceError",
    "ConvergenceWarning",
    "LineResult",
    "TemperatureRoots",
    "check_alpha",
    "check_temperature",
    "check_array",
    "line_result",
    "warn_not_converged",
    "RESIDUAL_TOL",
]

#: A solution whose saddle-point residual exceeds this is reported as not converged.
RESIDUAL_TOL = 1e-9


@summarized
@dataclass(frozen=True, eq=False)
class LineResult:
    """Points of a line of the theory (``value`` as a function of ``argument``) with diagnostics.

    Returned by :func:`spin_glass_temperature`, :func:`spinodal_alpha`,
    :func:`first_order_alpha`, :func:`at_line`, :func:`at_field` and :func:`gardner_kappa`.
    ``argument``, ``value`` and ``residual`` are floats for a scalar input and arrays of the
    input's shape otherwise.

    Attributes
    ----------
    name : str
        The line, e.g. ``"T_g(alpha)"``.
    argument : float or numpy.ndarray
        The validated input(s).
    value : float or numpy.ndarray
        The line at ``argument`` (NaN where a point failed; see ``residual``).
    residual : float or numpy.ndarray
        Absolute residual of the defining equation re-evaluated at ``value`` (NaN or inf where
        the point failed).
    tolerance : float
        A point is converged when ``residual <= tolerance``.
    converged : bool
        Every point converged (otherwise a :class:`ConvergenceWarning` was issued).
    method : str
        How the values were computed.
    """

    name: str
    argument: float | np.ndarray
    value: float | np.ndarray
    residual: float | np.ndarray
    tolerance: float
    converged: bool
    method: str

    @property
    def converged_points(self) -> np.ndarray:
        """Per point: ``residual <= tolerance`` (a boolean array, 1-D for a scalar input)."""
        return np.atleast_1d(np.asarray(self.residual) <= self.tolerance)

    def __float__(self) -> float:
        if np.ndim(self.value):
            raise TypeError(f"{self.name} holds {np.size(self.value)} values; use .value")
        return float(self.value)


@summarized
@dataclass(frozen=True)
class TemperatureRoots:
    """All temperatures at which a line of the AGS diagram crosses a given load.

    Attributes
    ----------
    line : str
        ``"T_M"`` (retrieval spinodal, ``α_M(T) = α``) or ``"T_c"`` (first order,
        ``α_c(T) = α``).
    alpha : float
        The load.
    roots : tuple of float
        Every root found, in increasing order (two in the re-entrant range, none above it).
    residuals : tuple of float
        ``|α_line(T) - α|`` at each root.
    converged : bool
        Every root has a residual ``<= RESIDUAL_TOL`` (otherwise a warning was issued).
    method : str
        How the roots were found (scan grid size, root finder).
    """

    line: str
    alpha: float
    roots: tuple
    residuals: tuple
    converged: bool
    method: str

    def __post_init__(self):
        # Tuples of floats whatever was passed (a list read back from a file included).
        object.__setattr__(self, "roots", tuple(float(t) for t in self.roots))
        object.__setattr__(self, "residuals", tuple(float(r) for r in self.residuals))


def check_alpha(alpha, name: str = "alpha", *, allow_zero: bool = False) -> float:
    """A finite load ``alpha > 0`` (or ``>= 0`` with ``allow_zero``)."""
    return check_real(alpha, name, minimum=0.0, strict_min=not allow_zero)


def check_temperature(T, name: str = "T") -> float:
    """A finite temperature ``T >= 0``."""
    return check_real(T, name, minimum=0.0)


def check_array(values, name: str, *, minimum=None, strict: bool = False) -> np.ndarray:
    """A scalar or 1-D array of finite reals, each ``> minimum`` (``strict``) or ``>= minimum``.

    Returns a 1-D float64 array. The checks and messages are those of
    :func:`esorma._validation.check_real`, applied to a scalar input directly and, for an
    array, to its first non-finite entry and to its smallest entry.
    """
    if np.ndim(values) == 0 and not isinstance(values, np.ndarray):
        return np.array([check_real(values, name, minimum=minimum, strict_min=strict)])
    check_not_masked(values, name)
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be real numbers; got dtype {arr.dtype}")
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array; got shape {arr.shape}")
    arr = np.atleast_1d(arr.astype(np.float64))
    if arr.size == 0:
        return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        check_real(float(arr[bad][0]), f"every entry of {name}")  # raises: must be finite
    check_real(float(arr.min()), f"every entry of {name}", minimum=minimum, strict_min=strict)
    return arr


def warn_not_converged(what: str, residual: float, stacklevel: int = 3) -> None:
    """Emit a :class:`ConvergenceWarning` naming the solve and its residual."""
    warnings.warn(
        f"{what} did not converge: residual {residual:.3g} > {RESIDUAL_TOL:g}",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )


def line_result(name: str, given, argument: np.ndarray, value: np.ndarray,
                residual: np.ndarray, method: str, tolerance: float = RESIDUAL_TOL
                ) -> LineResult:
    """Pack a :class:`LineResult` (floats for a scalar ``given``) and warn if a point failed."""
    residual = np.asarray(residual, dtype=float)
    ok = residual <= tolerance
    if not ok.all():
        worst = np.nanmax(np.where(ok, 0.0, np.nan_to_num(residual, nan=np.inf)))
        bad = argument[~ok][:3].tolist()
        warnings.warn(
            f"{name}: {int((~ok).sum())} of {ok.size} points did not converge (worst residual "
            f"{worst:.3g} > {tolerance:g}; e.g. at {bad})",
            ConvergenceWarning,
            stacklevel=3,
        )
    if np.ndim(given) == 0:
        argument, value, residual = float(argument[0]), float(value[0]), float(residual[0])
    return LineResult(name=name, argument=argument, value=value, residual=residual,
                      tolerance=float(tolerance), converged=bool(ok.all()), method=method)

"""Shared pieces of the replica package: exceptions, warnings, validation, the moments call."""

from __future__ import annotations

import warnings

import numpy as np

from esorma._validation import check_real

__all__ = [
    "NoSolutionError",
    "ConvergenceError",
    "ConvergenceWarning",
    "moments",
    "check_alpha",
    "check_temperature",
    "warn_not_converged",
    "RESIDUAL_TOL",
]

#: A solution whose saddle-point residual exceeds this is reported as not converged.
RESIDUAL_TOL = 1e-9


class NoSolutionError(ValueError):
    """The requested branch has no solution at these parameters (e.g. retrieval above α_c)."""


class ConvergenceError(RuntimeError):
    """A root finder did not converge (the message names the solver and parameters)."""


class ConvergenceWarning(RuntimeWarning):
    """A solution was returned but its residual is larger than requested."""


_MOMENTS = []


def _load_moments():
    # Imported on first use (numba is not imported with the package) and bound to its nodes.
    from esorma.replica._gauss import quadrature_nodes
    from esorma.replica._kernels import gauss_moments

    hx, hw, lx, lw, lf = quadrature_nodes()

    def bound(T, mu, sigma):
        return gauss_moments(T, mu, sigma, hx, hw, lx, lw, lf)

    _MOMENTS.append(bound)
    return bound


def moments(T: float, mu: float, sigma: float):
    """The Gaussian averages of :func:`esorma.replica._kernels.gauss_moments` (raw tuple)."""
    f = _MOMENTS[0] if _MOMENTS else _load_moments()
    return f(T, mu, sigma)


def check_alpha(alpha, name: str = "alpha", *, allow_zero: bool = False) -> float:
    """A finite load ``alpha > 0`` (or ``>= 0`` with ``allow_zero``)."""
    return check_real(alpha, name, minimum=0.0, strict_min=not allow_zero)


def check_temperature(T, name: str = "T") -> float:
    """A finite temperature ``T >= 0``."""
    return check_real(T, name, minimum=0.0)


def check_array(values, name: str, *, minimum: float = 0.0, strict: bool = False) -> np.ndarray:
    """A finite 1-D float array with every entry ``> minimum`` (``strict``) or ``>= minimum``."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be real numbers; got dtype {arr.dtype}")
    arr = np.atleast_1d(arr.astype(np.float64))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; found NaN or inf entries")
    bad = arr <= minimum if strict else arr < minimum
    if np.any(bad):
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be {op} {minimum}; got {arr[bad][:3].tolist()}")
    return arr


def warn_not_converged(what: str, residual: float, stacklevel: int = 3) -> None:
    """Emit a :class:`ConvergenceWarning` naming the solve and its residual."""
    warnings.warn(
        f"{what} did not converge: residual {residual:.3g} > {RESIDUAL_TOL:g}",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )

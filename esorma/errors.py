"""Every exception esorma raises of its own.

All derive from :class:`EsormaError` and from the built-in exception a caller would expect
(``ValueError`` for bad input or a damaged file, ``RuntimeError`` for a solver that did not
converge, ``ConnectionError`` for an unreachable scheduler), so ``except ValueError`` keeps
working and ``except esorma.errors.EsormaError`` catches everything esorma raised on purpose.
The command line catches these by class.

Examples
--------
>>> from esorma.errors import ConvergenceError, EsormaError
>>> issubclass(ConvergenceError, EsormaError), issubclass(ConvergenceError, RuntimeError)
(True, True)
"""

from __future__ import annotations

__all__ = [
    "EsormaError",
    "ConvergenceError",
    "ConvergenceWarning",
    "NoSolutionError",
    "DivergenceError",
    "SchedulerError",
    "FileFormatError",
    "OutputPathError",
    "NonSymmetricWarning",
    "DamagedPointsWarning",
]


class EsormaError(Exception):
    """Base class of the exceptions esorma raises on purpose."""


class ConvergenceError(EsormaError, RuntimeError):
    """A root finder or iteration did not converge (the message names the solver and parameters)."""


class ConvergenceWarning(RuntimeWarning):
    """A solution was returned but its residual is larger than requested."""


class NoSolutionError(EsormaError, ValueError):
    """The requested branch has no solution at these parameters (e.g. retrieval above α_c)."""


class DivergenceError(EsormaError, ValueError, FloatingPointError):
    """A trajectory left the finite numbers (or a stiff integration blew up).

    Raised instead of returning exponents computed from NaN or inf; the message says when
    (step or time) and what to try.
    """


class SchedulerError(EsormaError, ConnectionError):
    """The Dask scheduler could not be reached (nothing was written)."""


class FileFormatError(EsormaError, ValueError):
    """A file is not what esorma expected: another kind, a newer schema, damaged or incomplete."""


class OutputPathError(EsormaError, ValueError):
    """An output target is refused before any computing (extension, folder, existing file)."""


class NonSymmetricWarning(RuntimeWarning):
    """A finite-temperature sampler was run on non-symmetric couplings.

    Glauber, Metropolis and parallel tempering then have no detailed balance: the chains
    sample the stationary distribution of the non-equilibrium dynamics, not the Boltzmann
    distribution ``exp(-E/T)`` of esorma's energy (which sees only the symmetric part
    ``(J + J^T) / 2``).
    """


class DamagedPointsWarning(UserWarning):
    """Points of a resumable results file were damaged: they are dropped and computed again."""

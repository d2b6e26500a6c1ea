"""esorma: EigenSpectra Of Random Matrices / Attractors.

Attractors of recurrent Hopfield and Boltzmann networks, the spectra of random coupling
matrices, the replica theory of their capacity (replica-symmetric and beyond), the transition
to chaos of rate networks, and a bridge from saturated feed-forward layers to graphs and logic.

Where things are (each sub-package is imported on first use, e.g. ``esorma.spectra``)::

    Hopfield, networks, learning, patterns  networks, learning rules, pattern generators
    couplings    SK couplings and couplings files
    attractors   exact enumeration, basins, transition graphs, sampled search (attractor_study)
    dynamics     zero-T and finite-T updates (Glauber, Metropolis), tempering
    capacity     capacity curves and finite-size scaling (capacity_study)
    replica      AGS and SK replica theory, phase diagram, RSB and Parisi (phase_diagram)
    spectra      random-matrix ensembles, laws, Tracy-Widom, tridiagonal models (spectrum_study)
    thermo       exact thermodynamics, Boltzmann machines (boltzmann_study)
    bridge       MLP training phases, graphs, formulas and BDDs (bridge_study)
    stability    rate networks, Lyapunov exponents, chaos (chaos_study)
    dense        dense associative memories and the modern Hopfield network
    training     MLP training as a dynamical system: tangent map, Lyapunov spectra, CLVs
    sweeps, io, errors, plotting   resumable grids (local or Dask), HDF5 files, exceptions,
                                   figures

Every study function returns a frozen result that saves with ``esorma.io.save_result``.
Command line: ``esorma --help``; a short run of everything: ``esorma tour``.
Importing esorma does no work: kernels compile on first use and are cached on disk.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("esorma")
except _metadata.PackageNotFoundError:  # pragma: no cover - source tree without install
    __version__ = "0+unknown"

__all__ = ["__version__", "Hopfield"]

# Public names re-exported from their modules, resolved on first access (no work at import).
_NAMES = {"Hopfield": "esorma.networks"}

# Sub-packages are imported on first attribute access (``esorma.spectra``), never at import.
_SUBMODULES = (
    "attractors",
    "bridge",
    "capacity",
    "couplings",
    "dense",
    "dynamics",
    "errors",
    "io",
    "learning",
    "networks",
    "patterns",
    "plotting",
    "replica",
    "spectra",
    "stability",
    "sweeps",
    "thermo",
    "training",
)


def __getattr__(name):
    if name in _NAMES:
        import importlib

        return getattr(importlib.import_module(_NAMES[name]), name)
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'esorma' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_NAMES))

"""esorma: EigenSpectra Of Random Matrices / Attractors.

Attractors of recurrent Hopfield and Boltzmann networks, the spectra of random coupling
matrices, the replica-symmetric theory of their capacity, and a bridge from saturated
feedforward layers to binary graphs and logic.

Importing esorma does no work: kernels compile on first use (and are cached on disk).
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

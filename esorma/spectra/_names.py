"""The names of the ensembles of :data:`esorma.spectra.ENSEMBLES` and their aliases.

Kept in a module without imports so that the command line can list and check the names
without loading NumPy or Numba (``esorma --help`` stays fast). The registry
(:mod:`esorma.spectra.registry`) is built in this order and checks at import that it holds
exactly these names: this is the one list.
"""

from __future__ import annotations

__all__ = ["ENSEMBLE_NAMES", "ENSEMBLE_ALIASES", "resolve_ensemble"]

#: Every ensemble of the registry, in the order of the gallery.
ENSEMBLE_NAMES = (
    "goe", "gue", "beta-hermite", "ginibre", "ginibre-complex", "elliptic", "dale", "wishart",
    "wishart-complex", "beta-laguerre", "hebb", "erdos-renyi",
)

#: Other names users know, mapped to the registry's name.
ENSEMBLE_ALIASES = {"wigner": "goe"}


def resolve_ensemble(name) -> str:
    """The registry name of ``name`` (an ensemble name or an alias such as ``"wigner"``).

    Examples
    --------
    >>> resolve_ensemble("wigner"), resolve_ensemble("dale")
    ('goe', 'dale')
    >>> resolve_ensemble("wishart-real")
    Traceback (most recent call last):
    ...
    ValueError: ensemble must be one of goe, gue, beta-hermite, ginibre, ginibre-complex, \
elliptic, dale, wishart, wishart-complex, beta-laguerre, hebb, erdos-renyi (or wigner for \
goe); got 'wishart-real'
    """
    if isinstance(name, str):
        key = name.strip().lower()
        key = ENSEMBLE_ALIASES.get(key, key)
        if key in ENSEMBLE_NAMES:
            return key
    aliases = ", ".join(f"{a} for {b}" for a, b in ENSEMBLE_ALIASES.items())
    raise ValueError(f"ensemble must be one of {', '.join(ENSEMBLE_NAMES)} (or {aliases}); "
                     f"got {name!r}")

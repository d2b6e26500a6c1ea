"""Network dynamics: zero-temperature updates (asynchronous, synchronous).

Finite-temperature samplers live in sibling modules of this package.
"""

from esorma.dynamics.zero_temperature import DynamicsResult, run

__all__ = ["DynamicsResult", "run"]

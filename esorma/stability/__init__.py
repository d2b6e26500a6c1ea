"""Stability of recurrent dynamics: rate networks, fixed points, Lyapunov exponents.

- :mod:`~esorma.stability.rate`: rate networks ``dx/dt = -x + J phi(x) + I`` (``phi = tanh(g x)``
  or linear), integrated by scipy's ``solve_ivp`` or a compiled fixed-step RK4; the continuous
  Hopfield network's energy.
- :mod:`~esorma.stability.fixed_points`: fixed points by Newton from many starts, with
  Jacobians, eigenvalues and stability labels.
- :mod:`~esorma.stability.lyapunov`: Lyapunov spectra (Benettin/QR) with error estimates.
- :mod:`~esorma.stability.maps`: finite-time Lyapunov exponents of discrete maps (step function
  plus Jacobian-vector product), e.g. the gradient-descent map of a learning rule.
- :mod:`~esorma.stability.chaos`: the studies of the transition to chaos of random rate
  networks (:func:`chaos_study`, :func:`chaos_size_study`); one classification of
  ``lambda_max`` as chaotic, stable or marginal (:func:`classify_exponents`).
"""

from esorma.stability.fixed_points import (
    FixedPoints,
    NewtonResult,
    classify_eigenvalues,
    find_fixed_points,
    newton_fixed_point,
)
from esorma.stability.lyapunov import (
    CHAOS_N_SIGMA,
    CHAOS_STATES,
    ChaosSweep,
    LyapunovSpectrum,
    chaos_sweep,
    classify_exponents,
    lyapunov_spectrum,
    max_lyapunov,
)
from esorma.stability.chaos import (
    ChaosSizeStudy,
    ChaosStudy,
    chaos_size_study,
    chaos_study,
    origin_critical_gain,
    zero_crossing,
)
from esorma.stability.dmft import DMFTLyapunov, dmft_lyapunov
from esorma.stability.maps import DivergenceError, MapLyapunovResult, block_stderr, map_lyapunov
from esorma.stability.rate import (
    PHI_FUNCTIONS,
    RateTrajectory,
    check_step_size,
    hopfield_energy,
    phi,
    phi_slope,
    rate_jacobian,
    rate_rhs,
    simulate_rate,
)

__all__ = [
    "CHAOS_N_SIGMA",
    "CHAOS_STATES",
    "ChaosSizeStudy",
    "ChaosStudy",
    "ChaosSweep",
    "chaos_size_study",
    "chaos_study",
    "chaos_sweep",
    "classify_exponents",
    "dmft_lyapunov",
    "DMFTLyapunov",
    "DivergenceError",
    "FixedPoints",
    "LyapunovSpectrum",
    "MapLyapunovResult",
    "NewtonResult",
    "PHI_FUNCTIONS",
    "RateTrajectory",
    "block_stderr",
    "check_step_size",
    "classify_eigenvalues",
    "find_fixed_points",
    "hopfield_energy",
    "lyapunov_spectrum",
    "map_lyapunov",
    "max_lyapunov",
    "newton_fixed_point",
    "origin_critical_gain",
    "phi",
    "phi_slope",
    "rate_jacobian",
    "rate_rhs",
    "simulate_rate",
    "zero_crossing",
]

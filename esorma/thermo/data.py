"""Example data made at run time (no downloads): bars and stripes, spin-glass couplings,
and exact samples of a known Boltzmann distribution."""

from __future__ import annotations

import numpy as np

from esorma._validation import as_rng, check_int, check_real
# The one SK generator lives in esorma.couplings; re-exported here (its historical home).
from esorma.couplings import sk_couplings

__all__ = [
    "bars_and_stripes",
    "sample_bars_and_stripes",
    "sk_couplings",
    "random_boltzmann_model",
    "boltzmann_samples",
]


def bars_and_stripes(size: int = 3) -> np.ndarray:
    """All distinct bars-and-stripes images of ``size × size`` pixels as ±1 rows.

    Every subset of the rows (stripes) or of the columns (bars) is switched on; the all-off and
    all-on images arise both ways and are listed once, so there are ``2^(size+1) − 2`` images
    (14 for 3×3, 30 for 4×4). Pixel (r, c) is column ``r·size + c``; on = +1.

    Examples
    --------
    >>> x = bars_and_stripes(3)
    >>> x.shape, x.dtype
    ((14, 9), dtype('int8'))
    >>> bars_and_stripes(4).shape
    (30, 16)
    """
    size = check_int(size, "size", minimum=2, maximum=8)
    imgs = []
    for mask in range(2**size):
        on = np.array([(mask >> j) & 1 for j in range(size)], dtype=bool)
        rows = np.repeat(on[:, None], size, axis=1)  # stripes: whole rows on
        imgs.append(rows)
        imgs.append(rows.T)  # bars: whole columns on
    flat = np.unique(np.array([im.ravel() for im in imgs], dtype=np.int8), axis=0)
    return (2 * flat - 1).astype(np.int8)


def sample_bars_and_stripes(n_samples: int, size: int = 3, *, rng=None) -> np.ndarray:
    """``n_samples`` images drawn uniformly from :func:`bars_and_stripes` (int8 ±1).

    Examples
    --------
    >>> sample_bars_and_stripes(5, 4, rng=0).shape
    (5, 16)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    rng = as_rng(rng)
    all_ = bars_and_stripes(size)
    return all_[rng.integers(0, all_.shape[0], size=n_samples)]


def random_boltzmann_model(
    n_neurons: int, *, coupling_std: float = 0.3, field_std: float = 0.2, rng=None
):
    """A fully visible Boltzmann machine with Gaussian couplings and thresholds.

    Returns
    -------
    BoltzmannMachine
        ``J_ij ~ N(0, coupling_std²)`` (symmetric, zero diagonal), ``θ_i ~ N(0, field_std²)``.

    Examples
    --------
    >>> bm = random_boltzmann_model(8, rng=0)
    >>> bm.n_neurons, bool((bm.J == bm.J.T).all())
    (8, True)
    """
    from esorma.thermo.boltzmann_machine import BoltzmannMachine

    n = check_int(n_neurons, "n_neurons", minimum=2)
    cs = check_real(coupling_std, "coupling_std", minimum=0.0)
    fs = check_real(field_std, "field_std", minimum=0.0)
    rng = as_rng(rng)
    J = np.triu(rng.normal(0.0, cs, size=(n, n)), 1)
    return BoltzmannMachine(J + J.T, rng.normal(0.0, fs, size=n))


def boltzmann_samples(model, n_samples: int, *, temperature: float = 1.0, rng=None):
    """Exact independent samples of ``p(s) ∝ exp(−E(s)/T)`` for a small model (N <= 20).

    Parameters
    ----------
    model : BoltzmannMachine, Hopfield, object with ``to_network()``, or array_like (N, N)
    n_samples : int
    temperature : float
        ``T > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> x = boltzmann_samples(np.array([[0.0, 5.0], [5.0, 0.0]]), 1000, rng=0)
    >>> bool(np.all(x[:, 0] == x[:, 1]))   # strongly coupled: aligned with prob 1 − 2e−10
    True
    """
    from esorma.networks import as_network
    from esorma.thermo.enumeration import exact_distribution

    net = as_network(model)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    temperature = check_real(temperature, "temperature", minimum=0.0, strict_min=True)
    rng = as_rng(rng)
    states, p, _ = exact_distribution(net, temperature)
    idx = rng.choice(p.size, size=n_samples, p=p)
    return states[idx]

"""Large-N spectral laws of the ensembles, as small frozen objects with densities and CDFs.

Real laws (symmetric matrices) expose ``support``, ``pdf(x)``, ``cdf(x)``, point masses
``atoms`` (``(location, weight)`` pairs) and predicted ``outliers``. Complex laws
(non-symmetric matrices) expose ``radius``, ``boundary()`` (a closed curve for plots),
``standardize(z)`` (a map to the unit disc under which the law is rotation invariant) and
``radial_cdf(rho)`` of the standardised modulus, plus ``outliers``.

=========================  ===============================================================
law                        ensembles
=========================  ===============================================================
:class:`SemicircleLaw`      GOE, GUE, beta-Hermite, Erdos-Renyi (large degree)
:class:`MarchenkoPasturLaw` Wishart, beta-Laguerre, Hebb couplings (shifted, with a mass)
:class:`CircularLaw`        Ginibre (real and complex)
:class:`EllipticLaw`        elliptic ensemble (uniform ellipse with semi-axes 1 +- tau)
:class:`RajanAbbottLaw`     Dale's-law matrices (non-uniform disc when sigma_E != sigma_I)
=========================  ===============================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from esorma._results import summarized
from esorma._validation import check_probability, check_real

__all__ = [
    "SemicircleLaw",
    "MarchenkoPasturLaw",
    "CircularLaw",
    "EllipticLaw",
    "RajanAbbottLaw",
    "rajan_abbott_radius",
]


def _outliers_as_tuple(law) -> None:
    """Keep ``outliers`` a tuple (a law loaded from a file gets a list back)."""
    if not isinstance(law.outliers, tuple):
        object.__setattr__(law, "outliers", tuple(law.outliers))


@summarized
@dataclass(frozen=True)
class SemicircleLaw:
    """Wigner's semicircle of radius ``2 sigma`` centred at ``center``.

    ``rho(x) = sqrt(4 sigma^2 - (x - center)^2) / (2 pi sigma^2)``.

    Examples
    --------
    >>> law = SemicircleLaw(sigma=1.0)
    >>> law.support, float(law.cdf(0.0))
    ((-2.0, 2.0), 0.5)
    """

    sigma: float = 1.0
    center: float = 0.0
    outliers: tuple = ()
    kind: ClassVar[str] = "real"

    def __post_init__(self):
        _outliers_as_tuple(self)
        check_real(self.sigma, "sigma", minimum=0.0, strict_min=True)
        check_real(self.center, "center")

    @property
    def name(self) -> str:
        return "semicircle"

    @property
    def label(self) -> str:
        return f"semicircle, edge ±{2 * self.sigma:.3g}"

    @property
    def support(self) -> tuple:
        return (self.center - 2.0 * self.sigma, self.center + 2.0 * self.sigma)

    @property
    def atoms(self) -> tuple:
        return ()

    def pdf(self, x):
        u = (np.asarray(x, dtype=float) - self.center) / (2.0 * self.sigma)
        return np.where(np.abs(u) < 1, 2.0 / (np.pi * 2.0 * self.sigma)
                        * np.sqrt(np.clip(1 - u * u, 0, None)), 0.0)

    def cdf(self, x):
        u = np.clip((np.asarray(x, dtype=float) - self.center) / (2.0 * self.sigma), -1, 1)
        return 0.5 + (u * np.sqrt(1 - u * u) + np.arcsin(u)) / np.pi

    def moment(self, k: int) -> float:
        """``E[(x - center)^k]``: Catalan numbers times ``sigma^k`` for even ``k``."""
        if k % 2:
            return 0.0
        m = k // 2
        return math.comb(2 * m, m) / (m + 1) * self.sigma**k


@summarized
@dataclass(frozen=True)
class MarchenkoPasturLaw:
    """Marchenko-Pastur law of ratio ``c`` for ``scale * W + shift`` (W Wishart, ratio c).

    Continuous part ``sqrt((b - x)(x - a)) / (2 pi c x)`` on ``[a, b] = [(1 - sqrt c)^2,
    (1 + sqrt c)^2]`` (in units of ``scale``, then shifted) and, for ``c > 1``, a point mass
    ``1 - 1/c`` at ``shift``.

    Examples
    --------
    >>> law = MarchenkoPasturLaw(c=0.25)
    >>> law.support
    (0.25, 2.25)
    >>> hebb = MarchenkoPasturLaw(c=10.0, scale=0.1, shift=-0.1)  # Hebb couplings, alpha=0.1
    >>> hebb.atoms
    ((-0.1, 0.9),)
    """

    c: float
    scale: float = 1.0
    shift: float = 0.0
    outliers: tuple = ()
    _grid: tuple = field(default=None, init=False, repr=False, compare=False)
    kind: ClassVar[str] = "real"

    def __post_init__(self):
        _outliers_as_tuple(self)
        check_real(self.c, "c", minimum=0.0, strict_min=True)
        check_real(self.scale, "scale", minimum=0.0, strict_min=True)
        check_real(self.shift, "shift")
        # cumulative integral of the continuous part in the angle theta of
        # x = (a + b)/2 - (b - a)/2 cos(theta), where the integrand is smooth
        a, b = self._edges
        theta = np.linspace(0.0, np.pi, 4097)
        half = 0.5 * (b - a)
        x = 0.5 * (a + b) - half * np.cos(theta)
        if a == 0.0:  # c == 1: sin^2 / (1 - cos) = 1 + cos, no 0/0 at theta = 0
            integrand = half * (1 + np.cos(theta)) / (2 * np.pi * self.c)
        else:
            integrand = (half * np.sin(theta)) ** 2 / (2 * np.pi * self.c * x)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (integrand[1:] + integrand[:-1])
                                               * np.diff(theta))])
        cum *= self.continuous_weight / cum[-1]  # remove the O(h^2) quadrature error
        object.__setattr__(self, "_grid", (theta, cum))

    @property
    def name(self) -> str:
        return "Marchenko-Pastur"

    @property
    def label(self) -> str:
        lo, hi = self.support
        if self.scale == 1.0 and self.shift == 0.0:
            txt = f"Marchenko-Pastur c={self.c:.3g}, [{lo:.3g}, {hi:.3g}]"
        else:  # e.g. Hebb couplings: the parameters are in the title, the support here
            txt = f"Marchenko-Pastur on [{lo:.3g}, {hi:.3g}]"
        if self.atoms:
            loc, w = self.atoms[0]
            txt += f" + mass {w:.2f} at {loc:.3g}"
        return txt

    @property
    def _edges(self) -> tuple:
        return ((1 - math.sqrt(self.c)) ** 2, (1 + math.sqrt(self.c)) ** 2)

    @property
    def continuous_weight(self) -> float:
        return min(1.0, 1.0 / self.c)

    @property
    def support(self) -> tuple:
        a, b = self._edges
        return (self.scale * a + self.shift, self.scale * b + self.shift)

    @property
    def atoms(self) -> tuple:
        if self.c > 1.0:
            return ((self.shift, 1.0 - 1.0 / self.c),)
        return ()

    def pdf(self, x):
        """Density of the continuous part (the point mass is in ``atoms``)."""
        u = (np.asarray(x, dtype=float) - self.shift) / self.scale
        a, b = self._edges
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.sqrt(np.clip((b - u) * (u - a), 0, None)) / (2 * np.pi * self.c * u)
        return np.where((u > a) & (u < b) & (u > 0), val, 0.0) / self.scale

    def cdf(self, x, *, left: bool = False):
        """``P(X <= x)`` (or ``P(X < x)`` with ``left=True``), point mass included."""
        u = (np.asarray(x, dtype=float) - self.shift) / self.scale
        theta, gc = self._grid
        a, b = self._edges
        t = np.arccos(np.clip((0.5 * (a + b) - u) / (0.5 * (b - a)), -1.0, 1.0))
        out = np.interp(t, theta, gc)
        if self.c > 1.0:
            mass = 1.0 - 1.0 / self.c
            out = out + np.where(u <= 0 if left else u < 0, 0.0, mass)
        return out

    def moment(self, k: int) -> float:
        """``E[W^k]`` of the unshifted, unscaled law (Narayana polynomials in ``c``)."""
        k = int(k)
        if k == 0:
            return 1.0
        return sum(math.comb(k, j) * math.comb(k, j - 1) / k * self.c ** (j - 1)
                   for j in range(1, k + 1))


@summarized
@dataclass(frozen=True)
class CircularLaw:
    """Uniform law on the disc ``|z| <= radius`` (Ginibre's circular law).

    Examples
    --------
    >>> float(CircularLaw(2.0).radial_cdf(0.5))  # standardised: P(|z| <= 0.5 * radius)
    0.25
    """

    radius: float = 1.0
    outliers: tuple = ()
    kind: ClassVar[str] = "complex"

    def __post_init__(self):
        _outliers_as_tuple(self)
        check_real(self.radius, "radius", minimum=0.0, strict_min=True)

    @property
    def name(self) -> str:
        return "circular law"

    @property
    def label(self) -> str:
        return f"circular law, radius {self.radius:.3g}"

    def standardize(self, z):
        return np.asarray(z) / self.radius

    def radial_cdf(self, rho):
        return np.clip(np.asarray(rho, dtype=float), 0, 1) ** 2

    def boundary(self, n_points: int = 400):
        t = np.linspace(0, 2 * np.pi, n_points)
        return self.radius * np.exp(1j * t)


@summarized
@dataclass(frozen=True)
class EllipticLaw:
    """Uniform law on the ellipse with semi-axes ``sigma (1 + tau)`` and ``sigma (1 - tau)``.

    For ``|tau| = 1`` the ellipse degenerates to a segment of half-length ``2 sigma`` (on the
    real axis for ``tau = 1``, the imaginary axis for ``tau = -1``) carrying a semicircle;
    then ``standardize`` is undefined (raises) and :meth:`segment_coordinates` is used instead.

    Examples
    --------
    >>> EllipticLaw(0.5).semi_axes
    (1.5, 0.5)
    """

    tau: float
    sigma: float = 1.0
    outliers: tuple = ()
    kind: ClassVar[str] = "complex"

    def __post_init__(self):
        _outliers_as_tuple(self)
        check_real(self.tau, "tau", minimum=-1.0, maximum=1.0)
        check_real(self.sigma, "sigma", minimum=0.0, strict_min=True)

    @property
    def name(self) -> str:
        return "elliptic law"

    @property
    def label(self) -> str:
        a, b = self.semi_axes
        return f"elliptic law, axes {a:.3g} x {b:.3g}"

    @property
    def semi_axes(self) -> tuple:
        return (self.sigma * (1 + self.tau), self.sigma * (1 - self.tau))

    @property
    def radius(self) -> float:
        return max(self.semi_axes)

    @property
    def degenerate(self) -> bool:
        return min(self.semi_axes) <= 1e-12 * self.sigma

    def standardize(self, z):
        """Map to the unit disc (``Re z / a + i Im z / b``); undefined for a segment."""
        if self.degenerate:
            raise ValueError(
                f"the elliptic law with tau={self.tau} is a segment, not an ellipse: it has no "
                "map to the unit disc (use segment_coordinates)"
            )
        a, b = self.semi_axes
        z = np.asarray(z)
        return z.real / a + 1j * z.imag / b

    def segment_coordinates(self, z):
        """Position of ``z`` along the major axis and distance from it, both in units of the
        half-length ``radius`` (the real axis for ``tau >= 0``, the imaginary one otherwise).
        For a degenerate law (``|tau| = 1``) the support is ``|t| <= 1, u = 0``.

        Examples
        --------
        >>> t, u = EllipticLaw(-1.0).segment_coordinates([1j, 3.0])
        >>> t.tolist(), u.tolist()
        ([0.5, 0.0], [0.0, 1.5])
        """
        z = np.asarray(z, dtype=complex)
        along, off = (z.real, z.imag) if self.tau >= 0 else (z.imag, z.real)
        return along / self.radius, np.abs(off) / self.radius

    def radial_cdf(self, rho):
        return np.clip(np.asarray(rho, dtype=float), 0, 1) ** 2

    def boundary(self, n_points: int = 400):
        a, b = self.semi_axes
        t = np.linspace(0, 2 * np.pi, n_points)
        return a * np.cos(t) + 1j * b * np.sin(t)


def rajan_abbott_radius(f: float, var_e: float, var_i: float) -> float:
    """Bulk radius ``sqrt(f var_E + (1 - f) var_I)`` of a Dale's-law matrix (variances in
    units of ``1/n``).

    Examples
    --------
    >>> round(rajan_abbott_radius(0.5, 1.0, 4.0) ** 2, 12)
    2.5
    """
    f = check_probability(f, "f")
    return math.sqrt(f * var_e + (1 - f) * var_i)


@summarized
@dataclass(frozen=True)
class RajanAbbottLaw:
    """Eigenvalue law of a Dale's-law matrix with column variances ``var_e / n``, ``var_i /
    n`` (Rajan & Abbott, PRL 97, 188104, 2006).

    Rotation invariant on the disc of radius ``r = sqrt(f var_E + (1 - f) var_I)``. The
    fraction ``F(rho)`` of eigenvalues with ``|z| <= rho`` solves, with ``u >= 0``,

    ``rho^2 = sum_k w_k v_k / (1 + v_k u)``,  ``F = sum_k w_k / (1 + v_k u)``

    (weights ``w = (f, 1 - f)``, variances ``v = (var_E, var_I)``): the Haagerup-Larsen
    theorem for the R-diagonal matrix ``X D``. It is uniform (``F = rho^2 / r^2``) only when
    ``var_E = var_I``; otherwise eigenvalues pile up towards the centre. An unbalanced mean
    adds an ``outlier`` at ``sqrt(n) (f mu_E + (1 - f) mu_I)``. ``note`` states what the law
    leaves out (for example the escaping eigenvalues of a balanced matrix without the row-sum
    constraint); it is appended to ``label``.

    Examples
    --------
    >>> law = RajanAbbottLaw(f=0.5, var_e=1.0, var_i=1.0)
    >>> round(float(law.radial_cdf(0.5)), 6)
    0.25
    """

    f: float
    var_e: float
    var_i: float
    outliers: tuple = ()
    note: str = ""
    kind: ClassVar[str] = "complex"

    def __post_init__(self):
        _outliers_as_tuple(self)
        check_probability(self.f, "f")
        check_real(self.var_e, "var_e", minimum=0.0)
        check_real(self.var_i, "var_i", minimum=0.0)
        if self.radius <= 0:
            raise ValueError("the Dale's-law bulk needs a positive variance (var_e or var_i)")

    @property
    def name(self) -> str:
        return "Rajan-Abbott law"

    @property
    def label(self) -> str:
        label = f"Rajan-Abbott disc, radius {self.radius:.3g}"
        return f"{label} ({self.note})" if self.note else label

    @property
    def radius(self) -> float:
        return math.sqrt(self.f * self.var_e + (1 - self.f) * self.var_i)

    def standardize(self, z):
        return np.asarray(z) / self.radius

    def cdf_modulus(self, r):
        """``P(|z| <= r)`` for the unstandardised modulus ``r``."""
        r2 = np.clip(np.asarray(r, dtype=float), 0, self.radius) ** 2
        w1, w2 = self.f, 1 - self.f
        s1, s2 = self.var_e, self.var_i
        big_a = r2 * s1 * s2
        big_b = r2 * (s1 + s2) - s1 * s2
        minus_c = self.radius**2 - r2  # >= 0
        disc = np.sqrt(big_b * big_b + 4 * big_a * minus_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            u = 2 * minus_c / (big_b + disc)
            F = w1 / (1 + s1 * u) + w2 / (1 + s2 * u)
        F = np.where(r2 <= 0, 0.0, F)
        return np.where(minus_c <= 0, 1.0, np.nan_to_num(F, nan=0.0))

    def radial_cdf(self, rho):
        return self.cdf_modulus(np.asarray(rho, dtype=float) * self.radius)

    def radial_density(self, r):
        """Density of eigenvalues per unit area at modulus ``r`` (integrates to 1 over the
        disc)."""
        r = np.asarray(r, dtype=float)
        h = 1e-5 * self.radius
        lo = np.clip(r - h, 0, None)
        hi = np.clip(r + h, 0, self.radius)
        dF = (self.cdf_modulus(hi) - self.cdf_modulus(lo)) / np.maximum(hi - lo, 1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((r > 0) & (r < self.radius), dF / (2 * np.pi * r), 0.0)

    def boundary(self, n_points: int = 400):
        t = np.linspace(0, 2 * np.pi, n_points)
        return self.radius * np.exp(1j * t)

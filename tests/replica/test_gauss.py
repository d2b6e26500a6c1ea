"""The Gaussian averages of the replica equations (compiled kernel vs scipy.quad) and the
package's shared plumbing (one wrapper, shared validation, a light import)."""

import math

import numpy as np
import pytest

from esorma.replica import ags as ags_mod
from esorma.replica._gauss import gaussian_moments, gaussian_moments_quad


CASES = [
    (0.5, 0.3, 0.2),  # smooth (Hermite)
    (0.2, 0.05, 0.0999),  # just below the switch sigma = T/2
    (0.2, 0.05, 0.1001),  # just above it (split + Legendre)
    (0.01, 0.9, 0.3),  # low T, sharp kink
    (1e-3, 0.0, 0.5),  # kink at the centre
    (1e-4, 0.97, 0.36),  # AGS capacity region at very low T
    (0.8, 1.2, 0.01),  # narrow Gaussian far from the kink
    (0.05, -0.3, 2.0),
]


@pytest.mark.parametrize("T,mu,sigma", CASES)
def test_kernel_matches_quad_reference(T, mu, sigma):
    a = np.array(gaussian_moments(T, mu, sigma))
    b = np.array(gaussian_moments_quad(T, mu, sigma))
    assert np.allclose(a, b, rtol=1e-11, atol=1e-11)


def test_kernel_T0_limits_are_continuous():
    mu, sigma = 0.4, 0.7
    m0 = np.array(gaussian_moments(0.0, mu, sigma))
    m1 = np.array(gaussian_moments(1e-7, mu, sigma))
    assert np.allclose(m0, m1, atol=1e-6)
    # 1 - q = T c integrated directly: it is exactly O(T), not a rounding difference.
    mo = gaussian_moments(1e-9, mu, sigma)
    assert 1.0 - mo.q == pytest.approx(1e-9 * mo.c, rel=1e-6)
    # sigma = 0: deterministic field
    assert gaussian_moments(0.5, 0.3, 0.0).m1 == pytest.approx(math.tanh(0.6), abs=1e-15)


def test_one_gaussian_wrapper_and_shared_validation():
    from esorma._validation import check_real
    from esorma.replica import _common, _gauss, phase, sk

    # the solvers all call the single wrapper _gauss.gaussian_moments
    assert not hasattr(_common, "moments")
    assert ags_mod.moments is phase.moments is sk.moments is _gauss.gaussian_moments
    # check_array gives check_real's messages (scalar and array)
    for bad in (float("nan"), -1.0):
        with pytest.raises(ValueError) as e1:
            check_real(bad, "alpha", minimum=0.0)
        with pytest.raises(ValueError) as e2:
            _common.check_array(bad, "alpha", minimum=0.0)
        assert str(e1.value) == str(e2.value)
    with pytest.raises(ValueError, match=r"every entry of alphas must be >= 0.0; got -0.5"):
        _common.check_array([0.1, -0.5], "alphas", minimum=0.0)
    with pytest.raises(ValueError, match="every entry of T must be finite"):
        _common.check_array(np.array([0.1, np.nan]), "T")
    with pytest.raises(TypeError, match="alphas"):
        _common.check_array([True, False], "alphas")
    with pytest.raises(ValueError, match="1-D"):
        _common.check_array(np.ones((2, 2)), "alphas")
    assert _common.check_array(3, "x").tolist() == [3.0]


def test_import_is_light_and_all_is_complete():
    import subprocess
    import sys

    code = ("import sys, esorma.replica as r; assert 'numba' not in sys.modules; "
            "assert 'matplotlib' not in sys.modules; [getattr(r, n) for n in r.__all__]")
    subprocess.run([sys.executable, "-c", code], check=True)

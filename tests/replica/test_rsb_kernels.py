"""Serial and parallel builds of the Cole-Hopf kernels (esorma.replica._rsb_kernels)."""

import numba
import numpy as np
import pytest

from esorma.replica import _rsb_kernels as kern
from esorma.replica._parisi_functional import _log_weights


@pytest.fixture(scope="module")
def step_inputs():
    rng = np.random.default_rng(18)
    y = np.arange(-300, 301) * 0.04
    psi = np.abs(y) + 0.1 * np.cos(3 * y) + 1e-3 * rng.standard_normal(y.size)
    lam = np.exp(-y ** 2) / np.exp(-y ** 2).sum()
    lw, dlw = _log_weights(0.5, 0.04)
    return psi, lam, lw, dlw


@pytest.mark.parametrize("gamma", [0.0, 1.7])
def test_parallel_build_is_identical_whatever_the_thread_count(step_inputs, gamma):
    psi, lam, lw, dlw = step_inputs
    out = kern.step_forward_serial(psi, 0.04, lw, gamma)
    adj = kern.step_adjoint_serial(psi, out, lam, 0.04, lw, dlw, gamma)
    before = numba.get_num_threads()
    try:
        for n in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS),
                         numba.config.NUMBA_NUM_THREADS}):
            numba.set_num_threads(n)
            np.testing.assert_array_equal(kern.step_forward_parallel(psi, 0.04, lw, gamma), out)
            g, dg, ds = kern.step_adjoint_parallel(psi, out, lam, 0.04, lw, dlw, gamma)
            np.testing.assert_array_equal(g, adj[0])
            assert dg == adj[1] and ds == adj[2]
    finally:
        numba.set_num_threads(before)


def test_adjoint_is_the_transpose_of_the_step(step_inputs):
    """<lam, d out> = <grad, d psi> for a perturbation d psi (finite differences)."""
    psi, lam, lw, dlw = step_inputs
    d = np.sin(np.arange(psi.size) * 0.1) * 1e-6
    for gamma in (0.0, 1.7):
        out = kern.step_forward_serial(psi, 0.04, lw, gamma)
        grad, _dg, _ds = kern.step_adjoint_serial(psi, out, lam, 0.04, lw, dlw, gamma)
        lhs = lam @ (kern.step_forward_serial(psi + d, 0.04, lw, gamma)
                     - kern.step_forward_serial(psi - d, 0.04, lw, gamma)) / 2
        assert lhs == pytest.approx(grad @ d, rel=1e-7, abs=1e-18)


def test_size_rule_picks_the_build():
    assert not kern.use_parallel(601, 87)
    assert kern.use_parallel(2401, 851) == (numba.get_num_threads() > 1)

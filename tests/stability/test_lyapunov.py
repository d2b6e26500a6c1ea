"""Lyapunov spectra of rate networks and the SCS transition (esorma.stability.lyapunov)."""

import numpy as np

from esorma.io import read_attrs
import pytest

from esorma.stability import DivergenceError, LyapunovSpectrum, lyapunov_spectrum, max_lyapunov


def _ginibre(n, seed, sigma=1.0):
    from esorma.spectra.ensembles import ginibre

    return ginibre(n, sigma=sigma, rng=seed)


def test_linear_network_exponents_are_real_parts_of_eigenvalues():
    # phi(x) = g x: the tangent flow is v' = (-1 + g J) v, so the k leading exponents are the
    # k largest real parts of eig(-1 + g J) (complex pairs counted twice). N = 30, g = 0.9,
    # seed 2, T = 300: observed error ~1e-3 (oscillation of complex pairs ~ 1/T); tol 5e-3.
    n, g = 30, 0.9
    J = _ginibre(n, 2)
    expected = np.sort((-1.0 + g * np.linalg.eigvals(J)).real)[::-1]
    res = lyapunov_spectrum(J, k=8, gain=g, phi="linear", t_max=300, x0=np.zeros(n), rng=0)
    assert isinstance(res, LyapunovSpectrum)
    np.testing.assert_allclose(res.exponents, expected[:8], atol=5e-3)
    assert np.all(np.diff(res.exponents) <= 0)


def test_linear_network_full_spectrum_sum_is_trace():
    # k = N: the exponents sum to trace(-1 + g J) (volume contraction), to 1e-4 (the RK4
    # propagator's determinant differs from exp(dt tr A) by O(dt^5) per step); a network
    # with exponents of both signs (g = 1.3: some eigenvalues have Re > 0), x0 = 0 so x stays
    # bounded while the tangent frame grows and is renormalised.
    n, g = 12, 1.3
    J = _ginibre(n, 3)
    A = -np.eye(n) + g * J
    res = lyapunov_spectrum(J, k=n, gain=g, phi="linear", t_max=200, x0=np.zeros(n), rng=1,
                            dt=0.05)
    assert res.exponents.sum() == pytest.approx(np.trace(A), abs=1e-4)
    assert res.exponents[0] == pytest.approx(np.linalg.eigvals(A).real.max(), abs=5e-3)
    assert res.exponents[0] > 0 > res.exponents[-1]


def test_solve_ivp_and_rk4_agree():
    # Same x0 and tangent frame, a short chaotic run (N = 40, g = 2, T = 10): the two
    # integrators give the same finite-time exponents to 1e-4.
    J = _ginibre(40, 6)
    kw = dict(k=3, gain=2.0, t_max=10.0, t_transient=0.0, rng=6)
    a = lyapunov_spectrum(J, dt=0.02, **kw)
    b = lyapunov_spectrum(J, solver="solve_ivp", rtol=1e-9, atol=1e-11, **kw)
    np.testing.assert_allclose(a.exponents, b.exponents, atol=1e-4)
    assert np.isnan(b.dt) and b.solver == "solve_ivp"


def test_scs_transition_n600():
    # Sompolinsky-Crisanti-Sommers, J Ginibre variance 1/N (N = 600, seed 2), tanh(g x).
    J = _ginibre(600, 2)
    alpha = np.linalg.eigvals(J).real.max()  # spectral abscissa of J (~1 + O(N^-1/2))
    # g = 0.8: the origin attracts, so lambda_max = -1 + 0.8 alpha exactly in the limit;
    # tolerance 0.01 (T = 100 after a transient of 50).
    low = max_lyapunov(J, gain=0.8, t_max=100, t_transient=50, rng=2)
    assert low.maximal < -0.1
    assert low.maximal == pytest.approx(-1 + 0.8 * alpha, abs=0.01)
    # g = 1.5: chaos. Observed lambda_max = 0.036 +- 0.007 (T = 300, seed 2); we require a
    # positive exponent at > 3 standard errors and above 0.01.
    high = max_lyapunov(J, gain=1.5, t_max=300, t_transient=50, rng=2)
    assert high.maximal > 0.01
    assert high.maximal > 3 * high.stderr[0]
    assert high.history.shape == (300, 1) and high.history_t[-1] == pytest.approx(300.0)


@pytest.mark.slow
def test_scs_transition_n1000_curve():
    # Slow: N = 1000 (seed 1), lambda_max increases with g and crosses 0 between 0.9 and 1.3.
    J = _ginibre(1000, 1)
    lam = [max_lyapunov(J, gain=g, t_max=300, t_transient=100, rng=1).maximal
           for g in (0.9, 1.3, 2.0)]
    assert lam[0] < 0 < lam[1] < lam[2]


def test_reproducible_and_diagnostics():
    J = _ginibre(30, 7)
    a = lyapunov_spectrum(J, k=2, gain=2.0, t_max=40, rng=11)
    b = lyapunov_spectrum(J, k=2, gain=2.0, t_max=40, rng=11)
    np.testing.assert_array_equal(a.exponents, b.exponents)
    assert a.seed == 11 and a.k == 2 and a.n_neurons == 30
    assert a.stderr.shape == (2,) and np.all(a.stderr > 0)
    assert a.t_max == 40 and a.t_transient == 50
    # A stable network (origin attracts): converged at 0.02 (the leading complex pair makes
    # the per-interval stretching oscillate: stderr ~5e-3 at T = 100); the short chaotic run
    # is not converged at 1e-3.
    c = max_lyapunov(J, gain=0.5, t_max=100, rng=1)
    assert c.maximal < 0 and c.is_converged(0.02)
    assert not a.is_converged(1e-3)


def test_bad_input():
    J = _ginibre(5, 0)
    with pytest.raises(ValueError, match=r"k must be <= N = 5"):
        lyapunov_spectrum(J, k=6)
    with pytest.raises(ValueError, match="k must be >= 1"):
        lyapunov_spectrum(J, k=0)
    with pytest.raises(ValueError, match="square"):
        lyapunov_spectrum(np.ones((5, 4)))
    with pytest.raises(ValueError, match="x0 must be finite"):
        lyapunov_spectrum(J, x0=[0, 0, np.nan, 0, 0])
    with pytest.raises(ValueError, match="t_max must be > 0"):
        lyapunov_spectrum(J, t_max=0)
    with pytest.raises(ValueError, match="solver must be one of"):
        lyapunov_spectrum(J, solver="lsoda")
    with pytest.raises(TypeError, match="use lyapunov_spectrum"):
        max_lyapunov(J, k=2)
    with pytest.raises(ValueError, match="stiff"):
        lyapunov_spectrum(500.0 * np.eye(3))


def test_diverging_network_is_reported_not_returned():
    # Linear network with an unstable Jacobian (g = 3 on J = I: growth e^{2t}) from x0 != 0:
    # the state passes 1e100 near t = 115, reported as a DivergenceError by both solvers.
    J = np.eye(3)
    with pytest.raises(DivergenceError, match="diverged"):
        max_lyapunov(J, gain=3.0, phi="linear", x0=np.ones(3), t_max=500, rng=0)
    with pytest.raises(DivergenceError, match="solve_ivp"):
        max_lyapunov(J, gain=3.0, phi="linear", x0=np.ones(3), t_max=500, solver="solve_ivp",
                     rng=0)


def test_matvecs_is_the_sequential_sum_without_fastmath():
    """Issue #8 review: no fastmath (SIMD-width dependent reassociation) in the kernel whose
    result chaos amplifies. The compiled products must equal, bitwise, the plain sequential
    sum over j, which does not depend on the CPU's vector width."""
    from esorma.stability import _kernels

    for name in ("matvecs", "rk4_lyapunov", "rk4_trajectory", "_full_rhs", "_state_rhs"):
        assert not getattr(_kernels, name).targetoptions.get("fastmath"), name
    rng = np.random.default_rng(4)
    n = 37  # odd size: no tail handling can hide
    J = rng.standard_normal((n, n))
    for m in (1, 2, 3):
        M = rng.standard_normal((m, n))
        out = np.empty((m, n))
        _kernels.matvecs(np.ascontiguousarray(J.T), M, out)
        ref = np.zeros((m, n))
        for c in range(m):
            for i in range(n):
                s = 0.0
                for j in range(n):
                    s += J[i, j] * M[c, j]
                ref[c, i] = s
        assert np.array_equal(out, ref)


def test_lyapunov_independent_of_thread_count():
    import numba

    from esorma.spectra.ensembles import ginibre

    J = ginibre(120, rng=2)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = lyapunov_spectrum(J, k=3, gain=1.5, t_max=20, t_transient=2, rng=7)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        b = lyapunov_spectrum(J, k=3, gain=1.5, t_max=20, t_transient=2, rng=7)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(a.exponents, b.exponents)
    assert np.array_equal(a.x_final, b.x_final)


def test_lyapunov_spectrum_round_trip(roundtrip, tmp_path):
    res = lyapunov_spectrum(_ginibre(20, 8), k=3, gain=1.6, t_max=20, t_transient=5, rng=4)
    back = roundtrip(res)
    assert back.maximal == res.maximal and back.k == 3
    import h5py

    from esorma.io import save_result

    # The exponents carry their unit in the file.
    path = save_result(tmp_path / "l.h5", res)
    with h5py.File(path) as f:
        assert read_attrs(f["result/exponents"])["unit"] == "1/time"

"""Rate networks, their integrators and the continuous Hopfield energy (esorma.stability.rate)."""

import numpy as np
import pytest
from scipy.linalg import expm

from esorma.stability import (
    PHI_FUNCTIONS,
    DivergenceError,
    hopfield_energy,
    phi,
    phi_slope,
    rate_jacobian,
    rate_rhs,
    simulate_rate,
)


def _ginibre(n, seed):
    from esorma.spectra.ensembles import ginibre

    return ginibre(n, rng=seed)


@pytest.mark.parametrize("name", sorted(PHI_FUNCTIONS))
def test_phi_slope_and_jacobian_match_finite_differences(name):
    # Central differences with h = 1e-6: agreement to 1e-7 (seed 0, N = 12, gain 1.7).
    rng = np.random.default_rng(0)
    J = _ginibre(12, 0)
    x = rng.standard_normal(12)
    h = 1e-6
    fd = (phi(x + h, gain=1.7, phi=name) - phi(x - h, gain=1.7, phi=name)) / (2 * h)
    np.testing.assert_allclose(phi_slope(x, gain=1.7, phi=name), fd, atol=1e-7)
    D = rate_jacobian(x, J, gain=1.7, phi=name)
    E = np.eye(12)
    fdJ = np.column_stack([
        (rate_rhs(x + h * E[i], J, gain=1.7, phi=name) - rate_rhs(x - h * E[i], J, gain=1.7,
                                                                  phi=name)) / (2 * h)
        for i in range(12)
    ])
    np.testing.assert_allclose(D, fdJ, atol=1e-7)


def test_rk4_and_solve_ivp_agree():
    # Chaotic regime (g = 1.8) but a short horizon (t = 8): both within 1e-5 of each other.
    J = _ginibre(40, 1)
    x0 = np.random.default_rng(1).standard_normal(40)
    a = simulate_rate(J, x0, 8.0, gain=1.8, dt=0.01, save_interval=0.5)
    b = simulate_rate(J, x0, 8.0, gain=1.8, solver="solve_ivp", save_interval=0.5, rtol=1e-9,
                      atol=1e-11)
    np.testing.assert_allclose(a.t, b.t, atol=1e-12)
    assert a.x.shape == b.x.shape == (17, 40)
    np.testing.assert_allclose(a.x, b.x, atol=1e-5)
    assert b.n_evaluations > 0 and a.method == "RK4"


def test_linear_network_matches_matrix_exponential():
    # phi(x) = g x with input I: x(t) = x* + expm(A t)(x0 - x*), A = -1 + g J, x* = -A^{-1} I.
    n, g = 15, 0.7
    J = _ginibre(n, 2)
    rng = np.random.default_rng(2)
    x0, inp = rng.standard_normal(n), rng.standard_normal(n)
    A = -np.eye(n) + g * J
    xs = -np.linalg.solve(A, inp)
    traj = simulate_rate(J, x0, 3.0, gain=g, inputs=inp, phi="linear", dt=0.01)
    exact = xs + expm(3.0 * A) @ (x0 - xs)
    np.testing.assert_allclose(traj.final, exact, atol=1e-8)  # RK4 error ~ dt^4


def test_continuous_hopfield_converges_and_energy_decreases():
    # Symmetric Hebbian couplings of 3 random patterns, N = 60, gain 2 (seed 4): from a noisy
    # pattern the trajectory settles (|dx/dt| < 1e-5 at t = 60) at a fixed point close to the
    # pattern, and the energy never increases (up to 1e-10 rounding) along the way.
    rng = np.random.default_rng(4)
    n, p = 60, 3
    xi = rng.choice([-1.0, 1.0], size=(p, n))
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0.0)
    for solver in ("rk4", "solve_ivp"):
        x0 = xi[0] * 0.5 + 0.8 * rng.standard_normal(n)
        traj = simulate_rate(J, x0, 60.0, gain=2.0, solver=solver, save_interval=0.1)
        E = hopfield_energy(traj.x, J, gain=2.0)
        assert E.shape == traj.t.shape
        assert np.all(np.diff(E) <= 1e-10), solver
        assert E[-1] < E[0] - 1.0
        speed = np.abs(rate_rhs(traj.final, J, gain=2.0)).max()
        assert speed < 1e-5, solver
        overlap = np.mean(np.sign(traj.final) * xi[0])
        assert overlap > 0.9, solver


def test_hopfield_energy_time_derivative_formula():
    # dE/dt = -sum phi'(x) (dx/dt)^2 checked by a finite difference along the flow (seed 5).
    rng = np.random.default_rng(5)
    A = rng.standard_normal((10, 10))
    J = (A + A.T) / np.sqrt(20)
    inp = 0.3 * rng.standard_normal(10)
    x = rng.standard_normal(10)
    for name in PHI_FUNCTIONS:
        f = rate_rhs(x, J, gain=1.3, inputs=inp, phi=name)
        h = 1e-6
        dE = (hopfield_energy(x + h * f, J, gain=1.3, inputs=inp, phi=name)
              - hopfield_energy(x - h * f, J, gain=1.3, inputs=inp, phi=name)) / (2 * h)
        expected = -np.sum(phi_slope(x, gain=1.3, phi=name) * f * f)
        assert dE == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_bad_input():
    J = np.eye(3) * 0.5
    with pytest.raises(ValueError, match=r"J must be a square \(N, N\) matrix"):
        simulate_rate(np.ones((2, 3)), [0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="x0 must be finite"):
        simulate_rate(J, [0.0, np.inf, 0.0], 1.0)
    with pytest.raises(ValueError, match=r"x0 must have shape \(3,\)"):
        simulate_rate(J, [0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="phi must be one of"):
        simulate_rate(J, np.zeros(3), 1.0, phi="relu")
    with pytest.raises(ValueError, match="gain must be > 0"):
        simulate_rate(J, np.zeros(3), 1.0, gain=0.0)
    with pytest.raises(ValueError, match="t_max must be > 0"):
        simulate_rate(J, np.zeros(3), -1.0)
    with pytest.raises(ValueError, match="inputs must be a scalar or have shape"):
        simulate_rate(J, np.zeros(3), 1.0, inputs=np.ones(2))
    with pytest.raises(ValueError, match="solver must be one of"):
        simulate_rate(J, np.zeros(3), 1.0, solver="euler")
    with pytest.raises(ValueError, match="J must be symmetric"):
        hopfield_energy(np.zeros(2), np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="J must be finite"):
        rate_rhs(np.zeros(2), np.array([[np.nan, 0.0], [0.0, 0.0]]))


def test_stiff_step_is_refused():
    # ||J|| = 1000: RK4 with dt = 0.05 would be unstable (dt * 1000 >> 2.8); refused up front.
    J = 1000.0 * np.eye(4)
    with pytest.raises(ValueError, match="stiff"):
        simulate_rate(J, np.ones(4), 1.0, dt=0.05)


def test_diverging_linear_network_is_reported():
    # phi linear, gain 3 on J = I: x grows like e^{2t}, beyond 1e100 before t = 200.
    J = np.eye(3)
    with pytest.raises(DivergenceError, match="diverged"):
        simulate_rate(J, np.ones(3), 200.0, gain=3.0, phi="linear", dt=0.01)
    with pytest.raises(DivergenceError, match="solve_ivp"):
        simulate_rate(J, np.ones(3), 200.0, gain=3.0, phi="linear", solver="solve_ivp")
    # Caught as ValueError too (the CLI turns that into a clean error message).
    with pytest.raises(ValueError):
        simulate_rate(J, np.ones(3), 200.0, gain=3.0, phi="linear")


def test_oversized_jobs_refused_up_front():
    """Issue #8 review: huge runs raise a MemoryError with the estimate and a hint before any
    allocation (they used to fail inside NumPy with 'Unable to allocate 745 GiB')."""
    from esorma.stability import find_fixed_points, lyapunov_spectrum

    J = np.array([[0.0, 0.5], [0.5, 0.0]])
    with pytest.raises(MemoryError, match="save_interval"):
        simulate_rate(J, [1.0, 0.0], 1e12)
    with pytest.raises(MemoryError, match="coarser t_eval"):
        simulate_rate(J, [1.0, 0.0], 1e14, solver="solve_ivp", save_interval=1e-2)
    with pytest.raises(MemoryError, match="renorm_interval"):
        lyapunov_spectrum(J, t_max=1e13, rng=0)
    with pytest.raises(MemoryError, match="n_starts"):
        find_fixed_points(J, n_starts=10**13, rng=0)


@pytest.mark.parametrize("solver", ["rk4", "solve_ivp"])
def test_rate_trajectory_round_trip(roundtrip, solver):
    J = _ginibre(10, 5)
    traj = simulate_rate(J, np.ones(10), 3.0, gain=1.5, solver=solver, save_interval=0.5)
    back = roundtrip(traj)
    assert back.solver == solver and back.x.shape == traj.x.shape


def test_stiff_step_error_names_the_dt_given_and_the_dt_used():
    """The refusal reports the user's dt, then the step it became (issue 13: chaos --dt 50)."""
    from esorma.stability import max_lyapunov

    J = 10.0 * np.eye(3)
    with pytest.raises(ValueError, match=r"got dt=50, used as a step of 1 \(1 whole step"):
        max_lyapunov(J, dt=50.0, t_max=2.0, t_transient=0.0, rng=0)
    with pytest.raises(ValueError, match=r"got dt=0.4, used as a step of 0.5 \(2 whole step"):
        simulate_rate(J, np.ones(3), 1.0, dt=0.4)  # rounded up to fit t_max, then refused
    with pytest.raises(ValueError, match=r"got dt=0.5;"):
        simulate_rate(J, np.ones(3), 1.0, dt=0.5)  # used as given: one value named


def test_masked_and_non_finite_states_refused_by_name():
    from esorma.stability import zero_crossing

    with pytest.raises(TypeError, match="x0 must be a plain array"):
        simulate_rate(np.eye(2), np.ma.array([1.0, 0.0]), 1.0)
    with pytest.raises(TypeError, match="inputs must be a plain array"):
        rate_rhs(np.zeros(2), np.eye(2), inputs=np.ma.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="x must be finite"):
        rate_rhs(np.array([np.nan, 0.0]), np.eye(2))
    with pytest.raises(ValueError, match="values must be finite"):
        zero_crossing([0.5, 1.0], [-0.1, np.nan])

"""Fixed points of rate networks, Jacobian spectra and stability labels."""

import numpy as np
import pytest

from esorma.stability import (
    FixedPoints,
    classify_eigenvalues,
    find_fixed_points,
    max_lyapunov,
    newton_fixed_point,
    rate_jacobian,
    rate_rhs,
)


def _ginibre(n, seed):
    from esorma.spectra.ensembles import ginibre

    return ginibre(n, rng=seed)


def test_scalar_network_roots_and_labels():
    # x = w tanh(x) with w = 2: roots 0 (slope w - 1 = 1 > 0: unstable) and +-1.9150 (stable).
    fp = find_fixed_points(np.array([[2.0]]), n_starts=30, scale=3.0, rng=0)
    assert isinstance(fp, FixedPoints)
    assert len(fp) == 3
    assert fp.labels == ("stable node", "stable node", "unstable node")
    np.testing.assert_allclose(np.sort(fp.points[:, 0]), [-1.915008, 0.0, 1.915008], atol=1e-6)
    assert fp.counts.sum() == fp.n_converged == fp.n_starts == 31
    assert np.all(fp.residuals <= 1e-10)
    # w = 0.5 < 1: the origin is the only fixed point and it is stable.
    fp = find_fixed_points(np.array([[0.5]]), n_starts=10, rng=0)
    assert len(fp) == 1 and fp.labels == ("stable node",) and fp.points[0, 0] == 0.0


def test_two_neuron_network_brute_force():
    # J = [[0, 2], [2, 0]]: on a 41 x 41 grid of starts every start converges to one of the
    # three fixed points 0 (saddle, eigenvalues -1 +- 2) and +-(a, a), a = 2 tanh(a).
    J = np.array([[0.0, 2.0], [2.0, 0.0]])
    grid = np.stack(np.meshgrid(np.linspace(-4, 4, 41), np.linspace(-4, 4, 41)), -1).reshape(-1, 2)
    fp = find_fixed_points(J, starts=grid, include_origin=False)
    assert fp.n_converged == grid.shape[0]
    assert len(fp) == 3
    assert fp.labels == ("stable node", "stable node", "saddle (index 1)")
    np.testing.assert_allclose(np.abs(fp.points[:2]), 1.915008, atol=1e-6)
    np.testing.assert_allclose(fp.eigenvalues[2], [1.0, -3.0], atol=1e-12)
    # Every stored Jacobian is the analytic one, and every point solves F(x) = 0.
    for x, D in zip(fp.points, fp.jacobians):
        np.testing.assert_allclose(D, rate_jacobian(x, J), atol=1e-14)
        assert np.abs(rate_rhs(x, J)).max() < 1e-10


def test_zero_fixed_point_spectrum_is_shifted_ginibre_disc():
    # J Ginibre (variance 1/N, N = 400, seed 8); at x* = 0 the Jacobian is -1 + g J: its
    # eigenvalues fill the disc |z + 1| <= g uniformly (circular law). Checks: all within
    # 1.1 g (edge fluctuations ~ N^-1/2), a quarter within g/2 (+-0.05), the mean at -1
    # (+-0.01), and the index = #(Re > 0) is the disc area right of 0 (+-0.03 of N).
    n = 400
    J = _ginibre(n, 8)
    for g, stable in ((0.8, True), (1.5, False)):
        fp = find_fixed_points(J, gain=g, n_starts=0)
        assert len(fp) == 1 and np.all(fp.points[0] == 0)
        ev = fp.eigenvalues[0]
        r = np.abs(ev + 1.0)
        assert r.max() < 1.1 * g
        assert abs(np.mean(r < g / 2) - 0.25) < 0.05
        assert abs(ev.mean() + 1.0) < 0.01
        assert fp.stable[0] == stable
        if not stable:
            d = 1.0 / g  # area of the disc segment right of Re z = 0, as a fraction of pi g^2
            frac = (np.arccos(d) - d * np.sqrt(1 - d * d)) / np.pi
            assert abs(fp.index[0] / n - frac) < 0.03
            assert fp.labels[0] == f"saddle (index {fp.index[0]})"
        else:
            assert fp.labels[0] in ("stable focus", "stable node")


def test_other_ensembles_plug_in_as_J():
    # Elliptic J (tau = 0.5, N = 400, seed 10, g = 0.6): the origin's Jacobian -1 + g J fills
    # the ellipse with semi-axes g (1 + tau), g (1 - tau) around -1 (all eigenvalues inside
    # 1.1 x the ellipse, a quarter inside the half-size ellipse +- 0.06). Dale's-law J
    # (Rajan-Abbott, balanced, N = 200, seed 11): the origin's Jacobian is exactly -1 + g J,
    # and max_lyapunov (g = 0.5, origin stable) returns its spectral abscissa to 0.02.
    from esorma.spectra.ensembles import dale, elliptic

    g, tau = 0.6, 0.5  # rightmost edge -1 + g (1 + tau) = -0.1: stable
    fp = find_fixed_points(elliptic(400, tau, rng=10), gain=g, n_starts=0)
    ev = fp.eigenvalues[0]
    q = ((ev.real + 1) / (g * (1 + tau))) ** 2 + (ev.imag / (g * (1 - tau))) ** 2
    assert q.max() < 1.1**2 and np.mean(q < 0.25) == pytest.approx(0.25, abs=0.06)
    assert fp.labels[0].startswith("stable")
    Jd = dale(200, f=0.8, rng=11)
    fp = find_fixed_points(Jd, gain=0.5, n_starts=1, rng=11)
    origin = np.flatnonzero(np.all(fp.points == 0, axis=1))
    assert origin.size == 1
    np.testing.assert_allclose(fp.jacobians[origin[0]], -np.eye(200) + 0.5 * Jd, atol=1e-15)
    abscissa = fp.eigenvalues[origin[0]].real.max()
    assert abscissa < 0
    lam = max_lyapunov(Jd, gain=0.5, t_max=60, t_transient=20, rng=11).maximal
    assert lam == pytest.approx(abscissa, abs=0.02)


def test_hopfield_patterns_are_stable_and_symmetric_pairs():
    # Continuous Hopfield (symmetric Hebb J, 2 patterns, N = 40, gain 3, seed 9): starting at
    # the patterns Newton finds stable fixed points aligned with them; with I = 0 and tanh odd,
    # the negated points are fixed points too. Duplicated starts are merged and counted.
    rng = np.random.default_rng(9)
    xi = rng.choice([-1.0, 1.0], size=(2, 40))
    J = xi.T @ xi / 40
    np.fill_diagonal(J, 0.0)
    starts = np.vstack([xi, xi, -xi])
    fp = find_fixed_points(J, gain=3.0, starts=starts, include_origin=False)
    assert len(fp) == 4
    assert np.all(fp.stable)
    assert sorted(fp.counts.tolist()) == [1, 1, 2, 2]
    for x in fp.points:
        assert np.any(np.all(np.abs(fp.points + x) < 1e-8, axis=1))  # -x is also found
        assert np.max(np.abs(np.sign(x) @ xi.T)) == 40  # sign pattern = a stored pattern
    # Symmetric J: every Jacobian eigenvalue is real (J diag(phi') is similar to a symmetric
    # matrix), so the stable points are nodes.
    assert set(fp.labels) == {"stable node"}


def test_classify_and_newton():
    assert classify_eigenvalues([-1, -2]) == ("stable node", 0)
    assert classify_eigenvalues([-1 + 1j, -1 - 1j]) == ("stable focus", 0)
    assert classify_eigenvalues([1, 2]) == ("unstable node", 2)
    assert classify_eigenvalues([1 + 1j, 1 - 1j, 2]) == ("unstable focus", 3)
    assert classify_eigenvalues([1, -1, -2]) == ("saddle (index 1)", 1)
    assert classify_eigenvalues([0.0, -1.0]) == ("non-hyperbolic", 0)
    x, res, it, ok = newton_fixed_point(np.array([[2.0]]), [3.0], inputs=0.5)
    assert ok and res < 1e-10 and it < 20
    assert x[0] == pytest.approx(2 * np.tanh(x[0]) + 0.5, abs=1e-10)


def test_bad_input():
    with pytest.raises(ValueError, match="square"):
        find_fixed_points(np.ones((3, 2)))
    with pytest.raises(ValueError, match="starts must have shape"):
        find_fixed_points(np.eye(3), starts=np.ones((2, 4)))
    with pytest.raises(ValueError, match="starts must be finite"):
        find_fixed_points(np.eye(3), starts=[[0, np.nan, 0]])
    with pytest.raises(ValueError, match="no starting points"):
        find_fixed_points(np.eye(3), n_starts=0, include_origin=False)
    with pytest.raises(ValueError, match="n_starts must be >= 0"):
        find_fixed_points(np.eye(3), n_starts=-1)
    with pytest.raises(ValueError, match="x0 must be finite"):
        newton_fixed_point(np.eye(2), [np.inf, 0])


def test_newton_result_is_named_and_bools_are_validated():
    """Issue #8 review: newton_fixed_point returns a named, immutable result; bool options
    reject non-bools such as the string "no" (which is truthy)."""
    from esorma.stability import NewtonResult

    res = newton_fixed_point(np.array([[2.0]]), [1.0])
    assert isinstance(res, NewtonResult)
    assert res.converged is True and isinstance(res.iterations, int)
    assert res.point[0] == pytest.approx(1.9150080, abs=1e-6)
    assert res.residual <= 1e-10
    with pytest.raises(AttributeError):
        res.converged = False
    # A start that cannot converge within one iteration reports it.
    assert newton_fixed_point(np.array([[2.0]]), [5.0], max_iter=1).converged is False
    with pytest.raises(TypeError, match="keep_jacobians must be True or False"):
        find_fixed_points(np.eye(2) * 0.5, keep_jacobians="no", n_starts=1, rng=0)
    with pytest.raises(TypeError, match="include_origin must be True or False"):
        find_fixed_points(np.eye(2) * 0.5, include_origin=1, n_starts=1, rng=0)
    assert find_fixed_points(np.eye(2) * 0.5, keep_jacobians=np.bool_(False), n_starts=1,
                             rng=0).jacobians is None


def test_fixed_points_round_trip(roundtrip):
    # Through esorma.io.save_result / load_result, with and without the Jacobians; the labels
    # come back a tuple (the file stores them as a JSON list).
    J = _ginibre(12, 4)
    for keep in (True, False):
        fp = find_fixed_points(J, gain=1.8, n_starts=6, keep_jacobians=keep, rng=2)
        back = roundtrip(fp)
        assert isinstance(back.labels, tuple) and back.labels == fp.labels
        assert (back.jacobians is None) == (not keep)
        np.testing.assert_array_equal(back.stable, fp.stable)

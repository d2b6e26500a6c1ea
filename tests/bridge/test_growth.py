"""Weight growth fits and sign flips of the updates, on cases with known answers."""

import numpy as np
import pytest

import esorma.bridge as B
import esorma.bridge.diagnostics as D
from esorma.bridge.growth import fit_weight_growth, log_spaced_indices


def _logistic_gd(Z, eta, n_steps):
    """Gradient descent on sum_i log(1 + exp(-w . z_i)); returns ||w(t)|| for t = 1..n."""
    w = np.zeros(Z.shape[1])
    norms = np.empty(n_steps)
    for t in range(n_steps):
        m = Z @ w
        w = w + eta * Z.T @ (1.0 / (1.0 + np.exp(m)))
        norms[t] = np.linalg.norm(w)
    return norms


def test_separable_logistic_regression_grows_as_max_margin_norm_times_log_t():
    # Soudry et al. (2018), Theorem 3: w(t) = w_hat log t + O(1) with w_hat the max-margin
    # vector; for z = (1, 0.5), (1, -0.5), (2, 0) it is w_hat = (1, 0), ||w_hat|| = 1.
    Z = np.array([[1.0, 0.5], [1.0, -0.5], [2.0, 0.0]])
    norms = _logistic_gd(Z, 0.5, 8000)
    t = np.arange(1, norms.size + 1)
    fit = fit_weight_growth(t[300:], norms[300:])
    assert fit.log_b == pytest.approx(1.0, abs=0.03)
    assert fit.better == "log" and fit.rms_ratio < 0.2
    assert fit.power_p < 0.2


def test_a_power_law_is_recognised_as_one(roundtrip):
    t = np.arange(10, 5000, dtype=float)
    fit = fit_weight_growth(t, 3.0 * t ** 0.5)
    back = roundtrip(fit)
    assert back.power_p == fit.power_p and back.better == "power"
    assert fit.power_p == pytest.approx(0.5, abs=1e-9)
    assert fit.power_c == pytest.approx(3.0, rel=1e-9)
    assert fit.better == "power" and fit.power_rms < 1e-8


def test_log_spaced_indices_and_bad_input():
    assert log_spaced_indices(np.arange(1, 101), 3).tolist() == [0, 9, 99]
    with pytest.raises(ValueError, match="increasing"):
        log_spaced_indices([3, 2, 1], 3)
    with pytest.raises(ValueError, match="positive"):
        fit_weight_growth([1, 2, 3], [1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match="at least 3"):
        fit_weight_growth([1, 2], [1.0, 2.0])


# ----------------------------------------------------------------------------- sign flips
def test_no_flips_after_the_first_steps_on_a_quadratic_with_a_small_step():
    # f(w) = w.A.w / 2 with a non-diagonal A: components decay at different rates, so the
    # update signs may change while the fast mode dies out, then never again.
    A = np.array([[3.0, 1.0], [1.0, 0.5]])
    eta = 0.2  # < 1 / lambda_max: every eigen-component decays monotonically
    w = np.array([1.0, -2.0])
    hist = [w]
    for _ in range(200):
        w = w - eta * A @ w
        hist.append(w)
    flips = D.sign_flip_rate(np.array(hist))
    assert np.isnan(flips[:2]).all()
    assert np.all(flips[20:] == 0.0)


def test_flips_every_step_beyond_the_edge_of_stability_and_in_a_two_well_cycle():
    A = np.diag([2.0, 1.0])
    eta = 1.2  # > 2 / lambda_max = 1 for the first coordinate; second: 1 - 1.2 < 0 too
    w = np.array([1.0, 1.0])
    hist = [w]
    for _ in range(30):
        w = w - eta * A @ w
        hist.append(w)
    assert np.all(D.sign_flip_rate(np.array(hist))[2:] == 1.0)
    # f(w) = (w^2 - 1)^2 has minima at +-1; with eta = 0.5 gradient descent has the
    # 2-cycle sqrt(2) <-> -sqrt(2), jumping from one well to the other at every step
    w = np.sqrt(2.0)
    hist = [w]
    for _ in range(8):
        w = w - 0.5 * 4 * w * (w * w - 1)
        hist.append(w)
    assert np.allclose(np.abs(hist), np.sqrt(2.0), atol=1e-6)
    assert np.all(D.sign_flip_rate(np.array(hist)[:, None])[2:] == 1.0)


def test_phase_diagnostics_sees_the_flips_of_an_oscillating_snapshot_series():
    snaps = [[(np.array([[1.0, -1.0]]) * (1 + 0.1 * (-1) ** k), np.array([0.1 * (-1) ** k]))]
             for k in range(8)]
    res = B.result_from_snapshots(snaps, B.xor_task())
    d = B.phase_diagnostics(res, lyapunov=False)
    assert np.all(d.sign_flip_rate[2:] == 1.0)


def test_vectorised_diagnostics_equal_the_record_by_record_loop(monkeypatch):
    t = B.make_task("threshold_rule", n_samples=40, rule="xor", n_test=10, rng=0)
    for task, act in [(B.multiplexer_task(), "sigmoid"), (t, "tanh")]:
        res = B.train_mlp(task, hidden=(5,), activation=act, learning_rate=2.0,
                          init_scale=0.5, n_epochs=150, rng=0)
        fast = B.phase_diagnostics(res, lyapunov=False)
        monkeypatch.setattr(D, "_VECTORISE", False)
        slow = B.phase_diagnostics(res, lyapunov=False)
        monkeypatch.setattr(D, "_VECTORISE", True)
        for k in ("saturated_fraction", "saturated_units", "saturation", "binary_agreement",
                  "histograms", "linearisation_error", "sign_flip_rate"):
            np.testing.assert_allclose(getattr(fast, k), getattr(slow, k), rtol=1e-9,
                                       atol=1e-12, err_msg=k)

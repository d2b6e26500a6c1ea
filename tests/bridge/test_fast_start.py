"""The closed-form linear phase and the fast-start study (esorma.bridge.fast_start)."""

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.fast_start import (
    _hessian,
    fast_start_study,
    linear_jump,
    linearised_trajectory,
)
from esorma.bridge.model import _loss_grad


def _xor_small(seed=0, scale=0.1):
    t = B.xor_task()
    return t, B.init_mlp((2, 3, 1), init_scale=scale, rng=seed)


def test_closed_form_equals_the_iterated_linear_recursion_including_negative_modes():
    t, net = _xor_small()
    X, y = t.X.astype(float), t.y[:, None].astype(float)
    th0 = net.params
    _, g0 = _loss_grad(th0, net.shapes, "sigmoid", X, y)
    H = _hessian(th0, net.shapes, "sigmoid", X, y)
    assert np.linalg.eigvalsh(H).min() < 0  # a saddle: the closed form must grow these modes
    eta, d, want = 2.0, np.zeros_like(th0), []
    for _ in range(200):
        want.append(d.copy())
        d = d - eta * (g0 + H @ d)
    got = linearised_trajectory(net, t.X, t.y, np.arange(200), learning_rate=eta) - th0
    np.testing.assert_allclose(got, np.array(want), rtol=1e-8, atol=1e-12)


def test_jump_respects_the_threshold_and_lands_on_the_gd_trajectory():
    t, net = _xor_small(seed=1)
    j = linear_jump(net, t.X, t.y, learning_rate=0.2, max_error=0.1, max_epochs=5000)
    assert 10 < j.epochs < 5000 and j.error <= 0.1
    bad = j.probes[j.probes[:, 0] > j.epochs]
    assert bad.size and np.all(bad[:, 1] > 0.1)  # the search stopped at a real violation
    gd = B.train_mlp(t, init=net, n_epochs=j.epochs, learning_rate=0.2, record_every=j.epochs)
    th0, th_gd = net.params, gd.history.params[-1]
    rel = np.linalg.norm(j.network.params - th_gd) / np.linalg.norm(th_gd - th0)
    assert rel < 0.1
    # a tiny threshold gives no jump, max_epochs caps it
    assert linear_jump(net, t.X, t.y, learning_rate=0.2, max_error=1e-9).epochs <= 1
    assert linear_jump(net, t.X, t.y, learning_rate=0.2, max_epochs=5).epochs == 5


def test_fast_start_study_roundtrips_and_resumes(tmp_path, roundtrip):
    ck = tmp_path / "fs.h5"
    a = fast_start_study(("xor",), n_seeds=2, n_epochs=1500, checkpoint=ck)
    b = fast_start_study(("xor",), n_seeds=2, n_epochs=1500, checkpoint=ck)
    assert (a.n_computed, b.n_computed, b.n_skipped) == (2, 0, 2)
    np.testing.assert_array_equal(a.jump_epochs, b.jump_epochs)
    np.testing.assert_array_equal(a.plain_epochs_zero, b.plain_epochs_zero)
    assert a.ratio_stats("zero", "epochs").shape == (1, 3)
    roundtrip(a)
    with pytest.raises(ValueError, match="tasks"):
        fast_start_study(("nand",))

"""Regression tasks: teacher networks, smooth functions, Boolean truth tables."""

import numpy as np
import pytest

from esorma.training import ThreeLayerNet, make_regression_task, sine_task, teacher_task


def test_teacher_targets_are_the_teacher_network_outputs():
    t = teacher_task(4, 30, n_hidden=3, n_outputs=2, rng=1)
    net = ThreeLayerNet(4, 3, 2, "tanh")
    np.testing.assert_allclose(net.predict(t.params["teacher_weights"], t.X), t.Y, atol=1e-14)
    assert net.loss(t.params["teacher_weights"], t.X, t.Y) == 0.0
    np.testing.assert_array_equal(teacher_task(4, 30, rng=1).X, t.X)


def test_sine_task_is_a_function_of_one_projection():
    t = sine_task(3, 50, frequency=2.0, rng=2)
    np.testing.assert_allclose(t.Y[:, 0], np.sin(2.0 * t.X @ t.params["u"]), atol=1e-14)


def test_boolean_tasks_by_name_are_signed_truth_tables():
    t = make_regression_task("parity", n_inputs=3)
    assert t.X.shape == (8, 3) and set(np.unique(t.X)) == {-1.0, 1.0}
    np.testing.assert_array_equal(t.Y[:, 0], np.where((t.X > 0).sum(1) % 2 == 1, 1.0, -1.0))
    u = make_regression_task("majority", n_inputs=3, signed=False)
    assert set(np.unique(u.Y)) == {0.0, 1.0}
    with pytest.raises(ValueError, match="name must be one of"):
        make_regression_task("nonsense")

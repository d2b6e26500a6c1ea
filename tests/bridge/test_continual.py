"""The continued-learning study (esorma.bridge.continual)."""

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.continual import _saturation, continual_study, make_stream


def test_stream_is_reproducible_and_each_stage_is_a_new_threshold_task():
    a, b = make_stream(4, rng=3), make_stream(4, rng=3)
    for (X, y, Xt, yt), (X2, y2, _, _) in zip(a, b):
        np.testing.assert_array_equal(X, X2)
        np.testing.assert_array_equal(y, y2)
        assert X.shape == (200, 6) and Xt.shape == (500, 6) and 0 < y.mean() < 1
    assert not np.array_equal(a[0][1], a[1][1])


def test_saturation_measure_on_hand_built_units():
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    big = B.mlp_from_weights([(np.array([[100.0, 0.0]]), np.array([0.0])),
                              (np.ones((1, 1)), np.zeros(1))])
    assert _saturation(big, X) > 0.95
    # a ReLU unit inactive everywhere is dead, an active one is not
    relu = B.mlp_from_weights([(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([-1.0, 2.0])),
                               (np.ones((1, 2)), np.zeros(1))], "relu")
    assert _saturation(relu, X) == 0.5


def test_continual_study_shapes_resume_and_roundtrip(tmp_path, roundtrip):
    ck = tmp_path / "c.h5"
    kw = dict(activations=("sigmoid", "relu"), n_stages=2, n_seeds=2, epochs_per_stage=50,
              hidden=(4,), checkpoint=ck)
    a = continual_study(**kw)
    b = continual_study(**kw)
    assert a.online_loss.shape == (2, 2, 2) and b.n_skipped == 2
    np.testing.assert_array_equal(a.loss_after, b.loss_after)
    # training on a stage lowers the held-out loss on that stage's task
    assert np.all(a.loss_after < a.loss_before)
    assert a.stage_stats().shape == (2, 2, 3)
    assert set(a.summary()["activations"]) == {"sigmoid", "relu"}
    roundtrip(a)
    with pytest.raises(ValueError, match="activations"):
        continual_study(("softplus",))

"""Real inputs read as threshold features and a formula (esorma.bridge.threshold_features)."""

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.threshold_features import (
    feature_text,
    threshold_fidelity,
    threshold_formula,
)


def _and_net(scale):
    # h0 = [x0 > 0.2], h1 = [x1 > -0.3], out = h0 and h1
    W1 = scale * np.array([[1.0, 0.0], [0.0, 1.0]])
    b1 = scale * np.array([-0.2, 0.3])
    return B.mlp_from_weights([(W1, b1), (np.array([[20.0, 20.0]]), np.array([-30.0]))])


def test_hand_built_saturated_net_reads_as_its_rule_with_fidelity_one_on_held_out_data():
    t = B.threshold_rule(100, rule="and", thresholds=[0.2, -0.3], margin=0.05, rng=0)
    net = _and_net(1000.0)  # |pre-activation| >= 50 on every sample: saturated
    f = threshold_formula(net)
    assert f.formula.text == "h0 and h1"
    assert f.features == ("[x0 > 0.2]", "[x1 > -0.3]")
    np.testing.assert_array_equal(f.evaluate(t.X_test), t.y_test)
    for rep in (threshold_fidelity(net, f, task=t),
                threshold_fidelity(net, f, task=t, n_samples=3000, rng=1)):
        assert rep.agreement == 1.0 and rep.target_agreement == 1.0
        assert rep.network_accuracy == 1.0
        assert rep.min_feature_margin >= 50.0 - 1e-9
        assert rep.max_feature_deviation < 1e-20
    assert threshold_fidelity(net, f, task=t, n_samples=3000, rng=1).source == "fresh"


def test_unsaturated_net_disagrees_with_its_formula_near_the_boundaries():
    # small first-layer weights: hidden units ~0.5 near the thresholds and the real output
    # differs from the formula there (no margin in the test inputs)
    net = _and_net(3.0)
    X = np.random.default_rng(2).uniform(-1, 1, (4000, 2))
    rep = threshold_fidelity(net, X=X)
    assert rep.agreement < 0.99 and rep.source == "given"
    assert rep.max_feature_deviation > 0.4


def test_tanh_first_layer_is_rewritten_exactly_for_01_features():
    # tanh hidden +-1; out = h0 or h1 (pre-activation 10 h0 + 10 h1 + 5 with h in {-1, 1})
    W1, b1 = 1000.0 * np.eye(2), np.array([0.0, -500.0])  # h0=[x0>0], h1=[x1>0.5]
    net = B.mlp_from_weights([(W1, b1), (np.array([[10.0, 10.0]]), np.array([5.0]))], "tanh")
    f = threshold_formula(net)
    assert f.formula.text == "h0 or h1"
    X = np.random.default_rng(0).uniform(-1, 1, (2000, 2))
    X = X[(np.abs(X[:, 0]) > 0.01) & (np.abs(X[:, 1] - 0.5) > 0.01)]
    assert threshold_fidelity(net, f, X=X).agreement == 1.0


def test_feature_text_and_errors(roundtrip):
    assert feature_text([0.0, -2.0], 1.0, ["a", "b"]) == "[-b > -0.5]"
    assert feature_text([0.0, 0.0], 1.0, ["a", "b"]) == "[true]"
    relu = B.init_mlp((2, 2, 1), "relu", rng=0)
    with pytest.raises(ValueError, match="activation"):
        threshold_formula(relu)
    with pytest.raises(ValueError, match="hidden layer"):
        threshold_formula(B.init_mlp((2, 1), rng=0))
    with pytest.raises(TypeError, match="X or a RealTask"):
        threshold_fidelity(_and_net(10.0))
    roundtrip(threshold_fidelity(_and_net(10.0), X=np.zeros((3, 2)) + 0.5))
    roundtrip(threshold_formula(_and_net(10.0)))


def test_threshold_reading_study_recovers_and_rule_and_resumes(tmp_path, roundtrip):
    from esorma.bridge.threshold_features import threshold_reading_study

    ck = tmp_path / "r.h5"
    a = threshold_reading_study(("and",), n_seeds=2, n_epochs=4000, n_fresh=500, checkpoint=ck)
    b = threshold_reading_study(("and",), n_seeds=2, n_epochs=4000, n_fresh=500, checkpoint=ck)
    assert b.n_skipped == 2
    np.testing.assert_array_equal(a.agreement, b.agreement)
    assert np.all(a.saturated == 1.0)
    assert np.all(a.agreement >= 0.95) and np.all(a.target_agreement >= 0.95)
    roundtrip(a)

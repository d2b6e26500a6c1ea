"""Real-valued tasks: threshold rules and Gaussian clusters (esorma.bridge.tasks)."""

import numpy as np
import pytest

import esorma.bridge as B


@pytest.mark.parametrize("rule", B.THRESHOLD_RULES)
def test_threshold_rule_labels_follow_the_rule_on_train_test_and_fresh_samples(rule):
    t = B.threshold_rule(300, n_inputs=4, rule=rule, n_relevant=3, margin=0.05, rng=3)
    th = np.asarray(t.params["thresholds"])
    for X, y in [(t.X, t.y), (t.X_test, t.y_test), t.sample(200, rng=9)]:
        bits = X[:, :3] > th
        want = {"and": bits.all(1), "or": bits.any(1), "xor": bits.sum(1) % 2 == 1,
                "majority": bits.sum(1) >= 2}[rule]
        np.testing.assert_array_equal(y, want.astype(np.uint8))
        # the margin is respected: no relevant feature within 0.05 of its threshold
        assert np.min(np.abs(X[:, :3] - th)) >= 0.05
        assert np.all(np.abs(X) <= 1.0)


def test_gaussian_clusters_are_reproducible_and_separated():
    a = B.gaussian_clusters(100, n_clusters=4, rng=5)
    b = B.gaussian_clusters(100, n_clusters=4, rng=5)
    np.testing.assert_array_equal(a.X, b.X)
    c = np.asarray(a.params["centres"])
    d = np.linalg.norm(c[:, None] - c[None], axis=-1)[np.triu_indices(4, 1)]
    assert d.min() >= 0.6
    # every sample sits near a centre whose label is its class (spread 0.1, 4 sigma)
    near = np.argmin(np.linalg.norm(a.X[:, None] - c[None], axis=-1), axis=1)
    np.testing.assert_array_equal(a.y, near % 2)
    m = B.gaussian_clusters(60, n_clusters=3, n_classes=3, rng=1)
    assert m.y.shape == (60, 3) and np.all(m.y.sum(1) == 1) and m.n_classes == 3


def test_real_task_trains_with_train_mlp_and_roundtrips(roundtrip):
    t = B.make_task("threshold_rule", n_samples=120, rule="and", rng=0)
    assert isinstance(t, B.RealTask)
    res = B.train_mlp(t, hidden=(3,), n_epochs=800, learning_rate=2.0, rng=1)
    assert res.history.error[-1] == 0.0
    roundtrip(t)


def test_real_task_errors_name_the_argument():
    with pytest.raises(ValueError, match="rule"):
        B.threshold_rule(10, rule="nand")
    with pytest.raises(ValueError, match="thresholds"):
        B.threshold_rule(10, thresholds=[0.1])
    with pytest.raises(ValueError, match="min_distance"):
        B.gaussian_clusters(10, n_clusters=20, min_distance=2.0)

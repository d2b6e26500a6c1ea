"""The prediction study: shapes, diverged runs counted, the sweep resumed, the file round trip."""

import numpy as np
import pytest

from esorma.training import prediction as pred
from esorma.training.prediction import FAMILIES, prediction_study

#: A tiny study: one regression setting and one that always diverges (lr = 30), 8 runs each.
TINY = dict(tasks=["teacher"], activations=["tanh"], learning_rates=[0.3, 30.0], n_runs=8,
            runs_per_point=4, n_steps=120, window=10, n_windows=3, n_boot=100, n_folds=4,
            n_repeats=2)


@pytest.fixture(scope="module")
def tiny():
    return prediction_study("quick", **TINY, rng=3)


def test_shapes_and_the_window_times(tiny):
    S, R, W, F = 2, 8, 3, len(tiny.features)
    assert tiny.values.shape == (S, R, W, F)
    assert tiny.rho.shape == tiny.rho_low.shape == tiny.n_pairs.shape == (S, F, W)
    assert tiny.r2.shape == (S, len(FAMILIES), W)
    assert tiny.window_times.tolist() == [10, 20, 30]
    assert tiny.features[:4] == ("log_loss", "ftle_1", "ftle_2", "ftle_3")
    assert tiny.size == "custom" and tiny.n_computed == 4


def test_the_baseline_is_the_loss_at_the_window_end(tiny):
    used = ~tiny.diverged[0]
    curves_steps = tiny.record_steps.tolist()
    # the loss curve is recorded at 101 steps of 0..120, not at 10, 20, 30: compare at the end
    assert curves_steps[-1] == 120
    np.testing.assert_array_equal(tiny.log_loss_curves[0, used, -1], tiny.final_log_loss[0, used])
    # every feature of a run that did not diverge is defined; the CLV angles are angles
    assert np.all(np.isfinite(tiny.values[0]))
    angles = tiny.values[0, used][..., 4:6]
    assert np.all((angles >= 0) & (angles <= np.pi / 2 + 1e-12))


def test_diverged_runs_are_counted_and_left_out(tiny):
    assert tiny.n_diverged.tolist() == [0, 8]
    assert tiny.n_used.tolist() == [8, 0]
    assert np.all(np.isinf(tiny.final_log_loss[1])) and np.all(tiny.diverged_step[1] >= 0)
    assert np.all(tiny.diverged_step[0] == -1)
    assert np.all(np.isnan(tiny.rho[1])) and np.all(np.isnan(tiny.r2[1]))
    assert np.all(tiny.n_pairs[1] == 0) and np.all(tiny.n_pairs[0] == 8)
    assert "8 diverged (excluded), 0 used" in "\n".join(tiny.table())
    s = tiny.summary()
    assert s["n_diverged_total"] == 8 and s["settings"][1]["n_used"] == 0


def test_the_statistics_are_those_of_the_stored_features(tiny):
    from esorma.training.prediction import bootstrap_spearman

    i, w = tiny.feature_index("ftle_1"), 2
    rho, _, _ = bootstrap_spearman(tiny.values[0, :, w, i], tiny.final_log_loss[0], n_boot=0)
    assert tiny.rho[0, i, w] == rho
    assert tiny.rho_low[0, i, w] <= rho <= tiny.rho_high[0, i, w]


def test_the_result_round_trips(tiny, roundtrip):
    back = roundtrip(tiny, config=tiny.config, seed=tiny.seed)
    assert back.label(0) == "teacher tanh lr=0.3"


def test_an_interrupted_sweep_resumes_and_completes_identically(tmp_path, monkeypatch):
    kw = dict(TINY, learning_rates=[0.3])
    path = tmp_path / "runs.h5"
    calls = []
    real = pred._run_block

    def flaky(point, *, spec):
        calls.append(point.key)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed during the second block
        return real(point, spec=spec)

    monkeypatch.setattr(pred, "_run_block", flaky)
    with pytest.raises(KeyboardInterrupt):
        prediction_study("quick", **kw, path=path, rng=5)
    monkeypatch.setattr(pred, "_run_block", real)
    resumed = prediction_study("quick", **kw, path=path, rng=5)
    assert resumed.n_computed == 1  # the first block was kept
    fresh = prediction_study("quick", **kw, rng=5)
    for name in ("values", "final_log_loss", "rho", "rho_low", "rho_high", "r2", "run_seeds"):
        np.testing.assert_array_equal(getattr(resumed, name), getattr(fresh, name), name)
    again = prediction_study("quick", **kw, path=path, rng=5)
    assert again.n_computed == 0
    with pytest.raises(ValueError, match="n_runs"):  # another configuration: refused
        prediction_study("quick", **dict(kw, n_runs=12), path=path, rng=5)


def test_bad_arguments_are_refused_naming_them():
    with pytest.raises(ValueError, match="size"):
        prediction_study("huge")
    with pytest.raises(ValueError, match="tasks"):
        prediction_study(tasks=["mnist"])
    with pytest.raises(ValueError, match="activations"):
        prediction_study(activations=["swish"])
    with pytest.raises(ValueError, match="window must be even"):
        prediction_study(window=5)
    with pytest.raises(ValueError, match="n_steps must exceed"):
        prediction_study(n_steps=50)
    with pytest.raises(ValueError, match="multiple of runs_per_point"):
        prediction_study(n_runs=10, runs_per_point=4)
    with pytest.raises(ValueError, match="k must be <="):
        prediction_study(k=1000)
    with pytest.raises(ValueError, match="learning_rates"):
        prediction_study(learning_rates=[-1.0])


def test_window_features_agree_with_train_network_and_see_no_later_step():
    # One window of 20 steps: the FTLEs, the CLV statistics at its midpoint (backward pass from
    # its end) and the loss trajectory are those of esorma.training.train_network, same seed.
    from esorma.training import train_network

    task = pred._make_task("teacher", 0)
    common = dict(n_hidden=8, activation="tanh", learning_rate=0.3, init_scale=1.0,
                  max_norm=1e6)
    vals, w, loss, step = pred._early_windows(task, 7, {"n_windows": 1, "window": 20, "k": 3},
                                              common)
    run = train_network(task, n_steps=20, k=3, window=10, clv=True, clv_backward=10, rng=7,
                        **common)
    assert step == -1
    np.testing.assert_allclose(vals[0, 1:4], run.ftle.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(
        vals[0, 4:], [run.clv_angle_12[1], run.clv_min_angle[1], run.clv1_grad_alignment[1],
                      run.clv1_hessian_alignment[1]], rtol=1e-9)
    np.testing.assert_array_equal(loss, run.loss[:20])
    np.testing.assert_array_equal(w, run.w_final)
    # Four windows: the basis is carried on, so every window's FTLEs are train_network's.
    vals4, *_ = pred._early_windows(task, 7, {"n_windows": 4, "window": 20, "k": 3}, common)
    run4 = train_network(task, n_steps=80, k=3, window=20, rng=7, **common)
    np.testing.assert_allclose(vals4[:, 1:4], run4.ftle, rtol=1e-10, atol=1e-15)
    # The first window's features do not change when training goes on longer.
    np.testing.assert_array_equal(vals4[0], vals[0])

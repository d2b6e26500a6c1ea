"""Phase timing study: statistics, a small study, its HDF5 file and resume."""

import numpy as np
import pytest

import esorma.bridge as B
from esorma.bridge.timing import bootstrap_median_ci, hybrid_ratio, spearman_ci
from esorma.sweeps import drop_points, load_points

SMALL = dict(widths=[3], learning_rates=[4.0], init_scales=[1.0], n_seeds=2, n_epochs=300,
             n_boot=100, seed=3)


def test_bootstrap_median_ci_brackets_the_median_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    small = rng.exponential(size=30)
    big = rng.exponential(size=3000)
    m1, lo1, hi1 = bootstrap_median_ci(small, rng=1)
    m2, lo2, hi2 = bootstrap_median_ci(big, n_boot=400, rng=1)
    assert lo1 <= m1 <= hi1 and lo2 <= m2 <= hi2
    assert hi2 - lo2 < (hi1 - lo1) / 3
    assert lo2 < np.log(2) < hi2  # the exponential's median, seed 0/1, 95 % interval
    assert np.isnan(bootstrap_median_ci([np.nan])[0])


def test_spearman_ci_on_known_cases():
    x = np.arange(40.0)
    assert spearman_ci(x, -np.exp(x / 10))[0] == -1.0
    rng = np.random.default_rng(2)
    rho, lo, hi = spearman_ci(rng.normal(size=200), rng.normal(size=200), rng=0)
    assert lo < 0 < hi and abs(rho) < 0.2
    assert np.isnan(spearman_ci(x, np.ones(40))[0])  # constant sample
    with pytest.raises(ValueError, match="same length"):
        spearman_ci(x, x[:3])


def test_hybrid_ratio_definitions():
    r, lb = hybrid_ratio([5, 5, 0, -1, 20], [15, -1, 4, -1, 25], 100)
    np.testing.assert_allclose(r, [2.0, np.nan, np.nan, np.nan, 0.25])
    np.testing.assert_allclose(lb, [2.0, 19.0, np.nan, np.nan, 0.25])


def test_small_study_round_trips_and_counts_runs(roundtrip):
    s = B.phase_timing_study(["xor"], **SMALL)
    assert s.n_runs == 2 and s.setting_labels == ("xor w3 lr4 s1", "all")
    assert np.all(s.t_in > 0) and np.all(s.t_out > s.t_in)  # xor from scale 1 saturates
    np.testing.assert_allclose(s.ratio, (s.t_out - s.t_in) / s.t_in)
    assert s.row_n_left[-1] == 2 and s.row_frac_above[-1] == np.mean(s.ratio > 1)
    assert np.all(s.n_changes <= s.n_changes_raw)
    assert np.all((s.flip_mean >= 0) & (s.flip_mean <= 1))
    back = roundtrip(s)
    np.testing.assert_array_equal(back.t_out, s.t_out)
    assert back.setting_labels == s.setting_labels and back.config == s.config
    assert "median ratio" in s.table()
    assert np.isnan(s.entry_dwell_correlation()[0])  # two runs: fewer than 3 pairs
    late = s.late_growth()
    assert set(late) == {"n_fit", "log_b", "power_p", "rms_ratio", "frac_log_better"}
    assert late["n_fit"] <= np.isfinite(s.log_b).sum()


def test_study_file_resumes_after_losing_points_and_refuses_another_grid(tmp_path):
    path = tmp_path / "timing.h5"
    a = B.phase_timing_study(["xor"], path=path, **SMALL)
    _, pts = load_points(path)
    assert len(pts) == 2
    drop_points(path, [sorted(pts)[0]])  # as if killed before that run was committed
    b = B.phase_timing_study(["xor"], path=path, **SMALL)
    for k in ("t_in", "t_out", "log_b", "flip_mean", "row_ratio_median"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
    c = B.phase_timing_study(["xor"], path=path, **SMALL)  # nothing left to compute
    assert c.seconds == 0.0
    with pytest.raises(ValueError, match="n_epochs"):
        B.phase_timing_study(["xor"], path=path, **{**SMALL, "n_epochs": 200})


def test_study_validates_its_arguments():
    with pytest.raises(ValueError, match="tasks"):
        B.phase_timing_study(["nand"])
    with pytest.raises(ValueError, match="widths"):
        B.phase_timing_study(["parity"])
    with pytest.raises(ValueError, match="every task"):
        B.phase_timing_study(["xor", "parity"], widths={"xor": [3]})
    with pytest.raises(ValueError, match="learning_rates"):
        B.phase_timing_study(["xor"], learning_rates=[0.0])


@pytest.mark.slow
def test_experiment_quick_mode_writes_a_resumable_file_and_a_figure(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    from esorma.io import load_result

    path = Path(__file__).resolve().parents[2] / "experiments" / "phase_timing.py"
    spec = importlib.util.spec_from_file_location("phase_timing", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out, summ, fig = tmp_path / "t.h5", tmp_path / "s.h5", tmp_path / "t.png"
    argv = ["--quick", "--quiet", "--out", str(out), "--summary", str(summ), "--figure", str(fig)]
    assert mod.main(argv) == 0
    first = capsys.readouterr().out
    assert "median ratio" in first and fig.stat().st_size > 10_000
    s = load_result(summ, B.PhaseTimingStudy)
    assert s.n_runs == 18 and len(load_points(out)[1]) == 18
    assert mod.main(["--quick", "--quiet", "--out", str(out)]) == 0  # resumes: nothing to do
    again = capsys.readouterr().out
    assert "0.0 s computed now" in again
    assert first.splitlines()[:9] == again.splitlines()[:9]  # the same table

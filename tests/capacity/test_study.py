"""The capacity study in one call: report contents, its text and JSON numbers, the checkpoint
(resume, refusal of another config, nothing written without it), and the experiment script."""

import json

import numpy as np
import pytest

from esorma.capacity import (
    CapacityConfig,
    CapacityReport,
    capacity_study,
    load_capacity,
    report_from_results,
)

SMALL = CapacityConfig(n_neurons=[300, 600], alphas=[0.1, 0.15, 0.2], n_probes=6)


@pytest.fixture(scope="module")
def report():
    return capacity_study(SMALL, seed=3)


def test_report_holds_the_sweep_its_analysis_and_the_theory(report):
    s = report.summary
    assert report.complete and report.n_computed == 6 and report.n_skipped == 0
    assert report.checkpoint is None and report.executor == "serial"
    assert report.overlaps.shape == (2, 3, 1, 1, 6)
    # The summary is computed from exactly these overlaps.
    np.testing.assert_allclose(s.mean_overlap[..., 0], report.overlaps[..., 0, 0, :].mean(-1))
    np.testing.assert_array_equal(s.retrieved_fraction[..., 0],
                                  (report.overlaps[..., 0, 0, :] > 0.9).mean(-1))
    assert len(report.estimates) == 1 and report.estimates[0].temperature == 0.0
    # Theory overlay over the loads of the grid, RS α_c from esorma.replica.
    th = report.theory
    assert th.alphas[0] == pytest.approx(0.1) and th.alphas[-1] == pytest.approx(0.2)
    assert report.rs_alpha_c == pytest.approx(0.13790557, abs=1e-6)
    assert np.isnan(th.overlap[0, -1]) and th.overlap[0, 0] > 0.99


def test_text_and_json_numbers_agree_with_the_report(report):
    data = json.loads(json.dumps(_jsonable(report.key_numbers())))
    est = report.estimates[0]
    text = "\n".join(report.text())
    for i, n in enumerate(est.n_neurons):
        entry = data["alpha_c"]["T=0"][str(int(n))]
        assert entry["status"] == est.status[i]
        if np.isfinite(est.alpha_c[i]):
            assert entry["alpha_c"] == pytest.approx(est.alpha_c[i])
            assert f"alpha_c = {est.alpha_c[i]:.4f} +- {est.sigma[i]:.4f}" in text
        else:
            assert entry["alpha_c"] is None and f"({est.status[i]})" in text
    assert data["points_computed"] == report.n_computed and data["complete"]
    assert f"replica symmetric: {data['rs_alpha_c']:.4f}" in text
    ex = report.extrapolation
    if ex is not None:
        assert data["extrapolation"]["alpha_inf"] == pytest.approx(ex.alpha_inf)
        assert f"alpha_c(inf) = {ex.alpha_inf:.4f}" in text


def _jsonable(obj):
    from esorma.io import to_jsonable

    return to_jsonable(obj)


def test_report_round_trips(report, roundtrip):
    back = roundtrip(report)
    assert isinstance(back, CapacityReport) and isinstance(back.estimates, tuple)
    assert len(repr(back)) < 3000


def test_report_with_temperatures_round_trips(roundtrip):
    pytest.importorskip("esorma.dynamics.stochastic")
    cfg = CapacityConfig([200], [0.02, 0.05], temperatures=[0.0, 0.3], n_probes=3,
                         max_sweeps=10)
    rep = capacity_study(cfg, seed=0)
    assert len(rep.estimates) == 2 and rep.theory.overlap.shape[0] == 2
    assert rep.extrapolation is None  # one size: nothing to extrapolate
    roundtrip(rep)


def test_checkpoint_resumes_and_refuses_another_config(tmp_path, report, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ck = tmp_path / "run.h5"
    first = capacity_study(SMALL, seed=3, checkpoint=ck)
    assert first.checkpoint == str(ck) and first.n_computed == 6
    np.testing.assert_array_equal(first.overlaps, report.overlaps)  # file == memory
    again = capacity_study(SMALL, seed=3, checkpoint=ck)
    assert (again.n_computed, again.n_skipped, again.executor) == (0, 6, "none")
    np.testing.assert_array_equal(again.overlaps, report.overlaps)
    np.testing.assert_array_equal(again.estimates[0].alpha_c, report.estimates[0].alpha_c)
    # The raw checkpoint gives the same report.
    loaded = report_from_results(load_capacity(ck))
    np.testing.assert_array_equal(loaded.summary.retrieved_fraction,
                                  report.summary.retrieved_fraction)
    other = CapacityConfig(n_neurons=[300, 600], alphas=[0.1, 0.15, 0.2], n_probes=7)
    with pytest.raises(ValueError, match="Differing keys: n_probes: file=6, now=7"):
        capacity_study(other, seed=3, checkpoint=ck)
    with pytest.raises(ValueError, match="seed: file=3, now=4"):
        capacity_study(SMALL, seed=4, checkpoint=ck)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.h5"]


def test_nothing_is_written_without_a_checkpoint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    capacity_study(CapacityConfig([200], [0.05], n_probes=2), seed=0, theory=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"threshold": 1.5}, ValueError, "threshold must be > 0.0 and <= 1.0"),
    ({"exponent": 0.0}, ValueError, "exponent must be > 0.0"),
    ({"relative_threshold": 1.0}, ValueError, "relative_threshold must be"),
    ({"theory": "yes"}, TypeError, "theory must be True or False"),
    ({"quick": True}, ValueError, "either config or quick=True"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
])
def test_bad_arguments_are_refused_before_computing(tmp_path, kwargs, exc, match):
    ck = tmp_path / "ck.h5"
    with pytest.raises(exc, match=match):
        capacity_study(SMALL, checkpoint=ck, **kwargs)
    assert not ck.exists()
    with pytest.raises(TypeError, match="config must be a CapacityConfig"):
        capacity_study([300], checkpoint=ck)
    with pytest.raises(ValueError, match="n_neurons must be >= 2"):
        capacity_study({"n_neurons": [1], "alphas": [0.1]})


# --------------------------------------------------------------------------- the experiment


def _experiment():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "experiments" / "capacity_curve.py"
    spec = importlib.util.spec_from_file_location("capacity_curve_experiment", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_experiment_imports_only_the_library():
    from pathlib import Path

    src = (Path(__file__).resolve().parents[2] / "experiments" / "capacity_curve.py").read_text()
    assert "esorma.cli" not in src


def test_experiment_outputs_resume_and_bad_input(tmp_path, capsys):
    from esorma.io import load_result

    exp = _experiment()

    def args(probes="3", networks="1", quick=True):
        return (["-N", "200", "--alphas", "0.05", "0.3", "--probes", probes, "--networks",
                 networks, "--quiet", "--out", str(tmp_path)] + (["--quick"] if quick else []))

    assert exp.main(args()) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["capacity-quick-checkpoint.h5", "capacity-quick.h5", "capacity-quick.png",
                     "summary-quick.json"]
    rep = load_result(tmp_path / "capacity-quick.h5", CapacityReport)
    assert rep.complete and rep.seed == 2026 and rep.config.n_probes == 3
    summary = json.loads((tmp_path / "summary-quick.json").read_text())
    assert summary["points_computed"] == 2
    capsys.readouterr()
    # Rerunning resumes from the checkpoint.
    assert exp.main(args()) == 0
    summary = json.loads((tmp_path / "summary-quick.json").read_text())
    assert summary["points_computed"] == 0 and summary["points_resumed"] == 2
    capsys.readouterr()
    # Same folder, other config under the quick checkpoint: refused with a message, exit 2.
    assert exp.main(args(probes="4")) == 2
    err = capsys.readouterr().err
    assert "Differing keys" in err and "Traceback" not in err
    # An explicit 0 is refused, not silently replaced by the default.
    assert exp.main(args(networks="0", quick=False)) == 2
    assert "n_networks must be >= 1" in capsys.readouterr().err
    assert exp.main(args(probes="0", quick=False)) == 2
    assert "n_probes must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "capacity.h5").exists()
    assert not (tmp_path / "capacity-checkpoint.h5").exists()

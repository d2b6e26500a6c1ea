"""experiments/learning_prediction.py: imports only the library, writes the result, its
checkpoint and the figure, and a rerun resumes from the checkpoint."""

import importlib.util
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[2] / "experiments" / "learning_prediction.py"


def _experiment():
    spec = importlib.util.spec_from_file_location("learning_prediction_experiment", PATH)
    exp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exp)
    return exp


def test_the_experiment_uses_only_the_library():
    text = PATH.read_text()
    assert "esorma.cli" not in text and "def main(argv=None)" in text


@pytest.mark.slow
def test_quick_run_into_a_folder_then_resume(tmp_path, capsys):
    from esorma.io import load_result
    from esorma.training.prediction import PredictionStudy

    exp = _experiment()
    assert exp.main(["--quick", "--out", str(tmp_path), "--seed", "2"]) == 0
    first = capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["learning_prediction-quick-checkpoint.h5", "learning_prediction-quick.h5",
                     "learning_prediction-quick.png"]
    study = load_result(tmp_path / "learning_prediction-quick.h5", PredictionStudy)
    assert study.size == "quick" and study.n_runs == 16 and study.n_settings == 4
    assert "8 blocks of runs computed" in first and "diverged runs:" in first
    assert exp.main(["--quick", "--out", str(tmp_path / "again.h5"), "--seed", "2"]) == 0
    assert "8 blocks of runs computed" in capsys.readouterr().out  # another checkpoint
    assert exp.main(["--quick", "--out", str(tmp_path), "--seed", "2"]) == 0
    assert "0 blocks of runs computed" in capsys.readouterr().out  # resumed: nothing to do


def test_a_wrong_output_is_refused(tmp_path, capsys):
    exp = _experiment()
    assert exp.main(["--quick", "--figure", str(tmp_path / "f.h5")]) == 2
    assert "--figure must end in" in capsys.readouterr().err

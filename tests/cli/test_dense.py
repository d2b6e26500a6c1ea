"""The ``esorma dense`` command."""

import json

from esorma.cli import main


def test_landscape_json_and_files(tmp_path, capsys):
    from esorma.dense import DenseLandscape
    from esorma.io import load_result

    h5, png = tmp_path / "l.h5", tmp_path / "l.png"
    assert main(["dense", "landscape", "--n", "10", "--patterns", "3", "--starts", "100",
                 "--models", "poly2", "poly3", "--out", str(h5), "--figure", str(png),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["models"]["poly2"]["kinds"]["pattern"] == 3
    assert data["files"] == {"out": str(h5), "figure": str(png)}
    back = load_result(h5, DenseLandscape)
    assert back.models.tolist() == ["poly2", "poly3"]


def test_capacity_text_and_continuous_json(tmp_path, capsys):
    assert main(["dense", "capacity", "--models", "poly3", "--sizes", "20", "40", "--loads",
                 "0.5", "8", "--networks", "1", "--probes", "4", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["dense", "capacity", "--models", "poly3", "--sizes", "20", "40", "--loads",
                 "0.5", "8", "--networks", "1", "--probes", "4"]) == 0
    assert "fit poly3" in capsys.readouterr().out
    assert main(["dense", "continuous", "--betas", "0.5", "1000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fractions"]["global"][0] == 1.0 and data["fractions"]["single"][1] == 1.0


def test_bad_model_is_an_error(capsys):
    assert main(["dense", "landscape", "--models", "cubic"]) == 2
    assert "model" in capsys.readouterr().err


def test_capacity_exp_with_finite_scale_reports_both_rates(capsys):
    assert main(["dense", "capacity", "--models", "exp", "--sizes", "20", "30", "--loads",
                 "0.25", "1", "--networks", "1", "--probes", "6", "--corruption", "0.2",
                 "--scale", "finite", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    fit = data["fits"]["exp"]
    assert abs(fit["typical"] - 2 * fit["theory"]) < 1e-12
    assert data["config"]["scale"] == "finite"
    assert "nearest_pattern" in data["p_max"]["exp"]["20"]

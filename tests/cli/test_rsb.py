"""The ``esorma rsb`` command and its tour section."""

import json

import numpy as np
import pytest

from esorma.cli import main


def test_json_figure_and_result_file(tmp_path, capsys):
    from esorma.io import load_result, read_metadata
    from esorma.replica import SKRSBStudy

    png, h5 = tmp_path / "r.png", tmp_path / "r.h5"
    code = main(["rsb", "--k-max", "1", "--levels", "6", "--sizes", "8", "10", "--instances",
                 "6", "--figure", str(png), "--out", str(h5), "--json", "--seed", "2"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rs_energy"] == pytest.approx(-0.79788456, abs=1e-8)
    assert out["krsb_energies"]["1"] == pytest.approx(-0.76526, abs=3e-5)
    assert out["parisi_energy"] == pytest.approx(-0.763166, abs=1e-4)
    assert out["sizes"] == [8, 10] and len(out["mean_energy"]) == 2
    assert out["files"] == {"out": str(h5), "figure": str(png)}
    assert png.stat().st_size > 10_000
    study = load_result(h5, SKRSBStudy)
    assert study.parisi_energy == pytest.approx(out["parisi_energy"], abs=1e-8)
    meta = read_metadata(h5)
    assert meta["seed"] == 2 and meta["config"]["sizes"] == [8, 10]


def test_one_size_is_refused(capsys):
    assert main(["rsb", "--sizes", "8"]) == 2
    cap = capsys.readouterr()
    assert "--sizes" in cap.err and "1RSB" not in cap.out  # refused before computing


def test_tour_section(tmp_path):
    from esorma.cli import rsb
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=5, quiet=True, section="rsb")
    rsb.tour(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hopfield_1rsb.h5", "hopfield_1rsb.png", "sk_rsb.h5", "sk_rsb.png"]
    rec = ctx.summary["rsb"]
    assert rec["rs_energy"] < rec["krsb_energies"][1] < rec["parisi_energy"]
    assert rec["hopfield_alpha_c_1rsb"] == pytest.approx(0.138186, abs=2e-6)
    assert 0.019 < rec["hopfield_merge_temperature"] < 0.03


def test_hopfield_mode_json_and_file(tmp_path, capsys):
    from esorma.io import load_result
    from esorma.replica.rsb_study import Hopfield1RSBStudy

    h5, png = tmp_path / "h.h5", tmp_path / "h.png"
    code = main(["rsb", "--hopfield", "--grid-alphas", "0.134", "0.1381",
                 "--grid-temperatures", "0", "0.01", "--out", str(h5), "--json",
                 "--figure", str(png)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["alpha_c_1rsb"] == pytest.approx(0.138186, abs=2e-6)
    assert out["alpha_M_is_1rsb"] == [True, True]
    assert out["alpha_M_1rsb"][1] > out["alpha_M_1rsb"][0]
    assert 0.019 < out["merge_temperature"] < 0.03
    assert png.stat().st_size > 20_000  # three panels: m(alpha), T_M(alpha), the grid
    s = load_result(h5, Hopfield1RSBStudy)
    # 1RSB at the grid temperatures, RS above them (merged): the two lines coincide there
    assert s.is_1rsb[:2].all() and not s.is_1rsb[2:].any()
    np.testing.assert_array_equal(s.alpha_M_1rsb[2:], s.alpha_M_rs[2:])
    assert np.all(s.alpha_M_1rsb[:2] > s.alpha_M_rs[:2])


def test_hopfield_grid_out_of_range_is_refused(capsys):
    assert main(["rsb", "--hopfield", "--grid-alphas", "0.5"]) == 2
    assert "--grid-alphas" in capsys.readouterr().err

"""The ``esorma rsb`` command and its tour section."""

import json

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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sk_rsb.h5", "sk_rsb.png"]
    rec = ctx.summary["rsb"]
    assert rec["rs_energy"] < rec["krsb_energies"][1] < rec["parisi_energy"]

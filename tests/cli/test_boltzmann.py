"""``esorma boltzmann``: the result file, the figure only when asked, JSON that agrees with the
file, renamed flags, and clean errors that write nothing."""

import json

import numpy as np
import pytest

from esorma.cli import main
from esorma.io import load_result, read_metadata
from esorma.thermo import BoltzmannStudyResult


def _small(*extra):
    return ["boltzmann", "-N", "400", "-T", "0.3", "0.6", "1.3", "--sweeps", "120",
            "--burn-in", "20", "--chains", "2", "--exact-neurons", "10",
            "--exact-temperatures", "0.2:2.0:0.2", "--pq-temperatures", "0.3", "1.5",
            "--pt-sweeps", "400", "--seed", "3", *extra]


def test_out_is_the_result_and_json_agrees_with_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(_small("--out", "b.h5", "--json")) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pt_found_ground_state"] is True and summary["files"] == {"out": "b.h5"}
    m = np.array(summary["overlap"])
    mf = np.array(summary["mean_field_overlap"])
    assert abs(m[0] - mf[0]) < 0.03 and abs(m[2]) < 0.2  # T = 0.3 retrieves; T = 1.3 does not
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.h5"]  # no figure unasked
    res = load_result(tmp_path / "b.h5", BoltzmannStudyResult)
    assert res.overlap.tolist() == summary["overlap"]
    assert res.exact_pq.overlap_distribution.shape == (2, 11)
    np.testing.assert_allclose(res.exact_pq.overlap_distribution.sum(axis=1), 1.0)
    assert summary["exact_ground_energy_per_spin"] == res.exact.ground_energy / 10
    meta = read_metadata(tmp_path / "b.h5")
    assert meta["kind"] == "BoltzmannStudyResult" and meta["seed"] == 3
    assert meta["config"]["temperatures"] == [0.3, 0.6, 1.3]
    assert meta["config"]["update"] == "glauber"


def test_figure_is_written_only_to_figure(tmp_path, capsys, monkeypatch):
    # Issue 12: `--out bz.png` used to overwrite the HDF5 file with the figure. Now --out is
    # refused unless it ends in .h5 and the figure goes only where --figure says.
    monkeypatch.chdir(tmp_path)
    assert main(_small("--out", "bz.png")) == 2
    assert "--out must end in .h5" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(_small("--out", "bz.h5", "--figure", "bz.png", "--quiet")) == 0
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bz.h5", "bz.png"]
    assert (tmp_path / "bz.png").stat().st_size > 10_000
    load_result(tmp_path / "bz.h5", BoltzmannStudyResult)


def test_text_report(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(_small("--update", "metropolis")) == 0
    out = capsys.readouterr().out
    assert "metropolis dynamics" in out and "the exact ground state" in out
    assert "retrieval T = 0.3 [1/3]" in out  # progress lines
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flags", [["--rule", "glauber"], ["--plot", "x.png"], ["--h5", "x.h5"]])
def test_old_flags_are_gone(flags, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(_small(*flags))
    assert exc.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_bad_input_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for bad in (["--exact-neurons", "30"], ["-T", "-0.5"], ["--pq-temperatures", "0"],
                ["-T", "0.1:0.5:0"], ["--update", "wolff"]):
        code = None
        try:
            code = main(_small("--out", "bad.h5", "--figure", "bad.png", *bad))
        except SystemExit as exc:  # argparse choices
            code = exc.code
        assert code == 2
        err = capsys.readouterr().err
        assert "esorma boltzmann: error:" in err or "usage: esorma boltzmann" in err
    assert list(tmp_path.iterdir()) == []

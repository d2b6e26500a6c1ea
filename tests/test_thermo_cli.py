"""The ``esorma boltzmann`` command: outputs, JSON, and clean errors that write nothing."""

import json

import h5py
import numpy as np

from esorma.cli import main
from esorma.io import read_metadata


def _small(tmp_path, *extra):
    return ["boltzmann", "-N", "400", "-T", "0.3", "0.6", "1.3", "--sweeps", "120",
            "--burn-in", "20", "--chains", "2", "--exact-neurons", "10",
            "--exact-temperatures", "0.2:2.0:0.2", "--pq-temperatures", "0.3", "1.5",
            "--pt-sweeps", "400", "--seed", "3", *extra]


def test_boltzmann_command_writes_h5_png_and_json(tmp_path, capsys):
    out = tmp_path / "b.h5"
    assert main(_small(tmp_path, "--out", str(out), "--json")) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pt_found_ground_state"] is True
    m = np.array(summary["overlap"])
    mf = np.array(summary["mean_field_overlap"])
    assert abs(m[0] - mf[0]) < 0.03 and abs(m[2]) < 0.2  # T = 0.3 retrieves; T = 1.3 does not
    assert (tmp_path / "b.png").stat().st_size > 10_000
    meta = read_metadata(out)
    assert meta["kind"] == "boltzmann" and meta["seed"] == 3
    with h5py.File(out) as f:
        assert f["exact/overlap_distribution"].shape == (2, 11)
        np.testing.assert_allclose(f["exact/overlap_distribution"][()].sum(axis=1), 1.0)
        assert f["retrieval/overlap"].shape == (3,)
        assert f["tempering"].attrs["found_ground_state"]


def test_boltzmann_command_bad_input_writes_nothing(tmp_path, capsys):
    out = tmp_path / "bad.h5"
    for bad in (["--exact-neurons", "30"], ["-T", "-0.5"], ["--pq-temperatures", "0"],
                ["-T", "0.1:0.5:0"]):
        args = _small(tmp_path, "--out", str(out))
        args += bad
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "esorma boltzmann: error:" in err
    assert not out.exists() and not (tmp_path / "bad.png").exists()
    assert list(tmp_path.iterdir()) == []


def test_boltzmann_sub_studies_have_independent_seeds():
    # One SeedSequence child per sub-study (and per retrieval temperature, keyed by its
    # value): changing --temperatures must not change the SK instance, the tempering run,
    # or the retrieval run at a temperature present in both lists.
    from esorma.cli.boltzmann import compute

    kw = dict(n_neurons=200, n_patterns=3, sweeps=30, burn_in=5, chains=2, rule="glauber",
              exact_neurons=8, exact_temperatures=[0.5, 1.0], pq_temperatures=[1.0],
              pt_sweeps=50, seed=7)
    a = compute(temperatures=[0.3, 1.3], **kw)
    b = compute(temperatures=[0.9, 0.3], **kw)
    np.testing.assert_array_equal(a["sk_couplings"], b["sk_couplings"])
    assert a["pt_ground_energy"] == b["pt_ground_energy"]
    np.testing.assert_array_equal(a["pt_acceptance"], b["pt_acceptance"])
    assert a["overlap"][0] == b["overlap"][1]  # T = 0.3 in both runs
    c = compute(temperatures=[0.3, 1.3], **{**kw, "seed": 8})
    assert not np.array_equal(a["sk_couplings"], c["sk_couplings"])

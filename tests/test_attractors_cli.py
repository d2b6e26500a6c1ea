"""The ``esorma attractors`` command: table, JSON, HDF5 and figure output, bad input."""

import json

import numpy as np
import pytest

from esorma.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_exact_json_matches_library(capsys):
    from esorma import Hopfield
    from esorma.attractors import exact_basins
    from esorma.cli.attractors import _seeds
    from esorma.patterns import random_patterns

    out = _json(capsys, ["attractors", "--n", "10", "--patterns", "3", "--seed", "5",
                         "--json", "--top", "0", "--dynamics", "sequential"])
    assert out["config"]["method"] == "exact"
    net_seed, _ = _seeds(5)
    xi = random_patterns(3, 10, rng=np.random.default_rng(net_seed))
    ref = exact_basins(Hopfield.from_patterns(xi), mode="sequential")
    assert out["summary"]["n_attractors"] == ref.n_attractors
    assert [r["basin_size"] for r in out["attractors"]] == ref.basin_sizes.tolist()
    assert sum(r["basin_size"] for r in out["attractors"]) == 2**10
    assert [r["label"] for r in out["attractors"]] == ref.labels.names


def test_sampled_table_out_and_fig(tmp_path, capsys):
    from esorma.io import load_result, read_metadata

    h5, png = tmp_path / "a.h5", tmp_path / "a.png"
    assert main(["attractors", "--n", "300", "--load", "0.01", "--starts", "120",
                 "--from", "patterns", "--out", str(h5), "--fig", str(png)]) == 0
    text = capsys.readouterr().out
    assert "sampled search" in text and "pattern 0" in text and "pattern 2" in text
    run = load_result(h5)
    assert run.network.n_neurons == 300 and run.network.n_patterns == 3
    assert sorted(run.result.labels.names) == ["pattern 0", "pattern 1", "pattern 2"]
    meta = read_metadata(h5)
    assert meta["kind"] == "attractors" and meta["config"]["start_from"] == "patterns"
    assert png.stat().st_size > 10_000


def test_sk_and_couplings_files(tmp_path, capsys):
    from esorma.cli.attractors import _seeds, sk_couplings

    out = _json(capsys, ["attractors", "--sk", "--n", "11", "--json", "--seed", "3"])
    assert set(out["summary"]["cycle_lengths"]) <= {1, 2}
    J = sk_couplings(11, np.random.default_rng(_seeds(3)[0]))
    np.save(tmp_path / "J.npy", J)
    out2 = _json(capsys, ["attractors", "--couplings", str(tmp_path / "J.npy"), "--json"])
    assert out2["summary"]["n_attractors"] == out["summary"]["n_attractors"]
    import h5py

    with h5py.File(tmp_path / "J.h5", "w") as fh:
        fh["J"] = J
    out3 = _json(capsys, ["attractors", "--couplings", str(tmp_path / "J.h5"), "--json"])
    assert out3["attractors"] == out["attractors"]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--n", "12", "--method", "exact", "--dynamics", "async"], "--dynamics must be sync"),
        (["--n", "30", "--method", "exact"], "N must be <= max_neurons"),
        (["--n", "0"], "--n must be >= 1"),
        (["--n", "10", "--load", "-0.1"], "--load must be > 0"),
        (["--couplings", "missing.npy"], "no such file"),
        (["--n", "50", "--starts", "0"], "--starts must be >= 1"),
        (["--n", "50", "--corruption", "2"], "--corruption must be"),
        (["--sk", "--n", "40", "--from", "patterns"], "needs stored patterns"),
    ],
)
def test_bad_input(argv, message, capsys):
    assert main(["attractors", *argv]) == 2
    assert message in capsys.readouterr().err


def test_bad_couplings_file(tmp_path, capsys):
    np.save(tmp_path / "bad.npy", np.ones((3, 4)))
    assert main(["attractors", "--couplings", str(tmp_path / "bad.npy")]) == 2
    assert "square" in capsys.readouterr().err
    (tmp_path / "x.txt").write_text("1 2")
    assert main(["attractors", "--couplings", str(tmp_path / "x.txt")]) == 2
    assert ".npy or .h5" in capsys.readouterr().err


@pytest.mark.slow
def test_tour_section(tmp_path):
    from esorma.cli.tour import TourContext
    from esorma.cli.attractors import tour

    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="attractors")
    tour(ctx)
    rec = ctx.summary["attractors"]
    assert rec["sampled_patterns_found"] == 10
    assert all(p.exists() for p in ctx.files)

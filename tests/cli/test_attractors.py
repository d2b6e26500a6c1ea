"""The ``esorma attractors`` command: table, JSON, HDF5 and figure output, bad input."""

import json
import re

import numpy as np
import pytest

from esorma.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _net_seed(seed):
    """The network's stream of a seed, as documented by attractor_study (independent here)."""
    return int(np.random.SeedSequence(seed).generate_state(2)[0])


def test_exact_json_matches_library(capsys):
    from esorma import Hopfield
    from esorma.attractors import exact_basins
    from esorma.patterns import random_patterns

    out = _json(capsys, ["attractors", "--n", "10", "--patterns", "3", "--seed", "5",
                         "--json", "--top", "0", "--dynamics", "sequential"])
    assert out["config"]["method"] == "exact"
    assert out["summary"]["method"] == "exact" and out["summary"]["dynamics"] == "sequential"
    xi = random_patterns(3, 10, rng=np.random.default_rng(_net_seed(5)))
    ref = exact_basins(Hopfield.from_patterns(xi), mode="sequential")
    assert out["summary"]["n_attractors"] == ref.n_attractors
    assert [r["basin_size"] for r in out["attractors"]] == ref.basin_sizes.tolist()
    assert sum(r["basin_size"] for r in out["attractors"]) == 2**10
    assert [r["label"] for r in out["attractors"]] == ref.labels.names
    assert out["files"] == {}


def test_text_agrees_with_json_and_formats_energies_alike(capsys):
    """Energies always with 4 decimals (never ``-4`` beside ``-4.8333``); text == JSON."""
    argv = ["attractors", "--n", "12", "--patterns", "3", "--seed", "0", "--top", "0"]
    data = _json(capsys, argv + ["--json"])
    assert main(argv) == 0
    text = capsys.readouterr().out
    rows = [line for line in text.splitlines() if re.match(r"^\s+\d+\s{2}", line)]
    assert len(rows) == len(data["attractors"]) == data["summary"]["n_attractors"]
    energies = [line.split()[-4] for line in rows]
    assert all(re.fullmatch(r"-?\d+\.\d{4}", e) for e in energies), energies
    assert [float(e) for e in energies] == pytest.approx(
        [r["energy"] for r in data["attractors"]], abs=5e-5)
    s = data["summary"]
    assert (f"{s['n_attractors']} attractors ({s['n_fixed_points']} fixed points, "
            f"{s['n_cycles']} cycles)") in text
    from esorma.attractors import KIND_NAMES

    counts = ", ".join(f"{s['label_counts'][k]} {k}" for k in KIND_NAMES)
    assert f"labels: {counts}" in text
    assert "more (--top 0" not in text


def test_energies_follow_the_design_convention(tmp_path, capsys):
    from esorma.io import load_result

    h5 = tmp_path / "a.h5"
    data = _json(capsys, ["attractors", "--n", "9", "--patterns", "2", "--top", "0",
                          "--json", "--out", str(h5)])
    study = load_result(h5)
    net = study.network
    J = net.scale * net.J.astype(np.float64)
    for row, s in zip(data["attractors"], study.attractors.attractors):
        s = s.astype(np.float64)
        assert row["energy"] == pytest.approx(-0.5 * s @ J @ s + net.theta @ s, abs=1e-12)


def test_sampled_table_out_and_figure(tmp_path, capsys):
    from esorma.attractors import AttractorStudy
    from esorma.io import load_result, read_metadata

    h5, png = tmp_path / "a.h5", tmp_path / "a.png"
    assert main(["attractors", "--n", "300", "--load", "0.01", "--starts", "120",
                 "--from", "patterns", "--out", str(h5), "--figure", str(png)]) == 0
    text = capsys.readouterr().out
    assert "sampled search" in text and "pattern 0" in text and "pattern 2" in text
    assert f"wrote {h5} (out)" in text and f"wrote {png} (figure)" in text
    run = load_result(h5, AttractorStudy)
    assert run.network.n_neurons == 300 and run.network.n_patterns == 3
    assert run.method == "sampled" and run.start_from == "patterns" and run.n_starts == 120
    assert sorted(run.attractors.labels.names) == ["pattern 0", "pattern 1", "pattern 2"]
    meta = read_metadata(h5)
    assert meta["kind"] == "AttractorStudy" and meta["config"]["start_from"] == "patterns"
    assert meta["seed"] == 0
    assert png.stat().st_size > 10_000


def test_sk_and_couplings_files(tmp_path, capsys):
    from esorma.couplings import sk_couplings

    out = _json(capsys, ["attractors", "--sk", "--n", "11", "--json", "--seed", "3"])
    assert set(out["summary"]["cycle_lengths"]) <= {1, 2}
    assert out["summary"]["source"] == "sk"
    J = sk_couplings(11, rng=np.random.default_rng(_net_seed(3)))
    np.save(tmp_path / "J.npy", J)
    out2 = _json(capsys, ["attractors", "--couplings", str(tmp_path / "J.npy"), "--json"])
    assert out2["summary"]["n_attractors"] == out["summary"]["n_attractors"]
    assert out2["config"]["couplings_file"] == str(tmp_path / "J.npy")
    import h5py

    with h5py.File(tmp_path / "J.h5", "w") as fh:
        fh["J"] = J
    out3 = _json(capsys, ["attractors", "--couplings", str(tmp_path / "J.h5"), "--json"])
    assert out3["attractors"] == out["attractors"]


def test_result_file_can_be_read_back_as_couplings(tmp_path, capsys):
    h5 = tmp_path / "run.h5"
    first = _json(capsys, ["attractors", "--n", "10", "--patterns", "2", "--seed", "4",
                           "--json", "--out", str(h5)])
    again = _json(capsys, ["attractors", "--couplings", str(h5), "--json"])
    assert again["attractors"] == first["attractors"]  # patterns kept: same labels too


def test_method_exact_above_the_limit_speaks_in_flags(capsys):
    assert main(["attractors", "--n", "40", "--method", "exact"]) == 2
    err = capsys.readouterr().err
    assert "usage: esorma attractors" in err
    assert "--method exact" in err and "N <= 24" in err and "--method sampled" in err
    assert "esorma.attractors" not in err and "sample_attractors" not in err
    assert "max_neurons" not in err


def test_output_flags_are_the_contract_ones():
    import argparse

    from esorma.cli.attractors import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = {s for a in parser._actions for s in a.option_strings}
    assert {"--out", "--figure", "--json", "--force", "--seed", "--quiet"} <= flags
    assert not flags & {"--fig", "--h5", "--plot", "--no-figure", "--graph"}


def test_nothing_written_by_default(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["attractors", "--n", "8", "--patterns", "2", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--n", "12", "--method", "exact", "--dynamics", "async"], "--dynamics must be sync"),
        (["--n", "12", "--method", "exact", "--from", "patterns"], "--from only applies"),
        (["--n", "30", "--method", "exact"], "--method exact visits all 2^N states"),
        (["--n", "0"], "--n must be >= 1"),
        (["--sk", "--n", "1"], "--n must be >= 2"),
        (["--n", "10", "--load", "-0.1"], "--load must be > 0"),
        (["--couplings", "missing.npy"], "no such file"),
        (["--couplings", "x.npy", "--n", "4"], "--n cannot be combined with --couplings"),
        (["--sk", "--rule", "storkey"], "--rule only applies"),
        (["--n", "50", "--starts", "0"], "--starts must be >= 1"),
        (["--n", "50", "--corruption", "2"], "--corruption must be"),
        (["--n", "50", "--tol", "-1"], "--tol must be"),
        (["--n", "50", "--top", "-1"], "--top must be >= 0"),
        (["--n", "8", "--seed", "-1"], "--seed must be a non-negative"),
        (["--sk", "--n", "40", "--from", "patterns"], "needs stored patterns"),
    ],
)
def test_bad_input(argv, message, capsys):
    assert main(["attractors", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_couplings_file(tmp_path, capsys):
    np.save(tmp_path / "bad.npy", np.ones((3, 4)))
    assert main(["attractors", "--couplings", str(tmp_path / "bad.npy")]) == 2
    err = capsys.readouterr().err
    assert "square" in err and "bad.npy" in err
    (tmp_path / "x.txt").write_text("1 2")
    assert main(["attractors", "--couplings", str(tmp_path / "x.txt")]) == 2
    assert ".npy or .h5" in capsys.readouterr().err
    import h5py

    with h5py.File(tmp_path / "other.h5", "w") as fh:
        fh["weights"] = np.eye(3)
    assert main(["attractors", "--couplings", str(tmp_path / "other.h5")]) == 2
    err = capsys.readouterr().err
    assert "other.h5" in err and "dataset 'J'" in err and "weights" in err
    (tmp_path / "fake.h5").write_text("not hdf5")
    assert main(["attractors", "--couplings", str(tmp_path / "fake.h5")]) == 2
    assert "fake.h5 is not a readable HDF5 file" in capsys.readouterr().err


def test_pattern_starts_without_patterns(tmp_path, capsys):
    np.save(tmp_path / "J.npy", np.eye(20) * 0 + 0.1)
    assert main(["attractors", "--couplings", str(tmp_path / "J.npy"), "--from",
                 "patterns"]) == 2
    err = capsys.readouterr().err
    assert "needs a network that stores patterns" in err and "J.npy" in err


def test_auto_samples_when_asked_for_async_or_pattern_starts(capsys):
    out = _json(capsys, ["attractors", "--n", "12", "--dynamics", "async", "--starts", "50",
                         "--json"])
    assert out["summary"]["method"] == "sampled" and out["summary"]["dynamics"] == "async"
    out = _json(capsys, ["attractors", "--n", "12", "--json"])
    assert out["summary"]["method"] == "exact"


@pytest.mark.slow
def test_tour_section(tmp_path):
    from esorma.attractors import AttractorStudy
    from esorma.cli.attractors import tour
    from esorma.cli.tour import TourContext
    from esorma.io import load_result

    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="attractors")
    tour(ctx)
    rec = ctx.summary["attractors"]
    assert rec["sampled_patterns_found"] == 10
    assert all(p.exists() for p in ctx.files)
    exact = load_result(tmp_path / "attractors-exact.h5", AttractorStudy)
    assert exact.attractors.n_attractors == rec["exact_sync_attractors"]
    assert exact.seed == 1

"""``esorma attractors --method enumerate`` (with --dask / --checkpoint): same fixed points."""

from __future__ import annotations

import json

import numpy as np
import pytest

from esorma.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _sk_of_seed(n, seed):
    """The SK couplings `esorma attractors --sk --seed S` builds (the network's stream)."""
    from esorma.couplings import sk_couplings

    net_seed = int(np.random.SeedSequence(seed).generate_state(2)[0])
    return sk_couplings(n, rng=np.random.default_rng(net_seed))


def test_enumerate_json_matches_library(capsys):
    from esorma.attractors import enumerate_fixed_points

    out = _json(capsys, ["attractors", "--sk", "--n", "18", "--seed", "4",
                         "--method", "enumerate", "--json", "--top", "0"])
    ref = enumerate_fixed_points(_sk_of_seed(18, 4))
    assert out["summary"]["n_fixed_points"] == len(ref)
    assert [r["state"] for r in out["fixed_points"]] == ref.states.astype(int).tolist()
    assert [r["energy"] for r in out["fixed_points"]] == pytest.approx(ref.energies.tolist())
    assert out["summary"]["prefix_tasks"] is None


def test_checkpoint_resume_and_out_file(capsys, tmp_path, roundtrip):
    argv = ["attractors", "--sk", "--n", "20", "--seed", "2", "--method", "enumerate",
            "--checkpoint", str(tmp_path / "ck.h5"), "--prefixes", "8", "--json", "--top", "0"]
    first = _json(capsys, argv + ["--out", str(tmp_path / "fp.h5")])
    again = _json(capsys, argv)
    assert first["summary"]["prefixes_resumed"] == 0
    assert again["summary"]["prefixes_resumed"] == first["summary"]["prefix_tasks"] >= 8
    assert again["fixed_points"] == first["fixed_points"]
    from esorma.io import load_result

    fp = load_result(tmp_path / "fp.h5")
    assert len(fp) == first["summary"]["n_fixed_points"]
    roundtrip(fp)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--dask", "local"], "--method enumerate"),  # without --method enumerate
        (["--method", "enumerate", "--dask", "nowhere"], "--dask"),
        (["--method", "enumerate", "--checkpoint", "x.txt"], "--checkpoint"),
        (["--method", "enumerate", "--scheduler", "tcp://a:1", "--dask", "tcp://b:2"],
         "two clusters"),
        (["--method", "enumerate", "--scheduler", "nowhere"], "--dask"),
        (["--method", "enumerate", "--prefixes", "0"], "--prefixes"),
        (["--method", "enumerate", "--dynamics", "sync"], "--dynamics"),
        (["--method", "enumerate", "--n", "65"], "N <= 64"),
        (["--method", "enumerate", "--n", "60", "--max-seconds", "1"], "max_seconds"),
    ],
)
def test_bad_flags_are_named(capsys, extra, message):
    argv = ["attractors", "--sk", "--n", "12", *extra]
    assert main(argv) == 2
    assert message in capsys.readouterr().err

"""One command contract, checked on every sub-command that computes a result.

For each command, a cheap invocation is run with ``--json`` (valid JSON, nothing written) and
with ``--out``/``--figure`` (exactly those files appear, the file loads back with
``load_result``); wrong targets are refused before the command runs at all.
"""

import json

import pytest

from esorma.cli import command_modules, main
from esorma.io import load_result, read_metadata

#: A cheap invocation of every command (a few seconds at most each).
CASES = {
    "warmup": ["warmup", "--parts", "phase-diagram"],
    "learn": ["learn", "--tasks", "teacher", "--learning-rates", "0.3", "--runs", "8", "--steps",
              "150", "--windows", "2", "--window", "10", "--boot", "50"],
    "attractors": ["attractors", "--n", "8", "--patterns", "2"],
    "capacity": ["capacity", "--n-neurons", "100", "--alphas", "0.05", "0.2", "--networks", "1",
                 "--probes", "2"],
    "phase-diagram": ["phase-diagram", "--n-points", "8"],
    "spectrum": ["spectrum", "goe", "--n", "60"],
    "boltzmann": ["boltzmann", "--quick"],
    "bridge": ["bridge", "xor", "--epochs", "300", "--no-lyapunov"],
    "chaos": ["chaos", "--n", "40", "--g", "0.5", "1.5", "--t-max", "10", "--t-transient", "2"],
    "rsb": ["rsb", "--k-max", "1", "--levels", "6", "--sizes", "8", "10", "--instances", "5"],
    "dense": ["dense", "landscape", "--n", "10", "--patterns", "3", "--starts", "100",
              "--models", "poly2", "poly3"],
}


def test_every_computing_command_has_a_case():
    names = {m.NAME for m in command_modules() if m.NAME != "tour"}
    assert names == set(CASES)


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return request.param, list(CASES[request.param])


def _forbid_run(monkeypatch, name):
    mod = {m.NAME: m for m in command_modules()}[name]

    def run(args):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"{name} computed before refusing its output target")

    monkeypatch.setattr(mod, "run", run)


@pytest.mark.parametrize("flags, reason", [
    (["--out", "result.png"], "--out must end in .h5"),
    (["--figure", "figure.h5"], "--figure must end in .png"),
    (["--out", "missing/result.h5"], "does not exist"),
])
def test_wrong_targets_are_refused_before_computing(case, flags, reason, monkeypatch, capsys,
                                                    tmp_path):
    name, argv = case
    _forbid_run(monkeypatch, name)
    assert main(argv + flags) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert f"usage: esorma {name}" in err  # the sub-command's usage, not the top level's
    assert list(tmp_path.iterdir()) == []


def test_existing_targets_are_refused_without_force(case, monkeypatch, capsys, tmp_path):
    name, argv = case
    (tmp_path / "old.h5").write_bytes(b"keep me")
    _forbid_run(monkeypatch, name)
    assert main(argv + ["--out", "old.h5"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (tmp_path / "old.h5").read_bytes() == b"keep me"


def test_json_is_valid_and_writes_nothing(case, capsys, tmp_path):
    name, argv = case
    assert main(argv + ["--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict) and data
    assert list(tmp_path.iterdir()) == []


def test_out_and_figure_write_exactly_those_files(case, capsys, tmp_path):
    name, argv = case
    assert main(argv + ["--out", "r.h5", "--figure", "f.png", "--quiet", "--force"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.png", "r.h5"]
    result = load_result(tmp_path / "r.h5")
    assert len(repr(result)) < 3000
    meta = read_metadata(tmp_path / "r.h5")
    assert isinstance(meta["config"], dict) and meta["config"]
    assert meta["seed"] is None or isinstance(meta["seed"], int)

"""``esorma capacity``: the command contract with a resumable --checkpoint, text and JSON that
agree, the theory-only mode, errors before computing, a killed run resumed, and the tour."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from esorma.capacity import CapacityReport, CapacityTheory, load_capacity
from esorma.io import load_result, read_metadata


def _cli(argv, capsys):
    from esorma.cli import main

    rc = main([str(a) for a in argv])
    return rc, capsys.readouterr()


SMALL = ["capacity", "-N", "300", "600", "--alphas", "0.1:0.2:0.05", "--networks", "1",
         "--probes", "6", "--seed", "3"]


def _forbid_study(monkeypatch):
    import esorma.capacity

    def study(*args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("computed before refusing the flags")

    monkeypatch.setattr(esorma.capacity, "capacity_study", study)


def test_checkpoint_resumes_and_refuses_another_config(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, cap = _cli(SMALL + ["--checkpoint", "ck.h5", "--json"], capsys)
    assert rc == 0
    rep = json.loads(cap.out)
    assert rep["points_computed"] == 6 and rep["points_resumed"] == 0 and rep["complete"]
    assert rep["checkpoint"] == "ck.h5" and rep["files"] == {}
    assert set(rep["alpha_c"]["T=0"]) == {"300", "600"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.h5"]  # no figure, no result
    rc, cap = _cli(SMALL + ["--checkpoint", "ck.h5", "--json", "--out", "r.h5"], capsys)
    rep2 = json.loads(cap.out)
    assert rc == 0 and rep2["points_computed"] == 0 and rep2["points_resumed"] == 6
    assert rep2["alpha_c"] == rep["alpha_c"] and rep2["files"] == {"out": "r.h5"}
    res = load_capacity(tmp_path / "ck.h5")
    assert res.complete and res.seed == 3 and res.config.n_probes == 6
    report = load_result(tmp_path / "r.h5", CapacityReport)
    assert report.checkpoint == "ck.h5" and report.n_skipped == 6
    assert read_metadata(tmp_path / "r.h5")["seed"] == 3
    rc, cap = _cli(SMALL + ["--checkpoint", "ck.h5", "--probes", "7"], capsys)
    assert rc == 2 and "Differing keys: n_probes: file=6, now=7" in cap.err
    assert "usage: esorma capacity" in cap.err
    # The finished result is never overwritten silently.
    rc, cap = _cli(SMALL + ["--checkpoint", "ck.h5", "--out", "r.h5"], capsys)
    assert rc == 2 and "--force" in cap.err


def test_out_is_the_report_and_the_json_agrees_with_it(tmp_path, capsys):
    out = tmp_path / "r.h5"
    rc, cap = _cli(SMALL + ["--out", out, "--json"], capsys)
    assert rc == 0
    data = json.loads(cap.out)
    report = load_result(out, CapacityReport)
    assert report.checkpoint is None and report.complete
    est = report.estimates[0]
    for i, n in enumerate(est.n_neurons):
        value = data["alpha_c"]["T=0"][str(int(n))]["alpha_c"]
        assert (value is None) if not np.isfinite(est.alpha_c[i]) else (
            value == pytest.approx(est.alpha_c[i]))
    meta = read_metadata(out)
    assert meta["config"]["n_probes"] == 6 and meta["config"]["threshold"] == 0.9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


def test_text_output_theory_and_errors(tmp_path, capsys):
    rc, cap = _cli(SMALL + ["--out", tmp_path / "c.h5", "--quiet"], capsys)
    assert rc == 0 and cap.out == "" and cap.err == ""  # --quiet: no report, no progress bar
    rc, cap = _cli(SMALL + ["--figure", tmp_path / "c.png"], capsys)
    assert rc == 0 and "alpha_c(N)" in cap.out and "replica symmetric" in cap.out
    assert "wrote" in cap.out and (tmp_path / "c.png").exists()
    pytest.importorskip("esorma.replica")
    rc, cap = _cli(["capacity", "--theory", "--json"], capsys)
    assert rc == 0 and abs(json.loads(cap.out)["alpha_c"] - 0.13790557) < 1e-6
    rc, cap = _cli(["capacity", "--theory", "--out", tmp_path / "th.h5"], capsys)
    assert "alpha_c = 0.1379" in cap.out
    th = load_result(tmp_path / "th.h5", CapacityTheory)
    assert th.alpha_c == pytest.approx(0.13790557, abs=1e-6)
    rc, cap = _cli(["capacity", "-N", "1", "--out", tmp_path / "x.h5"], capsys)
    assert rc == 2 and "n_neurons must be >= 2" in cap.err
    rc, cap = _cli(["capacity", "--alphas", "0.1:0.05:0.01", "--out", tmp_path / "x.h5"],
                   capsys)
    assert rc == 2 and "STOP >= START" in cap.err
    rc, cap = _cli(SMALL + ["--checkpoint", tmp_path / "d.h5", "--out", tmp_path / "d2.h5",
                            "--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"], capsys)
    assert rc == 2 and "could not reach the Dask scheduler" in cap.err
    assert not (tmp_path / "d.h5").exists() and not (tmp_path / "d2.h5").exists()


@pytest.mark.parametrize("tokens, match", [
    (["0.1:0.2"], "--alphas ranges must be numbers START:STOP:STEP"),
    (["0.1:0.2:0"], "STEP > 0"),
    (["x"], "--alphas must be numbers or START:STOP:STEP"),
])
def test_alpha_ranges_are_parsed_before_computing(tokens, match, capsys, monkeypatch):
    _forbid_study(monkeypatch)
    rc, cap = _cli(["capacity", "--alphas", *tokens], capsys)
    assert rc == 2 and match in cap.err


def test_alpha_ranges_give_the_grid(tmp_path, capsys):
    rc, cap = _cli(["capacity", "-N", "200", "--alphas", "0.05:0.08:0.01", "0.1", "--networks",
                    "1", "--probes", "2", "--json"], capsys)
    assert rc == 0
    assert json.loads(cap.out)["config"]["alphas"] == [0.05, 0.06, 0.07, 0.08, 0.1]


@pytest.mark.parametrize("flags, match", [
    (["--checkpoint", "ck.png"], "--checkpoint must end in .h5 or .hdf5"),
    (["--checkpoint", "missing/ck.h5"], "--checkpoint: folder 'missing' does not exist"),
    (["--checkpoint", "r.h5", "--out", "r.h5"], "--checkpoint and --out name the same file"),
    (["--threshold", "1.5"], "--threshold must be"),
    (["--exponent", "0"], "--exponent must be"),
])
def test_flags_are_refused_before_computing(flags, match, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _forbid_study(monkeypatch)
    rc, cap = _cli(SMALL + flags, capsys)
    assert rc == 2 and match in cap.err, cap.err
    assert list(tmp_path.iterdir()) == []


KILL = textwrap.dedent(
    """
    import os, signal, sys
    import esorma.capacity.simulation as sim
    from esorma.cli import main

    real = sim.run_point
    done = []

    def run_point(point, *, config):
        if len(done) == 4:
            os.kill(os.getpid(), signal.SIGKILL)
        done.append(point.key)
        return real(point, config=config)

    sim.run_point = run_point
    main(sys.argv[1:])
    """
)


def test_killed_command_resumes_from_its_checkpoint(tmp_path, capsys):
    # Same grid as the library's kill test: 6 points, killed while computing the fifth.
    argv = ["capacity", "-N", "300", "500", "--alphas", "0.1", "0.14", "0.18", "--networks",
            "2", "--probes", "6", "--seed", "11", "--quiet"]
    script = tmp_path / "kill.py"
    script.write_text(KILL)
    ck = tmp_path / "ck.h5"
    proc = subprocess.run([sys.executable, str(script), *argv, "--checkpoint", str(ck),
                           "--out", str(tmp_path / "never.h5")], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert not (tmp_path / "never.h5").exists()
    assert len(load_capacity(ck).points) == 4
    rc, cap = _cli(argv + ["--checkpoint", ck, "--out", tmp_path / "resumed.h5", "--json"],
                   capsys)
    rep = json.loads(cap.out)
    assert rc == 0 and (rep["points_resumed"], rep["points_computed"]) == (4, 2)
    rc, _ = _cli(argv + ["--out", tmp_path / "straight.h5", "--workers", "2"], capsys)
    assert rc == 0
    resumed = load_result(tmp_path / "resumed.h5")
    straight = load_result(tmp_path / "straight.h5")
    assert straight.executor == "processes"
    np.testing.assert_array_equal(resumed.overlaps, straight.overlaps)
    np.testing.assert_array_equal(resumed.summary.retrieved_fraction,
                                  straight.summary.retrieved_fraction)


def test_help_is_for_users():
    from esorma.cli import build_parsers

    text = build_parsers()[1]["capacity"].format_help()
    assert "--checkpoint FILE.h5" in text and "--out FILE.h5" in text
    for gone in ("--fig ", "--h5", "default capacity.h5"):
        assert gone not in text


def test_tour_section_quick_run(tmp_path):
    # `esorma capacity --quick` (N = 500, 1000, 2000) is the tour section: < 1 min.
    from esorma.cli import capacity as cmd
    from esorma.cli.tour import TourContext

    ctx = TourContext(outdir=tmp_path, seed=2026, quiet=True, section="capacity")
    cmd.tour(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capacity.h5", "capacity.png"]
    rec = ctx.summary["capacity"]
    assert rec["n_points"] == 48
    # With 2 networks x 20 probes the N = 2000 crossing lies in the window.
    assert 0.13 < rec["alpha_c_N2000"] < 0.165
    assert rec["alpha_c_N500"] > rec["alpha_c_N2000"]  # finite-size shift downwards with N
    res = load_result(tmp_path / "capacity.h5", CapacityReport)
    assert res.complete and res.config.n_neurons == (500, 1000, 2000)
    assert read_metadata(tmp_path / "capacity.h5")["seed"] == 2026

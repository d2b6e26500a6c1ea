"""The resumable HDF5 store of esorma.sweeps: layout and provenance, atomic per-point commits,
resume after a failure or a SIGKILL, refusal of a file written with another config (the heavy
equality checks with the capacity experiment live in the capacity tests)."""

import hashlib
import json
import subprocess
import sys
import textwrap
import time

import h5py
import numpy as np
import pytest

from esorma.sweeps import (
    PointOutput,
    _example_point,
    config_differences,
    grid_points,
    load_points,
    run_sweep,
)


def _digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _arrays(path):
    _, pts = load_points(path)
    return {k: {n: v.tolist() for n, v in p.arrays.items()} for k, p in pts.items()}


def test_file_layout_and_resume_skips_finished_points(tmp_path):
    path = tmp_path / "s.h5"
    pts = grid_points({"x": [1, 2, 3, 4]}, seed=9)
    calls = []

    def f(p):
        calls.append(p.key)
        return _example_point(p)

    rep = run_sweep(f, pts[:2], path=path, kind="demo", config={"a": 1}, seed=9, progress=False)
    assert (rep.n_computed, rep.n_skipped) == (2, 0)
    with h5py.File(path, "r") as fh:
        assert sorted(fh["points"]) == ["x=1", "x=2"]
        assert fh["points/x=1"].attrs["spawn_key"] == b"[1]"  # fixed-length UTF-8 text
    rep = run_sweep(f, pts, path=path, kind="demo", config={"a": 1}, seed=9, progress=False)
    assert (rep.n_computed, rep.n_skipped) == (2, 2)
    assert calls == ["x=1", "x=2", "x=3", "x=4"]  # finished points were never recomputed
    meta, stored = load_points(path)
    assert meta["kind"] == "demo" and meta["config"] == {"a": 1} and meta["seed"] == 9
    for p in pts:
        np.testing.assert_array_equal(stored[p.key].arrays["values"], p.rng().random(2))
        assert stored[p.key].coords == p.coords
    # Nothing left: no temporary files and no lock file beside the results.
    assert sorted(x.name for x in tmp_path.iterdir()) == ["s.h5"]


def test_injected_failure_keeps_finished_points_and_resume_is_identical(tmp_path):
    pts = grid_points({"x": list(range(6))}, seed=1)
    full = tmp_path / "full.h5"
    run_sweep(_example_point, pts, path=full, kind="demo", config={}, seed=1, progress=False)

    part = tmp_path / "part.h5"

    def failing(p):
        if p.index == 3:
            raise RuntimeError("injected failure")
        return _example_point(p)

    with pytest.raises(RuntimeError, match="injected"):
        run_sweep(failing, pts, path=part, kind="demo", config={}, seed=1, progress=False)
    assert sorted(load_points(part)[1]) == ["x=0", "x=1", "x=2"]
    rep = run_sweep(_example_point, pts, path=part, kind="demo", config={}, seed=1,
                    progress=False)
    assert (rep.n_skipped, rep.n_computed) == (3, 3)
    assert _arrays(part) == _arrays(full)


def test_mismatched_config_seed_or_kind_is_refused_and_file_untouched(tmp_path):
    path = tmp_path / "s.h5"
    pts = grid_points({"x": [1, 2]}, seed=0)
    cfg = {"n_probes": 20, "rule": "hebb"}
    run_sweep(_example_point, pts, path=path, kind="demo", config=cfg, seed=0, progress=False)
    before = _digest(path)
    with pytest.raises(ValueError, match=r"Differing keys: n_probes: file=20, now=10"):
        run_sweep(_example_point, pts, path=path, kind="demo",
                  config={"n_probes": 10, "rule": "hebb"}, seed=0, progress=False)
    with pytest.raises(ValueError, match=r"seed: file=0, now=1"):
        run_sweep(_example_point, pts, path=path, kind="demo", config=cfg, seed=1,
                  progress=False)
    with pytest.raises(ValueError, match="holds kind 'demo'"):
        run_sweep(_example_point, pts, path=path, kind="other", config=cfg, seed=0,
                  progress=False)
    assert _digest(path) == before
    assert config_differences({"a": [1, 2]}, {"a": (1, 2), "b": 1}) == [
        'b: file="<missing>", now=1']
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    with pytest.raises(ValueError, match="not a readable HDF5"):
        run_sweep(_example_point, pts, path=bad, kind="demo", config=cfg, seed=0,
                  progress=False)


def test_failure_waits_for_running_points_and_commits_them(tmp_path):
    # Point x=0 fails at once while x=1 is still running on the other thread: x=1 must be
    # awaited and committed (before the fix it finished after the failure and was dropped);
    # x=2.. are cancelled before they start.
    import threading
    from concurrent.futures import ThreadPoolExecutor

    started = threading.Event()

    def f(p):
        if p.index == 0:
            started.wait(5)
            raise RuntimeError("injected failure")
        if p.index == 1:
            started.set()
            time.sleep(0.4)
        return _example_point(p)

    pts = grid_points({"x": list(range(6))}, seed=2)
    path = tmp_path / "s.h5"
    with ThreadPoolExecutor(2) as ex:
        with pytest.raises(RuntimeError, match="injected"):
            run_sweep(f, pts, path=path, kind="demo", config={}, seed=2, executor=ex,
                      progress=False)
    stored = load_points(path)[1]
    assert "x=1" in stored
    np.testing.assert_array_equal(stored["x=1"].arrays["values"], pts[1].rng().random(2))
    assert "x=0" not in stored


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from esorma.sweeps import grid_points, run_sweep, _example_point

    def f(p):
        if p.index == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)  # die like a killed job: no cleanup at all
        return _example_point(p)

    pts = grid_points({"x": list(range(8))}, seed=4)
    run_sweep(f, pts, path=sys.argv[1], kind="demo", config={"c": 1}, seed=4, progress=False)
    """
)


def test_killed_run_resumes_to_the_uninterrupted_result(tmp_path):
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT)
    path = tmp_path / "killed.h5"
    proc = subprocess.run([sys.executable, str(script), str(path), "5"], capture_output=True)
    assert proc.returncode == -9  # really killed
    assert sorted(load_points(path)[1]) == [f"x={i}" for i in range(5)]  # a valid file
    pts = grid_points({"x": list(range(8))}, seed=4)
    rep = run_sweep(_example_point, pts, path=path, kind="demo", config={"c": 1}, seed=4,
                    progress=False)
    assert (rep.n_skipped, rep.n_computed) == (5, 3)
    full = tmp_path / "full.h5"
    run_sweep(_example_point, pts, path=full, kind="demo", config={"c": 1}, seed=4,
              progress=False)
    assert _arrays(path) == _arrays(full)


def test_root_and_points_record_config_integer_seed_and_versions(tmp_path):
    # The provenance of esorma.io.write_metadata, on the file and on every point: config as
    # JSON, the seed as an integer attribute (not a JSON string), the package versions.
    path = tmp_path / "s.h5"
    seed = 2**40 + 3
    cfg = {"n_probes": 4, "rule": "hebb"}
    pts = grid_points({"N": [10], "T": [0.0, 0.5]}, seed=seed)
    run_sweep(_example_point, pts, path=path, kind="demo", config=cfg, seed=seed,
              progress=False)
    with h5py.File(path, "r") as fh:
        for group in (fh, fh["points/N=10,T=0.5"]):
            attrs = group.attrs
            assert isinstance(attrs["seed"], np.integer) and int(attrs["seed"]) == seed
            assert attrs["kind"] == b"demo" and int(attrs["schema_version"]) >= 1
            assert json.loads(attrs["config"]) == cfg
            assert "numpy" in json.loads(attrs["versions"])
    meta, stored = load_points(path)
    assert meta["seed"] == seed and meta["config"] == cfg
    point = stored["N=10,T=0.5"]
    assert point.attrs["seed"] == seed and type(point.attrs["seed"]) is int
    assert point.attrs["config"] == cfg and "numpy" in point.attrs["versions"]
    assert point.attrs["spawn_key"] == pts[1].spawn_key and point.attrs["index"] == 1
    assert point.coords == {"N": 10, "T": 0.5}


def test_point_attributes_must_not_use_the_store_names(tmp_path):
    def clashing(p):
        return PointOutput({"x": np.zeros(1)}, {"seed": 3})

    with pytest.raises(ValueError, match=r"must not use the store's names .*\['seed'\]"):
        run_sweep(clashing, grid_points({"x": [1]}, seed=0), path=tmp_path / "s.h5",
                  kind="demo", config={}, seed=0, progress=False)


def test_points_of_the_former_layout_still_load_and_resume(tmp_path):
    # Files written before the store used write_metadata on points: "seed_entropy" and
    # "versions" as JSON text. They load (seed_entropy -> seed) and resume.
    path = tmp_path / "s.h5"
    pts = grid_points({"x": [1, 2]}, seed=5)
    run_sweep(_example_point, pts[:1], path=path, kind="demo", config={}, seed=5,
              progress=False)
    with h5py.File(path, "a") as fh:
        g = fh["points/x=1"]
        for name in ("schema_version", "kind", "config", "seed", "created", "sha256"):
            del g.attrs[name]
        del g["values"].attrs["sha256"]  # no checksums before schema version 3
        del fh.attrs["sha256"]
        fh.attrs["schema_version"] = 2
        g.attrs["seed_entropy"] = json.dumps(5)
    rep = run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=5,
                    progress=False)
    assert (rep.n_skipped, rep.n_computed) == (1, 1)
    stored = load_points(path)[1]
    assert stored["x=1"].attrs["seed"] == stored["x=2"].attrs["seed"] == 5
    assert isinstance(stored["x=1"].attrs["versions"], dict)

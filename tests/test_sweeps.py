"""Tests of esorma.sweeps: point seeds, atomic per-point storage, resume, config checks,
executors and their failure modes (the heavy equality checks with the capacity experiment
live in test_capacity_*.py)."""

import hashlib
import subprocess
import sys
import textwrap
import time

import h5py
import numpy as np
import pytest

from esorma.sweeps import (
    GridPoint,
    PointOutput,
    SchedulerError,
    _example_point,
    _lock,
    config_differences,
    coordinate_key,
    grid_points,
    load_points,
    make_point,
    point_key,
    run_sweep,
)


def _digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _arrays(path):
    _, pts = load_points(path)
    return {k: {n: v.tolist() for n, v in p.arrays.items()} for k, p in pts.items()}


# --------------------------------------------------------------------------- seeds and grids


def test_point_seed_depends_only_on_study_seed_and_coordinates():
    a = make_point({"N": 100, "P": 7, "T": 0.5}, seed=11, index=0)
    b = make_point({"N": 100, "P": 7, "T": 0.5}, seed=11, index=42)
    assert a.spawn_key == b.spawn_key == (100, 7, coordinate_key(0.5))
    assert a.rng().integers(2**62) == b.rng().integers(2**62)
    # The seed is numpy's SeedSequence(entropy=seed, spawn_key=coords), exactly.
    ref = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(100, 7, coordinate_key(0.5))))
    assert a.rng().random() == ref.random()
    # Another seed or another coordinate gives another stream.
    assert a.rng().random() != make_point({"N": 100, "P": 7, "T": 0.5}, seed=12).rng().random()
    assert a.rng().random() != make_point({"N": 100, "P": 8, "T": 0.5}, seed=11).rng().random()


def test_grid_order_does_not_change_point_seeds():
    g1 = grid_points({"x": [1, 2, 3], "y": [0.1, 0.2]}, seed=5)
    g2 = grid_points({"x": [3, 1, 2], "y": [0.2, 0.1]}, seed=5)
    s1 = {p.key: p.rng().random() for p in g1}
    s2 = {p.key: p.rng().random() for p in g2}
    assert s1 == s2 and len(s1) == 6


def test_coordinate_keys():
    assert coordinate_key(0.0) == coordinate_key(-0.0) == 0
    assert coordinate_key(3) == 3 and coordinate_key(-3) == 2**64 + 3
    assert coordinate_key("hebb") != coordinate_key("storkey")
    with pytest.raises(ValueError, match="finite"):
        coordinate_key(float("nan"))
    with pytest.raises(TypeError, match="int, float or str"):
        coordinate_key([1])
    assert point_key({"N": 10, "T": 0.25}) == "N=10,T=0.25"
    with pytest.raises(ValueError, match="must not contain"):
        point_key({"a": "x/y"})


@pytest.mark.parametrize(
    "axes, match",
    [({}, "non-empty mapping"), ({"x": []}, "at least one value"),
     ({"x": [1, 1]}, "must not repeat")],
)
def test_grid_points_bad_input(axes, match):
    with pytest.raises(ValueError, match=match):
        grid_points(axes, seed=0)


def test_bad_seed_and_empty_points():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        make_point({"x": 1}, seed=-1)
    with pytest.raises(ValueError, match="empty grid"):
        run_sweep(_example_point, [], progress=False)
    p = make_point({"x": 1}, seed=0)
    with pytest.raises(ValueError, match="unique keys"):
        run_sweep(_example_point, [p, p], progress=False)
    with pytest.raises(TypeError, match="GridPoint"):
        run_sweep(_example_point, [{"x": 1}], progress=False)
    with pytest.raises(TypeError, match="PointOutput or a dict"):
        run_sweep(lambda pt: 3, [p], progress=False)


# --------------------------------------------------------------------------- storage and resume


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
        assert fh["points/x=1"].attrs["spawn_key"] == "[1]"
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


def test_second_concurrent_run_is_refused(tmp_path):
    path = tmp_path / "s.h5"
    with _lock(path):
        with pytest.raises(ValueError, match="being written by another run"):
            run_sweep(_example_point, grid_points({"x": [1]}, seed=0), path=path,
                      kind="demo", config={}, seed=0, progress=False)


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


def test_stale_commit_copies_are_removed_under_the_lock(tmp_path):
    # A run SIGKILLed inside a commit leaves ".<name>.<random>.tmp"; the next run removes it
    # (and only it: other files' temporaries are not touched).
    path = tmp_path / "s.h5"
    pts = grid_points({"x": [1, 2]}, seed=0)
    run_sweep(_example_point, pts[:1], path=path, kind="demo", config={}, seed=0,
              progress=False)
    stale = tmp_path / ".s.h5.abc123.tmp"
    stale.write_bytes(b"x" * 1000)
    other = tmp_path / ".other.h5.abc123.tmp"
    other.write_bytes(b"y")
    run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=0, progress=False)
    assert not stale.exists() and other.exists()
    assert sorted(load_points(path)[1]) == ["x=1", "x=2"]


def test_lock_file_removed_and_relocking_works(tmp_path):
    path = tmp_path / "s.h5"
    lock = tmp_path / "s.h5.lock"
    with _lock(path):
        assert lock.exists()
    assert not lock.exists()
    with _lock(path):  # a second, fresh lock after removal
        with pytest.raises(ValueError, match="being written by another run"):
            with _lock(path):
                pass
    assert not lock.exists()
    # "Nothing to do" leaves no lock file either.
    pts = grid_points({"x": [1]}, seed=0)
    run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=0, progress=False)
    rep = run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=0,
                    progress=False)
    assert rep.n_computed == 0 and not lock.exists()


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


# --------------------------------------------------------------------------- executors


def test_unreachable_scheduler_clear_error_and_no_file_change(tmp_path):
    path = tmp_path / "s.h5"
    pts = grid_points({"x": [1, 2, 3]}, seed=0)
    # Nothing listens on port 9 (discard) of the loopback interface.
    with pytest.raises(SchedulerError, match="could not reach the Dask scheduler"):
        run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=0,
                  scheduler="tcp://127.0.0.1:9", timeout=1.0, progress=False)
    assert not path.exists()  # not even an empty file
    run_sweep(_example_point, pts[:1], path=path, kind="demo", config={}, seed=0,
              progress=False)
    before = _digest(path)
    with pytest.raises(SchedulerError):
        run_sweep(_example_point, pts, path=path, kind="demo", config={}, seed=0,
                  scheduler="tcp://127.0.0.1:9", timeout=1.0, progress=False)
    assert _digest(path) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["s.h5"]  # no lock file either


@pytest.mark.parametrize("address", ["nonsense", "tcp://host:port", "tcp://:8786"])
def test_bad_scheduler_address(address):
    with pytest.raises(ValueError, match="tcp://host:port"):
        run_sweep(_example_point, grid_points({"x": [1]}, seed=0), scheduler=address,
                  progress=False)


def test_user_executor_and_bad_executor():
    from concurrent.futures import ThreadPoolExecutor

    pts = grid_points({"x": [1, 2, 3]}, seed=2)
    with ThreadPoolExecutor(2) as ex:
        rep = run_sweep(_example_point, pts, executor=ex, progress=False)
    assert rep.executor == "ThreadPoolExecutor"
    for p in pts:
        np.testing.assert_array_equal(rep.outputs[p.key].arrays["values"], p.rng().random(2))
    with pytest.raises(TypeError, match="submit"):
        run_sweep(_example_point, pts, executor=object(), progress=False)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_sweep(_example_point, pts, workers=0, progress=False)


def test_memory_refusal_states_the_estimate(tmp_path):
    with pytest.raises(MemoryError, match="needs about .* available"):
        run_sweep(_example_point, grid_points({"x": [1]}, seed=0), path=tmp_path / "m.h5",
                  memory_per_point=1e15, progress=False)
    assert not (tmp_path / "m.h5").exists()


def test_gridpoint_is_picklable():
    import pickle

    p = make_point({"N": 10, "T": 0.0}, seed=3)
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, GridPoint) and q == p
    assert isinstance(_example_point(q), PointOutput)

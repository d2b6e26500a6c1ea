"""Executors of esorma.sweeps: unreachable or malformed Dask schedulers, user executors, and
the memory refusal (nothing is written when a sweep is refused)."""

import hashlib

import numpy as np
import pytest

from esorma.sweeps import SchedulerError, _example_point, grid_points, run_sweep


def _digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


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

"""One writer per results file: the lock of esorma.sweeps refuses a second run, is removed on
release and cleans the commit copies of a killed run."""

import pytest

from esorma.sweeps import _example_point, _lock, grid_points, load_points, run_sweep


def test_second_concurrent_run_is_refused(tmp_path):
    path = tmp_path / "s.h5"
    with _lock(path):
        with pytest.raises(ValueError, match="being written by another run"):
            run_sweep(_example_point, grid_points({"x": [1]}, seed=0), path=path,
                      kind="demo", config={}, seed=0, progress=False)


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

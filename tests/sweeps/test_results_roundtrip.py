"""Every result type of esorma.sweeps saves with esorma.io.save_result and loads back equal."""

import numpy as np

from esorma.sweeps import (
    PointOutput,
    StoredPoint,
    SweepReport,
    _example_point,
    grid_points,
    load_points,
    make_point,
    run_sweep,
)


def test_grid_point_roundtrip(roundtrip):
    p = make_point({"N": 100, "T": 0.5, "rule": "hebb"}, seed=2**63 + 5, index=3)
    back = roundtrip(p)
    assert back.rng().random() == p.rng().random()  # the same seed stream after loading


def test_point_output_and_stored_point_roundtrip(roundtrip, tmp_path):
    roundtrip(PointOutput({"values": np.arange(3.0), "ok": np.ones(2, bool)},
                          {"index": 2, "seconds": 0.25, "label": "a"}))
    path = tmp_path / "s.h5"
    run_sweep(_example_point, grid_points({"x": [1, 2]}, seed=0), path=path, kind="demo",
              config={"c": 1}, seed=0, progress=False)
    stored = load_points(path)[1]["x=2"]
    assert isinstance(stored, StoredPoint)
    roundtrip(stored)


def test_sweep_report_roundtrip(roundtrip, tmp_path):
    pts = grid_points({"x": [1, 2]}, seed=4)
    in_memory = run_sweep(_example_point, pts, progress=False)
    back = roundtrip(in_memory)
    np.testing.assert_array_equal(back.outputs["x=2"].arrays["values"],
                                  pts[1].rng().random(2))
    on_disk = run_sweep(_example_point, pts, path=tmp_path / "s.h5", kind="demo", config={},
                        seed=4, progress=False)
    assert isinstance(roundtrip(on_disk).path, type(on_disk.path))
    assert isinstance(SweepReport(str(tmp_path), 1, 0, 1, 0.0, "serial").path,
                      type(on_disk.path))

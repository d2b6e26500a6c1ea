"""Grid points of esorma.sweeps: a point's seed depends only on the study seed and its
coordinates (never on grid order, index or executor); keys and bad grids."""

import numpy as np
import pytest

from esorma.sweeps import (
    GridPoint,
    PointOutput,
    _example_point,
    coordinate_key,
    grid_points,
    make_point,
    point_key,
    run_sweep,
)


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


def test_bad_seed_and_bad_point_lists_are_refused():
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


def test_gridpoint_is_picklable():
    import pickle

    p = make_point({"N": 10, "T": 0.0}, seed=3)
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, GridPoint) and q == p
    assert isinstance(_example_point(q), PointOutput)

"""The capacity grid: validation of every field, presets, memory refusal up front, and the
sweep's own argument checks."""

import numpy as np
import pytest

from esorma.capacity import (
    PRESETS,
    CapacityConfig,
    capacity_sweep,
    load_capacity,
    point_memory_bytes,
)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_neurons": [], "alphas": [0.1]}, ValueError, "n_neurons must be a non-empty"),
        ({"n_neurons": [100], "alphas": []}, ValueError, "alphas must be a non-empty"),
        ({"n_neurons": [100], "alphas": [0.1], "temperatures": []}, ValueError,
         "temperatures must be a non-empty"),
        ({"n_neurons": [100], "alphas": [0.0]}, ValueError, "alphas must be > 0.0"),
        ({"n_neurons": [100], "alphas": [-0.1]}, ValueError, "alphas must be > 0.0"),
        ({"n_neurons": [1], "alphas": [0.1]}, ValueError, "n_neurons must be >= 2"),
        ({"n_neurons": [100.5], "alphas": [0.1]}, TypeError, "n_neurons must be an integer"),
        ({"n_neurons": [100], "alphas": [0.001]}, ValueError, "gives P = round"),
        ({"n_neurons": [40000], "alphas": [0.9]}, ValueError, r"<= 32767 with int16"),
        ({"n_neurons": [100], "alphas": [0.1, 0.104]}, ValueError, "both give P=10"),
        ({"n_neurons": [100, 100], "alphas": [0.1]}, ValueError, "must not repeat"),
        ({"n_neurons": [100], "alphas": [0.1], "temperatures": [-1]}, ValueError,
         "temperatures must be >= 0"),
        ({"n_neurons": [100], "alphas": [0.1], "rule": "oja"}, ValueError, "rule must be one"),
        ({"n_neurons": [100], "alphas": [0.1], "rule": "storkey", "coupling_dtype": "int16"},
         ValueError, "must be 'float64' for rule='storkey'"),
        ({"n_neurons": [100], "alphas": [0.1], "n_probes": 0}, ValueError, "n_probes must be"),
        ({"n_neurons": [100], "alphas": [0.1], "corruption": 0.5}, ValueError, "corruption"),
        ({"n_neurons": [100], "alphas": [0.1], "mode": "glauber"}, ValueError, "mode must be"),
    ],
)
def test_bad_config(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        CapacityConfig(**kwargs)


def test_int32_allows_more_than_32767_patterns_in_the_config():
    cfg = CapacityConfig(n_neurons=[40000], alphas=[0.9], coupling_dtype="int32")
    assert cfg.points(0)[0].coords["P"] == 36000


def test_presets_and_their_overrides():
    full = CapacityConfig.preset("full")
    assert full.n_neurons == (1000, 2000, 4000) and full.n_networks == 4
    assert full.alphas == tuple(round(0.05 + 0.01 * i, 10) for i in range(16))
    quick = CapacityConfig.preset("quick", n_networks=None, n_probes=6)
    assert quick.n_neurons == PRESETS["quick"]["n_neurons"] and quick.n_networks == 2
    assert quick.n_probes == 6
    with pytest.raises(ValueError, match="n_networks must be >= 1"):
        CapacityConfig.preset("quick", n_networks=0)  # an explicit 0 is refused, not replaced
    with pytest.raises(ValueError, match="name must be one of"):
        CapacityConfig.preset("huge")


def test_config_round_trips(roundtrip):
    cfg = roundtrip(CapacityConfig([200, 400], [0.05, 0.1], temperatures=[0.0, 0.3]))
    assert cfg.n_neurons == (200, 400) and cfg.coupling_dtype == "int16"
    assert CapacityConfig.from_dict(cfg.to_dict()) == cfg


def test_memory_refusal_with_estimate(tmp_path):
    cfg = CapacityConfig(n_neurons=[300_000], alphas=[0.05])
    assert point_memory_bytes(300_000, 15_000) > 5e11
    with pytest.raises(MemoryError, match=r"needs about .*GiB.*available"):
        capacity_sweep(cfg, seed=0, path=tmp_path / "big.h5")
    assert not (tmp_path / "big.h5").exists()


def test_bad_arguments_of_the_sweep(tmp_path):
    with pytest.raises(TypeError, match="CapacityConfig"):
        capacity_sweep({"n_neurons": [100]})
    cfg = CapacityConfig([100], [0.1], n_probes=2)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        capacity_sweep(cfg, seed=-1)
    other = tmp_path / "other.h5"
    from esorma.sweeps import grid_points, run_sweep

    run_sweep(lambda p: {"values": np.zeros(2)}, grid_points({"x": [1]}, seed=0), path=other,
              kind="demo", config={}, seed=0, progress=False)
    with pytest.raises(ValueError, match="not a capacity results file"):
        load_capacity(other)
    with pytest.raises(ValueError, match="holds kind 'demo', not a capacity sweep"):
        capacity_sweep(cfg, seed=0, path=other)

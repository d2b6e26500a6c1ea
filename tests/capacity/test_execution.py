"""Capacity sweeps give identical results for a seed whatever runs them: 1 or 2 local worker
processes, a real Dask LocalCluster on loopback, or a run killed mid-way and resumed."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from esorma.capacity import CapacityConfig, capacity_sweep, load_capacity
from esorma.sweeps import load_points

CFG = CapacityConfig(n_neurons=[300, 500], alphas=[0.1, 0.14, 0.18], n_networks=2, n_probes=6)
SEED = 11
FIELDS = ("overlap", "final_overlap", "initial_overlap", "sweeps", "converged",
          "pattern_fixed_point", "probe_index")


def _raw(results):
    return {k: {f: p.arrays[f].tolist() for f in FIELDS} for k, p in results.points.items()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted serial run (in-process), written to a file."""
    path = tmp_path_factory.mktemp("ref") / "ref.h5"
    res = capacity_sweep(CFG, seed=SEED, path=path, workers=1)
    assert res.complete and res.executor == "serial" and len(res.points) == 6
    return _raw(res)


def test_in_memory_equals_file(reference):
    assert _raw(capacity_sweep(CFG, seed=SEED)) == reference


def test_two_local_worker_processes_give_identical_results(tmp_path, reference):
    res = capacity_sweep(CFG, seed=SEED, path=tmp_path / "w2.h5", workers=2)
    assert res.executor == "processes" and res.n_computed == 6
    assert _raw(res) == reference


def test_dask_local_cluster_gives_identical_results(tmp_path, reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        # Through the scheduler address, as `esorma capacity --scheduler ADDRESS` does.
        res = capacity_sweep(CFG, seed=SEED, path=tmp_path / "dask.h5",
                             scheduler=cluster.scheduler_address, timeout=20)
        assert res.executor == "dask" and res.n_computed == 6
        assert _raw(res) == reference
        # And through a Client given as a concurrent.futures-style executor.
        with distributed.Client(cluster) as client:
            res2 = capacity_sweep(CFG, seed=SEED, executor=client)
        assert _raw(res2) == reference


KILL = textwrap.dedent(
    """
    import os, signal, sys
    import esorma.capacity as cap
    import esorma.capacity.simulation as sim

    real = sim.run_point
    done = []

    def run_point(point, *, config):
        if len(done) == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
        done.append(point.key)
        return real(point, config=config)

    sim.run_point = run_point  # the function the sweep evaluates on every point
    cfg = cap.CapacityConfig(n_neurons=[300, 500], alphas=[0.1, 0.14, 0.18], n_networks=2,
                             n_probes=6)
    cap.capacity_sweep(cfg, seed=11, path=sys.argv[1])
    """
)


def test_killed_run_resumes_to_identical_results(tmp_path, reference):
    script = tmp_path / "kill.py"
    script.write_text(KILL)
    path = tmp_path / "killed.h5"
    proc = subprocess.run([sys.executable, str(script), str(path), "4"], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    _, stored = load_points(path)
    assert len(stored) == 4  # the four finished points survived the kill, the file is valid
    partial = load_capacity(path)
    assert not partial.complete and len(partial.points) == 4
    res = capacity_sweep(CFG, seed=SEED, path=path)
    assert (res.n_skipped, res.n_computed) == (4, 2) and res.complete
    assert _raw(res) == reference
    assert _raw(load_capacity(path)) == reference


def test_seed_changes_results(reference):
    other = _raw(capacity_sweep(CFG, seed=SEED + 1))
    assert other.keys() == reference.keys() and other != reference


def test_point_results_do_not_depend_on_the_rest_of_the_grid(reference):
    # A grid with only one of the points reproduces that point exactly (seed from coordinates).
    sub = CapacityConfig(n_neurons=[500], alphas=[0.14], n_networks=2, n_probes=6)
    raw = _raw(capacity_sweep(sub, seed=SEED))
    assert raw[(500, 0.14, 0.0)] == reference[(500, 0.14, 0.0)]
    np.testing.assert_array_equal(raw[(500, 0.14, 0.0)]["probe_index"],
                                  reference[(500, 0.14, 0.0)]["probe_index"])

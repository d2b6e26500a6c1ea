"""Enumeration split into prefix tasks: identical to one process, over Dask, resumable."""

from __future__ import annotations

import numpy as np
import pytest

from esorma.attractors import distributed as D
from esorma.attractors.distributed import enumerate_fixed_points_distributed
from esorma.attractors.enumerate import enumerate_fixed_points


def sk(n: int, seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).standard_normal((n, n))
    J = np.triu(a, 1)
    return (J + J.T) / np.sqrt(n)


def hebb_int16(n: int, p: int, seed: int) -> np.ndarray:
    xi = np.random.default_rng(seed).choice(np.array([-1, 1], np.int8), size=(p, n))
    J = (xi.T.astype(np.int16) @ xi.astype(np.int16)).astype(np.int16)
    np.fill_diagonal(J, 0)
    return J


def assert_same(a, b):
    assert a.n_neurons == b.n_neurons and a.used_symmetry == b.used_symmetry
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.energies, b.energies)


@pytest.mark.parametrize(
    "J, theta, sort",
    [
        (sk(20, 1), None, "energy"),
        (sk(18, 2), 0.3 * np.random.default_rng(5).standard_normal(18), "lex"),
        (hebb_int16(20, 3, 3), None, "energy"),  # integer ties, decided exactly
        (hebb_int16(16, 2, 4), np.ones(16), "lex"),
    ],
)
def test_prefix_tasks_give_the_single_process_result(J, theta, sort):
    one = enumerate_fixed_points(J, theta, sort=sort)
    split = enumerate_fixed_points_distributed(J, theta, sort=sort, n_prefixes=16)
    assert split.n_subtrees >= 16
    assert_same(one, split)


def test_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    J = sk(22, 6)
    one = enumerate_fixed_points(J)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        split = enumerate_fixed_points_distributed(J, client=client, n_prefixes=32,
                                                   checkpoint=tmp_path / "sk22.h5")
    assert_same(one, split)
    from esorma.sweeps import load_points

    meta, points = load_points(tmp_path / "sk22.h5")
    assert meta["kind"] == D.KIND and len(points) == split.n_subtrees
    assert sum(int(pt.arrays["codes"].size) for pt in points.values()) <= len(one)


def test_resumes_after_an_interruption(tmp_path, monkeypatch):
    J = sk(21, 7)
    path = tmp_path / "run.h5"
    real = D._prefix_task
    calls = []

    def dies_after_five(*args):
        if len(calls) == 5:
            raise KeyboardInterrupt  # the run is killed here
        calls.append(args[-1].key)
        return real(*args)

    monkeypatch.setattr(D, "_prefix_task", dies_after_five)
    with pytest.raises(KeyboardInterrupt):
        enumerate_fixed_points_distributed(J, n_prefixes=16, checkpoint=path)
    from esorma.sweeps import load_points

    _, done = load_points(path)
    assert sorted(done) == sorted(calls) and len(done) == 5

    again = []

    def counting(*args):
        again.append(args[-1].key)
        return real(*args)

    monkeypatch.setattr(D, "_prefix_task", counting)
    resumed = enumerate_fixed_points_distributed(J, n_prefixes=16, checkpoint=path)
    assert not set(again) & set(done)  # finished prefixes are skipped
    assert len(again) + 5 == resumed.n_subtrees
    assert_same(enumerate_fixed_points(J), resumed)
    again.clear()
    assert_same(enumerate_fixed_points_distributed(J, n_prefixes=16, checkpoint=path), resumed)
    assert again == []  # everything is in the file


def test_refuses_a_checkpoint_of_another_problem(tmp_path):
    path = tmp_path / "a.h5"
    enumerate_fixed_points_distributed(sk(16, 8), n_prefixes=8, checkpoint=path)
    with pytest.raises(ValueError, match="problem_sha256"):
        enumerate_fixed_points_distributed(sk(16, 9), n_prefixes=8, checkpoint=path)


def test_honest_refusal_up_front(tmp_path):
    with pytest.raises(ValueError, match="max_seconds"):
        enumerate_fixed_points_distributed(sk(60, 10), max_seconds=3600.0,
                                           checkpoint=tmp_path / "x.h5")
    # degenerate couplings: many exact ties (uncoupled blocks, zero fields)
    J = np.zeros((40, 40), np.int16)
    J[:4, :4] = 1
    np.fill_diagonal(J, 0)
    with pytest.raises(ValueError, match="max_fixed_points"):
        enumerate_fixed_points_distributed(J, checkpoint=tmp_path / "y.h5")
    assert not (tmp_path / "x.h5").exists() and not (tmp_path / "y.h5").exists()


def test_bad_arguments():
    J = sk(10, 11)
    with pytest.raises(TypeError, match="client"):
        enumerate_fixed_points_distributed(J, client=3)
    with pytest.raises(ValueError, match="n_prefixes"):
        enumerate_fixed_points_distributed(J, n_prefixes=0)
    with pytest.raises(ValueError, match="sort"):
        enumerate_fixed_points_distributed(J, sort="size")

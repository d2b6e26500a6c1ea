"""Capacity sweeps of dense associative memories: theory, crossing, fits, resume."""

import numpy as np
import pytest

from esorma.dense import DenseCapacityConfig, dense_capacity_study, theory_capacity
from esorma.dense.capacity import exp_rate, gaussian_half_capacity


def test_theory_values():
    # Krotov & Hopfield: N^(n-1) / (2 (2n-3)!! ln N); n = 2 is N / (2 ln N)
    assert theory_capacity("poly2", [100])[0] == pytest.approx(100 / (2 * np.log(100)))
    assert theory_capacity("poly3", [100])[0] == pytest.approx(100**2 / (6 * np.log(100)))
    assert theory_capacity("poly4", [100])[0] == pytest.approx(100**3 / (30 * np.log(100)))
    assert exp_rate(0.0) == pytest.approx(np.log(2) / 2)
    # the finite-N Gaussian theory approaches the asymptotic law (ratio -> 1 slowly)
    r = gaussian_half_capacity("poly3", [100, 10000]) / theory_capacity("poly3", [100, 10000])
    assert 1 < r[1] < r[0]


def test_sweep_resumes_and_roundtrips(tmp_path, roundtrip):
    cfg = DenseCapacityConfig({"poly3": [30, 60], "exp": [10, 14]}, loads=[0.5, 2.0, 8.0],
                              n_networks=1, n_probes=6)
    path = tmp_path / "dense.h5"
    first = dense_capacity_study(cfg, seed=4, checkpoint=path)
    again = dense_capacity_study(cfg, seed=4, checkpoint=path)
    memory = dense_capacity_study(cfg, seed=4)
    assert first.n_computed == 12 and again.n_computed == 0 and again.n_skipped == 12
    np.testing.assert_array_equal(first.retrieved_fraction, again.retrieved_fraction)
    np.testing.assert_array_equal(first.retrieved_fraction, memory.retrieved_fraction)
    sel = first.point_model == "poly3"
    assert first.retrieved_fraction[sel][0] == 1.0 and first.retrieved_fraction[sel][-1] == 0.0
    roundtrip(first, seed=4)
    with pytest.raises(ValueError, match="seed"):
        dense_capacity_study(cfg, seed=5, checkpoint=path)


@pytest.mark.slow
def test_poly3_exponent_is_near_two():
    cfg = DenseCapacityConfig({"poly3": [40, 80, 160]},
                              loads=[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0], n_probes=20)
    rep = dense_capacity_study(cfg, seed=0)
    assert abs(rep.fit_log_exponent[0] - 2.0) < 3 * rep.fit_log_exponent_err[0] + 0.2

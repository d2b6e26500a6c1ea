"""Parallel tempering: the exact ground state of a 20-spin SK network, equilibrium energies at
every temperature of the ladder against exact enumeration, exchange statistics, bad input,
and the round trip of TemperingResult."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.dynamics import TemperingResult
from esorma.dynamics.tempering import parallel_tempering, temperature_ladder
from esorma.patterns import random_patterns
from esorma.thermo.data import sk_couplings
from esorma.thermo.enumeration import exact, ground_states

def test_parallel_tempering_finds_exact_ground_state_of_20_spins():
    J = sk_couplings(20, rng=11)
    e0, gs = ground_states(J)
    res = parallel_tempering(J, temperature_ladder(0.2, 2.0, 10), n_sweeps=3000, n_runs=2,
                             rng=5)
    assert abs(res.ground_energy - e0) < 1e-9
    assert any(np.array_equal(res.ground_state, g) for g in gs)
    rates = res.acceptance_rates
    assert rates.shape == (9,) and np.all(rates > 0.05) and np.all(rates <= 1)


@pytest.mark.parametrize("low_rank", [False, True])
def test_parallel_tempering_equilibrium_energies(low_rank):
    # Energies at every temperature of the ladder agree with exact ⟨E⟩ within 5 error bars.
    if low_rank:
        net = Hopfield.from_patterns(random_patterns(2, 12, rng=4))
        path = "low_rank"
    else:
        net = Hopfield(sk_couplings(12, rng=4))
        path = "dense"
    ladder = temperature_ladder(0.3, 1.5, 6)
    res = parallel_tempering(net, ladder, n_sweeps=6000, n_runs=4, burn_in=500, thin=2,
                             path=path, rng=8)
    assert res.path == path
    th = exact(net, ladder)
    for k in range(ladder.size):
        est = res.estimate("energy", k)
        assert abs(est.mean - th.energy[k]) < 5 * est.error + 1e-3, (k, est, th.energy[k])
    q2 = res.estimate("q2", 0).mean
    pq = th.overlap_distribution[0]
    assert abs(q2 - (pq * th.q_values**2).sum()) < 0.05


def test_acceptance_rates_are_nan_when_no_swap_was_tried():
    J = sk_couplings(10, rng=0)
    none = parallel_tempering(J, [0.5, 1.0, 2.0], n_sweeps=3, exchange_every=10, rng=0)
    assert none.attempted.sum() == 0
    assert none.acceptance_rates.shape == (2,) and np.all(np.isnan(none.acceptance_rates))
    some = parallel_tempering(J, [0.5, 1.0, 2.0], n_sweeps=20, rng=0)
    assert np.all(np.isfinite(some.acceptance_rates))


def test_parallel_tempering_bad_input():
    J = sk_couplings(8, rng=0)
    with pytest.raises(ValueError, match="at least 2 temperatures"):
        parallel_tempering(J, [], n_sweeps=10)
    with pytest.raises(ValueError, match="at least 2 temperatures"):
        parallel_tempering(J, [1.0], n_sweeps=10)
    with pytest.raises(ValueError, match="> 0"):
        parallel_tempering(J, [0.0, 1.0], n_sweeps=10)
    with pytest.raises(ValueError, match="distinct"):
        parallel_tempering(J, [1.0, 1.0], n_sweeps=10)
    with pytest.raises(ValueError, match="update must be one of"):
        parallel_tempering(J, [0.5, 1.0], n_sweeps=10, update="heat-bath")



def test_tempering_result_roundtrip(roundtrip):
    net = Hopfield.from_patterns(random_patterns(2, 12, rng=4))
    res = parallel_tempering(net, temperature_ladder(0.3, 1.5, 4), n_sweeps=30, n_runs=2,
                             burn_in=10, rng=8)
    back = roundtrip(res)
    assert isinstance(back, TemperingResult) and back.ground_energy == res.ground_energy
    np.testing.assert_array_equal(back.acceptance_rates, res.acceptance_rates)

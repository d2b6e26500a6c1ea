"""Sampled attractor search, energy descent of asynchronous dynamics, reproducibility."""

import numba
import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import exact_basins, sample_attractors, wilson_interval
from esorma.dynamics import run
from esorma.patterns import random_patterns


def _sk(n, seed):
    g = np.random.default_rng(seed).normal(size=(n, n))
    J = (g + g.T) / np.sqrt(2 * n)
    np.fill_diagonal(J, 0)
    return J


@pytest.mark.parametrize("order", ["random", "sequential"])
def test_energy_never_increases_under_async_updates(order):
    """One sweep at a time (max_sweeps=1, fresh seed each call): the energy never goes up, for
    Hebb couplings (integer, with ties) and SK couplings."""
    for net in (Hopfield.from_patterns(random_patterns(20, 200, rng=1)), Hopfield(_sk(150, 2))):
        s = random_patterns(16, net.n_neurons, rng=3)
        e = net.energy(s)
        for sweep in range(30):
            res = run(net, s, max_sweeps=1, order=order, rng=sweep)
            e_new = net.energy(res.states)
            assert np.all(e_new <= e + 1e-9 * np.abs(e).max())
            moved = np.any(res.states != s, axis=1)
            assert np.all(e_new[moved] < e[moved])  # any flip strictly lowers E (J_ii = 0)
            s, e = res.states, e_new
        assert bool(np.all(net.is_fixed_point(s)))


def test_sampled_search_finds_stored_patterns_low_load():
    xi = random_patterns(4, 400, rng=10)  # alpha = 0.01
    net = Hopfield.from_patterns(xi)
    res = sample_attractors(net, 200, starts="patterns", corruption=0.15, rng=4)
    assert res.n_unconverged == 0
    assert sorted(res.labels.names) == [f"pattern {k}" for k in range(4)]
    assert np.allclose(np.sort(res.fractions), 0.25)  # starts cycle through the patterns
    assert res.fractions.sum() + res.unconverged_fraction == pytest.approx(1.0)
    assert np.allclose(np.abs(res.overlaps).max(axis=1), 1.0)
    assert np.all(res.counts_reversed == 0)
    # the energy of a stored pattern at low load: E = -N/2 (1 + O(P/N)) per the Hebb rule
    assert np.all(res.energies < -0.45 * 400)


def test_random_starts_merge_global_flip():
    xi = random_patterns(3, 300, rng=6)
    net = Hopfield.from_patterns(xi)
    res = sample_attractors(net, 400, rng=8)
    assert res.flip_merged
    assert res.fractions.sum() + res.unconverged_fraction == pytest.approx(1.0)
    names = res.labels.names
    for k in range(3):
        assert f"pattern {k}" in names and f"reversed {k}" not in names
    # both signs are hit for the patterns; counts_reversed counts the hits on -xi
    k0 = names.index("pattern 0")
    assert 0 < res.counts_reversed[k0] < res.counts[k0]
    # the representatives are distinct up to sign
    a = res.attractors.astype(int)
    gram = np.abs(a @ a.T) / 300
    assert np.all(gram[~np.eye(len(a), dtype=bool)] < 1)
    # assignments point to the attractor reached, and count correctly
    assert np.array_equal(np.bincount(res.assignment, minlength=res.n_attractors), res.counts)
    # error bars: binomial standard error and Wilson interval containing the estimate
    p = res.fractions
    assert np.allclose(res.fraction_errors, np.sqrt(p * (1 - p) / 400))
    assert np.all((res.fraction_ci[:, 0] <= p) & (p <= res.fraction_ci[:, 1]))
    # without the flip symmetry, pattern and reversed pattern are separate attractors
    res2 = sample_attractors(net, 400, rng=8, flip_symmetry=False)
    assert "reversed 0" in res2.labels.names and "pattern 0" in res2.labels.names
    assert res2.n_attractors > res.n_attractors


def test_sync_sampling_finds_2_cycles_and_matches_exact_basins():
    """With sequential order, the sampled fractions estimate the exact basins (binomial,
    4000 random starts: 4-sigma tolerance; seed 9)."""
    net = Hopfield(_sk(12, 5))
    exact = exact_basins(net, mode="sequential")
    res = sample_attractors(net, 4000, order="sequential", flip_symmetry=False, rng=9)
    from esorma.attractors import encode_states

    est = dict(zip(encode_states(res.attractors).tolist(), res.fractions))
    for code, frac in zip(exact.codes.tolist(), exact.basin_fractions):
        sd = np.sqrt(frac * (1 - frac) / 4000)
        assert abs(est.get(code, 0.0) - frac) <= 4 * sd + 1e-12
    sync = sample_attractors(net, 500, mode="sync", rng=1)
    exact_sync = exact_basins(net, mode="sync")
    assert set(sync.cycle_lengths.tolist()) <= {1, 2}
    # every sampled sync attractor (either sign) is an exact one
    known = set(exact_sync.cycle_codes.tolist())
    for k in range(sync.n_attractors):
        for s in (sync.attractors[k], sync.partners[k]):
            assert int(encode_states(s)) in known or int(encode_states(-s)) in known


def test_same_seed_same_result_one_or_two_threads():
    net = Hopfield.from_patterns(random_patterns(30, 300, rng=2))
    before = numba.get_num_threads()
    out = []
    try:
        for t in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(t)
            out.append(sample_attractors(net, 64, rng=123))
    finally:
        numba.set_num_threads(before)
    a, b = out
    assert np.array_equal(a.attractors, b.attractors)
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.assignment, b.assignment)
    assert np.array_equal(a.sweeps, b.sweeps)
    c = sample_attractors(net, 64, rng=124)
    assert not np.array_equal(a.assignment, c.assignment) or not np.array_equal(
        a.sweeps, c.sweeps
    )


def test_given_starts_and_unconverged():
    net = Hopfield(_sk(60, 3))
    starts = random_patterns(20, 60, rng=0)
    res = sample_attractors(net, starts=starts, max_sweeps=0, rng=0)
    assert res.starts == "given" and res.n_starts == 20
    assert res.n_unconverged == 20 and res.n_attractors == 0
    assert res.unconverged_fraction == 1.0
    res = sample_attractors(net, starts=starts, rng=0)
    assert res.n_unconverged == 0 and res.labels is None and res.overlaps is None
    assert bool(np.all(net.is_fixed_point(res.attractors)))
    # without patterns the representative has spin 0 = +1 (flip-merged)
    assert np.all(res.attractors[:, 0] == 1)


def test_save_and_load_round_trip(tmp_path, roundtrip):
    from esorma.io import load_result, save_result

    net = Hopfield.from_patterns(random_patterns(3, 100, rng=1))
    res = sample_attractors(net, 50, rng=2)
    roundtrip(res)
    back = load_result(save_result(tmp_path / "s.h5", res, seed=2))
    assert np.array_equal(back.counts, res.counts)
    assert back.labels.names == res.labels.names
    assert back.seed == 2


def test_wilson_interval():
    # textbook value for 5 successes in 10 trials at 95 %: [0.2366, 0.7634]
    lo, hi = wilson_interval([5], 10)[0]
    assert (lo, hi) == pytest.approx((0.2366, 0.7634), abs=1e-4)


def test_bad_input():
    net = Hopfield(_sk(10, 1))
    with pytest.raises(ValueError, match="n_starts must be >= 1"):
        sample_attractors(net, 0)
    with pytest.raises(ValueError, match="starts must be one of"):
        sample_attractors(net, 5, starts="everything")
    with pytest.raises(ValueError, match="needs stored patterns"):
        sample_attractors(net, 5, starts="patterns")
    with pytest.raises(ValueError, match="corruption must be"):
        sample_attractors(net, 5, corruption=1.5)
    with pytest.raises(ValueError, match="starts must have 10 spins"):
        sample_attractors(net, starts=np.ones((3, 9)))
    with pytest.raises(ValueError, match="max_sweeps must be >= 0"):
        sample_attractors(net, 5, max_sweeps=-1)
    with pytest.raises(ValueError, match="mode must be one of"):
        sample_attractors(net, 5, mode="parallel")
    with pytest.raises(TypeError, match="rng"):
        sample_attractors(net, 5, rng="seed")


def test_flip_symmetry_refused_with_thresholds():
    import numpy as np
    import pytest

    from esorma import Hopfield
    from esorma.attractors import sample_attractors

    net = Hopfield(np.zeros((3, 3)), theta=np.ones(3))
    with pytest.raises(ValueError, match="flip_symmetry=True needs theta = 0"):
        sample_attractors(net, 10, flip_symmetry=True, rng=0)
    with pytest.raises(TypeError, match="flip_symmetry must be"):
        sample_attractors(net, 10, flip_symmetry="no", rng=0)
    res = sample_attractors(net, 50, rng=0)  # default: no merging with thresholds
    assert np.all(net.is_fixed_point(res.attractors))

"""Exact thermodynamics by enumeration against brute force, thermodynamic identities, size and
temperature checks, the mean-field overlap, and the round trip of ExactThermo."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.patterns import random_patterns
from esorma.thermo import (
    ExactThermo,
    all_states,
    exact,
    exact_distribution,
    ground_states,
    mean_field_overlap,
    sk_couplings,
    state_codes,
)


def _brute(net, temps):
    """Direct numpy thermodynamics over all states (reference)."""
    n = net.n_neurons
    S = all_states(n)
    E = net.energy(S)
    Sf = S.astype(float)
    m = Sf.mean(axis=1)
    out = []
    for t in temps:
        w = np.exp(-(E - E.min()) / t)
        Z = w.sum()
        p = w / Z
        logz = np.log(Z) - E.min() / t
        e1 = p @ E
        c = (p @ E**2 - e1**2) / t**2
        q = (Sf @ Sf.T) / n
        d = np.rint((n - n * q) / 2).astype(int)
        pq = np.bincount(d.ravel(), weights=np.outer(p, p).ravel(), minlength=n + 1)[::-1]
        ov = None if net.patterns is None else (p @ np.abs(Sf @ net.patterns.T / n))
        out.append((logz, e1, c, p @ m, p @ np.abs(m), p @ m**2, pq, ov))
    return out


@pytest.mark.parametrize("case", ["sk_theta", "sk_symmetric", "hebb_int", "asym"])
def test_exact_matches_brute_force(case):
    rng = np.random.default_rng(3)
    if case == "sk_theta":
        net = Hopfield(sk_couplings(9, rng=1), theta=rng.normal(0, 0.4, 9))
    elif case == "sk_symmetric":
        net = Hopfield(sk_couplings(8, rng=2))  # θ = 0: half enumeration + mirror
    elif case == "hebb_int":
        net = Hopfield.from_patterns(random_patterns(2, 10, rng=3))  # int16 counts, scale 1/N
    else:
        J = rng.normal(size=(7, 7))  # non-symmetric with a diagonal: E uses the symmetric part
        net = Hopfield(J, theta=rng.normal(size=7))
    temps = [0.05, 0.4, 1.0, 3.0]
    th = exact(net, temps)
    ref = _brute(net, temps)
    for k, (logz, e1, c, m, am, m2, pq, ov) in enumerate(ref):
        assert th.log_z[k] == pytest.approx(logz, rel=1e-12, abs=1e-10)
        assert th.energy[k] == pytest.approx(e1, rel=1e-10, abs=1e-10)
        assert th.specific_heat[k] == pytest.approx(c, rel=1e-7, abs=1e-9)
        assert th.magnetisation[k] == pytest.approx(m, abs=1e-12)
        assert th.abs_magnetisation[k] == pytest.approx(am, abs=1e-12)
        assert th.magnetisation2[k] == pytest.approx(m2, abs=1e-12)
        np.testing.assert_allclose(th.overlap_distribution[k], pq, atol=1e-12)
        if ov is not None:
            np.testing.assert_allclose(th.abs_overlaps[k], ov, atol=1e-12)
    np.testing.assert_allclose(th.free_energy, -np.asarray(temps) * th.log_z)
    e_all = net.energy(all_states(net.n_neurons))
    assert th.ground_energy == pytest.approx(e_all.min(), abs=1e-12)
    np.testing.assert_allclose(net.energy(th.ground_states), e_all.min(), atol=1e-9)


def test_thermodynamic_identities_and_low_temperature_stability():
    net = Hopfield(sk_couplings(14, rng=5))
    temps = np.linspace(0.3, 3.0, 40)
    th = exact(net, temps)
    # C = d⟨E⟩/dT (central differences) and S = −dF/dT
    mid = slice(1, -1)
    dE = np.gradient(th.energy, temps)
    dF = np.gradient(th.free_energy, temps)
    np.testing.assert_allclose(dE[mid], th.specific_heat[mid], rtol=0.02)
    np.testing.assert_allclose(-dF[mid], th.entropy[mid], rtol=0.02, atol=0.02)
    # log-sum-exp: T = 1e-3 gives F = E₀ − T log(degeneracy 2), no overflow
    cold = exact(net, [1e-3, 1e-6])
    assert np.all(np.isfinite(cold.log_z))
    np.testing.assert_allclose(cold.free_energy, cold.ground_energy - cold.temperatures * np.log(2),
                               atol=1e-9)
    assert cold.ground_states.shape == (2, 14)
    np.testing.assert_array_equal(cold.ground_states[0], -cold.ground_states[1])
    # P(q) of the SK model spreads out as T drops below 1: ⟨q²⟩ ≈ 1/N = 0.07 at T = 3,
    # 0.44 at T = 0.3 for this 14-spin instance
    pq_low, pq_high = exact(net, [0.3, 3.0]).overlap_distribution
    q = th.q_values
    assert (pq_low * q**2).sum() > 0.3 > 0.15 > (pq_high * q**2).sum()


def test_exact_refuses_large_networks_and_bad_temperatures():
    J = np.zeros((25, 25))
    with pytest.raises(ValueError, match=r"N <= 24; got N = 25 \(2\^25"):
        exact(J, [1.0])
    with pytest.raises(ValueError, match="max_neurons must be <= 30"):
        exact(J, [1.0], max_neurons=31)
    small = sk_couplings(4, rng=0)
    with pytest.raises(ValueError, match="> 0"):
        exact(small, [1.0, 0.0])
    with pytest.raises(ValueError, match="> 0"):
        exact(small, [-1.0])
    with pytest.raises(ValueError, match="non-empty"):
        exact(small, [])
    with pytest.raises(TypeError, match="temperatures"):
        exact(small, ["a"])


def test_exact_24_spins_runs_and_is_consistent():
    # the benchmark size (N = 24) at a few temperatures; θ = 0 so half the states suffice
    net = Hopfield(sk_couplings(24, rng=9))
    th = exact(net, [0.5, 1.0, 2.0])
    assert th.overlap_distribution is None  # off by default above N = 20
    assert np.all(np.diff(th.energy) > 0) and np.all(th.specific_heat > 0)
    e0, gs = ground_states(net)
    assert e0 == th.ground_energy
    np.testing.assert_allclose(net.energy(gs), e0, atol=1e-9)


def test_exact_distribution_and_codes():
    net = Hopfield(sk_couplings(6, rng=1), theta=np.linspace(-0.2, 0.2, 6))
    S, p, E = exact_distribution(net, 0.7)
    np.testing.assert_allclose(E, net.energy(S), atol=1e-12)
    w = np.exp(-(E - E.min()) / 0.7)
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-12)
    np.testing.assert_array_equal(state_codes(S), np.arange(64))


def test_mean_field_overlap():
    t = np.array([0.2, 0.5, 0.8, 0.99])
    m = mean_field_overlap(t)
    np.testing.assert_allclose(m, np.tanh(m / t), atol=1e-12)
    assert np.all(m > 0) and mean_field_overlap(1.0) == 0 and mean_field_overlap(2.0) == 0
    assert mean_field_overlap(0.999) == pytest.approx(np.sqrt(3 * 0.001), rel=0.01)
    with pytest.raises(ValueError, match=">= 0"):
        mean_field_overlap(-0.1)


def test_enumeration_module_is_not_shadowed_by_the_exact_function():
    import importlib

    import esorma.thermo

    mod = importlib.import_module("esorma.thermo.enumeration")
    assert mod.MAX_NEURONS == 24 and mod.exact is esorma.thermo.exact
    assert callable(esorma.thermo.exact)  # the public function keeps its name


def test_exact_thermo_roundtrip(roundtrip):
    net = Hopfield.from_patterns(random_patterns(2, 8, rng=0))  # with overlaps and P(q)
    th = exact(net, [0.5, 1.0])
    assert th.overlaps is not None and th.overlap_distribution is not None
    back = roundtrip(th)
    assert isinstance(back, ExactThermo) and back.n_states == 256
    roundtrip(exact(sk_couplings(6, rng=1), [1.0], overlap_distribution=False))  # None fields


def test_exact_at_extreme_low_temperature_gives_the_ground_state_limit():
    """T = 1e-300: no NaN, no RuntimeWarning; F = E0, S = log(degeneracy), C = 0 (issue 13)."""
    import warnings

    J = np.array([[0.0, 1.0], [1.0, 0.0]])  # two aligned ground states, E0 = -1
    temps = [1e-300, 1e-200, 1e-20, 1e-3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        th = exact(J, temps)
    np.testing.assert_allclose(th.free_energy, -1.0 - np.array(temps) * np.log(2), rtol=1e-15)
    np.testing.assert_allclose(th.energy, -1.0)
    # Exact at T = 1e-3: S = ln 2 + O(e^-2000); the old E - F difference lost it below 1e-16
    np.testing.assert_allclose(th.entropy, np.log(2.0), rtol=1e-12)
    assert np.all(th.specific_heat == 0.0)
    np.testing.assert_allclose(th.log_z * np.array(temps), 1.0 + np.array(temps) * np.log(2),
                               rtol=1e-12)
    # A T where -E0/T overflows float64 is refused, naming temperatures and the way out
    with pytest.raises(ValueError, match="temperatures too small.*ground_states"):
        exact(J * 1e10, [1e-300])


def test_entropy_and_specific_heat_agree_with_the_old_formulas_at_moderate_T():
    net = Hopfield(sk_couplings(8, rng=2))
    th = exact(net, [0.5, 1.0, 2.0])
    np.testing.assert_allclose(th.entropy, (th.energy - th.free_energy) / th.temperatures,
                               rtol=1e-10)
    np.testing.assert_allclose(th.free_energy, -th.temperatures * th.log_z, rtol=1e-12)

"""The Boltzmann-network study (esorma.thermo.boltzmann_study): retrieval against theory, exact
thermodynamics and tempering in one result, independent seeds per part, presets, validation,
and the round trip of BoltzmannStudyResult."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.thermo import (
    BOLTZMANN_PRESETS,
    BoltzmannStudyResult,
    boltzmann_study,
    ground_states,
    mean_field_overlap,
)

SMALL = dict(n_neurons=400, temperatures=[0.3, 0.6, 1.3], n_sweeps=120, burn_in=20, n_chains=2,
             exact_neurons=10, exact_temperatures="0.2:2.0:0.2", pq_temperatures=[0.3, 1.5],
             pt_sweeps=400)


@pytest.fixture(scope="module")
def small():
    return boltzmann_study(**SMALL, rng=3)


def test_study_retrieves_below_tc_and_finds_the_ground_state(small):
    r = small
    assert isinstance(r, BoltzmannStudyResult)
    assert r.overlap.shape == r.overlap_error.shape == r.rs_overlap.shape == (3,)
    # T = 0.3 retrieves (m = tanh(m/T) = 0.997 at α → 0); T = 1.3 > T_c = 1 does not
    assert abs(r.overlap[0] - r.mean_field_overlap[0]) < 0.03 and abs(r.overlap[2]) < 0.2
    np.testing.assert_allclose(r.mean_field_overlap, mean_field_overlap([0.3, 0.6, 1.3]))
    # replica symmetric at α = 3/400: below the α → 0 value, no retrieval state above T_c
    assert np.all(r.rs_overlap[:2] <= r.mean_field_overlap[:2] + 1e-12)
    assert np.all(r.rs_overlap[:2] > 0.85) and np.isnan(r.rs_overlap[2])
    # exact curves and P(q)
    np.testing.assert_allclose(r.exact.temperatures, np.arange(1, 11) * 0.2)
    assert r.exact.overlap_distribution is None
    assert r.exact_pq.overlap_distribution.shape == (2, 11)
    np.testing.assert_allclose(r.exact_pq.overlap_distribution.sum(axis=1), 1.0)
    # tempering: its best state has its energy, equal to the enumerated ground energy
    e0, _ = ground_states(r.sk_couplings)
    assert r.pt_found_ground_state and r.pt_ground_energy == pytest.approx(e0, abs=1e-9)
    assert Hopfield(r.sk_couplings).energy(r.pt_ground_state) == pytest.approx(e0, abs=1e-9)
    assert r.pt_acceptance.shape == (r.pt_temperatures.size - 1,) == (9,)
    assert r.load == 3 / 400 and r.exact_neurons == 10 and r.seed == 3


def test_summary_and_report_agree_with_the_result(small):
    s = small.summary()
    assert s["overlap"] == small.overlap.tolist()
    assert s["pt_found_ground_state"] is True
    assert s["exact_ground_energy_per_spin"] == small.exact.ground_energy / 10
    text = "\n".join(small.report())
    assert f"{small.overlap[0]:+.4f} ± {small.overlap_error[0]:.4f}" in text
    assert f"E0/N = {small.exact.ground_energy / 10:.4f}" in text
    assert "the exact ground state" in text and "NOT" not in text
    assert small.config["temperatures"] == [0.3, 0.6, 1.3]


def test_study_result_roundtrip(small, roundtrip):
    back = roundtrip(small)
    assert back.pt_found_ground_state is True and back.exact_pq.q_values.shape == (11,)


def test_parts_have_independent_seeds():
    # One SeedSequence child per part (and per retrieval temperature, keyed by its value):
    # changing the temperatures must not change the SK instance, the tempering run, or the
    # retrieval run at a temperature present in both lists.
    kw = dict(n_neurons=200, n_patterns=3, n_sweeps=30, burn_in=5, n_chains=2,
              update="glauber", exact_neurons=8, exact_temperatures=[0.5, 1.0],
              pq_temperatures=[1.0], pt_sweeps=50, rng=7)
    a = boltzmann_study(temperatures=[0.3, 1.3], **kw)
    b = boltzmann_study(temperatures=[0.9, 0.3], **kw)
    np.testing.assert_array_equal(a.sk_couplings, b.sk_couplings)
    assert a.pt_ground_energy == b.pt_ground_energy
    np.testing.assert_array_equal(a.pt_acceptance, b.pt_acceptance)
    assert a.overlap[0] == b.overlap[1]  # T = 0.3 in both runs
    c = boltzmann_study(temperatures=[0.3, 1.3], **{**kw, "rng": 8})
    assert not np.array_equal(a.sk_couplings, c.sk_couplings)


def test_a_generator_seed_is_recorded_and_repeats_the_study():
    kw = dict(n_neurons=100, temperatures=[0.5], n_sweeps=10, burn_in=0, exact_neurons=6,
              exact_temperatures=[1.0], pq_temperatures=[1.0], pt_sweeps=20)
    a = boltzmann_study(**kw, rng=np.random.default_rng(5))
    b = boltzmann_study(**kw, rng=a.seed)
    assert isinstance(a.seed, int) and 0 <= a.seed < 2**63
    np.testing.assert_array_equal(a.overlap, b.overlap)
    np.testing.assert_array_equal(a.sk_couplings, b.sk_couplings)


def test_metropolis_update_retrieves_like_glauber():
    # Both rules sample the same Boltzmann distribution: m(T = 0.5) ≈ tanh(m/0.5) = 0.957.
    kw = dict(n_neurons=1000, temperatures=[0.5], n_sweeps=200, burn_in=50, exact_neurons=6,
              exact_temperatures=[1.0], pq_temperatures=[1.0], pt_sweeps=20, rng=2)
    for update in ("glauber", "metropolis"):
        r = boltzmann_study(update=update, **kw)
        assert r.update == update
        assert abs(r.overlap[0] - mean_field_overlap(0.5)) < 0.02


def test_presets_fill_only_what_is_not_given():
    assert set(BOLTZMANN_PRESETS) == {"quick", "full"}
    quick = BOLTZMANN_PRESETS["quick"]
    r = boltzmann_study(preset="quick", temperatures=[0.5], n_sweeps=20, burn_in=5,
                        exact_temperatures=[1.0], pq_temperatures=[1.0], pt_sweeps=10, rng=0)
    assert (r.n_neurons, r.exact_neurons) == (quick["n_neurons"], quick["exact_neurons"])
    assert (r.n_sweeps, r.burn_in, r.pt_sweeps, r.preset) == (20, 5, 10, "quick")


@pytest.mark.parametrize("kwargs, err, msg", [
    (dict(preset="medium"), ValueError, "preset must be one of"),
    (dict(update="wolff"), ValueError, "update must be one of"),
    (dict(exact_neurons=30), ValueError, "exact_neurons must be <= 24"),
    (dict(n_patterns=0), ValueError, "n_patterns must be >= 1"),
    (dict(n_sweeps=10, burn_in=9), ValueError, "burn_in must be <= 8"),
    (dict(temperatures=[-0.5]), ValueError, "temperatures must be finite and >= 0"),
    (dict(temperatures=[]), ValueError, "temperatures must list at least one"),
    (dict(temperatures="0.1:0.5:0"), ValueError, "temperatures ranges must be"),
    (dict(pq_temperatures=[0.0]), ValueError, "pq_temperatures must be finite and > 0"),
    (dict(exact_temperatures=["hot"]), TypeError, "exact_temperatures must be real"),
    (dict(progress="loud"), TypeError, "progress must be None or a callable"),
])
def test_bad_arguments_are_refused_before_computing(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        boltzmann_study(**{"preset": "quick", **kwargs})


def test_progress_gets_one_line_per_temperature_and_part():
    lines = []
    boltzmann_study(n_neurons=100, temperatures=[0.5, 1.0], n_sweeps=10, burn_in=0,
                    exact_neurons=6, exact_temperatures=[1.0], pq_temperatures=[1.0],
                    pt_sweeps=10, rng=0, progress=lines.append)
    assert len(lines) == 4 and lines[0].startswith("retrieval T = 0.5 [1/2]")

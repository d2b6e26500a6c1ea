"""The attractor study: network construction, method choice, seeding, round trip, figure."""

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import (
    AUTO_EXACT_MAX,
    AttractorStudy,
    attractor_study,
    exact_basins,
    sample_attractors,
)
from esorma.couplings import sk_couplings
from esorma.patterns import random_patterns


def _streams(seed):
    """Independent of the implementation: the two documented SeedSequence streams."""
    a, b = np.random.SeedSequence(seed).generate_state(2)
    return np.random.default_rng(int(a)), int(b)


def test_exact_study_equals_its_parts():
    study = attractor_study(n_neurons=10, n_patterns=3, dynamics="sequential", rng=5)
    net_rng, _ = _streams(5)
    xi = random_patterns(3, 10, rng=net_rng)
    ref = exact_basins(Hopfield.from_patterns(xi), mode="sequential")
    assert np.array_equal(study.network.patterns, xi)
    assert study.method == "exact" and study.dynamics == "sequential"
    assert study.source == "patterns" and study.network.rule == "hebb"
    assert np.array_equal(study.attractors.basin_sizes, ref.basin_sizes)
    assert study.attractors.labels.names == ref.labels.names
    assert study.seed == 5 and study.label_tol == 0.0 and study.n_starts is None


def test_sampled_study_equals_its_parts():
    study = attractor_study(n_neurons=200, load=0.015, method="sampled", n_starts=60,
                            start_from="patterns", corruption=0.2, rng=7)
    net_rng, run_seed = _streams(7)
    xi = random_patterns(3, 200, rng=net_rng)  # P = round(0.015 * 200) = 3
    ref = sample_attractors(Hopfield.from_patterns(xi), 60, starts="patterns", corruption=0.2,
                            label_tol=0.05, rng=run_seed)
    assert np.array_equal(study.attractors.counts, ref.counts)
    assert np.array_equal(study.attractors.attractors, ref.attractors)
    assert sorted(study.attractors.labels.names) == ["pattern 0", "pattern 1", "pattern 2"]
    assert study.summary()["n_starts"] == 60 and study.settings()["start_from"] == "patterns"


@pytest.mark.parametrize("dynamics, mode, order", [
    ("async", "async", "random"), ("sequential", "async", "sequential"),
    ("sync", "sync", "random")])
def test_sampled_dynamics_map_to_modes(dynamics, mode, order):
    study = attractor_study(n_neurons=40, n_patterns=2, method="sampled", n_starts=20,
                            dynamics=dynamics, rng=1)
    assert (study.attractors.mode, study.attractors.order) == (mode, order)


def test_auto_method():
    assert attractor_study(n_neurons=AUTO_EXACT_MAX, n_patterns=1, rng=0).method == "exact"
    big = attractor_study(n_neurons=AUTO_EXACT_MAX + 1, n_patterns=1, n_starts=10, rng=0)
    assert big.method == "sampled" and big.dynamics == "async"
    # what only the sampled search can do makes auto sample even at small N
    assert attractor_study(n_neurons=10, dynamics="async", n_starts=10, rng=0).method == "sampled"
    assert attractor_study(n_neurons=10, start_from="patterns", n_starts=10,
                           rng=0).method == "sampled"


def test_sk_and_given_networks():
    sk = attractor_study(n_neurons=11, sk=True, rng=3)
    net_rng, _ = _streams(3)
    assert np.array_equal(sk.network.J, sk_couplings(11, rng=net_rng))
    assert sk.source == "sk" and sk.network.n_patterns == 0 and sk.attractors.labels is None
    given = attractor_study(sk.network.J)
    assert given.source == "network" and given.seed is None
    assert np.array_equal(given.attractors.codes, sk.attractors.codes)

    class Wrapper:
        def to_network(self):
            return sk.network

    assert attractor_study(Wrapper()).network is sk.network


def test_couplings_file(tmp_path):
    J = sk_couplings(9, rng=2)
    np.save(tmp_path / "J.npy", J)
    study = attractor_study(tmp_path / "J.npy")
    assert study.source == "file" and study.couplings_file == str(tmp_path / "J.npy")
    assert study.settings()["couplings_file"] == str(tmp_path / "J.npy")
    assert np.array_equal(study.network.J, J)
    assert "J.npy" in study.network_description


@pytest.mark.parametrize("method", ["exact", "sampled"])
def test_round_trip(method, roundtrip):
    study = attractor_study(n_neurons=12, n_patterns=2, method=method, n_starts=40, rng=4)
    back = roundtrip(study, config=study.settings(), seed=4)
    assert isinstance(back.network, Hopfield)
    assert back.summary() == {**study.summary(), "seconds": back.summary()["seconds"]}
    assert back.rows() == study.rows()
    # the loaded network computes the same attractors
    again = exact_basins(back.network, mode="sync")
    assert np.array_equal(again.basin_sizes,
                          exact_basins(study.network, mode="sync").basin_sizes)


def test_round_trip_sk_from_file(tmp_path, roundtrip):
    np.save(tmp_path / "J.npy", sk_couplings(8, rng=0))
    roundtrip(attractor_study(tmp_path / "J.npy", method="sampled", n_starts=30, rng=2))


def test_rows_and_summary_agree():
    study = attractor_study(n_neurons=10, n_patterns=3, rng=0)
    rows = study.rows()
    s = study.summary()
    assert len(rows) == s["n_attractors"] == study.n_attractors
    assert len(study.rows(top=3)) == 3
    assert sum(r["basin_size"] for r in rows) == s["n_states"] == 2**10
    assert s["n_fixed_points"] == sum(r["cycle_length"] == 1 for r in rows)
    assert s["largest_basin_fraction"] == rows[0]["basin_fraction"]
    kinds = [r["label"].split()[0] for r in rows]
    assert s["label_counts"]["pattern"] == kinds.count("pattern")


def test_repr_is_compact():
    text = repr(attractor_study(n_neurons=14, n_patterns=2, rng=0))
    assert text.startswith("AttractorStudy(") and len(text) < 3000


def test_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from esorma.plotting.attractors import plot_attractor_study

    fig = plot_attractor_study(attractor_study(n_neurons=8, n_patterns=2, rng=0))
    assert len(fig.axes) == 2 and "hebb network" in fig._suptitle.get_text()
    plt.close(fig)
    fig = plot_attractor_study(attractor_study(n_neurons=100, n_patterns=2, method="sampled",
                                               n_starts=30, rng=0))
    assert len(fig.axes) == 1
    plt.close(fig)
    with pytest.raises(TypeError, match="AttractorStudy"):
        plot_attractor_study(object())


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="method must be one of"):
        attractor_study(method="fast")
    with pytest.raises(ValueError, match="handles N <= 24.*method='sampled'"):
        attractor_study(n_neurons=30, method="exact")
    with pytest.raises(ValueError, match="dynamics must be one of .*not a deterministic map"):
        attractor_study(n_neurons=8, method="exact", dynamics="async")
    with pytest.raises(ValueError, match="start_from only applies to method='sampled'"):
        attractor_study(n_neurons=8, method="exact", start_from="random")
    with pytest.raises(ValueError, match="needs a network that stores patterns: SK"):
        attractor_study(n_neurons=30, sk=True, start_from="patterns")
    with pytest.raises(ValueError, match="n_patterns, rule cannot be combined with network"):
        attractor_study(np.eye(3), n_patterns=2, rule="hebb")
    with pytest.raises(ValueError, match="cannot be combined with sk=True"):
        attractor_study(n_neurons=8, sk=True, n_patterns=2)
    with pytest.raises(ValueError, match="n_patterns or load, not both"):
        attractor_study(n_patterns=2, load=0.1)
    with pytest.raises(ValueError, match="load must be > 0"):
        attractor_study(load=0.0)
    with pytest.raises(ValueError, match="rule must be one of"):
        attractor_study(rule="oja")
    with pytest.raises(ValueError, match="n_neurons must be >= 2"):
        attractor_study(n_neurons=1, sk=True)
    with pytest.raises(ValueError, match="n_starts must be >= 1"):
        attractor_study(n_neurons=30, n_starts=0)
    with pytest.raises(ValueError, match="corruption must be"):
        attractor_study(n_neurons=30, corruption=1.5)
    with pytest.raises(ValueError, match="label_tol must be"):
        attractor_study(n_neurons=8, label_tol=2.0)
    with pytest.raises(ValueError, match="non-negative int seed"):
        attractor_study(n_neurons=8, rng=-1)
    with pytest.raises(FileNotFoundError, match="no such file"):
        attractor_study(tmp_path / "none.npy")


def test_generator_rng_is_reproducible():
    a = attractor_study(n_neurons=60, n_patterns=3, n_starts=30, rng=np.random.default_rng(9))
    b = attractor_study(n_neurons=60, n_patterns=3, n_starts=30, rng=np.random.default_rng(9))
    assert a.seed is None
    assert np.array_equal(a.network.patterns, b.network.patterns)
    assert np.array_equal(a.attractors.counts, b.attractors.counts)
    assert isinstance(a, AttractorStudy)

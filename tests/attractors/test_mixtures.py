"""The mixture census counts exact fixed points by kind, against the α → 0 theory."""

from itertools import combinations, product
from math import comb

import numpy as np
import pytest

from esorma import Hopfield
from esorma.attractors import (
    MixtureCensus,
    hebb_fixed_points,
    mixture_census,
    mixture_state,
    mixture_theory_counts,
)
from esorma.patterns import random_patterns


def test_theory_counts_are_binomial_times_signs():
    assert mixture_theory_counts(1) == {"pattern": 2}
    t = mixture_theory_counts(7)
    assert t == {"pattern": 14, "mixture 3": comb(7, 3) * 8, "mixture 5": comb(7, 5) * 32,
                 "mixture 7": 128}
    with pytest.raises(ValueError, match="n_patterns"):
        mixture_theory_counts(0)


def test_census_counts_add_up_and_match_a_direct_check():
    c = mixture_census([3, 4], [40, 300], n_draws=3, rng=5)
    assert isinstance(c, MixtureCensus)
    assert c.kinds.tolist() == ["pattern", "mixture 3", "other"]
    np.testing.assert_array_equal(c.counts.sum(axis=3), c.totals)
    # the same draws by hand: every symmetric 3-mixture that is a fixed point is counted
    gen = np.random.default_rng(5)
    for a, p in enumerate((3, 4)):
        for b, n in enumerate((40, 300)):
            for d in range(3):
                xi = random_patterns(p, n, rng=gen)
                net = Hopfield.from_patterns(xi)
                fixed = 0
                for sub in combinations(range(p), 3):
                    for eps in product((1, -1), repeat=3):
                        signs = np.zeros(p, dtype=np.int64)
                        signs[list(sub)] = eps
                        fixed += bool(net.is_fixed_point(mixture_state(xi, signs)))
                assert c.counts[a, b, d, 1] == fixed
                assert c.totals[a, b, d] == hebb_fixed_points(net).n_fixed_points
    # every pattern and its reverse is a fixed point at these sizes
    assert np.all(c.counts[:, :, :, 0] == 2 * np.array([3, 4])[:, None, None])


def test_large_n_reaches_the_odd_mixture_theory():
    # P = 5, N = 3000: all C(5,3)·8 = 80 three-mixtures and 32 five-mixtures are fixed points
    c = mixture_census([5], [3000], n_draws=2, rng=1)
    np.testing.assert_array_equal(c.mean[0, 0, :3], [10, 80, 32])
    assert np.allclose(c.fraction_of_theory[0, 0, :3], 1.0)
    # the other fixed points are asymmetric mixtures with macroscopic overlaps
    assert c.mean[0, 0, 3] > 100 and c.max_overlap_min[0, 0] > 0.3


def test_census_is_reproducible_round_trips_and_prints_a_table(roundtrip):
    a = mixture_census([3], [50, 100], n_draws=2, rng=3)
    b = mixture_census([3], [50, 100], n_draws=2, rng=3)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert a.seed == 3
    back = roundtrip(a)
    np.testing.assert_array_equal(back.counts, a.counts)
    text = a.table()
    assert "theory" in text and "mixture 3" in text and text.count("\n") == 3


def test_census_validates_input():
    with pytest.raises(ValueError, match="n_draws"):
        mixture_census([3], [50], n_draws=0)
    with pytest.raises(ValueError, match="n_neurons"):
        mixture_census([3], [1])
    with pytest.raises(ValueError, match="at least one"):
        mixture_census([], [50])


def test_p4_other_fixed_points_are_tie_broken_even_mixtures():
    # P = 4, large N: every fixed point that is neither a pattern nor a symmetric 3-mixture is
    # sign(2 ε_a ξ^a + Σ_{b≠a} ε_b ξ^b), the 4-mixture with its ties broken by one pattern
    # (overlaps 3/4, 1/4, 1/4, 1/4); about half of the 64 are 1-spin-flip stable
    for seed in (0, 1):
        xi = random_patterns(4, 3000, rng=seed)
        fp = hebb_fixed_points(patterns=xi)
        lab = fp.labels()
        others = {tuple(r) for r, k in zip(fp.representatives(), lab.kind) if k == 3}
        cands = set()
        for a in range(4):
            for eps in product((1, -1), repeat=4):
                w = np.array(eps)
                w[a] *= 2
                cands.add(tuple(np.where(w @ xi > 0, 1, -1).astype(np.int8)))
        assert len(cands) == 64 and others <= cands and 16 <= len(others) <= 48


def test_experiment_writes_the_census_and_its_figure(tmp_path, monkeypatch, capsys):
    import importlib.util
    from pathlib import Path

    from esorma.io import load_result, read_metadata

    path = Path(__file__).resolve().parents[2] / "experiments" / "hebb_mixtures.py"
    assert "esorma.cli" not in path.read_text()
    spec = importlib.util.spec_from_file_location("hebb_mixtures_experiment", path)
    exp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exp)
    assert exp.settings(True)["n_patterns"] == [3, 4, 5]
    monkeypatch.setattr(exp, "settings",
                        lambda q: dict(n_patterns=[3], n_neurons=[40, 80], n_draws=2))
    fig = tmp_path / "fig.png"
    assert exp.main(["--quick", "--out", str(tmp_path), "--seed", "2", "--figure", str(fig)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png", "hebb_mixtures.h5"]
    back = load_result(tmp_path / "hebb_mixtures.h5", MixtureCensus)
    assert back.seed == 2 and back.counts.shape == (1, 2, 2, 3)
    assert read_metadata(tmp_path / "hebb_mixtures.h5")["seed"] == 2
    assert "theory" in capsys.readouterr().out

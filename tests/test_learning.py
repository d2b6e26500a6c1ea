"""Learning rules: exactness, no overflow, registry, bad input."""

import numpy as np
import pytest

from esorma.learning import RULES, get_rule, hebb, hebb_counts_dtype, pseudo_inverse
from esorma.patterns import random_patterns


def test_hebb_matches_definition():
    xi = random_patterns(7, 30, rng=0)
    expected = sum(np.outer(x, x) for x in xi.astype(float)) / 30
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(hebb(xi), expected, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.float32])
def test_hebb_no_overflow_for_any_dtype(dtype):
    # 300 identical patterns: int8 accumulation would wrap around at 127.
    xi = np.ones((300, 5), dtype=dtype)
    J = hebb(xi)
    assert J[0, 1] == pytest.approx(300 / 5)
    counts = hebb(xi, integer=True)
    assert counts.dtype == np.int16 and counts[0, 1] == 300 and counts[0, 0] == 0


def test_hebb_counts_dtype_switches_to_int32():
    assert hebb_counts_dtype(32767) == np.int16
    assert hebb_counts_dtype(32768) == np.int32


def test_pseudo_inverse_stores_correlated_patterns():
    # Correlated patterns break Hebb but the projection rule stores all of them exactly.
    rng = np.random.default_rng(1)
    base = random_patterns(1, 100, rng=rng)[0]
    xi = np.array([np.where(rng.random(100) < 0.15, -base, base) for _ in range(20)], np.int8)
    J = pseudo_inverse(xi)
    h = xi @ J.T
    assert np.all(xi * h > 0)
    Jh = hebb(xi)
    assert not np.all(xi * (xi @ Jh.T) > 0)


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_symmetric_zero_diagonal_and_stores_low_load(name):
    xi = random_patterns(4, 120, rng=2)
    J = get_rule(name)(xi)
    assert J.shape == (120, 120)
    np.testing.assert_allclose(J, J.T, atol=1e-12)
    assert np.all(np.diagonal(J) == 0)
    assert np.all(xi * (xi @ J.T) > 0)  # every pattern is a fixed point at load 4/120


def test_storkey_beats_hebb_capacity():
    # At alpha = 0.2 Hebb fails to keep patterns exactly stable; Storkey keeps many more.
    xi = random_patterns(40, 200, rng=3)
    stable = {n: np.mean(np.all(xi * (xi @ RULES[n](xi).T) > 0, axis=1)) for n in ("hebb", "storkey")}
    assert stable["storkey"] > stable["hebb"] + 0.3


@pytest.mark.parametrize(
    "bad, err, msg",
    [
        (np.array([[1, 0, -1]]), ValueError, "only -1 and \\+1"),
        (np.array([[True, False]]), TypeError, "booleans"),
        (np.ones((2, 2, 2)), ValueError, "shape"),
        (np.array([["a", "b"]]), TypeError, "numeric"),
    ],
)
def test_bad_patterns(bad, err, msg):
    with pytest.raises(err, match=msg):
        hebb(bad)


def test_unknown_rule():
    with pytest.raises(ValueError, match="rule must be one of"):
        get_rule("oja")

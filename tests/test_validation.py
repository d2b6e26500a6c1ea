"""Hostile input to the validators and the public constructors (property-based, Hypothesis).

Every validator of :mod:`esorma._validation` and the constructors ``Hopfield``,
``random_patterns`` and ``as_network`` either accept an input and return a valid object, or
refuse it with ``ValueError``/``TypeError`` (or an esorma error) whose message names the
argument -- never another exception, never a silently wrong value. Plus the regression cases
of issue 13: integer couplings whose fields would overflow int64, masked arrays.
"""

import numbers

import numpy as np
import pytest

from esorma import Hopfield
from esorma.networks import as_network
from esorma._validation import (
    INTEGER_ROW_SUM_LIMIT,
    as_rng,
    check_bool,
    check_choice,
    check_couplings,
    check_finite_array,
    check_int,
    check_not_masked,
    check_patterns,
    check_probability,
    check_real,
    check_spins,
    check_thresholds,
    parse_values,
)
from esorma.errors import EsormaError
from esorma.patterns import random_patterns

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

# Modest budgets: the whole module runs in a few seconds.
FAST = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

REFUSALS = (ValueError, TypeError, EsormaError)

# ------------------------------------------------------------------ strategies
NUMERIC_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64", "float16",
                  "float32", "float64", "complex128", "bool"]
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(),
    st.text(max_size=4), st.binary(max_size=3),
    st.sampled_from([np.int8(1), np.float32(np.nan), np.bool_(True), np.float64(2.0),
                     np.int64(2**62), 10**400, -(10**400), 2**63, np.str_("a")]),
)
any_arrays = st.sampled_from(NUMERIC_DTYPES).flatmap(lambda dt: hnp.arrays(dt, SHAPES))
pm1_arrays = st.sampled_from(["int8", "int64", "float32", "float64", "uint8"]).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5),
                          elements=st.sampled_from([-1, 1]) if dt != "uint8"
                          else st.sampled_from([1, 255])))
square = st.integers(1, 4).flatmap(lambda n: st.sampled_from(NUMERIC_DTYPES).flatmap(
    lambda dt: hnp.arrays(dt, (n, n))))
masked = st.one_of(any_arrays, pm1_arrays, square).map(lambda a: np.ma.array(a))
nested = st.recursive(st.one_of(st.integers(-2, 2), st.floats(), st.text(max_size=1)),
                      lambda c: st.lists(c, max_size=4), max_leaves=12)
objects = st.lists(st.one_of(st.integers(), st.none(), st.text(max_size=1)), max_size=4).map(
    lambda xs: np.array(xs, dtype=object))
hostile = st.one_of(scalars, any_arrays, pm1_arrays, square, masked, nested, objects)


def refuses_by_name(fn, *names):
    """Run ``fn()``: its value, or None after a refusal whose message names an argument."""
    try:
        return fn()
    except REFUSALS as exc:
        msg = str(exc)
        assert any(name in msg for name in names), f"{type(exc).__name__} not naming {names}: {msg}"
        return None


def _exact_fields(J, s):
    """J s with Python ints (no overflow possible)."""
    n = J.shape[0]
    return [sum(int(J[i, j]) * int(s[j]) for j in range(n)) for i in range(n)]


# ------------------------------------------------------------------ scalar validators
@FAST
@given(value=hostile, lo=st.one_of(st.none(), st.integers(-5, 5)))
def test_check_int_accepts_integers_or_refuses_by_name(value, lo):
    out = refuses_by_name(lambda: check_int(value, "n_arg", minimum=lo), "n_arg")
    if out is not None:
        assert type(out) is int
        assert lo is None or out >= lo


@FAST
@given(value=hostile, strict=st.booleans())
def test_check_real_returns_a_finite_float_in_range_or_refuses_by_name(value, strict):
    out = refuses_by_name(lambda: check_real(value, "x_arg", minimum=0.0, maximum=10.0,
                                             strict_min=strict), "x_arg")
    if out is not None:
        assert type(out) is float and np.isfinite(out)
        assert (out > 0.0 if strict else out >= 0.0) and out <= 10.0


@FAST
@given(value=hostile)
def test_probability_bool_choice(value):
    p = refuses_by_name(lambda: check_probability(value, "p_arg"), "p_arg")
    assert p is None or 0.0 <= p <= 1.0
    b = refuses_by_name(lambda: check_bool(value, "flag"), "flag")
    assert b is None or type(b) is bool
    c = refuses_by_name(lambda: check_choice(value, "mode", ("async", "sync")), "mode")
    assert c is None or c in ("async", "sync")


@FAST
@given(value=hostile)
def test_as_rng_returns_a_generator_or_refuses_by_name(value):
    out = refuses_by_name(lambda: as_rng(value), "rng")
    assert out is None or isinstance(out, np.random.Generator)


@FAST
@given(tokens=st.lists(st.one_of(st.text(max_size=12), st.from_regex(
    r"-?[0-9]{1,3}(\.[0-9]{1,2})?(:[0-9]{1,2}(\.[0-9])?:[0-9](\.[0-9]{1,2})?)?",
    fullmatch=True)), max_size=4))
def test_parse_values_returns_finite_numbers_or_refuses_by_name(tokens):
    tokens = tokens + ["0:1e300:1"] if len(tokens) == 3 else tokens  # 1e300 values: refused
    try:
        out = parse_values(tokens, "--alphas")
    except ValueError as exc:
        assert "--alphas" in str(exc)
        return
    assert out and all(isinstance(v, float) and np.isfinite(v) for v in out)


# ------------------------------------------------------------------ array validators
@FAST
@given(states=hostile, n=st.one_of(st.none(), st.integers(1, 5)))
def test_check_spins_gives_pm1_int8_batches_or_refuses_by_name(states, n):
    out = refuses_by_name(lambda: check_spins(states, "states", n=n), "states")
    if out is not None:
        batch, was_1d = out
        assert batch.dtype == np.int8 and batch.ndim == 2 and batch.flags.c_contiguous
        assert np.all(np.abs(batch) == 1) and batch.shape[1] >= 1
        assert n is None or batch.shape[1] == n
        assert was_1d == (np.ndim(states) == 1)
        np.testing.assert_array_equal(batch, np.asarray(states).reshape(batch.shape))


@FAST
@given(patterns=hostile)
def test_check_patterns(patterns):
    out = refuses_by_name(lambda: check_patterns(patterns, "patterns"), "patterns")
    if out is not None:
        assert out.dtype == np.int8 and out.shape[0] >= 1 and np.all(np.abs(out) == 1)


@FAST
@given(J=hostile, symmetric=st.booleans(), zero_diagonal=st.booleans())
def test_check_couplings_square_finite_and_overflow_safe(J, symmetric, zero_diagonal):
    out = refuses_by_name(lambda: check_couplings(J, "J", symmetric=symmetric,
                                                  zero_diagonal=zero_diagonal), "J")
    if out is None:
        return
    assert out.ndim == 2 and out.shape[0] == out.shape[1] >= 1
    if np.issubdtype(out.dtype, np.integer):
        assert out.dtype.kind == "i"  # never unsigned (mixed arithmetic would become float)
        rows = [sum(abs(int(v)) for v in row) for row in out]
        assert max(rows) <= INTEGER_ROW_SUM_LIMIT
    else:
        assert out.dtype == np.float64 and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, np.asarray(J))
    if symmetric:
        assert np.array_equal(out, out.T)
    if zero_diagonal:
        assert not np.any(np.diagonal(out))


@FAST
@given(theta=hostile, n=st.integers(1, 5))
def test_check_thresholds(theta, n):
    out = refuses_by_name(lambda: check_thresholds(theta, n, "theta"), "theta")
    if out is not None:
        assert out.dtype == np.float64 and out.shape == (n,) and np.all(np.isfinite(out))


@FAST
@given(x=hostile)
def test_check_finite_array(x):
    out = refuses_by_name(lambda: check_finite_array(x, "data"), "data")
    if out is not None:
        assert out.dtype == np.float64 and np.all(np.isfinite(out))


# ------------------------------------------------------------------ public constructors
@FAST
@given(J=hostile, theta=st.one_of(st.none(), hostile),
       scale=st.one_of(st.just(1.0), scalars), rule=st.one_of(st.none(), scalars,
                                                              st.sampled_from(["hebb", "x"])))
def test_hopfield_valid_or_refused_by_name(J, theta, scale, rule):
    net = refuses_by_name(lambda: Hopfield(J, theta=theta, scale=scale, rule=rule),
                          "J", "theta", "scale", "rule")
    if net is None:
        return
    n = net.n_neurons
    assert net.theta.shape == (n,) and np.all(np.isfinite(net.theta))
    assert net.scale > 0 and np.isfinite(net.scale)
    s = np.where(np.arange(n) % 2 == 0, 1, -1).astype(np.int8)
    h, e = net.fields(s), net.energy(s)
    assert np.all(np.isfinite(h)) and np.isfinite(e)
    if net.is_integer:  # exact against Python ints: no silent int64 wrap-around
        exact = _exact_fields(net.J, s)
        np.testing.assert_allclose(h, [net.scale * v for v in exact] - net.theta, rtol=1e-12,
                                   atol=1e-12 * float(np.abs(net.theta).max() + 1))


@FAST
@given(network=hostile, theta=st.one_of(st.none(), pm1_arrays))
def test_as_network_valid_or_refused_by_name(network, theta):
    net = refuses_by_name(lambda: as_network(network, theta=theta), "network", "J", "theta")
    assert net is None or isinstance(net, Hopfield)


@FAST
@given(p=st.one_of(st.integers(-3, 40), scalars), n=st.one_of(st.integers(-3, 40), scalars),
       rng=st.one_of(st.none(), st.integers(0, 2**64), scalars))
def test_random_patterns_valid_or_refused_by_name(p, n, rng):
    if isinstance(p, numbers.Real) and isinstance(n, numbers.Real) \
            and not isinstance(p, (bool, np.bool_)) and not isinstance(n, (bool, np.bool_)):
        try:
            if abs(float(p)) * abs(float(n)) > 1e6:
                return  # the size refusal is tested with the memory estimates, not here
        except OverflowError:
            return
    xi = refuses_by_name(lambda: random_patterns(p, n, rng=rng),
                         "n_patterns", "n_neurons", "rng")
    if xi is not None:
        assert xi.dtype == np.int8 and xi.shape == (int(p), int(n))
        assert np.all(np.abs(xi) == 1)


# ------------------------------------------------------------------ regression cases (issue 13)
def test_integer_couplings_whose_fields_would_overflow_int64_are_refused():
    J = np.full((3, 3), 2**62, np.int64)
    np.fill_diagonal(J, 0)
    with pytest.raises(ValueError, match=r"J has integer couplings whose row sums.*overflow"):
        Hopfield(J)
    with pytest.raises(ValueError, match="row sums"):
        as_network(J.astype(np.uint64))
    with pytest.raises(ValueError, match="row sums"):  # abs(-2**63) itself overflows int64
        Hopfield(np.array([[0, np.iinfo(np.int64).min], [0, 0]], np.int64))


def test_largest_accepted_integer_couplings_give_exact_fields_and_energies():
    from esorma.dynamics import run

    big = 2**58  # rows of 2 * 2**58 = 2**59 <= 2**60: accepted
    J = np.array([[0, big, -big], [big, 0, big - 1], [-big, big - 1, 0]], np.int64)
    net = Hopfield(J)
    for bits in range(8):
        s = np.array([1 if bits >> k & 1 else -1 for k in range(3)], np.int8)
        exact_h = _exact_fields(J, s)
        assert net.raw_fields(s[None, :])[0].tolist() == exact_h  # exact int64
        exact_e = -sum(int(s[i]) * exact_h[i] for i in range(3)) / 2
        assert float(net.energy(s)) == pytest.approx(exact_e, rel=1e-15)
        res = run(net, s, rng=0)
        final = res.states
        h_final = _exact_fields(J, final)
        assert all(int(final[i]) * h_final[i] >= 0 for i in range(3))  # a true fixed point
        e_final = -sum(int(final[i]) * h_final[i] for i in range(3)) / 2
        assert float(res.energies) == pytest.approx(e_final, rel=1e-15)
        assert float(res.energies) <= exact_e * (1 - 1e-15) + abs(exact_e) * 1e-15


@pytest.mark.parametrize("unsigned, signed", [(np.uint8, np.int16), (np.uint16, np.int32),
                                               (np.uint32, np.int64), (np.uint64, np.int64)])
def test_unsigned_couplings_become_signed(unsigned, signed):
    J = np.array([[0, 255], [255, 0]], unsigned)
    net = Hopfield(J)
    assert net.J.dtype == signed
    assert net.fields(np.array([1, -1], np.int8)).tolist() == [-255.0, 255.0]


def test_float_couplings_whose_energy_would_overflow_are_refused():
    with pytest.raises(ValueError, match="overflow float64"):
        Hopfield(np.full((4, 4), 1e308))
    with pytest.raises(ValueError, match="scale"):
        Hopfield(np.ones((2, 2)), scale=1e308)


@pytest.mark.parametrize("call, name", [
    (lambda m: Hopfield(m), "J"),
    (lambda m: Hopfield(np.zeros((2, 2)), theta=m[0]), "theta"),
    (lambda m: check_spins(np.sign(m + 0.5)), "states"),
    (lambda m: check_patterns(np.sign(m + 0.5), "patterns"), "patterns"),
    (lambda m: check_finite_array(m, "data"), "data"),
    (lambda m: random_patterns(2, 2, rng=0) * 0 + check_not_masked(m, "xi"), "xi"),
])
def test_masked_arrays_are_refused_by_name(call, name):
    m = np.ma.array(np.zeros((2, 2)), mask=[[False, True], [False, False]])
    with pytest.raises(TypeError, match=rf"{name} must be a plain array, not a numpy masked"):
        call(m)


def test_masked_arrays_refused_in_learning_statistics_training_and_stability():
    from esorma.bridge.tasks import xor_task
    from esorma.bridge.training import train_mlp
    from esorma.learning import hebb
    from esorma.spectra.statistics import spacing_ratios
    from esorma.stability import rate_rhs

    xi = np.ma.array(random_patterns(2, 5, rng=0), mask=False)
    with pytest.raises(TypeError, match="patterns must be a plain array"):
        hebb(xi)
    with pytest.raises(TypeError, match="eigenvalues must be a plain array"):
        spacing_ratios(np.ma.array([0.0, 1.0, 3.0, 4.0]))
    t = xor_task()
    with pytest.raises(TypeError, match="X must be a plain array"):
        train_mlp(np.ma.array(t.X), t.y, n_epochs=1)
    with pytest.raises(TypeError, match="x must be a plain array"):
        rate_rhs(np.ma.array(np.zeros(2)), np.zeros((2, 2)))


def test_parse_values_refuses_a_range_of_too_many_values_up_front():
    with pytest.raises(ValueError, match=r"--temperatures range '0:1e300:1' holds 1e\+300"):
        parse_values(["0:1e300:1"], "--temperatures")

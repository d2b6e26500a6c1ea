"""Shared fixtures of the test suite (environment settings live in the root conftest.py)."""

import dataclasses

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fixed-seed generator; tests that need another seed say so."""
    return np.random.default_rng(12345)


def assert_same_value(a, b, where="result"):
    """Recursive equality of two result values (arrays exactly, NaN equal to NaN)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), f"{where}: {type(a).__name__} became {type(b).__name__}"
        for f in dataclasses.fields(a):
            assert_same_value(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), f"{where}: array became {type(b).__name__}"
        assert a.shape == b.shape and a.dtype == b.dtype, (
            f"{where}: {a.dtype}{a.shape} became {b.dtype}{b.shape}")
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{where}: keys differ"
        for k in a:
            assert_same_value(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{where}: length {len(a)} became {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_value(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), f"{where}: NaN became {b!r}"
    else:
        assert a == b, f"{where}: {a!r} became {b!r}"


@pytest.fixture
def roundtrip(tmp_path):
    """``roundtrip(result)``: save with esorma.io.save_result, load back, assert equal, return it.

    Also checks that the result prints compactly (no array printed in full).
    """
    from esorma.io import load_result, save_result

    def check(result, **kwargs):
        path = save_result(tmp_path / f"{type(result).__name__}.h5", result, **kwargs)
        back = load_result(path, type(result))
        assert_same_value(result, back)
        assert len(repr(back)) < 3000, "a result must print a compact summary"
        return back

    return check

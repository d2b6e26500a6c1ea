"""Shared fixtures of the test suite (environment settings live in the root conftest.py)."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fixed-seed generator; tests that need another seed say so."""
    return np.random.default_rng(12345)

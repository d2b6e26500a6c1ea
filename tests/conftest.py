"""Shared pytest configuration: a headless matplotlib backend and small fixtures."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fixed-seed generator; tests that need another seed say so."""
    return np.random.default_rng(12345)

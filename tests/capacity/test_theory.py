"""The replica-symmetric overlay of capacity studies (values from esorma.replica)."""

import numpy as np
import pytest

from esorma.capacity import (
    LITERATURE_ALPHA_C,
    RS_ALPHA_C,
    capacity_theory,
    theory_alpha_c,
    theory_overlap,
)

RS_M_010 = 0.99799927  # AGS T = 0: m = erf(m / sqrt(2 α r)), r = (1 − C)^-2, at α = 0.10


def test_theory_helpers_use_the_replica_module():
    pytest.importorskip("esorma.replica")
    assert abs(theory_alpha_c() - 0.13790557) < 1e-6
    m = theory_overlap([0.05, 0.10, 0.2])
    assert abs(m[1] - RS_M_010) < 1e-6 and np.isnan(m[2])


def test_capacity_theory_curve_and_critical_point(roundtrip):
    # AGS 1985: α_c = 0.1379, m(α_c) = 0.967 (1.6% wrong bits); T = 0.5 lowers m(α).
    th = capacity_theory([0.05, 0.10, 0.2], temperatures=[0.0, 0.5])
    assert th.alpha_c == pytest.approx(0.13790557, abs=1e-6)
    assert th.m_c == pytest.approx(0.9674, abs=1e-4)
    assert th.error_fraction == pytest.approx((1 - th.m_c) / 2)
    assert th.converged and th.residual < 1e-10
    assert th.overlap.shape == (2, 3)
    assert th.overlap[0, 1] == pytest.approx(RS_M_010, abs=1e-6) and np.isnan(th.overlap[0, 2])
    assert th.overlap[1, 0] < th.overlap[0, 0]
    assert abs(th.alpha_c - RS_ALPHA_C) < 1e-4 and th.literature_alpha_c == LITERATURE_ALPHA_C
    back = roundtrip(th)
    assert back.literature_alpha_c == LITERATURE_ALPHA_C  # a tuple again
    with pytest.raises(ValueError, match="alphas must be > 0"):
        capacity_theory([0.0, 0.1])
    with pytest.raises(ValueError, match="temperatures must be >= 0"):
        capacity_theory([0.1], temperatures=[-0.1])

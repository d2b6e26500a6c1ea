"""esorma's theory against the published values shipped in ``data/reference_values.csv``."""

import csv
from pathlib import Path

import numpy as np
import pytest

TABLE = Path(__file__).resolve().parents[1] / "data" / "reference_values.csv"


def _rows():
    with open(TABLE) as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return {r["quantity"]: r for r in csv.DictReader(lines)}


def _computed():
    from esorma import replica, spectra

    sk = replica.sk_solve(1e-6)
    return {
        "ags_alpha_c": lambda: replica.ags_capacity().alpha_c,
        "ags_m_at_alpha_c": lambda: replica.ags_capacity().m,
        "ags_first_order_alpha": lambda: replica.ags_first_order().alpha,
        "sk_rs_ground_energy": lambda: sk.energy,
        "sk_rs_ground_entropy": lambda: sk.entropy,
        "gardner_alpha_c_kappa0": lambda: replica.gardner_capacity(0.0),
        "tracy_widom_beta1_mean": lambda: spectra.tracy_widom_moments(1)[0],
        "tracy_widom_beta2_mean": lambda: spectra.tracy_widom_moments(2)[0],
        "goe_mean_spacing_ratio": lambda: spectra.mean_spacing_ratio("goe"),
        "poisson_mean_spacing_ratio": lambda: spectra.mean_spacing_ratio("poisson"),
    }


def test_table_is_well_formed():
    rows = _rows()
    assert len(rows) >= 10
    for name, r in rows.items():
        assert np.isfinite(float(r["value"])) and float(r["tolerance"]) > 0, name
        assert r["source"].strip(), f"{name} has no source"


@pytest.mark.parametrize("quantity", sorted(_computed()))
def test_theory_matches_published_value(quantity):
    row = _rows()[quantity]
    value = float(_computed()[quantity]())
    assert value == pytest.approx(float(row["value"]), abs=float(row["tolerance"])), row["source"]

"""Every result class of esorma.replica round-trips through esorma.io (one file format)."""

import math

import numpy as np

from esorma.io import read_attrs
import pytest

from esorma import replica
from esorma.io import load_result, read_metadata, save_result


@pytest.mark.parametrize("make", [
    lambda: replica.ags_solve(0.05, 0.2),
    lambda: replica.ags_solve(0.1, 0.0),
    lambda: replica.ags_solve(0.3, 1.2, "spin_glass"),
    lambda: replica.ags_solve(0.1, 1.5, "paramagnet"),
    lambda: replica.ags_capacity(),
    lambda: replica.ags_capacity(0.3),
    lambda: replica.ags_first_order(0.0),
    lambda: replica.sk_solve(0.0),  # at_eigenvalue = -inf
    lambda: replica.sk_solve(0.5, -0.3),
], ids=["AGSSolution-retrieval", "AGSSolution-T0", "AGSSolution-spin_glass",
        "AGSSolution-paramagnet", "AGSCapacity-T0", "AGSCapacity-T", "AGSTransition",
        "SKSolution-T0", "SKSolution"])
def test_solutions_round_trip(make, roundtrip):
    result = make()
    back = roundtrip(result)
    assert back.converged is True and back == result


@pytest.mark.parametrize("make", [
    lambda: replica.spinodal_alpha(0.2),  # scalar: floats
    lambda: replica.spinodal_alpha([0.0, 0.3, 1.0]),  # array
    lambda: replica.spin_glass_temperature([0.0, 0.09]),
    lambda: replica.first_order_alpha(0.3),
    lambda: replica.at_line([0.0, 0.5]),
    lambda: replica.at_field(0.0),  # value = inf
    lambda: replica.gardner_kappa(np.array([0.5, 2.0])),
], ids=["alpha_M-scalar", "alpha_M-array", "T_g", "alpha_c", "T_AT", "h_AT-inf", "kappa_G"])
def test_line_results_round_trip(make, roundtrip):
    result = make()
    back = roundtrip(result)
    assert isinstance(back.value, type(result.value))
    assert back.converged_points.tolist() == result.converged_points.tolist()


def test_temperature_roots_round_trip_as_tuples(roundtrip):
    two = replica.retrieval_temperatures(0.1381)
    none = replica.retrieval_temperatures(0.139)
    for res in (two, none):
        back = roundtrip(res)
        assert isinstance(back.roots, tuple) and isinstance(back.residuals, tuple)
        assert back.roots == res.roots
    assert len(two.roots) == 2 and none.roots == ()


def test_phase_diagram_round_trips_with_units(roundtrip, tmp_path):
    pd = replica.phase_diagram(n_points=8)
    back = roundtrip(pd, config={"n_points": 8})
    assert back.summary() == pd.summary() and back.reentrant
    assert set(back.converged) == {"T_g", "T_M", "T_c"}
    # one layout and one kind, whoever writes it (the command, the tour, the experiment)
    path = save_result(tmp_path / "pd.h5", pd, config={"n_points": 8})
    assert read_metadata(path)["kind"] == "PhaseDiagram"
    import h5py

    with h5py.File(path) as f:
        assert read_attrs(f["result/alpha_M"])["unit"] == "1"
        assert "retrieval" in read_attrs(f["result/alpha_M"])["description"]
        assert read_attrs(f["result/temperatures"])["unit"] == "T_c(alpha=0) = 1"


def test_replica_study_round_trips_and_holds_the_references(roundtrip):
    st = replica.replica_study(n_points=8, n_overlap=8, n_sk=4, n_at=4)
    back = roundtrip(st)
    assert isinstance(back.phase_diagram, replica.PhaseDiagram)
    assert isinstance(back.at_line, replica.LineResult)
    s = back.summary()
    # the numbers the experiment compares with published values
    assert f"{s['alpha_c']:.10f}" == "0.1379055665" == f"{s['alpha_c_closed_form']:.10f}"
    assert s["sk_T0_energy"] == pytest.approx(-math.sqrt(2 / math.pi), abs=1e-14)
    assert s["sk_T0_entropy"] == pytest.approx(-1 / (2 * math.pi), abs=1e-14)
    assert abs(s["T_M_slope"] - 1.95) < 0.02 and abs(s["T_c_slope"] - 2.6) < 0.03
    assert abs(s["at_ratio"] - 1) < 2e-2 and s["gardner_alpha_c_kappa0"] == pytest.approx(2.0)
    assert back.overlap.shape == (4, 8) and np.isnan(back.overlap[-1, -1])
    assert back.sk_at_eigenvalue[0] == -math.inf
    assert len(repr(back)) < 3000


def test_replica_study_validates_sizes():
    for name in ("n_points", "n_overlap", "n_sk", "n_at"):
        with pytest.raises(ValueError, match=name):
            replica.replica_study(**{name: 1})


def test_damaged_or_foreign_files_are_refused(tmp_path):
    from esorma.errors import FileFormatError

    path = save_result(tmp_path / "cap.h5", replica.ags_capacity())
    with pytest.raises(FileFormatError, match="not a PhaseDiagram"):
        load_result(path, replica.PhaseDiagram)

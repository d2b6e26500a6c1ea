"""esorma warmup (library side): parts, twin builds, the report."""

import numpy as np
import pytest

from esorma._warmup import PARTS, WarmupReport, _complete_twins, warmup


def test_a_small_part_reports_what_it_made_ready(roundtrip):
    # phase-diagram uses one small kernel: ready afterwards (compiled or loaded from the cache)
    rep = warmup(["phase-diagram"])
    assert list(rep.parts) == ["phase-diagram"]
    # in this shared test process the twins of kernels other tests loaded are completed too,
    # so the counts depend on the test order: they are checked in a fresh process below
    assert rep.n_compiled[0] >= 0 and rep.n_signatures[0] >= 0
    assert rep.errors.tolist() == [""]
    assert rep.total_seconds >= rep.seconds[0] > 0
    s = rep.summary()
    assert s["failed"] == [] and set(s["parts"]) == {"phase-diagram"}
    roundtrip(rep)


@pytest.mark.parametrize("parts", [["nope"], [], ["chaos", "tour"]])
def test_unknown_parts_are_refused(parts):
    with pytest.raises(ValueError, match="parts must name"):
        warmup(parts)


def test_a_failing_part_is_reported_and_the_others_still_run(monkeypatch):
    def boom(seed):
        raise RuntimeError("broken part")

    monkeypatch.setitem(PARTS, "chaos", boom)
    rep = warmup(["chaos", "phase-diagram"])
    assert rep.errors.tolist() == ["RuntimeError: broken part", ""]
    assert rep.summary()["failed"] == ["chaos"]


@pytest.mark.filterwarnings("ignore::numba.NumbaPerformanceWarning")
def test_twins_are_compiled_for_their_siblings_signatures():
    # f_serial was called with one type; its parallel twin gets the same signature, and a
    # dispatcher that is no twin (other stem) is left alone
    import numba

    def body(x):
        return x + 1

    serial = numba.njit(cache=False)(body)
    parallel = numba.njit(cache=False, parallel=True)(body)
    other = numba.njit(cache=False)(body)
    serial(np.int64(3))
    ds = {("m", "f_serial"): serial, ("m", "f_parallel"): parallel, ("m", "g"): other}
    assert _complete_twins(ds) == 1
    assert [tuple(s) for s in parallel.signatures] == [tuple(s) for s in serial.signatures]
    assert other.signatures == []
    assert _complete_twins(ds) == 0  # nothing left to do


def test_report_normalises_its_arrays():
    rep = WarmupReport(parts=["a"], seconds=[1], n_signatures=[2], n_compiled=[1],
                       n_twins=[0], errors=[""], total_seconds=1.5)
    assert rep.seconds.dtype == np.float64 and rep.n_compiled.dtype == np.int64
    assert "a" in repr(rep)


def test_a_fresh_process_makes_the_kernels_of_one_part_ready():
    import subprocess
    import sys

    code = ("from esorma._warmup import warmup; r = warmup(['phase-diagram']); "
            "print(int(r.n_compiled[0]), int(r.n_signatures[0]), repr(str(r.errors[0])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, check=True).stdout.split()
    compiled, signatures, error = int(out[0]), int(out[1]), out[2]
    assert 0 <= compiled <= signatures <= 3  # compiled or loaded from the cache
    assert error == "''"

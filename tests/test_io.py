"""esorma.io: one file format for every result (round trips, provenance, damage, targets)."""

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np
import pytest

from esorma._results import summarized
from esorma.errors import FileFormatError, OutputPathError
from esorma.io import (
    SCHEMA_VERSION,
    check_output_path,
    load_result,
    read_attrs,
    read_metadata,
    save_result,
)


@summarized
@dataclass(frozen=True, eq=False)
class _Inner:
    values: np.ndarray
    label: str


@summarized
@dataclass(frozen=True, eq=False)
class _Outer:
    energies: np.ndarray = field(metadata={"unit": "J per spin", "description": "energies"})
    names: np.ndarray
    inner: _Inner
    parts: tuple
    by_name: dict
    by_point: dict
    where: Path
    settings: dict
    count: int
    ratio: float
    complex_value: complex
    flag: bool
    missing: object = None


def _outer():
    return _Outer(
        energies=np.linspace(-1.0, 0.0, 5000),
        names=np.array(["goe", "wishart"]),
        inner=_Inner(np.arange(3), "x"),
        parts=(_Inner(np.zeros(2), "a"), _Inner(np.ones(2), "b"),
               ((np.arange(2), "deep"), [np.ones(1)])),
        by_name={"a": np.arange(4.0), "b": _Inner(np.arange(2), "c")},
        by_point={(100, 0.05, 0.0): np.arange(3), (200, 0.1, 0.5): _Inner(np.ones(1), "p")},
        where=Path("results") / "r.h5",
        settings={"n": 3, "gains": [0.5, 1.0]},
        count=7,
        ratio=float("nan"),
        complex_value=1 + 2j,
        flag=True,
    )


# The test module is not an esorma module: allow loading its classes by patching the check.
@pytest.fixture
def allow_test_classes(monkeypatch):
    import importlib

    import esorma.io as io

    def resolve(target):
        module, _, qualname = str(target).partition(":")
        return getattr(importlib.import_module(module), qualname)

    monkeypatch.setattr(io, "_resolve_class", resolve)


def test_nested_results_containers_and_scalars_round_trip(tmp_path, allow_test_classes):
    from tests.conftest import assert_same_value

    r = _outer()
    back = load_result(save_result(tmp_path / "r.h5", r, config={"n": 3}, seed=5))
    assert_same_value(r, back)
    assert isinstance(back.parts, tuple) and back.names.dtype.kind == "U"


def test_units_and_descriptions_are_dataset_attributes(tmp_path, allow_test_classes):
    p = save_result(tmp_path / "r.h5", _outer())
    with h5py.File(p) as f:
        # Fixed-length UTF-8 text (bytes to h5py; str through esorma.io.read_attrs).
        assert f["result/energies"].attrs["unit"] == b"J per spin"
        assert read_attrs(f["result/energies"]) == {"unit": "J per spin",
                                                    "description": "energies"}


def test_provenance_keeps_native_types(tmp_path, allow_test_classes):
    p = save_result(tmp_path / "r.h5", _outer(), config={"n": 3}, seed=2**40)
    meta = read_metadata(p)
    assert meta["seed"] == 2**40 and isinstance(meta["seed"], int)
    assert meta["config"] == {"n": 3}
    assert meta["schema_version"] == SCHEMA_VERSION and meta["kind"] == "_Outer"
    assert {"numpy", "numba", "h5py", "esorma"} <= set(meta["versions"])
    assert read_metadata(save_result(tmp_path / "s.h5", _outer()))["seed"] is None


def test_a_flipped_byte_in_a_dataset_is_an_error_not_a_number(tmp_path, allow_test_classes):
    p = save_result(tmp_path / "r.h5", _outer())
    with h5py.File(p) as f:
        offset = f["result/inner/values"].id.get_offset()
        if offset is None:  # chunked: find the chunk
            offset = f["result/inner/values"].id.get_chunk_info(0).byte_offset
    data = bytearray(p.read_bytes())
    data[offset] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="damaged"):
        load_result(p)


@pytest.mark.parametrize("version", [99, "garbage", 0])
def test_unknown_schema_versions_are_refused(tmp_path, allow_test_classes, version):
    p = save_result(tmp_path / "r.h5", _outer())
    with h5py.File(p, "a") as f:
        f.attrs["schema_version"] = version
    with pytest.raises(FileFormatError, match="schema_version"):
        load_result(p)


def test_a_deleted_field_is_named(tmp_path, allow_test_classes):
    p = save_result(tmp_path / "r.h5", _outer())
    with h5py.File(p, "a") as f:
        del f["result/energies"]
    with pytest.raises(FileFormatError, match="energies"):
        load_result(p)


def test_loading_checks_the_expected_class(tmp_path, allow_test_classes):
    p = save_result(tmp_path / "r.h5", _outer())
    with pytest.raises(FileFormatError, match="not a _Inner"):
        load_result(p, _Inner)


def test_files_that_are_not_esorma_results_are_refused(tmp_path):
    (tmp_path / "t.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(FileFormatError):
        load_result(tmp_path / "t.h5")
    with pytest.raises(FileNotFoundError):
        load_result(tmp_path / "absent.h5")


def test_object_arrays_are_refused_with_the_field_name(tmp_path):
    r = _Inner(np.array([None, 1], dtype=object), "x")
    with pytest.raises(TypeError, match="values"):
        save_result(tmp_path / "r.h5", r)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize("name, suffixes, message", [
    ("x.png", (".h5",), "must end in .h5"),
    ("missing/x.h5", (".h5",), "does not exist"),
    ("sub", (".h5",), "must end in"),
])
def test_output_targets_are_checked(tmp_path, name, suffixes, message):
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputPathError, match=message):
        check_output_path(tmp_path / name, suffixes=suffixes, flag="--out")


def test_existing_targets_need_force(tmp_path):
    (tmp_path / "x.h5").write_bytes(b"")
    with pytest.raises(OutputPathError, match="--force"):
        check_output_path(tmp_path / "x.h5", flag="--out")
    assert check_output_path(tmp_path / "x.h5", flag="--out", force=True).name == "x.h5"
    (tmp_path / "d.h5").mkdir()
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path / "d.h5", flag="--out", force=True)


def test_every_esorma_result_class_is_frozen_and_prints_compactly():
    import importlib
    import pkgutil

    import esorma
    from esorma._results import _repr

    found = []
    for info in pkgutil.walk_packages(esorma.__path__, "esorma."):
        if ".cli" in info.name or info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if (isinstance(obj, type) and dataclasses.is_dataclass(obj)
                    and obj.__module__ == mod.__name__ and not obj.__name__.startswith("_")):
                found.append(obj)
                assert obj.__dataclass_params__.frozen, f"{obj.__qualname__} is not frozen"
                own = (not obj.__dataclass_params__.repr and "__repr__" in obj.__dict__)
                assert own or obj.__repr__ is _repr, f"{obj.__qualname__} prints its arrays"
    assert len(found) > 40

"""Files you can trust: every file esorma writes is either read back identically or refused
with one FileFormatError naming the file -- never a traceback, never a changed number.

The corruption test flips seeded random bytes of every file kind esorma writes (results of
several types, networks, a sweep store, a capacity checkpoint) and truncates them; a damaged
resumable study names its damaged points and recomputes only those; temporaries of killed
writes are removed by later writes, never a live writer's.
"""

import dataclasses
import os
import subprocess
import sys
import warnings

import h5py
import numpy as np
import pytest

from esorma import Hopfield
from esorma.errors import FileFormatError
from esorma.io import (
    STALE_TEMPORARY_SECONDS,
    atomic_write,
    load_network,
    load_result,
    read_metadata,
    remove_stale_temporaries,
    save_network,
    save_result,
)
from esorma.patterns import corrupt, random_patterns
from esorma.sweeps import (
    DamagedPointsWarning,
    _example_point,
    grid_points,
    inspect_results_file,
    load_points,
    run_sweep,
)
from tests.conftest import assert_same_value

# --------------------------------------------------------------------------- the files


def _network():
    return Hopfield.from_patterns(random_patterns(3, 24, rng=0), theta=np.full(24, 0.25))


def _net_state(net):
    return {"J": net.J, "theta": net.theta, "scale": net.scale, "patterns": net.patterns,
            "rule": net.rule}


def _dynamics_result():
    net = _network()
    return net.run(corrupt(net.patterns, 0.1, rng=1), rng=2)


def _sweep_report():  # nested containers, scalar and string attributes, a path
    return run_sweep(_example_point, grid_points({"x": [1, 2], "rule": ["hebb"]}, seed=3),
                     progress=False)


def _law():  # a result that is attributes only (floats, a tuple, a string)
    from esorma.spectra import RajanAbbottLaw

    return RajanAbbottLaw(f=0.8, var_e=1.0, var_i=6.25, outliers=(2.0,), note="a note")


SWEEP = dict(kind="demo", config={"c": 1}, seed=4)
SWEEP_POINTS = grid_points({"x": list(range(4))}, seed=4)


def _resume(path):
    """Resume the demo sweep on a (possibly damaged) store and read it back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DamagedPointsWarning)
        run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
    # A recomputed point is the same but for the time it was made.
    return {k: (p.coords, p.arrays, {a: v for a, v in p.attrs.items() if a != "created"})
            for k, p in load_points(path)[1].items()}


def _capacity_config():
    from esorma.capacity import CapacityConfig

    return CapacityConfig(n_neurons=[40], alphas=[0.05, 0.2], n_probes=2, n_networks=1)


def _make(kind, folder):
    """(path, loader) of one file kind, written fresh into ``folder``."""
    path = folder / f"{kind}.h5"
    if kind == "dynamics":
        return save_result(path, _dynamics_result(), config={"N": 24}, seed=2), load_result
    if kind == "sweep_report":
        return save_result(path, _sweep_report(), seed=3), load_result
    if kind == "law":
        return save_result(path, _law()), load_result
    if kind == "network":
        return (save_network(path, _network(), config={"N": 24}, seed=0),
                lambda p: _net_state(load_network(p)))
    if kind == "store":
        run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
        return path, lambda p: load_points(p)
    if kind == "store_resume":
        run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
        return path, _resume
    if kind == "capacity":
        from esorma.capacity import capacity_sweep, load_capacity

        capacity_sweep(_capacity_config(), seed=1, path=path)
        return path, lambda p: dataclasses.replace(load_capacity(p), path=None)
    raise AssertionError(kind)


KINDS = ["dynamics", "sweep_report", "law", "network", "store", "store_resume", "capacity"]


# --------------------------------------------------------------------------- corruption


def _damaged_copies(data: bytes, n_single: int, n_multi: int, seed: int):
    """Seeded corruptions: single bytes XORed, 5-byte runs overwritten, truncations."""
    rng = np.random.default_rng(seed)
    for _ in range(n_single):
        pos = int(rng.integers(len(data)))
        out = bytearray(data)
        out[pos] ^= int(rng.integers(1, 256))
        yield f"byte {pos} flipped", bytes(out)
    for _ in range(n_multi):
        pos = int(rng.integers(len(data) - 5))
        out = bytearray(data)
        new = rng.integers(0, 256, 5).astype(np.uint8).tobytes()
        if new == data[pos:pos + 5]:
            new = bytes([new[0] ^ 0xFF]) + new[1:]
        out[pos:pos + 5] = new
        yield f"bytes {pos}..{pos + 4} overwritten", bytes(out)
    for cut in (0, 7, len(data) // 3, len(data) - 1):
        yield f"truncated to {cut} bytes", data[:cut]


def _outcome(load, path, reference, what):
    try:
        value = load(path)
    except (FileFormatError, FileNotFoundError) as exc:
        assert str(path) in str(exc), f"{what}: the error does not name the file: {exc}"
        assert "\n" not in str(exc).strip(), f"{what}: one line expected: {exc}"
        return "refused"
    assert_same_value(reference, value, what)  # never a different number
    return "identical"


def _corruption_run(kind, tmp_path, n_single, n_multi, seed):
    pristine_dir = tmp_path / "pristine"
    pristine_dir.mkdir()
    pristine, load = _make(kind, pristine_dir)
    data = pristine.read_bytes()
    reference = load(pristine)
    target = tmp_path / "damaged" / pristine.name
    target.parent.mkdir()
    counts = {"identical": 0, "refused": 0}
    for what, damaged in _damaged_copies(data, n_single, n_multi, seed):
        target.write_bytes(damaged)
        counts[_outcome(load, target, reference, f"{kind}, {what}")] += 1
        for extra in target.parent.iterdir():  # lock files, temporaries: none left behind
            assert extra == target, f"{kind}, {what}: left {extra.name}"
    return counts


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_files_load_identically_or_are_refused_cleanly(kind, tmp_path):
    counts = _corruption_run(kind, tmp_path, n_single=25, n_multi=25, seed=13)
    assert counts["refused"] >= 4  # at least the truncations
    assert sum(counts.values()) == 54


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_damaged_files_load_identically_or_are_refused_cleanly(kind, seed, tmp_path):
    counts = _corruption_run(kind, tmp_path, n_single=200, n_multi=200, seed=seed)
    assert sum(counts.values()) == 404


def test_every_byte_of_a_small_result_file_is_covered(tmp_path):
    # Exhaustive over one small file: flipping any single byte either changes nothing that
    # is read or is refused (no byte changes a number silently).
    pristine = save_result(tmp_path / "law.h5", _law())
    data = pristine.read_bytes()
    reference = load_result(pristine)
    target = tmp_path / "x.h5"
    refused = 0
    for pos in range(0, len(data), 7):
        out = bytearray(data)
        out[pos] ^= 0x01  # the smallest change: one bit
        target.write_bytes(bytes(out))
        refused += _outcome(load_result, target, reference, f"bit at {pos}") == "refused"
    assert refused > 0


# --------------------------------------------------------------------------- named refusals


def test_a_flipped_byte_in_a_scalar_attribute_is_refused_not_a_new_number(tmp_path):
    p = save_result(tmp_path / "r.h5", _law())
    with h5py.File(p, "a") as f:  # a change that HDF5's own checksums cannot see
        f["result"].attrs["scalar:f"] = 0.9
    with pytest.raises(FileFormatError, match=r"r\.h5: the group '/result' is damaged"):
        load_result(p)


@pytest.mark.parametrize("name, data", [
    ("zero-d", np.float64(1.0)), ("empty", np.zeros(0)), ("strings", np.array(["a", "bc"]))])
def test_datasets_that_fletcher32_cannot_cover_have_a_digest(tmp_path, name, data):
    from esorma.sweeps import PointOutput

    p = save_result(tmp_path / "r.h5", PointOutput({name: np.asarray(data)}))
    with h5py.File(p, "a") as f:
        ds = f[f"result/arrays/{name}"]
        assert "sha256" in ds.attrs and not ds.fletcher32
        value = ds[()]
        dtype = ds.dtype
        attrs = dict(ds.attrs)
        del f[f"result/arrays/{name}"]  # rewrite it with other contents, same digest
        if dtype.kind == "S":  # fixed-length UTF-8 text
            new = f.create_dataset(f"result/arrays/{name}",
                                   data=np.array([b"a", b"bd"], dtype=dtype), dtype=dtype)
        else:  # another value (an empty array gets one element)
            other = np.full(value.shape if value.size else (1,), 2.0)
            new = f.create_dataset(f"result/arrays/{name}", data=other)
        for k, v in attrs.items():
            new.attrs[k] = v
    with pytest.raises(FileFormatError, match=f"dataset '/result/arrays/{name}' is damaged"):
        load_result(p)


@pytest.mark.parametrize("attribute", ["config", "kind", "versions", "schema_version"])
def test_missing_root_attributes_are_named(tmp_path, attribute):
    p = save_result(tmp_path / "r.h5", _law(), config={"a": 1})
    with h5py.File(p, "a") as f:
        del f.attrs[attribute]
    with pytest.raises(FileFormatError, match=f"r.h5.*{attribute}"):
        read_metadata(p)
    with pytest.raises(FileFormatError, match=attribute):
        load_result(p)


def test_missing_network_parts_and_foreign_kinds_are_named(tmp_path):
    p = save_network(tmp_path / "n.h5", _network())
    with h5py.File(p, "a") as f:
        del f["network/theta"]
    with pytest.raises(FileFormatError, match=r"n\.h5: the network lacks \['theta'\]"):
        load_network(p)
    q = save_result(tmp_path / "r.h5", _law())
    with pytest.raises(FileFormatError, match="holds no esorma network"):
        load_network(q)


def test_a_file_naming_a_class_that_does_not_exist_is_refused(tmp_path):
    for target in ("esorma.spectra:NoSuchLaw", "esorma.no_such_module:X",
                   "esorma.__main__:main", "esorma..x:Y"):
        p = save_result(tmp_path / "r.h5", _law())
        with h5py.File(p, "a") as f:
            f["result"].attrs["dataclass"] = target
        with pytest.raises(FileFormatError, match="refusing to load|does not have"):
            load_result(p)


def test_versions_1_and_2_without_digests_still_load(tmp_path):
    from esorma.io import DIGEST_ATTR

    r = _sweep_report()
    p = save_result(tmp_path / "r.h5", r)
    with h5py.File(p, "a") as f:
        def strip(name, obj):
            obj.attrs.pop(DIGEST_ATTR, None)
        f.visititems(strip)
        del f.attrs[DIGEST_ATTR]
        f.attrs["schema_version"] = 2
    assert_same_value(r, load_result(p))
    with h5py.File(p, "a") as f:  # a schema-3 file without its digests is damaged
        f.attrs["schema_version"] = 3
    with pytest.raises(FileFormatError, match="no checksum"):
        load_result(p)


def test_links_to_other_files_are_refused(tmp_path):
    p = save_result(tmp_path / "r.h5", _law())
    with h5py.File(p, "a") as f:
        f["result/extra"] = h5py.ExternalLink("elsewhere.h5", "/x")
    with pytest.raises(FileFormatError, match="ExternalLink"):
        load_result(p)


def test_folders_and_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_result(tmp_path / "absent.h5")
    with pytest.raises(FileNotFoundError):
        load_points(tmp_path / "absent.h5")
    with pytest.raises(FileFormatError, match="is a folder"):
        load_network(tmp_path)


# --------------------------------------------------------------------------- resumable studies


def _damage_dataset(path, key, name="values"):
    with h5py.File(path, "r") as f:
        ds = f[f"points/{key}/{name}"]
        offset = ds.id.get_offset()
        if offset is None:
            offset = ds.id.get_chunk_info(0).byte_offset
    data = bytearray(path.read_bytes())
    data[offset + 3] ^= 0x40  # one overlap of 1.0 would become 1.77e308 without a check
    path.write_bytes(bytes(data))


def test_a_damaged_sweep_recomputes_only_its_damaged_points(tmp_path):
    path = tmp_path / "s.h5"
    full = tmp_path / "full.h5"
    run_sweep(_example_point, SWEEP_POINTS, path=full, progress=False, **SWEEP)
    run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
    _damage_dataset(path, "x=1")
    with h5py.File(path, "a") as f:  # and a flipped attribute of another point
        f["points/x=3"].attrs["index"] = 30
    finished, damaged = inspect_results_file(path, **SWEEP)
    assert finished == {"x=0", "x=2"} and sorted(damaged) == ["x=1", "x=3"]
    with pytest.raises(FileFormatError, match=r"2 damaged point\(s\): x=1 .*; x=3"):
        load_points(path)
    intact = {k: p for k, p in load_points(path, on_damage="skip")[1].items()}

    calls = []

    def f(p):
        calls.append(p.key)
        return _example_point(p)

    with pytest.warns(DamagedPointsWarning, match=r"2 damaged point\(s\).*x=1.*x=3"):
        rep = run_sweep(f, SWEEP_POINTS, path=path, progress=False, **SWEEP)
    assert sorted(calls) == ["x=1", "x=3"]  # nothing else recomputed
    assert rep.damaged == ("x=1", "x=3") and (rep.n_skipped, rep.n_computed) == (2, 2)
    back = load_points(path)[1]
    for key in ("x=0", "x=2"):  # kept as they were: provenance and all
        assert_same_value(intact[key], back[key])
    for key, point in load_points(full)[1].items():  # the uninterrupted numbers
        assert_same_value((point.coords, point.arrays), (back[key].coords, back[key].arrays))
    assert sorted(x.name for x in tmp_path.iterdir()) == ["full.h5", "s.h5"]


def test_a_damaged_capacity_checkpoint_names_and_recomputes_its_points(tmp_path):
    from esorma.capacity import capacity_sweep, load_capacity

    cfg = _capacity_config()
    path = tmp_path / "ck.h5"
    first = capacity_sweep(cfg, seed=1, path=path)
    key = sorted(load_points(path)[1])[0]
    _damage_dataset(path, key, "overlap")
    with pytest.raises(FileFormatError, match=f"damaged point.*{key}"):
        load_capacity(path)
    with pytest.warns(DamagedPointsWarning, match=key):
        again = capacity_sweep(cfg, seed=1, path=path)
    assert again.damaged == (key,) and (again.n_computed, again.n_skipped) == (1, 1)
    for k, point in first.points.items():  # the same numbers (timings aside)
        assert_same_value(point.arrays, again.points[k].arrays, str(k))


def test_a_damaged_store_root_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "s.h5"
    run_sweep(_example_point, SWEEP_POINTS[:2], path=path, progress=False, **SWEEP)
    with h5py.File(path, "a") as f:
        f.attrs["config"] = '{"c": 2}'  # looks like another study, but it is damage
    before = path.read_bytes()
    with pytest.raises(FileFormatError, match=r"s\.h5: the group '/' is damaged"):
        run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- temporaries


def test_temporaries_of_dead_writers_are_removed_by_the_next_write(tmp_path):
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(proc.stdout)  # a pid that has exited
    with atomic_write(tmp_path / "probe") as tmp:
        host = tmp.name.split(".")[2].split("-")[1]
    old = os.path.getmtime(tmp_path / "probe") - STALE_TEMPORARY_SECONDS - 60
    stale = tmp_path / f".a.h5.{dead}-{host}.k3j2.tmp"
    fresh_dead = tmp_path / f".b.h5.{dead}-{host}.k3j2.tmp"  # dead, but modified just now
    live = tmp_path / f".c.h5.{os.getpid()}-{host}.k3j2.tmp"  # a live writer: this process
    legacy = tmp_path / ".a.h5.x8y7.tmp"  # an older esorma's, writer unknown
    other_host = tmp_path / f".a.h5.{dead}-00000000.k3j2.tmp"
    for f in (stale, fresh_dead, live, legacy, other_host):
        f.write_bytes(b"partial")
    for f in (stale, live, legacy, other_host):
        os.utime(f, (old, old))
    save_result(tmp_path / "a.h5", _law())
    left = sorted(x.name for x in tmp_path.iterdir())
    assert stale.name not in left  # dead writer, stale: removed
    assert {fresh_dead.name, live.name, legacy.name, other_host.name} <= set(left)
    # Much older unknown temporaries go too; a live writer's never.
    ancient = old - 2 * 86400
    for f in (legacy, other_host, live):
        os.utime(f, (ancient, ancient))
    removed = remove_stale_temporaries(tmp_path, name="a.h5")
    assert sorted(x.name for x in removed) == sorted([legacy.name, other_host.name])
    assert live.exists() and fresh_dead.exists()


def test_a_killed_save_leaves_a_temporary_that_a_later_run_removes(tmp_path):
    script = (
        "import os, signal, sys, numpy as np\n"
        "from esorma.io import atomic_write\n"
        "with atomic_write(sys.argv[1]) as tmp:\n"
        "    tmp.write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    target = tmp_path / "r.h5"
    proc = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True)
    assert proc.returncode == -9
    (tmp,) = [x for x in tmp_path.iterdir()]
    assert tmp.name.startswith(".r.h5.") and not target.exists()
    os.utime(tmp, (0, 0))  # as if it were killed long ago
    save_result(tmp_path / "other.h5", _law())  # any later write in the folder cleans it
    assert sorted(x.name for x in tmp_path.iterdir()) == ["other.h5"]


def test_the_store_lock_removes_a_killed_commit_at_once_but_not_a_live_one(tmp_path):
    path = tmp_path / "s.h5"
    run_sweep(_example_point, SWEEP_POINTS[:1], path=path, progress=False, **SWEEP)
    with atomic_write(tmp_path / "probe") as tmp:
        host = tmp.name.split(".")[2].split("-")[1]
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    killed = tmp_path / f".s.h5.{int(proc.stdout)}-{host}.ab12.tmp"  # fresh, writer dead
    live = tmp_path / f".s.h5.{os.getpid()}-{host}.cd34.tmp"
    killed.write_bytes(b"x")
    live.write_bytes(b"y")
    run_sweep(_example_point, SWEEP_POINTS, path=path, progress=False, **SWEEP)
    assert not killed.exists() and live.exists()
    live.unlink()


# --------------------------------------------------------------------------- properties

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_FILES = {}


def _pristine(kind, folder):
    if kind not in _FILES:
        folder.mkdir(exist_ok=True)
        path, load = _make(kind, folder)
        _FILES[kind] = (path.read_bytes(), load, load(path))
    return _FILES[kind]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["dynamics", "network", "store"]),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
                      min_size=1, max_size=8))
def test_property_any_byte_edits_are_read_identically_or_refused(tmp_path_factory, kind,
                                                                 edits):
    data, load, reference = _pristine(kind, tmp_path_factory.mktemp("pristine"))
    out = bytearray(data)
    for where, xor in edits:
        out[int(where * len(out))] ^= xor
    target = tmp_path_factory.mktemp("damaged") / "x.h5"
    target.write_bytes(bytes(out))
    _outcome(load, target, reference, f"{kind}, edits {edits}")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2048))
def test_property_arbitrary_bytes_are_refused(tmp_path_factory, blob):
    target = tmp_path_factory.mktemp("blob") / "x.h5"
    target.write_bytes(blob)
    for load in (load_result, load_network, load_points, read_metadata):
        with pytest.raises(FileFormatError, match="x.h5"):
            load(target)


_numeric = hnp.arrays(
    dtype=st.sampled_from([np.bool_, np.int8, np.uint16, np.int64, np.float32, np.float64,
                           np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrays=st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), _numeric,
                              max_size=3),
       attrs=st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                             st.one_of(st.integers(-2**63, 2**63 - 1), st.floats(),
                                       st.text(max_size=10), st.booleans()), max_size=3))
def test_property_any_result_round_trips_and_any_flip_is_caught(tmp_path_factory, arrays,
                                                               attrs):
    from esorma.sweeps import PointOutput

    folder = tmp_path_factory.mktemp("rt")
    r = PointOutput(arrays, attrs)
    p = save_result(folder / "r.h5", r)
    assert_same_value(r, load_result(p))
    data = p.read_bytes()
    rng = np.random.default_rng(len(data))
    for _ in range(2):
        out = bytearray(data)
        out[int(rng.integers(len(out)))] ^= int(rng.integers(1, 256))
        q = folder / "q.h5"
        q.write_bytes(bytes(out))
        _outcome(load_result, q, r, "flip")


"""Network objects, fields, energies, patterns helpers, HDF5 round trips."""

import h5py
import numpy as np
import pytest

from esorma import Hopfield
from esorma.io import load_network, load_result, read_metadata, save_network, save_result
from esorma.patterns import corrupt, overlaps, random_patterns


def _brute_fields(J, theta, s):
    return s.astype(float) @ np.asarray(J, float).T - theta


@pytest.mark.parametrize("integer", [True, False])
def test_fields_and_energy_match_definitions(integer):
    xi = random_patterns(4, 50, rng=0)
    net = Hopfield.from_patterns(xi, integer=integer)
    J = net.couplings
    s = random_patterns(6, 50, rng=1)
    h = net.fields(s)
    np.testing.assert_allclose(h, _brute_fields(J, 0, s), atol=1e-12)
    e = net.energy(s)
    np.testing.assert_allclose(e, [-0.5 * x @ J @ x for x in s.astype(float)], atol=1e-12)
    assert net.energy(s[0]) == pytest.approx(e[0])  # (N,) input gives a scalar


def test_theta_and_non_symmetric_couplings():
    rng = np.random.default_rng(2)
    J = rng.normal(size=(20, 20))
    theta = rng.normal(size=20)
    net = Hopfield(J, theta=theta)
    assert not net.symmetric
    s = random_patterns(3, 20, rng=3)
    np.testing.assert_allclose(net.fields(s), s @ J.T - theta, atol=1e-12)
    np.testing.assert_allclose(
        net.energy(s), [-0.5 * x @ J @ x + theta @ x for x in s.astype(float)], atol=1e-12
    )
    fp = net.is_fixed_point(s)
    assert np.array_equal(fp, np.all(s * (s @ J.T - theta) >= 0, axis=1))


def test_tie_counts_as_stable_and_keeps_the_spin():
    # Even P gives exact zero fields: a tie keeps s_i and counts as stable.
    from esorma.dynamics import run

    xi = np.array([[1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1]], dtype=np.int8)
    net = Hopfield.from_patterns(xi)
    states = np.array([[1 - 2 * ((k >> i) & 1) for i in range(6)] for k in range(64)], np.int8)
    h = net.raw_fields(states)
    ties = h == 0
    assert ties.any()
    both = np.concatenate([states, -states])
    stable = net.is_fixed_point(both)
    hb = net.fields(both)
    assert np.array_equal(stable, np.all(both * hb >= 0, axis=1))
    one = run(net, states, order="sequential", max_sweeps=1)
    # a spin whose field is exactly zero when visited is never flipped
    first = states[:, 0]
    assert np.all(one.states[ties[:, 0], 0] == first[ties[:, 0]])


def test_low_rank_fields_equal_dense():
    xi = random_patterns(9, 64, rng=4)
    net = Hopfield.from_patterns(xi)
    dense = Hopfield(net.J, scale=net.scale)
    s = random_patterns(5, 64, rng=5)
    assert np.array_equal(net.raw_fields(s), dense.raw_fields(s))


def test_corrupt_flips_exact_count_and_overlap():
    xi = random_patterns(5, 200, rng=6)
    c = corrupt(xi, 0.1, rng=7)
    assert np.all((c != xi).sum(axis=1) == 20)
    np.testing.assert_allclose(np.diagonal(overlaps(c, xi)), 0.8)
    assert np.array_equal(corrupt(xi, 0.1, rng=7), c)  # same seed, same flips


@pytest.mark.parametrize(
    "kwargs, err, msg",
    [
        (dict(J=np.ones((3, 4))), ValueError, "square"),
        (dict(J=np.array([[0, np.nan], [np.nan, 0]])), ValueError, "finite"),
        (dict(J=np.zeros((3, 3)), theta=np.zeros(4)), ValueError, "theta must have shape"),
        (dict(J=np.zeros((3, 3)), scale=-1.0), ValueError, "scale must be > 0"),
        (dict(J=np.zeros((3, 3)), patterns=np.ones((2, 4))), ValueError, "3 spins"),
    ],
)
def test_bad_network_input(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        Hopfield(**kwargs)


def test_bad_states_and_fraction():
    net = Hopfield.from_patterns(random_patterns(2, 10, rng=0))
    with pytest.raises(ValueError, match="10 spins"):
        net.energy(np.ones(11))
    with pytest.raises(ValueError, match="fraction must be"):
        corrupt(np.ones(10), 1.5)
    with pytest.raises(ValueError, match="integer=True is only available"):
        Hopfield.from_patterns(random_patterns(2, 10, rng=0), rule="storkey", integer=True)


def test_network_and_result_roundtrip(tmp_path):
    net = Hopfield.from_patterns(random_patterns(3, 32, rng=8), theta=np.full(32, 0.1))
    p = save_network(tmp_path / "net.h5", net, config={"N": 32}, seed=8)
    back = load_network(p)
    assert np.array_equal(back.J, net.J) and back.scale == net.scale and back.rule == "hebb"
    assert np.array_equal(back.theta, net.theta) and np.array_equal(back.patterns, net.patterns)
    meta = read_metadata(p)
    assert meta["config"] == {"N": 32} and meta["seed"] == 8 and "numpy" in meta["versions"]
    res = net.run(corrupt(net.patterns, 0.1, rng=1), rng=2)
    p2 = save_result(tmp_path / "res.h5", res, seed=2)
    back = load_result(p2)
    assert type(back) is type(res) and np.array_equal(back.states, res.states)
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_failed_write_leaves_nothing(tmp_path):
    from esorma.io import atomic_h5

    target = tmp_path / "x.h5"
    with pytest.raises(RuntimeError):
        with atomic_h5(target, kind="demo") as fh:
            fh.create_dataset("a", data=[1])
            raise RuntimeError("interrupted")
    assert not target.exists() and not list(tmp_path.iterdir())
    with h5py.File(tmp_path / "y.h5", "w"):
        pass
    with pytest.raises(ValueError, match="not an esorma file"):
        load_network(tmp_path / "y.h5")


def test_raw_couplings_with_patterns_use_J_not_the_patterns():
    # A clipped-Hebb J with the patterns attached: fields must come from J itself.
    from esorma.learning import hebb

    xi = random_patterns(5, 50, rng=0)
    J = np.sign(hebb(xi)) / 50
    net = Hopfield(J, patterns=xi, rule="hebb")
    s = random_patterns(3, 50, rng=1)
    np.testing.assert_allclose(net.fields(s), s @ J.T, atol=1e-12)
    res = net.run(s, rng=2)
    np.testing.assert_allclose(res.energies, [-0.5 * x @ J @ x for x in res.states.astype(float)])


def test_from_patterns_dtype_choice():
    xi = random_patterns(4, 30, rng=3)
    assert Hopfield.from_patterns(xi, dtype="int32").J.dtype == np.int32
    with pytest.raises(ValueError, match="dtype must be one of"):
        Hopfield.from_patterns(xi, dtype="int8")
    with pytest.raises(ValueError, match="only used with integer"):
        Hopfield.from_patterns(xi, integer=False, dtype="int32")


def test_load_result_refuses_foreign_classes(tmp_path):
    with h5py.File(tmp_path / "evil.h5", "w") as fh:
        fh.attrs["schema_version"] = 2
        g = fh.create_group("result")
        g.attrs["dataclass"] = "subprocess:run"
        g.attrs["json:args"] = '["sh", "-c", "touch pwned"]'
    with pytest.raises(ValueError, match="refusing to load"):
        load_result(tmp_path / "evil.h5")
    assert not (tmp_path / "pwned").exists()


def test_written_files_get_the_usual_mode(tmp_path):
    import os

    p = save_network(tmp_path / "n.h5", Hopfield.from_patterns(random_patterns(2, 8, rng=0)))
    mask = os.umask(0)
    os.umask(mask)
    assert (p.stat().st_mode & 0o777) == (0o666 & ~mask)


def test_empty_patterns_and_dependent_patterns():
    from esorma.learning import hebb, pseudo_inverse

    with pytest.raises(ValueError, match="at least one pattern"):
        hebb(np.zeros((0, 5)))
    with pytest.warns(RuntimeWarning, match="linearly dependent"):
        pseudo_inverse(random_patterns(10, 5, rng=0))


def test_as_network_accepts_a_network_an_array_or_to_network():
    from esorma.networks import as_network
    from esorma.thermo import BoltzmannMachine

    net = Hopfield.from_patterns(random_patterns(2, 12, rng=0))
    assert as_network(net) is net
    J = net.couplings
    raw = as_network(J, theta=np.full(12, 0.1))
    assert raw.n_neurons == 12 and np.all(raw.theta == 0.1)
    bm = BoltzmannMachine(J, np.full(12, 0.2))
    via = as_network(bm)
    np.testing.assert_array_equal(via.J, J)
    np.testing.assert_array_equal(via.theta, bm.theta)

    class Wrapper:  # any object with to_network()
        def to_network(self):
            return net

    assert as_network(Wrapper()) is net
    with pytest.raises(ValueError, match="theta must be None"):
        as_network(net, theta=np.zeros(12))
    with pytest.raises(ValueError, match="theta must be None"):
        as_network(bm, theta=np.zeros(12))

    class Broken:
        def to_network(self):
            return J

    with pytest.raises(TypeError, match=r"to_network\(\) must return an esorma.Hopfield"):
        as_network(Broken())
    with pytest.raises(TypeError, match="network must be an esorma.Hopfield"):
        as_network(None)
    with pytest.raises(ValueError, match="square"):
        as_network(np.ones((2, 3)))

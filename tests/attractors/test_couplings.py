"""esorma.couplings: the one SK generator and the couplings-file reader."""

import h5py
import numpy as np
import pytest

from esorma import Hopfield
from esorma.couplings import read_couplings, sk_couplings
from esorma.errors import FileFormatError


def test_sk_draw_is_the_mirrored_upper_triangle():
    """The documented draw (tests of thermo and dynamics pin numbers on it)."""
    g = np.random.default_rng(0).standard_normal((4, 4)) / 2.0
    J = sk_couplings(4, rng=0)
    for i in range(4):
        assert J[i, i] == 0.0
        for j in range(i + 1, 4):
            assert J[i, j] == J[j, i] == g[i, j]


def test_sk_statistics():
    """Off-diagonal variance 1/N: 4950 entries, sd of the sample variance ~2 %; tol 6 %."""
    J = sk_couplings(100, rng=1)
    off = J[np.triu_indices(100, 1)]
    assert off.var() * 100 == pytest.approx(1.0, abs=0.06)
    assert abs(off.mean()) < 0.05


def test_one_sk_generator():
    import esorma.thermo
    import esorma.thermo.data

    assert esorma.thermo.data.sk_couplings is sk_couplings
    assert esorma.thermo.sk_couplings is sk_couplings
    with pytest.raises(ValueError, match="n_neurons must be >= 2"):
        sk_couplings(1)


def test_read_npy_and_plain_h5(tmp_path):
    J = sk_couplings(6, rng=2)
    np.save(tmp_path / "J.npy", J)
    assert np.array_equal(read_couplings(tmp_path / "J.npy").J, J)
    theta = np.linspace(-0.1, 0.1, 6)
    with h5py.File(tmp_path / "J.h5", "w") as fh:
        fh["J"] = J
        fh["theta"] = theta
    net = read_couplings(str(tmp_path / "J.h5"))
    assert np.array_equal(net.J, J) and np.array_equal(net.theta, theta)
    with h5py.File(tmp_path / "c.hdf5", "w") as fh:
        fh["couplings"] = J
    assert np.array_equal(read_couplings(tmp_path / "c.hdf5").J, J)


def test_read_esorma_network_and_result_files(tmp_path):
    from esorma.attractors import attractor_study
    from esorma.io import save_network, save_result
    from esorma.patterns import random_patterns

    net = Hopfield.from_patterns(random_patterns(2, 10, rng=0))
    save_network(tmp_path / "net.h5", net)
    back = read_couplings(tmp_path / "net.h5")
    assert np.array_equal(back.J, net.J) and back.rule == "hebb"
    assert np.array_equal(back.patterns, net.patterns)
    study = attractor_study(net)
    save_result(tmp_path / "study.h5", study)
    assert np.array_equal(read_couplings(tmp_path / "study.h5").J, net.J)
    save_result(tmp_path / "plain.h5", net)
    assert read_couplings(tmp_path / "plain.h5").scale == net.scale


def test_clear_errors_naming_the_file(tmp_path):
    from esorma.io import save_result
    from esorma.attractors import exact_basins

    with pytest.raises(FileNotFoundError, match="no such file: .*none.npy"):
        read_couplings(tmp_path / "none.npy")
    with pytest.raises(ValueError, match="must be a .npy or .h5/.hdf5 file; got 'J.txt'"):
        read_couplings(tmp_path / "J.txt")
    with pytest.raises(TypeError, match="path must be a file name"):
        read_couplings(np.eye(3))
    np.save(tmp_path / "rect.npy", np.ones((2, 3)))
    with pytest.raises(FileFormatError, match="rect.npy: J must be a square"):
        read_couplings(tmp_path / "rect.npy")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(FileFormatError, match="obj.npy is not a readable .npy matrix"):
        read_couplings(tmp_path / "obj.npy")
    (tmp_path / "junk.h5").write_bytes(b"not an hdf5 file")
    with pytest.raises(FileFormatError, match="junk.h5 is not a readable HDF5 file"):
        read_couplings(tmp_path / "junk.h5")
    with h5py.File(tmp_path / "empty.h5", "w"):
        pass
    with pytest.raises(FileFormatError, match="empty.h5 holds neither .* it has nothing"):
        read_couplings(tmp_path / "empty.h5")
    with h5py.File(tmp_path / "grp.h5", "w") as fh:
        fh.create_group("J")
    with pytest.raises(FileFormatError, match="grp.h5: 'J' is a group"):
        read_couplings(tmp_path / "grp.h5")
    with h5py.File(tmp_path / "bad.h5", "w") as fh:
        fh["J"] = np.ones((2, 3))
    with pytest.raises(FileFormatError, match="bad.h5: dataset 'J': J must be a square"):
        read_couplings(tmp_path / "bad.h5")
    with h5py.File(tmp_path / "nometa.h5", "w") as fh:
        fh.create_group("network")["J"] = np.eye(3)
    with pytest.raises(FileFormatError, match="nometa.h5 is not an esorma file"):
        read_couplings(tmp_path / "nometa.h5")
    save_result(tmp_path / "basins.h5", exact_basins(np.eye(3)))
    with pytest.raises(FileFormatError, match="basins.h5: .* ExactBasins, which holds no network"):
        read_couplings(tmp_path / "basins.h5")
    (tmp_path / "dir.npy").mkdir()
    with pytest.raises(FileFormatError, match="is a folder"):
        read_couplings(tmp_path / "dir.npy")

"""Newton vs gradient descent vs Adam (esorma.bridge.optimizers_study)."""

import numpy as np
import pytest

from esorma.bridge.optimizers_study import optimizers_study


def test_newton_needs_fewer_epochs_than_gd_and_the_study_roundtrips(tmp_path, roundtrip):
    r = optimizers_study(("multiplexer",), n_seeds=2, n_epochs=2000, checkpoint=tmp_path / "o.h5")
    ep = r.epochs[0]
    gd, newton = r.optimizers.index("gd"), r.optimizers.index("newton")
    assert np.all(np.isfinite(ep[gd])) and np.all(np.isfinite(ep[newton]))
    assert np.all(ep[newton] * 5 < ep[gd])  # seconds-order steps on a 97-parameter net
    assert np.all(r.final_loss[0][np.isfinite(ep)] < 0.05)
    rs = r.ratio_stats("epochs")
    assert rs[0, gd, 0] == 1.0
    roundtrip(r)
    with pytest.raises(ValueError, match="optimizers"):
        optimizers_study(("xor",), optimizers=("sgd",))

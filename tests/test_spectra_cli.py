"""The ``esorma spectrum`` command, its tour section and the spectra plots."""

import json

import h5py
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import esorma.spectra as sp  # noqa: E402
from esorma.cli import main  # noqa: E402
from esorma.cli import spectrum as cli_spectrum  # noqa: E402


def test_ensemble_names_in_cli_match_the_registry():
    assert set(cli_spectrum.ENSEMBLE_NAMES) == set(sp.ENSEMBLES)
    assert {name for name, _ in cli_spectrum.GALLERY} == set(sp.ENSEMBLES)


def test_spectrum_json_figure_and_h5(tmp_path, capsys):
    png, h5 = tmp_path / "hebb.png", tmp_path / "hebb.h5"
    rc = main(["spectrum", "hebb", "--n", "300", "--alpha", "0.2", "--seed", "3", "--json",
               "--out", str(png), "--h5", str(h5)])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ensemble"] == "hebb" and out["n"] == 300 and out["seed"] == 3
    assert out["fit"]["statistic"] < 0.03
    assert out["point_mass"]["weight"] == pytest.approx(0.8)
    assert out["predicted_edges"][0] == pytest.approx((1 - 0.2**0.5) ** 2 - 0.2)
    assert png.stat().st_size > 10_000
    with h5py.File(h5) as f:
        ev = f["spectrum/eigenvalues"][()]
        assert ev.shape == (300,)
        summary = json.loads(f["spectrum"].attrs["summary"])
        assert summary["params"]["alpha"] == 0.2
        assert json.loads(f.attrs["config"])["ensemble"] == "hebb"
    # same seed -> same eigenvalues as the library
    lib = sp.sample_spectrum("hebb", 300, rng=3, alpha=0.2)
    np.testing.assert_allclose(ev, lib.eigenvalues)


def test_spectrum_text_output_complex_with_outlier(capsys):
    rc = main(["spectrum", "dale", "--n", "300", "--unbalanced", "--mu-e", "0.6", "--mu-i",
               "-0.3", "--row-sum-zero"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "Rajan-Abbott" in text and "outliers" in text and "real eigvals" in text


def test_spectrum_tridiagonal_large_n_path(tmp_path, capsys):
    png = tmp_path / "bh.png"
    rc = main(["spectrum", "beta-hermite", "--n", "300000", "--json", "--out", str(png),
               "--bins", "40"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["path"].startswith("tridiagonal")
    assert out["lambda_max"] == pytest.approx(2.0, abs=0.01)
    assert out["fit"]["statistic"] < 0.005 and png.exists()


def test_spectrum_gallery(tmp_path, capsys, monkeypatch):
    # a smaller gallery than the default (tridiagonal density at 10^5, 40 TW samples)
    real = cli_spectrum.gallery
    monkeypatch.setattr(cli_spectrum, "gallery",
                        lambda n, seed: real(n, seed, tw_samples=40, tridiagonal_n=10**5))
    png, h5 = tmp_path / "g.png", tmp_path / "g.h5"
    rc = main(["spectrum", "--gallery", "--n", "60", "--out", str(png), "--h5", str(h5),
               "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["gallery"]) == len(cli_spectrum.GALLERY)
    with h5py.File(h5) as f:
        assert len(f.keys()) == len(cli_spectrum.GALLERY)
    assert png.stat().st_size > 50_000


@pytest.mark.parametrize("argv, match", [
    (["spectrum", "goe", "--n", "0"], "--n must be >= 1"),
    (["spectrum", "goe", "--tau", "0.5"], "does not apply"),
    (["spectrum", "nope"], "ENSEMBLE must be one of"),
    (["spectrum"], "give an ENSEMBLE"),
    (["spectrum", "goe", "--gallery"], "not both"),
    (["spectrum", "dale", "--f", "1.5", "--n", "10"], "f must be"),
    (["spectrum", "wishart", "--c", "0", "--n", "10"], "c must be"),
    (["spectrum", "goe", "--n", "10000000"], "tridiagonal"),
])
def test_spectrum_bad_input_exit_code_2(argv, match, capsys):
    assert main(argv) == 2
    assert match in capsys.readouterr().err


def test_tour_section(tmp_path, monkeypatch):
    from esorma.cli.tour import TourContext

    # the tour's own sizes are exercised by `esorma tour`; here a lighter gallery
    real = cli_spectrum.gallery
    monkeypatch.setattr(cli_spectrum, "gallery",
                        lambda n, seed, tw_samples, tridiagonal_n: real(
                            60, seed, tw_samples=30, tridiagonal_n=10**5))
    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="spectrum")
    cli_spectrum.tour(ctx)
    assert (tmp_path / "spectra_gallery.png").exists()
    assert (tmp_path / "spectra_gallery.h5").exists()
    rec = ctx.summary["spectrum"]
    assert max(rec["fits"].values()) < 0.25  # n = 60 per panel
    assert rec["goe_mean_ratio"] > rec["poisson_mean_ratio"] + 0.08


def test_plot_functions_return_axes():
    from esorma.plotting import spectra as psp

    s = sp.sample_spectrum("wishart-complex", 200, rng=0, c=2.0)
    ax = psp.plot_spectrum(s)
    assert ax.get_xlabel() == "eigenvalue λ" and "wishart-complex" in ax.get_title()
    assert any("point mass" in t.get_text() for t in ax.texts)
    c = sp.sample_spectrum("dale", 200, rng=0, sigma_i=2.0, row_sum_zero=True)
    ax = psp.plot_spectrum(c)
    assert ax.get_xlabel() == "Re λ" and ax.get_legend() is not None
    ax = psp.plot_radial_cdf(c)
    assert len(ax.lines) >= 2
    with pytest.raises(ValueError, match="complex"):
        psp.plot_radial_cdf(s)
    ax = psp.plot_spacing_ratios(sp.spacing_ratios(np.linalg.eigvalsh(sp.goe(200, rng=1))))
    assert "ratio" in ax.get_xlabel()
    ax = psp.plot_largest_eigenvalues([1.95, 1.97, 1.99], 500, 1)
    assert "Tracy-Widom" in ax.get_legend().get_texts()[1].get_text()
    ax = psp.plot_tridiagonal_density(sp.beta_hermite_density(5000, rng=0, bins=20))
    assert "β-Hermite" in ax.get_title()
    axes = psp.plot_gallery([s, c], ncols=3)
    assert axes.shape == (1, 3) and not axes[0, 2].get_visible()
    import matplotlib.pyplot as plt

    plt.close("all")

"""The ``esorma spectrum`` command and its tour section (the figures: tests/spectra)."""

import json

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import esorma.spectra as sp  # noqa: E402
from esorma.cli import main  # noqa: E402
from esorma.cli import spectrum as cli_spectrum  # noqa: E402
from esorma.io import load_result, read_metadata  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # whatever a test runs, nothing lands in the source tree


def test_the_command_uses_the_registry_names():
    # one list of names: the command shows the registry's, it keeps none of its own
    assert cli_spectrum.ENSEMBLE_NAMES is sp.ENSEMBLE_NAMES
    assert all(isinstance(p, str) for p in cli_spectrum._FLOAT_PARAMS)
    assert not hasattr(cli_spectrum, "GALLERY") and not hasattr(cli_spectrum, "_write_h5")
    assert "wigner" in cli_spectrum.DESCRIPTION
    for name in sp.ENSEMBLE_NAMES:
        assert name in cli_spectrum.DESCRIPTION


def test_spectrum_json_out_and_figure(tmp_path, capsys):
    png, h5 = tmp_path / "hebb.png", tmp_path / "hebb.h5"
    rc = main(["spectrum", "hebb", "--n", "300", "--alpha", "0.2", "--seed", "3", "--json",
               "--out", str(h5), "--figure", str(png)])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ensemble"] == "hebb" and out["n"] == 300 and out["seed"] == 3
    assert out["fit"]["statistic"] < 0.03
    assert out["point_mass"]["weight"] == pytest.approx(0.8)
    assert out["predicted_edges"][0] == pytest.approx((1 - 0.2**0.5) ** 2 - 0.2)
    assert out["files"] == {"out": str(h5), "figure": str(png)}
    assert png.stat().st_size > 10_000
    result = load_result(h5, sp.SpectrumStudy)
    assert result.spectrum.eigenvalues.shape == (300,)
    assert result.params["alpha"] == 0.2
    meta = read_metadata(h5)
    assert meta["config"]["ensemble"] == "hebb" and meta["seed"] == 3
    # same seed -> same eigenvalues as the library
    lib = sp.sample_spectrum("hebb", 300, rng=3, alpha=0.2)
    np.testing.assert_allclose(result.spectrum.eigenvalues, lib.eigenvalues)
    # the JSON is the result's summary (nothing computed twice, nothing contradicting)
    assert {k: v for k, v in out.items() if k not in ("files", "seconds")} == json.loads(
        json.dumps({k: v for k, v in result.summary().items() if k != "seconds"}))


def test_nothing_is_written_unless_asked(tmp_path, capsys):
    assert main(["spectrum", "goe", "--n", "80"]) == 0
    text = capsys.readouterr().out
    assert "semicircle" in text and "wrote" not in text
    assert list(tmp_path.iterdir()) == []


def test_wigner_is_accepted_as_goe(capsys):
    assert main(["spectrum", "wigner", "--n", "80", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ensemble"] == "goe"


def test_spectrum_text_output_complex_with_outlier(capsys):
    rc = main(["spectrum", "dale", "--n", "300", "--unbalanced", "--mu-e", "0.6", "--mu-i",
               "-0.3", "--row-sum-zero"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "Rajan-Abbott" in text and "outliers" in text and "real eigvals" in text


def test_elliptic_tau_minus_one_has_no_outside_line(capsys):
    assert main(["spectrum", "elliptic", "--n", "100", "--tau", "-1"]) == 0
    assert "outside law" not in capsys.readouterr().out


def test_dale_without_row_sum_zero_says_escaping_eigenvalues_are_not_modelled(capsys):
    assert main(["spectrum", "dale", "--n", "200", "--no-row-sum-zero"]) == 0
    assert "not modelled" in capsys.readouterr().out


def test_spectrum_tridiagonal_large_n_path(tmp_path, capsys):
    png = tmp_path / "bh.png"
    rc = main(["spectrum", "beta-hermite", "--n", "300000", "--json", "--figure", str(png),
               "--bins", "40"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "tridiagonal"
    assert out["lambda_max"] == pytest.approx(2.0, abs=0.01)
    assert out["fit"]["statistic"] < 0.005 and png.exists()


def test_large_tridiagonal_reports_point_mass(capsys):
    n = sp.TRIDIAGONAL_MIN_N + 999  # 21 000 = 2 x 10 500: ratio exactly 2
    assert main(["spectrum", "beta-laguerre", "--n", str(n), "--c", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "tridiagonal"
    assert out["point_mass"]["weight"] == pytest.approx(0.5, abs=1e-3)
    assert out["point_mass"]["predicted_weight"] == pytest.approx(0.5)
    assert out["edges"][0] == pytest.approx(out["predicted_edges"][0], abs=0.02)
    assert out["n_outside_support"] == 0


def test_spectrum_gallery(tmp_path, capsys, monkeypatch):
    # a smaller gallery than the default (tridiagonal density at 10^5, 40 TW samples)
    real = sp.spectrum_gallery
    monkeypatch.setattr(sp, "spectrum_gallery",
                        lambda n, rng: real(n, rng=rng, tw_samples=40, tridiagonal_n=10**5))
    png, h5 = tmp_path / "g.png", tmp_path / "g.h5"
    rc = main(["spectrum", "--gallery", "--n", "60", "--figure", str(png), "--out", str(h5),
               "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["gallery"]) == len(sp.GALLERY)
    assert out["spacing_ratios"]["goe_mean"] > out["spacing_ratios"]["poisson_mean"]
    gallery = load_result(h5, sp.SpectrumGallery)
    assert len(gallery.spectra) == len(sp.GALLERY) and gallery.n == 60
    assert png.stat().st_size > 50_000


@pytest.mark.parametrize("argv, match", [
    (["spectrum", "goe", "--n", "0"], "--n must be >= 1"),
    (["spectrum", "goe", "--tau", "0.5"], "does not apply"),
    (["spectrum", "nope"], "ensemble must be one of"),
    (["spectrum"], "give an ENSEMBLE"),
    (["spectrum", "goe", "--gallery"], "not both"),
    (["spectrum", "--gallery", "--tau", "0.5"], "fixed parameters"),
    (["spectrum", "--gallery", "--n", "10"], ">= 50 for the gallery"),
    (["spectrum", "goe", "--bins", "0"], "--bins must be >= 1"),
    (["spectrum", "dale", "--f", "1.5", "--n", "10"], "f must be"),
    (["spectrum", "wishart", "--c", "0", "--n", "10"], "c must be"),
    (["spectrum", "goe", "--n", "10000000"], "tridiagonal"),
])
def test_spectrum_bad_input_exit_code_2(argv, match, capsys, tmp_path):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and "usage: esorma spectrum" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag", ["--h5", "--fig", "--plot"])
def test_old_output_flags_are_gone(flag, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["spectrum", "goe", "--n", "20", flag, "x.h5"])
    assert exc.value.code == 2
    assert f"unrecognized arguments: {flag}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_tour_section(tmp_path, monkeypatch):
    from esorma.cli.tour import TourContext

    # the tour's own sizes are exercised by `esorma tour`; here a lighter gallery
    monkeypatch.setattr(cli_spectrum, "TOUR_N", 60)
    monkeypatch.setattr(cli_spectrum, "TOUR_TW_SAMPLES", 30)
    monkeypatch.setattr(cli_spectrum, "TOUR_TRIDIAGONAL_N", 10**5)
    ctx = TourContext(outdir=tmp_path, seed=1, quiet=True, section="spectrum")
    cli_spectrum.tour(ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spectra_gallery.h5",
                                                          "spectra_gallery.png"]
    gallery = load_result(tmp_path / "spectra_gallery.h5", sp.SpectrumGallery)
    assert gallery.seed == 1 and read_metadata(tmp_path / "spectra_gallery.h5")["seed"] == 1
    rec = ctx.summary["spectrum"]
    assert max(rec["fits"].values()) < 0.25  # n = 60 per panel
    assert rec["goe_mean_ratio"] > rec["poisson_mean_ratio"] + 0.08
    assert rec["tridiagonal_lambda_max"] == gallery.density.lambda_max

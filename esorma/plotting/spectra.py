"""Figures of random-matrix spectra: samples with their laws overlaid.

Every ``plot_*`` function imports matplotlib lazily, takes ``ax=None`` (a new figure is made)
and returns the axes (:func:`plot_gallery` returns the array of axes). The ``draw_*``
functions take a study's result and return a whole figure (``esorma spectrum --figure``, the
tour and the experiments save it with :func:`esorma.plotting.save_figure`):

* :func:`draw_spectrum` -- a :class:`~esorma.spectra.SpectrumStudy` (one spectrum with its law,
  or the Sturm-count density of a large tridiagonal model);
* :func:`draw_gallery` -- a :class:`~esorma.spectra.SpectrumGallery` (one panel per ensemble,
  plus Tracy-Widom, spacing ratios and the large tridiagonal density);
* :func:`draw_edge` -- an :class:`~esorma.spectra.EdgeStudy`.
"""

from __future__ import annotations

import math

import numpy as np

from esorma.plotting._common import NOTE_SIZE, _axes, styled

__all__ = [
    "format_params",
    "plot_spectrum",
    "plot_radial_cdf",
    "plot_tridiagonal_density",
    "plot_largest_eigenvalues",
    "plot_spacing_ratios",
    "plot_gallery",
    "draw_spectrum",
    "draw_gallery",
    "draw_edge",
]

_GREEK = {"sigma": "σ", "tau": "τ", "alpha": "α", "beta": "β", "mu_e": "μE", "mu_i": "μI",
          "sigma_e": "σE", "sigma_i": "σI"}


def format_params(params: dict) -> str:
    """Short parameter text for titles (``σ=1, τ=0.5``; flags shown only when on).

    Examples
    --------
    >>> format_params({"tau": 0.5, "sigma": 1.0, "row_sum_zero": True, "mu_i": None})
    'τ=0.5, σ=1, row-sum 0'
    """
    parts = []
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)):
            if v and k != "scaled":
                parts.append(k.replace("row_sum_zero", "row-sum 0"))
            continue
        if k == "p" and v == 1.0:
            continue
        parts.append(f"{_GREEK.get(k, k)}={v:.3g}" if isinstance(v, float) else
                     f"{_GREEK.get(k, k)}={v}")
    return ", ".join(parts)


def _title(spectrum, fit=True):
    txt = f"{spectrum.ensemble}, n={spectrum.n}"
    p = format_params(spectrum.params)
    if p:
        txt += f"\n{p}"
    if fit:
        txt += f"   (KS {spectrum.fit.statistic:.3f})"
    return txt


def plot_spectrum(spectrum, ax=None, *, bins: int | None = None, legend: bool = True,
                  title: bool = True):
    """Histogram (real spectra) or complex-plane scatter of a :class:`~esorma.spectra.Spectrum`
    with its law overlaid: density curve, point masses (annotated), support boundary and
    predicted outliers.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.spectra import sample_spectrum
    >>> ax = plot_spectrum(sample_spectrum("goe", 200, rng=0))
    >>> ax.get_xlabel()
    'eigenvalue λ'
    """
    ax = _axes(ax)
    law = spectrum.law
    if law.kind == "real":
        _plot_real(spectrum, ax, bins)
    else:
        _plot_complex(spectrum, ax)
    if title:
        ax.set_title(_title(spectrum), fontsize=10)
    if legend:
        ax.legend(fontsize=8, loc="upper right" if law.kind == "complex" else "best",
                  framealpha=0.85)
    return ax


def _plot_real(spectrum, ax, bins):
    law = spectrum.law
    x = np.real(spectrum.bulk)
    n_total = spectrum.eigenvalues.size
    lo, hi = law.support
    atoms = law.atoms
    scale = max(hi - lo, 1e-12)
    cont = x
    for loc, _ in atoms:
        cont = cont[np.abs(cont - loc) > 1e-8 * max(1.0, abs(lo), abs(hi))]
    if bins is None:
        bins = int(np.clip(math.sqrt(max(cont.size, 1)) * 1.5, 8 if cont.size < 60 else 20, 80))
    left = min(lo, cont.min() if cont.size else lo) - 0.05 * scale
    right = max(hi, cont.max() if cont.size else hi) + 0.05 * scale
    counts, edges = np.histogram(cont, bins=bins, range=(left, right))
    dens = counts / (n_total * np.diff(edges))
    ax.bar(edges[:-1], dens, width=np.diff(edges), align="edge", color="C0", alpha=0.55,
           label=f"sample ({cont.size} eigenvalues)")
    grid = np.linspace(left, right, 800)
    ax.plot(grid, law.pdf(grid), color="C3", lw=1.6, label=law.label)
    if 0 < cont.size < 60:  # few eigenvalues off the point mass: show each one as a tick
        ax.plot(cont, np.zeros(cont.size), "|", color="C0", ms=12, mew=1.2, clip_on=False,
                label=f"each of the {cont.size} eigenvalues off the point mass")
        ax.text(0.98, 0.62, f"only {cont.size} of {n_total} eigenvalues are not in\n"
                "the point mass: a coarse histogram;\nlarger n sharpens it",
                transform=ax.transAxes, ha="right", fontsize=NOTE_SIZE, color="0.3")
    ymax = max(float(np.max(law.pdf(grid))), float(dens.max()) if dens.size else 0.0)
    for loc, w in atoms:
        n_at = int(np.sum(np.abs(x - loc) <= 1e-8 * max(1.0, abs(lo), abs(hi))))
        ax.annotate("", xy=(loc, 0.95 * ymax), xytext=(loc, 0), arrowprops=dict(
            arrowstyle="-|>", color="C2", lw=2))
        ax.text(loc, 0.97 * ymax, f" point mass {w:.2f}\n ({n_at}/{n_total} at {loc:.3g})",
                color="C2", fontsize=NOTE_SIZE, va="top")
        left = min(left, loc - 0.05 * scale)
    outl = spectrum.outliers
    if outl.size:
        ax.plot(np.real(outl), np.zeros(outl.size), "v", color="C1", ms=8,
                label=f"outlier {float(np.real(outl[0])):.3g}")
        for z in law.outliers:
            ax.axvline(np.real(z), color="C1", ls=":", lw=1, label=f"predicted {np.real(z):.3g}")
        right = max(right, float(np.max(np.real(outl))) + 0.05 * scale)
    ax.set_xlim(left, right)
    ax.set_ylim(0, (1.15 if cont.size >= 60 else 1.9) * ymax if ymax > 0 else 1)
    ax.set_xlabel("eigenvalue λ")
    ax.set_ylabel("density ρ(λ)")


def _plot_complex(spectrum, ax):
    law = spectrum.law
    bulk = spectrum.bulk
    size = float(np.clip(3000.0 / max(bulk.size, 1), 0.5, 12))
    ax.scatter(bulk.real, bulk.imag, s=size, color="C0", alpha=0.6, lw=0,
               label=f"eigenvalues ({bulk.size})")
    b = law.boundary()
    ax.plot(b.real, b.imag, color="C3", lw=1.5, label=law.label)
    if spectrum.outliers.size:
        o = spectrum.outliers
        ax.plot(o.real, o.imag, "*", color="C1", ms=11,
                label=f"outlier {complex(o[0]).real:.3g}")
        for z in law.outliers:
            ax.plot([np.real(z)], [np.imag(z)], "x", color="k", ms=8,
                    label=f"predicted {np.real(z):.3g}")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")


def plot_radial_cdf(spectrum, ax=None):
    """Empirical CDF of the standardised modulus ``|z|`` against the law's radial CDF (complex
    spectra), e.g. to see the non-uniform Rajan-Abbott density."""
    ax = _axes(ax)
    law = spectrum.law
    if law.kind != "complex":
        raise ValueError("plot_radial_cdf needs a complex spectrum (non-symmetric ensemble)")
    if getattr(law, "degenerate", False):
        raise ValueError(f"plot_radial_cdf needs a two-dimensional law; {law.label} is a "
                         "segment (elliptic tau = +-1)")
    rho = np.sort(np.abs(law.standardize(spectrum.bulk)))
    ax.step(rho, np.arange(1, rho.size + 1) / rho.size, where="post", color="C0",
            label="sample")
    grid = np.linspace(0, max(1.0, rho.max()), 400)
    ax.plot(grid, law.radial_cdf(grid), color="C3", label=law.label)
    ax.plot(grid, np.clip(grid, 0, 1) ** 2, color="0.5", ls="--", lw=1, label="uniform disc")
    ax.set_xlabel("|λ| / radius")
    ax.set_ylabel("fraction with smaller modulus")
    ax.set_title(_title(spectrum), fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


def plot_tridiagonal_density(density, ax=None, *, sigma: float = 1.0, law=None,
                             title: str | None = None):
    """Histogram of a :class:`~esorma.spectra.TridiagonalDensity` (Sturm counts) with its law.

    ``law`` defaults to the semicircle of ``sigma`` (the law of
    :func:`~esorma.spectra.beta_hermite_density`); ``title`` to a description of that model.
    """
    from esorma.spectra.laws import SemicircleLaw

    ax = _axes(ax)
    e = density.edges
    ax.bar(e[:-1], density.density, width=np.diff(e), align="edge", color="C0", alpha=0.55,
           label=f"Sturm counts ({len(e) - 1} bins)")
    law = SemicircleLaw(sigma) if law is None else law
    g = np.linspace(e[0], e[-1], 600)
    ax.plot(g, law.pdf(g), color="C3", lw=1.5, label=law.label)
    ax.axvline(density.lambda_max, color="C1", ls=":", label=f"λmax = {density.lambda_max:.5f}")
    atoms = tuple(getattr(law, "atoms", ()))
    if atoms:  # a point mass fills its bin: scale the axes to the continuous part, mark it
        on_atom = np.zeros(e.size - 1, dtype=bool)
        for loc, _ in atoms:
            on_atom |= (e[:-1] <= loc) & (loc <= e[1:])
        rest = density.density[~on_atom]
        ymax = max(float(np.max(law.pdf(g))), float(rest.max()) if rest.size else 0.0)
        if ymax > 0:
            ax.set_ylim(0, 1.3 * ymax)
            for loc, w in atoms:
                mass = float(density.counts[on_atom].sum()) / density.n
                ax.annotate("", xy=(loc, 1.2 * ymax), xytext=(loc, 0),
                            arrowprops=dict(arrowstyle="-|>", color="C2", lw=2))
                ax.text(loc, 1.22 * ymax, f" point mass {w:.2f} (bin holds {mass:.3f})",
                        color="C2", fontsize=NOTE_SIZE, va="bottom")
    ax.set_xlabel("eigenvalue λ")
    ax.set_ylabel("density ρ(λ)")
    if title is None:
        title = (f"β-Hermite tridiagonal model, β={density.beta:g}, n={density.n:,} "
                 f"({density.seconds:.2f} s)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


def plot_largest_eigenvalues(samples, n: int, beta: int = 1, ax=None, *, sigma: float = 1.0,
                             bins: int = 30):
    """Histogram of ``(lambda_max - 2 sigma) / (sigma n^(-2/3))`` with the Tracy-Widom
    density."""
    from esorma.spectra.tracy_widom import tracy_widom_cdf, tracy_widom_moments

    ax = _axes(ax)
    s = (np.asarray(samples, dtype=float) - 2 * sigma) / (sigma * n ** (-2.0 / 3.0))
    ax.hist(s, bins=bins, density=True, color="C0", alpha=0.55,
            label=f"{s.size} samples, mean {s.mean():.2f}")
    g = np.linspace(min(-5.5, s.min()), max(3.5, s.max()), 121)
    mean = tracy_widom_moments(beta)[0]
    dens = np.gradient(tracy_widom_cdf(g, beta), g)  # one CDF per grid point
    ax.plot(g, dens, color="C3", lw=1.6,
            label=f"Tracy-Widom β={beta} (mean {mean:.3f})")
    ax.set_xlabel("(λmax − 2σ) n^(2/3) / σ")
    ax.set_ylabel("density")
    ax.set_title(f"largest eigenvalue, β={beta}, n={n}", fontsize=10)
    ax.legend(fontsize=NOTE_SIZE)
    return ax


def plot_spacing_ratios(ratios, ax=None, *, label: str = "sample", bins: int = 30):
    """Histogram of ``r̃ = min(r, 1/r)`` with the Poisson, GOE and GUE surmises."""
    from esorma.spectra.statistics import spacing_ratio_pdf

    ax = _axes(ax)
    r = np.asarray(ratios, dtype=float)
    ax.hist(r, bins=bins, range=(0, 1), density=True, color="C0", alpha=0.5,
            label=f"{label}: ⟨r̃⟩ = {r.mean():.3f}")
    g = np.linspace(0, 1, 300)
    for kind, c, name in (("poisson", "0.4", "Poisson"), ("goe", "C3", "GOE"),
                          ("gue", "C2", "GUE")):
        ax.plot(g, spacing_ratio_pdf(g, kind), color=c, lw=1.4, label=f"{name} surmise")
    ax.set_xlabel("spacing ratio r̃ = min(r, 1/r)")
    ax.set_ylabel("density")
    ax.set_title("nearest-neighbour spacing ratios", fontsize=10)
    ax.set_ylim(0, 3.2)
    ax.legend(fontsize=NOTE_SIZE, loc="upper right")
    return ax


def plot_gallery(spectra, axes=None, *, ncols: int = 4):
    """One panel per spectrum (``plot_spectrum``); returns the array of axes."""
    spectra = list(spectra)
    if axes is None:
        import matplotlib.pyplot as plt

        nrows = max(1, math.ceil(len(spectra) / ncols))
        _fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 4.1 * nrows),
                                  squeeze=False)
    flat = np.ravel(axes)
    for ax, s in zip(flat, spectra):
        plot_spectrum(s, ax=ax)
    for ax in flat[len(spectra):]:
        ax.set_visible(False)
    return axes


@styled
def draw_spectrum(study):
    """The figure of a :class:`~esorma.spectra.SpectrumStudy`: the spectrum and its law.

    Dense studies are drawn by :func:`plot_spectrum`; tridiagonal ones as their Sturm-count
    density (:func:`plot_tridiagonal_density`) with the law.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from esorma.spectra import spectrum_study
    >>> fig = draw_spectrum(spectrum_study("goe", 100, rng=0))
    >>> fig.axes[0].get_xlabel()
    'eigenvalue λ'
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    if study.spectrum is not None:
        plot_spectrum(study.spectrum, ax=ax)
    else:
        s = study.sturm
        plot_tridiagonal_density(
            s.density, ax=ax, law=s.law,
            title=(f"{study.ensemble} (tridiagonal), n={study.n:,}\n"
                   f"{study.seconds:.2f} s, grid KS {s.fit.statistic:.4f}"))
    fig.tight_layout()
    return fig


def _hebb_rank(gallery):
    for sp in gallery.spectra:
        if sp.ensemble == "hebb":
            return int(round(float(sp.params["alpha"]) * sp.n))
    return 0


@styled
def draw_gallery(gallery, *, title: str | None = None, ncols: int = 4):
    """The gallery page of a :class:`~esorma.spectra.SpectrumGallery`.

    One panel per ensemble (:func:`plot_spectrum`), then, when the gallery has its extras,
    the largest-eigenvalue histogram against Tracy-Widom, the spacing ratios of the GOE panel
    and of Poisson levels against the surmises, and the large tridiagonal density.
    """
    import matplotlib.pyplot as plt

    spectra = list(gallery.spectra)
    n_panels = len(spectra) + (3 if gallery.has_extras else 0)
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.6 * nrows), squeeze=False)
    flat = axes.ravel()
    plot_gallery(spectra, axes=flat[: len(spectra)])
    k = len(spectra)
    if gallery.has_extras:
        plot_largest_eigenvalues(gallery.largest_eigenvalues, gallery.tw_n, gallery.tw_beta,
                                 ax=flat[k])
        ax = plot_spacing_ratios(gallery.goe_ratios, ax=flat[k + 1], label="GOE levels")
        ax.hist(gallery.poisson_ratios, bins=30, range=(0, 1), density=True,
                histtype="step", color="0.3",
                label=f"Poisson levels: ⟨r̃⟩ = {gallery.poisson_ratios.mean():.3f}")
        ax.legend(fontsize=NOTE_SIZE)
        plot_tridiagonal_density(gallery.density, ax=flat[k + 2])
        k += 3
    for ax in flat[k:]:
        ax.set_visible(False)
    if title is None:
        seed = "" if gallery.seed is None else f", seed {gallery.seed}"
        hebb_n = getattr(gallery, "hebb_n", None)
        hebb = ("" if hebb_n is None or hebb_n == gallery.n
                else f"; Hebb n = {hebb_n} for P = αn ≈ {_hebb_rank(gallery)} non-zero "
                     f"eigenvalues")
        title = (f"random-matrix spectra and their laws (n = {gallery.n} per panel"
                 f"{hebb}{seed})")
    if title:
        fig.suptitle(title, fontsize=15)
    fig.tight_layout()
    return fig


@styled
def draw_edge(edge, *, title: str | None = None):
    """The edge page of an :class:`~esorma.spectra.EdgeStudy`: Tracy-Widom histograms for
    each beta and the standardised ``(lambda_max - 2) n^(2/3)`` against ``n``."""
    import matplotlib.pyplot as plt

    from esorma.spectra.tracy_widom import tracy_widom_moments

    fig, axes = plt.subplots(1, len(edge.betas) + 1, figsize=(5 * (len(edge.betas) + 1), 4.4))
    for ax, beta, row in zip(axes[:-1], edge.betas, edge.samples):
        plot_largest_eigenvalues(row, edge.tw_n, int(beta), ax=ax)
    ax = axes[-1]
    n = edge.sizes.astype(float)
    z = edge.standardized_vs_n()
    mean1, var1 = tracy_widom_moments(1)[:2]
    sd = math.sqrt(var1)
    ax.semilogx(n, z, "o", label="(λmax − 2) n^(2/3), one sample per n")
    ax.axhline(mean1, color="C3", label=f"E[TW₁] = {mean1:.3f}")
    ax.axhspan(mean1 - sd, mean1 + sd, color="C3", alpha=0.15, label="± 1 s.d. of TW₁")
    for x, y, t in zip(n, z, edge.seconds_per_size):
        ax.annotate(f"{t:.2g} s", (x, y), textcoords="offset points", xytext=(5, 4),
                    fontsize=NOTE_SIZE)
    ax.set_xlabel("n (β-Hermite tridiagonal, β = 1)")
    ax.set_ylabel("standardised largest eigenvalue")
    ax.set_title("edge scaling up to large n (time per eigenvalue annotated)", fontsize=10)
    ax.set_ylim(mean1 - 4 * sd, mean1 + 4 * sd)
    ax.legend(fontsize=NOTE_SIZE)
    if title is None:
        seed = "" if edge.seed is None else f" (seed {edge.seed})"
        title = f"largest eigenvalue: Tracy-Widom fluctuations and n^(-2/3) scaling{seed}"
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig

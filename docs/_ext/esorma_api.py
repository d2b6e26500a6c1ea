"""Write the API reference pages (docs/api/*.rst) from every public module's ``__all__``.

One page per public module; autosummary then writes a page per name. Nothing is listed by
hand, so a name added to an ``__all__`` appears in the reference at the next build.
"""

from __future__ import annotations

import importlib
from pathlib import Path

#: Public modules, in the order of the reference (plotting modules are found on disk).
MODULES = [
    ("esorma", "Top level"),
    ("esorma.networks", "Networks"),
    ("esorma.learning", "Learning rules"),
    ("esorma.patterns", "Patterns"),
    ("esorma.couplings", "Couplings"),
    ("esorma.dynamics", "Dynamics"),
    ("esorma.attractors", "Attractors"),
    ("esorma.capacity", "Capacity"),
    ("esorma.replica", "Replica theory"),
    ("esorma.spectra", "Random-matrix spectra"),
    ("esorma.thermo", "Boltzmann networks"),
    ("esorma.bridge", "Bridge: saturated layers to logic"),
    ("esorma.stability", "Stability and chaos"),
    ("esorma.training", "Training dynamics: tangent maps, Lyapunov spectra, CLVs"),
    ("esorma.dense", "Dense associative memories"),
    ("esorma.sweeps", "Sweeps"),
    ("esorma.io", "Files"),
    ("esorma.errors", "Errors"),
    ("esorma.plotting", "Plotting"),
]


def _plotting_modules(root: Path):
    folder = root / "esorma" / "plotting"
    for f in sorted(folder.glob("*.py")):
        if not f.name.startswith("_"):
            yield (f"esorma.plotting.{f.stem}", f"Plotting: {f.stem}")


def public_names(module: str) -> list[str]:
    mod = importlib.import_module(module)
    names = list(getattr(mod, "__all__", []))
    if module == "esorma":
        names = [n for n in names if n != "__version__"]
    return names


def write_pages(docs: Path) -> list[str]:
    root = docs.parent
    out = docs / "api"
    out.mkdir(exist_ok=True)
    modules = []
    listed: set[str] = set()
    for module, title in MODULES + list(_plotting_modules(root)):
        names = public_names(module)  # an import error fails the build: it is a real error
        modules.append(module)
        listed.update(f"{module}.{n}" for n in names)
        lines = [title, "=" * len(title), "", f".. automodule:: {module}", "   :no-members:",
                 ""]
        if names:
            lines += [f".. currentmodule:: {module}", "", ".. autosummary::",
                      "   :toctree: generated", "   :nosignatures:", ""]
            lines += [f"   {n}" for n in names]
        text = "\n".join(lines) + "\n"
        page = out / f"{module}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)
    stale = out / "generated"
    if stale.is_dir():  # stubs of names that left an __all__ would be orphan pages
        for f in stale.glob("*.rst"):
            if f.stem not in listed:
                f.unlink()
    index = ["API reference", "=============", "",
             "Every public name of every public module, from its ``__all__``. Each page shows",
             "the numpydoc docstring with its runnable example (the tests run them).", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {m}" for m in modules]
    text = "\n".join(index) + "\n"
    if not (out / "index.rst").exists() or (out / "index.rst").read_text() != text:
        (out / "index.rst").write_text(text)
    return modules


def _on_builder_inited(app, config=None):
    write_pages(Path(app.srcdir))


def setup(app):
    app.connect("config-inited", _on_builder_inited, priority=400)
    return {"parallel_read_safe": True, "version": "1"}


def write_reference_table(docs: Path) -> None:
    """docs/_generated/reference_values.rst: data/reference_values.csv as a list table."""
    import csv

    src = docs.parent / "data" / "reference_values.csv"
    rows = [r for r in csv.reader(ln for ln in src.read_text().splitlines()
                                  if ln.strip() and not ln.startswith("#"))]
    header, body = rows[0], rows[1:]
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 18 10 8 64", ""]
    for row in [header] + body:
        lines.append("   * - " + (f"``{row[0]}``" if row is not header else row[0]))
        lines += [f"     - {cell}" for cell in row[1:]]
    out = docs / "_generated"
    out.mkdir(exist_ok=True)
    text = "\n".join(lines) + "\n"
    page = out / "reference_values.rst"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)


def _on_builder_inited_refs(app, config=None):
    write_reference_table(Path(app.srcdir))


_setup_api = setup


def setup(app):  # noqa: F811 - extends the setup above
    meta = _setup_api(app)
    app.connect("config-inited", _on_builder_inited_refs, priority=400)
    return meta

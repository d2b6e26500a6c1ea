"""Sphinx configuration of the esorma documentation.

Build (warnings are errors; the gallery runs every experiment at its ``--quick`` size, a few
minutes on two cores, and is cached in ``docs/_build/gallery`` between builds)::

    pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html

``ESORMA_DOCS_GALLERY=skip`` builds without running the experiments (the gallery pages then
say so); ``ESORMA_DOCS_GALLERY=force`` reruns them even when cached.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

import esorma  # noqa: E402

project = "esorma"
author = "esorma developers"
copyright = "2026, esorma developers"
release = esorma.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "esorma_api",        # writes docs/api/*.rst from every public module's __all__
    "esorma_gallery",    # runs experiments/*.py --quick and writes docs/gallery/*.rst
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "code"  # `x` in docstrings is code, not an unresolved reference

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc states the types; hints stay in the signature
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_aliases = {
    "ndarray": "numpy.ndarray",
    "Generator": "numpy.random.Generator",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "DiGraph": "networkx.DiGraph",
    "Graph": "networkx.Graph",
}
numpydoc_xref_ignore = "all"
numpydoc_validation_checks: set = set()

# Intersphinx without network: small inventories built from the package versions installed
# here (docs/_ext/offline_inventories.py writes them at build time, no download).
from offline_inventories import intersphinx_mapping_offline  # noqa: E402

intersphinx_mapping = intersphinx_mapping_offline(HERE / "_build" / "inventories")
intersphinx_timeout = 1


# ``|Im|`` (an imaginary part between bars) is written in a few docstrings: keep it literal.
rst_prolog = """
.. |Im| unicode:: U+007C U+0049 U+006D U+007C
"""

html_theme = "alabaster"
html_static_path = ["_static"]
html_css_files = ["esorma.css"]
html_title = f"esorma {release}"
html_theme_options = {
    "description": "attractors, random-matrix spectra and replica theory of recurrent networks",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "250px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}

"""Intersphinx inventories written offline, from the package versions installed here.

The documentation must build without network access, so Sphinx cannot download
``objects.inv`` from numpy.org, scipy.org, networkx.org or matplotlib.org. Instead this module
lists the public objects of the *installed* packages by introspection and writes a small
inventory (Sphinx format 2) for each, pointing at the stable online pages of those projects.
Links therefore resolve to the real documentation pages without any download at build time.
Only names whose page address follows the project's fixed pattern are listed (Python's builtin
types, exceptions and glossary terms; numpy and scipy
functions and classes of the public namespaces; the networkx graph classes; matplotlib's
Figure and Axes), so no link points at a page that does not exist.
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

NUMPY = "https://numpy.org/doc/stable/"
SCIPY = "https://docs.scipy.org/doc/scipy/"
NETWORKX = "https://networkx.org/documentation/stable/"
MATPLOTLIB = "https://matplotlib.org/stable/"

_SCIPY_SUBPACKAGES = ("linalg", "sparse", "sparse.linalg", "special", "stats", "optimize",
                      "integrate", "interpolate", "signal", "fft")


def _role(obj) -> str:
    if inspect.isclass(obj):
        return "py:class"
    if callable(obj):
        return "py:function"
    return "py:data"


def _public(module_name: str):
    try:
        mod = importlib.import_module(module_name)
    except Exception:  # pragma: no cover - package not installed
        return []
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    out = []
    for n in names:
        obj = getattr(mod, n, None)
        if obj is None or inspect.ismodule(obj):
            continue
        if not (inspect.isclass(obj) or callable(obj)):
            continue
        out.append((f"{module_name}.{n}", _role(obj)))
    return out


def _numpy_entries():
    rows = []
    for mod in ("numpy", "numpy.random", "numpy.linalg", "numpy.fft"):
        for full, role in _public(mod):
            rows.append((full, role, f"reference/generated/{full}.html#$"))
    return rows + _numpy_terms()


def _scipy_entries():
    rows = []
    for sub in _SCIPY_SUBPACKAGES:
        mod = f"scipy.{sub}"
        for full, role in _public(mod):
            rows.append((full, role, f"reference/generated/{full}.html#$"))
    return rows


def _networkx_entries():
    pages = {"Graph": "graph", "DiGraph": "digraph", "MultiGraph": "multigraph",
             "MultiDiGraph": "multidigraph"}
    return [(f"networkx.{c}", "py:class", f"reference/classes/{p}.html#$")
            for c, p in pages.items()]


def _numpy_terms():
    return [("array_like", "std:term", "glossary.html#term-array_like"),
            ("array-like", "std:term", "glossary.html#term-array-like")]


def _python_entries():
    rows = [("bltin-boolean-values", "std:label", "library/stdtypes.html#$"),
            ("sequence", "std:term", "glossary.html#term-sequence"),
            ("iterable", "std:term", "glossary.html#term-iterable"),
            ("mapping", "std:term", "glossary.html#term-mapping"),
            ("callable", "std:term", "glossary.html#term-callable"),
            ("pathlib.Path", "py:class", "library/pathlib.html#$")]
    for name in ("int", "float", "complex", "str", "bool", "dict", "list", "tuple", "set",
                 "bytes", "range", "slice", "frozenset"):
        rows.append((name, "py:class", f"library/functions.html#{name}"))
    for exc in ("ValueError", "TypeError", "RuntimeError", "MemoryError", "OSError",
                "FileExistsError", "FileNotFoundError", "Warning", "UserWarning",
                "RuntimeWarning", "KeyError", "IndexError", "Exception"):
        rows.append((exc, "py:exception", "library/exceptions.html#$"))
    return rows


def _matplotlib_entries():
    return [("matplotlib.figure.Figure", "py:class", "api/_as_gen/matplotlib.figure.Figure.html#$"),
            ("matplotlib.axes.Axes", "py:class", "api/_as_gen/matplotlib.axes.Axes.html#$")]


def write_inventory(path: Path, project: str, version: str, rows) -> Path:
    """Write ``rows`` (name, domain:role, uri) as a Sphinx version-2 inventory."""
    header = (f"# Sphinx inventory version 2\n# Project: {project}\n# Version: {version}\n"
              "# The remainder of this file is compressed using zlib.\n").encode()
    seen = set()
    body = []
    for name, role, uri in rows:
        if (name, role) in seen:
            continue
        seen.add((name, role))
        body.append(f"{name} {role} 1 {uri} -\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + zlib.compress("".join(body).encode()))
    return path


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0"


def intersphinx_mapping_offline(folder: Path) -> dict:
    """``intersphinx_mapping`` for Python, numpy, scipy, networkx and matplotlib from local files."""
    folder = Path(folder)
    spec = {
        "python": ("https://docs.python.org/3/", _python_entries),
        "numpy": (NUMPY, _numpy_entries),
        "scipy": (SCIPY, _scipy_entries),
        "networkx": (NETWORKX, _networkx_entries),
        "matplotlib": (MATPLOTLIB, _matplotlib_entries),
    }
    mapping = {}
    for name, (url, rows) in spec.items():
        inv = write_inventory(folder / f"{name}.inv", name, _version(name), rows())
        mapping[name] = (url, str(inv))
    return mapping

"""A gallery built from the experiments: each ``experiments/*.py`` runs at its ``--quick``
size and its figures are embedded in a page with the experiment's description.

A simple equivalent of sphinx-gallery for scripts that write their own files: every experiment
is run as ``python experiments/<name>.py --quick --out docs/_build/gallery/<name>`` (a
separate process, so a failure is reported with its output and fails the build), its PNG
files are embedded, and the page states the command, the seed and the run time.

Runs are cached: an experiment is rerun only when its script changed since the last run, or
with ``ESORMA_DOCS_GALLERY=force``. ``ESORMA_DOCS_GALLERY=skip`` does not run anything (pages
then say that the figures were not built).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

TIMEOUT = 900  # seconds per experiment; the quick sizes take about a minute each


def _docstring(script: Path) -> str:
    return ast.get_docstring(ast.parse(script.read_text())) or ""


def _run(script: Path, out: Path, root: Path, logger) -> dict:
    stamp = out / "_gallery.json"
    mode = os.environ.get("ESORMA_DOCS_GALLERY", "").lower()
    mtime = script.stat().st_mtime
    if stamp.exists() and mode != "force":
        info = json.loads(stamp.read_text())
        if info.get("mtime") == mtime and info.get("returncode") == 0:
            return info
    if mode == "skip":
        return {"skipped": True}
    import shutil

    if out.exists():  # a fresh folder: experiments refuse to overwrite without --force
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = [sys.executable, str(script.relative_to(root)), "--quick", "--out", str(out)]
    logger.info(f"[gallery] running {' '.join(cmd[1:])}")
    env = dict(os.environ, MPLBACKEND="Agg")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"gallery: {script.name} --quick failed ({proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    info = {"mtime": mtime, "returncode": 0, "seconds": round(seconds, 1),
            "stdout": proc.stdout[-4000:]}
    stamp.write_text(json.dumps(info))
    return info


def _clean_rst(text: str) -> bool:
    """True when ``text`` parses as reStructuredText without warnings (roles of Sphinx aside)."""
    import re

    from docutils import nodes
    from docutils.core import publish_doctree

    plain = re.sub(r":[a-z]+:`~?([^`]+)`", r"``\1``", text)
    tree = publish_doctree(plain, settings_overrides={"report_level": 1, "halt_level": 5,
                                                       "warning_stream": False})
    return not (any(m["level"] >= 2 for m in tree.findall(nodes.system_message))
                or any(True for _ in tree.findall(nodes.problematic)))


def _description(text: str) -> list[str]:
    """The docstring as reStructuredText when it is clean, else as preformatted text."""
    if _clean_rst(text):
        return [text, ""]
    return ["::", ""] + ["   " + ln for ln in text.splitlines()] + [""]


def _page(script: Path, out: Path, info: dict, docs: Path) -> str:
    doc = _docstring(script)
    first, _, rest = doc.partition("\n")
    name = script.stem
    title = f"{name}: {first.rstrip('.')}"
    lines = [f".. _gallery-{name}:", "", title, "=" * len(title), ""] + _description(
        rest.strip()) + [
             "Run it", "------", "", ".. code-block:: console", "",
             f"   $ python experiments/{name}.py --quick   # the size shown here",
             f"   $ python experiments/{name}.py           # the full study", ""]
    if info.get("skipped"):
        lines += [".. note::", "",
                  "   The figures were not built (``ESORMA_DOCS_GALLERY=skip``).", ""]
        return "\n".join(lines) + "\n"
    lines += [f"This page was built by running the experiment at its ``--quick`` size "
              f"({info['seconds']:.0f} s on the build machine).", "",
              "Figures", "-------", ""]
    for png in sorted(out.glob("*.png")):
        rel = "/" + str(png.relative_to(docs))
        lines += [f".. figure:: {rel}", f"   :alt: {png.stem}", "   :width: 100%",
                  f"   :target: {rel}", "",
                  f"   ``{png.name}`` (click for the full-size image)", ""]
    text = info.get("stdout", "").strip()
    if text:
        lines += ["What it printed", "---------------", "", ".. code-block:: text", ""]
        lines += ["   " + ln for ln in text.splitlines()[-40:]]
        lines += [""]
    return "\n".join(lines) + "\n"


def build_gallery(app, config=None):
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    docs = Path(app.srcdir)
    root = docs.parent
    scripts = sorted((root / "experiments").glob("*.py"))
    folder = docs / "gallery"
    folder.mkdir(exist_ok=True)
    names = []
    for script in scripts:
        if script.name.startswith("_"):
            continue
        out = docs / "_build" / "gallery" / script.stem
        info = _run(script, out, root, logger)
        text = _page(script, out, info, docs)
        page = folder / f"{script.stem}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)
        names.append(script.stem)
    index = ["Gallery", "=======", "",
             "The experiments of ``experiments/`` run at their quick size when the documentation",
             "is built; each page shows the figures they wrote and the numbers they printed.",
             "The full studies (without ``--quick``) take minutes to hours.", "",
             ".. toctree::", "   :maxdepth: 1", ""] + [f"   {n}" for n in names]
    text = "\n".join(index) + "\n"
    if not (folder / "index.rst").exists() or (folder / "index.rst").read_text() != text:
        (folder / "index.rst").write_text(text)


def setup(app):
    app.connect("config-inited", build_gallery, priority=400)
    return {"parallel_read_safe": True, "version": "1"}

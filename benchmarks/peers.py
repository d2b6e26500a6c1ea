"""Peer packages for the benchmarks, each in its own virtual environment.

A peer (``hopfieldnetwork``, ``hopfieldkit``, ``neurodynex3``, ``scikit-rmt``) is installed
from PyPI into ``benchmarks/.peers/<name>`` (``python -m venv`` + ``pip install <pkg> numpy``)
the first time a benchmark asks for it, and reused afterwards. esorma never imports a peer and
never installs anything at run time: only the benchmarks do, and only here.

:func:`run_job` writes an instance (a dict of arrays) to a ``.npz`` file, runs a small job
script with the peer's Python (``python - in.npz out.npz`` with the script on stdin), and
returns the JSON the script prints on its last line and the arrays it saved. A peer that
cannot be installed or imported gives :class:`PeerUnavailable` with the reason, so that a
benchmark can skip it with a clear message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["PEERS", "PEERS_DIR", "PeerUnavailable", "peer_python", "run_job"]

PEERS_DIR = Path(__file__).resolve().parent / ".peers"

#: name -> (pip requirements, module that must import).
PEERS = {
    "hopfieldnetwork": (["hopfieldnetwork", "numpy"], "hopfieldnetwork.libary"),
    "hopfieldkit": (["hopfieldkit", "numpy"], "hopfieldkit"),
    "neurodynex3": (["neurodynex3", "numpy"], "neurodynex3.hopfield_network.network"),
    "scikit-rmt": (["scikit-rmt", "numpy"], "skrmt.ensemble.tridiagonal_utils"),
}


class PeerUnavailable(RuntimeError):
    """A peer package could not be installed or imported (the message says why)."""


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _env() -> dict:
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"  # peers' BLAS pinned like ours
    env["MPLBACKEND"] = "Agg"
    env.pop("PYTHONPATH", None)
    return env


def peer_python(name: str, *, install: bool = True, timeout: float = 900.0) -> Path:
    """The Python of the peer's environment, creating and installing it when missing."""
    if name not in PEERS:
        raise ValueError(f"unknown peer {name!r}; known: {sorted(PEERS)}")
    reqs, module = PEERS[name]
    venv = PEERS_DIR / name
    py = _python(venv)
    check = [str(py), "-c", f"import {module}"]
    if py.exists() and subprocess.run(check, env=_env(), capture_output=True,
                                      timeout=300).returncode == 0:
        return py
    if not install:
        raise PeerUnavailable(f"{name}: not installed in {venv}")
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(py), "-m", "pip", "install", "--quiet", *reqs]]
    for cmd in steps:
        try:
            proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True,
                                  timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PeerUnavailable(f"{name}: {' '.join(cmd[-3:])} failed: {exc}") from None
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise PeerUnavailable(f"{name}: {' '.join(cmd[-3:])} failed: {' / '.join(tail)}")
    proc = subprocess.run(check, env=_env(), capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        raise PeerUnavailable(f"{name}: installed but `import {module}` fails: {tail[0]}")
    return py


def peer_version(name: str) -> str:
    py = peer_python(name)
    dist = PEERS[name][0][0]
    proc = subprocess.run([str(py), "-c", "import importlib.metadata as m; "
                           f"print(m.version({dist!r}))"], env=_env(), capture_output=True,
                          text=True)
    return proc.stdout.strip() or "unknown"


def run_job(name: str, script: str, instance: dict, *, timeout: float = 1800.0):
    """Run ``script`` in the peer's environment on ``instance``; return (json, arrays).

    The script gets ``sys.argv[1]`` (the instance, ``.npz``) and ``sys.argv[2]`` (where to save
    its output arrays with ``numpy.savez``) and prints one JSON object on its last line.
    """
    py = peer_python(name)
    with tempfile.TemporaryDirectory(prefix=f"peer-{name}-") as d:
        src, dst = Path(d) / "in.npz", Path(d) / "out.npz"
        np.savez(src, **instance)
        try:
            proc = subprocess.run([str(py), "-", str(src), str(dst)], input=script,
                                  env=_env(), capture_output=True, text=True, timeout=timeout,
                                  cwd=d)
        except subprocess.TimeoutExpired:
            raise PeerUnavailable(f"{name}: the job took longer than {timeout:g} s") from None
        if proc.returncode != 0:
            tail = proc.stderr.strip().splitlines()[-3:]
            raise PeerUnavailable(f"{name}: the job failed: {' / '.join(tail)}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        arrays = {}
        if dst.exists():
            with np.load(dst) as z:
                arrays = {k: z[k] for k in z.files}
    return info, arrays

"""One writer per results file: the ``<name>.lock`` file lock and stale-commit cleanup.

A lock file beside the results (``<name>.lock``, ``fcntl.flock``), taken once the executor is
connected and removed on release, refuses a second concurrent run on the same results file.
Under it, the commit copies (``.<name>.*.tmp``) left by a run killed mid-commit are deleted
(those of a writer still alive on this host are kept; see
:func:`esorma.io.remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__: list[str] = []  # private helpers of esorma.sweeps


@contextlib.contextmanager
def _lock(path: Path):
    """Hold ``<name>.lock`` (``fcntl.flock``) for the duration; remove it on release.

    The lock file is unlinked while the lock is still held. A process that opened the old
    file just before the unlink would then lock an orphaned inode, so after taking the lock
    the path is checked to still name the locked inode (otherwise: retry with a fresh file).

    Raises
    ------
    ValueError
        If another process holds the lock (the message names the lock file).

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "s.h5"
    >>> with _lock(p):
    ...     Path(str(p) + ".lock").exists()
    True
    >>> Path(str(p) + ".lock").exists()
    False
    """
    path = Path(path)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    for _attempt in range(20):
        fh = open(lock_path, "a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise ValueError(
                f"results file {str(path)!r} is being written by another run (lock "
                f"{str(lock_path)!r} is held); wait for it or choose another file"
            ) from exc
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()  # the previous holder removed this lock file: take a fresh one
    else:  # pragma: no cover - pathological churn
        raise ValueError(f"could not take the lock {str(lock_path)!r}; try again")
    try:
        _remove_stale_temporaries(path)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # still holding the flock: nobody else is inside
        fh.close()


def _remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete ``.<name>.*.tmp`` commit copies left beside ``path`` by a killed run.

    Called under the lock, when no other run can be committing to ``path``: the temporaries
    of ``path`` whose writer is dead (or unknown: an older esorma's) go at once, a live
    writer's stay; other files' temporaries follow the age rules of
    :func:`esorma.io.remove_stale_temporaries`.
    """
    from esorma.io import remove_stale_temporaries

    return remove_stale_temporaries(path.parent, name=path.name, under_lock=True)

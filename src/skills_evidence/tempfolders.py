"""Temporary folders named by the process that made them, so that a later run removes what a killed one left.

A build removes its own temporary folders however it stops, except when it is killed outright (SIGKILL, an
out-of-memory kill, a power cut): no `finally` runs then, and the folder stays in the system's temporary
folder for good. Each folder's name therefore carries its maker's process id, and making a new one first
removes every folder of this project whose maker no longer runs. Process ids are those this machine (or
container) sees, so a temporary folder shared between containers with process ids of their own is not supported.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "skills-evidence-"
# skills-evidence-<kind>-<process id>-<tempfile's random part>
_NAME = re.compile(rf"^{re.escape(PREFIX)}[a-z]+-(\d+)-[^/]+$")


def running(pid: int) -> bool:
    """Whether process `pid` runs on this machine (or container), as far as this user can tell."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def sweep(where: Path | None = None) -> list[Path]:
    """Remove this user's folders made here by a process that no longer runs; return those removed.
    A folder whose maker runs, or whose name carries no process id, is left alone."""
    removed = []
    where = Path(where or tempfile.gettempdir())
    for folder in where.glob(f"{PREFIX}*"):
        match = _NAME.match(folder.name)
        try:
            if not match or not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not running(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def new(kind: str, where: Path | None = None) -> Path:
    """A new private folder for `kind` (a lower-case word) in the system's temporary folder, made after
    removing what killed runs left there."""
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(f"a temporary folder's kind is one lower-case word, not {kind!r}")
    sweep(where)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=where))


@contextlib.contextmanager
def temporary(kind: str, where: Path | None = None) -> Iterator[Path]:
    """A new folder (see `new`) for the duration of the block, removed however the block ends."""
    folder = new(kind, where)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)

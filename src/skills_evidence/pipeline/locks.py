"""One build of an edition at a time: an advisory lock per edition folder in build/.

The operating system releases a lock when its process ends, however it ends, so a killed build never
leaves a stale lock behind; the lock file keeps who holds it, for the message a second build prints.
A lock taken with flock belongs to the open file, which forked children share: the notebook workers
close their copies as they start (`release_inherited`), so only the build itself holds the lock and it
is free the moment the build ends, even while a worker is still being stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_HELD: list = []  # the lock files this process holds, for its forked children to close


def release_inherited() -> None:
    """In a forked child: close the parent's lock files (the parent keeps its locks)."""
    for handle in _HELD:
        with contextlib.suppress(OSError):
            os.close(handle.fileno())
    _HELD.clear()


class EditionBusy(RuntimeError):
    """Another build holds the lock of an edition this build needs."""


@contextlib.contextmanager
def editions_locked(build_root: Path, years: list[int]) -> Iterator[None]:
    """Hold build/<year>/.lock for each year (in order, so two builds never wait on each other in a
    circle); stop at once, naming the running build, when one is already held."""
    held = []
    try:
        for year in sorted(set(years)):
            path = build_root / str(year) / ".lock"
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a+", encoding="utf-8")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise EditionBusy(
                    f"the {year} edition is being built by {holder}; wait for it to finish (its lock is {path})"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(
                f"process {os.getpid()} (started {dt.datetime.now():%Y-%m-%d %H:%M:%S}: {' '.join(sys.argv)})\n"
            )
            handle.flush()
            held.append(handle)
            _HELD.append(handle)
        yield
    finally:
        for handle in held:
            _HELD.remove(handle)
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

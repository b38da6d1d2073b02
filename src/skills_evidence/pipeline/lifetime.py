"""Helper processes live no longer than the build that started them.

A build starts notebook workers, a warm kernel server and kernel stand-ins. If the build is killed
(SIGKILL, a CI timeout, a closed terminal) they must not run on, nor keep its edition locks. On Linux
each asks the kernel for a signal when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere that call is
skipped and the stand-ins' own watch (warmkernel) still stops the kernels. A terminate signal to the
build itself becomes SystemExit, so every `finally` runs: scratch folders removed, the server stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, number: int = signal.SIGTERM) -> None:
    """Ask for `number` when the parent process dies; exit now if `parent` is already gone."""
    if sys.platform.startswith("linux"):
        # Without prctl in this C library, the parent's own clean-up still runs on an orderly stop.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(number), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _exit_on_signal(number: int, _frame: object) -> None:
    raise SystemExit(128 + number)


def default_signals() -> None:
    """In a forked helper: SIGTERM and SIGHUP end it at once again (the parent's clean-up is not its own)."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


def terminate_cleanly() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit in this (main) process, so clean-up code runs."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _exit_on_signal)

"""Jupyter kernels forked from a warm parent, so a notebook does not pay for starting Python and importing
pandas, matplotlib, statsmodels and this library every time it runs.

papermill still runs every notebook (parameters cell, executed copy with outputs, its error reporting) and
still talks to a real ipykernel over ZeroMQ; only the kernel's process is started differently. A server
imports the heavy libraries once and waits on a Unix socket. Where a kernel would be launched,
`launch` asks the server for one: the server forks a fresh child, which becomes the kernel for that one
notebook and exits with it, so nothing leaks from one notebook to the next. The small `launch` process
stands in for the kernel towards jupyter_client: it passes on signals (interrupt, terminate) and exits
with the kernel's exit code; if it is killed, the kernel notices and exits too.

The standard library's multiprocessing forkserver cannot do this: it forks workers for its own pool,
not processes that jupyter_client launches and manages, so the fork is done here in a few lines.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

#: Where the build tells the kernel manager (in papermill's worker processes) that a server is running.
SOCKET_ENV = "SKILLS_EVIDENCE_WARM_KERNELS"
#: The libraries the chapter notebooks import, loaded once by the server and inherited by every kernel it
#: forks. Third-party only: this project's own modules have side effects at import (charts selects
#: matplotlib's Agg backend) that a notebook must get as it would in a kernel of its own.
PRELOAD = (
    "ipykernel.kernelapp",
    # What a kernel imports as it starts (its debugger loads debugpy; its shell pdb, psutil and sqlite3 for
    # the history): 0.2 s of each notebook's start otherwise.
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "pdb",
    "psutil",
    "sqlite3",
    "IPython.display",
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib.pyplot",
    "seaborn",  # the distribution chart (chapters.distribution)
    "altair",  # the interactive charts' specifications (chapters.interactive): over a second to import
    "afcharts.af_colours",
    "pandera.pandas",
    "jinja2",
    "yaml",
)


def _kernel(request: dict) -> None:
    """In the forked child: become the kernel the request describes; never returns."""
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        client = request["client_pid"]

        def watch() -> None:  # the launcher was killed outright (it forwards every other signal): stop too
            while True:
                time.sleep(0.5)
                try:
                    os.kill(client, 0)
                except ProcessLookupError:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does
            del sys.path[0]
        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        from ipykernel.kernelapp import IPKernelApp

        # No input history: papermill never reads it, and every kernel would otherwise write each cell to the
        # one SQLite file in the user's IPython profile, the kernels running at once waiting on its lock.
        IPKernelApp.launch_instance(argv=["-f", request["connection_file"], "--HistoryManager.enabled=False"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child must always exit here, never return into the server
        import traceback

        traceback.print_exc()
        code = 1
    os._exit(code)


def _stop_serving(path: str, kernels: dict[int, socket.socket]) -> None:
    """On SIGTERM (the build ended, or died: see lifetime): stop the kernels still running (they may be
    writing into folders the build is about to remove), remove the socket and its folder, then exit."""

    def stop(_number: int, _frame: object) -> None:
        for pid in list(kernels):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        with contextlib.suppress(OSError):
            os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(path))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def serve(path: str, build: int | None = None) -> None:
    """Import the heavy libraries, then fork a kernel for every request on the socket at `path`; stop
    when the build process `build` ends."""
    from skills_evidence.pipeline import lifetime

    if build is not None:
        lifetime.die_with_parent(build)
    waiting: dict[int, socket.socket] = {}  # the kernels running, with the connection of each one's stand-in
    _stop_serving(path, waiting)
    # The inline backend a kernel selects at start-up must be the one matplotlib reads when imported here;
    # the backend's module itself is left for the kernel to import, as it hooks into the kernel's shell then.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # Libraries also read the session they are imported in: pandas sizes its printed tables for a terminal
    # unless `get_ipython()` shows a Jupyter kernel. Show them the kernel they will run in.
    builtins.get_ipython = lambda: SimpleNamespace(kernel=True)  # type: ignore[attr-defined]
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.replace(path + ".tmp", path)  # the socket appears, ready, only once the imports are done
    listener.listen(16)
    # A kernel's exit wakes the loop at once (SIGCHLD through a pipe), so its stand-in exits at once too.
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    while True:
        ready, _, _ = select.select([listener, wake_read], [], [], 1.0)
        if wake_read in ready:
            os.read(wake_read, 512)
        if listener in ready:
            conn, _ = listener.accept()
            with conn.makefile("r", encoding="utf-8") as reader:
                request = json.loads(reader.readline())
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.close(wake_read)
                os.close(wake_write)
                listener.close()
                conn.close()
                for other in waiting.values():
                    other.close()
                _kernel(request)
            conn.sendall(f"{pid}\n".encode())
            waiting[pid] = conn
        while waiting:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = waiting.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                conn.close()


def launch(path: str, connection_file: str, timeout: float = 120.0) -> int:
    """Ask the server at `path` for a kernel on `connection_file`, stand in for it, return its exit code.
    The server may still be importing: wait for its socket (the build starts it early, without waiting)."""
    from skills_evidence.pipeline import lifetime

    # Killed outright when the notebook worker that started it dies: it forwards SIGTERM to the kernel and
    # would wait on it; its death is what tells the kernel (its watch thread) to stop.
    lifetime.die_with_parent(os.getppid(), signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(path)):
            print(f"warm kernel server at {path} did not start", file=sys.stderr)
            return 1
        time.sleep(0.02)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    request = {
        "connection_file": connection_file,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "client_pid": os.getpid(),
    }
    conn.sendall((json.dumps(request) + "\n").encode())
    reader = conn.makefile("r", encoding="utf-8")
    kernel = int(reader.readline())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, lambda received, _frame: os.kill(kernel, received))
    line = reader.readline()
    return int(line) if line.strip() else 1


def launch_command(connection_file: str) -> list[str] | None:
    """The command that launches a warm kernel, or None when no server is running for this build."""
    path = running()
    if not path:
        return None
    return [sys.executable, "-m", "skills_evidence.pipeline.warmkernel", "launch", path, connection_file]


@contextlib.contextmanager
def server(timeout: float = 60.0, wait: bool = True) -> Iterator[str]:
    """Run a kernel server for the duration of the block, its socket named in SOCKET_ENV for the kernel
    manager; the server is stopped (and its socket removed) however the block ends. With `wait=False`
    the block starts while the server is still importing (each launch waits for the socket)."""
    from skills_evidence import tempfolders

    folder = str(tempfolders.new("warm"))
    path = os.path.join(folder, "kernels.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "skills_evidence.pipeline.warmkernel", "serve", path, str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    previous = os.environ.get(SOCKET_ENV)
    try:
        deadline = time.monotonic() + timeout
        while wait and not os.path.exists(path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the warm kernel server did not start (run `python -m skills_evidence.pipeline.warmkernel serve /tmp/x.sock` to see why)"
                )
            time.sleep(0.05)
        os.environ[SOCKET_ENV] = path
        yield path
    finally:
        if previous is None:
            os.environ.pop(SOCKET_ENV, None)
        else:
            os.environ[SOCKET_ENV] = previous
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if process.poll() is None:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


_session: contextlib.ExitStack | None = None


@contextlib.contextmanager
def session() -> Iterator[None]:
    """Within the block, the first batch of notebooks that needs a server starts one and later batches
    reuse it; it stops when the block ends. A build with nothing to run never starts one."""
    global _session
    with contextlib.ExitStack() as stack:
        _session = stack
        try:
            yield
        finally:
            _session = None


def running() -> str | None:
    """The socket of a server this process may use: one it started, or one started for several builds (the
    workflow's, workflow/Snakefile) and named in SOCKET_ENV. A socket whose folder is gone, as when the name
    came from another machine or from a server that has stopped, is not one: the build then starts its own."""
    path = os.environ.get(SOCKET_ENV)
    return path if path and os.path.isdir(os.path.dirname(path)) else None


def prestart() -> None:
    """Start the session's server now, in the background, so its imports overlap the build's other work."""
    if _session is not None and not running():
        _session.enter_context(server(wait=False))


def ensure() -> contextlib.AbstractContextManager:
    """A context in which a server is running: one already running, the session's (started now if need be)
    or one of its own."""
    if running():
        return contextlib.nullcontext()
    if _session is not None:
        _session.enter_context(server())
        return contextlib.nullcontext()
    return server()


def hold(parent: int) -> None:
    """A server for several builds (the workflow's, workflow/Snakefile): start one, print its socket on one line
    (an empty line if it did not start), and keep it until standard input closes or `parent` ends."""
    from skills_evidence.pipeline import lifetime

    lifetime.die_with_parent(parent)
    lifetime.terminate_cleanly()  # a terminate signal still stops the server and removes its folder
    try:
        with server() as path:
            print(path, flush=True)
            sys.stdin.read()
    except RuntimeError as exc:
        print("", flush=True)
        print(exc, file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif sys.argv[1:2] == ["launch"]:
        sys.exit(launch(sys.argv[2], sys.argv[3]))
    elif sys.argv[1:2] == ["hold"]:
        hold(int(sys.argv[2]))
    else:
        sys.exit(
            "usage: python -m skills_evidence.pipeline.warmkernel serve SOCKET [BUILD] | launch SOCKET CONNECTION_FILE"
            " | hold PARENT"
        )

"""The kernel manager papermill runs the chapter notebooks with: Unix sockets in a private folder, and a
kernel forked from the build's warm server when one is running (pipeline.warmkernel). Apart from
pipeline.execute so that a build in which no notebook runs does not import jupyter_client."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from jupyter_client import AsyncKernelManager

from skills_evidence import tempfolders
from skills_evidence.pipeline import warmkernel

#: The environment variable naming the folder a run of notebooks keeps its kernels' folders in (their sockets and
#: connection files; pipeline.execute sets it, and removes the folder when the run ends, so a notebook worker
#: stopped before it could clean up leaves nothing in the system's temporary folder).
SOCKETS_ENV = "SKILLS_EVIDENCE_KERNEL_SOCKETS"
#: The longest path a Unix socket may have on Linux (sun_path holds 108 bytes, the last one a NUL).
SOCKET_PATH_LIMIT = 107


class IPCKernelManager(AsyncKernelManager):
    """Starts kernels that talk over Unix sockets in a private folder rather than TCP ports: no
    "unencrypted TCP" warning, and no port collisions when notebooks start in parallel."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        run = os.environ.get(SOCKETS_ENV)
        # Names are short: a socket's whole path must fit in the 107 characters Linux allows.
        self._socket_dir = tempfile.mkdtemp(prefix="k", dir=run) if run else str(tempfolders.new("kernel"))
        self.ip = os.path.join(self._socket_dir, "k")
        if len(self.ip) + len("-9") > SOCKET_PATH_LIMIT:  # a kernel's five sockets are <ip>-1 to <ip>-5
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            # Said here: ZeroMQ would only log that the name is too long, and the kernel would never start.
            raise RuntimeError(
                f"the kernel's socket path {self.ip}-N is longer than the {SOCKET_PATH_LIMIT} characters a Unix "
                f"socket allows: set TMPDIR to a shorter folder (it is {tempfile.gettempdir()})"
            )
        # The connection file (the kernel's key) beside its sockets, not in the system's temporary folder.
        self.connection_file = os.path.join(self._socket_dir, "connection.json")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        # The kernel process's own stderr carries only start-up and shutdown chatter ("KeyboardInterrupt
        # caught in kernel" when it is stopped); a notebook's errors reach papermill through the kernel's
        # messages, so the build's output stays readable without it.
        kw.setdefault("stderr", subprocess.DEVNULL)
        # With a warm kernel server running for this build, the kernel is forked from it (warmkernel).
        await super()._async_launch_kernel(warmkernel.launch_command(self.connection_file) or kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

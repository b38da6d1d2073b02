"""The kernel manager papermill runs the chapter notebooks with: Unix sockets in a private folder, and a
kernel forked from the build's warm server when one is running (pipeline.warmkernel). Apart from
pipeline.execute so that a build in which no notebook runs does not import jupyter_client."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from jupyter_client import AsyncKernelManager

from skills_evidence.pipeline import warmkernel

#: The environment variable naming the folder a run of notebooks keeps its kernels' folders in (their sockets and
#: connection files; pipeline.execute sets it, and removes the folder when the run ends, so a notebook worker
#: stopped before it could clean up leaves nothing in the system's temporary folder).
SOCKETS_ENV = "SKILLS_EVIDENCE_KERNEL_SOCKETS"


class IPCKernelManager(AsyncKernelManager):
    """Starts kernels that talk over Unix sockets in a private folder rather than TCP ports: no
    "unencrypted TCP" warning, and no port collisions when notebooks start in parallel."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.transport = "ipc"
        run = os.environ.get(SOCKETS_ENV)
        # Inside a run's folder the name is short: a socket's whole path must fit in about 100 characters.
        self._socket_dir = tempfile.mkdtemp(prefix="k" if run else "skills-evidence-kernel-", dir=run or None)
        self.ip = os.path.join(self._socket_dir, "kernel")
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

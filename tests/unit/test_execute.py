"""Notebooks run through papermill with kernels on Unix sockets (issue 15): no "unencrypted TCP"
warning, no port to collide on when several start at once, and no socket left behind."""

from __future__ import annotations

import glob
import shutil
import tempfile
from pathlib import Path

import nbformat
import papermill as pm

from skills_evidence.pipeline.execute import IPCKernelManager


def test_a_kernel_runs_over_ipc_quietly_and_cleans_up(tmp_path: Path, capfd):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    before = set(glob.glob(f"{tempfile.gettempdir()}/skills-evidence-kernel-*"))
    pm.execute_notebook(
        str(tmp_path / "in.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        kernel_manager_class=IPCKernelManager,
    )
    assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "42\n"
    assert "without encryption" not in capfd.readouterr().err
    assert set(glob.glob(f"{tempfile.gettempdir()}/skills-evidence-kernel-*")) == before


def test_the_manager_uses_ipc_transport_in_a_private_folder():
    first, second = IPCKernelManager(kernel_name="python3"), IPCKernelManager(kernel_name="python3")
    assert first.transport == second.transport == "ipc"
    try:
        assert Path(first.ip).parent != Path(second.ip).parent  # parallel kernels never share a socket name
    finally:
        for manager in (first, second):
            shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)

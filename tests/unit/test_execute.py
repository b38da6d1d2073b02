"""Notebooks run through papermill with kernels on Unix sockets (issue 15): no "unencrypted TCP"
warning, no port to collide on when several start at once, and no socket left behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from skills_evidence.pipeline import warmkernel
from skills_evidence.pipeline.kernels import SOCKETS_ENV, IPCKernelManager


def execute(notebook: Path, target: Path) -> None:
    """Run a notebook as the build does: papermill, a kernel on Unix sockets (warm when a server runs)."""
    pm.execute_notebook(
        str(notebook), str(target), kernel_name="python3", progress_bar=False, kernel_manager_class=IPCKernelManager
    )


def test_a_kernel_runs_over_ipc_quietly_and_cleans_up(tmp_path: Path, capfd, monkeypatch):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    # The manager's socket folder goes into a temporary folder of this test's own, so a build running beside
    # the tests (with folders of its own coming and going) cannot make it pass or fail. It is short, not in
    # pytest's tmp_path: a socket's whole path must fit in 107 characters, and pytest's paths grow with its runs.
    private, made, mkdtemp = Path(tempfile.mkdtemp(prefix="se-test-")), [], tempfile.mkdtemp
    try:
        monkeypatch.setattr(tempfile, "tempdir", str(private))
        monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(mkdtemp(*a, **k)) or made[-1])
        execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb")
        assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "42\n"
        assert "without encryption" not in capfd.readouterr().err
        sockets = [Path(folder) for folder in made if Path(folder).name.startswith("skills-evidence-kernel-")]
        assert sockets and all(folder.parent == private and not folder.exists() for folder in sockets)
    finally:
        monkeypatch.undo()  # the system's temporary folder back before this one goes
        shutil.rmtree(private, ignore_errors=True)


def test_the_manager_uses_ipc_transport_in_a_private_folder():
    first, second = IPCKernelManager(kernel_name="python3"), IPCKernelManager(kernel_name="python3")
    assert first.transport == second.transport == "ipc"
    try:
        assert Path(first.ip).parent != Path(second.ip).parent  # parallel kernels never share a socket name
    finally:
        for manager in (first, second):
            shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)


def test_a_temporary_folder_too_deep_for_a_socket_is_refused_by_name_not_left_to_hang(tmp_path: Path, monkeypatch):
    # ZeroMQ only logs "File name too long" for a socket path beyond Linux's 107 characters, and papermill then
    # waits for a kernel that never starts (seen when the socket folders gained their maker's process id).
    deep = tmp_path / ("t" * 60) / ("m" * 30)
    deep.mkdir(parents=True)
    monkeypatch.delenv(SOCKETS_ENV, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with pytest.raises(RuntimeError, match=re.escape(f"set TMPDIR to a shorter folder (it is {deep})")):
        IPCKernelManager(kernel_name="python3")
    assert list(deep.iterdir()) == []


@pytest.mark.parametrize("spare", [0, 1])
def test_the_socket_path_limit_is_linuxs_107_characters_exactly(tmp_path: Path, monkeypatch, spare: int):
    # sun_path holds 108 bytes with the closing NUL (unix(7)); jupyter_client names a fresh kernel's five sockets
    # <ip>-1 to <ip>-5. A kernel whose socket paths come to exactly 107 characters runs; one more is refused.
    name = f"skills-evidence-kernel-{os.getpid()}-12345678/k-5"  # tempfile's random part is 8 characters
    base = Path(tempfile.mkdtemp(prefix="se-"))
    try:
        room = 107 + spare - len(str(base)) - 1 - len(name) - 1
        temporary = base / ("d" * room)
        temporary.mkdir()
        assert len(f"{temporary}/{name}") == 107 + spare
        monkeypatch.delenv(SOCKETS_ENV, raising=False)
        monkeypatch.setattr(tempfile, "tempdir", str(temporary))
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
        nbformat.write(notebook, tmp_path / "in.ipynb")
        if spare:
            with pytest.raises(RuntimeError, match="longer than the 107 characters"):
                execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb")
        else:
            execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb")
            assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "42\n"
    finally:
        monkeypatch.undo()
        shutil.rmtree(base, ignore_errors=True)


def run_warm(notebooks: list[Path], tmp_path: Path, servers: list[Path] | None = None) -> list[nbformat.NotebookNode]:
    """Execute notebooks one after another with kernels forked from one warm server (its folder added to
    `servers`)."""
    out = []
    with warmkernel.server() as socket:
        (servers if servers is not None else []).append(Path(socket).parent)
        for i, path in enumerate(notebooks):
            target = tmp_path / f"warm-{i}.ipynb"
            execute(path, target)
            out.append(nbformat.read(target, as_version=4))
    return out


def test_warm_kernels_are_fresh_for_every_notebook_and_leave_nothing_behind(tmp_path: Path):
    # Issue 14: one fresh forked kernel per notebook, so nothing one notebook sets is seen by the next.
    first, second = nbformat.v4.new_notebook(), nbformat.v4.new_notebook()
    first.cells = [nbformat.v4.new_code_cell("import json, os\nleaked = 1\njson.leaked = 1\nprint(os.getpid())")]
    second.cells = [
        nbformat.v4.new_code_cell(
            "import json, sys, os\nprint('leaked' in globals(), hasattr(json, 'leaked'), 'pandas' in sys.modules)"
        )
    ]
    nbformat.write(first, tmp_path / "first.ipynb")
    nbformat.write(second, tmp_path / "second.ipynb")
    servers: list[Path] = []
    ran = run_warm([tmp_path / "first.ipynb", tmp_path / "second.ipynb"], tmp_path, servers)
    # pandas is already imported in the second kernel: it came warm from the server, not from the notebook.
    assert ran[1].cells[0].outputs[0]["text"] == "False False True\n"
    assert warmkernel.SOCKET_ENV not in os.environ
    # Its server's folder (socket) is gone; only its own: a build running beside the tests has one of its own.
    assert servers and not any(folder.exists() for folder in servers)


def test_a_warm_kernel_gives_the_same_outputs_as_a_cold_one(tmp_path: Path):
    # A table, a matplotlib figure through the inline backend and an error-free stream: byte for byte.
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'a': [1.5, 2.25]})"),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([1, 2], [3, 1])\nplt.show()"
        ),
        nbformat.v4.new_code_cell("print('done')"),
    ]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    execute(tmp_path / "in.ipynb", tmp_path / "cold.ipynb")
    cold = nbformat.read(tmp_path / "cold.ipynb", as_version=4)
    warm = run_warm([tmp_path / "in.ipynb"], tmp_path)[0]
    assert [c.outputs for c in warm.cells] == [c.outputs for c in cold.cells]
    assert "image/png" in warm.cells[1].outputs[0]["data"]


def test_the_launcher_passes_a_kernel_that_fails_to_start_back_as_an_error(tmp_path: Path):
    # A connection file the kernel cannot read: the stand-in process exits 1, as `ipykernel_launcher` would.
    bad = tmp_path / "kernel.json"
    bad.write_text("not json", encoding="utf-8")
    with warmkernel.server() as path:
        assert warmkernel.launch(path, str(bad)) == 1


def test_a_server_named_by_another_machine_is_not_used_and_the_build_starts_its_own(tmp_path: Path, monkeypatch):
    # The workflow names its one server in the environment; a job on another machine inherits the name but not
    # the folder. Its notebook must still run, on a server of its own.
    monkeypatch.setenv(warmkernel.SOCKET_ENV, str(tmp_path / "gone" / "kernels.sock"))
    assert warmkernel.running() is None and warmkernel.launch_command("kernel.json") is None
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import sys\nprint('pandas' in sys.modules)")]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    with warmkernel.session(), warmkernel.ensure():
        own = warmkernel.running()
        assert own and "gone" not in own
        execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb")
    assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "True\n"  # warm
    assert os.environ[warmkernel.SOCKET_ENV] == str(tmp_path / "gone" / "kernels.sock")  # restored, unused


def test_a_server_started_for_several_builds_is_used_rather_than_a_new_one(tmp_path: Path):
    # The workflow's case: a server already running when a build's session starts serves that build's kernels.
    with warmkernel.server() as outside, warmkernel.session():
        warmkernel.prestart()
        with warmkernel.ensure():
            assert warmkernel.running() == outside
            assert warmkernel.launch_command("kernel.json")[-2] == outside


def test_warm_kernels_keep_no_input_history(tmp_path: Path):
    # Kernels running at once would otherwise all write each cell into the one SQLite file of the user's
    # IPython profile, waiting on its lock; papermill never reads that history. Execution counts still run on.
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("1"),
        nbformat.v4.new_code_cell("get_ipython().history_manager.enabled"),
    ]
    nbformat.write(notebook, tmp_path / "in.ipynb")
    ran = run_warm([tmp_path / "in.ipynb"], tmp_path)[0]
    assert ran.cells[1].outputs[0]["data"]["text/plain"] == "False"
    assert [cell.execution_count for cell in ran.cells] == [1, 2]


def test_a_held_server_serves_until_its_input_closes_then_leaves_nothing(tmp_path: Path, monkeypatch):
    # How the workflow keeps one server for a whole run (workflow/Snakefile, onstart): the helper prints the
    # socket once the server is ready, a notebook's kernel is forked from it, and closing its input stops it.
    helper = subprocess.Popen(
        [sys.executable, "-m", "skills_evidence.pipeline.warmkernel", "hold", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        path = helper.stdout.readline().strip()
        assert path and Path(path).is_socket()
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("import sys\nprint('pandas' in sys.modules)")]
        nbformat.write(notebook, tmp_path / "in.ipynb")
        with monkeypatch.context() as patch:
            patch.setenv(warmkernel.SOCKET_ENV, path)
            execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb")
        assert nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs[0]["text"] == "True\n"  # warm
        helper.stdin.close()
        assert helper.wait(timeout=30) == 0
        assert not Path(path).parent.exists()
    finally:
        helper.kill()


def test_a_run_stopped_mid_notebook_leaves_no_socket_folder_behind(tmp_path: Path, monkeypatch):
    # A build stopped while notebooks run (an interrupt, a failure elsewhere) terminates its notebook workers,
    # which never reach their kernel manager's clean-up: each left its socket folder and its connection file
    # (the kernel's key) in the system's temporary folder, 144 and 82 of them on this machine after two days of
    # test runs. Both now live in one folder per run, removed however the run ends.
    from skills_evidence.pipeline import execute as execute_mod

    # A short private temporary folder (a socket's path must fit in about 100 characters; pytest's are long),
    # inherited by the forked notebook workers.
    private = Path(tempfile.mkdtemp(prefix="se-test-"))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    jobs = []
    begin = "import os\nos.makedirs(output_dir)\n"  # papermill puts output_dir in, as for a chapter
    for name, source in (("quick", begin), ("slow", begin + "import time\ntime.sleep(60)")):
        notebook = tmp_path / f"{name}.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        nbformat.write(nb, notebook)
        jobs.append(
            execute_mod.Job(
                chapter_id=name,
                notebook=notebook,
                parameters={},
                inputs=[],
                outputs=tmp_path / "outputs" / name,
                executed=tmp_path / "notebooks" / f"{name}.ipynb",
                record=tmp_path / "cache" / f"{name}.json",
            )
        )

    def stop(job):  # the quick notebook is done while the slow one runs: stop the run, as an interrupt would
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            execute_mod.run(jobs, tmp_path, workers=2, on_done=stop, warm=False)
        assert sorted(p.name for p in private.iterdir()) == []
    finally:
        shutil.rmtree(private, ignore_errors=True)

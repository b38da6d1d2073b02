"""A build killed outright (SIGKILL, an out-of-memory kill) cannot remove its temporary folders; the next
one made removes them, and never a folder whose maker still runs (skills_evidence.tempfolders).
tests/e2e/test_hostile_build.py kills a real build and checks that its folders go with the next build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skills_evidence import tempfolders


def _ended_process() -> int:
    """The id of a process that has run and ended (its id is free again)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_folder_left_by_an_ended_process_goes_when_the_next_is_made(tmp_path: Path):
    left = tmp_path / f"skills-evidence-kernels-{_ended_process()}-abc123"
    (left / "k1").mkdir(parents=True)
    (left / "k1" / "connection.json").write_text("{}")
    made = tempfolders.new("warm", where=tmp_path)
    assert not left.exists()
    assert made.is_dir() and made.name.startswith(f"skills-evidence-warm-{os.getpid()}-")


def test_folders_of_running_processes_and_others_are_kept(tmp_path: Path):
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        kept = [
            tmp_path / f"skills-evidence-verify-{os.getpid()}-x1",  # this process
            tmp_path / f"skills-evidence-kernels-{running.pid}-x2",  # another build still running
            tmp_path / "skills-evidence-kernels-x3",  # named before process ids were (nothing to go by)
            tmp_path / f"other-tool-kernels-{_ended_process()}-x4",  # not this project's
        ]
        for folder in kept:
            folder.mkdir()
        a_file = tmp_path / f"skills-evidence-scrutiny-{_ended_process()}-x5"
        a_file.write_text("a file, not a folder this project made")
        assert tempfolders.sweep(tmp_path) == []
        assert all(folder.is_dir() for folder in kept) and a_file.exists()
    finally:
        running.kill()
        running.wait()


def test_a_temporary_folder_is_removed_however_its_block_ends(tmp_path: Path):
    with tempfolders.temporary("scrutiny", where=tmp_path) as folder:
        (folder / "summary.typ").write_text("#set page(width: 10cm)")
    assert not folder.exists()
    with pytest.raises(RuntimeError), tempfolders.temporary("verify", where=tmp_path) as failed:
        raise RuntimeError("the rebuild failed")
    assert not failed.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_kind_cannot_reach_outside_the_name(tmp_path: Path):
    with pytest.raises(ValueError, match="one lower-case word"):
        tempfolders.new("../kernels", where=tmp_path)

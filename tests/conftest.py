"""Shared fixtures: where the real official files are, and a scratch copy of the project for builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skills_evidence.paths import project_root, shared_dir

ROOT = project_root()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/real-data, or skip: these tests read the real official downloads kept outside the repo."""
    path = shared_dir() / "real-data"
    if not path.is_dir():
        pytest.skip(f"real official files not present at {path} (they live in ../shared, outside the repository)")
    return path


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs (not build/, _book/, .venv/, .git/) for builds that must not touch the real tree."""
    ignore = shutil.ignore_patterns("build", "_book", ".venv", ".git", "__pycache__", ".pytest_cache", "*.egg-info")
    for name in ("data", "notebooks", "chapters", "assets"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("_quarto.yml", "index.qmd", "pyproject.toml"):
        shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture()
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project the library treats as its root for the duration of one test."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    return root

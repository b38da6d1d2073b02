"""Scratch copies of the project's inputs, for tests and benchmarks that must not touch the real tree."""

from __future__ import annotations

import shutil
from pathlib import Path

from skills_evidence.paths import project_root
from skills_evidence.publishing.staging import VEGA_FILES, VEGA_MODULES

INPUT_FOLDERS = ("data", "notebooks", "chapters", "assets")
# The axe-core lock: the About page names the version the accessibility tests run.
INPUT_FILES = ("_quarto.yml", "index.qmd", "pyproject.toml", "tools/axe/package-lock.json")


def copy_project(target: Path, source: Path | None = None) -> Path:
    """Copy what a build reads (not build/, _book/, .venv/ or .git/) into `target`; returns `target`."""
    source = source or project_root()
    ignore = shutil.ignore_patterns("build", "_book", ".venv", ".git", "__pycache__", "*.egg-info")
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUT_FOLDERS:
        if (source / name).exists():
            shutil.copytree(source / name, target / name, ignore=ignore)
    for name in INPUT_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    # The interactive charts' scripts where `make vega` installed them (a build copies them into each edition).
    for script in VEGA_FILES.values():
        if (source / VEGA_MODULES / script).is_file():
            (target / VEGA_MODULES / script).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / VEGA_MODULES / script, target / VEGA_MODULES / script)
    return target

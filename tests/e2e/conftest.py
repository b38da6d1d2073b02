"""One scratch project with the 2022-2024 editions built once per test session (fallback renderer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skills_evidence.build import build_edition
from skills_evidence.workspace import copy_project

EDITIONS = (2022, 2023, 2024)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory):
    """(project root, {year: BuildReport}) with the editions built in a scratch copy of the project."""
    root = copy_project(tmp_path_factory.mktemp("site") / "project")
    old = os.environ.get("SKILLS_EVIDENCE_ROOT")
    os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
    try:
        reports = {year: build_edition(year, renderer="fallback") for year in EDITIONS}
        yield root, reports
    finally:
        if old is None:
            os.environ.pop("SKILLS_EVIDENCE_ROOT", None)
        else:
            os.environ["SKILLS_EVIDENCE_ROOT"] = old

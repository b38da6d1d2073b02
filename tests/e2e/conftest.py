"""Built books shared by the end-to-end tests: the 2022-2024 editions rendered by the renderer of record
(Quarto, when it is installed or ../shared/quarto can install it), and the 2022 edition rendered by the
Pandoc/Typst fallback in a second scratch project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skills_evidence.paths import shared_dir
from skills_evidence.pipeline.build import build_edition
from skills_evidence.pipeline.workspace import copy_project
from skills_evidence.publishing.render import quarto

EDITIONS = (2022, 2023, 2024)


def _built(root: Path, years: tuple[int, ...], renderer: str):
    """Build `years` in the scratch project `root`. The root is set only while building: a test that
    builds again sets it itself (monkeypatch), so two session fixtures never point at each other."""
    old = os.environ.get("SKILLS_EVIDENCE_ROOT")
    os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
    try:
        reports = {year: build_edition(year, renderer=renderer) for year in years}
    finally:
        if old is None:
            os.environ.pop("SKILLS_EVIDENCE_ROOT", None)
        else:
            os.environ["SKILLS_EVIDENCE_ROOT"] = old
    return root, reports


@pytest.fixture(scope="session")
def quarto_expected() -> bool:
    """Whether this machine should render with Quarto: it is installed, or the shared kit can install it."""
    return quarto.available() or (shared_dir() / "quarto" / "install.sh").exists()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, quarto_expected: bool):
    """(project root, {year: BuildReport}): the editions built in a scratch copy, rendered as `make book` does."""
    if quarto_expected and not quarto.available():
        pytest.fail("../shared/quarto/install.sh exists but Quarto is not installed: run the tests with `make test`")
    root = copy_project(tmp_path_factory.mktemp("site") / "project")
    return _built(root, EDITIONS, "auto")


@pytest.fixture(scope="session")
def fallback_site(tmp_path_factory: pytest.TempPathFactory):
    """(project root, {2022: BuildReport}): the 2022 edition rendered by the Pandoc/Typst fallback."""
    root = copy_project(tmp_path_factory.mktemp("fallback") / "project")
    return _built(root, (2022,), "fallback")

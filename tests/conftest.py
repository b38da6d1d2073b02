"""Shared fixtures: where the real official files are, and a scratch copy of the project for builds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skills_evidence.paths import shared_dir
from skills_evidence.pipeline.workspace import copy_project

# Fix where the real files are before any test points the project root at a scratch copy.
os.environ.setdefault("SKILLS_EVIDENCE_SHARED", str(shared_dir()))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/real-data, or skip: these tests read the real official downloads kept outside the repo."""
    path = shared_dir() / "real-data"
    if not path.is_dir():
        pytest.skip(f"real official files not present at {path} (they live in ../shared, outside the repository)")
    return path


@pytest.fixture()
def ks2_neighbours_row() -> dict:
    """One published indicator row: Coventry's statistical neighbours' average for KS2 reading, writing and
    maths, 61.2% in 2024/25 (DfE), which the monitoring page and the attainment chapter both publish."""
    return {
        "indicator_id": "ks2_rwm_expected",
        "breakdown": "",
        "geography_code": "dfe_sn_2025",
        "geography_name": "Coventry's statistical neighbours (average)",
        "period": "2024/25",
        "value": 61.2,
        "source_id": "ons_ks2_rwm",
        "status": "",
    }


@pytest.fixture()
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project the library treats as its root for the duration of one test."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    return root


@pytest.fixture()
def project_as_of_2025(project_copy: Path) -> Path:
    """The scratch project as it stood before `new-edition 2026` (the 2025 edition current): for the tests
    that rehearse making the next edition. The 2026 entry the repository holds is kept in `.draft_2026`."""
    path = project_copy / "data/editions.yaml"
    text = path.read_text(encoding="utf-8")
    cut = text.index("  - year: 2026")
    path.write_text(text[:cut].replace("current: 2026", "current: 2025"), encoding="utf-8")
    (project_copy / ".draft_2026").write_text(text[cut:], encoding="utf-8")
    return project_copy


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Lines counting the damaged inputs tried and how many were refused clearly (issue 15), and the
    hostile inputs tried and how many were refused or neutralised (issue 24)."""
    stats = terminalreporter.stats
    calls = [r for key in ("passed", "failed") for r in stats.get(key, []) if r.when == "call"]
    for marker, outcome in (
        ("bad_input", "refused clearly naming file, row and column"),
        ("hostile", "refused or neutralised"),
    ):
        tried = [r for r in calls if marker in r.keywords]
        if tried:
            label = marker.replace("_", " ") + ("s" if marker == "bad_input" else " inputs")
            terminalreporter.write_line(f"{label}: {len(tried)} tried, {sum(r.passed for r in tried)} {outcome}")

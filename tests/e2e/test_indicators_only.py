"""Issue 27: another area's previous edition, read only by its "What changed" chapter, is computed without
its notebooks' charts and tables (pipeline.indicators_only). Every file that path writes must be byte for
byte the chapter notebook's, for every analysis chapter: the six of Coventry's current edition, and the
three of an area's previous edition as the area's build runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence import editions
from skills_evidence.paths import project_root
from skills_evidence.pipeline import areas, build, execute, indicators_only

pytestmark = pytest.mark.e2e


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its path inside it."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("area", "which", "chapter_ids"),
    [
        (
            None,
            "current",
            {"progress", "skills_levels", "attainment", "graduate_retention", "skills_survey", "reconciliation"},
        ),
        ("E06000001", "previous", {"progress", "skills_levels", "attainment"}),  # Hartlepool
    ],
)
def test_a_chapters_figures_without_its_notebook_are_the_notebooks_own(
    tmp_path: Path, area: str | None, which: str, chapter_ids: set[str]
):
    chapters, defined, current, _ = areas.load(area)
    year = current if which == "current" else editions.previous(current, defined)
    notebooks = build.analysis_jobs(defined[year], chapters, project_root(), tmp_path / "notebooks")
    alone = [indicators_only.job(job) for job in notebooks]
    for job in alone:  # their own folder, so neither run reads the other's files
        job.outputs = tmp_path / "alone" / job.chapter_id
        job.executed, job.record = tmp_path / "alone" / job.executed.name, tmp_path / "alone" / job.record.name
    execute.run(notebooks + alone, project_root())
    assert {job.chapter_id for job in alone} == chapter_ids
    for notebook, job in zip(notebooks, alone, strict=True):
        written = files(job.outputs)
        assert "indicators.csv" in written, f"{job.chapter_id}: no indicators.csv"
        drawn = files(notebook.outputs)
        assert written == {name: drawn.get(name) for name in written}, f"{job.chapter_id}: a file differs"

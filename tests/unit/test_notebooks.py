"""Chapter notebooks read as analysis: headed steps, only the parameters they use, keyword arguments, no stored outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from skills_evidence import editions
from skills_evidence.paths import project_root
from skills_evidence.pipeline import build

ROOT = project_root()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STEPS = ["## Parameters", "## Reading the inputs", "## Computation", "## Tables and figures", "## Checks"]
COMPARISON_STEPS = ["## Parameters", "## Reading the inputs and comparing", "## Tables and figures", "## Checks"]


def headings(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_steps_are_headed_in_order_and_checks_come_last(path: Path):
    nb = nbformat.read(path, as_version=4)
    expected = COMPARISON_STEPS if path.stem == "what_changed" else STEPS
    assert headings(nb) == expected
    last_heading = max(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown")
    assert nb.cells[last_heading].source.startswith("## Checks") and nb.cells[-1].cell_type == "code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_used_and_library_calls_take_keywords(path: Path):
    nb = nbformat.read(path, as_version=4)
    (parameters,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    names = re.findall(r"^(\w+) =", parameters.source, flags=re.M)
    body = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and c is not parameters)
    assert [n for n in names if not re.search(rf"\b{n}\b", body)] == []
    calls = re.findall(r"(?:chapter|changes)\.(?:compute|run)\(([^)]*)\)", body, flags=re.S)
    assert calls and all(re.search(r"\w+=", call) for call in calls)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs(path: Path):
    # nbstripout (pre-commit) keeps notebooks/ free of outputs; tests/regression/ keeps them for nbval.
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


def test_a_chapter_parameter_the_notebook_does_not_declare_is_refused(project_copy: Path):
    path = project_copy / "data/editions.yaml"
    path.write_text(
        path.read_text().replace(
            'skills_levels: {period: "2024", trend_end: "2024"}', 'skills_levels: {period: "2024", trend_ends: "2024"}'
        )
    )
    chapters, defined, _ = editions.load()
    with pytest.raises(ValueError, match="trend_ends"):
        build.analysis_jobs(defined[2025], chapters, project_copy, project_copy / "build" / "2025")


def test_a_notebook_gets_only_the_edition_parameters_it_declares():
    chapters, defined, _ = editions.load()
    jobs = {j.chapter_id: j for j in build.analysis_jobs(defined[2025], chapters, ROOT, ROOT / "build" / "2025")}
    assert "comparators" in jobs["skills_levels"].parameters and "comparators" not in jobs["attainment"].parameters
    assert "vintages" not in jobs["skills_survey"].parameters


def test_every_area_of_an_edition_shares_one_folder_and_a_changed_input_moves_it(project_copy: Path):
    """Issue 27: the monitoring notebook's shared work is keyed over everything but the area, so Leicester's
    build finds what Coventry's computed, and a changed input (or period) can never be served a stale copy."""
    from skills_evidence.pipeline import areas

    def folder(area: str | None, root: Path) -> str:
        chapters, defined, current, _ = areas.load(area)
        jobs = {j.chapter_id: j for j in build.analysis_jobs(defined[current], chapters, root, root / "build" / "x")}
        return jobs["progress"].parameters["shared_dir"]

    coventry, leicester = folder(None, project_copy), folder("E06000016", project_copy)
    assert coventry == leicester and coventry.startswith("build/shared/progress/2026/")
    catalogue = project_copy / "data" / "indicators.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n# a changed input\n", encoding="utf-8")
    assert folder(None, project_copy) != coventry

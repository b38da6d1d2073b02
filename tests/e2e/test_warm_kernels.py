"""Issue 14: notebooks run warm (kernels forked from a server that imported the libraries once) come out
the same as notebooks run in kernels of their own: every chapter notebook of the current edition, every
cell's outputs, figures included."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from skills_evidence import editions
from skills_evidence.paths import project_root
from skills_evidence.pipeline import build, execute

pytestmark = pytest.mark.e2e


def outputs(path: Path, scratch: Path) -> list:
    """Each code cell's source and outputs, the run's own folder named alike (it is in the parameters)."""
    notebook = nbformat.read(path, as_version=4)
    text = nbformat.writes(notebook).replace(str(scratch), "<scratch>")
    return [(c.source, c.get("outputs", [])) for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code"]


def test_every_chapter_notebook_is_the_same_run_warm_as_run_cold(tmp_path: Path):
    chapters, defined, current = editions.load()
    runs = {}
    for warm in (False, True):
        scratch = tmp_path / ("warm" if warm else "cold")
        jobs = build.analysis_jobs(defined[current], chapters, project_root(), scratch)
        execute.run(jobs, project_root(), warm=warm)
        runs[warm] = {job.chapter_id: outputs(job.executed, scratch) for job in jobs}
    assert set(runs[True]) == {
        "progress",
        "skills_levels",
        "attainment",
        "graduate_retention",
        "skills_survey",
        "reconciliation",
    }
    for chapter_id, cells in runs[False].items():
        assert runs[True][chapter_id] == cells, f"{chapter_id}: a warm kernel gave different outputs"

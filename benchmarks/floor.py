"""The floor for building the current edition's notebooks: the libraries imported once, then every notebook
the cold build runs (the edition's and the previous edition's analysis chapters, then "what changed")
executed cell by cell in this one process. No kernel, no papermill: what no runner can beat.

Run by build_benchmark.py in a fresh interpreter inside a scratch project (SKILLS_EVIDENCE_ROOT set);
prints {"imports": seconds, "computing": seconds} as JSON.
"""

from __future__ import annotations

import json
import time

start = time.perf_counter()
import matplotlib  # noqa: E402 - timing the imports is the point

matplotlib.use("Agg")
from papermill.iorw import load_notebook_node  # noqa: E402
from papermill.parameterize import parameterize_notebook  # noqa: E402

from skills_evidence import editions  # noqa: E402
from skills_evidence.chapters import (  # noqa: E402, F401 - what the notebooks import
    attainment,
    graduate_retention,
    progress,
    reconciliation,
    skills_levels,
    skills_survey,
    tables,
    what_changed,
)
from skills_evidence.paths import project_root  # noqa: E402
from skills_evidence.pipeline import build  # noqa: E402

imports = time.perf_counter() - start


def execute(job) -> None:
    """Run one notebook's code cells, parameters injected as papermill would, in a fresh namespace."""
    notebook = parameterize_notebook(
        load_notebook_node(str(job.notebook)), dict(job.parameters, output_dir=str(job.outputs))
    )
    namespace: dict = {"__name__": "__main__"}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(job.notebook), "exec"), namespace)  # noqa: S102 - our own notebooks


start = time.perf_counter()
root = project_root()
chapters, defined, current = editions.load()
previous = editions.previous(current, defined)
years = [current] + ([previous] if previous else [])
builds = {y: root / "build" / str(y) for y in years}
for year in years:
    for job in build.analysis_jobs(defined[year], chapters, root, builds[year]):
        execute(job)
build.publish_indicators(years, defined, chapters, builds, lambda message: None)
for job in build.comparison_jobs(defined[current], chapters, root, builds[current], previous):
    execute(job)
print(json.dumps({"imports": imports, "computing": time.perf_counter() - start}))

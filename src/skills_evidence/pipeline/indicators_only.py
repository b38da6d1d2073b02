"""A chapter's published figures without its notebook's pages: the calls its notebook makes to read the inputs,
compute the figures and write the output files, and nothing else (no charts, no tables for the page).

Another area's previous edition is built only so that its "What changed" chapter can compare figures: its
book is not rendered, so drawing its charts would be wasted (about 4 s of a core an area, README
Performance). The build runs INDICATORS_ONLY, a two-cell notebook, in a warm kernel instead of the
chapter's own notebook; a test (tests/e2e/test_indicators_only.py) keeps every file it writes byte for byte
the notebook's. Building that edition's book later runs the chapter notebooks as usual: their cache key is
not this notebook's.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from pathlib import Path

from skills_evidence.pipeline import execute

#: The notebook the build runs in a chapter notebook's place; its parameters are `chapter` (the chapter's id,
#: which is its module's name in skills_evidence.chapters), `parameters` (the chapter notebook's own) and
#: `output_dir`.
INDICATORS_ONLY = Path(__file__).with_name("indicators_only.ipynb")


def _accepted(function, offered: dict) -> dict:
    """The keyword arguments among `offered` that `function` takes by name after its first (the data or the
    result, passed by position), as the chapter notebooks pass them."""
    names = list(inspect.signature(function).parameters)[1:]
    return {name: value for name, value in offered.items() if name in names}


def run(chapter: str, parameters: dict, output_dir: str | Path) -> dict[str, Path]:
    """Read the chapter's pinned datasets, compute its figures for the area and write its output files into
    `output_dir`, as its notebook does with the same parameters; returns the files written."""
    module = importlib.import_module(f"skills_evidence.chapters.{chapter}")
    datasets, vintages = parameters["datasets"], parameters.get("vintages")
    data = module.read_inputs(datasets, **_accepted(module.read_inputs, {"vintages": vintages}))
    result = module.compute(data, **_accepted(module.compute, parameters))
    return module.write_outputs(result, Path(output_dir), **_accepted(module.write_outputs, {"vintages": vintages}))


def job(notebook_job: execute.Job) -> execute.Job:
    """The same chapter, edition and outputs as `notebook_job`, made by INDICATORS_ONLY: its own executed copy
    and cache key, the same inputs and cache record (so either run's record tells the other it is stale)."""
    return dataclasses.replace(
        notebook_job,
        notebook=INDICATORS_ONLY,
        parameters={"chapter": notebook_job.chapter_id, "parameters": notebook_job.parameters},
        executed=notebook_job.executed.with_name(f"{notebook_job.chapter_id}.indicators-only.ipynb"),
        key="",
        status="pending",
    )

"""Every English local authority's monitoring measures for one edition, in one file.

`skills-evidence indicators --all-areas` writes the table chapters.all_areas computes (the one behind the
monitoring page's maps and distribution chart) to build/<year>/all_areas/indicators.csv; the workflow over
every area runs it first, so the work every area's book shares is done once (build/shared/).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence import csvfiles
from skills_evidence import editions as editions_mod
from skills_evidence.chapters import all_areas, progress, where_area_sits
from skills_evidence.paths import project_root
from skills_evidence.pipeline import build


def table(year: int | None = None) -> pd.DataFrame:
    """Every monitoring measure for every English authority, at the periods edition `year` uses. For an
    edition with the maps, read from (or first written to) the folder every area's monitoring notebook shares
    (chapters.where_area_sits), so running this before a workflow over the areas computes it once."""
    chapters, defined, current = editions_mod.load()
    year = year or current
    latest = defined[year].chapter_parameters["progress"]["latest"]
    paths, vintages = editions_mod.inputs("progress", year)
    inputs = progress.read_inputs(paths, vintages)
    if inputs.hexes is None:
        return all_areas.table(inputs, latest)
    root = project_root()
    job = next(
        j for j in build.analysis_jobs(defined[year], chapters, root, root / "build") if j.chapter_id == "progress"
    )
    return where_area_sits.shared_once(inputs, latest, root / job.parameters["shared_dir"]).all_areas


def write(year: int | None = None, path: str | Path | None = None) -> Path:
    """Write the table to build/<year>/all_areas/indicators.csv (or `path`), whole or not at all."""
    year = year or editions_mod.load()[2]
    target = Path(path) if path else project_root() / "build" / str(year) / "all_areas" / "indicators.csv"
    partial = csvfiles.write(table(year), target.with_name(f".{target.name}.partial"))
    return partial.replace(target)

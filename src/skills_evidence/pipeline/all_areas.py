"""Every English local authority's monitoring measures for one edition, in one file.

`skills-evidence indicators --all-areas` writes the table chapters.all_areas computes (the one behind the
monitoring page's maps and distribution chart) to build/<year>/all_areas/indicators.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence import csvfiles
from skills_evidence import editions as editions_mod
from skills_evidence.chapters import all_areas, progress
from skills_evidence.paths import project_root


def table(year: int | None = None) -> pd.DataFrame:
    """Every monitoring measure for every English authority, at the periods edition `year` uses."""
    _, defined, current = editions_mod.load()
    year = year or current
    latest = defined[year].chapter_parameters["progress"]["latest"]
    paths, vintages = editions_mod.inputs("progress", year)
    return all_areas.table(progress.read_inputs(paths, vintages), latest)


def write(year: int | None = None, path: str | Path | None = None) -> Path:
    """Write the table to build/<year>/all_areas/indicators.csv (or `path`), whole or not at all."""
    year = year or editions_mod.load()[2]
    target = Path(path) if path else project_root() / "build" / str(year) / "all_areas" / "indicators.csv"
    partial = csvfiles.write(table(year), target.with_name(f".{target.name}.partial"))
    return partial.replace(target)

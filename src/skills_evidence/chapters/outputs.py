"""Writing a chapter's outputs: its downloadable CSV tables, its rows of indicators.csv and its key
figures, all into the chapter's output folder (values unrounded: round only for display)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence import csvfiles
from skills_evidence.chapters import keyfigures
from skills_evidence.statistics import indicators


def write(
    outputs: str | Path, tables: dict[str, pd.DataFrame], indicator_rows: pd.DataFrame, key_figures: dict
) -> dict[str, Path]:
    """Write `tables` as `<name>.csv`, then `indicators.csv` and `key_figures.yml`; returns the paths by name."""
    outputs = Path(outputs)
    outputs.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, frame in tables.items():
        files[name] = outputs / f"{name}.csv"
        csvfiles.write(frame, files[name])
    files["indicators"] = indicators.write(indicator_rows, outputs / "indicators.csv")
    files["key_figures"] = keyfigures.write(key_figures, outputs / "key_figures.yml")
    return files

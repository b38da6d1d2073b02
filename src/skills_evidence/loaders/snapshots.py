"""The project's own tidy tables (data/snapshots, data/reference, data/synthetic, indicators.csv):
read the same way everywhere, so periods, codes and status marks stay text and blanks stay missing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.loaders.files import read_csv_text

#: Columns that look numeric but are labels: periods ("2021"), DfE LA numbers ("331"), marks.
TEXT = {"period", "breakdown", "status", "count_mark", "ci_mark", "la_number", "neighbour_la_number", "wave", "note"}


def read_table(path: str | Path) -> pd.DataFrame:
    """A project CSV: label columns (codes, periods, marks, names) as text with "" for blank; every
    column whose non-blank cells are all numbers as float, blanks missing (never zero)."""
    frame = read_csv_text(Path(path))
    for column in frame.columns:
        if column in TEXT or column.endswith("_code"):
            continue
        text = frame[column].str.strip()
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        if len(text) and (numbers.notna() | (text == "")).all() and numbers.notna().any():
            frame[column] = numbers
    return frame

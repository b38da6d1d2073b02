"""HESA open-data tables: a metadata block (`Title:`, `Reference ID:`, `Filters:` …) above the table.

HESA publishes CSV; copies re-saved as XLSX keep the same layout, sometimes with the byte-order mark
left inside cell A1. Counts are rounded to the nearest 5 by HESA; they are read as published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import read_excel_grid

BOM = "\ufeff"


@dataclass
class HesaTable:
    """The table and its metadata (title, reference id, licence, filters as name → value)."""

    metadata: dict[str, str]
    filters: dict[str, str]
    data: pd.DataFrame


def load_hesa_table(path: str | Path, numeric: list[str] | None = None) -> HesaTable:
    """Read a HESA table; `numeric` columns are parsed to numbers (text there is an error)."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        grid = read_excel_grid(path)
    else:
        try:
            grid = pd.read_csv(
                path,
                header=None,
                dtype=object,
                encoding="utf-8-sig",
                skip_blank_lines=False,
                names=range(64),
                engine="python",
            )
        except UnicodeDecodeError as exc:
            raise InputFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    grid = grid.dropna(axis=1, how="all")
    cells = grid.map(lambda v: "" if pd.isna(v) else str(v).replace(BOM, "").strip())
    metadata: dict[str, str] = {}
    filters: dict[str, str] = {}
    header_row = None
    key = ""
    for r in range(len(cells)):
        first, second = cells.iat[r, 0], cells.iat[r, 1] if cells.shape[1] > 1 else ""
        if first.endswith(":"):
            key = first[:-1]
            if key == "Filters":
                filters[second] = cells.iat[r, 2] if cells.shape[1] > 2 else ""
            else:
                metadata[key] = second
        elif first == "" and key == "Filters" and second:
            filters[second] = cells.iat[r, 2] if cells.shape[1] > 2 else ""
        elif first and (cells.iloc[r] != "").sum() >= 2:
            header_row = r
            break
    if header_row is None or "Title" not in metadata:
        raise InputFileError(path, "no HESA metadata block (Title:) followed by a table header")
    columns = [c for c in cells.iloc[header_row] if c]
    body = cells.iloc[header_row + 1 :, : len(columns)]
    body.columns = columns
    body = body[(body != "").any(axis=1)].copy()
    body["source_row"] = body.index + 1
    for column in numeric or []:
        if column not in body.columns:
            raise InputFileError(path, f"missing column {column!r}", header_row + 1, column)
        values = pd.to_numeric(body[column], errors="coerce")
        bad = values.isna() & (body[column] != "")
        if bad.any():
            row = int(body.loc[bad.idxmax(), "source_row"])
            raise InputFileError(path, f"{body.loc[bad.idxmax(), column]!r} is not a number", row, column)
        body[column] = values
    return HesaTable(metadata, filters, body.reset_index(drop=True))

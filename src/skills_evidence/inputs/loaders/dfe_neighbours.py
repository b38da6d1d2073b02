"""DfE statistical neighbours workbook (LAIT layout): two junk rows above the header, 3-digit LA
numbers, and ten neighbour/closeness pairs whose headers repeat (`SN1 | SNP | SN2 | SNP …`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import column_letter, read_excel_grid

CLOSENESS = {"extremely close", "very close", "close", "somewhat close", "not close"}  # capitalisation varies by year


def load_statistical_neighbours(path: str | Path) -> pd.DataFrame:
    """One row per LA × neighbour rank: la_number, la_name, rank (1-10), neighbour_la_number, closeness, status.

    An authority printed with "-" for its neighbours (a new one) gets rows with status "x".
    """
    path = Path(path)
    grid = read_excel_grid(path)
    header_rows = grid.index[grid[0].astype(str).str.strip() == "LA num"]
    if len(header_rows) == 0:
        raise InputFileError(path, "no header row starting 'LA num'", None, "A")
    h = int(header_rows[0])
    header = [str(c).strip() for c in grid.iloc[h]]
    sn_cols = [i for i, name in enumerate(header) if name.startswith("SN") and name[2:].isdigit()]
    if len(sn_cols) != 10 or any(header[i + 1] != "SNP" for i in sn_cols):
        raise InputFileError(path, "expected ten SNn | SNP column pairs", h + 1, "F")
    records = []
    for r in range(h + 1, len(grid)):
        row = grid.iloc[r]
        if pd.isna(row[0]):
            break  # the current table ends at the first blank row; an "Old SNs:" block may follow
        la = _la_number(path, row[0], r + 1, "A")
        for i in sn_cols:
            record = {
                "la_number": la,
                "la_name": str(row[1]).strip(),
                "rank": int(header[i][2:]),
                "neighbour_la_number": "",
                "closeness": "",
                "status": "x",
                "source_row": r + 1,
            }
            if str(row[i]).strip() != "-":  # a new authority with no neighbours yet is printed "-"
                closeness = str(row[i + 1]).strip()
                if closeness.lower() not in CLOSENESS:
                    raise InputFileError(path, f"unknown closeness {closeness!r}", r + 1, column_letter(i + 1))
                record.update(
                    neighbour_la_number=_la_number(path, row[i], r + 1, column_letter(i)),
                    closeness=closeness,
                    status="",
                )
            records.append(record)
    frame = pd.DataFrame(records)
    if frame.duplicated(["la_number", "rank"]).any():
        dup = frame[frame.duplicated(["la_number", "rank"])].iloc[0]
        raise InputFileError(path, f"LA {dup.la_number} appears twice", int(dup.source_row), "A")
    return frame


def _la_number(path: Path, cell: object, row: int, column: str) -> str:
    text = str(cell).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not (text.isdigit() and len(text) == 3):
        raise InputFileError(path, f"{text!r} is not a 3-digit DfE LA number", row, column)
    return text

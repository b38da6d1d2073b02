"""Nomis "query" downloads (XLSX or CSV): stacked period blocks of value/flag/confidence triplets.

Layout, as Nomis writes it: title and metadata rows; then for each period a block that starts with a
`date` row, has an `Area` header row naming each variable (e.g. `T19:6 (Total - All people aged
16-64 : NVQ4+ )`) over three columns `number | Flags | conf`, then one row per geography written as
`prefix:name` (no GSS code); a footnote block explains the marks `! * ~ -` at the end.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import column_letter, read_excel_grid

#: Nomis marks and what they mean (from the footnote block of every query download).
NOMIS_MARKS: dict[str, str] = {
    "!": "Estimate and confidence interval not available since the group sample size is zero or disclosive (0-2)",
    "*": "Estimate and confidence interval unreliable since the group sample size is small (3-9)",
    "~": "Estimate is less than 500",
    "-": "These figures are missing",
}

_VARIABLE = re.compile(r"^(?P<code>[A-Z0-9]+:\d+)\s*\((?P<label>.*)\)\s*$")
_PERIOD = re.compile(r"^(?P<m1>[A-Z][a-z]{2}) (?P<y1>\d{4})-(?P<m2>[A-Z][a-z]{2}) (?P<y2>\d{4})$")

COLUMNS = [
    "source_row",
    "period",
    "period_label",
    "geography_type",
    "geography_name",
    "variable_code",
    "variable_label",
    "value",
    "value_mark",
    "ci_halfwidth",
    "ci_mark",
    "flag",
]

SCHEMA = pa.DataFrameSchema(
    {
        "source_row": pa.Column(int),
        "period": pa.Column(str),
        "geography_type": pa.Column(str),
        "geography_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "variable_code": pa.Column(str),
        "value": pa.Column(float, pa.Check.ge(0), nullable=True),
        "value_mark": pa.Column(str, pa.Check.isin(["", *NOMIS_MARKS])),
        "ci_halfwidth": pa.Column(float, pa.Check.ge(0), nullable=True),
        "ci_mark": pa.Column(str, pa.Check.isin(["", *NOMIS_MARKS])),
    },
    unique=["period", "geography_type", "geography_name", "variable_code"],
)


def _read_grid(path: Path) -> list[list[object]]:
    """Every cell of the first sheet (or of the CSV) as a list of rows; row i is spreadsheet row i+1."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = read_excel_grid(path)
        return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return [[c if c != "" else None for c in row] for row in csv.reader(fh)]
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _period(label: str) -> str:
    """`Jan 2021-Dec 2021` → `2021`; other 12-month windows keep their label (e.g. `Apr 2020-Mar 2021`)."""
    m = _PERIOD.match(label.strip())
    if m and m["m1"] == "Jan" and m["m2"] == "Dec" and m["y1"] == m["y2"]:
        return m["y1"]
    return label.strip()


def _cell_number(path: Path, row: int, column: str, cell: object) -> tuple[float | None, str]:
    """A numeric cell → (value, ""); a Nomis mark → (None, mark); anything else is an error."""
    if cell is None:
        raise InputFileError(path, "empty cell where a number or a Nomis mark is expected", row, column)
    if isinstance(cell, (int, float)):
        return float(cell), ""
    text = str(cell).strip()
    if text in NOMIS_MARKS:
        return None, text
    try:
        return float(text.replace(",", "")), ""
    except ValueError:
        raise InputFileError(
            path, f"{text!r} is neither a number nor a Nomis mark ({' '.join(NOMIS_MARKS)})", row, column
        ) from None


def load_nomis_query(path: str | Path) -> pd.DataFrame:
    """Read a Nomis query download into one row per period × geography × variable.

    Suppressed or missing values stay missing (`value` NaN) with the Nomis mark kept in `value_mark`;
    an unreliable interval (`*`) leaves `ci_halfwidth` NaN with `ci_mark` "*".
    """
    path = Path(path)
    grid = _read_grid(path)
    records: list[dict[str, object]] = []
    period_label: str | None = None
    variables: list[tuple[int, str, str]] = []  # (first column index, code, label)
    in_block = False
    for i, row in enumerate(grid):
        rownum = i + 1
        first = "" if not row or row[0] is None else str(row[0]).strip()
        if first == "date":
            period_label = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
            if not period_label:
                raise InputFileError(path, "a 'date' row has no period", rownum, "B")
            variables, in_block = [], False
            continue
        if first == "Area":
            if period_label is None:
                raise InputFileError(path, "an 'Area' header appears before any 'date' row", rownum, "A")
            variables = []
            for j, cell in enumerate(row[1:], start=1):
                if cell is None:
                    continue
                m = _VARIABLE.match(str(cell).strip())
                if not m:
                    raise InputFileError(path, f"unrecognised variable header {cell!r}", rownum, column_letter(j))
                variables.append((j, m["code"], m["label"].strip()))
            if not variables:
                raise InputFileError(path, "the 'Area' header names no variables", rownum, "A")
            continue
        if variables and not in_block and first == "" and len(row) > 1 and str(row[1]).strip() == "number":
            for j, _, _ in variables:
                got = [str(row[k]).strip() if k < len(row) and row[k] is not None else "" for k in (j, j + 1, j + 2)]
                if got != ["number", "Flags", "conf"]:
                    raise InputFileError(
                        path, f"expected number/Flags/conf, found {'/'.join(got)}", rownum, column_letter(j)
                    )
            in_block = True
            continue
        if not in_block:
            continue
        if first == "":
            in_block = False
            continue
        if ":" not in first:
            raise InputFileError(path, f"geography {first!r} is not written as prefix:name", rownum, "A")
        gtype, gname = first.split(":", 1)
        for j, code, label in variables:
            cells = list(row[j : j + 3]) + [None] * max(0, j + 3 - len(row))
            if cells[0] is None and cells[2] is None:
                raise InputFileError(path, "row is truncated: the value cells are empty", rownum, column_letter(j))
            value, vmark = _cell_number(path, rownum, column_letter(j), cells[0])
            ci, cmark = _cell_number(path, rownum, column_letter(j + 2), cells[2])
            flag = "" if cells[1] is None else str(cells[1]).strip()
            records.append(
                {
                    "source_row": rownum,
                    "period": _period(period_label or ""),
                    "period_label": period_label,
                    "geography_type": gtype.strip(),
                    "geography_name": gname.strip(),
                    "variable_code": code,
                    "variable_label": label,
                    "value": value,
                    "value_mark": vmark,
                    "ci_halfwidth": ci,
                    "ci_mark": cmark,
                    "flag": flag,
                }
            )
    if not records:
        raise InputFileError(path, "no data rows found: is this a Nomis query download?")
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["ci_halfwidth"] = frame["ci_halfwidth"].astype(float)
    return validate(frame, path)


def validate(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check the tidy frame against SCHEMA, reporting the first failure by source row and column."""
    try:
        return SCHEMA.validate(frame, lazy=False)
    except pa.errors.SchemaError as exc:
        row = None
        if exc.failure_cases is not None and "index" in exc.failure_cases and len(exc.failure_cases):
            idx = exc.failure_cases["index"].iloc[0]
            if idx is not None and idx in frame.index:
                row = int(frame.loc[idx, "source_row"])
        column = getattr(exc.schema, "name", None)
        if "unique" in str(exc) or "duplicate" in str(exc).lower():
            dup = frame[frame.duplicated(["period", "geography_type", "geography_name", "variable_code"], keep="first")]
            row = int(dup["source_row"].iloc[0]) if len(dup) else row
            raise InputFileError(path, "duplicate geography within one period block", row, "A") from exc
        raise InputFileError(path, f"fails validation: {exc}", row, column) from exc

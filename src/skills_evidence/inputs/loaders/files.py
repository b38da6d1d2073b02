"""Opening official files: CSV as text, a workbook's first sheet as a grid, with errors that name
the file. Every loader opens its input through here, so encoding and format failures read alike."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError


def read_csv_text(path: Path, **options: object) -> pd.DataFrame:
    """A CSV with every cell as text ("" for empty); a BOM is dropped; not UTF-8 or not CSV is an error."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(path, "is empty (no header row, no data)", 1) from exc
    except pd.errors.ParserError as exc:
        raise InputFileError(path, f"is not a well-formed CSV ({exc})") from exc


def read_excel_grid(path: Path, header: int | None = None) -> pd.DataFrame:
    """The first sheet of a workbook as objects (no header row unless `header` is given)."""
    try:
        return pd.read_excel(path, header=header, dtype=object, sheet_name=0)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputFileError(path, f"cannot be read as an Excel workbook ({exc})") from exc


def column_letter(index: int) -> str:
    """Zero-based column index → spreadsheet letter (0 → A, 26 → AA), for error messages."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def require_columns(path: Path, frame: pd.DataFrame, columns: list[str], header_row: int = 1, hint: str = "") -> None:
    """Raise naming the first of `columns` that the file lacks."""
    for column in columns:
        if column not in frame.columns:
            raise InputFileError(path, f"missing column {column!r}{hint}", header_row, column)


def check_values(path: Path, frame: pd.DataFrame, column: str, ok: pd.Series, problem: str) -> None:
    """Raise naming the first row (its `source_row`) where `ok` is false for `column`."""
    bad = ~ok.fillna(False).astype(bool)
    if bad.any():
        i = bad.idxmax()
        raise InputFileError(path, f"{frame.loc[i, column]!r} {problem}", int(frame.loc[i, "source_row"]), column)


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


def numbers_or_marks(
    path: Path, text: pd.Series, rows: pd.Series, column: str | pd.Series, marks: Collection[str], what: str
) -> tuple[pd.Series, pd.Series]:
    """Cells as published → (numbers, marks): a number becomes a float with mark ""; a blank or one of the
    publisher's `marks` becomes NaN (never zero) with that mark ("" for a blank); any other text is an
    InputFileError naming the file, the source row and the column (`column` may vary by row)."""
    text = text.astype(str).str.strip()
    is_mark = text.isin({*marks, ""})
    numbers = pd.to_numeric(text.where(~is_mark), errors="coerce")
    bad = numbers.isna() & ~is_mark
    if bad.any():
        first = bad.idxmax()
        name = column if isinstance(column, str) else str(column[first])
        raise InputFileError(path, f"{text[first]!r} is not {what}", int(rows[first]), name)
    return numbers, text.where(is_mark, "")

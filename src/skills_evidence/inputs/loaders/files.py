"""Opening official files: CSV as text, a workbook's first sheet as a grid, with errors that name
the file. Every loader opens its input through here, so encoding and format failures read alike."""

from __future__ import annotations

from collections.abc import Callable, Collection
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
    return with_numbers(read_csv_text(Path(path)))


def with_numbers(frame: pd.DataFrame, numbers: Callable[[pd.Series], pd.Series | None] | None = None) -> pd.DataFrame:
    """`frame` (text cells) with each column but the labels read as numbers where `numbers` (by default
    `_numbers`) says its cells are numbers."""
    numbers = numbers or _numbers
    for column in frame.columns:
        if column in TEXT or column.endswith("_code"):
            continue
        converted = numbers(frame[column])
        if converted is not None:
            frame[column] = converted
    return frame


def _numbers(cells: pd.Series) -> pd.Series | None:
    """A column of text cells as floats when every cell, stripped, is a number or blank and one is a number;
    else None. Done as `_numbers_stripped` would, but without stripping every cell first: pandas parses a
    number with spaces around it, so only the cells it cannot parse are stripped, and a column whose first
    such cell is words (a name) is known to be text at once. A build reads every authority's rows of ~30
    files in each notebook, and stripping every cell was most of the time that took."""
    if len(cells) and _words(cells.iloc[0]):
        return None
    numbers = pd.to_numeric(cells, errors="coerce")
    failed = numbers.isna()
    if failed.any():
        if _words(cells[failed].iloc[0]):
            return None
        if (cells[failed].str.strip() != "").any():  # a number pandas reads only once stripped (rare)
            return _numbers_stripped(cells)
    return numbers if numbers.notna().any() else None


def _words(cell: str) -> bool:
    """Whether a cell, stripped, is neither blank nor a number (so its column is text)."""
    stripped = cell.strip()
    return bool(stripped) and pd.isna(pd.to_numeric(pd.Series([stripped]), errors="coerce").iloc[0])


def _numbers_stripped(cells: pd.Series) -> pd.Series | None:
    """`_numbers` by the definition: every cell stripped, then read as a number."""
    text = cells.str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    if len(text) and (numbers.notna() | (text == "")).all() and numbers.notna().any():
        return numbers
    return None


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

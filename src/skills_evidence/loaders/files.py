"""Opening official files: CSV as text, a workbook's first sheet as a grid, with errors that name
the file. Every loader opens its input through here, so encoding and format failures read alike."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.loaders.errors import InputFileError


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

"""Writing the CSV files the book publishes, by one rule: numbers as plain decimals rounded to
`DECIMALS` places (never scientific notation, no trailing zeros), missing values as empty cells,
LF line ends. The book prints fewer decimals; every figure is computed from unrounded ones.

numpy's positional float formatting is used rather than pandas' `float_format`, whose "%g" switches
to scientific notation for counts of a million or more (2.8973e+06) and drops their digits.

Text that a spreadsheet would run as a formula (a cell starting `=`, `+`, `-`, `@`, a tab or a carriage
return: OWASP's "CSV injection") is written with a leading apostrophe, so a name such as
`=HYPERLINK(…)` opens as the text it is; a cell that is a plain number (-11.6) is left as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

#: Decimal places of every number in a published CSV.
DECIMALS = 3
ROUNDING_RULE = (
    f"Numbers are rounded to {DECIMALS} decimal places (trailing zeros dropped) and computed from unrounded "
    "figures; the book prints them to fewer. An empty cell is a missing figure, whose reason is in the status column."
)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def inert(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe; anything else unchanged
    but for line breaks, written as LF (which the CSV writer quotes; a bare CR it would not, splitting the row)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def plain(value: float) -> str:
    """One number as a plain decimal: 2897300, 80.595, -11.645; empty when missing."""
    if value is None or pd.isna(value):
        return ""
    return np.format_float_positional(np.round(float(value), DECIMALS) + 0.0, precision=DECIMALS, trim="-")


#: Below this size a number rounded to DECIMALS places prints the same through "%.3f" with its trailing zeros
#: dropped as through `plain`: the nearest double to a multiple of 0.001 is closer to it than to any other.
_EXACT_BELOW = 1e12


def plain_column(values: pd.Series) -> list[str]:
    """`plain` for a whole float column, written the same, character for character (tested); one cell at a
    time through numpy's formatter took most of the time of writing the all-authority CSVs."""
    numbers = np.round(values.to_numpy(dtype=float, na_value=np.nan), DECIMALS) + 0.0
    texts = []
    for number in numbers.tolist():
        if number != number:  # missing (NaN)
            texts.append("")
        elif abs(number) < _EXACT_BELOW:
            text = f"{number:.{DECIMALS}f}".rstrip("0")
            texts.append(text[:-1] if text.endswith(".") else text)
        else:
            texts.append(plain(number))
    return texts


def inert_column(values: pd.Series) -> pd.Series:
    """`inert` for a whole text column: only the few cells that need it are changed."""
    try:
        text = values.str
    except AttributeError:  # no text in the column (numbers kept as objects, say)
        return values.map(inert)
    needs = text.startswith(FORMULA_START).fillna(False) | text.contains("\r", regex=False).fillna(False)
    if not needs.any():
        return values
    values = values.copy()
    values[needs] = values[needs].map(inert)
    return values


def write(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write `frame` as a published CSV: float columns as plain decimals, text made inert for spreadsheets."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = plain_column(out[column])
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = inert_column(out[column])
    out.to_csv(path, index=False, lineterminator="\n")
    return path

"""Numbers as the book prints them: fixed decimals, a true minus sign on differences, and the Analysis
Function's shorthand in square brackets where a figure is missing (never a zero, never a blank)."""

from __future__ import annotations

import math

import pandas as pd


def number(value: float | None, digits: int = 1, mark: str = "x") -> str:
    """`value` to `digits` decimals, or `[mark]` when it is missing ([x] not available, [c] confidential)."""
    if value is None or pd.isna(value):
        return f"[{mark or 'x'}]"
    return f"{value:.{digits}f}"


def signed(x: float | None, digits: int = 1) -> str:
    """A difference for display with an explicit sign and a true minus sign: +2.3, −0.4, 0.0."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "[x]"
    r = round(x, digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"+{r:.{digits}f}" if r > 0 else f"\u2212{abs(r):.{digits}f}"

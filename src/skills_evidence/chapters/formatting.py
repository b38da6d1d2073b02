"""Numbers as the book prints them: fixed decimals, a true minus sign, and the Analysis Function's
shorthand in square brackets where a figure is missing (never a zero, never a blank).

The book's one rounding rule (ONS practice): a difference, change or gap is worked out from the unrounded
figures and rounded once, so it can differ in its last digit from the difference of the rounded figures
printed beside it; every chapter that prints one says so with ROUNDING_NOTE."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

ROUNDING_NOTE = (
    "Differences, changes and gaps are worked out from unrounded figures and then rounded, as the Office for "
    "National Statistics does, so one can differ in its last digit from the difference between the rounded "
    "figures shown."
)


def half_up(value: float, digits: int = 1) -> Decimal:
    """`value` rounded as ONS rounds, halves away from zero, on the decimal it is written as (64.55 → 64.6),
    where Python's float formatting rounds the binary value half to even (64.55 → 64.5)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def number(value: float | None, digits: int = 1, mark: str = "x") -> str:
    """`value` to `digits` decimals (a true minus sign when negative), or `[mark]` when it is missing ([x] not
    available, [c] confidential)."""
    if value is None or pd.isna(value):
        return f"[{mark or 'x'}]"
    text = f"{half_up(value, digits):.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text.replace("-", "\u2212")


def signed(x: float | None, digits: int = 1) -> str:
    """A difference for display with an explicit sign and a true minus sign: +2.3, −0.4, 0.0."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "[x]"
    r = half_up(x, digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"+{r:.{digits}f}" if r > 0 else f"\u2212{abs(r):.{digits}f}"

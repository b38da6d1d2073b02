"""Intervals and tests shared by every chapter: the Wilson 95% interval for a proportion, and the
z-test for a change between two independent estimates from their 95% intervals."""

from __future__ import annotations

import math

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

#: Two-sided 95% critical value of the standard normal.
Z95 = 1.959964


def wilson(successes: float, n: float) -> tuple[float, float]:
    """Wilson 95% interval for `successes` out of `n`, in per cent (NaN when n is not positive)."""
    if not n > 0 or math.isnan(successes):
        return math.nan, math.nan
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return 100 * float(low), 100 * float(high)


def z_score(change: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    """z for a difference of two independent estimates from their 95% intervals (NaN without intervals)."""
    if any(pd.isna(x) for x in (*a, *b)):
        return math.nan
    se = math.hypot((a[1] - a[0]) / (2 * Z95), (b[1] - b[0]) / (2 * Z95))
    return change / se if se > 0 else math.nan

"""Comparing an area with a benchmark the Fingertips way, and words for the result.

An area is "higher" than a benchmark when its 95% interval lies wholly above the benchmark's value,
"lower" when wholly below, otherwise "similar"; polarity turns higher/lower into better/worse.
Differences are percentage points, area minus benchmark; round only for display.
"""

from __future__ import annotations

import pandas as pd

from skills_evidence.statistics import indicators


def significance(value: float, ci_lower: float, ci_upper: float, benchmark: float) -> str:
    """ "higher", "lower" or "similar"; "not compared" when the interval or benchmark is missing."""
    if any(pd.isna(x) for x in (value, ci_lower, ci_upper, benchmark)):
        return "not compared"
    if ci_lower > benchmark:
        return "higher"
    if ci_upper < benchmark:
        return "lower"
    return "similar"


def judgement(word: str, polarity: int) -> str:
    """Turn higher/lower into better/worse using the indicator's polarity (+1 higher is better)."""
    if word not in ("higher", "lower") or polarity == 0:
        return word
    return "better" if (word == "higher") == (polarity > 0) else "worse"


def compare(area: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × benchmark: signed difference (pp), significance word and judgement.

    Both frames hold `indicator_id, period, value, ci_lower, ci_upper` and geography columns; each
    indicator's polarity comes from the catalogue.
    """
    merged = area.merge(benchmarks, on=["indicator_id", "period"], suffixes=("", "_benchmark"))
    merged["difference_pp"] = merged["value"] - merged["value_benchmark"]
    merged["significance"] = [
        significance(v, lo, hi, b)
        for v, lo, hi, b in merged[["value", "ci_lower", "ci_upper", "value_benchmark"]].itertuples(index=False)
    ]
    merged["judgement"] = [
        judgement(w, int(indicators.entry(i)["polarity"]))
        for w, i in merged[["significance", "indicator_id"]].itertuples(index=False)
    ]
    return merged

"""Progress on a measure, as the annual monitoring report states it: baseline against latest, the
direction of travel over recent years, and the area against its benchmarks.

Every verdict is a word with its rule, never a colour: a change is "significant" only when a z-test
from the two 95% intervals says so; without intervals it is "not tested". A change across a series
break (NVQ → RQF, a method change) is never bridged. Nothing is scored against a target here: the
council has not set targets for these measures, so the report says so rather than inventing them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from skills_evidence.statistics.comparison import judgement, significance
from skills_evidence.statistics.intervals import Z95, z_score

#: The most recent years a direction of travel is judged on (Fingertips' recent trend uses five).
TREND_YEARS = 5


@dataclass(frozen=True)
class Change:
    """Baseline against latest for one area and measure."""

    baseline_period: str
    latest_period: str
    difference: float
    z: float
    verdict: str  # from assess(), or "not available", or a break in series
    judgement: str  # the verdict read through the measure's polarity: "improved", "worsened", or the verdict


def assess(change: float, z: float, same_period: bool) -> str:
    """The words for a change between two figures on the same basis: "no new data" or "revised" for
    the same period; "significant increase"/"decrease" or "no significant change" by a z-test from
    the two 95% intervals; "increase"/"decrease"/"no change" "(no interval, not tested)" without them.
    The one rule for the "what changed" chapter and the monitoring measures."""
    if same_period:
        return "no new data" if change == 0 else "revised"
    if math.isnan(z):
        word = "increase" if change > 0 else ("decrease" if change < 0 else "no change")
        return f"{word} (no interval, not tested)"
    if abs(z) > Z95:
        return "significant increase" if change > 0 else "significant decrease"
    return "no significant change"


def change(baseline: pd.Series, latest: pd.Series, polarity: int) -> Change:
    """Baseline against latest: difference, z-test from the two 95% intervals, and the verdict.

    Both rows hold `period, value, ci_lower, ci_upper, basis`; a different basis is a break in series
    and is not compared; a missing value leaves nothing to compare.
    """
    baseline, latest = (_numbers(r.to_frame().T).iloc[0] for r in (baseline, latest))
    periods = (str(baseline["period"]), str(latest["period"]))
    if pd.isna(baseline["value"]) or pd.isna(latest["value"]):
        return Change(*periods, math.nan, math.nan, "not available", "not available")
    if baseline.get("basis", "") != latest.get("basis", ""):
        verdict = break_in_series(baseline.get("basis"), latest.get("basis"))
        return Change(*periods, math.nan, math.nan, verdict, verdict)
    difference = float(latest["value"] - baseline["value"])
    z = z_score(difference, (baseline["ci_lower"], baseline["ci_upper"]), (latest["ci_lower"], latest["ci_upper"]))
    verdict = assess(difference, z, periods[0] == periods[1])
    return Change(*periods, difference, z, verdict, _read(verdict, polarity))


def _read(verdict: str, polarity: int) -> str:
    """A significant change read through the measure's polarity: "improved" or "worsened"."""
    if not verdict.startswith("significant") or polarity == 0:
        return verdict
    return "improved" if (verdict == "significant increase") == (polarity > 0) else "worsened"


def break_in_series(before: object, after: object) -> str:
    """The words for two figures on different bases (NVQ and RQF levels, say): never compared."""
    return f"break in series ({before} to {after}): not compared"


def direction_of_travel(series: pd.DataFrame, years: int = TREND_YEARS) -> str:
    """The recent trend over the last `years` figures on the latest basis: "increasing", "decreasing",
    "no significant change", or "not enough data" (fewer than three figures).

    A weighted least-squares line through the figures (weights from their 95% intervals where given),
    judged by whether the 95% interval of its slope excludes zero. A simple, stated rule rather than
    Fingertips' chi-squared test for proportions, so it also serves pay and scores.
    """
    shown = _numbers(series).dropna(subset=["value"])
    if "basis" in shown and len(shown):
        shown = shown[shown["basis"] == shown.sort_values("period")["basis"].iloc[-1]]
    shown = shown.sort_values("period").tail(years)
    if len(shown) < 3:
        return "not enough data"
    x = sm.add_constant(np.arange(len(shown), dtype=float))
    se = (shown["ci_upper"] - shown["ci_lower"]) / (2 * Z95)
    if se.notna().all() and (se > 0).all():
        fit = sm.WLS(shown["value"].to_numpy(dtype=float), x, weights=1 / se.to_numpy() ** 2).fit()
    else:
        fit = sm.OLS(shown["value"].to_numpy(dtype=float), x).fit()
    low, high = fit.conf_int(alpha=0.05)[1]
    if low > 0:
        return "increasing"
    if high < 0:
        return "decreasing"
    return "no significant change"


def trend_reading(direction: str, polarity: int) -> str:
    """A direction of travel with what it means for the measure, as Fingertips words it:
    "increasing and getting better"; the direction alone where neither way is better or none was found."""
    if direction not in ("increasing", "decreasing") or polarity == 0:
        return direction
    better = (direction == "increasing") == (polarity > 0)
    return f"{direction} and getting {'better' if better else 'worse'}"


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Value and interval columns as floats: a snapshot without intervals reads them back as blank text."""
    out = frame.copy()
    for column in ("value", "ci_lower", "ci_upper"):
        out[column] = pd.to_numeric(out[column], errors="coerce") if column in out else math.nan
    return out


def versus(area: pd.Series, benchmark: pd.Series, polarity: int) -> str:
    """The area against one benchmark in the same period, Fingertips-style and polarity-aware:
    "better", "similar", "worse" (or "higher"/"lower" for measures where neither is better). Without
    an interval the side is said but not judged: "higher (no interval, not tested)", as `assess` does;
    "not compared" without both figures or in different periods."""
    area, benchmark = (_numbers(r.to_frame().T).iloc[0] for r in (area, benchmark))
    if str(area["period"]) != str(benchmark["period"]):
        return "not compared (different periods)"
    if pd.isna(area["value"]) or pd.isna(benchmark["value"]):
        return "not compared"
    if pd.isna(area["ci_lower"]) or pd.isna(area["ci_upper"]):
        side = area["value"] - benchmark["value"]
        word = "higher" if side > 0 else ("lower" if side < 0 else "the same")
        return f"{word} (no interval, not tested)"
    word = significance(area["value"], area["ci_lower"], area["ci_upper"], benchmark["value"])
    return judgement(word, polarity)


def rank_among(values: pd.Series, code: str, polarity: int) -> tuple[int, int] | None:
    """(rank, out of) of `code` among the areas in `values` (indexed by area code), 1 the best by polarity;
    None where the area has no figure or the measure has no better direction."""
    values = values.dropna()
    if code not in values.index or polarity == 0:
        return None
    return int(ranks(values, polarity)[code]), len(values)


def ranks(values: pd.Series, polarity: int) -> pd.Series:
    """Every area's rank, 1 the best by polarity, ties sharing the better rank; none where no direction is
    better (polarity 0)."""
    if polarity == 0:
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    return values.rank(ascending=polarity < 0, method="min").astype("Int64")

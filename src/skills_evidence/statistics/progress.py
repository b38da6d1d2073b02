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


def period_year(period: str) -> float:
    """A period on the real time axis: "2021" → 2021, the school or financial year "2018/19" → 2018, the
    pooled "2022-2024" → 2023 (its middle), so a gap (no KS2 tests in 2020 and 2021) stays a gap."""
    text = str(period)
    if len(text) == 9 and text[4] == "-":
        return (int(text[:4]) + int(text[5:])) / 2
    return float(text[:4])


def direction_of_travel(series: pd.DataFrame, years: int = TREND_YEARS) -> str:
    """The recent trend over the last `years` figures on the latest basis: "increasing", "decreasing",
    "no significant change", or "not enough data" (fewer than three figures on one basis).

    A line through the figures on the real time axis (gaps kept). Where every figure has a 95% interval,
    the published variances are the known variances of a weighted fit, so the slope's interval comes from
    them and not from the scatter of five points; without intervals (counts, pupils' results) an ordinary
    fit whose interval comes from the residuals. The trend is increasing or decreasing only when the 95%
    interval of its slope excludes zero.
    """
    shown = _numbers(series).dropna(subset=["value"])
    if "basis" in shown and len(shown):
        shown = shown[shown["basis"] == shown.sort_values("period")["basis"].iloc[-1]]
    shown = shown.sort_values("period").tail(years)
    if len(shown) < 3:
        return "not enough data"
    x = sm.add_constant(shown["period"].map(period_year).to_numpy(dtype=float))
    se = (shown["ci_upper"] - shown["ci_lower"]) / (2 * Z95)
    if se.notna().all() and (se > 0).all():
        model = sm.WLS(shown["value"].to_numpy(dtype=float), x, weights=1 / se.to_numpy() ** 2)
        fit = model.fit(cov_type="fixed scale", cov_kwds={"scale": 1.0})  # the variances are known, not fitted
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


def _figures(row: pd.Series | dict) -> dict:
    """One row's period, value and interval as floats (blank text read back from a snapshot is no figure);
    per row rather than `_numbers` on a frame, because the all-areas table tests thousands of rows."""

    def number(x: object) -> float:
        try:
            return float(x) if x is not None and x != "" else math.nan
        except (TypeError, ValueError):
            return math.nan

    return {"period": row.get("period"), **{c: number(row.get(c)) for c in ("value", "ci_lower", "ci_upper")}}


def versus(area: pd.Series | dict, benchmark: pd.Series | dict, polarity: int) -> str:
    """The area against one benchmark in the same period, polarity-aware: "better", "similar", "worse"
    (or "higher"/"lower" where neither is better). Where the benchmark has an interval too (a neighbours'
    average from survey estimates), the difference is tested with both sides' uncertainty; where it has
    none (England, whose interval is negligible beside an area's), the area's interval against its value,
    Fingertips' rule. Without the area's interval the side is said but not judged: "higher (no interval,
    not tested)"; "not compared" without both figures or in different periods."""
    area, benchmark = _figures(area), _figures(benchmark)
    if str(area["period"]) != str(benchmark["period"]):
        return "not compared (different periods)"
    if pd.isna(area["value"]) or pd.isna(benchmark["value"]):
        return "not compared"
    if pd.isna(area["ci_lower"]) or pd.isna(area["ci_upper"]):
        side = area["value"] - benchmark["value"]
        word = "higher" if side > 0 else ("lower" if side < 0 else "the same")
        return f"{word} (no interval, not tested)"
    if pd.notna(benchmark["ci_lower"]) and pd.notna(benchmark["ci_upper"]):
        difference = float(area["value"] - benchmark["value"])
        z = z_score(difference, (area["ci_lower"], area["ci_upper"]), (benchmark["ci_lower"], benchmark["ci_upper"]))
        word = "similar" if math.isnan(z) or abs(z) <= Z95 else ("higher" if difference > 0 else "lower")
        return judgement(word, polarity)
    word = significance(area["value"], area["ci_lower"], area["ci_upper"], benchmark["value"])
    return judgement(word, polarity)


def mean_with_interval(rows: pd.DataFrame) -> tuple[float, float, float]:
    """The simple mean of a set's figures (DfE's neighbours' average) with its 95% interval where every
    member has one (the members' sampling errors, independent, averaged); NaN bounds otherwise."""
    rows = _numbers(rows).dropna(subset=["value"])
    if rows.empty:
        return math.nan, math.nan, math.nan
    mean = float(rows["value"].mean())
    se = (rows["ci_upper"] - rows["ci_lower"]) / (2 * Z95)
    if se.isna().any():
        return mean, math.nan, math.nan
    half = Z95 * math.sqrt(float((se**2).sum())) / len(rows)
    return mean, mean - half, mean + half


def relative_to_benchmark(
    base: pd.Series, now: pd.Series, bench_base: pd.Series | None, bench_now: pd.Series | None, polarity: int
) -> tuple[float, float, str]:
    """A money measure's change read against its benchmark (England), never on a cash rise alone: the
    area's figure as a share of the benchmark's at the baseline and now, and whether that share moved
    beyond what the area's two intervals allow (the benchmark's own interval is negligible beside them).
    Returns (ratio then, ratio now, words): "gained on England", "fell behind England", "no significant
    change against England", each "(not tested)" without intervals, or "not compared" without the four
    figures."""
    figures = [_numbers(r.to_frame().T).iloc[0] if r is not None else None for r in (base, now, bench_base, bench_now)]
    if any(f is None or pd.isna(f["value"]) or not f["value"] for f in figures):
        return math.nan, math.nan, "not compared with England (a figure is missing)"
    base, now, bench_base, bench_now = figures
    then, later = base["value"] / bench_base["value"], now["value"] / bench_now["value"]
    z = z_score(
        later - then,
        (base["ci_lower"] / bench_base["value"], base["ci_upper"] / bench_base["value"]),
        (now["ci_lower"] / bench_now["value"], now["ci_upper"] / bench_now["value"]),
    )
    moved = later - then
    if math.isnan(z):
        word = "gained on" if moved * (polarity or 1) > 0 else ("fell behind" if moved else "no change against")
        return then, later, f"{word} England (no interval, not tested)"
    if abs(z) <= Z95:
        return then, later, "no significant change against England"
    return then, later, "gained on England" if moved * (polarity or 1) > 0 else "fell behind England"


def rank_among(values: pd.Series, code: str, polarity: int) -> tuple[int, int] | None:
    """(rank, out of) of `code` among the areas in `values` (indexed by area code), 1 the best by polarity;
    None where the area has no figure or the measure has no better direction."""
    values = values.dropna()
    if code not in values.index or polarity == 0:
        return None
    return int(ranks(values, polarity)[code]), len(values)


def rank_interval(
    values: pd.Series, halfwidths: pd.Series, code: str, polarity: int, draws: int = 4000, seed: int = 2022
) -> tuple[int, int] | None:
    """The 95% interval of an area's rank when each authority's figure is drawn from its own published
    interval (normal, standard error the half-width over 1.96), as the rank of a survey estimate is
    uncertain too; an authority without an interval is held at its figure. None when the area's own figure
    has no interval or no direction is better. Seeded, so a rebuild prints the same."""
    if polarity == 0 or code not in values.index or not halfwidths.get(code, 0) > 0:
        return None
    rng = np.random.default_rng(seed)
    spread = halfwidths.fillna(0).clip(lower=0).to_numpy(dtype=float) / Z95
    drawn = values.to_numpy(dtype=float) + rng.standard_normal((draws, len(values))) * spread
    own = drawn[:, [values.index.get_loc(code)]]
    better = drawn > own if polarity > 0 else drawn < own
    low, high = np.percentile(better.sum(axis=1) + 1, [2.5, 97.5])
    return int(round(low)), int(round(high))


def ranks(values: pd.Series, polarity: int) -> pd.Series:
    """Every area's rank, 1 the best by polarity, ties sharing the better rank; none where no direction is
    better (polarity 0)."""
    if polarity == 0:
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    return values.rank(ascending=polarity < 0, method="min").astype("Int64")

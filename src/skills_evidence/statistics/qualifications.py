"""Qualification levels of residents aged 16-64 from APS table T19 counts (NVQ framework, to 2021).

ONS convention for "level N and above": trade apprenticeships count in level 2+ and half of them in
level 3+; "other qualifications" (mostly foreign or unclassified) are in no level but are in the
denominator, which is all people aged 16-64.

Intervals: Nomis publishes a 95% half-width for each category count, not for the shares built here.
A share's half-width is first taken by adding the counts' half-widths in quadrature, either over the
categories in the share or over those outside it (the narrower of the two). That alone comes out
narrower than ONS's own intervals, which come from the microdata: applied to level 3+, it gives a
median 0.80 of ONS's published half-width over every district and year both hold. So the derived
half-widths are scaled by the median ratio of ONS's to ours (`interval_scale`), measured on the data
an edition reads, never typed. Where ONS publishes level 3+ for an area and year, its figure and
interval are used as they stand (see `prefer_published`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skills_evidence.statistics import indicators

CATEGORIES = ["none", "nvq1", "nvq2", "trade", "nvq3", "nvq4plus", "other"]

#: Each indicator as weights on the T19 categories (labels and polarity live in data/indicators.yaml).
LEVELS: dict[str, dict[str, float]] = {
    "qual_none_16_64": {"none": 1.0},
    "qual_l1plus_16_64": {"nvq1": 1, "nvq2": 1, "trade": 1, "nvq3": 1, "nvq4plus": 1},
    "qual_l2plus_16_64": {"nvq2": 1, "trade": 1, "nvq3": 1, "nvq4plus": 1},
    "qual_l3plus_16_64": {"trade": 0.5, "nvq3": 1, "nvq4plus": 1},
    "qual_l4plus_16_64": {"nvq4plus": 1.0},
}

#: A share row: the indicator table's columns without those the chapter adds (breakdown, unit, polarity,
#: source, vintage), plus how its interval was obtained.
#: How a derived share's interval was obtained (the `ci_method` column).
METHOD = "derived from Nomis count intervals"

SHARE_COLUMNS = [
    c for c in indicators.COLUMNS if c not in ("breakdown", "unit", "polarity", "source_id", "vintage")
] + ["ci_method"]


#: The level whose intervals ONS publishes, against which the derived intervals are scaled.
CALIBRATED_ON = "qual_l3plus_16_64"


@dataclass(frozen=True)
class IntervalScale:
    """How much ONS's published level 3+ half-widths exceed those derived from the Nomis counts: the
    median ratio over `pairs` area-years, with the middle half of the ratios (`low`, `high`)."""

    factor: float
    pairs: int
    low: float
    high: float


def interval_scale(counts: pd.DataFrame, published: pd.DataFrame) -> IntervalScale:
    """Measure the scale from every area and year that both the T19 counts and ONS's level 3+ file hold
    with an interval and no [u] on either side. The median, not the mean: a few areas' ratios are far out.

    A scale cannot be guessed: with no such pair this raises, naming the two inputs."""
    ours = level_shares(counts)
    ours = ours[(ours["indicator_id"] == CALIBRATED_ON) & (ours["status"] == "") & ours["ci_lower"].notna()]
    theirs = published.assign(period=published["period"].astype(str))
    theirs = theirs[theirs["status"].fillna("").eq("") & theirs["ci_lower"].notna() & theirs["ci_upper"].notna()]
    both = ours.merge(theirs, on=["geography_code", "period"], suffixes=("", "_ons"))
    derived = both["ci_upper"] - both["ci_lower"]
    both = both[derived > 0]
    ratio = (both["ci_upper_ons"] - both["ci_lower_ons"]) / (both["ci_upper"] - both["ci_lower"])
    if ratio.empty:
        raise ValueError(
            "cannot scale the derived qualification intervals: no area and year is in both the T19 counts "
            "and ONS's published level 3+ figures with an interval"
        )
    return IntervalScale(
        float(ratio.median()), int(len(ratio)), float(ratio.quantile(0.25)), float(ratio.quantile(0.75))
    )


def level_shares(counts: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """Shares (%) at each level for every geography and period in a T19 count table, their derived
    half-widths multiplied by `scale` (see `interval_scale`; 1.0 gives the unscaled derivation).

    `counts` has one row per geography × period × category with `count`, `count_mark`,
    `ci_halfwidth`, `ci_mark` (the snapshot layout). A share needing a suppressed count is missing
    (status "x"), never computed as if the count were zero; a share resting on a count Nomis marks
    unreliable (`*`) keeps its value with status "u". Vectorised over places and years: one matrix
    product per level rather than a loop over groups (every GB district and year in well under a second).
    """
    keys = ["geography_code", "geography_name", "period"]
    cells = counts.set_index([*keys, "category"])[["count", "ci_halfwidth", "count_mark", "ci_mark"]].unstack(
        "category"
    )
    columns = ["count", "ci_halfwidth", "count_mark", "ci_mark"]
    cells = cells.sort_index().reindex(columns=pd.MultiIndex.from_product([columns, CATEGORIES]))
    wide, marks = cells[["count", "ci_halfwidth"]], cells[["count_mark", "ci_mark"]]
    count = wide["count"].to_numpy(dtype=float)
    half = wide["ci_halfwidth"].to_numpy(dtype=float)
    unreliable_mark = (marks["ci_mark"].fillna("") == "*").to_numpy()
    count_marks = marks["count_mark"].fillna("").astype(str).to_numpy()
    suppressed = np.isnan(count)
    total = np.where(suppressed.any(axis=1), np.nan, np.nansum(count, axis=1))
    notes_missing = [
        "not available: count suppressed by Nomis ({}) for {}".format(
            " ".join(sorted({m for m, s in zip(row_marks, row_missing) if s})),
            ", ".join(c for c, s in zip(CATEGORIES, row_missing) if s),
        )
        if row_missing.any()
        else ""
        for row_marks, row_missing in zip(count_marks, suppressed)
    ]
    frames = []
    index = wide.index.to_frame(index=False)
    for indicator_id, weights in LEVELS.items():
        w = np.array([weights.get(c, 0.0) for c in CATEGORIES])
        numerator = np.nansum(count * w, axis=1)
        share = numerator / total
        bounds = []
        for wt in (w, 1 - w):
            bound = np.sqrt(np.nansum((wt * half) ** 2, axis=1))
            bounds.append(np.where(np.isnan(half[:, wt > 0]).any(axis=1), np.nan, bound))
        has_bound = ~np.isnan(bounds[0]) | ~np.isnan(bounds[1])
        halfwidth = scale * np.fmin(bounds[0], bounds[1]) / total
        unreliable = unreliable_mark[:, w > 0].any(axis=1) | (unreliable_mark[:, (1 - w) > 0].any(axis=1) & ~has_bound)
        missing = np.isnan(total)
        frame = index.assign(
            indicator_id=indicator_id,
            value=np.where(missing, np.nan, 100 * share),
            ci_lower=np.where(missing | ~has_bound, np.nan, 100 * np.maximum(0.0, share - halfwidth)),
            ci_upper=np.where(missing | ~has_bound, np.nan, 100 * np.minimum(1.0, share + halfwidth)),
            numerator=np.where(missing, np.nan, numerator),
            denominator=total,
            status=np.where(missing, "x", np.where(unreliable, "u", "")),
            note=np.where(
                missing, notes_missing, np.where(unreliable, "rests on a count Nomis marks unreliable (sample 3-9)", "")
            ),
            ci_method=METHOD if scale == 1.0 else f"{METHOD}, scaled by {scale:.2f} to ONS's level 3+ intervals",
            _order=range(len(index)),
        )
        frames.append(frame.assign(_level=len(frames)))
    out = pd.concat(frames, ignore_index=True).sort_values(["_order", "_level"], kind="stable")
    out["period"] = out["period"].astype(str)
    return out[SHARE_COLUMNS].reset_index(drop=True)


def aggregate_counts(counts: pd.DataFrame, members: list[str], code: str, name: str) -> pd.DataFrame:
    """Sum T19 counts of member LADs into one area, per period and category.

    Half-widths add in quadrature (LA samples are independent). A member count that Nomis marks
    unreliable (`*`, no interval given) contributes a half-width equal to the count itself, a wide
    guess. A suppressed member count cannot be summed: it is left out, and the aggregate's row says
    how many were left out (`excluded`), so the caller can flag the result.
    """
    sub = counts[counts["geography_code"].isin(members)]
    found = set(sub["geography_code"])
    absent = sorted(set(members) - found)
    if absent:
        raise KeyError(f"no T19 counts for member areas {', '.join(absent)}")
    half = sub["ci_halfwidth"].where(sub["ci_mark"] != "*", sub["count"])
    sub = sub.assign(_var=half**2, _excluded=sub["count"].isna().astype(int))
    out = (
        sub.groupby(["period", "category"], sort=False)
        .agg(count=("count", "sum"), _var=("_var", "sum"), excluded=("_excluded", "sum"))
        .reset_index()
    )
    out["ci_halfwidth"] = np.sqrt(out.pop("_var"))
    out["geography_code"], out["geography_name"] = code, name
    out["count_mark"], out["ci_mark"] = "", ""
    return out


def aggregated_shares(
    counts: pd.DataFrame, members: list[str], code: str, name: str, scale: float = 1.0
) -> pd.DataFrame:
    """Level shares for an area built from member LADs. Where suppressed counts were left out the note says
    how many; the figure is not marked [u], which is kept for estimates that are themselves unreliable."""
    agg = aggregate_counts(counts, members, code, name)
    shares = level_shares(agg, scale)
    excluded = agg.groupby("period")["excluded"].sum()
    note = f"sum of {len(members)} local authority estimates"
    shares["note"] = note
    for period, n in excluded.items():
        if n:
            sel = shares["period"] == str(period)
            shares.loc[sel, "note"] = f"{note}; {n} suppressed local authority counts (0-2 respondents each) left out"
    return shares


def rounding_tolerance(share_pct: float, denominator: float, indicator_id: str) -> float:
    """Largest gap (pp) between a share derived from Nomis counts and ONS's own published figure.

    Nomis rounds each count to the nearest 100, so each is off by up to 50: the numerator by up to
    50 × (sum of weights) and the denominator by up to 50 × 7; ONS rounds its figure to 1 dp (0.05).
    """
    weights = LEVELS[indicator_id]
    numerator_error = 50 * sum(weights.values())
    denominator_error = 50 * len(CATEGORIES)
    return 100 * (numerator_error + share_pct / 100 * denominator_error) / denominator + 0.05


def prefer_published(
    shares: pd.DataFrame, published: pd.DataFrame, indicator_id: str = "qual_l3plus_16_64"
) -> pd.DataFrame:
    """Use ONS's published value and interval for `indicator_id` where ONS publishes the area and year.

    The derived value is kept in `derived_value`. For an area read directly from Nomis (not summed
    from local authorities) a derived value further from ONS's than count rounding allows means the
    derivation is wrong, so it raises.
    """
    out = shares.copy()
    out["derived_value"] = out["value"]
    pub = published.set_index(["geography_code", "period"])
    for idx, row in out[out["indicator_id"] == indicator_id].iterrows():
        key = (row["geography_code"], row["period"])
        if key not in pub.index or pd.isna(pub.loc[key, "value"]):
            continue
        p = pub.loc[key]
        if not str(row["note"]).startswith("sum of") and pd.notna(row["value"]):
            tolerance = rounding_tolerance(row["value"], row["denominator"], indicator_id)
            if abs(row["value"] - p["value"]) > tolerance:
                raise ValueError(
                    f"{indicator_id} {key}: derived {row['value']:.2f} is more than {tolerance:.2f}pp "
                    f"from ONS's published {p['value']}"
                )
        out.loc[idx, ["value", "ci_lower", "ci_upper"]] = [p["value"], p["ci_lower"], p["ci_upper"]]
        out.loc[idx, "ci_method"] = "published by ONS"
        out.loc[idx, "status"] = p["status"] if isinstance(p["status"], str) else ""
    return out

"""Every English local authority's figure, rank and verdict against England for each monitoring measure.

The table behind the maps and the distribution chart of where an area sits, and behind
`skills-evidence indicators --all-areas`: for each measure, at the period the edition uses, every
English authority's figure with its rank among all authorities with a figure and among those of its own
kind (unitary, district, metropolitan district, London borough, county), its verdict against England,
England's figure and the authority's region. Read from the same series as the monitoring page
(chapters.progress), so the ranks and verdicts there and here agree.
"""

from __future__ import annotations

import pandas as pd

from skills_evidence.chapters import progress
from skills_evidence.statistics import indicators
from skills_evidence.statistics import progress as rules

#: The kind of authority a GSS code's prefix names.
KINDS = {
    "E06": "unitary authority",
    "E07": "non-metropolitan district",
    "E08": "metropolitan district",
    "E09": "London borough",
    "E10": "county",
}
#: The series' own columns (the measure, the authority, its figure, interval and mark; chapters.progress), with
#: the authority's kind and region, its ranks, England's figure and the verdict against it.
FIGURE_COLUMNS = [c for c in progress.SERIES_COLUMNS if c not in ("dataset", "method")]
COLUMNS = [*FIGURE_COLUMNS[:3], "kind", "region_code", *FIGURE_COLUMNS[3:]] + (
    [
        "rank",
        "rank_of",
        "rank_in_kind",
        "rank_in_kind_of",
        "england_value",
        "unit",
        "polarity",
        "source_id",
        "vs_england",
    ]
)


def measure(
    data: pd.DataFrame,
    indicator_id: str,
    period: str,
    lad21: pd.DataFrame,
    authorities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One measure's rows: every English authority with a figure for `period` (never a missing one ranked),
    ranked within its tier (districts and unitaries, or counties with unitaries; counties always among the
    upper tier), among today's authorities where the edition pins them, else those of 2021."""
    item = indicators.entry(indicator_id)
    polarity = int(item["polarity"])
    shown = progress.preferred(data[data["period"] == period])
    # Today's authorities where the edition pins them; else the 2021 districts and unitaries with the counties
    # (as the monitoring page ranks): never an abolished district or an old code beside its successor.
    if authorities is not None:
        current = set(authorities["area_code"])
    else:
        current = progress.ranked_set(data, {"current": progress.rankable(lad21), "current_basis": "2021 boundaries"})
    rows = shown[shown["geography_code"].str.match(progress.LOCAL_AUTHORITY)].copy()
    rows = rows[rows["geography_code"].isin(current)]
    rows["kind"] = rows["geography_code"].str[:3].map(KINDS)
    rows["rank"], rows["rank_of"] = pd.NA, pd.NA
    rows["rank_in_kind"], rows["rank_in_kind_of"] = pd.NA, pd.NA
    # A measure published for districts ranks districts and unitaries together, and counties apart among the
    # upper tier; one published for upper-tier authorities ranks counties with unitaries in one pass.
    county = rows["geography_code"].str.startswith("E10")
    lower_tier = rows["geography_code"].str.startswith("E07").any()
    passes = [(None, ~county), ("upper", county)] if lower_tier else [(None, county | ~county)]
    for tier, chosen in passes:
        # Ranks on the figures every authority has at one precision (as the monitoring page ranks).
        comparable = progress.local_authorities(progress.comparable(data), period, tier)
        comparable = comparable[comparable["geography_code"].isin(current)]
        values = comparable.set_index("geography_code")["value"]
        by_kind = values.groupby(values.index.str[:3])
        in_kind = by_kind.transform(lambda v: rules.ranks(v, polarity))
        codes = rows.loc[chosen, "geography_code"]
        rows.loc[chosen, "rank"] = codes.map(rules.ranks(values, polarity))
        rows.loc[chosen, "rank_of"] = values.notna().sum()
        rows.loc[chosen, "rank_in_kind"] = codes.map(in_kind)
        rows.loc[chosen, "rank_in_kind_of"] = codes.str[:3].map(by_kind.count())
    rows["rank"] = rows["rank"].astype("Int64")
    rows["rank_in_kind"] = rows["rank_in_kind"].astype("Int64")
    england = shown.loc[shown["geography_code"] == progress.ENGLAND[0], "value"]
    rows["england_value"] = england.iloc[0] if len(england) else float("nan")
    regions = dict(zip(lad21["lad_code"], lad21["region_code"]))
    if authorities is not None:
        regions |= dict(zip(authorities["area_code"], authorities["region_code"]))
    rows["region_code"] = rows["geography_code"].map(regions)
    rows["unit"], rows["polarity"], rows["source_id"] = item["unit"], polarity, rows["dataset"]
    rows["indicator_id"] = indicator_id
    # Each authority against England by the monitoring page's rule (Fingertips': its interval against England's figure).
    at_england = shown[shown["geography_code"] == progress.ENGLAND[0]]
    rows["vs_england"] = (
        [rules.versus(r, at_england.iloc[0].to_dict(), polarity) for r in rows.to_dict("records")]
        if len(at_england)
        else "not compared"
    )
    return rows[COLUMNS]


def table(
    inputs: progress.Inputs, latest: dict[str, str], series: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Every monitoring measure the edition reports (`latest`, by measure) for every English authority, at
    the newest period each measure holds for authorities; `series` holds measures' series already read."""
    frames = []
    for indicator_id in progress.measures_in(latest):
        data = (series or {}).get(indicator_id)
        data = progress.series(inputs, indicator_id) if data is None else data
        data = data[data["period"] <= str(latest[indicator_id])]
        held = data.loc[data["value"].notna() & data["geography_code"].str.match(progress.LOCAL_AUTHORITY)]
        if held.empty:
            continue
        frames.append(measure(data, indicator_id, held["period"].max(), inputs.lad21, inputs.authorities))
    return pd.concat(frames, ignore_index=True).sort_values(["indicator_id", "geography_code"], ignore_index=True)

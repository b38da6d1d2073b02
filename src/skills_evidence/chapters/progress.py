"""Progress on the eight priorities: the annual monitoring report Cabinet and Scrutiny receive.

For every measure the catalogue marks for monitoring (`monitoring:` in data/indicators.yaml) the
chapter reads its series for every place from the official files, stops each at the period this
edition uses, and states: the baseline (the period the 2022 edition used) and the latest figure, the
change between them (tested where both have intervals, never across a break in series), the recent
direction of travel, and the area against England, its region and its statistical neighbours, with
its place among English local authorities (the spine chart). The rules are in statistics/progress.py.
No measure has a target, so nothing is scored against one.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from afcharts.af_colours import get_af_colours
from IPython.display import Markdown

from skills_evidence import periods
from skills_evidence.chapters import attainment, charts, escape, geography, prose
from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.places import possessive
from skills_evidence.statistics import indicators, neighbours, progress
from skills_evidence.statistics.qualifications import aggregated_shares, interval_scale, level_shares

#: This chapter's sentence templates: chapters/progress.sentences.yaml.
CHAPTER = "progress"
ENGLAND = attainment.ENGLAND
#: English local authority codes: unitaries, districts, metropolitan districts, London boroughs, counties.
LOCAL_AUTHORITY = re.compile(r"^E(0[6-9]|10)\d{6}$")
SERIES_COLUMNS = [
    "indicator_id",
    "geography_code",
    "geography_name",
    "period",
    "basis",
    "value",
    "ci_lower",
    "ci_upper",
    "status",
    "dataset",
    "method",
]
REFERENCE = ("lad21_reference", "dfe_statistical_neighbours")
#: ONS's similar areas (the 20 nearest authorities on its global model): the comparators of adult and economic
#: measures in editions that pin them; DfE's statistical neighbours stay the comparators of pupil measures.
SIMILAR = "ons_similar_areas"
SIMILAR_MODEL = "global"
#: The hex cartograms the maps of where an area sits are drawn on (data/reference/hex_cartogram.csv).
HEXES = "hex_cartogram"
#: The share of a comparator set that must have a figure for its average to be shown (else "not compared").
MIN_SHARE = Fraction(2, 3)  # the page's note words it from this value (fraction_words)


@dataclass
class Inputs:
    """The datasets the monitoring measures read, by dataset name, and the geography references."""

    tables: dict[str, pd.DataFrame]
    lad21: pd.DataFrame
    groups: pd.DataFrame
    vintages: dict[str, str] = field(default_factory=dict)
    #: The area whose book is being made ("" for every area at once): the council's own more precise
    #: figures are used in its own book only.
    area_code: str = ""
    #: Current English authorities (counties included) and ONS's similar areas, where the edition pins them.
    authorities: pd.DataFrame | None = None
    similar: pd.DataFrame | None = None
    #: Every authority's hexagon on Open Innovations' cartograms, where the edition pins them (the maps).
    hexes: pd.DataFrame | None = None


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the pinned snapshot files named by dataset name (provenance in each file's .meta.yaml sidecar)."""
    tables = {name: read_table(path) for name, path in paths.items()}
    lad21, groups = tables.pop(REFERENCE[0]), tables.pop(REFERENCE[1])
    authorities, similar = tables.pop(geography.AUTHORITIES, None), tables.pop(SIMILAR, None)
    hexes = tables.pop(HEXES, None)
    return Inputs(tables, lad21, groups, vintages or {}, authorities=authorities, similar=similar, hexes=hexes)


def _published(inputs: Inputs, indicator_id: str, source: dict) -> pd.DataFrame:
    """The figure as the publisher gives it, with its interval where it has one."""
    return inputs.tables[source["dataset"]].copy()


def _t19_share(inputs: Inputs, indicator_id: str, source: dict) -> pd.DataFrame:
    """The share derived from APS T19 counts for every area Nomis publishes, and each English region
    summed from its districts (a region with a district missing from the counts is left without a figure).
    Intervals are widened to ONS's published level 3+ ones in the dataset the source names as `scaled_by`."""
    t19 = inputs.tables[source["dataset"]]
    scale = interval_scale(t19, inputs.tables[source["scaled_by"]]).factor
    frames = [level_shares(t19, scale)]
    english = inputs.lad21[inputs.lad21["country_code"] == ENGLAND[0]]
    for (code, name), members in english.groupby(["region_code", "region_name"])["lad_code"]:
        try:
            frames.append(aggregated_shares(t19, members.tolist(), code, name, scale))
        except KeyError:
            continue
    shares = pd.concat(frames, ignore_index=True)
    return shares[shares["indicator_id"] == indicator_id]


def _dfe_disadvantage_gap(inputs: Inputs, indicator_id: str, source: dict) -> pd.DataFrame:
    """DfE's disadvantage gap for every place and year in the KS4 pupil-group file, by the attainment
    chapter's rule (disadvantaged minus all other pupils, unrounded; [c] under 10 pupils)."""
    ks4 = inputs.tables[source["dataset"]]
    groups = {group: breakdown_id for _, group, _, breakdown_id in attainment.KS4_GROUPS}
    rows = ks4[ks4["breakdown"] == "disadvantage"].assign(breakdown_id=lambda d: d["group"].map(groups))
    small = rows["t_pupils"].isna() | (rows["t_pupils"] < attainment.MIN_PUPILS)
    rows = rows.assign(att8=rows["avg_att8_unrounded"].where(~small), status=small.map({True: "c", False: ""}))
    frames = []
    for period, part in rows.groupby("period"):
        gaps = attainment.disadvantage_gap(part).rename(columns={"gap": "value"})
        frames.append(gaps.assign(period=period))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SERIES_COLUMNS)


def _more_precise(inputs: Inputs, indicator_id: str, source: dict) -> pd.DataFrame:
    """DfE's figures to one decimal place as the council published them (its own area and England), which
    replace the open data's whole-per-cent figures for display (`preferred`), as the attainment chapter does."""
    published = inputs.tables[source["dataset"]]
    council = attainment.publishing_council(published)
    codes = dict(zip(inputs.lad21["lad_name"], inputs.lad21["lad_code"])) | {ENGLAND[1]: ENGLAND[0]}
    if inputs.area_code and codes.get(council) != inputs.area_code:
        return pd.DataFrame(columns=["geography_code", "geography_name", "period", "value", "status"])
    rows = published[published["geography"].isin({council, ENGLAND[1]} - {None})]
    return pd.DataFrame(
        {
            "geography_code": rows["geography"].map(codes),
            "geography_name": rows["geography"],
            "period": rows["period"].astype(int).map(periods.of_summer),
            "value": rows["value"],
            "status": "",
        }
    )


#: How a measure's series is read from a dataset (`method:` in the catalogue's monitoring block).
READERS = {
    "published": _published,
    "t19_share": _t19_share,
    "dfe_disadvantage_gap": _dfe_disadvantage_gap,
    "more_precise": _more_precise,
}
#: Methods whose figures replace others' for display but are not the same precision for every authority, so
#: ranks and the spine chart's range use the figures underneath.
OVERLAYS = {"more_precise"}


def preferred(data: pd.DataFrame) -> pd.DataFrame:
    """One figure per place and period: a more precise figure where a source gives one, else the series'."""
    ordered = data.assign(_overlay=data["method"].isin(OVERLAYS)).sort_values("_overlay", kind="stable")
    kept = ordered.drop_duplicates(["geography_code", "period"], keep="last").drop(columns="_overlay")
    return kept.sort_index()


def comparable(data: pd.DataFrame) -> pd.DataFrame:
    """The figures at one precision for every authority (ranks and the spine chart's range)."""
    return data[~data["method"].isin(OVERLAYS)]


def series(inputs: Inputs, indicator_id: str) -> pd.DataFrame:
    """A measure's figures for every place and period, each row with the basis of its source."""
    frames = []
    for source in indicators.entry(indicator_id)["monitoring"]["sources"]:
        if source["method"] not in READERS:
            raise indicators.CatalogueError(f"{indicator_id}: unknown monitoring method {source['method']!r}")
        frame = READERS[source["method"]](inputs, indicator_id, source)
        frame = frame.assign(period=frame["period"].astype(str))
        if "from" in source:
            frame = frame[frame["period"] >= str(source["from"])]
        if "to" in source:
            frame = frame[frame["period"] <= str(source["to"])]
        for column in ("ci_lower", "ci_upper"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else float("nan")
        frame["status"] = frame["status"].fillna("").astype(str) if "status" in frame else ""
        frames.append(
            frame.assign(
                indicator_id=indicator_id,
                basis=source.get("basis", ""),
                dataset=source["dataset"],
                method=source["method"],
            )[SERIES_COLUMNS]
        )
    return pd.concat(frames, ignore_index=True)


def comparators(
    area_code: str,
    lad21: pd.DataFrame,
    groups: pd.DataFrame,
    similar: pd.DataFrame | None = None,
    authorities: pd.DataFrame | None = None,
) -> dict:
    """The area's benchmarks: England, its region, its DfE statistical neighbours (the comparator groups,
    from which each figure takes the set in force for its period) and, where pinned, ONS's similar areas."""
    row = lad21[lad21["lad_code"] == area_code]
    if row.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    return {
        "home": indicators.strategy_for(area_code) is not None,
        "area": (area_code, row["lad_name"].iloc[0]),
        "england": ENGLAND,
        "region": (row["region_code"].iloc[0], f"{row['region_name'].iloc[0]} region"),
        "groups": groups,
        # Who is ranked: today's authorities where the edition pins them (from 2026); before, the 2021 districts
        # and unitaries every edition pins, with the counties, so an abolished district or an old code (Barnsley
        # and Sheffield's before 2021) is never ranked beside its successor.
        "current": rankable(lad21) if authorities is None else set(authorities["area_code"]),
        "current_basis": "2021 boundaries" if authorities is None else "",
        "similar": None
        if similar is None
        else similar.loc[
            (similar["area_code"] == area_code) & (similar["model"] == SIMILAR_MODEL), "neighbour_code"
        ].tolist(),
    }


#: Why an area has no figure, in the Analysis Function's shorthand the publishers use (the latest mark shown).
MISSING_WHY = {
    "x": "[x] not available: the publisher prints no figure for it",
    "c": "[c] suppressed by the publisher to protect confidentiality",
    "u": "[u] the publisher judges the estimate unreliable and prints none",
    "z": "[z] not applicable",
    "": "the publisher's file has no row for this area",
}


def _at(frame: pd.DataFrame, code: str, period: str) -> pd.Series | None:
    rows = frame[(frame["geography_code"] == code) & (frame["period"] == period)]
    return rows.iloc[0] if len(rows) else None


def _row(period: str, value: float) -> pd.Series:
    return pd.Series({"period": period, "value": value, "ci_lower": float("nan"), "ci_upper": float("nan")})


def _label(item: dict) -> str:
    """A measure's name in the tables; one that stands in for a measure no open source publishes says so."""
    label = item.get("short_label", item["label"])
    stands = indicators.awaiting_data().get(item.get("stands_in_for", ""))
    return f"{label} (nearest official measure to {stands['label'].lower()})" if stands else label


def assess(data: pd.DataFrame, indicator_id: str, places: dict, latest: str) -> dict:
    """One measure for the area: baseline, latest (the newest figure up to `latest`), change, direction
    of travel, the comparisons and the rank, as the monitoring table's row."""
    item = indicators.entry(indicator_id)
    polarity, baseline_period = int(item["polarity"]), str(item["monitoring"]["baseline"])
    data = data[data["period"] <= latest]
    ranked_on, data = comparable(data), preferred(data)
    area_code, area_name = places["area"]
    area = data[(data["geography_code"] == area_code) & data["value"].notna()].sort_values("period")
    out = {
        "indicator_id": indicator_id,
        "label": _label(item),
        "priorities": ";".join(str(p) for p in item["priorities"]),
        "unit": item["unit"],
        "polarity": polarity,
        "target": "none set",
        "source": item.get("home_source", item["source"]) if places.get("home") else item["source"],
        "caveat": item.get("caveat", ""),
        "baseline_period": baseline_period,
        "asked_for": latest,
    }
    if area.empty:
        marks = data.loc[data["geography_code"] == area_code, "status"].replace("", pd.NA).dropna()
        return {
            **out,
            "latest_period": "",
            "change_assessment": "no figure in this edition's inputs",
            "missing_why": MISSING_WHY.get(marks.iloc[-1] if len(marks) else "", MISSING_WHY[""]),
        }
    now = area.iloc[-1]
    base = _at(data, area_code, baseline_period)
    base = base if base is not None else _row(baseline_period, float("nan"))
    change = progress.change(base, now, polarity)
    out.update(
        baseline_basis=base.get("basis", ""),
        baseline_value=base["value"],
        latest_period=now["period"],
        latest_basis=now["basis"],
        latest_value=now["value"],
        latest_ci_lower=now["ci_lower"],
        latest_ci_upper=now["ci_upper"],
        change=change.difference,
        z=change.z,
        change_assessment=change.verdict,
        change_judgement=change.judgement,
        direction_of_travel=progress.trend_reading(progress.direction_of_travel(area), polarity),
    )
    out["latest_status"] = now["status"]
    if now["status"] == "u":  # ONS prints the figure but calls it unreliable: shown with [u], never judged
        unreliable = "not compared ([u] ONS: estimate unreliable, small sample)"
        out.update(change_judgement=unreliable, change_assessment=unreliable, direction_of_travel="[u] not judged")
    if item["unit"] == "£" and change.verdict not in ("no new data", "revised") and pd.notna(change.difference):
        # Money at current prices: a cash rise is not an improvement; the area is read against England's.
        then, later, words = progress.relative_to_benchmark(
            base, now, _at(data, ENGLAND[0], baseline_period), _at(data, ENGLAND[0], now["period"]), polarity
        )
        out.update(
            change_judgement=f"{words}: {then:.2f} then {later:.2f} of England's" if pd.notna(then) else words,
            direction_of_travel=progress.direction_of_travel(area) + " in cash terms",
        )
    for key in ("england", "region"):
        code, name = places[key]
        bench = _at(data, code, now["period"])
        out[f"{key}_name"] = name
        out[f"{key}_value"] = bench["value"] if bench is not None else float("nan")
        out[f"vs_{key}"] = progress.versus(now, bench, polarity) if bench is not None else "not compared"
    out.update(_neighbours(item, places, ranked_on, now, polarity))
    if now["status"] == "u":
        out.update({f"vs_{key}": out["change_judgement"] for key in ("england", "region", "neighbours")})
    tier = "upper" if area_code.startswith("E10") else None
    current = ranked_set(ranked_on, places)
    authorities, every = (local_authorities(ranked_on, now["period"], tier, u, current) for u in (False, True))
    out["rank_left_out"] = len(every) - len(authorities)  # [u] estimates of the same authorities
    lower = authorities["geography_code"].str.startswith("E07").any()
    out["rank_no_figure"] = no_figure(ranked_on, now["period"], lower, set(every["geography_code"]), current)
    out["rank_set"] = "districts and unitaries" if lower else "upper-tier authorities"
    if lower and places.get("current_basis"):
        out["rank_set"] += f" ({places['current_basis']})"
    ranked = progress.rank_among(authorities.set_index("geography_code")["value"], area_code, polarity)
    spread = progress.rank_interval(
        authorities.set_index("geography_code")["value"],
        (authorities.set_index("geography_code")["ci_upper"] - authorities.set_index("geography_code")["ci_lower"]) / 2,
        area_code,
        polarity,
    )
    out["rank_low"], out["rank_high"] = spread if spread and ranked else (None, None)
    out["rank"], out["rank_of"] = ranked if ranked else (None, len(authorities))
    return out


def comparator_set(item: dict, places: dict, period: str) -> tuple[str, list[str], str, str]:
    """The comparator set that fits a measure in `period` (id, member codes, short label, name): ONS's similar
    areas for adult and economic measures where the edition pins them, else DfE's statistical neighbours on
    the set in force for the period."""
    area_code, area_name = places["area"]
    group_id, _ = neighbours.set_for(period, indicators.neighbour_sets())
    codes = neighbours.members(places["groups"], group_id, area_code)
    label, name = f"{group_id[-4:]} set", neighbours.group_name(area_name, group_id) if codes else ""
    wants_ons = item["monitoring"].get("comparators") == "ons_similar" or not codes
    if wants_ons and places.get("similar"):
        group_id, codes = f"ons_similar_{SIMILAR_MODEL}", places["similar"]
        label, name = "ONS similar areas", f"{possessive(area_name)} ONS similar areas ({SIMILAR_MODEL} model)"
    return group_id, list(codes), label, name


def _neighbours(item: dict, places: dict, ranked_on: pd.DataFrame, now: pd.Series, polarity: int) -> dict:
    """The area against the comparator set that fits the measure: ONS's similar areas for adult and economic
    measures where the edition pins them, else DfE's statistical neighbours on the set in force for the
    period. The set's average (a simple mean, DfE's method) is shown only when at least MIN_SHARE of the
    set has a figure; otherwise the row says how many do."""
    group_id, codes, label, name = comparator_set(item, places, str(now["period"]))
    # The neighbours' figures at the one precision every authority has (DfE averages its published figures).
    members = ranked_on[(ranked_on["period"] == now["period"]) & ranked_on["geography_code"].isin(codes)]
    members = members.dropna(subset=["value"])
    members = members[members["status"] != "u"]  # an estimate ONS calls unreliable does not enter the average
    values = members["value"]
    enough = bool(codes) and len(values) >= MIN_SHARE * len(codes)
    if not codes:
        verdict = "not compared (no DfE statistical neighbours for a district)"
    elif not enough:
        verdict = f"not compared ({len(values)} of {len(codes)} with a figure)"
    else:
        mean, low, high = progress.mean_with_interval(members)
        average = pd.Series({"period": now["period"], "value": mean, "ci_lower": low, "ci_upper": high})
        verdict = progress.versus(now, average, polarity)  # both sides' uncertainty where both have it
    return {
        "neighbours_name": name if codes else "",
        "neighbours_id": group_id if codes else "",
        "neighbours_set": label if codes else "",
        "neighbours_basis": now["basis"],
        "neighbours_dataset": now["dataset"],
        "neighbours_with_figure": len(values),
        "neighbours_of": len(codes),
        "neighbours_value": values.mean() if enough else float("nan"),
        "vs_neighbours": verdict,
    }


def rankable(lad21: pd.DataFrame) -> set[str]:
    """The 2021 English districts and unitaries (lad21 lists no counties: `assess` adds those it meets)."""
    return set(lad21.loc[lad21["country_code"] == ENGLAND[0], "lad_code"])


def ranked_set(data: pd.DataFrame, places: dict) -> set[str] | None:
    """The authorities ranks and the spine chart's range run over, each once: today's where the edition pins
    them; else the 2021 districts and unitaries with the counties the file holds (no abolished district or
    old code beside its successor); None where the edition pins neither."""
    current = places.get("current")
    if current is not None and places.get("current_basis"):
        current = current | set(data.loc[data["geography_code"].str.startswith("E10"), "geography_code"])
    return current


def local_authorities(
    data: pd.DataFrame,
    period: str,
    tier: str | None = None,
    unreliable: bool = False,
    among: set[str] | None = None,
) -> pd.DataFrame:
    """English local authorities with a figure in `period`, of one tier so none is counted twice: districts
    and unitaries where the file publishes districts (survey and benefit measures), else upper-tier
    authorities, counties with unitaries (DfE's school measures); `tier="upper"` asks for the upper tier
    whatever the file publishes (a county's rank)."""
    rows = data[(data["period"] == period) & data["value"].notna()]
    if not unreliable:
        rows = rows[rows["status"] != "u"]  # ONS calls these unreliable: never ranked
    rows = rows[rows["geography_code"].str.match(LOCAL_AUTHORITY)]
    if among is not None:  # one set of authorities (ranked_set)
        rows = rows[rows["geography_code"].isin(among)]
    lower = tier != "upper" and rows["geography_code"].str.startswith("E07").any()
    return rows[~rows["geography_code"].str.startswith("E10" if lower else "E07")]


def no_figure(
    data: pd.DataFrame, period: str, lower: bool, ranked: set[str], current: pd.Series | list | None = None
) -> str:
    """Authorities of the ranked tier that the file lists in `period` without a figure, by the publisher's
    mark ("3 [x], 1 [c]"): a rank "of N" says who was not in N. `ranked` are those with a figure."""
    rows = data[(data["period"] == period) & data["value"].isna() & data["geography_code"].str.match(LOCAL_AUTHORITY)]
    rows = rows[~rows["geography_code"].str.startswith("E10" if lower else "E07")]
    rows = rows[~rows["geography_code"].isin(ranked)].drop_duplicates("geography_code")
    if current is not None:
        rows = rows[rows["geography_code"].isin(current)]
    marks = rows["status"].replace("", "x").value_counts()
    return ", ".join(f"{n} [{mark}]" for mark, n in sorted(marks.items()))


def spine(data: pd.DataFrame, indicator_id: str, area_code: str, period: str, places: dict | None = None) -> dict:
    """The spine chart's row: the range of English local authorities in `period` (the set ranks run over),
    England and the area."""
    values = local_authorities(comparable(data), period, among=ranked_set(comparable(data), places or {}))["value"]
    data = preferred(data)
    at = {code: _at(data, code, period) for code in (area_code, ENGLAND[0])}
    return {
        "indicator_id": indicator_id,
        "period": period,
        "authorities": len(values),
        "lowest": values.min(),
        "quartile_25": values.quantile(0.25),
        "median": values.median(),
        "quartile_75": values.quantile(0.75),
        "highest": values.max(),
        "england": at[ENGLAND[0]]["value"] if at[ENGLAND[0]] is not None else float("nan"),
        "area": at[area_code]["value"] if at[area_code] is not None else float("nan"),
    }


@dataclass
class Result:
    """What the chapter shows."""

    edition: int
    area_code: str
    area_name: str
    measures: pd.DataFrame
    spine: pd.DataFrame
    series: pd.DataFrame
    awaiting: pd.DataFrame
    key_figures: dict = field(default_factory=dict)
    #: The strategy the page reports (indicators.strategy_for), or None: the measures are grouped by theme.
    strategy: dict | None = None
    #: The area's benchmarks (`comparators`): England, region, comparator sets and the authorities ranked.
    places: dict = field(default_factory=dict)


def measures_in(latest: dict[str, str]) -> list[str]:
    """The monitoring measures an edition reports (those its `latest` lists), in the catalogue's order;
    a measure added to the catalogue joins the next edition and never changes a published one."""
    indicators.source_datasets(list(latest))  # refuses an id that is not a monitoring measure
    return [i for i in indicators.monitored() if i in latest]


def compute(inputs: Inputs, edition: int, area_code: str, latest: dict[str, str]) -> Result:
    """Every monitoring measure for the area, cut at the periods this edition uses (`latest`, by measure)."""
    lad21 = geography.with_area(inputs.lad21, inputs.authorities, area_code)
    places = comparators(area_code, lad21, inputs.groups, inputs.similar, inputs.authorities)
    inputs = dataclasses.replace(inputs, area_code=area_code)
    rows, spines, shown = [], [], []
    codes = [area_code, ENGLAND[0], places["region"][0]]
    for indicator_id in measures_in(latest):
        data = series(inputs, indicator_id)
        data = data[data["period"] <= str(latest[indicator_id])]
        row = assess(data, indicator_id, places, str(latest[indicator_id]))
        rows.append(row)
        if row["latest_period"]:
            spines.append(spine(data, indicator_id, area_code, row["latest_period"], places))
        shown.append(preferred(data)[lambda d: d["geography_code"].isin(codes)])
    awaiting = pd.DataFrame(
        [
            {
                "measure_id": key,
                "label": a["label"],
                "priorities": ";".join(str(p) for p in a["priorities"]),
                "owner": a["owner"],
                "source": a["source"],
            }
            for key, a in indicators.awaiting_data().items()
            if a.get("measured_by") not in latest and a.get("area", area_code) == area_code
        ],
        columns=["measure_id", "label", "priorities", "owner", "source"],
    )
    strategy = indicators.strategy_for(area_code)
    measures = pd.DataFrame(rows)
    # The priorities a measure serves are the area's strategy's; an area without one groups them by theme.
    measures["priorities"] = [
        ";".join(str(n) for n, ids in (strategy or {"serving": {}})["serving"].items() if i in ids)
        for i in measures["indicator_id"]
    ]
    targets = (strategy or {}).get("targets") or {}
    measures["target"] = [targets.get(i, "none set") for i in measures["indicator_id"]]
    measures["against_target"] = [
        _against_target(r["latest_value"], targets[r["indicator_id"]], r["polarity"])
        if r["indicator_id"] in targets and r.get("latest_period")
        else ""
        for r in measures.to_dict("records")
    ]
    measures["theme"] = [
        indicators.themes().get(indicators.entry(i).get("theme", ""), "") for i in measures["indicator_id"]
    ]
    if strategy is None and len(awaiting):
        awaiting = awaiting.assign(priorities="")
    result = Result(
        edition,
        area_code,
        places["area"][1],
        measures,
        pd.DataFrame(spines),
        pd.concat(shown, ignore_index=True).sort_values(["indicator_id", "geography_code", "period"]),
        awaiting,
        strategy=strategy,
        places=places,
    )
    result.key_figures = {"progress": key_figures(result)}
    return result


def value_text(row: pd.Series | dict, column: str) -> str:
    """A figure as the page prints it, by the measure's unit ("61.2%", "£712", "[x]" for none)."""
    unit = row["unit"]
    value = row.get(column, float("nan"))
    if pd.isna(value):
        return "[x]"
    if unit == "£":  # pounds a week or a year to the pound; pounds an hour (GVA) to the penny
        return f"£{value:,.2f}" if abs(value) < 100 else f"£{value:,.0f}"
    if unit == "per 100,000":
        return f"{value:,.0f}"
    whole = indicators.entry(row["indicator_id"]).get("whole_numbers") and float(value).is_integer()
    return f"{number(value, 0 if whole else 1)}{UNIT_SUFFIX.get(unit, '')}"  # never a ".0" the publisher did not give


#: What follows a figure in the tables, by the catalogue's unit.
UNIT_SUFFIX = {"%": "%", "tCO2e": " t"}


def _with_period(row: pd.Series, prefix: str) -> str:
    if not row.get(f"{prefix}_period") or pd.isna(row.get(f"{prefix}_value", float("nan"))):
        return f"[x] ({row.get(f'{prefix}_period', '')})"
    basis = row.get(f"{prefix}_basis", "")
    mark = " [u]" if row.get(f"{prefix}_status") == "u" else ""
    return f"{value_text(row, f'{prefix}_value')}{mark} ({row[f'{prefix}_period']}{', ' + basis if basis else ''})"


def brief(verdict: object, polarity: int = 0) -> str:
    """A verdict as the tables print it: "(not tested)" for "(no interval, not tested)", with whether the
    side is better or worse where the measure's polarity says ("higher (worse, not tested)"), and a break
    in series without its "not compared", which the page's notes explain; the CSVs keep the full words."""
    if not isinstance(verdict, str):
        return ""
    side = _side(verdict, polarity)
    untested = f" ({side}, not tested)" if side else " (not tested)"
    return verdict.replace(" (no interval, not tested)", untested).replace("): not compared", ")")


def _side(verdict: str, polarity: int) -> str:
    """ "better" or "worse" for an untested higher/lower or increase/decrease, by polarity; "" otherwise."""
    first = verdict.split(" ")[0]
    if "not tested" in verdict and first in ("gained", "fell"):  # money against England: already read
        return "better" if first == "gained" else "worse"
    if polarity == 0 or "not tested" not in verdict or first not in ("higher", "lower", "increase", "decrease"):
        return ""
    return "better" if (first in ("higher", "increase")) == (polarity > 0) else "worse"


def _change(row: pd.Series) -> str:
    if pd.isna(row.get("change", float("nan"))) or row["baseline_period"] == row["latest_period"]:
        return f"[z] {brief(row.get('change_judgement'), row['polarity'])}".strip()
    whole = row["unit"] == "per 100,000" or (row["unit"] == "£" and abs(row["baseline_value"]) >= 100)
    digits = 0 if whole else (2 if row["unit"] == "£" else 1)
    unit = {"%": " pp", "points": " points", "tCO2e": " t"}.get(row["unit"], "")
    shown = signed(row["change"], digits) if not whole else f"{row['change']:+,.0f}".replace("-", "\u2212")
    shown = shown.replace("+", "+£" if row["unit"] == "£" else "+")
    if "not tested" in str(row["change_judgement"]) and shown.strip("0.") == "":
        return f"{shown}{unit}: no change at the precision published"
    if row["unit"] == "£":
        shown = shown.replace("\u2212", "\u2212£")
    return f"{shown}{unit}: {brief(row['change_judgement'], row['polarity'])}"


def serving(priorities: pd.Series, priority: int) -> pd.Series:
    """Which rows serve `priority`, from their `priorities` column ("6;7")."""
    return priorities.str.split(";").map(lambda numbers: str(priority) in numbers)


#: The at-a-glance and detail tables' columns of words, left-aligned (figures align right).
WORDS = ("Measure", "Priorities", "Theme", "Change since baseline", "Recent trend", "Against England",
         "Region (includes the area)", "Rank (1 = best)",
         "Statistical neighbours")  # fmt: skip


def at_a_glance(result: Result) -> pd.DataFrame:
    """One row per measure with a figure, under the first priority of the area's strategy it serves (with
    every priority it serves) and a row for each priority with no measure, pointing to the data to be
    supplied; for an area without a strategy, by theme."""
    if result.strategy is None:
        order = list(indicators.themes().values())
        shown = result.measures[result.measures["latest_period"] != ""]
        shown = shown.assign(_o=shown["theme"].map(order.index)).sort_values("_o", kind="stable")
        return pd.DataFrame(
            [{"Measure": r["label"], "Theme": r["theme"], **_glance(r)} for r in shown.to_dict("records")]
        )
    rows = []
    awaiting = result.awaiting
    measures = result.measures.to_dict("records")
    for number_ in result.strategy["priorities"]:
        for r in measures:
            if not r["priorities"] or int(r["priorities"].split(";")[0]) != number_ or not r.get("latest_period"):
                continue  # a measure with no figure for the area is named in the key messages, with why
            row = {"Measure": r["label"], "Priorities": r["priorities"].replace(";", ", "), **_glance(r)}
            if result.strategy["targets"]:  # only a strategy that sets targets has the column
                target = r.get("target", "none set")
                row["Target"] = "none set" if target == "none set" else f"{target}: {r['against_target']}"
            rows.append(row)
        if not serving(result.measures["priorities"], number_).any():
            needed = awaiting[serving(awaiting["priorities"], number_)] if len(awaiting) else awaiting
            rows.append(
                {
                    "Measure": prose.render(
                        CHAPTER, "no_measure", needed=needed["label"].tolist() if len(needed) else []
                    ),
                    "Priorities": str(number_),
                    **dict.fromkeys(
                        ("Baseline", "Latest", "Change since baseline", "Recent trend", "Against England"), "[x]"
                    ),
                    **({"Target": "[x]"} if result.strategy["targets"] else {}),
                }
            )
    return pd.DataFrame(rows)


def _against_target(latest: float, target: float, polarity: int) -> str:
    """The latest figure against a target the area's strategy sets, read through polarity; a figure is a
    point, so this is a side, not a test."""
    if pd.isna(latest):
        return ""
    ahead = (latest - float(target)) * (polarity or 1) >= 0
    return "met (not tested)" if ahead else "not yet met (not tested)"


def _glance(r: dict) -> dict[str, str]:
    """A measure's cells in the at-a-glance table after its name and group."""
    return {
        "Baseline": _with_period(r, "baseline"),
        "Latest": _with_period(r, "latest"),
        "Change since baseline": _change(pd.Series(r)),
        "Recent trend": r.get("direction_of_travel", "[x]"),
        "Against England": brief(r.get("vs_england", "not compared"), r["polarity"]),
    }


def key_messages(result: Result) -> list[dict[str, object]]:
    """Up to five messages a councillor reads first, each a verdict and the measures it holds for, taken
    from the measures table: tested changes, untested directions read through polarity, England, and
    what could not be assessed. Each message names the rule behind it (the CSV has every verdict)."""
    m = result.measures[result.measures["latest_period"] != ""]
    judged = m["change_judgement"].fillna("")
    # A change that rounds to nothing at the precision shown is not a direction (DWP's 25.5% to 25.5%).
    unchanged = m["change"].abs().round(1).eq(0) if "change" in m else pd.Series(False, index=m.index)
    judged = judged.where(~(unchanged & judged.str.contains("not tested")), "no change at the precision published")
    untested_side = [_side(j, int(p)) for j, p in zip(judged, m["polarity"])]
    versus = [_side(v, int(p)) or v.split(" ")[0] for v, p in zip(m["vs_england"].fillna(""), m["polarity"])]
    tested_england = ~m["vs_england"].fillna("").str.contains("not tested")
    groups = [
        ("improved", judged == "improved"),
        ("worsened", judged == "worsened"),
        ("gained_on_england", judged.str.startswith("gained on England") & ~judged.str.contains("not tested")),
        ("fell_behind_england", judged.str.startswith("fell behind England") & ~judged.str.contains("not tested")),
        ("better_untested", pd.Series([s == "better" for s in untested_side], index=m.index)),
        ("worse_untested", pd.Series([s == "worse" for s in untested_side], index=m.index)),
        ("worse_than_england", pd.Series([v == "worse" for v in versus], index=m.index) & tested_england),
        ("better_than_england", pd.Series([v == "better" for v in versus], index=m.index) & tested_england),
        (
            "not_assessed",
            judged.str.startswith("break in series")
            | judged.isin(["no new data", "no change at the precision published"])
            | (m["polarity"] == 0),
        ),
    ]
    messages = [{"kind": kind, "measures": m.loc[mask, "label"].tolist()} for kind, mask in groups if mask.any()]
    absent = result.measures[result.measures["latest_period"] == ""]
    if len(absent):
        why = [f"{label} ({reason})" for label, reason in zip(absent["label"], absent["missing_why"])]
        messages.append({"kind": "no_figure", "measures": why})
    order = ["improved", "worsened", "gained_on_england", "fell_behind_england", "worse_than_england",
             "better_untested", "worse_untested",
             "better_than_england", "no_figure", "not_assessed"]  # fmt: skip
    messages.sort(key=lambda g: order.index(g["kind"]))
    return messages[:5]


def _key_message_lines(result: Result, escaped: bool) -> list[str]:
    """Each key message as a list item; `escaped` for Markdown (names come from data files a user edits)."""
    text = escape.markdown_text if escaped else str
    return [
        "- "
        + prose.render(
            CHAPTER,
            "key_message",
            area=text(result.area_name),
            kind=message["kind"],
            measures=[text(label) for label in message["measures"]],
        )
        for message in key_messages(result)
    ]


def key_messages_output(result: Result) -> Markdown:
    """The key messages as the notebook cell shows them: a Markdown list, the page embeds it."""
    return Markdown("\n".join(_key_message_lines(result, escaped=True)))


def detail(result: Result) -> pd.DataFrame:
    """The comparisons behind the verdicts: the area, England, its region and its statistical neighbours
    in the latest period, and the area's rank among English local authorities."""
    rows = []
    for r in result.measures.to_dict("records"):
        if not r.get("latest_period"):
            continue
        rank = f"{int(r['rank'])} of {int(r['rank_of'])}" if pd.notna(r.get("rank")) else "[z]"
        if pd.notna(r.get("rank")) and pd.notna(r.get("rank_low")):  # a survey estimate's rank is a range too
            rank = f"{int(r['rank'])} ({int(r['rank_low'])} to {int(r['rank_high'])}) of {int(r['rank_of'])}"
        if pd.notna(r.get("rank")) and r.get("rank_set"):
            rank += f" {r['rank_set']}"  # KS4 ranks are among upper-tier authorities, survey ranks among districts
        out_of = [f"{int(r['rank_left_out'])} [u] left out"] if r.get("rank_left_out") else []
        if isinstance(r.get("rank_no_figure"), str) and r["rank_no_figure"]:
            out_of.append(f"{r['rank_no_figure']} without a figure")
        if out_of:
            rank += f" ({'; '.join(out_of)})"
        rows.append(
            {
                "Measure": f"{r['label']} ({r['latest_period']})",
                result.area_name: value_text(r, "latest_value"),
                "England": f"{value_text(r, 'england_value')}: {brief(r['vs_england'], r['polarity'])}",
                "Region (includes the area)": f"{value_text(r, 'region_value')}: {brief(r['vs_region'], r['polarity'])}",
                "Statistical neighbours": (
                    f"{value_text(r, 'neighbours_value')} ({r['neighbours_with_figure']} of {r['neighbours_of']}"
                    f"{', ' + r['neighbours_set'] if r.get('neighbours_set') else ''}): "
                    f"{brief(r['vs_neighbours'], r['polarity'])}"
                ),
                "Rank (1 = best)": rank,
            }
        )
    return pd.DataFrame(rows)


def awaiting_table(result: Result) -> pd.DataFrame:
    """Measures the strategy names with no open data here: who holds the data, and where it comes from."""
    table = pd.DataFrame(
        {
            "Measure": result.awaiting["label"],
            "Priorities": result.awaiting["priorities"].str.replace(";", ", "),
            "Held by": result.awaiting["owner"],
            "Source": result.awaiting["source"],
        }
    )
    return table if result.strategy is not None else table.drop(columns="Priorities")


def key_figures(result: Result) -> dict[str, str]:
    """The sentences the chapter prints (words in chapters/progress.sentences.yaml), counted from the measures."""
    m = result.measures
    with_data = m[m["latest_period"] != ""]
    judged = with_data["change_judgement"].fillna("").str.replace(r"^break in series.*", "break in series", regex=True)
    counts = judged.value_counts()
    strategy = result.strategy
    priorities = strategy["priorities"] if strategy else {}
    without = [str(n) for n in priorities if not serving(m["priorities"], n).any()]
    return {
        "title": prose.render(CHAPTER, "title", strategy=strategy, count=number_word(len(priorities))),
        "targets": prose.render(CHAPTER, "targets", strategy=strategy),
        "caveats": prose.render(
            CHAPTER,
            "caveats",
            notes=[{"label": r.label, "caveat": note} for r in m.itertuples() if (note := _publisher_notes(r))],
        ),
        "awaiting_intro": prose.render(CHAPTER, "awaiting_intro", strategy=strategy),
        "opening": prose.render(
            CHAPTER,
            "opening",
            strategy=strategy,
            count=number_word(len(priorities)),
            area=result.area_name,
            edition=result.edition,
            baseline_edition=indicators.baseline_edition(),
            measures=len(with_data),
            counts=[{"verdict": k, "n": int(v)} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            without=without,
        ),
        # Plain words (the scrutiny summary's); the page shows them as a list (key_messages_output).
        "key_messages": "\n".join(line.replace("**", "") for line in _key_message_lines(result, escaped=False)),
        "spine_description": prose.render(
            CHAPTER, "spine_description", area=result.area_name, rows=_spine_facts(result)
        ),
        "baseline_edition": str(indicators.baseline_edition()),
        "trend_years": str(progress.TREND_YEARS),
        "neighbour_sets": prose.render(CHAPTER, "neighbour_sets", sets=neighbour_sets_in_force()),
        "comparators_note": prose.render(
            CHAPTER,
            "comparators_note",
            ons=bool(m.get("neighbours_id", pd.Series(dtype=str)).fillna("").str.startswith("ons_").any()),
            sets=prose.render(CHAPTER, "neighbour_sets", sets=neighbour_sets_in_force()),
            share=fraction_words(MIN_SHARE),
        ),
    }


def _publisher_notes(row: object) -> str:
    """What the page says about a measure's figures: the publisher's caveat, then its precision if whole numbers."""
    item = indicators.entry(row.indicator_id)
    said = [str(getattr(row, "caveat", "") or "").rstrip("."), item.get("whole_numbers", "")]
    return "; ".join(s for s in said if s)


def fraction_words(share: Fraction) -> str:
    """A simple fraction as the page writes it: 2/3 -> "two thirds", 1/2 -> "half", 3/4 -> "three quarters"."""
    names = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths")}
    if share.denominator not in names:
        return f"{share.numerator}/{share.denominator}"
    if share.denominator == 2 and share.numerator == 1:
        return "half"
    singular, plural = names[share.denominator]
    return f"{number_word(share.numerator)} {singular if share.numerator == 1 else plural}"


def number_word(n: int) -> str:
    """A count as a word up to twelve, as the page's sentences write it ("eight priorities")."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    return words[n] if 0 <= n < len(words) else str(n)


def neighbour_sets_in_force() -> list[dict[str, str]]:
    """DfE's sets in the order they came into force, each with its title and the month it did."""
    sets = indicators.neighbour_sets()
    return [
        {"title": neighbours.set_title(set_id, sets), "from": neighbours.month_title(sets[set_id])}
        for set_id in sorted(sets, key=sets.__getitem__)
    ]


def _spine_facts(result: Result) -> list[dict[str, str]]:
    facts = []
    for s in result.spine.to_dict("records"):
        r = result.measures.set_index("indicator_id").loc[s["indicator_id"]]
        facts.append(
            {
                "label": r["label"],
                "period": s["period"],
                "rank": f"{int(r['rank'])}" if pd.notna(r["rank"]) else "",
                "of": str(int(s["authorities"])),
            }
        )
    return facts


#: The spine chart's source line: every measure's own source is in the table beside it.
SPINE_SOURCE = (
    "each measure's publisher, as the table of measures names it; English local authorities from the same files"
)


def spine_figure(result: Result, outputs: Path) -> dict[str, str]:
    """The Fingertips-style spine chart: for each measure, the range of English local authorities (the
    middle half darker), England at the centre line, the area as a marker whose shape says the verdict
    against England; better is to the right whatever the measure's polarity."""
    charts.use_style()
    spines = result.spine.merge(result.measures, on="indicator_id")
    height = 0.55 * len(spines) + 1.8
    fig, ax = plt.subplots(figsize=(10, height))
    light, dark = "#D6D6D6", "#8A8A8A"
    palette = get_af_colours("categorical", number_of_colours=4)
    shapes = {"better": ("o", palette[1]), "similar": ("s", "#FFFFFF"), "worse": ("D", palette[0])}
    for i, s in enumerate(spines.to_dict("records")):
        y = len(spines) - 1 - i
        sign = 1 if s["polarity"] >= 0 else -1
        reach = max(abs(s["highest"] - s["england"]), abs(s["lowest"] - s["england"])) or 1.0

        def place(v: float, s: dict = s, sign: int = sign, reach: float = reach) -> float:
            return 0.5 + sign * (v - s["england"]) / (2 * reach)

        low, high = sorted((place(s["lowest"]), place(s["highest"])))
        q1, q3 = sorted((place(s["quartile_25"]), place(s["quartile_75"])))
        ax.barh(y, high - low, left=low, height=0.5, color=light)
        ax.barh(y, q3 - q1, left=q1, height=0.5, color=dark)
        verdict = str(s["vs_england"]).split(" ")[0]
        marker, colour = shapes.get(verdict, ("^", "#FFFFFF"))
        ax.plot(place(s["area"]), y, marker=marker, markersize=10, color=colour, markeredgecolor="#0B0C0C", zorder=3)
        ax.text(
            1.02,
            y,
            f"{value_text(s, 'area')}: {brief(s['vs_england'])}",
            va="center",
            fontsize=8.5,
            transform=ax.get_yaxis_transform(),
        )
    ax.axvline(0.5, color="#0B0C0C", linewidth=1.5)
    # Wrapped, so a long name (a stand-in measure's) is never cut at the image's left edge.
    names = [textwrap.fill(f"{r['label']} ({r['period']})", 40) for r in spines.to_dict("records")]
    ax.set_yticks(range(len(spines)), names[::-1])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["worse", "England", "better"])
    ax.tick_params(labelsize=9.5)
    ax.grid(False)
    ax.set_title(f"{result.area_name} against English local authorities", loc="left", fontsize=12)
    legend = [
        plt.Line2D([], [], marker=m, color=c, markeredgecolor="#0B0C0C", linestyle="", label=k)
        for k, (m, c) in shapes.items()
    ] + [
        plt.Line2D([], [], marker="^", color="#FFFFFF", markeredgecolor="#0B0C0C", linestyle="", label="not tested"),
        plt.Rectangle((0, 0), 1, 1, color=light, label="range of authorities"),
        plt.Rectangle((0, 0), 1, 1, color=dark, label="middle half"),
    ]
    # In the figure's own coordinates: below a tall chart's axes, an offset in the axes' would fall off the image.
    fig.legend(
        handles=legend, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 0.3 / height), ncol=3, fontsize=8
    )
    fig.text(0.01, 0.03 / height, f"Source: {SPINE_SOURCE}", ha="left", va="bottom", fontsize=8, color="#3D3D3D")
    # Fixed margins rather than tight_layout: room for the measure names on the left and verdicts on the right.
    fig.subplots_adjust(left=0.34, right=0.70, top=1 - 0.45 / height, bottom=1.35 / height)
    return charts.save(fig, outputs / "spine_chart")


def indicator_rows(result: Result, vintages: dict[str, str]) -> pd.DataFrame:
    """Rows for indicators.csv: the measures no other chapter publishes (`published_by: progress` in the
    catalogue), for the area, England and the region, every period this edition uses; the other
    measures' figures the page quotes; and, for every measure, the statistical neighbours' average,
    under the group's id."""
    own = [i for i, item in indicators.monitored().items() if item["monitoring"].get("published_by") == CHAPTER]
    rows = result.series[result.series["indicator_id"].isin(own)].copy()
    rows["breakdown"] = ""
    rows["source_id"] = rows["dataset"]
    rows["vintage"] = rows["dataset"].map(lambda name: vintages.get(name, ""))
    rows["status"] = rows["status"].where(rows["value"].notna() | (rows["status"] != ""), "x")
    rows["note"] = ""
    # The other measures' figures this page quotes (the area, England and the region in the latest period)
    # where their own chapter may not publish them (a region's KS2 figure; the KS4 baseline in later
    # editions). A figure both publish appears once: combine() checks they agree.
    latest = result.measures.set_index("indicator_id")["latest_period"].dropna().to_dict()
    quoted = result.series[
        ~result.series["indicator_id"].isin(own)
        & (result.series["period"] == result.series["indicator_id"].map(latest))
        & result.series["value"].notna()
    ].copy()
    quoted["breakdown"] = quoted["basis"].map(lambda b: f"framework:{b}" if b else "")
    quoted["source_id"] = quoted["dataset"]
    quoted["vintage"] = quoted["dataset"].map(lambda name: vintages.get(name, ""))
    quoted["note"] = ""
    rows = pd.concat([rows, quoted], ignore_index=True)
    m = result.measures
    if "neighbours_id" in m:
        m = m[(m["neighbours_id"] != "") & m["neighbours_value"].notna()]
        averages = pd.DataFrame(
            {
                "indicator_id": m["indicator_id"],
                # Qualification measures carry their framework, as the skills chapter's rows do.
                "breakdown": [
                    f"framework:{b}" if b and i not in own else ""
                    for i, b in zip(m["indicator_id"], m["neighbours_basis"])
                ],
                "geography_code": m["neighbours_id"],
                "geography_name": [
                    f"{possessive(result.area_name)} "
                    f"{'ONS similar areas' if g.startswith('ons_') else 'statistical neighbours'} (average)"
                    for g in m["neighbours_id"]
                ],
                "period": m["latest_period"],
                "value": m["neighbours_value"],
                "source_id": m["neighbours_dataset"],
                "vintage": m["neighbours_dataset"].map(lambda name: vintages.get(name, "")),
                "status": "",
                "note": [
                    prose.render(CHAPTER, "neighbours_row", used=int(n), of=int(o), ons=g.startswith("ons_"))
                    for n, o, g in zip(m["neighbours_with_figure"], m["neighbours_of"], m["neighbours_id"])
                ],
            }
        )
        rows = pd.concat([rows, averages], ignore_index=True)
    return rows.drop(columns=["basis", "dataset", "method"], errors="ignore")


def write_outputs(result: Result, outputs: str | Path, vintages: dict[str, str] | None = None) -> dict[str, Path]:
    """The chapter's downloads, its rows of indicators.csv and its key figures."""
    tables = {
        "progress": result.measures,
        "progress_series": result.series,
        "spine_chart": result.spine,
        "at_a_glance": at_a_glance(result),
        "data_to_be_supplied": result.awaiting,
    }
    return chapter_outputs.write(outputs, tables, indicator_rows(result, vintages or {}), result.key_figures)


def parameters_from_data(params: dict, datasets: dict[str, str], area_code: str) -> dict:
    """Each monitoring measure's latest period for a new edition: the newest period its series holds a
    figure for the area (so the page quotes what the attainment and skills chapters quote)."""
    inputs = read_inputs(datasets)
    latest = dict(params.get("latest") or {})
    for indicator_id in indicators.monitored():
        data = series(inputs, indicator_id)
        rows = data[(data["geography_code"] == area_code) & data["value"].notna()]
        if not rows.empty:
            latest[indicator_id] = max(rows["period"].astype(str))
    return {**params, "latest": latest}

"""School attainment and attainment gaps chapter (Priorities 1 and 5).

Primary: key stage 2 reading, writing and maths at the expected standard, the area against England
and the average of its DfE statistical neighbours. Secondary: key stage 4 Attainment 8 for all pupils
and by pupil group, with each group's gap (group minus all pupils) beside England's; and GCSE English
and maths by age 19. Gaps use DfE's unrounded averages; figures are rounded only for display.
Groups of fewer than 10 pupils are not reported ([c]).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from skills_evidence import periods
from skills_evidence.chapters import charts, geography, prose
from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.places import possessive
from skills_evidence.statistics import indicators, neighbours

ENGLAND = ("E92000001", "England")
MIN_PUPILS = 10
NOT_ASSESSED = {"2019/20", "2020/21"}
#: This chapter's sentence templates: chapters/attainment.sentences.yaml.
CHAPTER = "attainment"
#: KS4 groups reported, in order: (breakdown in the data, group in the data, label, indicator breakdown).
KS4_GROUPS = [
    ("Ethnic major", "Asian", "Asian", "ethnicity:asian"),
    ("Ethnic major", "Black", "Black", "ethnicity:black"),
    ("Ethnic major", "Chinese", "Chinese", "ethnicity:chinese"),
    ("Ethnic major", "Mixed", "Mixed", "ethnicity:mixed"),
    ("Ethnic major", "White", "White", "ethnicity:white"),
    ("disadvantage", "Disadvantaged", "Disadvantaged", "disadvantage:disadvantaged"),
    ("disadvantage", "Disadvantaged all other", "Not disadvantaged", "disadvantage:other"),
    ("SEN status", "SEN Supp", "SEN support", "sen:sen_support"),
    ("SEN status", "SEN State EHC", "Education, health and care plan", "sen:ehc_plan"),
    ("SEN status", "No SEN", "No special educational needs", "sen:none"),
]


@dataclass
class Inputs:
    """The datasets this chapter reads, already loaded."""

    ks4: pd.DataFrame
    ks2: pd.DataFrame
    gcse19: pd.DataFrame
    ks2_published: pd.DataFrame
    groups: pd.DataFrame
    lad21: pd.DataFrame
    vintages: dict
    authorities: pd.DataFrame | None = None  # current English authorities (counties), where the edition pins them


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the shipped snapshot files named by dataset name (provenance in each file's .meta.yaml sidecar)."""

    tables = [
        read_table(paths[name])
        for name in (
            "dfe_ks4_groups",
            "ons_ks2_rwm",
            "ons_gcse_em_19",
            "ocp_ks2_published",
            "dfe_statistical_neighbours",
            "lad21_reference",
        )
    ]
    return Inputs(*tables, vintages or {}, authorities=geography.read_authorities(paths))


KS2_COLUMNS = ["period", "year", "series", "value", "status", "source", "neighbour_set", "neighbours_used"]
OFFICIAL = "ons_ks2_rwm"
SN_SERIES = "Statistical neighbours (average)"


def ks2_series(inputs: Inputs, area_code: str, area_name: str, first: str, last: str) -> pd.DataFrame:
    """KS2 RWM expected standard by year for the area, its statistical neighbours' average and England.

    The most precise figure available wins: DfE's figure to one decimal place as the council published it
    (for the council whose series the published file holds, and England), else DfE's whole-per-cent figure
    as ONS republishes it (from 2018/19). The neighbours' average is DfE's: the simple mean of the ten
    neighbours' figures, on the set in force that year (`neighbour_set`); before 2018/19, where the open
    data has no neighbours' figures, the council's published average. Years without tests are [z]; the
    first year on a new neighbour set is [b] (break in series).
    """
    years = [periods.of_summer(y) for y in range(periods.summer(first), periods.summer(last) + 1)]
    published = inputs.ks2_published.assign(period=inputs.ks2_published["period"].astype(int).map(periods.of_summer))
    own = area_name == publishing_council(inputs.ks2_published)
    council = {
        "area": area_name if own else None,
        "sn": "Statistical Neighbours" if own else None,
        "england": "England" if own else None,  # the council's one-decimal figures belong in its own book only
    }
    sets = indicators.neighbour_sets()
    rows, previous_set = [], None
    for period in years:
        official = inputs.ks2[inputs.ks2["period"] == period].set_index("geography_code")["value"]
        group_id, _ = neighbours.set_for(period, sets)
        codes = neighbours.members(inputs.groups, group_id, area_code)
        sn_values = [official.get(code) for code in codes]
        sn_mean = sum(sn_values) / len(sn_values) if codes and all(pd.notna(v) for v in sn_values) else None
        candidates = {
            "area": (area_name, official.get(area_code)),
            "sn": (SN_SERIES, sn_mean),
            "england": (ENGLAND[1], official.get(ENGLAND[0])),
        }
        for key, (name, value) in candidates.items():
            row = {
                "period": period,
                "year": periods.summer(period),
                "series": name,
                "value": value,
                "status": "",
                "source": OFFICIAL,
                "neighbour_set": group_id if key == "sn" and codes else "",
                "neighbours_used": len(codes) if key == "sn" else 0,
            }
            pub = published[(published["geography"] == council[key]) & (published["period"] == period)]
            precise = len(pub) and pd.notna(pub["value"].iloc[0])
            if period in NOT_ASSESSED:
                row.update(value=None, status="z", source="not assessed (COVID-19)", neighbour_set="")
            elif precise and (key != "sn" or value is None or pd.isna(value)):
                row.update(
                    value=float(pub["value"].iloc[0]), source=prose.render(CHAPTER, "council_series"), neighbour_set=""
                )
            elif value is None or pd.isna(value):
                row.update(value=None, status="x", source="not available", neighbour_set="")
            elif key == "sn" and previous_set not in (None, group_id):
                row["status"] = "b"
            if not row["neighbour_set"]:
                row["neighbours_used"] = 0
            else:
                previous_set = row["neighbour_set"]
            rows.append(row)
    return pd.DataFrame(rows, columns=KS2_COLUMNS)


def sets_used(ks2: pd.DataFrame) -> list[dict]:
    """Each neighbour set the averages use: its DfE title, the years it covers, and whether it stands in for
    an earlier set the inputs lack (its first year ended before it was published)."""
    sets = indicators.neighbour_sets()
    rows = ks2[ks2["neighbour_set"] != ""]
    used = []
    for group_id, part in rows.groupby("neighbour_set", sort=False):
        used.append(
            {
                "title": neighbours.set_title(group_id, sets),
                "members": int(part["neighbours_used"].max()),
                "first": part["period"].min(),
                "last": part["period"].max(),
                "stand_in": [p for p in part["period"] if neighbours.set_for(p, sets)[1]],
                "break": part["status"].eq("b").any(),
            }
        )
    return used


def publishing_council(published: pd.DataFrame) -> str | None:
    """The area whose own series (and its statistical neighbours') the council-published file holds."""
    own = sorted(set(published["geography"]) - {"England", "Statistical Neighbours"})
    return own[0] if len(own) == 1 else None


DISADVANTAGE_COLUMNS = ["geography_code", "geography_name", "disadvantaged", "all_other_pupils", "gap", "status"]
KS4_COLUMNS = [
    "geography_code",
    "geography_name",
    "group",
    "breakdown_id",
    "pupils",
    "att8",
    "gap",
    "status",
    "source_row",
]


def disadvantage_gap(ks4: pd.DataFrame) -> pd.DataFrame:
    """DfE's disadvantage gap for each place in a KS4 group table: disadvantaged pupils' Attainment 8
    minus all other pupils' (not minus all pupils), from DfE's unrounded averages; [c] when either group
    is not reported."""
    rows = []
    for code, place in ks4.groupby("geography_code", sort=False):
        groups = place.set_index("breakdown_id")
        if not {"disadvantage:disadvantaged", "disadvantage:other"} <= set(groups.index):
            continue
        dis, other = groups.loc["disadvantage:disadvantaged"], groups.loc["disadvantage:other"]
        hidden = "c" in (dis["status"], other["status"])
        rows.append(
            {
                "geography_code": code,
                "geography_name": dis["geography_name"],
                "disadvantaged": None if hidden else dis["att8"],
                "all_other_pupils": None if hidden else other["att8"],
                "gap": None if hidden else dis["att8"] - other["att8"],
                "status": "c" if hidden else "",
            }
        )
    return pd.DataFrame(rows, columns=DISADVANTAGE_COLUMNS)


def ks4_table(inputs: Inputs, area_code: str, year: str) -> pd.DataFrame:
    """Attainment 8 by group for the area and England with gaps (group − all pupils); [c] under 10 pupils."""
    data = inputs.ks4[(inputs.ks4["period"] == year) & inputs.ks4["geography_code"].isin([area_code, ENGLAND[0]])]
    if data.empty:
        return pd.DataFrame(columns=KS4_COLUMNS)
    rows = []
    for code in (area_code, ENGLAND[0]):
        place = data[data["geography_code"] == code]
        if place.empty:
            continue
        everyone = place[place["breakdown"] == "All pupils"].iloc[0]
        rows.append(
            {
                "geography_code": code,
                "geography_name": everyone["geography_name"],
                "group": "All pupils",
                "breakdown_id": "all",
                "pupils": everyone["t_pupils"],
                "att8": everyone["avg_att8_unrounded"],
                "gap": 0.0,
                "status": "",
                "source_row": everyone["source_row"],
            }
        )
        for breakdown, group, label, breakdown_id in KS4_GROUPS:
            match = place[(place["breakdown"] == breakdown) & (place["group"] == group)]
            if match.empty:
                continue
            r = match.iloc[0]
            small = pd.isna(r["t_pupils"]) or r["t_pupils"] < MIN_PUPILS
            rows.append(
                {
                    "geography_code": code,
                    "geography_name": r["geography_name"],
                    "group": label,
                    "breakdown_id": breakdown_id,
                    "pupils": None if small else r["t_pupils"],  # withheld with the figure, as in the table
                    "att8": None if small else r["avg_att8_unrounded"],
                    "gap": None if small else r["avg_att8_unrounded"] - everyone["avg_att8_unrounded"],
                    "status": "c" if small else "",
                    "source_row": r["source_row"],
                }
            )
    return pd.DataFrame(rows, columns=KS4_COLUMNS)


#: The tracker's name for DfE's disadvantage gap (disadvantaged against all other pupils).
DFE_GAP = ("Disadvantaged against all other pupils (DfE's gap)", "disadvantage:dfe_gap")
TRACKER_COLUMNS = ["period", "group", "breakdown_id", "gap", "status"]
#: The tracker table's columns of words (left-aligned; the gaps are figures).
TRACKER_WORDS = ("Group", "Direction")


def gap_tracker(table_by_year: dict[str, pd.DataFrame], area_code: str) -> pd.DataFrame:
    """Each group's gap for the area in every year given (the monitoring baseline and this edition's year),
    DfE's disadvantage gap among them, and whether it narrowed or widened. A year whose data is not in the
    inputs is kept as [x] rows, so the baseline still shows when the latest year is missing."""
    rows = []
    for year, table in sorted(table_by_year.items()):
        area = table[(table["geography_code"] == area_code) & (table["breakdown_id"] != "all")]
        rows += [
            {"period": year, "group": r.group, "breakdown_id": r.breakdown_id, "gap": r.gap, "status": r.status}
            for r in area.itertuples()
        ]
        dfe = disadvantage_gap(table)
        rows += [
            {"period": year, "group": DFE_GAP[0], "breakdown_id": DFE_GAP[1], "gap": r.gap, "status": r.status}
            for r in dfe[dfe["geography_code"] == area_code].itertuples()
        ]
    frame = pd.DataFrame(rows, columns=TRACKER_COLUMNS)
    missing = [year for year, table in table_by_year.items() if table.empty]
    if len(frame) and missing:
        groups = frame.drop_duplicates("breakdown_id")[["group", "breakdown_id"]]
        frame = pd.concat(
            [frame] + [groups.assign(period=year, gap=float("nan"), status="x") for year in missing], ignore_index=True
        )[TRACKER_COLUMNS].sort_values("period", kind="stable")
    directions = []
    for group, part in frame.groupby("group", sort=False):
        part = part.dropna(subset=["gap"]).sort_values("period")
        directions.append({"group": group, "years": len(part), "direction": direction(part["gap"].tolist())})
    return frame.merge(pd.DataFrame(directions, columns=["group", "years", "direction"]), on="group", how="left")


def tracker_display(result: Result) -> pd.DataFrame:
    """The gap tracker for display: a row per group, a column per year ([x]: not in this edition's inputs,
    [c]: a group under 10 pupils), and the direction."""
    t = result.tracker
    if t.empty:
        return pd.DataFrame({"Group": ["(none)"], "Note": ["No group-level data in this edition's inputs"]})
    shown = t.assign(cell=[signed(g) if pd.notna(g) else f"[{s or 'x'}]" for g, s in zip(t["gap"], t["status"])])
    table = shown.pivot(index="group", columns="period", values="cell")
    table = table.reindex(list(dict.fromkeys(t["group"]))).rename(columns=lambda p: f"Gap in {p} (points)")
    table = table.rename_axis(columns=None)
    directions = t.drop_duplicates("group").set_index("group")["direction"]
    return table.assign(Direction=directions).reset_index().rename(columns={"group": "Group"})


def direction(gaps: list[float]) -> str:
    """ "narrowed" or "widened" (the gap's distance from zero, first year against latest), or why not."""
    if len(gaps) < 2:
        return "only one year of data so far"
    first, last = abs(gaps[0]), abs(gaps[-1])
    if round(last, 1) == round(first, 1):
        return "unchanged"
    return "narrowed" if last < first else "widened"


@dataclass
class Result:
    """What the chapter shows."""

    area_code: str
    area_name: str
    ks2: pd.DataFrame
    ks4: pd.DataFrame
    tracker: pd.DataFrame
    gcse19: pd.DataFrame
    ks4_year: str
    indicators: pd.DataFrame
    key_figures: dict
    neighbour_sets: list[dict] = field(default_factory=list)
    ks4_asked: str = ""  # the KS4 year the edition asked for, when the inputs do not hold it yet


def compute(
    inputs: Inputs,
    area_code: str,
    ks2_last: str,
    ks4_year: str,
    gcse19_last: str,
    ks2_first: str = "2015/16",
) -> Result:
    """All figures for the chapter for one area and the data years an edition may show."""
    inputs = dataclasses.replace(inputs, lad21=geography.with_area(inputs.lad21, inputs.authorities, area_code))
    lad = inputs.lad21[inputs.lad21["lad_code"] == area_code]
    if lad.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    area_name = lad.iloc[0]["lad_name"]
    ks2 = ks2_series(inputs, area_code, area_name, ks2_first, ks2_last)
    used = sets_used(ks2)
    asked = ks4_year
    held = sorted(p for p in set(inputs.ks4.loc[inputs.ks4["geography_code"] == area_code, "period"]) if p <= asked)
    ks4_year = held[-1] if held else asked  # the latest year held: never a table about a year the inputs lack
    ks4 = ks4_table(inputs, area_code, ks4_year)
    baseline = str(indicators.entry("ks4_att8_disadvantage_gap")["monitoring"]["baseline"])
    tracker = gap_tracker({baseline: ks4_table(inputs, area_code, baseline), ks4_year: ks4}, area_code)
    gcse = inputs.gcse19[
        inputs.gcse19["geography_code"].isin([area_code, ENGLAND[0]]) & (inputs.gcse19["period"] <= gcse19_last)
    ].copy()
    gcse["series"] = gcse["geography_code"].map({area_code: area_name, ENGLAND[0]: ENGLAND[1]})
    gcse["year"] = gcse["period"].map(periods.summer)
    result = Result(
        area_code,
        area_name,
        ks2,
        ks4,
        tracker,
        gcse.sort_values(["series", "period"]),
        ks4_year,
        pd.DataFrame(),
        {},
        used,
    )
    result.ks4_asked = asked
    result.indicators = build_indicators(result, inputs.vintages)
    result.key_figures = key_figures(result)
    return result


def build_indicators(result: Result, vintages: dict) -> pd.DataFrame:
    """The chapter's rows of indicators.csv: the area and England, and the statistical neighbours' average
    under its set's id (the council's own averages before 2018/19, set not stated, stay in the chapter CSV)."""
    rows = []
    codes = {result.area_name: result.area_code, ENGLAND[1]: ENGLAND[0]}
    for r in result.ks2.itertuples():
        if r.series == SN_SERIES and not r.neighbour_set:
            continue
        council = r.source not in (OFFICIAL, "not available") and r.status != "z"
        rows.append(
            {
                "indicator_id": "ks2_rwm_expected",
                "breakdown": "",
                "geography_code": r.neighbour_set or codes[r.series],
                "geography_name": f"{possessive(result.area_name)} statistical neighbours (average)"
                if r.neighbour_set
                else r.series,
                "period": r.period,
                "value": r.value,
                "source_id": "ocp_ks2_published" if council else OFFICIAL,
                "status": r.status,
                "note": prose.render(CHAPTER, "neighbours_row", used=r.neighbours_used)
                if r.neighbour_set
                else (r.source if council else ""),
            }
        )
    for r in result.ks4.itertuples():
        common = {
            "breakdown": r.breakdown_id,
            "geography_code": r.geography_code,
            "geography_name": r.geography_name,
            "period": result.ks4_year,
            "source_id": "dfe_ks4_groups",
            "status": r.status,
            "note": "fewer than 10 pupils: not reported" if r.status == "c" else "",
        }
        rows.append({"indicator_id": "ks4_att8", "value": r.att8, "denominator": r.pupils, **common})
        if r.breakdown_id != "all":
            rows.append({"indicator_id": "ks4_att8_gap", "value": r.gap, **common})
    for r in disadvantage_gap(result.ks4).itertuples():
        rows.append(
            {
                "indicator_id": "ks4_att8_disadvantage_gap",
                "breakdown": "",
                "geography_code": r.geography_code,
                "geography_name": r.geography_name,
                "period": result.ks4_year,
                "value": r.gap,
                "source_id": "dfe_ks4_groups",
                "status": r.status,
                "note": "fewer than 10 pupils in a group: not reported" if r.status == "c" else "",
            }
        )
    for r in result.gcse19.itertuples():
        rows.append(
            {
                "indicator_id": "gcse_em_by19",
                "breakdown": "",
                "geography_code": r.geography_code,
                "geography_name": r.series,
                "period": r.period,
                "value": r.value,
                "source_id": "ons_gcse_em_19",
                "status": r.status or ("" if pd.notna(r.value) else "x"),
                "note": "",
            }
        )
    out = pd.DataFrame(rows)
    out["vintage"] = out["source_id"].map(lambda s: vintages.get(s, ""))
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    out.loc[out["value"].isna() & (out["status"] == ""), "status"] = "x"
    return indicators.tidy(out)


def key_figures(result: Result) -> dict:
    """Numbers and sentences the narrative quotes, as strings ready for `{{< var >}}`; the words are in
    chapters/attainment.sentences.yaml."""
    area, ks2 = result.area_name, result.ks2
    latest = ks2[(ks2["series"] == area) & ks2["value"].notna()].sort_values("period")
    kf: dict = {"area": area, "ks4_year": result.ks4_year, "min_pupils": str(MIN_PUPILS)}
    facts: dict = {
        "not_assessed": sorted(NOT_ASSESSED),
        "disadvantage": {},
        "area": area,
        "ks4_year": result.ks4_year,
        "ks2": {"covid_gap": ks2["status"].eq("z").any(), "year": ""},
        "ks4": {},
        "gaps": [],
        "gcse19": {},
    }
    if len(latest):
        year = latest["period"].iloc[-1]
        shown = ks2[(ks2["period"] == year) & ks2["value"].notna()].set_index("series")
        text = {name: ks2_text(r["value"], r["source"], name) for name, r in shown.iterrows()}
        facts["ks2"].update(
            year=year, value=text[area], england=text.get(ENGLAND[1], "[x]"), neighbours=text.get(SN_SERIES, "")
        )
    t = result.ks4
    area_all = t[(t["geography_code"] == result.area_code) & (t["breakdown_id"] == "all")] if len(t) else t
    # DfE publishes no figure for an authority with too few pupils (City of London, Isles of Scilly).
    facts["ks4_area_absent"] = bool(len(t)) and (area_all.empty or area_all["att8"].isna().all())
    if not t.empty and not facts["ks4_area_absent"]:
        a_all = area_all.iloc[0]
        e_all = t[(t["geography_code"] == ENGLAND[0]) & (t["breakdown_id"] == "all")].iloc[0]
        facts["ks4"] = {
            "all": number(a_all.att8),
            "england_all": number(e_all.att8),
            "pupils": f"{int(a_all.pupils):,}",
            "difference": signed(a_all.att8 - e_all.att8),
        }
        for group, breakdown_id in (
            ("Black pupils", "ethnicity:black"),
            ("disadvantaged pupils", "disadvantage:disadvantaged"),
        ):
            frame = t[t["breakdown_id"] == breakdown_id].set_index("geography_code")
            if result.area_code in frame.index and pd.notna(frame.loc[result.area_code, "gap"]):
                g, e = frame.loc[result.area_code, "gap"], frame.loc[ENGLAND[0], "gap"]
                relation = "smaller than" if abs(g) < abs(e) else ("larger than" if abs(g) > abs(e) else "the same as")
                facts["gaps"].append({"group": group, "gap": signed(g), "relation": relation, "england": signed(e)})
        kf["ks4"] = {"all": facts["ks4"]["all"], "england_all": facts["ks4"]["england_all"]}
        dfe = disadvantage_gap(t).set_index("geography_code")
        if result.area_code in dfe.index and not dfe.loc[result.area_code, "status"]:
            a, e = dfe.loc[result.area_code], dfe.loc[ENGLAND[0]] if ENGLAND[0] in dfe.index else None
            facts["disadvantage"] = {
                "disadvantaged": number(a["disadvantaged"]),
                "others": number(a["all_other_pupils"]),
                "gap": signed(a["gap"]),
                "england": signed(e["gap"]) if e is not None and not e["status"] else "",
            }
    directions = result.tracker.drop_duplicates("group")
    t = result.tracker
    facts["tracker"] = {
        "years_one": bool(len(directions) and (directions["years"] < 2).all()),
        "directions": [{"group": r.group, "direction": r.direction} for r in directions.itertuples()],
        "with_data": sorted(set(t.loc[t["status"] != "x", "period"])),
        "missing": sorted(set(t.loc[t["status"] == "x", "period"])),
    }
    g = result.gcse19[result.gcse19["series"] == area].dropna(subset=["value"])
    if len(g):
        ge = result.gcse19[result.gcse19["series"] == ENGLAND[1]].set_index("period")["value"]
        facts["gcse19"] = {
            "value": number(g["value"].iloc[-1]),
            "period": g["period"].iloc[-1],
            "england": number(ge.get(g["period"].iloc[-1])),
        }
    say = functools.partial(prose.render, CHAPTER, **facts)
    kf.update(intro=say("intro", strategy=indicators.strategy_for(result.area_code)))
    kf.update(
        ks2_sentence=say("ks2"),
        ks4_sentence=" ".join(
            part for part in (say("ks4_missing", asked=result.ks4_asked or result.ks4_year), say("ks4")) if part
        ),
        gap_sentence=say("gap") if facts["ks4"] else "",
        disadvantage_sentence=say("disadvantage"),
        tracker_sentence=say("tracker"),
        ks2_note=say(
            "ks2_note",
            council=prose.render(CHAPTER, "council_series")
            if ks2["source"].eq(prose.render(CHAPTER, "council_series")).any()
            else "",
            sets=result.neighbour_sets,
        ),
        gcse19_sentence=say("gcse19"),
    )
    kf["figures"] = {"ks2": {"alt": ks2_description(result)}}
    return {"attainment": kf}


def ks2_description(result: Result) -> str:
    """Alt text for the KS2 chart, from the data it shows."""
    shown = result.ks2.dropna(subset=["value"])
    return prose.render(
        CHAPTER,
        "ks2_alt",
        not_assessed=sorted(NOT_ASSESSED),
        chart={
            "first": shown["period"].min(),
            "last": shown["period"].max(),
            "places": ", ".join(dict.fromkeys(shown["series"])),
            "covid_gap": result.ks2["status"].eq("z").any(),
        },
    )


def ks2_text(value: float, source: str, series: str) -> str:
    """A KS2 figure at the precision its source carries: whole per cent as ONS republishes DfE's figures,
    one decimal place for the council's published figures and for the neighbours' average (a mean)."""
    whole = source == OFFICIAL and series != SN_SERIES
    return number(value, 0 if whole else 1)


def ks2_table(result: Result) -> pd.DataFrame:
    """KS2 by year for display: one column per series; [z] not assessed, [x] not available, [b] a new
    neighbour set, † a figure as the council published it."""

    def cell(r: pd.Series) -> str:
        if pd.isna(r["value"]):
            return "[z]" if r["status"] == "z" else "[x]"
        mark = " †" if r["source"] != OFFICIAL else ""
        return ks2_text(r["value"], r["source"], r["series"]) + mark + (" [b]" if r["status"] == "b" else "")

    shown = result.ks2.assign(cell=result.ks2.apply(cell, axis=1))
    table = shown.pivot(index="period", columns="series", values="cell").reset_index()
    order = ["period", result.area_name, SN_SERIES, ENGLAND[1]]
    return table[[c for c in order if c in table.columns]].rename(columns={"period": "Year"})


def ks4_display(result: Result) -> pd.DataFrame:
    """KS4 groups for display: pupils, Attainment 8 and gap for the area beside England's gap."""
    if result.ks4.empty:
        return pd.DataFrame(
            {"Group": ["(none)"], "Note": [f"Group-level data for {result.ks4_year}: not in this edition's inputs"]}
        )
    t = result.ks4
    area = t[t["geography_code"] == result.area_code].set_index("breakdown_id")
    eng = t[t["geography_code"] == ENGLAND[0]].set_index("breakdown_id")
    rows = []
    for bid, r in area.iterrows():
        mark = "[c]" if r["status"] == "c" else None
        rows.append(
            {
                "Group": r["group"],
                f"{result.area_name} pupils": "[c]" if mark else f"{int(r['pupils']):,}",
                f"{result.area_name} Attainment 8": mark or number(r["att8"]),
                f"Gap in {result.area_name} (points)": mark or ("" if bid == "all" else signed(r["gap"])),
                "Gap in England (points)": ""
                if bid == "all"
                else (signed(eng.loc[bid, "gap"]) if bid in eng.index else "[x]"),
            }
        )
    return pd.DataFrame(rows)


def disadvantage_display(result: Result) -> pd.DataFrame:
    """DfE's disadvantage gap for the area and England: both groups' Attainment 8 and the gap between them."""
    table = disadvantage_gap(result.ks4)
    if table.empty:
        return pd.DataFrame(
            {"Place": ["(none)"], "Note": [f"Group-level data for {result.ks4_year}: not in this edition's inputs"]}
        )
    return pd.DataFrame(
        {
            "Place": table["geography_name"],
            "Disadvantaged pupils": [number(v, mark=s or "x") for v, s in zip(table["disadvantaged"], table["status"])],
            "All other pupils": [number(v, mark=s or "x") for v, s in zip(table["all_other_pupils"], table["status"])],
            "Disadvantage gap (points)": [
                signed(v) if not s else f"[{s}]" for v, s in zip(table["gap"], table["status"])
            ],
        }
    )


def _ks2_source(data: pd.DataFrame) -> str:
    """The KS2 chart's source: the catalogue's words, naming the council's series when the chart uses it."""
    item = indicators.entry("ks2_rwm_expected")
    council = (data["source"] != OFFICIAL).any()
    return item.get("home_source", item["source"]) if council else item["source"]


def ks2_figure(result: Result, outputs: Path) -> dict[str, str]:
    """Draw and save the KS2 chart (the not-assessed years break the lines)."""
    data = result.ks2.dropna(subset=["value"]).assign(
        segment=lambda d: d["year"].map(lambda y: "before" if y <= 2019 else "after")
    )
    fig = charts.broken_series_chart(
        data,
        x="year",
        y="value",
        series="series",
        segment="segment",
        title="Key stage 2: reading, writing and maths at the expected standard (%)",
        ylabel="Per cent (year of test)",
        break_label="No tests 2020 and 2021",
        source=_ks2_source(data),
    )
    return charts.save(fig, outputs / "ks2_rwm")


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """Write the chapter's CSV tables, indicator rows and key figures into `outputs`."""
    tables = {
        "ks2_rwm_expected": result.ks2,
        "ks4_attainment8_gaps": result.ks4,
        "ks4_gap_tracker": result.tracker,
        "ks4_disadvantage_gap": disadvantage_gap(result.ks4),
        "gcse_english_maths_by19": result.gcse19,
    }
    return chapter_outputs.write(outputs, tables, result.indicators, result.key_figures)


def missing_inputs(params: dict, datasets: dict[str, str]) -> list[str]:
    """What an edition with these chapter parameters still lacks in data/ (empty when all is there)."""
    inputs = read_inputs(datasets)
    needs = []
    if params["ks2_last"] not in set(inputs.ks2["period"]):
        needs.append(f"KS2 results for {params['ks2_last']} (dataset ons_ks2_rwm has to {inputs.ks2['period'].max()})")
    if params["ks4_year"] not in set(inputs.ks4["period"]):
        needs.append(
            f"DfE KS4 local authority characteristics for {params['ks4_year']} (dataset dfe_ks4_groups has "
            f"{', '.join(sorted(set(inputs.ks4['period'])))}): add the EES file and a snapshot for it"
        )
    if params["gcse19_last"] not in set(inputs.gcse19["period"]):
        needs.append(f"GCSE English and maths by 19 for {params['gcse19_last']} (dataset ons_gcse_em_19)")
    return needs


def parameters_from_data(params: dict, datasets: dict[str, str], area_code: str) -> dict:
    """The chapter's years for a new edition: the newest KS2, KS4 and GCSE-by-19 year held for the area."""
    inputs = read_inputs(datasets)
    out = dict(params)
    for key, frame in (("ks2_last", inputs.ks2), ("ks4_year", inputs.ks4), ("gcse19_last", inputs.gcse19)):
        rows = frame[frame["geography_code"] == area_code]
        if "value" in rows:
            rows = rows[rows["value"].notna()]
        if not rows.empty:
            out[key] = max(rows["period"].astype(str))
    return out

"""Skills levels chapter (Priority 1): residents' qualification levels against comparators.

Everything the notebook shows is computed here, so it can be unit-tested: the comparison table for
one year, the level 3+ trend with its NVQ→RQF break, the long indicators and the key figures (numbers
and the sentences built from them) that the narrative quotes.

Two bases, never mixed: to 2021 the APS reported NVQ levels, and all five levels are derived from
table T19 counts; from 2022 it reports RQF levels, and the book uses ONS's published RQF figures
(in the files shipped here: level 3 and above, and no qualifications). A level or year with no data
stays missing and is said to be not available.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from skills_evidence.chapters import charts, prose
from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.statistics import indicators
from skills_evidence.statistics.comparison import compare
from skills_evidence.statistics.qualifications import (
    LEVELS,
    SHARE_COLUMNS,
    IntervalScale,
    aggregated_shares,
    interval_scale,
    level_shares,
    prefer_published,
)

GREAT_BRITAIN = ("K03000001", "Great Britain")
#: Short keys the narrative uses for each indicator.
LEVEL_KEYS = {
    "qual_none_16_64": "none",
    "qual_l1plus_16_64": "l1plus",
    "qual_l2plus_16_64": "l2plus",
    "qual_l3plus_16_64": "l3plus",
    "qual_l4plus_16_64": "l4plus",
}
PHRASE = {
    "higher": "significantly higher than",
    "lower": "significantly lower than",
    "similar": "not significantly different from",
    "not compared": "not compared with",
}
FIRST_RQF_YEAR = 2022
#: This chapter's sentence templates: chapters/skills-levels.sentences.yaml.
CHAPTER = "skills-levels"


@dataclass
class Inputs:
    """The datasets this chapter reads, already loaded."""

    t19: pd.DataFrame
    lad21: pd.DataFrame
    l3plus_nvq: pd.DataFrame
    l3plus_rqf: pd.DataFrame
    none_rqf: pd.DataFrame
    vintages: dict[str, str] = field(default_factory=dict)
    #: What the publisher says about a series (sidecar `publisher_note`, in its own words), by dataset name.
    notes: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def scale(self) -> IntervalScale:
        """How much the derived level intervals are widened to match ONS's published level 3+ ones."""
        return interval_scale(self.t19, self.l3plus_nvq)


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the shipped snapshot files named by dataset name (provenance in each file's .meta.yaml sidecar)."""

    return Inputs(
        t19=read_table(paths["aps_t19_qualifications"]),
        lad21=read_table(paths["lad21_reference"]),
        l3plus_nvq=read_table(paths["ons_l3plus_nvq"]),
        l3plus_rqf=read_table(paths["ons_l3plus_rqf"]),
        none_rqf=read_table(paths["ons_none_rqf"]),
        vintages=vintages or {},
        notes={
            name: str(note)
            for name in ("ons_l3plus_rqf", "ons_none_rqf", "ons_l3plus_nvq", "aps_t19_qualifications")
            if (note := snapshots.read_sidecar(paths[name]).get("publisher_note"))
        },
    )


def held_period(inputs: Inputs, area_code: str, period: str) -> str:
    """The year the chapter can report: `period` when the inputs hold the area's level 3+ figure for it,
    else the newest earlier year they hold on the same basis (an edition never shows an empty table
    because a release it asked for is not out); `period` itself when they hold none."""
    data = inputs.t19 if framework(period) == "NVQ" else inputs.l3plus_rqf
    column = "count" if framework(period) == "NVQ" else "value"
    rows = data[(data["geography_code"] == area_code) & data[column].notna()]
    held = sorted({str(p) for p in rows["period"] if str(p) <= str(period) and framework(str(p)) == framework(period)})
    return held[-1] if held else period


def framework(period: str) -> str:
    """ "NVQ" for APS years to 2021, "RQF" from 2022."""
    return "RQF" if int(period) >= FIRST_RQF_YEAR else "NVQ"


def default_comparators(area_code: str, lad21: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(key, code, name) for Great Britain, the area's region and, if it has one, its combined authority."""
    row = lad21[lad21["lad_code"] == area_code]
    if row.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    r = row.iloc[0]
    # "West Midlands" alone could be the county, the region or the combined authority: say which.
    out = [("gb", *GREAT_BRITAIN), ("region", r["region_code"], f"{r['region_name']} region")]
    if r["ca_code"]:
        out.append(("ca", r["ca_code"], f"{r['ca_name']} Combined Authority"))
    return out


def nvq_shares(inputs: Inputs, code: str, name: str) -> pd.DataFrame:
    """NVQ-basis level shares for one area in every T19 year: read directly, or summed from member LADs."""
    t19 = inputs.t19
    if code in set(t19["geography_code"]):
        shares = level_shares(t19[t19["geography_code"] == code], inputs.scale.factor)
    elif code == GREAT_BRITAIN[0]:
        shares = aggregated_shares(t19, inputs.lad21["lad_code"].tolist(), code, name, inputs.scale.factor)
    elif code.startswith(("E12", "E47")):
        # A region, or a combined authority formed after the T19 tables (East Midlands, 2024): its member
        # districts' counts summed, as for a region.
        column = "region_code" if code.startswith("E12") else "ca_code"
        members = inputs.lad21.loc[inputs.lad21[column] == code, "lad_code"].tolist()
        shares = aggregated_shares(t19, members, code, name, inputs.scale.factor)
    else:
        raise KeyError(f"{code} ({name}) has no T19 counts and no rule to build it from local authorities")
    shares["geography_name"] = name
    return prefer_published(shares, inputs.l3plus_nvq)


def rqf_shares(inputs: Inputs, code: str, name: str) -> pd.DataFrame:
    """RQF-basis shares as ONS publishes them: level 3+ and no qualifications, with ONS's intervals."""
    frames = []
    for indicator_id, published in (("qual_l3plus_16_64", inputs.l3plus_rqf), ("qual_none_16_64", inputs.none_rqf)):
        rows = published[published["geography_code"] == code]
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": indicator_id,
                    "geography_code": code,
                    "geography_name": name,
                    "period": rows["period"].astype(str),
                    "value": rows["value"],
                    "ci_lower": rows["ci_lower"],
                    "ci_upper": rows["ci_upper"],
                    "numerator": float("nan"),
                    "denominator": float("nan"),
                    "status": rows["status"].where(rows["value"].notna(), "x"),
                    "note": "",
                    "ci_method": "published by ONS",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def complete(shares: pd.DataFrame, places: list[tuple[str, str, str]], period: str) -> pd.DataFrame:
    """Add a missing row (status "x") for every level × place the data has no figure for in `period`."""
    have = set(zip(shares["indicator_id"], shares["geography_code"], shares["period"]))
    basis = framework(period)
    missing = []
    for _, code, name in places:
        for indicator_id in LEVELS:
            if (indicator_id, code, period) not in have:
                missing.append(
                    {
                        "indicator_id": indicator_id,
                        "geography_code": code,
                        "geography_name": name,
                        "period": period,
                        "value": float("nan"),
                        "ci_lower": float("nan"),
                        "ci_upper": float("nan"),
                        "numerator": float("nan"),
                        "denominator": float("nan"),
                        "status": "x",
                        "ci_method": "",
                        "note": (
                            f"not available: ONS's {basis}-basis figures for {period} are not in the data this edition uses"
                        ),
                    }
                )
    return pd.concat([shares, pd.DataFrame(missing, columns=SHARE_COLUMNS)], ignore_index=True) if missing else shares


@dataclass
class Result:
    """What the chapter shows."""

    area_code: str
    area_name: str
    period: str
    comparators: list[tuple[str, str, str]]
    shares: pd.DataFrame
    comparison: pd.DataFrame
    trend: pd.DataFrame
    indicators: pd.DataFrame
    key_figures: dict
    asked_period: str = ""  # the year the edition asked for, when the inputs do not hold it yet
    publisher_note: str = ""  # why, in the publisher's words
    scale: IntervalScale | None = None  # how the derived level intervals were widened


def _note(inputs: Inputs, period: str) -> str:
    """The publisher's note on the series of `period`'s basis, if its sidecar carries one."""
    names = ("ons_l3plus_rqf", "ons_none_rqf") if framework(period) == "RQF" else ("ons_l3plus_nvq",)
    return next((inputs.notes[n] for n in names if n in inputs.notes), "")


def compute(
    inputs: Inputs, area_code: str, period: str, trend_end: str, comparators: list[list[str]] | None = None
) -> Result:
    """All figures for the chapter for one area, comparison year and last year the edition may show.

    `comparators` are (key, code, name) triples; None means Great Britain, the region and the combined authority."""
    lad = inputs.lad21[inputs.lad21["lad_code"] == area_code]
    if lad.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    area_name = lad.iloc[0]["lad_name"]
    asked, period = period, held_period(inputs, area_code, period)
    comparators = [tuple(c) for c in comparators] if comparators else default_comparators(area_code, inputs.lad21)
    places = [("area", area_code, area_name), *comparators]
    last = max(int(period), int(trend_end))
    shares = pd.concat(
        [s for _, code, name in places for s in (nvq_shares(inputs, code, name), rqf_shares(inputs, code, name))],
        ignore_index=True,
    )
    shares = shares[shares["period"].astype(int) <= last]
    shares = complete(shares, places, period).assign(framework=lambda d: d["period"].map(framework))
    now = shares[shares["period"] == period]
    comparison = pd.concat(
        [
            compare(now[now["geography_code"] == area_code], now[now["geography_code"] == code]).assign(
                comparator_key=key
            )
            for key, code, _ in comparators
        ],
        ignore_index=True,
    )
    trend = level3_trend(inputs, places, trend_end)
    result = Result(area_code, area_name, period, comparators, shares, comparison, trend, pd.DataFrame(), {})
    result.asked_period, result.publisher_note = asked, _note(inputs, period)
    result.scale = inputs.scale
    result.indicators = build_indicators(inputs, result)
    result.key_figures = key_figures(result)
    return result


def level3_trend(inputs: Inputs, places: list[tuple[str, str, str]], trend_end: str) -> pd.DataFrame:
    """Level 3+ by year as ONS publishes it: NVQ basis to 2021, RQF from 2022 (a break in series)."""
    codes = [c for _, c, _ in places]
    names = {c: n for _, c, n in places}
    nvq = inputs.l3plus_nvq[inputs.l3plus_nvq["geography_code"].isin(codes)].assign(framework="NVQ")
    rqf = inputs.l3plus_rqf[inputs.l3plus_rqf["geography_code"].isin(codes)].assign(framework="RQF")
    trend = pd.concat([nvq, rqf], ignore_index=True)
    trend = trend[trend["period"].astype(int) <= int(trend_end)].copy()
    trend["geography_name"] = trend["geography_code"].map(names)
    trend["order"] = trend["geography_code"].map({c: i for i, c in enumerate(codes)})
    trend = trend.sort_values(["order", "period"]).drop(columns=["order", "source_row"])
    return trend[["geography_code", "geography_name", "framework", "period", "value", "ci_lower", "ci_upper", "status"]]


def _source_id(indicator_id: str, basis: str, ci_method: str) -> str:
    """The dataset a share row comes from (RQF levels ONS does not publish here: "none")."""
    if basis == "RQF":
        return {"qual_l3plus_16_64": "ons_l3plus_rqf", "qual_none_16_64": "ons_none_rqf"}.get(indicator_id, "none")
    return "ons_l3plus_nvq" if ci_method == "published by ONS" else "aps_t19_qualifications"


def build_indicators(inputs: Inputs, result: Result) -> pd.DataFrame:
    """The chapter's rows of indicators.csv: every level and year it has, with the basis as the breakdown."""
    shares = result.shares.assign(breakdown="framework:" + result.shares["framework"])
    shares["source_id"] = [
        _source_id(i, f, m) for i, f, m in zip(shares["indicator_id"], shares["framework"], shares["ci_method"])
    ]
    l3 = shares[shares["indicator_id"] == "qual_l3plus_16_64"]
    covered = pd.MultiIndex.from_frame(l3[["geography_code", "period"]])
    key = pd.MultiIndex.from_frame(result.trend[["geography_code", "period"]])
    older = result.trend[~key.isin(covered)].assign(
        indicator_id="qual_l3plus_16_64",
        breakdown="framework:" + result.trend["framework"],
        source_id=lambda d: d["framework"].map({"NVQ": "ons_l3plus_nvq", "RQF": "ons_l3plus_rqf"}),
    )
    out = pd.concat([shares, older], ignore_index=True)
    # The dataset names places as ONS does ("West Midlands"); "region" is added only where the book prints it.
    regions = dict(zip(inputs.lad21["region_code"], inputs.lad21["region_name"]))
    out["geography_name"] = out["geography_code"].map(regions).fillna(out["geography_name"])
    out["vintage"] = out["source_id"].map(lambda s: inputs.vintages.get(s, ""))
    out.loc[out["value"].isna() & (out["status"] == ""), "status"] = "x"
    return indicators.tidy(out)


def _row(result: Result, indicator_id: str, code: str) -> pd.Series:
    s = result.shares
    return s[(s["indicator_id"] == indicator_id) & (s["period"] == result.period) & (s["geography_code"] == code)].iloc[
        0
    ]


def _versus(result: Result, indicator_id: str, key: str) -> pd.Series:
    c = result.comparison
    return c[(c["indicator_id"] == indicator_id) & (c["comparator_key"] == key)].iloc[0]


def _pct(row: pd.Series, suffix: str = "") -> str:
    value, status = row[f"value{suffix}"], row[f"status{suffix}"]
    return number(value, mark=status) + (f" [{status}]" if status and pd.notna(value) else "")


def _ci(row: pd.Series) -> str:
    return f"{number(row['ci_lower'])} to {number(row['ci_upper'])}" if pd.notna(row["ci_lower"]) else "[x]"


def comparison_table(result: Result) -> pd.DataFrame:
    """The published comparison table: a row per level; the area with its CI, then each comparator's
    figure with the signed difference (pp) and the verdict."""
    rows = []
    for indicator_id in LEVELS:
        label = indicators.entry(indicator_id)["short_label"]
        area = _row(result, indicator_id, result.area_code)
        row = {
            "Level": label,
            f"{result.area_name} % (95% CI)": f"{_pct(area)} ({_ci(area)})" if pd.notna(area["value"]) else _pct(area),
        }
        for key, _, name in result.comparators:
            c = _versus(result, indicator_id, key)
            if pd.isna(c["value"]) or pd.isna(c["value_benchmark"]):
                row[f"{name} % (difference pp, verdict)"] = _pct(c, "_benchmark")
                continue
            verdict = (
                c["significance"] if c["judgement"] == c["significance"] else f"{c['significance']}, {c['judgement']}"
            )
            row[f"{name} % (difference pp, verdict)"] = (
                f"{_pct(c, '_benchmark')} ({signed(c['difference_pp'])}, {verdict})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_csv(result: Result) -> pd.DataFrame:
    """The comparison in long form for download, values unrounded."""
    cols = [
        "indicator_id",
        "period",
        "framework",
        "geography_code",
        "geography_name",
        "value",
        "ci_lower",
        "ci_upper",
        "status",
        "geography_code_benchmark",
        "geography_name_benchmark",
        "value_benchmark",
        "ci_lower_benchmark",
        "ci_upper_benchmark",
        "status_benchmark",
        "difference_pp",
        "significance",
        "judgement",
        "ci_method",
    ]
    return result.comparison[cols].sort_values(["indicator_id", "geography_code_benchmark"]).reset_index(drop=True)


def key_figures(result: Result) -> dict:
    """Numbers and words the narrative quotes, as strings ready for Quarto's `{{< var >}}`."""
    kf: dict = {
        "area": result.area_name,
        "area_code": result.area_code,
        "period": result.period,
        "framework": framework(result.period),
        "comparators": {key: {"code": code, "name": name} for key, code, name in result.comparators},
    }
    for indicator_id, key in LEVEL_KEYS.items():
        area = _row(result, indicator_id, result.area_code)
        entry: dict = {"value": _pct(area), "ci": _ci(area)}
        for ckey, _, _ in result.comparators:
            c = _versus(result, indicator_id, ckey)
            entry[ckey] = {
                "value": _pct(c, "_benchmark"),
                "difference": signed(c["difference_pp"]),
                "significance": c["significance"],
                "judgement": c["judgement"],
                "phrase": PHRASE[c["significance"]],
            }
        kf[key] = entry
    kf["trend"] = trend_figures(result)
    kf["sentences"] = sentences(result, kf)
    kf["figures"] = {"l3plus_trend": {"alt": trend_description(result, kf["trend"])}}
    return {"skills": kf}


def sentences(result: Result, kf: dict) -> dict[str, str]:
    """The data-dependent sentences of the narrative, from chapters/skills-levels.sentences.yaml."""
    figures = {
        **kf,
        "noqual": kf["none"],
        "gb": kf["comparators"]["gb"]["name"],
        "region": kf["comparators"]["region"]["name"],
        "ca": next((name for key, _, name in result.comparators if key == "ca"), ""),
        "trend": _trend_facts(result, kf["trend"]),
        "first_rqf": FIRST_RQF_YEAR,
    }
    sums = result.shares[
        (result.shares["period"] == result.period) & result.shares["note"].astype(str).str.startswith("sum of")
    ]
    figures["sums"] = [
        {"name": name, "note": note}
        for name, note in sums[["geography_name", "note"]].drop_duplicates().itertuples(index=False)
    ]
    say = functools.partial(prose.render, CHAPTER, **figures)
    return {
        "headline": say("headline"),
        "other_levels": " ".join(s for s in (say("level4"), say("no_qualifications"), say("rqf_levels")) if s),
        "region": say("region"),
        "ca": say("ca"),
        "aggregates": say("aggregates"),
        "intervals": say("intervals", scale=_scale_facts(result.scale)),
        "trend": say("trend"),
        "period_note": say("period_note", asked=result.asked_period or result.period, note=result.publisher_note),
    }


def _scale_facts(scale: IntervalScale | None) -> dict[str, str]:
    """The interval scale as the method note prints it."""
    if scale is None:
        return {}
    return {
        "factor": f"{scale.factor:.2f}",
        "ours": number(100 / scale.factor, digits=0),
        "pairs": f"{scale.pairs:,}",
        "low": f"{scale.low:.2f}",
        "high": f"{scale.high:.2f}",
    }


def _trend_facts(result: Result, trend: dict[str, str]) -> dict[str, object]:
    """What the trend sentences and the chart description need beyond the key figures."""
    data = result.trend.dropna(subset=["value"])
    return {
        **trend,
        "rose": bool(trend["nvq"]) and float(trend["nvq_last_value"]) >= float(trend["first_value"]),
        "first": data["period"].min(),
        "last": data["period"].max(),
        "places": ", ".join(dict.fromkeys(data["geography_name"])),
        "break": (data["framework"] == "RQF").any() and (data["framework"] == "NVQ").any(),
    }


def trend_figures(result: Result) -> dict[str, str]:
    """First and last NVQ-basis values of the area's level 3+ series, and a sentence on the RQF years."""
    trend = result.trend[(result.trend["geography_code"] == result.area_code) & result.trend["value"].notna()]
    nvq = trend[trend["framework"] == "NVQ"].sort_values("period")
    rqf = trend[trend["framework"] == "RQF"].sort_values("period")
    latest = rqf.iloc[-1] if len(rqf) else None
    rqf_sentence = prose.render(
        CHAPTER,
        "rqf_trend",
        first_rqf=FIRST_RQF_YEAR,
        trend={
            "rqf_value": f"{latest['value']:.1f}" if latest is not None else "",
            "rqf_period": latest["period"] if latest is not None else "",
        },
    )
    if nvq.empty:  # ONS prints no NVQ-basis figure for the area (Isles of Scilly, City of London): [x]
        return dict.fromkeys(("first_period", "first_value", "nvq_last_period", "nvq_last_value", "nvq_change"), "") | {
            "nvq": False,
            "rqf_sentence": rqf_sentence,
        }
    return {
        "nvq": True,
        "first_period": str(nvq["period"].iloc[0]),
        "first_value": f"{nvq['value'].iloc[0]:.1f}",
        "nvq_last_period": str(nvq["period"].iloc[-1]),
        "nvq_last_value": f"{nvq['value'].iloc[-1]:.1f}",
        "nvq_change": signed(nvq["value"].iloc[-1] - nvq["value"].iloc[0]),
        "rqf_sentence": rqf_sentence,
    }


def trend_description(result: Result, trend: dict) -> str:
    """Alt text and long description of the trend chart, from the data it shows."""
    return prose.render(
        CHAPTER, "trend_alt", area=result.area_name, first_rqf=FIRST_RQF_YEAR, trend=_trend_facts(result, trend)
    )


def trend_figure(result: Result, outputs: Path) -> dict[str, str]:
    """Draw and save the level 3+ trend chart; returns its file names."""
    data = result.trend.dropna(subset=["value"])
    fig = charts.broken_series_chart(
        data,
        x="period",
        y="value",
        series="geography_name",
        segment="framework",
        title="Residents aged 16 to 64 qualified to level 3 or above (%)",
        ylabel="Per cent",
        break_label="NVQ → RQF: break in series",
        source=indicators.entry("qual_l3plus_16_64")["source"],
    )
    return charts.save(fig, outputs / "l3plus_trend")


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """Write the chapter's downloadable tables, indicator rows and key figures into `outputs`."""
    tables = {"skills_comparison": comparison_csv(result), "l3plus_trend": result.trend}
    return chapter_outputs.write(outputs, tables, result.indicators, result.key_figures)


def headline(result: Result) -> pd.DataFrame:
    """The numbers the regression check guards: each level for the area and comparators, 1 dp."""
    now = result.shares[result.shares["period"] == result.period]
    table = now.pivot(index="indicator_id", columns="geography_name", values="value").round(1)
    return table.reindex(list(LEVELS))[[result.area_name, *[n for _, _, n in result.comparators]]]


def missing_inputs(params: dict, datasets: dict[str, str]) -> list[str]:
    """What an edition with these chapter parameters still lacks in data/ (empty when all is there)."""
    inputs = read_inputs(datasets)
    period = str(params["period"])
    if framework(period) == "NVQ":
        have = set(inputs.t19["period"])
        return [] if period in have else [f"APS table T19 counts for Jan-Dec {period} (dataset aps_t19_qualifications)"]
    needs = []
    for dataset_id, frame in (("ons_l3plus_rqf", inputs.l3plus_rqf), ("ons_none_rqf", inputs.none_rqf)):
        latest = max(frame["period"].astype(int))
        if int(period) > latest:
            needs.append(
                f"ONS RQF figures for Jan-Dec {period} (dataset {dataset_id} has data to {latest}): when ONS "
                f"publishes them, `skills-evidence snapshot {dataset_id} --from FILE`"
            )
    return needs


def parameters_from_data(params: dict, datasets: dict[str, str], area_code: str) -> dict:
    """The chapter's periods for a new edition: the newest year ONS's RQF series hold for the area
    (both level 3+ and no qualifications), so the tables are never about a year the inputs lack."""
    inputs = read_inputs(datasets)
    held = []
    for frame in (inputs.l3plus_rqf, inputs.none_rqf):
        rows = frame[(frame["geography_code"] == area_code) & frame["value"].notna()]
        if rows.empty:
            return dict(params)
        held.append(max(rows["period"].astype(str)))
    newest = min(held)
    return {**params, "period": newest, "trend_end": newest}

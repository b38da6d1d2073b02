"""Skills levels chapter (Priority 1): residents' qualification levels against comparators.

Everything the notebook shows is computed here, so it can be unit-tested: the comparison table for
one year, the level 3+ trend with its NVQ→RQF break, the long indicators and the key figures quoted
by the narrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from skills_evidence import charts, indicators, keyfigures
from skills_evidence.comparison import compare, signed
from skills_evidence.qualifications import LEVELS, aggregated_shares, level_shares, prefer_published

GREAT_BRITAIN = ("K03000001", "Great Britain")
ENGLAND = ("E92000001", "England")
#: Short keys the narrative uses for each indicator.
LEVEL_KEYS = {
    "qual_none_16_64": "none", "qual_l1plus_16_64": "l1plus", "qual_l2plus_16_64": "l2plus",
    "qual_l3plus_16_64": "l3plus", "qual_l4plus_16_64": "l4plus",
}
PHRASE = {
    "higher": "significantly higher than",
    "lower": "significantly lower than",
    "similar": "not significantly different from",
    "not compared": "not compared with",
}


@dataclass
class Inputs:
    """The datasets this chapter reads, already loaded."""

    t19: pd.DataFrame
    lad21: pd.DataFrame
    l3plus_nvq: pd.DataFrame
    l3plus_rqf: pd.DataFrame
    none_rqf: pd.DataFrame
    vintages: dict[str, str] = field(default_factory=dict)


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the shipped snapshot files named by dataset id (see data/manifest.yaml)."""

    def csv(name: str) -> pd.DataFrame:
        frame = pd.read_csv(paths[name], dtype={"period": str}, keep_default_na=False, na_values=[""])
        for column in ("count_mark", "ci_mark", "status", "ca_code", "ca_name"):
            if column in frame:
                frame[column] = frame[column].fillna("").astype(str)
        return frame

    return Inputs(
        t19=csv("aps_t19_qualifications"),
        lad21=csv("lad21_reference"),
        l3plus_nvq=csv("ons_l3plus_nvq"),
        l3plus_rqf=csv("ons_l3plus_rqf"),
        none_rqf=csv("ons_none_rqf"),
        vintages=vintages or {},
    )


def default_comparators(area_code: str, lad21: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(key, code, name) for Great Britain, the area's region and, if it has one, its combined authority."""
    row = lad21[lad21["lad_code"] == area_code]
    if row.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    r = row.iloc[0]
    out = [("gb", *GREAT_BRITAIN), ("region", r["region_code"], r["region_name"])]
    if r["ca_code"]:
        out.append(("ca", r["ca_code"], f"{r['ca_name']} Combined Authority"))
    return out


def area_shares(inputs: Inputs, code: str, name: str) -> pd.DataFrame:
    """Level shares for one area in every T19 period: read directly, or summed from member LADs."""
    t19 = inputs.t19
    if code in set(t19["geography_code"]):
        shares = level_shares(t19[t19["geography_code"] == code])
    elif code == GREAT_BRITAIN[0]:
        shares = aggregated_shares(t19, inputs.lad21["lad_code"].tolist(), code, name)
    elif code.startswith("E12"):
        members = inputs.lad21.loc[inputs.lad21["region_code"] == code, "lad_code"].tolist()
        shares = aggregated_shares(t19, members, code, name)
    else:
        raise KeyError(f"{code} ({name}) has no T19 counts and no rule to build it from local authorities")
    shares["geography_name"] = name
    return prefer_published(shares, inputs.l3plus_nvq)


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


def compute(inputs: Inputs, area_code: str, period: str, trend_end: str,
            comparators: list[tuple[str, str, str]] | None = None) -> Result:
    """All figures for the chapter for one area, comparison year and last trend year."""
    lad = inputs.lad21[inputs.lad21["lad_code"] == area_code]
    if lad.empty:
        raise KeyError(f"{area_code} is not a local authority district in data/reference/lad21.csv")
    area_name = lad.iloc[0]["lad_name"]
    comparators = comparators or default_comparators(area_code, inputs.lad21)
    places = [("area", area_code, area_name), *comparators]
    shares = pd.concat([area_shares(inputs, code, name) for _, code, name in places], ignore_index=True)
    if period not in set(shares["period"]):
        raise KeyError(f"no T19 data for {period}; available: {', '.join(sorted(set(shares['period'])))}")
    now = shares[shares["period"] == period]
    area_now = now[now["geography_code"] == area_code]
    comparison = pd.concat(
        [compare(area_now, now[now["geography_code"] == code]).assign(comparator_key=key)
         for key, code, _ in comparators],
        ignore_index=True,
    )
    trend = level3_trend(inputs, [(c, n) for _, c, n in places], trend_end)
    result = Result(area_code, area_name, period, comparators, shares, comparison, trend, pd.DataFrame(), {})
    result.indicators = build_indicators(inputs, result)
    result.key_figures = key_figures(result)
    return result


def level3_trend(inputs: Inputs, places: list[tuple[str, str]], trend_end: str) -> pd.DataFrame:
    """Level 3+ by year as ONS publishes it: NVQ framework to 2021, RQF from 2022 (a break in series)."""
    codes = [c for c, _ in places]
    names = dict(places)
    nvq = inputs.l3plus_nvq[inputs.l3plus_nvq["geography_code"].isin(codes)].assign(framework="NVQ")
    rqf = inputs.l3plus_rqf[inputs.l3plus_rqf["geography_code"].isin(codes)].assign(framework="RQF")
    trend = pd.concat([nvq, rqf], ignore_index=True)
    trend = trend[trend["period"].astype(int) <= int(trend_end)].copy()
    trend["geography_name"] = trend["geography_code"].map(names)
    trend["order"] = trend["geography_code"].map({c: i for i, c in enumerate(codes)})
    trend = trend.sort_values(["order", "period"]).drop(columns=["order", "source_row"])
    return trend[["geography_code", "geography_name", "framework", "period", "value", "ci_lower", "ci_upper", "status"]]


def build_indicators(inputs: Inputs, result: Result) -> pd.DataFrame:
    """The chapter's rows of indicators.csv: T19-derived levels 2017-21 and ONS's level 3+ and none series."""
    v = inputs.vintages
    derived = result.shares.assign(
        breakdown="framework:NVQ", unit="%",
        source_id=result.shares["ci_method"].map(
            {"published by ONS": "ons_l3plus_nvq"}).fillna("aps_t19_qualifications"),
    )
    derived["vintage"] = derived["source_id"].map(lambda s: v.get(s, ""))
    rows = [derived]
    t19_periods = set(derived["period"])
    older = result.trend[(result.trend["framework"] == "NVQ") & ~result.trend["period"].isin(t19_periods)]
    rows.append(older.assign(indicator_id="qual_l3plus_16_64", breakdown="framework:NVQ", unit="%", polarity=1,
                             source_id="ons_l3plus_nvq", vintage=v.get("ons_l3plus_nvq", "")))
    rqf = result.trend[result.trend["framework"] == "RQF"]
    rows.append(rqf.assign(indicator_id="qual_l3plus_16_64", breakdown="framework:RQF", unit="%", polarity=1,
                           source_id="ons_l3plus_rqf", vintage=v.get("ons_l3plus_rqf", "")))
    codes = [c for _, c, _ in [("area", result.area_code, result.area_name), *result.comparators]]
    none = inputs.none_rqf[inputs.none_rqf["geography_code"].isin(codes)]
    none = none[none["period"].astype(int) <= int(result.trend["period"].astype(int).max())]
    names = {result.area_code: result.area_name, **{c: n for _, c, n in result.comparators}}
    rows.append(none.assign(indicator_id="qual_none_16_64", breakdown="framework:RQF", unit="%", polarity=-1,
                            geography_name=none["geography_code"].map(names),
                            source_id="ons_none_rqf", vintage=v.get("ons_none_rqf", "")))
    out = pd.concat(rows, ignore_index=True)
    out.loc[out["value"].isna() & (out["status"] == ""), "status"] = "x"
    return indicators.tidy(out)


def comparison_table(result: Result) -> pd.DataFrame:
    """The published comparison table: a row per level; the area with its CI, then each comparator's
    figure with the signed difference (pp) and the verdict."""
    rows = []
    for indicator_id, (_, _, label) in LEVELS.items():
        area = result.shares[(result.shares["indicator_id"] == indicator_id) & (result.shares["period"] == result.period)
                             & (result.shares["geography_code"] == result.area_code)].iloc[0]
        row = {"Level": label, f"{result.area_name} % (95% CI)": f"{_pct(area)} ({_ci(area)})"}
        for key, _, name in result.comparators:
            c = result.comparison[(result.comparison["indicator_id"] == indicator_id) & (result.comparison["comparator_key"] == key)].iloc[0]
            verdict = c["significance"] if c["judgement"] == c["significance"] else f"{c['significance']}, {c['judgement']}"
            row[f"{name} % (difference pp, verdict)"] = f"{_pct(c, '_benchmark')} ({signed(c['difference_pp'])}, {verdict})"
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_csv(result: Result) -> pd.DataFrame:
    """The comparison in long form for download, values unrounded."""
    cols = ["indicator_id", "period", "geography_code", "geography_name", "value", "ci_lower", "ci_upper", "status",
            "geography_code_benchmark", "geography_name_benchmark", "value_benchmark", "ci_lower_benchmark",
            "ci_upper_benchmark", "status_benchmark", "difference_pp", "significance", "judgement", "ci_method"]
    return result.comparison[cols].sort_values(["indicator_id", "geography_code_benchmark"]).reset_index(drop=True)


def _pct(row: pd.Series, suffix: str = "") -> str:
    value, status = row[f"value{suffix}"], row[f"status{suffix}"]
    if pd.isna(value):
        return f"[{status or 'x'}]"
    return f"{value:.1f}" + (f" [{status}]" if status else "")


def _ci(row: pd.Series) -> str:
    if pd.isna(row["ci_lower"]):
        return "[x]"
    return f"{row['ci_lower']:.1f} to {row['ci_upper']:.1f}"


def key_figures(result: Result) -> dict:
    """Numbers and words the narrative quotes, as strings ready for Quarto's `{{< var >}}`."""
    kf: dict = {
        "area": result.area_name,
        "area_code": result.area_code,
        "period": result.period,
        "comparators": {key: {"code": code, "name": name} for key, code, name in result.comparators},
    }
    for indicator_id, key in LEVEL_KEYS.items():
        area = result.shares[(result.shares["indicator_id"] == indicator_id) & (result.shares["period"] == result.period)
                             & (result.shares["geography_code"] == result.area_code)].iloc[0]
        entry: dict = {"value": _pct(area), "ci": _ci(area)}
        for ckey, _, cname in result.comparators:
            c = result.comparison[(result.comparison["indicator_id"] == indicator_id) & (result.comparison["comparator_key"] == ckey)].iloc[0]
            entry[ckey] = {
                "value": _pct(c, "_benchmark"),
                "difference": signed(c["difference_pp"]),
                "significance": c["significance"],
                "judgement": c["judgement"],
                "phrase": PHRASE[c["significance"]],
            }
        kf[key] = entry
    kf["sentences"] = {"ca": _ca_sentence(result)}
    trend = result.trend[result.trend["geography_code"] == result.area_code]
    nvq = trend[trend["framework"] == "NVQ"].sort_values("period")
    rqf = trend[trend["framework"] == "RQF"].sort_values("period")
    kf["trend"] = {
        "first_period": str(nvq["period"].iloc[0]), "first_value": f"{nvq['value'].iloc[0]:.1f}",
        "nvq_last_period": str(nvq["period"].iloc[-1]), "nvq_last_value": f"{nvq['value'].iloc[-1]:.1f}",
        "nvq_change": signed(nvq["value"].iloc[-1] - nvq["value"].iloc[0]),
        "rqf_sentence": (
            f"On the RQF basis that ONS has used since 2022, the figure was {rqf['value'].iloc[-1]:.1f}% in {rqf['period'].iloc[-1]}; "
            "it is not comparable with the NVQ-based figures before 2022."
            if len(rqf) else "ONS's RQF-based figures from 2022 were not yet published for this edition."
        ),
    }
    kf["figures"] = {"l3plus_trend": {"alt": trend_description(result, kf["trend"])}}
    return {"skills": kf}


def _ca_sentence(result: Result) -> str:
    """A sentence on the combined authority, or a plain statement that the area is not in one."""
    ca = [c for c in result.comparators if c[0] == "ca"]
    if not ca:
        return f"{result.area_name} is not part of a combined authority, so no combined authority comparison is made."
    c = result.comparison[(result.comparison["indicator_id"] == "qual_l3plus_16_64") & (result.comparison["comparator_key"] == "ca")].iloc[0]
    return (f"Against the {ca[0][2]} ({c['value_benchmark']:.1f}%), {result.area_name}'s level 3+ share was "
            f"{PHRASE[c['significance']]} the combined authority's, a difference of {signed(c['difference_pp'])} percentage points.")


def trend_description(result: Result, trend: dict) -> str:
    """Alt text and long description of the trend chart, from the data it shows."""
    data = result.trend.dropna(subset=["value"])
    first, last = data["period"].min(), data["period"].max()
    has_break = (data["framework"] == "RQF").any() and (data["framework"] == "NVQ").any()
    return (
        f"Line chart of the percentage of residents aged 16 to 64 qualified to level 3 or above, {first} to {last}, "
        f"for {', '.join(dict.fromkeys(data['geography_name']))}. "
        + ("The NVQ-based series ends in 2021 and the RQF-based series starts in 2022; the two are not joined. " if has_break else "")
        + f"{result.area_name} rose from {trend['first_value']}% in {trend['first_period']} to "
        f"{trend['nvq_last_value']}% in {trend['nvq_last_period']}. The values are in the downloadable CSV."
    )


def trend_figure(result: Result, outputs: Path) -> dict[str, str]:
    """Draw and save the level 3+ trend chart; returns its file names, caption and alt text."""
    data = result.trend.dropna(subset=["value"])
    fig = charts.broken_series_chart(
        data, x="period", y="value", series="geography_name", segment="framework",
        title="Residents aged 16 to 64 qualified to level 3 or above (%)", ylabel="Per cent",
        break_label="NVQ → RQF: break in series",
    )
    caption = f"Level 3 or above, residents aged 16 to 64, {result.area_name} and comparators, {data['period'].min()} to {data['period'].max()}"
    meta = charts.save(fig, outputs / "l3plus_trend", alt=result.key_figures["skills"]["figures"]["l3plus_trend"]["alt"], caption=caption)
    charts.close(fig)
    return meta


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """Write the chapter's downloadable tables, indicator rows and key figures into `outputs`."""
    outputs = Path(outputs)
    outputs.mkdir(parents=True, exist_ok=True)
    files = {
        "comparison": outputs / "skills_comparison.csv",
        "trend": outputs / "l3plus_trend.csv",
        "indicators": outputs / "indicators.csv",
        "key_figures": outputs / "key_figures.yml",
    }
    comparison_csv(result).to_csv(files["comparison"], index=False, lineterminator="\n", float_format="%.6g")
    result.trend.to_csv(files["trend"], index=False, lineterminator="\n", float_format="%.6g")
    indicators.write(result.indicators, files["indicators"])
    keyfigures.write(result.key_figures, files["key_figures"])
    return files


DATASETS = ["aps_t19_qualifications", "lad21_reference", "ons_l3plus_nvq", "ons_l3plus_rqf", "ons_none_rqf"]


def run(area_code: str, period: str, trend_end: str, comparators: list | None, datasets: dict | None,
        vintages: dict | None, output_dir: str | Path) -> Result:
    """What the notebook does: read the datasets (the manifest's by default), compute, write outputs."""
    from skills_evidence.manifest import paths_for, vintages_for
    from skills_evidence.paths import resolve

    inputs = read_inputs(datasets or paths_for(DATASETS), vintages or vintages_for(DATASETS))
    result = compute(inputs, area_code, period, trend_end, [tuple(c) for c in comparators] if comparators else None)
    write_outputs(result, resolve(output_dir))
    return result


def headline(result: Result) -> pd.DataFrame:
    """The numbers the regression check guards: each level for the area and comparators, 1 dp."""
    now = result.shares[result.shares["period"] == result.period]
    table = now.pivot(index="indicator_id", columns="geography_name", values="value").round(1)
    return table.reindex(list(LEVELS))[[result.area_name, *[n for _, _, n in result.comparators]]]

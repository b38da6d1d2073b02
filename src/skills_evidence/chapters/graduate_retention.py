"""Graduate retention chapter: how many graduates of a city's universities work in the city.

Retention rate, defined once here: graduates of the higher-education providers in the city who are
in employment in the city about 15 months after graduating (HESA Graduate Outcomes), divided by all
graduates of those providers in employment in the UK with a known local authority. Graduates working
overseas or whose place of work is unknown are outside the denominator. The 95% interval is Wilson's
(binomial). Counts are HESA-rounded to 5, so numerator and denominator each carry rounding; a rate on
a rounded denominator under 22.5 is not shown, following HESA's rule for percentages ([c]).

Until the council supplies the licensed extract, the data is a synthetic stand-in and every number,
table and chart here says so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from skills_evidence.chapters import charts, prose
from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.inputs.loaders.hesa_go import load_graduate_outcomes
from skills_evidence.statistics import indicators
from skills_evidence.statistics.intervals import Z95, wilson, z_score

MIN_DENOMINATOR = 22.5
SYNTHETIC_LABEL = "Synthetic data, illustrative only"
#: This chapter's sentence templates: chapters/graduate-retention.sentences.yaml.
CHAPTER = "graduate-retention"


@dataclass
class Inputs:
    """The extract (with its synthetic flag), the city definitions and the published baseline."""

    extract: pd.DataFrame
    cities: pd.DataFrame
    baseline: pd.DataFrame
    synthetic: bool
    vintages: dict


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the extract through its validating loader, and the city and baseline tables."""
    extract = load_graduate_outcomes(paths["hesa_go_extract"])
    cities = read_table(paths["university_cities"])
    baseline = read_table(paths["cfc_graduate_retention"])
    return Inputs(extract, cities, baseline, extract.attrs["synthetic"], vintages or {})


#: A withheld rate keeps no number behind it: not the rate, its interval, nor the counts it came from.
WITHHELD = dict.fromkeys(["numerator", "denominator", "rate", "ci_lower", "ci_upper"], np.nan)


def retention(extract: pd.DataFrame, cities: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Retention rate per group of `by` columns (which must include `provider_city`), with Wilson CIs.

    A group containing a suppressed count cannot be summed: its rate is missing with status "c", as
    is a rate whose denominator is under 22.5.
    """
    home = cities.groupby("city")["lad_code"].apply(set).to_dict()
    known = extract[~extract["employment_la_code"].isin(["unknown", "overseas"])].copy()
    known["in_city"] = [
        code in home.get(city, set()) for code, city in zip(known["employment_la_code"], known["provider_city"])
    ]
    rows = []
    for key, group in known.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(by, key))
        if (group["status"] == "c").any():
            row.update(WITHHELD, status="c", note="includes a count HESA suppressed")
        else:
            num, den = group.loc[group["in_city"], "graduates"].sum(), group["graduates"].sum()
            row.update(numerator=num, denominator=den)
            if den < MIN_DENOMINATOR:  # withheld with its counts, which would give the rate away
                row.update(WITHHELD, status="c", note="fewer than 22.5 graduates")
            else:
                low, high = wilson(num, den)
                row.update(rate=100 * num / den, ci_lower=low, ci_upper=high, status="", note="")
        rows.append(row)
    return pd.DataFrame(rows)


def ranking(extract: pd.DataFrame, cities: pd.DataFrame, cohort: str) -> pd.DataFrame:
    """Every city's rate for one cohort, ranked 1 = highest retention (ties share the better rank)."""
    rates = retention(extract[extract["cohort"] == cohort], cities, ["provider_city"])
    rates["rank"] = rates["rate"].rank(ascending=False, method="min")
    return rates.sort_values("rank").reset_index(drop=True)


@dataclass
class Result:
    """What the chapter shows."""

    city: str
    synthetic: bool
    cohorts: list[str]
    latest: str
    series: pd.DataFrame
    providers: pd.DataFrame
    levels: pd.DataFrame
    ranks: pd.DataFrame
    baseline: dict
    indicators: pd.DataFrame
    key_figures: dict


def compute(inputs: Inputs, city: str, last_cohort: str, area_code: str) -> Result:
    """All figures for the chapter up to `last_cohort` (the latest cohort in the data if that one is not there)."""
    extract = inputs.extract[inputs.extract["cohort"] <= last_cohort]
    if city not in set(inputs.cities["city"]):
        raise KeyError(f"{city!r} is not a city in the university cities table")
    cohorts = sorted(set(extract["cohort"]))
    own = extract[extract["provider_city"] == city]
    series = retention(own, inputs.cities, ["provider_city", "cohort"])
    providers = retention(own, inputs.cities, ["provider_city", "provider_ukprn", "provider_name", "cohort"])
    levels = retention(own, inputs.cities, ["provider_city", "level_of_study", "cohort"])
    latest = cohorts[-1] if cohorts else last_cohort
    ranks = ranking(extract, inputs.cities, latest) if cohorts else pd.DataFrame()
    base = inputs.baseline.set_index("indicator")["value"].to_dict() | {
        "source_url": inputs.baseline["source_url"].iloc[0],
        "period": inputs.baseline["period"].iloc[0],
    }
    result = Result(city, inputs.synthetic, cohorts, latest, series, providers, levels, ranks, base, pd.DataFrame(), {})
    result.indicators = build_indicators(result, area_code, inputs.vintages)
    result.key_figures = key_figures(result, last_cohort)
    return result


def build_indicators(result: Result, area_code: str, vintages: dict) -> pd.DataFrame:
    """grad_retention_rate rows: total, by provider and by level, every cohort; synthetic ones say so."""
    note = "synthetic stand-in: illustrative only" if result.synthetic else ""
    parts = [
        result.series.assign(breakdown=""),
        result.providers.assign(breakdown="provider:" + result.providers["provider_ukprn"]),
        result.levels.assign(breakdown="level:" + result.levels["level_of_study"].str.lower().str.replace(" ", "_")),
    ]
    frame = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame(
        {
            "indicator_id": "grad_retention_rate",
            "breakdown": frame["breakdown"],
            "geography_code": area_code,
            "geography_name": result.city,
            "period": frame["cohort"],
            "value": frame["rate"],
            "ci_lower": frame["ci_lower"],
            "ci_upper": frame["ci_upper"],
            "numerator": frame["numerator"],
            "denominator": frame["denominator"],
            "source_id": "hesa_go_extract",
            "vintage": vintages.get("hesa_go_extract", ""),
            "status": frame["status"],
            "note": [(n + "; " if n else "") + note if note else n for n in frame["note"]],
        }
    )
    return indicators.tidy(out)


def key_figures(result: Result, wanted: str) -> dict:
    """Numbers and sentences the narrative quotes (words in chapters/graduate-retention.sentences.yaml);
    every sentence quoting a figure carries the synthetic label when it applies."""
    kf: dict = {
        "city": result.city,
        "synthetic": "yes" if result.synthetic else "no",
        "latest": result.latest,
        "title": "graduate retention",
        "min_denominator": f"{MIN_DENOMINATOR:g}",
    }
    b = result.baseline
    facts: dict = {
        "city": result.city,
        "synthetic": result.synthetic,
        "tag": f"[{SYNTHETIC_LABEL}] " if result.synthetic else "",
        "baseline": {"rate": b.get("rate", "[x]"), "period": b.get("period", ""), "rank": b.get("rank", "[x]")},
        "latest": {},
        "wanted": wanted,
        "wanted_missing": wanted not in result.cohorts,
    }
    s = result.series.dropna(subset=["rate"]).sort_values("cohort")
    if len(s):
        first, last = s.iloc[0], s.iloc[-1]
        rank = result.ranks[result.ranks["provider_city"] == result.city]
        z = z_score(
            last["rate"] - first["rate"], (first["ci_lower"], first["ci_upper"]), (last["ci_lower"], last["ci_upper"])
        )
        change = (
            ("a statistically significant change" if abs(z) > Z95 else "not a statistically significant change")
            if not pd.isna(z)
            else "untested"
        )
        facts["latest"] = {
            "cohort": last["cohort"],
            "rate": number(last["rate"], mark="c"),
            "low": number(last["ci_lower"], mark="c"),
            "high": number(last["ci_upper"], mark="c"),
            "rank": str(int(rank["rank"].iloc[0])) if len(rank) else "",
            "cities": str(len(result.ranks)),
            "change": signed(last["rate"] - first["rate"]),
            "first_cohort": first["cohort"],
            "significant": change,
        }
    latest = result.providers[result.providers["cohort"] == result.latest]
    facts["providers"] = [{"name": r.provider_name, "rate": number(r.rate, mark="c")} for r in latest.itertuples()]
    say = functools.partial(prose.render, CHAPTER, **facts)
    kf.update(
        notice=say("notice"),
        baseline_sentence=say("baseline"),
        latest_sentence=say("latest"),
        provider_sentence=say("providers"),
    )
    kf["figures"] = {"trend": {"alt": trend_description(result)}}
    return {"retention": kf}


def trend_description(result: Result) -> str:
    """Alt text of the trend chart."""
    s = result.series.dropna(subset=["rate"])
    span = f"{s['cohort'].min()} to {s['cohort'].max()}" if len(s) else "no cohorts"
    return prose.render(CHAPTER, "trend_alt", city=result.city, synthetic=result.synthetic, chart={"span": span})


def comparison_table(result: Result) -> pd.DataFrame:
    """The ranking of university cities for the latest cohort (the city, its neighbours in rank, top and bottom)."""
    if result.ranks.empty:
        return pd.DataFrame({"Note": ["No cohort available"]})
    r = result.ranks
    own = int(r.index[r["provider_city"] == result.city][0])
    keep = sorted({0, 1, 2, own - 1, own, own + 1, len(r) - 1} & set(range(len(r))))
    out = r.loc[keep, ["rank", "provider_city", "rate", "ci_lower", "ci_upper", "denominator"]].copy()
    out.columns = ["Rank", "City", "Retention %", "95% CI from", "95% CI to", "Graduates in work (known place)"]
    out["Rank"] = out["Rank"].astype(int)
    for c in ("Retention %", "95% CI from", "95% CI to"):
        out[c] = out[c].map(lambda v: number(v, mark="c"))
    out["Graduates in work (known place)"] = out["Graduates in work (known place)"].map(lambda v: f"{int(v):,}")
    return out


def provider_table(result: Result) -> pd.DataFrame:
    """Retention by provider and by level for the latest cohort, with intervals."""
    latest = result.latest
    rows = []
    for label, frame, name in (
        ("University", result.providers, "provider_name"),
        ("Level of study", result.levels, "level_of_study"),
    ):
        for r in frame[frame["cohort"] == latest].itertuples():
            rows.append(
                {
                    "Breakdown": label,
                    "Group": getattr(r, name),
                    "Retention %": number(r.rate, mark="c"),
                    "95% interval": "[c]" if pd.isna(r.rate) else f"{r.ci_lower:.1f} to {r.ci_upper:.1f}",
                    "Graduates in work (known place)": "[c]" if pd.isna(r.denominator) else f"{int(r.denominator):,}",
                }
            )
    return pd.DataFrame(rows)


def labelled(markdown: str, result: Result) -> str:
    """A table's markdown, preceded by the synthetic label when the data is synthetic."""
    return (f"**{SYNTHETIC_LABEL}.**\n\n" if result.synthetic else "") + markdown


def trend_figure(result: Result, outputs: Path) -> dict[str, str]:
    """Draw and save the trend chart with intervals; synthetic data is stamped on the chart itself."""
    series = pd.concat(
        [
            result.series.assign(series=f"All {result.city} graduates"),
            result.providers.assign(series=result.providers["provider_name"]),
        ],
        ignore_index=True,
    ).dropna(subset=["rate"])
    fig = charts.rates_with_intervals(
        series,
        x="cohort",
        y="rate",
        low="ci_lower",
        high="ci_upper",
        series="series",
        title=f"Graduates working in {result.city} about 15 months after graduating (%)",
        source="HESA Graduate Outcomes" + (" (synthetic stand-in, illustrative only)" if result.synthetic else ""),
        stamp=SYNTHETIC_LABEL.upper() if result.synthetic else None,
    )
    return charts.save(fig, outputs / "retention_trend")


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """Write the chapter's CSVs (each with a `synthetic` column), indicator rows and key figures."""
    tables = {
        name: getattr(result, attr).assign(synthetic=result.synthetic)
        for name, attr in (
            ("retention_by_cohort", "series"),
            ("retention_by_provider", "providers"),
            ("retention_by_level", "levels"),
            ("retention_city_ranking", "ranks"),
        )
    }
    return chapter_outputs.write(outputs, tables, result.indicators, result.key_figures)


def missing_inputs(params: dict, datasets: dict[str, str]) -> list[str]:
    """What an edition with these chapter parameters still lacks (the cohort, and the real extract)."""
    inputs = read_inputs(datasets)
    needs = []
    if params["last_cohort"] not in set(inputs.extract["cohort"]):
        needs.append(
            f"Graduate Outcomes cohort {params['last_cohort']} (the extract has to {inputs.extract['cohort'].max()})"
        )
    if inputs.synthetic:
        needs.append(
            "the licensed HESA Graduate Outcomes extract (the chapter uses a synthetic stand-in until it is supplied)"
        )
    return needs


def parameters_from_data(params: dict, datasets: dict[str, str], area_code: str) -> dict:
    """The newest Graduate Outcomes cohort the extract holds."""
    cohorts = read_inputs(datasets).extract["cohort"].astype(str)
    return {**params, "last_cohort": max(cohorts)} if len(cohorts) else dict(params)

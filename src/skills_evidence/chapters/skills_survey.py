"""Coventry Skills Survey chapter: who answered, weighted findings with intervals, what drives
confidence, change between waves, all under disclosure control.

The survey over-represents some groups, so each wave is raked to Coventry's population margins (age
band, gender, disability, White British or not). Findings are weighted shares with Wilson 95% intervals
on the effective sample size, which treat the weighted respondents as a random sample: a self-selected
survey is not one, so the intervals understate the uncertainty, and the chapter says so. The model of
confidence is an unweighted logistic regression on age, disability and White British or not (three of
the four weighting variables; gender is not in it). No published cell rests on fewer than 10 respondents
(see `disclosure`). Until the council supplies its export, the data is a synthetic stand-in and the
chapter says so everywhere.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from skills_evidence.chapters import charts, prose
from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.inputs.loaders.survey import load_survey
from skills_evidence.statistics import disclosure, indicators, weighting
from skills_evidence.statistics.intervals import Z95

SYNTHETIC_LABEL = "Synthetic data, illustrative only"
#: This chapter's sentence templates: chapters/skills-survey.sentences.yaml.
CHAPTER = "skills-survey"
ITEMS = {
    "barrier_time": "Barrier: time restrictions",
    "barrier_more_online": "Barrier: want more online courses",
    "barrier_cost": "Barrier: cost",
    "barrier_childcare": "Barrier: childcare",
    "barrier_travel": "Barrier: travel",
    "barrier_dont_see_value": "Barrier: don't see the value of courses",
    "reason_learn_new": "Reason: learn something new",
    "reason_confidence": "Reason: gain confidence",
    "reason_hobbies": "Reason: hobbies and interests",
    "reason_career_change": "Reason: career change",
    "reason_progress_at_work": "Reason: progress at work",
    "reason_get_a_job": "Reason: get a job",
    "channel_online": "Finds courses: online",
    "channel_job_shop": "Finds courses: Job Shop",
    "channel_word_of_mouth": "Finds courses: word of mouth",
    "channel_library": "Finds courses: library",
    "channel_social_media": "Finds courses: social media",
    "confident_skills": "Confident skills are enough for career aspirations",
    "employed": "In employment (any kind)",
}
BREAKDOWNS = {"age_band": "Age", "gender": "Gender", "ethnicity": "Ethnic group", "disability": "Disability"}
INDICATOR_ITEMS = {
    "barrier_time": "survey_barrier_time",
    "barrier_more_online": "survey_barrier_more_online",
    "channel_online": "survey_channel_online",
    "channel_job_shop": "survey_channel_job_shop",
    "confident_skills": "survey_confident_skills",
    "employed": "survey_employed",
}


@dataclass
class Inputs:
    """The survey responses (no personal data), whether synthetic, the population margins, and the
    local authority lookup that names the survey's area."""

    responses: pd.DataFrame
    synthetic: bool
    margins: pd.DataFrame
    lad21: pd.DataFrame
    #: Per margin (dimension), from the margins' sidecar: `rake` (whether the weights use it) and `basis`
    #: (where its shares come from, or why they are not used): the assumption the chapter states.
    margin_notes: dict = field(default_factory=dict)


def read_inputs(paths: dict[str, str | Path]) -> Inputs:
    """Read the export through its validating loader, the population margins with the note on each (its
    sidecar's `margins:` block, which every margin must have) and the area lookup."""
    export = load_survey(paths["skills_survey_export"])
    margins = read_table(paths["survey_population_margins"])
    notes = snapshots.read_sidecar(paths["survey_population_margins"]).get("margins") or {}
    unexplained = sorted(set(margins["dimension"]) - {d for d, n in notes.items() if "rake" in n and n.get("basis")})
    if unexplained:
        raise InputFileError(
            snapshots.sidecar_of(paths["survey_population_margins"]),
            f"margins: say for {', '.join(unexplained)} whether the weights use it (rake) and where its shares "
            "come from (basis)",
        )
    return Inputs(prepare(export.responses), export.synthetic, margins, read_table(paths["lad21_reference"]), notes)


def prepare(responses: pd.DataFrame) -> pd.DataFrame:
    """Derived columns: employed (from the status columns), confident (4-5 on the Likert item), and the
    grouped ethnicity and White British flag used for weighting."""
    out = responses.copy()
    work = out[["status_employed_full_time", "status_employed_part_time", "status_self_employed"]]
    answered_status = out.filter(like="status_").notna().any(axis=1)
    out["employed"] = np.where(answered_status, work.fillna(0).max(axis=1), np.nan)
    out["confident_skills"] = np.where(
        out["confidence_skills"].notna(), (out["confidence_skills"] >= 4).astype(float), np.nan
    )
    out["white_british"] = out["ethnic_group"].map(
        lambda e: "Prefer not to say" if e == "Prefer not to say" else ("Yes" if e == "White British" else "No")
    )
    out["ethnicity"] = out["ethnic_group"]
    return out


#: How the chapter names each weighting margin.
DIMENSIONS = {
    "age_band": "age",
    "gender": "gender",
    "disability": "disability",
    "white_british": "ethnic group (White British or not)",
}


def margin_targets(margins: pd.DataFrame, notes: dict | None = None) -> dict[str, dict[str, float]]:
    """{column: {category: share}} from the margins table: every margin, or with `notes` only those the
    weights use (`rake: true`)."""
    targets = {
        dim: dict(zip(part["category"], part["share"])) for dim, part in margins.groupby("dimension", sort=False)
    }
    return targets if notes is None else {d: t for d, t in targets.items() if notes[d]["rake"]}


def estimates(responses: pd.DataFrame, weights: pd.Series, items: list[str]) -> pd.DataFrame:
    """Weighted share of every item overall and by each breakdown, before disclosure control."""
    rows = []
    for item in items:
        rows.append(
            {
                "item": item,
                "breakdown": "all",
                "group": "All respondents",
                **weighting.weighted_share(responses[item], weights),
            }
        )
        for column in BREAKDOWNS:
            for group, part in responses.groupby(column, sort=True):
                rows.append(
                    {
                        "item": item,
                        "breakdown": column,
                        "group": group,
                        **weighting.weighted_share(part[item], weights[part.index]),
                    }
                )
    return pd.DataFrame(rows)


def representativeness(
    responses: pd.DataFrame,
    weights: pd.Series,
    targets: dict[str, dict[str, float]],
    raked: set[str] | None = None,
) -> pd.DataFrame:
    """Each margin's categories: share of respondents, of the population, and weighted share; a margin
    the weights do not use (not in `raked`) has no population share beside it."""
    rows = []
    for column, cats in targets.items():
        inside = responses[column].isin(cats)
        for category, share in cats.items():
            cell = responses[column] == category
            rows.append(
                {
                    "dimension": column,
                    "category": category,
                    "respondents": int(cell.sum()),
                    "sample_pct": 100 * cell.sum() / inside.sum(),
                    "population_pct": 100 * share / sum(cats.values())
                    if raked is None or column in raked
                    else math.nan,
                    "weighted_pct": 100 * weights[cell].sum() / weights[inside].sum(),
                }
            )
    return pd.DataFrame(rows)


#: The characteristics the confidence model holds equal, as the chapter names them.
MODEL_CHARACTERISTICS = ["age", "disability", "ethnic group (White British or not)"]


def confidence_model(responses: pd.DataFrame) -> pd.DataFrame:
    """Odds ratios (95% CI) of feeling confident by age band (vs 25-49), disability and White British,
    from a logistic regression; respondents who preferred not to say are left out."""
    data = responses.dropna(subset=["confident_skills"])
    data = data[(data["disability"] != "Prefer not to say") & (data["white_british"] != "Prefer not to say")].copy()
    data["disabled"] = (data["disability"] == "Yes").astype(int)
    data["white_british_yes"] = (data["white_british"] == "Yes").astype(int)
    fit = smf.logit("confident_skills ~ C(age_band, Treatment('25-49')) + disabled + white_british_yes", data=data).fit(
        disp=False
    )
    ci = fit.conf_int()
    names = {
        "C(age_band, Treatment('25-49'))[T.16-24]": "Aged 16-24 (vs 25-49)",
        "C(age_band, Treatment('25-49'))[T.50+]": "Aged 50+ (vs 25-49)",
        "disabled": "Disabled (vs not)",
        "white_british_yes": "White British (vs other groups)",
    }
    rows = [
        {
            "term": names[t],
            "odds_ratio": math.exp(fit.params[t]),
            "ci_lower": math.exp(ci.loc[t, 0]),
            "ci_upper": math.exp(ci.loc[t, 1]),
            "p_value": float(fit.pvalues[t]),
        }
        for t in names
    ]
    out = pd.DataFrame(rows)
    out.attrs["n"] = int(fit.nobs)
    return out


def wave_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Overall weighted shares in both waves, the change and a two-sided z-test; suppressed cells not compared."""
    cols = ["item", "share", "n_eff", "ci_lower", "ci_upper", "status"]
    a = previous[previous["breakdown"] == "all"][cols]
    b = current[current["breakdown"] == "all"][cols]
    merged = a.merge(b, on="item", suffixes=("_previous", "_current"))
    merged["change"] = merged["share_current"] - merged["share_previous"]
    merged["z"] = [
        weighting.two_wave_z(p1, n1, p2, n2) if s1 == s2 == "" else math.nan
        for p1, n1, p2, n2, s1, s2 in zip(
            merged["share_previous"],
            merged["n_eff_previous"],
            merged["share_current"],
            merged["n_eff_current"],
            merged["status_previous"],
            merged["status_current"],
        )
    ]
    merged["assessment"] = [
        ("significant increase" if z > 0 else "significant decrease")
        if abs(z) > Z95
        else ("no significant change" if not math.isnan(z) else "not compared")
        for z in merged["z"]
    ]
    # Many changes tested at once: Holm's correction keeps the chance of any false alarm at 5%.
    merged["p_value"] = 2 * norm.sf(merged["z"].abs())
    tested = merged["p_value"].notna()
    merged["significant_after_holm"] = False
    if tested.any():
        merged.loc[tested, "significant_after_holm"] = multipletests(merged.loc[tested, "p_value"], method="holm")[0]
    return merged


@dataclass
class Result:
    """What the chapter shows for one wave (and its change from the previous wave, if any)."""

    wave: str
    previous_wave: str | None
    area_name: str
    synthetic: bool
    n: int
    n_eff: float
    representativeness: pd.DataFrame
    estimates: pd.DataFrame
    published_check: pd.DataFrame
    model: pd.DataFrame
    change: pd.DataFrame
    indicators: pd.DataFrame
    key_figures: dict
    margin_notes: dict = field(default_factory=dict)


def compute(inputs: Inputs, wave: str, previous_wave: str | None, area_code: str) -> Result:
    """All figures for one wave of the survey of `area_code`."""
    lad = inputs.lad21[inputs.lad21["lad_code"] == area_code]
    if lad.empty:
        raise KeyError(f"{area_code} is not a local authority district in the lad21_reference snapshot")
    targets = margin_targets(inputs.margins, inputs.margin_notes)
    waves = {}
    for w in [wave] + ([previous_wave] if previous_wave else []):
        responses = inputs.responses[inputs.responses["wave"] == w]
        if responses.empty:
            raise KeyError(f"wave {w!r} is not in the survey export (waves: {sorted(set(inputs.responses['wave']))})")
        weights = weighting.rake(responses, targets)
        waves[w] = (responses, weights, disclosure.apply(estimates(responses, weights, list(ITEMS))))
    responses, weights, table = waves[wave]
    change = wave_change(table, waves[previous_wave][2]) if previous_wave else pd.DataFrame()
    unweighted = pd.DataFrame(
        [{"item": item, "unweighted_pct": weighting.unweighted_share(responses[item])} for item in ITEMS]
    )
    result = Result(
        wave,
        previous_wave,
        lad.iloc[0]["lad_name"],
        inputs.synthetic,
        len(responses),
        weighting.effective_sample_size(weights),
        representativeness(responses, weights, margin_targets(inputs.margins), set(targets)),
        table,
        unweighted,
        confidence_model(responses),
        change,
        pd.DataFrame(),
        {},
        inputs.margin_notes,
    )
    result.indicators = build_indicators(result, area_code)
    result.key_figures = key_figures(result)
    return result


def period(wave: str) -> str:
    """The indicator period of a wave: the year for the 2021 wave, "wave N" for later numbered waves."""
    return wave if len(wave) == 4 else f"wave {wave}"


def build_indicators(result: Result, area_code: str) -> pd.DataFrame:
    """survey_* indicators: overall and by breakdown, suppressed cells kept as [c]; synthetic rows say so."""
    t = result.estimates[result.estimates["item"].isin(INDICATOR_ITEMS)]
    note = "synthetic stand-in: illustrative only" if result.synthetic else ""
    out = pd.DataFrame(
        {
            "indicator_id": t["item"].map(INDICATOR_ITEMS),
            "breakdown": [
                "" if b == "all" else f"{b}:{str(g).lower().replace(' ', '_')}"
                for b, g in zip(t["breakdown"], t["group"])
            ],
            "geography_code": area_code,
            "geography_name": result.area_name,
            "period": period(result.wave),
            "value": t["share"],
            "ci_lower": t["ci_lower"],
            "ci_upper": t["ci_upper"],
            "numerator": t["k"],
            "denominator": t["n"],
            "source_id": "skills_survey_export",
            "vintage": f"wave {result.wave}",
            "status": t["status"],
            "note": note,
        }
    )
    return indicators.tidy(out)


def key_figures(result: Result) -> dict:
    """Numbers and sentences the narrative quotes (words in chapters/skills-survey.sentences.yaml);
    every sentence quoting a figure carries the synthetic label when it applies."""
    overall = result.estimates[result.estimates["breakdown"] == "all"].set_index("item")
    unweighted = result.published_check.set_index("item")["unweighted_pct"]
    findings = {
        item: {
            "share": number(overall.loc[item, "share"], mark="c"),
            "low": number(overall.loc[item, "ci_lower"], mark="c"),
            "high": number(overall.loc[item, "ci_upper"], mark="c"),
            "unweighted": number(unweighted[item], mark="c"),
        }
        for item in ("barrier_time", "barrier_more_online", "channel_online", "channel_job_shop", "employed")
    }
    model = {
        "n": f"{result.model.attrs['n']:,}",
        "terms": [
            {
                "term": term.lower(),
                "odds_ratio": f"{r.odds_ratio:.2f}",
                "low": f"{r.ci_lower:.2f}",
                "high": f"{r.ci_upper:.2f}",
            }
            for term, r in result.model.set_index("term").iterrows()
        ],
    }
    change: dict = {}
    if len(result.change):
        moved = result.change[result.change["assessment"].str.startswith("significant")]
        tested = int(result.change["p_value"].notna().sum())
        change = {
            "compared": str(len(result.change)),
            "tested": str(tested),
            "by_chance": number(0.05 * tested),
            "after_holm": str(int(result.change["significant_after_holm"].sum())),
            "moved": [{"item": ITEMS[r.item].lower(), "change": signed(r.change)} for r in moved.itertuples()],
        }
    say = functools.partial(
        prose.render,
        CHAPTER,
        area=result.area_name,
        wave=result.wave,
        previous_wave=result.previous_wave,
        n=f"{result.n:,}",
        n_eff=f"{result.n_eff:,.0f}",
        tag=f"[{SYNTHETIC_LABEL}] " if result.synthetic else "",
        synthetic=result.synthetic,
        findings=findings,
        model=model,
        change=change,
        weights_by=[DIMENSIONS.get(d, d) for d, n in result.margin_notes.items() if n["rake"]],
        margins=[
            {"name": DIMENSIONS.get(d, d), "rake": n["rake"], "basis": n["basis"]}
            for d, n in result.margin_notes.items()
        ],
        model_by=MODEL_CHARACTERISTICS,
    )
    kf: dict = {
        "wave": result.wave,
        "synthetic": "yes" if result.synthetic else "no",
        "title": say("title"),
        "min_respondents": str(disclosure.MIN_RESPONDENTS),
        "n": f"{result.n:,}",
        "n_eff": f"{result.n_eff:,.0f}",
    }
    kf.update(
        notice=say("notice"),
        sample_sentence=say("sample"),
        findings_sentence=say("findings"),
        employed_sentence=say("employed"),
        model_sentence=say("model"),
        margins_sentence=say("margins"),
        change_sentence=say("change"),
    )
    return {"survey": kf}


def labelled(markdown: str, result: Result) -> str:
    """A table's markdown, preceded by the synthetic label when the data is synthetic."""
    return (f"**{SYNTHETIC_LABEL}.**\n\n" if result.synthetic else "") + markdown


def findings_table(result: Result, breakdown: str | None = None) -> pd.DataFrame:
    """Weighted % with interval for each item: overall, or one column per group of a breakdown."""
    t = result.estimates
    if breakdown is None:
        part = t[t["breakdown"] == "all"]
        return pd.DataFrame(
            {
                "Finding": part["item"].map(ITEMS),
                "Weighted %": part["share"].map(lambda v: number(v, mark="c")),
                "95% interval": [
                    ("[c]" if s == "c" else f"{lo:.1f} to {hi:.1f}")
                    for s, lo, hi in zip(part["status"], part["ci_lower"], part["ci_upper"])
                ],
                "Respondents answering": [
                    ("[c]" if s == "c" else f"{int(n):,}") for s, n in zip(part["status"], part["n"])
                ],
            }
        )
    part = t[t["breakdown"] == breakdown]
    wide = part.assign(cell=part["share"].map(lambda v: number(v, mark="c"))).pivot(
        index="item", columns="group", values="cell"
    )
    wide = wide.reindex([i for i in ITEMS if i in wide.index])
    wide.index = wide.index.map(ITEMS)
    return wide.reset_index().rename(columns={"item": "Finding"})


def representativeness_table(result: Result) -> pd.DataFrame:
    """Respondents against the population, before and after weighting (% of those in each dimension)."""
    r = result.representativeness
    return pd.DataFrame(
        {
            "Characteristic": r["dimension"].str.replace("_", " ").str.capitalize() + ": " + r["category"],
            "Respondents %": r["sample_pct"].map("{:.1f}".format),
            "Population %": r["population_pct"].map(number),
            "Weighted %": r["weighted_pct"].map("{:.1f}".format),
        }
    )


def model_table(result: Result) -> pd.DataFrame:
    """The odds ratios for display."""
    m = result.model
    return pd.DataFrame(
        {
            "Characteristic": m["term"],
            "Odds ratio": m["odds_ratio"].map("{:.2f}".format),
            "95% interval": [f"{a:.2f} to {b:.2f}" for a, b in zip(m["ci_lower"], m["ci_upper"])],
            "p-value": m["p_value"].map(lambda p: "<0.001" if p < 0.001 else f"{p:.3f}"),
        }
    )


def findings_figure(result: Result, outputs: Path) -> dict[str, str]:
    """Barriers and channels, weighted with intervals, stamped when synthetic."""
    t = result.estimates[
        (result.estimates["breakdown"] == "all") & result.estimates["item"].str.match("barrier_|channel_")
    ]
    data = t.assign(label=t["item"].map(ITEMS), series=f"Wave {result.wave}").dropna(subset=["share"])
    fig = charts.bars_with_intervals(
        data,
        label="label",
        value="share",
        low="ci_lower",
        high="ci_upper",
        title="Barriers to learning and how people find courses (weighted %)",
        source="the council's Skills Survey, weighted to the population"
        + (" (synthetic stand-in, illustrative only)" if result.synthetic else ""),
        stamp=SYNTHETIC_LABEL.upper() if result.synthetic else None,
    )
    return charts.save(fig, outputs / "survey_findings")


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """Write only disclosure-controlled aggregates (never a response row), each CSV flagged synthetic."""
    flag = {"synthetic": result.synthetic}
    tables = {
        "survey_estimates": result.estimates.assign(**flag),
        "survey_representativeness": result.representativeness.assign(**flag),
        "survey_confidence_model": result.model.assign(**flag),
    }
    if len(result.change):
        tables["survey_wave_change"] = result.change.assign(**flag)
    return chapter_outputs.write(outputs, tables, result.indicators, result.key_figures)


def parameters_from_data(params: dict, datasets: dict[str, str], area_code: str) -> dict:
    """The waves for a new edition: only waves present in the export. A wave the last edition did not
    report becomes the wave, compared with the one before it; with none new, the edition carries the
    last edition's waves (the chapter says so through its vintages)."""
    waves = list(dict.fromkeys(read_inputs(datasets).responses["wave"].astype(str)))  # in the export's order
    reported = {str(params.get("wave")), str(params.get("previous_wave"))}
    new = [w for w in waves if w not in reported]
    if not new:
        return dict(params)
    wave = new[-1]
    before = waves[: waves.index(wave)]
    return {**params, "wave": wave, "previous_wave": before[-1] if before else None}

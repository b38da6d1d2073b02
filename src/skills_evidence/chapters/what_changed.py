"""What changed since the previous edition: each indicator's latest figure against the one the
previous edition published.

For every indicator, breakdown and place, the latest period with a value in each edition is taken.
A different basis (e.g. NVQ in one edition, RQF in the next) is a break in series and is flagged,
never compared. Otherwise the change is current minus previous, and it is called significant when
the two 95% intervals give |z| > 1.96 (standard errors from the interval half-widths, the two
estimates treated as independent). Without intervals no significance is claimed.

Treating the two as independent errs towards "no significant change" for survey estimates: successive
Annual Population Survey years share part of their sample, so their errors are positively correlated
and the variance of a difference is smaller than the sum of the two. What the test cannot see is a
change of method: where the publisher says estimates of change need caution (`change_caution` in the
catalogue, e.g. APS estimates since the survey's reweighting), a significant change says so. A change
in money is at current prices and says "in cash terms" (no price index is in the data).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from IPython.display import Markdown

from skills_evidence import csvfiles
from skills_evidence.chapters import escape, keyfigures, prose, tables
from skills_evidence.chapters.formatting import number, signed
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.statistics import indicators, progress
from skills_evidence.statistics.intervals import z_score

#: This chapter's sentence templates: chapters/what-changed.sentences.yaml.
CHAPTER = "what-changed"

#: Beside a significant change in a series whose publisher says change needs caution.
CAUTION = " (ONS: treat with caution)"
#: Beside a change in money: at current prices, so a rise is not a gain in what the money buys.
CASH = " in cash terms"

COLUMNS = [
    "indicator_id",
    "series",
    "geography_code",
    "geography_name",
    "previous_period",
    "previous_basis",
    "previous_value",
    "previous_ci_lower",
    "previous_ci_upper",
    "current_period",
    "current_basis",
    "current_value",
    "current_ci_lower",
    "current_ci_upper",
    "change",
    "z",
    "assessment",
    "synthetic",
]


def split_breakdown(breakdown: str) -> tuple[str, str]:
    """("series", "basis"): the framework part of a breakdown (e.g. `framework:RQF`) is the basis."""
    parts = [p for p in str(breakdown or "").split(";") if p]
    basis = next((p.split(":", 1)[1] for p in parts if p.startswith("framework:")), "")
    series = ";".join(p for p in parts if not p.startswith("framework:"))
    return series, basis


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """The latest period with a value for each indicator × series × place."""
    frame = frame[frame["value"].notna()].copy()
    split = frame["breakdown"].fillna("").map(split_breakdown)
    frame["series"] = split.str[0]
    frame["basis"] = split.str[1]
    frame["_order"] = frame["period"].astype(str)
    frame = frame.sort_values("_order").groupby(["indicator_id", "series", "geography_code"], as_index=False).tail(1)
    return frame.drop(columns="_order")


def compare_editions(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × series × place present in either edition, with the assessment."""
    cur, prev = latest(current), latest(previous)
    cautious = {i for i, item in indicators.catalogue().items() if item.get("change_caution")}
    money = {i for i, item in indicators.catalogue().items() if item.get("unit") == "£"}
    keys = ["indicator_id", "series", "geography_code"]
    merged = cur.merge(prev, on=keys, how="outer", suffixes=("_c", "_p"))
    rows = []
    for r in merged.itertuples(index=False):
        row = {
            "indicator_id": r.indicator_id,
            "series": r.series,
            "geography_code": r.geography_code,
            "geography_name": r.geography_name_c if isinstance(r.geography_name_c, str) else r.geography_name_p,
            "previous_period": r.period_p,
            "previous_basis": r.basis_p,
            "previous_value": r.value_p,
            "previous_ci_lower": r.ci_lower_p,
            "previous_ci_upper": r.ci_upper_p,
            "current_period": r.period_c,
            "current_basis": r.basis_c,
            "current_value": r.value_c,
            "current_ci_lower": r.ci_lower_c,
            "current_ci_upper": r.ci_upper_c,
            "change": math.nan,
            "z": math.nan,
            # indicators.csv's own flag, set from the source dataset's sidecar.
            "synthetic": str(r.synthetic_c).lower() == "true" or str(r.synthetic_p).lower() == "true",
        }
        if pd.isna(r.value_p):
            row["assessment"] = "new in this edition"
        elif pd.isna(r.value_c):
            row["assessment"] = "not in this edition's data"
        elif r.basis_c != r.basis_p:
            row["assessment"] = progress.break_in_series(r.basis_p, r.basis_c)
        else:
            row["change"] = r.value_c - r.value_p
            row["z"] = z_score(row["change"], (r.ci_lower_p, r.ci_upper_p), (r.ci_lower_c, r.ci_upper_c))
            row["assessment"] = progress.assess(row["change"], row["z"], r.period_c == r.period_p)
            if row["assessment"].startswith("significant") and r.indicator_id in cautious:
                row["assessment"] += CAUTION
            if r.indicator_id in money and row["assessment"] not in ("no new data", "revised"):
                row["assessment"] += CASH
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["geography_code", "indicator_id", "series"]).reset_index(drop=True)


@dataclass
class Result:
    """The comparison for one edition, and its key figures."""

    edition: int
    previous: int | None
    area_code: str
    changes: pd.DataFrame
    key_figures: dict
    revisions: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    releases: list[dict] = dataclasses.field(default_factory=list)


def revisions(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Figures of one same period that both editions publish and that differ: a publisher's revision of
    an earlier figure, reported apart from change over time (never counted as a change)."""
    keys = ["indicator_id", "breakdown", "geography_code", "period"]
    both = current.merge(previous, on=keys, suffixes=("_c", "_p"))
    both = both[both["value_c"].notna() & both["value_p"].notna() & ((both["value_c"] - both["value_p"]).abs() > 1e-9)]
    out = pd.DataFrame(
        {
            "indicator_id": both["indicator_id"],
            "series": both["breakdown"].fillna("").map(split_breakdown).str[0],
            "geography_code": both["geography_code"],
            "geography_name": both["geography_name_c"],
            "period": both["period"].astype(str),
            "previous_value": both["value_p"],
            "current_value": both["value_c"],
            "revision": both["value_c"] - both["value_p"],
            # Synthetic stand-ins are flagged (from indicators.csv) and never reported as a publisher's revision.
            "synthetic": both["synthetic_c"].astype(str).str.lower().eq("true"),
        }
    )
    return out.sort_values(["geography_code", "indicator_id", "series", "period"]).reset_index(drop=True)


def run(
    edition: int,
    previous: int | None,
    current_indicators: str | Path,
    previous_indicators: str | Path | None,
    area_code: str,
    output_dir: str | Path,
    releases: list[str] | None = None,
) -> Result:
    """What the notebook does: compare with the previous edition (if any), list the revisions of earlier
    figures and the releases new to this edition (their reviews), and write the outputs."""
    from skills_evidence.paths import resolve

    current = _read(resolve(current_indicators))
    if previous is None or not previous_indicators:
        changes, revised = pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=["indicator_id"])
    else:
        before = _read(resolve(previous_indicators))
        changes, revised = compare_editions(current, before), revisions(current, before)
    result = Result(edition, previous, area_code, changes, {}, revised, [_review(path) for path in releases or []])
    result.key_figures = {"whatchanged": figures(result, current)}
    out = resolve(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    csvfiles.write(changes, out / "what_changed.csv")
    csvfiles.write(revised, out / "revisions.csv")
    keyfigures.write(result.key_figures, out / "key_figures.yml")
    return result


def _review(path: str) -> dict:
    return (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("review", {})


def revisions_text(result: Result) -> str:
    """The revisions of official figures the edition's area has, as a sentence (the full list, synthetic
    stand-ins flagged, is in revisions.csv)."""
    revised = result.revisions
    area = revised[(revised["geography_code"] == result.area_code) & ~revised["synthetic"]] if len(revised) else revised
    if result.previous is None:
        return prose.render(CHAPTER, "revisions", previous=None, n=0)
    if not len(area):
        return prose.render(CHAPTER, "revisions", previous=result.previous, n=0, area=_area_name(result))
    top = area.loc[area["revision"].abs().idxmax()]
    labels = indicators.catalogue()
    return prose.render(
        CHAPTER,
        "revisions",
        previous=result.previous,
        n=len(area),
        area=_area_name(result),
        label=labels.get(top["indicator_id"], {}).get("label", top["indicator_id"]),
        period=top["period"],
        old=number(top["previous_value"]),
        new=number(top["current_value"]),
    )


def releases_table(result: Result) -> pd.DataFrame | str:
    """One row per dataset whose release is new to this edition, from its release review; a sentence
    instead of an empty table when there is none."""
    if not result.releases:
        return prose.render(CHAPTER, "no_releases", previous=result.previous)
    rows = []
    for r in result.releases:
        big = r.get("largest_revision") or {}
        rows.append(
            {
                "Dataset": r["dataset"],
                "Release": f"{r['previous'].split('@')[1]} → {r['version'].split('@')[1]}",
                "New periods": ", ".join(r.get("new_periods") or []) or "none",
                "Earlier figures revised": str(r.get("revised", 0)),
                "Largest revision": (
                    f"{big['geography_name']} {big['period']}: {number(big['old'])} → {number(big['new'])}"
                    if big
                    else "[z]"
                ),
                "Layout": "changed" if r.get("layout_before") != r.get("layout_now") else "unchanged",
            }
        )
    return pd.DataFrame(rows)


def _area_name(result: Result) -> str:
    area = result.changes[result.changes["geography_code"] == result.area_code]
    return area["geography_name"].dropna().iloc[0] if len(area) else result.area_code


def _read(path: Path) -> pd.DataFrame:
    return read_table(path)


def figures(result: Result, current: pd.DataFrame) -> dict[str, str]:
    """The sentence the page opens with (words in chapters/what-changed.sentences.yaml), counted from
    the comparison for the edition's area."""
    if result.previous is None:
        return {
            "previous": "none",
            "sentence": prose.render(CHAPTER, "opening", edition=result.edition, previous=None, synthetic=0),
            "revisions": revisions_text(result),
        }
    area = result.changes[result.changes["geography_code"] == result.area_code]
    name = area["geography_name"].dropna().iloc[0] if len(area) else result.area_code
    real, synthetic = area[~area["synthetic"].astype(bool)], area[area["synthetic"].astype(bool)]
    counts = real["assessment"].str.replace(r"^break in series.*", "break in series", regex=True).value_counts()
    ordered = [{"assessment": label, "n": n} for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    sentence = prose.render(
        CHAPTER,
        "opening",
        edition=result.edition,
        previous=result.previous,
        area=name,
        official=len(real),
        counts=ordered,
        synthetic=len(synthetic),
    )
    return {"previous": str(result.previous), "sentence": sentence, "revisions": revisions_text(result)}


def table(result: Result) -> pd.DataFrame:
    """The page's table for the edition's area, overall series only (breakdowns are in the CSV):
    previous and current figures, change and assessment."""
    area = result.changes[(result.changes["geography_code"] == result.area_code) & (result.changes["series"] == "")]
    labels = {k: v["label"] for k, v in indicators.catalogue().items()}
    rows = []
    for r in area.itertuples(index=False):
        rows.append(
            {
                "Indicator": labels.get(r.indicator_id, r.indicator_id)
                + (f" ({r.series})" if r.series else "")
                + (" [synthetic, illustrative]" if r.synthetic else ""),
                f"{result.previous} edition": _cell(r.previous_value, r.previous_period, r.previous_basis),
                f"{result.edition} edition": _cell(r.current_value, r.current_period, r.current_basis),
                # [z] not applicable: no new figure, a figure missing, or a break in series (never "0.0").
                "Change": signed(r.change)
                if pd.notna(r.change) and str(r.previous_period) != str(r.current_period)
                else "[z]",
                "Assessment": r.assessment,
            }
        )
    if not rows:
        return pd.DataFrame({"Indicator": ["(none)"], "Assessment": ["nothing to compare"]})
    return pd.DataFrame(rows)


def _cell(value: float, period: object, basis: object) -> str:
    if pd.isna(value):
        return number(value)
    return f"{number(value)} ({period}{', ' + basis if isinstance(basis, str) and basis else ''})"


def releases_output(result: Result) -> Markdown:
    """The releases table as the notebook cell shows it, or the sentence saying there is none."""
    shown = releases_table(result)
    return (
        tables.markdown(shown, words=tuple(shown.columns))
        if isinstance(shown, pd.DataFrame)
        else Markdown(escape.markdown_text(shown))
    )

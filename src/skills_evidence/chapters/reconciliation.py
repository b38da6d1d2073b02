"""Annex: the printed Appendix B reconciled with the rebuilt figures, cell by cell.

Every cell of the appendix's Tables 1 and 2 as the council printed it is set beside the figure this
book rebuilds from official data, with the difference and its reason, classified by rules applied to
the data rather than by hand:

- a printed figure within half a unit of its printed precision of the rebuilt one "matches within
  rounding"; further away it is "rounding or a later data vintage" (the reason says which it looks like);
- a comparator column is identified as the candidate area whose rebuilt figures match the most printed
  ones within rounding over the whole table (then the smallest mean gap); if that is not the area its
  label names, its cells are a "mislabelled comparator";
- a printed difference is checked against the two printed figures it is drawn from, read as the tables
  print them: negative when the area is worse (area minus comparator, times the measure's polarity); the
  wrong sign or the wrong sum is a "sign or arithmetic slip". Where both of a row's differences are
  consistent only with the area's own figure of the opposite sign, the area's cell is the slip;
- a cell whose figure needs data this book does not hold is "not rebuilt", naming the dataset needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from skills_evidence.chapters import outputs as chapter_outputs
from skills_evidence.chapters import prose, skills_levels
from skills_evidence.chapters.formatting import number
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.statistics import indicators

#: This chapter's sentence templates: chapters/reconciliation.sentences.yaml.
CHAPTER = "reconciliation"
CLASSES = [
    "matches within rounding",
    "rounding or a later data vintage",
    "mislabelled comparator",
    "sign or arithmetic slip",
    "not rebuilt: data not here",
]
#: Each printed measure as (indicator, period) the book rebuilds, or the dataset it would need. This is
#: what the printed appendix means by its row names (Table 1: Jan-Dec 2021 APS; Table 2: KS2 2018/19).
MEASURES: dict[str, tuple[str, str] | str] = {
    "No qualifications": ("qual_none_16_64", "2021"),
    "NVQ1 and above": ("qual_l1plus_16_64", "2021"),
    "NVQ2 and above": ("qual_l2plus_16_64", "2021"),
    "NVQ3 and above": ("qual_l3plus_16_64", "2021"),
    "NVQ 4 and above": ("qual_l4plus_16_64", "2021"),
    "% pupils meeting expected standard": ("ks2_rwm_expected", "2018/19"),
    "% achieving higher than expected standard": "DfE key stage 2 attainment by local authority, higher standard "
    "(Explore Education Statistics)",
    "Reading progress score": "DfE key stage 2 progress scores by local authority (Explore Education Statistics)",
    "Writing progress score": "DfE key stage 2 progress scores by local authority (Explore Education Statistics)",
    "Maths progress score": "DfE key stage 2 progress scores by local authority (Explore Education Statistics)",
}
#: Places a printed comparator column can be, and the place each printed label names (None: the UK,
#: which the Annual Population Survey does not cover, so no official figure exists for it here).
CANDIDATES = {
    "K03000001": "Great Britain",
    "E92000001": "England",
    "E12000005": "West Midlands region",
    "E47000007": "West Midlands Combined Authority",
}
LABELS = {"UK Average": None, "England Average": "E92000001", "WMCA Average": "E47000007"}
COLUMNS = [
    "row",
    "table",
    "measure",
    "cell",
    "label",
    "printed",
    "rebuilt",
    "rebuilt_area",
    "difference",
    "classification",
    "reason",
]


@dataclass
class Inputs:
    """The printed tables and the datasets the rebuilt figures come from."""

    printed: pd.DataFrame
    levels: skills_levels.Inputs
    ks2: pd.DataFrame
    vintages: dict[str, str] = field(default_factory=dict)


def read_inputs(paths: dict[str, str | Path], vintages: dict[str, str] | None = None) -> Inputs:
    """Read the pinned snapshots (provenance in each file's .meta.yaml sidecar)."""
    return Inputs(
        read_table(paths["printed_appendix_b"]).fillna(""),
        skills_levels.read_inputs(paths, vintages),
        read_table(paths["ons_ks2_rwm"]),
        vintages or {},
    )


def printed_number(text: str) -> tuple[float, int] | None:
    """A printed cell as (value, decimals printed): "-1%" → (-1.0, 0), "+0.1%" → (0.1, 1), "Same" → (0.0, 1)."""
    text = str(text).strip()
    if text.lower() == "same":
        return 0.0, 1
    match = re.fullmatch(r"([+-]?)(\d+(?:\.(\d+))?)%?", text)
    if not match:
        return None
    value = float(match[2]) * (-1 if match[1] == "-" else 1)
    return value, len(match[3] or "")


def half_unit(decimals: int) -> float:
    """Half a unit of the printed precision: what rounding alone can explain."""
    return 0.5 * 10**-decimals + 1e-9


def rebuilt_values(inputs: Inputs, area_code: str) -> pd.DataFrame:
    """The book's figure for every printed measure it rebuilds, for the area and every candidate comparator:
    measure, geography_code, value and (for qualification levels) the value derived from Nomis counts."""
    rows = []
    places = {area_code: "the area", **CANDIDATES}
    for code, name in places.items():
        shares = skills_levels.nvq_shares(inputs.levels, code, name)
        ks2 = inputs.ks2[inputs.ks2["geography_code"] == code].set_index("period")["value"]
        for measure, target in MEASURES.items():
            if isinstance(target, str):
                continue
            indicator_id, period = target
            if indicator_id == "ks2_rwm_expected":
                value, derived = ks2.get(period, float("nan")), float("nan")
            else:
                hit = shares[(shares["indicator_id"] == indicator_id) & (shares["period"] == period)]
                value = hit["value"].iloc[0] if len(hit) else float("nan")
                derived = hit["derived_value"].iloc[0] if len(hit) else float("nan")
            rows.append({"measure": measure, "geography_code": code, "value": value, "derived_value": derived})
    return pd.DataFrame(rows)


def identify(printed: pd.Series, rebuilt: pd.DataFrame, decimals: pd.Series) -> tuple[str | None, float]:
    """The candidate place whose rebuilt figures best explain a printed column: the most printed figures
    matched within rounding, then the smallest mean gap; with that mean gap. None where nothing compares."""
    best: tuple[tuple[int, float], str | None] = ((0, float("inf")), None)
    for code in CANDIDATES:
        figures = rebuilt[rebuilt["geography_code"] == code].set_index("measure")["value"]
        gaps = {m: abs(v - figures.get(m, float("nan"))) for m, v in printed.dropna().items()}
        gaps = {m: g for m, g in gaps.items() if pd.notna(g)}
        if not gaps:
            continue
        matched = sum(g <= half_unit(int(decimals[m])) for m, g in gaps.items())
        score = (-matched, sum(gaps.values()) / len(gaps))
        if best[1] is None or score < best[0]:
            best = (score, code)
    return best[1], best[0][1]


def value_cell(printed: str, rebuilt: float, derived: float = float("nan")) -> tuple[str, str]:
    """(classification, reason) for a printed figure against the rebuilt one."""
    parsed = printed_number(printed)
    if parsed is None or pd.isna(rebuilt):
        return CLASSES[4], ""
    value, decimals = parsed
    gap = value - rebuilt
    if abs(gap) <= half_unit(decimals):
        return CLASSES[0], "the rebuilt figure rounds to the printed one"
    if pd.notna(derived) and abs(value - derived) <= half_unit(decimals):
        return CLASSES[1], "printed from Nomis counts; the book uses ONS's published figure"
    if abs(gap) < 10**-decimals:
        return CLASSES[1], "within one printed unit: truncated, or rounded from slightly different counts"
    return CLASSES[1], (
        "not reproduced by the release this edition pins, nor by shares of its counts; no earlier release is held "
        "here to tell whether the source was revised or the figure was worked from rounded counts"
    )


#: The printed tables' sign convention needs each measure's better direction: the catalogue's for measures the
#: book rebuilds; KS2 measures the book does not hold are attainment and progress scores, higher better.
def polarity_of(measure: str) -> int:
    """+1 where a higher figure is better for the printed measure, -1 where lower is (no qualifications)."""
    target = MEASURES[measure]
    return int(indicators.entry(target[0])["polarity"]) if isinstance(target, tuple) else 1


def difference_cell(printed: str, area: str, comparator: str, polarity: int = 1) -> tuple[str, str]:
    """(classification, reason) for a printed difference against the two printed figures it comes from, in the
    tables' convention: negative when the area is worse (area minus comparator, times the polarity)."""
    parsed, a, b = printed_number(printed), printed_number(area), printed_number(comparator)
    if parsed is None or a is None or b is None:
        return CLASSES[3], f"the printed difference {printed!r} cannot be read as a number"
    expected = (a[0] - b[0]) * (polarity or 1)
    tolerance = half_unit(parsed[1]) + half_unit(max(a[1], b[1]))
    worse = " (negative when the area is worse, as the table prints it)" if polarity < 0 else ""
    if abs(parsed[0] - expected) <= tolerance:
        return CLASSES[0], f"the area's printed figure against the comparator's{worse}"
    if abs(parsed[0] + expected) <= tolerance:
        return CLASSES[
            3
        ], f"wrong sign: the area's printed figure against the comparator's is {number(expected)}{worse}"
    return CLASSES[3], f"the area's printed figure against the comparator's is {number(expected)}, not as printed"


def _area_sign_slip(row: dict) -> bool:
    """Whether both printed differences follow from the area's figure with the opposite sign (the area's
    cell is then the slip, not the two comparisons)."""
    area = printed_number(row["coventry_printed"])
    if area is None or area[0] == 0:
        return False
    flipped = f"{-area[0]}"
    polarity = polarity_of(row["measure"])
    return all(
        difference_cell(
            row[f"comparison_{k}_printed"], row["coventry_printed"], row[f"comparator_{k}_printed"], polarity
        )[0]
        == CLASSES[3]
        and difference_cell(row[f"comparison_{k}_printed"], flipped, row[f"comparator_{k}_printed"], polarity)[0]
        == CLASSES[0]
        for k in (1, 2)
    )


@dataclass
class Result:
    """The reconciliation: one row per printed cell."""

    area_code: str
    cells: pd.DataFrame
    identified: dict[str, str]
    key_figures: dict = field(default_factory=dict)


def compute(inputs: Inputs, area_code: str) -> Result:
    """Classify every printed cell of Tables 1 and 2."""
    rebuilt = rebuilt_values(inputs, area_code)
    printed = inputs.printed
    unknown = sorted(set(printed["measure"]) - set(MEASURES))
    if unknown:
        raise ValueError(f"printed_appendix_b: measures the reconciliation does not know: {', '.join(unknown)}")
    identified: dict[str, str] = {}
    for table_name in printed["table"].unique():
        for k in (1, 2):
            column = printed[printed["table"] == table_name].set_index("measure")[f"comparator_{k}_printed"]
            parsed = column.map(lambda text: printed_number(text) or (float("nan"), 0))
            code, _ = identify(parsed.str[0], rebuilt, parsed.str[1])
            identified[f"{table_name}|{k}"] = code or ""
    rows = []
    for r in printed.to_dict("records"):
        area = rebuilt[(rebuilt["geography_code"] == area_code) & (rebuilt["measure"] == r["measure"])]
        needed = MEASURES[r["measure"]] if isinstance(MEASURES[r["measure"]], str) else ""
        base = {"row": r["row"], "table": r["table"].split(":")[0], "measure": r["measure"]}
        a_value = area["value"].iloc[0] if len(area) else float("nan")
        a_derived = area["derived_value"].iloc[0] if len(area) else float("nan")
        area_row = _value_row(base, "area", "", r["coventry_printed"], a_value, a_derived, area_code, needed)
        if _area_sign_slip(r):
            area_row["classification"] = CLASSES[3]
            area_row["reason"] = (
                f"wrong sign: printed {r['coventry_printed']}, but both printed differences follow from "
                f"{number(-printed_number(r['coventry_printed'])[0])}"
                + (f"; {area_row['reason']}" if area_row["reason"] else "")
            )
        rows.append(area_row)
        for k in (1, 2):
            label, code = r[f"comparator_{k}_label"], identified[f"{r['table']}|{k}"]
            bench = rebuilt[(rebuilt["geography_code"] == code) & (rebuilt["measure"] == r["measure"])]
            b_value = bench["value"].iloc[0] if len(bench) else float("nan")
            row = _value_row(
                base, f"comparator {k}", label, r[f"comparator_{k}_printed"], b_value, float("nan"), code, needed
            )
            if code and LABELS.get(label, "?") != code and not needed:
                row["reason"] = (
                    f"printed as {label!r}, but the column is {CANDIDATES[code]}'s: its figures match the printed "
                    f"ones best over the whole table ({row['classification']})"
                )
                row["classification"] = CLASSES[2]
            rows.append(row)
            flipped = _area_sign_slip(r)
            classification, reason = difference_cell(
                r[f"comparison_{k}_printed"],
                f"{-printed_number(r['coventry_printed'])[0]}" if flipped else r["coventry_printed"],
                r[f"comparator_{k}_printed"],
                polarity_of(r["measure"]),
            )
            if flipped:
                reason = f"consistent with the area's figure as {number(-printed_number(r['coventry_printed'])[0])}"
            rows.append(
                {
                    **base,
                    "cell": f"difference {k}",
                    "label": label,
                    "printed": r[f"comparison_{k}_printed"],
                    "rebuilt": (a_value - b_value) * polarity_of(r["measure"]),  # in the tables' convention
                    "rebuilt_area": "",
                    "difference": float("nan"),
                    "classification": classification,
                    "reason": reason,
                }
            )
    result = Result(area_code, pd.DataFrame(rows, columns=COLUMNS), identified)
    result.key_figures = {"reconciliation": key_figures(result)}
    return result


def _value_row(
    base: dict, cell: str, label: str, printed: str, rebuilt: float, derived: float, code: str, needed: str
) -> dict:
    if needed:
        classification, reason = CLASSES[4], f"needs {needed}"
    else:
        classification, reason = value_cell(printed, rebuilt, derived)
    parsed = printed_number(printed)
    return {
        **base,
        "cell": cell,
        "label": label,
        "printed": printed,
        "rebuilt": rebuilt,
        "rebuilt_area": code if pd.notna(rebuilt) else "",
        "difference": parsed[0] - rebuilt if parsed and pd.notna(rebuilt) else float("nan"),
        "classification": classification,
        "reason": reason,
    }


def key_figures(result: Result) -> dict[str, str]:
    """The annex's opening sentence (words in chapters/reconciliation.sentences.yaml)."""
    counts = result.cells["classification"].value_counts()
    mislabelled = result.cells[result.cells["classification"] == CLASSES[2]]
    found = mislabelled[["table", "label", "rebuilt_area"]].drop_duplicates()
    return {
        "opening": prose.render(
            CHAPTER,
            "opening",
            cells=len(result.cells),
            counts=[{"classification": c, "n": int(counts.get(c, 0))} for c in CLASSES if counts.get(c, 0)],
            mislabelled=[
                {"table": r.table, "label": r.label, "area": CANDIDATES[r.rebuilt_area]} for r in found.itertuples()
            ],
        )
    }


def table(result: Result, table_name: str) -> pd.DataFrame:
    """One printed table's cells for the page: printed, rebuilt, classification and reason."""
    part = result.cells[result.cells["table"] == table_name]
    return pd.DataFrame(
        {
            "Measure": part["measure"],
            "Cell": [f"{c} ({label})" if label else "the area" for c, label in zip(part["cell"], part["label"])],
            "Printed": part["printed"],
            "Rebuilt": part["rebuilt"].map(lambda v: number(v, 2)),
            "Classification": part["classification"],
            "Reason": part["reason"],
        }
    )


def write_outputs(result: Result, outputs: str | Path) -> dict[str, Path]:
    """The reconciliation CSV and the key figures (this annex adds no rows to indicators.csv)."""
    text, numbers = ("indicator_id", "geography_code", "period", "source_id"), ("value",)
    empty = pd.DataFrame({**{c: pd.Series(dtype="str") for c in text}, **{c: pd.Series(dtype=float) for c in numbers}})
    return chapter_outputs.write(outputs, {"reconciliation": result.cells}, empty, result.key_figures)

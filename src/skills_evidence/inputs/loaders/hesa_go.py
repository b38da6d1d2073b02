"""HESA Graduate Outcomes extract, as a council buys it: one row per cohort × provider × level of study
× local authority of employment, with counts rounded to 5 as HESA publishes them.

Schema (CSV, or HESA's open-data layout with its metadata block):
`cohort` (e.g. 2019/20), `provider_ukprn` (8 digits), `provider_name`, `provider_city`,
`level_of_study`, `employment_la_code` (a GSS district code, `unknown` or `overseas`), `graduates`
(a multiple of 5, or `c` where HESA suppressed the cell), and optionally `synthetic` (true/false).
A count that is not a multiple of 5 is refused: HESA never publishes one, so the file is not as supplied.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import check_values, numbers_or_marks, read_csv_text, require_columns
from skills_evidence.inputs.loaders.hesa import load_hesa_table

COLUMNS = [
    "cohort",
    "provider_ukprn",
    "provider_name",
    "provider_city",
    "level_of_study",
    "employment_la_code",
    "graduates",
]
SUPPRESSED = {"c", "[c]"}
PLACES = {"unknown", "overseas"}


def load_graduate_outcomes(path: str | Path) -> pd.DataFrame:
    """Read and validate an extract; `graduates` is a float (NaN where suppressed, with status "c")."""
    path = Path(path)
    head = path.read_bytes()[:64].decode("utf-8-sig", errors="replace").lstrip("\ufeff")
    if head.startswith("Title:"):
        table = load_hesa_table(path)
        raw = table.data.astype(str)
        first = int(table.data["source_row"].iloc[0]) if len(table.data) else 2
        raw["source_row"] = table.data["source_row"]
    else:
        raw = read_csv_text(path)
        raw["source_row"] = range(2, len(raw) + 2)
        first = 2
    require_columns(path, raw, COLUMNS, first - 1)
    frame = raw.copy()
    check_values(
        path, frame, "cohort", frame["cohort"].str.fullmatch(r"\d{4}/\d{2}"), "is not an academic year like 2019/20"
    )
    check_values(
        path, frame, "provider_ukprn", frame["provider_ukprn"].str.fullmatch(r"\d{8}"), "is not an 8-digit UKPRN"
    )
    place = frame["employment_la_code"].str.strip()
    check_values(
        path,
        frame,
        "employment_la_code",
        place.str.fullmatch(r"[EWSN]\d{8}") | place.isin(PLACES),
        "is not a GSS district code, 'unknown' or 'overseas'",
    )
    text = frame["graduates"].str.strip()
    value, _ = numbers_or_marks(path, text, frame["source_row"], "graduates", SUPPRESSED, "a count or 'c'")
    check_values(
        path, frame, "graduates", text.isin(SUPPRESSED) | (value.notna() & (value >= 0)), "is not a count or 'c'"
    )
    check_values(
        path,
        frame,
        "graduates",
        text.isin(SUPPRESSED) | (value % 5 == 0),
        "is not rounded to a multiple of 5 as HESA publishes counts",
    )
    frame["graduates"] = value
    frame["status"] = text.isin(SUPPRESSED).map({True: "c", False: ""})
    keys = ["cohort", "provider_ukprn", "level_of_study", "employment_la_code"]
    dup = frame.duplicated(keys)
    if dup.any():
        raise InputFileError(path, f"duplicate {', '.join(keys)}", int(frame.loc[dup.idxmax(), "source_row"]), "cohort")
    if "synthetic" in frame.columns:
        flags = frame["synthetic"].str.strip().str.lower()
        check_values(path, frame, "synthetic", flags.isin(["true", "false"]), "is not true or false")
        frame["synthetic"] = flags == "true"
    else:
        frame["synthetic"] = False
    frame.attrs["synthetic"] = bool(frame["synthetic"].any())
    return frame.reset_index(drop=True)

"""The council's Skills Survey export: one row per respondent.

Schema: `respondent_id`, `wave`, `gender` (Male, Female, Other, Prefer not to say), `age_band` (16-24,
25-49, 50+), `ethnic_group`, `disability` (Yes, No, Prefer not to say); multi-select answers as 0/1
columns named `status_*` (employment status), `reason_*` (reasons for learning), `barrier_*` and
`channel_*` (how people find courses), blank where the question was not answered; `confidence_skills`
(1-5, "I am confident my skills are enough for my career aspirations"); optionally `ward`,
`postcode_district`, `highest_qualification`, `free_text`, contact details, and `synthetic` (true/false).

Free text, postcodes, wards and contact details never leave the loader: they are not in the frame it
returns, so nothing downstream can publish them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import check_values, read_csv_text, require_columns

REQUIRED = ["respondent_id", "wave", "gender", "age_band", "ethnic_group", "disability"]
CATEGORIES = {
    "gender": {"Male", "Female", "Other", "Prefer not to say"},
    "age_band": {"16-24", "25-49", "50+"},
    "ethnic_group": {"White British", "White Other", "Asian", "Black", "Mixed", "Other", "Prefer not to say"},
    "disability": {"Yes", "No", "Prefer not to say"},
}
ANSWER_PREFIXES = ("status_", "reason_", "barrier_", "channel_")
#: Columns that stay in the secure input: personal or free-text data, never analysed or published.
PERSONAL = {"free_text", "email", "name", "phone", "postcode", "postcode_district", "ward", "address"}


@dataclass
class SurveyExport:
    """The validated responses (no personal data) and whether they are a synthetic stand-in."""

    responses: pd.DataFrame
    synthetic: bool
    dropped_columns: list[str]


def load_survey(path: str | Path) -> SurveyExport:
    """Read and validate a survey export; problems are reported by row and column."""
    path = Path(path)
    raw = read_csv_text(path)
    require_columns(path, raw, REQUIRED)
    raw["source_row"] = range(2, len(raw) + 2)
    dropped = sorted(c for c in raw.columns if c in PERSONAL)
    frame = raw.drop(columns=dropped)
    for column, allowed in CATEGORIES.items():
        check_values(path, frame, column, frame[column].isin(allowed), f"is not one of {', '.join(sorted(allowed))}")
    answers = [c for c in frame.columns if c.startswith(ANSWER_PREFIXES)]
    for column in answers:
        check_values(path, frame, column, frame[column].isin(["0", "1", "", "0.0", "1.0"]), "is not 0, 1 or blank")
        frame[column] = pd.to_numeric(frame[column].where(frame[column] != ""), errors="coerce")
    if "confidence_skills" in frame.columns:
        text = frame["confidence_skills"]
        check_values(
            path,
            frame,
            "confidence_skills",
            text.isin(["", "1", "2", "3", "4", "5", "1.0", "2.0", "3.0", "4.0", "5.0"]),
            "is not a score from 1 to 5 or blank",
        )
        frame["confidence_skills"] = pd.to_numeric(text.where(text != ""), errors="coerce")
    dup = frame.duplicated(["wave", "respondent_id"])
    if dup.any():
        i = dup.idxmax()
        raise InputFileError(
            path,
            f"respondent {frame.loc[i, 'respondent_id']!r} appears twice in wave {frame.loc[i, 'wave']}",
            int(frame.loc[i, "source_row"]),
            "respondent_id",
        )
    synthetic = False
    if "synthetic" in frame.columns:
        flags = frame["synthetic"].str.strip().str.lower()
        check_values(path, frame, "synthetic", flags.isin(["true", "false"]), "is not true or false")
        synthetic = bool((flags == "true").any())
        frame["synthetic"] = flags == "true"
    return SurveyExport(frame.reset_index(drop=True), synthetic, dropped)

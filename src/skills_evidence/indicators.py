"""The long indicator table every chapter writes (Fingertips / ONS Explore Local Statistics shape)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from skills_evidence.loaders.snapshots import read_table

COLUMNS = [
    "indicator_id", "breakdown", "geography_code", "geography_name", "period", "value", "ci_lower", "ci_upper",
    "numerator", "denominator", "unit", "polarity", "source_id", "vintage", "status", "note",
]

NUMERIC = ["value", "ci_lower", "ci_upper", "numerator", "denominator"]

#: AF shorthand marks allowed in `status`: blank, [c] confidential, [x] not available,
#: [z] not applicable, [u] low reliability, [b] break in series.
STATUS = ["", "c", "x", "z", "u", "b"]

SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "breakdown": pa.Column(str),
        "geography_code": pa.Column(str, pa.Check.str_matches(r"^[EKNSW]\d{8}$")),
        "period": pa.Column(str),
        "value": pa.Column(float, nullable=True),
        "ci_lower": pa.Column(float, nullable=True),
        "ci_upper": pa.Column(float, nullable=True),
        "polarity": pa.Column(int, pa.Check.isin([-1, 0, 1])),
        "status": pa.Column(str, pa.Check.isin(STATUS)),
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    checks=[
        pa.Check(lambda d: (d["value"].isna() | d["ci_lower"].isna() | (d["ci_lower"] <= d["value"] + 1e-9)).all(),
                 error="ci_lower above value"),
        pa.Check(lambda d: (d["value"].notna() | (d["status"] != "")).all(), error="a missing value must carry a status mark"),
    ],
    unique=["indicator_id", "breakdown", "geography_code", "period"],
)


CATALOGUE = Path("data/indicators.yaml")


def catalogue() -> dict[str, dict]:
    """The indicator catalogue (`data/indicators.yaml`): label, unit, polarity, definition, source by id."""
    import yaml

    from skills_evidence.paths import resolve

    return yaml.safe_load(resolve(CATALOGUE).read_text(encoding="utf-8"))


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Order, fill and validate an indicator frame; rows sorted so the CSV is byte-stable."""
    out = frame.copy()
    for column in COLUMNS:
        if column not in out:
            out[column] = "" if column in ("breakdown", "status", "note", "unit", "vintage") else float("nan")
    out = out[COLUMNS]
    for column in NUMERIC:  # an all-blank column (a chapter with no intervals) reads back as text
        out[column] = pd.to_numeric(out[column].replace("", float("nan")), errors="raise").astype(float)
    for column in ("breakdown", "status", "note", "unit", "vintage", "source_id", "period"):
        out[column] = out[column].fillna("").astype(str)
    out["polarity"] = out["polarity"].astype(int)
    out = out.sort_values(["indicator_id", "breakdown", "geography_code", "period"]).reset_index(drop=True)
    return SCHEMA.validate(out)


def write(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a validated indicator table as CSV (values unrounded: round only for display)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tidy(frame).to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
    return path


def combine(paths: list[Path]) -> pd.DataFrame:
    """All chapters' indicator files as one table (the edition's `indicators.csv`)."""
    frames = [read_table(p) for p in paths]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return tidy(pd.concat(frames, ignore_index=True))

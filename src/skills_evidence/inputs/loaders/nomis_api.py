"""Nomis API CSV (`/api/v01/dataset/NM_17_5.data.csv?...`), the layout Nomis documents for its API.

Each dimension comes as a column family (`DATE`, `DATE_NAME`, `DATE_CODE`, … `GEOGRAPHY_CODE`,
`VARIABLE_NAME`, `MEASURES_NAME`) followed by `OBS_VALUE`, `OBS_STATUS`, `OBS_STATUS_NAME`,
`OBS_CONF`. For APS datasets the MEASURES dimension carries the value ("Variable"), its 95%
half-width ("Confidence"), "Numerator" and "Denominator"; this loader puts them side by side.
A blank OBS_VALUE keeps its OBS_STATUS and stays missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import numbers_or_marks, read_csv_text, require_columns

REQUIRED = ["DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS"]
MEASURE_COLUMNS = {
    "Variable": "value",
    "Confidence": "ci_halfwidth",
    "Numerator": "numerator",
    "Denominator": "denominator",
}


def load_nomis_api_csv(path: str | Path) -> pd.DataFrame:
    """One row per date × geography × variable with value, ci_halfwidth, numerator, denominator, status."""
    path = Path(path)
    raw = read_csv_text(path)
    require_columns(path, raw, REQUIRED, hint=" (is this a Nomis API .data.csv?)")
    raw["source_row"] = range(2, len(raw) + 2)
    raw["OBS_VALUE"], _ = numbers_or_marks(path, raw["OBS_VALUE"], raw["source_row"], "OBS_VALUE", (), "a number")
    unknown = set(raw["MEASURES_NAME"]) - set(MEASURE_COLUMNS)
    if unknown:
        row = int(raw.loc[raw["MEASURES_NAME"].isin(unknown), "source_row"].iloc[0])
        raise InputFileError(path, f"unknown measure {sorted(unknown)[0]!r}", row, "MEASURES_NAME")
    variable = "VARIABLE_NAME" if "VARIABLE_NAME" in raw.columns else None
    keys = ["DATE_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME"] + ([variable] if variable else [])
    dup = raw.duplicated([*keys, "MEASURES_NAME"])
    if dup.any():
        raise InputFileError(path, "duplicate observation", int(raw.loc[dup.idxmax(), "source_row"]), "MEASURES_NAME")
    wide = raw.pivot(index=keys, columns="MEASURES_NAME", values="OBS_VALUE").rename(columns=MEASURE_COLUMNS)
    status = raw[raw["MEASURES_NAME"] == "Variable"].set_index(keys)["OBS_STATUS"].rename("status")
    rows = raw[raw["MEASURES_NAME"] == "Variable"].set_index(keys)["source_row"]
    out = wide.join(status).join(rows).reset_index()
    out = out.rename(
        columns={
            "DATE_NAME": "period_label",
            "GEOGRAPHY_CODE": "geography_code",
            "GEOGRAPHY_NAME": "geography_name",
            **({variable: "variable"} if variable else {}),
        }
    )
    for column in MEASURE_COLUMNS.values():
        if column not in out:
            out[column] = float("nan")
    out.columns.name = None
    return out

"""DfE Explore Education Statistics (EES) data files, as CSV or as the same columns saved to XLSX.

EES files are wide: time and geography columns, filter columns (breakdown, ethnic_major, …) and
indicator columns. The caller names the indicator columns it needs; they are parsed to numbers,
keeping DfE's marks (`c` confidential, `x` not available, `z` not applicable, `low` rounds to zero,
`u` low reliability) as a status with the value missing. The result is long: one row per record ×
indicator, with the geography's GSS code picked from the column that fits its geographic level.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence import periods
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import numbers_or_marks, read_csv_text, read_excel_grid, require_columns

MARKS = {"c", "x", "z", "low", "u", ":"}
TIME = ["time_period", "time_identifier"]
GEOGRAPHY_COLUMNS = [
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "lad_code",
    "lad_name",
    "pcon_code",
    "pcon_name",
    "lsip_code",
    "lsip_name",
]
#: For each geographic level, the (code, name) columns that identify the place.
LEVEL_KEYS = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name"),
    "Local authority district": ("lad_code", "lad_name"),
    "Parliamentary constituency": ("pcon_code", "pcon_name"),
}


def _read(path: Path) -> pd.DataFrame:
    """Every cell as text (empty → ""), from CSV (BOM, quoting and trailing comma tolerated) or XLSX."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = read_excel_grid(path, header=0)
        frame = frame.astype(object).where(frame.notna(), "")
        return frame.map(_excel_text)
    frame = read_csv_text(path)
    return frame.loc[:, [c for c in frame.columns if not str(c).startswith("Unnamed:")]]


def _excel_text(value: object) -> str:
    """Excel cells as text; floats keep full precision (e.g. 32.299999999999997 stays that number)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_ees(path: str | Path, indicators: list[str], filters: list[str] | None = None) -> pd.DataFrame:
    """Read an EES file into long form: time, geography, the named filters, indicator, value, status."""
    path = Path(path)
    raw = _read(path)
    require_columns(path, raw, [*TIME, "geographic_level", *indicators, *(filters or [])])
    if filters is None:
        filters = [
            c for c in raw.columns if c not in TIME + GEOGRAPHY_COLUMNS + indicators and not _looks_numeric(raw[c])
        ]
    raw = raw.assign(source_row=range(2, len(raw) + 2))
    codes, names = [], []
    for level, row in zip(raw["geographic_level"], raw["source_row"]):
        if level not in LEVEL_KEYS:
            raise InputFileError(path, f"unknown geographic_level {level!r}", int(row), "geographic_level")
    for level in raw["geographic_level"].unique():
        code_col, name_col = LEVEL_KEYS[level]
        if code_col not in raw.columns:
            raise InputFileError(path, f"{level} rows need a {code_col!r} column", 1, code_col)
    codes = [r[LEVEL_KEYS[r["geographic_level"]][0]] for _, r in raw.iterrows()]
    names = [r[LEVEL_KEYS[r["geographic_level"]][1]] for _, r in raw.iterrows()]
    raw["geography_code"], raw["geography_name"] = codes, names
    raw["period"] = raw["time_period"].map(periods.from_dfe_code)
    keys = ["period", "time_identifier", "geographic_level", "geography_code", "geography_name", *filters]
    dup = raw.duplicated(keys, keep="first")
    if dup.any():
        raise InputFileError(
            path, f"duplicate record for {', '.join(keys)}", int(raw.loc[dup.idxmax(), "source_row"]), "time_period"
        )
    ident = [*keys, "source_row"] + (["old_la_code"] if "old_la_code" in raw.columns else [])
    long = raw[ident + indicators].melt(id_vars=ident, value_vars=indicators, var_name="indicator", value_name="text")
    what = f"a number or a DfE mark ({', '.join(sorted(MARKS))})"
    long["value"], marks = numbers_or_marks(path, long["text"], long["source_row"], long["indicator"], MARKS, what)
    long["status"] = marks.replace({":": "x", "": "x"}).where(long["value"].isna(), "")
    return long.drop(columns="text")


def _looks_numeric(column: pd.Series) -> bool:
    """A column that holds numbers (and marks) rather than filter labels."""
    text = column.astype(str).str.strip()
    text = text[~text.isin(MARKS | {""})]
    return len(text) > 0 and pd.to_numeric(text, errors="coerce").notna().all()

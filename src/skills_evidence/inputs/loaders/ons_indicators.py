"""ONS indicator CSVs: Explore Local Statistics tidy files and the older IDS (subnational) layout.

Which columns hold what is declared per layout in data/layouts.yaml (inputs.layouts), so a renamed column
in a new release is a line of YAML. Both arrive as UTF-8 with a byte-order mark, with CRLF or LF line ends; ELS periods are ISO-8601
intervals (`2023-01-01/P1Y`) or exact dates, IDS periods are years; interval columns carry binary
float noise (`43.400000000000006`), which is rounded away here because ONS publishes to 1 dp.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from skills_evidence import periods
from skills_evidence.inputs import layouts
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import numbers_or_marks, read_csv_text

#: Marks ONS puts in a value column instead of a number (AF shorthand; IDS files use `na`, the explorer `NA`).
STATUS_MARKS = {"", "na", "NA", "x", "c", "z", "u", "low", "[x]", "[c]", "[z]", "[u]"}

_THOUSANDS = r"-?\d{1,3}(,\d{3})+(\.\d+)?"  # "1,447" as the explorer file prints it
#: ONS's International Territorial Level codes (TLC, TLC3, TLC31…): regions of the ITL hierarchy, not GSS areas.
_ITL = re.compile(r"^TL[A-N](\d{1,2}[A-Z0-9]?)?$")
_POOLED_YEARS = re.compile(r"^(\d{4})-01-01(?:T00:00:00)?/P([2-9])Y$")
_YEAR_INTERVAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T00:00:00)?/P1Y$")  # some releases add a midnight time

SCHEMA = pa.DataFrameSchema(
    {
        "geography_code": pa.Column(str, pa.Check.str_matches(r"^[EKNSW]\d{8}$")),
        "geography_name": pa.Column(str),
        "period": pa.Column(str),
        "value": pa.Column(float, nullable=True),
        "ci_lower": pa.Column(float, nullable=True),
        "ci_upper": pa.Column(float, nullable=True),
        "status": pa.Column(str),
    },
    unique=["geography_code", "indicator", "period"],
)


def _period(raw: str) -> str:
    """`2021-01-01/P1Y` → `2021`; `2016-09-01/P1Y` (academic) → `2016/17`; `2022-01-01/P3Y` (three calendar
    years pooled, as healthy life expectancy is) → `2022-2024`; a date or year stays as given."""
    raw = raw.strip()
    m = _YEAR_INTERVAL.match(raw)
    if m:
        year, month = int(m[1]), int(m[2])
        return str(year) if month == 1 else periods.academic_year(year)
    pooled = _POOLED_YEARS.match(raw)
    if pooled:
        return f"{pooled[1]}-{int(pooled[1]) + int(pooled[2]) - 1}"
    return raw


def load_ons_indicator(path: str | Path) -> pd.DataFrame:
    """Read an ONS ELS or IDS indicator CSV into geography × period rows with value, CI and status.

    Rows for ITL regions (GVA and household income are published for those too) are set aside: the book
    compares GSS areas. Any other code that is not a GSS code is refused with its row."""
    path = Path(path)
    raw = read_csv_text(path)
    raw.index = range(2, len(raw) + 2)
    code = next((c for c in raw.columns if c.lower() == "areacd"), None)
    if code is not None:
        raw = raw[~raw[code].str.strip().str.fullmatch(_ITL)]
    return _tidy(path, raw, header_line=1)


def load_ons_subnational_explorer(path: str | Path) -> pd.DataFrame:
    """ONS subnational indicators explorer `machine_readable.csv`: Windows-1252 text, a disclaimer
    line and a blank line above the `AREACD,…` header; same tidy result as `load_ons_indicator`.

    Rows for geographies without a GSS code (ITL regions, `na`) are set aside. The file as published
    prints one code for two places in places (E13000002 for Inner and Outer London); that is refused
    as a duplicate rather than guessed at.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"is not Windows-1252 text ({exc.reason} at byte {exc.start})") from exc
    lines = text.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if line.startswith("AREACD,")), None)
    if header is None:
        raise InputFileError(path, "no header line starting 'AREACD,'", None, "AREACD")
    try:
        raw = pd.read_csv(io.StringIO("".join(lines[header:])), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputFileError(path, f"is not a well-formed CSV ({exc})") from exc
    raw.index = range(header + 2, len(raw) + header + 2)
    gss = raw["AREACD"].str.fullmatch(r"[EKNSW]\d{8}")
    return _tidy(path, raw[gss], header_line=header + 1)


def _tidy(path: Path, raw: pd.DataFrame, header_line: int) -> pd.DataFrame:
    """Shared by both layouts: rename, parse periods and numbers, validate; rows numbered as in the file."""
    # Which of ONS's layouts this is (declared in data/layouts.yaml, not here).
    recognised = layouts.recognise(path, list(raw.columns), "ons_els", header_line)
    layout = recognised.columns
    frame = raw[[c for c in raw.columns if c in layout]].rename(columns=layout)
    for name in ("ci_lower", "ci_upper", "status", "unit", "indicator", "geography_type", "polarity"):
        if name not in frame:
            frame[name] = ""
    frame["source_row"] = (
        list(raw.index) if len(raw) and raw.index[0] != 0 else range(header_line + 1, len(frame) + header_line + 1)
    )
    frame["geography_name"] = frame["geography_name"].str.strip()
    frame["geography_type"] = frame["geography_type"].str.strip()
    frame["status"] = frame["status"].str.strip()
    # ONS's notes (not part of any layout: a file may have none, or two `notes` columns): kept as text, so a
    # derivation can read the marks ONS writes there (e.g. "unreliable since the group sample size is small").
    notes = [c for c in raw.columns if c.lower().split(".")[0] == "notes"]
    frame["note"] = raw[notes].astype(str).agg(" ".join, axis=1).str.strip().to_numpy() if notes else ""
    frame["period"] = frame["period_raw"].map(_period)
    for name in ("value", "ci_lower", "ci_upper"):
        frame[name] = _numeric(path, raw, frame, name, layout)
    frame = frame.drop(columns=["period_raw"])
    try:
        frame = SCHEMA.validate(frame)
        frame.attrs["layout"] = recognised.name
        return frame
    except pa.errors.SchemaError as exc:
        column = getattr(exc.schema, "name", None) or "AREACD/areacd"
        dup = frame[frame.duplicated(["geography_code", "indicator", "period"])]
        if len(dup) and ("unique" in str(exc) or "duplicate" in str(exc).lower()):
            raise InputFileError(
                path, "duplicate geography and period", int(dup["source_row"].iloc[0]), "period"
            ) from exc
        cases = exc.failure_cases if isinstance(exc.failure_cases, pd.DataFrame) else None
        bad = cases["index"].iloc[0] if cases is not None and len(cases) else None
        row = int(frame.loc[bad, "source_row"]) if bad in frame.index else None
        raise InputFileError(path, f"fails validation: {exc.args[0]}", row, column) from exc


def _numeric(path: Path, raw: pd.DataFrame, frame: pd.DataFrame, name: str, layout: dict[str, str]) -> pd.Series:
    """Text → float; a blank or a known status mark → NaN; any other text is an error naming row and column."""
    text = frame[name].astype(str).str.strip()
    plain = text.where(~text.str.fullmatch(_THOUSANDS), text.str.replace(",", "", regex=False))
    source = next((k for k, v in layout.items() if v == name and k in raw.columns), name)
    numbers, marks = numbers_or_marks(
        path, plain, frame["source_row"], source, STATUS_MARKS, "a number or a status mark"
    )
    if name == "value":
        frame["status"] = frame["status"].where(
            frame["status"] != "", marks.str.strip("[]").replace({"na": "x", "NA": "x"})
        )
    return numbers.astype(float).round(6)  # a column of whole numbers (rates per 100,000) is still a float

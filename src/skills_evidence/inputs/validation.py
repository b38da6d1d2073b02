"""Validate every dataset against the schema declared in its .meta.yaml sidecar, before any
notebook reads it.

A schema names each column's form (a number, a pattern, a list of allowed values, a range), the
columns that together identify a row, the combinations the dataset promises to be complete, the
reference areas it promises to cover, and which mark column explains a blank number (a suppressed
value is blank *with* its mark; a blank without one is an error, never a silent "not available").
A value may be declared to lie `within` its own interval columns, and a period to be `not_future` (its
first year not after this one): a typing slip such as 2099 is refused, not dropped later without a word.
The checks run through pandera; a failure is an InputFileError naming the file, the CSV line, the
column and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from skills_evidence import records
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import read_csv_text

NUMBER = r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
SHOWN = 5  # failures listed in one error message


def _column(spec: dict) -> pa.Column:
    """A pandera column (cells as text) from one column's declaration."""
    checks = []
    blank = spec.get("blank", "number" in spec or "mark" in spec)
    if "number" in spec:
        checks.append(
            pa.Check(
                lambda s: (s == "") | s.str.fullmatch(NUMBER),
                element_wise=False,
                error="a plain number" + (" or blank" if blank else ""),
            )
        )
        low, high = spec.get("min"), spec.get("max")
        if low is not None or high is not None:

            def bounded(s: pd.Series, low=low, high=high) -> pd.Series:
                values = pd.to_numeric(s.where(s != ""), errors="coerce")
                ok = values.isna()
                ok |= (values >= (low if low is not None else -float("inf"))) & (
                    values <= (high if high is not None else float("inf"))
                )
                return ok

            checks.append(pa.Check(bounded, error=f"a number from {low} to {high}"))
    if "pattern" in spec:
        checks.append(
            pa.Check(
                lambda s, p=spec["pattern"]: ((s == "") & blank) | s.str.fullmatch(p),
                error=f"text matching {spec['pattern']}",
            )
        )
    if spec.get("not_future"):
        this_year = dt.date.today().year

        def not_future(s: pd.Series, this_year: int = this_year) -> pd.Series:
            first = pd.to_numeric(s.str.extract(r"((?:19|20)\d\d)", expand=False), errors="coerce")
            return first.isna() | (first <= this_year)

        checks.append(
            pa.Check(not_future, error=f"a period no later than {this_year} (periods cannot be in the future)")
        )
    if "isin" in spec:
        allowed = [str(v) for v in spec["isin"]]
        checks.append(pa.Check.isin(allowed, error=f"one of {allowed}"))
    if not blank and "pattern" not in spec and "isin" not in spec:
        checks.append(pa.Check(lambda s: s.str.strip() != "", error="a value (not blank)"))
    return pa.Column(str, checks=checks, nullable=False, required=True)


def _within(value: str, low: str, high: str) -> pa.Check:
    """Each `value` inside [low, high] of its own row, where all three are given."""

    def inside(df: pd.DataFrame) -> pd.Series:
        v, lo, hi = (pd.to_numeric(df[c].where(df[c] != ""), errors="coerce") for c in (value, low, high))
        return v.isna() | lo.isna() | hi.isna() | ((lo <= v) & (v <= hi))

    return pa.Check(inside, error=f"a {value} inside its own interval {low} to {high}")


def _schema(dataset_id: str, spec: dict) -> pa.DataFrameSchema:
    columns = {name: _column(col or {}) for name, col in spec.get("columns", {}).items()}
    checks = [_within(name, *c["within"]) for name, c in spec.get("columns", {}).items() if c and "within" in c]
    for value, mark in ((n, c["mark"]) for n, c in spec.get("columns", {}).items() if c and "mark" in c):
        checks.append(
            pa.Check(
                lambda df, v=value, m=mark: (df[v] != "") | (df[m] != ""),
                error=f"a blank {value} only with a suppression mark in {mark}",
            )
        )
    return pa.DataFrameSchema(columns, checks=checks, unique=spec.get("unique"), name=dataset_id, strict=False)


def _failure(path: Path, cases: pd.DataFrame) -> InputFileError:
    """One error for the first failures (in file order), each with its CSV line (the header is line 1) and column."""
    cases = cases.assign(_row=pd.to_numeric(cases["index"], errors="coerce")).sort_values(
        ["_row", "column"], kind="stable"
    )
    lines = []
    for case in cases.head(SHOWN).itertuples():
        row = int(case.index) + 2 if pd.notna(case.index) else None
        where = ", ".join(
            p for p in (f"row {row}" if row else "", f"column {case.column!r}" if case.column else "") if p
        )
        lines.append(f"{where}: {case.failure_case!r} is not {case.check}")
    more = f" (and {len(cases) - SHOWN} more)" if len(cases) > SHOWN else ""
    first = cases.iloc[0]
    row = int(first["index"]) + 2 if pd.notna(first["index"]) else None
    return InputFileError(
        path,
        "does not match its declared schema: " + "; ".join(lines) + more,
        row,
        first["column"] if isinstance(first["column"], str) else None,
    )


def _missing_combinations(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Combinations of the values seen in `keys` that no row has (the dataset promises all of them)."""
    present = frame[keys].drop_duplicates()
    expected = pd.MultiIndex.from_product([sorted(frame[k].unique()) for k in keys], names=keys).to_frame(index=False)
    merged = expected.merge(present, how="left", indicator=True)
    return merged[merged["_merge"] == "left_only"].drop(columns="_merge")


def covered(spec: dict, entries: dict[str, dict]) -> set[str]:
    """The reference codes a dataset promises to cover (e.g. every GB local authority)."""
    reference = read_csv_text(snapshots.dataset(spec["dataset"], entries).path)
    if "where" in spec:
        for column, values in spec["where"].items():
            reference = reference[reference[column].isin([str(v) for v in values])]
    return set(reference[spec["key"]]) - {str(c) for c in spec.get("except", [])}


def validate(dataset_id: str, entries: dict[str, dict] | None = None) -> pd.DataFrame:
    """Read one dataset as text and check it against its declared schema; returns the frame."""
    entries = entries if entries is not None else snapshots.load_sidecars()
    ds = snapshots.dataset(dataset_id, entries)
    return validate_file(ds.path, ds.entry["schema"], entries, ds.ref)


def validate_file(path: Path, spec: dict, entries: dict[str, dict], name: str = "") -> pd.DataFrame:
    """Check one CSV against a schema (as a sidecar declares it), e.g. a new release before it is written."""
    frame = read_csv_text(path)
    missing = [c for c in spec.get("columns", {}) if c not in frame.columns]
    if missing:
        raise InputFileError(
            path, f"missing column {missing[0]!r} (the header has {list(frame.columns)})", 1, missing[0]
        )
    try:
        _schema(name or path.name, spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _failure(path, exc.failure_cases) from None
    if spec.get("complete"):
        gaps = _missing_combinations(frame, spec["complete"])
        if len(gaps):
            first = ", ".join(f"{k}={v}" for k, v in gaps.iloc[0].items())
            raise InputFileError(
                path,
                f"is incomplete: {len(gaps)} combination(s) of {spec['complete']} have no row, "
                f"first {first} (was the file cut off?)",
            )
    if spec.get("covers"):
        cover = spec["covers"]
        absent = sorted(covered(cover, entries) - set(frame[cover["column"]]))
        if absent:
            raise InputFileError(
                path,
                f"lacks {len(absent)} area(s) it should cover, first {absent[0]} "
                f"(every {cover['key']} of {cover['dataset']} is expected; was the file cut off?)",
                column=cover["column"],
            )
    return frame


def validate_all(dataset_ids: list[str], record: Path | None = None) -> list[str]:
    """Validate each dataset; the first failure stops the build before any notebook runs. With a
    `record` file, a dataset whose bytes and schema passed before is not read again; returns the
    ids that were checked this time."""
    entries = snapshots.load_sidecars()
    passed = records.read_record(record) if record else {}
    checker = snapshots.sha256_file(Path(__file__))
    checked = []
    for dataset_id in dataset_ids:
        ds = snapshots.dataset(dataset_id, entries)
        key = hashlib.sha256(
            json.dumps(
                [snapshots.sha256_file(ds.path), ds.entry.get("schema"), checker], sort_keys=True, default=str
            ).encode()
        ).hexdigest()
        if passed.get(dataset_id) == key:
            continue
        validate(dataset_id, entries)
        passed[dataset_id] = key
        checked.append(dataset_id)
    if record and checked:
        records.write_record(record, passed)
    return checked

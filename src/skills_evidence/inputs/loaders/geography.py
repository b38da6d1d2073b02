"""ONS geography lookups, and turning the names Nomis prints into GSS codes.

Nomis query downloads name places (`ladu:Coventry`) without codes. Local authority districts are
resolved through the LAD 2021 name list in `data/reference/lad21.csv`; other Nomis names (countries,
Nomis "User Defined Geography" areas such as `West Midlands-MCA`) through the small alias table
`data/reference/nomis_geography_aliases.csv`. A name that resolves to nothing is an error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import read_csv_text


def _read_lookup_csv(path: Path, required: list[str]) -> pd.DataFrame:
    """An ONS lookup CSV (BOM tolerated), checked for the columns a caller needs."""
    frame = read_csv_text(path)
    for column in required:
        if column not in frame.columns:
            raise InputFileError(path, f"missing column {column!r}", 1, column)
    return frame


def load_lad_to_combined_authority(path: str | Path) -> pd.DataFrame:
    """ONS `LADyyCD,LADyyNM,CAUTHyyCD,CAUTHyyNM` lookup → lad_code, lad_name, ca_code, ca_name."""
    path = Path(path)
    head = read_csv_text(path, nrows=0).columns
    lad = next((c for c in head if c.startswith("LAD") and c.endswith("CD")), None)
    ca = next((c for c in head if c.startswith("CAUTH") and c.endswith("CD")), None)
    if lad is None or ca is None:
        raise InputFileError(
            path, "expected LADyyCD and CAUTHyyCD columns", 1, "LADyyCD" if lad is None else "CAUTHyyCD"
        )
    frame = _read_lookup_csv(path, [lad, lad[:-2] + "NM", ca, ca[:-2] + "NM"])
    return frame.rename(
        columns={lad: "lad_code", lad[:-2] + "NM": "lad_name", ca: "ca_code", ca[:-2] + "NM": "ca_name"}
    )[["lad_code", "lad_name", "ca_code", "ca_name"]]


def load_lad_2011_to_2021(path: str | Path) -> pd.DataFrame:
    """ONS LAD 2011 → LAD 2021 lookup (England and Wales) → lad11_code, lad11_name, lad21_code, lad21_name."""
    frame = _read_lookup_csv(Path(path), ["LAD11CD", "LAD11NM", "LAD21CD", "LAD21NM"])
    return frame.rename(
        columns={"LAD11CD": "lad11_code", "LAD11NM": "lad11_name", "LAD21CD": "lad21_code", "LAD21NM": "lad21_name"}
    )[["lad11_code", "lad11_name", "lad21_code", "lad21_name"]]


def load_area_parents(path: str | Path) -> pd.DataFrame:
    """ONS Explore Local Statistics `areas-parents-lookup.csv` → area_code, parent_code, parent_name, country_code."""
    frame = _read_lookup_csv(Path(path), ["areacd", "parentcd", "countrycd", "parentnm"])
    return frame.rename(
        columns={
            "areacd": "area_code",
            "parentcd": "parent_code",
            "parentnm": "parent_name",
            "countrycd": "country_code",
        }
    )[["area_code", "parent_code", "parent_name", "country_code"]]


def resolve_nomis_names(
    frame: pd.DataFrame,
    lad21: pd.DataFrame,
    aliases: pd.DataFrame,
    path: str | Path,
    keep_types: set[str],
    alias_only_types: frozenset[str] = frozenset({"User Defined Geography", "lep"}),
) -> pd.DataFrame:
    """Add `geography_code` to a Nomis query frame, keeping only the geography types in `keep_types`.

    `ladu` names resolve through the LAD 2021 names and must all resolve: an unresolved name raises
    an error naming the source row. Bespoke groupings (`alias_only_types`: user-defined areas, LEPs)
    are kept only where `aliases` (nomis_type, nomis_name, geography_code, geography_name) names them.
    """
    alias = {
        (t, n): (c, m)
        for t, n, c, m in aliases[["nomis_type", "nomis_name", "geography_code", "geography_name"]].itertuples(
            index=False
        )
    }
    frame = frame[frame["geography_type"].isin(keep_types)]
    bespoke = frame["geography_type"].isin(alias_only_types)
    known = [(t, n) in alias for t, n in frame[["geography_type", "geography_name"]].itertuples(index=False)]
    frame = frame[~bespoke | pd.Series(known, index=frame.index)].copy()
    by_name = dict(zip(lad21["lad_name"], lad21["lad_code"]))
    codes, names = [], []
    for gtype, gname, row in frame[["geography_type", "geography_name", "source_row"]].itertuples(index=False):
        if (gtype, gname) in alias:
            code, name = alias[(gtype, gname)]
        elif gtype == "ladu" and gname in by_name:
            code, name = by_name[gname], gname
        else:
            raise InputFileError(
                path,
                f"geography {gtype}:{gname!r} does not resolve to a GSS code; add it to "
                "data/reference/nomis_geography_aliases.csv if it is a renamed area",
                int(row),
                "A",
            )
        codes.append(code)
        names.append(name)
    frame["geography_code"] = codes
    frame["geography_name"] = names
    return frame


def harmonise_counts_to_lad21(
    frame: pd.DataFrame, lookup: pd.DataFrame, value_columns: list[str], code_column: str = "geography_code"
) -> pd.DataFrame:
    """Re-express counts on LAD 2011 codes as LAD 2021 areas, summing districts that merged.

    Counts add across a merger (e.g. the seven Northamptonshire districts into North and West
    Northamptonshire in 2021); rates and shares do not, so only count columns may be passed. A merged
    area with any missing constituent count stays missing. Codes unchanged by the lookup pass through.
    """
    mapping = dict(zip(lookup["lad11_code"], lookup["lad21_code"]))
    names = dict(zip(lookup["lad21_code"], lookup["lad21_name"]))
    out = frame.copy()
    out["_lad21"] = out[code_column].map(mapping).fillna(out[code_column])
    keys = [c for c in out.columns if c not in value_columns + [code_column, "_lad21", "geography_name", "source_row"]]
    grouped = out.groupby(["_lad21", *keys], dropna=False, sort=True)[value_columns].sum(min_count=1)
    incomplete = out.groupby(["_lad21", *keys], dropna=False, sort=True)[value_columns].apply(lambda g: g.isna().any())
    grouped = grouped.mask(incomplete)
    grouped = grouped.reset_index().rename(columns={"_lad21": code_column})
    grouped["geography_name"] = grouped[code_column].map(names)
    return grouped

"""Derive the small tidy files the book ships in `data/` from the official files as published.

The official downloads (in ../shared/real-data, see its PROVENANCE.md) stay outside the repository;
this module reads them through the loaders, keeps the rows and columns the book needs, and writes
them with their checksums into the manifest. Re-running it on the same files gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from skills_evidence.loaders.errors import InputFileError
from skills_evidence.loaders.geography import (
    load_area_parents,
    load_lad_2011_to_2021,
    load_lad_to_combined_authority,
    resolve_nomis_names,
)
from skills_evidence.loaders.nomis_query import load_nomis_query
from skills_evidence.loaders.ons_indicators import load_ons_indicator
from skills_evidence.manifest import load_manifest, save_manifest, sha256_file
from skills_evidence.paths import resolve, shared_dir

#: T19 "Total - All people aged 16-64" categories, by the label Nomis prints after the colon.
T19_CATEGORIES = {
    "None": "none",
    "NVQ1": "nvq1",
    "NVQ2": "nvq2",
    "Trade Apprenticeships": "trade",
    "NVQ3": "nvq3",
    "NVQ4+": "nvq4plus",
    "Other Qualifications": "other",
}
#: Geography types the ONS indicator snapshots keep (LADs and everything a comparator can be).
ONS_KEEP_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "E12", "E47", "E92", "K02", "K03", "W92", "S92")


def _source(entry: dict) -> Path:
    """The official file a manifest entry was derived from, checked against its recorded sha256."""
    path = shared_dir() / "real-data" / entry["source"]["file"]
    if not path.exists():
        raise FileNotFoundError(f"{path}: source file for this dataset is not present (is ../shared there?)")
    expected = entry["source"].get("file_sha256")
    if expected and sha256_file(path) != expected:
        raise InputFileError(path, f"sha256 differs from the manifest's {expected[:12]}…: a different download")
    return path


def derive_lad21(entries: dict[str, dict]) -> pd.DataFrame:
    """LAD 2021 codes and names for Great Britain, with region, country and combined authority."""
    src = entries["lad21_reference"]["sources"]
    ew = load_lad_2011_to_2021(_source({"source": src["lad11_to_lad21"]}))
    lads = ew[["lad21_code", "lad21_name"]].drop_duplicates().rename(columns={"lad21_code": "lad_code", "lad21_name": "lad_name"})
    scot = pd.read_csv(_source({"source": src["scottish_names"]}), dtype=str, encoding="utf-8-sig")
    scot = scot[scot["AREACD"].str.startswith("S12")].rename(columns={"AREACD": "lad_code", "AREANM": "lad_name"})
    lads = pd.concat([lads, scot[["lad_code", "lad_name"]]], ignore_index=True)
    parents = load_area_parents(_source({"source": src["parents"]}))
    lads = lads.merge(parents, left_on="lad_code", right_on="area_code", how="left").drop(columns="area_code")
    lads = lads.rename(columns={"parent_code": "region_code", "parent_name": "region_name"})
    ca = load_lad_to_combined_authority(_source({"source": src["combined_authorities"]}))
    lads = lads.merge(ca[["lad_code", "ca_code", "ca_name"]], on="lad_code", how="left")
    missing = lads[lads["region_code"].isna()]
    if len(missing):
        raise InputFileError(src["parents"]["file"], f"no region for {', '.join(missing['lad_code'])}")
    return lads.fillna("").sort_values("lad_code").reset_index(drop=True)


def derive_aps_t19(entries: dict[str, dict]) -> pd.DataFrame:
    """APS T19 highest qualification counts, all people 16-64, with 95% CI half-widths and Nomis marks."""
    entry = entries["aps_t19_qualifications"]
    path = _source(entry)
    frame = load_nomis_query(path)
    frame = frame[frame["variable_label"].str.startswith("Total - All people aged 16-64 : ")]
    frame = frame.assign(category=frame["variable_label"].str.split(" : ", n=1).str[1].str.strip().map(T19_CATEGORIES))
    if frame["category"].isna().any():
        bad = frame[frame["category"].isna()].iloc[0]
        raise InputFileError(path, f"unknown T19 category {bad['variable_label']!r}", int(bad["source_row"]))
    lad21 = pd.read_csv(resolve(entries["lad21_reference"]["path"]), dtype=str, keep_default_na=False)
    aliases = pd.read_csv(resolve("data/reference/nomis_geography_aliases.csv"), dtype=str, keep_default_na=False)
    frame = resolve_nomis_names(frame, lad21, aliases, path, keep_types={"ladu", "country", "User Defined Geography"})
    out = frame.rename(columns={"value": "count", "value_mark": "count_mark"})[
        ["geography_code", "geography_name", "period", "category", "count", "count_mark", "ci_halfwidth", "ci_mark", "source_row"]
    ]
    order = {c: i for i, c in enumerate(T19_CATEGORIES.values())}
    out = out.assign(_o=out["category"].map(order)).sort_values(["period", "geography_code", "_o"]).drop(columns="_o")
    return out.reset_index(drop=True)


def _ons_subset(entries: dict[str, dict], dataset_id: str) -> pd.DataFrame:
    """An ONS indicator file cut to the geographies the book can compare (LADs, regions, CAs, nations)."""
    frame = load_ons_indicator(_source(entries[dataset_id]))
    frame = frame[frame["geography_code"].str.startswith(ONS_KEEP_PREFIXES)]
    cols = ["geography_code", "geography_name", "period", "value", "ci_lower", "ci_upper", "status", "source_row"]
    return frame[cols].sort_values(["geography_code", "period"]).reset_index(drop=True)


DERIVATIONS: dict[str, Callable[[dict[str, dict]], pd.DataFrame]] = {
    "lad21_reference": derive_lad21,
    "aps_t19_qualifications": derive_aps_t19,
    "ons_l3plus_nvq": lambda e: _ons_subset(e, "ons_l3plus_nvq"),
    "ons_l3plus_rqf": lambda e: _ons_subset(e, "ons_l3plus_rqf"),
    "ons_none_rqf": lambda e: _ons_subset(e, "ons_none_rqf"),
}


def snapshot(dataset_ids: list[str] | None = None, write: bool = True) -> dict[str, pd.DataFrame]:
    """Re-derive datasets (all by default) from the official files; with `write`, save them and their checksums."""
    entries = load_manifest()
    ids = dataset_ids or list(DERIVATIONS)
    frames: dict[str, pd.DataFrame] = {}
    for dataset_id in ids:
        frame = DERIVATIONS[dataset_id](entries)
        frames[dataset_id] = frame
        if write:
            target = resolve(entries[dataset_id]["path"])
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            frame.to_csv(tmp, index=False, lineterminator="\n")
            tmp.replace(target)
            entries[dataset_id]["sha256"] = sha256_file(target)
            entries[dataset_id]["rows"] = len(frame)
    if write:
        save_manifest(entries)
    return frames

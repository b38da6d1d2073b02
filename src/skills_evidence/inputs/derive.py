"""Derive the small tidy files the book ships in `data/` from the official files as published.

The official downloads (in ../shared/real-data, see its PROVENANCE.md) stay outside the repository;
this module reads them through the loaders, keeps the rows and columns the book needs, and writes
them with their checksums into the sidecar of each dataset's newest version. Re-running it on the same
files gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from skills_evidence.inputs.loaders.dfe_ees import load_ees
from skills_evidence.inputs.loaders.dfe_neighbours import load_statistical_neighbours
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.geography import (
    load_area_parents,
    load_lad_2011_to_2021,
    load_lad_to_combined_authority,
    resolve_nomis_names,
)
from skills_evidence.inputs.loaders.nomis_query import load_nomis_query
from skills_evidence.inputs.loaders.ons_indicators import load_ons_indicator
from skills_evidence.inputs.snapshots import newest, sha256_file, update_fields
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
#: Geography types the ONS indicator snapshots keep (LADs and everything a comparator can be); a sidecar that
#: declares `counties: true` keeps counties (E10) too, as every version from November 2026 does. Versions made
#: before then do not declare it, so they re-derive to the bytes published editions read.
ONS_KEEP_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "E12", "E47", "E92", "K02", "K03", "W92", "S92")
COUNTIES = "E10"


def _source(entry: dict) -> Path:
    """The official file a snapshot was derived from, checked against its recorded sha256."""
    path = Path(entry["source"]["file"])
    if not path.is_absolute():
        path = shared_dir() / entry["source"].get("folder", "real-data") / path
    if not path.exists():
        raise FileNotFoundError(f"{path}: source file for this dataset is not present (is ../shared there?)")
    expected = entry["source"].get("file_sha256")
    if expected and sha256_file(path) != expected:
        name = entry.get("dataset", "DATASET")
        raise InputFileError(
            path,
            f"sha256 differs from the sidecar's {expected[:12]}…: this is not the file the snapshot was made from. "
            f"If it is a new release, add it as the next version: skills-evidence snapshot {name} --from {path}",
        )
    return path


def derive_lad21(entries: dict[str, dict]) -> pd.DataFrame:
    """LAD 2021 codes and names for Great Britain, with region, country and combined authority."""
    src = entries["lad21_reference"]["sources"]
    ew = load_lad_2011_to_2021(_source({"source": src["lad11_to_lad21"]}))
    lads = (
        ew[["lad21_code", "lad21_name"]]
        .drop_duplicates()
        .rename(columns={"lad21_code": "lad_code", "lad21_name": "lad_name"})
    )
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
        [
            "geography_code",
            "geography_name",
            "period",
            "category",
            "count",
            "count_mark",
            "ci_halfwidth",
            "ci_mark",
            "source_row",
        ]
    ]
    order = {c: i for i, c in enumerate(T19_CATEGORIES.values())}
    out = out.assign(_o=out["category"].map(order)).sort_values(["period", "geography_code", "_o"]).drop(columns="_o")
    return out.reset_index(drop=True)


def ons_els(path: Path, spec: dict) -> pd.DataFrame:
    """An ONS indicator file (any layout declared in data/layouts.yaml) cut to the geographies the book can
    compare (LADs, regions, CAs, nations; counties with `counties: true`), as a sidecar's `derive:` declares it;
    `unreliable_from_notes: true` marks [u] the estimates ONS's notes call unreliable;
    `period: year` keeps a period's year alone (ASHE dates each figure by its survey day); `indicator:`
    keeps one indicator of a file that holds several."""
    frame = load_ons_indicator(path)
    if spec.get("indicator"):  # a file holding several indicators (employment and inactivity): keep the one named
        frame = frame[frame["indicator"] == spec["indicator"]]
        if frame.empty:
            raise InputFileError(path, f"has no rows for indicator {spec['indicator']!r}", column="indicator")
    if spec.get("unreliable_from_notes"):
        # ONS prints some survey estimates but says in its notes that they are unreliable (sample of 3-9):
        # they keep their figure and carry the Analysis Function's [u].
        unreliable = frame["note"].str.contains("unreliable", case=False) & (frame["status"] == "")
        frame = frame.assign(status=frame["status"].where(~unreliable, "u"))
    keep = ONS_KEEP_PREFIXES + ((COUNTIES,) if spec.get("counties") else ())
    frame = frame[frame["geography_code"].str.startswith(keep)]
    cols = ["geography_code", "geography_name", "period", "value", "ci_lower", "ci_upper", "status", "source_row"]
    out = frame[cols].copy()
    if spec.get("period") == "year":
        out["period"] = out["period"].str[:4]
    out = out.sort_values(["geography_code", "period"]).reset_index(drop=True)
    out.attrs["layout"] = frame.attrs.get("layout", "")
    return out


#: Derivations a sidecar can declare (`derive: {from: NAME, …}`): a measure from a tidy official file is
#: added by writing its sidecar and catalogue entry, not a function.
DECLARED: dict[str, Callable[[Path, dict], pd.DataFrame]] = {"ons_els": ons_els}


def derive_declared(entry: dict, source: Path | None = None) -> pd.DataFrame:
    """A dataset derived as its sidecar declares, from `source` (default: the file its sidecar names)."""
    spec = entry["derive"]
    if spec.get("from") not in DECLARED:
        raise KeyError(f"{entry['dataset']}: derive from {spec.get('from')!r} is not one of {', '.join(DECLARED)}")
    return DECLARED[spec["from"]](source or _source(entry), spec)


def derive_dfe_la_codes(entries: dict[str, dict]) -> pd.DataFrame:
    """DfE 3-digit LA numbers with their GSS codes and names, read from an EES local authority file."""
    path = _source(entries["dfe_la_codes"])
    frame = load_ees(path, ["t_pupils"])
    frame = frame[frame["geographic_level"] == "Local authority"]
    codes = frame[["old_la_code", "geography_code", "geography_name"]].drop_duplicates()
    codes.columns = ["la_number", "la_code", "la_name"]
    if codes["la_number"].duplicated().any():
        raise InputFileError(
            path, f"LA number {codes[codes['la_number'].duplicated()].iloc[0]['la_number']} has two GSS codes"
        )
    return codes.sort_values("la_number").reset_index(drop=True)


def derive_comparator_groups(entries: dict[str, dict]) -> pd.DataFrame:
    """Comparator groups as rows: England, Great Britain, the West Midlands region, the West Midlands
    Combined Authority and its members, and Coventry's DfE statistical neighbours (2021 and 2025 sets)."""
    lad21 = pd.read_csv(resolve(entries["lad21_reference"]["path"]), dtype=str, keep_default_na=False)
    la_codes = pd.read_csv(resolve(entries["dfe_la_codes"]["path"]), dtype=str, keep_default_na=False)
    rows = [
        ("england", "England", "E92000001", "England", 0, "ONS"),
        ("great_britain", "Great Britain", "K03000001", "Great Britain", 0, "ONS"),
        ("west_midlands_region", "West Midlands region", "E12000005", "West Midlands", 0, "ONS"),
        ("wmca", "West Midlands Combined Authority", "E47000007", "West Midlands Combined Authority", 0, "ONS"),
    ]
    members = lad21[lad21["ca_code"] == "E47000007"].sort_values("lad_code")
    rows += [
        ("wmca_members", "West Midlands Combined Authority members", c, n, 0, "ONS LAD to CA (May 2024)")
        for c, n in zip(members["lad_code"], members["lad_name"])
    ]
    by_number = dict(zip(la_codes["la_number"], zip(la_codes["la_code"], la_codes["la_name"])))
    for group, dataset_id in (("dfe_sn_2021", "dfe_neighbours_2021"), ("dfe_sn_2025", "dfe_neighbours_2025")):
        path = _source({"source": entries["comparator_groups"]["sources"][dataset_id]})
        sn = load_statistical_neighbours(path)
        coventry = sn[(sn["la_number"] == "331") & (sn["status"] == "")].sort_values("rank")
        for number, rank in zip(coventry["neighbour_la_number"], coventry["rank"]):
            if number not in by_number:
                raise InputFileError(path, f"neighbour LA {number} has no GSS code in data/reference/dfe_la_codes.csv")
            code, name = by_number[number]
            rows.append(
                (
                    group,
                    f"Coventry's DfE statistical neighbours ({group[-4:]} set)",
                    code,
                    name,
                    int(rank),
                    f"DfE statistical neighbours, {entries['comparator_groups']['sources'][dataset_id]['title']}",
                )
            )
    return pd.DataFrame(rows, columns=["group_id", "group_name", "geography_code", "geography_name", "rank", "source"])


def derive_statistical_neighbours(entries: dict[str, dict]) -> pd.DataFrame:
    """Every upper-tier English authority's ten DfE statistical neighbours, in both sets (April 2021 and
    May 2025), by GSS code: what any area's book needs for its neighbour average. An authority DfE lists
    without neighbours (a new one) has none here, nor one without a current GSS code."""
    entry = entries["dfe_statistical_neighbours"]
    la_codes = pd.read_csv(resolve(entries["dfe_la_codes"]["path"]), dtype=str, keep_default_na=False)
    by_number = dict(zip(la_codes["la_number"], zip(la_codes["la_code"], la_codes["la_name"])))
    rows = []
    for set_id, source_id in (("dfe_sn_2021", "dfe_neighbours_2021"), ("dfe_sn_2025", "dfe_neighbours_2025")):
        path = _source({"source": entry["sources"][source_id]})
        sn = load_statistical_neighbours(path)
        for r in sn[sn["status"] == ""].itertuples():
            # dfe_la_codes holds today's 150 authorities: City of London and authorities since merged (DfE
            # numbers without a current GSS code) are left out, so a set naming one has nine members here.
            if r.la_number not in by_number or r.neighbour_la_number not in by_number:
                continue
            code, name = by_number[r.la_number]
            neighbour, neighbour_name = by_number[r.neighbour_la_number]
            rows.append((set_id, code, name, int(r.rank), neighbour, neighbour_name))
    frame = pd.DataFrame(rows, columns=["set_id", "la_code", "la_name", "rank", "neighbour_code", "neighbour_name"])
    return frame.sort_values(["set_id", "la_code", "rank"], ignore_index=True)


#: KS4 breakdowns the attainment chapter reports, and the EES filter column that names each group.
KS4_BREAKDOWNS = {
    "Ethnic major": "ethnic_major",
    "disadvantage": "disadvantage",
    "SEN status": "sen_status",
    "Free school meals": "free_school_meals",
}


def derive_ks4_groups(entries: dict[str, dict]) -> pd.DataFrame:
    """KS4 Attainment 8 by pupil group (all pupils, ethnicity, disadvantage, SEN, FSM), both sexes,
    for local authorities, regions and England, with the unrounded average kept for gaps."""
    path = _source(entries["dfe_ks4_groups"])
    frame = load_ees(path, ["t_pupils", "avg_att8", "avg_att8_unrounded"])
    frame = frame[(frame["gender"] == "Total") & ~frame["geography_name"].isin(["Inner London", "Outer London"])]
    wide = frame.pivot_table(
        index=[
            "period",
            "geographic_level",
            "geography_code",
            "geography_name",
            "breakdown",
            "ethnic_major",
            "disadvantage",
            "sen_status",
            "sen_description",
            "free_school_meals",
            "first_language",
            "source_row",
        ],
        columns="indicator",
        values="value",
        aggfunc="first",
    ).reset_index()
    wide.columns.name = None
    filters = ["ethnic_major", "disadvantage", "sen_status", "sen_description", "free_school_meals", "first_language"]
    total = (wide["breakdown"] == "Total") & (wide[filters] == "Total").all(axis=1)
    rows = [wide[total].assign(breakdown="All pupils", group="All pupils")]
    for breakdown, column in KS4_BREAKDOWNS.items():
        part = wide[wide["breakdown"] == breakdown]
        rows.append(part.assign(group=part[column]))
    out = pd.concat(rows, ignore_index=True)
    cols = [
        "period",
        "geographic_level",
        "geography_code",
        "geography_name",
        "breakdown",
        "group",
        "t_pupils",
        "avg_att8",
        "avg_att8_unrounded",
        "source_row",
    ]
    return out[cols].sort_values(["geography_code", "breakdown", "group"]).reset_index(drop=True)


def derive_published_ks2(entries: dict[str, dict]) -> pd.DataFrame:
    """The council's published KS2 reading, writing and maths series (One Coventry Plan report), as printed."""
    entry = entries["ocp_ks2_published"]
    path = _source(entry)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["indicator"] == entry["source"]["indicator"]]
    frame = frame.assign(value=pd.to_numeric(frame["value"], errors="coerce"))
    frame["status"] = frame["value"].isna().map({True: "z", False: ""})
    return frame[["geography", "period", "value", "status", "source_url"]].reset_index(drop=True)


def derive_printed_appendix_b(entries: dict[str, dict]) -> pd.DataFrame:
    """Appendix B's Tables 1 and 2 cell by cell, exactly as printed (text: signs, units and slips kept)."""
    frame = pd.read_csv(_source(entries["printed_appendix_b"]), dtype=str, keep_default_na=False)
    frame.insert(0, "row", range(1, len(frame) + 1))
    return frame.drop(columns=["source_url"])


def derive_retention_baseline(entries: dict[str, dict]) -> pd.DataFrame:
    """Centre for Cities' published graduate retention figures for Coventry (2014/15 graduates), as printed."""
    entry = entries["cfc_graduate_retention"]
    frame = pd.read_csv(_source(entry), dtype=str, keep_default_na=False)
    frame = frame[frame["section"] == entry["source"]["section"]]
    wanted = {"rate": "Graduate retention rate", "rank": "Graduate retention rank"}
    rows = []
    for key, prefix in wanted.items():
        match = frame[frame["indicator"].str.startswith(prefix)]
        if match.empty:
            raise InputFileError(_source(entry), f"no row for {prefix!r} in section {entry['source']['section']!r}")
        r = match.iloc[0]
        rows.append(
            {
                "indicator": key,
                "value": r["value"],
                "period": r["period"],
                "geography": r["geography"],
                "source_url": r["source_url"],
            }
        )
    return pd.DataFrame(rows)


def derive_survey_margins(entries: dict[str, dict]) -> pd.DataFrame:
    """Coventry population margins the council's Skills Survey report printed, as raking targets.

    Gender is rescaled to sum to 100 (the report's 49.5% and 50.1% sum to 99.6); the 50+ age share is
    the remainder after the printed 16-24 and 25-49 shares.
    """
    entry = entries["survey_population_margins"]
    path = _source(entry)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[
        (frame["section"] == entry["source"]["section"])
        & frame["geography"].isin(["Coventry population", "Coventry residents"])
    ]

    def printed(prefix: str) -> float:
        match = frame[frame["indicator"].str.startswith(prefix)]
        if match.empty:
            raise InputFileError(path, f"no population figure for {prefix!r}")
        return float(match["value"].iloc[0].rstrip("%"))

    male, female = printed("Male share"), printed("Female share")
    young, mid = printed("Age 16-24 share"), printed("Age 25-49 share")
    disabled, white_british = printed("Identify as having a disability"), printed("White British")
    rows = [
        ("age_band", "16-24", young),
        ("age_band", "25-49", mid),
        ("age_band", "50+", 100 - young - mid),
        ("gender", "Male", 100 * male / (male + female)),
        ("gender", "Female", 100 * female / (male + female)),
        ("disability", "Yes", disabled),
        ("disability", "No", 100 - disabled),
        ("white_british", "Yes", white_british),
        ("white_british", "No", 100 - white_british),
    ]
    return pd.DataFrame(rows, columns=["dimension", "category", "share"]).assign(
        source="Coventry City Council, Coventry Skills Survey report (population comparison figures)"
    )


#: The kind and tier of an English authority by its code's prefix: districts are the lower tier, counties the
#: upper, and unitaries, metropolitan districts and London boroughs are both.
AUTHORITY_KINDS = {
    "E06": ("unitary authority", "both"),
    "E07": ("non-metropolitan district", "lower"),
    "E08": ("metropolitan district", "both"),
    "E09": ("London borough", "both"),
    "E10": ("county", "upper"),
}


def _read_ons_app(entries: dict[str, dict], dataset: str, source: str) -> pd.DataFrame:
    """One of ONS's Explore Local Statistics app files a reference dataset is derived from, checked."""
    path = _source({"source": entries[dataset]["sources"][source]})
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def derive_english_authorities(entries: dict[str, dict]) -> pd.DataFrame:
    """Every current English local authority (the districts and unitaries of April 2023 and the counties), as
    ONS's similar-areas model lists them, with its name, kind, tier and region: the areas a book can be built
    for and the set ranks are taken over."""
    dataset = "english_authorities"
    listed = _read_ons_app(entries, dataset, "global_neighbours")["AREACD"]
    listed = listed[listed.str[:3].isin(AUTHORITY_KINDS)]
    names = dict(zip(*_read_ons_app(entries, dataset, "cluster_allocation")[["AREACD", "AREANM"]].T.values))
    els = _read_ons_app(entries, dataset, "names")
    names |= {c: n for c, n in zip(els["areacd"], els["areanm"]) if c.startswith("E10")}
    parents = _read_ons_app(entries, dataset, "parents").set_index("areacd")
    missing = sorted(set(listed) - set(names) | set(listed) - set(parents.index))
    if missing:
        raise InputFileError(
            entries[dataset]["sources"]["global_neighbours"]["file"], f"no name or region for {missing[0]}"
        )
    out = pd.DataFrame({"area_code": listed.values})
    out["area_name"] = out["area_code"].map(names)
    out["kind"] = out["area_code"].str[:3].map(lambda p: AUTHORITY_KINDS[p][0])
    out["tier"] = out["area_code"].str[:3].map(lambda p: AUTHORITY_KINDS[p][1])
    out["region_code"] = out["area_code"].map(parents["parentcd"])
    out["region_name"] = out["area_code"].map(parents["parentnm"])
    return out.sort_values("area_code").reset_index(drop=True)


#: The hex cartograms a map can be drawn on: Open Innovations' current districts and unitaries, and the upper
#: tier (counties with unitaries). A measure published for districts is mapped on the first, else the second.
HEX_LAYOUTS = {"districts": "districts_2023", "upper": "upper_tier"}


def derive_hex_cartogram(entries: dict[str, dict]) -> pd.DataFrame:
    """Every English authority's hexagon (offset column q, row r) on each of Open Innovations' HexJSON
    cartograms, one row per authority and layout: the maps of where an area sits draw from this table."""
    dataset = "hex_cartogram"
    frames = []
    for layout, source in HEX_LAYOUTS.items():
        path = _source({"source": entries[dataset]["sources"][source]})
        hexjson = json.loads(path.read_text(encoding="utf-8"))
        if hexjson.get("layout") != "odd-r":  # the map's geometry (chapters.maps) assumes odd rows shifted right
            raise InputFileError(path, f"layout is {hexjson.get('layout')!r}; the maps read odd-r HexJSON only")
        rows = [
            {"layout": layout, "area_code": code, "area_name": h["n"], "q": int(h["q"]), "r": int(h["r"])}
            for code, h in hexjson["hexes"].items()
            if code[:3] in AUTHORITY_KINDS
        ]
        frames.append(pd.DataFrame(rows))
    return pd.concat(frames, ignore_index=True).sort_values(["layout", "area_code"], ignore_index=True)


def derive_similar_areas(entries: dict[str, dict]) -> pd.DataFrame:
    """ONS's similar areas for every authority: its 20 nearest on the global, economic and demographic
    models of the Explore Local Statistics app, in order (ONS's alternative to CIPFA's neighbours)."""
    frames = []
    for model in ("global", "economic", "demographic"):
        table = _read_ons_app(entries, "ons_similar_areas", f"{model}_neighbours")
        long = table.melt(id_vars="AREACD", var_name="rank", value_name="neighbour_code")
        frames.append(long.assign(model=model).rename(columns={"AREACD": "area_code"}))
    out = pd.concat(frames, ignore_index=True)
    out = out[out["neighbour_code"] != ""].astype({"rank": int})
    return (
        out[["area_code", "model", "rank", "neighbour_code"]]
        .sort_values(["area_code", "model", "rank"])
        .reset_index(drop=True)
    )


DERIVATIONS: dict[str, Callable[[dict[str, dict]], pd.DataFrame]] = {
    "lad21_reference": derive_lad21,
    "aps_t19_qualifications": derive_aps_t19,
    "dfe_la_codes": derive_dfe_la_codes,
    "dfe_ks4_groups": derive_ks4_groups,
    "ocp_ks2_published": derive_published_ks2,
    "printed_appendix_b": derive_printed_appendix_b,
    "cfc_graduate_retention": derive_retention_baseline,
    "survey_population_margins": derive_survey_margins,
    "comparator_groups": derive_comparator_groups,
    "dfe_statistical_neighbours": derive_statistical_neighbours,
    "english_authorities": derive_english_authorities,
    "ons_similar_areas": derive_similar_areas,
    "hex_cartogram": derive_hex_cartogram,
}


def derivable(entries: dict[str, dict]) -> list[str]:
    """Every dataset `snapshot` can re-derive: by a declaration in its sidecar, or a derivation above."""
    return sorted({name for name, entry in entries.items() if "derive" in entry} | set(DERIVATIONS))


class FrozenVersionError(ValueError):
    """Re-deriving would change the bytes of a version a published edition reads."""


def snapshot(
    dataset_ids: list[str] | None = None, write: bool = True, frozen: dict[str, int] | None = None
) -> dict[str, pd.DataFrame]:
    """Re-derive datasets (all by default) from the official files; with `write`, save those whose bytes
    changed and their checksums. A dataset whose bytes are unchanged, and every other sidecar, is left
    exactly as it is (comments included), so re-running on the same sources changes no file. A version
    in `frozen` (name@version → the published edition that reads it) is never rewritten: a change of
    derivation becomes the dataset's next version instead (`snapshot DATASET --from FILE`)."""
    entries = newest()
    known = derivable(entries)
    ids = dataset_ids or known
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise KeyError(
            f"no derivation for {', '.join(unknown)}: declare one in its sidecar (derive: from: ons_els) or, "
            f"for a new release of a dataset held, use --from FILE; known: {', '.join(known)}"
        )
    frames: dict[str, pd.DataFrame] = {}
    for dataset_id in ids:  # derive everything first, so a failure writes nothing
        entry = entries[dataset_id]
        frames[dataset_id] = derive_declared(entry) if "derive" in entry else DERIVATIONS[dataset_id](entries)
    if write:
        changed = {}
        for dataset_id, frame in frames.items():
            text = frame.to_csv(index=False, lineterminator="\n")
            target = resolve(entries[dataset_id]["path"])
            if not (target.exists() and target.read_text(encoding="utf-8") == text):
                changed[dataset_id] = (text, target)
        pinned = {d: (frozen or {}).get(f"{d}@{entries[d]['version']}") for d in changed}
        refused = [f"{d}@{entries[d]['version']} (published in the {y} edition)" for d, y in pinned.items() if y]
        if refused:
            raise FrozenVersionError(
                f"re-deriving would change {', '.join(refused)}, which a published edition reads and must never "
                f"change; add the new derivation as the next version: skills-evidence snapshot DATASET --from FILE"
            )
        for dataset_id, (text, target) in changed.items():
            frame = frames[dataset_id]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
            update_fields(entries[dataset_id], sha256=sha256_file(target), rows=len(frame))
    return frames

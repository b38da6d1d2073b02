"""An edition's `indicators.csv` as a dataset people download, on the model of ONS Explore Local
Statistics' indicator files: every chapter's indicators in one tidy table, with the basis and the
synthetic flag as columns of their own, status marks with their legend, and a CSV on the Web (CSVW)
description of every column, `indicators.csv-metadata.json`, published beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from skills_evidence import csvfiles
from skills_evidence.inputs import snapshots
from skills_evidence.statistics import indicators

METADATA_SUFFIX = "-metadata.json"  # CSVW's convention: <file>-metadata.json is found from <file>
STATUS_LEGEND = (
    "Government Analysis Function shorthand: empty, a published figure; c, confidential (withheld to "
    "protect individuals, with its count); x, not available; z, not applicable; u, low reliability; b, "
    "break in series."
)
#: Every column: (CSVW datatype, description). The order is the file's.
COLUMNS: dict[str, tuple[object, str]] = {
    "indicator_id": (
        "string",
        "The indicator, as defined (label, unit, polarity, definition, source) in the book's catalogue, data/indicators.yaml.",
    ),
    "breakdown": (
        "string",
        "The group the figure is for, as key:value pairs joined by ';' (ethnicity:asian, framework:RQF); "
        "empty for the whole population.",
    ),
    "geography_code": (
        {"base": "string", "format": "[EKNSW]\\d{8}|[a-z][a-z0-9_]*"},
        "GSS code of the place; for the statistical neighbours' average, DfE's set (dfe_sn_2021, dfe_sn_2025): "
        "the area's neighbours are the rows of the book's data/reference/dfe_statistical_neighbours.csv with that "
        "set_id and the area's code as la_code.",
    ),
    "geography_name": ("string", "Name of the place, or of the group whose average the figure is."),
    "period": ("string", "Calendar year (2021), academic year (2018/19) or survey wave the figure is for."),
    "value": ("decimal", "The figure, in the unit given; empty when missing (see status)."),
    "ci_lower": (
        "decimal",
        "Lower bound of the 95% confidence interval; empty where the figure has none (counts, administrative totals).",
    ),
    "ci_upper": ("decimal", "Upper bound of the 95% confidence interval; empty where the figure has none."),
    "numerator": (
        "decimal",
        "Count the figure is computed from (people, pupils, respondents), where the book computes it.",
    ),
    "denominator": ("decimal", "Population or base the numerator is divided by, where the book computes the figure."),
    "unit": ("string", "Unit of value and interval: % (per cent), points, £ (pounds per week)."),
    "polarity": (
        {"base": "integer", "minimum": -1, "maximum": 1},
        "Which direction is better: 1 higher is better, -1 lower is better, 0 neither.",
    ),
    "source_id": (
        "string",
        "The dataset the figure comes from (its provenance, licence and checksum are in the book's data/**/*.meta.yaml sidecars).",
    ),
    "vintage": ("string", "The release of the source dataset the edition uses."),
    "status": ({"base": "string", "format": "|c|x|z|u|b"}, STATUS_LEGEND),
    "note": ("string", "What the reader needs to know about this figure, in words."),
    "basis": (
        {"base": "string", "format": "|NVQ|RQF"},
        "Qualification framework of the figure (NVQ to 2021, RQF from 2022): figures on different bases are "
        "a break in series and are not compared; empty where it does not apply.",
    ),
    "synthetic": (
        {"base": "boolean", "format": "true|false"},
        "true for figures computed from a synthetic stand-in for confidential or licensed data: illustrative only, not evidence.",
    ),
}


def basis(breakdown: pd.Series) -> pd.Series:
    """The framework part of each breakdown (`framework:RQF` → RQF), empty where there is none."""
    return breakdown.fillna("").str.extract(r"(?:^|;)framework:([^;]+)", expand=False).fillna("")


def synthetic_sources(data: dict[str, str]) -> set[str]:
    """The datasets (of an edition's `name: version` pins) whose sidecar marks them as synthetic stand-ins."""
    held = snapshots.load_sidecars()
    return {
        name
        for name, version in data.items()
        if snapshots.dataset(snapshots.ref(name, version), held).entry.get("synthetic")
    }


def synthetic(frame: pd.DataFrame, sources: set[str]) -> pd.Series:
    """Whether each row comes from a synthetic stand-in: its source dataset's sidecar says so."""
    return frame["source_id"].isin(sources)


def publish(frame: pd.DataFrame, path: str | Path, title: str, synthetic_from: set[str]) -> Path:
    """Write the edition's indicator table with its basis and synthetic columns (rows whose source is in
    `synthetic_from`), numbers by the one rounding rule, and its CSVW description beside it; each file is
    written whole or not at all."""
    path = Path(path)
    out = indicators.tidy(frame)
    out["basis"] = basis(out["breakdown"])
    out["synthetic"] = synthetic(out, synthetic_from).map({True: "true", False: "false"})
    partial = path.with_name(f".{path.name}.partial")
    csvfiles.write(out[list(COLUMNS)], partial)
    meta = path.with_name(path.name + METADATA_SUFFIX)
    meta_partial = meta.with_name(f".{meta.name}.partial")
    meta_partial.write_text(
        json.dumps(metadata(path.name, title), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    partial.replace(path)
    meta_partial.replace(meta)
    return path


def metadata(file_name: str, title: str) -> dict:
    """The CSVW table description of the file: its columns, their types and meanings, the key, the rules."""
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": file_name,
        "dc:title": title,
        "dc:description": (
            "Every indicator the edition's chapters compute, one row per indicator, breakdown, place and "
            f"period. {csvfiles.ROUNDING_RULE} Status marks: {STATUS_LEGEND}"
        ),
        "dc:license": {"@id": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\n"]},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": name,
                    "datatype": datatype,
                    "dc:description": description,
                    **(
                        {"required": True}
                        if name in ("indicator_id", "geography_code", "period", "unit", "polarity")
                        else {}
                    ),
                }
                for name, (datatype, description) in COLUMNS.items()
            ],
        },
    }

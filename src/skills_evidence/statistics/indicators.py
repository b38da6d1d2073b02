"""The long indicator table every chapter writes (Fingertips / ONS Explore Local Statistics shape)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from skills_evidence import csvfiles
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.inputs.snapshots import SAFE_LOADER
from skills_evidence.paths import resolve

COLUMNS = [
    "indicator_id",
    "breakdown",
    "geography_code",
    "geography_name",
    "period",
    "value",
    "ci_lower",
    "ci_upper",
    "numerator",
    "denominator",
    "unit",
    "polarity",
    "source_id",
    "vintage",
    "status",
    "note",
]

NUMERIC = ["value", "ci_lower", "ci_upper", "numerator", "denominator"]

#: AF shorthand marks allowed in `status`: blank, [c] confidential, [x] not available,
#: [z] not applicable, [u] low reliability, [b] break in series.
STATUS = ["", "c", "x", "z", "u", "b"]

#: A place's GSS code, or a comparator group's id (data/reference/dfe_statistical_neighbours.csv) for the group's average.
GEOGRAPHY = r"^(?:[EKNSW]\d{8}|[a-z][a-z0-9_]*)$"

SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "breakdown": pa.Column(str),
        "geography_code": pa.Column(str, pa.Check.str_matches(GEOGRAPHY)),
        "period": pa.Column(str),
        "value": pa.Column(float, nullable=True),
        "ci_lower": pa.Column(float, nullable=True),
        "ci_upper": pa.Column(float, nullable=True),
        "polarity": pa.Column(int, pa.Check.isin([-1, 0, 1])),
        "status": pa.Column(str, pa.Check.isin(STATUS)),
        "source_id": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    checks=[
        pa.Check(
            lambda d: (d["value"].isna() | d["ci_lower"].isna() | (d["ci_lower"] <= d["value"] + 1e-9)).all(),
            error="ci_lower above value",
        ),
        pa.Check(
            lambda d: (d["value"].notna() | (d["status"] != "")).all(), error="a missing value must carry a status mark"
        ),
    ],
    unique=["indicator_id", "breakdown", "geography_code", "period"],
)


CATALOGUE = Path("data/indicators.yaml")


class CatalogueError(ValueError):
    """An indicator a chapter emits is missing from, or disagrees with, data/indicators.yaml."""


REQUIRED_KEYS = ("indicators", "priorities", "baseline_edition", "statistical_neighbours")


@functools.cache
def _catalogue_file(path: Path) -> dict:
    try:
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from None
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot be read ({exc.strerror})") from None
    missing = [key for key in REQUIRED_KEYS if not isinstance(spec, dict) or key not in spec]
    if missing:
        raise CatalogueError(f"{path} lacks {', '.join(missing)}")
    return spec


def check_catalogue() -> None:
    """Read data/indicators.yaml once before any notebook runs, so a fault is named once, with its file."""
    _catalogue_file(resolve(CATALOGUE))


def catalogue() -> dict[str, dict]:
    """Indicators by id (`data/indicators.yaml`): label, short label, unit, polarity, definition, source, priorities."""
    return _catalogue_file(resolve(CATALOGUE))["indicators"]


def priorities() -> dict[int, str]:
    """The strategy's eight priorities by number, as the catalogue names them."""
    return _catalogue_file(resolve(CATALOGUE))["priorities"]


def strategy_for(area_code: str) -> dict | None:
    """The strategy an area's monitoring page reports (name, priorities by number, and which measures serve
    each), or None when the area has declared none: its measures are then grouped by theme."""
    spec = _catalogue_file(resolve(CATALOGUE))
    own = (spec.get("strategies") or {}).get(area_code)
    if own:
        priorities = {int(n): p["title"] for n, p in own["priorities"].items()}
        serving = {int(n): list(p.get("measures") or []) for n, p in own["priorities"].items()}
        return {"name": own["name"], "priorities": priorities, "serving": serving, "targets": own.get("targets", {})}
    home = spec.get("strategy") or {}
    if home.get("area_code") != area_code:
        return None
    priorities = {int(n): t for n, t in spec["priorities"].items()}
    serving = {n: [i for i, item in monitored().items() if n in item["priorities"]] for n in priorities}
    return {"name": home["name"], "priorities": priorities, "serving": serving, "targets": {}}


def themes() -> dict[str, str]:
    """The themes measures are grouped by in a book whose area has no strategy of its own, in order."""
    return dict(_catalogue_file(resolve(CATALOGUE)).get("themes") or {})


def awaiting_data() -> dict[str, dict]:
    """Measures the strategy names with no open data in this project yet: label, priorities, owner, source."""
    return _catalogue_file(resolve(CATALOGUE)).get("awaiting_data", {})


def baseline_edition() -> int:
    """The edition whose periods are the monitoring report's baselines: the strategy's first."""
    return int(_catalogue_file(resolve(CATALOGUE))["baseline_edition"])


def neighbour_sets() -> dict[str, str]:
    """DfE's statistical-neighbour sets by group id, each with the month (YYYY-MM) DfE published it."""
    return {str(k): str(v) for k, v in _catalogue_file(resolve(CATALOGUE))["statistical_neighbours"].items()}


def monitored() -> dict[str, dict]:
    """The monitoring report's measures (indicators with a `monitoring` block), in the order of the first
    priority each serves; a block without a baseline or a source is refused by name."""
    measures = {}
    for indicator_id, item in catalogue().items():
        block = item.get("monitoring")
        if block is None:
            continue
        if not block.get("baseline") or not block.get("sources"):
            raise CatalogueError(f"{indicator_id}: its monitoring block in {CATALOGUE} needs a baseline and sources")
        measures[indicator_id] = item
    return dict(sorted(measures.items(), key=lambda kv: min(kv[1]["priorities"])))


def source_datasets(indicator_ids: list[str]) -> list[str]:
    """The datasets the monitoring measures `indicator_ids` are read from, in order, each once."""
    measures = monitored()
    unknown = [i for i in indicator_ids if i not in measures]
    if unknown:
        raise CatalogueError(f"{', '.join(unknown)}: not a monitoring measure of {CATALOGUE}")
    sources = [s for i in indicator_ids for s in measures[i]["monitoring"]["sources"]]
    return list(dict.fromkeys(d for s in sources for d in (s["dataset"], s.get("scaled_by")) if d))


def home_area() -> str:
    """The area whose strategy the catalogue describes (the council whose own figures some sources are)."""
    return str((_catalogue_file(resolve(CATALOGUE)).get("strategy") or {}).get("area_code", ""))


def overlay_datasets() -> set[str]:
    """Datasets read only as `more_precise` overlays: the home council's own figures, which only its book uses."""
    sources = [s for item in monitored().values() for s in item["monitoring"]["sources"]]
    overlays = {s["dataset"] for s in sources if s["method"] == "more_precise"}
    return overlays - {s["dataset"] for s in sources if s["method"] != "more_precise"}


def entry(indicator_id: str) -> dict:
    """One indicator's catalogue entry; a clear error when the catalogue lacks it."""
    try:
        return catalogue()[indicator_id]
    except KeyError:
        raise CatalogueError(f"indicator {indicator_id!r} is not in {CATALOGUE}: add it there first") from None


def describe(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill `unit` and `polarity` from the catalogue; refuse unknown ids or values that disagree with it."""
    out = frame.copy()
    known = catalogue()
    unknown = sorted(set(out["indicator_id"]) - set(known))
    if unknown:
        raise CatalogueError(f"indicators not in {CATALOGUE}: {', '.join(unknown)}")
    for column in ("unit", "polarity"):
        expected = out["indicator_id"].map(lambda i, c=column: known[i][c])
        if column in out:
            given = out[column].where(out[column].notna() & (out[column].astype(str) != ""))
            clash = given.notna() & (given.astype(str) != expected.astype(str))
            if clash.any():
                row = out[clash].iloc[0]
                raise CatalogueError(
                    f"{row['indicator_id']}: {column} {row[column]!r} disagrees with {CATALOGUE} ({known[row['indicator_id']][column]!r})"
                )
        out[column] = expected
    return out


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Describe from the catalogue, order, fill and validate an indicator frame; rows sorted so the CSV is byte-stable."""
    out = describe(frame)
    for column in COLUMNS:
        if column not in out:
            out[column] = "" if column in ("breakdown", "status", "note", "vintage") else float("nan")
    out = out[COLUMNS]
    for column in NUMERIC:  # an all-blank column (a chapter with no intervals) reads back as text
        out[column] = pd.to_numeric(out[column].replace("", float("nan")), errors="raise").astype(float)
    for column in ("breakdown", "status", "note", "unit", "vintage", "source_id", "period"):
        out[column] = out[column].fillna("").astype(str)
    out["polarity"] = out["polarity"].astype(int)
    out = out.sort_values(["indicator_id", "breakdown", "geography_code", "period"]).reset_index(drop=True)
    return SCHEMA.validate(out)


def write(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a validated indicator table as CSV, numbers by the published-CSV rounding rule (csvfiles)."""
    return csvfiles.write(tidy(frame), path)


KEY = ["indicator_id", "breakdown", "geography_code", "period"]


def combine(paths: list[Path]) -> pd.DataFrame:
    """All chapters' indicator files as one table (the edition's `indicators.csv`). A figure two chapters
    both publish (the monitoring page quotes another chapter's) appears once, from the first file; if the
    two disagree the build stops, naming both files, rather than publish two values for one figure."""
    frames = [read_table(p).assign(_file=str(p)) for p in paths]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    every = pd.concat(frames, ignore_index=True)
    for column in ("breakdown", "period"):
        every[column] = every[column].fillna("").astype(str)
    repeated = every[every.duplicated(KEY, keep=False)]
    for key, rows in repeated.groupby(KEY, sort=False):
        values = pd.to_numeric(rows["value"], errors="coerce")
        agree = values.isna().all() or (values.notna().all() and values.max() - values.min() < 1e-6)
        if not agree:
            raise CatalogueError(
                f"{' / '.join(map(str, key))} is published as {', '.join(map(str, values))} by "
                f"{' and '.join(rows['_file'])}: one figure, two values"
            )
    return tidy(every.drop_duplicates(KEY, keep="first").drop(columns="_file"))

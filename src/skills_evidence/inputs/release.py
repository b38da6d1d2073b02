"""A new release of a dataset, in one command: `skills-evidence snapshot DATASET --from FILE`.

The file as downloaded is read in whichever of the publisher's declared layouts it has (inputs.layouts),
derived as the dataset's sidecar declares (`derive:`), checked against the dataset's schema, and only then
written as the next version with its sidecar (version, origin, retrieved, checksums, rows, vintage text
from the data's own periods, schema carried over). A release review says what the publisher changed
against the version before: periods added, figures of earlier periods revised (how many, and the
largest), areas added or dropped, and a change of layout. It is printed, and kept beside the snapshot
(`<file>.review.yaml`) for the "What changed" chapter.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from skills_evidence.inputs import snapshots, validation
from skills_evidence.inputs.derive import derive_declared
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.paths import project_root, shared_dir

REVIEW = ".review.yaml"
#: Two figures closer than this are the same figure (files carry binary float noise in the last places).
SAME = 1e-9


@dataclass
class Review:
    """What a release changed against the version before it."""

    dataset: str
    previous: str
    version: str
    layout_before: str
    layout_now: str
    rows: int
    new_periods: list[str] = field(default_factory=list)
    revised: int = 0
    largest_revision: dict = field(default_factory=dict)
    areas_added: list[str] = field(default_factory=list)
    areas_dropped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The review as a person reads it."""
        out = [f"Release review of {self.dataset}: {self.previous} → {self.version} ({self.rows} rows)"]
        out.append(f"  new periods: {', '.join(self.new_periods) or 'none'}")
        if self.revised:
            r = self.largest_revision
            out.append(
                f"  revised figures of earlier periods: {self.revised}; largest {r['geography_name']} "
                f"({r['geography_code']}) {r['period']}: {r['old']:g} → {r['new']:g}"
            )
        else:
            out.append("  revised figures of earlier periods: none")
        out.append(
            f"  areas added: {', '.join(self.areas_added) or 'none'}; dropped: {', '.join(self.areas_dropped) or 'none'}"
        )
        if self.layout_before != self.layout_now:
            out.append(f"  layout changed: {self.layout_before or 'not recorded'} → {self.layout_now}")
        else:
            out.append(f"  layout unchanged: {self.layout_now}")
        return out


def review(before: pd.DataFrame, after: pd.DataFrame, **names: str) -> Review:
    """Compare two versions of a geography × period dataset (value columns as numbers)."""
    keys = ["geography_code", "period"]
    both = before.merge(after, on=keys, suffixes=("_old", "_new"))
    changed = both[
        both["value_old"].notna() & both["value_new"].notna() & ((both["value_new"] - both["value_old"]).abs() > SAME)
    ]
    largest = {}
    if len(changed):
        top = changed.loc[(changed["value_new"] - changed["value_old"]).abs().idxmax()]
        largest = {
            "geography_code": str(top["geography_code"]),
            "geography_name": str(top["geography_name_new"]),
            "period": str(top["period"]),
            "old": float(top["value_old"]),
            "new": float(top["value_new"]),
        }
    periods_before, areas_before, areas_after = (
        set(before["period"]),
        set(before["geography_code"]),
        set(after["geography_code"]),
    )
    return Review(
        **names,
        rows=len(after),
        new_periods=sorted(set(after["period"]) - periods_before),
        revised=len(changed),
        largest_revision=largest,
        areas_added=sorted(areas_after - areas_before),
        areas_dropped=sorted(areas_before - areas_after),
    )


class ReleaseError(ValueError):
    """A release cannot be added as asked (unknown dataset, no declared derivation, version out of order)."""


def _origin(source: Path) -> str:
    """The source file as the sidecar records it: relative to ../shared when it lies there."""
    try:
        return source.resolve().relative_to(shared_dir().resolve() / "real-data").as_posix()
    except ValueError:
        return str(source)


def first_version(
    dataset: str,
    like: str,
    indicator: str | None,
    source: Path,
    entries: dict[str, dict],
    maximum: float | None = None,
) -> dict:
    """The sidecar a new dataset starts from: the derivation, schema and licence of a dataset `like` it
    (the same publisher's tidy layout), its own name and file, what it measures from the publisher's
    metadata beside the download, one indicator of the file when it holds several, and `maximum` as the
    largest figure its schema allows when that differs from the model's (a rate per 100,000, not a %)."""
    if not snapshots.versions(like, entries):
        raise ReleaseError(f"--like {like!r}: no such dataset is held to take the derivation and schema from")
    model = entries[snapshots.latest(like, entries)]
    if "derive" not in model:
        raise ReleaseError(f"--like {like!r}: its sidecar declares no derivation to follow")
    entry = {k: copy.deepcopy(model[k]) for k in ("licence", "schema", "derive") if k in model}
    entry["derive"].pop("indicator", None)
    if indicator:
        entry["derive"]["indicator"] = indicator
    if not _covers_like(model, entry, source, entries):
        # The model's coverage is of its own geography (districts); a file published for other areas
        # (upper-tier authorities, the 2023 districts) is checked on everything else.
        entry["schema"].pop("covers", None)
    if maximum is not None:
        for column in ("value", "ci_lower", "ci_upper"):
            if column in entry["schema"]["columns"]:
                entry["schema"]["columns"][column]["max"] = maximum
    entry.update(
        dataset=dataset,
        description=_described(source, indicator) or dataset,
        source={k: v for k, v in (model.get("source") or {}).items() if k == "publisher"},
        path=(Path(model["path"]).parent / f"{dataset.removeprefix('ons_')}.csv").as_posix(),
    )
    return entry


def _covers_like(model: dict, entry: dict, source: Path, entries: dict[str, dict]) -> bool:
    """Whether a new file covers every area the model's schema expects (its `covers:` check), so the new
    dataset can keep that check."""
    cover = (model.get("schema") or {}).get("covers")
    if not cover:
        return False
    frame = derive_declared({"dataset": entry.get("dataset", ""), "derive": entry["derive"]}, source)
    return validation.covered(cover, entries) <= set(frame[cover["column"]])


def _metadata(source: Path) -> dict:
    """ONS's metadata file beside a download (`name.json`, as Explore Local Statistics ships it), or {}
    when there is none or it is not JSON (the metadata informs the sidecar; it is never required)."""
    metadata = source.with_suffix(".json")
    try:
        spec = json.loads(metadata.read_text(encoding="utf-8")) if metadata.is_file() else {}
    except ValueError:
        return {}
    return spec if isinstance(spec, dict) else {}


def _described(source: Path, indicator: str | None) -> str:
    """What the publisher's metadata (`name.json` beside the download) says the indicator is."""
    spec = _metadata(source)
    described = {k: v for k, v in (spec.get("ess-beta-metadata") or {}).items() if isinstance(v, dict) and "label" in v}
    chosen = described.get(indicator) if indicator else next(iter(described.values()), None)
    return f"{chosen['label']}: {chosen.get('subtitle', '')}".rstrip(": ") if chosen else ""


def add(
    dataset: str,
    source: Path,
    version: str | None = None,
    today: dt.date | None = None,
    like: str | None = None,
    indicator: str | None = None,
    maximum: float | None = None,
) -> tuple[Review | None, Path]:
    """Add `source` as the next version of `dataset` (or, with `like`, as the first version of a new dataset
    derived as that one is); returns (its review, or None when nothing was reviewed: the file is the one the
    newest version was made from, or the dataset is new; the sidecar of the version in force)."""
    today = today or dt.date.today()
    entries = snapshots.load_sidecars()
    held = snapshots.versions(dataset, entries)
    if not held and like is None:
        raise ReleaseError(
            f"no dataset {dataset!r} is held; for a new measure, name a dataset whose derivation and schema it "
            "shares: skills-evidence snapshot NEW --from FILE --like ons_claimant_rate"
        )
    if held and like is not None:
        raise ReleaseError(f"{dataset} is already held: drop --like to add its next release")
    if not source.is_file():
        raise ReleaseError(f"{source}: no such file")
    if not held:
        entry = first_version(dataset, like, indicator, source, entries, maximum)
        return _first(dataset, source, version or today.isoformat(), today, entry, entries)
    previous = entries[snapshots.ref(dataset, held[-1])]
    if "derive" not in previous:
        raise ReleaseError(
            f"{dataset}: its sidecar declares no derivation (derive: from: …), so a new file cannot be read for it"
        )
    digest = snapshots.sha256_file(source)
    old_file = project_root() / previous["path"]
    if digest == (previous.get("source") or {}).get("file_sha256") and _same_derivation(previous, source, old_file):
        return None, snapshots.sidecar_of(old_file)
    version = version or today.isoformat()
    if version in held or version < held[-1]:
        raise ReleaseError(
            f"{dataset}: version {version!r} must sort after the newest held ({held[-1]}); give --version"
        )
    # The publisher's note belongs to a release: it is taken from the new file's own metadata, never carried over.
    entry = copy.deepcopy({k: v for k, v in previous.items() if k not in ("accepted", "path", "publisher_note")})
    entry["source"] = {k: v for k, v in (previous.get("source") or {}).items() if k in ("publisher", "title", "folder")}
    entry["path"] = previous["path"]
    target, frame = _write(dataset, source, version, today, entry, entries)
    result = review(
        read_table(old_file),
        frame,
        dataset=dataset,
        previous=snapshots.ref(dataset, held[-1]),
        version=snapshots.ref(dataset, version),
        layout_before=str(previous.get("layout", "")),
        layout_now=entry["layout"],
    )
    body = {"review": asdict(result), "summary": result.lines()}
    target.with_name(target.name + REVIEW).write_text(
        f"# What the release {snapshots.ref(dataset, version)} changed against {result.previous}.\n"
        + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110),
        encoding="utf-8",
    )
    return result, snapshots.sidecar_of(target)


def _same_derivation(previous: dict, source: Path, old_file: Path) -> bool:
    """Whether the file the newest version was made from still derives to its bytes; when the derivation has
    changed since (counties kept from November 2026), the same release becomes the next version, reviewed."""
    text = derive_declared(previous, source).to_csv(index=False, lineterminator="\n")
    return old_file.is_file() and old_file.read_text(encoding="utf-8") == text


def _first(dataset: str, source: Path, version: str, today: dt.date, entry: dict, entries: dict) -> tuple[None, Path]:
    """Write the first version of a new dataset."""
    target, _ = _write(dataset, source, version, today, entry, entries)
    return None, snapshots.sidecar_of(target)


def _write(
    dataset: str, source: Path, version: str, today: dt.date, entry: dict, entries: dict
) -> tuple[Path, pd.DataFrame]:
    """Derive `source` as `entry` declares into the version folder beside the dataset's others, check it
    against the schema before anything is kept, then write it and its sidecar; returns (the file, its rows
    as the project reads them). On any failure nothing is left behind."""
    frame = derive_declared(entry, source)
    periods = sorted(frame["period"].astype(str))
    here = Path(entry["path"])
    target = project_root() / here.parent.parent / version / here.name
    entry.update(
        version=version,
        retrieved=today.isoformat(),
        vintage=f"{periods[0]} to {periods[-1]}" if periods else "no periods",
        layout=frame.attrs.get("layout", ""),
        path=target.relative_to(project_root()).as_posix(),
    )
    entry["source"].update(file=_origin(source), file_sha256=snapshots.sha256_file(source))
    if note := publisher_note(source):
        entry["publisher_note"] = note
    created = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        frame.to_csv(partial, index=False, lineterminator="\n")
        try:
            validation.validate_file(partial, entry["schema"], entries, snapshots.ref(dataset, version))
        except InputFileError as exc:
            raise ReleaseError(
                f"{source}, derived as {dataset} declares, does not match the schema in its sidecar: {exc.message}"
            ) from None
        entry.update(sha256=snapshots.sha256_file(partial), rows=len(frame))
        written = read_table(partial)
        partial.replace(target)
        snapshots.save_entry(entry)
    except BaseException:
        partial.unlink(missing_ok=True)
        if created:
            shutil.rmtree(target.parent, ignore_errors=True)
        raise
    return target, written


def publisher_note(source: Path) -> str:
    """What the publisher says about the state of the series, in its own words: the sentences of the
    caveats in ONS's metadata file beside the download (`name.json`) that say updates are suspended."""
    spec = _metadata(source)
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "caveats" and isinstance(value, str):
                    found.extend(re.split(r"(?<=\.)\s+", value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return " ".join(dict.fromkeys(s.strip() for s in found if "suspended" in s))


def read_review(data_file: Path) -> dict:
    """The recorded review beside a snapshot, or {} when it has none (a first version, or added by hand)."""
    path = Path(data_file).with_name(Path(data_file).name + REVIEW)
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("review", {}) if path.exists() else {}

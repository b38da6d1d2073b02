"""Editions and chapters as defined in `data/editions.yaml`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml

from skills_evidence.inputs import snapshots
from skills_evidence.paths import resolve
from skills_evidence.statistics import indicators

EDITIONS = Path("data/editions.yaml")


@dataclass(frozen=True)
class Chapter:
    """A chapter: its notebook, its narrative and the datasets (by name) its notebook reads."""

    id: str
    title: str
    notebook: Path
    chapter: Path
    datasets: tuple[str, ...]
    step: str = "analysis"  # "analysis" chapters read data; "comparison" chapters read their indicators after
    #: Datasets the chapter reads where an edition pins them (references added after editions were published).
    optional: tuple[str, ...] = ()
    #: What the chapter is, when it is built from 2021 districts' data and so has no book for a county.
    districts_only: str = ""
    home_only: str = ""  # what the chapter is, in words naming no council, when it is the home council's alone
    #: A section staged at the end of the chapter's page (`section`, a .qmd fragment) in the editions that pin
    #: the dataset it shows (`when_pinned`): an edition published before that dataset was added never gains it.
    companion: tuple[str, str] | None = None


@dataclass(frozen=True)
class Edition:
    """One year's edition and the parameters of each of its chapters."""

    year: int
    title: str
    subtitle: str
    area_code: str
    comparators: list | None
    vintages: dict[str, str]
    chapter_parameters: dict[str, dict]
    data: dict[str, str]
    #: The date the edition was first published (ISO), set once when it is issued; None for a draft.
    published: str | None = None
    strategy: str = ""  # what the book is the evidence for, as the preface names it
    author: str = ""
    monitoring: str = ""  # what the preface says the monitoring chapter is
    omitted: dict[str, str] = dataclasses.field(default_factory=dict)  # chapter title → why it is left out
    contact: str = ""  # where readers send questions (areas: contact:), printed on the About page

    def datasets(self, chapter: Chapter) -> tuple[str, ...]:
        """Every dataset a chapter reads in this edition: its own, and the sources of the monitoring
        measures its parameters list under `latest` (so a measure joins an edition as data, not code)."""
        return read_datasets(chapter, self.chapter_parameters.get(chapter.id) or {}, self.data)

    def references(self, chapter: Chapter) -> list[str]:
        """The pinned `name@version` of every dataset a chapter reads in this edition."""
        return [snapshots.ref(name, self.data[name]) for name in self.datasets(chapter)]


def sections(chapter: Chapter, edition: Edition) -> list[Path]:
    """The sections staged at the end of the chapter's page in an edition: its companion, where the edition
    pins what it shows."""
    return [Path(chapter.companion[0])] if chapter.companion and chapter.companion[1] in edition.data else []


def read_datasets(chapter: Chapter, parameters: dict, pinned: dict | None = None) -> tuple[str, ...]:
    """A chapter's datasets with its parameters: its own, its optional ones the edition pins (all of them
    when `pinned` is None, as for a new edition), then the sources of the measures under `latest`."""
    measures = list((parameters.get("latest") or {}) if isinstance(parameters.get("latest"), dict) else [])
    optional = [d for d in chapter.optional if pinned is None or d in pinned]
    return tuple(dict.fromkeys([*chapter.datasets, *optional, *indicators.source_datasets(measures)]))


#: The keys data/editions.yaml knows, at each level: (required, optional). A misspelt key is refused by
#: name and line before any work, rather than failing later as a KeyError or being silently ignored.
TOP_KEYS = ({"current", "chapters", "editions"}, {"areas"})
CHAPTER_KEYS = (
    {"title", "notebook", "chapter", "datasets"},
    {"step", "home_only", "optional_datasets", "districts_only", "companion"},
)
EDITION_KEYS = (
    {"year", "title", "area_code", "chapters"},
    {"subtitle", "published", "comparators", "vintages", "data"},
)
AREA_KEYS = (set(), {"title", "strategy", "author", "monitoring", "contact"})


class ConfigError(ValueError):
    """A configuration file (editions, catalogue, sidecar) is malformed; the message names file and line."""


def _keys(node: yaml.MappingNode, allowed: tuple[set[str], set[str]], where: str, path: Path) -> dict[str, yaml.Node]:
    """The mapping's keys checked against (required, optional): unknown, repeated or missing ones refused."""
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}, line {node.start_mark.line + 1}: {where} must be a mapping of keys to values")
    required, optional = allowed
    seen: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = str(key.value)
        line = key.start_mark.line + 1
        if name in seen:
            raise ConfigError(f"{path}, line {line}: {where} has the key {name!r} twice")
        if name not in required | optional:
            known = ", ".join(sorted(required | optional))
            raise ConfigError(f"{path}, line {line}: {where} has an unknown key {name!r} (known keys: {known})")
        seen[name] = value
    missing = sorted(required - set(seen))
    if missing:
        raise ConfigError(f"{path}, line {node.start_mark.line + 1}: {where} lacks {', '.join(missing)}")
    return seen


def check(text: str, path: Path) -> dict:
    """Parse data/editions.yaml and check its shape (keys, duplicate years and chapters), naming the line
    of every fault; returns the parsed mapping."""
    try:
        root = yaml.compose(text, Loader=snapshots.SAFE_LOADER)
        spec = yaml.load(text, Loader=snapshots.SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    if root is None:
        raise ConfigError(f"{path} is empty")
    top = _keys(root, TOP_KEYS, "the file", path)
    for cid, node in _keys(top["chapters"], (set(), set(spec["chapters"] or {})), "chapters", path).items():
        _keys(node, CHAPTER_KEYS, f"chapter {cid!r}", path)
    if "areas" in top:
        for code, node in _keys(top["areas"], (set(), set(spec["areas"] or {})), "areas", path).items():
            _keys(node, AREA_KEYS, f"the words of area {code!r}", path)
    if not isinstance(top["editions"], yaml.SequenceNode):
        raise ConfigError(f"{path}, line {top['editions'].start_mark.line + 1}: editions must be a list")
    years: dict[str, int] = {}
    for node in top["editions"].value:
        keys = _keys(node, EDITION_KEYS, "an edition", path)
        year = str(keys["year"].value)
        line = keys["year"].start_mark.line + 1
        if not year.isdigit() or len(year) != 4:
            raise ConfigError(f"{path}, line {line}: edition year {year!r} is not a four-digit year")
        if year in years:
            raise ConfigError(
                f"{path}, line {line}: edition {year} is defined twice (first at line {years[year]}); "
                "keep one entry per year"
            )
        years[year] = line
    return spec


def load(path: str | Path = EDITIONS) -> tuple[dict[str, Chapter], dict[int, Edition], int]:
    """(chapters by id, editions by year, current edition year)."""
    file = resolve(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot be read ({exc.strerror})") from None
    spec = check(text, Path(path))
    chapters = {
        cid: Chapter(
            cid,
            c["title"],
            Path(c["notebook"]),
            Path(c["chapter"]),
            tuple(c["datasets"]),
            step=c.get("step", "analysis"),
            home_only=c.get("home_only", ""),
            optional=tuple(c.get("optional_datasets") or ()),
            districts_only=c.get("districts_only", ""),
            companion=(c["companion"]["section"], c["companion"]["when_pinned"]) if c.get("companion") else None,
        )
        for cid, c in spec["chapters"].items()
    }
    editions: dict[int, Edition] = {}
    for e in spec["editions"]:
        unknown = set(e["chapters"]) - set(chapters)
        if unknown:
            raise ConfigError(f"{path}: edition {e['year']} names unknown chapters {sorted(unknown)}")
        data = {name: str(version) for name, version in (e.get("data") or {}).items()}
        needed = {d for c, params in e["chapters"].items() for d in read_datasets(chapters[c], params or {}, data)}
        unpinned = sorted(needed - set(data))
        if unpinned:
            raise ConfigError(
                f"{path}: edition {e['year']} does not pin a version of {', '.join(unpinned)} (add it under data:)"
            )
        editions[int(e["year"])] = Edition(
            int(e["year"]),
            e["title"],
            e.get("subtitle", ""),
            e["area_code"],
            e.get("comparators"),
            dict(e.get("vintages", {})),
            {k: dict(v or {}) for k, v in e["chapters"].items()},
            data,
            str(e["published"]) if e.get("published") else None,
            **{k: v for k, v in words_for(spec, e["area_code"]).items() if k != "title"},
        )
    current = int(spec["current"])
    if current not in editions:
        raise ConfigError(f"{path}: current edition {current} is not defined")
    return chapters, editions, current


def words_for(spec: dict, code: str) -> dict[str, str]:
    """The `areas:` words for an area code: its own entry, else `default` (with {name} still to fill)."""
    areas = spec.get("areas") or {}
    return dict(areas.get(code) or areas.get("default") or {})


def area_words(path: str | Path = EDITIONS) -> dict[str, dict]:
    """The `areas:` block of data/editions.yaml: the words each area's book uses, and the defaults."""
    return yaml.load(resolve(path).read_text(encoding="utf-8"), Loader=snapshots.SAFE_LOADER).get("areas") or {}


def published_pins(path: str | Path = EDITIONS) -> dict[str, int]:
    """Every `name@version` a published edition reads, with the first such edition: bytes never to change."""
    pins: dict[str, int] = {}
    for year, edition in sorted(load(path)[1].items()):
        if edition.published:
            for name, version in edition.data.items():
                pins.setdefault(snapshots.ref(name, version), year)
    return pins


def previous(year: int, editions: dict[int, Edition]) -> int | None:
    """The edition before `year`, or None for the first."""
    earlier = [y for y in editions if y < year]
    return max(earlier) if earlier else None


def inputs(chapter_id: str, year: int | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(paths, vintages) by dataset name for one chapter, as an edition (the current one by default) pins them."""
    chapters, defined, current = load()
    edition = defined[year or current]
    references = edition.references(chapters[chapter_id])
    return snapshots.paths_for(references), snapshots.vintages_for(references)

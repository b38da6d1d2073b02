"""Snapshot metadata: every input the book reads, one versioned entry per file, kept beside the file.

Each snapshot `data/.../<file>` has a sidecar `<file>.meta.yaml` (owid/etl's `.dvc` habit): the dataset
name and version, origin (publisher, source file and its checksum, the date the publisher last changed
it), licence, the date it entered this project, the sha256 of the derived file and its schema. A
dataset is referred to as `name@version`; a new vintage is a new file with its own sidecar, so an
older edition pinned to `name@old` keeps reading exactly the bytes it was published from.

The build refuses a snapshot whose bytes no longer match its sidecar unless told to accept it, and
then, once the new bytes have passed their schema, records the acceptance in the sidecar. A sidecar
names a file in its own folder only, no two sidecars name one file, and every sidecar carries the
dataset, version, file, sha256 and schema: one without them is refused by name, never read as "no check".
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from skills_evidence.paths import project_root, resolve

DATA = Path("data")
SIDECAR = ".meta.yaml"
#: Where a human looks for the provenance of a dataset (used in messages).
MANIFEST = DATA / "**" / f"*{SIDECAR}"


#: A file whose times are at least this old when it is read is "settled": any later change to it moves its
#: change time (ctime, which no tool sets back) beyond anything recorded, so its digest can be remembered.
SETTLED_NS = 2_000_000_000
_digests: dict[tuple[int, int, int, int, int], str] = {}


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes. Remembered for the process by the file's identity, size and times once it
    has settled (git's rule for "racily clean" files): one build hashes each input once for every notebook
    that reads it, 650 reads of 118 files in a build with nothing to do. A file changed in the last
    `SETTLED_NS` is hashed every time, since a second change within the clock's step keeps its times."""
    status = Path(path).stat()
    identity = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
    if identity in _digests:
        return _digests[identity]
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > SETTLED_NS:
        _digests[identity] = digest.hexdigest()
    return digest.hexdigest()


class ChecksumMismatch(RuntimeError):
    """A dataset's bytes differ from its sidecar entry."""


@dataclass(frozen=True)
class Dataset:
    """One snapshot: its reference (`name@version`), file and recorded checksum."""

    ref: str
    path: Path
    sha256: str
    entry: dict

    @property
    def name(self) -> str:
        """The dataset's name without its version (what chapter code asks for)."""
        return self.ref.split("@", 1)[0]


def sidecar_of(path: str | Path) -> Path:
    """The sidecar beside a snapshot file: its provenance, checksum, schema and notes on its use."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR)


def read_sidecar(path: str | Path) -> dict:
    """The sidecar of the snapshot file at `path` (empty when there is none, as for a file given by hand)."""
    sidecar = sidecar_of(path)
    return yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {} if sidecar.exists() else {}


def ref(name: str, version: str) -> str:
    """The reference of one version of a dataset: `name@version`."""
    return f"{name}@{version}"


def name_of(reference: str) -> str:
    """`ons_l3plus_rqf@2025` → `ons_l3plus_rqf`."""
    return reference.split("@", 1)[0]


#: What every sidecar must say: without a checksum nothing proves the bytes, without a schema nothing checks them.
REQUIRED = ("dataset", "version", "file", "sha256", "schema")


#: PyYAML's safe loader in C where libyaml is present (it is in PyYAML's wheels): a build reads the ~40 sidecars
#: several times, about 0.85 s each time with the pure-Python loader. Same constructor, so the same values.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> object:
    """A sidecar's text parsed, remembered by the text itself: one build reads every sidecar several times."""
    return yaml.load(text, Loader=SAFE_LOADER)


class SidecarError(ValueError):
    """A sidecar is malformed, incomplete, or points outside its own snapshot folder."""


def read_entry(sidecar: Path) -> dict:
    """One sidecar, checked: valid YAML, every required key, a file named inside its own folder."""
    try:
        entry = copy.deepcopy(_parsed(sidecar.read_text(encoding="utf-8")))  # a copy: callers may change theirs
    except yaml.YAMLError as exc:
        raise SidecarError(f"{sidecar} is not valid YAML: {exc}") from None
    if not isinstance(entry, dict):
        raise SidecarError(f"{sidecar}: a sidecar is a mapping of keys (dataset, version, file, sha256, schema, …)")
    missing = [key for key in REQUIRED if not entry.get(key)]
    if missing:
        raise SidecarError(
            f"{sidecar} lacks {', '.join(missing)}: every snapshot's sidecar must say {', '.join(REQUIRED)} "
            "(see CONTRIBUTING.md, 'A new release of a dataset')"
        )
    name = str(entry["file"])
    if Path(name).name != name or name in (".", "..") or name.endswith(SIDECAR):
        raise SidecarError(
            f"{sidecar}: file {name!r} must name a data file in the sidecar's own folder (a bare file name)"
        )
    if not isinstance(entry["schema"], dict):
        raise SidecarError(f"{sidecar}: schema must be a mapping (columns:, unique:, …)")
    return entry


def load_sidecars(data: str | Path = DATA) -> dict[str, dict]:
    """Every snapshot's sidecar by `name@version`, with `path` (relative to the project root) filled in."""
    root = project_root()
    entries: dict[str, dict] = {}
    owners: dict[str, Path] = {}
    for sidecar in sorted(resolve(data).rglob(f"*{SIDECAR}")):
        entry = read_entry(sidecar)
        key = ref(entry["dataset"], str(entry["version"]))
        if key in entries:
            raise SidecarError(f"{sidecar}: {key} is already described by {entries[key]['path']}{SIDECAR}")
        path = (sidecar.parent / str(entry["file"])).relative_to(root).as_posix()
        if path in owners:
            raise SidecarError(f"{sidecar}: its file {path} is already described by {owners[path]}")
        if sidecar.name != Path(path).name + SIDECAR:
            raise SidecarError(
                f"{sidecar}: describes {entry['file']}, but a sidecar is named after its file ({Path(path).name}{SIDECAR})"
            )
        owners[path] = sidecar
        entries[key] = {**entry, "path": path}
    return entries


def save_entry(entry: dict) -> Path:
    """Write one entry back to its sidecar atomically (a crash never leaves half a file)."""
    data_file = resolve(entry["path"])
    sidecar = data_file.with_name(data_file.name + SIDECAR)
    body = {"dataset": entry["dataset"], "version": str(entry["version"]), "file": data_file.name}
    body.update({k: v for k, v in entry.items() if k not in (*body, "path")})
    header = f"# Snapshot {ref(body['dataset'], body['version'])}: provenance, checksum and schema of {data_file.name} beside it.\n"
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    tmp.replace(sidecar)
    return sidecar


def update_fields(entry: dict, **fields: object) -> Path:
    """Change top-level scalar fields of an entry's sidecar in place, keeping every other line (and its
    comments) as it is; a field not yet there is added at the end."""
    data_file = resolve(entry["path"])
    sidecar = data_file.with_name(data_file.name + SIDECAR)
    text = sidecar.read_text(encoding="utf-8")
    for key, value in fields.items():
        # One line, never wrapped (a long description used to wrap onto a second line that the old line's
        # replacement left behind, breaking the file); the old value's continuation lines go with it.
        dumped = yaml.safe_dump(value, default_flow_style=True, width=float("inf"))
        line = f"{key}: {dumped.strip().removesuffix('...').strip()}"
        text, count = re.subn(rf"^{re.escape(key)}:[^\n]*\n(?:[ \t]+[^\n]*\n)*", line + "\n", text, count=1, flags=re.M)
        if not count:
            text = text.rstrip("\n") + "\n" + line + "\n"
        entry[key] = value
    if {k: (yaml.safe_load(text) or {}).get(k) for k in fields} != fields:
        raise SidecarError(f"{sidecar}: updating {', '.join(fields)} would not read back as written; nothing written")
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(sidecar)
    return sidecar


def versions(name: str, entries: dict[str, dict] | None = None) -> list[str]:
    """The versions of a dataset held here, oldest first (versions sort as text: years, year-months)."""
    entries = entries if entries is not None else load_sidecars()
    return sorted(str(e["version"]) for e in entries.values() if e["dataset"] == name)


def latest(name: str, entries: dict[str, dict] | None = None) -> str:
    """The reference of a dataset's newest version (what a new edition pins)."""
    entries = entries if entries is not None else load_sidecars()
    held = versions(name, entries)
    if not held:
        raise KeyError(f"dataset {name!r} has no snapshot under {DATA}/ (no {name}@… sidecar)")
    return ref(name, held[-1])


def newest(entries: dict[str, dict] | None = None) -> dict[str, dict]:
    """Each dataset's newest entry by bare name (what `snapshot` re-derives)."""
    entries = entries if entries is not None else load_sidecars()
    names = {e["dataset"] for e in entries.values()}
    return {name: entries[latest(name, entries)] for name in sorted(names)}


def dataset(reference: str, entries: dict[str, dict] | None = None) -> Dataset:
    """Look up one snapshot by `name@version`; a bare name means its newest version (for tools, not editions)."""
    entries = entries if entries is not None else load_sidecars()
    key = reference if "@" in reference else latest(reference, entries)
    if key not in entries:
        held = ", ".join(versions(name_of(key), entries)) or "none"
        raise KeyError(f"dataset {key!r} has no snapshot here (versions held: {held})")
    entry = entries[key]
    return Dataset(key, resolve(entry["path"]), entry.get("sha256", ""), entry)


def verify(references: list[str], accept_changed: bool = False) -> list[dict]:
    """Check each snapshot's bytes against its sidecar; returns the entries whose new bytes are accepted,
    updated but not yet saved: `record_accepted` saves them once the new bytes have passed validation.

    Without `accept_changed` a mismatch raises ChecksumMismatch naming the file and both checksums.
    """
    entries = load_sidecars()
    accepted: list[dict] = []
    for reference in references:
        ds = dataset(reference, entries)
        if not ds.path.exists():
            raise FileNotFoundError(f"{ds.path}: dataset {ds.ref!r} has a sidecar but its file is missing")
        actual = sha256_file(ds.path)
        if actual == ds.sha256:
            continue
        if not accept_changed:
            raise ChecksumMismatch(
                f"{ds.path}: sha256 {actual[:12]}… does not match its sidecar's {ds.sha256[:12]}… for dataset "
                f"{ds.ref!r}. If the new file is intended, rebuild with --accept-changed-inputs."
            )
        entry = entries[ds.ref]
        entry.setdefault("accepted", []).append(
            {"date": dt.date.today().isoformat(), "previous_sha256": ds.sha256, "sha256": actual}
        )
        entry["sha256"] = actual
        accepted.append(entry)
    return accepted


def record_accepted(accepted: list[dict]) -> list[str]:
    """Save the acceptance of changed inputs in their sidecars (after validation); returns their references."""
    for entry in accepted:
        save_entry(entry)
    return [ref(e["dataset"], str(e["version"])) for e in accepted]


def paths_for(references: list[str], entries: dict[str, dict] | None = None) -> dict[str, str]:
    """Dataset name → absolute path of the referenced version, for handing to a notebook."""
    entries = entries if entries is not None else load_sidecars()
    return {ds.name: str(ds.path) for ds in (dataset(r, entries) for r in references)}


def vintages_for(references: list[str], entries: dict[str, dict] | None = None) -> dict[str, str]:
    """Dataset name → vintage label of the referenced version, for the indicators table."""
    entries = entries if entries is not None else load_sidecars()
    return {ds.name: str(ds.entry.get("vintage", "")) for ds in (dataset(r, entries) for r in references)}


def vintages_text(data: dict[str, str], entries: dict[str, dict]) -> dict[str, str]:
    """The landing page's "data used" lines for the pinned datasets (reference lookups left out), from
    each snapshot's own sidecar: what it is, and the periods it covers."""
    lines = {}
    for name, version in sorted(data.items()):
        entry = entries[ref(name, version)]
        if entry["path"].startswith("data/reference/"):
            continue
        title = (entry.get("source") or {}).get("title")
        described = re.split(r";| \(", str(entry.get("description") or name), maxsplit=1)[0].strip()
        label = str(title) if title and not entry.get("synthetic") else described
        vintage = str(entry.get("vintage") or version)
        lines[label] = vintage + (" (synthetic)" if entry.get("synthetic") and "synthetic" not in vintage else "")
    return lines

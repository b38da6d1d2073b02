"""The data manifest: every input the book reads, where it came from, and its checksum.

`data/manifest.yaml` is the provenance record (owid/etl-style snapshot metadata): for each dataset its
file in `data/`, the official source file it was derived from (publisher, table, vintage, download
date, that file's sha256) and the sha256 of the derived file. The build refuses a dataset whose bytes
no longer match unless told to accept it, and then records the acceptance in the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from skills_evidence.paths import resolve

MANIFEST = Path("data/manifest.yaml")


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ChecksumMismatch(RuntimeError):
    """A dataset's bytes differ from its manifest entry."""


@dataclass(frozen=True)
class Dataset:
    """One manifest entry."""

    id: str
    path: Path
    sha256: str
    entry: dict


def load_manifest(path: str | Path = MANIFEST) -> dict[str, dict]:
    """The manifest's datasets by id."""
    with resolve(path).open(encoding="utf-8") as fh:
        return (yaml.safe_load(fh) or {}).get("datasets", {})


def save_manifest(datasets: dict[str, dict], path: str | Path = MANIFEST) -> None:
    """Write the manifest atomically (a crash never leaves half a manifest)."""
    target = resolve(path)
    tmp = target.with_suffix(".yaml.tmp")
    header = "# Provenance of every dataset the book reads. Checksums are maintained by `skills-evidence snapshot`.\n"
    tmp.write_text(header + yaml.safe_dump({"datasets": datasets}, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    tmp.replace(target)


def dataset(dataset_id: str, manifest: dict[str, dict] | None = None) -> Dataset:
    """Look up one dataset by id."""
    manifest = manifest if manifest is not None else load_manifest()
    if dataset_id not in manifest:
        raise KeyError(f"dataset {dataset_id!r} is not in {MANIFEST}; known: {', '.join(sorted(manifest))}")
    entry = manifest[dataset_id]
    return Dataset(dataset_id, resolve(entry["path"]), entry.get("sha256", ""), entry)


def verify(dataset_ids: list[str], accept_changed: bool = False, manifest_path: str | Path = MANIFEST) -> list[str]:
    """Check each dataset's bytes against the manifest; returns the ids whose new bytes were accepted.

    Without `accept_changed` a mismatch raises ChecksumMismatch naming the file and both checksums.
    """
    manifest = load_manifest(manifest_path)
    accepted: list[str] = []
    for dataset_id in dataset_ids:
        ds = dataset(dataset_id, manifest)
        if not ds.path.exists():
            raise FileNotFoundError(f"{ds.path}: dataset {dataset_id!r} listed in the manifest is missing")
        actual = sha256_file(ds.path)
        if actual == ds.sha256:
            continue
        if not accept_changed:
            raise ChecksumMismatch(
                f"{ds.path}: sha256 {actual[:12]}… does not match the manifest's {ds.sha256[:12]}… for dataset "
                f"{dataset_id!r}. If the new file is intended, rebuild with --accept-changed-inputs."
            )
        manifest[dataset_id].setdefault("accepted", []).append(
            {"date": dt.date.today().isoformat(), "previous_sha256": ds.sha256, "sha256": actual}
        )
        manifest[dataset_id]["sha256"] = actual
        accepted.append(dataset_id)
    if accepted:
        save_manifest(manifest, manifest_path)
    return accepted


def paths_for(dataset_ids: list[str], manifest: dict[str, dict] | None = None) -> dict[str, str]:
    """Dataset id → absolute path, for handing to a notebook."""
    manifest = manifest if manifest is not None else load_manifest()
    return {i: str(dataset(i, manifest).path) for i in dataset_ids}


def vintages_for(dataset_ids: list[str], manifest: dict[str, dict] | None = None) -> dict[str, str]:
    """Dataset id → vintage label, for the indicators table."""
    manifest = manifest if manifest is not None else load_manifest()
    return {i: str(manifest[i].get("vintage", "")) for i in dataset_ids}

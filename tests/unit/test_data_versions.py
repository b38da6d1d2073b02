"""Editions pinned to data versions: a new vintage adds a snapshot beside the old one; old editions keep theirs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from skills_evidence import editions
from skills_evidence.inputs import snapshots
from skills_evidence.paths import resolve
from skills_evidence.pipeline.new_edition import scaffold

OLD = "data/snapshots/ons-els/2025/none_16_64_rqf.csv"


def add_vintage(root: Path, version: str) -> Path:
    """Copy the shipped no-qualifications snapshot as a new version with its own sidecar, as a refresh would."""
    source = root / OLD
    target = root / f"data/snapshots/ons-els/{version}/none_16_64_rqf.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    entry = yaml.safe_load(source.with_name(source.name + ".meta.yaml").read_text())
    entry.update(version=version, retrieved="2026-11-23")
    snapshots.save_entry({**entry, "path": target.relative_to(root).as_posix()})
    return target


def test_every_snapshot_has_its_provenance_beside_it():
    entries = snapshots.load_sidecars()
    held = {resolve(e["path"]) for e in entries.values()}
    data_files = {p for folder in ("data/snapshots", "data/synthetic") for p in resolve(folder).rglob("*.csv")}
    assert data_files and data_files <= held  # no snapshot without its sidecar
    for reference, entry in entries.items():
        assert "@" in reference and entry["licence"] and entry["sha256"] and entry["retrieved"], reference
        assert entry.get("source") or entry.get("sources"), reference
    # PROVENANCE.md: ONS's level 3+ RQF file last changed in its repository on 2026-01-13.
    assert snapshots.dataset("ons_l3plus_rqf@2025").entry["source"]["published"] == "2026-01-13"


def test_every_edition_names_a_version_of_every_dataset_it_reads():
    chapters, defined, _ = editions.load()
    held = snapshots.load_sidecars()
    for year, edition in defined.items():
        for chapter_id in edition.chapter_parameters:
            assert set(edition.references(chapters[chapter_id])) <= set(held), year


def test_a_new_vintage_leaves_published_editions_reading_their_own_bytes(project_copy: Path):
    newer = add_vintage(project_copy, "2026-12")
    chapters, defined, _ = editions.load()
    pinned = snapshots.paths_for(defined[2025].references(chapters["skills_levels"]))
    assert pinned["ons_none_rqf"] == str(project_copy / OLD)
    assert snapshots.latest("ons_none_rqf") == "ons_none_rqf@2026-12" and snapshots.versions("ons_none_rqf") == [
        "2025",
        "2026-11",
        "2026-12",
    ]

    scaffold(2027)
    chapters, defined, _ = editions.load()
    assert defined[2027].data["ons_none_rqf"] == "2026-12" and defined[2025].data["ons_none_rqf"] == "2025"
    assert defined[2026].data["ons_none_rqf"] == "2026-11"
    assert snapshots.paths_for(defined[2027].references(chapters["skills_levels"]))["ons_none_rqf"] == str(newer)


def test_an_edition_without_a_pin_is_refused_by_name(project_copy: Path):
    path = project_copy / "data/editions.yaml"
    path.write_text(path.read_text().replace('      ons_none_rqf: "2025"\n', "", 1))
    with pytest.raises(ValueError, match="edition 2022 does not pin a version of ons_none_rqf"):
        editions.load()


def test_a_version_not_held_is_refused_with_the_versions_that_are(project_copy: Path):
    with pytest.raises(KeyError, match=r"ons_none_rqf@2031.*versions held: 2025"):
        snapshots.dataset("ons_none_rqf@2031")

"""A new release, or a new measure, added with one command (issue 21): written only after it validates,
declared rather than coded, and refused with nothing written when it is not what the dataset promises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from skills_evidence.inputs import derive, release, snapshots, validation

pytestmark = pytest.mark.shared

DAY = dt.date(2026, 12, 1)


def test_a_new_measure_from_an_els_file_is_a_declaration_not_code(project_copy: Path, real_data: Path):
    source = real_data / "ons_explore_local_statistics_more/employment-rate.csv"  # employment and inactivity
    review, sidecar = release.add(
        "ons_employment_rate", source, today=DAY, like="ons_claimant_rate", indicator="Employment rate"
    )
    assert review is None and sidecar.exists()
    entry = snapshots.dataset("ons_employment_rate").entry
    assert entry["derive"] == {"from": "ons_els", "indicator": "Employment rate"}
    assert entry["description"] == "Employment rate (Great Britain): Percentage of people aged 16 to 64 in employment"
    assert entry["publisher_note"].startswith("Updates to this indicator have been temporarily suspended")
    frame = validation.validate("ons_employment_rate")
    coventry = frame[(frame.geography_code == "E08000026") & (frame.period == "2023")]
    # ONS employment-rate.csv: Coventry 2023, 71.9% (67.9 to 75.9).
    assert coventry[["value", "ci_lower", "ci_upper"]].values.tolist() == [["71.9", "67.9", "75.9"]]
    # From now on `snapshot` re-derives it by its declaration, and changes nothing when nothing changed.
    before = sidecar.read_bytes()
    assert len(derive.snapshot(["ons_employment_rate"])["ons_employment_rate"]) == entry["rows"]
    assert sidecar.read_bytes() == before


def test_a_dataset_not_held_needs_a_model_to_follow(project_copy: Path, real_data: Path):
    with pytest.raises(release.ReleaseError, match="--like ons_claimant_rate"):
        release.add("ons_gva", real_data / "ons_explore_local_statistics_more/gross-value-added.csv", today=DAY)


@pytest.mark.bad_input
def test_a_release_that_breaks_the_schema_writes_nothing(project_copy: Path, real_data: Path, tmp_path: Path):
    source = real_data / "ons_explore_local_statistics/claimant-count.csv"
    broken = tmp_path / "claimant-count.csv"
    broken.write_text(
        source.read_text(encoding="utf-8-sig").replace(
            "Coventry,Local Authority District,Claimant Count,2025-01-01/P1Y,5.5",
            "Coventry,Local Authority District,Claimant Count,2025-01-01/P1Y,150",
            1,
        ),
        encoding="utf-8",
    )
    assert broken.read_text() != source.read_text(encoding="utf-8-sig")
    folders = sorted(p.name for p in (project_copy / "data/snapshots/ons-els").iterdir())
    with pytest.raises(release.ReleaseError, match=r"claimant-count\.csv, derived as ons_claimant_rate declares"):
        release.add("ons_claimant_rate", broken, version="2026-12-01", today=DAY)
    assert sorted(p.name for p in (project_copy / "data/snapshots/ons-els").iterdir()) == folders


def test_the_same_file_again_writes_nothing(project_copy: Path, real_data: Path):
    # ons_claimant_rate@2026 was made from ONS's claimant-count.csv (the sha256 in its sidecar).
    review, sidecar = release.add("ons_claimant_rate", real_data / "ons_explore_local_statistics/claimant-count.csv")
    assert review is None and sidecar.name == "claimant_count.csv.meta.yaml"
    assert snapshots.versions("ons_claimant_rate") == ["2026"]


def test_re_deriving_a_changed_file_updates_its_checksum_and_keeps_the_sidecars_comments(project_copy: Path):
    # A snapshot file edited by hand is re-derived from ONS's claimant-count.csv: the file returns to what
    # ONS published, and its sidecar's sha256 and rows are updated in place, comments and all.
    entry = snapshots.dataset("ons_claimant_rate").entry
    data = project_copy / entry["path"]
    sidecar = snapshots.sidecar_of(data)
    published = data.read_bytes()
    data.write_bytes(published.replace(b"E08000026,Coventry,2025,5.5", b"E08000026,Coventry,2025,9.9"))
    sidecar.write_text(sidecar.read_text().replace(f"sha256: {entry['sha256']}", "sha256: deadbeef"), encoding="utf-8")
    derive.snapshot(["ons_claimant_rate"])
    assert data.read_bytes() == published
    text = sidecar.read_text()
    assert f"\nsha256: {entry['sha256']}\n" in text and f"\nrows: {entry['rows']}\n" in text
    assert "# how `skills-evidence snapshot` makes this file" in text  # the comment beside derive: is kept

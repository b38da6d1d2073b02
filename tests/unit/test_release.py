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
    # GVA per filled job: pounds a job (tens of thousands), so the model's range is widened with `maximum`;
    # the file also holds ITL regions (TLG…), which are set aside, and GVA per hour, which is not kept.
    source = real_data / "ons_explore_local_statistics_more/gross-value-added.csv"
    review, sidecar = release.add(
        "ons_gva_per_job",
        source,
        today=DAY,
        like="ons_claimant_rate",
        indicator="Gross value added per filled job",
        maximum=1_000_000,
    )
    assert review is None and sidecar.exists()
    entry = snapshots.dataset("ons_gva_per_job").entry
    assert entry["derive"] == {
        "from": "ons_els",
        "indicator": "Gross value added per filled job",
        "counties": True,
        "unreliable_from_notes": True,
    }
    assert entry["schema"]["columns"]["value"]["max"] == 1_000_000
    assert entry["description"].startswith("Gross value added per job filled")
    frame = validation.validate("ons_gva_per_job")
    assert not frame["geography_code"].str.startswith("TL").any()
    coventry = frame[(frame.geography_code == "E08000026") & (frame.period == "2023")]
    assert len(coventry) == 1 and float(coventry["value"].iloc[0]) > 1000  # a job's GVA, not an hour's
    # From now on `snapshot` re-derives it by its declaration, and changes nothing when nothing changed.
    before = sidecar.read_bytes()
    assert len(derive.snapshot(["ons_gva_per_job"])["ons_gva_per_job"]) == entry["rows"]
    assert sidecar.read_bytes() == before


def test_the_employment_rate_carries_onss_suspension_note():
    # ONS's employment-rate.json caveats: APS-based updates are suspended; the sidecar keeps ONS's words.
    entry = snapshots.dataset("ons_employment_rate").entry
    assert entry["derive"] == {
        "from": "ons_els",
        "indicator": "Employment rate",
        "counties": True,
        "unreliable_from_notes": True,
    }
    assert entry["publisher_note"].startswith("Updates to this indicator have been temporarily suspended")


def test_counties_are_kept_from_the_2026_11_versions_and_published_versions_keep_their_bytes():
    # claimant-count.csv: Kent (E10000016) has a Claimant Count; the 2026 version, read by published editions,
    # was derived before counties were kept and is not re-derived; the 2026-11 version, from the same file, has them.
    old = validation.validate("ons_claimant_rate@2026")
    new = validation.validate("ons_claimant_rate@2026-11")
    assert "E10000016" not in set(old["geography_code"]) and "E10000016" in set(new["geography_code"])
    assert snapshots.dataset("ons_claimant_rate@2026").entry["derive"].get("counties") is None
    assert snapshots.dataset("ons_claimant_rate@2026-11").entry["derive"]["counties"] is True


@pytest.mark.bad_input
def test_re_deriving_a_version_a_published_edition_reads_is_refused(project_copy: Path):
    from skills_evidence import editions

    entry = snapshots.dataset("ons_modelled_unemployment").entry  # @2026, read by the 2022-2025 editions
    data = project_copy / entry["path"]
    tampered = data.read_bytes().replace(b"E08000026,Coventry,2023,5.8", b"E08000026,Coventry,2023,9.9")
    data.write_bytes(tampered)
    with pytest.raises(derive.FrozenVersionError, match=r"ons_modelled_unemployment@2026 \(published in the 2022"):
        derive.snapshot(["ons_modelled_unemployment"], frozen=editions.published_pins())
    assert data.read_bytes() == tampered  # nothing written


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
    # ons_claimant_rate@2026-11 was made from ONS's claimant-count.csv (the sha256 in its sidecar).
    review, sidecar = release.add("ons_claimant_rate", real_data / "ons_explore_local_statistics/claimant-count.csv")
    assert review is None and sidecar.name == "claimant_count.csv.meta.yaml"
    assert snapshots.versions("ons_claimant_rate") == ["2026", "2026-11"]


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
    assert text.startswith("# Snapshot ons_claimant_rate@2026-11: provenance")  # the sidecar's comment is kept


@pytest.mark.bad_input
def test_updating_a_sidecar_field_that_spans_lines_keeps_the_file_valid(project_copy: Path):
    # lad21_reference's description runs onto a second line; replacing it (or setting a mapping, as the
    # counties declaration did) left the old continuation line behind and broke the YAML.
    entry = snapshots.dataset("lad21_reference").entry
    sidecar = snapshots.sidecar_of(project_copy / entry["path"])
    assert "\n  (May 2024)" in sidecar.read_text(encoding="utf-8")
    long_text = "Local authority districts with region, country and combined authority, " * 3
    snapshots.update_fields(entry, description=long_text.strip(), derive={"from": "ons_els", "counties": True})
    text = sidecar.read_text(encoding="utf-8")
    reread = snapshots.read_entry(sidecar)
    assert reread["description"] == long_text.strip() and reread["derive"] == {"from": "ons_els", "counties": True}
    assert text.startswith("# Snapshot lad21_reference@2024-05") and "\n  (May 2024)\n" not in text

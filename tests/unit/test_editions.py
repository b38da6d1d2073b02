"""Editions as data: the four defined editions, and scaffolding the next one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from skills_evidence import editions
from skills_evidence.pipeline.new_edition import scaffold
from skills_evidence.publishing import reproducible, website


def test_editions_2022_to_2025_with_their_aps_years():
    _, defined, current = editions.load()
    assert sorted(defined) == [2022, 2023, 2024, 2025] and current == 2025
    periods = {y: e.chapter_parameters["skills_levels"]["period"] for y, e in defined.items()}
    assert periods == {2022: "2021", 2023: "2022", 2024: "2023", 2025: "2024"}
    assert editions.previous(2023, defined) == 2022 and editions.previous(2022, defined) is None


def test_new_edition_moves_the_data_years_on_and_lists_what_is_missing(project_copy: Path):
    block, needs = scaffold(2026)
    _, defined, current = editions.load()
    assert current == 2026 and defined[2026].chapter_parameters["skills_levels"] == {
        "period": "2025",
        "trend_end": "2025",
    }
    # The shipped ONS RQF files end in 2023, so 2025 figures are still needed.
    assert any("Jan-Dec 2025" in item and "has data to 2023" in item for item in needs["skills_levels"])
    assert "year: 2026" in block


def test_new_edition_refuses_an_existing_or_earlier_year(project_copy: Path):
    with pytest.raises(ValueError, match="already defined"):
        scaffold(2024)


def test_the_landing_page_dates_an_edition_by_first_publication_not_by_its_latest_build(tmp_path: Path):
    # data/editions.yaml fixes 2024's publication date (2026-11-22); a rebuild on a later day keeps it, and a
    # new edition is a draft until its date is set.
    _, defined, _ = editions.load()
    assert defined[2024].published == "2026-11-22"
    for year, edition, built in (
        (2024, defined[2024], dt.date(2031, 5, 1)),
        (2026, defined[2024], dt.date(2031, 5, 2)),
    ):
        folder = tmp_path / str(year)
        folder.mkdir()
        (folder / "index.html").write_text("<p>book</p>", encoding="utf-8")
        draft = edition if year == 2024 else type(edition)(**{**edition.__dict__, "year": 2026, "published": None})
        website.write_record(folder, draft, {"html": folder / "index.html"}, built=built)
        reproducible.write_checksums(folder)
    landing = website.write_landing(tmp_path).read_text(encoding="utf-8")
    assert '<th scope="col">First published</th>' in landing
    assert "<td>2026-11-22</td>" in landing and "2031-05-01" not in landing
    assert "not yet published (draft first built 2031-05-02)" in landing


def test_a_new_edition_starts_as_a_draft(project_copy: Path):
    scaffold(2026)
    assert editions.load()[1][2026].published is None

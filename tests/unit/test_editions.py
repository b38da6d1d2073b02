"""Editions as data: the four defined editions, and scaffolding the next one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from skills_evidence import editions
from skills_evidence.pipeline.new_edition import scaffold
from skills_evidence.publishing import reproducible, website


def test_editions_2022_to_2026_with_their_aps_years():
    _, defined, current = editions.load()
    assert sorted(defined) == [2022, 2023, 2024, 2025, 2026] and current == 2026
    periods = {y: e.chapter_parameters["skills_levels"]["period"] for y, e in defined.items()}
    # 2026 (a draft): ONS's RQF files end in 2023, so the edition's period is the newest held.
    assert periods == {2022: "2021", 2023: "2022", 2024: "2023", 2025: "2024", 2026: "2023"}
    assert [y for y, e in defined.items() if e.published is None] == [2026]
    assert editions.previous(2023, defined) == 2022 and editions.previous(2022, defined) is None


def test_new_edition_takes_every_period_from_the_data_it_pins_and_lists_what_is_missing(project_as_of_2025: Path):
    committed = (project_as_of_2025 / ".draft_2026").read_text(encoding="utf-8")
    block, needs = scaffold(2026)
    # The repository's 2026 draft is exactly what the command writes: no line of it was edited by hand.
    assert block == committed
    _, defined, current = editions.load()
    new = defined[2026].chapter_parameters
    assert current == 2026 and "year: 2026" in block
    # ONS's RQF files end in 2023 (APS level 3+ updates suspended until the 2026 reweighting): the newest held.
    assert new["skills_levels"] == {"period": "2023", "trend_end": "2023"}
    assert any("Jan-Dec 2025" in item and "has data to 2023" in item for item in needs["skills_levels"])
    # The monitoring report quotes the newest figure each pinned series holds for Coventry (claimant-count.csv:
    # 5.5% in 2025; gross-median-weekly-pay.csv: £648.4 in April 2025; GCSE by 19: 69.6% in 2024/25), and the
    # same periods as the attainment chapter.
    latest = new["progress"]["latest"]
    assert (latest["claimant_rate_16_64"], latest["median_weekly_pay"], latest["gcse_em_by19"]) == (
        "2025",
        "2025",
        "2024/25",
    )
    assert latest["gcse_em_by19"] == new["attainment"]["gcse19_last"]
    assert latest["ks2_rwm_expected"] == new["attainment"]["ks2_last"] == "2024/25"
    assert latest["qual_l3plus_16_64"] == new["skills_levels"]["period"]
    # The survey export holds waves 2021 and 2 only: the edition carries wave 2 and says no new wave exists.
    assert new["skills_survey"] == {"wave": "2", "previous_wave": "2021"}
    assert needs["skills_survey"] == [
        "a new wave of the survey export (none is newer than wave 2: this edition carries it)"
    ]
    assert any("Unemployment rate" in item and "holds to 2023" in item for item in needs["progress"])
    # The landing page's data lines come from the pinned snapshots' sidecars, not a placeholder.
    assert defined[2026].vintages["Claimant Count"] == "2001 to 2025"


@pytest.mark.parametrize(
    ("year", "said"), [(2024, "already defined"), (2028, "not the next one"), (99999, "not the next one")]
)
def test_new_edition_refuses_anything_but_the_next_year(project_copy: Path, year: int, said: str):
    before = (project_copy / "data/editions.yaml").read_bytes()
    with pytest.raises(ValueError, match=said):
        scaffold(year)
    assert (project_copy / "data/editions.yaml").read_bytes() == before


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
    scaffold(2027)
    assert editions.load()[1][2027].published is None

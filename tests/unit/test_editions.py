"""Editions as data: the four defined editions, and scaffolding the next one."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence.pipeline import editions
from skills_evidence.pipeline.new_edition import scaffold


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

"""Finding the area a book is for (issue 23): a county by name or code, any case; an ambiguous name refused,
naming each authority it could mean; and the editions a county's book can have."""

from __future__ import annotations

import pytest

from skills_evidence import editions
from skills_evidence.pipeline import areas

pytestmark = pytest.mark.shared


def current() -> editions.Edition:
    _, defined, year = editions.load()
    return defined[year]


@pytest.mark.parametrize("text", ["Kent", "kent", "E10000016", "e10000016"])
def test_a_county_is_found_by_name_or_code(text: str):
    assert areas.resolve(text, current()) == ("E10000016", "Kent")


def test_a_unitary_formed_since_2021_is_found():
    # ONS's similar-areas model lists North Yorkshire (E06000065, April 2023), which the 2021 lookup lacks.
    assert areas.resolve("North Yorkshire", current()) == ("E06000065", "North Yorkshire")


def test_the_start_of_a_name_finds_an_authority_or_names_every_one_it_could_be():
    assert areas.resolve("Tower Ham", current()) == ("E09000030", "Tower Hamlets")
    with pytest.raises(areas.AreaError, match="Newcastle-under-Lyme \\(E07000195\\) or Newcastle upon Tyne"):
        areas.resolve("Newcastle", current())


def test_a_countys_book_has_only_the_editions_whose_data_hold_counties():
    chapters, defined, _ = editions.load()
    kent = areas.for_area("E10000016", "Kent", chapters, defined)
    assert sorted(kent) == [2026]  # counties entered the data in the 2026-11 versions
    assert "skills_levels" not in kent[2026].chapter_parameters  # APS T19 counts are for districts only
    assert "Nomis publishes for districts and unitaries" in " ".join(kent[2026].omitted.values())
    leicester = areas.for_area("E06000016", "Leicester", chapters, defined)
    assert sorted(leicester) == [2022, 2023, 2024, 2025, 2026] and "skills_levels" in leicester[2026].chapter_parameters

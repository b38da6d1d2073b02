"""The "About these statistics" page: every item a statistical release states, from the edition and its data."""

from __future__ import annotations

import dataclasses
import json

import pytest

from skills_evidence import editions
from skills_evidence.inputs import snapshots
from skills_evidence.paths import project_root
from skills_evidence.pipeline import areas
from skills_evidence.publishing import about


@pytest.fixture(scope="module")
def book():
    chapters, defined, _ = editions.load()
    return chapters, defined


def page_for(book, year: int, **changes) -> str:
    chapters, defined = book
    edition = dataclasses.replace(defined[year], **changes)
    return about.page(edition, [chapters[c] for c in edition.chapter_parameters], "Coventry City Council", "")


def test_every_item_of_a_statistical_release_is_on_the_page(book):
    text = page_for(book, 2022)
    for heading in (
        "Sources and their licences",
        "Methods and quality",
        "Licence",
        "How to cite",
        "Contact",
        "Publication and next update",
        "Revisions",
        "Accessibility statement",
    ):
        assert f"## {heading}\n" in text
    assert "Open Government Licence v3.0" in text and "reconciliation annex" in text


def test_dates_come_from_the_edition_never_typed(book):
    # data/editions.yaml: the 2022 edition was published 2026-11-22, so the next was planned for November 2027.
    text = page_for(book, 2022)
    assert "Published 2026-11-22" in text and "planned for November 2027" in text
    assert "Coventry City Council (2026). Coventry Skills Strategy evidence base, 2022 edition." in text
    moved = page_for(book, 2022, published="2027-03-05")
    assert "Published 2027-03-05" in moved and "planned for March 2028" in moved
    assert "is a draft" in page_for(book, 2026)  # the 2026 edition is not yet published


def test_the_sources_table_lists_every_dataset_the_edition_reads_with_its_licence(book):
    chapters, defined = book
    edition = defined[2022]
    read = {name for c in edition.chapter_parameters for name in edition.datasets(chapters[c])}
    table = about.sources(edition, [chapters[c] for c in edition.chapter_parameters])
    assert len(table) == len(read)
    entries = snapshots.load_sidecars()
    licences = {entries[snapshots.ref(n, edition.data[n])]["licence"] for n in read}
    assert set(table["Licence"]) == licences and "[x]" not in set(table["Publisher"])
    # The synthetic stand-ins are counted and said (HESA extract, university cities, Skills Survey export).
    assert table["synthetic"].sum() == 3 and "3 of them are synthetic stand-ins" in page_for(book, 2022)


def test_the_accessibility_statement_names_the_axe_core_the_tests_run(book):
    lock = json.loads((project_root() / about.AXE_LOCK).read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/axe-core"]["version"]
    assert f"axe-core {version}" in page_for(book, 2026)


def test_a_contact_set_in_the_data_is_printed(book):
    # data/editions.yaml `areas: <code>: contact:` (an example address, not a real one); the @ is escaped, as
    # Pandoc would otherwise read it as a citation.
    assert "Questions about these statistics: research\\@example.gov.uk." in page_for(
        book, 2026, contact="research@example.gov.uk"
    )


def test_words_from_data_never_become_markup_or_code(book):
    text = page_for(book, 2026, title="Evidence {{< include /etc/passwd >}} *base*")
    assert "{{<" not in text.split("---", 2)[2] and "\\*base\\*" in text
    assert "{{\u2060< include" in text.split("---", 2)[1]  # the citation metadata's shortcode is broken too


def test_another_areas_page_names_no_coventry_source():
    # The council's own KS2 figures (ocp_ks2_published) are read only in Coventry's book.
    chapters, defined, current, _ = areas.load("Kent")
    edition = defined[current]
    text = about.page(edition, [chapters[c] for c in edition.chapter_parameters], edition.author, "")
    assert "Coventry" not in text and "Kent" in text

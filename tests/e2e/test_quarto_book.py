"""The book of record is Quarto's: its generator tag, search, A4 PDF, CSV links that survive the file
being sent on, and the synthetic-data label on the same PDF page as every synthetic table."""

from __future__ import annotations

import re

import pytest
from document_text import docx_link_targets, docx_text, html_pages, pdf_pages, pdf_text
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

A4_POINTS = (595, 842)
SYNTHETIC_TABLE = re.compile(r"Table\s+[45]\.\d+:")  # chapters 4 and 5 (graduate retention, the survey) are synthetic
LABEL = "Synthetic data, illustrative only."


@pytest.fixture(scope="module")
def quarto_site(site, quarto_expected):
    if not quarto_expected:
        pytest.skip("Quarto is not installed and ../shared/quarto is absent: the book renders with the fallback here")
    return site


def test_every_page_is_rendered_by_quarto_with_search(quarto_site):
    root, reports = quarto_site
    for year, report in reports.items():
        assert report.renderer.startswith("quarto 1.11"), report.renderer
        book = root / "_book" / str(year)
        for page in html_pages(book):
            text = page.read_text(encoding="utf-8")
            assert '<meta name="generator" content="quarto-1.11.0">' in text, page
            assert 'id="quarto-search"' in text, page
        assert (book / "search.json").exists()


def test_pdf_is_a4_and_every_synthetic_table_has_its_label_on_the_same_page(quarto_site):
    root, reports = quarto_site
    for year, report in reports.items():
        pdf = report.files["pdf"]
        for page in PdfReader(pdf).pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
        tables = 0
        for number, text in enumerate(pdf_pages(pdf), start=1):
            flat = re.sub(r"\s+", " ", text)
            captions = SYNTHETIC_TABLE.findall(flat)
            tables += len(captions)
            assert flat.count(LABEL) >= len(captions), f"{year} PDF page {number}: a synthetic table without its label"
        assert tables >= 5, f"{year}: expected the retention and survey tables in the PDF"


def test_csv_links_in_pdf_and_word_name_the_file_instead_of_a_relative_path(quarto_site):
    root, reports = quarto_site
    files = reports[2022].files
    # Typst hyphenates at line ends ("pub- lished"); joined again before the phrase is looked for.
    pdf = re.sub(r"(\w)- (\w)", r"\1\2", re.sub(r"\s+", " ", pdf_text(files["pdf"])))
    for text in (pdf, docx_text(files["docx"])):
        assert (
            "outputs/skills_levels/skills_comparison.csv, published with the web version of this edition"
            in text.replace("outputs/ ", "outputs/")
        )
        assert "outputs/indicators.csv-metadata.json, published with the web version" in text.replace(
            "outputs/ ", "outputs/"
        )
    assert not [t for t in docx_link_targets(files["docx"]) if "outputs/" in t]
    for page in PdfReader(files["pdf"]).pages:
        for annotation in page.get("/Annots") or []:
            uri = annotation.get_object().get("/A", {}).get("/URI", "")
            assert "outputs/" not in str(uri), uri

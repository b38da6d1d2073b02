"""End to end: build the 2022 edition with the fallback renderer, open the HTML, PDF and DOCX, and
find the chapter's key numbers in each; then check the cache and what a failed notebook leaves."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from skills_evidence.build import build_edition
from skills_evidence.execute import NotebookFailed

pytestmark = pytest.mark.e2e

# ONS published: Coventry level 3+ 2021 = 58.9 (52.9 to 64.9), Great Britain 61.5; T19: Coventry level 4+ = 40.7.
KEY_NUMBERS = ["58.9", "61.5", "52.9 to 64.9", "40.7", "\u22122.6"]


def html_text(book: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in book.glob("*.html"))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_build_render_cache_and_failure(project_copy: Path):
    report = build_edition(2022, renderer="fallback")
    book = project_copy / "_book" / "2022"
    assert report.ran == ["skills_levels"] and report.cached == []
    assert (book / "index.html").exists() and (book / "book.pdf").exists() and (book / "book.docx").exists()

    html, pdf, docx = html_text(book), pdf_text(book / "book.pdf"), docx_text(book / "book.docx")
    for number in KEY_NUMBERS:
        assert number in html, f"{number} missing from HTML"
        assert number in docx, f"{number} missing from DOCX"
    for number in ["58.9", "61.5", "40.7"]:
        assert number in pdf, f"{number} missing from PDF"
    chapter = next(p for p in book.glob("*skills-levels*.html")).read_text(encoding="utf-8")
    assert 'lang="en-GB"' in chapter
    assert re.search(r'<img src="[^"]+" alt="Line chart of the percentage', chapter)
    assert 'href="outputs/skills_levels/skills_comparison.csv"' in chapter
    assert (book / "outputs/skills_levels/skills_comparison.csv").exists()
    indicators = (project_copy / "build/2022/outputs/indicators.csv").read_text()
    assert indicators.startswith("indicator_id,breakdown,geography_code,geography_name,period,value,ci_lower,ci_upper")

    again = build_edition(2022, renderer="fallback")
    assert again.ran == [] and again.cached == ["skills_levels"]

    before = (book / "index.html").read_bytes()
    nb_path = project_copy / "notebooks/skills_levels.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('raise ValueError("planted failure")'))
    nbformat.write(nb, nb_path)
    with pytest.raises(NotebookFailed) as err:
        build_edition(2022, renderer="fallback")
    assert "planted failure" in str(err.value) and "Partially executed notebook" in str(err.value)
    partial = Path(re.search(r"Partially executed notebook: (\S+)", str(err.value)).group(1))
    assert partial.exists()
    assert (book / "index.html").read_bytes() == before, "a failed build must leave the previous book in place"

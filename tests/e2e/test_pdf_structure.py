"""The PDFs' structure, read with pikepdf rather than trusting a flag: a tagged structure tree, alternative
text on every figure, the language and the title (shown by the viewer), no blank page, and nothing poppler
reports as an error. PDF/UA-1 itself is not declared: Quarto 1.11's book template fails Typst's PDF/UA
check (its outline's tags), see the README."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


def figures(node: object, found: list) -> list:
    """Every /Figure element of a structure tree, depth first."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            figures(child, found)
    elif isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Figure":
            found.append(node)
        if "/K" in node:
            figures(node.K, found)
    return found


def blank_pages(path: Path) -> list[int]:
    """Pages with no words beyond a running header and page number, and no image."""
    blank = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        words = re.sub(r"^\d+\s+Chapter\s+\d+\.\s.*$|^\d+$", "", page.extract_text() or "", flags=re.M).strip()
        images = page.get("/Resources", {}).get("/XObject", {})
        if not words and not images:
            blank.append(number)
    return blank


def check(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.get("/Lang", "")).startswith("en"), f"{path.name}: no language"
        assert str(pdf.docinfo.get("/Title", "")).strip(), f"{path.name}: no title"
        assert bool(root.ViewerPreferences.get("/DisplayDocTitle")), f"{path.name}: viewer shows the file name"
        assert bool(root.MarkInfo.Marked) and "/StructTreeRoot" in root, f"{path.name}: not tagged"
        found = figures(root.StructTreeRoot.K, [])
        assert found, f"{path.name}: no figure is tagged"
        assert all(str(f.get("/Alt", "")).strip() for f in found), f"{path.name}: a figure has no alternative text"
    assert blank_pages(path) == [], f"{path.name}: blank pages"
    poppler = shutil.which("pdfinfo")
    if poppler:
        said = subprocess.run([poppler, str(path)], capture_output=True, text=True).stderr
        assert "Error" not in said, f"{path.name}: poppler reports {said.strip()}"


def test_the_check_finds_a_blank_page_and_a_figure_without_text(tmp_path):
    # What the faults looked like: Quarto's template left blank right-hand pages before chapters.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "blank.pdf")
    assert blank_pages(tmp_path / "blank.pdf") == [1]
    figure = pikepdf.Dictionary(S=pikepdf.Name.Figure)
    assert figures(pikepdf.Array([pikepdf.Dictionary(S=pikepdf.Name.Sect, K=pikepdf.Array([figure]))]), []) == [figure]


def test_every_pdf_of_every_edition_is_tagged_titled_and_without_blank_pages(site):
    root, reports = site
    for year in reports:
        for path in sorted((root / "_book" / str(year)).glob("*.pdf")):
            check(path)


def test_the_fallbacks_pdfs_too(fallback_site):
    root, _ = fallback_site
    for path in sorted((root / "_book" / "2022").glob("*.pdf")):
        check(path)

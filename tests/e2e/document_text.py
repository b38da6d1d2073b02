"""Text and image counts from the three rendered formats, for comparing them."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader


def html_pages(book: Path) -> list[Path]:
    """The book's own web pages (index.html and chapters/*.html), not Quarto's site libraries."""
    return sorted(p for p in book.rglob("*.html") if "site_libs" not in p.parts)


def html_text(book: Path) -> str:
    """The visible text of every page, entities decoded (Quarto writes "Table&nbsp;1.1")."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8"))) for p in html_pages(book))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


def docx_link_targets(path: Path) -> list[str]:
    """Every hyperlink target in a Word document (its relationships file)."""
    with zipfile.ZipFile(path) as z:
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    return re.findall(r'Target="([^"]+)"[^>]*TargetMode="External"', rels)


def docx_images(path: Path, min_bytes: int = 10_000) -> int:
    """Charts in a Word document: its PNG media above `min_bytes` (Quarto adds ~1 kB callout icons)."""
    with zipfile.ZipFile(path) as z:
        return sum(
            1
            for i in z.infolist()
            if i.filename.startswith("word/media/") and i.filename.endswith(".png") and i.file_size > min_bytes
        )


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return " ".join(pdf_pages(path))


def pdf_images(path: Path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)

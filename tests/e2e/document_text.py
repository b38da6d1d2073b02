"""Text and image counts from the three rendered formats, for comparing them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pypdf import PdfReader


def html_text(book: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in sorted(book.glob("*.html")))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


def docx_images(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(1 for n in z.namelist() if n.startswith("word/media/"))


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def pdf_images(path: Path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)

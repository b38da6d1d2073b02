"""The edition's tables as an accessible spreadsheet (XLSX through gptables, and ODS), opened from the built
site and checked against the structure the Analysis Function's guidance on releasing statistics in
spreadsheets asks for: a cover, contents and notes, one table per sheet with its title in A1, no merged
cells, no blank figure; linked from every page and from the landing page."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from document_text import html_pages

from skills_evidence import editions
from skills_evidence.publishing import workbook

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def staged(site):
    """(the staged 2022 book, {"xlsx": path, "ods": path}) as `make book` built them."""
    root, _ = site
    out = root / "_book" / "2022"
    return root / "build" / "2022" / "book", {
        "xlsx": out / "skills-evidence-2022-tables.xlsx",
        "ods": out / "skills-evidence-2022-tables.ods",
    }


def test_the_xlsx_has_cover_contents_notes_then_one_table_per_sheet(staged):
    _, files = staged
    book = openpyxl.load_workbook(files["xlsx"])
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    tables = book.sheetnames[3:]
    assert tables == [f"Table_{n}" for n in range(1, len(tables) + 1)] and len(tables) >= 10
    for name in book.sheetnames:
        sheet = book[name]
        assert not sheet.merged_cells.ranges, f"{name} has merged cells"
        assert isinstance(sheet["A1"].value, str) and sheet["A1"].value.strip(), f"{name} has no title in A1"
    # The contents sheet lists every table sheet, each with its title.
    listed = [row[0] for row in book["Contents"].iter_rows(min_row=4, values_only=True) if row[0]]
    assert listed == tables
    # The cover names the council that publishes the book and the licence; the date is the edition's.
    cover = " ".join(str(c) for row in book["Cover"].iter_rows(values_only=True) for c in row if c)
    assert "Coventry City Council" in cover and "Open Government Licence" in cover
    assert "Published: 2026-11-22" in cover  # data/editions.yaml: the 2022 edition's publication date


def test_no_figure_is_a_blank_and_synthetic_tables_say_so(staged):
    _, files = staged
    book = openpyxl.load_workbook(files["xlsx"])
    titles, checked = {}, 0
    for name in book.sheetnames[3:]:
        rows = list(book[name].iter_rows(values_only=True))
        titles[name] = rows[0][0]
        header_at = next(i for i, row in enumerate(rows) if row[0] and row[1] is not None)
        header = rows[header_at]
        for column, label in enumerate(header):
            values = [row[column] for row in rows[header_at + 1 :]]
            numeric = [v for v in values if isinstance(v, (int, float))]
            if label in ("value", "ci_lower", "ci_upper", "rate") and numeric:
                checked += 1
                assert all(v is not None and v != "" for v in values), f"{name}.{label} has a blank figure"
                assert all(isinstance(v, (int, float)) or re.fullmatch(r"\[[cxzub]\]", v) for v in values)
    assert checked >= 10  # the figure columns of the indicators, comparison, series and survey tables were read
    synthetic = [t for t in titles.values() if "Graduate retention" in t or "Skills Survey" in t]
    assert synthetic and all("synthetic, illustrative data" in t for t in synthetic)
    notes = " ".join(str(c) for row in book["Notes"].iter_rows(values_only=True) for c in row if c)
    assert "[x] not available" in notes and "Synthetic, illustrative data" in notes


def test_the_ods_holds_the_same_sheets_and_tables(staged):
    _, files = staged
    xlsx = pd.read_excel(files["xlsx"], sheet_name=None, header=None)
    ods = pd.read_excel(files["ods"], sheet_name=None, header=None, engine="odf")
    assert list(ods) == list(xlsx)
    # Coventry's level 3+ in 2021 is ONS's published 58.9 in both files (the skills comparison table).
    for frames in (xlsx, ods):
        sheet = next(f for f in frames.values() if str(f.iloc[0, 0]).startswith("Qualification levels"))
        assert (sheet == 58.9).any().any()


def test_the_files_repeat_byte_for_byte(staged, tmp_path):
    book, files = staged
    again = workbook.write(book, tmp_path, editions.load()[1][2022], "skills-evidence-2022")
    assert all(again[k].read_bytes() == files[k].read_bytes() for k in files)


def test_every_page_and_the_landing_page_link_both_workbooks(site):
    root, reports = site
    for year in reports:
        for page in html_pages(root / "_book" / str(year)):
            text = page.read_text(encoding="utf-8")
            depth = len(page.relative_to(root / "_book" / str(year)).parts) - 1
            for suffix in ("xlsx", "ods"):
                link = f'href="{"../" * depth}skills-evidence-{year}-tables.{suffix}"'
                assert link in text, f"{page} does not link its {suffix} workbook"
    landing = (root / "_book" / "index.html").read_text(encoding="utf-8")
    assert 'href="2022/skills-evidence-2022-tables.xlsx"' in landing and "Tables (OpenDocument spreadsheet)" in landing

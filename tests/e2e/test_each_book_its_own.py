"""Issue 23: every English authority, every tier, and each book its own. Built for Tower Hamlets (a London
borough whose name takes a plural possessive), the City of London and the Isles of Scilly (too small for
most survey figures), Kent (a county, asked for by name), Cambridge (a shire district) and Cornwall (a
unitary whose DfE neighbours are counties), current edition, with the fallback renderer: every one builds;
no page, table, PDF or Word file names Coventry; no cell is broken; the monitoring page groups the measures
by theme rather than by Coventry's priorities; and a measure with no figure says why."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from skills_evidence.cli import app
from skills_evidence.pipeline.workspace import copy_project

pytestmark = pytest.mark.e2e

AREAS = {
    "Tower Hamlets": "E09000030",
    "City of London": "E09000001",
    "Isles of Scilly": "E06000053",
    "Kent": "E10000016",
    "Cambridge": "E07000008",
    "Cornwall": "E06000052",
}
#: The files listing every English authority, and Coventry's code, whose rows in them are its own.
EVERY_AUTHORITY = {"all_areas.csv", "maps.csv", "all_areas_series.csv"}
COVENTRY_CODE = "E08000026"
#: What a broken cell looked like when the issue was filed: a missing figure printed as a number or a blank.
BROKEN = re.compile(r"\bnan\b|\[x\] \(\)|0\.0 of 0\.0|\bNone\b")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("own") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
        for area in AREAS:
            result = CliRunner().invoke(app, ["build", "--area", area, "--renderer", "fallback"])
            assert result.exit_code == 0, result.output
        yield root


def text(page: Path) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))))


def every_text(book: Path) -> dict[str, str]:
    """Each file a reader can open, as text: pages, tables, the PDFs and the Word file."""
    out = {str(p.relative_to(book)): text(p) for p in book.rglob("*.html")}
    out |= {str(p.relative_to(book)): p.read_text(encoding="utf-8") for p in book.rglob("*.csv")}
    for pdf in book.rglob("*.pdf"):
        out[str(pdf.relative_to(book))] = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    for docx in book.rglob("*.docx"):
        with zipfile.ZipFile(docx) as archive:
            out[str(docx.relative_to(book))] = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode())
    for sheet in [*book.rglob("*.xlsx"), *book.rglob("*.ods")]:  # the spreadsheet of tables, every sheet
        frames = pd.read_excel(sheet, sheet_name=None, header=None, engine="odf" if sheet.suffix == ".ods" else None)
        out[str(sheet.relative_to(book))] = " ".join(f.astype(str).to_string() for f in frames.values())
    return out


@pytest.mark.parametrize("area", AREAS)
def test_no_page_table_or_document_of_another_councils_book_names_coventry(project: Path, area: str):
    books = [p for p in (project / "_book/areas" / AREAS[area]).iterdir() if p.is_dir()]
    assert books
    for book in books:
        files = every_text(book)
        assert any(name.endswith(".pdf") for name in files) and any(name.endswith(".docx") for name in files)
        assert any(name.endswith(".xlsx") for name in files) and any(name.endswith(".ods") for name in files)
        assert "about.html" in files
        # The tables of every English authority (where the area sits) hold Coventry's own row, as one of ~300:
        # nothing else in them may name it.
        for name in [n for n in files if n.rsplit("/", 1)[-1] in EVERY_AUTHORITY]:
            files[name] = "\n".join(line for line in files[name].splitlines() if COVENTRY_CODE not in line)
        named = sorted(name for name, content in files.items() if "Coventry" in content)
        assert named == [], f"{book.name}: {named}"
    landing = text(project / "_book/areas" / AREAS[area] / "index.html")
    assert "Coventry" not in landing


@pytest.mark.parametrize("area", AREAS)
def test_no_cell_of_the_monitoring_page_is_broken(project: Path, area: str):
    book = project / "_book/areas" / AREAS[area] / "2026"
    for page in (book / "chapters").glob("*.html"):
        assert not BROKEN.search(text(page)), (page.name, BROKEN.search(text(page)).group(0))
    for table in ("at_a_glance.csv", "progress.csv"):
        content = (book / "outputs/progress" / table).read_text(encoding="utf-8")
        assert "[x] ()" not in content and "0.0 of 0.0" not in content


def test_a_countys_book_has_its_own_figures_ranks_and_comparators(project: Path):
    # ONS claimant-count.csv 2025: Kent 3.3%, 51st of the 151 upper-tier authorities; its comparators are ONS's
    # similar areas (other counties), and the chapter built on districts' survey counts is left out, saying why.
    book = project / "_book/areas/E10000016"
    assert sorted(p.name for p in book.iterdir() if p.is_dir()) == ["2026"]
    page = text(book / "2026/chapters/progress.html")
    assert "Claimant Count (2025) 3.3%" in page and "51 of 151" in page and "ONS similar areas" in page
    assert not (book / "2026/chapters/skills-levels.html").exists()
    assert "Nomis publishes for districts and unitaries" in text(book / "2026/index.html")


def test_a_plural_name_takes_a_plain_apostrophe(project: Path):
    preface = text(project / "_book/areas/E09000030/2026/index.html")
    assert "Tower Hamlets’ residents" in preface or "Tower Hamlets' residents" in preface
    pages = every_text(project / "_book/areas/E09000030/2026")
    assert not [name for name, content in pages.items() if re.search(r"Hamlets['’]s", content)]


def test_the_monitoring_page_groups_by_theme_without_a_strategy(project: Path):
    page = text(project / "_book/areas/E09000030/2026/chapters/progress.html")
    assert "Official measures at a glance" in page and "eight priorities" not in page
    glance = (project / "_book/areas/E09000030/2026/outputs/progress/at_a_glance.csv").read_text(encoding="utf-8")
    assert glance.splitlines()[0].startswith("Measure,Theme,")
    assert "None from official data yet" not in glance
    # The council's own data (AEB, Job Shop, Workplace Wellbeing Award) is Coventry's to supply, not listed here.
    awaiting = (project / "_book/areas/E09000030/2026/outputs/progress/data_to_be_supplied.csv").read_text()
    assert "Job Shop" not in awaiting and "Real Living Wage" in awaiting


def test_a_measure_with_no_figure_says_why_in_the_publishers_shorthand(project: Path):
    # ONS's model-based unemployment file prints no figure for the City of London (too few residents): the
    # key messages name it with the [x] mark; the at-a-glance table holds only measures with a figure.
    page = text(project / "_book/areas/E09000001/2026/chapters/progress.html")
    assert "No figure for City of London in the official data:" in page
    assert "Unemployment rate ([x] not available" in page
    glance = (project / "_book/areas/E09000001/2026/outputs/progress/at_a_glance.csv").read_text(encoding="utf-8")
    assert "Unemployment rate" not in glance and "[x] ()" not in glance and "nan" not in glance


def test_one_page_lists_every_areas_book_built(project: Path):
    index = project / "_book/areas/index.html"
    listed = re.findall(r'href="(E\d{8})/index.html"', index.read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(AREAS.values())
    assert all((project / "_book/areas" / code / "index.html").is_file() for code in listed)
    assert "Kent" in text(index) and "Coventry" not in text(index)
    # Each area's own landing page links back to the list.
    assert 'href="../index.html"' in (project / "_book/areas" / AREAS["Kent"] / "index.html").read_text(
        encoding="utf-8"
    )

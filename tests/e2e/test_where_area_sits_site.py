"""Issue 26, on the built site: the current edition's page of where the area sits, rendered by Quarto, and an
area's book (Leicester) by the fallback. Each carries a map per measure and a distribution chart (static, in
the web page, the PDF and the Word file) and, on the web, the interactive map and series served offline from
the site itself: a hexagon's colour and words come from the all-areas table, a focused hexagon reads out its
figure, choosing an area whose book is built opens it, and axe finds no violation."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from test_accessibility import browsing, needs_chromium, violations
from test_self_contained import elsewhere
from typer.testing import CliRunner

from skills_evidence.chapters import maps
from skills_evidence.cli import app
from skills_evidence.pipeline.workspace import copy_project

pytestmark = pytest.mark.e2e

PAGE = "chapters/progress.html"  # the monitoring page, whose last section this is
LEICESTER = "E06000016"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("where") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
        for args in (["build"], ["build", "--area", LEICESTER, "--renderer", "fallback"]):
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.output
        yield root


def books(root: Path) -> dict[str, Path]:
    return {"Coventry": root / "_book" / "2026", "Leicester": root / "_book" / "areas" / LEICESTER / "2026"}


def test_each_book_carries_the_maps_and_distribution_in_every_format(project: Path):
    for name, book in books(project).items():
        page = (book / PAGE).read_text(encoding="utf-8")
        images = re.findall(r'<img src="([^"]+)"', page)
        assert any("fig-maps" in i for i in images) and any("fig-distribution" in i for i in images), name
        assert 'class="vega-chart"' in page
        pdf = book / "skills-evidence-2026.pdf"
        text = " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
        assert "hex cartogram" in text and "Where the area sits" in text, name
        with zipfile.ZipFile(book / "skills-evidence-2026.docx") as docx:
            assert sum(n.startswith("word/media/") for n in docx.namelist()) >= 3, name  # spine, maps, distribution


def test_no_page_loads_a_script_from_another_host(project: Path):
    for book in books(project).values():
        assert elsewhere(book) == {}
        for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "explore.js"):
            assert (book / "assets" / "interactive" / name).is_file(), name


def rows(book: Path, name: str) -> list[dict]:
    with (book / "outputs" / "progress" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def open_map(page):
    page.locator("details.explore-chart summary").first.click()
    page.wait_for_selector('details.explore-chart [role="graphics-symbol"][tabindex="0"]', timeout=30000)
    return page


@needs_chromium
def test_a_hexagon_has_the_colour_and_figure_of_its_authority_in_the_all_areas_table(project: Path):
    book = books(project)["Coventry"]
    with browsing(project) as open_page:
        page = open_page(book / PAGE)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        open_map(page)
        marks = page.evaluate(
            "() => [...document.querySelectorAll('details.explore-chart [role=\"graphics-symbol\"][aria-label]')]"
            ".map(m => [m.getAttribute('aria-label'), m.getAttribute('fill')])"
        )
    # Served offline: the chart fetched its scripts' work and its CSV from the site itself, nothing elsewhere.
    assert any(url.endswith("/outputs/progress/maps.csv") for url in requested)
    assert [url for url in requested if not url.startswith("http://127.0.0.1:")] == []
    shown = {label.split(":")[0]: (label, fill) for label, fill in marks}
    first = rows(book, "maps.csv")[0]["indicator_id"]  # the measure the map opens on
    figures = [r for r in rows(book, "all_areas.csv") if r["indicator_id"] == first]
    coventry = next(r for r in figures if r["geography_code"] == "E08000026")
    values = [float(r["value"]) for r in figures if r["value"]]
    scale = maps.scale(pd.Series(values), float(coventry["england_value"]), int(coventry["polarity"]))
    label, fill = shown["Coventry"]
    assert fill.lower() == scale.colour(float(coventry["value"]))
    assert f"{float(coventry['value']):,.0f}" in label and coventry["vs_england"] in label


@needs_chromium
def test_focus_reads_out_the_figure_and_choosing_a_built_area_opens_its_book(project: Path):
    book = books(project)["Coventry"]
    with browsing(project) as open_page:
        page = open_map(open_page(book / PAGE))
        leicester = page.locator('details.explore-chart [role="graphics-symbol"][aria-label^="Leicester:"]').first
        leicester.focus()
        readout = page.locator(".explore-readout").first
        assert readout.inner_text().startswith("Leicester:")
        cambridge = page.locator('details.explore-chart [role="graphics-symbol"][aria-label^="Cambridge:"]').first
        cambridge.focus()
        cambridge.press("Enter")
        page.wait_for_function("() => document.querySelector('.explore-readout').textContent.startsWith('No book')")
        leicester.focus()
        leicester.press("Enter")
        page.wait_for_url(f"**/areas/{LEICESTER}/index.html", timeout=10000)


@needs_chromium
def test_axe_finds_no_violation_with_the_interactive_charts_open(project: Path):
    from axe_playwright_python.sync_playwright import Axe
    from test_accessibility import WCAG_TAGS, pinned_axe

    assert violations(project, [b / PAGE for b in books(project).values()]) == {}
    axe = Axe(pinned_axe())
    with browsing(project) as open_page:
        for name, book in books(project).items():
            page = open_map(open_page(book / PAGE))
            page.locator("details.explore-chart summary").nth(1).click()
            page.wait_for_selector("details.explore-chart:nth-of-type(2) svg", timeout=30000)
            # The series chart names each point in words: the area's own line is there.
            page.wait_for_selector(f'details.explore-chart:nth-of-type(2) [aria-label^="{name}, "]', timeout=30000)
            found = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response["violations"]
            assert [(v["id"], len(v["nodes"])) for v in found] == []

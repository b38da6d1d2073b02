"""The book of record is Quarto's: its generator tag, search, A4 PDF, CSV links that survive the file
being sent on, and the synthetic-data label on the same PDF page as every synthetic table."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from document_text import docx_link_targets, docx_text, html_pages, pdf_pages, pdf_text
from pypdf import PdfReader

from skills_evidence.pipeline.build import build_edition
from skills_evidence.pipeline.workspace import copy_project
from skills_evidence.publishing import reproducible, staging, website
from skills_evidence.publishing.render import quarto, reach

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


def test_the_word_file_holds_no_folder_of_the_machine_that_built_it(quarto_site):
    """Pandoc describes each picture by its source path, and Quarto's callout icons (the synthetic-data warning,
    the notes) come from Quarto's own folder: the Word file named the build machine's folders and differed
    between two checkouts."""
    root, reports = quarto_site
    with zipfile.ZipFile(reports[2022].files["docx"]) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert 'descr="warning.png"' in body  # the synthetic-data warning's icon is there, described by its name
    resources = Path(quarto.executable()).resolve().parents[1]
    assert str(root) not in body and str(resources) not in body and "quarto-cli" not in body
    assert re.findall(r'descr="/[^"]*"', body) == []


def test_an_edition_built_in_another_checkout_is_the_same_bytes(quarto_site, tmp_path, monkeypatch):
    """Two checkouts of the project in different folders build one edition to the same files, byte for byte:
    before, the Word file held Quarto's folder and the render key in edition.json the staged notebooks' paths."""
    root, _ = quarto_site
    elsewhere = copy_project(tmp_path / "another" / "checkout", root)
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(elsewhere))
    build_edition(2022, renderer="quarto")
    sums = [reproducible.read_checksums(r / "_book" / "2022") for r in (root, elsewhere)]
    differing = sorted(n for n in sums[0].keys() | sums[1].keys() if sums[0].get(n) != sums[1].get(n))
    assert len(sums[0]) > 50 and differing in ([], ["edition.json"])
    # edition.json dates the book by the day it was first built: it may differ there alone, if midnight fell between.
    here, there = (
        {k: v for k, v in website.read_record(r / "_book" / "2022").items() if k != "built"} for r in (root, elsewhere)
    )
    assert here == there and here["render_key"]


def test_rendering_the_formats_at_once_gives_the_books_one_quarto_render_gives(quarto_site, tmp_path, monkeypatch):
    """Issue 27: the build renders HTML, PDF and Word in three processes at once (publishing.render.quarto).
    The staged 2022 book rendered that way and by one `quarto render` must give the same files, byte for byte
    (the same post-processing applied to both; the document date fixed, as the build fixes it)."""
    root, _ = quarto_site
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1656633600")
    staged = root / "build" / "2022" / "book"
    at_once = quarto.render(
        shutil.copytree(staged, tmp_path / "a" / "book"), tmp_path / "a" / "out", staging.output_stem(2022)
    )
    single = shutil.copytree(staged, tmp_path / "b" / "book")
    subprocess.run([quarto.executable(), "render", str(single)], cwd=single, capture_output=True, check=True)
    out = single / "_output"
    quarto.finish(out, single)
    made = at_once["html"].parent
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file())
    assert any(f.endswith(".pdf") for f in files) and any(f.endswith(".docx") for f in files)
    differ = [f for f in files if (out / f).read_bytes() != (made / f).read_bytes()]
    assert differ == []


def test_a_change_renders_again_only_the_pages_it_reaches_and_gives_the_files_a_full_render_gives(
    quarto_site, tmp_path, monkeypatch
):
    """Issue 27: with the HTML kept in a workspace between builds, a changed figure in the attainment chapter's
    notebook and a changed sentence it shows render that one page again, and the book then has the files a
    full render of the changed book gives, byte for byte (search index, sitemap, PDF and Word included)."""
    root, _ = quarto_site
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1656633600")
    stem = staging.output_stem(2022)
    book = shutil.copytree(root / "build" / "2022" / "book", tmp_path / "book")
    workspace = tmp_path / "workspace"
    first = quarto.render(book, tmp_path / "first", stem, workspace)["html"].parent

    notebook = nbformat.read(book / "notebooks" / "attainment.ipynb", as_version=4)
    shown = next(o for c in notebook.cells for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    shown["data"]["text/markdown"] += "\n\nA figure revised by its publisher.\n"
    nbformat.write(notebook, book / "notebooks" / "attainment.ipynb")
    variables = yaml.safe_load((book / "_variables.yml").read_text(encoding="utf-8"))
    variables["attainment"]["intro"] += " A sentence the change adds."
    (book / "_variables.yml").write_text(yaml.safe_dump(variables, sort_keys=True, allow_unicode=True, width=1000))

    asked: list[list[str] | None] = []
    decide = reach.pages_reached
    monkeypatch.setattr(reach, "pages_reached", lambda *a: asked.append(decide(*a)) or asked[-1])
    said: list[str] = []
    again = quarto.render(book, tmp_path / "again", stem, workspace, said.append)["html"].parent
    assert asked == [["chapters/attainment.qmd"]]
    assert said == ["web pages the change reaches, rendered again: chapters/attainment.qmd"]
    whole = quarto.render(book, tmp_path / "whole", stem, tmp_path / "fresh workspace")["html"].parent
    assert asked == [["chapters/attainment.qmd"]], "a first render in a workspace renders every page"

    files = sorted(p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (whole / f).read_bytes() != (again / f).read_bytes()] == []
    page = (again / "chapters" / "attainment.html").read_text(encoding="utf-8")
    assert "A figure revised by its publisher." in page and "A sentence the change adds." in page
    assert (first / "chapters" / "attainment.html").read_bytes() != page.encode()
    assert (first / "index.html").read_bytes() == (again / "index.html").read_bytes()


def test_a_partial_render_whose_search_index_quarto_left_unchanged_is_rendered_whole(
    quarto_site, tmp_path, monkeypatch
):
    """Once (2 December 2026, a fresh clone) Quarto's search update after a partial render wrote nothing though the
    page's text had changed, and the site's search kept the old text. Made to happen here by putting the index
    back after Quarto's partial run: the book then renders every page, and has a full render's files."""
    root, _ = quarto_site
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1656633600")
    stem = staging.output_stem(2022)
    book = shutil.copytree(root / "build" / "2022" / "book", tmp_path / "book")
    workspace = tmp_path / "workspace"
    quarto.render(book, tmp_path / "first", stem, workspace)
    variables = yaml.safe_load((book / "_variables.yml").read_text(encoding="utf-8"))
    variables["attainment"]["intro"] += " A sentence the change adds."
    (book / "_variables.yml").unlink()  # staging writes a new file; the workspace links the old one
    (book / "_variables.yml").write_text(yaml.safe_dump(variables, sort_keys=True, allow_unicode=True, width=1000))

    real_run, html_runs = quarto._run, []

    def run_leaving_the_index(command, staged, jobs):
        index = workspace / quarto.PROJECT / "_output" / "search.json"
        partial = "html" in jobs and jobs["html"][1] is not None
        kept = index.read_bytes() if partial else None
        real_run(command, staged, jobs)
        if "html" in jobs:
            html_runs.append(jobs["html"][1])
        if partial:  # its search update "wrote nothing"
            index.write_bytes(kept)

    monkeypatch.setattr(quarto, "_run", run_leaving_the_index)
    again = quarto.render(book, tmp_path / "again", stem, workspace)["html"].parent
    assert html_runs == [["chapters/attainment.qmd"], None]  # the partial run, then every page
    monkeypatch.setattr(quarto, "_run", real_run)
    whole = quarto.render(book, tmp_path / "whole", stem, tmp_path / "fresh workspace")["html"].parent
    assert (again / "search.json").read_bytes() == (whole / "search.json").read_bytes()
    assert "A sentence the change adds." in (again / "search.json").read_text(encoding="utf-8")

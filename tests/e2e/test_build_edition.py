"""End to end: build editions with the fallback renderer, open the HTML, PDF and DOCX, and check the
numbers, the formats, the comparison between editions, the landing page and the cache."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from document_text import docx_images, docx_text, html_pages, html_text, pdf_images, pdf_text

from skills_evidence.chapters import formatting
from skills_evidence.inputs import snapshots
from skills_evidence.pipeline.build import build_edition
from skills_evidence.pipeline.execute import NotebookFailed

pytestmark = pytest.mark.e2e

# ONS published: Coventry level 3+ 2021 = 58.9 (52.9 to 64.9), Great Britain 61.5; T19: Coventry level 4+ = 40.7.
KEY_NUMBERS_2022 = ["58.9", "61.5", "52.9 to 64.9", "40.7", "\u22122.6"]


CHAPTER_PAGES = [
    "about.html",  # About these statistics, after the chapters in every edition
    "chapters/attainment.html",
    "chapters/graduate-retention.html",
    "chapters/progress.html",
    "chapters/reconciliation.html",
    "chapters/skills-levels.html",
    "chapters/skills-survey.html",
    "chapters/what-changed.html",
    "index.html",
]
# Chapter 1 is the monitoring report (progress on the eight priorities), at the front of every edition.
PARITY_LABELS = [
    "Progress on the eight priorities",
    "Skills levels",
    "School attainment and attainment gaps",
    "Graduate retention",
    "The Coventry Skills Survey",
    "What changed since the last edition",
    "Table 1.1",
    "Figure 1.1",
    "Table 1.2",
    "Table 1.3",
    "Table 2.1",
    "Figure 2.1",
    "Table 3.1",
    "Figure 3.1",
    "Table 3.2",
    "Figure 4.1",
    "Table 4.1",
    "Table 4.2",
    "Table 5.1",
    "Table 5.4",
    "Figure 5.1",
    "Table 6.1",
    "Reconciliation with the printed Appendix B",
    "Table 7.1",
    "Table 7.2",
    "Synthetic data, illustrative only",
    "About these statistics",
]


def key_numbers_everywhere(book: Path, files: dict[str, Path]) -> None:
    html, pdf, docx = html_text(book), pdf_text(files["pdf"]), docx_text(files["docx"])
    for number in KEY_NUMBERS_2022:
        assert number in html and number in docx, number
    for number in ["58.9", "61.5", "40.7"]:
        assert number in pdf, number
    chapter = (book / "chapters/skills-levels.html").read_text(encoding="utf-8")
    assert 'lang="en-GB"' in chapter
    assert re.search(r'<img src="[^"]+"[^>]* alt="Line chart of the percentage', chapter)
    assert 'href="../outputs/skills_levels/skills_comparison.csv"' in chapter
    assert (book / "outputs/skills_levels/skills_comparison.csv").exists()


def test_2022_key_numbers_in_every_format(site):
    root, reports = site
    key_numbers_everywhere(root / "_book" / "2022", reports[2022].files)


def test_fallback_gives_the_same_numbers_and_page_addresses(site, fallback_site):
    root, reports = fallback_site
    book = root / "_book" / "2022"
    assert reports[2022].renderer == "pandoc+typst"
    key_numbers_everywhere(book, reports[2022].files)
    quarto_root, _ = site
    pages = {p.relative_to(book).as_posix() for p in html_pages(book)}
    assert pages == set(CHAPTER_PAGES)
    assert pages <= {
        p.relative_to(quarto_root / "_book/2022").as_posix() for p in html_pages(quarto_root / "_book/2022")
    }
    texts = {
        "html": html_text(book),
        "pdf": pdf_text(reports[2022].files["pdf"]),
        "docx": docx_text(reports[2022].files["docx"]),
    }
    for label in PARITY_LABELS:
        for kind, text in texts.items():
            assert label in re.sub(r"\s+", " ", text), f"{label!r} missing from the fallback {kind}"


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_html_pdf_and_docx_carry_the_same_chapters_tables_and_figures(site, year):
    root, reports = site
    book, files = root / "_book" / str(year), reports[year].files
    texts = {"html": html_text(book), "pdf": pdf_text(files["pdf"]), "docx": docx_text(files["docx"])}
    for label in PARITY_LABELS:
        for kind, text in texts.items():
            assert label in re.sub(r"\s+", " ", text), f"{label!r} missing from the {kind} of {year}"
    assert docx_images(files["docx"]) == 5 and pdf_images(files["pdf"]) == 5
    assert {p.relative_to(book).as_posix() for p in html_pages(book)} == set(CHAPTER_PAGES)


def test_2023_edition_flags_the_nvq_to_rqf_break_instead_of_comparing(site):
    root, _ = site
    changes = (root / "build/2023/outputs/what_changed/what_changed.csv").read_text()
    cov = [line for line in changes.splitlines() if ",E08000026," in line]
    l3 = next(line for line in cov if line.startswith("qual_l3plus_16_64"))
    assert "break in series (NVQ to RQF): not compared" in l3 and ",2021,NVQ,58.9," in l3 and ",2022,RQF,60," in l3


def test_2024_edition_reports_the_real_movements(site):
    # ONS RQF level 3+ for Coventry: 60.0 (56.4-63.6) in 2022, 68.2 (64.0-72.4) in 2023 → z ≈ 2.9, significant.
    # No qualifications: 11.5 (9.2-13.8) → 7.6 (5.2-10.0) → significant decrease. ONS's metadata for both says
    # estimates of change need "additional caution" (APS reweighting), and the page says so beside each.
    root, _ = site
    page = (root / "_book/2024/chapters/what-changed.html").read_text(encoding="utf-8")
    caution = "(ONS: treat with caution)"
    assert f"1 significant decrease {caution}" in page and f"1 significant increase {caution}" in page
    rows = {
        line.split(",")[0]: line
        for line in (root / "build/2024/outputs/what_changed/what_changed.csv").read_text().splitlines()
        if ",E08000026," in line
    }
    assert f",significant increase {caution}," in rows["qual_l3plus_16_64"] and ",8.2," in rows["qual_l3plus_16_64"]
    assert f",significant decrease {caution}," in rows["qual_none_16_64"]


def test_landing_page_lists_every_edition_with_its_files(site):
    root, _ = site
    landing = (root / "_book/index.html").read_text(encoding="utf-8")
    for year in (2022, 2023, 2024):
        record = json.loads((root / f"_book/{year}/edition.json").read_text())
        for relative in record["files"].values():
            assert f'href="{year}/{relative}"' in landing and (root / "_book" / str(year) / relative).exists()
    assert landing.index('<th scope="row">2024') < landing.index('<th scope="row">2022')  # newest first
    # The banner on every page links to the landing page, whatever the page's depth in the edition.
    for page in html_pages(root / "_book/2022"):
        link = re.search(r'class="edition-banner".*?href="([^"]+)"', page.read_text(encoding="utf-8"), flags=re.S)
        assert link and (page.parent / link.group(1)).resolve() == (root / "_book/index.html").resolve(), page


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_rebuilding_one_edition_never_alters_another(fallback_site, monkeypatch):
    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    before = tree_digest(root / "_book" / "2022")
    report = build_edition(2023, renderer="fallback")
    assert report.rendered and tree_digest(root / "_book" / "2022") == before


def test_a_rebuild_with_nothing_changed_does_not_render_again(site, monkeypatch):
    root, reports = site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    before = tree_digest(root / "_book" / "2022")
    again = build_edition(2022)  # how quickly: `make benchmark` measures it
    assert again.ran == [] and not again.rendered and again.renderer == reports[2022].renderer
    assert tree_digest(root / "_book" / "2022") == before


#: Libraries only running a notebook or rendering needs (nbformat brings jsonschema): a build with nothing to do
#: imported them all, half of its time beyond the command line's start-up (README, Performance).
RENDER_ONLY = ("nbformat", "jsonschema", "IPython", "papermill", "gptables", "openpyxl", "pikepdf", "pypandoc", "typst")


def test_a_rebuild_with_nothing_changed_imports_nothing_only_a_render_needs(fallback_site, monkeypatch):
    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    build_edition(2022, renderer="fallback")  # whatever a test before left to do is done here, not in the probe
    probe = (
        "import sys; from skills_evidence.pipeline.build import build_edition; "
        "report = build_edition(2022, renderer='fallback'); "
        f"print(report.ran, report.rendered, sorted(m for m in {RENDER_ONLY!r} if m in sys.modules))"
    )
    env = dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] False []", done.stderr


def test_cache_and_a_failed_notebook(project_copy: Path):
    report = build_edition(2022, renderer="fallback")
    chapters = [
        "attainment",
        "graduate_retention",
        "progress",
        "reconciliation",
        "skills_levels",
        "skills_survey",
        "what_changed",
    ]
    assert sorted(report.ran) == chapters and report.cached == []
    again = build_edition(2022, renderer="fallback")
    assert again.ran == [] and sorted(again.cached) == chapters and not again.rendered

    book = project_copy / "_book" / "2022"
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


def test_after_a_revised_input_is_accepted_the_next_build_runs_nothing(project_copy: Path):
    build_edition(2022, renderer="fallback")
    # A revision as ONS makes one: Coventry's 2021 Claimant Count rate (ONS published 6.7) raised to 6.8.
    revised = snapshots.dataset(snapshots.ref("ons_claimant_rate", "2026")).path
    text = revised.read_text(encoding="utf-8")
    assert text.count("\nE08000026,Coventry,2021,6.7,") == 1
    revised.write_text(text.replace("\nE08000026,Coventry,2021,6.7,", "\nE08000026,Coventry,2021,6.8,"), "utf-8")
    accepted = build_edition(2022, renderer="fallback", accept_changed_inputs=True)
    assert "progress" in accepted.ran and accepted.accepted_inputs == ["ons_claimant_rate@2026"]
    # The acceptance is saved in the dataset's sidecar, which every job reads; the next build must find the
    # cache keys this one recorded, the progress notebook's shared folder (a parameter) included.
    again = build_edition(2022, renderer="fallback")
    assert again.ran == [] and not again.rendered


def test_synthetic_retention_data_is_labelled_everywhere_it_is_used(site):
    root, _ = site
    for year in (2022, 2023, 2024):
        for chapter in ("retention", "survey"):
            page = next((root / "_book" / str(year) / "chapters").glob(f"*{chapter}*.html")).read_text(encoding="utf-8")
            assert "synthetic stand-in" in page and page.count("Synthetic data, illustrative only") >= 3
            assert re.search(r'alt="[^"]*synthetic', page, flags=re.I)
        preface = (root / "_book" / str(year) / "index.html").read_text(encoding="utf-8")
        assert "graduate retention and the Coventry Skills Survey use synthetic stand-ins" in preface
        landing = (root / "_book/index.html").read_text(encoding="utf-8")
        assert (
            "Graduate Outcomes (SYNTHETIC stand-in)" in landing
            and "Coventry Skills Survey (SYNTHETIC stand-in)" in landing
        )


def test_the_monitoring_report_leads_every_edition_with_its_scrutiny_summary(site):
    from pypdf import PdfReader

    root, reports = site
    for year in (2022, 2023, 2024):
        files = reports[year].files
        toc = html_text(root / "_book" / str(year))
        assert "1 Progress on the eight priorities" in re.sub(r"\s+", " ", toc)
        summary = PdfReader(files["scrutiny"])
        assert 1 <= len(summary.pages) <= 2, "the Scrutiny Board pack takes one or two A4 pages"
        width, height = (float(x) for x in summary.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in summary.pages))
        assert "Claimant Count" in text and "None from official data yet" in text and "Real Living Wage" in text
    # ONS Claimant Count for Coventry: 6.7% in 2021 (the baseline), 5.3% in 2023 (the 2024 edition's latest).
    text = " ".join(p.extract_text() for p in PdfReader(reports[2024].files["scrutiny"]).pages)
    assert "6.7% (2021)" in text and "5.3% (2023)" in text
    landing = (root / "_book/index.html").read_text(encoding="utf-8")
    assert landing.count("Scrutiny summary (A4 PDF)") == 3


def test_what_changed_covers_the_new_monitoring_measures(site):
    # ONS Claimant Count for Coventry: 6.7% in 2021 (2022 edition), 5.1% in 2022 (2023 edition); a count: not tested.
    root, _ = site
    rows = [
        line
        for line in (root / "build/2023/outputs/what_changed/what_changed.csv").read_text().splitlines()
        if line.startswith("claimant_rate_16_64,,E08000026,")
    ]
    assert len(rows) == 1 and ",2021,,6.7," in rows[0] and ",2022,,5.1," in rows[0]
    assert "decrease (no interval, not tested)" in rows[0]


def test_every_edition_publishes_indicators_csv_with_its_csvw_description(site):
    from csvw import CSVW

    root, _ = site
    for year in (2022, 2023, 2024):
        outputs = root / "_book" / str(year) / "outputs"
        table = CSVW(str(outputs / "indicators.csv-metadata.json"), validate=True)
        assert table.is_valid, year
        text = (outputs / "indicators.csv").read_text()
        assert not re.search(r",-?\d+(\.\d+)?e[+-]\d+,", text), "scientific notation in indicators.csv"
        # ONS published Coventry level 3+ 2021: 58.9 (52.9 to 64.9), NVQ basis, not synthetic.
        assert "qual_l3plus_16_64,framework:NVQ,E08000026,Coventry,2021,58.9,52.9,64.9," in text


def test_every_chapter_that_prints_differences_says_they_come_from_unrounded_figures(site):
    # One rounding rule in every chapter (ONS practice): differences from unrounded figures, said in a note.
    # Each chapter prints differences, changes or gaps: skills levels (2022: no qualifications 7.6 against
    # the West Midlands region's 7.7 prints −0.2, from 7.576 − 7.729), attainment gaps, the monitoring
    # page's changes, retention and survey changes, what changed, and the reconciliation's differences.
    root, _ = site
    for year in (2022, 2024):
        book = root / "_book" / str(year)
        for page in (p for p in CHAPTER_PAGES if p not in ("index.html", "about.html")):  # the chapters
            text = re.sub(
                r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", (book / page).read_text(encoding="utf-8")))
            )
            assert formatting.ROUNDING_NOTE in text, f"{year} {page} lacks the rounding note"
    skills = html.unescape((root / "_book/2022/chapters/skills-levels.html").read_text(encoding="utf-8"))
    assert "West Midlands region" in skills and "7.7 (\u22120.2, similar)" in skills


def test_each_page_links_the_same_page_in_every_earlier_published_edition(site):
    # A published page never changes, so it links the editions before it; the landing page lists those after.
    root, reports = site
    page = (root / "_book/2024/chapters/progress.html").read_text(encoding="utf-8")
    links = re.findall(r"This page in earlier editions: (.*?)\.</p>", page)[0]
    assert re.findall(r'href="([^"]+)"', links) == [
        "../../2022/chapters/progress.html",
        "../../2023/chapters/progress.html",
    ]
    assert all(
        (root / "_book/2024/chapters" / target).resolve().is_file() for target in re.findall(r'href="([^"]+)"', links)
    )
    assert "This page in earlier editions" not in (root / "_book/2022/chapters/progress.html").read_text(
        encoding="utf-8"
    )

"""Reliability and security of a build (issue 15): markup in data shown as text under both renderers,
one build of an edition at a time, stale work folders never read, and published editions that a
rebuild reproduces byte for byte."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from document_text import docx_text, html_pages, pdf_text

from skills_evidence.inputs import snapshots
from skills_evidence.pipeline import locks
from skills_evidence.pipeline.build import build_edition
from skills_evidence.pipeline.verify import verify_edition, verify_editions
from skills_evidence.publishing import reproducible
from skills_evidence.publishing.render import fallback

pytestmark = pytest.mark.e2e

SECRET = "probe-secret-7f3a9c"  # an environment value that must never reach a page (issue 24)
SHORTCODES = (
    "{{< env SKILLS_EVIDENCE_PROBE >}} {{% env SKILLS_EVIDENCE_PROBE %}} {{< include /etc/hostname >}} "
    "{{< meta title >}} a lone >}} and ::: fence"
)
PLANTED = "Coventry <img src=x onerror=alert(1)> *City* " + SHORTCODES


def shown(text: str) -> str:
    """Text as a reader sees it: entities decoded, word joiners (the shortcode breakers) dropped, white
    space folded."""
    return re.sub(r"\s+", " ", html.unescape(text).replace("\u2060", ""))


@pytest.mark.hostile
def test_markup_and_shortcodes_in_a_name_or_a_template_are_shown_as_text_in_every_format_under_both_renderers(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SKILLS_EVIDENCE_PROBE", SECRET)
    lookup = snapshots.dataset("lad21_reference").path
    lookup.write_text(lookup.read_text(encoding="utf-8").replace(",Coventry,", f",{PLANTED},"), encoding="utf-8")
    templates = project_copy / "chapters/skills-levels.sentences.yaml"
    spec = yaml.safe_load(templates.read_text(encoding="utf-8"))
    spec["headline"] = "{% raw %}Template says " + SHORTCODES + "{% endraw %} " + spec["headline"]
    templates.write_text(yaml.safe_dump(spec, allow_unicode=True, width=1000), encoding="utf-8")
    report = build_edition(2022, accept_changed_inputs=True)
    fallback_files = fallback.render(project_copy / "build/2022/book", tmp_path / "fallback", "fallback")
    books = {
        report.renderer: (project_copy / "_book/2022", report.files),
        "fallback": (tmp_path / "fallback", fallback_files),
    }
    for renderer, (book, files) in books.items():
        pages = [p.read_text(encoding="utf-8") for p in html_pages(book)]
        assert not any(re.search(r"<img[^>]*onerror", page) for page in pages), f"{renderer}: markup reached the HTML"
        assert not any("<em>City</em>" in page for page in pages), f"{renderer}: emphasis from data was applied"
        texts = {
            "html": " ".join(pages),
            "search.json": " ".join(p.read_text(encoding="utf-8") for p in book.rglob("search.json")),
            "pdf": pdf_text(files["pdf"]),
            "docx": docx_text(files["docx"]),
        }
        assert not [kind for kind, text in texts.items() if SECRET in text], f"{renderer}: the environment leaked"
        for kind in ("html", "pdf", "docx"):
            assert PLANTED in shown(texts[kind]), f"{renderer} {kind}: the name is not shown as written"
            assert f"Template says {SHORTCODES}" in shown(texts[kind]), f"{renderer} {kind}: the template's text"


@pytest.mark.bad_input
def test_a_second_build_of_the_same_edition_stops_at_once_naming_the_first(project_copy: Path):
    with locks.editions_locked(project_copy / "build", [2022]):
        with pytest.raises(locks.EditionBusy, match=rf"the 2022 edition is being built by process {os.getpid()}"):
            build_edition(2022, renderer="fallback")
        second = subprocess.run(
            [sys.executable, "-m", "skills_evidence", "build", "--edition", "2022", "--renderer", "fallback"],
            capture_output=True,
            text=True,
            env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(project_copy)),
            timeout=60,
        )
    assert second.returncode == 1
    assert f"being built by process {os.getpid()}" in re.sub(r"\s+", " ", second.stderr + second.stdout)
    assert not (project_copy / "_book").exists()


def test_stale_work_folders_are_never_read_as_outputs(fallback_site, monkeypatch):
    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    outputs = root / "build/2022/outputs"
    for stale in ("skills_levels.partial", "chapter_from_an_old_build"):
        (outputs / stale).mkdir(exist_ok=True)
        (outputs / stale / "indicators.csv").write_text(
            (outputs / "skills_levels/indicators.csv").read_text().replace("qual_", "stale_"), encoding="utf-8"
        )
        # Its key figures would collide with the chapter's own ("already defined by another chapter").
        shutil.copy2(outputs / "skills_levels/key_figures.yml", outputs / stale / "key_figures.yml")
    try:
        report = build_edition(2022, renderer="fallback")
    finally:
        for stale in ("skills_levels.partial", "chapter_from_an_old_build"):
            shutil.rmtree(outputs / stale)
    assert report.ran == [] and "stale_" not in (outputs / "indicators.csv").read_text()


def test_verify_rebuilds_every_edition_byte_for_byte_and_finds_an_altered_file(site, monkeypatch):
    root, reports = site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    book = root / "_book/2022"
    assert set(reproducible.read_checksums(book)) == set(reproducible.checksums(book))
    altered = book / "chapters/attainment.html"
    original = altered.read_bytes()
    altered.write_bytes(original.replace(b"</body>", b"<!-- edited by hand --></body>"))
    record = root / "_book/2023/edition.json"  # what the landing page is built from (issue 24)
    recorded = record.read_bytes()
    record.write_bytes(recorded.replace(b'"published": "2026-11-22"', b'"published": "2019-01-01"'))
    try:
        results = {r.edition: r for r in verify_editions(sorted(reports))}
    finally:
        altered.write_bytes(original)
        record.write_bytes(recorded)
    # Every file of every edition (HTML, PDF, DOCX, CSVs, figures, search index) came out of a rebuild
    # byte-identical; the one file edited by hand after publication is reported.
    assert {year: r.renderer for year, r in results.items()} == {year: r.renderer for year, r in reports.items()}
    assert all(r.files > 20 for r in results.values())
    assert {year: r.differing for year, r in results.items()} == {
        2022: ["chapters/attainment.html"],
        2023: ["edition.json"],
        2024: [],
    }


def test_verify_passes_for_the_fallback_edition(fallback_site, monkeypatch):
    root, _ = fallback_site
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
    result = verify_edition(2022)
    assert result.renderer == "pandoc+typst" and result.differing == []

"""Issue 14: `skills-evidence build --area` builds the book for any English local authority, here a
unitary authority outside any combined authority (Leicester) and a metropolitan district inside one
(Birmingham), each with its own comparators and without the chapters whose data is Coventry's own."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skills_evidence.cli import app
from skills_evidence.pipeline.workspace import copy_project

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("areas") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKILLS_EVIDENCE_ROOT", str(root))
        for area in ("Leicester", "E08000025"):
            result = CliRunner().invoke(app, ["build", "--area", area, "--edition", "2025", "--renderer", "fallback"])
            assert result.exit_code == 0, result.output
        yield root


def text(page: Path) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))))


def test_leicester_unitary_outside_any_combined_authority(project: Path):
    book = project / "_book/areas/E06000016/2025"
    pages = {p.name for p in (book / "chapters").glob("*.html")}
    assert pages == {"progress.html", "skills-levels.html", "attainment.html", "what-changed.html"}
    preface = text(book / "index.html")
    assert "the skills of Leicester’s residents and pupils" in preface
    assert "leaves out the chapters built on one council’s own data: graduate retention, from a Graduate" in preface
    # ONS Explore Local Statistics, level 3+ (RQF) 2023: Leicester 51.5% (46.7 to 56.3); East Midlands region;
    # no combined authority (ONS LAD to CA lookup, May 2024).
    progress = text(book / "chapters/progress.html")
    assert "Level 3 and above (2023) 51.5%" in progress
    skills = (book / "outputs/skills_levels/skills_comparison.csv").read_text(encoding="utf-8")
    assert "East Midlands region" in skills and "Combined Authority" not in skills
    # DfE's statistical neighbours (May 2025 set, first Luton) give Leicester a KS2 neighbour average.
    indicators = (book / "outputs/indicators.csv").read_text(encoding="utf-8")
    assert "ks2_rwm_expected,,dfe_sn_2025,Leicester's statistical neighbours (average),2024/25," in indicators


def test_every_fallback_page_names_its_chapters_with_their_words_not_shortcodes(project: Path):
    book = project / "_book/areas/E06000016/2025"
    pages = sorted(book.rglob("*.html"))
    assert len(pages) == 6 and not [p.name for p in pages if "{{" in html.unescape(p.read_text(encoding="utf-8"))]
    # The progress chapter's heading is a key figure (chapters/progress.sentences.yaml: its title).
    assert '<a href="chapters/progress.html">1 Official measures at a glance</a>' in (book / "index.html").read_text(
        encoding="utf-8"
    )


def test_an_areas_book_built_again_with_nothing_changed_names_its_own_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    # The message once named Coventry's folder (_book/2025/) for every area's book.
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(project))
    result = CliRunner().invoke(app, ["build", "--area", "E06000016", "--edition", "2025", "--renderer", "fallback"])
    assert result.exit_code == 0, result.output
    said = re.sub(r"\s+", " ", result.output)
    assert "unchanged since _book/areas/E06000016/2025/ was made: not rendering again" in said
    assert "_book/2025/" not in said


def test_an_areas_previous_edition_is_computed_for_the_comparison_without_its_charts(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    previous = project / "build/areas/E06000016/2024"
    assert sorted(p.name for p in (previous / "notebooks").iterdir()) == [
        "attainment.indicators-only.ipynb",
        "progress.indicators-only.ipynb",
        "skills_levels.indicators-only.ipynb",
    ]
    assert not list((previous / "outputs").rglob("*.png")) and (previous / "outputs/indicators.csv").exists()
    # What changed compares the 2024 edition's Claimant Count with the 2025 edition's: ONS Explore Local Statistics,
    # Leicester 4.8% in 2023 and 5.5% in 2024 (data/snapshots/ons-els/2026/claimant_count.csv, source rows 2086-2087).
    changed = text(project / "_book/areas/E06000016/2025/chapters/what-changed.html")
    assert "Claimant Count, residents aged 16-64 4.8 (2023) 5.5 (2024) +0.7" in changed
    # Building that edition's own book runs its notebooks, charts and all: the figures-only run is not its cache.
    monkeypatch.setenv("SKILLS_EVIDENCE_ROOT", str(project))
    result = CliRunner().invoke(app, ["build", "--area", "E06000016", "--edition", "2024", "--renderer", "fallback"])
    assert result.exit_code == 0, result.output
    assert "notebook progress (2024) ran in" in result.output
    assert (previous / "notebooks/progress.ipynb").exists() and list((previous / "outputs").rglob("*.png"))
    assert (project / "_book/areas/E06000016/2024/chapters/progress.html").exists()


def test_birmingham_metropolitan_district_in_the_west_midlands_combined_authority(project: Path):
    book = project / "_book/areas/E08000025/2025"
    # ONS Claimant Count 2024 (claimant-count.csv): Birmingham 9.4%, the highest of the 292 English districts
    # and unitaries of 2021 with a figure (the 2025 edition ranks over 2021 boundaries; counted with csv).
    progress = text(book / "chapters/progress.html")
    assert "Claimant Count (2024) 9.4%" in progress and "Claimant Count (2024) 292 of 292" in progress
    skills = (book / "outputs/skills_levels/skills_comparison.csv").read_text(encoding="utf-8")
    assert "West Midlands Combined Authority" in skills and "West Midlands region" in skills
    landing = (project / "_book/areas/E08000025/index.html").read_text(encoding="utf-8")
    assert "not yet published (draft first built" in landing  # Coventry's publication dates are not its
    assert not (project / "_book/2025").exists()  # Coventry's editions are not touched


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("E07000150", "E07000150 (Corby) is a former code"),
        ("Cardiff", "W06000015 (Cardiff) is not in England"),
        ("Leicestr", "did you mean Leicester"),
        ("E06999999", "'E06999999' is not an English local authority code or name"),
    ],
)
def test_an_area_without_a_book_is_refused_by_name(project_copy: Path, area: str, message: str):
    result = CliRunner().invoke(app, ["build", "--area", area, "--edition", "2025", "--renderer", "fallback"])
    assert result.exit_code == 1 and message in re.sub(r"\s+", " ", result.output)
    assert not (project_copy / "build").exists()

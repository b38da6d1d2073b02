"""Sentences live in chapters/<chapter>.sentences.yaml, beside the .qmd, and are filled by a small template step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from skills_evidence.chapters import prose, skills_levels
from skills_evidence.editions import inputs as pinned
from skills_evidence.editions import load
from skills_evidence.paths import project_root
from skills_evidence.publishing import about

TEMPLATES = sorted((project_root() / "chapters").glob("*.sentences.yaml"))
TYPED_NUMBER = re.compile(r"\d+\.\d+\s*(%|per ?cent|percentage|points)")
TYPED_YEAR = re.compile(r"\b(19|20)\d\d\b")  # years come from the data or the library's constants


def coventry_2021_headline() -> str:
    result = skills_levels.compute(
        skills_levels.read_inputs(*pinned("skills_levels", 2022)), "E08000026", "2021", "2021"
    )
    return skills_levels.key_figures(result)["skills"]["sentences"]["headline"]


def test_every_chapter_has_its_sentences_beside_its_qmd():
    # The About page has sentences but no .qmd: staging writes it from the edition (publishing/about.py). A
    # chapter's companion page (where the area sits, after the monitoring report) uses its chapter's sentences.
    qmds = {p.stem for p in (project_root() / "chapters").glob("*.qmd")}
    companions = {Path(c.companion[0]).stem for c in load()[0].values() if c.companion}
    assert companions == {"where-area-sits"}
    assert {p.name.removesuffix(".sentences.yaml") for p in TEMPLATES} == (qmds - companions) | {about.CHAPTER}


def test_no_number_is_typed_into_a_sentence_template():
    for path in TEMPLATES:
        words = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", path.read_text(), flags=re.S)
        assert not TYPED_NUMBER.search(words), f"{path} types a figure: {TYPED_NUMBER.search(words).group(0)}"
        assert not TYPED_YEAR.search(words), f"{path} types a year: {TYPED_YEAR.search(words).group(0)}"


def test_the_headline_quotes_ons_figures_for_coventry_2021():
    # ONS published 58.9 (52.9 to 64.9) for Coventry level 3+ in 2021 and 61.5 for Great Britain.
    assert coventry_2021_headline().startswith(
        "In 2021, 58.9% of Coventry's residents aged 16 to 64 were qualified to level 3"
    )
    assert "(95% confidence interval 52.9 to 64.9), against 61.5% across Great Britain" in coventry_2021_headline()


def test_a_policy_officer_changes_a_word_without_touching_python(project_copy: Path):
    path = project_copy / "chapters/skills-levels.sentences.yaml"
    path.write_text(path.read_text().replace("were qualified to level 3", "held qualifications at level 3"))
    assert (
        "58.9% of Coventry's residents aged 16 to 64 held qualifications at level 3 or above"
        in coventry_2021_headline()
    )


def test_a_misspelt_figure_name_is_an_error_naming_the_file_and_sentence(project_copy: Path):
    path = project_copy / "chapters/skills-levels.sentences.yaml"
    path.write_text(path.read_text().replace("{{ l3plus.ci }}", "{{ l3plus.interval }}"))
    with pytest.raises(prose.TemplateError, match=r"skills-levels.sentences.yaml: sentence 'headline'.*interval"):
        coventry_2021_headline()


def test_a_missing_figure_takes_the_not_available_variant():
    # Key figures mark a figure the data lacks with a shorthand such as [x]; the template's variant says so.
    text = prose.render(
        "skills-levels", "headline", l3plus={"value": "[x]"}, period="2024", area="Coventry", gb="Great Britain"
    )
    assert text == (
        "Figures on qualification levels for 2024 (Annual Population Survey, January to December) "
        "are not in this edition's inputs (a newer release than the inputs hold is needed)."
    )


def test_templates_are_plain_yaml_mappings_of_text():
    for path in TEMPLATES:
        spec = yaml.safe_load(path.read_text())
        assert spec and all(isinstance(v, str) for v in spec.values()), path


def test_a_changed_template_or_catalogue_reruns_the_chapter_notebook():
    from skills_evidence import editions
    from skills_evidence.pipeline import build

    chapters, defined, _ = editions.load()
    root = project_root()
    (job,) = [
        j
        for j in build.analysis_jobs(defined[2025], chapters, root, root / "build" / "2025")
        if j.chapter_id == "skills_levels"
    ]
    assert root / "chapters/skills-levels.sentences.yaml" in job.inputs and root / "data/indicators.yaml" in job.inputs


def test_a_year_the_publisher_has_not_released_shows_the_latest_held_with_its_reason():
    # The 2025 edition asks for APS 2024; ONS suspended level 3+ updates until the APS reweighting (its
    # qualifications-level-3-or-above.json caveats), so the table shows 2023: ONS published 68.2 (64.0 to 72.4).
    result = skills_levels.compute(
        skills_levels.read_inputs(*pinned("skills_levels", 2025)), "E08000026", "2024", "2024"
    )
    sentences = result.key_figures["skills"]["sentences"]
    assert (result.period, result.asked_period) == ("2023", "2024")
    assert sentences["period_note"] == (
        "The Office for National Statistics has not published figures for 2024 in the data this edition reads; "
        'it says: "Updates to this indicator have been temporarily suspended until the APS reweighting is '
        'implemented in 2026." The tables and sentences on this page therefore give 2023, the latest year published.'
    )
    assert sentences["headline"].startswith("In 2023, 68.2% of Coventry's residents aged 16 to 64")
    shown = skills_levels.comparison_table(result)
    assert "68.2 (64.0 to 72.4)" in shown.to_string()


def test_a_year_that_is_held_says_nothing_about_missing_figures():
    # The 2022 edition asks for 2021, which ONS published (58.9 for Coventry): no note, the year as asked.
    result = skills_levels.compute(
        skills_levels.read_inputs(*pinned("skills_levels", 2022)), "E08000026", "2021", "2021"
    )
    assert result.key_figures["skills"]["sentences"]["period_note"] == "" and result.period == "2021"


def test_figures_round_half_up_as_ons_does():
    # ONS rounds halves up: 64.55 is printed 64.6 (Python's float formatting gave 64.5), a change of -2.25 is
    # -2.3, and a tiny negative difference is 0.0, never -0.0.
    from skills_evidence.chapters.formatting import number, signed

    assert (number(64.55), signed(-2.25), number(-0.04), signed(0.04)) == ("64.6", "\u22122.3", "0.0", "0.0")

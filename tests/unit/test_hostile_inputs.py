"""Inputs that people who edit words and data could get wrong, or an attacker could plant (issue 24):
each is refused naming its file (and line or row), or shown as the text it is. Counted in the suite's
closing summary under "hostile inputs"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml

from skills_evidence import csvfiles, editions
from skills_evidence.chapters import prose
from skills_evidence.inputs import snapshots, validation
from skills_evidence.inputs.loaders import InputFileError

pytestmark = pytest.mark.hostile

CLAIMANT = "data/snapshots/ons-els/2026/claimant_count.csv"
L3 = "data/snapshots/ons-els/2025/l3plus_16_64_rqf.csv"


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV (line numbers count the header as 1)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


# --- sentence templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ area.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.environ }}",
        "{% set x = [].append(1) %}{{ area }}",
    ],
)
def test_a_template_cannot_run_code_or_reach_python_internals(project_copy: Path, attack: str):
    path = project_copy / "chapters/skills-levels.sentences.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["headline"] = attack
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    with pytest.raises(prose.TemplateError, match=r"skills-levels\.sentences\.yaml: sentence 'headline'"):
        prose.render("skills-levels", "headline", area=["Coventry"], l3plus={"value": "58.9"}, period="2021")


# --- published CSVs --------------------------------------------------------------------------------------


def test_cells_a_spreadsheet_would_run_are_written_as_text_and_numbers_are_untouched(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "geography_name": ['=HYPERLINK("http://x","y")', "+1+2", "@SUM(A1)", "\tTab", "\rCR", "-2+3", "Coventry"],
            "difference": ["-11.6", "+0.2", "-0.05", "1e3", "-", "−0.2", "[x]"],
            "value": [-11.645, 2.0, 3.5, None, 1.0, 0.0, 4.0],
        }
    )
    written = pd.read_csv(csvfiles.write(frame, tmp_path / "t.csv"), dtype=str, keep_default_na=False)
    assert written["geography_name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1+2",
        "'@SUM(A1)",
        "'\tTab",
        "'\nCR",  # a carriage return inside a cell would split the row: written as a (quoted) line feed
        "'-2+3",
        "Coventry",
    ]
    # Numbers written as text stay numbers; a lone dash is text a spreadsheet would read as a formula start.
    assert written["difference"].tolist() == ["-11.6", "+0.2", "-0.05", "1e3", "'-", "−0.2", "[x]"]
    assert written["value"].tolist() == ["-11.645", "2", "3.5", "", "1", "0", "4"]


# --- sidecars ------------------------------------------------------------------------------------------


def sidecar(root: Path, data_file: str) -> Path:
    return root / (data_file + snapshots.SIDECAR)


@pytest.mark.parametrize("key", ["schema", "sha256", "file"])
def test_a_sidecar_without_schema_checksum_or_file_is_refused_by_name(project_copy: Path, key: str):
    path = sidecar(project_copy, CLAIMANT)
    entry = yaml.safe_load(path.read_text())
    del entry[key]
    path.write_text(yaml.safe_dump(entry, sort_keys=False))
    with pytest.raises(snapshots.SidecarError, match=rf"claimant_count\.csv\.meta\.yaml lacks {key}"):
        snapshots.load_sidecars()


@pytest.mark.parametrize("target", ["../2025/l3plus_16_64_rqf.csv", "/etc/passwd", "median_weekly_pay.csv"])
def test_a_sidecar_pointing_at_another_file_is_refused_and_nothing_is_overwritten(project_copy: Path, target: str):
    path = sidecar(project_copy, CLAIMANT)
    others = {p: p.read_bytes() for p in (project_copy / "data").rglob("*.meta.yaml") if p != path}
    path.write_text(path.read_text().replace("file: claimant_count.csv", f"file: {target}"))
    with pytest.raises(snapshots.SidecarError, match=r"claimant_count\.csv\.meta\.yaml"):
        snapshots.verify(["ons_claimant_rate@2026"], accept_changed=True)
    assert all(p.read_bytes() == before for p, before in others.items())


def test_a_malformed_sidecar_is_named(project_copy: Path):
    path = sidecar(project_copy, CLAIMANT)
    path.write_text(path.read_text() + "  : : [\n")
    with pytest.raises(snapshots.SidecarError, match=r"claimant_count\.csv\.meta\.yaml is not valid YAML"):
        snapshots.load_sidecars()


# --- values the schema must refuse ---------------------------------------------------------------------


def test_a_share_of_150_percent_is_refused_with_file_row_and_column(project_copy: Path):
    set_cell(project_copy / CLAIMANT, 6301, "value", "150")
    with pytest.raises(InputFileError) as err:
        validation.validate("ons_claimant_rate@2026")
    assert (err.value.row, err.value.column) == (6301, "value") and "claimant_count.csv" in str(err.value)


def test_a_value_outside_its_own_confidence_interval_is_refused(project_copy: Path):
    # ONS published 68.2 (64.0 to 72.4) for Coventry level 3+ 2023; 75.0 lies outside that interval.
    set_cell(project_copy / L3, 505, "value", "75.0")
    with pytest.raises(InputFileError, match=r"row 505.*inside its own interval ci_lower to ci_upper"):
        validation.validate("ons_l3plus_rqf@2025")


def test_a_period_in_the_future_is_refused_not_dropped(project_copy: Path):
    set_cell(project_copy / CLAIMANT, 6301, "period", "2099")
    with pytest.raises(InputFileError) as err:
        validation.validate("ons_claimant_rate@2026")
    assert (err.value.row, err.value.column) == (6301, "period") and "cannot be in the future" in str(err.value)


def test_acceptance_of_a_changed_input_is_recorded_only_after_it_validates(project_copy: Path):
    from skills_evidence.pipeline.build import build_edition

    set_cell(project_copy / CLAIMANT, 6301, "value", "150")
    before = sidecar(project_copy, CLAIMANT).read_bytes()
    with pytest.raises(InputFileError):
        build_edition(2025, accept_changed_inputs=True, renderer="fallback")
    assert sidecar(project_copy, CLAIMANT).read_bytes() == before


# --- data/editions.yaml --------------------------------------------------------------------------------


def edit_editions(root: Path, change) -> Path:
    path = root / "data/editions.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    lines = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if text in line]
    return lines[occurrence - 1]


def test_a_second_entry_for_the_same_year_is_refused_naming_both_lines(project_copy: Path):
    path = edit_editions(
        project_copy,
        lambda t: t + "  - year: 2025\n    title: Another title\n    area_code: E08000026\n    chapters: {}\n",
    )
    first, second = line_of(path, "- year: 2025"), line_of(path, "- year: 2025", 2)
    with pytest.raises(
        editions.ConfigError, match=rf"line {second}: edition 2025 is defined twice \(first at line {first}\)"
    ):
        editions.load()


def test_a_misspelt_key_is_refused_naming_file_and_line(project_copy: Path):
    title = "    title: Coventry Skills Strategy evidence base\n    subtitle: 2023"
    path = edit_editions(project_copy, lambda t: t.replace(title, title.replace("title:", "titel:"), 1))
    line = line_of(path, "titel:")
    with pytest.raises(
        editions.ConfigError, match=rf"editions\.yaml, line {line}: an edition has an unknown key 'titel'"
    ):
        editions.load()


def test_malformed_yaml_names_the_file(project_copy: Path):
    edit_editions(project_copy, lambda t: t.replace("current: 2026", "current: [2026"))
    with pytest.raises(editions.ConfigError, match=r"data/editions\.yaml is not valid YAML"):
        editions.load()

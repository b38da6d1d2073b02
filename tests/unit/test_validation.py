"""Each damaged input from the reliability review (issue 15's table) is refused before any notebook
runs, with the file, the row and the column named; a good file, BOM and CRLF included, passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence.inputs import snapshots, validation
from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.pipeline.build import build_edition

T19 = "aps_t19_qualifications"
LAD = "lad21_reference"


def t19(root: Path) -> Path:
    return root / snapshots.dataset(T19).path


def edit_lines(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell (CSV line numbers count the header as 1)."""

    def change(lines):
        header = lines[0].split(",")
        cells = lines[line - 1].split(",")
        cells[header.index(column)] = value
        lines[line - 1] = ",".join(cells)
        return lines

    edit_lines(path, change)


@pytest.mark.bad_input
@pytest.mark.parametrize("value", ["n/a", "*"])
def test_text_in_a_numeric_cell_names_file_row_and_column(project_copy: Path, value: str):
    set_cell(t19(project_copy), 5, "count", value)
    with pytest.raises(InputFileError) as err:
        validation.validate(T19)
    assert err.value.row == 5 and err.value.column == "count" and str(t19(project_copy)) in str(err.value)
    assert f"{value!r} is not a plain number or blank" in str(err.value)


@pytest.mark.bad_input
def test_two_column_names_swapped(project_copy: Path):
    edit_lines(t19(project_copy), lambda lines: [lines[0].replace("count,count_mark", "count_mark,count"), *lines[1:]])
    with pytest.raises(InputFileError, match=r"row 2, column 'count_mark': '8800.0' is not one of"):
        validation.validate(T19)


@pytest.mark.bad_input
def test_a_duplicated_row(project_copy: Path):
    edit_lines(t19(project_copy), lambda lines: [*lines[:4], lines[3], *lines[4:]])
    with pytest.raises(InputFileError) as err:
        validation.validate(T19)
    assert err.value.row == 4 and "multiple_fields_uniqueness" in str(err.value)


@pytest.mark.bad_input
def test_an_empty_file(project_copy: Path):
    t19(project_copy).write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"t19_highest_qualification_16_64.csv, row 1: is empty"):
        validation.validate(T19)


@pytest.mark.bad_input
def test_a_blank_count_without_a_suppression_mark(project_copy: Path):
    set_cell(t19(project_copy), 7, "count", "")
    with pytest.raises(InputFileError) as err:
        validation.validate(T19)
    assert err.value.row == 7 and "a blank count only with a suppression mark in count_mark" in str(err.value)


@pytest.mark.bad_input
def test_a_file_cut_off_part_way(project_copy: Path):
    # T19 holds every GB local authority (363, the LAD 2021 reference) for 2017-2021; keep the first 6,000 rows.
    edit_lines(t19(project_copy), lambda lines: lines[:6001])
    with pytest.raises(InputFileError, match=r"(is incomplete|lacks \d+ area).*was the file cut off"):
        validation.validate(T19)


@pytest.mark.bad_input
def test_a_count_of_a_billion(project_copy: Path):
    set_cell(t19(project_copy), 9, "count", "1000000000")
    with pytest.raises(InputFileError, match=r"row 9, column 'count': '1000000000' is not a number from 0 to 50000000"):
        validation.validate(T19)


@pytest.mark.bad_input
def test_a_reference_lookup_without_a_column(project_copy: Path):
    path = snapshots.dataset(LAD).path
    edit_lines(path, lambda lines: [lines[0].replace("region_name", "region"), *lines[1:]])
    with pytest.raises(InputFileError, match=r"row 1, column 'region_name': missing column"):
        validation.validate(LAD)


def test_bom_and_crlf_are_the_same_file(project_copy: Path):
    path = t19(project_copy)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert len(validation.validate(T19)) == 13090  # rows recorded in its sidecar


def test_every_shipped_dataset_matches_its_schema():
    entries = snapshots.load_sidecars()
    for dataset_id in entries:
        validation.validate(dataset_id, entries)


@pytest.mark.bad_input
def test_the_build_stops_before_any_notebook_runs_and_writes_nothing(project_copy: Path):
    set_cell(t19(project_copy), 5, "count", "n/a")
    with pytest.raises(InputFileError, match="row 5, column 'count'"):
        build_edition(2022, renderer="fallback", accept_changed_inputs=True)
    assert not (project_copy / "build" / "2022" / "notebooks").exists()
    assert not (project_copy / "build" / "2022" / "outputs").exists()
    assert not (project_copy / "_book").exists()

"""Nomis query downloads: real values from the shipped files, marks kept, broken files refused clearly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.nomis_query import load_nomis_query

pytestmark = pytest.mark.shared

HEADER = [
    ["annual population survey"],
    ["ONS Crown Copyright Reserved [from Nomis on 24 April 2023]"],
    [],
    ["date", "Jan 2021-Dec 2021"],
    ["confidence", "95% confidence interval (+/-)"],
    [],
    [
        "Area",
        "T19:1 (Total - All people aged 16-64 : None )",
        "",
        "",
        "T19:6 (Total - All people aged 16-64 : NVQ4+ )",
        "",
        "",
    ],
    ["", "number", "Flags", "conf", "number", "Flags", "conf"],
]


def write_grid(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def t19(real_data: Path):
    return load_nomis_query(real_data / "lsip_dashboard" / "nomis_2023_04_24_144248.xlsx")


def test_coventry_2021_counts_match_the_nomis_download(t19):
    # Nomis T19 Jan-Dec 2021, ladu:Coventry (spreadsheet row 2090): None 19,000 (±4,800), NVQ4+ 102,100 (±11,100).
    cov = t19[(t19.geography_name == "Coventry") & (t19.period == "2021")].set_index("variable_code")
    assert cov.loc["T19:1", "value"] == 19000 and cov.loc["T19:1", "ci_halfwidth"] == 4800
    assert cov.loc["T19:6", "value"] == 102100 and cov.loc["T19:6", "ci_halfwidth"] == 11100
    assert cov.loc["T19:6", "source_row"] == 2090


def test_five_stacked_periods_and_prefixed_geographies(t19):
    assert sorted(t19.period.unique()) == ["2017", "2018", "2019", "2020", "2021"]
    assert {"ladu", "lep", "country", "User Defined Geography"} <= set(t19.geography_type)


def test_suppressed_cells_stay_missing_with_their_mark(t19):
    # Leicester 2021 trade apprenticeships (T19:4) has conf '*' (unreliable): value kept, interval missing.
    lei = t19[(t19.geography_name == "Leicester") & (t19.period == "2021") & (t19.variable_code == "T19:4")].iloc[0]
    assert lei.value == 2800 and lei.ci_mark == "*" and lei.ci_halfwidth != lei.ci_halfwidth
    bang = t19[t19.value_mark == "!"]
    assert len(bang) > 0 and bang.value.isna().all()


def test_the_2022_download_agrees_with_the_2023_one_for_coventry(real_data: Path, t19):
    # The Oct 2022 download used when the strategy was approved gives the same 2021 counts as the Apr 2023 one.
    old = load_nomis_query(real_data / "lsip_dashboard" / "nomis_2022_10_17_080621.xlsx")
    a = old[(old.geography_name == "Coventry") & (old.period == "2021")].set_index("variable_code")["value"]
    b = t19[(t19.geography_name == "Coventry") & (t19.period == "2021")].set_index("variable_code")["value"]
    assert a.to_dict() == b[a.index].to_dict()


def test_text_in_a_value_cell_names_file_row_and_column(tmp_path: Path):
    path = write_grid(tmp_path / "bad.csv", HEADER + [["ladu:Coventry", "19000", "", "4800", "lots", "", "11100"]])
    with pytest.raises(InputFileError) as err:
        load_nomis_query(path)
    assert err.value.row == 9 and err.value.column == "E" and "bad.csv" in str(err.value) and "'lots'" in str(err.value)


def test_truncated_row_is_refused(tmp_path: Path):
    path = write_grid(tmp_path / "short.csv", HEADER + [["ladu:Coventry", "19000", "", "4800"]])
    with pytest.raises(InputFileError, match="truncated") as err:
        load_nomis_query(path)
    assert err.value.row == 9


def test_duplicate_geography_in_a_block_is_refused(tmp_path: Path):
    row = ["ladu:Coventry", "19000", "", "4800", "102100", "", "11100"]
    path = write_grid(tmp_path / "dup.csv", HEADER + [row, row])
    with pytest.raises(InputFileError, match="duplicate") as err:
        load_nomis_query(path)
    assert err.value.row == 10


def test_wrong_triplet_header_is_refused(tmp_path: Path):
    rows = [list(r) for r in HEADER]
    rows[7][3] = "ci"
    path = write_grid(tmp_path / "hdr.csv", rows + [["ladu:Coventry", "1", "", "1", "1", "", "1"]])
    with pytest.raises(InputFileError, match="number/Flags/conf") as err:
        load_nomis_query(path)
    assert (err.value.row, err.value.column) == (8, "B")


def test_a_file_that_is_not_a_workbook(tmp_path: Path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(InputFileError, match="Excel"):
        load_nomis_query(path)


def test_wrong_encoding_is_reported(tmp_path: Path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Area,\xa3\n".encode("cp1252"))
    with pytest.raises(InputFileError, match="UTF-8"):
        load_nomis_query(path)

"""ONS indicator CSVs (IDS and Explore Local Statistics layouts): real values, marks and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.ons_indicators import load_ons_indicator

IDS_L3 = "ons_explore_local_statistics/5_2023_Aged 16 to 64 years level 3 or above qualifications_IDS.csv"
ELS_HEAD = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n"


@pytest.mark.shared
def test_ids_level3_coventry_2021(real_data: Path):
    # ONS published Coventry 16-64 level 3+ 2021: 58.9 (52.9 to 64.9); the CI columns carry float noise.
    frame = load_ons_indicator(real_data / IDS_L3)
    row = frame[(frame.geography_code == "E08000026") & (frame.period == "2021")].iloc[0]
    assert (row.value, row.ci_lower, row.ci_upper) == (58.9, 52.9, 64.9)


@pytest.mark.shared
def test_ids_na_becomes_missing_with_status_x(real_data: Path):
    # City of London 2018 is printed "na" (source row 4061): missing, never zero.
    frame = load_ons_indicator(real_data / IDS_L3)
    row = frame[(frame.geography_code == "E09000001") & (frame.period == "2018")].iloc[0]
    assert row.value != row.value and row.status == "x" and row.source_row == 4061


@pytest.mark.shared
def test_els_interval_periods_become_years(real_data: Path):
    # ELS RQF level 3+: Coventry 2022-01-01/P1Y = 60.0 (56.4 to 63.6); KS2 academic years become 2018/19.
    l3 = load_ons_indicator(real_data / "ons_explore_local_statistics/qualifications-level-3-or-above.csv")
    row = l3[(l3.geography_code == "E08000026") & (l3.period == "2022")].iloc[0]
    assert (row.value, row.ci_lower, row.ci_upper) == (60.0, 56.4, 63.6)
    ks2 = load_ons_indicator(
        real_data / "ons_explore_local_statistics/pupils-at-expected-standards-by-end-of-primary-school.csv"
    )
    assert "2018/19" in set(ks2.period)


def test_whole_numbers_itl_regions_and_pooled_years(tmp_path: Path):
    # ELS files of rates per 100,000 print whole numbers; GVA and household income add ITL regions (TLG,
    # TLG3…), which are set aside; healthy life expectancy pools three years (2022-01-01/P3Y is 2022 to 2024).
    path = tmp_path / "els.csv"
    path.write_text(
        ELS_HEAD
        + "E08000026,Coventry,Local Authority District,FE,2024-08-01/P1Y,5609,Rate,Rate,,,,\n"
        + "TLG,West Midlands,ITL1,FE,2024-08-01/P1Y,5000,Rate,Rate,,,,\n"
        + "TLG3,West Midlands (county),ITL2,FE,2024-08-01/P1Y,5100,Rate,Rate,,,,\n"
        + "E08000026,Coventry,Local Authority District,HLE,2022-01-01/P3Y,60.1,Years,yrs,58.0,62.2,,\n",
        encoding="utf-8",
    )
    frame = load_ons_indicator(path)
    assert frame["geography_code"].tolist() == ["E08000026", "E08000026"]
    assert frame["period"].tolist() == ["2024/25", "2022-2024"]
    assert frame["value"].dtype == float and frame["value"].tolist() == [5609.0, 60.1]
    assert frame["source_row"].tolist() == [2, 5]  # rows numbered as in the file, ITL rows skipped


@pytest.mark.bad_input
def test_a_code_that_is_neither_gss_nor_itl_is_refused_with_its_row(tmp_path: Path):
    path = tmp_path / "els.csv"
    path.write_text(ELS_HEAD + "X123,Nowhere,LAD,FE,2024-08-01/P1Y,1,Rate,Rate,,,,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="row 2") as caught:
        load_ons_indicator(path)
    assert "geography_code" in str(caught.value)


def test_text_in_value_column_names_row_and_column(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(ELS_HEAD + "E08000026,Coventry,LAD,X,2022-01-01/P1Y,sixty,Percentage,%,,,,\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_ons_indicator(path)
    assert (err.value.row, err.value.column) == (2, "observation")


def test_missing_column_is_named(tmp_path: Path):
    path = tmp_path / "nocol.csv"
    path.write_text("areacd,areanm,period\nE08000026,Coventry,2022-01-01/P1Y\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="observation"):
        load_ons_indicator(path)


def test_duplicate_area_and_period_is_refused(tmp_path: Path):
    line = "E08000026,Coventry,LAD,X,2022-01-01/P1Y,60.0,Percentage,%,,,,\n"
    path = tmp_path / "dup.csv"
    path.write_text(ELS_HEAD + line + line, encoding="utf-8")
    with pytest.raises(InputFileError, match="duplicate") as err:
        load_ons_indicator(path)
    assert err.value.row == 3


def test_windows_1252_file_is_reported_as_not_utf8(tmp_path: Path):
    path = tmp_path / "cp.csv"
    path.write_bytes((ELS_HEAD + "E08000026,Coventry,LAD,Pay \xa3,2022-01-01/P1Y,1,Pounds,\xa3,,,,\n").encode("cp1252"))
    with pytest.raises(InputFileError, match="UTF-8"):
        load_ons_indicator(path)

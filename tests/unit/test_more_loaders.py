"""DfE EES, DfE statistical neighbours, HESA tables, ONS subnational explorer and Nomis API CSV loaders."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.dfe_ees import load_ees
from skills_evidence.inputs.loaders.dfe_neighbours import load_statistical_neighbours
from skills_evidence.inputs.loaders.hesa import load_hesa_table
from skills_evidence.inputs.loaders.nomis_api import load_nomis_api_csv
from skills_evidence.inputs.loaders.ons_indicators import load_ons_subnational_explorer

KS4 = "dfe_send_ap_dashboard/201819_LA_characteristics_data_including_sen_description.xlsx"
EES_HEAD = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,breakdown,t_pupils,avg_att8\n"
)


@pytest.mark.shared
def test_ks4_attainment8_for_coventry_2018_19(real_data: Path):
    # DfE KS4 2018/19 (revised) LA characteristics, spreadsheet row 3686: Coventry (331, E08000026), all pupils,
    # 3,513 pupils with an Attainment 8 average of 43.6.
    frame = load_ees(real_data / KS4, ["t_pupils", "avg_att8"])
    cov = frame[(frame.geography_code == "E08000026") & (frame.source_row == 3686)]
    assert dict(zip(cov.indicator, cov.value)) == {"t_pupils": 3513, "avg_att8": 43.6}
    assert cov.period.iloc[0] == "2018/19" and cov.old_la_code.iloc[0] == "331"
    assert (cov[["breakdown", "gender", "ethnic_major", "sen_description"]] == "Total").all().all()


@pytest.mark.shared
def test_ees_fully_quoted_file_with_trailing_comma_and_low_mark(real_data: Path):
    frame = load_ees(real_data / "lsip_dashboard/ks4_dm_ud_202223_nat_rev.csv", ["cohort", "appren"])
    # The 2022/23 release carries the time series back to 2010/11, national level only, every field quoted.
    assert {"2010/11", "2022/23"} <= set(frame.period) and set(frame.geographic_level) == {"National"}
    low = frame[frame.status == "low"]
    assert len(low) > 0 and low.value.isna().all()


def test_ees_suppression_marks_stay_missing(tmp_path: Path):
    path = tmp_path / "ks4.csv"
    path.write_text(
        EES_HEAD
        + "201819,Academic year,Local authority,E92000001,England,E12000005,West Midlands,331,E08000026,Coventry,Black,c,x\n",
        encoding="utf-8",
    )
    frame = load_ees(path, ["t_pupils", "avg_att8"], filters=["breakdown"])
    assert frame.value.isna().all() and list(frame.status) == ["c", "x"]


def test_ees_text_in_an_indicator_names_row_and_column(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        EES_HEAD
        + "201819,Academic year,Local authority,E92000001,England,E12000005,West Midlands,331,E08000026,Coventry,Total,3281,forty\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        load_ees(path, ["t_pupils", "avg_att8"], filters=["breakdown"])
    assert (err.value.row, err.value.column) == (2, "avg_att8")


def test_ees_duplicate_record_is_refused(tmp_path: Path):
    line = "201819,Academic year,Local authority,E92000001,England,E12000005,West Midlands,331,E08000026,Coventry,Total,3281,44.0\n"
    path = tmp_path / "dup.csv"
    path.write_text(EES_HEAD + line + line, encoding="utf-8")
    with pytest.raises(InputFileError, match="duplicate") as err:
        load_ees(path, ["t_pupils", "avg_att8"], filters=["breakdown"])
    assert err.value.row == 3


def test_ees_missing_column_is_named(tmp_path: Path):
    path = tmp_path / "nocol.csv"
    path.write_text("time_period,time_identifier,geographic_level\n201819,Academic year,National\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="avg_att8"):
        load_ees(path, ["avg_att8"])


@pytest.mark.shared
def test_statistical_neighbours_of_coventry(real_data: Path):
    # DfE statistical neighbours (April 2021 workbook): Coventry 331 → 831 Derby first, 852 Southampton tenth.
    sn = load_statistical_neighbours(real_data / "dfe_lait/sn_april_2021.xlsx")
    cov = sn[sn.la_number == "331"].sort_values("rank")
    assert cov.neighbour_la_number.tolist() == ["831", "350", "874", "383", "373", "851", "887", "335", "357", "852"]
    # New authorities printed with "-" have no neighbours yet: kept as not available, not dropped or invented.
    assert set(sn[sn.status == "x"].la_number) == {"942", "943"}


@pytest.mark.shared
def test_hesa_table_with_metadata_block_and_bom(real_data: Path):
    # HESA DT051 Table 1, England, first-year full-time 2018/19: Coventry University (UKPRN 10001726) total 14,105.
    table = load_hesa_table(
        real_data / "hesa_cfg_final_project/HE student enrolments by HE provider 2018-9 FT.xlsx", ["Total"]
    )
    assert table.metadata["Reference ID"] == "DT051 Table 1" and table.filters["Academic year"] == "2018/19"
    cov = table.data[table.data.UKPRN == "10001726"].iloc[0]
    assert cov.Total == 14105 and cov.source_row == 73


@pytest.mark.shared
def test_subnational_explorer_refuses_the_published_duplicate_code(real_data: Path):
    # ONS prints E13000002 for both Inner London (line 1959) and Outer London (line 1960).
    with pytest.raises(InputFileError, match="duplicate") as err:
        load_ons_subnational_explorer(real_data / "ons_subnational_indicators_explorer/machine_readable.csv")
    assert err.value.row == 1960


def test_subnational_explorer_layout(tmp_path: Path):
    path = tmp_path / "machine_readable.csv"
    text = (
        "There may be some discrepancies\n\nAREACD,AREANM,Geography,Indicator,Category,Period,Measure,Unit,Value,MAD\n"
        'E08000026,Coventry,Metropolitan District,Gross median weekly pay,"Boosting pay",2021,Pounds,\xa3,"1,447",0.1\n'
        "TLG,West Midlands,ITL1,Gross median weekly pay,Boosting pay,2021,Pounds,\xa3,600,0\n"
        "E08000025,Birmingham,Metropolitan District,Gross median weekly pay,Boosting pay,2021,Pounds,\xa3,NA,NA\n"
    )
    path.write_bytes(text.encode("cp1252"))
    frame = load_ons_subnational_explorer(path)
    assert list(frame.geography_code) == ["E08000026", "E08000025"]
    assert frame.value.iloc[0] == 1447 and frame.source_row.iloc[0] == 4
    assert frame.value.iloc[1] != frame.value.iloc[1] and frame.status.iloc[1] == "x"


def test_nomis_api_text_value_names_row(tmp_path: Path):
    path = tmp_path / "api.csv"
    path.write_text(
        "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,MEASURES_NAME,OBS_VALUE,OBS_STATUS\n"
        "Jan 2021-Dec 2021,Coventry,E08000026,Variable,forty,A\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        load_nomis_api_csv(path)
    assert (err.value.row, err.value.column) == (2, "OBS_VALUE")

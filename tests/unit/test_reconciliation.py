"""The printed Appendix B reconciled cell by cell: the classification rules tested on the cells whose
answer can be proved from the official data and the printed arithmetic."""

from __future__ import annotations

import functools

import pandas as pd

from skills_evidence import editions
from skills_evidence.chapters import reconciliation

COVENTRY = "E08000026"


@functools.cache
def cells() -> pd.DataFrame:
    paths, vintages = editions.inputs("reconciliation", 2022)
    return reconciliation.compute(reconciliation.read_inputs(paths, vintages), area_code=COVENTRY).cells


def cell(row: int, name: str) -> dict:
    return cells().set_index(["row", "cell"]).loc[(row, name)].to_dict()


def test_every_printed_cell_is_accounted_for():
    # Tables 1 and 2 print 10 rows of 5 cells (area, two comparators, two differences).
    assert len(cells()) == 50 and set(cells()["classification"]) <= set(reconciliation.CLASSES)
    assert cells()["reason"].str.len().gt(0).all()


def test_the_uk_average_column_is_great_britain():
    # Nomis T19 Jan-Dec 2021: Great Britain no qualifications 6.59 (printed 6.6), level 2+ 78.19 (printed 78.2);
    # ONS: GB level 3+ 61.5 (printed 61.5). The APS covers Great Britain, so no UK figure exists.
    for row in (1, 3, 4):
        c = cell(row, "comparator 1")
        assert c["rebuilt_area"] == "K03000001" and c["classification"] == "mislabelled comparator"
    assert cell(4, "comparator 1")["rebuilt"] == 61.5


def test_table_1s_wmca_column_is_the_west_midlands_region_but_table_2s_is_the_combined_authority():
    # ONS level 3+ 2021: West Midlands region 57.2 (printed "WMCA Average" 57.2); WMCA itself 54.9.
    assert cell(4, "comparator 2")["rebuilt_area"] == "E12000005"
    assert cell(4, "comparator 2")["classification"] == "mislabelled comparator"
    # KS2 2018/19 (DfE via ONS ELS): WMCA 62, West Midlands region 63; printed "WMCA Average" 62: labelled right.
    assert cell(6, "comparator 2")["rebuilt_area"] == "E47000007"
    assert cell(6, "comparator 2")["classification"] == "matches within rounding"


def test_table_1_prints_differences_as_negative_when_coventry_is_worse():
    # Printed Table 1, no qualifications (lower is better): Coventry 7.6% against the "UK" 6.6% is worse, printed
    # "-1%"; against the "WMCA" 7.7% it is better, printed "+0.1%". Both follow the table's own convention: they
    # were read as sign slips before.
    for row, name in ((1, "difference 1"), (1, "difference 2")):
        assert cell(row, name)["classification"] == "matches within rounding"
        assert "negative when the area is worse" in cell(row, name)["reason"]


def test_the_level_2_difference_is_the_one_real_sign_slip_in_table_1():
    # 76.5% against 78.2%: Coventry worse by 1.7 points, printed "1.7%" without its minus.
    assert cell(3, "difference 1")["classification"] == "sign or arithmetic slip"
    assert "wrong sign" in cell(3, "difference 1")["reason"]


def test_the_writing_score_slip_is_coventrys_cell_not_the_comparisons():
    # Printed Table 2, writing progress: Coventry "0.4", England 0 and the WMCA 0, both differences "-0.4": the
    # comparisons follow from -0.4, so the Coventry cell is the slip.
    assert cell(9, "area")["classification"] == "sign or arithmetic slip"
    assert "both printed differences follow from −0.4" in cell(9, "area")["reason"]
    for name in ("difference 1", "difference 2"):
        assert cell(9, name)["classification"] == "matches within rounding"


def test_printed_differences_that_add_up_match():
    # 62 - 65 = -3 (KS2, England); 58.7 - 61.5 = -2.8 (level 3+, "UK Average"); "Same" for 62 against 62.
    for row, name in ((6, "difference 1"), (4, "difference 1"), (6, "difference 2")):
        assert cell(row, name)["classification"] == "matches within rounding"


def test_area_figures_against_the_rebuilt_ones():
    # Nomis T19 2021: Coventry no qualifications 7.58 (printed 7.6); KS2 2018/19 62 (printed 62%).
    assert cell(1, "area")["classification"] == cell(6, "area")["classification"] == "matches within rounding"
    # ONS published Coventry level 3+ 2021 58.9 (derived from counts 58.87); printed 58.7: not rounding.
    level3 = cell(4, "area")
    assert level3["rebuilt"] == 58.9 and level3["classification"] == "rounding or a later data vintage"
    # Neither ONS's figure nor the counts give 58.7; no earlier release is held, so none is blamed.
    assert "no earlier release is held" in level3["reason"] and "since revised" not in level3["reason"]


def test_figures_whose_data_is_not_here_name_the_dataset_needed():
    progress_score = cell(8, "area")
    assert progress_score["classification"] == "not rebuilt: data not here"
    assert "progress scores" in progress_score["reason"] and pd.isna(progress_score["rebuilt"])


def test_printed_numbers_are_read_with_their_precision():
    assert reconciliation.printed_number("-1%") == (-1.0, 0)
    assert reconciliation.printed_number("+0.1%") == (0.1, 1)
    assert reconciliation.printed_number("Same") == (0.0, 1)
    assert reconciliation.printed_number("n/a") is None

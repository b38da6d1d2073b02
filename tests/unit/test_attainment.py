"""Attainment chapter: KS2 against neighbours and England, KS4 gaps by group, small groups, the tracker."""

from __future__ import annotations

import pandas as pd
import pytest

from skills_evidence.chapters import attainment
from skills_evidence.editions import inputs as pinned
from skills_evidence.statistics import neighbours


@pytest.fixture(scope="module")
def inputs() -> attainment.Inputs:
    return attainment.read_inputs(pinned("attainment")[0])


@pytest.fixture(scope="module")
def edition_2022(inputs) -> attainment.Result:
    return attainment.compute(inputs, "E08000026", "2018/19", "2018/19", "2020/21")


def row(table, code, breakdown_id):
    return table[(table.geography_code == code) & (table.breakdown_id == breakdown_id)].iloc[0]


def test_ks4_all_pupils_and_black_pupils_gap(edition_2022):
    # DfE KS4 2018/19 revised, LA characteristics: Coventry all pupils 43.5923740392827 (row 3686, 3,513 pupils),
    # Black pupils 42.6883561643836 (row 3664) → gap −0.904; England all 46.8, Black 45.2.
    t = edition_2022.ks4
    everyone, black = row(t, "E08000026", "all"), row(t, "E08000026", "ethnicity:black")
    assert (everyone.pupils, round(everyone.att8, 1), everyone.source_row) == (3513, 43.6, 3686)
    assert black.gap == pytest.approx(42.6883561643836 - 43.5923740392827) and black.source_row == 3664
    assert round(row(t, "E92000001", "ethnicity:black").gap, 1) == -1.6


def test_groups_under_ten_pupils_are_not_reported(edition_2022):
    # Coventry had 9 Chinese pupils at KS4 in 2018/19: value and gap suppressed, never shown as zero.
    chinese = row(edition_2022.ks4, "E08000026", "ethnicity:chinese")
    assert chinese.status == "c" and pd.isna(chinese.att8) and pd.isna(chinese.gap)
    shown = attainment.ks4_display(edition_2022)
    assert shown[shown.Group == "Chinese"].iloc[0]["Coventry Attainment 8"] == "[c]"
    ind = edition_2022.indicators
    cell = ind[
        (ind.indicator_id == "ks4_att8") & (ind.breakdown == "ethnicity:chinese") & (ind.geography_code == "E08000026")
    ]
    assert cell.status.iloc[0] == "c" and cell.value.isna().all()


def test_ks2_uses_the_most_precise_figures_and_dfes_neighbour_average(edition_2022):
    # One Coventry Plan 2024-25 report (DfE, one decimal): 2019 Coventry 62.2, England 64.9; ONS's open data has
    # them to the whole per cent (62, 65). The neighbours' average is the mean of the April 2021 set's ten
    # figures in ONS Explore Local Statistics (Derby 64, Bolton 66, ... : 61.8); the council printed 62.0.
    ks2 = edition_2022.ks2[edition_2022.ks2.period == "2018/19"].set_index("series")
    assert ks2.loc["Coventry", "value"] == 62.2 and ks2.loc["England", "value"] == 64.9
    assert ks2.loc["Coventry", "source"].startswith("published by Coventry City Council")
    neighbours = ks2.loc["Statistical neighbours (average)"]
    assert round(neighbours.value, 1) == 61.8 and neighbours.neighbour_set == "dfe_sn_2021"
    table = attainment.ks2_table(edition_2022).set_index("Year")
    assert (
        table.loc["2018/19", "Coventry"] == "62.2 †"
        and table.loc["2018/19", "Statistical neighbours (average)"] == "61.8"
    )
    assert "62.2% of Coventry's pupils" in edition_2022.key_figures["attainment"]["ks2_sentence"]


def test_each_year_keeps_the_neighbour_set_in_force_then_and_a_new_set_is_footnoted(inputs):
    # DfE published its sets in April 2021 and May 2025 (data/indicators.yaml): 2023/24 ended in August 2024, on the
    # 2021 set; 2024/25 on the 2025 set. Past averages do not move when the 2025 edition adds the new set.
    sets = {"dfe_sn_2021": "2021-04", "dfe_sn_2025": "2025-05"}
    assert neighbours.set_for("2023/24", sets) == ("dfe_sn_2021", False)
    assert neighbours.set_for("2024/25", sets) == ("dfe_sn_2025", False)
    assert neighbours.set_for("2018/19", sets) == ("dfe_sn_2021", True)
    assert neighbours.set_for("2024", sets) == ("dfe_sn_2021", False)  # a calendar year ends in December 2024
    e2024 = attainment.compute(inputs, "E08000026", "2023/24", "2022/23", "2022/23")
    e2025 = attainment.compute(inputs, "E08000026", "2024/25", "2023/24", "2023/24")
    sn = attainment.SN_SERIES
    before = e2024.ks2[e2024.ks2.series == sn].set_index("period")["value"]
    after = e2025.ks2[e2025.ks2.series == sn].set_index("period")["value"]
    assert before.dropna().equals(after[before.dropna().index])
    # ONS ELS 2024/25, the May 2025 set (Derby, Southampton, ... Stoke-on-Trent): mean 61.2, marked [b].
    last = e2025.ks2[(e2025.ks2.series == sn) & (e2025.ks2.period == "2024/25")].iloc[0]
    assert (round(last.value, 1), last.status, last.neighbour_set) == (61.2, "b", "dfe_sn_2025")
    assert attainment.ks2_table(e2025).set_index("Year").loc["2024/25", sn] == "61.2 [b]"
    note = e2025.key_figures["attainment"]["ks2_note"]
    assert (
        "DfE's April 2021 set (10 neighbours) for 2018/19 to 2023/24; DfE's May 2025 set (10 neighbours) for 2024/25"
        in note
    )
    assert "[b] marks the first year on a new set" in note and "stands in for it" in note


def test_neighbour_averages_are_in_indicators_csv_under_their_set(inputs):
    r = attainment.compute(inputs, "E08000026", "2024/25", "2023/24", "2023/24")
    rows = r.indicators[r.indicators.geography_code.str.startswith("dfe_sn_")].set_index("period")
    assert rows.loc["2024/25", "geography_code"] == "dfe_sn_2025" and round(rows.loc["2024/25", "value"], 1) == 61.2
    assert rows.loc["2018/19", "geography_code"] == "dfe_sn_2021" and "simple mean" in rows.loc["2018/19", "note"]


def test_earlier_ks2_years_are_the_councils_published_figures_labelled(edition_2022):
    # One Coventry Plan 2024-25 report: Coventry 49.0 in 2016 (2015/16).
    first = edition_2022.ks2[(edition_2022.ks2.period == "2015/16") & (edition_2022.ks2.series == "Coventry")].iloc[0]
    assert first.value == 49.0 and first.source.startswith("published by Coventry City Council")


def test_years_without_tests_are_marked_not_drawn(inputs):
    r = attainment.compute(inputs, "E08000026", "2024/25", "2023/24", "2023/24")
    gap = r.ks2[r.ks2.period.isin(["2019/20", "2020/21"])]
    assert len(gap) == 6 and gap.value.isna().all() and (gap.status == "z").all()
    assert "did not sit the tests" in r.key_figures["attainment"]["ks2_sentence"]
    # ONS ELS: Coventry 2024/25 = 60.
    assert r.ks2[(r.ks2.period == "2024/25") & (r.ks2.series == "Coventry")].value.iloc[0] == 60


def test_a_ks4_year_not_in_the_inputs_shows_the_latest_held_and_says_so(inputs):
    # The 2025 edition asks for 2023/24; the inputs hold DfE's 2018/19 (revised): Coventry 43.6, 3,513 pupils.
    r = attainment.compute(inputs, "E08000026", "2024/25", "2023/24", "2023/24")
    sentence = r.key_figures["attainment"]["ks4_sentence"]
    assert (r.ks4_year, r.ks4_asked) == ("2018/19", "2023/24") and not r.ks4.empty
    assert sentence.startswith(
        "DfE publishes Attainment 8 by pupil group for 2023/24, but that release is not yet in the data this "
        "edition reads, so the tables below give 2018/19, the latest year held."
    )
    assert "averaged an Attainment 8 score of 43.6 (3,513 pupils)" in sentence
    assert "(none)" not in attainment.ks4_display(r).to_string()


def test_the_gap_tracker_carries_the_2018_19_baseline_into_later_editions(inputs):
    # The 2025 edition asks for 2023/24, not in its inputs; the baseline (DfE KS4 2018/19 revised) still shows:
    # Coventry's disadvantaged pupils 35.7 against all other pupils 47.3, DfE's gap -11.6 points.
    r = attainment.compute(inputs, "E08000026", "2024/25", "2023/24", "2023/24")
    tracker = r.tracker.set_index(["breakdown_id", "period"])
    assert round(tracker.loc[("disadvantage:dfe_gap", "2018/19"), "gap"], 1) == -11.6
    assert set(r.tracker.period) == {"2018/19"}  # no column of [x] for a year the inputs do not hold
    shown = attainment.tracker_display(r).set_index("Group")
    assert shown.loc["Disadvantaged against all other pupils (DfE's gap)", "Gap in 2018/19 (points)"] == "−11.6"
    assert shown.loc["Chinese", "Gap in 2018/19 (points)"] == "[c]"
    assert (
        "in this edition for 2018/19 only, the strategy's baseline" in r.key_figures["attainment"]["tracker_sentence"]
    )


def test_a_withheld_group_keeps_its_pupil_count_back_everywhere(edition_2022):
    # 9 Chinese pupils in Coventry (DfE KS4 2018/19): the count is withheld with the score, in the chapter CSV
    # and in indicators.csv (ks4_att8's denominator), not only in the table.
    chinese = row(edition_2022.ks4, "E08000026", "ethnicity:chinese")
    assert pd.isna(chinese.pupils)
    ind = edition_2022.indicators
    cell = ind[
        (ind.indicator_id == "ks4_att8") & (ind.breakdown == "ethnicity:chinese") & (ind.geography_code == "E08000026")
    ]
    assert cell.denominator.isna().all()


def test_gap_direction_words():
    assert attainment.direction([-1.6]) == "only one year of data so far"
    assert attainment.direction([-1.6, -0.9]) == "narrowed"
    assert attainment.direction([-0.6, -1.7]) == "widened"
    assert attainment.direction([2.0, -2.0]) == "unchanged"


def test_the_same_code_runs_for_leicester(inputs):
    # ONS Explore Local Statistics (DfE): Leicester (E06000016) KS2 reading, writing and maths 2018/19 = 63.
    r = attainment.compute(inputs, "E06000016", "2018/19", "2018/19", "2020/21")
    assert r.area_name == "Leicester" and row(r.ks4, "E06000016", "all").pupils > 0
    assert r.ks2[(r.ks2.series == "Leicester") & (r.ks2.period == "2018/19")].value.iloc[0] == 63


def test_disadvantage_gap_is_against_all_other_pupils_as_dfe_reports_it(inputs):
    # DfE KS4 2018/19 (revised): Coventry's disadvantaged pupils 35.7, all other pupils 47.3 (gap -11.6);
    # England 36.8 against 50.4 (gap -13.7). The gap against all pupils (43.6) would be -7.9.
    result = attainment.compute(inputs, "E08000026", "2018/19", "2018/19", "2020/21")
    gaps = attainment.disadvantage_gap(result.ks4).set_index("geography_code")
    coventry, england = gaps.loc["E08000026"], gaps.loc["E92000001"]
    assert (round(coventry.disadvantaged, 1), round(coventry.all_other_pupils, 1), round(coventry.gap, 1)) == (
        35.7,
        47.3,
        -11.6,
    )
    assert round(england.gap, 1) == -13.7
    sentence = result.key_figures["attainment"]["disadvantage_sentence"]
    assert "averaged 35.7 against 47.3 for all other pupils in 2018/19: a gap of \u221211.6 points" in sentence
    rows = result.indicators[result.indicators.indicator_id == "ks4_att8_disadvantage_gap"]
    assert sorted(rows.geography_code) == ["E08000026", "E92000001"]

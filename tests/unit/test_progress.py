"""Progress on the priorities' measures (issue 11 groundwork): change since the baseline, direction of
travel and comparison verdicts, each a stated rule applied to ONS's published figures."""

from __future__ import annotations

import pandas as pd
import pytest

from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.statistics import indicators, progress

COVENTRY = "E08000026"


def series(dataset: str, code: str = COVENTRY) -> pd.DataFrame:
    table = read_table(snapshots.dataset(dataset).path)
    return table[table["geography_code"] == code].sort_values("period").reset_index(drop=True)


def row(
    period: str, value: float, low: float | None = None, high: float | None = None, basis: str = "RQF"
) -> pd.Series:
    return pd.Series({"period": period, "value": value, "ci_lower": low, "ci_upper": high, "basis": basis})


def test_coventry_level3_rose_significantly_from_2022_to_2023():
    # ONS (RQF basis): Coventry 60.0 (56.4 to 63.6) in 2022, 68.2 (64.0 to 72.4) in 2023.
    l3 = series("ons_l3plus_rqf").assign(basis="RQF")
    result = progress.change(l3.iloc[0], l3.iloc[-1], polarity=1)
    assert round(result.difference, 1) == 8.2 and round(result.z, 2) == 2.91
    assert (result.verdict, result.judgement) == ("significant increase", "improved")


def test_a_change_across_the_nvq_to_rqf_break_is_never_bridged():
    # ONS: Coventry 58.9 in 2021 on the NVQ basis, 60.0 in 2022 on the RQF basis.
    result = progress.change(row("2021", 58.9, 52.9, 64.9, "NVQ"), row("2022", 60.0, 56.4, 63.6, "RQF"), polarity=1)
    assert result.verdict == "break in series (NVQ to RQF): not compared" and pd.isna(result.difference)


def test_a_count_without_intervals_is_not_tested_and_missing_figures_are_not_compared():
    # ONS Claimant Count for Coventry: 5.1% in 2022, 5.5% in 2025 (a count: no interval).
    cc = series("ons_claimant_rate")
    result = progress.change(cc[cc.period == "2022"].iloc[0], cc[cc.period == "2025"].iloc[0], polarity=-1)
    assert round(result.difference, 1) == 0.4 and result.verdict == "increase (no interval, not tested)"
    assert progress.change(row("2022", float("nan")), row("2023", 5.0), polarity=-1).verdict == "not available"


def test_a_significant_fall_in_a_lower_is_better_measure_is_an_improvement():
    # Constructed figures: 10.0 (9.0 to 11.0) falling to 6.0 (5.0 to 7.0), z about -5.5.
    result = progress.change(row("2022", 10.0, 9.0, 11.0), row("2024", 6.0, 5.0, 7.0), polarity=-1)
    assert (result.verdict, result.judgement) == ("significant decrease", "improved")
    neither = progress.change(row("2022", 10.0, 9.0, 11.0), row("2024", 6.0, 5.0, 7.0), polarity=0)
    assert neither.judgement == "significant decrease"  # no better direction: the words stay neutral


def test_direction_of_travel_over_the_last_five_years():
    # ASHE: Coventry's median weekly pay 501.3 (2021) to 648.4 (2025), intervals about ±35-50.
    assert progress.direction_of_travel(series("ons_median_pay")) == "increasing"
    # Claimant Count 6.7, 5.1, 5.3, 5.4, 5.5 (2021-2025): the fitted slope's interval spans zero.
    assert progress.direction_of_travel(series("ons_claimant_rate")) == "no significant change"
    assert progress.direction_of_travel(series("ons_l3plus_rqf")) == "not enough data"  # two RQF years


def test_coventry_against_great_britain_in_2023_is_similar():
    # ONS: Coventry 68.2 (64.0 to 72.4) against Great Britain 67.8: the interval contains the benchmark.
    area, gb = series("ons_l3plus_rqf").iloc[-1], series("ons_l3plus_rqf", "K03000001").iloc[-1]
    assert progress.versus(area, gb, polarity=1) == "similar"
    assert progress.versus(area, series("ons_l3plus_rqf", "K03000001").iloc[0], polarity=1).startswith("not compared")
    # Claimant Count has no intervals (a count): Coventry 5.5% against England 4.0% in 2025 is said to be
    # higher, but not judged better or worse Fingertips-style, since nothing was tested.
    claimant = series("ons_claimant_rate")
    england = series("ons_claimant_rate", "E92000001")
    assert (
        progress.versus(claimant.iloc[-1], england[england.period == claimant.period.iloc[-1]].iloc[0], -1)
        == "higher (no interval, not tested)"
    )


def test_rank_among_english_districts_follows_polarity():
    table = read_table(snapshots.dataset("ons_claimant_rate").path)
    england_2025 = table[table.geography_code.str.match(r"E0[6-9]") & (table.period == "2025")]
    values = england_2025.set_index("geography_code")["value"]
    rank, of = progress.rank_among(values, COVENTRY, polarity=-1)
    assert of == len(values) == 296 and rank == 260  # 1 = lowest claimant rate; Coventry's 5.5% ranks 260th
    assert progress.rank_among(values, COVENTRY, polarity=0) is None


@pytest.mark.parametrize("measure", ["claimant_rate_16_64", "unemployment_rate_modelled", "median_weekly_pay"])
def test_the_new_measures_are_in_the_catalogue_with_their_priority(measure: str):
    entry = indicators.entry(measure)
    assert entry["polarity"] in (-1, 1) and entry["priorities"] and entry["source"]


def test_measures_without_open_data_here_are_listed_with_who_holds_them():
    awaiting = indicators.awaiting_data()
    assert {
        "aeb_enrolments_by_ethnicity",
        "job_shop_outcomes",
        "real_living_wage",
        "workless_households",
        "workplace_wellbeing_award",
    } <= set(awaiting)
    assert all(a["owner"] and a["source"] and a["priorities"] for a in awaiting.values())


def test_an_unchanged_figure_without_intervals_is_no_change_not_a_decrease():
    # KS2 is published in whole numbers with no interval, so a repeat of the same figure is common.
    assert progress.assess(0.0, float("nan"), same_period=False) == "no change (no interval, not tested)"
    assert progress.assess(0.0, float("nan"), same_period=True) == "no new data"
    assert progress.assess(-0.4, float("nan"), same_period=True) == "revised"

"""The monitoring report (progress on the eight priorities): each measure's figures against the official
file and cell they come from, the baseline/latest/change arithmetic, the verdicts on hand-worked cases,
and breaks in series never differenced."""

from __future__ import annotations

import csv
import functools
import math
from fractions import Fraction

import pandas as pd
import pytest

from skills_evidence import editions
from skills_evidence.chapters import progress as chapter
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.paths import project_root, shared_dir
from skills_evidence.statistics import indicators

COVENTRY = "E08000026"


REFERENCE = project_root() / "data" / "reference"
SNAPSHOTS = project_root() / "data" / "snapshots"


@functools.cache
def result(year: int) -> chapter.Result:
    paths, vintages = editions.inputs("progress", year)
    parameters = editions.load()[1][year].chapter_parameters["progress"]
    return chapter.compute(
        chapter.read_inputs(paths, vintages),
        edition=year,
        area_code=COVENTRY,
        latest=parameters["latest"],
    )


def measure(year: int, indicator_id: str) -> dict:
    return result(year).measures.set_index("indicator_id").loc[indicator_id].to_dict()


# (measure, official file as published, its row, Coventry's figure there) for the 2025 edition's latest figures.
LATEST_2025 = [
    ("claimant_rate_16_64", "ons_claimant_rate", "2024", "claimant-count.csv", 3587, 5.4),
    ("median_weekly_pay", "ons_median_pay", "2024", "gross-median-weekly-pay.csv", 2389, 568.6),
    ("unemployment_rate_modelled", "ons_modelled_unemployment", "2023", "modelled-unemployment.csv", 2708, 5.8),
    ("qual_l3plus_16_64", "ons_l3plus_rqf", "2023", "qualifications-level-3-or-above.csv", 288, 68.2),
    ("qual_none_16_64", "ons_none_rqf", "2023", "qualifications-none-gb.csv", 289, 7.6),
    (
        "ks2_rwm_expected",
        "ons_ks2_rwm",
        "2024/25",
        "pupils-at-expected-standards-by-end-of-primary-school.csv",
        752,
        60.0,
    ),
    ("gcse_em_by19", "ons_gcse_em_19", "2023/24", "gcses-in-english-and-maths.csv", 1447, 71.692),
]


@pytest.mark.parametrize(("indicator_id", "dataset", "period", "published_file", "row", "value"), LATEST_2025)
def test_each_latest_figure_is_the_official_files_cell(indicator_id, dataset, period, published_file, row, value):
    snapshot = read_table(snapshots.dataset(dataset).path)
    cell = snapshot[(snapshot["geography_code"] == COVENTRY) & (snapshot["period"] == period)].iloc[0]
    assert int(cell["source_row"]) == row and cell["value"] == value, f"{published_file} row {row}"
    m = measure(2025, indicator_id)
    assert (m["latest_period"], m["latest_value"]) == (period, value)


def test_the_disadvantage_gap_is_dfes_disadvantaged_minus_all_other_pupils():
    # DfE KS4 2018/19, Coventry: disadvantaged 35.673 against all other pupils 47.318 (unrounded averages).
    m = measure(2025, "ks4_att8_disadvantage_gap")
    assert m["latest_period"] == "2018/19" and round(m["latest_value"], 2) == -11.65
    assert m["change_assessment"] == "no new data"  # no later KS4 group file in this edition's inputs


def test_baseline_latest_and_change_for_pay_a_significant_cash_increase():
    # ASHE: Coventry £501.3 (463.96 to 538.64) in 2021, £568.6 (534.05 to 603.15) in 2024: z = 67.3 / 25.96 = 2.59,
    # a significant increase in cash, which is judged against England's (see the money test below).
    m = measure(2025, "median_weekly_pay")
    assert (m["baseline_period"], m["baseline_value"], m["latest_value"]) == ("2021", 501.3, 568.6)
    assert round(m["change"], 1) == 67.3 and round(m["z"], 2) == 2.59
    assert m["change_assessment"] == "significant increase" and m["change_judgement"] != "improved"


def test_a_count_without_intervals_is_differenced_but_not_tested():
    # Claimant Count, Coventry: 6.7% in 2021 (row 3585), 5.4% in 2024 (row 3587).
    m = measure(2025, "claimant_rate_16_64")
    assert round(m["change"], 1) == -1.3 and m["change_assessment"] == "decrease (no interval, not tested)"


@pytest.mark.parametrize("indicator_id", ["qual_l3plus_16_64", "qual_none_16_64"])
def test_the_nvq_to_rqf_break_is_never_differenced(indicator_id):
    # Baseline 2021 on the NVQ basis (ONS 58.9 for level 3+), latest 2023 on RQF (68.2): not compared.
    m = measure(2025, indicator_id)
    assert (m["baseline_basis"], m["latest_basis"]) == ("NVQ", "RQF")
    assert math.isnan(m["change"]) and m["change_assessment"] == "break in series (NVQ to RQF): not compared"
    assert m["direction_of_travel"] == "not enough data"  # two RQF years only; NVQ years are not used
    row = chapter.at_a_glance(result(2025)).query("Measure == @indicators.entry(@indicator_id)['short_label']")
    assert row["Change since baseline"].str.startswith("[z]").all()


def test_comparison_verdicts_on_hand_worked_cases():
    # Unemployment 2023: Coventry 5.8 (4.3 to 7.3) against England 3.7: wholly above, lower is better: worse.
    assert measure(2025, "unemployment_rate_modelled")["vs_england"] == "worse"
    # Pay 2024: Coventry 568.6 (534.05 to 603.15) against England 619.6: wholly below, higher is better: worse.
    assert measure(2025, "median_weekly_pay")["vs_england"] == "worse"
    # Level 3+ 2023: Coventry 68.2 (64.0 to 72.4) contains England's 67.4 (similar), lies above the West
    # Midlands' 63.6 (better).
    l3 = measure(2025, "qual_l3plus_16_64")
    assert (l3["vs_england"], l3["region_name"], l3["vs_region"]) == ("similar", "West Midlands region", "better")
    # KS2 2024/25: Coventry 60 against England 63, no interval: the side is said, not judged.
    assert measure(2025, "ks2_rwm_expected")["vs_england"] == "lower (no interval, not tested)"


def test_the_neighbour_average_is_the_simple_mean_of_the_neighbours_figures():
    paths, _ = editions.inputs("progress", 2025)
    ks2 = read_table(paths["ons_ks2_rwm"])
    table = read_table(paths["dfe_statistical_neighbours"])
    codes = table.loc[(table["set_id"] == "dfe_sn_2025") & (table["la_code"] == COVENTRY), "neighbour_code"]
    figures = ks2[(ks2["period"] == "2024/25") & ks2["geography_code"].isin(codes)]["value"]
    m = measure(2025, "ks2_rwm_expected")
    assert len(figures) == m["neighbours_with_figure"] == m["neighbours_of"] == 10
    assert m["neighbours_value"] == pytest.approx(figures.sum() / 10)


def test_ks2_shows_the_councils_one_decimal_figures_but_ranks_on_the_whole_numbers_every_authority_has():
    # 2024 edition, 2023/24: One Coventry Plan (DfE to one decimal) Coventry 56.7, England 61.3, as in the
    # attainment chapter; ONS's open data gives every authority whole numbers (Coventry 57), so the rank and the
    # spine chart's range are worked on those, over the 2021 districts and unitaries (the 2024 edition pins no
    # list of today's): Coventry's 57 has 219 of the 291 above it (counted with the csv module: rank 220 of 291).
    m = measure(2024, "ks2_rwm_expected")
    assert (m["baseline_value"], m["latest_value"], m["england_value"]) == (62.2, 56.7, 61.3)
    assert (m["rank"], m["rank_of"]) == rank_in_2021_districts("ons-els/2025/ks2_rwm_expected.csv", "2023/24", 1)
    assert (m["rank"], m["rank_of"]) == (220, 291)
    spine = result(2024).spine.set_index("indicator_id").loc["ks2_rwm_expected"]
    assert spine["area"] == 56.7 and spine["median"] == 60


def test_the_neighbour_averages_the_page_quotes_are_in_indicators_csv_on_the_set_in_force():
    # 2025 edition: KS2 2024/25 on DfE's May 2025 set (mean 61.2, as the attainment chapter publishes it);
    # the Claimant Count for 2024 ended in December 2024, before that set: the April 2021 set.
    rows = chapter.indicator_rows(result(2025), vintages={})
    averages = rows[rows["geography_code"].str.startswith("dfe_sn_")].set_index("indicator_id")
    latest = editions.load()[1][2025].chapter_parameters["progress"]["latest"]
    assert set(averages.index) == set(chapter.measures_in(latest)) == set(latest)
    assert averages.loc["ks2_rwm_expected", "geography_code"] == "dfe_sn_2025"
    assert round(averages.loc["ks2_rwm_expected", "value"], 1) == 61.2
    assert averages.loc["claimant_rate_16_64", "geography_code"] == "dfe_sn_2021"
    assert averages.loc["qual_l3plus_16_64", "breakdown"] == "framework:RQF"
    detail = chapter.detail(result(2025)).set_index("Measure")
    assert "(10 of 10, 2025 set)" in detail.loc["KS2 expected standard (2024/25)", "Statistical neighbours"]


def test_a_figure_two_chapters_publish_must_agree(tmp_path, ks2_neighbours_row):
    # The monitoring page and the attainment chapter both publish KS2's neighbour average: kept once when
    # equal; two different values for one figure stop the build, naming both files.
    row = ks2_neighbours_row
    first, second = tmp_path / "attainment.csv", tmp_path / "progress.csv"
    pd.DataFrame([row]).to_csv(first, index=False)
    pd.DataFrame([row]).to_csv(second, index=False)
    assert len(indicators.combine([first, second])) == 1
    pd.DataFrame([{**row, "value": 59.2}]).to_csv(second, index=False)
    with pytest.raises(indicators.CatalogueError, match="progress.csv: one figure, two values"):
        indicators.combine([first, second])


def rank_in_2021_districts(file: str, period: str, polarity: int) -> tuple[int, int]:
    """Coventry's rank among the 2021 English districts and unitaries with a figure (no [u]), counted with the
    csv module from the snapshot file: an independent count of what the chapter ranks."""
    with open(REFERENCE / "lad21.csv", encoding="utf-8") as f:
        codes = {r["lad_code"] for r in csv.DictReader(f) if r["country_code"] == "E92000001"}
    with open(SNAPSHOTS / file, encoding="utf-8") as f:
        values = {
            r["geography_code"]: float(r["value"])
            for r in csv.DictReader(f)
            if r["period"] == period and r["value"] and r["geography_code"] in codes and r.get("status") != "u"
        }
    own = values["E08000026"]
    return 1 + sum(1 for v in values.values() if (v > own if polarity > 0 else v < own)), len(values)


def test_rank_among_english_local_authorities():
    # Claimant Count 2024: Coventry's 5.4% among the 292 districts and unitaries of 2021 with a figure; the file
    # also carries Barnsley's and Sheffield's pre-2021 codes and abolished districts, which are not ranked.
    m = measure(2025, "claimant_rate_16_64")
    assert (m["rank"], m["rank_of"]) == rank_in_2021_districts("ons-els/2026/claimant_count.csv", "2024", -1)
    assert (m["rank"], m["rank_of"]) == (253, 292)
    assert m["rank_set"] == "districts and unitaries (2021 boundaries)"
    spine = result(2025).spine.set_index("indicator_id").loc["claimant_rate_16_64"]
    assert spine["authorities"] == 292 and spine["england"] == 4.0 and spine["area"] == 5.4


def test_the_2022_edition_is_the_baseline_version():
    # Every measure's latest period in the 2022 edition is its catalogue baseline: nothing to compare yet.
    first = editions.load()[1][indicators.baseline_edition()].chapter_parameters["progress"]["latest"]
    for indicator_id in chapter.measures_in(first):
        item = indicators.entry(indicator_id)
        assert str(item["monitoring"]["baseline"]) == first[indicator_id], indicator_id
        m = measure(2022, indicator_id)
        assert m["latest_period"] == m["baseline_period"] and m["change_assessment"] == "no new data", indicator_id
    # ONS published Coventry level 3+ 2021: 58.9 (NVQ basis), the strategy's baseline.
    assert measure(2022, "qual_l3plus_16_64")["baseline_value"] == 58.9


def test_every_priority_has_a_measure_or_says_what_data_is_missing():
    # The 2025 edition, published before the measures of November 2026, keeps its eight measures: priorities 4
    # and 8 still point to the data to be supplied.
    glance = chapter.at_a_glance(result(2025))
    empty = glance[glance["Measure"].str.startswith("None from official data yet")]
    assert empty["Priorities"].tolist() == ["4", "8"]
    assert len(result(2025).measures) == 8
    awaiting = chapter.awaiting_table(result(2025)).set_index("Measure")
    assert "8" in awaiting.loc["Jobs paid at least the Real Living Wage", "Priorities"]
    assert "4" in awaiting.loc["Adult Education Budget enrolments by ethnic group", "Priorities"]
    assert (
        "Priorities 4 and 8 have no measure from official data yet" in result(2025).key_figures["progress"]["opening"]
    )


def test_from_the_2026_edition_every_priority_has_an_official_measure():
    measures = result(2026).measures
    served = {int(p) for ps in measures["priorities"] for p in ps.split(";")}
    assert served == set(range(1, 9))
    glance = chapter.at_a_glance(result(2026))
    assert not glance["Measure"].str.startswith("None from official data yet").any()
    # One row per measure, with every priority it serves (unemployment serves 6 and 7, once).
    assert glance["Measure"].is_unique and len(glance) == len(measures) == 21
    assert glance.set_index("Measure").loc["Unemployment rate", "Priorities"] == "6, 7"
    # A measure now reported leaves "Data to be supplied"; one only approximated stays (workless households,
    # for which children in relative poverty is the nearest official measure).
    awaiting = set(chapter.awaiting_table(result(2026))["Measure"])
    assert "Employment rate, aged 16-64" not in awaiting and "Workless households" in awaiting
    assert "Employment rate, aged 16-64" in set(chapter.awaiting_table(result(2025))["Measure"])


SHARED = shared_dir() / "real-data" / "ons_explore_local_statistics_more"


def _published(file: str, indicator: str, period: str) -> float:
    """Coventry's figure as the ONS file prints it, read with the csv module (not the project's loader)."""
    import csv

    with (SHARED / file).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if row[0] == COVENTRY and row[3] == indicator and row[4] == period:
                return float(row[5])
    raise AssertionError(f"{file}: no Coventry row for {indicator} {period}")


# (measure, ONS file in ../shared/real-data/ons_explore_local_statistics_more, its indicator and period as ONS
# writes them, the period as the book shows it) for the 2026 edition's new measures.
NEW_2026 = [
    ("employment_rate_16_64", "employment-rate.csv", "Employment rate", "2023-01-01/P1Y", "2023"),
    ("economic_inactivity_16_64", "employment-rate.csv", "Economically inactive", "2023-01-01/P1Y", "2023"),
    ("apprenticeship_starts", "apprenticeships.csv", "Apprenticeship starts (England)", "2024-08-01/P1Y", "2024/25"),
    (
        "fe_participation_19plus",
        "further-education-and-skills-participation.csv",
        "Further education and skills participation",
        "2024-08-01/P1Y",
        "2024/25",
    ),
    (
        "persistent_absence_fsm",
        "persistent-absences-for-pupils-eligible-for-free-school-meals.csv",
        "Persistent absences for pupils eligible for free school meals",
        "2024-08-01/P1Y",
        "2024/25",
    ),
    (
        "children_relative_poverty",
        "children-in-relative-poverty.csv",
        "Children in relative poverty before housing costs",
        "2024-04-01/P1Y",
        "2024/25",
    ),
    ("ghg_emissions_per_head", "greenhouse-gas-emissions.csv", "Greenhouse gas emissions", "2023-01-01/P1Y", "2023"),
    ("gva_per_hour", "gross-value-added.csv", "Gross value added per hour worked", "2023-01-01/P1Y", "2023"),
    (
        "gdhi_per_head",
        "gross-disposable-household-income-per-head.csv",
        "Gross disposable household income",
        "2023-01-01/P1Y",
        "2023",
    ),
    (
        "early_years_communication",
        "early-years.csv",
        "Communication and language",
        "2024-09-01/P1Y",
        "2024/25",
    ),
]


@pytest.mark.parametrize(("indicator_id", "file", "indicator", "period", "shown"), NEW_2026)
def test_each_new_measure_is_the_ons_files_figure(indicator_id, file, indicator, period, shown):
    m = measure(2026, indicator_id)
    assert m["latest_period"] == shown
    assert m["latest_value"] == pytest.approx(_published(file, indicator, period), abs=1e-6)


def test_the_key_messages_say_what_the_verdict_table_says():
    m = result(2026).measures.set_index("label")
    lines = result(2026).key_figures["progress"]["key_messages"].splitlines()
    assert 3 <= len(lines) <= 5
    messages = {line[2:].split(":")[0].split(",")[0]: line.rsplit(": ", 1)[1] for line in lines}
    # No measure improved by a test in the 2026 edition: pay rose in cash (ASHE £501.3 to £648.4) but, as a share
    # of England's, 0.98 then 1.00, within its intervals, so no message says "improved".
    assert "Improved since the baseline" not in messages and not (m["change_judgement"] == "improved").any()
    worse = messages["Worse than England"]
    for label in m.index[m["vs_england"] == "worse"]:
        assert label in worse
    for label in m.index[m["vs_england"] != "worse"]:
        assert f" {label};" not in worse and not worse.endswith(f" {label}.")
    # KS2 fell from 62.2% to 60.0% with no interval: the worse way, untested; a higher value is better.
    assert "KS2 expected standard" in messages["Moved the worse way since the baseline"]
    # DWP's 25.5037% to 25.5035%: no change at the precision published, so not a direction.
    assert "Children in relative poverty" in messages["Not assessed"]


def test_untested_sides_say_better_or_worse_by_polarity():
    assert chapter.brief("higher (no interval, not tested)", -1) == "higher (worse, not tested)"
    assert chapter.brief("decrease (no interval, not tested)", -1) == "decrease (better, not tested)"
    assert chapter.brief("higher (no interval, not tested)", 0) == "higher (not tested)"
    assert chapter.brief("worse", 1) == "worse"


def test_no_measure_is_scored_against_a_target():
    assert set(result(2025).measures["target"]) == {"none set"}
    assert "has not set numeric targets" in result(2025).key_figures["progress"]["opening"]


def test_indicators_csv_gets_only_the_measures_no_other_chapter_publishes():
    every = chapter.indicator_rows(result(2024), vintages={})
    own = {"claimant_rate_16_64", "unemployment_rate_modelled", "median_weekly_pay"}
    rows = every[every["indicator_id"].isin(own) & ~every["geography_code"].str.startswith("dfe_sn_")]
    # The other measures appear only at the period the page quotes them (KS2: 2023/24 in the 2024 edition).
    quoted = every[~every["indicator_id"].isin(own) & ~every["geography_code"].str.startswith("dfe_sn_")]
    assert set(quoted[quoted.indicator_id == "ks2_rwm_expected"]["period"]) == {"2023/24"}
    assert set(quoted["geography_code"]) == {COVENTRY, "E92000001", "E12000005"}
    assert set(rows["geography_code"]) == {COVENTRY, "E92000001", "E12000005"}
    assert rows["period"].max() == "2023"  # the 2024 edition stops at 2023 (data:latest in editions.yaml)
    tidy = indicators.tidy(rows)  # the same checks as every chapter's rows
    # ONS Claimant Count (claimant-count.csv): Coventry 5.3% in 2023.
    assert (
        tidy.loc[(tidy.indicator_id == "claimant_rate_16_64") & (tidy.geography_code == COVENTRY), "value"].iloc[-1]
        == 5.3
    )


def test_an_edition_reports_the_measures_its_latest_lists_and_refuses_an_unknown_one():
    paths, vintages = editions.inputs("progress", 2025)
    one = chapter.compute(
        chapter.read_inputs(paths, vintages), edition=2025, area_code=COVENTRY, latest={"qual_l3plus_16_64": "2023"}
    )
    assert one.measures["indicator_id"].tolist() == ["qual_l3plus_16_64"]
    with pytest.raises(indicators.CatalogueError, match="median_weekly_pai"):
        chapter.compute(
            chapter.read_inputs(paths, vintages), edition=2025, area_code=COVENTRY, latest={"median_weekly_pai": "2024"}
        )


def test_the_spine_chart_has_a_text_equivalent_with_every_rank():
    text = result(2025).key_figures["progress"]["spine_description"]
    assert "Claimant Count (2024) 253 of 292" in text and "Median weekly pay (2024)" in text
    detail = chapter.detail(result(2025))
    assert "253 of 292" in detail.set_index("Measure").loc["Claimant Count (2024)", "Rank (1 = best)"]
    # ONS Claimant Count 2024: England 4.0%; no interval, so the side is given, not judged.
    assert detail.set_index("Measure").loc["Claimant Count (2024)", "England"] == "4.0%: higher (worse, not tested)"


def area_result(year: int, area_code: str) -> chapter.Result:
    paths, vintages = editions.inputs("progress", year)
    latest = editions.load()[1][year].chapter_parameters["progress"]["latest"]
    return chapter.compute(chapter.read_inputs(paths, vintages), edition=year, area_code=area_code, latest=latest)


def test_a_neighbour_average_needs_two_thirds_of_the_set_with_a_figure():
    # Cornwall's DfE neighbours (May 2025 set) are mostly counties, which the 2025 edition's KS2 file lacks:
    # 2 of 10 have a figure, so no average is shown (the issue found one printed from those 2).
    cornwall = area_result(2025, "E06000052").measures.set_index("indicator_id")
    row = cornwall.loc["ks2_rwm_expected"]
    assert row["vs_neighbours"] == "not compared (2 of 10 with a figure)" and math.isnan(row["neighbours_value"])
    # From 2026 the files keep counties: all ten have a figure, and the average is DfE's simple mean.
    later = area_result(2026, "E06000052").measures.set_index("indicator_id").loc["ks2_rwm_expected"]
    assert (later["neighbours_set"], later["neighbours_with_figure"], later["neighbours_of"]) == ("2025 set", 10, 10)


def test_adult_measures_are_set_against_onss_similar_areas_pupil_measures_against_dfes():
    coventry = result(2026).measures.set_index("indicator_id")
    assert coventry.loc["claimant_rate_16_64", "neighbours_set"] == "ONS similar areas"
    assert coventry.loc["claimant_rate_16_64", "neighbours_of"] == 20
    assert coventry.loc["ks2_rwm_expected", "neighbours_set"] == "2025 set"
    # The 2025 edition, published before ONS's similar areas were in the data, keeps DfE's for every measure.
    assert set(result(2025).measures["neighbours_set"]) == {"2021 set", "2025 set"}
    # A district has no DfE neighbours: Cambridge's KS2 is set against ONS's similar areas.
    cambridge = area_result(2026, "E07000008").measures.set_index("indicator_id")
    assert cambridge.loc["ks2_rwm_expected", "neighbours_set"] == "ONS similar areas"


def test_a_county_is_ranked_among_upper_tier_authorities():
    # ONS claimant-count.csv 2025: Kent 3.3%, 51st lowest of the 151 upper-tier authorities with a figure.
    kent = area_result(2026, "E10000016")
    claimant = kent.measures.set_index("indicator_id").loc["claimant_rate_16_64"]
    assert kent.area_name == "Kent" and claimant["latest_value"] == 3.3
    assert (claimant["rank"], claimant["rank_of"]) == (51, 151)


def test_an_area_can_declare_its_own_strategy_with_targets_in_data(project_copy):
    # Leicester declares two priorities, the measures under each and one target; its page reports them, not
    # Coventry's eight, and sets the latest figure against the target through polarity.
    path = project_copy / "data/indicators.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "strategies: {}",
        "strategies:\n"
        "  E06000016:\n"
        "    name: Leicester's Skills Plan\n"
        "    priorities:\n"
        "      1: {title: 'Skills of adults', measures: [qual_l3plus_16_64, qual_none_16_64]}\n"
        "      2: {title: 'Work', measures: [claimant_rate_16_64]}\n"
        "    targets: {claimant_rate_16_64: 4.0}",
    )
    path.write_text(text, encoding="utf-8")
    leicester = area_result(2026, "E06000016")
    assert leicester.key_figures["progress"]["title"] == "Progress on the two priorities"
    assert "Leicester's Skills Plan" in leicester.key_figures["progress"]["opening"]
    glance = chapter.at_a_glance(leicester).set_index("Measure")
    assert list(glance.columns[:1]) == ["Priorities"] and "Target" in glance.columns
    assert glance.loc["Claimant Count", "Priorities"] == "2"
    # ONS claimant-count.csv 2025: Leicester above 4.0%; lower is better, so the target is not yet met.
    assert glance.loc["Claimant Count", "Target"] == "4.0: not yet met (not tested)"
    assert glance.loc["Level 3 and above", "Target"] == "none set"
    assert "Employment rate" not in glance.index  # measures the strategy does not name are not on its page


def test_a_trend_uses_the_real_time_axis_and_keeps_gaps():
    # Hand-worked: 10, 11, 12 in 2015, 2016 and 2022 are not a straight line on the calendar (a gap of six
    # years), though on an evenly spaced axis they are (which called the trend "increasing" with no residual).
    from skills_evidence.statistics import progress as rules

    rows = pd.DataFrame({"period": ["2015", "2016", "2022"], "value": [10.0, 11.0, 12.0], "basis": ""})
    assert rules.direction_of_travel(rows) == "no significant change"
    assert [rules.period_year(p) for p in ("2018/19", "2021", "2022-2024")] == [2018, 2021, 2023]


def test_a_trend_from_published_intervals_uses_them_as_the_variances():
    # ONS published Coventry level 3+ (NVQ) 2017-2021 with 95% intervals of about ±6 points (IDS file): the
    # 2022 edition called the trend "increasing and getting better" from the residuals of five points; with the
    # published variances the slope's interval includes zero.
    assert measure(2022, "qual_l3plus_16_64")["direction_of_travel"] == "no significant change"


def test_money_is_never_improved_on_a_cash_rise_alone():
    # ONS ASHE (gross-median-weekly-pay.csv): Coventry £501.3 in 2021 and £568.6 in 2024, against England's
    # rise over the same years: as a share of England's, 0.98 then 0.92, a fall within what Coventry's
    # intervals allow; the 2025 edition had printed "+£67: improved" and "increasing and getting better".
    pay = measure(2025, "median_weekly_pay")
    assert pay["change"] > 0 and pay["change_assessment"] == "significant increase"
    assert pay["change_judgement"] == "no significant change against England: 0.98 then 0.92 of England's"
    assert pay["direction_of_travel"].endswith("in cash terms")


def test_a_neighbours_average_carries_its_members_uncertainty():
    # ONS model-based unemployment 2023: Coventry 5.8% (4.3 to 7.3); its DfE neighbours' average 4.29 was
    # called "worse" because 4.3 cleared it; with the average's own interval (from its members' intervals) the
    # two cannot be told apart.
    unemployment = measure(2025, "unemployment_rate_modelled")
    assert unemployment["latest_ci_lower"] == 4.3 and round(unemployment["neighbours_value"], 2) == 4.29
    assert unemployment["vs_neighbours"] == "similar"


def test_estimates_ons_calls_unreliable_are_marked_and_never_ranked_or_judged():
    # ONS qualifications-none-gb.csv, 2023: Westminster 1.6% with the note "Estimate and confidence interval
    # unreliable since the group sample size is small (3-9)" and no interval. The 2025 edition ranked it 3rd
    # and called it "lower than England"; from the 2026 edition's data it carries [u] and is neither.
    westminster = area_result(2026, "E09000033").measures.set_index("indicator_id").loc["qual_none_16_64"]
    assert (westminster["latest_value"], westminster["latest_status"]) == (1.6, "u")
    assert westminster["vs_england"].startswith("not compared ([u]") and pd.isna(westminster["rank"])
    glance = chapter.at_a_glance(area_result(2026, "E09000033")).set_index("Measure")
    assert glance.loc["No qualifications", "Latest"] == "1.6% [u] (2023, RQF)"
    # Coventry is ranked among the districts and unitaries whose estimate ONS does not call unreliable, and the
    # page says how many were left out.
    coventry = result(2026).measures.set_index("indicator_id").loc["qual_none_16_64"]
    assert (coventry["rank_of"], coventry["rank_left_out"]) == (107, 132)
    # The file lists 55 of today's districts and unitaries for 2023 with no figure, marked x (counted with the
    # csv module from data/snapshots/ons-els/2026-11/none_16_64_rqf.csv): 107 + 132 + 55 = 294 listed.
    assert coventry["rank_no_figure"] == "55 [x]"
    assert (
        "(132 [u] left out; 55 [x] without a figure)"
        in chapter.detail(result(2026)).set_index("Measure").loc["No qualifications (2023)", "Rank (1 = best)"]
    )


def test_a_survey_estimates_rank_is_printed_with_its_range():
    # ONS model-based unemployment 2023: Coventry 5.8% (4.3 to 7.3), 278th of the 289 districts and unitaries of
    # 2021 with a figure; drawn from every authority's published interval its rank could be anywhere from about
    # 215th to 287th (the issue estimated about 223 to 293), so the page prints the range beside the rank.
    unemployment = measure(2025, "unemployment_rate_modelled")
    assert (unemployment["rank"], unemployment["rank_of"]) == rank_in_2021_districts(
        "ons-els/2026/modelled_unemployment.csv", "2023", -1
    )
    assert (unemployment["rank"], unemployment["rank_of"]) == (278, 289)
    assert 205 <= unemployment["rank_low"] <= 230 and 280 <= unemployment["rank_high"] <= 289
    cell = chapter.detail(result(2025)).set_index("Measure").loc["Unemployment rate (2023)", "Rank (1 = best)"]
    # The file lists three districts and unitaries for 2023 with no figure, marked x (City of London, Isles of
    # Scilly, North Northamptonshire): they are not in the 289 and the cell says so.
    assert cell == (
        f"278 ({int(unemployment['rank_low'])} to {int(unemployment['rank_high'])}) of 289 districts and unitaries"
        " (2021 boundaries) (3 [x] without a figure)"
    )
    # A count without intervals (the Claimant Count) keeps a plain rank.
    assert pd.isna(measure(2025, "claimant_rate_16_64")["rank_low"])


def test_the_share_of_neighbours_needed_is_worded_from_the_rule_itself():
    # The page's note on averages says the share the code enforces (MIN_SHARE), never a typed copy of it.
    assert [chapter.fraction_words(Fraction(n, d)) for n, d in ((2, 3), (1, 2), (3, 4), (1, 3))] == [
        "two thirds",
        "half",
        "three quarters",
        "one third",
    ]
    note = result(2026).key_figures["progress"]["comparators_note"]
    assert chapter.fraction_words(chapter.MIN_SHARE) in note


def test_a_whole_number_the_publisher_gave_is_never_printed_with_a_decimal_place():
    # ONS Explore Local Statistics (DfE) gives KS2 2024/25 as whole numbers: England 63, West Midlands 62, Coventry
    # 60 (data/snapshots/ons-els/2026-11/ks2_rwm_expected.csv). They print as 63%, not 63.0%; the neighbours'
    # average (61.2) and the council's own 2018/19 figure (62.2, One Coventry Plan report) keep their decimal.
    detail = chapter.detail(result(2026)).set_index("Measure").loc["KS2 expected standard (2024/25)"]
    assert detail["England"].startswith("63%:") and detail["Region (includes the area)"].startswith("62%:")
    assert detail["Coventry"] == "60%" and detail["Statistical neighbours"].startswith("61.2%")
    glance = chapter.at_a_glance(result(2026)).set_index("Measure").loc["KS2 expected standard"]
    assert glance["Baseline"] == "62.2% (2018/19)"
    assert (
        "KS2 expected standard: DfE publishes these percentages as whole numbers"
        in (result(2026).key_figures["progress"]["caveats"])
    )
    # A measure without that flag keeps one decimal place for a whole figure (Claimant Count 2.0 would be 2.0%).
    assert chapter.value_text({"indicator_id": "claimant_rate_16_64", "unit": "%", "v": 2.0}, "v") == "2.0%"

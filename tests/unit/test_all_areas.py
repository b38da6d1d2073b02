"""`skills-evidence indicators --all-areas`: every English authority's monitoring measures with ranks that
agree with the monitoring page, in under a minute."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from skills_evidence.cli import app
from skills_evidence.pipeline import all_areas


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return all_areas.table(2025)  # its time is measured by `make benchmark`, not asserted here


def test_every_measure_for_every_english_authority_with_the_monitoring_pages_ranks(table):
    coventry = table[table.geography_code == "E08000026"].set_index("indicator_id")
    # The monitoring page (2025 edition) ranks Coventry's Claimant Count 253 of 292 and KS2 184 of 291, over the
    # 2021 districts and unitaries (tests/unit/test_progress_chapter.py counts both with the csv module).
    assert (coventry.loc["claimant_rate_16_64", "rank"], coventry.loc["claimant_rate_16_64", "rank_of"]) == (253, 292)
    assert (coventry.loc["ks2_rwm_expected", "rank"], coventry.loc["ks2_rwm_expected", "rank_of"]) == (184, 291)
    # Barnsley and Sheffield are ranked once each, under their 2021 codes (E08000016 and E08000019); the files
    # also carry the codes they took in 2022 (E08000038 and E08000039), which ranked them twice.
    assert not table["geography_code"].isin(["E08000038", "E08000039"]).any()
    assert (table[table["geography_name"].isin(["Barnsley", "Sheffield"])].groupby("indicator_id").size() == 2).all()
    assert table["geography_code"].str.match(r"^E(0[6-9]|10)\d{6}$").all()
    assert not table.duplicated(["indicator_id", "geography_code"]).any()


def test_rank_among_authorities_of_the_same_kind(table):
    # ONS Claimant Count 2024 (claimant-count.csv): 36 metropolitan districts; 25 have a rate below Coventry's
    # 5.4% (lowest 3.1), so Coventry is 26th of 36, lower being better.
    row = table[(table.indicator_id == "claimant_rate_16_64") & (table.geography_code == "E08000026")].iloc[0]
    assert (row["kind"], row["rank_in_kind"], row["rank_in_kind_of"]) == ("metropolitan district", 26, 36)
    assert row["england_value"] == 4.0 and row["region_code"] == "E12000005"


def test_the_cli_writes_the_file_and_asks_for_a_scope(project_copy):
    runner = CliRunner()
    assert runner.invoke(app, ["indicators"]).exit_code == 2
    result = runner.invoke(app, ["indicators", "--all-areas", "--edition", "2025"])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(project_copy / "build/2025/all_areas/indicators.csv")
    assert set(written["indicator_id"]) == set(all_areas.table(2025)["indicator_id"])
    assert not list((project_copy / "build/2025/all_areas").glob(".*partial"))


def _claimant_as_published(code: str, period: str = "2025-01-01/P1Y") -> float:
    """The figure as ONS's claimant-count.csv prints it, read with the csv module (not the project's loader)."""
    import csv

    from skills_evidence.paths import shared_dir

    path = shared_dir() / "real-data/ons_explore_local_statistics/claimant-count.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["areacd"] == code and row["period"] == period:
                return float(row["observation"])
    raise AssertionError(f"claimant-count.csv has no row for {code} {period}")


@pytest.mark.shared
def test_from_2026_every_current_english_authority_counties_included():
    table = all_areas.table(2026)
    claimant = table[table.indicator_id == "claimant_rate_16_64"].set_index("geography_code")
    # A county, a London borough and a shire district: the figures ONS publishes, ranked within their tier.
    for code, kind in (
        ("E10000016", "county"),
        ("E09000030", "London borough"),
        ("E07000008", "non-metropolitan district"),
    ):
        assert claimant.loc[code, "value"] == _claimant_as_published(code) and claimant.loc[code, "kind"] == kind
    # Kent (3.3% in 2025) among the 151 upper-tier authorities with a figure (counties with unitaries, metropolitan
    # districts and London boroughs), never among the districts; Cambridge among the 294 districts and unitaries.
    assert (claimant.loc["E10000016", "rank"], claimant.loc["E10000016", "rank_of"]) == (51, 151)
    assert claimant.loc["E07000008", "rank_of"] == 294 and claimant.loc["E10000016", "region_code"] == "E12000008"
    # Every authority of today has a row; none abolished before 2023 (ONS's Allerdale, E07000026) does.
    from skills_evidence.editions import inputs
    from skills_evidence.inputs.loaders.files import read_table

    authorities = read_table(inputs("progress", 2026)[0]["english_authorities"])
    assert set(authorities["area_code"]) <= set(table["geography_code"]) and len(authorities) == 317
    assert "E07000026" not in set(table["geography_code"])

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
    # The monitoring page (2025 edition) ranks Coventry's Claimant Count 257 of 296 and KS2 185 of 298.
    assert (coventry.loc["claimant_rate_16_64", "rank"], coventry.loc["claimant_rate_16_64", "rank_of"]) == (257, 296)
    assert (coventry.loc["ks2_rwm_expected", "rank"], coventry.loc["ks2_rwm_expected", "rank_of"]) == (185, 298)
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

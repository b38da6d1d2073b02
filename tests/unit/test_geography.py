"""Geography: comparator groups in data, and LAD code changes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skills_evidence.inputs.loaders.geography import harmonise_counts_to_lad21, load_lad_2011_to_2021
from skills_evidence.inputs.snapshots import paths_for

LOOKUP = (
    "lsip_dashboard/Local_Authority_District_(2011)_to_Local_Authority_District_(2021)_Lookup_for_England_and_Wales.csv"
)


@pytest.fixture(scope="module")
def groups() -> pd.DataFrame:
    return pd.read_csv(paths_for(["comparator_groups"])["comparator_groups"], dtype=str)


def test_wmca_has_its_seven_constituent_members(groups):
    # ONS LAD to combined authority lookup (May 2024): E47000007 West Midlands has seven members.
    members = groups[groups.group_id == "wmca_members"]
    assert sorted(members.geography_name) == [
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ]


def test_coventry_statistical_neighbours_2021_in_rank_order(groups):
    # DfE April 2021 set for Coventry (331): Derby (831) first … Southampton (852) tenth, as GSS codes.
    sn = groups[groups.group_id == "dfe_sn_2021"].sort_values("rank", key=lambda r: r.astype(int))
    assert sn.geography_code.iloc[0] == "E06000015" and sn.geography_code.iloc[-1] == "E06000045" and len(sn) == 10


@pytest.mark.shared
def test_northamptonshire_districts_sum_into_the_2021_unitaries(real_data: Path):
    lookup = load_lad_2011_to_2021(real_data / LOOKUP)
    north = lookup[lookup.lad21_name == "North Northamptonshire"].lad11_code.tolist()
    assert len(north) == 4  # Corby, East Northamptonshire, Kettering, Wellingborough
    frame = pd.DataFrame(
        {
            "geography_code": [*north, "E08000026"],
            "geography_name": "x",
            "period": "2019",
            "count": [100.0, 200.0, 300.0, 400.0, 5.0],
        }
    )
    out = harmonise_counts_to_lad21(frame, lookup, ["count"]).set_index("geography_code")
    assert out.loc["E06000061", "count"] == 1000 and out.loc["E06000061", "geography_name"] == "North Northamptonshire"
    assert out.loc["E08000026", "count"] == 5


@pytest.mark.shared
def test_a_merged_area_with_a_missing_district_stays_missing(real_data: Path):
    lookup = load_lad_2011_to_2021(real_data / LOOKUP)
    north = lookup[lookup.lad21_name == "North Northamptonshire"].lad11_code.tolist()
    frame = pd.DataFrame(
        {"geography_code": north, "geography_name": "x", "period": "2019", "count": [100.0, None, 300.0, 400.0]}
    )
    out = harmonise_counts_to_lad21(frame, lookup, ["count"])
    assert out["count"].isna().all()


def test_every_upper_tier_authoritys_dfe_neighbours_by_gss_code(groups):
    # DfE LAIT, May 2025 set: Coventry's ten are Derby, Southampton, Peterborough, Bolton, Wolverhampton,
    # Hillingdon, Rochdale, Walsall, Luton and Stoke-on-Trent (as in comparator_groups); Leicester's first is Luton.
    table = pd.read_csv(paths_for(["dfe_statistical_neighbours"])["dfe_statistical_neighbours"], dtype=str)
    coventry = table[(table.set_id == "dfe_sn_2025") & (table.la_code == "E08000026")].neighbour_code.tolist()
    assert coventry == groups[groups.group_id == "dfe_sn_2025"].geography_code.tolist()
    leicester = table[(table.set_id == "dfe_sn_2025") & (table.la_code == "E06000016")]
    assert len(leicester) == 10 and leicester.iloc[0].neighbour_name == "Luton"

"""A publisher's file layouts are declared in data/layouts.yaml and recognised from the header (issue 21):
every layout ONS has used for the series the book reads, and a refusal naming what was found otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_evidence.inputs import release
from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.ons_indicators import load_ons_indicator


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("gross-median-weekly-pay@2023-12-31.csv", "ELS title case with Observation, Mission and Category (2023)"),
        ("gross-median-weekly-pay@2025-11-30.csv", "ELS title case with Observation (2024)"),
        (
            "pupils-at-expected-standards-by-end-of-primary-school@2023-05-31.csv",
            "Subnational title case with Value, Mission and Category (2023)",
        ),
        ("employment-rate@2024-09-30.csv", "ELS lower case, long interval names (2024-2025)"),
        ("employment-rate@2025-09-30.csv", "ELS lower case, long interval names (2024-2025)"),
    ],
)
def test_every_layout_ons_has_used_is_recognised(real_data: Path, name: str, layout: str):
    frame = load_ons_indicator(real_data / "ons_explore_local_statistics_more/vintages" / name)
    assert frame.attrs["layout"] == layout


@pytest.mark.shared
def test_the_same_figure_is_read_from_two_layouts(real_data: Path):
    # ONS published Coventry's April 2021 median weekly pay as 501.3 in both the 2024 and 2025 releases.
    vintages = real_data / "ons_explore_local_statistics_more/vintages"
    for name in ("gross-median-weekly-pay@2024-12-31.csv", "gross-median-weekly-pay@2025-11-30.csv"):
        frame = load_ons_indicator(vintages / name)
        coventry = frame[(frame.geography_code == "E08000026") & frame.period.str.startswith("2021")]
        assert coventry.value.tolist() == [501.3], name


@pytest.mark.bad_input
def test_an_undeclared_layout_is_refused_naming_the_columns_found_and_expected(tmp_path: Path):
    path = tmp_path / "renamed.csv"
    path.write_text("area_code,area_name,time,obs\nE08000026,Coventry,2024,5.4\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_ons_indicator(path)
    message = str(err.value)
    assert err.value.row == 1 and "found area_code, area_name, time, obs" in message
    assert "ELS lower case, short interval names (2025-): areacd, areanm" in message and "data/layouts.yaml" in message


@pytest.mark.shared
def test_the_publishers_note_on_a_suspended_series_comes_from_its_own_metadata(real_data: Path):
    # ONS's qualifications-level-3-or-above.json caveats; the Claimant Count has no such note.
    els = real_data / "ons_explore_local_statistics"
    assert release.publisher_note(els / "qualifications-level-3-or-above.csv") == (
        "Updates to this indicator have been temporarily suspended until the APS reweighting is implemented in 2026."
    )
    assert release.publisher_note(els / "claimant-count.csv") == ""

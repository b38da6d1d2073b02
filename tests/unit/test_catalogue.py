"""The indicator catalogue (data/indicators.yaml) is the one source of label, unit, polarity and priority."""

from __future__ import annotations

import pandas as pd
import pytest

from skills_evidence.chapters import skills_levels
from skills_evidence.editions import inputs as pinned
from skills_evidence.statistics import indicators


def _row(**overrides: object) -> pd.DataFrame:
    row = {
        "indicator_id": "qual_l3plus_16_64",
        "geography_code": "E08000026",
        "period": "2021",
        "value": 58.9,
        "ci_lower": 52.9,
        "ci_upper": 64.9,
        "source_id": "ons_l3plus_nvq",
    }  # ONS published Coventry L3+ 2021
    return pd.DataFrame([{**row, **overrides}])


def test_unit_and_polarity_are_filled_from_the_catalogue():
    out = indicators.tidy(_row())
    assert out.loc[0, "unit"] == "%" and out.loc[0, "polarity"] == 1


def test_an_indicator_the_catalogue_lacks_is_refused_by_name():
    with pytest.raises(indicators.CatalogueError, match="qual_l9plus_16_64"):
        indicators.tidy(_row(indicator_id="qual_l9plus_16_64"))


def test_a_chapter_disagreeing_with_the_catalogue_is_refused():
    with pytest.raises(indicators.CatalogueError, match="polarity"):
        indicators.tidy(_row(indicator_id="qual_none_16_64", polarity=1))  # more people without qualifications is worse


def test_survey_confidence_takes_the_catalogue_polarity():
    # The survey module once wrote polarity 0 for every item while the catalogue said 1 for this one.
    out = indicators.tidy(
        _row(indicator_id="survey_confident_skills", geography_code="E08000026", source_id="skills_survey_export")
    )
    assert out.loc[0, "polarity"] == 1


def test_every_catalogue_entry_is_complete_and_serves_a_priority():
    priorities = indicators.priorities()
    assert sorted(priorities) == list(range(1, 9))  # the strategy's eight priorities
    for indicator_id, entry in indicators.catalogue().items():
        assert entry["polarity"] in (-1, 0, 1) and entry["definition"] and entry["label"] and entry["unit"], (
            indicator_id
        )
        assert entry["priorities"] and set(entry["priorities"]) <= set(priorities), indicator_id


def test_every_indicator_the_skills_levels_chapter_writes_is_in_the_catalogue():
    inputs = skills_levels.read_inputs(pinned("skills_levels")[0])
    written = set(skills_levels.compute(inputs, "E08000026", "2021", "2023").indicators.indicator_id)
    assert written and written <= set(indicators.catalogue())

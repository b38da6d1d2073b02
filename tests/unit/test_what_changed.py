"""The "what changed" table: a change is shown only where there is one to show."""

from __future__ import annotations

import math

import pandas as pd

from skills_evidence.chapters import what_changed


def result(rows: list[dict]) -> what_changed.Result:
    base = {
        "series": "",
        "geography_code": "E08000026",
        "geography_name": "Coventry",
        "synthetic": False,
        "previous_basis": "",
        "current_basis": "",
        "z": math.nan,
    }
    changes = pd.DataFrame([{**base, **r} for r in rows], columns=what_changed.COLUMNS)
    return what_changed.Result(2025, 2024, "E08000026", changes, {})


def test_no_new_figure_and_a_missing_figure_show_not_applicable_not_zero():
    # An unchanged 2023 RQF level 3+ figure (ONS 68.2),
    # a level 1+ figure missing in both editions, and a real movement (KS2 57.0 -> 60.0, DfE via ONS).
    table = what_changed.table(
        result(
            [
                {
                    "indicator_id": "qual_l3plus_16_64",
                    "previous_period": "2023",
                    "previous_value": 68.2,
                    "current_period": "2023",
                    "current_value": 68.2,
                    "change": 0.0,
                    "assessment": "no new data",
                },
                {
                    "indicator_id": "qual_l1plus_16_64",
                    "previous_period": "2024",
                    "previous_value": math.nan,
                    "current_period": "2024",
                    "current_value": math.nan,
                    "change": math.nan,
                    "assessment": "not available",
                },
                {
                    "indicator_id": "ks2_rwm_expected",
                    "previous_period": "2023/24",
                    "previous_value": 57.0,
                    "current_period": "2024/25",
                    "current_value": 60.0,
                    "change": 3.0,
                    "assessment": "increase (no interval, not tested)",
                },
            ]
        )
    ).set_index("Indicator")
    assert table.loc["Qualified to level 3 or above, aged 16-64", "Change"] == "[z]"
    assert table.loc["Qualified to level 1 or above, aged 16-64", "Change"] == "[z]"
    assert table.loc["KS2 reading, writing and maths at the expected standard", "Change"] == "+3.0"

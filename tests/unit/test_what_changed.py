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


def indicator_rows(pay_2024: float, retention: float) -> pd.DataFrame:
    rows = [
        ("median_weekly_pay", "", "2024", pay_2024, "False"),
        ("median_weekly_pay", "", "2025", 648.4, "False"),
        ("graduate_retention_rate", "", "2021/22", retention, "True"),
    ]
    return pd.DataFrame(
        [
            {
                "indicator_id": i,
                "breakdown": b,
                "geography_code": "E08000026",
                "geography_name": "Coventry",
                "period": p,
                "value": v,
                "synthetic": s,
            }
            for i, b, p, v, s in rows
        ]
    )


def test_a_revision_of_an_earlier_figure_is_reported_apart_and_synthetic_series_never_are():
    # ONS revised Coventry's April 2024 median weekly pay from 568.2 (gross-median-weekly-pay, December 2024
    # release) to 568.6 (November 2025 release); the synthetic retention rate moving is no publisher's revision.
    before, after = indicator_rows(568.2, 17.0), indicator_rows(568.6, 18.0)
    revised = what_changed.revisions(after, before)
    assert revised[["indicator_id", "period", "previous_value", "current_value", "synthetic"]].values.tolist() == [
        ["graduate_retention_rate", "2021/22", 17.0, 18.0, True],
        ["median_weekly_pay", "2024", 568.2, 568.6, False],
    ]
    r = what_changed.Result(2027, 2026, "E08000026", pd.DataFrame(columns=what_changed.COLUMNS), {}, revised)
    assert what_changed.revisions_text(r).startswith(
        "Publishers revised 1 figure of earlier periods for E08000026 that the 2026 edition printed; the largest, "
        "Gross median weekly pay of residents (full-time and part-time) for 2024, went from 568.2 to 568.6."
    )


def _edition(indicator_id: str, period: str, value: float, lower: float, upper: float) -> pd.DataFrame:
    """One edition's indicators.csv row for Coventry (RQF basis)."""
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator_id,
                "breakdown": "framework:RQF",
                "geography_code": "E08000026",
                "geography_name": "Coventry",
                "period": period,
                "value": value,
                "ci_lower": lower,
                "ci_upper": upper,
                "synthetic": False,
            }
        ]
    )


def test_a_significant_change_in_estimates_ons_cautions_on_says_so():
    # ONS published Coventry level 3+ (RQF) 60.0 (56.4 to 63.6) for 2022 and 68.2 (64.0 to 72.4) for 2023
    # (Explore Local Statistics, data/snapshots/ons-els/2025). z = 8.2 / sqrt(1.84^2 + 2.14^2) = 2.9: significant
    # on sampling error, but ONS's metadata says estimates of change need "additional caution" (APS reweighting).
    changes = what_changed.compare_editions(
        _edition("qual_l3plus_16_64", "2023", 68.2, 64.0, 72.4), _edition("qual_l3plus_16_64", "2022", 60.0, 56.4, 63.6)
    )
    row = changes.iloc[0]
    assert round(row["z"], 1) == 2.9
    assert row["assessment"] == "significant increase (ONS: treat with caution)"


def test_a_significant_change_in_a_series_without_that_caution_is_plain():
    # The same numbers on an indicator whose publisher gives no such warning (GCSE English and maths by 19).
    changes = what_changed.compare_editions(
        _edition("gcse_em_by19", "2023", 68.2, 64.0, 72.4), _edition("gcse_em_by19", "2022", 60.0, 56.4, 63.6)
    )
    assert changes.iloc[0]["assessment"] == "significant increase"


def test_no_significant_change_carries_no_caution():
    # A change within the intervals needs no warning: 60.0 (56.4 to 63.6) then 61.0 (57.4 to 64.6).
    changes = what_changed.compare_editions(
        _edition("qual_l3plus_16_64", "2023", 61.0, 57.4, 64.6), _edition("qual_l3plus_16_64", "2022", 60.0, 56.4, 63.6)
    )
    assert changes.iloc[0]["assessment"] == "no significant change"


def test_a_change_in_money_says_it_is_in_cash_terms():
    # ONS (ASHE via Explore Local Statistics, data/snapshots/ons-els/2026/median_weekly_pay.csv) published Coventry's
    # median weekly pay 568.6 (534.1 to 603.1) for 2024 and 648.4 (600.1 to 696.7) for 2025: z = 2.6, significant,
    # but at current prices, so the assessment says "in cash terms".
    changes = what_changed.compare_editions(
        _edition("median_weekly_pay", "2025", 648.4, 600.107168, 696.692832),
        _edition("median_weekly_pay", "2024", 568.6, 534.051864, 603.148136),
    )
    assert round(changes.iloc[0]["z"], 1) == 2.6
    assert changes.iloc[0]["assessment"] == "significant increase in cash terms"

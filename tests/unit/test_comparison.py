"""Fingertips-style comparison words and signed differences."""

from __future__ import annotations

from skills_evidence.chapters.formatting import signed
from skills_evidence.statistics.comparison import judgement, significance


def test_interval_wholly_above_or_below_or_overlapping():
    assert significance(58.9, 52.9, 64.9, 61.5) == "similar"  # ONS: Coventry L3+ 2021 (52.9-64.9) vs GB 61.5
    assert significance(10.9, 9.1, 12.8, 6.6) == "higher"  # T19: Birmingham no qualifications 2021 vs GB aggregate
    assert significance(40.0, 35.0, 45.0, 45.5) == "lower"  # constructed: interval ends just below the benchmark
    assert significance(40.0, float("nan"), 45.0, 45.5) == "not compared"


def test_polarity_turns_higher_into_better_or_worse():
    assert judgement("higher", 1) == "better"
    assert judgement("higher", -1) == "worse"  # more people with no qualifications is worse
    assert judgement("lower", -1) == "better"
    assert judgement("similar", 1) == "similar"


def test_signed_differences_use_a_true_minus_and_round_only_for_display():
    assert signed(-2.6000001) == "\u22122.6"
    assert signed(1.04) == "+1.0"
    assert signed(0.04) == "0.0"
    assert signed(float("nan")) == "[x]"

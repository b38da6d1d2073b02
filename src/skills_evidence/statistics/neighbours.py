"""DfE statistical neighbours: which of DfE's sets applies to a figure, and who an area's neighbours are.

DfE revises its sets now and then (April 2021, May 2025 here: `statistical_neighbours` in
data/indicators.yaml). A figure's neighbour average uses the set in force when its period ended, the
newest set published by then, so a past year's average never moves when a new set arrives; a period
that ended before every set held here uses the earliest, flagged as a stand-in.
"""

from __future__ import annotations

import pandas as pd

from skills_evidence import periods


def period_end(period: str) -> str:
    """The month (YYYY-MM) a period ends: August of an academic year's summer, December of a calendar year."""
    text = str(period)
    return f"{periods.summer(text)}-08" if "/" in text else f"{text[:4]}-12"


def set_for(period: str, sets: dict[str, str]) -> tuple[str, bool]:
    """The set (group id) for a figure of `period` and whether it stands in for an earlier set the inputs lack."""
    ended = period_end(period)
    in_force = [group for group, published in sorted(sets.items(), key=lambda kv: kv[1]) if published <= ended]
    return (in_force[-1], False) if in_force else (min(sets, key=sets.__getitem__), True)


def members(groups: pd.DataFrame, group_id: str, area_name: str) -> list[str]:
    """The codes of `area_name`'s neighbours in a set; empty when the set is another area's (a group's name
    says whose it is: "Coventry's DfE statistical neighbours (2021 set)")."""
    group = groups[groups["group_id"] == group_id]
    return (
        group["geography_code"].tolist()
        if len(group) and group["group_name"].str.startswith(f"{area_name}'s ").all()
        else []
    )

"""DfE statistical neighbours: which of DfE's sets applies to a figure, and who an area's neighbours are.

DfE revises its sets now and then (April 2021, May 2025 here: `statistical_neighbours` in
data/indicators.yaml). A figure's neighbour average uses the set in force when its period ended, the
newest set published by then, so a past year's average never moves when a new set arrives; a period
that ended before every set held here uses the earliest, flagged as a stand-in.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from skills_evidence import periods
from skills_evidence.places import possessive


def period_end(period: str) -> str:
    """The month (YYYY-MM) a period ends: August of an academic year's summer, December of a calendar year."""
    text = str(period)
    return f"{periods.summer(text)}-08" if "/" in text else f"{text[:4]}-12"


def set_for(period: str, sets: dict[str, str]) -> tuple[str, bool]:
    """The set (group id) for a figure of `period` and whether it stands in for an earlier set the inputs lack."""
    ended = period_end(period)
    in_force = [group for group, published in sorted(sets.items(), key=lambda kv: kv[1]) if published <= ended]
    return (in_force[-1], False) if in_force else (min(sets, key=sets.__getitem__), True)


def members(table: pd.DataFrame, set_id: str, area_code: str) -> list[str]:
    """The codes of an area's neighbours in one of DfE's sets (data/reference/dfe_statistical_neighbours.csv);
    empty where DfE gives the area none (a district: DfE's sets are for upper-tier authorities)."""
    rows = table[(table["set_id"] == set_id) & (table["la_code"] == area_code)]
    return rows.sort_values("rank")["neighbour_code"].tolist()


def group_name(area_name: str, set_id: str) -> str:
    """How the book names an area's neighbours in one set: "Coventry's DfE statistical neighbours (2021 set)"."""
    return f"{possessive(area_name)} DfE statistical neighbours ({set_id[-4:]} set)"


def month_title(month: str) -> str:
    """ "2021-04" → "April 2021"."""
    return f"{datetime.strptime(month, '%Y-%m'):%B %Y}"


def set_title(set_id: str, sets: dict[str, str]) -> str:
    """A set as the book names it in prose, from its publication month: "DfE's April 2021 set"."""
    return f"DfE's {month_title(sets[set_id])} set"

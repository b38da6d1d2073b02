"""Periods as the book writes them: calendar years ("2021") and academic years ("2018/19").

One place for the arithmetic the loaders, chapters and new-edition scaffolding all need."""

from __future__ import annotations

import re

ACADEMIC = re.compile(r"^(\d{4})/(\d{2})$")


def academic_year(start: int) -> str:
    """The academic year starting in September of `start`: 2018 → "2018/19"."""
    return f"{start}/{str(start + 1)[2:]}"


def of_summer(year: int) -> str:
    """The academic year whose summer term is in `year` (when tests are sat): 2016 → "2015/16"."""
    return academic_year(year - 1)


def from_dfe_code(code: str) -> str:
    """DfE's six-digit time period `201819` → "2018/19"; anything else is returned as it is."""
    code = str(code).strip()
    return academic_year(int(code[:4])) if len(code) == 6 and code.isdigit() else code


def move_on(period: object, years: int) -> object:
    """A period moved on by `years`: "2021" → "2022", "2018/19" → "2019/20"; other values unchanged."""
    text = str(period)
    if re.fullmatch(r"\d{4}", text):
        return str(int(text) + years)
    m = ACADEMIC.match(text)
    return academic_year(int(m[1]) + years) if m else period


def summer(period: str) -> int:
    """The calendar year of an academic year's summer term: "2015/16" → 2016."""
    return int(str(period)[:4]) + 1

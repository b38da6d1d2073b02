"""The area a book is for, where the 2021 district lookup does not hold it (a county, or a unitary formed
since 2021): its row taken from ONS's list of current English authorities."""

from __future__ import annotations

import pandas as pd

from skills_evidence.inputs.loaders.files import read_table

#: The dataset of current English authorities (counties included), read by a chapter when its edition pins it.
AUTHORITIES = "english_authorities"


def read_authorities(paths: dict, name: str = AUTHORITIES) -> pd.DataFrame | None:
    """The current English authorities, when the edition pins them (2026 on); None before."""
    return read_table(paths[name]) if name in paths else None


def with_area(lad21: pd.DataFrame, authorities: pd.DataFrame | None, area_code: str) -> pd.DataFrame:
    """The 2021 district lookup with the area's own row added when it is not there (a county, North
    Yorkshire): its name and region from ONS; its country left blank so that no regional sum built from
    the 2021 districts ever counts it twice."""
    if authorities is None or area_code in set(lad21["lad_code"]):
        return lad21
    row = authorities[authorities["area_code"] == area_code]
    if row.empty:
        return lad21
    r = row.iloc[0]
    added = pd.DataFrame(
        [{"lad_code": area_code, "lad_name": r["area_name"], "region_code": r["region_code"],
          "region_name": r["region_name"], "country_code": "", "ca_code": "", "ca_name": ""}]
    )  # fmt: skip
    return pd.concat([lad21, added], ignore_index=True)

"""Statistical disclosure control for survey tables: no published cell rests on fewer than 10
respondents, and a suppressed cell cannot be recovered from the cells left beside it.

Primary suppression: a cell is suppressed when its base (respondents answering, n), the number ticking
(k) or the number not ticking (n − k) is under 10, since a share and its base reveal both counts.
Secondary suppression: within one breakdown of one item (e.g. barriers by age band), if exactly one
group is suppressed while the overall figure is published, the published groups and the overall would
let it be worked out; so the next-smallest group is suppressed too.
"""

from __future__ import annotations

import pandas as pd

MIN_RESPONDENTS = 10
VALUE_COLUMNS = ["n", "k", "share", "ci_lower", "ci_upper", "n_eff"]


def primary(table: pd.DataFrame) -> pd.DataFrame:
    """Mark status "c" (and blank the values) where any count behind a cell is under 10."""
    out = table.copy()
    small = (out["n"] < MIN_RESPONDENTS) | (out["k"] < MIN_RESPONDENTS) | ((out["n"] - out["k"]) < MIN_RESPONDENTS)
    out["status"] = small.map({True: "c", False: ""})
    return out


def secondary(
    table: pd.DataFrame, item: str = "item", breakdown: str = "breakdown", group: str = "group"
) -> pd.DataFrame:
    """Suppress a second group wherever a breakdown has exactly one suppressed group (the overall row has
    breakdown "all" and is never a group of another breakdown)."""
    out = table.copy()
    for _, part in out[out[breakdown] != "all"].groupby([item, breakdown]):
        suppressed = part[part["status"] == "c"]
        if len(suppressed) == 1 and len(part) > 1:
            others = part[part["status"] != "c"].sort_values(["n", group])
            if len(others):
                out.loc[others.index[0], "status"] = "c"
    return out


def apply(table: pd.DataFrame) -> pd.DataFrame:
    """Primary then secondary suppression; suppressed cells keep no numbers at all."""
    out = secondary(primary(table))
    out.loc[out["status"] == "c", VALUE_COLUMNS] = float("nan")
    return out

"""read_table reads a project CSV's numbers without stripping every cell first (issue 27: it was most of the
time a notebook spent reading its inputs). It must read exactly what the definition gives: every cell
stripped, a column numeric when each cell is a number or blank and one is a number."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skills_evidence.inputs.loaders.files import _numbers_stripped, read_csv_text, read_table, with_numbers
from skills_evidence.paths import resolve

NAN = float("nan")


def by_definition(path: Path) -> pd.DataFrame:
    return with_numbers(read_csv_text(path), _numbers_stripped)


def test_every_snapshot_reads_as_the_definition_reads_it():
    files = sorted(resolve("data/snapshots").rglob("*.csv"))
    assert len(files) >= 30  # every dataset version held here
    for path in files:
        pd.testing.assert_frame_equal(read_table(path), by_definition(path), check_exact=True, obj=str(path))


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["58.9", " 61.2 ", ""], [58.9, 61.2, NAN]),  # spaces around a number; a blank stays missing, never zero
        (["58.9", "\u00a061.2", ""], [58.9, 61.2, NAN]),  # a no-break space, which only stripping removes
        (["21", "20"], [21, 20]),  # whole numbers stay whole (source rows)
        (["Coventry", "58.9"], None),  # words in the first cell: text
        (["58.9", "[x]"], None),  # a publisher's mark: text, for the loader to read as a mark
        (["", "nan"], None),  # the word "nan" is not a number
        (["", "  "], None),  # all blank: text
        ([], None),
    ],
)
def test_a_column_is_numbers_only_when_every_cell_is_a_number_or_blank(cells, expected, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("geography_code,value\n" + "".join(f"E0{i},{c}\n" for i, c in enumerate(cells)), encoding="utf-8")
    read = read_table(path)
    pd.testing.assert_frame_equal(read, by_definition(path), check_exact=True)
    if expected is None:
        assert not pd.api.types.is_numeric_dtype(read["value"])
    else:
        assert read["value"].tolist() == pytest.approx(expected, nan_ok=True)

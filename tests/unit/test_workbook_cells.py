"""How the spreadsheet of tables holds a figure (publishing.workbook)."""

from __future__ import annotations

import pandas as pd

from skills_evidence.publishing import workbook


def test_a_symbol_alone_is_said_in_words_and_a_missing_interval_is_not_applicable():
    frame = pd.DataFrame({"unit": ["%", "£"], "value": ["58.9", ""], "ci_lower": ["", ""], "status": ["", "x"]})
    out = workbook.cells(frame)
    assert out["unit"].tolist() == ["per cent", "pounds"]
    assert out["value"].tolist() == [58.9, "[x]"]
    assert out["ci_lower"].tolist() == ["[z]", "[x]"]


def test_a_missing_figure_carries_its_rows_status_or_says_why_it_is_empty():
    # The Analysis Function's shorthand: [c] confidential, [u] low reliability; with no status, [x] for a figure
    # not available and [z] for an interval that does not apply. A figure beside a status keeps the figure.
    frame = pd.DataFrame(
        {
            "value": ["", "", "", "61.2"],
            "ci_upper": ["", "", "", ""],
            "status": ["c", "u", "", "u"],
        }
    )
    out = workbook.cells(frame)
    assert out["value"].tolist() == ["[c]", "[u]", "[x]", 61.2]
    assert out["ci_upper"].tolist() == ["[c]", "[u]", "[z]", "[u]"]
    assert out["status"].tolist() == ["c", "u", "", "u"]


def test_each_table_is_put_into_cells_once_for_both_spreadsheets(tmp_path):
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "indicators.csv").write_text(
        "indicator_id,geography_code,geography_name,value,ci_lower,status\nl3plus,E08000026,Coventry,58.9,,\n",
        encoding="utf-8",
    )
    found, _ = workbook.tables(tmp_path, "Coventry")
    assert [t.key for t in found] == ["indicators"]
    assert found[0].sheet.equals(workbook.cells(found[0].frame))
    assert found[0].sheet["ci_lower"].tolist() == ["[z]"]

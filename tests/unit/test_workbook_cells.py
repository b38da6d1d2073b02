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


def test_each_table_is_put_into_cells_once_for_both_spreadsheets(tmp_path, monkeypatch):
    # Both spreadsheets are written from the same cells; computing them for each format took about 0.5 s of every
    # book's build (Coventry's 2026 book: 16 tables, about 30,000 cells).
    from skills_evidence.editions import load

    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "indicators.csv").write_text(
        "indicator_id,geography_code,geography_name,value,ci_lower,status\nl3plus,E08000026,Coventry,58.9,,\n",
        encoding="utf-8",
    )
    made = []
    real = workbook.cells
    monkeypatch.setattr(workbook, "cells", lambda frame: made.append(len(frame)) or real(frame))
    found, left_out = workbook.tables(tmp_path, "Coventry")
    assert [t.key for t in found] == ["indicators"] and made == [1]
    assert found[0].sheet["ci_lower"].tolist() == ["[z]"]  # no interval and no status: not applicable
    _, defined, current = load()
    edition = defined[current]
    workbook.write_xlsx(tmp_path / "t.xlsx", edition, found, left_out, "Coventry City Council")
    workbook.write_ods(tmp_path / "t.ods", edition, found, left_out, "Coventry City Council")
    assert made == [1]  # neither spreadsheet computed the cells again
    assert found[0].sheet["ci_lower"].tolist() == ["[z]"]  # and gptables left the frame the ODS reads unchanged

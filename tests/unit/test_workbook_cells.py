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

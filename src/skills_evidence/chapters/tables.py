"""Display tables for the book: Markdown with every cell exactly as the library formatted it, and
text escaped so that names from data are shown as written (see escape.py)."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from skills_evidence.chapters.escape import markdown_text


def text(frame: pd.DataFrame, words: tuple[str, ...] = ()) -> str:
    """A pipe table, label column and the `words` columns left-aligned, figures right-aligned; numbers
    are not re-parsed, so a formatted "21.0" stays "21.0" (tabulate would print 21)."""
    align = ["left" if i == 0 or c in words else "right" for i, c in enumerate(frame.columns)]
    shown = frame.map(lambda cell: markdown_text(cell) if isinstance(cell, str) else cell)
    shown.columns = [markdown_text(str(c)) for c in frame.columns]
    return shown.to_markdown(index=False, disable_numparse=True, colalign=align)


def markdown(frame: pd.DataFrame, words: tuple[str, ...] = ()) -> Markdown:
    """The table as a notebook cell's Markdown output, which the book embeds (`words`: text columns)."""
    return Markdown(text(frame, words))

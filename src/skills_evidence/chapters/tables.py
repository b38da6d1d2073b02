"""Display tables for the book: Markdown with every cell exactly as the library formatted it, and
text escaped so that names from data are shown as written (see escape.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from skills_evidence.chapters.escape import markdown_text

if TYPE_CHECKING:
    from IPython.display import Markdown


def text(frame: pd.DataFrame, words: tuple[str, ...] = ()) -> str:
    """A pipe table, label column and the `words` columns left-aligned, figures right-aligned; numbers
    are not re-parsed, so a formatted "21.0" stays "21.0" (tabulate would print 21)."""
    align = ["left" if i == 0 or c in words else "right" for i, c in enumerate(frame.columns)]
    shown = frame.map(lambda cell: markdown_text(cell) if isinstance(cell, str) else cell)
    shown.columns = [markdown_text(str(c)) for c in frame.columns]
    return shown.to_markdown(index=False, disable_numparse=True, colalign=align)


def markdown(frame: pd.DataFrame, words: tuple[str, ...] = ()) -> Markdown:
    """The table as a notebook cell's Markdown output, which the book embeds (`words`: text columns)."""
    # Imported here: IPython takes a tenth of a second to import, and a build that only stages the book (the
    # "About" page's tables) never displays one.
    from IPython.display import Markdown

    return Markdown(text(frame, words))

"""Finishing touches to the PDFs both renderers write, for readers of assistive technology and for tools.

Typst writes tagged PDFs (a structure tree, alternative text on figures, the language). Two things are
added after: the viewer shows the document's title rather than its file name (DisplayDocTitle, which
PDF/UA asks for), and `/Suspects false` is removed from the mark information (absent means the same,
and poppler reports the boolean as "Suspects object is wrong type"). pikepdf (qpdf) rewrites the file
with an identifier computed from its content, so the bytes still repeat.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf


def finish(path: Path) -> Path:
    """Rewrite one PDF in place with the title shown and no false Suspects flag; returns its path."""
    tmp = path.with_suffix(".pdf.tmp")
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        mark = root.get("/MarkInfo")
        if isinstance(mark, pikepdf.Dictionary) and mark.get("/Suspects") is not None and not bool(mark.Suspects):
            del mark["/Suspects"]
        if "/ViewerPreferences" not in root:
            root.ViewerPreferences = pikepdf.Dictionary()
        root.ViewerPreferences.DisplayDocTitle = True
        pdf.save(tmp, deterministic_id=True)
    tmp.replace(path)
    return path

"""The printable scrutiny summary: the "at a glance" page of the progress chapter as its own A4 PDF,
for the Scrutiny Board pack, published beside the edition's book and linked from the landing page.

Typst (the fallback's PDF engine, from PyPI) typesets it under either renderer, so the summary is the
same file whichever renderer made the book. Every word and number comes from the progress chapter's
outputs in the staged book, passed to Typst as JSON data rather than spliced into markup, so names from
data are printed as written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typst
import yaml

from skills_evidence import tempfolders
from skills_evidence.editions import Edition
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.publishing import reproducible

CHAPTER_OUTPUTS = Path("outputs/progress")

TEMPLATE = """DOCUMENT-DATE
#let d = json("summary.json")
#set document(title: d.title)
#set page(paper: "a4", flipped: true, margin: (x: 1.4cm, y: 1.3cm),
  footer: context [#set text(size: 7pt); #d.footer #h(1fr) Page #counter(page).display() of #counter(page).final().first()])
#set text(size: 8pt, lang: "en", region: "gb")
#set par(justify: false)
#text(size: 14pt, weight: "bold")[#d.title]
#v(-0.4em)
#text(size: 9pt)[#d.subtitle]

#d.opening

#list(..d.messages)

#table(
  columns: (1.6fr, 0.6fr, 1fr, 1fr, 1.7fr, 1.3fr, 1.3fr),
  stroke: (x, y) => (bottom: if y == 0 { 0.8pt } else { 0.3pt + gray }),
  inset: 3.5pt,
  table.header(..d.columns.map(c => text(weight: "bold")[#c])),
  ..d.rows.flatten().map(c => [#c]),
)

#d.notes

#d.awaiting

#pagebreak(weak: true)
#figure(image("spine_chart.png", width: 82%, alt: d.spine_alt), caption: [#d.spine_caption])

#d.spine_description
"""


def file_name(year: int) -> str:
    """The summary's file name in an edition's folder."""
    return f"skills-evidence-{year}-scrutiny-summary.pdf"


def write(book: Path, out: Path, edition: Edition) -> Path | None:
    """Typeset the summary from the staged book's progress outputs into `out`; None when the edition has
    no progress chapter."""
    source = book / CHAPTER_OUTPUTS
    if not (source / "at_a_glance.csv").exists():
        return None
    glance = read_table(source / "at_a_glance.csv").fillna("")
    figures = yaml.safe_load((source / "key_figures.yml").read_text(encoding="utf-8"))["progress"]
    awaiting = read_table(source / "data_to_be_supplied.csv").fillna("")
    data = {
        "title": f"{edition.title}: {figures['title'][:1].lower()}{figures['title'][1:]}",
        "subtitle": f"Scrutiny summary of the {edition.year} edition",
        "opening": figures["opening"],
        # The key messages as plain text (the page's bold lead-in words are Markdown, which Typst would print).
        "messages": [
            line.removeprefix("- ").replace("**", "") for line in figures.get("key_messages", "").splitlines()
        ],
        "columns": list(glance.columns),
        "rows": glance.astype(str).to_numpy().tolist(),
        "notes": (
            "Baseline: the period the strategy's first edition used. Change: significant only where both figures "
            "have 95% intervals and differ by more than they allow; [z] where there is nothing to compare (no new "
            "figure, or a break in series, which is never bridged); [x] not available. No measure has a target. "
            "Methods, sources and every figure's download: the progress chapter of the edition's book."
        ),
        "spine_caption": "The area against the range of English local authorities, England at the centre line, "
        "better to the right",
        "spine_alt": "Spine chart of each monitoring measure: the range of English local authorities, England and "
        "the area; the comparisons are written beside each row and in the table.",
        "spine_description": figures["spine_description"],
        "awaiting": "Data to be supplied: "
        + "; ".join(
            f"{a.label} (priorities {a.priorities.replace(';', ', ')}; {a.owner})" for a in awaiting.itertuples()
        )
        + ".",
        "footer": f"{edition.title}, {edition.year} edition. Built from official statistics; Open Government Licence v3.0.",
    }
    target = out / file_name(edition.year)
    with tempfolders.temporary("scrutiny") as work:
        (work / "summary.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        shutil.copy2(source / "spine_chart.png", work / "spine_chart.png")
        (work / "summary.typ").write_text(
            TEMPLATE.replace("DOCUMENT-DATE", reproducible.typst_date(edition)), encoding="utf-8"
        )
        typst.compile(str(work / "summary.typ"), output=str(target), root=str(work))
    return target

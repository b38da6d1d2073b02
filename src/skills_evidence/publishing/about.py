"""The "About these statistics" page every edition carries: its sources and their licences, methods and
quality, the licence, how to cite it, the contact, its dates, the revisions policy and the accessibility
statement. Everything on it comes from the edition and its data (the words from
chapters/about.sentences.yaml), so another area's book describes itself and no date is typed.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import yaml

from skills_evidence.chapters import escape, prose, tables
from skills_evidence.editions import Chapter, Edition
from skills_evidence.inputs import snapshots
from skills_evidence.paths import resolve
from skills_evidence.statistics import indicators

#: The page's sentence templates: chapters/about.sentences.yaml.
CHAPTER = "about"
#: The page's file in the staged book, after the chapters.
PAGE = "about.qmd"
#: The axe-core the project's accessibility tests run (tools/axe, installed by `make test`).
AXE_LOCK = "tools/axe/package-lock.json"
WCAG = "the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA"


def sources(edition: Edition, chapters: list[Chapter]) -> pd.DataFrame:
    """Every dataset the edition's chapters read, once, with what its sidecar says of it."""
    entries = snapshots.load_sidecars()
    names = dict.fromkeys(name for chapter in chapters for name in edition.datasets(chapter))
    if edition.area_code != indicators.home_area():  # another council's own figures are not this book's source
        names = {name: None for name in names if name not in indicators.overlay_datasets()}
    rows = []
    for name in names:
        entry = entries[snapshots.ref(name, edition.data[name])]
        publisher = _publishers(entry)
        rows.append(
            {
                "Source": str(entry.get("description", name)).rstrip(",;. "),
                "Publisher": publisher or ("this project (synthetic)" if entry.get("synthetic") else "not recorded"),
                "Licence": str(entry.get("licence", "[x]")),
                "Release read": f"{entry.get('vintage', '')} (snapshot {edition.data[name]})".strip(),
                "synthetic": bool(entry.get("synthetic")),
            }
        )
    return pd.DataFrame(rows)


def _publishers(entry: dict) -> str:
    """Who publishes a snapshot's data: its `source:`, or each of its `sources:` (references built from several)."""
    found = [entry["source"]] if isinstance(entry.get("source"), dict) else []
    found += [s for s in (entry.get("sources") or {}).values() if isinstance(s, dict)]
    return "; ".join(dict.fromkeys(str(s["publisher"]) for s in found if s.get("publisher")))


def next_edition(published: str) -> str:
    """The month and year a year after publication: when the next edition is planned."""
    day = dt.date.fromisoformat(published)
    return dt.date(day.year + 1, day.month, 1).strftime("%B %Y")


def axe_version() -> str:
    """The pinned axe-core version, as the lock file records it ("" if the file is absent)."""
    try:
        lock = json.loads(resolve(AXE_LOCK).read_text(encoding="utf-8"))
    except OSError:
        return ""
    return lock["packages"]["node_modules/axe-core"]["version"]


def page(edition: Edition, chapters: list[Chapter], publisher: str, site_url: str) -> str:
    """The page's Markdown: headings, the sentences (escaped: words from data never become markup) and the
    sources table; its front matter carries citation metadata for Quarto's citation tags."""
    found = sources(edition, chapters)
    url = f"{site_url.rstrip('/')}/{edition.year}/" if site_url else ""
    published = str(edition.published or "")
    figures = {
        "title": edition.title,
        "year": edition.year,
        "publisher": publisher,
        "url": url,
        "published": published,
        "published_year": published[:4] or "draft",
        "next": next_edition(published) if published else "",
        "contact": edition.contact,
        "sources": len(found),
        "synthetic": int(found["synthetic"].sum()) if len(found) else 0,
        "reconciliation": any(c.id == "reconciliation" for c in chapters),
        "axe": axe_version() or "(version not recorded)",
        "wcag": WCAG,
    }

    def say(name: str) -> str:
        return escape.markdown_text(prose.render(CHAPTER, name, **figures))

    shown = found.drop(columns="synthetic")
    plain = escape.no_shortcodes  # metadata is not Markdown, but Quarto would still run a shortcode in it
    citation = {
        "type": "report",
        "title": plain(f"{edition.title}, {edition.year} edition"),
        "author": [{"name": {"literal": plain(publisher)}}],
        "publisher": plain(publisher),
    }
    if published:
        citation["issued"] = published
    if url:
        citation["url"] = plain(url)
    front = yaml.safe_dump({"citation": citation, "google-scholar": True}, sort_keys=False, allow_unicode=True)
    sections = [
        ("Sources and their licences", say("sources") + "\n\n" + tables.text(shown, words=tuple(shown.columns))),
        ("Methods and quality", say("methods") + "\n\n" + say("checks")),
        ("Licence", say("licence")),
        ("How to cite", say("cite")),
        ("Contact", say("contact")),
        ("Publication and next update", say("dates")),
        ("Revisions", say("revisions")),
        ("Accessibility statement", say("accessibility")),
    ]
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections)
    return f"---\n{front}---\n\n# About these statistics {{#sec-about .unnumbered}}\n\n{say('intro')}\n\n{body}\n"

"""The publication site: a version banner on every page of an edition, a record of each built
edition, and the landing page `_book/index.html` that lists every edition with its files."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path, PurePosixPath

from skills_evidence.editions import Edition
from skills_evidence.inputs.snapshots import sha256_file
from skills_evidence.publishing import reproducible, staging

RECORD = "edition.json"
# The banner is the same file on every page, but pages sit at different depths of an edition's folder:
# it is written with this placeholder, and `link_banners` points it at the landing page from each page.
LANDING_PLACEHOLDER = "EDITION-LANDING-PAGE"
#: The same for the edition's own folder (its workbooks sit there, beside index.html).
EDITION_PLACEHOLDER = "EDITION-FOLDER/"


def banner_html(edition: Edition) -> str:
    """The banner shown at the top of every page of an edition (HTML, for include-before-body). A published
    edition's bytes never change, so its pages never say whether it is the latest: the landing page does.
    It links the edition's spreadsheets of tables (publishing.workbook)."""
    stem = staging.output_stem(edition.year)
    state = (
        "Published editions are never changed."
        if edition.published
        else "This is a draft, not yet published: its figures may still change."
    )
    return (
        '<div class="edition-banner" role="note" aria-label="Edition">'
        f"<p><strong>{html.escape(str(edition.year))} edition</strong> of the {html.escape(edition.title)}. "
        f"{html.escape(state)} "
        f'<a href="{LANDING_PLACEHOLDER}">All editions, which is current, and their data and downloads</a>. '
        f'Every table of this edition in one spreadsheet: <a href="{EDITION_PLACEHOLDER}{stem}-tables.xlsx">Excel '
        f'workbook (XLSX)</a> or <a href="{EDITION_PLACEHOLDER}{stem}-tables.ods">OpenDocument spreadsheet (ODS)</a>.'
        "</p></div>\n"
    )


def link_banners(out: Path) -> None:
    """Point every page's banner link at `_book/index.html`, relative to where the page sits in `out`."""
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if LANDING_PLACEHOLDER in text:
            depth = len(page.relative_to(out).parts)
            text = text.replace(LANDING_PLACEHOLDER, "../" * depth + "index.html")
            page.write_text(text.replace(EDITION_PLACEHOLDER, "../" * (depth - 1)), encoding="utf-8")


def read_record(folder: Path) -> dict:
    """An edition folder's `edition.json`, or {} when there is none."""
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def first_built(folder: Path) -> dt.date | None:
    """The date an edition's book was first built, kept across rebuilds (None when never built)."""
    built = read_record(folder).get("built")
    return dt.date.fromisoformat(built) if built else None


def write_record(
    out: Path,
    edition: Edition,
    files: dict[str, Path],
    built: dt.date | None = None,
    render_key: str = "",
    renderer: str = "",
) -> Path:
    """`edition.json` in an edition's folder: what the landing page needs to list it, and what made it."""
    record = {
        "year": edition.year,
        "title": edition.title,
        "subtitle": edition.subtitle,
        "vintages": edition.vintages,
        "built": (built or dt.date.today()).isoformat(),
        "published": edition.published or "",
        "files": {kind: path.relative_to(out).as_posix() for kind, path in sorted(files.items())},
        "renderer": renderer,
        "render_key": render_key,
    }
    path = out / RECORD
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def published(record: dict) -> str:
    """The landing page's date for an edition: the date it was first published, fixed in data/editions.yaml
    so no rebuild moves it; a draft says so, with the date its book was first built."""
    if record.get("published"):
        return record["published"]
    return f"not yet published (draft first built {record['built']})"


LABELS = {
    "html": "Web version",
    "pdf": "PDF",
    "docx": "Word document",
    "scrutiny": "Scrutiny summary (A4 PDF)",
    "xlsx": "Tables (Excel workbook)",
    "ods": "Tables (OpenDocument spreadsheet)",
}


class AlteredEdition(RuntimeError):
    """A built edition's record no longer matches its checksums, or links outside the edition."""


def trusted_record(folder: Path) -> dict:
    """An edition's record for the landing page, only if SHA256SUMS vouches for its bytes and every file it
    links is inside the edition's own folder; otherwise AlteredEdition naming the file."""
    path = folder / RECORD
    sums = folder / reproducible.CHECKSUMS
    recorded = reproducible.read_checksums(folder) if sums.exists() else {}
    if recorded.get(RECORD) != sha256_file(path):
        raise AlteredEdition(
            f"{path} does not match {sums}: the landing page is not built from an altered record. "
            f"Rebuild that edition (skills-evidence build --edition {folder.name}) to restore it."
        )
    record = json.loads(path.read_text(encoding="utf-8"))
    for target in record.get("files", {}).values():
        link = PurePosixPath(target)
        if link.is_absolute() or ".." in link.parts or "://" in target or not (folder / link).is_file():
            raise AlteredEdition(f"{path}: links {target!r}, which is not a file inside {folder}")
    return record


def write_landing(book_root: Path, defined: dict[int, Edition] | None = None) -> Path:
    """Write `_book/index.html` listing the built editions that data/editions.yaml defines (`defined`; a
    folder left by an edition since removed is not listed), newest first: published ones with their date,
    the newest published one marked current, drafts labelled as previews. Returns its path."""
    records = []
    for path in sorted(book_root.glob(f"*/{RECORD}")):
        if path.parent.name.isdigit() and (defined is None or int(path.parent.name) in defined):
            records.append(trusted_record(path.parent))
    records.sort(key=lambda r: r["year"], reverse=True)
    issued = [r for r in records if r.get("published")]
    current = issued[0]["year"] if issued else None
    named = issued or records
    title = named[0]["title"] if named else "Evidence book"  # the newest published edition names the book
    rows = []
    for r in records:
        links = " · ".join(
            f'<a href="{r["year"]}/{html.escape(f)}">{LABELS.get(k, k)}<span class="visually-hidden"> of the {r["year"]} edition</span></a>'
            for k, f in sorted(r["files"].items(), key=lambda kv: list(LABELS).index(kv[0]) if kv[0] in LABELS else 9)
        )
        vintages = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in r["vintages"].items())
        mark = (
            " <strong>(current)</strong>"
            if r["year"] == current
            else ("" if r.get("published") else " (draft preview)")
        )
        rows.append(
            f'<tr><th scope="row">{r["year"]}{mark}</th><td>{html.escape(published(r))}</td>'
            f"<td><ul>{vintages}</ul></td><td>{links}</td></tr>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}: all editions</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #0b0c0c; }}
a {{ color: #1d70b8; }} a:focus {{ outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; vertical-align: top; border-bottom: 1px solid #b1b4b6; padding: 0.5em; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p>Each edition rebuilds this evidence base from the official data available for its year. Published
editions are never changed; each new year adds an edition.</p>
<table>
<caption>All editions, newest first</caption>
<thead><tr><th scope="col">Edition</th><th scope="col">First published</th><th scope="col">Data used</th><th scope="col">Downloads</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""
    target = book_root / "index.html"
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target

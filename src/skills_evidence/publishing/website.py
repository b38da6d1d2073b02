"""The publication site: a version banner on every page of an edition, a record of each built
edition, and the landing page `_book/index.html` that lists every edition with its files."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import stat
from pathlib import Path, PurePosixPath

from skills_evidence.editions import Edition
from skills_evidence.publishing import reproducible, staging
from skills_evidence.records import write_whole

RECORD = "edition.json"
# The banner is the same file on every page, but pages sit at different depths of an edition's folder:
# it is written with this placeholder, and `link_banners` points it at the landing page from each page.
LANDING_PLACEHOLDER = "EDITION-LANDING-PAGE"
#: The same for the edition's own folder (its workbooks sit there, beside index.html).
EDITION_PLACEHOLDER = "EDITION-FOLDER/"
#: Where each page lists the same page in the earlier published editions (`link_banners` fills it in).
OTHER_EDITIONS_PLACEHOLDER = "<!--EDITION-OTHER-PAGES-->"


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
        f"</p>{OTHER_EDITIONS_PLACEHOLDER}</div>\n"
    )


def edition_pages(chapters: dict, edition: Edition) -> set[str]:
    """The web pages an edition has, by address within its folder (from its definition, not from disk)."""
    own = {Path(chapters[c].chapter).with_suffix(".html").as_posix() for c in edition.chapter_parameters}
    return {"index.html", "about.html", *own}


def earlier_pages(chapters: dict, editions: dict[int, Edition], year: int) -> dict[int, set[str]]:
    """The pages of every published edition before `year`: what a page of `year` may link. Only earlier
    ones, because a page's bytes never change once published; the landing page lists the later ones."""
    return {y: edition_pages(chapters, e) for y, e in sorted(editions.items()) if y < year and e.published}


def _other_editions(relative: str, depth: int, earlier: dict[int, set[str]]) -> str:
    years = [y for y, pages in earlier.items() if relative in pages]
    if not years:
        return ""
    links = ", ".join(f'<a href="{"../" * depth}{y}/{html.escape(relative)}">{y}</a>' for y in years)
    return f"<p>This page in earlier editions: {links}.</p>"


def link_banners(out: Path, earlier: dict[int, set[str]] | None = None) -> None:
    """Point every page's banner links at `_book/index.html` and at the edition's own folder, relative to
    where the page sits in `out`, and list the same page in the earlier published editions (`earlier`)."""
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if LANDING_PLACEHOLDER in text:
            relative = page.relative_to(out)
            depth = len(relative.parts)
            text = text.replace(LANDING_PLACEHOLDER, "../" * depth + "index.html")
            text = text.replace(OTHER_EDITIONS_PLACEHOLDER, _other_editions(relative.as_posix(), depth, earlier or {}))
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
    links is inside the edition's own folder; otherwise AlteredEdition naming the file. Both are read through one
    handle on the folder, so a build replacing the edition meanwhile (pipeline.build._swap_in, two renames) gives
    the old edition or the new one, never one's checksums with the other's record; an old one removed while it
    is read is read again from the one now in its place. FileNotFoundError while there is none."""
    while True:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            return _vouched_record(folder, handle)
        except (AlteredEdition, FileNotFoundError):
            if not _replaced(folder, handle):
                raise
        finally:
            os.close(handle)


def _vouched_record(folder: Path, handle: int) -> dict:
    """The record in the folder open as `handle`, checked as trusted_record says."""
    path = folder / RECORD
    sums = folder / reproducible.CHECKSUMS
    record_bytes = _read_in(handle, RECORD)
    try:
        recorded = reproducible.parse_checksums(_read_in(handle, reproducible.CHECKSUMS).decode("utf-8"))
    except FileNotFoundError:
        recorded = {}
    if recorded.get(RECORD) != hashlib.sha256(record_bytes).hexdigest():
        raise AlteredEdition(
            f"{path} does not match {sums}: the landing page is not built from an altered record. "
            f"Rebuild that edition ({_build_command(folder)}) to restore it."
        )
    record = json.loads(record_bytes)
    for target in record.get("files", {}).values():
        link = PurePosixPath(target)
        if link.is_absolute() or ".." in link.parts or "://" in target or not _is_file_in(handle, target):
            raise AlteredEdition(f"{path}: links {target!r}, which is not a file inside {folder}")
    return record


def _build_command(folder: Path) -> str:
    """The command that builds the edition in `folder` again: another area's book (`_book/areas/CODE/YEAR`) names
    its area."""
    area = f" --area {folder.parent.name}" if folder.parent.parent.name == AREAS else ""
    return f"skills-evidence build{area} --edition {folder.name}"


def _read_in(handle: int, name: str) -> bytes:
    """The bytes of the file `name` in the folder open as `handle`."""
    with os.fdopen(os.open(name, os.O_RDONLY, dir_fd=handle), "rb") as file:
        return file.read()


def _is_file_in(handle: int, name: str) -> bool:
    """Whether `name` is a regular file in the folder open as `handle`."""
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=handle).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def _replaced(folder: Path, handle: int) -> bool:
    """Whether the folder open as `handle` is no longer the one at `folder` (an edition swapped in meanwhile)."""
    try:
        now = folder.stat()
    except FileNotFoundError:
        return True
    was = os.fstat(handle)
    return (now.st_dev, now.st_ino) != (was.st_dev, was.st_ino)


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
    others = ""
    if (book_root / AREAS / "index.html").is_file():  # the home book
        others = '<p><a href="areas/index.html">The same book built for other English councils</a>.</p>'
    elif book_root.parent.name == AREAS:  # an area's book, beside the others
        others = '<p><a href="../index.html">The same book built for other English councils</a>.</p>'

    body = f"""<h1>{html.escape(title)}</h1>
<p>Each edition rebuilds this evidence base from the official data available for its year. Published
editions are never changed; each new year adds an edition.</p>
{others}
<table>
<caption>All editions, newest first</caption>
<thead><tr><th scope="col">Edition</th><th scope="col">First published</th><th scope="col">Data used</th><th scope="col">Downloads</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>"""
    return _write_page(book_root / "index.html", f"{title}: all editions", body)


#: Where the books built for other areas sit under `_book/` (pipeline.areas.folder).
AREAS = "areas"


def write_areas_index(areas_root: Path) -> Path:
    """Write `_book/areas/index.html`: every area whose book has been built, with its newest edition and a
    link to its own landing page, so a reader finds any council's book from one page."""
    rows = []
    for folder in sorted(p for p in areas_root.iterdir() if p.is_dir() and (p / "index.html").is_file()):
        try:
            records = [trusted_record(r.parent) for r in folder.glob(f"*/{RECORD}") if r.parent.name.isdigit()]
        except FileNotFoundError:  # another area's build is swapping in its new book: the next index lists it
            continue
        if not records:
            continue
        newest = max(records, key=lambda r: r["year"])
        years = ", ".join(str(r["year"]) for r in sorted(records, key=lambda r: r["year"]))
        rows.append(
            f'<tr><th scope="row"><a href="{html.escape(folder.name)}/index.html">{html.escape(newest["title"])}</a></th>'
            f"<td>{html.escape(folder.name)}</td><td>{html.escape(years)}</td></tr>"
        )
    body = f"""<h1>Skills evidence books for English councils</h1>
<p>The same evidence book, built from official data for each council listed. Each book reads as that
council's own, with its region, its comparable areas and England.</p>
<p><a href="../index.html">The book this site was first built for</a>.</p>
<table>
<caption>Every council whose book has been built, by code</caption>
<thead><tr><th scope="col">Book</th><th scope="col">Area code</th><th scope="col">Editions built</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>"""
    return _write_page(areas_root / "index.html", "Skills evidence books for English councils", body)


def _write_page(target: Path, title: str, body: str) -> Path:
    """A plain, self-contained page in the site's style, written whole (never half-written)."""
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #0b0c0c; }}
a {{ color: #1d70b8; }} a:focus {{ outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; vertical-align: top; border-bottom: 1px solid #b1b4b6; padding: 0.5em; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
@media (max-width: 600px) {{ table {{ font-size: 0.85em; }} th, td {{ overflow-wrap: anywhere; padding: 0.3em; }} }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""
    write_whole(target, page)  # several area builds at once write the areas' index and the landing page
    return target

"""Every table an edition publishes, in one spreadsheet that follows the Analysis Function's guidance on
releasing statistics in spreadsheets: a cover sheet, a contents sheet, a notes sheet and one table per
sheet, each with its title, description and source above it, no merged cells, shorthand in place of an
empty figure. Written as XLSX with the Analysis Function's `gptables`, and as ODS with stream-write-ods,
since gptables writes XLSX only.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import gptables
import pandas as pd
import yaml
from stream_write_ods import stream_write_ods

from skills_evidence.editions import Edition
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.paths import resolve
from skills_evidence.publishing import reproducible

#: Which tables, in which order, with their words (data, not code).
REGISTER = "data/published_tables.yaml"
#: The notes every workbook carries, referred to from titles as $$key$$ (gptables numbers them).
NOTES = {
    "shorthand": "Shorthand in place of a figure: [x] not available; [c] confidential (withheld to protect "
    "individuals); [u] low reliability (the publisher says the estimate is unreliable); [z] not applicable (for "
    "example no interval for a count); [b] break in series.",
    "intervals": "ci_lower and ci_upper (or columns named so) are the bounds of the 95% confidence interval.",
    "unrounded": "Figures are unrounded here; the book rounds them for display, half up.",
    "synthetic": "Synthetic, illustrative data: the real data is confidential or licensed and has not been "
    "supplied. These figures show how the analysis will be reported and are not evidence.",
}
INTERVAL = re.compile(r"(^|_)ci_(lower|upper)")
#: A cell that is a symbol alone is not read out by a screen reader, and gptables refuses it: say it in words.
SYMBOLS = {"%": "per cent", "£": "pounds"}
#: What an empty text cell means, in every sheet's instructions (the guidance asks for the reason).
EMPTY = "An empty status, basis, breakdown, series or note cell means none applies."


@dataclass
class Table:
    """One sheet: its name, words and figures."""

    key: str
    title: str
    description: str
    source: str
    frame: pd.DataFrame
    synthetic: str  # "all", "some" (rows flagged in its synthetic column) or ""
    sheet: pd.DataFrame  # `cells(frame)`: made once, for both the XLSX and the ODS


def _plain(text: str, area: str) -> str:
    """Register words with the area's name put in; `$$`, gptables' note marker, never comes from them."""
    return str(text).replace("{area}", area).replace("$$", "$")


def tables(book: Path, area: str) -> tuple[list[Table], list[str]]:
    """The staged book's published tables in the register's order, and the titles of those left out because
    the edition does not write them or they hold no row."""
    register = yaml.safe_load(resolve(REGISTER).read_text(encoding="utf-8"))
    wanted = [("indicators", book / "outputs" / "indicators.csv", register["indicators"])]
    for chapter, entries in register["tables"].items():
        for name, words in entries.items():
            wanted.append((f"{chapter}.{name}", book / "outputs" / chapter / f"{name}.csv", words))
    found, left_out = [], []
    for key, path, words in wanted:
        frame = read_table(path) if path.exists() else pd.DataFrame()
        title = _plain(words["title"], area)
        if frame.empty:
            left_out.append(title)
            continue
        flags = frame["synthetic"].astype(str).str.lower().eq("true") if "synthetic" in frame.columns else None
        synthetic = (
            "all" if flags is not None and flags.all() else ("some" if flags is not None and flags.any() else "")
        )
        found.append(
            Table(
                key,
                title,
                _plain(words["description"], area),
                _plain(words["source"], area),
                frame,
                synthetic,
                cells(frame),
            )
        )
    return found, left_out


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the sheet holds it: numbers as numbers, and in a numeric column an empty cell holds
    the row's status mark, or [z] for a missing interval and [x] otherwise (never a blank that could be read
    as zero)."""
    out = frame.copy()
    status = out["status"].fillna("").astype(str) if "status" in out.columns else pd.Series("", index=out.index)
    marked = ("[" + status + "]").where(status != "")
    # The mark for an interval column ([z] where no status) and for any other ([x]), made once per table.
    marks = {interval: marked.fillna("[z]" if interval else "[x]") for interval in (True, False)}
    for column in out.columns:
        text = out[column].astype(str).where(out[column].notna(), "")
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        if column == "status" or numbers[text != ""].isna().any():
            out[column] = text.replace(SYMBOLS)
            continue
        if not (text != "").any() and not INTERVAL.search(column):
            out[column] = text
            continue
        out[column] = numbers.astype(object).where(text != "", marks[bool(INTERVAL.search(column))])
    return out


def _sheet_names(found: list[Table]) -> list[str]:
    return [f"Table_{n}" for n in range(1, len(found) + 1)]


def _cover(edition: Edition, left_out: list[str], publisher: str) -> dict[str, list[str]]:
    """The cover's words, from the edition (so another area's workbook names its own council and dates)."""
    date = edition.published or "not yet published (draft)"
    about = [
        f"Published: {date}. A published edition is never changed; the next edition adds a year.",
        "Licence: Open Government Licence v3.0 (www.nationalarchives.gov.uk/doc/open-government-licence/version/3/), "
        "except where a table's source says otherwise.",
        "Each table is also published as a CSV file beside the book; indicators.csv has CSV on the Web metadata.",
    ]
    if left_out:
        about.append("Not in this edition (no figures to publish): " + "; ".join(left_out) + ".")
    return {
        "title": f"{edition.title}: {edition.year} edition, tables",
        "intro": [
            f"Every table the {edition.year} edition publishes, one table per worksheet. The Contents worksheet "
            "lists them; the Notes worksheet explains the shorthand and notes the titles refer to.",
        ],
        "about": about,
        "contact": [publisher],
    }


def _notes(found: list[Table]) -> dict[str, str]:
    return {key: text for key, text in NOTES.items() if key != "synthetic" or any(t.synthetic for t in found)}


def _title(table: Table) -> str:
    refs = "$$shorthand$$ $$unrounded$$"
    if any(INTERVAL.search(c) for c in table.frame.columns):
        refs += " $$intervals$$"
    if table.synthetic == "all":
        return f"{table.title} (synthetic, illustrative data) $$synthetic$$ {refs}"
    if table.synthetic == "some":
        return f"{table.title} (includes synthetic, illustrative data: see the synthetic column) $$synthetic$$ {refs}"
    return f"{table.title} {refs}"


def write_xlsx(path: Path, edition: Edition, found: list[Table], left_out: list[str], publisher: str) -> Path:
    """The workbook as XLSX through gptables, its dates fixed to the edition's so the bytes repeat."""
    sheets = {
        name: gptables.GPTable(
            table=t.sheet.copy(),  # gptables may change the frame it is given; the ODS is written from it after
            table_name=t.key.replace(".", "_"),
            title=_title(t),
            subtitles=[t.description],
            source=f"Source: {t.source}",
            instructions="This worksheet contains one table. Some cells refer to notes, which are on the Notes worksheet. "
            + EMPTY,
        )
        for name, t in zip(_sheet_names(found), found)
    }
    notes = _notes(found)
    words = _cover(edition, left_out, publisher)
    with warnings.catch_warnings():
        # gptables warns of every empty text cell; each sheet's instructions say what an empty one means (EMPTY).
        warnings.filterwarnings("ignore", message=r"\s*Empty or null cell found", category=UserWarning)
        # gptables 2.0.2 uses pandas options that pandas 3.1 deprecates; its own business, not this book's.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"gptables\.")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"gptables\.")
        workbook = _produce(path, sheets, words, notes)
    workbook.set_properties({"title": words["title"], "author": publisher, "created": _moment(edition)})
    workbook.close()
    return path


def _produce(path: Path, sheets: dict, words: dict, notes: dict[str, str]) -> gptables.GPWorkbook:
    return gptables.produce_workbook(
        filename=str(path),
        sheets=sheets,
        cover=gptables.Cover(
            title=words["title"], intro=words["intro"], about=words["about"], contact=words["contact"]
        ),
        notes_table=pd.DataFrame({"Note reference": list(notes), "Note text": list(notes.values())}),
        contentsheet_options={"title": "Contents"},
    )


def write_ods(path: Path, edition: Edition, found: list[Table], left_out: list[str], publisher: str) -> Path:
    """The same workbook as ODS: the same sheets in the same order, each table's words in its first rows.
    Written with stream-write-ods (the Department for Business and Trade's): pandas' odfpy writer built a
    document tree of every cell first, several seconds for an edition's 30,000 cells, in every area's book."""
    notes = _notes(found)
    numbers = {key: n for n, key in enumerate(_note_order(found, notes), start=1)}
    words = _cover(edition, left_out, publisher)
    cover = [words["title"], "Introductory information", *words["intro"], "About these data", *words["about"]]
    contents = pd.DataFrame(
        {"Sheet name": _sheet_names(found), "Table description": [_numbered(_title(t), numbers) for t in found]}
    )
    listed = pd.DataFrame({"Note number": list(numbers.values()), "Note text": [notes[k] for k in numbers]})
    sheets = [
        ("Cover", *_rows([*cover, "Contact", *words["contact"]])),
        ("Contents", *_rows(["Contents", "This worksheet contains one table."], contents)),
        ("Notes", *_rows(["Notes", "This worksheet contains one table."], listed)),
    ]
    for name, t in zip(_sheet_names(found), found):
        head = [
            _numbered(_title(t), numbers),
            t.description,
            f"This worksheet contains one table. Some cells refer to notes, which are on the Notes worksheet. {EMPTY}",
            f"Source: {t.source}",
        ]
        sheets.append((name, *_rows(head, t.sheet)))
    moment = _moment(edition)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as handle:
            for chunk in stream_write_ods(iter(sheets), get_modified_at=lambda: moment):
                handle.write(chunk)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _note_order(found: list[Table], notes: dict[str, str]) -> list[str]:
    """Notes numbered by first mention, as gptables numbers them."""
    seen: list[str] = []
    for t in found:
        for key in re.findall(r"\$\$(.*?)\$\$", _title(t)):
            if key in notes and key not in seen:
                seen.append(key)
    return seen + [k for k in notes if k not in seen]


def _numbered(text: str, numbers: dict[str, int]) -> str:
    for key, n in numbers.items():
        text = text.replace(f"$${key}$$", f"[note {n}]")
    return re.sub(r"\s+", " ", text).strip()


def _rows(lines: list[str], table: pd.DataFrame | None = None) -> tuple[tuple[str, ...], list[list]]:
    """One sheet as stream-write-ods takes it, its first row apart: `lines` of words in the first column,
    then the table with its header row; an empty cell is None (an empty cell, never a zero)."""
    width = 1 if table is None else max(1, len(table.columns))
    rows: list[list] = [[line] + [None] * (width - 1) for line in lines]
    if table is not None:
        rows += [[str(c) for c in table.columns], *table.astype(object).where(table.notna(), None).values.tolist()]
    first = tuple(str(v) if v is not None else "" for v in rows[0])
    return first, rows[1:]


def _moment(edition: Edition) -> dt.datetime:
    """The date written into the files: the edition's document date, the one its PDF and Word file carry."""
    day = reproducible.document_date(edition)
    return dt.datetime(day.year, day.month, day.day)


def area_name(book: Path, code: str) -> str:
    """The book's area as its own indicators name it (the register's {area})."""
    rows = read_table(book / "outputs" / "indicators.csv")
    names = rows.loc[rows["geography_code"] == code, "geography_name"]
    return names.iloc[0] if len(names) else code


def write(book: Path, out: Path, edition: Edition, stem: str) -> dict[str, Path]:
    """Write `<stem>-tables.xlsx` and `<stem>-tables.ods` into `out` from the staged book's tables."""
    found, left_out = tables(book, area_name(book, edition.area_code))
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    publisher = str(edition.author or config["book"].get("author") or "")
    return {
        "xlsx": write_xlsx(out / f"{stem}-tables.xlsx", edition, found, left_out, publisher),
        "ods": write_ods(out / f"{stem}-tables.ods", edition, found, left_out, publisher),
    }

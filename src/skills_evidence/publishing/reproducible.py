"""Byte-reproducible editions: document dates fixed by the edition rather than the clock, and a
checksum list of every published file, which `skills-evidence verify` compares with a fresh rebuild."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from skills_evidence.editions import Edition
from skills_evidence.inputs.snapshots import sha256_file

CHECKSUMS = "SHA256SUMS"
#: The checksum list itself is the only published file it does not cover: edition.json, which the landing
#: page is built from, is covered like every page, so an edited date or link is found by `verify`.
NOT_CHECKED = {CHECKSUMS}


def document_date(edition: Edition) -> dt.date:
    """The date every format of an edition carries (1 January of its year), whenever it is built."""
    return dt.date(edition.year, 1, 1)


def epoch(edition: Edition) -> int:
    """The edition's document date as seconds since 1970 (SOURCE_DATE_EPOCH)."""
    return calendar.timegm(document_date(edition).timetuple())


@contextlib.contextmanager
def source_date(edition: Edition) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH while rendering: Pandoc (and so Quarto's DOCX) dates the Word document and
    its zip entries by it instead of the clock. (The PDF's date is set in the staged Typst header.)"""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch(edition))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def typst_date(edition: Edition) -> str:
    """The Typst line that fixes the PDF's creation date (Typst otherwise uses the current time)."""
    d = document_date(edition)
    return f"#set document(date: datetime(year: {d.year}, month: {d.month}, day: {d.day}))\n"


def checksums(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every published file in an edition's folder."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in NOT_CHECKED
    }


def write_checksums(folder: Path) -> Path:
    """Write `SHA256SUMS` (the format `sha256sum -c` reads) into an edition's folder."""
    path = folder / CHECKSUMS
    path.write_text("".join(f"{digest}  {name}\n" for name, digest in checksums(folder).items()), encoding="utf-8")
    return path


def read_checksums(folder: Path) -> dict[str, str]:
    """An edition's recorded checksums, by relative path."""
    return parse_checksums((folder / CHECKSUMS).read_text(encoding="utf-8"))


def parse_checksums(text: str) -> dict[str, str]:
    """Checksums in `SHA256SUMS`'s format (`sha256sum`'s: digest, two spaces, relative path), by relative path."""
    return {name: digest for digest, name in (line.split("  ", 1) for line in text.splitlines() if line.strip())}


def altered(folder: Path) -> list[str]:
    """Published files of an edition whose bytes differ from its SHA256SUMS (or that it lacks or adds)."""
    if not (folder / CHECKSUMS).exists():
        return [CHECKSUMS]
    return differences(read_checksums(folder), checksums(folder))


def differences(recorded: dict[str, str], rebuilt: dict[str, str]) -> list[str]:
    """Files whose bytes differ, or that only one side has, sorted."""
    return sorted(name for name in set(recorded) | set(rebuilt) if recorded.get(name) != rebuilt.get(name))

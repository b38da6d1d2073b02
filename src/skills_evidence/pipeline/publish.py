"""`skills-evidence publish --edition YEAR`: issue a draft edition. Its date of publication is set once in
data/editions.yaml (today's, the real date), the book is rendered with it and its SHA256SUMS written, and
the landing page lists it as published (the newest published edition as current). A published edition
is never published again; if the build fails, data/editions.yaml is left as it was."""

from __future__ import annotations

import datetime as dt
import re

from skills_evidence import editions
from skills_evidence.paths import resolve
from skills_evidence.pipeline.build import BuildReport, Progress, build_edition


def set_published(year: int, date: dt.date) -> tuple[str, str]:
    """Write `published: DATE` into the edition's entry; returns (the file's text before, after)."""
    path = resolve(editions.EDITIONS)
    before = path.read_text(encoding="utf-8")
    entry = re.search(rf"^  - year: {year}\s*(#.*)?$", before, flags=re.M)
    if entry is None:
        raise ValueError(f"{editions.EDITIONS}: no entry '- year: {year}' to publish")
    line = f"    published: {date.isoformat()}  # set by `skills-evidence publish`; never changes\n"
    after = before[: entry.end() + 1] + line + before[entry.end() + 1 :]
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(after, encoding="utf-8")
    try:
        if editions.load(tmp)[1][year].published != date.isoformat():
            raise ValueError(f"{editions.EDITIONS}: the publication date of {year} did not read back")
    finally:
        tmp.unlink(missing_ok=True)
    path.write_text(after, encoding="utf-8")
    return before, after


def publish(
    year: int, today: dt.date | None = None, renderer: str = "auto", progress: Progress = lambda message: None
) -> BuildReport:
    """Publish the draft edition `year` today: set its date, build it, and list it on the landing page."""
    _, defined, _ = editions.load()
    if year not in defined:
        raise ValueError(f"edition {year} is not defined in {editions.EDITIONS} (defined: {sorted(defined)})")
    if defined[year].published:
        raise ValueError(
            f"edition {year} was published on {defined[year].published}: a published edition never changes"
        )
    before, _ = set_published(year, today or dt.date.today())
    try:
        return build_edition(year, renderer=renderer, progress=progress)
    except BaseException:
        resolve(editions.EDITIONS).write_text(before, encoding="utf-8")  # still a draft: nothing half-published
        raise

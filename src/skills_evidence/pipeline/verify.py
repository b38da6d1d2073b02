"""`skills-evidence verify`: rebuild published editions from their data in a scratch copy of the
project and compare every file's bytes with each edition's SHA256SUMS, and the published files
with it too: the proof that a published edition is what its data says and has not been altered."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from skills_evidence import tempfolders
from skills_evidence.paths import project_root
from skills_evidence.pipeline import locks
from skills_evidence.pipeline.build import Progress, build_edition
from skills_evidence.pipeline.workspace import copy_project
from skills_evidence.publishing import reproducible, website


@dataclass
class Verification:
    """What a verification compared and found for one edition."""

    edition: int
    renderer: str
    files: int = 0
    differing: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _project_at(root: Path) -> Iterator[None]:
    old = os.environ.get("SKILLS_EVIDENCE_ROOT")
    os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SKILLS_EVIDENCE_ROOT", None)
        else:
            os.environ["SKILLS_EVIDENCE_ROOT"] = old


def verify_editions(years: list[int], progress: Progress = lambda message: None) -> list[Verification]:
    """Rebuild `years` (oldest first, in one scratch project so earlier editions' notebooks are reused)
    with the renderer that made each, and list per edition the files whose bytes differ from its
    SHA256SUMS, in the rebuild or in the published folder."""
    root = project_root()
    published = {year: root / "_book" / str(year) for year in sorted(years)}
    for folder in published.values():
        if not website.read_record(folder) or not (folder / reproducible.CHECKSUMS).exists():
            raise FileNotFoundError(
                f"{folder}: no built edition with a {reproducible.CHECKSUMS} to verify (build it first)"
            )
    results = []
    # Hold the project's own edition locks while comparing: a build replacing _book/<year>/ meanwhile
    # would show as false differences (the build, or this verify, stops at once naming the other).
    with locks.editions_locked(root / "build", list(published)), tempfolders.temporary("verify") as tmp:
        scratch = copy_project(tmp / "project", root)
        for year, folder in published.items():
            renderer = website.read_record(folder).get("renderer", "")
            progress(f"{year}: rebuilding from data in a scratch copy with {renderer}")
            with _project_at(scratch):
                report = build_edition(year, renderer="quarto" if renderer.startswith("quarto") else "fallback")
            if report.renderer != renderer:
                raise RuntimeError(f"edition {year} was rendered by {renderer}; this machine has {report.renderer}")
            recorded = reproducible.read_checksums(folder)
            rebuilt = reproducible.checksums(scratch / "_book" / str(year))
            now = reproducible.checksums(folder)
            # A rebuild's edition.json differs only in the date it was first built: compare the rest of it.
            from_rebuild = set(reproducible.differences(recorded, rebuilt)) - {website.RECORD}
            if _without_build_date(folder) != _without_build_date(scratch / "_book" / str(year)):
                from_rebuild.add(website.RECORD)
            differing = sorted(from_rebuild | set(reproducible.differences(recorded, now)))
            results.append(Verification(year, renderer, len(recorded), differing))
    return results


def _without_build_date(folder: Path) -> dict:
    """An edition's record without what describes one build (the date first built; the cache key, which
    hashes the staged notebooks with the build folder's paths in their parameters) rather than the book."""
    return {k: v for k, v in website.read_record(folder).items() if k not in ("built", "render_key")}


def verify_edition(year: int, progress: Progress = lambda message: None) -> Verification:
    """One edition's verification (see verify_editions)."""
    return verify_editions([year], progress)[0]

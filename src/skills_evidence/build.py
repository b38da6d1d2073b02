"""Build an edition: verify inputs → run notebooks (cached, parallel) → combine outputs → stage → render.

Every step writes beside its final place and swaps in whole, so `_book/<edition>/` is either the
previous good book or the new complete one, never half of each; other editions are never touched.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skills_evidence import editions as editions_mod
from skills_evidence import execute, indicators, manifest, stage
from skills_evidence.render import fallback, quarto
from skills_evidence.paths import project_root


@dataclass
class BuildReport:
    """What a build did, for the summary and for tests."""

    edition: int
    ran: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    accepted_inputs: list[str] = field(default_factory=list)
    renderer: str = ""
    book: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def jobs_for(edition: editions_mod.Edition, chapters: dict[str, editions_mod.Chapter], root: Path, build: Path) -> list[execute.Job]:
    """One papermill job per chapter of the edition, with its parameters and the files it reads."""
    entries = manifest.load_manifest()
    jobs = []
    for chapter_id, params in edition.chapter_parameters.items():
        chapter = chapters[chapter_id]
        parameters = {
            "edition": edition.year,
            "area_code": edition.area_code,
            "comparators": edition.comparators,
            "datasets": manifest.paths_for(list(chapter.datasets), entries),
            "vintages": manifest.vintages_for(list(chapter.datasets), entries),
            **params,
        }
        jobs.append(execute.Job(
            chapter_id=chapter_id,
            notebook=root / chapter.notebook,
            parameters=parameters,
            inputs=[Path(p) for p in parameters["datasets"].values()],
            outputs=build / "outputs" / chapter_id,
            executed=build / "notebooks" / f"{chapter_id}.ipynb",
            record=build / "cache" / f"{chapter_id}.json",
        ))
    return jobs


def build_edition(
    year: int | None = None,
    accept_changed_inputs: bool = False,
    renderer: str = "auto",
    workers: int | None = None,
    progress: Callable[[str], None] = lambda message: None,
    use_cache: bool = True,
) -> BuildReport:
    """Build one edition (the current one by default) and return what happened.

    `use_cache=False` runs every notebook regardless (the benchmark's naive baseline).
    """
    start = time.perf_counter()
    root = project_root()
    chapters, editions, current = editions_mod.load()
    year = year or current
    if year not in editions:
        raise KeyError(f"edition {year} is not defined in data/editions.yaml (defined: {sorted(editions)})")
    edition = editions[year]
    report = BuildReport(year)
    build = root / "build" / str(year)
    ids = sorted({d for c in edition.chapter_parameters for d in chapters[c].datasets})
    progress(f"Checking {len(ids)} input datasets against data/manifest.yaml")
    report.accepted_inputs = manifest.verify(ids, accept_changed=accept_changed_inputs)

    jobs = jobs_for(edition, chapters, root, build)
    if use_cache:
        execute.plan(jobs)
    for job in jobs:
        if job.status == "cached":
            progress(f"Notebook {job.chapter_id}: unchanged, using cached outputs")
    execute.run(jobs, root, workers=workers,
                on_done=lambda j: progress(f"Notebook {j.chapter_id}: {j.status} in {j.seconds:.1f}s"))
    report.ran = [j.chapter_id for j in jobs if j.status == "ran"]
    report.cached = [j.chapter_id for j in jobs if j.status == "cached"]

    combined = indicators.combine(sorted((build / "outputs").glob("*/indicators.csv")))
    combined.to_csv(build / "outputs" / "indicators.csv", index=False, lineterminator="\n", float_format="%.6g")
    progress(f"Combined {len(combined)} indicator rows into build/{year}/outputs/indicators.csv")

    book = stage.stage(root, build, edition, [chapters[c] for c in edition.chapter_parameters], sorted(editions))
    progress(f"Staged the book in {book.relative_to(root)}")

    use_quarto = renderer == "quarto" or (renderer == "auto" and quarto.available())
    report.renderer = "quarto" if use_quarto else "pandoc+typst"
    final = root / "_book" / str(year)
    partial = root / "_book" / f".{year}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    progress(f"Rendering with {report.renderer}")
    try:
        if use_quarto:
            quarto.render(book, partial)
            files = {"html": partial / "index.html"}
        else:
            files = fallback.render(book, partial)
    except Exception:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _swap_in(partial, final)
    report.files = {k: final / v.relative_to(partial) for k, v in files.items()}
    report.book = final
    report.seconds = time.perf_counter() - start
    return report


def _swap_in(partial: Path, final: Path) -> None:
    """Replace `final` with `partial` so that a crash leaves one complete copy in place."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.replace(old)
    partial.replace(final)
    shutil.rmtree(old, ignore_errors=True)

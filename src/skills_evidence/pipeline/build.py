"""Build an edition: verify inputs → run notebooks (cached, parallel: analysis, then comparison) → combine
outputs → stage the book → render → website.

Every step writes beside its final place and swaps in whole, so `_book/<edition>/` is either the
previous good book or the new complete one, never half of each; other editions' books are never
touched (the previous edition's notebooks may run, into its own build/ folder, for the comparison).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib.metadata
import json
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from skills_evidence import editions as editions_mod
from skills_evidence import records
from skills_evidence.chapters import prose
from skills_evidence.inputs import release, snapshots, validation
from skills_evidence.paths import project_root, without_folder
from skills_evidence.pipeline import areas, cache, execute, indicators_only, locks, warmkernel
from skills_evidence.publishing import dataset, reproducible, staging, website
from skills_evidence.publishing.render import quarto
from skills_evidence.statistics import indicators

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build did, for the summary and for tests."""

    edition: int
    ran: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    accepted_inputs: list[str] = field(default_factory=list)
    renderer: str = ""
    rendered: bool = False
    book: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    restored: list[str] = field(default_factory=list)  # published files found altered and rendered again
    seconds: float = 0.0


def _job(chapter: editions_mod.Chapter, parameters: dict, inputs: list[Path], root: Path, build: Path) -> execute.Job:
    # The words (sentence templates), the indicator catalogue and the datasets' sidecars (what each dataset is:
    # synthetic or not, how its figures may be used) shape the outputs as much as the data does.
    words = [root / prose.template_file(chapter.chapter.stem), root / indicators.CATALOGUE]
    return execute.Job(
        chapter_id=chapter.id,
        notebook=root / chapter.notebook,
        parameters=parameters,
        inputs=[*inputs, *(sidecar for path in inputs if (sidecar := snapshots.sidecar_of(path)).exists()), *words],
        outputs=build / "outputs" / chapter.id,
        executed=build / "notebooks" / f"{chapter.id}.ipynb",
        record=build / "cache" / f"{chapter.id}.json",
    )


def declared_names(notebook: Path) -> set[str]:
    """The parameters a notebook's parameters cell declares, as papermill reads them; remembered under
    build/cache/parameters/ by the notebook's checksum, because importing papermill is a large part of a
    rebuild in which no notebook runs (it is imported when a notebook's cell is new to the cache)."""
    # papermill's version is part of the name (read from its metadata, not by importing it): a newer papermill
    # may read a cell differently.
    key = f"{snapshots.sha256_file(notebook)}-papermill-{_papermill_version()}"
    record = project_root() / "build" / "cache" / "parameters" / f"{key}.json"
    if record.exists():
        return set(json.loads(record.read_text(encoding="utf-8")))
    import papermill

    names = sorted(papermill.inspect_notebook(str(notebook)))
    _write_json_whole(record, names)
    return set(names)


@functools.cache
def _papermill_version() -> str:
    """papermill's installed version, read once per process: each read searches every installed package's
    metadata, and a build asks for it once per notebook."""
    return importlib.metadata.version("papermill")


def _write_json_whole(path: Path, data: object) -> None:
    """Write `data` as JSON into a scratch file beside `path`, then rename it: a record cut short by a stopped
    build would otherwise stop the next one."""
    records.write_whole(path, json.dumps(data) + "\n")


def declared(notebook: Path, offered: dict, chapter_parameters: dict) -> dict:
    """The parameters to inject: the chapter's own from editions.yaml (each must be declared in the
    notebook's parameters cell, so a misspelt one is an error) and whichever of the edition-wide ones
    (`offered`) the notebook declares, so no notebook carries a parameter it does not use."""
    names = declared_names(notebook)
    unknown = sorted(set(chapter_parameters) - names)
    if unknown:
        raise ValueError(
            f"{notebook}: data/editions.yaml passes {', '.join(unknown)}, which its parameters cell does not declare"
        )
    return {**{k: v for k, v in offered.items() if k in names}, **chapter_parameters}


def analysis_jobs(
    edition: editions_mod.Edition,
    chapters: dict[str, editions_mod.Chapter],
    root: Path,
    build: Path,
    entries: dict[str, dict] | None = None,
) -> list[execute.Job]:
    """Analysis jobs: one per analysis chapter, with its parameters and the datasets it reads (described by
    the snapshots' sidecars, `entries`, read here unless given)."""
    entries = entries if entries is not None else snapshots.load_sidecars()
    jobs = []
    for chapter_id, params in edition.chapter_parameters.items():
        chapter = chapters[chapter_id]
        if chapter.step != "analysis":
            continue
        references = edition.references(chapter)
        offered = {
            "edition": edition.year,
            "area_code": edition.area_code,
            "comparators": edition.comparators,
            "datasets": snapshots.paths_for(references, entries),
            "vintages": snapshots.vintages_for(references, entries),
        }
        parameters = declared(root / chapter.notebook, offered, params)
        inputs = [Path(p) for p in offered["datasets"].values()]
        job = _job(chapter, parameters, inputs, root, build)
        if "shared_dir" in declared_names(job.notebook):
            job.parameters["shared_dir"] = shared_folder(job, root, edition.year).relative_to(root).as_posix()
        jobs.append(job)
    return jobs


#: The parameters that make one area's run of a chapter differ from another's; the rest are the edition's.
AREA_PARAMETERS = ("area_code", "comparators")


def shared_folder(job: execute.Job, root: Path, year: int) -> Path:
    """Where a chapter keeps what it computes the same for every area of edition `year` (build/shared/<chapter>/
    <year>/<key>; chapters.where_area_sits): keyed over the chapter's notebook, its parameters other than the
    area's, its inputs and the library, as a notebook's own cache key is, so a folder found there is never stale."""
    edition_wide = {k: _without_root(v, root) for k, v in job.parameters.items() if k not in AREA_PARAMETERS}
    return (
        root
        / "build"
        / "shared"
        / job.chapter_id
        / str(year)
        / cache.notebook_key(job.notebook, edition_wide, job.inputs, cache.library_digest())
    )


def prune_shared(jobs: list[execute.Job], root: Path) -> list[Path]:
    """Remove what an earlier version of the inputs or the library left beside the shared folders these jobs
    name (about 9 MB each, one more for every change of either), once the one named is there whole: it is
    renamed into place only when complete (chapters.where_area_sits). Another build of the same code writing
    the same folder at once keeps its scratch folder. Returns what was removed."""
    removed = []
    for job in jobs:
        named = job.parameters.get("shared_dir")
        folder = root / named if named else None
        if folder is None or not folder.is_dir():
            continue
        stale = [p for p in folder.parent.iterdir() if p != folder and not p.name.startswith(f".{folder.name}.")]
        # and the folders of the layout before each edition had its own (build/shared/<chapter>/<key>)
        stale += [p for p in folder.parent.parent.iterdir() if not p.name.isdigit()]
        for other in stale:
            shutil.rmtree(other, ignore_errors=True)
            removed.append(other)
    return removed


def _without_root(value: object, root: Path) -> object:
    """`value` with the project folder cut from the start of every path in it: the shared folder's name is
    written into the staged notebook, so it must be the same in any checkout of the project."""
    if isinstance(value, dict):
        return {key: _without_root(item, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_root(item, root) for item in value]
    return without_folder(value, root) if isinstance(value, str) else value


def comparison_jobs(
    edition: editions_mod.Edition,
    chapters: dict[str, editions_mod.Chapter],
    root: Path,
    build: Path,
    previous: int | None,
    previous_data: dict[str, str] | None = None,
    entries: dict[str, dict] | None = None,
) -> list[execute.Job]:
    """Comparison jobs: chapters that read this edition's indicators (and the previous edition's), and the
    release reviews of the datasets whose pinned version moved on since the previous edition."""
    jobs = []
    current = build / "outputs" / "indicators.csv"
    before = build.parent / str(previous) / "outputs" / "indicators.csv" if previous else None
    entries = entries if entries is not None else snapshots.load_sidecars()
    reviews = [
        snapshots.dataset(snapshots.ref(name, version), entries).path.with_name(
            Path(entries[snapshots.ref(name, version)]["path"]).name + release.REVIEW
        )
        for name, version in sorted(edition.data.items())
        if previous_data is not None and previous_data.get(name) not in (None, version)
    ]
    reviews = [path for path in reviews if path.exists()]
    for chapter_id, params in edition.chapter_parameters.items():
        chapter = chapters[chapter_id]
        if chapter.step != "comparison":
            continue
        offered = {
            "edition": edition.year,
            "previous": previous,
            "area_code": edition.area_code,
            "current_indicators": str(current),
            "previous_indicators": str(before) if before else None,
            "releases": [str(path) for path in reviews],
        }
        parameters = declared(root / chapter.notebook, offered, params)
        jobs.append(_job(chapter, parameters, [current] + ([before] if before else []) + reviews, root, build))
    return jobs


def run_notebooks(
    year: int,
    accept_changed_inputs: bool = False,
    workers: int | None = None,
    progress: Progress = lambda m: None,
    use_cache: bool = True,
    warm: bool = True,
    area: str | None = None,
) -> BuildReport:
    """Run an edition's notebooks into build/<year>/ (build/areas/<code>/<year>/ for another `area`): its analysis notebooks and the previous edition's
    in one parallel batch (the comparison needs both), then its comparison notebooks. With `warm`, one
    kernel server (warmkernel), started only if a notebook has to run, serves both batches."""
    root = project_root()
    chapters, editions, _, code = areas.load(area)
    if year not in editions:
        raise KeyError(f"edition {year} is not defined in data/editions.yaml (defined: {sorted(editions)})")
    report = BuildReport(year)
    previous = editions_mod.previous(year, editions)
    years = [year] + ([previous] if previous is not None else [])
    ids = sorted(
        {r for y in years for c in editions[y].chapter_parameters for r in editions[y].references(chapters[c])}
    )
    builds = {y: areas.folder(root / "build", code) / str(y) for y in years}

    def analysis_batch(entries: dict[str, dict]) -> list[tuple[int, execute.Job]]:
        batch = [(y, job) for y in years for job in analysis_jobs(editions[y], chapters, root, builds[y], entries)]
        if code is not None and previous is not None:
            batch = _previous_figures_only(batch, previous, use_cache)
        return batch

    entries = snapshots.load_sidecars()  # read once: every job's datasets are described by them
    analysis = analysis_batch(entries)

    handed: list[execute.Job] = []  # every job given to the notebook workers, for clean-up if stopped

    def run_batch(jobs: list[tuple[int, execute.Job]]) -> None:
        handed.extend(j for _, j in jobs)
        if use_cache:
            execute.plan([j for _, j in jobs])
        for y, job in jobs:
            if job.status == "cached":
                progress(f"{y}: notebook {job.chapter_id} unchanged, using cached outputs")
        execute.run(
            [j for _, j in jobs],
            root,
            workers=workers,
            warm=warm,
            on_done=lambda j: progress(
                f"notebook {j.chapter_id} ({j.outputs.parent.parent.name})"
                + (" figures only, no charts," if j.notebook == indicators_only.INDICATORS_ONLY else "")
                + f" {j.status} in {j.seconds:.1f}s"
            ),
        )
        report.ran += [j.chapter_id for y, j in jobs if y == year and j.status == "ran"]
        report.cached += [j.chapter_id for y, j in jobs if y == year and j.status == "cached"]

    indicators.check_catalogue()
    try:
        with warmkernel.session():
            if use_cache:
                execute.plan([j for _, j in analysis])
            if warm and any(job.status != "cached" for _, job in analysis):
                shared_server = warmkernel.running()
                if shared_server:
                    progress(f"{year}: notebooks' kernels forked from the warm kernel server at {shared_server}")
                warmkernel.prestart()  # its imports overlap the checks below
            progress(f"{year}: checking {len(ids)} pinned input snapshots against their sidecar checksums")
            accepted = snapshots.verify(ids, accept_changed=accept_changed_inputs)
            checked = validation.validate_all(ids, record=root / "build" / "validated.json")
            report.accepted_inputs += snapshots.record_accepted(accepted)  # only once the new bytes passed
            if accepted:
                # The sidecars just saved are every job's inputs, and the shared folder's name is keyed over
                # them: jobs made before would name a folder (and record a key) the next build never finds.
                entries = snapshots.load_sidecars()
                analysis = analysis_batch(entries)
            progress(
                f"{year}: {len(checked)} changed datasets validated against their schemas ({len(ids) - len(checked)} unchanged)"
            )
            run_batch(analysis)
            publish_indicators(years, editions, chapters, builds, progress)
            run_batch(
                [
                    (year, job)
                    for job in comparison_jobs(
                        editions[year],
                        chapters,
                        root,
                        builds[year],
                        previous,
                        editions[previous].data if previous else None,
                        entries=entries,
                    )
                ]
            )
            prune_shared([j for _, j in analysis], root)
    except BaseException:
        # Stopped or failed: the server has stopped its kernels (leaving the session), so nothing still
        # writes into the unfinished notebooks' scratch folders; remove them.
        execute.discard_unfinished([j for j in handed if j.status == "pending"])  # a failed one keeps its notebook
        raise
    return report


def _previous_figures_only(
    analysis: list[tuple[int, execute.Job]], previous: int, use_cache: bool
) -> list[tuple[int, execute.Job]]:
    """Another area's previous edition is built only for the "What changed" chapter, which reads its
    figures: each of its chapters not already run as a notebook computes them without the notebook's charts
    and tables (pipeline.indicators_only)."""
    if use_cache:
        execute.plan([job for y, job in analysis if y == previous])
    return [(y, indicators_only.job(job) if y == previous and job.status != "cached" else job) for y, job in analysis]


def publish_indicators(
    years: list[int],
    editions: dict[int, editions_mod.Edition],
    chapters: dict[str, editions_mod.Chapter],
    builds: dict[int, Path],
    progress: Progress,
) -> None:
    """Each edition's indicators.csv: every analysis chapter's rows, with its CSVW description; not written
    again when its chapters' rows, title, synthetic sources and the library are those it was written from
    (a no-change rebuild), as recorded beside it with the file's own checksum."""
    for y in years:
        # Only the edition's own chapter folders: a stale or half-written folder is never read as output.
        known = [
            builds[y] / "outputs" / c / "indicators.csv"
            for c in sorted(editions[y].chapter_parameters)
            if chapters[c].step == "analysis"
        ]
        present = [p for p in known if p.exists()]
        target = builds[y] / "outputs" / "indicators.csv"
        title = f"{editions[y].title}, {y} edition: indicators"
        sources = dataset.synthetic_sources(editions[y].data)
        key = _indicators_key(present, title, sources)
        record = target.with_name(f".{target.name}.record.json")
        made = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        unchanged = (
            made.get("key") == key
            and target.exists()
            and target.with_name(target.name + dataset.METADATA_SUFFIX).exists()
            and made.get("sha256") == snapshots.sha256_file(target)
        )
        if not unchanged:
            combined = indicators.combine(present)
            dataset.publish(combined, target, title=title, synthetic_from=sources)
            made = {"key": key, "sha256": snapshots.sha256_file(target), "rows": len(combined)}
            _write_json_whole(record, made)
        shown = target.relative_to(project_root()).as_posix()
        progress(f"{y}: {made['rows']} indicator rows in {shown}" + ("" if not unchanged else " (unchanged)"))


def _indicators_key(chapters_rows: list[Path], title: str, synthetic: set[str]) -> str:
    """sha256 over what an edition's indicators.csv is made from: its chapters' rows, title, synthetic
    sources and the library that combines them."""
    parts = {
        "rows": [[p.parent.name, snapshots.sha256_file(p)] for p in chapters_rows],
        "title": title,
        "synthetic": sorted(synthetic),
        "library": cache.library_digest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


#: Beside an edition's staged book: the Quarto project its HTML was last rendered in, so that a change renders
#: only the pages it reaches (publishing.render.quarto).
QUARTO_WORKSPACE = "quarto-html"


def build_edition(
    year: int | None = None,
    accept_changed_inputs: bool = False,
    renderer: str = "auto",
    workers: int | None = None,
    progress: Progress = lambda message: None,
    use_cache: bool = True,
    warm: bool = True,
    area: str | None = None,
) -> BuildReport:
    """Build one edition (the current one by default) and return what happened; with `area` (a code or
    name), the edition as it would be for that English local authority (pipeline.areas).

    Holds the edition's lock (and the previous edition's, whose notebooks it may run) throughout, so a
    second build of the same edition stops at once with a message naming the running one.
    `use_cache=False` runs every notebook regardless and `warm=False` starts a fresh kernel for each (both:
    the benchmark's naive baseline).
    """
    start = time.perf_counter()
    root = project_root()
    chapters, editions, current, code = areas.load(area)
    year = year or current
    if year not in editions:
        raise KeyError(f"edition {year} is not defined in data/editions.yaml (defined: {sorted(editions)})")
    previous = editions_mod.previous(year, editions)
    builds, books = areas.folder(root / "build", code), areas.folder(root / "_book", code)
    with locks.editions_locked(builds, [year] + ([previous] if previous else [])), _disk_full_named(builds, books):
        report = run_notebooks(year, accept_changed_inputs, workers, progress, use_cache, warm, code)
        edition = editions[year]
        build = builds / str(year)
        banner = website.banner_html(edition)
        book = staging.stage(
            root,
            build,
            edition,
            [chapters[c] for c in edition.chapter_parameters],
            sorted(editions),
            banner,
            library=cache.library_digest(),
        )
        progress(f"{year}: staged the book in {book.relative_to(root)}")
        report.renderer = choose_renderer(renderer, progress)
        render_book(root, edition, book, report, progress, books, website.earlier_pages(chapters, editions, year))
        website.write_landing(books, editions)
        if code:  # another area's book: list it beside every other built, and link that list from the home book
            website.write_areas_index(books.parent)
            home = root / "_book"
            if any(home.glob(f"*/{website.RECORD}")):
                website.write_landing(home, editions_mod.load()[1])
    report.seconds = time.perf_counter() - start
    return report


class DiskFull(OSError):
    """The disk filled during a build; the message names where, and what was cleaned up."""


@contextlib.contextmanager
def _disk_full_named(builds: Path, books: Path) -> Iterator[None]:
    """A full disk ends the build with a message naming the path and the space left, after removing the
    unfinished (`.partial`) files and folders the build had started, so they do not fill the disk further."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        removed = []
        for folder in (builds, books):
            for leftover in sorted(folder.rglob("*.partial*")) if folder.exists() else []:
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed.append(leftover)
        where = exc.filename or builds
        free = shutil.disk_usage(builds if builds.exists() else builds.parent).free // 2**20
        raise DiskFull(
            errno.ENOSPC,
            f"no space left on the device while writing {where} ({free} MB free there); removed "
            f"{len(removed)} unfinished file(s) this build started. Free some space, then build again",
        ) from None


def render_book(
    root: Path,
    edition: editions_mod.Edition,
    book: Path,
    report: BuildReport,
    progress: Progress,
    books: Path,
    earlier: dict[int, set[str]] | None = None,
) -> None:
    """Render the staged book into <books>/<year>/ (books: _book/, or _book/areas/<code>/) unless the book
    there was made from the same staged files by the same renderer; the new book is written beside the
    old and swapped in whole."""
    year = edition.year
    final = books / str(year)
    # The links to earlier editions are written after rendering, so what they link is part of the key too.
    key = render_key(book, report.renderer, json.dumps({y: sorted(p) for y, p in (earlier or {}).items()}))
    report.book = final
    if website.read_record(final).get("render_key") == key:
        changed = reproducible.altered(final)
        if not changed:
            made = without_folder(str(final), root)  # an area's book is under _book/areas/CODE/
            progress(f"{year}: staged book and renderer unchanged since {made}/ was made: not rendering again")
            report.files = {kind: final / rel for kind, rel in website.read_record(final)["files"].items()}
            return
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        progress(
            f"{year}: {len(changed)} published file(s) differ from SHA256SUMS ({shown}): rendering to restore them"
        )
        report.restored = changed
    partial = books / f".{year}.partial"
    tables = books / f".{year}.partial-tables"
    for folder in (partial, tables):
        shutil.rmtree(folder, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    progress(f"{year}: rendering with {report.renderer}")
    stem = staging.output_stem(year)
    try:
        # The scrutiny summary and the workbooks are made from the staged book, not from the pages, so they are
        # written in a thread while the renderer runs (its processes leave a core free for part of the render).
        with reproducible.source_date(edition), ThreadPoolExecutor(max_workers=1) as pool:
            downloads = pool.submit(_downloads, book, tables, edition, stem)
            if report.renderer.startswith("quarto"):
                files = quarto.render(
                    book, partial, stem, book.parent / QUARTO_WORKSPACE, lambda m: progress(f"{year}: {m}")
                )
            else:
                from skills_evidence.publishing.render import fallback  # see _downloads

                files = fallback.render(book, partial, stem)
            for kind, made in downloads.result().items():
                files[kind] = made.replace(partial / made.name)
            from skills_evidence.publishing import pdfs  # see _downloads

            for kind in ("pdf", "scrutiny"):
                if kind in files:
                    pdfs.finish(files[kind])
        website.link_banners(partial, earlier)
        website.write_record(
            partial, edition, files, render_key=key, renderer=report.renderer, built=website.first_built(final)
        )
        reproducible.write_checksums(partial)
    except Exception:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tables, ignore_errors=True)
    _swap_in(partial, final)
    report.rendered = True
    report.files = {k: final / v.relative_to(partial) for k, v in files.items()}


def _downloads(book: Path, folder: Path, edition: editions_mod.Edition, stem: str) -> dict[str, Path]:
    """The edition's scrutiny summary (if it has a progress chapter) and its workbooks, from the staged book."""
    # Imported when a book is rendered, not with the build: their libraries (gptables, openpyxl, pikepdf) take
    # about a tenth of a second to import, a tenth of a rebuild in which nothing changed.
    from skills_evidence.publishing import scrutiny, workbook

    folder.mkdir(parents=True)
    summary = scrutiny.write(book, folder, edition)
    return ({"scrutiny": summary} if summary else {}) | workbook.write(book, folder, edition, stem)


def choose_renderer(requested: str, progress: Progress = lambda message: None) -> str:
    """ "quarto <version>" or "pandoc+typst": Quarto unless the fallback is asked for or Quarto is absent."""
    if requested not in ("auto", "quarto", "fallback"):
        raise ValueError(f"unknown renderer {requested!r}: use auto, quarto or fallback")
    if requested == "fallback":
        return "pandoc+typst"
    if quarto.available():
        return f"quarto {quarto.version()}"
    if requested == "quarto":
        raise RuntimeError("--renderer quarto was asked for, but Quarto is not installed (README: Installing Quarto)")
    progress("Quarto not found (neither on PATH nor in .quarto-runtime/): rendering with the Pandoc/Typst fallback")
    return "pandoc+typst"


def render_key(book: Path, renderer: str, extra: str = "") -> str:
    """sha256 over every staged file, the renderer with its version, `extra` (what is written into the
    pages after rendering) and the code that renders or publishes (the whole library for the fallback, which
    is part of it; the publishing package for Quarto): equal keys render equal books."""
    digest = hashlib.sha256(renderer.encode() + extra.encode())
    if renderer == "pandoc+typst":
        digest.update(cache.library_digest().encode())
    else:  # Quarto makes the pages from the staged files, but the library writes the workbooks and checksums
        digest.update(cache.library_digest("publishing").encode())
    for path in sorted(p for p in book.rglob("*") if p.is_file()):
        digest.update(path.relative_to(book).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _swap_in(partial: Path, final: Path) -> None:
    """Replace `final` with `partial` so that a crash leaves one complete copy in place."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.replace(old)
    partial.replace(final)
    shutil.rmtree(old, ignore_errors=True)

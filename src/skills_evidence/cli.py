"""Command line: `skills-evidence build`, `verify`, `indicators`, `snapshot`, `fetch`, `new-edition`, `editions`."""

from __future__ import annotations

import enum
import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from skills_evidence import editions as editions_mod

# In a terminal, typer's boxed help and usage errors; in a log, click's plain ones, which are never wrapped.
app = typer.Typer(
    help="Build the Coventry Skills Evidence Book from official data.",
    no_args_is_help=True,
    rich_markup_mode="rich" if sys.stderr.isatty() else None,
    pretty_exceptions_enable=False,
)
# Messages are never wrapped mid-word: in a CI log (not a terminal) a line is as long as it needs to be,
# so a file name is never split; in a terminal long lines wrap softly, as the terminal does.
console = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 10_000)


class Renderer(enum.StrEnum):
    """Which renderer makes the book: checked by the command line before any work starts."""

    auto = "auto"
    quarto = "quarto"
    fallback = "fallback"


def _fail(message: str) -> typer.Exit:
    """Print `message` (as text: a file name or value in it is never read as rich markup); the Exit to raise."""
    console.print(Text(message, style="bold red"), highlight=False)
    return typer.Exit(1)


def _load_editions() -> tuple[dict, dict, int]:
    """data/editions.yaml, checked; a fault ends the command with its message (file and line), no traceback."""
    try:
        return editions_mod.load()
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from None


@app.command()
def build(
    edition: int = typer.Option(None, "--edition", "-e", help="Edition year (default: the current edition)."),
    all_editions: bool = typer.Option(False, "--all", help="Build every edition defined in data/editions.yaml."),
    accept_changed_inputs: bool = typer.Option(False, help="Accept input files whose checksum changed, and record it."),
    renderer: Renderer = typer.Option(
        Renderer.auto, help="auto (Quarto if installed), quarto, or fallback (Pandoc + Typst)."
    ),
    workers: int = typer.Option(None, help="Notebooks run at once (default: one more than the number of cores)."),
    area: str = typer.Option(
        None, "--area", help="Another English local authority (2021 GSS code or name): its book, in _book/areas/CODE/."
    ),
) -> None:
    """Run the notebooks, stage and render one edition's book (or all of them), for Coventry or another area."""
    from skills_evidence.pipeline.areas import AreaError
    from skills_evidence.pipeline.build import build_edition
    from skills_evidence.pipeline.execute import NotebookFailed

    if all_editions and edition is not None:
        raise _fail("--edition and --all contradict each other: give one of them")
    _, defined, current = _load_editions()
    if edition is not None and edition not in defined:
        raise _fail(f"edition {edition} is not defined in data/editions.yaml (defined: {sorted(defined)})")
    years = sorted(defined) if all_editions else [edition or current]
    summary = Table(title="Build summary")
    for column in ("Edition", "Notebooks run", "Notebooks cached", "Renderer", "Rendered", "Book", "Seconds"):
        summary.add_column(column, no_wrap=True, overflow="ignore")
    start = time.perf_counter()
    for year in years:
        try:
            report = build_edition(
                year,
                accept_changed_inputs=accept_changed_inputs,
                renderer=renderer.value,
                workers=workers,
                area=area,
                progress=lambda message: console.print(
                    f"[dim]{time.perf_counter() - start:6.1f}s[/] {message}", highlight=False
                ),
            )
        except AreaError as exc:
            raise _fail(f"No book for that area: {exc}") from None
        except NotebookFailed as exc:
            console.print(f"[bold red]Build of the {year} edition stopped: a notebook failed.[/]")
            console.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(1) from None
        except Exception as exc:  # noqa: BLE001 - any other failure is reported plainly, with its type
            raise _fail(f"Build of the {year} edition failed: {type(exc).__name__}: {exc}") from None
        if report.accepted_inputs:
            console.print(
                f"Accepted changed inputs (recorded in each snapshot's .meta.yaml sidecar): {', '.join(report.accepted_inputs)}"
            )
        book = report.files.get("html", report.book)
        summary.add_row(
            str(year),
            str(len(report.ran)),
            str(len(report.cached)),
            report.renderer,
            "yes" if report.rendered else "no (unchanged)",
            os.path.relpath(book) if book else "-",
            f"{report.seconds:.1f}",
        )
    console.print(summary)


@app.command()
def verify(
    edition: int = typer.Option(None, "--edition", "-e", help="Edition year (default: the current edition)."),
    all_editions: bool = typer.Option(False, "--all", help="Verify every edition built in _book/."),
) -> None:
    """Rebuild a published edition in a scratch folder and report any file whose bytes differ."""
    from skills_evidence.paths import project_root
    from skills_evidence.pipeline.verify import verify_editions

    if all_editions and edition is not None:
        raise _fail("--edition and --all contradict each other: give one of them")
    _, defined, current = _load_editions()
    built = [y for y in sorted(defined) if (project_root() / "_book" / str(y) / "SHA256SUMS").exists()]
    years = built if all_editions else [edition or current]
    try:
        results = verify_editions(years, progress=lambda message: console.print(message, highlight=False))
    except (FileNotFoundError, RuntimeError, ValueError, OSError) as exc:
        raise _fail(f"Cannot verify: {exc}") from None
    failed = False
    for result in results:
        if result.differing:
            failed = True
            console.print(
                f"[bold red]{result.edition}: {len(result.differing)} of {result.files} files differ "
                f"from their recorded checksums:[/]"
            )
            for name in result.differing:
                console.print(f"  - {name}")
        else:
            console.print(
                f"{result.edition}: all {result.files} files match their checksums and a rebuild ({result.renderer})"
            )
    if failed:
        raise typer.Exit(1)


@app.command()
def indicators(
    all_areas: bool = typer.Option(False, "--all-areas", help="Every English local authority (the only scope so far)."),
    edition: int = typer.Option(None, "--edition", "-e", help="Edition year (default: the current edition)."),
) -> None:
    """Write the monitoring measures for every English local authority, with ranks, to
    build/<edition>/all_areas/indicators.csv."""
    from skills_evidence.pipeline import all_areas as all_areas_mod

    if not all_areas:
        console.print("Say which areas: --all-areas (every English local authority).")
        raise typer.Exit(2)
    start = time.perf_counter()
    try:
        path = all_areas_mod.write(edition)
    except (KeyError, ValueError) as exc:
        raise _fail(f"No file written: {exc}") from None
    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    console.print(f"{rows} rows in {os.path.relpath(path)} ({time.perf_counter() - start:.1f}s)")


@app.command()
def snapshot(
    dataset: list[str] = typer.Argument(None, help="Dataset ids (default: all)."),
    from_file: Path = typer.Option(
        None, "--from", help="A new release of DATASET as downloaded: becomes its next version, with a release review."
    ),
    version: str = typer.Option(None, "--version", help="With --from: the new version's name (default: today's date)."),
    like: str = typer.Option(
        None, "--like", help="With --from, for a new measure: a dataset whose derivation and schema it shares."
    ),
    indicator: str = typer.Option(
        None, "--indicator", help="With --like: the indicator to keep, if the file has several."
    ),
    maximum: float = typer.Option(
        None, "--max", help="With --like: the largest figure the measure can take, if not the model's (e.g. 100000)."
    ),
) -> None:
    """Add a new release of a dataset (--from FILE), or re-derive data/ snapshots from ../shared/real-data."""
    from skills_evidence.editions import published_pins
    from skills_evidence.inputs.derive import FrozenVersionError
    from skills_evidence.inputs.derive import snapshot as run_snapshot
    from skills_evidence.inputs.loaders import InputFileError
    from skills_evidence.inputs.release import ReleaseError, add
    from skills_evidence.inputs.snapshots import SidecarError

    if from_file is not None:
        if not dataset or len(dataset) != 1:
            raise _fail(
                "--from adds a release of one dataset: name exactly one (skills-evidence snapshot DATASET --from FILE)"
            )
        try:
            review, sidecar = add(dataset[0], from_file, version, like=like, indicator=indicator, maximum=maximum)
        except (ReleaseError, InputFileError, SidecarError, KeyError) as exc:
            raise _fail(f"Snapshot failed, nothing written: {exc}") from None
        if review is None and like is not None:
            console.print(
                f"New dataset {dataset[0]}: {os.path.relpath(sidecar)} written; declare its measure in data/indicators.yaml"
            )
            return
        if review is None:
            console.print(f"{from_file} is the file {os.path.relpath(sidecar)} was made from: nothing written.")
            return
        console.print("\n".join(review.lines()), markup=False, highlight=False)
        console.print(f"Written: {os.path.relpath(sidecar)} (and the review beside it)")
        return
    if version is not None or like is not None or indicator is not None or maximum is not None:
        raise _fail("--version, --like, --indicator and --max go with --from FILE")
    try:
        frames = run_snapshot(dataset or None, frozen=published_pins())
    except (InputFileError, FileNotFoundError, KeyError, SidecarError, FrozenVersionError) as exc:
        raise _fail(f"Snapshot failed, nothing written: {exc}") from None
    for dataset_id, frame in frames.items():
        console.print(f"{dataset_id}: {len(frame)} rows")


@app.command()
def fetch(edition: int = typer.Option(..., "--edition", "-e", help="Edition year whose inputs to download.")) -> None:
    """Download an edition's inputs from the Nomis and DfE APIs into data/raw/ and record each in a sidecar beside it."""
    from skills_evidence.inputs.fetch import FetchError
    from skills_evidence.inputs.fetch import fetch as run_fetch

    try:
        results = run_fetch(edition)
    except (FetchError, KeyError) as exc:
        raise _fail(f"Fetch failed: {exc}") from None
    for dataset_id, state in results:
        console.print(f"{dataset_id}: {state}")


@app.command("new-edition")
def new_edition(year: int = typer.Argument(..., help="The next edition's year (the latest plus one).")) -> None:
    """Add YEAR's edition to data/editions.yaml, its periods set from the newest data held, and list what
    the year would report that the data does not hold yet."""
    from skills_evidence.pipeline.new_edition import scaffold

    try:
        block, needs = scaffold(year)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Added to data/editions.yaml and made current (a draft until published):\n{block}", markup=False)
    missing = [(chapter, item) for chapter, items in needs.items() for item in items]
    if missing:
        console.print("Not yet in the data (each chapter reports the newest period it holds and says so):")
        for chapter, item in missing:
            console.print(f"  - {chapter}: {item}", markup=False, highlight=False)
    else:
        console.print("Every period this edition would report is already in data/.")
    console.print(f"Next: skills-evidence build --edition {year}, then read its 'What changed' chapter.")


@app.command()
def publish(
    edition: int = typer.Option(..., "--edition", "-e", help="The draft edition to publish."),
    renderer: Renderer = typer.Option(Renderer.auto, help="auto (Quarto if installed), quarto, or fallback."),
) -> None:
    """Publish a draft edition: set its publication date (today) once, build it, and list it on the landing page."""
    from skills_evidence.pipeline.publish import publish as run_publish

    _load_editions()
    try:
        report = run_publish(
            edition, renderer=renderer.value, progress=lambda m: console.print(m, highlight=False, markup=False)
        )
    except Exception as exc:  # noqa: BLE001 - reported plainly; data/editions.yaml is left as it was
        raise _fail(f"The {edition} edition was not published: {type(exc).__name__}: {exc}") from None
    console.print(
        f"Published the {edition} edition: {os.path.relpath(report.book)} (SHA256SUMS written, landing page updated)"
    )


@app.command("editions")
def list_editions() -> None:
    """List the editions defined in data/editions.yaml."""
    _, defined, current = _load_editions()
    table = Table(title="Editions")
    for column in ("Year", "Title", "Chapters", "Data vintages"):
        table.add_column(column)
    for year, e in sorted(defined.items()):
        table.add_row(
            f"{year}{' (current)' if year == current else ''}",
            e.title,
            ", ".join(e.chapter_parameters),
            "; ".join(f"{k}: {v}" for k, v in e.vintages.items()),
        )
    Console().print(table)


def main() -> None:
    """Entry point for `skills-evidence` and `python -m skills_evidence`. Stopped by a signal, a command
    still cleans up after itself (lifetime.terminate_cleanly); set here, in the program's own process only,
    never when the commands are called from other code (a test runner keeps its own signal handling)."""
    from skills_evidence.pipeline import lifetime

    lifetime.terminate_cleanly()
    app(sys.argv[1:])


@app.command("areas-index")
def areas_index() -> None:
    """Write _book/areas/index.html listing every area whose book is built (the workflow's last step)."""
    from skills_evidence.paths import project_root
    from skills_evidence.pipeline.areas import folder
    from skills_evidence.publishing import website

    root = folder(project_root() / "_book", "any").parent
    if not root.is_dir():
        raise _fail(f"No area's book is built yet: {os.path.relpath(root)} does not exist")
    console.print(f"Wrote {os.path.relpath(website.write_areas_index(root))}")

"""Render a staged book with Quarto, the renderer of record (HTML site, Typst PDF, DOCX).

Quarto is taken from PATH, else from the project's `.quarto-runtime/` (where `make` installs it with
`../shared/quarto/install.sh` on machines that cannot reach Quarto's own downloads).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from skills_evidence.paths import project_root, without_folder
from skills_evidence.publishing.render import reach

RUNTIME = ".quarto-runtime"
REPOSITORY = Path(__file__).resolve().parents[4]


def executable() -> str | None:
    """The `quarto` command to use: PATH first, then the runtime installed in the project being built or
    in the repository this library belongs to (a scratch copy of the project shares it); else None."""
    found = shutil.which("quarto")
    if found:
        return found
    for root in (project_root(), REPOSITORY):
        local = root / RUNTIME / "bin" / "quarto"
        if os.access(local, os.X_OK):
            return str(local)
    return None


def available() -> bool:
    """Whether Quarto can be run here."""
    return executable() is not None


def version() -> str:
    """Quarto's version string (part of what decides whether a book needs rendering again)."""
    command = executable()
    if command is None:
        raise RuntimeError("Quarto is not installed (see README: Installing Quarto)")
    return _version(command)


@functools.cache
def _version(command: str) -> str:
    """The version `command --version` prints, asked once per process (Quarto takes a moment to start)."""
    return subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout.strip()


#: The book's formats, each rendered by its own `quarto render --to` at the same time (see `render`).
FORMATS = ("html", "typst", "docx")
#: In a render's workspace: the Quarto project the HTML is rendered in, kept between builds, and what it was
#: staged from (the staged files' digests and Quarto's version) when it last rendered whole.
PROJECT = "project"
MANIFEST = "staged.json"
LEVEL2_SECTION = re.compile(r'<section id="([^"]+)" class="(?:level2|footnotes)')


def render(
    book: Path,
    out: Path,
    output_stem: str,
    workspace: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, Path]:
    """Render the staged book's three formats at once and gather them in `out`; returns the main files.

    One `quarto render` renders HTML, then Typst, then Word, one after another; each format rendered by its
    own process (the PDF and Word file from copies of the staged book, so no two processes share Quarto's
    working folders) takes about the time of the slowest, HTML (README, Performance). The files are byte for
    byte those of one `quarto render` (tests/e2e/test_quarto_book.py). With a `workspace` kept between builds,
    the HTML is rendered there, and only the pages a change reaches are rendered again (`reach`)."""
    command = executable()
    if command is None:
        raise RuntimeError("Quarto is not installed (see README: Installing Quarto)")
    # HTML from the staged book itself, or from the workspace's project; the others from copies named .partial,
    # so a build stopped by a full disk removes them (pipeline.build).
    copies = {fmt: book.with_name(f".{book.name}.partial-{fmt}") for fmt in FORMATS if fmt != "html"}
    html = book
    pages: list[str] | None = None
    staged = reach.digests(book) if workspace is not None else {}
    if workspace is not None:
        html, pages = _prepare_workspace(book, workspace, staged)
        if pages is not None:
            progress(f"web pages the change reaches, rendered again: {', '.join(pages) or 'none'}")
    jobs = {fmt: (folder, None) for fmt, folder in copies.items()}
    if pages != []:
        jobs["html"] = (html, pages)
    try:
        for folder in copies.values():
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(book, folder)
        before, pages_before = _sections(html, pages), _outputs(html, pages)
        _run(command, book, jobs)
        if pages and (_sections(html, pages) != before or _search_left_behind(html, pages, pages_before)):
            # A page gained or lost a section (Quarto would leave its old search entries in place or add the
            # new at the end, where a full render orders them by page), or changed while the search index did not
            # (Quarto's update once wrote nothing): render every page instead.
            html, _ = _prepare_workspace(book, workspace, staged, whole=True)
            _run(command, book, {"html": (html, None)})
        if workspace is None:
            shutil.move(str(book / "_output"), str(out))
        else:
            (workspace / MANIFEST).write_text(
                json.dumps({"quarto": version(), "files": staged}, indent=1), encoding="utf-8"
            )
            shutil.copytree(html / "_output", out)
        for folder in copies.values():
            for made in (folder / "_output").iterdir():
                shutil.move(str(made), str(out / made.name))
    finally:
        for folder in copies.values():
            shutil.rmtree(folder, ignore_errors=True)
    finish(out, html)
    files = {"html": out / "index.html", "pdf": out / f"{output_stem}.pdf", "docx": out / f"{output_stem}.docx"}
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"quarto render of {book} did not write {', '.join(missing)}")
    return files


def _run(command: str, book: Path, jobs: dict[str, tuple[Path, list[str] | None]]) -> None:
    """Run one `quarto render` per format at once, each in its folder (only `pages` when given); a failure
    raises with Quarto's own words."""
    # Not --quiet: that hides Quarto's own error too. Its output is captured and shown only when it fails.
    env = dict(os.environ, QUARTO_LOG_LEVEL="WARNING")
    running = {
        fmt: subprocess.Popen(
            [*_ended_with_this_process(), command, "render", *(pages or [str(folder.absolute())]), "--to", fmt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=folder,
        )
        for fmt, (folder, pages) in jobs.items()
    }
    try:
        said = {fmt: process.communicate() for fmt, process in running.items()}
    except BaseException:
        _stop(running.values())
        raise
    failed = [fmt for fmt, process in running.items() if process.returncode != 0]
    if failed:
        fmt = failed[0]
        text = "\n".join(part.strip() for part in reversed(said[fmt]) if part.strip())
        raise RuntimeError(
            f"quarto render failed for {book} (--to {fmt}, exit {running[fmt].returncode}):\n"
            f"{text[-4000:] or 'Quarto printed nothing'}"
        )


def _ended_with_this_process() -> list[str]:
    """The prefix that has Linux send Quarto SIGTERM if this process dies (util-linux's `setpriv --pdeathsig`),
    so that a build killed outright, whose clean-up never runs, does not leave Quarto rendering on into its
    folder: Quarto then cleans up and exits, and only the Pandoc or Typst step under way finishes. Elsewhere,
    nothing. Not `preexec_fn` with `lifetime.die_with_parent`: the workbooks are written in a thread meanwhile,
    and code run between fork and exec in a process with threads can deadlock (subprocess's documentation)."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _stop(processes: Iterable[subprocess.Popen]) -> None:
    """End each render and every process it started (Pandoc, Typst, Sass: psutil finds them, so none is left
    whether or not Quarto passes the signal on), rather than leave them writing into the build folder after
    the build stops."""
    import psutil

    tree = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(process.pid)
            tree += [parent, *parent.children(recursive=True)]
    for member in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _, alive = psutil.wait_procs(tree, timeout=10)
    for member in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    for process in processes:
        process.wait()


def _prepare_workspace(
    book: Path, workspace: Path, files: dict[str, str], whole: bool = False
) -> tuple[Path, list[str] | None]:
    """The workspace's Quarto project made ready to render `book` (its files' digests `files`), and the pages
    to render: None for
    every page (a first render, another Quarto, a change `reach` cannot confine, or `whole`), else those the
    change reaches, whose changed files are copied in. The manifest is removed until the render succeeds,
    so an interrupted render is followed by a whole one."""
    project = workspace / PROJECT
    manifest = workspace / MANIFEST
    try:
        last = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    manifest.unlink(missing_ok=True)
    pages = None
    if not whole and last.get("quarto") == version() and project.is_dir():
        pages = reach.pages_reached(project, book, last.get("files", {}), files)
    if pages is None:
        shutil.rmtree(project, ignore_errors=True)
        # Hard links, not copies: the workspace would otherwise double the disk a book takes (the staged book
        # is replaced whole by the next build, so the linked files are never written to by staging).
        shutil.copytree(book, project, copy_function=_link_or_copy)
        return project, None
    for name, digest in files.items():
        if last["files"][name] != digest:
            (project / name).unlink(missing_ok=True)  # a workspace file someone removed is linked again
            _link_or_copy(book / name, project / name)
    return project, pages


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    """`target` as a hard link to `source`, or a copy where the file system cannot link them."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _sections(project: Path, pages: list[str] | None) -> dict[str, list[str]]:
    """The level-2 sections (and footnotes) of each page's HTML as last rendered, which its search entries follow."""
    found = {}
    for page in pages or []:
        html = project / "_output" / Path(page).with_suffix(".html")
        found[page] = LEVEL2_SECTION.findall(html.read_text(encoding="utf-8")) if html.exists() else []
    return found


def _outputs(project: Path, pages: list[str] | None) -> dict[str, bytes]:
    """The search index and each page's HTML as last rendered (empty where there is none yet)."""
    names = ["search.json", *(Path(page).with_suffix(".html").as_posix() for page in pages or [])]
    return {
        name: (project / "_output" / name).read_bytes() if (project / "_output" / name).exists() else b""
        for name in names
    }


def _search_left_behind(project: Path, pages: list[str], before: dict[str, bytes]) -> bool:
    """Whether a partial render changed a page but left the search index as it was. Once (2 December 2026) Quarto's
    search update wrote nothing after a page's text changed, and the site's search kept the old text; rendering
    every page then mends it. A page whose change leaves its searchable text alone is also rendered whole: slower,
    never wrong."""
    after = _outputs(project, pages)
    pages_changed = any(after[name] != before[name] for name in after if name != "search.json")
    return pages_changed and after["search.json"] == before["search.json"]


def finish(out: Path, book: Path) -> None:
    """What the book needs from Quarto's output that Quarto cannot be told to do (each step says why)."""
    _drop_local_paths(out, book)
    for word in out.glob("*.docx"):
        _drop_local_paths_from_word(word)
    _name_page_links_by_what_they_show(out)
    _date_sitemap(out)


def _drop_local_paths(out: Path, book: Path) -> None:
    """Quarto writes the embedded notebooks' absolute paths into the pages (`data-notebook="/…/book/
    notebooks/x.ipynb"`); make them relative to the book, so pages neither reveal the build machine's
    folders nor differ between two builds of the same edition in different places."""
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        relative = without_folder(text, book)
        if relative != text:
            page.write_text(relative, encoding="utf-8")


#: A picture's description in a Word file that is an absolute path (POSIX or Windows): the file name is kept.
ABSOLUTE_DESCR = re.compile(r'descr="(?:/|[A-Za-z]:[\\/])[^"]*[\\/]([^"\\/]*)"')
WORD_BODY = "word/document.xml"


def _drop_local_paths_from_word(docx: Path) -> None:
    """Pandoc describes each picture in a Word file by its source path (`pic:cNvPr descr`), and Quarto's callout
    icons come from its own resources, so the file held the build machine's folders (`/…/quarto-cli/src/
    resources/formats/docx/note.png`) and differed between two checkouts. Keep the file name alone. The
    archive is written again entry by entry, in order, each with its own date and compression, so its bytes
    depend on its contents alone."""
    with zipfile.ZipFile(docx) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    body = next((data for info, data in entries if info.filename == WORD_BODY), b"").decode("utf-8")
    if not ABSOLUTE_DESCR.search(body):
        return
    fixed = ABSOLUTE_DESCR.sub(r'descr="\1"', body).encode("utf-8")
    partial = docx.with_name(f".{docx.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for info, data in entries:
            archive.writestr(info, fixed if info.filename == WORD_BODY else data)
    partial.replace(docx)


#: Quarto's previous/next links: named by the chapter's title alone (`aria-label`) while they show its number too.
PAGINATION_LABEL = re.compile(r'(<a\s+href="[^"]*" class="pagination-link") aria-label="[^"]*"')


def _name_page_links_by_what_they_show(out: Path) -> None:
    """WCAG 2.5.3 (label in name, level A): a link's accessible name must hold the words it shows. Quarto's
    template labels its previous/next links "Skills levels" while they read "2 Skills levels", which
    axe-core 4.14 reports; without the label the name is the visible text itself. Quarto's templates for
    these links cannot be overridden from a project, hence this edit of its output."""
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = PAGINATION_LABEL.sub(r"\1", text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def _date_sitemap(out: Path) -> None:
    """Quarto dates every page in sitemap.xml (written when the site's address is set) by the time it
    rendered, so no two builds would match; date them by the edition's document date (SOURCE_DATE_EPOCH,
    which the build sets while rendering) instead."""
    sitemap = out / "sitemap.xml"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if sitemap.is_file() and epoch:
        day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        sitemap.write_text(
            LASTMOD.sub(f"<lastmod>{day}</lastmod>", sitemap.read_text(encoding="utf-8")), encoding="utf-8"
        )

"""Stage one edition's book: the Quarto project, its chapters, the generated variables and the outputs.

Both renderers (Quarto, and the Pandoc/Typst fallback) read this staged folder, so the book's content
is written once. The stage is assembled beside its final place and swapped in whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from skills_evidence import editions as editions_mod
from skills_evidence.chapters import escape, formatting, keyfigures
from skills_evidence.editions import Chapter, Edition
from skills_evidence.inputs.snapshots import sha256_file
from skills_evidence.paths import INTERACTIVE_ASSETS, without_folder
from skills_evidence.publishing import about, reproducible

if TYPE_CHECKING:
    import nbformat


def output_stem(year: int) -> str:
    """File name (without extension) of an edition's PDF and Word document, the same under both renderers."""
    return f"skills-evidence-{year}"


#: papermill's tag on the parameters cell it injects.
INJECTED = "injected-parameters"


def write_publishable_notebook(executed: Path, target: Path, root: Path | None = None) -> None:
    """Copy an executed notebook without what describes the run rather than the results (papermill's
    timings and paths, cell timing metadata, and the project folder `root` in the parameters' paths): the
    book embeds its cells, and the same results must stage, and so render, the same bytes wherever and
    whenever they were computed."""
    import nbformat  # here: with jsonschema it takes 0.15 s to import, and a build with nothing new stages none

    # nbformat's reader and writer without its schema check, which only logs what it finds: papermill checked the
    # notebook when it wrote it, and building the checker takes a tenth of a second, as long as the rest of a
    # build with nothing to do.
    notebook = nbformat.convert(nbformat.reader.reads(executed.read_text(encoding="utf-8")), 4)
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        tags = [tag for tag in cell.metadata.get("tags", []) if tag]
        cell.metadata = nbformat.NotebookNode({"tags": tags} if tags else {})
        if INJECTED in tags:  # papermill gives the cell it adds a new random id on every run
            cell.id = INJECTED
            if root:  # the inputs' and outputs' paths, relative to the project folder, as the notebook reads them
                cell.source = without_folder(cell.source, root)
        for output in cell.get("outputs", []):
            _inert_text(output)
            _without_scripted_forms(output)
    text = nbformat.v4.writes(notebook)
    target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


#: Forms of an output that make Quarto load require.js and jQuery from a CDN into every page embedding
#: from the notebook (pandas' HTML tables in the cells nbval checks); the book never shows them.
SCRIPTED = ("text/html", "application/javascript")


def _without_scripted_forms(output: nbformat.NotebookNode) -> None:
    """Drop an output's HTML and JavaScript forms where it has another (its plain text): no page of the book
    may load anything from another host. An output with no other form is kept whole."""
    data = output.get("data", {})
    if any(mime not in SCRIPTED for mime in data):
        for mime in SCRIPTED:
            data.pop(mime, None)


def _inert_text(output: nbformat.NotebookNode) -> None:
    """The text of one embedded output with shortcodes broken (escape.no_shortcodes): a second guard, at
    the point outputs enter the staged book, behind the escaping the chapters do."""
    if "text" in output:
        output["text"] = escape.no_shortcodes("".join(output["text"]))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            output["data"][mime] = escape.no_shortcodes("".join(value) if isinstance(value, list) else value)


def page_metadata(edition: Edition, site_url: str) -> dict:
    """What every page's head carries for search engines and link previews, from the edition (so another
    area's book describes itself): its description, favicon and Open Graph tags, and, when the site's
    address is set, the edition's own address (Quarto then writes a sitemap)."""
    meta = {
        "description": escape.no_shortcodes(
            f"{edition.title}: {edition.subtitle}" if edition.subtitle else edition.title
        ),
        "favicon": FAVICON,
        "open-graph": True,
    }
    if site_url:
        meta["site-url"] = f"{site_url.rstrip('/')}/{edition.year}"
    return meta


#: The site's icon, served from the site itself (assets/ is copied into every edition).
FAVICON = "assets/favicon.svg"


#: Where `make vega` installs the interactive charts' scripts from the npm registry (tools/vega/package-lock.json).
VEGA_MODULES = Path("tools/vega/node_modules")
VEGA_FILES = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
}


def interactive_scripts(root: Path, folder: Path) -> list[str]:
    """Copy the interactive charts' scripts into the staged book, so every page loads them from the site
    itself; the source-map comments are dropped (no map is published). Where they are not installed the
    pages say so and keep their static charts (assets/interactive/explore.js)."""
    copied = []
    for name, source in VEGA_FILES.items():
        path = root / VEGA_MODULES / source
        if path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8")
            lines = [line for line in text.splitlines() if not line.startswith("//# sourceMappingURL=")]
            (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            copied.append(name)
    return copied


def omitted_sentence(edition: Edition) -> str:
    """The preface's sentence on the chapters an area's book leaves out, and why; empty when none is."""
    if not edition.omitted:
        return ""
    # Each chapter as its `home_only:` describes it, never by its home title (which names the home council).
    parts = list(edition.omitted.values())
    listed = "; ".join(parts[:-1]) + ("; and " if len(parts) > 1 else "") + parts[-1]
    return f"This book leaves out the chapters built on one council's own data: {listed}."


def publishable_copy(executed: Path, root: Path, store: Path, library: str) -> Path:
    """The publishable copy of an executed notebook (write_publishable_notebook), made once for each executed
    notebook and kept in `store` under a key over its bytes, the project folder and `library` (the digest of
    the code that made it, so a change to the rules makes it again); the copies of earlier runs are removed."""
    key = hashlib.sha256(f"{sha256_file(executed)}\0{root}\0{library}".encode()).hexdigest()[:24]
    kept = store / f"{executed.stem}-{key}.ipynb"
    if not kept.exists():
        store.mkdir(parents=True, exist_ok=True)
        for earlier in [*store.glob(f"{executed.stem}-*.ipynb"), *store.glob(f".{executed.stem}-*.partial-*")]:
            earlier.unlink()
        partial = store / f".{kept.name}.partial-{os.getpid()}"
        write_publishable_notebook(executed, partial, root)
        partial.replace(kept)
    return kept


def stage(
    root: Path,
    build: Path,
    edition: Edition,
    chapters: list[Chapter],
    all_editions: list[int],
    banner: str = "",
    *,
    library: str,
) -> Path:
    """Write build/<edition>/book/ (with the edition banner in assets/banner.html) and return it; `library` is
    the digest of the library's code, part of the key under which publishable notebooks are kept."""
    book = build / "book"
    partial = build / "book.partial"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "chapters").mkdir(parents=True)
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config["book"]["title"] = escape.no_shortcodes(edition.title)
    config["book"]["subtitle"] = escape.no_shortcodes(edition.subtitle)
    if edition.author:
        config["book"]["author"] = escape.no_shortcodes(edition.author)
    config["book"]["chapters"] = ["index.qmd", *[c.chapter.as_posix() for c in chapters], about.PAGE]
    config["book"]["output-file"] = output_stem(edition.year)
    config["project"]["output-dir"] = "_output"
    config.setdefault("edition-site", {})["year"] = edition.year
    config["book"].update(page_metadata(edition, str(config["edition-site"].get("url") or "")))
    config.setdefault("format", {}).setdefault("html", {})["include-before-body"] = "assets/banner.html"
    (partial / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copy2(root / "index.qmd", partial / "index.qmd")
    publisher = str(config["book"].get("author") or "")
    site_url = str(config["edition-site"].get("url") or "")
    (partial / about.PAGE).write_text(about.page(edition, chapters, publisher, site_url), encoding="utf-8")
    for chapter in chapters:
        # The chapter's page, with the sections this edition's data adds at its end (editions.sections).
        text = (root / chapter.chapter).read_text(encoding="utf-8")
        for section in editions_mod.sections(chapter, edition):
            text = text.rstrip("\n") + "\n\n" + (root / section).read_text(encoding="utf-8")
        (partial / chapter.chapter).write_text(text, encoding="utf-8")
    if (root / "assets").is_dir():
        shutil.copytree(root / "assets", partial / "assets")
    interactive_scripts(root, partial / INTERACTIVE_ASSETS)
    (partial / "assets").mkdir(exist_ok=True)
    header = partial / "assets" / "typst-header.typ"
    header.write_text(
        (header.read_text(encoding="utf-8") if header.exists() else "") + reproducible.typst_date(edition),
        encoding="utf-8",
    )
    (partial / "assets" / "banner.html").write_text(banner, encoding="utf-8")
    # Only this edition's own chapters: a stale or half-written folder in build/ never reaches the book.
    (partial / "notebooks").mkdir()
    for chapter in chapters:
        executed = build / "notebooks" / f"{chapter.id}.ipynb"
        if executed.exists():
            kept = publishable_copy(executed, root, build / "cache" / "publishable", library)
            shutil.copyfile(kept, partial / "notebooks" / executed.name)
        if (build / "outputs" / chapter.id).is_dir():
            shutil.copytree(build / "outputs" / chapter.id, partial / "outputs" / chapter.id)
    for name in ("indicators.csv", "indicators.csv-metadata.json"):
        shutil.copy2(build / "outputs" / name, partial / "outputs" / name)
    # The key figures of this edition's own chapters only: never a `.partial` or stale folder's.
    own = [build / "outputs" / chapter.id / "key_figures.yml" for chapter in chapters]
    figures = keyfigures.merge(sorted(path for path in own if path.exists()))
    synthetic = [
        group["title"] for group in figures.values() if isinstance(group, dict) and group.get("synthetic") == "yes"
    ]
    figures["edition"] = {
        "synthetic_sentence": (
            "Every figure in this edition is computed from official data."
            if not synthetic
            else f"The chapters on {' and '.join(synthetic)} use synthetic stand-ins for data that is confidential or licensed "
            "and has not been supplied; they are labelled on every sentence, table and chart, illustrate how the analysis "
            "will be reported, and are not evidence. Every other figure is computed from official data."
        ),
        "year": str(edition.year),
        "title": edition.title,
        "vintages": "; ".join(f"{k}: {v}" for k, v in edition.vintages.items()),
        # Only this edition and those before it: a published edition's pages never change when a later one is added.
        "all": ", ".join(str(y) for y in sorted(all_editions) if y <= edition.year),
        "rounding_note": formatting.ROUNDING_NOTE,
        "strategy": edition.strategy,
        "monitoring": edition.monitoring,
        "omitted_sentence": omitted_sentence(edition),
    }
    (partial / "_variables.yml").write_text(
        yaml.safe_dump(escape.markdown_tree(figures), sort_keys=True, allow_unicode=True, width=1000), encoding="utf-8"
    )
    shutil.rmtree(book, ignore_errors=True)
    partial.replace(book)
    return book

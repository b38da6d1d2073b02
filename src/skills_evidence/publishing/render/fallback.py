"""Render a staged Quarto book without Quarto: Pandoc for HTML and DOCX, Typst for PDF.

It supports exactly the Quarto subset the chapters use (tests/unit/test_quarto_subset.py keeps
them inside it): YAML front matter, `{{< var name >}}`, `{{< embed notebook.ipynb#label >}}` of a
labelled cell's table or figure, cross-references `@fig-`, `@tbl-`, `@sec-`, callout blocks,
and `fig-alt`. Chapters are numbered as Quarto numbers a book: the index page is not numbered,
chapter k is k, its figures k.1, k.2 … Pandoc has no Quarto book model, so this module supplies it
(a Python pass over the text before Pandoc, rather than a Lua filter, so it is unit-testable).
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from skills_evidence.chapters import keyfigures
from skills_evidence.inputs.snapshots import SAFE_LOADER
from skills_evidence.paths import INTERACTIVE_ASSETS

SHORTCODE = re.compile(r"\{\{<\s*(\w+)\s+([^>]*?)\s*>\}\}")
XREF = re.compile(r"(?<![\w@\[])@((?:fig|tbl|sec)-[A-Za-z0-9_-]+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{[^}]*\})?\s*$")
LABEL_ATTR = re.compile(r"#((?:sec|fig|tbl)-[A-Za-z0-9_-]+)")
CALLOUT = re.compile(r"^:::\s*\{\.callout-(note|tip|warning|important|caution)([^}]*)\}\s*$")
LINK = re.compile(r"\]\((\.\./[^)\s]+)\)")
KINDS = {"fig": "Figure", "tbl": "Table", "sec": "Section"}


class RenderError(RuntimeError):
    """The staged book uses something the fallback cannot render, or refers to something missing."""


@dataclass
class Doc:
    """One chapter file of the book."""

    path: Path
    relpath: str
    number: int | None
    meta: dict
    body: str
    labels: dict[str, str] = field(default_factory=dict)


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a .qmd file."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return yaml.safe_load(text[4:end]) or {}, text[end + 4 :].lstrip("\n")
    return {}, text


def cell_options(source: str) -> dict:
    """Quarto `#|` cell options as a dict."""
    lines = [ln[3:] for ln in source.splitlines() if ln.startswith("#| ")]
    return yaml.load("\n".join(lines), Loader=SAFE_LOADER) or {} if lines else {}


class Notebooks:
    """The labelled cells of the executed notebooks a book embeds, each notebook read once: a render embeds
    one notebook many times (in its web page, then again in the PDF and Word versions). One per render."""

    def __init__(self) -> None:
        self._read: dict[Path, dict[str, tuple[dict, dict | None]]] = {}

    def cell(self, notebook: Path, label: str) -> tuple[dict, dict]:
        """(options, first displayable output) of the cell labelled `label` in an executed notebook."""
        if notebook not in self._read:
            self._read[notebook] = _labelled_cells(notebook)
        if label not in self._read[notebook]:
            raise RenderError(f"{notebook}: no cell labelled {label!r}")
        options, data = self._read[notebook][label]
        if data is None:
            raise RenderError(f"{notebook}: cell {label!r} has no displayable output (was the notebook executed?)")
        return options, data


def _labelled_cells(notebook: Path) -> dict[str, tuple[dict, dict | None]]:
    """Label → (options, first displayable output or None) of an executed notebook's code cells, the first
    cell of a label winning. Read as staging wrote it (publishing.staging), without nbformat's schema check."""
    nb = nbformat.convert(nbformat.reader.reads(notebook.read_text(encoding="utf-8")), 4)
    cells: dict[str, tuple[dict, dict | None]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        options = cell_options(cell.source)
        if "label" not in options or options["label"] in cells:
            continue
        shown = [o for o in cell.get("outputs", []) if o.get("output_type") in ("display_data", "execute_result")]
        cells[options["label"]] = (options, shown[0].get("data", {}) if shown else None)
    return cells


def number_labels(docs: list[Doc]) -> dict[str, str]:
    """Label → display text ("Figure 1.2", "Table 1.1", "Section 1.3", "Chapter 1")."""
    numbers: dict[str, str] = {}
    for doc in docs:
        counters = {"fig": 0, "tbl": 0}
        section = 0
        for line in doc.body.splitlines():
            m = HEADING.match(line)
            if m and m.group(3):
                for label in LABEL_ATTR.findall(m.group(3)):
                    level = len(m.group(1))
                    if level == 1:
                        numbers[label] = f"Chapter {doc.number}" if doc.number else m.group(2)
                    else:
                        section += level == 2
                        numbers[label] = f"Section {doc.number}.{section}" if doc.number else m.group(2)
            elif m and len(m.group(1)) == 2:
                section += 1
            for code, args in SHORTCODE.findall(line):
                if code == "embed" and "#" in args:
                    label = args.split("#", 1)[1].strip()
                    kind = label.split("-", 1)[0]
                    if kind in counters:
                        counters[kind] += 1
                        prefix = f"{doc.number}." if doc.number else ""
                        numbers[label] = f"{KINDS[kind]} {prefix}{counters[kind]}"
    return numbers


def page_of(relpath: str) -> str:
    """The web page a chapter file becomes, as Quarto names it: `chapters/x.qmd` → `chapters/x.html`."""
    return str(Path(relpath).with_suffix(".html").as_posix())


def label_pages(docs: list[Doc]) -> dict[str, str]:
    """Label → the web page that holds it (for references from one page to another)."""
    pages: dict[str, str] = {}
    for doc in docs:
        for label in re.findall(r"#((?:sec|fig|tbl)-[A-Za-z0-9_-]+)", doc.body):
            pages.setdefault(label, page_of(doc.relpath))
    return pages


def transform(
    doc: Doc,
    variables: dict,
    numbers: dict[str, str],
    media: Path,
    book: Path,
    pages: dict[str, str] | None = None,
    notebooks: Notebooks | None = None,
) -> str:
    """A chapter's Quarto markdown → Pandoc markdown, with every shortcode and reference resolved.

    With `pages` (label → page) the text is for the chapter's own web page, where paths stay relative
    to the chapter file; without, it is for the one-document PDF and Word versions at the book's root.
    """
    here = Path(page_of(doc.relpath)).parent if pages is not None else Path(".")
    notebooks = notebooks if notebooks is not None else Notebooks()
    out: list[str] = []
    section = 0
    for lineno, line in enumerate(doc.body.splitlines(), start=1):
        where = f"{doc.relpath}:{lineno}"
        heading = HEADING.match(line)
        if heading and doc.number:
            hashes, text, attrs = heading.groups()
            if len(hashes) == 1:
                line = f"# {doc.number} {text} {attrs or ''}".rstrip()
            elif len(hashes) == 2:
                section += 1
                line = f"## {doc.number}.{section} {text} {attrs or ''}".rstrip()
        callout = CALLOUT.match(line)
        if callout:
            kind = callout.group(1)
            line = f"::: {{.callout .callout-{kind}}}\n\n**{kind.capitalize()}**\n"
        # re.sub calls each lambda at once, inside this iteration, so binding `where` late is safe.
        line = SHORTCODE.sub(
            lambda m: _shortcode(m, variables, numbers, doc, media, book, where, here, notebooks),  # noqa: B023
            line,
        )
        line = XREF.sub(lambda m: _xref(m.group(1), numbers, where, pages, page_of(doc.relpath)), line)  # noqa: B023
        if pages is None:
            line = LINK.sub(lambda m: "](" + _book_relative(doc, m.group(1)) + ")", line)
        out.append(line)
    return "\n".join(out) + "\n"


def _shortcode(
    match: re.Match,
    variables: dict,
    numbers: dict[str, str],
    doc: Doc,
    media: Path,
    book: Path,
    where: str,
    here: Path,
    notebooks: Notebooks,
) -> str:
    code, args = match.group(1), match.group(2).strip()
    if code == "var":
        try:
            return keyfigures.lookup(variables, args)
        except KeyError as exc:
            raise RenderError(f"{where}: {exc.args[0]}") from None
    if code == "embed":
        path, _, label = args.partition("#")
        notebook = (doc.path.parent / path).resolve()
        if not notebook.exists():
            raise RenderError(f"{where}: embedded notebook {path} not found")
        options, data = notebooks.cell(notebook, label)
        if "image/png" in data:
            media.mkdir(parents=True, exist_ok=True)
            target = media / f"{label}.png"
            target.write_bytes(base64.b64decode(data["image/png"]))
            alt = str(options.get("fig-alt", options.get("fig-cap", ""))).replace('"', "'")
            cap = f"{numbers[label]}: {options.get('fig-cap', '')}"
            source = os.path.relpath(target, book / here)
            return f'![{cap}]({Path(source).as_posix()}){{#{label} alt="{alt}"}}'
        if "text/markdown" in data and label not in numbers:  # not a numbered table: the output as it is
            return data["text/markdown"].strip()
        if "text/markdown" in data:
            cap = f"{numbers[label]}: {options.get('tbl-cap', '')}"
            return f"::: {{#{label}}}\n\n{data['text/markdown'].strip()}\n\n: {cap}\n\n:::"
        raise RenderError(f"{where}: cell {label!r} output is neither an image nor a markdown table")
    raise RenderError(f"{where}: shortcode {code!r} is outside the supported Quarto subset (var, embed)")


def _xref(label: str, numbers: dict[str, str], where: str, pages: dict[str, str] | None, this_page: str) -> str:
    if label not in numbers:
        raise RenderError(f"{where}: cross-reference @{label} has no target")
    if pages is None or pages.get(label, this_page) == this_page:
        return f"[{numbers[label]}](#{label})"
    target = os.path.relpath(pages[label], Path(this_page).parent)
    return f"[{numbers[label]}]({Path(target).as_posix()}#{label})"


def _book_relative(doc: Doc, target: str) -> str:
    """A link written relative to a chapter file → relative to the book root (all pages sit at the root)."""
    return (Path(doc.relpath).parent / target).as_posix().replace("chapters/../", "")


def read_book(book: Path) -> tuple[dict, dict, list[Doc]]:
    """(config, key figures, chapter documents in book order) of a staged book."""
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    variables = yaml.safe_load((book / "_variables.yml").read_text(encoding="utf-8")) or {}
    docs = []
    number = 0
    for relpath in config["book"]["chapters"]:
        meta, body = split_front_matter((book / relpath).read_text(encoding="utf-8"))
        first = next((HEADING.match(line) for line in body.splitlines() if HEADING.match(line)), None)
        unnumbered = bool(first and ".unnumbered" in str(first.group(3) or ""))
        numbered = not (relpath == "index.qmd" or unnumbered or "unnumbered" in str(meta.get("number-sections", "")))
        number += numbered
        docs.append(Doc(book / relpath, relpath, number if numbered else None, meta, body))
    return config, variables, docs


def assemble(book: Path, notebooks: Notebooks | None = None) -> tuple[dict, str]:
    """(config, one Pandoc markdown document) for the whole staged book: the PDF and Word versions."""
    config, variables, docs = read_book(book)
    numbers = number_labels(docs)
    notebooks = notebooks if notebooks is not None else Notebooks()
    text = "\n\n".join(transform(d, variables, numbers, book / "_media", book, None, notebooks) for d in docs)
    return config, text


CSS = """
body { max-width: 52em; font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; }
a { color: #1d70b8; } a:visited { color: #4c2c92; } a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
table { border-collapse: collapse; font-size: 0.9em; } th, td { border-bottom: 1px solid #b1b4b6; padding: 0.3em 0.5em; }
.callout { border-left: 6px solid #1d70b8; background: #f3f2f1; padding: 0.5em 1em; margin: 1em 0; }
.callout-warning, .callout-important { border-left-color: #d4351c; }
figure img { max-width: 100%; height: auto; } figcaption { font-weight: bold; }
nav a, .sitenav a { display: inline-block; min-height: 24px; min-width: 24px; padding: 2px 0; }
nav li { margin: 4px 0; }
"""

# Fallback-only Typst settings; the ones both renderers share are in the book's assets/typst-header.typ.
TYPST_HEADER = '#show figure.caption: it => it.body\n#set text(lang: "en", region: "gb")\n#set page(paper: "a4")\n'


def _head(meta: dict, title: str, up: str) -> str:
    """The page head Quarto writes from the same settings: description, favicon and Open Graph tags."""
    tags = [f'<meta name="description" content="{html.escape(str(meta.get("description", "")))}">']
    if meta.get("favicon"):
        tags.append(f'<link rel="icon" href="{html.escape(up + "assets/" + Path(meta["favicon"]).name)}">')
    if meta.get("open-graph"):
        tags += [
            f'<meta property="og:title" content="{html.escape(title)}">',
            f'<meta property="og:description" content="{html.escape(str(meta.get("description", "")))}">',
            f'<meta property="og:site_name" content="{html.escape(str(meta.get("title", "")))}">',
        ]
    return "\n".join(tags) + "\n"


def render(book: Path, out: Path, stem: str) -> dict[str, Path]:
    """Render the staged `book` into `out`: web pages at the addresses Quarto gives them (index.html,
    chapters/<name>.html), and `<stem>.pdf` and `<stem>.docx`."""
    config, variables, docs = read_book(book)
    numbers, pages = number_labels(docs), label_pages(docs)
    notebooks = Notebooks()
    out.mkdir(parents=True, exist_ok=True)
    shared_css = book / "assets" / "book.css"
    (out / "book.css").write_text(
        CSS + (shared_css.read_text(encoding="utf-8") if shared_css.is_file() else ""), encoding="utf-8"
    )
    work = book / "_fallback"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    banner = book / "assets" / "banner.html"
    icon = book / config["book"].get("favicon", "")
    if config["book"].get("favicon") and icon.is_file():
        (out / "assets").mkdir(exist_ok=True)
        shutil.copy2(icon, out / "assets" / icon.name)
    for doc in docs:
        page = page_of(doc.relpath)
        up = "../" * (len(Path(page).parts) - 1)
        source = work / (page.replace("/", "__") + ".md")
        source.write_text(transform(doc, variables, numbers, book / "_media", book, pages, notebooks), encoding="utf-8")
        nav = work / (page.replace("/", "__") + ".nav.html")
        nav.write_text(_navigation(docs, page, up, config["book"]["title"], variables), encoding="utf-8")
        title = heading_text(doc, variables) or config["book"]["title"]
        head = work / (page.replace("/", "__") + ".head.html")
        head.write_text(_head(config["book"], title, up), encoding="utf-8")
        target = out / page
        target.parent.mkdir(parents=True, exist_ok=True)
        _pandoc(
            source,
            "html",
            target,
            [
                "--resource-path",
                str(book),
                "--columns=1000",
                "--standalone",
                "--toc",
                "--toc-depth=2",
                f"--css={up}book.css",
                "--include-before-body",
                str(nav),
                *(["--include-before-body", str(banner)] if banner.exists() else []),
                "--include-in-header",
                str(head),
                f"--metadata=pagetitle:{title} - {config['book']['title']}",
                f"--metadata=lang:{config.get('lang', 'en-GB')}",
            ],
            cwd=book / Path(page).parent,
        )
    for folder in ("_media", "outputs", INTERACTIVE_ASSETS):
        if (book / folder).is_dir():
            shutil.copytree(book / folder, out / folder, dirs_exist_ok=True)

    config, text = assemble(book, notebooks)
    meta = config["book"]
    header = {
        "title": meta["title"],
        "subtitle": meta.get("subtitle", ""),
        "lang": config.get("lang", "en-GB"),
        "author": meta.get("author", ""),
        "edition-site": config.get("edition-site", {}),
    }
    source = work / f"{stem}.md"
    source.write_text("---\n" + yaml.safe_dump(header, allow_unicode=True) + "---\n\n" + text, encoding="utf-8")
    common = [
        "--resource-path",
        str(book),
        "--columns=1000",
        *(f"--lua-filter={book / f}" for f in config.get("filters", [])),
    ]
    docx = out / f"{stem}.docx"
    _pandoc(source, "docx", docx, [*common, "--toc", "--standalone"], cwd=book)
    shared_header = book / config.get("format", {}).get("typst", {}).get("include-in-header", "")
    typst_header = TYPST_HEADER + (shared_header.read_text(encoding="utf-8") if shared_header.is_file() else "")
    typ = book / f"{stem}.typ"  # beside the media it links, which Typst resolves from its own folder
    _pandoc(
        source, "typst", typ, [*common, "--standalone", "--toc", "--variable=header-includes:" + typst_header], cwd=book
    )
    _give_images_their_alt(typ, text)
    pdf = out / f"{stem}.pdf"
    typst.compile(str(typ), output=str(pdf), root=str(book))
    return {"html": out / "index.html", "pdf": pdf, "docx": docx}


#: A figure as `transform` writes it: ![caption](path){#label alt="…"}.
FIGURE_ALT = re.compile(r'!\[[^\]]*\]\(([^)\s]+)\)\{#[^\s}]+ alt="([^"]*)"\}')


def _give_images_their_alt(typ: Path, markdown: str) -> None:
    """Pandoc's Typst writer drops an image's alternative text, which the PDF's tags need (a figure without it
    fails accessibility checks); put each one back from the Markdown it was written from."""
    source = typ.read_text(encoding="utf-8")
    for path, alt in FIGURE_ALT.findall(markdown):
        quoted = alt.replace("\\", "\\\\").replace('"', '\\"')
        source = source.replace(f'image("{path}")', f'image("{path}", alt: "{quoted}")')
    typ.write_text(source, encoding="utf-8")


def heading_text(doc: Doc, variables: dict) -> str | None:
    """A page's first heading as its navigation entry and head show it, with its key figures (`var`) filled
    in as Quarto fills them in; None for a page that does not open with a heading."""
    heading = HEADING.match(doc.body.lstrip().splitlines()[0])
    if heading is None:
        return None

    def fill(match: re.Match) -> str:
        if match.group(1) != "var":
            raise RenderError(f"{doc.relpath}: shortcode {match.group(1)!r} in the page's heading")
        try:
            return keyfigures.lookup(variables, match.group(2).strip())
        except KeyError as exc:
            raise RenderError(f"{doc.relpath}: {exc.args[0]}") from None

    return re.sub(r"\s+", " ", SHORTCODE.sub(fill, heading.group(2)))


def _navigation(docs: list[Doc], page: str, up: str, title: str, variables: dict) -> str:
    """The list of chapters shown on every web page, with the current one marked."""
    items = []
    for doc in docs:
        target = page_of(doc.relpath)
        name = html.escape(heading_text(doc, variables) or target)
        label = f"{doc.number} {name}" if doc.number else name
        current = ' aria-current="page"' if target == page else ""
        items.append(f'<li><a href="{up}{target}"{current}>{label}</a></li>')
    return (
        f'<nav class="sitenav" aria-label="Chapters of the book"><p><strong>{html.escape(title)}</strong></p>'
        f"<ul>{''.join(items)}</ul></nav>\n"
    )


def _pandoc(source: Path, to: str, output: Path, args: list[str], cwd: Path) -> None:
    """Run Pandoc from `cwd` so relative media paths resolve (pypandoc ships the Pandoc binary)."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        # verify_format=False: the formats are this module's own, and checking them ran Pandoc twice more per file.
        pypandoc.convert_file(
            str(source), to, format="markdown", outputfile=str(output), extra_args=args, verify_format=False
        )
    finally:
        os.chdir(here)

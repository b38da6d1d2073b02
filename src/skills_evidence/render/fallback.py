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
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pypandoc
import typst
import yaml

from skills_evidence import keyfigures

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
    return yaml.safe_load("\n".join(lines)) or {} if lines else {}


def find_cell(notebook: Path, label: str) -> tuple[dict, dict]:
    """(options, first displayable output) of the cell labelled `label` in an executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        options = cell_options(cell.source)
        if options.get("label") == label:
            for output in cell.get("outputs", []):
                if output.get("output_type") in ("display_data", "execute_result"):
                    return options, output.get("data", {})
            raise RenderError(f"{notebook}: cell {label!r} has no displayable output (was the notebook executed?)")
    raise RenderError(f"{notebook}: no cell labelled {label!r}")


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


def transform(doc: Doc, variables: dict, numbers: dict[str, str], media: Path, book: Path) -> str:
    """A chapter's Quarto markdown → Pandoc markdown, with every shortcode and reference resolved."""
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
        line = SHORTCODE.sub(lambda m: _shortcode(m, variables, numbers, doc, media, book, where), line)
        line = XREF.sub(lambda m: _xref(m.group(1), numbers, where), line)
        line = LINK.sub(lambda m: "](" + _book_relative(doc, m.group(1)) + ")", line)
        out.append(line)
    return "\n".join(out) + "\n"


def _shortcode(match: re.Match, variables: dict, numbers: dict[str, str], doc: Doc, media: Path, book: Path, where: str) -> str:
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
        options, data = find_cell(notebook, label)
        if "image/png" in data:
            media.mkdir(parents=True, exist_ok=True)
            target = media / f"{label}.png"
            target.write_bytes(base64.b64decode(data["image/png"]))
            alt = str(options.get("fig-alt", options.get("fig-cap", ""))).replace('"', "'")
            cap = f"{numbers[label]}: {options.get('fig-cap', '')}"
            return f"![{cap}]({target.relative_to(book).as_posix()}){{#{label} alt=\"{alt}\"}}"
        if "text/markdown" in data:
            cap = f"{numbers[label]}: {options.get('tbl-cap', '')}"
            return f"::: {{#{label}}}\n\n{data['text/markdown'].strip()}\n\n: {cap}\n\n:::"
        raise RenderError(f"{where}: cell {label!r} output is neither an image nor a markdown table")
    raise RenderError(f"{where}: shortcode {code!r} is outside the supported Quarto subset (var, embed)")


def _xref(label: str, numbers: dict[str, str], where: str) -> str:
    if label not in numbers:
        raise RenderError(f"{where}: cross-reference @{label} has no target")
    return f"[{numbers[label]}](#{label})"


def _book_relative(doc: Doc, target: str) -> str:
    """A link written relative to a chapter file → relative to the book root (all pages sit at the root)."""
    return (Path(doc.relpath).parent / target).as_posix().replace("chapters/../", "")


def assemble(book: Path) -> tuple[dict, str]:
    """(config, one Pandoc markdown document) for the whole staged book."""
    config = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    variables = yaml.safe_load((book / "_variables.yml").read_text(encoding="utf-8")) or {}
    docs = []
    number = 0
    for relpath in config["book"]["chapters"]:
        meta, body = split_front_matter((book / relpath).read_text(encoding="utf-8"))
        numbered = not (relpath == "index.qmd" or "unnumbered" in str(meta.get("number-sections", "")))
        number += numbered
        docs.append(Doc(book / relpath, relpath, number if numbered else None, meta, body))
    numbers = number_labels(docs)
    media = book / "_media"
    text = "\n\n".join(transform(d, variables, numbers, media, book) for d in docs)
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
.edition-banner { border: 2px solid #1d70b8; padding: 0.25em 1em; margin-bottom: 1em; }
"""

TYPST_HEADER = (
    "#show figure.caption: it => it.body\n"
    "#set text(lang: \"en\", region: \"gb\")\n"
    "#show table: set par(justify: false)\n"
    "#show table: set text(size: 9pt)\n"
)


def render(book: Path, out: Path) -> dict[str, Path]:
    """Render the staged `book` into `out`: HTML site (index.html), book.pdf and book.docx."""
    config, text = assemble(book)
    out.mkdir(parents=True, exist_ok=True)
    meta = config["book"]
    stem = "book"
    header = {"title": meta["title"], "subtitle": meta.get("subtitle", ""), "lang": config.get("lang", "en-GB"),
              "author": meta.get("author", "")}
    source = book / f"{stem}.md"
    source.write_text("---\n" + yaml.safe_dump(header, allow_unicode=True) + "---\n\n" + text, encoding="utf-8")
    css = out / "book.css"
    css.write_text(CSS, encoding="utf-8")
    common = ["--resource-path", str(book), "--columns=1000"]
    site = book / "_site"
    shutil.rmtree(site, ignore_errors=True)
    banner = ["--include-before-body", str(book / "assets" / "banner.html")] if (book / "assets" / "banner.html").exists() else []
    _pandoc(source, "chunkedhtml", site, [*common, *banner, "--split-level=1", "--toc", "--toc-depth=2", "--standalone",
                                           "--css=book.css", "--metadata=pagetitle:" + meta["title"]], cwd=book)
    for item in site.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        shutil.move(str(item), str(target))
    if (book / "outputs").is_dir():
        shutil.copytree(book / "outputs", out / "outputs", dirs_exist_ok=True)
    docx = out / f"{stem}.docx"
    _pandoc(source, "docx", docx, [*common, "--toc", "--standalone"], cwd=book)
    typ = book / f"{stem}.typ"
    _pandoc(source, "typst", typ, [*common, "--standalone", "--toc", "--variable=header-includes:" + TYPST_HEADER], cwd=book)
    pdf = out / f"{stem}.pdf"
    typst.compile(str(typ), output=str(pdf), root=str(book))
    return {"html": out / "index.html", "pdf": pdf, "docx": docx}


def _pandoc(source: Path, to: str, output: Path, args: list[str], cwd: Path) -> None:
    """Run Pandoc from `cwd` so relative media paths resolve (pypandoc ships the Pandoc binary)."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        pypandoc.convert_file(str(source), to, format="markdown", outputfile=str(output), extra_args=args)
    finally:
        os.chdir(here)

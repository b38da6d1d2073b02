"""Which pages of a staged book a change reaches: the pages Quarto's HTML render must render again.

Quarto renders a subset of a book's pages into an existing site and keeps the rest (its cross-reference and
page index in `.quarto/`, the search index updated in place). That gives the pages a full render gives only
when nothing outside the subset depends on what changed. This module decides, conservatively, from the book
rendered last and the book staged now: a list of pages, or None when only a full render is safe. It reads
the two shortcodes the chapters may use, `var` and `embed` (tests/unit/test_quarto_subset.py keeps them to
those), and the cross-references between pages.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path, PurePosixPath

import yaml

from skills_evidence.inputs.snapshots import SAFE_LOADER

#: What every page is made with (the configuration; the styles, scripts and filters): a change renders every page.
WHOLE_BOOK = re.compile(r"^(_quarto\.yml|assets/.*)$")
EMBED = re.compile(r"\{\{<\s*embed\s+([^\s#>]+)")
VAR = re.compile(r"\{\{<\s*var\s+([\w.-]+)\s*>\}\}")
LABEL_DEFINED = re.compile(r"#((?:fig|tbl|sec)-[\w-]+)")
TITLE = re.compile(r"^# .*$", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def digests(book: Path) -> dict[str, str]:
    """sha256 of every file of a staged book, by its path in the book."""
    return {
        path.relative_to(book).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(book.rglob("*"))
        if path.is_file()
    }


def pages(files: dict[str, str]) -> list[str]:
    """The book's pages: its .qmd files, less those Quarto skips (a part of the path starting `_` or `.`)."""
    return sorted(name for name in files if name.endswith(".qmd") and not any(p[0] in "_." for p in name.split("/")))


def _flat(node: object, prefix: str = "") -> dict[str, object]:
    """Nested variables as {"a.b.c": leaf}."""
    if isinstance(node, dict):
        flat: dict[str, object] = {}
        for key, value in node.items():
            flat.update(_flat(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): node}


def changed_variables(old: Path, new: Path) -> set[str]:
    """Dotted names of the variables (`_variables.yml`) whose value differs, or that exist on one side only."""
    before = _flat(yaml.load(old.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {})
    after = _flat(yaml.load(new.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {})
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _title(text: str) -> list[str]:
    """What a page's title may come from, which every page's sidebar shows: its YAML front matter (Quarto reads a
    `title` there; any change to it is taken as one to the title) and its level-1 headings."""
    front = FRONT_MATTER.match(text)
    return ([front.group(0)] if front else []) + TITLE.findall(text)


def _related(used: str, changed: set[str]) -> bool:
    """A `{{< var used >}}` shows a changed variable: the same one, or one holding or held by it."""
    return any(used == name or name.startswith(used + ".") or used.startswith(name + ".") for name in changed)


def _resolve(page: str, target: str) -> str:
    """A path written in a page (relative to the page's folder) as a path in the book."""
    parts: list[str] = []
    for part in (PurePosixPath(page).parent / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def pages_reached(old: Path, new: Path, before: dict[str, str], after: dict[str, str]) -> list[str] | None:
    """The pages of the book staged in `new` (files `after`) to render again over the site rendered from the
    book in `old` (files `before`); [] when nothing changed; None when every page must be rendered: a file
    added or removed, the configuration or assets changed, or a change that reaches a page's title (every
    page's sidebar and page links show the titles)."""
    if before.keys() != after.keys():
        return None
    changed = sorted(name for name in after if before[name] != after[name])
    if not changed:
        return []
    if any(WHOLE_BOOK.match(name) for name in changed):
        return None
    book_pages = pages(after)
    text = {page: (new / page).read_text(encoding="utf-8") for page in book_pages}
    titles = "\n".join(
        part for page in book_pages for folder in (old, new) for part in _title((folder / page).read_text("utf-8"))
    )
    embeds = {page: {_resolve(page, target) for target in EMBED.findall(text[page])} for page in book_pages}
    # Each embedded notebook read once, when first needed: a change to a notebook's outputs changes dozens of
    # files, and reading the notebooks again for each took 1.8 s of a rebuild (2 December).
    notebook = functools.cache(lambda name: (new / name).read_text(encoding="utf-8"))
    reached: set[str] = set()
    for name in changed:
        if name.endswith(".qmd") and name in text:
            if _title((old / name).read_text(encoding="utf-8")) != _title(text[name]):
                return None
            reached.add(name)
        elif name == "_variables.yml":
            names = changed_variables(old / name, new / name)
            if any(_related(used, names) for used in VAR.findall(titles)):
                return None
            reached.update(page for page in book_pages if any(_related(u, names) for u in VAR.findall(text[page])))
        elif name.endswith(".ipynb"):
            reached.update(page for page in book_pages if name in embeds[page])
        else:
            # A file the pages name (a chart's data, an image): the pages naming it, in their own text or in
            # the notebooks they embed. A file no page names is either one of the project's resources, which
            # every render copies, or not part of the web site at all.
            reached.update(
                page
                for page in book_pages
                if name in text[page]
                or any(name in notebook(embedded) for embedded in embeds[page] if embedded in after)
            )
    # A page that cross-references a figure, table or section of a reached page shows its number, which the
    # change may move; a chapter's own number (the label on its title) is set by the configuration alone.
    labels = {label for page in reached for label in LABEL_DEFINED.findall(TITLE.sub("", text[page]))}
    reached.update(page for page in book_pages if any(f"@{label}" in text[page] for label in labels))
    return sorted(reached)

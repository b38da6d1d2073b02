"""Issue 27: after a change, Quarto renders again only the HTML pages the change reaches
(publishing.render.reach), and every page when the change could reach them all. The rules are checked on a
book staged from the project's own chapters; tests/e2e/test_quarto_book.py checks that the pages rendered
that way are byte for byte those of a full render."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from skills_evidence.paths import project_root
from skills_evidence.publishing.render.reach import changed_variables, digests, pages_reached

ROOT = project_root()
CHAPTERS = ("progress", "skills-levels", "attainment", "what-changed")
NOTEBOOKS = ("progress", "skills_levels", "attainment", "what_changed")


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path]:
    """(the book as last rendered, the book staged now): the same files, to be changed by each test."""
    old = tmp_path / "old"
    (old / "chapters").mkdir(parents=True)
    (old / "notebooks").mkdir()
    (old / "outputs" / "progress").mkdir(parents=True)
    (old / "assets").mkdir()
    shutil.copy(ROOT / "_quarto.yml", old / "_quarto.yml")
    shutil.copy(ROOT / "index.qmd", old / "index.qmd")
    for chapter in CHAPTERS:
        shutil.copy(ROOT / "chapters" / f"{chapter}.qmd", old / "chapters" / f"{chapter}.qmd")
    for notebook in NOTEBOOKS:
        (old / "notebooks" / f"{notebook}.ipynb").write_text(f'{{"cells": [], "name": "{notebook}"}}')
    (old / "notebooks" / "progress.ipynb").write_text('{"spec": "../outputs/progress/series.vl.json"}')
    (old / "outputs" / "progress" / "series.vl.json").write_text("{}")
    (old / "outputs" / "progress" / "maps.png").write_bytes(b"png")
    (old / "assets" / "book.css").write_text("body {}")
    variables = {"progress": {"title": "Progress", "caveats": "A"}, "attainment": {"ks2_sentence": "66%"}}
    (old / "_variables.yml").write_text(yaml.safe_dump(variables))
    new = shutil.copytree(old, tmp_path / "new")
    return old, new


def reached(old: Path, new: Path) -> list[str] | None:
    return pages_reached(old, new, digests(old), digests(new))


def edit(path: Path, before: str, after: str) -> None:
    text = path.read_text()
    assert before in text, f"{before!r} is no longer in {path}"
    path.write_text(text.replace(before, after, 1))


def test_nothing_changed_renders_no_page(books):
    assert reached(*books) == []


def test_a_notebook_reaches_the_pages_that_embed_it(books):
    old, new = books
    (new / "notebooks" / "attainment.ipynb").write_text('{"cells": [1]}')
    assert reached(old, new) == ["chapters/attainment.qmd"]


def test_a_variable_reaches_the_pages_that_show_it_and_no_other(books):
    old, new = books
    edit(new / "_variables.yml", "66%", "67%")
    assert changed_variables(old / "_variables.yml", new / "_variables.yml") == {"attainment.ks2_sentence"}
    assert reached(old, new) == ["chapters/attainment.qmd"]


def test_a_variable_no_page_shows_renders_no_page(books):
    old, new = books
    data = yaml.safe_load((new / "_variables.yml").read_text())
    data["unused"] = {"sentence": "new"}
    (new / "_variables.yml").write_text(yaml.safe_dump(data))
    assert reached(old, new) == []


def test_a_variable_in_a_chapter_title_renders_every_page(books):
    # chapters/progress.qmd's title is `# {{< var progress.title >}}`: the sidebar of every page shows it.
    old, new = books
    edit(new / "_variables.yml", "title: Progress", "title: Progress on the priorities")
    assert reached(old, new) is None


def test_a_chapters_text_reaches_that_page_but_its_title_reaches_every_page(books):
    old, new = books
    edit(new / "chapters" / "attainment.qmd", "\n\n", "\n\nA new paragraph.\n\n")
    assert reached(old, new) == ["chapters/attainment.qmd"]
    first_line = (new / "chapters" / "attainment.qmd").read_text().splitlines()[0]
    edit(new / "chapters" / "attainment.qmd", first_line, "# Attainment at school")
    assert reached(old, new) is None


def test_a_title_given_in_front_matter_reaches_every_page_like_a_heading(books):
    # Quarto also takes a page's title from its YAML front matter (only the About page has any today, its citation
    # metadata, without a title): the sidebar shows it.
    old, new = books
    page = new / "chapters" / "attainment.qmd"
    page.write_text("---\ntitle: Attainment\n---\n\n" + page.read_text())
    shutil.copy(page, old / "chapters" / "attainment.qmd")
    edit(page, "\n\n## Primary school", "\n\nA new paragraph.\n\n## Primary school")
    assert reached(old, new) == ["chapters/attainment.qmd"]  # the text below it: that page only
    edit(page, "title: Attainment", "title: Attainment at school")
    assert reached(old, new) is None


def test_a_variable_in_a_front_matter_title_renders_every_page(books):
    old, new = books
    for folder in (old, new):
        page = folder / "chapters" / "attainment.qmd"
        page.write_text("---\ntitle: '{{< var attainment.ks2_sentence >}}'\n---\n\n" + page.read_text())
    edit(new / "_variables.yml", "66%", "67%")
    assert reached(old, new) is None


def test_a_file_a_notebook_names_reaches_the_page_embedding_it(books):
    old, new = books
    (new / "outputs" / "progress" / "series.vl.json").write_text('{"data": 1}')
    assert reached(old, new) == ["chapters/progress.qmd"]


def test_a_file_no_page_names_renders_no_page(books):
    # Not part of the web site (Quarto copies only what pages name, and the project's resources every time).
    old, new = books
    (new / "outputs" / "progress" / "maps.png").write_bytes(b"other png")
    assert reached(old, new) == []


def test_a_page_cross_referencing_a_reached_page_is_reached_too(books):
    old, new = books
    (new / "chapters" / "what-changed.qmd").write_text(
        (new / "chapters" / "what-changed.qmd").read_text() + "\nSee @tbl-ks2.\n"
    )
    shutil.copy(new / "chapters" / "what-changed.qmd", old / "chapters" / "what-changed.qmd")
    (new / "notebooks" / "attainment.ipynb").write_text('{"cells": [1]}')
    assert reached(old, new) == ["chapters/attainment.qmd", "chapters/what-changed.qmd"]


@pytest.mark.parametrize(
    "change",
    ["configuration", "assets", "added", "removed"],
)
def test_a_change_every_page_depends_on_renders_every_page(books, change):
    old, new = books
    if change == "configuration":
        edit(new / "_quarto.yml", "lang: en-GB", "lang: en-US")
    elif change == "assets":
        (new / "assets" / "book.css").write_text("body { color: black }")
    elif change == "added":
        (new / "outputs" / "progress" / "new.csv").write_text("a\n")
    else:
        (new / "outputs" / "progress" / "maps.png").unlink()
    assert reached(old, new) is None


def test_each_embedded_notebook_is_read_once_however_many_files_changed(books, monkeypatch):
    # A notebook's run changes dozens of its output files at once; reading the notebooks the pages embed again for
    # each changed file took 2.1-2.4 s of a rebuild (e62d2e9). The pages reached are the same either way.
    old, new = books
    (new / "outputs" / "progress" / "series.vl.json").write_text('{"data": 2}')
    (new / "outputs" / "progress" / "maps.png").write_bytes(b"other png")
    for name in ("a", "b", "c"):
        (old / "outputs" / "progress" / f"{name}.csv").write_text("x\n1\n")
        (new / "outputs" / "progress" / f"{name}.csv").write_text("x\n2\n")
    reads: list[str] = []
    read_text = Path.read_text

    def counted(self: Path, *args, **kwargs) -> str:
        if self.suffix == ".ipynb":
            reads.append(self.relative_to(new).as_posix())
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    assert reached(old, new) == ["chapters/progress.qmd"]
    assert reads and len(reads) == len(set(reads))  # some notebook read, none twice

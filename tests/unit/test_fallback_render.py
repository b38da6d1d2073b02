"""The Pandoc/Typst fallback's handling of the Quarto subset: variables, embeds, numbering, references."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from skills_evidence.publishing.render import fallback
from skills_evidence.publishing.render.fallback import Doc, RenderError, heading_text, number_labels, transform

VARS = {"skills": {"area": "Coventry", "l3plus": {"value": "58.9"}}}


def notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('#| label: tbl-x\n#| tbl-cap: "A table"\nshow()')
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "| a |\n|---|\n| 1 |"})]
    nb.cells = [cell]
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / "n.ipynb"
    nbformat.write(nb, path)
    return path


def doc(tmp_path: Path, body: str, number: int | None = 1) -> Doc:
    (tmp_path / "chapters").mkdir(exist_ok=True)
    return Doc(tmp_path / "chapters" / "c.qmd", "chapters/c.qmd", number, {}, body)


def test_variables_embeds_and_references_are_resolved(tmp_path: Path):
    notebook(tmp_path)
    body = (
        "# Skills {#sec-skills}\n\n## Now {#sec-now}\n\n{{< var skills.area >}}: {{< var skills.l3plus.value >}}%. "
        "See @tbl-x and @sec-now.\n\n{{< embed ../notebooks/n.ipynb#tbl-x >}}\n\n[csv](../outputs/a.csv)\n"
    )
    d = doc(tmp_path, body)
    numbers = number_labels([d])
    assert numbers == {"sec-skills": "Chapter 1", "sec-now": "Section 1.1", "tbl-x": "Table 1.1"}
    text = transform(d, VARS, numbers, tmp_path / "_media", tmp_path)
    assert "Coventry: 58.9%." in text
    assert "[Table 1.1](#tbl-x)" in text and "[Section 1.1](#sec-now)" in text
    assert ": Table 1.1: A table" in text and "| 1 |" in text
    assert "# 1 Skills {#sec-skills}" in text and "## 1.1 Now {#sec-now}" in text
    assert "](outputs/a.csv)" in text


def test_undefined_variable_names_file_and_line(tmp_path: Path):
    d = doc(tmp_path, "Intro\n\n{{< var skills.missing >}}\n")
    with pytest.raises(RenderError, match=r"chapters/c.qmd:3: key figure 'skills.missing'"):
        transform(d, VARS, {}, tmp_path, tmp_path)


def test_reference_without_target_is_an_error(tmp_path: Path):
    d = doc(tmp_path, "See @fig-nowhere.\n")
    with pytest.raises(RenderError, match="@fig-nowhere"):
        transform(d, VARS, {}, tmp_path, tmp_path)


def test_shortcode_outside_the_subset_is_refused(tmp_path: Path):
    d = doc(tmp_path, "{{< include other.qmd >}}\n")
    with pytest.raises(RenderError, match="outside the supported Quarto subset"):
        transform(d, VARS, {}, tmp_path, tmp_path)


def test_a_heading_made_of_a_key_figure_is_named_by_its_value_in_the_navigation(tmp_path: Path):
    # The progress chapter's heading is `# {{< var progress.title >}}`: Quarto's sidebar shows the title, and
    # the fallback's navigation and page head showed the shortcode itself until this was mended.
    d = doc(tmp_path, "# {{< var skills.area >}} in   numbers {#sec-skills}\n\nText.\n")
    assert heading_text(d, VARS) == "Coventry in numbers"
    assert heading_text(doc(tmp_path, "Text first.\n"), VARS) is None
    with pytest.raises(RenderError, match=r"chapters/c.qmd: key figure 'skills.missing'"):
        heading_text(doc(tmp_path, "# {{< var skills.missing >}}\n"), VARS)


def test_a_notebook_embedded_on_a_page_and_again_in_the_pdf_is_read_once_per_render(tmp_path: Path, monkeypatch):
    notebook(tmp_path)
    d = doc(
        tmp_path, "# Skills\n\n{{< embed ../notebooks/n.ipynb#tbl-x >}}\n\n{{< embed ../notebooks/n.ipynb#tbl-x >}}\n"
    )
    numbers = number_labels([d])
    reads = []
    real = fallback._labelled_cells
    monkeypatch.setattr(fallback, "_labelled_cells", lambda path: reads.append(path) or real(path))
    notebooks = fallback.Notebooks()
    page = transform(d, VARS, numbers, tmp_path / "_media", tmp_path, {}, notebooks)
    whole = transform(d, VARS, numbers, tmp_path / "_media", tmp_path, None, notebooks)
    assert page.count("| 1 |") == whole.count("| 1 |") == 2
    assert reads == [tmp_path / "notebooks" / "n.ipynb"]


def test_an_embed_of_a_missing_label_or_of_a_cell_with_nothing_shown_names_the_notebook(tmp_path: Path):
    path = notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("#| label: fig-y\nx = 1"))  # run, but shows nothing
    nbformat.write(nb, path)
    notebooks = fallback.Notebooks()
    with pytest.raises(RenderError, match=r"n.ipynb: no cell labelled 'tbl-z'"):
        notebooks.cell(path, "tbl-z")
    with pytest.raises(RenderError, match=r"n.ipynb: cell 'fig-y' has no displayable output"):
        notebooks.cell(path, "fig-y")
    assert notebooks.cell(path, "tbl-x")[0]["tbl-cap"] == "A table"

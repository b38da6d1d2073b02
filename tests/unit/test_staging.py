"""What staging hands the renderers: notebooks whose outputs load nothing from elsewhere, and page metadata
from the edition."""

from __future__ import annotations

import nbformat

from skills_evidence import editions
from skills_evidence.publishing import staging


def test_an_output_with_a_plain_form_loses_its_html_and_script_forms(tmp_path):
    # pandas shows a table as HTML and as text; Quarto loads RequireJS and jQuery from a CDN for any notebook
    # with an HTML or JavaScript output, so the staged copy keeps only the plain text.
    notebook = nbformat.v4.new_notebook()
    table = nbformat.v4.new_code_cell("frame")
    table.outputs = [
        nbformat.v4.new_output(
            "execute_result", {"text/html": "<table></table>", "text/plain": "   a\n0  1"}, execution_count=1
        )
    ]
    chart = nbformat.v4.new_code_cell("chart")
    chart.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<div>only form</div>"})]
    notebook.cells = [table, chart]
    nbformat.write(notebook, tmp_path / "executed.ipynb")
    staging.write_publishable_notebook(tmp_path / "executed.ipynb", tmp_path / "staged.ipynb")
    staged = nbformat.read(tmp_path / "staged.ipynb", as_version=4)
    assert set(staged.cells[0].outputs[0].data) == {"text/plain"}
    # An output with no other form is kept whole: dropping it would lose what the book embeds.
    assert set(staged.cells[1].outputs[0].data) == {"text/html"}


def test_page_metadata_comes_from_the_edition_and_the_site_address():
    edition = editions.load()[1][2022]
    meta = staging.page_metadata(edition, "https://www.example.gov.uk/skills-evidence/")
    assert meta["description"] == f"{edition.title}: {edition.subtitle}"
    assert (meta["favicon"], meta["open-graph"]) == ("assets/favicon.svg", True)
    # With the site's address set, each edition has its own, so Quarto writes its sitemap.xml.
    assert meta["site-url"] == "https://www.example.gov.uk/skills-evidence/2022"
    assert "site-url" not in staging.page_metadata(edition, "")

"""What staging hands the renderers: notebooks whose outputs load nothing from elsewhere, and page metadata
from the edition."""

from __future__ import annotations

from pathlib import Path

import nbformat

from skills_evidence import editions
from skills_evidence.paths import without_folder
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


def test_the_sitemap_is_dated_by_the_edition_not_the_clock(tmp_path, monkeypatch):
    # Quarto wrote <lastmod>2026-11-30T17:09:10.359Z</lastmod> (the render's time) for each page: the bytes of an
    # edition with its site address set would differ on every build. 1 January 2022 is the 2022 edition's date.
    from skills_evidence.publishing.render import quarto

    (tmp_path / "sitemap.xml").write_text(
        "<urlset><url><loc>x/index.html</loc><lastmod>2026-11-30T17:09:10.359Z</lastmod></url></urlset>",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1640995200")
    quarto._date_sitemap(tmp_path)
    assert "<lastmod>2022-01-01T00:00:00Z</lastmod>" in (tmp_path / "sitemap.xml").read_text(encoding="utf-8")


def test_a_notebook_run_again_with_the_same_results_stages_the_same_bytes(tmp_path):
    # papermill gives the parameters cell it injects a new random id on every run ("218c3dba", then "1f88023c" for
    # the 2026 attainment notebook, run twice by the same code): each run would change the staged book, and
    # Quarto would render again every page embedding the notebook.
    staged = []
    for run, random_id in enumerate(("218c3dba", "1f88023c")):
        notebook = nbformat.v4.new_notebook()
        injected = nbformat.v4.new_code_cell("edition = 2026", metadata={"tags": ["injected-parameters"]})
        injected.id = random_id
        notebook.cells = [injected, nbformat.v4.new_code_cell("1 + 1")]
        notebook.cells[1].id = "kept"
        nbformat.write(notebook, tmp_path / f"executed{run}.ipynb")
        staging.write_publishable_notebook(tmp_path / f"executed{run}.ipynb", tmp_path / f"staged{run}.ipynb")
        staged.append((tmp_path / f"staged{run}.ipynb").read_bytes())
    assert staged[0] == staged[1]
    cells = nbformat.reads(staged[0].decode(), as_version=4).cells
    assert [c.id for c in cells] == ["injected-parameters", "kept"]


def test_a_notebook_computed_in_another_folder_stages_the_same_bytes(tmp_path):
    # papermill writes the parameters it injects as they were passed: absolute paths under the project folder
    # (`output_dir = "/work/main/build/2026/outputs/attainment.partial"`), so two checkouts staged different
    # notebooks, and the edition's render key (in edition.json) differed between them.
    staged = []
    for place in ("work/main", "tmp/fresh/main"):
        root = tmp_path / place
        notebook = nbformat.v4.new_notebook()
        parameters = f'datasets = {{"ons_claimant_rate": "{root}/data/snapshots/ons-els/2026/claimant_count.csv"}}\n'
        parameters += f'output_dir = "{root}/build/2026/outputs/progress.partial"'
        notebook.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["injected-parameters"]})]
        executed = tmp_path / f"{place.replace('/', '-')}.ipynb"
        nbformat.write(notebook, executed)
        staging.write_publishable_notebook(executed, executed.with_suffix(".staged.ipynb"), root)
        staged.append(executed.with_suffix(".staged.ipynb").read_bytes())
    assert staged[0] == staged[1]
    source = nbformat.reads(staged[0].decode(), as_version=4).cells[0].source
    assert '"ons_claimant_rate": "data/snapshots/ons-els/2026/claimant_count.csv"' in source
    assert 'output_dir = "build/2026/outputs/progress.partial"' in source


def test_a_staged_notebook_is_valid_and_written_as_nbformat_writes_it(tmp_path):
    # Staging reads and writes notebooks without nbformat's schema check (it only logs, and building it costs a
    # tenth of a second in a build with nothing to do): the copy must still be a valid notebook, in nbformat's
    # own bytes. The stored 2026 progress notebook (tests/regression) is a real executed one, outputs and all.
    executed = Path(__file__).parents[1] / "regression" / "progress_2026.ipynb"
    staging.write_publishable_notebook(executed, tmp_path / "staged.ipynb")
    staged = nbformat.read(tmp_path / "staged.ipynb", as_version=4)
    nbformat.validate(staged)
    nbformat.write(staged, tmp_path / "by_nbformat.ipynb")
    assert (tmp_path / "staged.ipynb").read_bytes() == (tmp_path / "by_nbformat.ipynb").read_bytes()
    assert len(staged.cells) == len(nbformat.read(executed, as_version=4).cells) > 5


def test_a_publishable_copy_is_made_once_for_each_run_of_a_notebook_and_each_version_of_the_code(tmp_path, monkeypatch):
    # A build with nothing new stages the same executed notebooks again: their publishable copies are kept in
    # build/<edition>/cache/publishable/, keyed over the notebook's bytes and the library's code.
    executed = tmp_path / "progress.ipynb"
    executed.write_bytes((Path(__file__).parents[1] / "regression" / "progress_2026.ipynb").read_bytes())
    made = []
    real = staging.write_publishable_notebook
    monkeypatch.setattr(staging, "write_publishable_notebook", lambda *a: made.append(a[0]) or real(*a))
    store = tmp_path / "store"
    first = staging.publishable_copy(executed, tmp_path, store, library="code-1")
    assert staging.publishable_copy(executed, tmp_path, store, library="code-1") == first and len(made) == 1
    real(executed, tmp_path / "fresh.ipynb", tmp_path)  # the kept copy is what staging would write afresh
    assert first.read_bytes() == (tmp_path / "fresh.ipynb").read_bytes()
    # The code changed (a new escaping rule, say): made again, and the copy of the old code removed.
    second = staging.publishable_copy(executed, tmp_path, store, library="code-2")
    assert second != first and not first.exists() and len(made) == 2
    # The notebook ran again with another result: made again.
    executed.write_text(executed.read_text().replace("edition = 2026", "edition = 2027", 1))
    third = staging.publishable_copy(executed, tmp_path, store, library="code-2")
    assert third != second and len(made) == 3 and [p.name for p in store.iterdir()] == [third.name]


def test_the_project_folder_is_cut_from_paths_in_either_spelling(tmp_path):
    # A checkout reached through a symbolic link (as ../shared is beside a fresh clone) is named by papermill as
    # given and by Quarto resolved: both spellings must go, or the staged book and its pages name the machine.
    real = tmp_path / "disk" / "main"
    real.mkdir(parents=True)
    (tmp_path / "main").symlink_to(real)
    linked = tmp_path / "main"
    text = f"output_dir = '{linked}/build/2026/outputs'; notebook = '{real}/build/2026/book/notebooks/progress.ipynb'"
    assert without_folder(text, linked) == (
        "output_dir = 'build/2026/outputs'; notebook = 'build/2026/book/notebooks/progress.ipynb'"
    )

"""What a rebuild in which nothing changed still does, and what it no longer does (issue 27: a no-change
rebuild within a second of the command line's own start-up). Timings live in `make benchmark`; these tests
check the behaviour the saving rests on, so that it cannot return a stale result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from skills_evidence import editions
from skills_evidence.inputs import snapshots
from skills_evidence.pipeline import build, cache


def _publish(build_dir: Path, messages: list[str]) -> Path:
    chapters, defined, _ = editions.load()
    build.publish_indicators([2026], defined, chapters, {2026: build_dir}, messages.append)
    return build_dir / "outputs" / "indicators.csv"


def test_the_indicators_table_is_written_again_only_when_what_it_is_made_from_changes(
    project_copy: Path, ks2_neighbours_row: dict
):
    build_dir = project_copy / "build" / "2026"
    rows = build_dir / "outputs" / "attainment" / "indicators.csv"
    rows.parent.mkdir(parents=True)
    pd.DataFrame([ks2_neighbours_row]).to_csv(rows, index=False)  # DfE: 61.2% in 2024/25
    messages: list[str] = []

    target = _publish(build_dir, messages)
    first = target.stat().st_mtime_ns
    assert pd.read_csv(target)["value"].tolist() == [61.2]
    assert messages[-1] == "2026: 1 indicator rows in build/2026/outputs/indicators.csv"

    _publish(build_dir, messages)  # nothing changed: the file is left as it is, and the build says so
    assert target.stat().st_mtime_ns == first
    assert messages[-1].endswith("(unchanged)")

    pd.DataFrame([{**ks2_neighbours_row, "value": 61.3}]).to_csv(rows, index=False)  # a chapter's figure moved
    _publish(build_dir, messages)
    assert pd.read_csv(target)["value"].tolist() == [61.3]
    assert not messages[-1].endswith("(unchanged)")

    target.write_text(target.read_text(encoding="utf-8").replace("61.3", "99.9"), encoding="utf-8")  # by hand
    _publish(build_dir, messages)
    assert pd.read_csv(target)["value"].tolist() == [61.3]
    (target.parent / "indicators.csv-metadata.json").unlink()  # its CSVW description lost
    _publish(build_dir, messages)
    assert json.loads((target.parent / "indicators.csv-metadata.json").read_text(encoding="utf-8"))["url"] == (
        "indicators.csv"
    )


def test_a_notebook_s_parameters_are_read_by_papermill_once_per_version_of_the_notebook(project_copy: Path):
    notebook = project_copy / "notebooks" / "progress.ipynb"
    # The monitoring notebook's parameters cell declares the area and the folder every area shares.
    assert {"edition", "area_code", "latest", "shared_dir"} <= build.declared_names(notebook)
    # A later command that runs no notebook finds them without importing papermill, the kernel client or any
    # chapter's libraries.
    probe = (
        "import sys; from pathlib import Path; from skills_evidence.pipeline import build; "
        f"names = build.declared_names(Path({str(notebook)!r})); "
        "print(sorted(m for m in ('papermill', 'jupyter_client', 'statsmodels', 'skills_evidence.chapters.progress') if m in sys.modules))"
    )
    env = dict(os.environ, SKILLS_EVIDENCE_ROOT=str(project_copy))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    # A new parameter in the cell is a new version of the notebook: read afresh, not from the record.
    text = notebook.read_text(encoding="utf-8").replace("shared_dir = None", "shared_dir = None\\nextra_knob = 1", 1)
    notebook.write_text(text, encoding="utf-8")
    assert "extra_knob" in build.declared_names(notebook)


def test_a_rewritten_sidecar_is_read_anew_and_each_reader_gets_its_own_copy(project_copy: Path):
    entries = snapshots.load_sidecars()
    name = "lad21_reference@2024-05"  # ONS's 2021 local authority districts, the lookup every area's book reads
    entries[name]["schema"]["columns"] = {}  # one reader changing its copy ...
    assert snapshots.load_sidecars()[name]["schema"]["columns"]  # ... changes nobody else's
    # Accepting a changed input rewrites the checksum in place: a line of the same length, read anew.
    new = "0" * 64
    snapshots.update_fields(entries[name], sha256=new)
    assert snapshots.load_sidecars()[name]["sha256"] == new


def test_a_change_to_the_code_that_writes_the_published_files_renders_the_book_again(tmp_path: Path, monkeypatch):
    book = tmp_path / "book"
    book.mkdir()
    (book / "index.qmd").write_text("# Skills evidence\n", encoding="utf-8")
    library = tmp_path / "skills_evidence"
    shutil.copytree(cache.LIBRARY, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "LIBRARY", library)
    quarto, fallback = (build.render_key(book, r) for r in ("quarto 1.11.0", "pandoc+typst"))
    # A chapter's code reaches a Quarto book through the files it stages (the same here), not as code ...
    (library / "chapters" / "maps.py").write_text("# a chapter's code changed\n", encoding="utf-8")
    assert build.render_key(book, "quarto 1.11.0") == quarto
    assert build.render_key(book, "pandoc+typst") != fallback  # ... while the fallback renderer is library code
    # ... but the code that writes the workbooks beside the pages (the ODS writer changed in December 2026)
    # must make a book already built with Quarto render again, or it keeps the old files.
    (library / "publishing" / "workbook.py").write_text("# the workbook's writer changed\n", encoding="utf-8")
    assert build.render_key(book, "quarto 1.11.0") != quarto

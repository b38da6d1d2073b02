"""Files several builds write at once (the areas' index, the home landing page, the shared validation record) are
written whole by each, never failing one of them: the full run with Quarto of 2 December 2026 lost one area's
book (E07000072) when two area builds wrote `_book/areas/index.html` through the same scratch name."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from skills_evidence import records


def test_many_writers_of_one_file_at_once_each_put_a_whole_file_in_place(tmp_path: Path):
    target = tmp_path / "areas" / "index.html"
    pages = [f"<p>{writer}</p>\n" * 2000 for writer in range(8)]  # each page about 20 kB

    def write_often(page: str) -> None:
        for _ in range(150):
            records.write_whole(target, page)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for done in [pool.submit(write_often, page) for page in pages]:
            done.result()  # raised FileNotFoundError with one scratch name shared by every writer
    assert target.read_text(encoding="utf-8") in pages
    assert [p.name for p in target.parent.iterdir()] == ["index.html"], "a scratch file was left"


def test_a_record_is_written_whole_and_read_back(tmp_path: Path):
    path = tmp_path / "validated.json"
    records.write_record(path, {"aps": "abc", "ks4": "def"})
    assert records.read_record(path) == {"aps": "abc", "ks4": "def"}
    assert json.loads(path.read_text(encoding="utf-8")) == {"aps": "abc", "ks4": "def"}
    assert records.read_record(tmp_path / "absent.json") == {}

"""Provenance checks and the content cache that decides which notebooks re-run."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
import yaml

from skills_evidence import records
from skills_evidence.inputs import snapshots
from skills_evidence.pipeline import execute


def test_every_shipped_snapshot_matches_its_sidecar_checksum():
    entries = snapshots.load_sidecars()
    assert snapshots.verify(list(entries)) == []


def test_changed_input_is_refused_then_accepted_and_recorded(project_copy: Path):
    path = project_copy / "data/snapshots/ons-els/2025/none_16_64_rqf.csv"
    path.write_text(path.read_text().replace("11.5", "11.6", 1))
    with pytest.raises(snapshots.ChecksumMismatch, match="none_16_64_rqf.csv"):
        snapshots.verify(["ons_none_rqf@2025"])
    accepted = snapshots.verify(["ons_none_rqf@2025"], accept_changed=True)
    with pytest.raises(snapshots.ChecksumMismatch):  # not recorded until the caller has validated the new bytes
        snapshots.verify(["ons_none_rqf@2025"])
    assert snapshots.record_accepted(accepted) == ["ons_none_rqf@2025"]
    assert snapshots.verify(["ons_none_rqf@2025"]) == []  # the acceptance is recorded in the sidecar
    entry = yaml.safe_load(path.with_name(path.name + ".meta.yaml").read_text())
    assert entry["sha256"] == snapshots.sha256_file(path) and entry["accepted"][0]["sha256"] == entry["sha256"]


def test_a_file_rewritten_at_once_with_as_many_bytes_gives_its_new_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # On a file system whose clock steps coarsely (a second on ext3 and HFS+, two on FAT), both writes fall in one
    # step and leave the file's size and times as they were: its digest is not remembered until its times are
    # SETTLED_NS old. Expected value: hashlib over the bytes.
    path = tmp_path / "figures.csv"
    path.write_text("x\n1\n")
    step, real_stat = path.stat().st_ctime_ns, Path.stat
    monkeypatch.setattr(
        Path,
        "stat",
        lambda self, *a, **k: os.stat_result(
            tuple(real_stat(self, *a, **k))[:10], {"st_mtime_ns": step, "st_ctime_ns": step}
        ),
    )
    snapshots.sha256_file(path)
    path.write_text("x\n2\n")
    assert snapshots.sha256_file(path) == hashlib.sha256(b"x\n2\n").hexdigest()


def test_a_settled_file_is_read_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "figures.csv"
    path.write_text("x\n1\n")
    # The clock moved on beyond SETTLED_NS since every write below.
    monkeypatch.setattr(snapshots.time, "time_ns", lambda: path.stat().st_ctime_ns + snapshots.SETTLED_NS + 1)
    reads: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(
        Path,
        "open",
        lambda self, mode="r", *a, **k: (mode == "rb" and reads.append(self)) or real_open(self, mode, *a, **k),
    )
    digests = {snapshots.sha256_file(path) for _ in range(3)}
    assert digests == {hashlib.sha256(b"x\n1\n").hexdigest()} and len(reads) == 1
    path.write_text("x\n10\n")
    assert snapshots.sha256_file(path) == hashlib.sha256(b"x\n10\n").hexdigest() and len(reads) == 2


def jobs(tmp_path: Path) -> list[execute.Job]:
    made = []
    for name in ("a", "b"):
        nb = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(), nb)
        data = tmp_path / f"{name}.csv"
        data.write_text("x\n1\n") if not data.exists() else None
        out = tmp_path / "out" / name
        out.mkdir(parents=True, exist_ok=True)
        executed = tmp_path / f"{name}.done.ipynb"
        executed.write_text("{}")
        made.append(execute.Job(name, nb, {"p": 1}, [data], out, executed, tmp_path / "cache" / f"{name}.json"))
    return made


def record_all(js: list[execute.Job]) -> None:

    for j in js:
        records.write_record(j.record, {"key": j.key})


def replan(tmp_path: Path, change=lambda jobs: None) -> list[str]:
    """Plan and record a first build, apply `change`, plan again; returns the second plan's statuses."""
    first = jobs(tmp_path)
    execute.plan(first)
    record_all(first)
    again = jobs(tmp_path)
    change(again)
    execute.plan(again)
    return [j.status for j in again]


def test_nothing_changed_means_nothing_reruns(tmp_path: Path):
    assert replan(tmp_path) == ["cached", "cached"]


def test_changing_one_input_reruns_only_the_notebook_that_reads_it(tmp_path: Path):
    assert replan(tmp_path, lambda js: (tmp_path / "b.csv").write_text("x\n2\n")) == ["cached", "pending"]


def test_changing_a_parameter_reruns(tmp_path: Path):
    assert replan(tmp_path, lambda js: setattr(js[0], "parameters", {"p": 2})) == ["pending", "cached"]


def test_the_shared_folder_has_one_name_in_any_checkout(tmp_path: Path):
    # The progress notebook is handed the folder every area shares (build/shared/progress/2026/<key>), and the name is
    # written into the staged book; keyed over papermill's absolute paths, it differed between /work/main and a
    # fresh clone, and so did the edition's render key.
    from skills_evidence.pipeline import build

    lookup = Path(__file__).parents[2] / "data/reference/lad21.csv"  # one real input, the same bytes in both
    names = []
    for place in ("work/main", "tmp/fresh/main"):
        root = tmp_path / place
        job = execute.Job(
            chapter_id="progress",
            notebook=Path(__file__).parents[2] / "notebooks/progress.ipynb",
            parameters={
                "edition": 2026,
                "area_code": "E08000026",
                "datasets": {"lad21_reference": f"{root}/data/reference/lad21.csv"},
                "output_dir": f"{root}/build/2026/outputs/progress.partial",
                "latest": {"qual_l3plus_16_64": "2023"},
            },
            inputs=[lookup],
            outputs=root / "build/2026/outputs/progress",
            executed=root / "build/2026/notebooks/progress.ipynb",
            record=root / "build/2026/cache/progress.json",
        )
        folder = build.shared_folder(job, root, 2026)
        assert folder.parent == root / "build/shared/progress/2026"
        names.append(folder.name)
    assert names[0] == names[1]


def test_a_shared_folder_in_use_clears_what_earlier_code_or_data_left_beside_it(tmp_path: Path):
    # Every change of the library or of an input names a new shared folder (about 9 MB); the old ones were kept
    # for ever (236 MB of them in one working copy). Once the folder a job names is whole, the rest of its
    # edition's go; a build of the same code writing the same folder at once keeps its scratch folder.
    from skills_evidence.pipeline import build

    shared = tmp_path / "build/shared/progress"
    layout = ("2026/new", "2026/.new.partial-ab12", "2026/old", "2026/.old.partial-cd34", "2025/other", "9f03a4")
    for name in layout:  # 9f03a4: a folder of the layout before each edition had its own
        (shared / name).mkdir(parents=True)

    def job(named: str) -> execute.Job:
        return execute.Job(
            chapter_id="progress",
            notebook=tmp_path / "progress.ipynb",
            parameters={"shared_dir": f"build/shared/progress/{named}"},
            inputs=[],
            outputs=tmp_path / "build/2026/outputs/progress",
            executed=tmp_path / "build/2026/notebooks/progress.ipynb",
            record=tmp_path / "build/2026/cache/progress.json",
        )

    assert build.prune_shared([job("2026/not-yet-written")], tmp_path) == []  # nothing goes before it is whole
    removed = build.prune_shared([job("2026/new")], tmp_path)
    assert sorted(p.name for p in removed) == [".old.partial-cd34", "9f03a4", "old"]
    assert sorted(p.name for p in (shared / "2026").iterdir()) == [".new.partial-ab12", "new"]
    assert sorted(p.name for p in shared.iterdir()) == ["2025", "2026"] and (shared / "2025/other").is_dir()

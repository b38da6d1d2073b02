"""`fetch` against recorded responses: files land atomically, a sidecar beside each records it, bad responses
write nothing. No test here reaches the network."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skills_evidence.inputs import fetch as fetch_module
from skills_evidence.inputs.fetch import FetchError, fetch, requests_for
from skills_evidence.inputs.loaders.nomis_api import load_nomis_api_csv
from skills_evidence.inputs.snapshots import load_sidecars

RECORDED = Path(__file__).parents[1] / "fixtures" / "recorded" / "nomis_nm_17_5_nvq4.csv"


def recorded(url: str) -> bytes:
    assert url.startswith("https://www.nomisweb.co.uk/api/v01/dataset/NM_17_5.data.csv?"), url
    return RECORDED.read_bytes()


def test_request_url_is_built_from_the_data_file():
    (request,) = requests_for(2022)
    assert request.url == (
        "https://www.nomisweb.co.uk/api/v01/dataset/NM_17_5.data.csv?"
        "geography=E08000026,E12000005,E92000001,K03000001&date=2021-12&variable=290&measures=20599,21001,21002,21003"
    )
    assert request.target == Path("data/raw/nomis/2021/aps_nvq4plus_16_64.csv")


def test_fetch_writes_the_file_and_records_it(project_copy: Path):
    assert fetch(2022, opener=recorded, today=dt.date(2026, 11, 22)) == [("nomis_aps_nvq4_api", "new")]
    target = project_copy / "data/raw/nomis/2021/aps_nvq4plus_16_64.csv"
    frame = load_nomis_api_csv(target)
    cov = frame[frame.geography_code == "E08000026"].iloc[0]
    assert (cov.value, cov.numerator, cov.denominator) == (40.7, 102100, 250800)
    entry = yaml.safe_load((target.parent / (target.name + ".meta.yaml")).read_text())
    assert (entry["dataset"], entry["version"]) == ("nomis_aps_nvq4_api", "2021")
    assert entry["source"]["downloaded"] == "2026-11-22" and entry["source"]["url"].endswith(
        "measures=20599,21001,21002,21003"
    )
    assert fetch(2022, opener=recorded, today=dt.date(2026, 12, 1)) == [("nomis_aps_nvq4_api", "unchanged")]


def test_suppressed_api_value_stays_missing(project_copy: Path):
    fetch(2022, opener=recorded)
    frame = load_nomis_api_csv(project_copy / "data/raw/nomis/2021/aps_nvq4plus_16_64.csv")
    wm = frame[frame.geography_code == "E12000005"].iloc[0]
    assert wm.value != wm.value and wm.status == "!"


def test_an_error_page_instead_of_csv_writes_nothing(project_copy: Path):
    with pytest.raises(FetchError, match="not a valid file"):
        fetch(2022, opener=lambda url: b"<html><body>Service unavailable</body></html>")
    folder = project_copy / "data/raw/nomis/2021"
    assert not any(folder.iterdir())
    assert "nomis_aps_nvq4_api@2021" not in load_sidecars()


def test_network_failure_is_reported_with_the_url(project_copy: Path):
    def offline(url: str) -> bytes:
        raise OSError("network unreachable")

    with pytest.raises(FetchError, match="download failed from https://www.nomisweb.co.uk"):
        fetch(2022, opener=offline)


def test_a_fetch_stopped_while_it_checks_the_download_leaves_nothing_in_the_data_folder(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    def interrupted(request, path: Path) -> None:
        assert path.read_bytes() == RECORDED.read_bytes()  # the download was written, and is being checked
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch_module, "_validate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch(2022, opener=recorded)
    assert not any((project_copy / "data/raw/nomis/2021").iterdir())


def test_what_a_killed_fetch_left_beside_its_file_is_removed_by_the_next_and_a_running_ones_kept(project_copy: Path):
    # data/ is committed: a half download left there by a fetch killed outright (no `finally` runs) must not stay.
    folder = project_copy / "data/raw/nomis/2021"
    folder.mkdir(parents=True, exist_ok=True)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    killed = folder / f".aps_nvq4plus_16_64.csv.partial-{ended.pid}"
    running = folder / f".aps_nvq4plus_16_64.csv.partial-{os.getppid()}"  # another fetch, still under way
    killed.write_bytes(b"half a download")
    running.write_bytes(b"another fetch's download")
    assert fetch(2022, opener=recorded) == [("nomis_aps_nvq4_api", "new")]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [running.name, "aps_nvq4plus_16_64.csv", "aps_nvq4plus_16_64.csv.meta.yaml"]
    )

"""`skills-evidence fetch`: download an edition's official inputs from the publishers' APIs.

What to fetch is data, in `data/fetch.yaml`: per edition, a list of requests (Nomis API dataset and
query, or an Explore Education Statistics data set id). Each response is checked with the loader for
its format before anything is written; the file lands in `data/raw/<source>/<vintage>/` in one
step, and a sidecar beside it (`<file>.meta.yaml`, dataset `id@vintage`) records the URL, the
download date and the checksum. Tests pass a
recorded-response opener, so no test reaches the network.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from skills_evidence import tempfolders
from skills_evidence.inputs.loaders.dfe_ees import load_ees
from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.inputs.loaders.nomis_api import load_nomis_api_csv
from skills_evidence.inputs.snapshots import load_sidecars, ref, save_entry, sha256_file
from skills_evidence.paths import resolve

FETCH = Path("data/fetch.yaml")
NOMIS = "https://www.nomisweb.co.uk/api/v01/dataset/{dataset}.data.csv?{query}"
EES = "https://api.education.gov.uk/statistics/v1/data-sets/{data_set_id}/csv{version}"

Opener = Callable[[str], bytes]


class FetchError(RuntimeError):
    """A download failed or returned something that is not the expected file."""


@dataclass(frozen=True)
class Request:
    """One file to fetch for an edition."""

    id: str
    source: str
    url: str
    target: Path
    description: str
    vintage: str
    indicators: tuple[str, ...] = ()


def requests_for(edition: int, path: str | Path = FETCH) -> list[Request]:
    """The requests `data/fetch.yaml` lists for an edition."""
    spec = yaml.safe_load(resolve(path).read_text(encoding="utf-8")) or {}
    entries = spec.get("editions", {}).get(edition)
    if not entries:
        raise KeyError(f"{path} lists nothing to fetch for edition {edition}")
    out = []
    for e in entries:
        if e["source"] == "nomis":
            url = NOMIS.format(dataset=e["dataset"], query=urllib.parse.urlencode(e["query"], safe=",."))
        elif e["source"] == "ees":
            version = f"?dataSetVersion={e['version']}" if e.get("version") else ""
            url = EES.format(data_set_id=e["data_set_id"], version=version)
        else:
            raise ValueError(f"{path}: unknown source {e['source']!r} for {e['id']}")
        target = Path("data/raw") / e["source"] / str(e["vintage"]) / e["file"]
        out.append(
            Request(
                e["id"],
                e["source"],
                url,
                target,
                e.get("description", ""),
                str(e["vintage"]),
                tuple(e.get("indicators", [])),
            )
        )
    return out


def urlopen_bytes(url: str) -> bytes:
    """The default opener: one HTTPS GET with a timeout."""
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - fixed https publisher URLs
        return response.read()


def _scratch_beside(target: Path) -> Path:
    """Where a download is written before it is checked: `.<name>.partial-<process id>` beside `target`, after
    removing those a fetch that was killed outright left there (the data folder is committed, so none may stay)."""
    for left in target.parent.glob(f".{glob.escape(target.name)}.partial-*"):
        maker = left.name.rpartition("-")[2]
        if maker.isdigit() and not tempfolders.running(int(maker)):
            left.unlink(missing_ok=True)
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def fetch(edition: int, opener: Opener = urlopen_bytes, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Fetch every request of an edition; returns (dataset id, "new" | "changed" | "unchanged")."""
    today = today or dt.date.today()
    held = load_sidecars()
    results = []
    for request in requests_for(edition):
        try:
            body = opener(request.url)
        except Exception as exc:  # noqa: BLE001 - network errors come in many types; report them plainly
            raise FetchError(f"{request.id}: download failed from {request.url}: {exc}") from exc
        target = resolve(request.target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = _scratch_beside(target)
        try:
            partial.write_bytes(body)
            try:
                _validate(request, partial)
            except InputFileError as exc:
                raise FetchError(f"{request.id}: the response from {request.url} is not a valid file: {exc}") from exc
            new_sha = sha256_file(partial)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        key = ref(request.id, request.vintage)
        old = held.get(key, {})
        state = "new" if not old else ("unchanged" if old.get("sha256") == new_sha else "changed")
        held[key] = {
            **old,
            "dataset": request.id,
            "version": request.vintage,
            "path": request.target.as_posix(),
            "description": request.description or old.get("description", ""),
            "sha256": new_sha,
            "source": {
                **old.get("source", {}),
                "url": request.url,
                "downloaded": old.get("source", {}).get("downloaded") if state == "unchanged" else today.isoformat(),
            },
        }
        held[key].setdefault("schema", _schema(request))
        save_entry(held[key])
        results.append((request.id, state))
    return results


def _schema(request: Request) -> dict:
    """The schema a downloaded file's sidecar records: the columns its format's loader requires (the
    loader checks codes and values; validation checks the columns are still there)."""
    if request.source == "nomis":
        from skills_evidence.inputs.loaders.nomis_api import REQUIRED

        return {"columns": {column: {} for column in REQUIRED}}
    from skills_evidence.inputs.loaders.dfe_ees import TIME

    return {"columns": {column: {"blank": True} for column in (*TIME, "geographic_level", *request.indicators)}}


def _validate(request: Request, path: Path) -> None:
    """Read the downloaded file with the loader for its format (raises InputFileError if it is not one)."""
    if request.source == "nomis":
        load_nomis_api_csv(path)
    else:
        load_ees(path, list(request.indicators))

"""`skills-evidence new-edition YEAR`: add next year's edition to data/editions.yaml, built from the data
held, and list what it still lacks.

The new entry pins the newest version held of every dataset and sets every chapter's periods from those
versions: the newest period each holds for the area (so a table is never about a year the inputs lack,
and every chapter quoting a measure quotes the same period), the survey's waves only from the export,
and the vintages text from the datasets' own sidecars. What the year would ideally report but the data
does not yet hold is listed per chapter. Building the result needs no edit to any YAML file; older
editions keep the versions they were published from."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from skills_evidence import editions, periods
from skills_evidence.chapters import attainment, graduate_retention, progress, skills_levels, skills_survey
from skills_evidence.inputs import snapshots
from skills_evidence.paths import resolve
from skills_evidence.statistics import indicators

Params = dict
#: Chapter id → function listing what its ideal parameters (last year's moved on) still need in data/.
CHECKS: dict[str, Callable[[Params, dict[str, str]], list[str]]] = {
    "skills_levels": skills_levels.missing_inputs,
    "attainment": attainment.missing_inputs,
    "graduate_retention": graduate_retention.missing_inputs,
}
#: Chapter id → function setting its parameters from the data pinned (newest period held for the area).
FROM_DATA: dict[str, Callable[[Params, dict[str, str], str], Params]] = {
    "progress": progress.parameters_from_data,
    "skills_levels": skills_levels.parameters_from_data,
    "attainment": attainment.parameters_from_data,
    "graduate_retention": graduate_retention.parameters_from_data,
    "skills_survey": skills_survey.parameters_from_data,
}


def _progress_needs(ideal: Params, actual: Params) -> list[str]:
    """Monitoring measures whose newest figure held is older than the period the new year would report."""
    labels = indicators.catalogue()
    return [
        f"{labels[i]['label']}: {wanted} (the data holds to {actual['latest'].get(i, 'none')})"
        for i, wanted in sorted((ideal.get("latest") or {}).items())
        if str(actual["latest"].get(i, "")) < str(wanted)
    ]


def _survey_needs(last: Params, actual: Params) -> list[str]:
    if actual.get("wave") == last.get("wave"):
        return [
            f"a new wave of the survey export (none is newer than wave {actual.get('wave')}: this edition carries it)"
        ]
    return []


def scaffold(year: int, path: str | Path = editions.EDITIONS) -> tuple[str, dict[str, list[str]]]:
    """Append the entry for `year` (and make it current); returns (the YAML added, needs by chapter)."""
    chapters_spec, defined, _ = editions.load(path)
    if year in defined:
        raise ValueError(f"edition {year} is already defined in {path}")
    last = defined[max(defined)]
    if year != last.year + 1:
        raise ValueError(
            f"edition {year} is not the next one: the latest edition is {last.year}, so the next is {last.year + 1}"
        )
    held = snapshots.load_sidecars()
    # Every measure the catalogue monitors is offered to the new edition (one added since joins it here);
    # a measure with no figure for the area is left out by the chapter's parameters_from_data.
    offered = {
        cid: {**params, "latest": dict.fromkeys(indicators.monitored(), "")} if "latest" in params else params
        for cid, params in last.chapter_parameters.items()
    }
    wanted = set(last.data) | {d for cid, p in offered.items() for d in editions.read_datasets(chapters_spec[cid], p)}
    names = [*last.data, *sorted(wanted - set(last.data))]
    unheld = [name for name in names if not snapshots.versions(name, held)]
    if unheld:
        raise ValueError(f"no version of {', '.join(unheld)} is held: add it with skills-evidence snapshot first")
    data = {name: snapshots.versions(name, held)[-1] for name in names}
    paths = {name: str(resolve(held[snapshots.ref(name, version)]["path"])) for name, version in data.items()}
    chapters: dict[str, Params] = {}
    needs: dict[str, list[str]] = {}
    for chapter_id, params in last.chapter_parameters.items():
        ideal = {k: _moved_on(v) for k, v in params.items()}
        datasets = {
            name: paths[name] for name in editions.read_datasets(chapters_spec[chapter_id], offered[chapter_id])
        }
        actual = FROM_DATA[chapter_id](dict(params), datasets, last.area_code) if chapter_id in FROM_DATA else ideal
        chapters[chapter_id] = actual
        listed = CHECKS[chapter_id](ideal, datasets) if chapter_id in CHECKS else []
        if chapter_id == "progress":
            listed = _progress_needs(ideal, actual)
        if chapter_id == "skills_survey":
            listed = _survey_needs(params, actual)
        needs[chapter_id] = listed
    entry = {
        "year": year,
        "title": last.title,
        "subtitle": f"{year} edition",
        "area_code": last.area_code,
        "comparators": last.comparators,
        "vintages": snapshots.vintages_text(data, held),
        "data": data,
        "chapters": chapters,
    }
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    block = "\n".join("  " + line if line else line for line in block.splitlines()) + "\n"
    target = resolve(path)
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"^current: \d{4}$", f"current: {year}", text, count=1, flags=re.M)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    try:
        editions.load(tmp)  # refuse to write an entry that does not read back
    except ValueError:
        tmp.unlink()
        raise
    tmp.replace(target)
    return block, needs


def _moved_on(value: object) -> object:
    """One parameter as last year's moved on a year (a period), or as it was; nested mappings too."""
    if isinstance(value, dict):
        return {k: _moved_on(v) for k, v in value.items()}
    return periods.move_on(value, 1)

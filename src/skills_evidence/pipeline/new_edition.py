"""`skills-evidence new-edition YEAR`: add next year's edition to data/editions.yaml and list the
inputs it still needs. The new entry copies the latest edition with every data year moved on and pins
the newest version held of every dataset; older editions keep the versions they were published from."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from skills_evidence import editions, periods
from skills_evidence.chapters import attainment, graduate_retention, skills_levels
from skills_evidence.inputs import snapshots
from skills_evidence.paths import resolve

#: Chapter id → function listing what its parameters still need in data/.
CHECKS: dict[str, Callable[[dict, dict[str, str]], list[str]]] = {
    "skills_levels": skills_levels.missing_inputs,
    "attainment": attainment.missing_inputs,
    "graduate_retention": graduate_retention.missing_inputs,
}


def scaffold(year: int, path: str | Path = editions.EDITIONS) -> tuple[str, dict[str, list[str]]]:
    """Append the entry for `year` (and make it current); returns (the YAML added, needs by chapter)."""
    _, defined, _ = editions.load(path)
    if year in defined:
        raise ValueError(f"edition {year} is already defined in {path}")
    last = defined[max(defined)]
    if year <= last.year:
        raise ValueError(f"edition {year} is not after the latest edition ({last.year})")
    shift = year - last.year
    held = snapshots.load_sidecars()
    chapters = {}
    for chapter_id, params in last.chapter_parameters.items():
        chapters[chapter_id] = {k: periods.move_on(v, shift) for k, v in params.items()}
    entry = {
        "year": year,
        "title": last.title,
        "subtitle": f"{year} edition",
        "published": None,  # set to the date it is issued; until then the landing page calls it a draft
        "area_code": last.area_code,
        "comparators": last.comparators,
        "vintages": dict.fromkeys(last.vintages, "to be set when the new data is in"),
        "data": {name: snapshots.versions(name, held)[-1] for name in last.data},
        "chapters": chapters,
    }
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    block = "\n".join("  " + line if line else line for line in block.splitlines()) + "\n"
    target = resolve(path)
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"^current: \d{4}$", f"current: {year}", text, count=1, flags=re.M)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    editions.load(tmp)  # refuse to write an entry that does not read back
    tmp.replace(target)
    needs = {
        cid: CHECKS[cid](params, editions.inputs(cid, year)[0]) for cid, params in chapters.items() if cid in CHECKS
    }
    return block, needs

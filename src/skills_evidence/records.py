"""Small JSON records the build keeps about its own work (cache keys, datasets already validated),
read forgivingly and written atomically. Below every layer, so inputs and the pipeline both use it."""

from __future__ import annotations

import json
from pathlib import Path


def read_record(path: Path) -> dict:
    """A record, or {} when absent or unreadable (it is rebuilt then: a record only saves work)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_record(path: Path, record: dict) -> None:
    """Write a record atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)

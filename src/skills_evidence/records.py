"""Small JSON records the build keeps about its own work (cache keys, datasets already validated),
read forgivingly and written atomically. Below every layer, so inputs and the pipeline both use it."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


def read_record(path: Path) -> dict:
    """A record, or {} when absent or unreadable (it is rebuilt then: a record only saves work)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_whole(path: Path, text: str) -> None:
    """Write `text` into a scratch file of this process and thread beside `path`, then rename it: a crash never
    leaves half a file, and builds writing the same file at once (the areas' index, the shared validation
    record) each put a whole one in place, where with one shared scratch name one renamed the other's away."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.partial-{os.getpid()}-{threading.get_ident()}")
    try:
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(path)
    finally:
        scratch.unlink(missing_ok=True)


def write_record(path: Path, record: dict) -> None:
    """Write a record whole (see `write_whole`)."""
    write_whole(path, json.dumps(record, indent=2, sort_keys=True) + "\n")

"""Key figures: the numbers and words the narrative quotes, written by notebooks, read as Quarto variables."""

from __future__ import annotations

from pathlib import Path

import yaml

from skills_evidence.inputs.snapshots import SAFE_LOADER


def write(figures: dict, path: str | Path) -> Path:
    """Write one chapter's key figures as YAML (all leaves are display strings)."""
    path = Path(path)
    path.write_text(yaml.safe_dump(figures, sort_keys=True, allow_unicode=True, width=1000), encoding="utf-8")
    return path


def merge(paths: list[Path]) -> dict:
    """Merge chapters' key figures into one mapping; two chapters may not define the same top-level key."""
    merged: dict = {}
    for path in paths:
        figures = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        for key, value in figures.items():
            if key in merged:
                raise ValueError(f"{path}: key figure group {key!r} is already defined by another chapter")
            merged[key] = value
    return merged


def lookup(figures: dict, dotted: str) -> str:
    """The value of `a.b.c` in nested key figures; a missing name is an error naming it."""
    node: object = figures
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"key figure {dotted!r} is not defined (no {part!r})")
        node = node[part]
    if isinstance(node, dict):
        raise KeyError(f"key figure {dotted!r} is a group, not a value")
    return str(node)

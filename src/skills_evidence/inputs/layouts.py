"""Recognising a publisher's file layout from its header, by declaration (data/layouts.yaml).

Publishers rename and reorder columns between releases (ONS's `Value` became `Observation`, `Mission` and
`Category` came and went, names went lower case). Each layout a family of files has used is declared in
data/layouts.yaml; a header is matched to the most specific layout whose columns it all has, and a header
that matches none is refused naming what was found and what each layout expects. A new layout is a few
lines of YAML, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from skills_evidence.inputs.loaders.errors import InputFileError
from skills_evidence.paths import resolve

LAYOUTS = Path("data/layouts.yaml")


@dataclass(frozen=True)
class Layout:
    """One layout: its name, the columns read (publisher's name → project's name), and those that tell it apart."""

    name: str
    columns: dict[str, str]
    also: tuple[str, ...] = ()

    def matches(self, header: list[str]) -> bool:
        """Whether every column of this layout is in `header`."""
        return set(self.columns) | set(self.also) <= set(header)


@functools.cache
def _declared(path: Path, modified: float) -> dict[str, list[Layout]]:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputFileError(path, f"cannot be read as the layouts file ({exc})") from None
    return {
        family: [
            Layout(name, dict(body["columns"]), tuple(body.get("also") or ()))
            for name, body in (entry.get("layouts") or {}).items()
        ]
        for family, entry in spec.items()
    }


def family(name: str) -> list[Layout]:
    """The layouts declared for a family of files (e.g. `ons_els`), newest first."""
    path = resolve(LAYOUTS)
    declared = _declared(path, path.stat().st_mtime)
    if name not in declared:
        raise KeyError(f"{path}: no layouts declared for {name!r} (declared: {', '.join(declared)})")
    return declared[name]


def recognise(path: Path, header: list[str], family_name: str, header_line: int = 1) -> Layout:
    """The layout of a file with this header, or InputFileError naming the columns found and expected."""
    header = [str(c).strip().lstrip("\ufeff") for c in header]
    matching = [layout for layout in family(family_name) if layout.matches(header)]
    if matching:
        return max(matching, key=lambda layout: len(set(layout.columns) | set(layout.also)))
    expected = "; ".join(
        f"{layout.name}: {', '.join([*layout.columns, *layout.also])}" for layout in family(family_name)
    )
    raise InputFileError(
        path,
        f"has a column layout not declared for {family_name} in {LAYOUTS}: found {', '.join(header)}. "
        f"Declared layouts expect: {expected}. If the publisher has changed its layout, declare the new one there",
        header_line,
    )

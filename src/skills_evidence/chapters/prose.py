"""The sentences chapters print, rendered from templates a policy officer can edit without Python.

Each chapter keeps its sentences in `chapters/<chapter>.sentences.yaml`, beside its `.qmd`: one Jinja2
template per sentence, written with the figures the chapter computes (already formatted for display)
and with its "available" / "not in this edition's data" variants side by side. Jinja2 rather than
hand parsing: it is well kept, and its StrictUndefined turns a misspelt figure name into an error.
Templates are edited by people who are not developers, so they run in Jinja's immutable sandbox with no
loader: a template can read the figures it is given and nothing else (no attributes that reach Python's
internals, no other files, no changing the figures).
Line breaks and runs of spaces in a template collapse to one space, so templates can wrap freely.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
import jinja2.sandbox
import yaml

from skills_evidence.paths import resolve
from skills_evidence.places import possessive

CHAPTERS = Path("chapters")


class TemplateError(ValueError):
    """A sentence template is missing, malformed, or names a figure the chapter does not compute."""


def _missing(value: object) -> bool:
    """A display figure that is a shorthand mark ([x], [c], …) rather than a number."""
    return str(value).startswith("[")


ENVIRONMENT = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
ENVIRONMENT.filters["possessive"] = possessive  # {{ area | possessive }}: "Coventry's", "Tower Hamlets'"
ENVIRONMENT.globals.clear()  # no lipsum, range, cycler…: a sentence works with the figures it is given
ENVIRONMENT.tests["missing"] = _missing


def template_file(chapter: str) -> Path:
    """Where a chapter's sentence templates live: `chapters/<chapter>.sentences.yaml`."""
    return CHAPTERS / f"{chapter}.sentences.yaml"


@functools.cache
def _templates(path: Path, modified: float) -> dict[str, jinja2.Template]:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {key: ENVIRONMENT.from_string(str(text)) for key, text in spec.items()}
    except (OSError, yaml.YAMLError, jinja2.TemplateSyntaxError) as exc:
        raise TemplateError(f"{path}: {exc}") from None


def render(chapter: str, name: str, **figures: object) -> str:
    """One sentence of a chapter, filled with its figures; whitespace collapsed to single spaces."""
    path = resolve(template_file(chapter))
    if not path.exists():
        raise TemplateError(f"{path}: the sentence templates of chapter {chapter!r} are missing")
    templates = _templates(path, path.stat().st_mtime)
    if name not in templates:
        raise TemplateError(f"{path}: no sentence {name!r} (has: {', '.join(templates)})")
    try:
        text = templates[name].render(**figures)
    except jinja2.sandbox.SecurityError as exc:
        raise TemplateError(f"{path}: sentence {name!r} tries to reach beyond its figures, refused: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{path}: sentence {name!r}: {exc.message}") from None
    return " ".join(text.split())

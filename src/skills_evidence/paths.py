"""Where things live in the project, so notebooks and the CLI agree on one layout."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def project_root() -> Path:
    """The repository root: $SKILLS_EVIDENCE_ROOT if set, else the folder holding pyproject.toml."""
    return _root(os.environ.get("SKILLS_EVIDENCE_ROOT"))


@functools.cache  # asked thousands of times a build (every catalogue lookup); the walk up the tree costs ~0.3 ms
def _root(env: str | None) -> Path:
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd().resolve()


def resolve(path: str | Path) -> Path:
    """A path relative to the project root (absolute paths are returned unchanged)."""
    p = Path(path)
    return p if p.is_absolute() else project_root() / p


def without_folder(text: str, folder: str | Path) -> str:
    """`text` with `folder` (as given, and resolved) cut from every path in it, leaving them relative to it:
    what is published or keyed must not name the machine's folders, nor differ between two checkouts."""
    for prefix in sorted({f"{folder}/", f"{Path(folder).resolve()}/"}, key=len, reverse=True):
        text = text.replace(prefix, "")
    return text


def shared_dir() -> Path:
    """The shared/ folder beside the repository, holding the real official files (may be absent)."""
    env = os.environ.get("SKILLS_EVIDENCE_SHARED")
    return Path(env).resolve() if env else project_root().parent / "shared"


#: Where each edition serves its interactive charts' scripts from (staged by publishing.staging, named on the
#: pages by chapters.interactive): the site itself, never another host.
INTERACTIVE_ASSETS = "assets/interactive"

"""Content-addressed cache keys: a notebook re-runs only when something it depends on changes.

A key covers the notebook's bytes, its parameters, the bytes of every dataset it reads, and the
library's source (a change to the code that computes the figures must re-run the notebooks).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from skills_evidence.inputs.snapshots import sha256_file

LIBRARY = Path(__file__).resolve().parents[1]  # the whole skills_evidence package


def library_digest(part: str = "") -> str:
    """sha256 over the library's Python source (or one subpackage's, `part`), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted((LIBRARY / part).rglob("*.py")):
        digest.update(path.relative_to(LIBRARY).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def notebook_key(notebook: Path, parameters: dict, inputs: list[Path], library: str) -> str:
    """The cache key of one notebook execution."""
    parts = {
        "notebook": sha256_file(notebook),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
        "inputs": {p.name + ":" + str(i): sha256_file(p) for i, p in enumerate(inputs)},
        "library": library,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

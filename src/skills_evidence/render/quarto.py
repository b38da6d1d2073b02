"""Render a staged book with Quarto (HTML, PDF, DOCX as set in _quarto.yml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def available() -> bool:
    """Whether a `quarto` executable is on PATH."""
    return shutil.which("quarto") is not None


def render(book: Path, out: Path) -> dict[str, Path]:
    """Run `quarto render` on the staged book, move its output folder to `out`; returns the main files."""
    result = subprocess.run(["quarto", "render", str(book)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"quarto render failed for {book}:\n{result.stderr[-4000:]}")
    shutil.move(str(book / "_output"), str(out))
    shutil.copytree(book / "outputs", out / "outputs", dirs_exist_ok=True)
    files = {"html": out / "index.html"}
    for kind in ("pdf", "docx"):  # Quarto writes the typst format as a .pdf
        found = sorted(out.glob(f"*.{kind}"))
        if found:
            files[kind] = found[0]
    return files

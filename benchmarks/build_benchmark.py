"""Measure build times on this machine, for both renderers side by side in one run: a cold build, a
rebuild with nothing changed, a rebuild after one input changed; and a naive baseline (every notebook
through papermill one after another, no cache, then the fallback render).

Runs in scratch copies of the project so the real build/ and _book/ are untouched. Prints a Markdown
table of medians and writes it to benchmarks/results/latest.md (git-ignored).
Usage: python benchmarks/build_benchmark.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from skills_evidence.paths import project_root
from skills_evidence.pipeline.build import build_edition, choose_renderer
from skills_evidence.pipeline.workspace import copy_project
from skills_evidence.publishing.render import quarto

CHANGED_INPUT = "data/snapshots/ons-els/2025/none_16_64_rqf.csv"
SCENARIOS = ("cold build", "rebuild, nothing changed", "rebuild, one input changed")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(renderer: str, source: Path, results: dict[str, list[float]]) -> None:
    """One cold / no-change / one-input-changed sequence with `renderer`, in a fresh scratch project."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", source)
        os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
        results[f"{SCENARIOS[0]} ({renderer})"].append(timed(lambda: build_edition(renderer=renderer)))
        results[f"{SCENARIOS[1]} ({renderer})"].append(timed(lambda: build_edition(renderer=renderer)))
        changed = root / CHANGED_INPUT
        changed.write_text(changed.read_text() + "\n")
        results[f"{SCENARIOS[2]} ({renderer})"].append(
            timed(lambda: build_edition(renderer=renderer, accept_changed_inputs=True))
        )
        if renderer == "fallback":
            shutil.rmtree(root / "build", ignore_errors=True)
            results["naive baseline: no cache, sequential (fallback)"].append(
                timed(lambda: build_edition(renderer="fallback", use_cache=False, workers=1))
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    renderers = (["quarto"] if quarto.available() else []) + ["fallback"]
    results: dict[str, list[float]] = {f"{s} ({r})": [] for r in renderers for s in SCENARIOS}
    results["naive baseline: no cache, sequential (fallback)"] = []
    source = project_root()
    for i in range(args.repeats):
        for renderer in renderers:
            measure(renderer, source, results)
        print(f"repeat {i + 1}/{args.repeats} done", flush=True)
    versions = ", ".join(choose_renderer(r) for r in renderers)
    lines = [
        f"Build of the current edition on {os.cpu_count()} cores ({versions}), median of {args.repeats} runs (seconds):",
        "",
        "| scenario | median s | runs |",
        "|---|---:|---|",
    ]
    lines += [
        f"| {name} | {statistics.median(t):.1f} | {', '.join(f'{x:.1f}' for x in t)} |" for name, t in results.items()
    ]
    text = "\n".join(lines) + "\n"
    out = source / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""Measure build times on this machine: cold build, no-change rebuild, one-input-changed rebuild, and a
naive baseline (every notebook through papermill one after another, no cache, then render).

Runs in a scratch copy of the project so the real build/ and _book/ are untouched. Prints a Markdown
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

from skills_evidence.build import build_edition
from skills_evidence.paths import project_root
from skills_evidence.workspace import copy_project

CHANGED_INPUT = "data/snapshots/ons-els/2025/none_16_64_rqf.csv"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"cold build": [], "rebuild, nothing changed": [],
                                       "rebuild, one input changed": [], "naive baseline (no cache, sequential)": []}
    source = project_root()
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            root = copy_project(Path(tmp) / "project", source)
            os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
            results["cold build"].append(timed(lambda: build_edition(renderer="fallback")))
            results["rebuild, nothing changed"].append(timed(lambda: build_edition(renderer="fallback")))
            changed = root / CHANGED_INPUT
            changed.write_text(changed.read_text() + "\n")
            results["rebuild, one input changed"].append(timed(lambda: build_edition(renderer="fallback", accept_changed_inputs=True)))
            shutil.rmtree(root / "build", ignore_errors=True)
            results["naive baseline (no cache, sequential)"].append(
                timed(lambda: build_edition(renderer="fallback", use_cache=False, workers=1)))
        print(f"repeat {i + 1}/{args.repeats} done", flush=True)
    lines = [f"Build of the current edition on {os.cpu_count()} cores, median of {args.repeats} runs (seconds):", "",
             "| scenario | median s | runs |", "|---|---:|---|"]
    lines += [f"| {name} | {statistics.median(t):.1f} | {', '.join(f'{x:.1f}' for x in t)} |" for name, t in results.items()]
    text = "\n".join(lines) + "\n"
    out = source / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

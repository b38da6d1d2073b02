"""Measure build times on this machine, side by side in one run: for both renderers a cold build, a
rebuild with nothing changed and a rebuild after one input changed; a naive baseline (every notebook
through papermill in a kernel of its own, one after another, no cache, then the fallback render); the
floor (libraries imported once, every notebook's cells run in one process: benchmarks/floor.py); the
per-notebook overhead of a kernel of its own against a warm one; the all-authority derivation of
qualification levels; and `indicators --all-areas`. Then (issue 27): Quarto's time per format on the staged
book, alone and the three at once as the build renders them; the CLI's start-up against a rebuild with
nothing changed; and the marginal cost of one more area's book through the Snakemake workflow, on a sample
of authorities of every kind (run once: it takes minutes), extrapolated to every authority. For the builds, the
renders and the areas it also measures the CPU time they took, in every process, and so how near each ratio
target could come if every core were busy throughout (the CPU time over the cores): a target below that cannot
be met by running the same work better, only by less work.

Runs in scratch copies of the project so the real build/ and _book/ are untouched. Prints a Markdown
table of medians and writes it to benchmarks/results/latest.md (git-ignored).
Usage: python benchmarks/build_benchmark.py [--repeats 3] [--areas 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from skills_evidence import editions
from skills_evidence.inputs import snapshots
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.paths import project_root
from skills_evidence.pipeline import all_areas, warmkernel
from skills_evidence.pipeline.build import build_edition, choose_renderer
from skills_evidence.pipeline.kernels import IPCKernelManager
from skills_evidence.pipeline.workspace import copy_project
from skills_evidence.publishing import staging
from skills_evidence.publishing.render import quarto
from skills_evidence.statistics.qualifications import aggregated_shares, level_shares

#: The input changed for the one-input-changed rebuild: the no-qualifications file the current edition pins.
CHANGED_DATASET = "ons_none_rqf"
SCENARIOS = ("cold build", "rebuild, nothing changed", "rebuild, one input changed")
NAIVE = "naive loop: a kernel of its own per notebook, no cache, sequential (fallback)"
FLOOR = "floor: imports once plus computing, one process (benchmarks/floor.py)"
OVERHEAD_COLD = "per-notebook overhead, kernel of its own (before)"
OVERHEAD_WARM = "per-notebook overhead, warm kernel (after)"
SERVER = "warm kernel server start, once per build"
LEVELS = "qualification levels, every GB authority and year, with English regions"
ALL_AREAS = "indicators --all-areas (every English authority, every measure of the edition)"
FORMAT_ALONE = "Quarto, {} alone (staged book)"
FORMATS_AT_ONCE = "Quarto, the three formats at once (as the build renders them)"
CLI_START = "CLI start-up (skills-evidence --help)"
CLI_NO_CHANGE = "rebuild, nothing changed, through the CLI (quarto)"
AREA = "one more area's book through the workflow ({}), per area, {} cores"
KINDS = ("E06", "E07", "E08", "E09", "E10")  # unitaries, districts, metropolitan districts, London, counties
CLI = Path(sys.executable).parent / "skills-evidence"
SNAKEMAKE = project_root() / ".venv-workflow" / "bin" / "snakemake"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


#: CPU seconds of the scenarios measured with `timed_with_cpu`, by scenario.
CPU: dict[str, list[float]] = {}


def cpu_seconds() -> float:
    """User and system CPU time of this process and of every process under it that has ended (each process
    waits for those it starts: the kernels, Quarto's Pandoc and Typst, the workflow's builds), so far."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def timed_with_cpu(results: dict[str, list[float]], name: str, fn, per: int = 1) -> None:
    """Run `fn`, adding its wall time to `results[name]` and its CPU time to CPU[name], each divided by `per`."""
    before, start = cpu_seconds(), time.perf_counter()
    fn()
    results.setdefault(name, []).append((time.perf_counter() - start) / per)
    CPU.setdefault(name, []).append((cpu_seconds() - before) / per)


def change_one_figure(root: Path) -> None:
    """Raise the home area's latest figure in the current edition's no-qualifications file by 0.1 (the
    change issue 27 measured: one figure of one ONS file, as a revision would)."""
    _, defined, current = editions.load()
    edition = defined[current]
    path = snapshots.dataset(snapshots.ref(CHANGED_DATASET, edition.data[CHANGED_DATASET])).path
    assert root in path.parents, f"{path} is not in the scratch project {root}"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    home = [row for row in rows if row["geography_code"] == edition.area_code]
    latest = max(home, key=lambda row: row["period"])
    latest["value"] = f"{float(latest['value']) + 0.1:.1f}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def measure(renderer: str, source: Path, results: dict[str, list[float]]) -> None:
    """One cold / no-change / one-input-changed sequence with `renderer`, in a fresh scratch project."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", source)
        os.environ["SKILLS_EVIDENCE_ROOT"] = str(root)
        timed_with_cpu(results, f"{SCENARIOS[0]} ({renderer})", lambda: build_edition(renderer=renderer))
        results[f"{SCENARIOS[1]} ({renderer})"].append(timed(lambda: build_edition(renderer=renderer)))
        if renderer == "quarto":
            formats(root, results)
            env = dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root))
            results[CLI_START].append(timed(lambda: subprocess.run([CLI, "--help"], env=env, capture_output=True)))
            results[CLI_NO_CHANGE].append(
                timed(lambda: subprocess.run([CLI, "build"], env=env, capture_output=True, check=True))
            )
        change_one_figure(root)
        timed_with_cpu(
            results,
            f"{SCENARIOS[2]} ({renderer})",
            lambda: build_edition(renderer=renderer, accept_changed_inputs=True),
        )
        if renderer == "fallback":
            shutil.rmtree(root / "build", ignore_errors=True)
            results[NAIVE].append(
                timed(lambda: build_edition(renderer="fallback", use_cache=False, workers=1, warm=False))
            )
            shutil.rmtree(root / "build", ignore_errors=True)
            floor = json.loads(
                subprocess.run(
                    [sys.executable, str(source / "benchmarks" / "floor.py")],
                    cwd=root,
                    env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root)),
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            results[FLOOR].append(floor["imports"] + floor["computing"])


def formats(root: Path, results: dict[str, list[float]]) -> None:
    """Quarto on the current edition's staged book: each format alone, then the three at once (quarto.render)."""
    year = editions.load()[2]
    book = root / "build" / str(year) / "book"
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in quarto.FORMATS:
            copy = shutil.copytree(book, Path(tmp) / fmt)
            command = [quarto.executable(), "render", str(copy), "--to", fmt]
            results[FORMAT_ALONE.format(fmt)].append(timed(lambda c=command: subprocess.run(c, capture_output=True)))
        copy = shutil.copytree(book, Path(tmp) / "all")
        timed_with_cpu(
            results, FORMATS_AT_ONCE, lambda: quarto.render(copy, Path(tmp) / "out", staging.output_stem(year))
        )


def sample(codes: list[str], home: str, n: int) -> list[str]:
    """`n` authorities spread over every kind (as many of each kind as n allows), evenly through each kind's codes."""
    chosen = []
    for i, kind in enumerate(KINDS):
        of_kind = sorted(c for c in codes if c.startswith(kind) and c != home)
        k = n // len(KINDS) + (i < n % len(KINDS))
        chosen += [of_kind[round(j * (len(of_kind) - 1) / max(k - 1, 1))] for j in range(k)] if k else []
    return chosen


def workflow(renderer: str, source: Path, n: int, results: dict[str, list[float]]) -> int:
    """The marginal cost of an area's book through Snakemake: after one area (and the edition's shared work)
    is built, the wall time of `n` more, divided by n. Returns how many authorities the full run would build."""
    _, defined, current = editions.load()
    home = defined[current].area_code
    with (source / "data" / "reference" / "english_authorities.csv").open(encoding="utf-8") as handle:
        codes = [row["area_code"] for row in csv.DictReader(handle)]
    first, *more = sample(codes, home, n + 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", source)
        shutil.copytree(source / "workflow", root / "workflow")
        env = dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root))
        base = [str(SNAKEMAKE), "--cores", str(os.cpu_count()), "--config", f"bin={CLI.parent}", f"renderer={renderer}"]

        def run(areas: list[str]) -> None:
            # Not check=True: an area that fails is reported below, the others' time still counts.
            subprocess.run([*base, f"areas={','.join(areas)}"], cwd=root, env=env, capture_output=True)

        run([first])
        timed_with_cpu(results, AREA.format(renderer, os.cpu_count()), lambda: run([first, *more]), per=len(more))
        with (root / "build" / "areas" / "summary.csv").open(encoding="utf-8") as handle:
            failed = [row["area"] for row in csv.DictReader(handle) if row["status"] != "built"]
        if failed:
            print(f"workflow ({renderer}): {len(failed)} area(s) failed: {', '.join(failed)}", flush=True)
    return len([c for c in codes if c != home])


#: What a chapter notebook imports, and nothing else: the fixed cost of one notebook.
PROBE = "from skills_evidence.chapters import attainment, graduate_retention, progress, reconciliation\n" + (
    "from skills_evidence.chapters import skills_levels, skills_survey, tables, what_changed\n1 + 1"
)


def overhead(results: dict[str, list[float]]) -> None:
    """The fixed cost of one notebook through papermill: in a kernel of its own, and forked warm."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.ipynb"
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(PROBE)]
        nbformat.write(notebook, probe)

        def run() -> None:
            pm.execute_notebook(
                str(probe),
                str(probe.with_suffix(".out.ipynb")),
                kernel_name="python3",
                progress_bar=False,
                kernel_manager_class=IPCKernelManager,
            )

        results[OVERHEAD_COLD].append(timed(run))
        started = time.perf_counter()
        with warmkernel.server():
            results[SERVER].append(time.perf_counter() - started)
            results[OVERHEAD_WARM].append(timed(run))


def derivations(results: dict[str, list[float]]) -> None:
    """Qualification levels with intervals for every GB authority and year, and the English regions'
    sums; then every monitoring measure for every English authority (`indicators --all-areas`)."""
    paths, _ = editions.inputs("progress")
    t19, lad21 = read_table(paths["aps_t19_qualifications"]), read_table(paths["lad21_reference"])
    english = lad21[lad21["country_code"] == "E92000001"]

    def levels() -> None:
        level_shares(t19)
        for (code, name), members in english.groupby(["region_code", "region_name"])["lad_code"]:
            try:
                aggregated_shares(t19, members.tolist(), code, name)
            except KeyError:
                continue

    results[LEVELS].append(timed(levels))
    results[ALL_AREAS].append(timed(all_areas.table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--areas", type=int, default=20, help="Areas in the workflow's sample (0: leave it out).")
    args = parser.parse_args()
    renderers = (["quarto"] if quarto.available() else []) + ["fallback"]
    results: dict[str, list[float]] = {f"{s} ({r})": [] for r in renderers for s in SCENARIOS}
    for name in (NAIVE, FLOOR, OVERHEAD_COLD, OVERHEAD_WARM, SERVER, LEVELS, ALL_AREAS):
        results[name] = []
    if "quarto" in renderers:
        for name in (*(FORMAT_ALONE.format(f) for f in quarto.FORMATS), FORMATS_AT_ONCE, CLI_START, CLI_NO_CHANGE):
            results[name] = []
    source = project_root()
    for i in range(args.repeats):
        for renderer in renderers:
            measure(renderer, source, results)
        os.environ["SKILLS_EVIDENCE_ROOT"] = str(source)  # the scratch copies are gone
        overhead(results)
        derivations(results)
        print(f"repeat {i + 1}/{args.repeats} done", flush=True)
    authorities = 0
    if args.areas and SNAKEMAKE.is_file():
        for renderer in renderers:
            authorities = workflow(renderer, source, args.areas, results)
            print(f"workflow sample of {args.areas} areas with {renderer} done", flush=True)
    elif args.areas:
        print(f"Snakemake is not installed at {SNAKEMAKE} (make workflow-env): the workflow's rows are left out")
    versions = ", ".join(choose_renderer(r) for r in renderers)
    lines = [
        f"Build of the current edition on {os.cpu_count()} cores ({versions}), median of {args.repeats} runs (seconds):",
        "",
        "| scenario | median s | runs | CPU s, median |",
        "|---|---:|---|---:|",
    ]
    lines += [
        f"| {name} | {statistics.median(t):.1f} | {', '.join(f'{x:.1f}' for x in t)} | "
        f"{f'{statistics.median(CPU[name]):.1f}' if name in CPU else ''} |"
        for name, t in results.items()
    ]
    median = {name: statistics.median(t) for name, t in results.items() if t}
    cores = os.cpu_count() or 1
    # The least wall time a scenario's work could take on this machine: its CPU time spread over every core.
    busiest = {name: statistics.median(c) / cores for name, c in CPU.items() if c}
    cold = median[f"{SCENARIOS[0]} (fallback)"]
    lines += [
        "",
        f"Cold build (fallback) against the naive loop: {cold / median[NAIVE]:.2f}x (target at most 0.35x); "
        f"against the floor: {cold / median[FLOOR]:.2f}x (target within 1.5x).",
    ]
    if "quarto" in renderers:
        cold_quarto = median[f"{SCENARIOS[0]} (quarto)"]
        lines += [
            f"Cold build, Quarto against the fallback: {cold_quarto / cold:.2f}x (target at most 1.3x; "
            f"{busiest[f'{SCENARIOS[0]} (quarto)'] / cold:.2f}x with every core busy throughout).",
            f"Rebuild after one input changed, Quarto, against its cold build: "
            f"{median[f'{SCENARIOS[2]} (quarto)'] / cold_quarto:.2f}x (target at most 0.5x; "
            f"{busiest[f'{SCENARIOS[2]} (quarto)'] / cold_quarto:.2f}x with every core busy throughout).",
            f"Rebuild with nothing changed through the CLI: {median[CLI_NO_CHANGE] - median[CLI_START]:.1f} s more "
            "than the CLI's start-up (target within 1 s).",
        ]
    for renderer in renderers:
        name = AREA.format(renderer, os.cpu_count())
        if name in median:
            lines.append(
                f"One more area's book through the workflow ({renderer}): {median[name]:.1f} s, "
                f"{median[name] / cold:.2f}x the cold fallback build (target at most "
                f"{0.25 if renderer == 'fallback' else 0.5}x; {busiest[name] / cold:.2f}x with every core busy "
                f"throughout); all {authorities} authorities: about "
                f"{median[name] * authorities / 60:.0f} minutes."
            )
    text = "\n".join(lines) + "\n"
    out = source / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

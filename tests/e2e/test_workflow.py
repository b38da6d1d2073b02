"""Issue 27, part 1: every area's book through Snakemake (workflow/Snakefile). Run here for three authorities of
different kinds (a shire district, a county, a London borough) and one code that is no authority, with the
fallback renderer: the three books and the page listing them are built, the bad code is recorded as failed
without stopping the others, the run ends in an error naming it, and a second run with nothing changed
rebuilds no book; what every area shares is computed once. Then one more area (Leeds, a metropolitan district)
through a cluster's scheduler, as the README's cluster instructions say."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skills_evidence import editions
from skills_evidence.chapters.where_area_sits import DISTRIBUTION_BASE, DISTRIBUTION_SCALES, MAPS_BASE
from skills_evidence.pipeline.workspace import copy_project

pytestmark = pytest.mark.e2e

REPOSITORY = Path(__file__).resolve().parents[2]
SNAKEMAKE = REPOSITORY / ".venv-workflow" / "bin" / "snakemake"
#: A stand-in for a cluster's submit command (qsub, sbatch): it runs each job script as a job of its own.
SUBMIT = REPOSITORY / "tests" / "fixtures" / "cluster" / "submit"
AREAS = {"E07000008": "Cambridge", "E10000016": "Kent", "E09000030": "Tower Hamlets"}
NOT_AN_AUTHORITY = "E07999999"


def run(root: Path, *config: str, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SKILLS_EVIDENCE_ROOT": str(root), **environment}
    return subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", "--config", f"bin={Path(sys.executable).parent}", *config],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def workflow_run(tmp_path_factory: pytest.TempPathFactory):
    if not SNAKEMAKE.is_file():
        pytest.fail(f"Snakemake is not installed at {SNAKEMAKE}: run the tests with `make test` (make workflow-env)")
    root = copy_project(tmp_path_factory.mktemp("workflow") / "project")
    shutil.copytree(REPOSITORY / "workflow", root / "workflow")
    # What an earlier version of the code or the data left: a shared folder under another key, a scratch folder of
    # a build that was stopped, and another edition's folder (which this edition's builds must leave alone).
    for stale in ("progress/2026/0earlier", "progress/2026/.0earlier.partial-x", "progress/2025/0other"):
        (root / "build" / "shared" / stale).mkdir(parents=True)
        (root / "build" / "shared" / stale / "labels.json").write_text("{}", encoding="utf-8")
    first = run(root, f"areas={','.join([*AREAS, NOT_AN_AUTHORITY])}", "renderer=fallback")
    return root, first


def test_each_area_gets_its_book_and_the_index_lists_them(workflow_run):
    root, _ = workflow_run
    for code in AREAS:
        book = root / "_book" / "areas" / code / "2026"
        assert (book / "index.html").is_file() and (book / "chapters" / "progress.html").is_file(), code
    index = (root / "_book" / "areas" / "index.html").read_text(encoding="utf-8")
    for code, name in AREAS.items():
        assert f'href="{code}/index.html"' in index and name in index


def test_what_every_area_shares_is_computed_once_and_read_by_each(workflow_run):
    root, _ = workflow_run
    # The rule `shared` ran before any area: one folder for the edition (its key covers all but the area) and
    # no scratch folder beside it; each area's monitoring notebook was handed that folder.
    folders = list((root / "build" / "shared" / "progress" / "2026").iterdir())
    assert len(folders) == 1 and (folders[0] / "labels.json").is_file(), folders  # the earlier two were removed
    assert (root / "build" / "shared" / "progress" / "2025" / "0other").is_dir()
    # With the layers of the two charts every area shares, drawn there once (most of their drawing).
    assert all((folders[0] / name).is_file() for name in (MAPS_BASE, DISTRIBUTION_BASE, DISTRIBUTION_SCALES))
    for code in AREAS:
        executed = (root / "build" / "areas" / code / "2026" / "notebooks" / "progress.ipynb").read_text("utf-8")
        assert folders[0].name in executed, code


def test_every_area_forks_its_kernels_from_the_runs_one_server_which_stops_with_the_run(workflow_run):
    root, _ = workflow_run
    # Each build names the server its notebooks' kernels came from (rather than starting its own).
    named = set()
    for code in AREAS:
        log = (root / "build" / "areas" / "logs" / f"{code}.log").read_text(encoding="utf-8")
        found = re.search(r"notebooks' kernels forked from the warm kernel server at (\S+)", log)
        assert found, f"{code} started a server of its own: {log[-1500:]}"
        named.add(found.group(1))
    assert len(named) == 1, named  # one server for the whole run
    assert not Path(named.pop()).parent.exists()  # stopped, and its folder removed, when the run ended


def test_a_failed_area_is_reported_and_the_others_still_build(workflow_run):
    root, first = workflow_run
    with (root / "build" / "areas" / "summary.csv").open(encoding="utf-8") as handle:
        rows = {row["area"]: row for row in csv.DictReader(handle)}
    assert {code: rows[code]["status"] for code in AREAS} == dict.fromkeys(AREAS, "built")
    assert rows[NOT_AN_AUTHORITY]["status"] == "failed" and rows[NOT_AN_AUTHORITY]["message"]
    assert first.returncode != 0
    assert "rule area:" in first.stdout + first.stderr  # how Snakemake logs an area's job (the next test's check)
    assert f"1 area(s) failed: {NOT_AN_AUTHORITY}" in first.stdout + first.stderr
    # With the workflow's own settings (workflow/profiles/default): the greedy scheduler, and each area's job in
    # a thread rather than a new Snakemake process per area (which made 316 areas' jobs cost minutes of CPU).
    assert "workflow specific profile workflow/profiles/default" in first.stderr


def test_a_second_run_with_nothing_changed_builds_nothing(workflow_run):
    root, _ = workflow_run
    again = run(root, f"areas={','.join(AREAS)}", "renderer=fallback")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "rule area:" not in again.stdout + again.stderr  # no area's job ran again


def test_a_run_again_builds_again_only_the_area_that_failed(workflow_run):
    # A failure may be passing (a full disk, a machine stopped): running the workflow again retries it, and only it.
    root, _ = workflow_run
    plan = run(root, f"areas={','.join([*AREAS, NOT_AN_AUTHORITY])}", "renderer=fallback", "--dry-run")
    assert planned_areas(plan) == [NOT_AN_AUTHORITY]


def test_by_default_it_plans_every_current_authority_but_the_home_council(workflow_run):
    root, _ = workflow_run
    # data/reference/english_authorities.csv lists today's authorities (read here with the csv module); the
    # home council (the editions' area_code in data/editions.yaml) is `make book`'s, not the workflow's.
    with (root / "data" / "reference" / "english_authorities.csv").open(encoding="utf-8") as handle:
        codes = {row["area_code"] for row in csv.DictReader(handle)}
    plan = run(root, "renderer=fallback", "--dry-run", "--quiet", "rules")  # the renderer the three were built with
    assert plan.returncode == 0, plan.stderr[-2000:]
    # Snakemake's job table: a rule's name and its number of jobs on a line.
    rows = [line.split() for line in plan.stdout.splitlines()]
    counts = {r[0]: int(r[1]) for r in rows if len(r) == 2 and r[1].isdigit()}
    assert "E08000026" in codes
    assert counts["area"] == len(codes - {"E08000026"}) - 3  # the three built above are up to date


def planned_areas(plan: subprocess.CompletedProcess) -> list[str]:
    """The areas whose books a dry run (`--dry-run`) would build, from the wildcards Snakemake prints per job."""
    assert plan.returncode == 0, plan.stderr[-2000:]
    return re.findall(r"wildcards: code=(\S+)", plan.stdout)


def every_area_but_home(root: Path) -> set[str]:
    """Today's authorities (data/reference/english_authorities.csv) less the home council, whose code is the
    current edition's area_code in data/editions.yaml (its book is `make book`'s, not the workflow's)."""
    _, defined, current = editions.load()
    with (root / "data" / "reference" / "english_authorities.csv").open(encoding="utf-8") as handle:
        return {row["area_code"] for row in csv.DictReader(handle)} - {defined[current].area_code}


def split_sizes(total: int, parts: int) -> list[int]:
    """Sizes of `parts` near-equal parts of `total` items, the larger first (as Snakemake's `get_batch` splits
    a batching rule's inputs, in snakemake/settings/types.py)."""
    size, extra = divmod(total, parts)
    return [size + (i < extra) for i in range(parts)]


def test_each_job_of_a_ci_matrix_builds_its_own_part_of_the_areas(workflow_run):
    root, _ = workflow_run
    # part=i/n: three jobs, each planning (all its areas forced, built or not) a third of every authority, each
    # authority in exactly one part, and every kind (unitaries, districts, metropolitan districts, London
    # boroughs, counties) in each part, so no job is left with only the slower or the quicker kinds.
    parts = [planned_areas(run(root, f"part={i}/3", "--dry-run", "--forceall")) for i in (1, 2, 3)]
    everyone = every_area_but_home(root)
    assert sorted(code for part in parts for code in part) == sorted(everyone)  # each once, none left out
    assert sorted(len(part) for part in parts) == sorted(split_sizes(len(everyone), 3))  # 105, 105, 106 of 316
    assert all({code[:3] for code in part} == {"E06", "E07", "E08", "E09", "E10"} for part in parts)
    # A part that is not i of n is refused, naming what was given.
    bad = run(root, "part=4/3", "--dry-run")
    assert bad.returncode != 0 and "part must be i/n" in bad.stdout + bad.stderr and "'4/3'" in bad.stdout + bad.stderr


def test_snakemakes_own_batches_build_their_share_and_leave_the_summary_and_index_to_the_last(workflow_run):
    root, _ = workflow_run
    # `--batch summary=1/4` (for runs on one file system): Snakemake's first quarter of the summary's inputs, in
    # code order (79 of the 316), less the three built above; the summary and the index wait for the last batch.
    # Before the index followed the summary, each batch planned all 316 areas, which the index also read.
    plan = run(root, "renderer=fallback", "--batch", "summary=1/4", "--dry-run")
    everyone = sorted(every_area_but_home(root))
    first_quarter = everyone[: split_sizes(len(everyone), 4)[0]]
    assert sorted(planned_areas(plan)) == sorted(set(first_quarter) - set(AREAS))
    assert "rule index:" not in plan.stdout and "rule summary:" not in plan.stdout


def test_on_a_cluster_each_areas_build_is_a_job_of_the_scheduler(workflow_run, tmp_path: Path):
    # Run last: it builds a fourth area, which the plans above do not expect. Snakemake's generic cluster executor
    # (the plugin for schedulers that take a job script: PBS, SGE and the like) hands each area's job to the
    # scheduler's submit command, here a stand-in that runs it detached, outside Snakemake's process, where the
    # run's warm kernel server cannot be reached (tests/fixtures/cluster/submit); the summary and the index are
    # the workflow's own local rules and are not queued.
    root, _ = workflow_run
    submitted = tmp_path / "submitted.log"
    done = run(
        root,
        "areas=E08000035",
        "renderer=fallback",
        "--executor",
        "cluster-generic",
        "--cluster-generic-submit-cmd",
        str(SUBMIT),
        "--jobs",
        "2",
        CLUSTER_SUBMITTED_LOG=str(submitted),
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    jobs = [json.loads(line) for line in submitted.read_text(encoding="utf-8").splitlines()]
    assert [(job["rule"], job["wildcards"]) for job in jobs] == [("area", {"code": "E08000035"})]
    with (root / "build" / "areas" / "summary.csv").open(encoding="utf-8") as handle:
        assert [(row["area"], row["status"]) for row in csv.DictReader(handle)] == [("E08000035", "built")]
    book = root / "_book" / "areas" / "E08000035" / "2026"
    assert (book / "index.html").is_file() and (book / "chapters" / "progress.html").is_file()
    assert "Leeds" in (root / "_book" / "areas" / "index.html").read_text(encoding="utf-8")
    # The job could not reach the run's server (named at a folder its "node" does not have) and started its own.
    log = (root / "build" / "areas" / "logs" / "E08000035.log").read_text(encoding="utf-8")
    assert "forked from the warm kernel server" not in log and "Build summary" in log

"""Habits of a maintained project: ruff clean, notebooks stripped, every import declared, hooks that download nothing."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import yaml

from skills_evidence.paths import project_root

ROOT = project_root()
PYTHON_TREES = ["src", "tests", "scripts", "benchmarks"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_and_format_are_clean():
    lint = run("ruff", "check", *PYTHON_TREES)
    assert lint.returncode == 0, lint.stdout
    fmt = run("ruff", "format", "--check", *PYTHON_TREES)
    assert fmt.returncode == 0, fmt.stdout


def test_chapter_notebooks_are_stripped_by_nbstripout():
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    verify = run("nbstripout", "--keep-id", "--verify", *notebooks)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_library_imports_is_declared_in_pyproject():
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = {_normal(re.split(r"[<>=!~\[ ]", d)[0]) for d in spec["project"]["dependencies"]}
    providers = packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {
        m for m in imported if m in providers and m != "skills_evidence" and m not in sys.stdlib_module_names
    }
    missing = {m: providers[m] for m in third_party if not {_normal(d) for d in providers[m]} & declared}
    assert missing == {}


def test_pre_commit_hooks_run_locally_and_strip_only_chapter_notebooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [r["repo"] for r in config["repos"]] == ["local"]  # nothing fetched from GitHub at commit time
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout"} <= set(hooks)
    assert hooks["nbstripout"]["files"] == r"^notebooks/.*\.ipynb$"  # tests/regression keeps outputs for nbval


def test_no_area_is_named_in_code_meant_for_any_area():
    # Names and titles come from the data and editions.yaml; only the snapshot derivations and the
    # synthetic generators, which are about Coventry's own files, may name it.
    generic = [ROOT / "src/skills_evidence" / part for part in ("chapters", "statistics", "pipeline", "publishing")]
    named = []
    for path in (p for folder in generic for p in folder.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node) is not None
        }
        strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        named += [
            f"{path.relative_to(ROOT)}:{n.lineno}" for n in strings if id(n) not in docstrings and "Coventry" in n.value
        ]
    assert named == []


def test_no_test_asserts_how_long_something_took():
    # Timings belong in `make benchmark` (ratios in one run): a loaded CI runner must not fail the suite.
    timed = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert) and re.search(r"perf_counter|monotonic|time\.time", ast.unparse(node.test)):
                timed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert timed == []


def test_the_layers_import_only_downwards():
    # One direction of flow (issue 21): inputs, statistics, chapters and publishing never reach up into the
    # pipeline that runs them; the edition model (skills_evidence.editions) sits below all of them.
    upward = []
    for layer in ("inputs", "statistics", "chapters", "publishing"):
        for path in sorted((ROOT / "src/skills_evidence" / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("skills_evidence.pipeline"):
                    upward.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
    assert upward == []

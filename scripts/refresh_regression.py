"""Refresh the nbval reference notebooks in tests/regression/ after an intended change.

Run with `make regression-refresh`. Each analysis notebook (it reads only data/) is executed
for every edition with that edition's parameters; the new copy replaces the stored one, and every
cell whose checked output changed is printed with a line diff, so the commit that refreshes them says
which numbers moved. The "what changed" notebook reads build outputs rather than data/, so it is
checked by the end-to-end tests instead.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import nbformat
import papermill as pm

from skills_evidence import editions
from skills_evidence.paths import project_root
from skills_evidence.pipeline import build
from skills_evidence.pipeline.kernels import IPCKernelManager

CHECKED = ("text/plain", "text/markdown")


def texts(path: Path) -> list[str]:
    """The checked text outputs of each code cell."""
    if not path.exists():
        return []
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [data[k] for k in CHECKED if k in data] + ([output["text"]] if "text" in output else [])
        out.append("\n".join(parts))
    return out


def strip_volatile_metadata(path: Path) -> None:
    """Drop papermill's run metadata (absolute paths, timings, random ids) so the stored copy changes only when outputs do."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id on every run
    nbformat.write(nb, path)


def main() -> int:
    root = project_root()
    chapters, defined, _ = editions.load()
    moved = 0
    for year, edition in sorted(defined.items()):
        # The same parameters the build gives each analysis notebook, with the output folder moved aside.
        for job in build.analysis_jobs(edition, chapters, root, root / "build" / "regression" / str(year)):
            chapter_id = job.chapter_id
            target = root / "tests" / "regression" / f"{chapter_id}_{year}.ipynb"
            old = texts(target)
            parameters = {**job.parameters, "output_dir": f"build/regression/{year}/{chapter_id}"}
            parameters.pop("datasets", None)  # the stored copy resolves the pinned datasets itself (portable paths)
            parameters.pop("vintages", None)
            parameters.pop("shared_dir", None)  # the stored copy computes what areas share: it checks the computing
            pm.execute_notebook(
                str(root / chapters[chapter_id].notebook),
                str(target),
                parameters=parameters,
                kernel_name="python3",
                cwd=str(target.parent),
                progress_bar=False,
                kernel_manager_class=IPCKernelManager,
            )
            strip_volatile_metadata(target)
            new = texts(target)
            for i, (a, b) in enumerate(zip(old, new)):
                if a != b:
                    moved += 1
                    print(f"{chapter_id} {year}: code cell {i + 1} changed")
                    sys.stdout.writelines(
                        difflib.unified_diff(a.splitlines(True), b.splitlines(True), "stored", "new", n=0)
                    )
                    print()
            print(f"{chapter_id} {year}: stored reference refreshed at {target.relative_to(root)}")
    print(f"{moved} checked cell(s) changed." if moved else "No checked output changed.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

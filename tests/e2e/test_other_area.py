"""The same skills-levels notebook builds the chapter for another local authority (a parameter)."""

from __future__ import annotations

from pathlib import Path

import papermill as pm
import pytest
import yaml

from skills_evidence.paths import project_root

pytestmark = pytest.mark.e2e


def test_notebook_runs_for_leicester(tmp_path: Path):
    # Leicester (E06000016): ONS published level 3+ 54.9% for 2021; East Midlands region; no combined authority.
    out = tmp_path / "outputs"
    pm.execute_notebook(
        str(project_root() / "notebooks/skills_levels.ipynb"),
        str(tmp_path / "leicester.ipynb"),
        parameters={"area_code": "E06000016", "period": "2021", "trend_end": "2021", "output_dir": str(out)},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    figures = yaml.safe_load((out / "key_figures.yml").read_text())["skills"]
    assert figures["area"] == "Leicester" and figures["l3plus"]["value"] == "54.9"
    assert (
        set(figures["comparators"]) == {"gb", "region"}
        and figures["comparators"]["region"]["name"] == "East Midlands region"
    )
    assert (out / "l3plus_trend.png").exists() and "Leicester" in (out / "skills_comparison.csv").read_text()

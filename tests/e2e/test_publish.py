"""Publishing is a step (issue 21, item 4): a new edition is a draft until `publish` sets its date once;
pages never claim to be the latest; the landing page lists only defined editions and names the current one."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from skills_evidence import editions
from skills_evidence.pipeline.build import build_edition
from skills_evidence.pipeline.new_edition import scaffold
from skills_evidence.pipeline.publish import publish

pytestmark = pytest.mark.e2e


def landing_rows(root: Path) -> dict[str, str]:
    page = (root / "_book/index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><th scope="row">(\d{4})(.*?)</th><td>(.*?)</td>', page)
    return {year: (re.sub(r"<[^>]+>", "", mark).strip() + " | " + date) for year, mark, date in rows}


def test_a_new_edition_is_a_draft_until_published_once(project_as_of_2025: Path):
    project_copy = project_as_of_2025
    build_edition(2025, renderer="fallback")
    scaffold(2026)
    build_edition(2026, renderer="fallback")
    # new-edition on today's data builds with no file edited, and its monitoring page quotes the newest
    # figures held (ONS: Claimant Count 5.5% in 2025; median weekly pay £648.4 in April 2025; GCSE English
    # and maths by 19 69.6% in 2024/25), for the same period as the attainment chapter.
    quoted = pd.read_csv(project_copy / "_book/2026/outputs/progress/indicators.csv", dtype={"period": str})
    coventry = quoted[quoted.geography_code == "E08000026"].set_index(["indicator_id", "period"])["value"]
    assert round(coventry[("claimant_rate_16_64", "2025")], 1) == 5.5
    assert round(coventry[("median_weekly_pay", "2025")], 1) == 648.4
    attainment = pd.read_csv(project_copy / "_book/2026/outputs/attainment/indicators.csv", dtype={"period": str})
    gcse = attainment[(attainment.indicator_id == "gcse_em_by19") & (attainment.geography_code == "E08000026")]
    assert gcse.period.max() == "2024/25" and round(gcse.set_index("period").value["2024/25"], 1) == 69.6
    page = (project_copy / "_book/2026/chapters/progress.html").read_text(encoding="utf-8")
    assert "5.5% (2025)" in page and "69.6% (2024/25)" in page
    rows = landing_rows(project_copy)
    assert rows["2026"].startswith("(draft preview) | not yet published") and rows["2025"] == "(current) | 2026-11-22"
    banner = (project_copy / "_book/2026/index.html").read_text(encoding="utf-8")
    assert "This is a draft, not yet published" in banner and "latest" not in banner

    publish(2026, today=dt.date(2026, 12, 1), renderer="fallback")
    assert editions.load()[1][2026].published == "2026-12-01"
    rows = landing_rows(project_copy)
    assert rows["2026"] == "(current) | 2026-12-01" and rows["2025"] == " | 2026-11-22"
    for year in (2025, 2026):  # a published page says it never changes, and never that it is the latest
        page = (project_copy / f"_book/{year}/index.html").read_text(encoding="utf-8")
        assert (
            "Published editions are never changed" in page
            and "latest" not in page.lower().split("edition-banner")[1][:400]
        )
    with pytest.raises(ValueError, match="was published on 2026-12-01"):
        publish(2026, renderer="fallback")


def test_a_built_folder_of_an_edition_no_longer_defined_is_not_listed(project_copy: Path):
    build_edition(2025, renderer="fallback")
    shutil.copytree(project_copy / "_book/2025", project_copy / "_book/2031")  # left by a reverted new-edition
    build_edition(2025, renderer="fallback")
    assert "2031" not in landing_rows(project_copy)

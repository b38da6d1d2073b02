"""The yearly cycle as a council researcher runs it, with the command line alone, on real successive ONS
releases (issue 21): add a release with `snapshot --from`, `new-edition`, `publish`; then the next year's
releases, edition and publication; the earlier edition's published bytes never change.

Releases (../shared/real-data/ons_explore_local_statistics_more/vintages, PROVENANCE.md): median pay as
ONS's repository held it at the end of 2024 and in November 2025, Claimant Count in January and October
2025, KS2 at the end of 2024 and of 2025. Version names are the days the researcher downloaded them."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = [pytest.mark.e2e, pytest.mark.shared]

RELEASES = {
    "ons_median_pay": ("gross-median-weekly-pay@2024-12-31.csv", "gross-median-weekly-pay@2025-11-30.csv"),
    "ons_claimant_rate": ("claimant-count@2025-01-31.csv", "claimant-count@2025-10-31.csv"),
    "ons_ks2_rwm": (
        "pupils-at-expected-standards-by-end-of-primary-school@2024-12-31.csv",
        "pupils-at-expected-standards-by-end-of-primary-school@2025-12-31.csv",
    ),
}
MEASURE = {
    "ons_median_pay": "median_weekly_pay",
    "ons_claimant_rate": "claimant_rate_16_64",
    "ons_ks2_rwm": "ks2_rwm_expected",
}
FILE = {
    "ons_median_pay": "median_weekly_pay.csv",
    "ons_claimant_rate": "claimant_count.csv",
    "ons_ks2_rwm": "ks2_rwm_expected.csv",
}
# The geographies the book keeps; counties (E10) too, as every version from November 2026 declares.
KEPT = ("E06", "E07", "E08", "E09", "E10", "W06", "S12", "E12", "E47", "E92", "K02", "K03", "W92", "S92")


def run(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "skills_evidence", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, SKILLS_EVIDENCE_ROOT=str(root)),
        timeout=900,
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def ons_release(path: Path, year_only: bool) -> pd.DataFrame:
    """A release read straight from ONS's file with the csv module (not the project's loader): code, period,
    value, for the geographies the book keeps."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        code = row.get("AREACD") or row.get("areacd")
        value = row.get("Observation") or row.get("observation") or row.get("Value") or ""
        if not code.startswith(KEPT):
            continue
        period = (row.get("Period") or row.get("period")).replace("T00:00:00", "")
        m = re.match(r"(\d{4})-(\d{2})-\d{2}/P1Y$", period)
        if m:
            period = m[1] if m[2] == "01" else f"{m[1]}/{str(int(m[1]) + 1)[2:]}"
        if year_only:
            period = period[:4]
        out.append((code, period, float(value) if re.fullmatch(r"-?[\d.]+", value.replace(",", "")) else None))
    return pd.DataFrame(out, columns=["code", "period", "value"])


def revisions(before: pd.DataFrame, after: pd.DataFrame) -> tuple[int, tuple[str, str, float, float] | None]:
    both = before.merge(after, on=["code", "period"], suffixes=("_old", "_new")).dropna()
    both = both.sort_values(["code", "period"], ignore_index=True)  # ties broken in the same order as the review
    changed = both[(both.value_new - both.value_old).abs() > 1e-9]
    if changed.empty:
        return 0, None
    top = changed.loc[(changed.value_new - changed.value_old).abs().idxmax()]
    return len(changed), (top.code, top.period, top.value_old, top.value_new)


def test_a_researcher_runs_two_yearly_cycles_on_real_releases_with_the_commands_alone(
    project_as_of_2025: Path, real_data: Path
):
    vintages = real_data / "ons_explore_local_statistics_more/vintages"
    project_copy = project_as_of_2025  # the 2025 edition current, as the rehearsal began
    editions_file = project_copy / "data/editions.yaml"
    as_shipped = editions_file.read_text(encoding="utf-8")

    for dataset, (earlier, _) in RELEASES.items():
        run(project_copy, "snapshot", dataset, "--from", str(vintages / earlier), "--version", "2026-12-01")
    run(project_copy, "new-edition", "2026")
    run(project_copy, "publish", "--edition", "2026", "--renderer", "fallback")
    published_2026 = (project_copy / "_book/2026/SHA256SUMS").read_text()

    reviews = {}
    for dataset, (_, later) in RELEASES.items():
        said = run(project_copy, "snapshot", dataset, "--from", str(vintages / later), "--version", "2026-12-02")
        reviews[dataset] = said
    # Re-running a snapshot of the same file writes nothing.
    assert "nothing written" in run(
        project_copy, "snapshot", "ons_ks2_rwm", "--from", str(vintages / RELEASES["ons_ks2_rwm"][1])
    )
    run(project_copy, "new-edition", "2027")
    run(project_copy, "publish", "--edition", "2027", "--renderer", "fallback")

    # No YAML was edited by hand: the shipped editions are untouched (new-edition moves `current:` on), and
    # what was added came from the commands.
    assert editions_file.read_text(encoding="utf-8").startswith(
        as_shipped.replace("current: 2025", "current: 2027").rstrip("\n")
    )
    spec = yaml.safe_load(editions_file.read_text(encoding="utf-8"))
    added = {e["year"]: e for e in spec["editions"] if e["year"] in (2026, 2027)}
    assert added[2026]["published"] and added[2027]["published"] and spec["current"] == 2027

    indicators = pd.read_csv(project_copy / "_book/2027/outputs/indicators.csv", dtype={"period": str})
    latest = added[2027]["chapters"]["progress"]["latest"]
    for dataset, (earlier, later) in RELEASES.items():
        year_only = dataset == "ons_median_pay"
        old, new = ons_release(vintages / earlier, year_only), ons_release(vintages / later, year_only)
        # The 2027 edition quotes Coventry's newest figure in the later release, for the newest period it holds.
        coventry = new[(new.code == "E08000026") & new.value.notna()]
        newest = coventry.sort_values("period").iloc[-1]
        assert latest[MEASURE[dataset]] == newest.period, dataset
        quoted = indicators[
            (indicators.indicator_id == MEASURE[dataset])
            & (indicators.geography_code == "E08000026")
            & (indicators.period == newest.period)
        ]
        assert quoted.value.round(3).tolist() == [round(newest.value, 3)], dataset
        # The release review counts the revisions between the two files, and names the largest.
        count, largest = revisions(old, new)
        said = reviews[dataset]
        recorded = yaml.safe_load(
            (project_copy / f"data/snapshots/ons-els/2026-12-02/{FILE[dataset]}.review.yaml").read_text()
        )
        assert recorded["review"]["revised"] == count, dataset
        if count:
            code, period, before, after = largest
            assert f"revised figures of earlier periods: {count}; largest" in said, dataset
            assert f"({code}) {period}: {before:g} → {after:g}" in said, dataset
            assert recorded["review"]["largest_revision"]["geography_code"] == code, dataset
        else:
            assert "revised figures of earlier periods: none" in said, dataset

    # "What changed" lists the releases new to 2027 with the same counts, apart from change over time.
    page = (project_copy / "_book/2027/chapters/what-changed.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Revisions and new releases" in text and "ons_ks2_rwm 2026-12-01 → 2026-12-02 2024/25" in text

    # The 2026 edition's published bytes are unchanged, and a rebuild from its data reproduces them.
    assert (project_copy / "_book/2026/SHA256SUMS").read_text() == published_2026
    assert "2026: all" in run(project_copy, "verify", "--edition", "2026")

"""Nothing disclosive leaves the build: plant an email address and a postcode in the survey's free
text and a group of 3 respondents, build the edition, and search every output for them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from skills_evidence.pipeline.build import build_edition

pytestmark = pytest.mark.e2e

PLANTED = ["jo.bloggs@example.com", "CV1 5FB", "jo.bloggs"]


def every_text(folder: Path) -> dict[Path, str]:
    """The text of every file under `folder`, PDFs and Word documents included."""
    texts = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            texts[path] = " ".join(page.extract_text() for page in PdfReader(path).pages)
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                texts[path] = " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        elif path.suffix in {".png", ".svg"}:
            continue
        else:
            texts[path] = path.read_bytes().decode("utf-8", "ignore")
    return texts


def test_planted_personal_data_and_a_group_of_three_never_reach_any_output(project_copy: Path):
    export = project_copy / "data/synthetic/skills_survey_export_synthetic.csv"
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    wave = frame.index[frame.wave == "2021"]
    frame.loc[wave[:5], "free_text"] = "Please email me at jo.bloggs@example.com, I live at CV1 5FB"
    frame.loc[wave[10:13], "gender"] = "Other"  # a group of 3 respondents
    frame.to_csv(export, index=False, lineterminator="\n")
    build_edition(2022, renderer="fallback", accept_changed_inputs=True)

    texts = {**every_text(project_copy / "build" / "2022"), **every_text(project_copy / "_book" / "2022")}
    assert len(texts) > 20
    for needle in PLANTED:
        leaks = [str(p) for p, t in texts.items() if needle in t]
        assert leaks == [], f"{needle!r} found in {leaks}"
    estimates = pd.read_csv(project_copy / "build/2022/outputs/skills_survey/survey_estimates.csv")
    other = estimates[(estimates.breakdown == "gender") & (estimates.group == "Other")]
    assert len(other) > 0 and (other.status == "c").all() and other[["n", "k", "share"]].isna().all().all()
    indicators = pd.read_csv(project_copy / "build/2022/outputs/indicators.csv", dtype=str, keep_default_na=False)
    cells = indicators[indicators.breakdown == "gender:other"]
    assert (
        len(cells) > 0 and (cells.status == "c").all() and (cells.value == "").all() and (cells.numerator == "").all()
    )

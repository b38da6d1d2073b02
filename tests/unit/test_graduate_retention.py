"""Graduate retention: the measure on small hand-worked inputs (HESA rounding, suppression, Wilson
intervals), the extract loader, and the synthetic stand-in's calibration and labelling."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from skills_evidence.chapters import graduate_retention as gr
from skills_evidence.editions import inputs as pinned
from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.hesa_go import load_graduate_outcomes
from skills_evidence.inputs.snapshots import dataset, sha256_file
from skills_evidence.inputs.synthetic import graduate_outcomes as synth
from skills_evidence.paths import resolve

HEADER = "cohort,provider_ukprn,provider_name,provider_city,level_of_study,employment_la_code,graduates\n"
CITIES = pd.DataFrame({"city": ["Testcity"], "lad_code": ["E08000026"], "synthetic": [False]})


def extract(tmp_path: Path, rows: list[str], name: str = "go.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return load_graduate_outcomes(path)


def test_hesa_rounding():
    # HESA: 0, 1 and 2 publish as 0; other counts to the nearest multiple of 5.
    assert [synth.hesa_round(n) for n in (0, 1, 2, 3, 7, 8, 12, 13, 1234)] == [0, 0, 0, 5, 5, 10, 10, 15, 1235]


def test_rate_excludes_unknown_and_overseas_and_has_a_wilson_interval(tmp_path: Path):
    # 25 working in the city, 75 elsewhere in the UK; 10 unknown and 5 overseas are outside the denominator.
    # Rate = 25 / 100 = 25%. Wilson, z = 1.959964: centre (0.25 + z²/200) / (1 + z²/100) = 0.259252,
    # half-width z·sqrt(0.25·0.75/100 + z²/40000) / (1 + z²/100) = 0.083797 → 17.55% to 34.30%.
    frame = extract(
        tmp_path,
        [
            "2019/20,10000001,Uni A,Testcity,First degree,E08000026,25",
            "2019/20,10000001,Uni A,Testcity,First degree,E09000033,75",
            "2019/20,10000001,Uni A,Testcity,First degree,unknown,10",
            "2019/20,10000001,Uni A,Testcity,First degree,overseas,5",
        ],
    )
    r = gr.retention(frame, CITIES, ["provider_city", "cohort"]).iloc[0]
    assert (r.numerator, r.denominator, r.rate) == (25, 100, 25.0)
    assert r.ci_lower == pytest.approx(17.5455, abs=1e-3) and r.ci_upper == pytest.approx(34.3049, abs=1e-3)


def test_small_denominators_and_suppressed_cells_give_no_rate(tmp_path: Path):
    frame = extract(
        tmp_path,
        [
            "2019/20,10000001,Uni A,Testcity,First degree,E08000026,5",  # 5 / 20: under HESA's 22.5 threshold
            "2019/20,10000001,Uni A,Testcity,First degree,E09000033,15",
            "2020/21,10000001,Uni A,Testcity,First degree,E08000026,c",  # a suppressed count: cannot be summed
            "2020/21,10000001,Uni A,Testcity,First degree,E09000033,100",
        ],
    )
    rates = gr.retention(frame, CITIES, ["provider_city", "cohort"]).set_index("cohort")
    assert rates.loc["2019/20", "status"] == "c" and math.isnan(rates.loc["2019/20", "rate"])
    # Withheld with its counts: 5 of 20 would give the rate away (issue 12: suppression is consistent).
    assert math.isnan(rates.loc["2019/20", "numerator"]) and math.isnan(rates.loc["2019/20", "denominator"])
    assert rates.loc["2020/21", "status"] == "c" and math.isnan(rates.loc["2020/21", "numerator"])


def test_ranking_puts_ties_on_the_better_rank(tmp_path: Path):
    cities = pd.DataFrame({"city": ["A", "B", "C"], "lad_code": ["E08000026", "E08000025", "E06000016"]})
    rows = [
        f"2019/20,1000000{i},Uni {c},{c},First degree,{code},{home}"
        for i, (c, code, home) in enumerate([("A", "E08000026", 30), ("B", "E08000025", 30), ("C", "E06000016", 10)])
    ]
    rows += [f"2019/20,1000000{i},Uni {c},{c},First degree,E09000033,70" for i, c in enumerate("ABC")]
    ranks = gr.ranking(extract(tmp_path, rows), cities, "2019/20").set_index("provider_city")["rank"]
    assert ranks.to_dict() == {"A": 1, "B": 1, "C": 3}


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("2019/20,10000001,Uni A,Testcity,First degree,E08000026,23", "graduates", "multiple of 5"),
        ("2019/20,10000001,Uni A,Testcity,First degree,Coventry,25", "employment_la_code", "GSS district code"),
        ("2019-20,10000001,Uni A,Testcity,First degree,E08000026,25", "cohort", "academic year"),
        ("2019/20,1001,Uni A,Testcity,First degree,E08000026,25", "provider_ukprn", "UKPRN"),
    ],
)
def test_malformed_extract_rows_are_refused_by_row_and_column(tmp_path: Path, row, column, message):
    with pytest.raises(InputFileError, match=message) as err:
        extract(tmp_path, [row])
    assert (err.value.row, err.value.column) == (2, column)


def test_duplicate_rows_are_refused(tmp_path: Path):
    row = "2019/20,10000001,Uni A,Testcity,First degree,E08000026,25"
    with pytest.raises(InputFileError, match="duplicate") as err:
        extract(tmp_path, [row, row])
    assert err.value.row == 3


def test_hesa_open_data_layout_is_read(tmp_path: Path):
    path = tmp_path / "hesa.csv"
    path.write_text(
        "Title:,Graduate Outcomes extract\nReference ID:,bespoke\n\n"
        + HEADER
        + "2019/20,10000001,Uni A,Testcity,First degree,E08000026,25\n",
        encoding="utf-8",
    )
    frame = load_graduate_outcomes(path)
    assert frame.graduates.tolist() == [25] and frame.attrs["synthetic"] is False


def test_synthetic_stand_in_is_reproducible_flagged_and_calibrated():
    entry = dataset("hesa_go_extract").entry
    assert entry["synthetic"] is True
    lad21 = pd.read_csv(resolve("data/reference/lad21.csv"), dtype=str, keep_default_na=False)
    regenerated = synth.generate(lad21).to_csv(index=False, lineterminator="\n").encode()
    import hashlib

    assert hashlib.sha256(regenerated).hexdigest() == entry["sha256"] == sha256_file(resolve(entry["path"]))
    inputs = gr.read_inputs(pinned("graduate_retention")[0])
    assert inputs.synthetic and inputs.extract["synthetic"].all()
    # Calibrated to Centre for Cities' published 15% and 40th of 43 (2014/15 graduates).
    ranks = gr.ranking(inputs.extract, inputs.cities, "2017/18")
    coventry = ranks[ranks.provider_city == "Coventry"].iloc[0]
    assert round(coventry.rate) == 15 and coventry["rank"] == 40 and len(ranks) == 43


def test_every_output_of_synthetic_data_says_so(tmp_path: Path):
    result = gr.compute(gr.read_inputs(*pinned("graduate_retention")), "Coventry", "2021/22", "E08000026")
    gr.write_outputs(result, tmp_path)
    kf = result.key_figures["retention"]
    assert kf["synthetic"] == "yes" and "synthetic stand-in" in kf["notice"]
    assert kf["latest_sentence"].startswith("[Synthetic data, illustrative only]")
    assert kf["figures"]["trend"]["alt"].startswith("Synthetic")
    assert result.indicators["note"].str.contains("synthetic").all()
    assert gr.labelled("| a |", result).startswith("**Synthetic data, illustrative only.**")
    for name in ("retention_by_cohort.csv", "retention_by_provider.csv", "retention_city_ranking.csv"):
        assert pd.read_csv(tmp_path / name)["synthetic"].all()


def test_a_cohort_not_in_the_data_is_said_to_be_not_yet_available():
    inputs = gr.read_inputs(pinned("graduate_retention")[0])
    result = gr.compute(inputs, "Coventry", "2022/23", "E08000026")
    assert (
        result.latest == "2021/22"
        and "2022/23 cohort is not in this edition's inputs" in result.key_figures["retention"]["latest_sentence"]
    )

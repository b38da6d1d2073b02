"""indicators.csv as a published dataset: plain decimals by one rounding rule, basis and synthetic flag
as columns, and a CSVW description that the file is validated against."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from csvw import CSVW

from skills_evidence import csvfiles, editions
from skills_evidence.publishing import dataset


def test_numbers_are_plain_decimals_rounded_by_the_one_rule():
    # Nomis T19: West Midlands 16-64 population summed from districts, 3,594,900 in 2017 (pandas' %g wrote 3.5949e+06).
    assert csvfiles.plain(3594900.0) == "3594900"
    assert csvfiles.plain(80.59474) == "80.595" and csvfiles.plain(58.9) == "58.9"  # ONS: Coventry L3+ 2021 58.9
    assert csvfiles.plain(-0.0001) == "0" and csvfiles.plain(float("nan")) == ""


def test_a_whole_column_is_written_as_plain_and_inert_write_each_cell():
    # Every figure of ONS's level 3+ file (the real spread of values, intervals and gaps), then the edges:
    # halves at the third decimal, negative zero, counts past a million, sizes where "%.3f" and numpy differ
    # (9379631364690.46: "%.3f" gives .461).
    ons = pd.read_csv(Path(__file__).parents[2] / "data/snapshots/ons-els/2025/l3plus_16_64_rqf.csv")
    edges = [
        0.0005,
        -0.0005,
        0.0015,
        2.5e-4,
        -0.0,
        1e-9,
        2897300.0,
        999999999999.9995,
        1e12 + 0.125,
        9379631364690.46,
        1e15,
        1e20,
    ]
    numbers = pd.concat([ons["value"], ons["ci_lower"], pd.Series(edges + [float("nan"), float("inf")])])
    assert csvfiles.plain_column(numbers) == [csvfiles.plain(n) for n in numbers]
    assert csvfiles.plain_column(pd.Series([1.5, None], dtype="Float64")) == ["1.5", ""]
    texts = pd.Series(["=HYPERLINK(1)", "-11.6", "+x", "@a", "\tz", "a\r\nb", "Coventry", None, 3])
    assert csvfiles.inert_column(texts).tolist() == [csvfiles.inert(t) for t in texts]
    assert csvfiles.inert_column(pd.Series([1, 2], dtype=object)).tolist() == [1, 2]


def rows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # ONS published Coventry level 3+ 2021: 58.9 (52.9 to 64.9), NVQ basis.
            {
                "indicator_id": "qual_l3plus_16_64",
                "breakdown": "framework:NVQ",
                "geography_code": "E08000026",
                "geography_name": "Coventry",
                "period": "2021",
                "value": 58.9,
                "ci_lower": 52.9,
                "ci_upper": 64.9,
                "source_id": "ons_l3plus_nvq",
                "vintage": "2004 to 2021",
            },
            # Nomis T19 sum for the West Midlands region, 2017: 2,897,300 of 3,594,900 at level 1 or above.
            {
                "indicator_id": "qual_l1plus_16_64",
                "breakdown": "framework:NVQ",
                "geography_code": "E12000005",
                "geography_name": "West Midlands",
                "period": "2017",
                "value": 80.5947,
                "numerator": 2897300.0,
                "denominator": 3594900.0,
                "source_id": "aps_t19_qualifications",
                "status": "u",
            },
            {
                "indicator_id": "grad_retention_rate",
                "geography_code": "E08000026",
                "geography_name": "Coventry",
                "period": "2021/22",
                "value": 15.2,
                "source_id": "hesa_go_extract",
                "vintage": "cohorts 2017/18 to 2021/22 (synthetic)",
                "note": "synthetic stand-in: illustrative only",
            },
        ]
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return dataset.publish(
        rows(), tmp_path / "indicators.csv", title="Test edition: indicators", synthetic_from={"hesa_go_extract"}
    )


def test_the_file_validates_against_its_csvw_description(published: Path):
    table = CSVW(str(published.with_name("indicators.csv-metadata.json")), validate=True)
    assert table.is_valid
    read = {(r["indicator_id"], r["geography_code"]): r for r in table.tables[0].iterdicts()}
    assert str(read[("qual_l1plus_16_64", "E12000005")]["denominator"]) == "3594900"
    assert read[("qual_l3plus_16_64", "E08000026")]["basis"] == "NVQ"
    assert read[("grad_retention_rate", "E08000026")]["synthetic"] is True
    assert read[("qual_l3plus_16_64", "E08000026")]["synthetic"] is False


def test_every_column_is_described_with_the_status_legend_and_rounding_rule(published: Path):
    meta = json.loads(published.with_name("indicators.csv-metadata.json").read_text())
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == published.read_text().splitlines()[0].split(",")
    assert all(c["dc:description"] for c in columns)
    assert "rounded to 3 decimal places" in meta["dc:description"] and "c, confidential" in meta["dc:description"]
    assert "1 higher is better" in next(c for c in columns if c["name"] == "polarity")["dc:description"]


@pytest.mark.parametrize(("good", "bad"), [(",3594900,", ",3.5949e+06,"), (",u,sum", ",q,sum")])
def test_validation_fails_on_scientific_notation_or_an_unknown_mark(tmp_path: Path, good: str, bad: str):
    frame = rows()
    frame.loc[1, "note"] = "sum of 30 local authority estimates"
    path = dataset.publish(frame, tmp_path / "indicators.csv", title="t", synthetic_from=set())
    assert good in path.read_text()
    path.write_text(path.read_text().replace(good, bad))
    assert not CSVW(str(path.with_name("indicators.csv-metadata.json")), validate=True).is_valid


def test_the_synthetic_flag_comes_from_the_source_datasets_sidecar():
    # The 2025 edition pins hesa_go_extract@synthetic-1, university_cities@synthetic-1 and
    # skills_survey_export@synthetic-1, whose sidecars say `synthetic: true`; every official dataset's does not.
    _, defined, _ = editions.load()
    assert dataset.synthetic_sources(defined[2025].data) == {
        "hesa_go_extract",
        "university_cities",
        "skills_survey_export",
    }
    frame = pd.DataFrame({"source_id": ["hesa_go_extract", "ons_l3plus_nvq"], "note": ["", "synthetic in words only"]})
    assert dataset.synthetic(frame, dataset.synthetic_sources(defined[2025].data)).tolist() == [True, False]

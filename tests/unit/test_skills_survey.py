"""Skills Survey: raking, effective sample size and Wilson intervals worked by hand; disclosure control;
the loader; and the synthetic stand-in reproducing the council's published figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skills_evidence.chapters import skills_survey
from skills_evidence.editions import inputs as pinned
from skills_evidence.inputs.loaders import InputFileError
from skills_evidence.inputs.loaders.survey import load_survey
from skills_evidence.inputs.snapshots import paths_for
from skills_evidence.statistics import disclosure, intervals, weighting


@pytest.fixture(scope="module")
def inputs() -> skills_survey.Inputs:
    return skills_survey.read_inputs(pinned("skills_survey")[0])


def test_raking_to_one_margin_is_simple_post_stratification():
    # 3 men and 1 woman raked to 50/50: each man weighs (0.5·4)/3 = 2/3 and the woman 2, before scaling to mean 1.
    frame = pd.DataFrame({"gender": ["Male", "Male", "Male", "Female"]})
    w = weighting.rake(frame, {"gender": {"Male": 50, "Female": 50}})
    assert w.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    # Kish: (Σw)² / Σw² = 16 / (3·4/9 + 4) = 16 / (16/3) = 3.
    assert weighting.effective_sample_size(w) == pytest.approx(3.0)


def test_raking_meets_two_margins_at_once():
    frame = pd.DataFrame({"a": ["x", "x", "y", "y", "y", "x"], "b": ["p", "q", "p", "q", "q", "q"]})
    w = weighting.rake(frame, {"a": {"x": 30, "y": 70}, "b": {"p": 60, "q": 40}})
    assert w[frame.a == "x"].sum() / w.sum() == pytest.approx(0.3) and w[
        frame.b == "p"
    ].sum() / w.sum() == pytest.approx(0.6)


def test_wilson_interval_on_the_effective_sample_size():
    # 30% with n_eff 100: Wilson 95% = 21.9% to 39.6% (z = 1.96; centre 0.3074, half-width 0.0885).
    low, high = intervals.wilson(30, 100)
    assert (round(low, 1), round(high, 1)) == (21.9, 39.6)
    # A weighted share uses the same interval with the effective sample size as n: equal weights, n_eff = n.
    share = weighting.weighted_share(pd.Series([1.0] * 30 + [0.0] * 70), pd.Series([2.0] * 100))
    assert (round(share["ci_lower"], 1), round(share["ci_upper"], 1)) == (21.9, 39.6)


def test_primary_and_secondary_suppression():
    table = pd.DataFrame(
        [
            {
                "item": "x",
                "breakdown": "all",
                "group": "All",
                "n": 100,
                "k": 40,
                "share": 40.0,
                "ci_lower": 1.0,
                "ci_upper": 2.0,
                "n_eff": 90.0,
            },
            {
                "item": "x",
                "breakdown": "age",
                "group": "16-24",
                "n": 12,
                "k": 4,
                "share": 33.3,
                "ci_lower": 1.0,
                "ci_upper": 2.0,
                "n_eff": 11.0,
            },
            {
                "item": "x",
                "breakdown": "age",
                "group": "25-49",
                "n": 50,
                "k": 20,
                "share": 40.0,
                "ci_lower": 1.0,
                "ci_upper": 2.0,
                "n_eff": 45.0,
            },
            {
                "item": "x",
                "breakdown": "age",
                "group": "50+",
                "n": 38,
                "k": 16,
                "share": 42.1,
                "ci_lower": 1.0,
                "ci_upper": 2.0,
                "n_eff": 35.0,
            },
        ]
    )
    out = disclosure.apply(table).set_index("group")
    # 16-24 has only 4 ticking: withheld. 50+ is the next-smallest group: withheld too, or 16-24 could be recovered.
    assert out.loc["16-24", "status"] == "c" and out.loc["50+", "status"] == "c" and out.loc["25-49", "status"] == ""
    assert math.isnan(out.loc["16-24", "n"]) and math.isnan(out.loc["50+", "share"])


def test_every_published_cell_rests_on_at_least_ten_respondents(inputs):
    for wave, previous in (("2021", None), ("2", "2021")):
        t = skills_survey.compute(inputs, wave, previous, "E08000026").estimates
        shown = t[t.status == ""]
        assert (shown.n >= 10).all() and (shown.k >= 10).all() and ((shown.n - shown.k) >= 10).all()
        for _, part in t[t.breakdown != "all"].groupby(["item", "breakdown"]):
            assert (part.status == "c").sum() != 1  # never exactly one withheld cell in a breakdown


def test_stand_in_reproduces_the_published_2021_figures_unweighted(inputs):
    # Appendix C (2021, n = 259): learn something new 27.8%, gain confidence 18.5%, hobbies 11.3%, career change
    # 10.3%, found courses online 60.6%, Job Shop 41.5%; strategy: time restrictions 48%, more online courses 36%.
    r = skills_survey.compute(inputs, "2021", None, "E08000026")
    u = r.published_check.set_index("item")["unweighted_pct"]
    assert r.n == 259
    assert [
        round(u[i], 1)
        for i in (
            "reason_learn_new",
            "reason_confidence",
            "reason_hobbies",
            "reason_career_change",
            "channel_online",
            "channel_job_shop",
        )
    ] == [27.8, 18.5, 11.3, 10.3, 60.6, 41.5]
    assert (round(u["barrier_time"]), round(u["barrier_more_online"])) == (48, 36)
    w = inputs.responses[inputs.responses.wave == "2021"]
    # Hobbies: 25% of disabled, 2.4% of Asian and 8.3% of 25-49 respondents; career change: 0 of 16-24s.
    assert round(100 * w[w.disability == "Yes"].reason_hobbies.mean(), 1) == 25.0
    assert round(100 * w[w.ethnic_group == "Asian"].reason_hobbies.mean(), 1) == 2.4
    assert w[w.age_band == "16-24"].reason_career_change.sum() == 0


def test_employed_share_is_counted_from_the_status_columns(inputs):
    # Skills Survey report: full-time 45.7%, part-time 14.2%, self-employed 3.6% → 63.5% employed (it printed 73.6%).
    r = skills_survey.compute(inputs, "2", "2021", "E08000026")
    employed = r.published_check.set_index("item").loc["employed", "unweighted_pct"]
    assert round(employed, 1) == round(100 * 496 / 782, 1) == 63.4  # 357 + 111 + 28 respondents of 782
    assert "counted from the status columns" in r.key_figures["survey"]["employed_sentence"]


def test_confidence_model_and_wave_change(inputs):
    r = skills_survey.compute(inputs, "2", "2021", "E08000026")
    assert list(r.model.term) == [
        "Aged 16-24 (vs 25-49)",
        "Aged 50+ (vs 25-49)",
        "Disabled (vs not)",
        "White British (vs other groups)",
    ]
    disabled = r.model.set_index("term").loc["Disabled (vs not)"]
    assert (
        disabled.odds_ratio < 1 and disabled.ci_upper < 1
    )  # the stand-in builds in lower confidence among disabled respondents
    row = r.change.set_index("item").loc["barrier_time"]
    expected = (
        (row.share_current - row.share_previous)
        / 100
        / math.sqrt(
            row.share_previous / 100 * (1 - row.share_previous / 100) / row.n_eff_previous
            + row.share_current / 100 * (1 - row.share_current / 100) / row.n_eff_current
        )
    )
    assert row.z == pytest.approx(expected)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("age_band", "65+", "is not one of"),
        ("barrier_time", "yes", "0, 1 or blank"),
        ("confidence_skills", "7", "1 to 5"),
    ],
)
def test_loader_reports_bad_values_by_row_and_column(tmp_path: Path, column, value, message):
    source = pd.read_csv(
        paths_for(["skills_survey_export"])["skills_survey_export"], dtype=str, keep_default_na=False
    ).head(5)
    source.loc[3, column] = value
    path = tmp_path / "export.csv"
    source.to_csv(path, index=False)
    with pytest.raises(InputFileError, match=message) as err:
        load_survey(path)
    assert (err.value.row, err.value.column) == (5, column)


def test_loader_keeps_personal_data_out_of_the_responses(tmp_path: Path):
    source = pd.read_csv(
        paths_for(["skills_survey_export"])["skills_survey_export"], dtype=str, keep_default_na=False
    ).head(5)
    source["email"] = "someone@example.com"
    path = tmp_path / "export.csv"
    source.to_csv(path, index=False)
    export = load_survey(path)
    assert {"free_text", "email", "postcode_district", "ward"} <= set(export.dropped_columns)
    assert not any(export.responses.astype(str).apply(lambda c: c.str.contains("example.com")).any())


def test_synthetic_export_is_flagged_and_regenerates_byte_for_byte():
    import hashlib

    from skills_evidence.inputs.snapshots import dataset
    from skills_evidence.inputs.synthetic import skills_survey as synth

    entry = dataset("skills_survey_export").entry
    text = synth.generate().to_csv(index=False, lineterminator="\n", float_format="%g").encode()
    assert entry["synthetic"] is True and hashlib.sha256(text).hexdigest() == entry["sha256"]
    assert np.all(pd.read_csv(paths_for(["skills_survey_export"])["skills_survey_export"])["synthetic"])


def test_the_weights_use_only_margins_with_a_stated_basis_and_never_the_50_plus_remainder(inputs):
    # The council's report prints 25.9% (16-24) and 59.6% (25-49): 50+ would be the 14.5% remainder, not a
    # population figure. The margins' sidecar marks age as not used; gender (49.5/50.1 rescaled: 49.699),
    # disability (22.3) and White British (55.3) are used, each basis stated in the chapter.
    assert inputs.margin_notes["age_band"]["rake"] is False
    r = skills_survey.compute(inputs, "2", "2021", "E08000026")
    table = r.representativeness.set_index(["dimension", "category"])
    assert pd.isna(table.loc[("age_band", "50+"), "population_pct"])  # no population figure beside it
    assert table.loc[("gender", "Male"), "weighted_pct"] == pytest.approx(49.699, abs=0.001)
    assert table.loc[("disability", "Yes"), "weighted_pct"] == pytest.approx(22.3)
    kf = r.key_figures["survey"]
    assert "by gender, disability and ethnic group (White British or not)," in kf["sample_sentence"]
    assert "age (not used): the report prints 25.9% for ages 16-24" in kf["margins_sentence"]
    assert "on age, disability and ethnic group (White British or not)" in kf["model_sentence"]


def test_a_margin_without_a_stated_basis_is_refused_by_name(tmp_path: Path):
    paths = dict(pinned("skills_survey")[0])
    margins = tmp_path / "margins.csv"
    margins.write_text(Path(paths["survey_population_margins"]).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "margins.csv.meta.yaml").write_text(
        "margins:\n  gender: {rake: true, basis: printed}\n", encoding="utf-8"
    )
    paths["survey_population_margins"] = str(margins)
    with pytest.raises(InputFileError, match=r"margins.csv.meta.yaml.*age_band, disability, white_british"):
        skills_survey.read_inputs(paths)


def test_many_wave_changes_say_how_many_would_pass_by_chance(inputs):
    # 19 findings tested at the 5% level: about 19 × 0.05 = 0.95 would pass by chance alone; Holm's correction
    # keeps only changes whose p-values beat 0.05/19, 0.05/18, ... in turn.
    r = skills_survey.compute(inputs, "2", "2021", "E08000026")
    tested = r.change.dropna(subset=["p_value"])
    assert len(tested) == 19
    held = r.change["significant_after_holm"].sum()
    assert held <= (r.change["assessment"].str.startswith("significant")).sum()
    smallest = tested["p_value"].min()
    assert bool(r.change.loc[tested["p_value"].idxmin(), "significant_after_holm"]) == (smallest < 0.05 / 19)
    sentence = r.key_figures["survey"]["change_sentence"]
    assert "With 19 changes tested, about 1.0 would pass that test by chance alone" in sentence
    assert f"after Holm's correction for testing them together, {held} remain" in sentence


def test_raking_that_cannot_converge_is_refused_not_silent():
    # Hand-worked: two columns that are the same answer, given contradictory targets (60% and 40% "Yes"), can
    # never both be met; the weights were returned as if they had been.
    import pandas as pd

    from skills_evidence.statistics import weighting

    frame = pd.DataFrame({"a": ["Yes", "No", "Yes", "No"], "b": ["Yes", "No", "Yes", "No"]})
    margins = {"a": {"Yes": 0.6, "No": 0.4}, "b": {"Yes": 0.4, "No": 0.6}}
    with pytest.raises(ValueError, match="did not converge"):
        weighting.rake(frame, margins, max_iter=50)

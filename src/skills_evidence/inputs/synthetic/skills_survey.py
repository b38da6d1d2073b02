"""A synthetic stand-in for the council's Skills Survey exports (the real microdata is confidential).

Two waves: the 2021 survey behind the strategy (259 respondents, Appendix C) and a later wave (the
Coventry Skills Survey report; its fieldwork year was not recorded, so the wave is labelled "2").
Respondents are made up. What is calibrated is what the council published: each wave's respondent
profile, and the headline percentages (reasons for learning, barriers, how people find courses,
employment status, confidence by age), which the stand-in's *unweighted* figures reproduce exactly to
the printed precision. Each published figure becomes a constraint, and every option's respondents are
chosen by a small integer program (scipy's MILP with a seeded random objective), so both overall and
subgroup figures land where they were printed. Where the council printed no figure (e.g. wave 2
reasons), values are plausible inventions. Every row carries `synthetic=True`; free text is bland
invented text with no personal data.

Run `python -m skills_evidence.inputs.synthetic.skills_survey` to regenerate (seed 2021259).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from skills_evidence.paths import resolve

SEED = 2021259
TARGET = "data/synthetic/skills_survey_export_synthetic.csv"
REASONS = ["learn_new", "confidence", "hobbies", "career_change", "progress_at_work", "get_a_job"]
BARRIERS = ["time", "more_online", "cost", "childcare", "travel", "dont_see_value"]
CHANNELS = ["online", "job_shop", "word_of_mouth", "library", "social_media"]
STATUSES = [
    "employed_full_time",
    "employed_part_time",
    "self_employed",
    "looking_for_work",
    "student",
    "carer",
    "retired",
    "other",
]
TEXTS = [
    "More evening courses would help.",
    "Courses near the city centre.",
    "I would like digital skills classes.",
    "Flexible times please.",
    "",
    "",
    "Nothing to add.",
]
WARDS = ["Foleshill", "Lower Stoke", "St Michael's", "Upper Stoke", "Wainbody", "Westwood", "Whoberley", "Earlsdon"]


def exact_counts(n: int, shares: dict[str, float], digits: int) -> dict[str, int]:
    """Integer counts summing to n whose percentages round to the printed `shares` (largest remainder)."""
    raw = {k: n * v / 100 for k, v in shares.items()}
    counts = {k: int(np.floor(x)) for k, x in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    for k, v in shares.items():
        assert round(100 * counts[k] / n, digits) == round(v, digits), (k, counts[k], n, v)
    return counts


def shuffled(rng: np.random.Generator, counts: dict[str, int]) -> list[str]:
    """A random order of category labels with exactly the given counts."""
    labels = [k for k, c in counts.items() for _ in range(c)]
    return list(rng.permutation(labels))


def count_for(percent: float, base: int, digits: int = 1) -> int:
    """The count out of `base` whose percentage prints as `percent` (error if none does)."""
    for k in range(base + 1):
        if round(100 * k / base, digits) == round(percent, digits):
            return k
    raise ValueError(f"{percent}% cannot be printed from a base of {base}")


def choose(
    rng: np.random.Generator, eligible: np.ndarray, total: int, groups: list[tuple[np.ndarray, int]]
) -> np.ndarray:
    """A random subset of `eligible` of size `total` with exactly the given count inside each group mask."""
    idx = np.flatnonzero(eligible)
    rows = [np.ones(len(idx))] + [g[idx].astype(float) for g, _ in groups]
    targets = [total] + [k for _, k in groups]
    result = milp(
        c=rng.random(len(idx)),
        integrality=np.ones(len(idx)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.array(rows), targets, targets),
    )
    if not result.success:
        raise ValueError(f"no selection meets the published figures: {result.message}")
    chosen = np.zeros(len(eligible), dtype=bool)
    chosen[idx[np.round(result.x).astype(bool)]] = True
    return chosen


def base_frame(rng: np.random.Generator, wave: str, n: int, profile: dict[str, dict[str, int]]) -> pd.DataFrame:
    """Respondents with the wave's exact profile, the characteristics shuffled independently."""
    frame = pd.DataFrame({"respondent_id": [f"S{wave}-{i:04d}" for i in range(1, n + 1)], "wave": wave})
    for column, counts in profile.items():
        frame[column] = shuffled(rng, counts)
    frame["ward"] = rng.choice(WARDS, n)
    frame["postcode_district"] = rng.choice(["CV1", "CV2", "CV3", "CV4", "CV5", "CV6"], n)
    frame["highest_qualification"] = rng.choice(
        ["None", "Level 1", "Level 2", "Level 3", "Level 4+"], n, p=[0.08, 0.12, 0.2, 0.25, 0.35]
    )
    frame["free_text"] = rng.choice(TEXTS, n)
    frame["synthetic"] = True
    return frame


def select(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    column: str,
    eligible: np.ndarray,
    percent: float,
    subgroups: list[tuple[np.ndarray, float]] = (),
    digits: int = 1,
) -> None:
    """Set a 0/1 answer column: `percent` of the eligible respondents, and each subgroup's printed percent."""
    groups = [(mask & eligible, count_for(p, int((mask & eligible).sum()), digits)) for mask, p in subgroups]
    chosen = choose(rng, eligible, count_for(percent, int(eligible.sum()), digits), groups)
    frame[column] = np.where(eligible, chosen.astype(float), np.nan)


def printable(percent: float, size: int, digits: int = 1) -> list[tuple[int, int]]:
    """(base, count) pairs with base <= size whose percentage prints as `percent`, largest base first."""
    return [
        (b, k) for b in range(size, 0, -1) for k in range(b + 1) if round(100 * k / b, digits) == round(percent, digits)
    ]


def select_item(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    column: str,
    percent: float,
    subgroups: list[tuple[np.ndarray, float]] = (),
) -> None:
    """A tick-box item with its own non-response. One integer program chooses who answered (a) and who
    ticked (t <= a) so that the overall figure and every subgroup figure print exactly as published."""
    n = len(frame)
    options = [printable(p, int(mask.sum()))[:6] for mask, p in subgroups]
    for base, count in printable(percent, n)[:12]:
        for combo in itertools.product(*options):
            rows, lo = [], []
            rows.append(np.r_[np.ones(n), np.zeros(n)])
            lo.append(base)
            rows.append(np.r_[np.zeros(n), np.ones(n)])
            lo.append(count)
            for (mask, _), (b, k) in zip(subgroups, combo):
                rows.append(np.r_[mask, np.zeros(n)])
                lo.append(b)
                rows.append(np.r_[np.zeros(n), mask])
                lo.append(k)
            link = np.hstack([-np.eye(n), np.eye(n)])  # ticked implies answered
            result = milp(
                c=rng.random(2 * n),
                integrality=np.ones(2 * n),
                bounds=Bounds(0, 1),
                constraints=[LinearConstraint(np.array(rows, dtype=float), lo, lo), LinearConstraint(link, -np.inf, 0)],
            )
            if result.success:
                answered, ticked = np.round(result.x[:n]).astype(bool), np.round(result.x[n:]).astype(bool)
                frame[column] = np.where(answered, ticked.astype(float), np.nan)
                return
    raise ValueError(f"{column}: no base prints {percent}% with its subgroup figures")


def select_each(rng: np.random.Generator, frame: pd.DataFrame, eligible: np.ndarray, shares: dict[str, float]) -> None:
    """`select` for several options with whole-per-cent shares (figures the council did not print)."""
    for column, percent in shares.items():
        select(rng, frame, column, eligible, percent, digits=0)


def wave_2021(rng: np.random.Generator) -> pd.DataFrame:
    """The 2021 wave: n = 259 and the figures printed in Appendix C and the strategy."""
    n = 259
    frame = base_frame(
        rng,
        "2021",
        n,
        {
            "gender": exact_counts(n, {"Male": 37, "Female": 62, "Prefer not to say": 100 * 2 / n}, 0),
            "age_band": exact_counts(n, {"16-24": 13, "25-49": 58, "50+": 29}, 0),
            "ethnic_group": exact_counts(
                n, {"White British": 41, "Asian": 26, "Other": 18, "Black": 11, "Prefer not to say": 4}, 0
            ),
            "disability": exact_counts(n, {"Yes": 100 * 29 / n, "No": 100 * 230 / n}, 1),
        },
    )
    everyone = np.ones(n, dtype=bool)
    disabled, asian = (frame["disability"] == "Yes").to_numpy(), (frame["ethnic_group"] == "Asian").to_numpy()
    mid, young = (frame["age_band"] == "25-49").to_numpy(), (frame["age_band"] == "16-24").to_numpy()
    white_british = (frame["ethnic_group"] == "White British").to_numpy()
    # Each reason was a separate tick-box item with its own non-response: no single base prints all four figures.
    select_item(rng, frame, "reason_learn_new", 27.8)
    select_item(rng, frame, "reason_confidence", 18.5)
    select_item(rng, frame, "reason_hobbies", 11.3, [(disabled, 25.0), (asian, 2.4), (mid, 8.3)])
    select_item(rng, frame, "reason_career_change", 10.3, [(white_british, 12.3), (mid, 12.6), (young, 0.0)])
    answered = np.ones(n, dtype=bool)
    select_each(rng, frame, answered, {"reason_progress_at_work": 21, "reason_get_a_job": 14})
    shown = np.zeros(n, dtype=bool)  # channels: asked of those who had looked for a course
    shown[rng.permutation(n)[:241]] = True
    select(rng, frame, "channel_online", shown, 60.6)
    select(rng, frame, "channel_job_shop", shown, 41.5)
    select_each(rng, frame, shown, {"channel_word_of_mouth": 30, "channel_library": 12, "channel_social_media": 22})
    select_each(
        rng,
        frame,
        everyone,
        {
            "barrier_time": 48,
            "barrier_more_online": 36,
            "barrier_cost": 27,
            "barrier_childcare": 14,
            "barrier_travel": 11,
            "barrier_dont_see_value": 9,
        },
    )
    statuses(
        rng,
        frame,
        {
            "employed_full_time": 41,
            "employed_part_time": 16,
            "self_employed": 5,
            "looking_for_work": 22,
            "student": 9,
            "carer": 4,
            "retired": 6,
            "other": 2,
        },
        digits=0,
    )
    confidence(rng, frame, {"16-24": 66, "25-49": 55, "50+": 43})
    return frame


def wave_2(rng: np.random.Generator) -> pd.DataFrame:
    """The later wave: n = 782, the smallest size that prints every figure of the Skills Survey report exactly."""
    n = 782
    frame = base_frame(
        rng,
        "2",
        n,
        {
            "gender": {"Male": 387, "Female": 395},
            "age_band": {"16-24": 146, "25-49": 527, "50+": 109},
            "ethnic_group": {
                "White British": 324,
                "White Other": 165,
                "Asian": 178,
                "Black": 69,
                "Other": 27,
                "Prefer not to say": 19,
            },
            "disability": {"Yes": count_for(28.9, n), "No": n - count_for(28.9, n)},
        },
    )
    everyone = np.ones(n, dtype=bool)
    answered = np.zeros(n, dtype=bool)
    answered[rng.permutation(n)[:700]] = True
    select_each(
        rng,
        frame,
        answered,
        {
            "reason_learn_new": 31,
            "reason_confidence": 20,
            "reason_hobbies": 10,
            "reason_career_change": 13,
            "reason_progress_at_work": 22,
            "reason_get_a_job": 18,
        },
    )
    select_each(
        rng,
        frame,
        everyone,
        {
            "channel_online": 66,
            "channel_job_shop": 38,
            "channel_word_of_mouth": 28,
            "channel_library": 9,
            "channel_social_media": 29,
        },
    )
    select_each(
        rng,
        frame,
        everyone,
        {
            "barrier_time": 44,
            "barrier_more_online": 31,
            "barrier_cost": 30,
            "barrier_childcare": 15,
            "barrier_travel": 12,
            "barrier_dont_see_value": 11,
        },
    )
    statuses(
        rng,
        frame,
        {
            "employed_full_time": 45.7,
            "employed_part_time": 14.2,
            "self_employed": 3.6,
            "looking_for_work": 24.3,
            "student": 7.8,
            "carer": 3.5,
            "retired": 1.8,
            "other": 1.7,
        },
        digits=1,
    )
    confidence(rng, frame, {"16-24": 72, "25-49": 58, "50+": 39}, exact=True)
    return frame


def statuses(rng: np.random.Generator, frame: pd.DataFrame, shares: dict[str, float], digits: int) -> None:
    """Multi-select employment status columns with the printed shares; the work statuses do not overlap."""
    n = len(frame)
    free = np.ones(n, dtype=bool)
    for status in ("employed_full_time", "employed_part_time", "self_employed", "looking_for_work", "retired"):
        chosen = choose(rng, free, count_for(shares[status], n, digits), [])
        frame[f"status_{status}"] = chosen.astype(float)
        free &= ~chosen
    for status in ("student", "carer", "other"):  # these may go with another status
        frame[f"status_{status}"] = choose(
            rng, np.ones(n, dtype=bool), count_for(shares[status], n, digits), []
        ).astype(float)


def confidence(
    rng: np.random.Generator, frame: pd.DataFrame, agree_by_age: dict[str, int], exact: bool = False
) -> None:
    """Likert 1-5 'confident my skills are enough for my career aspirations': 4-5 for the printed share per age band,
    lower among disabled respondents so the model has something to find."""
    n = len(frame)
    score = np.zeros(n)
    disabled = (frame["disability"] == "Yes").to_numpy()
    for band, percent in agree_by_age.items():
        mask = (frame["age_band"] == band).to_numpy()
        k = count_for(percent, int(mask.sum()), 0) if exact else round(percent * mask.sum() / 100)
        weights = np.where(disabled[mask], 0.6, 1.0) * rng.random(mask.sum())
        agree = np.zeros(mask.sum(), dtype=bool)
        agree[np.argsort(-weights)[:k]] = True
        idx = np.flatnonzero(mask)
        score[idx[agree]] = rng.choice([4, 5], agree.sum(), p=[0.6, 0.4])
        score[idx[~agree]] = rng.choice([1, 2, 3], (~agree).sum(), p=[0.2, 0.35, 0.45])
    frame["confidence_skills"] = score


def generate(seed: int = SEED) -> pd.DataFrame:
    """Both waves as one export in the documented schema."""
    rng = np.random.default_rng(seed)
    frame = pd.concat([wave_2021(rng), wave_2(rng)], ignore_index=True)
    columns = [
        "respondent_id",
        "wave",
        "gender",
        "age_band",
        "ethnic_group",
        "disability",
        "ward",
        "postcode_district",
        "highest_qualification",
        *[f"status_{s}" for s in STATUSES],
        *[f"reason_{r}" for r in REASONS],
        *[f"barrier_{b}" for b in BARRIERS],
        *[f"channel_{c}" for c in CHANNELS],
        "confidence_skills",
        "free_text",
        "synthetic",
    ]
    return frame[columns]


def main() -> None:
    """Regenerate the shipped synthetic export."""
    frame = generate()
    target = resolve(TARGET)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, lineterminator="\n", float_format="%g")
    print(f"wrote {len(frame)} respondents to {target}")


if __name__ == "__main__":
    main()

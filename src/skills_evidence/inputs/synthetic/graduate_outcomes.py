"""A synthetic stand-in for the HESA Graduate Outcomes extract the council would buy.

The real extract (provider × local authority of employment × cohort × level of study, counts
rounded to 5) is licensed, so the book ships this illustrative one. It is calibrated only to what
was published: Centre for Cities found 15% of 2014/15 graduates of Coventry's universities working
in the city, 40th of 43 university cities. Here Coventry's rate starts near 15% for the 2017/18
cohort, 39 other cities are set above it and 3 below, so its rank stays near 40th. Nothing else in
it is real: all counts and the split by provider and level are made up, and the other 42 cities are
anonymous ("Synthetic city 01" …) so that no real city is shown with an invented rate; each is keyed
to a real district code only so that the extract has the shape of the real one.

Run `python -m skills_evidence.inputs.synthetic.graduate_outcomes` to regenerate the file (seed 20221011).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skills_evidence.paths import resolve

SEED = 20221011
TARGET = "data/synthetic/hesa_graduate_outcomes_extract_synthetic.csv"
CITY_TABLE = "data/synthetic/university_cities_synthetic.csv"
COHORTS = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]
LEVELS = {"First degree": 0.70, "Postgraduate taught": 0.25, "Postgraduate research": 0.05}
#: Coventry's two universities (real UKPRNs and names; the counts against them are synthetic).
COVENTRY_PROVIDERS = {
    "10001726": ("Coventry University", 6200, 0.195),
    "10007163": ("The University of Warwick", 4300, 0.085),
}
#: Districts standing in for the 43 university cities (Coventry real; the rest anonymised as synthetic cities).
CITIES = [
    "Aberdeen City",
    "Birmingham",
    "Bournemouth, Christchurch and Poole",
    "Bradford",
    "Brighton and Hove",
    "Bristol, City of",
    "Cambridge",
    "Cardiff",
    "Colchester",
    "Coventry",
    "Derby",
    "Dundee City",
    "City of Edinburgh",
    "Exeter",
    "Glasgow City",
    "Gloucester",
    "Huddersfield",
    "Kingston upon Hull, City of",
    "Leeds",
    "Leicester",
    "Lincoln",
    "Liverpool",
    "Luton",
    "Manchester",
    "Middlesbrough",
    "Newcastle upon Tyne",
    "Newport",
    "Northampton",
    "Norwich",
    "Nottingham",
    "Oxford",
    "Plymouth",
    "Portsmouth",
    "Preston",
    "Reading",
    "Sheffield",
    "Southampton",
    "Stoke-on-Trent",
    "Sunderland",
    "Swansea",
    "Wolverhampton",
    "Worcester",
    "York",
]
#: Where graduates who leave their university city work (a few real LAD codes, shares made up).
ELSEWHERE = {
    "E09000033": 0.30,
    "E08000025": 0.20,
    "E07000222": 0.15,
    "E08000029": 0.10,
    "E07000218": 0.10,
    "E06000016": 0.15,
}


def hesa_round(count: float) -> int:
    """HESA's rounding for published counts: 0, 1 and 2 become 0; everything else the nearest multiple of 5."""
    count = int(round(count))
    return 0 if count <= 2 else int(5 * round(count / 5))


def city_codes(lad21: pd.DataFrame) -> dict[str, str]:
    """City name → LAD code, for the names above that are LADs (Huddersfield and Colchester etc. map via their district)."""
    aliases = {
        "Huddersfield": "Kirklees",
        "Gloucester": "Gloucester",
        "Lincoln": "Lincoln",
        "Colchester": "Colchester",
        "Northampton": "West Northamptonshire",
        "Preston": "Preston",
    }
    by_name = dict(zip(lad21["lad_name"], lad21["lad_code"]))
    return {city: by_name[aliases.get(city, city)] for city in CITIES}


def city_table(lad21: pd.DataFrame) -> pd.DataFrame:
    """The city definitions the extract uses: city name → district code (other cities anonymised)."""
    codes = city_codes(lad21)
    names = ["Coventry"] + [f"Synthetic city {n:02d}" for n in range(1, len(CITIES))]
    districts = [codes["Coventry"]] + [codes[c] for c in CITIES if c != "Coventry"]
    return pd.DataFrame({"city": names, "lad_code": districts, "synthetic": [False] + [True] * (len(CITIES) - 1)})


def generate(lad21: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The synthetic extract: one row per cohort × provider × level × place of work, HESA-rounded."""
    rng = np.random.default_rng(seed)
    cities = city_table(lad21)
    codes = dict(zip(cities["city"], cities["lad_code"]))
    others = [c for c in cities["city"] if c != "Coventry"]
    order = rng.permutation(len(others))
    base = {}
    for rank, i in enumerate(order):  # 39 cities above Coventry's 15%, 3 below it
        base[others[i]] = rng.uniform(0.10, 0.14) if rank >= 39 else rng.uniform(0.19, 0.55)
    providers = []
    for ukprn, (name, size, rate) in COVENTRY_PROVIDERS.items():
        providers.append(("Coventry", ukprn, name, size, rate))
    for n, city in enumerate(others):
        providers.append(
            (city, f"9{n:07d}", f"Synthetic provider {n + 1:02d}", int(rng.uniform(2500, 9000)), base[city])
        )
    rows = []
    for k, cohort in enumerate(COHORTS):
        for city, ukprn, name, size, rate in providers:
            drift = 0.004 * k if city == "Coventry" else rng.normal(0, 0.01)
            for level, share in LEVELS.items():
                employed = rng.poisson(size * share)
                home = rng.binomial(employed, min(max(rate + drift, 0.01), 0.9))
                away = {code: share for code, share in ELSEWHERE.items() if code != codes[city]}
                rest = rng.multinomial(employed - home, np.array(list(away.values())) / sum(away.values()))
                unknown = rng.poisson(employed * 0.06)
                places = {codes[city]: home, **dict(zip(away, rest)), "unknown": unknown}
                for place, count in places.items():
                    rows.append(
                        {
                            "cohort": cohort,
                            "provider_ukprn": ukprn,
                            "provider_name": name,
                            "provider_city": city,
                            "level_of_study": level,
                            "employment_la_code": place,
                            "graduates": hesa_round(count),
                            "synthetic": True,
                        }
                    )
    frame = pd.DataFrame(rows)
    return frame.groupby([c for c in frame.columns if c != "graduates"], as_index=False, sort=True)["graduates"].sum()


def main() -> None:
    """Regenerate the shipped synthetic extract."""
    lad21 = pd.read_csv(resolve("data/reference/lad21.csv"), dtype=str, keep_default_na=False)
    frame = generate(lad21)
    target = resolve(TARGET)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, lineterminator="\n")
    city_table(lad21).to_csv(resolve(CITY_TABLE), index=False, lineterminator="\n")
    print(f"wrote {len(frame)} rows to {target} and the city table to {CITY_TABLE}")


if __name__ == "__main__":
    main()

"""Issue 26: where the area sits. The hex cartograms read from Open Innovations' HexJSON, the map's colour
scale, and the maps' rows built from the all-areas table (every authority's figure and verdict)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from skills_evidence.chapters import maps
from skills_evidence.chapters import progress as chapter
from skills_evidence.chapters import where_area_sits as where
from skills_evidence.editions import inputs, load, sections
from skills_evidence.inputs.loaders.files import read_table
from skills_evidence.paths import shared_dir

COVENTRY = "E08000026"
HEXMAPS = shared_dir() / "real-data" / "odileeds_hexmaps"


def test_the_cartogram_holds_every_english_authority_where_open_innovations_put_it():
    # PROVENANCE.md: 2023 districts 296 English hexes, Coventry at q 5, r 6; upper tier 151 English authorities.
    hexes = read_table(inputs("progress", 2026)[0]["hex_cartogram"])
    districts = hexes[hexes["layout"] == "districts"]
    assert len(districts) == 296
    assert len(hexes[hexes["layout"] == "upper"]) == 151
    coventry = districts.set_index("area_code").loc[COVENTRY]
    assert (int(coventry["q"]), int(coventry["r"])) == (5, 6)
    # Every code is the HexJSON's own, read independently here with the json module.
    source = json.loads((HEXMAPS / "uk-local-authority-districts-2023.hexjson").read_text(encoding="utf-8"))
    english = {c for c in source["hexes"] if c.startswith("E")}
    assert set(districts["area_code"]) == english


def test_odd_rows_sit_half_a_hexagon_to_the_right():
    placed = maps.centres(pd.DataFrame({"q": [0, 0, 3], "r": [0, 1, -1]}))
    assert placed["x"].tolist() == [0.0, 0.5, 3.5]  # HexJSON "odd-r"; row -1 is odd too
    assert placed["y"].tolist() == pytest.approx([0.0, maps.ROW_HEIGHT, -maps.ROW_HEIGHT])


def test_the_scale_centres_on_england_and_purple_is_better_whichever_way_better_runs():
    values = pd.Series([50.0 + i for i in range(-20, 21)])
    higher_better = maps.scale(values, 50.0, polarity=1)
    lower_better = maps.scale(values, 50.0, polarity=-1)
    middle = mcolors.to_hex(plt.get_cmap(maps.DIVERGING)(0.5))
    assert higher_better.colour(50.0) == lower_better.colour(50.0) == middle
    purple, orange = plt.get_cmap(maps.DIVERGING)(1.0), plt.get_cmap(maps.DIVERGING)(0.0)
    assert higher_better.colour(100.0) == mcolors.to_hex(purple)  # beyond the scale: its end colour
    assert lower_better.colour(100.0) == mcolors.to_hex(orange)
    assert higher_better.colour(float("nan")) == maps.NO_FIGURE


def test_a_measure_with_no_better_direction_gets_a_sequential_scale():
    scale = maps.scale(pd.Series(range(100), dtype=float), float("nan"), polarity=0)
    assert not scale.diverging
    assert scale.colour(0.0) == mcolors.to_hex(plt.get_cmap(maps.SEQUENTIAL)(0.0))


@pytest.fixture(scope="module")
def placed() -> where.Placed:
    datasets, vintages = inputs("progress", 2026)
    latest = load()[1][2026].chapter_parameters["progress"]["latest"]
    data = chapter.read_inputs(datasets, vintages)
    result = chapter.compute(data, edition=2026, area_code=COVENTRY, latest=latest)
    placed = where.compute(data, result, latest, home_code=COVENTRY)
    placed.result = result  # for the verdict test
    return placed


def ons_figure(file: str, code: str, period: str) -> float:
    """A figure read straight from ONS's Explore Local Statistics file with the csv module."""
    path = shared_dir() / "real-data" / "ons_explore_local_statistics_more" / file
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["areacd"] == code and row["period"].startswith(period):
                return float(row["observation"])
    raise AssertionError(f"{code} {period} not in {file}")


def test_coventrys_hexagon_has_the_colour_of_its_figure_in_the_all_areas_table(placed):
    rows = placed.map_rows[placed.map_rows["indicator_id"] == "employment_rate_16_64"]
    coventry = rows.set_index("geography_code").loc[COVENTRY]
    figure = placed.all_areas.set_index(["indicator_id", "geography_code"]).loc[("employment_rate_16_64", COVENTRY)]
    assert coventry["value"] == figure["value"]
    # ONS's employment rate file gives Coventry's 2023 figure; the hexagon's colour is that figure's on the scale.
    assert coventry["value"] == pytest.approx(ons_figure("employment-rate.csv", COVENTRY, "2023"))
    measure = placed.all_areas[placed.all_areas["indicator_id"] == "employment_rate_16_64"]
    scale = maps.scale(measure["value"], float(measure["england_value"].iloc[0]), 1)
    assert coventry["colour"] == scale.colour(coventry["value"])
    assert coventry["own"] == 1


def test_an_authority_without_a_figure_is_grey_and_says_why(placed):
    blank = placed.map_rows[placed.map_rows["value"].isna()]
    assert len(blank) > 0
    assert set(blank["colour"]) == {maps.NO_FIGURE}
    assert blank["reading"].str.contains("no figure").all()


def test_each_hexagons_verdict_is_the_monitoring_pages(placed):
    measures = placed.result.measures.set_index("indicator_id")
    own = placed.map_rows[placed.map_rows["own"] == 1].set_index("indicator_id")
    compared = 0
    for indicator_id, row in own.iterrows():
        if pd.notna(row["value"]) and str(measures.loc[indicator_id, "latest_period"]) == str(row["period"]):
            assert row["vs_england"] == measures.loc[indicator_id, "vs_england"], indicator_id
            compared += 1
    assert compared >= 15  # of the 2026 edition's 21 measures


def test_the_series_chart_offers_every_authority_on_the_map(placed):
    for indicator_id, rows in placed.series.groupby("indicator_id"):
        mapped = placed.map_rows[(placed.map_rows["indicator_id"] == indicator_id) & placed.map_rows["value"].notna()]
        assert set(mapped["geography_code"]) <= set(rows["geography_code"])
        assert rows["period"].nunique() <= where.SERIES_PERIODS


def test_an_edition_without_the_cartogram_is_unchanged():
    datasets, vintages = inputs("progress", 2022)
    latest = load()[1][2022].chapter_parameters["progress"]["latest"]
    data = chapter.read_inputs(datasets, vintages)
    result = chapter.compute(data, edition=2022, area_code=COVENTRY, latest=latest)
    assert where.compute(data, result, latest, home_code=COVENTRY) is None
    assert where.block(None, {}) == ""


def test_links_reach_each_book_from_the_home_book_and_from_an_areas():
    codes = pd.Series([COVENTRY, "E06000016"])
    assert where.links(codes, COVENTRY, COVENTRY).tolist() == ["../../index.html", "../../areas/E06000016/index.html"]
    assert where.links(codes, COVENTRY, "E09000030").tolist() == [
        "../../../../index.html",
        "../../../E06000016/index.html",
    ]


def test_the_written_description_counts_the_monitoring_pages_verdicts(placed):
    # The monitoring page's own verdicts against England, for the measures it reports in the maps' periods.
    measures = placed.result.measures
    mapped = placed.all_areas[placed.all_areas["geography_code"] == COVENTRY].set_index("indicator_id")
    same = measures[measures["indicator_id"].map(lambda i: str(mapped["period"].get(i)) if i in mapped.index else "")
                    == measures["latest_period"].astype(str)]  # fmt: skip
    similar = int(same["vs_england"].str.startswith("similar").sum())
    text = where.summary(placed)
    assert text.startswith("The maps and the chart below show 21 measures")  # the 2026 edition's latest: lists 21
    assert f"similar on {similar}" in text
    # Further education participation: Coventry ranks in the best quarter (rank and count from all_areas.csv).
    fe = mapped.loc["fe_participation_19plus"]
    assert int(fe["rank"]) <= int(fe["rank_of"]) / 4
    assert "best quarter of authorities on Further education and skills participation" in text


def test_only_editions_that_pin_the_cartogram_gain_the_section():
    # data/editions.yaml: hex_cartogram@2026-11 is pinned by the 2026 edition only; 2022-2025 were published without it.
    chapters, editions, _ = load()
    section = Path("chapters/where-area-sits.qmd")
    assert sections(chapters["progress"], editions[2026]) == [section]
    assert all(sections(chapters["progress"], editions[year]) == [] for year in (2022, 2023, 2024, 2025))
    assert all(sections(chapters[c], editions[2026]) == [] for c in chapters if c != "progress")


def test_the_distribution_draws_the_areas_published_interval_not_a_bootstrap(placed):
    from skills_evidence.chapters import distribution

    base = distribution.base_layer(placed.all_areas, placed.labels, "s")
    fig = distribution.area_marks(placed.all_areas, placed.comparators, COVENTRY, "Coventry", base.limits)
    labels = list(dict.fromkeys(placed.all_areas["indicator_id"]))
    ax = fig.axes[labels.index("employment_rate_16_64")]
    (bar,) = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
    low, high = sorted(bar.lines[2][0].get_segments()[0][:, 0])
    # ONS's employment rate file gives Coventry's 2023 interval; the bar spans exactly that.
    own = placed.all_areas.set_index(["indicator_id", "geography_code"]).loc[("employment_rate_16_64", COVENTRY)]
    assert (low, high) == pytest.approx((float(own["ci_lower"]), float(own["ci_upper"])))
    assert (low, high) == pytest.approx(ons_interval("employment-rate.csv", COVENTRY, "2023"))
    assert not [c for c in ax.collections if type(c).__name__ == "PolyCollection"]  # no seaborn estimate band
    # The area's layer is drawn on the shared layer's scale, so its marks sit over the right grey points.
    assert ax.get_xlim() == pytest.approx(base.limits["employment_rate_16_64"])
    plt.close(fig)


def test_an_interval_beyond_every_authoritys_figure_is_never_cut_off(placed, tmp_path):
    """Issue 27: the distribution's grey points are drawn once per edition on scales fitted to every authority's
    figure; an area whose interval runs further gets its own scales, so its whole interval shows."""
    from skills_evidence.chapters import distribution

    cambridge = "E07000008"
    low, high = ons_interval("qualifications-level-3-or-above.csv", cambridge, "2023", "ons_explore_local_statistics")
    shared = distribution.base_layer(placed.all_areas, placed.labels, "s")
    highest = placed.all_areas.loc[placed.all_areas["indicator_id"] == "qual_l3plus_16_64", "value"].max()
    assert high > highest == pytest.approx(shared.fitted["qual_l3plus_16_64"][1])  # ONS: Cambridge's reaches past
    beyond = distribution.reach(placed.all_areas, cambridge, shared)
    assert beyond["qual_l3plus_16_64"] == pytest.approx((low, high))
    assert "employment_rate_16_64" not in beyond and not distribution.reach(placed.all_areas, COVENTRY, shared)
    own = distribution.base_layer(placed.all_areas, placed.labels, "s", beyond)
    assert max(own.limits["qual_l3plus_16_64"]) > high
    assert own.limits["gcse_em_by19"] == shared.limits["gcse_em_by19"]  # every other row as shared
    plt.close("all")


def test_an_area_with_its_own_scales_redraws_only_those_rows_to_the_same_pixels_as_a_whole_redraw(placed, monkeypatch):
    """Issue 27: 117 of the 317 authorities have an interval beyond the shared scales in one row or more (2026);
    their chart redraws just those rows over the shared layer. Checked against drawing the whole layer again."""
    import numpy as np
    import seaborn as sns

    from skills_evidence.chapters import distribution

    cambridge = "E07000008"
    shared = distribution.base_layer(placed.all_areas, placed.labels, "s")
    bands = sorted(shared.bands.values())
    assert all(above[1] <= below[0] for above, below in zip(bands, bands[1:]))  # each row has pixel rows of its own
    beyond = distribution.reach(placed.all_areas, cambridge, shared)
    whole = distribution.base_layer(placed.all_areas, placed.labels, "s", beyond)
    drawn = []
    real = sns.stripplot
    monkeypatch.setattr(sns, "stripplot", lambda **kw: drawn.append(kw["ax"]) or real(**kw))
    own = distribution.rescaled(shared, placed.all_areas, placed.labels, "s", beyond)
    assert len(drawn) == len(beyond) < len(shared.bands)
    assert np.array_equal(np.asarray(own.image), np.asarray(whole.image))
    assert (own.limits, own.fitted) == (whole.limits, whole.fitted)
    plt.close("all")


def ons_interval(
    file: str, code: str, period: str, folder: str = "ons_explore_local_statistics_more"
) -> tuple[float, float]:
    """An interval read straight from ONS's Explore Local Statistics file with the csv module."""
    path = shared_dir() / "real-data" / folder / file
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["areacd"] == code and row["period"].startswith(period):
                return float(row["lci_95"]), float(row["uci_95"])
    raise AssertionError(f"{code} {period} not in {file}")


def test_what_every_area_shares_is_read_back_exactly_as_computed(placed, tmp_path):
    """Issue 27: the all-areas rows, the maps' colours and the series are computed once per edition; an area
    that finds them in the shared folder publishes the same files, byte for byte, as one that computes them."""
    datasets, vintages = inputs("progress", 2026)
    latest = load()[1][2026].chapter_parameters["progress"]["latest"]
    data = chapter.read_inputs(datasets, vintages)
    folder = tmp_path / "shared" / "key"
    first = where.shared_once(data, latest, folder)  # computes and stores, then hands its area the stored copy
    assert first.folder == folder and (folder / "labels.json").exists()
    assert not list(folder.parent.glob(".*partial*"))  # no scratch folder left beside it
    again = where.shared_once(data, latest, folder)  # reads
    assert again.folder == folder
    for part in ("all_areas", "map_rows", "series"):
        pd.testing.assert_frame_equal(getattr(again, part), getattr(first, part))
    read = where.compute(data, placed.result, latest, home_code=COVENTRY, shared_dir=folder)
    pd.testing.assert_frame_equal(read.map_rows, placed.map_rows)
    direct, copied = tmp_path / "direct", tmp_path / "copied"
    where.write_outputs(placed, direct)
    where.write_outputs(read, copied)
    for name in ("all_areas.csv", "all_areas_series.csv", "maps.csv", "maps.png", "distribution.png"):
        assert (copied / name).read_bytes() == (direct / name).read_bytes(), name
    # The two figures are PNG only: no page links an SVG of them, and every area's book wrote 2.5 MB of them.
    assert not list(copied.glob("*.svg"))


def test_a_half_written_shared_folder_is_never_read(tmp_path):
    datasets, vintages = inputs("progress", 2026)
    latest = load()[1][2026].chapter_parameters["progress"]["latest"]
    data = chapter.read_inputs(datasets, vintages)
    folder = tmp_path / "key"
    folder.mkdir()
    pd.DataFrame({"value": [0.0]}).to_pickle(folder / "all_areas.pkl")  # stopped before labels.json, its last file
    common = where.shared_once(data, latest, folder)
    assert common.folder is None  # computed afresh, not read
    assert common.all_areas["geography_code"].nunique() > 300  # every English authority, not the stray row

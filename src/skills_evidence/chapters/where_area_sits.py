"""Where the area sits among every English authority: the monitoring page's maps and distribution chart.

For an edition that pins the hex cartograms (`hex_cartogram`), the monitoring notebook adds: every
authority's figure and verdict for each measure (chapters.all_areas), a map per measure (chapters.maps),
a distribution chart (chapters.distribution), and on the web the same map and each measure's series as
charts a reader can query (chapters.interactive). Each chart's data is a CSV published beside it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from PIL import Image

from skills_evidence import csvfiles
from skills_evidence.chapters import all_areas, distribution, escape, interactive, maps, progress, prose
from skills_evidence.paths import INTERACTIVE_ASSETS, resolve
from skills_evidence.places import possessive
from skills_evidence.statistics import indicators

#: The pages' addresses: the monitoring page is chapters/progress.html, its downloads in outputs/progress/.
OUTPUTS_URL = "../outputs/progress"
ASSETS_URL = "../" + INTERACTIVE_ASSETS
SOURCE = "each measure's publisher, as the table of measures names it; hex cartogram © Open Innovations (MIT licence)"


@dataclass
class Placed:
    """What the section shows: every authority's row per measure, the map's rows and the series' rows."""

    area_code: str
    area_name: str
    all_areas: pd.DataFrame
    map_rows: pd.DataFrame
    series: pd.DataFrame
    comparators: dict[str, list[str]]
    labels: dict[str, str]
    shared_folder: Path | None = None  # where the edition's shared CSVs are already written (shared_once)


def _reading(row: dict) -> str:
    """One authority's figure in words: the tooltip and the hexagon's accessible name."""
    name = row["geography_name"]
    if pd.isna(row.get("value")):
        mark = row.get("status") or ""
        why = progress.MISSING_WHY.get(mark if isinstance(mark, str) else "", progress.MISSING_WHY[""])
        return f"{name}: no figure ({why})"
    text = f"{name}: {progress.value_text(row, 'value')}"
    if pd.notna(row.get("ci_lower")) and pd.notna(row.get("ci_upper")):
        text += f" (95% interval {progress.value_text(row, 'ci_lower')} to {progress.value_text(row, 'ci_upper')})"
    if isinstance(row.get("vs_england"), str) and row["vs_england"]:
        text += f"; against England: {row['vs_england']}"
    if pd.notna(row.get("rank")):
        text += f"; rank {int(row['rank'])} of {int(row['rank_of'])}"
    return text


def links(codes: pd.Series, home_code: str, area_code: str) -> pd.Series:
    """Each authority's book from the monitoring page: the home book's landing page, or its folder under
    areas/ (publishing.website), whether or not it is built yet (the page's script says which are)."""
    areas = "../../areas/" if area_code == home_code else "../../../"
    home = "../../index.html" if area_code == home_code else "../../../../index.html"
    return codes.map(lambda c: home if c == home_code else f"{areas}{c}/index.html")


@dataclass
class Shared:
    """What every area's section shares for one edition: every authority's row per measure, the maps' rows
    (colour and reading included) and the series; only the outline, the links and the comparators are an
    area's own."""

    all_areas: pd.DataFrame
    map_rows: pd.DataFrame
    series: pd.DataFrame
    labels: dict[str, str]
    folder: Path | None = None


def shared(inputs: progress.Inputs, latest: dict[str, str]) -> Shared:
    """Every measure for every authority, with the maps' and the series' rows: the same for every area."""
    measures = {i: progress.series(inputs, i) for i in progress.measures_in(latest)}
    table = all_areas.table(inputs, latest, measures)
    labels = {i: indicators.entry(i)["label"] for i in table["indicator_id"].unique()}
    readings = dict(
        zip(zip(table["indicator_id"], table["geography_code"]), (_reading(r) for r in table.to_dict("records")))
    )
    frames = []
    for indicator_id, rows in table.groupby("indicator_id", sort=False):
        first = rows.iloc[0]
        hexes = maps.centres(inputs.hexes[inputs.hexes["layout"] == maps.layout_for(rows)])
        placed = hexes.merge(rows, how="left", left_on="area_code", right_on="geography_code")
        placed["geography_code"], placed["geography_name"] = placed["area_code"], placed["area_name"]
        for column in ("indicator_id", "period", "unit", "polarity", "england_value"):
            placed[column] = first[column]
        placed["status"] = placed["status"].fillna("")
        scale = maps.scale(rows["value"], float(first["england_value"]), int(first["polarity"]))
        placed["colour"] = placed["value"].map(scale.colour)
        placed["reading"] = [
            readings.get((indicator_id, p["geography_code"])) or _reading(p) for p in placed.to_dict("records")
        ]
        frames.append(placed)
    map_rows = pd.concat(frames, ignore_index=True)[MAP_COLUMNS[:-2]]
    return Shared(table, map_rows, _series(measures, table, latest), labels)


#: The maps' CSV: the measure, the authority and its hexagon, its figure, reading and colour, then the area's own.
MAP_COLUMNS = [
    "indicator_id", "layout", "geography_code", "geography_name", "x", "y", "period", "value", "ci_lower",
    "ci_upper", "status", "vs_england", "rank", "rank_of", "england_value", "polarity", "colour", "reading",
    "own", "link",
]  # fmt: skip
_PARTS = ("all_areas", "map_rows", "series")
#: The published CSVs that are the same for every area: written once into the shared folder, then copied.
SHARED_CSVS = {"all_areas": "all_areas.csv", "series": "all_areas_series.csv"}


def shared_once(inputs: progress.Inputs, latest: dict[str, str], folder: Path | None) -> Shared:
    """`shared`, read from `folder` when an earlier build (another area's, say) wrote it there, else computed
    and written there with the two charts' layers every area shares (`_write_bases`). The build names the
    folder by a key over everything `shared` reads (the data, the periods, the catalogue, the library:
    pipeline.build), so a folder that exists is never stale; it is written whole into a scratch folder and
    renamed, so a reader never sees half of one, and two builds that compute it at once write the same thing."""
    if folder is None:
        return shared(inputs, latest)
    folder = Path(folder)
    if (folder / "labels.json").exists():
        # Pickle keeps every column's type exactly as computed; the folder is the build's own (build/shared/).
        frames = {part: pd.read_pickle(folder / f"{part}.pkl") for part in _PARTS}
        return Shared(**frames, labels=json.loads((folder / "labels.json").read_text(encoding="utf-8")), folder=folder)
    result = shared(inputs, latest)
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        for part in _PARTS:
            getattr(result, part).to_pickle(scratch / f"{part}.pkl")
        for part, name in SHARED_CSVS.items():
            csvfiles.write(getattr(result, part), scratch / name)
        _write_bases(result, scratch)
        (scratch / "labels.json").write_text(json.dumps(result.labels), encoding="utf-8")  # written last: the mark
        with contextlib.suppress(OSError):  # another build renamed its identical copy first
            scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if (folder / "labels.json").exists():  # whole, so this build's area reads the charts' layers drawn there
        result.folder = folder
    return result


#: The charts' layers every area shares, kept in the shared folder (maps.base_layer, distribution.base_layer).
MAPS_BASE, DISTRIBUTION_BASE, DISTRIBUTION_SCALES = "maps_base.png", "distribution_base.png", "distribution_base.json"


def _write_bases(common: Shared, folder: Path) -> None:
    """Draw the two charts' shared layers once for the edition (most of the drawing) into `folder`."""
    maps.base_layer(common.map_rows, common.labels, SOURCE).save(folder / MAPS_BASE, format="PNG")
    base = distribution.base_layer(common.all_areas, common.labels, SOURCE)
    base.image.save(folder / DISTRIBUTION_BASE, format="PNG")
    scales = {"fitted": base.fitted, "limits": base.limits, "bands": base.bands}
    (folder / DISTRIBUTION_SCALES).write_text(json.dumps(scales, indent=1), encoding="utf-8")


def _read_bases(folder: Path) -> tuple[Image.Image, distribution.Base]:
    """The charts' shared layers as `_write_bases` left them (PNG is lossless: the same pixels as drawn)."""
    scales = json.loads((folder / DISTRIBUTION_SCALES).read_text(encoding="utf-8"))
    with Image.open(folder / MAPS_BASE) as maps_image, Image.open(folder / DISTRIBUTION_BASE) as chart_image:
        maps_base, chart_base = maps_image.convert("RGBA"), chart_image.convert("RGBA")
    return maps_base, distribution.Base(
        chart_base, *({k: tuple(v) for k, v in scales[part].items()} for part in ("fitted", "limits", "bands"))
    )


def compute(
    inputs: progress.Inputs,
    result: progress.Result,
    latest: dict[str, str],
    home_code: str,
    shared_dir: str | Path | None = None,
) -> Placed | None:
    """The section for one area: the edition's shared rows (`shared_once`) with the area outlined, each
    authority's link and the area's comparators; None where the edition pins no cartogram (editions before
    2026 are not changed)."""
    if inputs.hexes is None:
        return None
    common = shared_once(inputs, latest, resolve(shared_dir) if shared_dir else None)
    map_rows = common.map_rows.copy()
    map_rows["own"] = (map_rows["geography_code"] == result.area_code).astype(int)
    map_rows["link"] = links(map_rows["geography_code"], home_code, result.area_code)
    table = common.all_areas
    comparators = {
        i: progress.comparator_set(indicators.entry(i), result.places, str(rows["period"].iloc[0]))[1]
        for i, rows in table.groupby("indicator_id", sort=False)
    }
    return Placed(
        result.area_code,
        result.area_name,
        table,
        map_rows[MAP_COLUMNS],
        common.series,
        comparators,
        common.labels,
        common.folder,
    )


#: How many of each measure's latest periods the series chart offers (its CSV stays small enough to load).
SERIES_PERIODS = 10


def _series(measures: dict[str, pd.DataFrame], table: pd.DataFrame, latest: dict[str, str]) -> pd.DataFrame:
    """Every authority's and England's series for each measure, its last SERIES_PERIODS periods up to the
    edition's, for the chart a reader adds lines to (`basis` splits a line at a break in series)."""
    frames = []
    for indicator_id in table["indicator_id"].unique():
        data = progress.preferred(measures[indicator_id])
        data = data[(data["period"] <= str(latest[indicator_id]))]
        kept = sorted(data["period"].unique())[-SERIES_PERIODS:]
        codes = set(table.loc[table["indicator_id"] == indicator_id, "geography_code"]) | {progress.ENGLAND[0]}
        data = data[data["geography_code"].isin(codes) & data["value"].notna() & data["period"].isin(kept)]
        frames.append(data.assign(indicator_id=indicator_id))
    columns = all_areas.FIGURE_COLUMNS  # what a reader needs: the measure, authority, period, figure and mark
    return pd.concat(frames, ignore_index=True)[columns].sort_values(columns[:4], ignore_index=True)


def write_outputs(placed: Placed, outputs: Path) -> dict[str, str]:
    """The charts' data (CSV), the static figures and the interactive charts' specifications."""
    outputs.mkdir(parents=True, exist_ok=True)
    for part, name in SHARED_CSVS.items():
        if placed.shared_folder is not None:
            shutil.copyfile(placed.shared_folder / name, outputs / name)  # the same bytes csvfiles.write gives
        else:
            csvfiles.write(getattr(placed, part), outputs / name)
    csvfiles.write(placed.map_rows, outputs / "maps.csv")
    maps_base, chart_base = _read_bases(placed.shared_folder) if placed.shared_folder is not None else (None, None)
    written = {
        "maps": maps.figure(placed.map_rows, placed.labels, placed.area_name, outputs, SOURCE, maps_base)["png"],
        "distribution": distribution.figure(
            placed.all_areas,
            placed.labels,
            placed.comparators,
            placed.area_code,
            placed.area_name,
            outputs,
            SOURCE,
            chart_base,
        )["png"],
    }
    authorities = dict(zip(placed.all_areas["geography_code"], placed.all_areas["geography_name"]))
    authorities = dict(sorted(authorities.items(), key=lambda kv: kv[1]))
    written["map_spec"] = interactive.write_spec(
        interactive.map_spec(placed.map_rows, f"{OUTPUTS_URL}/maps.csv", placed.labels), outputs / "maps.vl.json"
    )
    written["series_spec"] = interactive.write_spec(
        interactive.series_spec(f"{OUTPUTS_URL}/all_areas_series.csv", placed.labels, authorities, placed.area_code),
        outputs / "series.vl.json",
    )
    return written


#: How the written summary groups the area's verdicts against England (the rest are "not tested or not compared").
VERDICTS = ("better", "similar", "worse")


def summary(placed: Placed | None) -> str:
    """The page's written description of the maps and chart (from chapters/progress.sentences.yaml): the
    area's verdicts against England, and the measures where it ranks in the best or worst quarter."""
    if placed is None:
        return ""
    mapped = placed.all_areas["indicator_id"].nunique()
    own = placed.all_areas[(placed.all_areas["geography_code"] == placed.area_code) & placed.all_areas["value"].notna()]
    words = own["vs_england"].fillna("").map(lambda v: v.split(" ")[0] if v.split(" ")[0] in VERDICTS else "other")
    counts = [{"verdict": v, "n": int((words == v).sum())} for v in VERDICTS if (words == v).any()]
    if (words == "other").any():
        counts.append({"verdict": "not tested or not compared", "n": int((words == "other").sum())})
    if mapped > len(own):
        counts.append({"verdict": "without a figure", "n": mapped - len(own)})
    ranked = own[own["rank"].notna() & (own["polarity"] != 0)]
    share = ranked["rank"].astype(float) / ranked["rank_of"].astype(float)
    label = [escape.markdown_text(placed.labels[i]) for i in ranked["indicator_id"]]
    return prose.render(
        progress.CHAPTER,
        "where_summary",
        area=escape.markdown_text(placed.area_name),
        mapped=mapped,
        counts=counts,
        best=[name for name, s in zip(label, share) if s <= 0.25],
        worst=[name for name, s in zip(label, share) if s > 0.75],
    )


def block(placed: Placed | None, written: dict[str, str]) -> str:
    """The web page's interactive charts (raw HTML the PDF and Word files leave out); empty without a cartogram."""
    if placed is None:
        return ""
    return interactive.block(
        {
            "Explore the map: choose a measure, then hover over or tab to any authority": written["map_spec"],
            f"Explore the series: {possessive(placed.area_name)} figures, England's and any authority you add": written[
                "series_spec"
            ],
        },
        OUTPUTS_URL,
        ASSETS_URL,
        "The same figures as charts you can query (they need JavaScript; the charts above and the CSV files hold the same figures).",
    )

"""Where the area sits among every English authority, measure by measure: a distribution chart.

One row per measure, each on its own scale: every authority with a figure as a grey point (seaborn's
strip plot), the area's comparators darker, the area as a large marker with its published 95% interval
(drawn from the figures, never a bootstrap of seaborn's), and England's figure as a line. Better is to
the right where the measure has a polarity, as on the spine chart.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours
from PIL import Image

from skills_evidence.chapters import charts
from skills_evidence.places import possessive

#: The seed of the strip plot's jitter: seaborn draws it from numpy's global generator, and a chart must come
#: out the same bytes on every build.
JITTER_SEED = 2022


GREY, DARK = "#BFC1C3", "#505a5f"


def _panels(measures: list[str]) -> tuple[plt.Figure, list[plt.Axes]]:
    """The figure and one row per measure, laid out alike in every layer so the layers line up."""
    height = 0.62 * len(measures) + 1.9
    fig, axes = plt.subplots(len(measures), 1, figsize=(10, height), squeeze=False)
    # Fixed margins rather than tight_layout: every row the same height, room for the legend and source.
    fig.subplots_adjust(left=0.03, right=0.98, top=1 - 0.75 / height, bottom=1.0 / height, hspace=1.1)
    return fig, list(axes[:, 0])


def _rows(all_areas: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    return all_areas[(all_areas["indicator_id"] == indicator_id) & all_areas["value"].notna()]


@dataclass(frozen=True)
class Base:
    """The part of the chart every area shares, drawn once per edition: the image and, by measure, the range of
    figures its scale was fitted to, the scale's ends (an area's layer is drawn on the same ends) and the band
    of pixel rows its panel covers, title and tick labels included (top, bottom)."""

    image: Image.Image
    fitted: dict[str, tuple[float, float]]
    limits: dict[str, tuple[float, float]]
    bands: dict[str, tuple[int, int]]


#: Pixel rows added above and below a panel's drawn extent, for the edges of its antialiased text.
BAND_MARGIN = 1


def base_layer(
    all_areas: pd.DataFrame,
    labels: dict[str, str],
    source: str,
    reach: dict[str, tuple[float, float]] | None = None,
    only: set[str] | None = None,
) -> Base:
    """Every authority with a figure as a grey point (seaborn's strip plot, seeded), each row's scale fitted
    to them and England's figure (and to `reach`, an area's interval where it runs further), better to the
    right, the measures' names and the source. With `only`, just those rows are drawn (the others are left
    blank, in the same places): see `rescaled`."""
    charts.use_style()
    measures = list(dict.fromkeys(all_areas["indicator_id"]))
    fig, axes = _panels(measures)
    fig.set_dpi(charts.DPI)  # the bands are measured in the pixels `charts.layer` draws
    fitted, limits, drawn = {}, {}, {}
    for ax, indicator_id in zip(axes, measures):
        if only is not None and indicator_id not in only:
            ax.set_visible(False)
            continue
        rows = _rows(all_areas, indicator_id)
        first = rows.iloc[0]
        np.random.seed(JITTER_SEED)
        sns.stripplot(x=rows["value"].astype(float), ax=ax, color=GREY, size=3, jitter=0.3, orient="h", zorder=1)
        ax.update_datalim([(float(first["england_value"]), 0.0)])  # England's line is the area's layer's
        fitted[indicator_id] = tuple(float(x) for x in ax.dataLim.intervalx)
        if reach and indicator_id in reach:
            ax.update_datalim([(x, 0.0) for x in reach[indicator_id]])
        ax.autoscale_view(scaley=False)
        if int(first["polarity"]) < 0:
            ax.invert_xaxis()  # better to the right
        ax.set_ylabel("")
        ax.set_xlabel("")
        ax.set_yticks([])
        ax.set_ylim(-0.5, 0.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(False)
        ax.set_title(textwrap.fill(f"{labels[indicator_id]} ({first['period']})", 110), fontsize=8, loc="left", pad=2)
        limits[indicator_id] = tuple(float(x) for x in ax.get_xlim())
        drawn[indicator_id] = ax
    charts.title_and_source(fig, None, source)
    renderer = fig.canvas.get_renderer()
    height = renderer.height
    bands = {}
    for indicator_id, ax in drawn.items():
        box = ax.get_tightbbox(renderer)
        bands[indicator_id] = (
            max(0, int(np.floor(height - box.y1)) - BAND_MARGIN),
            min(int(height), int(np.ceil(height - box.y0)) + BAND_MARGIN),
        )
    return Base(charts.layer(fig), fitted, limits, bands)


def rescaled(
    base: Base,
    all_areas: pd.DataFrame,
    labels: dict[str, str],
    source: str,
    reach: dict[str, tuple[float, float]],
) -> Base:
    """`base` with the rows in `reach` drawn again on scales that also reach the area's interval, and every
    other row as shared: the same pixels as drawing the whole base with `reach`, for a fraction of the drawing
    (most areas whose interval runs beyond the shared scales do so in one or two of the 21 rows). Where a
    redrawn row's band would touch another row's, the whole base is drawn again instead."""
    redrawn = base_layer(all_areas, labels, source, reach, only=set(reach))
    spans = {m: (min(base.bands[m][0], redrawn.bands[m][0]), max(base.bands[m][1], redrawn.bands[m][1])) for m in reach}
    others = [band for m, band in base.bands.items() if m not in reach]
    if redrawn.image.size != base.image.size or any(
        top < other_bottom and other_top < bottom
        for top, bottom in spans.values()
        for other_top, other_bottom in others
    ):
        return base_layer(all_areas, labels, source, reach)
    image = base.image.copy()
    for top, bottom in spans.values():
        box = (0, top, image.width, bottom)
        image.paste(redrawn.image.crop(box), box)
    return Base(image, base.fitted | redrawn.fitted, base.limits | redrawn.limits, base.bands | redrawn.bands)


def _extent(rows: pd.DataFrame) -> tuple[float, float] | None:
    """The area's figure and interval, low to high (None where it has no figure)."""
    if not len(rows):
        return None
    a = rows.iloc[0]
    points = [float(a[c]) for c in ("value", "ci_lower", "ci_upper") if pd.notna(a[c])]
    return min(points), max(points)


def reach(all_areas: pd.DataFrame, area_code: str, base: Base) -> dict[str, tuple[float, float]]:
    """The measures where the area's interval runs beyond the figures the shared scale was fitted to: its
    chart needs its own base layer, fitted to them too, so no interval is cut off at the chart's edge."""
    beyond = {}
    for indicator_id, (low, high) in base.fitted.items():
        extent = _extent(_rows(all_areas, indicator_id)[lambda d: d["geography_code"] == area_code])
        if extent and (extent[0] < low or extent[1] > high):
            beyond[indicator_id] = extent
    return beyond


def area_marks(
    all_areas: pd.DataFrame,
    comparators: dict[str, list[str]],
    area_code: str,
    area_name: str,
    limits: dict[str, tuple[float, float]],
) -> plt.Figure:
    """The area's own part of the chart, on the base's scales (`limits`): its comparators darker, England's
    line, the area with its published interval (drawn from the figures, never a bootstrap), legend and title
    (`figure` lays it over the base as a transparent layer)."""
    charts.use_style()
    measures = list(dict.fromkeys(all_areas["indicator_id"]))
    fig, axes = _panels(measures)
    own = get_af_colours("categorical", number_of_colours=2)[0]
    for ax, indicator_id in zip(axes, measures):
        rows = _rows(all_areas, indicator_id)
        group = rows[rows["geography_code"].isin(comparators.get(indicator_id, []))]
        ax.scatter(group["value"].astype(float), np.zeros(len(group)), s=14, color=DARK, zorder=2)
        ax.axvline(float(rows["england_value"].iloc[0]), color="#0B0C0C", linewidth=1.2, zorder=3)
        area = rows[rows["geography_code"] == area_code]
        if len(area):
            a = area.iloc[0]
            has_interval = pd.notna(a["ci_lower"]) and pd.notna(a["ci_upper"])
            error = [[a["value"] - a["ci_lower"]], [a["ci_upper"] - a["value"]]] if has_interval else None
            ax.errorbar(a["value"], 0, xerr=error, fmt="D", markersize=7, color=own, markeredgecolor="#0B0C0C",
                        ecolor="#0B0C0C", elinewidth=1.2, capsize=3, zorder=4)  # fmt: skip
        ax.set_xlim(*limits[indicator_id])
        ax.set_ylim(-0.5, 0.5)
        ax.axis("off")
    legend = [
        plt.Line2D([], [], marker="o", color=GREY, linestyle="", label="English local authorities"),
        plt.Line2D([], [], marker="o", color=DARK, linestyle="", label=f"{possessive(area_name)} comparators"),
        plt.Line2D(
            [],
            [],
            marker="D",
            color=own,
            markeredgecolor="#0B0C0C",
            linestyle="-",
            label=f"{area_name} with its 95% interval",
        ),  # fmt: skip
        plt.Line2D([], [], color="#0B0C0C", label="England"),
    ]
    height = fig.get_figheight()
    fig.legend(
        handles=legend, loc="lower center", ncol=4, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.3 / height)
    )
    charts.title_and_source(
        fig,
        f"{area_name} among English local authorities (better to the right where a measure has a better direction)",
        None,
    )
    return fig


def figure(
    all_areas: pd.DataFrame,
    labels: dict[str, str],
    comparators: dict[str, list[str]],
    area_code: str,
    area_name: str,
    outputs: Path,
    source: str,
    base: Base | None = None,
) -> dict[str, str]:
    """The chart for every measure in `all_areas` (chapters.all_areas), the area's comparator set for each
    measure in `comparators`, saved as PNG. `base` is the edition's `base_layer`, drawn once for every area
    (the strip plots are most of the drawing); without it, or where the area's interval runs beyond its
    scales (`reach`), those rows are drawn again here (`rescaled`). PNG only: no page links an SVG of it, and
    every figure is in all_areas.csv beside it."""
    base = base if base is not None else base_layer(all_areas, labels, source)
    beyond = reach(all_areas, area_code, base)
    if beyond:
        base = rescaled(base, all_areas, labels, source, beyond)
    overlay = charts.layer(area_marks(all_areas, comparators, area_code, area_name, base.limits), transparent=True)
    return charts.save_layers(base.image, overlay, outputs / "distribution")

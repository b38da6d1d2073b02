"""Hex cartograms of English authorities coloured by a measure: where an area sits, at a glance.

Each authority is one hexagon of Open Innovations' HexJSON cartograms (data/reference/hex_cartogram.csv):
the districts and unitaries of 2023 for a measure published for districts, else the upper tier. The colour
comes from the authority's figure in the all-areas table (chapters.all_areas) and says better or worse
than England where the measure has a polarity (a diverging scale centred on England's figure, purple for
better, orange for worse, both readable with colour-blindness), or lower or higher where it has none (a
sequential scale). An authority without a figure is hatched grey and the legend says so; the area is
outlined. The interactive version (chapters.interactive) uses the same colours from `scale`.
"""

from __future__ import annotations

import functools
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch, RegularPolygon
from PIL import Image

from skills_evidence.chapters import charts

#: Colour-blind-safe scales (ColorBrewer's PuOr, and cividis, made for colour-vision deficiency).
DIVERGING, SEQUENTIAL = "PuOr", "cividis"
NO_FIGURE = "#D6D6D6"
#: The share of authorities at each end whose colour is the scale's last (so one outlier, the City of London
#: say, does not wash out every other authority's colour); the legend says "or beyond".
TAIL = 0.02


@dataclass(frozen=True)
class Scale:
    """A measure's colour scale: figures from `low` to `high` (England's at the middle of a diverging one)."""

    low: float
    high: float
    diverging: bool
    polarity: int

    def position(self, value: float) -> float:
        """Where a figure falls on the colour ramp, 0 to 1 (1 the better end of a diverging scale)."""
        if math.isnan(value) or self.high == self.low:
            return 0.5
        t = (value - self.low) / (self.high - self.low)
        t = min(max(t, 0.0), 1.0)
        return 1 - t if self.diverging and self.polarity < 0 else t

    def colour(self, value: float) -> str:
        """The hex colour of a figure; grey for none."""
        if value is None or pd.isna(value):
            return NO_FIGURE
        ramp = _ramp(DIVERGING if self.diverging else SEQUENTIAL)
        # PuOr runs orange to purple: better (1) is purple.
        return mcolors.to_hex(ramp(self.position(float(value))))

    def stops(self, n: int = 9) -> tuple[list[float], list[str]]:
        """`n` figures evenly along the scale and their colours: the interactive map's domain and range."""
        values = [self.low + (self.high - self.low) * i / (n - 1) for i in range(n)]
        return values, [self.colour(v) for v in values]


@functools.cache  # matplotlib hands out a fresh copy of a colour map on every lookup, built anew on first use
def _ramp(name: str) -> mcolors.Colormap:
    return plt.get_cmap(name)


def scale(values: pd.Series, england: float, polarity: int) -> Scale:
    """The scale for one measure's figures: centred on England's figure when better or worse means something
    (reaching the further of the 2nd and 98th percentiles), else from the 2nd to the 98th percentile."""
    values = values.dropna().astype(float)
    low, high = values.quantile(TAIL), values.quantile(1 - TAIL)
    if polarity and not math.isnan(england):
        reach = max(abs(high - england), abs(low - england)) or 1.0
        return Scale(england - reach, england + reach, True, polarity)
    return Scale(low, high, False, polarity)


def layout_for(rows: pd.DataFrame) -> str:
    """The cartogram a measure is mapped on: districts where its figures are published for districts."""
    return "districts" if rows["geography_code"].str.startswith("E07").any() else "upper"


#: Hexagon geometry: pointy-topped, one unit across the flats; HexJSON rows count upwards (north).
ROW_HEIGHT = math.sqrt(3) / 2


def centres(hexes: pd.DataFrame) -> pd.DataFrame:
    """Each hexagon's centre, from its HexJSON offset coordinates ("odd-r": odd rows shifted half a hexagon right)."""
    q, r = hexes["q"].astype(int), hexes["r"].astype(int)
    return hexes.assign(x=q + 0.5 * (r % 2), y=r * ROW_HEIGHT)


def _corners(x: float, y: float) -> np.ndarray:
    radius = 1 / math.sqrt(3)
    angles = np.radians([90, 150, 210, 270, 330, 30])
    return np.column_stack([x + radius * np.cos(angles), y + radius * np.sin(angles)])


def draw(ax: plt.Axes, rows: pd.DataFrame) -> None:
    """One measure's map on `ax` from its map rows (x, y, value, colour: chapters.where_area_sits): every
    hexagon in its colour, hatched grey where there is no figure (the same for every area: `outline` adds
    the area's own)."""
    has = rows["value"].notna()
    for part, hatch in ((rows[has], None), (rows[~has], "////")):
        if len(part):
            ax.add_collection(
                PolyCollection(
                    [_corners(x, y) for x, y in zip(part["x"], part["y"])],
                    facecolors=list(part["colour"]),
                    edgecolors="#FFFFFF",
                    linewidths=0.3,
                    hatch=hatch,
                )
            )
    _frame(ax, rows)


def outline(ax: plt.Axes, rows: pd.DataFrame) -> None:
    """The area's hexagon outlined (map rows with `own` 1), on the same frame as `draw`'s map."""
    for item in rows[rows["own"] == 1].itertuples():
        ax.add_patch(
            RegularPolygon(
                (item.x, item.y), 6, radius=1 / math.sqrt(3) + 0.12, fill=False, edgecolor="#0B0C0C", linewidth=1.6
            )
        )
    _frame(ax, rows)


def _frame(ax: plt.Axes, rows: pd.DataFrame) -> None:
    ax.set_xlim(rows["x"].min() - 1, rows["x"].max() + 1)
    ax.set_ylim(rows["y"].min() - 1, rows["y"].max() + 1)
    ax.set_aspect("equal")
    ax.axis("off")


def _short(value: float) -> str:
    """A scale's end as a legend prints it: whole numbers from 100, else one decimal place."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def _panels(measures: list[str]) -> tuple[plt.Figure, list[plt.Axes]]:
    """The figure and one panel per measure, laid out alike in every layer so the layers line up."""
    columns = 4
    rows_n = math.ceil(len(measures) / columns)
    height = 2.75 * rows_n + 1.6
    fig, axes = plt.subplots(rows_n, columns, figsize=(10, height), squeeze=False)
    for ax in axes.flat[len(measures) :]:
        ax.axis("off")
    # Fixed margins rather than tight_layout: room for the title above and the legend and source below.
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - 0.75 / height, bottom=1.0 / height, hspace=0.45, wspace=0.06)
    return fig, list(axes.flat[: len(measures)])


def base_layer(map_rows: pd.DataFrame, labels: dict[str, str], source: str) -> Image.Image:
    """What every area's maps share, drawn once per edition (chapters.where_area_sits keeps it with the
    edition's shared rows): one map per measure, in the catalogue's order, with the ends of its own scale
    named beneath it, and the source."""
    charts.use_style()
    measures = list(dict.fromkeys(map_rows["indicator_id"]))
    fig, axes = _panels(measures)
    for ax, indicator_id in zip(axes, measures):
        rows = map_rows[map_rows["indicator_id"] == indicator_id]
        first = rows.iloc[0]
        measure_scale = scale(rows["value"], float(first["england_value"]), int(first["polarity"]))
        draw(ax, rows)
        ax.set_title(textwrap.fill(f"{labels[indicator_id]} ({first['period']})", 34), fontsize=7.5, loc="left")
        ends = ("worse", "better") if measure_scale.diverging else ("lower", "higher")
        low, high = measure_scale.low, measure_scale.high
        first_end, last_end = (high, low) if measure_scale.diverging and measure_scale.polarity < 0 else (low, high)
        ax.text(0, -0.02, f"{ends[0]}: {_short(first_end)}", transform=ax.transAxes, fontsize=6.5, va="top")
        ax.text(1, -0.02, f"{ends[1]}: {_short(last_end)}", transform=ax.transAxes, fontsize=6.5, va="top", ha="right")
    charts.title_and_source(fig, None, source)
    return charts.layer(fig)


def area_marks(map_rows: pd.DataFrame, area_name: str) -> plt.Figure:
    """The area's own part of the maps, drawn on the base's panels: its hexagon outlined, the legend and the
    title (`figure` lays it over the base as a transparent layer)."""
    charts.use_style()
    measures = list(dict.fromkeys(map_rows["indicator_id"]))
    fig, axes = _panels(measures)
    for ax, indicator_id in zip(axes, measures):
        outline(ax, map_rows[map_rows["indicator_id"] == indicator_id])
    legend = [
        Patch(facecolor=plt.get_cmap(DIVERGING)(1.0), label="better than England"),
        Patch(facecolor=plt.get_cmap(DIVERGING)(0.0), label="worse than England"),
        Patch(facecolor=plt.get_cmap(SEQUENTIAL)(0.9), label="higher (neither better nor worse)"),
        Patch(facecolor=NO_FIGURE, hatch="////", edgecolor="#FFFFFF", label="no figure"),
        Patch(facecolor="none", edgecolor="#0B0C0C", linewidth=1.6, label=area_name),
    ]
    height = fig.get_figheight()
    fig.legend(
        handles=legend, loc="lower center", ncol=3, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.3 / height)
    )
    charts.title_and_source(fig, f"{area_name} among English local authorities, measure by measure", None)
    return fig


def figure(
    map_rows: pd.DataFrame,
    labels: dict[str, str],
    area_name: str,
    outputs: Path,
    source: str,
    base: Image.Image | None = None,
) -> dict[str, str]:
    """Small multiples: one map per measure with the area outlined, saved as PNG. `base` is the edition's
    `base_layer`, drawn once for every area (the ~9,000 hexagons are most of the drawing); without it, it is
    drawn here. PNG only: no page links an SVG of it, and every figure is in maps.csv beside it."""
    base = base if base is not None else base_layer(map_rows, labels, source)
    overlay = charts.layer(area_marks(map_rows, area_name), transparent=True)
    return charts.save_layers(base, overlay, outputs / "maps")

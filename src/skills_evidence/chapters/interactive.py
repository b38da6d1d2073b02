"""Charts a reader can query on the web: Vega-Lite specifications written with altair.

Two charts, each reading a CSV the page publishes beside it (never data embedded in the page): the map
of every authority for a chosen measure (hover or focus for the authority's figure, interval and
verdict; choosing one opens its book where one is built) and each measure's series for the area and
England with any other authority's line added from a list. The scripts that draw them (Vega, Vega-Lite
and vega-embed from the npm registry, tools/vega) are served from the site itself, and the static
charts and their descriptions stay on the page for print and screen readers.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import altair as alt
import pandas as pd

#: A pointy-topped hexagon as a Vega symbol path (unit circumradius).
HEXAGON = "M0,-1L0.866,-0.5L0.866,0.5L0,1L-0.866,0.5L-0.866,-0.5Z"
#: Width of the map in pixels, and its frame in hexagon widths: every layout fits the same frame.
MAP_WIDTH = 460
#: The scripts, in the order they load, as the build copies them into each edition (publishing.staging).
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


def _csv(url: str, numbers: list[str]) -> alt.UrlData:
    return alt.UrlData(url=url, format=alt.CsvDataFormat(type="csv", parse=dict.fromkeys(numbers, "number")))


def _measure_picker(measures: dict[str, str]) -> alt.Parameter:
    ids = list(measures)
    return alt.param(
        name="measure",
        value=ids[0],
        bind=alt.binding_select(options=ids, labels=[measures[i] for i in ids], name="Measure "),
    )


def map_spec(map_rows: pd.DataFrame, url: str, measures: dict[str, str]) -> dict:
    """The interactive map: one hexagon per authority for the chosen measure, coloured as the static map
    (the `colour` column, from maps.Scale), its `reading` on hover and as its accessible name; the page's
    script (assets/interactive/explore.js) makes each hexagon focusable and opens the book its `link` names."""
    xs, ys = map_rows["x"], map_rows["y"]
    frame_x, frame_y = (xs.min() - 1, xs.max() + 1), (ys.min() - 1, ys.max() + 1)
    unit = MAP_WIDTH / (frame_x[1] - frame_x[0])
    height = round(unit * (frame_y[1] - frame_y[0]))
    size = (2 * unit / math.sqrt(3)) ** 2  # Vega scales a symbol path to sqrt(size) / 2: one unit across the flats
    measure = _measure_picker(measures)
    chart = (
        alt.Chart(_csv(url, ["x", "y", "value", "own"]), width=MAP_WIDTH, height=height)
        .mark_point(shape=HEXAGON, filled=True, opacity=1, size=size, stroke="#FFFFFF", strokeWidth=0.5)
        .encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=list(frame_x), nice=False, zero=False)),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=list(frame_y), nice=False, zero=False)),
            color=alt.Color("colour:N", scale=None),
            tooltip=alt.Tooltip("reading:N", title="Authority"),
            description=alt.Description("reading:N"),
        )
        .add_params(measure)
        .transform_filter(alt.datum.indicator_id == measure)
        .properties(title="Every English local authority: choose a measure, then hover over or tab to an authority")
    )
    # The outline is decoration (the area's own hexagon carries its words), so it is hidden from assistive technology.
    outlined = (
        alt.Chart(_csv(url, ["x", "y", "value", "own"]))
        .mark_point(shape=HEXAGON, filled=False, size=size * 1.5, stroke="#0B0C0C", strokeWidth=2.5, aria=False)
        .encode(x="x:Q", y="y:Q")
        .transform_filter((alt.datum.indicator_id == measure) & (alt.datum.own == 1))
    )
    return (chart + outlined).configure_view(stroke=None).to_dict()


def series_spec(series_url: str, measures: dict[str, str], authorities: dict[str, str], area_code: str) -> dict:
    """Each measure's series for the area and England, with its 95% intervals where published, a break in
    series (a change of basis) left as a gap, and the line of any authority the reader adds."""
    measure = _measure_picker(measures)
    codes = [c for c in authorities if c != area_code]
    other = alt.param(
        name="other",
        value=codes[0],
        bind=alt.binding_select(options=codes, labels=[authorities[c] for c in codes], name="Add an authority "),
    )
    shown = (alt.datum.indicator_id == measure) & (
        (alt.datum.geography_code == area_code) | (alt.datum.geography_code == "E92000001")
        | (alt.datum.geography_code == other)
    )  # fmt: skip
    base = alt.Chart(_csv(series_url, ["value", "ci_lower", "ci_upper"]), width=MAP_WIDTH, height=300).transform_filter(
        shown
    )
    who = alt.Color("geography_name:N", title=None, legend=alt.Legend(orient="bottom"))
    band = base.mark_area(opacity=0.2).encode(
        x=alt.X("period:O", title=None), y="ci_lower:Q", y2="ci_upper:Q", color=who, detail="basis:N"
    )
    lines = (
        base.transform_calculate(
            reading=alt.expr.if_(
                alt.expr.isValid(alt.datum.ci_lower),
                alt.datum.geography_name + ", " + alt.datum.period + ": " + alt.expr.format(alt.datum.value, ",.1f")
                + " (95% interval " + alt.expr.format(alt.datum.ci_lower, ",.1f") + " to "
                + alt.expr.format(alt.datum.ci_upper, ",.1f") + ")",
                alt.datum.geography_name + ", " + alt.datum.period + ": " + alt.expr.format(alt.datum.value, ",.1f"),
            )
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=who,
            detail="basis:N",
            tooltip=[alt.Tooltip("reading:N", title="Figure")],
            description=alt.Description("reading:N"),
        )
    )  # fmt: skip
    return (
        alt.layer(band, lines)
        .add_params(measure, other)
        .properties(title="The area, England and any authority you add, each figure with its 95% interval")
        .to_dict()
    )


def write_spec(spec: dict, path: Path) -> str:
    """Write a specification as sorted JSON (the same bytes every build) and return its file name."""
    path.write_text(json.dumps(spec, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path.name


def block(specs: dict[str, str], outputs_url: str, assets_url: str, summary: str) -> str:
    """The page's raw HTML: each chart in a disclosure (closed, so the static chart above stays what a reader
    meets first), drawn from the site's own scripts when opened. HTML only: PDF and Word keep the static charts."""
    scripts = "\n".join(
        f'<script src="{html.escape(assets_url + "/" + name)}"></script>' for name in (*SCRIPTS, "explore.js")
    )
    parts = [
        f'<details class="explore-chart"><summary>{html.escape(label)}</summary>\n'
        f'<div class="vega-chart" data-spec="{html.escape(outputs_url + "/" + spec)}"></div>\n'
        '<p class="explore-readout" aria-live="polite"></p>\n</details>'
        for label, spec in specs.items()
    ]
    return "```{=html}\n" + f"<p>{html.escape(summary)}</p>\n" + "\n".join(parts) + "\n" + scripts + "\n```\n"

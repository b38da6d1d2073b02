"""Where the area sits among every English authority, measure by measure: a distribution chart.

One row per measure, each on its own scale: every authority with a figure as a grey point (seaborn's
strip plot), the area's comparators darker, the area as a large marker with its published 95% interval
(drawn from the figures, never a bootstrap of seaborn's), and England's figure as a line. Better is to
the right where the measure has a polarity, as on the spine chart.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours

from skills_evidence.chapters import charts
from skills_evidence.places import possessive

#: The seed of the strip plot's jitter: seaborn draws it from numpy's global generator, and a chart must come
#: out the same bytes on every build.
JITTER_SEED = 2022


def figure(
    all_areas: pd.DataFrame,
    labels: dict[str, str],
    comparators: dict[str, list[str]],
    area_code: str,
    area_name: str,
    outputs: Path,
    source: str,
) -> dict[str, str]:
    """The chart for every measure in `all_areas` (chapters.all_areas), the area's comparator set for each
    measure in `comparators`; saved as PNG (charts.save)."""
    charts.use_style()
    measures = list(dict.fromkeys(all_areas["indicator_id"]))
    height = 0.62 * len(measures) + 1.9
    fig, axes = plt.subplots(len(measures), 1, figsize=(10, height), squeeze=False)
    grey, dark, own = "#BFC1C3", "#505a5f", get_af_colours("categorical", number_of_colours=2)[0]
    for ax, indicator_id in zip(axes[:, 0], measures):
        rows = all_areas[(all_areas["indicator_id"] == indicator_id) & all_areas["value"].notna()]
        first = rows.iloc[0]
        np.random.seed(JITTER_SEED)
        sns.stripplot(x=rows["value"].astype(float), ax=ax, color=grey, size=3, jitter=0.3, orient="h", zorder=1)
        group = rows[rows["geography_code"].isin(comparators.get(indicator_id, []))]
        ax.scatter(group["value"].astype(float), np.zeros(len(group)), s=14, color=dark, zorder=2)
        ax.axvline(float(first["england_value"]), color="#0B0C0C", linewidth=1.2, zorder=3)
        area = rows[rows["geography_code"] == area_code]
        if len(area):
            a = area.iloc[0]
            has_interval = pd.notna(a["ci_lower"]) and pd.notna(a["ci_upper"])
            error = [[a["value"] - a["ci_lower"]], [a["ci_upper"] - a["value"]]] if has_interval else None
            ax.errorbar(a["value"], 0, xerr=error, fmt="D", markersize=7, color=own, markeredgecolor="#0B0C0C",
                        ecolor="#0B0C0C", elinewidth=1.2, capsize=3, zorder=4)  # fmt: skip
        if int(first["polarity"]) < 0:
            ax.invert_xaxis()  # better to the right
        ax.set_ylabel("")
        ax.set_xlabel("")
        ax.set_yticks([])
        ax.set_ylim(-0.5, 0.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(False)
        ax.set_title(textwrap.fill(f"{labels[indicator_id]} ({first['period']})", 110), fontsize=8, loc="left", pad=2)
    legend = [
        plt.Line2D([], [], marker="o", color=grey, linestyle="", label="English local authorities"),
        plt.Line2D([], [], marker="o", color=dark, linestyle="", label=f"{possessive(area_name)} comparators"),
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
    fig.legend(
        handles=legend, loc="lower center", ncol=4, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.3 / height)
    )
    charts.title_and_source(
        fig,
        f"{area_name} among English local authorities (better to the right where a measure has a better direction)",
        source,
    )
    # Fixed margins rather than tight_layout: every row the same height, room for the legend and source.
    fig.subplots_adjust(left=0.03, right=0.98, top=1 - 0.75 / height, bottom=1.0 / height, hspace=1.1)
    # PNG only: no page links an SVG of it, and a point per authority made a 0.8 MB SVG that took seconds to
    # write in every area's book. Every figure is in all_areas.csv beside it.
    return charts.save(fig, outputs / "distribution", svg=False)

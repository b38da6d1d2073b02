"""Charts in the Government Analysis Function style (afcharts), saved deterministically."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

STYLE = Path(__import__("afcharts").__file__).with_name("afcharts.mplstyle")
#: Every PNG's resolution.
DPI = 150


def use_style() -> None:
    """Apply the afcharts matplotlib style, with a fixed SVG hash salt so SVG output is byte-stable."""
    plt.style.use(str(STYLE))
    plt.rcParams["svg.hashsalt"] = "skills-evidence"
    plt.rcParams["font.family"] = "DejaVu Sans"


def broken_series_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    segment: str,
    title: str,
    ylabel: str,
    break_label: str,
    source: str,
) -> plt.Figure:
    """Lines per `series`, drawn separately per `segment` (e.g. NVQ and RQF) so a break is never bridged.

    The first period of each later segment is marked with a dashed vertical line labelled `break_label`.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(9, 5.8))
    names = list(dict.fromkeys(data[series]))
    colours = dict(zip(names, get_af_colours("categorical", number_of_colours=max(2, min(6, len(names))))))
    segments = list(dict.fromkeys(data[segment]))
    for name in names:
        for k, seg in enumerate(segments):
            part = data[(data[series] == name) & (data[segment] == seg)].sort_values(x)
            ax.plot(
                part[x].astype(int),
                part[y],
                color=colours[name],
                marker="o",
                markersize=3,
                linewidth=2,
                linestyle="-" if k == 0 else "--",
                label=name if k == 0 else None,
            )
    for seg in segments[1:]:
        start = int(data.loc[data[segment] == seg, x].astype(int).min())
        ax.axvline(start - 0.5, color="#3D3D3D", linestyle=":", linewidth=1)
        ax.text(
            start - 0.7,
            ax.get_ylim()[0],
            break_label,
            rotation=90,
            ha="right",
            va="bottom",
            fontsize=9,
            color="#3D3D3D",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=10)
    frame(fig, ax, title, source)
    return fig


def save(fig: plt.Figure, stem: str | Path, svg: bool = True) -> dict[str, str]:
    """Write `stem`.png (and `stem`.svg unless `svg` is False) without timestamps and close the figure
    (notebooks draw several).

    Captions and alt text are not stored here: the notebook's `fig-cap` and `fig-alt` are what readers
    get, and the chapter prints the data-driven description from its key figures."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(stem.with_suffix(".png"), dpi=DPI, metadata={"Software": None})
    written = {"png": stem.with_suffix(".png").name}
    if svg:
        fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
        written["svg"] = stem.with_suffix(".svg").name
    plt.close(fig)
    return written


def layer(fig: plt.Figure, transparent: bool = False) -> Image.Image:
    """The figure drawn at DPI as an RGBA image, then closed: one layer of a chart whose edition-wide part is
    drawn once and each area's part over it (`save_layers`). A transparent layer keeps only what is drawn."""
    fig.set_dpi(DPI)
    if transparent:
        fig.patch.set_alpha(0.0)
    fig.canvas.draw()
    image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba()).copy())
    plt.close(fig)
    return image


def save_layers(base: Image.Image, overlay: Image.Image, stem: str | Path) -> dict[str, str]:
    """Write `stem`.png: `overlay` (a transparent `layer`) over `base`, as drawing them on one canvas would.
    Pillow writes no date or software in the file, so the same layers give the same bytes."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    Image.alpha_composite(base, overlay).save(stem.with_suffix(".png"), format="PNG")
    return {"png": stem.with_suffix(".png").name}


def rates_with_intervals(
    data: pd.DataFrame,
    x: str,
    y: str,
    low: str,
    high: str,
    series: str,
    title: str,
    source: str,
    stamp: str | None = None,
) -> plt.Figure:
    """Points with 95% interval bars per category on the x axis, one colour per series, offset so bars do not overlap.

    `stamp` (e.g. "SYNTHETIC DATA, ILLUSTRATIVE ONLY") is printed across the chart so it cannot be cropped away.
    """
    use_style()
    fig, ax = plt.subplots(figsize=(9, 5.8))
    names = list(dict.fromkeys(data[series]))
    categories = sorted(data[x].unique())
    colours = dict(zip(names, get_af_colours("categorical", number_of_colours=max(2, min(6, len(names))))))
    width = 0.6 / max(1, len(names))
    for i, name in enumerate(names):
        part = data[data[series] == name].set_index(x).reindex(categories)
        pos = [c + (i - (len(names) - 1) / 2) * width for c in range(len(categories))]
        ax.errorbar(
            pos,
            part[y],
            yerr=[part[y] - part[low], part[high] - part[y]],
            fmt="o",
            color=colours[name],
            capsize=3,
            linewidth=1.5,
            label=name,
        )
    ax.set_xticks(range(len(categories)), categories)
    ax.set_ylabel("Per cent (95% interval)")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=10)
    frame(fig, ax, title, source, stamp)
    return fig


def bars_with_intervals(
    data: pd.DataFrame,
    label: str,
    value: str,
    low: str,
    high: str,
    title: str,
    source: str,
    stamp: str | None = None,
) -> plt.Figure:
    """Horizontal bars with 95% interval whiskers, largest at the top; `stamp` marks synthetic data on the image."""
    use_style()
    data = data.sort_values(value)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(data) + 1.8))
    colour = get_af_colours("duo")[0]
    ax.barh(
        data[label],
        data[value],
        color=colour,
        xerr=[data[value] - data[low], data[high] - data[value]],
        error_kw={"ecolor": "#3D3D3D", "capsize": 3},
    )
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlabel("Per cent (95% interval)")
    frame(fig, ax, title, source, stamp)
    return fig


#: Approximate height of a line of text, in inches per point of font size (line spacing included).
LINE = 1.35 / 72


def _wrap(text: str, fig: plt.Figure, size: float) -> str:
    """`text` wrapped to the figure's width at `size` points (about 0.55 em a character)."""
    return textwrap.fill(text, width=max(20, int(fig.get_figwidth() * 72 / (size * 0.55))))


def frame(fig: plt.Figure, ax: plt.Axes, title: str, source: str, stamp: str | None = None) -> None:
    """The chart's title at the figure's left edge, wrapped so it is never cut; under it the synthetic-data
    `stamp` if any; its source at the foot; then the plot laid out in the space between. The stamp is also
    printed across the plot, scaled to fit inside it, so it cannot be cropped away."""
    height = fig.get_figheight()
    title = _wrap(title, fig, 13)
    source = _wrap(f"Source: {source}", fig, 9)
    top = 0.08 + (title.count("\n") + 1) * 13 * LINE + (10 * LINE if stamp else 0)
    foot = 0.06 + (source.count("\n") + 1) * 9 * LINE
    fig.text(0.01, 1 - 0.06 / height, title, ha="left", va="top", fontsize=13)
    if stamp:
        below = 1 - (0.06 + (title.count("\n") + 1) * 13 * LINE) / height
        fig.text(0.01, below, stamp, ha="left", va="top", fontsize=10, color="#B00020", fontweight="bold")
    fig.text(0.01, 0.03 / height, source, ha="left", va="bottom", fontsize=9, color="#3D3D3D")
    fig.tight_layout(rect=(0, foot / height, 1, 1 - top / height))
    if stamp:
        _stamp(fig, ax, stamp)


def title_and_source(fig: plt.Figure, title: str | None, source: str | None) -> None:
    """A tall chart's title at its top-left and its source at its foot, for charts laid out with fixed margins
    (a stack of small panels, where `frame`'s tight_layout would squeeze the panels instead); None leaves one
    out, for a chart drawn in layers (`layer`)."""
    height = fig.get_figheight()
    if title is not None:
        fig.text(0.01, 1 - 0.08 / height, title, ha="left", va="top", fontsize=12)
    if source is not None:
        fig.text(0.01, 0.03 / height, f"Source: {source}", ha="left", va="bottom", fontsize=7.5, color="#3D3D3D")


def _stamp(fig: plt.Figure, ax: plt.Axes, stamp: str) -> None:
    """Print `stamp` across the plot, shrunk until it fits inside the plot area (it had run off the image)."""
    mark = ax.text(
        0.5, 0.5, stamp, transform=ax.transAxes, ha="center", va="center", fontsize=22, alpha=0.25, rotation=20,
        color="#B00020", fontweight="bold",
    )  # fmt: skip
    renderer = fig.canvas.get_renderer()
    box, area = mark.get_window_extent(renderer), ax.get_window_extent(renderer)
    scale = min(1.0, 0.95 * area.width / box.width, 0.95 * area.height / box.height)
    mark.set_fontsize(22 * scale)

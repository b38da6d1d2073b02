"""Charts in the Government Analysis Function style (afcharts), saved deterministically with alt text."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402

STYLE = Path(__import__("afcharts").__file__).with_name("afcharts.mplstyle")


def use_style() -> None:
    """Apply the afcharts matplotlib style, with a fixed SVG hash salt so SVG output is byte-stable."""
    plt.style.use(str(STYLE))
    plt.rcParams["svg.hashsalt"] = "skills-evidence"
    plt.rcParams["font.family"] = "DejaVu Sans"


def broken_series_chart(
    data: pd.DataFrame, x: str, y: str, series: str, segment: str, title: str, ylabel: str, break_label: str
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
            ax.plot(part[x].astype(int), part[y], color=colours[name], marker="o", markersize=3, linewidth=2,
                    linestyle="-" if k == 0 else "--", label=name if k == 0 else None)
    for seg in segments[1:]:
        start = int(data.loc[data[segment] == seg, x].astype(int).min())
        ax.axvline(start - 0.5, color="#3D3D3D", linestyle=":", linewidth=1)
        ax.text(start - 0.7, ax.get_ylim()[0], break_label, rotation=90, ha="right", va="bottom",
                fontsize=9, color="#3D3D3D")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, loc="left", fontsize=13)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=10)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, stem: str | Path, alt: str, caption: str) -> dict[str, str]:
    """Write `stem`.png and `stem`.svg without timestamps, plus `stem`.json with the caption and alt text."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(stem.with_suffix(".png"), dpi=150, metadata={"Software": None})
    fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
    meta = {"png": stem.with_suffix(".png").name, "svg": stem.with_suffix(".svg").name, "alt": alt, "caption": caption}
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def close(fig: plt.Figure) -> None:
    """Free a saved figure's memory (notebooks draw several)."""
    plt.close(fig)

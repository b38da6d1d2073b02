"""Charts say where their figures come from, and nothing on them runs off the image."""

from __future__ import annotations

import pandas as pd

from skills_evidence.chapters import charts


def inside(fig, artist) -> bool:
    """Whether an artist's drawn box lies within the figure's."""
    renderer = fig.canvas.get_renderer()
    box, page = artist.get_window_extent(renderer), fig.bbox
    return box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1 and box.y0 >= page.y0 - 1 and box.y1 <= page.y1 + 1


def test_a_long_title_and_the_synthetic_stamp_stay_on_the_image_and_the_source_is_printed():
    # The survey chart's title ran off the image ("... courses (weigh") beside long bar labels.
    data = pd.DataFrame(
        {
            "label": ["Barrier: don't see the value of courses", "Finds courses: word of mouth", "Barrier: cost"],
            "share": [11.0, 28.7, 29.5],
            "low": [8.9, 25.4, 26.3],
            "high": [13.4, 32.1, 33.0],
        }
    )
    fig = charts.bars_with_intervals(
        data,
        "label",
        "share",
        "low",
        "high",
        title="Barriers to learning and how people find courses, every answer the survey asked about (weighted %)",
        source="the council's Skills Survey (synthetic stand-in, illustrative only)",
        stamp="SYNTHETIC DATA, ILLUSTRATIVE ONLY",
    )
    texts = {t.get_text(): t for t in fig.texts}
    title = next(t for text, t in texts.items() if text.startswith("Barriers to learning"))
    assert "\n" in title.get_text() and inside(fig, title)  # wrapped, not cut
    assert "Source: the council's Skills Survey" in " ".join(texts)
    stamps = [t for t in fig.axes[0].texts if t.get_text() == "SYNTHETIC DATA, ILLUSTRATIVE ONLY"]
    assert stamps and all(inside(fig, t) for t in stamps)
    assert all(inside(fig, t) for t in fig.texts)

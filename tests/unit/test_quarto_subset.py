"""The chapters stay inside the Quarto subset the fallback renderer supports (DESIGN.md)."""

from __future__ import annotations

import re

import yaml

from skills_evidence.paths import project_root

ROOT = project_root()
ALLOWED_SHORTCODES = {"var", "embed"}
DIV = re.compile(r"^:::+\s*(\{.*\})?\s*$")
ALLOWED_DIV = re.compile(r"^\{\.callout-(note|tip|warning|important|caution)\}$")
TYPED_NUMBER = re.compile(r"(?<![\w.{/#-])\d+\.\d+\s*(%|per ?cent|percentage)")
TYPED_THRESHOLD = re.compile(r"fewer than\s+\d")


def chapter_files():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    return [ROOT / c for c in config["book"]["chapters"]]


def test_only_var_and_embed_shortcodes_and_callout_divs():
    for path in chapter_files():
        text = path.read_text()
        codes = set(re.findall(r"\{\{<\s*(\w+)", text))
        assert codes <= ALLOWED_SHORTCODES, f"{path}: unsupported shortcodes {codes - ALLOWED_SHORTCODES}"
        for line in text.splitlines():
            m = DIV.match(line)
            if m and m.group(1):
                assert ALLOWED_DIV.match(m.group(1)), f"{path}: unsupported div {line!r}"


def test_no_figure_is_typed_into_a_chapter():
    # Numbers the data computes come from {{< var >}}; a decimal followed by % in the prose means one was typed.
    for path in chapter_files():
        assert not TYPED_NUMBER.search(path.read_text()), f"{path} has a typed-in percentage"
        # Suppression thresholds live in the library (MIN_PUPILS, MIN_RESPONDENTS, MIN_DENOMINATOR) and reach the text as vars.
        assert not TYPED_THRESHOLD.search(path.read_text()), f"{path} types a suppression threshold"


def test_every_chapter_in_editions_is_in_the_book():
    spec = yaml.safe_load((ROOT / "data/editions.yaml").read_text())
    book = {str(p.relative_to(ROOT)) for p in chapter_files()}
    assert {c["chapter"] for c in spec["chapters"].values()} <= book

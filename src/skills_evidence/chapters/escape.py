"""Text from data (area, group and provider names, and the sentences built from them) is escaped
before it reaches Markdown, so that a name such as `<img src=x onerror=…>` or `*Leeds*` is shown as
written under every renderer (Quarto parses `{{< var >}}` values as Markdown; so does the fallback).

Quarto looks for shortcodes (`{{< env HOME >}}`, `{{< include … >}}`) after Markdown's backslash escapes
are undone, so escaping cannot stop one planted in a name or a sentence; a lone `>}}` even stops its
render. A word joiner (U+2060: invisible, no line break) between the braces and the `<` or `%` does: the
text reads as written and no shortcode runs (checked with Quarto 1.11). A run of colons is escaped too,
so text never opens or closes a fenced div (`:::`).
"""

from __future__ import annotations

import re

# Pandoc Markdown lets any ASCII punctuation be backslash-escaped; these are the ones that can start
# markup inside a line: emphasis, code, links and images, raw HTML and entities, math, citations and
# cross-references, attributes, shortcodes, sub/superscript and table cell breaks.
MARKUP = re.compile(r"([\\`*_{}\[\]<>#|$@~^&!])")
LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")
SHORTCODE = re.compile(r"(?P<open>\{\{)(?=[<%])|(?<=[>%])(?P<close>\}\})")
WORD_JOINER = "\u2060"
FENCE = re.compile(r":(?=:)")


def no_shortcodes(value: str) -> str:
    """`value` with every shortcode opening (`{{<`, `{{%`) and closing (`>}}`, `%}}`) broken by a word joiner."""
    return SHORTCODE.sub(lambda m: "{{" + WORD_JOINER if m.group("open") else WORD_JOINER + "}}", value)


def markdown_text(value: str) -> str:
    """`value` as Markdown that renders to exactly `value` (shortcodes and fences shown, never run)."""
    escaped = FENCE.sub(r"\\:", MARKUP.sub(r"\\\1", no_shortcodes(value)))
    return LIST_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1] + m.group(3), escaped)


def markdown_tree(node: object) -> object:
    """Every string leaf of nested key figures escaped with `markdown_text`."""
    if isinstance(node, dict):
        return {key: markdown_tree(value) for key, value in node.items()}
    if isinstance(node, list):
        return [markdown_tree(value) for value in node]
    return markdown_text(node) if isinstance(node, str) else node

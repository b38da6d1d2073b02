"""assets/download-links.lua: CSV links in the PDF and Word versions point at the published site when its
address is configured, and name the file otherwise; web pages keep their relative links."""

from __future__ import annotations

import pypandoc

from skills_evidence.paths import project_root

FILTER = project_root() / "assets" / "download-links.lua"
TEXT = "[Download the table (CSV)](../outputs/skills_levels/skills_comparison.csv) and [a page](other.html)\n"


def convert(to: str, url: str = "") -> str:
    meta = f'---\nedition-site:\n  url: "{url}"\n  year: 2025\n---\n\n'
    return pypandoc.convert_text(meta + TEXT, to, format="markdown", extra_args=[f"--lua-filter={FILTER}"])


def test_without_a_site_address_the_pdf_names_the_file():
    typst = convert("typst")
    assert (
        "outputs/skills\\_levels/skills\\_comparison.csv" in typst
        or "outputs/skills_levels/skills_comparison.csv" in typst
    )
    assert "published with the web version of this edition" in typst and "../outputs" not in typst
    assert 'link("other.html")' in typst  # other links are left alone


def test_with_a_site_address_the_word_version_links_the_published_file():
    markdown = convert("markdown", url="https://www.example.gov.uk/skills-evidence/")
    assert "(https://www.example.gov.uk/skills-evidence/2025/outputs/skills_levels/skills_comparison.csv)" in markdown


def test_web_pages_keep_the_relative_link():
    assert 'href="../outputs/skills_levels/skills_comparison.csv"' in convert("html")

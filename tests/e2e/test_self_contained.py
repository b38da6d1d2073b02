"""No published page loads anything from another host: a visitor's browser calls only the site it is on
(Google Fonts and a CDN's jQuery and RequireJS did, on every page), and the pages work offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from document_text import html_pages

pytestmark = pytest.mark.e2e

#: Attributes through which a browser fetches something as it opens a page (a link a reader follows is not one).
FETCHED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
           "embed": "src", "object": "data", "link": "href"}  # fmt: skip
ELSEWHERE = re.compile(r"^(https?:)?//", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)


class Fetches(HTMLParser):
    """Every address a page's markup makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = FETCHED.get(tag)
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "") in ("canonical", "alternate"):
            return  # names the page's address; the browser does not fetch it
        if wanted and values.get(wanted):
            self.addresses.append(values[wanted])
        if values.get("srcset"):
            self.addresses += [part.split()[0] for part in values["srcset"].split(",") if part.strip()]


def elsewhere(site: Path) -> dict[str, list[str]]:
    """Per page or stylesheet of the built site, the addresses on another host it would load."""
    found: dict[str, list[str]] = {}
    for page in html_pages(site):
        parser = Fetches()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        remote = [a for a in parser.addresses if ELSEWHERE.match(a)] + CSS_IMPORT.findall(text)
        if remote:
            found[page.relative_to(site).as_posix()] = remote
    for sheet in site.rglob("*.css"):
        remote = CSS_IMPORT.findall(sheet.read_text(encoding="utf-8"))
        if remote:
            found[sheet.relative_to(site).as_posix()] = remote
    return found


def test_the_check_sees_what_a_browser_would_fetch(tmp_path):
    # The faults this guards against, as Quarto wrote them before: a CDN script and a font import.
    (tmp_path / "index.html").write_text(
        '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js"></script>'
        '<a href="https://www.ons.gov.uk/">ONS</a><link rel="icon" href="assets/favicon.svg">',
        encoding="utf-8",
    )
    (tmp_path / "site.css").write_text(
        '@import url("https://fonts.googleapis.com/css2?family=Source");', encoding="utf-8"
    )
    assert elsewhere(tmp_path) == {
        "index.html": ["https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js"],
        "site.css": ["https://fonts.googleapis.com/css2?family=Source"],
    }


def test_no_page_of_any_edition_loads_from_another_host(site):
    root, reports = site
    assert {year: elsewhere(root / "_book" / str(year)) for year in reports} == {year: {} for year in reports}


def test_no_page_the_fallback_makes_loads_from_another_host(fallback_site):
    root, _ = fallback_site
    assert elsewhere(root / "_book" / "2022") == {}


def test_every_page_has_a_description_a_favicon_and_open_graph_tags(site):
    root, reports = site
    for year in reports:
        for page in html_pages(root / "_book" / str(year)):
            text = page.read_text(encoding="utf-8")
            assert f"{year} edition" in re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
            assert re.search(r'<link[^>]*rel="icon"', text) and 'property="og:title"' in text, page
    assert (root / "_book" / "2022" / "assets" / "favicon.svg").is_file()

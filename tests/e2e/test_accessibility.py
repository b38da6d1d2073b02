"""Every page of the built site, checked in headless Chromium with axe-core against WCAG 2.2 A/AA:
the Quarto-rendered editions (sidebar, search box and tables included) and the fallback's pages."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from document_text import html_pages

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The axe-core the project pins (tools/axe, installed by `make test`), not the older copy its Python wrapper bundles.
AXE_TOOL = Path(__file__).resolve().parents[2] / "tools" / "axe"
AXE = AXE_TOOL / "node_modules" / "axe-core" / "axe.min.js"


def pinned_axe() -> str:
    """The pinned axe-core's script; a clear failure when it has not been installed."""
    if not AXE.is_file():
        pytest.fail(f"the pinned axe-core is not installed at {AXE}: run the tests with `make test` (it runs npm ci)")
    return AXE.read_text(encoding="utf-8")


def test_the_axe_core_that_runs_is_the_one_pinned():
    # Keep checking tools current: the wrapper's bundled axe-core (4.12.1) missed WCAG 2.5.3 faults that
    # axe-core 4.14 reports on Quarto's previous/next links.
    import json

    pin = json.loads((AXE_TOOL / "package-lock.json").read_text(encoding="utf-8"))["packages"]["node_modules/axe-core"]
    assert pinned_axe().startswith(f"/*! axe v{pin['version']}")
    assert tuple(int(n) for n in pin["version"].split(".")[:2]) >= (4, 14)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); make test installs it when run as root",
)


@contextlib.contextmanager
def browsing(root: Path, viewport: dict | None = None) -> Iterator[Callable[[Path], object]]:
    """Serve `root/_book` over http, as a reader meets it (search needs http), and yield `open(path)`, which
    loads one page of it in headless Chromium and returns the Playwright page."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root / "_book"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    quiet = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", *quiet])
            page = browser.new_page(**({"viewport": viewport} if viewport else {}))

            def open_page(path: Path):
                page.goto(f"http://127.0.0.1:{server.server_port}/{path.relative_to(root / '_book').as_posix()}")
                return page

            yield open_page
            browser.close()
    finally:
        server.shutdown()


def violations(root: Path, pages: list[Path]) -> dict[str, list[tuple[str, int]]]:
    """axe-core's WCAG 2.2 A/AA violations per page."""
    from axe_playwright_python.sync_playwright import Axe

    failures = {}
    axe = Axe(pinned_axe())
    with browsing(root) as open_page:
        for path in pages:
            result = axe.run(open_page(path), options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            found = result.response["violations"]
            if found:
                failures[path.relative_to(root / "_book").as_posix()] = [(v["id"], len(v["nodes"])) for v in found]
    return failures


@needs_chromium
def test_every_page_of_the_published_site_has_no_wcag_22_aa_violations(site):
    root, reports = site
    pages = [root / "_book/index.html", *(p for year in reports for p in html_pages(root / "_book" / str(year)))]
    # The landing page, then each edition's preface, seven chapters and About these statistics.
    assert len(pages) == 1 + 9 * len(reports)
    assert violations(root, pages) == {}


@needs_chromium
def test_every_page_the_fallback_makes_has_no_wcag_22_aa_violations(fallback_site):
    root, reports = fallback_site
    pages = [root / "_book/index.html", *html_pages(root / "_book/2022")]
    assert violations(root, pages) == {}


def tables_off_screen(root: Path, pages: list[Path], width: int = 390) -> dict[str, list[str]]:
    """Per page, the tables whose right edge lies beyond a phone's screen (`width` CSS pixels wide)."""
    found = {}
    with browsing(root, {"width": width, "height": 844}) as open_page:
        for path in pages:
            wide = open_page(path).evaluate(
                "() => [...document.querySelectorAll('main table')]"
                ".filter(t => t.getBoundingClientRect().right > window.innerWidth + 1)"
                ".map(t => (t.querySelector('th') || t).innerText.slice(0, 40))"
            )
            if wide:
                found[path.relative_to(root / "_book").as_posix()] = wide
    return found


@needs_chromium
def test_on_a_390px_phone_every_table_column_stays_on_screen(site):
    # WCAG 2.2 reflow (1.4.10): "At a glance" had its verdict columns off screen on a 390px phone.
    root, reports = site
    pages = [root / "_book/index.html", *(p for year in reports for p in html_pages(root / "_book" / str(year)))]
    assert tables_off_screen(root, pages) == {}

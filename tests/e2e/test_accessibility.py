"""Every page of the built site, checked in headless Chromium with axe-core against WCAG 2.2 A/AA."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium); make test installs it when run as root")
def test_every_page_has_no_wcag_22_aa_violations(site):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    root, _ = site
    pages = [root / "_book/index.html", *sorted((root / "_book").glob("20*/*.html"))]
    assert len(pages) >= 13
    failures = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        axe = Axe()
        for path in pages:
            page.goto(path.resolve().as_uri())
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            violations = result.response["violations"]
            if violations:
                failures[str(path.relative_to(root))] = [(v["id"], len(v["nodes"])) for v in violations]
        browser.close()
    assert failures == {}

"""Remake docs/screenshot.png, the picture of a built page in README.md.

Run: python -m tests.docs_screenshot

It builds the repository's default site into a temporary folder and has Chromium
(/usr/bin/chromium, driven by Playwright) photograph a company's page. The picture must
stay under 80 KB (tests/test_docs.py checks), hence the small window.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator.cli import main
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, copy_default_site

PAGE = "companies/microsoft/index.html"
TARGET = REPO / "docs" / "screenshot.png"
WIDTH, HEIGHT = 720, 760


def screenshot(target: Path = TARGET) -> int:
    """Build the default site and photograph PAGE into `target`; its size in bytes."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_default_site(Path(tmp))
        out = Path(tmp) / "output"
        if main(["build", "--site", str(site), "--out", str(out), "--quiet"]) != 0:
            sys.exit("the default site does not build; run factsheet check")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT},
                                    device_scale_factor=1)
            page.goto((out / PAGE).as_uri())
            page.screenshot(path=str(target))
            browser.close()
    return target.stat().st_size


if __name__ == "__main__":
    size = screenshot()
    print(f"wrote {TARGET.relative_to(REPO)} ({size:,} bytes)")

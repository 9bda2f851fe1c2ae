"""Gate: screenshots at desktop and phone widths for a human to look at, and no sideways scroll."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.gates import LIST_SITE_PAGES, html_pages, new_context, page_url, require, serve

SHOTS = REPO / "tests" / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# name -> (page, colour schemes to shoot it in)
SUBJECTS = {"home": ("index.html", ("light", "dark")),
            "company": ("companies/microsoft/index.html", ("light",)),
            "timeline": ("timeline/index.html", ("light",))}
# The same from the generated list site, for the long-listing pages the default site lacks.
LIST_SUBJECTS = {"list": ("towns/page/2/index.html", ("light", "dark")),
                 "capped-group": ("towns/town-0/index.html", ("light",)),
                 "links": ("towns/town-0/links/firms-based-here/index.html", ("light",)),
                 "timeline-year": ("timeline/1900/index.html", ("light",))}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def list_site_url(built_list_site: Path) -> Iterator[str]:
    with serve(built_list_site) as url:
        yield url


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (right after the signature)."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _shoot(browser: Any, root: Path, url: str, device: str, scheme: str, dest: Path) -> None:
    context = new_context(browser, root, viewport=VIEWPORTS[device], color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.screenshot(path=str(dest), full_page=True)
    finally:
        context.close()


def _cases(subjects: dict[str, tuple[str, tuple[str, ...]]]) -> list[tuple[str, str, str]]:
    return [(name, device, scheme) for name, (_, schemes) in subjects.items()
            for device in VIEWPORTS for scheme in schemes]


@pytest.mark.parametrize(("name", "device", "scheme"), _cases(SUBJECTS))
def test_screenshot(name: str, device: str, scheme: str, browser: Any, built_site: Path,
                    site_url: str) -> None:
    _screenshot(name, SUBJECTS[name][0], device, scheme, browser, built_site, site_url)


@pytest.mark.parametrize(("name", "device", "scheme"), _cases(LIST_SUBJECTS))
def test_screenshot_of_long_listings(name: str, device: str, scheme: str, browser: Any,
                                     built_list_site: Path, list_site_url: str) -> None:
    _screenshot(f"listsite-{name}", LIST_SUBJECTS[name][0], device, scheme, browser,
                built_list_site, list_site_url)


def _screenshot(name: str, rel: str, device: str, scheme: str, browser: Any, root: Path,
                site_url: str) -> None:
    """Shoot page `rel` to SHOTS/<name>-<device>-<scheme>.png and check it is a real page."""
    require(root, rel)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dest = SHOTS / f"{name}-{device}-{scheme}.png"
    dest.unlink(missing_ok=True)
    _shoot(browser, root, site_url + page_url(rel), device, scheme, dest)
    data = dest.read_bytes()
    width, height = _png_size(data)
    assert width == VIEWPORTS[device]["width"], f"{dest.name} is {width} px wide"
    # A blank or unstyled page compresses to almost nothing; a real one does not.
    assert len(data) > 20_000 and height >= 400, f"{dest.name}: {len(data)} bytes, {height} px"


SCROLL = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def test_no_page_scrolls_sideways_on_a_phone(browser: Any, built_site: Path,
                                              site_url: str) -> None:
    _assert_no_sideways_scroll(browser, built_site, site_url, html_pages(built_site))


def test_no_long_listing_scrolls_sideways_on_a_phone(browser: Any, built_list_site: Path,
                                                     list_site_url: str) -> None:
    # Wide by nature: a pager of many pages, 26 letters, long tables of towns and firms.
    pages = list(LIST_SITE_PAGES.values())
    for rel in pages:
        require(built_list_site, rel)
    _assert_no_sideways_scroll(browser, built_list_site, list_site_url, pages)


def _assert_no_sideways_scroll(browser: Any, root: Path, site_url: str,
                               pages: list[str]) -> None:
    """None of `pages` (output paths) is wider than a 390 px phone's viewport."""
    context = new_context(browser, root, viewport=VIEWPORTS["phone"])
    wide: list[str] = []
    try:
        page = context.new_page()
        for rel in pages:
            page.goto(site_url + page_url(rel), wait_until="load")
            scroll_width, viewport = page.evaluate(SCROLL)
            if scroll_width > viewport:
                wide.append(f"{rel}: {scroll_width} px wide in {viewport} px: "
                            f"{page.evaluate(WIDE)}")
    finally:
        context.close()
    assert not wide, "pages that scroll sideways at 390 px:\n" + "\n".join(wide)


def _style(page: Any, selector: str, prop: str, pseudo: str = "") -> str:
    return str(page.evaluate(
        "([s, p, x]) => getComputedStyle(document.querySelector(s), x || null)[p]",
        [selector, prop, pseudo]))


def test_dark_mode_is_dark(browser: Any, built_site: Path, site_url: str) -> None:
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = new_context(browser, built_site, color_scheme=scheme)
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        backgrounds[scheme] = _luminance(_style(page, "body", "backgroundColor"))
        context.close()
    assert backgrounds["light"] > 0.8 and backgrounds["dark"] < 0.1, backgrounds


def _luminance(rgb: str) -> float:
    """Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


# The default site has no link out, so the print test adds one the way templates write them.
ADD_EXTERNAL = """() => { const a = document.createElement('a'); a.className = 'external';
  a.href = 'https://example.com/report'; a.textContent = 'the report';
  document.querySelector('main').append(a); }"""


def test_print_hides_the_chrome_and_spells_out_links(browser: Any, built_site: Path,
                                                      site_url: str) -> None:
    context = new_context(browser, built_site)
    try:
        page = context.new_page()
        page.goto(site_url + "companies/microsoft/", wait_until="load")
        page.evaluate(ADD_EXTERNAL)
        page.emulate_media(media="print")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "company-print.png"), full_page=True)
        hidden = {s: _style(page, s, "display") for s in (".site-nav", ".skip-link")}
        after = _style(page, "a.external", "content", "::after")
        notes = _style(page, ".notes", "display")
    finally:
        context.close()
    assert hidden == {".site-nav": "none", ".skip-link": "none"}, hidden
    assert "https://example.com/report" in after, f"a.external::after prints {after!r}"
    assert notes != "none", "the notes (citations as footnotes) must print"

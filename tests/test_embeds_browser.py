"""Embeddable cards in a real browser: a card inside an <iframe> on a page of another origin
(two local ports), at 300 px wide, light and dark; its links take the top window; the record
page's Copy buttons copy the code, and without JavaScript the code is still there to select."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.build import Options, build_site
from generator.render import embeds
from tests.conftest import copy_default_site
from tests.gates import serve

RECORD = "companies/microsoft/"
CARDS = {"record": "embed-code-record", "fact": "embed-code-fact"}
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>An article</title>
<style>body {{ margin: 0; font: 16px serif; }} .column {{ width: {width}px; }}</style></head>
<body><div class="column"><p>The news of the day, and a card of facts:</p>
{code}
<p>More of the article.</p></div></body></html>
"""


@dataclass(frozen=True)
class Origins:
    """The built site on one port, articles that embed its cards on another."""

    site_url: str
    article_url: str
    out: Path
    codes: dict[str, str]  # card -> the code the record page offers to copy


@pytest.fixture(scope="module")
def origins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Origins]:
    root = tmp_path_factory.mktemp("embed-origins")
    site, out, articles = copy_default_site(root), root / "output", root / "articles"
    articles.mkdir()
    with serve(out) as site_url, serve(articles) as article_url:
        # The site is published at its own server's address, so the code's src is absolute.
        build_site(site, out, site_url, options=Options(load=False, save=False, search=False))
        page = (out / RECORD / "index.html").read_text(encoding="utf-8")
        codes = {card: html.unescape(re.search(
            f'<textarea id="{area}"[^>]*>(.*?)</textarea>', page, re.S).group(1))  # type: ignore[union-attr]
            for card, area in CARDS.items()}
        for card, code in codes.items():
            for width in (300, 360):
                (articles / f"{card}-{width}.html").write_text(
                    ARTICLE.format(width=width, code=code), encoding="utf-8")
        yield Origins(site_url, article_url, out, codes)


def luminance_of(rgb: str) -> float:
    """Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _frame(page: Any) -> Any:
    page.wait_for_function("document.querySelector('iframe') !== null")
    handle = page.query_selector("iframe")
    frame = handle.content_frame()
    frame.wait_for_load_state("load")
    frame.wait_for_selector("h1")
    return frame


FITS = """() => ({width: innerWidth, scroll: document.scrollingElement.scrollWidth,
  client: document.scrollingElement.clientWidth,
  background: getComputedStyle(document.body).backgroundColor,
  ink: getComputedStyle(document.querySelector('h1 a')).color,
  font: getComputedStyle(document.body).fontSize,
  bottom: Math.ceil(document.querySelector('.embed-card').getBoundingClientRect().bottom),
  height: innerHeight})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("card", list(CARDS))
def test_a_card_in_an_article_of_another_origin_fits_300_px(browser: Any, origins: Origins,
                                                             card: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 400, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{origins.article_url}{card}-300.html", wait_until="load")
        frame = _frame(page)
        assert frame.url.startswith(origins.site_url) and page.url.startswith(origins.article_url)
        assert origins.site_url != origins.article_url  # another port: another origin
        seen = frame.evaluate(FITS)
    finally:
        context.close()
    assert seen["width"] == 300 and seen["scroll"] <= seen["client"], seen
    assert seen["font"] == "15.2px", "the site's stylesheet did not load in the frame"
    paper, ink = luminance_of(seen["background"]), luminance_of(seen["ink"])
    if scheme == "light":
        assert paper > 0.8 and ink < 0.1, seen
    else:
        assert paper < 0.1 and ink > 0.6, seen


def test_every_card_of_the_default_site_fits_its_frame_in_a_phone_column(
        browser: Any, origins: Origins) -> None:
    heights = _heights(origins.out)
    assert len(heights) >= 20
    context = browser.new_context(viewport={"width": 360, "height": 400})
    misfits = []
    try:
        page = context.new_page()
        for card, height in sorted(heights.items()):
            page.goto(origins.site_url + card, wait_until="load")
            content = page.evaluate(FITS)["bottom"]
            # A card fits its frame and leaves little blank, unless it is past CARD_MAX.
            if (content > height and height < embeds.CARD_MAX) or height > 1.35 * content:
                misfits.append(f"{card}: frame {height} px for {content} px")
    finally:
        context.close()
    assert not misfits, misfits


def _heights(out: Path) -> dict[str, int]:
    """Each card's path -> the frame height its record page's code gives it."""
    heights = {}
    for page in out.glob("*/*/index.html"):
        text = page.read_text(encoding="utf-8")
        folder = page.parent.relative_to(out).as_posix()
        code = re.search(r'<textarea id="embed-code-record"[^>]*>(.*?)</textarea>', text, re.S)
        if code:
            heights[f"embed/{folder}/"] = int(re.search(  # type: ignore[union-attr]
                r'height="(\d+)"', html.unescape(code.group(1))).group(1))
            heights |= {f"embed/{folder}/{n}/": int(h) for n, h in
                        re.findall(r'<option value="(\d+)" data-height="(\d+)">', text)}
    return heights


@pytest.mark.parametrize(("card", "link", "target"), [
    ("record", "h1 a", "companies/microsoft/index.html"),
    ("record", ".embed-foot a", "companies/microsoft/index.html"),
    ("fact", "h1 a", "companies/microsoft/index.html"),
    ("fact", ".embed-foot a", "companies/microsoft/index.html#fact-1"),
    ("fact", ".embed-source a", "sources/news-2020-06-11/index.html#quote-"),
])
def test_a_link_in_the_card_opens_in_the_top_window(browser: Any, origins: Origins, card: str,
                                                     link: str, target: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{origins.article_url}{card}-360.html", wait_until="load")
        _frame(page).click(link)
        page.wait_for_url(origins.site_url + target + "**")
        assert page.main_frame.url.startswith(origins.site_url + target)
        assert page.query_selector("iframe") is None  # the article is gone: the top moved
    finally:
        context.close()


def test_the_copy_buttons_copy_the_code_and_the_fact_can_be_chosen(browser: Any,
                                                                    origins: Origins) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(origins.site_url + RECORD, wait_until="load")
        buttons = page.locator("button.embed-copy")
        assert buttons.count() == 2 and buttons.nth(0).is_visible()
        buttons.nth(0).click()
        page.wait_for_function("document.querySelector('.embed-status').textContent !== ''")
        assert page.evaluate("navigator.clipboard.readText()") == origins.codes["record"]
        assert page.locator(".embed-fact-hint").is_hidden()
        page.select_option("#embed-fact-number", "3")
        chosen = page.input_value("#embed-code-fact")
        buttons.nth(1).click()
        page.wait_for_function("() => navigator.clipboard.readText().then(t => t.includes('/3/'))")
        assert page.evaluate("navigator.clipboard.readText()") == chosen
        parts = tuple(page.get_attribute("#embed-fact-number", f"data-code-{name}") or ""
                      for name in ("src", "title", "height", "end"))
        height = int(page.get_attribute("#embed-fact-number option[value='3']", "data-height")
                     or 0)
        src = re.search(r'src="([^"]+)"', chosen).group(1)  # type: ignore[union-attr]
        status = page.request.get(src).status
    finally:
        context.close()
    assert chosen == embeds.fact_code(parts, 3, height)  # embed.js makes what the build makes
    assert src == origins.site_url + "embed/companies/microsoft/3/" and status == 200


def test_without_javascript_the_code_is_there_to_select(browser: Any, origins: Origins) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(origins.site_url + RECORD, wait_until="load")
        assert page.locator("button.embed-copy").nth(0).is_hidden()
        assert page.locator(".embed-pick").is_hidden()
        assert page.locator(".embed-fact-hint").is_visible()
        area = page.locator("#embed-code-record")
        assert area.is_visible() and area.get_attribute("readonly") is not None
        area.click()
        page.keyboard.press("Control+A")
        selected = area.evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)")
    finally:
        context.close()
    assert selected == origins.codes["record"]

"""Gate: the site works when served under a deep sub-path (/a/b/), as on a project host."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest

from tests.gates import LIST_SITE_PAGES, html_pages, new_context, noindex, page_url, require, serve
from tests.linkcheck import parse_html

PREFIX = "/a/b/"
SEARCH_INPUT = "#search input"
SEARCH_RESULT = "#search .search-result"


@pytest.fixture(scope="module")
def sub_url(built_site: Path) -> Iterator[str]:
    """The built site at http://127.0.0.1:PORT/a/b/; anything outside /a/b/ is a 404."""
    with serve(built_site, PREFIX) as url:
        yield url


@pytest.fixture(scope="module")
def crawled(sub_url: str) -> dict[str, int]:
    """Every page URL reached by following links from /a/b/, with its HTTP status."""
    return _crawl(sub_url)


@pytest.fixture(scope="module")
def list_sub_url(built_list_site: Path) -> Iterator[str]:
    """The generated list site (every long-listing page kind) at .../a/b/."""
    with serve(built_list_site, PREFIX) as url:
        yield url


@pytest.fixture(scope="module")
def list_crawled(list_sub_url: str) -> dict[str, int]:
    """Every page URL of the list site reached from its /a/b/, with its HTTP status."""
    return _crawl(list_sub_url)


def _crawl(sub_url: str) -> dict[str, int]:
    """Every page URL reached by following links from `sub_url`, with its HTTP status."""
    seen: dict[str, int] = {}
    queue = [sub_url]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, html = _fetch(url)
        seen[url] = status
        queue += [link for link in _page_links(url, html) if link not in seen]
    return seen


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def _page_links(url: str, html: str) -> list[str]:
    """The links on a page that lead to other HTML pages of the same site."""
    links = (urldefrag(urljoin(url, link)).url for link in parse_html(html).links)
    site = url[:url.index(PREFIX) + len(PREFIX)]
    return [link for link in links if link.startswith(site)
            and (link.endswith("/") or link.endswith(".html"))]


def _rel(sub_url: str, url: str) -> str:
    """The output file that a page URL serves: .../a/b/companies/ -> companies/index.html."""
    rel = url[len(sub_url):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def test_every_page_is_reachable_from_home(built_site: Path, sub_url: str,
                                           crawled: dict[str, int]) -> None:
    _assert_all_reached(built_site, sub_url, crawled)


def test_every_page_of_the_list_site_is_reachable_from_home(
        built_list_site: Path, list_sub_url: str, list_crawled: dict[str, int]) -> None:
    # Pagers, the A–Z jump, browse, links and timeline-year pages: every page 2… has a way in.
    _assert_all_reached(built_list_site, list_sub_url, list_crawled)


def _assert_all_reached(root: Path, sub_url: str, crawled: dict[str, int]) -> None:
    """Every crawled URL loaded, and every HTML page of `root` but 404.html was crawled."""
    failed = [f"{url} -> HTTP {status}" for url, status in crawled.items() if status != 200]
    assert not failed, "links from home lead to pages that do not load:\n" + "\n".join(failed)
    reached = {_rel(sub_url, url) for url in crawled}
    # The 404 page is only ever served for a missing address, never linked to.
    unreached = sorted(rel for rel in set(html_pages(root)) - reached - {"404.html"}
                       if not noindex(root / rel))
    print(f"sub-path gate: {len(crawled)} page URLs crawled from {PREFIX}")
    assert not unreached, "pages no link from home leads to:\n" + "\n".join(unreached)


def _watch(page: Any, origin: str, problems: list[str]) -> None:
    """Record every failed or non-local request that `page` makes."""
    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status} for {response.url}")

    def on_request(request: Any) -> None:
        if not request.url.startswith((origin, "data:", "blob:")):
            problems.append(f"request leaves the site: {request.url}")

    page.on("response", on_response)
    page.on("request", on_request)
    page.on("requestfailed", lambda request: problems.append(
        f"failed: {request.url} ({request.failure})"))


STYLED = """() => [...document.styleSheets].some(
  s => s.href && s.href.endsWith('/assets/factsheet.css') && s.cssRules.length > 0)"""


def test_every_page_loads_its_assets(browser: Any, built_site: Path, sub_url: str,
                                     crawled: dict[str, int]) -> None:
    _assert_assets_load(browser, built_site, sub_url, sorted(crawled))


def test_long_listings_load_their_assets(browser: Any, built_list_site: Path,
                                         list_sub_url: str) -> None:
    # One page of each kind: the rest of the list site's pages are made by the same templates.
    for rel in LIST_SITE_PAGES.values():
        require(built_list_site, rel)
    urls = [list_sub_url + page_url(rel) for rel in LIST_SITE_PAGES.values()]
    _assert_assets_load(browser, built_list_site, list_sub_url, urls)


def _assert_assets_load(browser: Any, root: Path, sub_url: str, urls: list[str]) -> None:
    """Each of `urls` loads every asset it asks for from the site, and its stylesheet applies."""
    origin = sub_url[:sub_url.index(PREFIX)]
    context = new_context(browser, root)
    problems: list[str] = []
    try:
        page = context.new_page()
        _watch(page, origin, problems)
        for url in urls:
            page.goto(url, wait_until="load")
            if page.locator("#search").count():  # its index loads after the page does
                page.wait_for_selector("#search:not([hidden])", timeout=10_000)
            if not page.evaluate(STYLED):
                problems.append(f"{url}: assets/factsheet.css is not applied")
    finally:
        context.close()
    assert not problems, f"under {PREFIX}:\n" + "\n".join(problems)


def test_search_finds_a_company_under_the_sub_path(browser: Any, built_site: Path,
                                                   sub_url: str) -> None:
    require(built_site, "search/index.html")
    context = new_context(browser, built_site)
    problems: list[str] = []
    try:
        page = context.new_page()
        _watch(page, sub_url[:sub_url.index(PREFIX)], problems)
        page.goto(sub_url + "search/", wait_until="load")
        page.fill(SEARCH_INPUT, "Microsoft")
        page.wait_for_selector(SEARCH_RESULT, timeout=10_000)
        results = page.locator(SEARCH_RESULT).all_inner_texts()
    finally:
        context.close()
    assert not problems, "the search page under /a/b/:\n" + "\n".join(problems)
    hits = [text for text in results if "Microsoft" in text and re.search("company", text, re.I)]
    assert hits, f"no result names the type (Company) and the name (Microsoft): {results}"


def test_search_page_without_javascript_points_to_the_lists(built_site: Path) -> None:
    html = require(built_site, "search/index.html").read_text(encoding="utf-8")
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript, "search/index.html has no <noscript> message for readers without JS"
    links = set(parse_html(noscript.group(1)).links)
    for folder in ("companies", "cities", "studies", "sources"):
        assert {f"../{folder}/", f"../{folder}/index.html"} & links, \
            f"the <noscript> message does not link to the {folder} list: {sorted(links)}"


def test_the_home_search_form_runs_its_search_on_the_search_page(browser: Any, built_site: Path,
                                                                  sub_url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(sub_url, wait_until="load")
        page.fill("#home-search-input", "Redmond")
        page.press("#home-search-input", "Enter")
        page.wait_for_selector(SEARCH_RESULT, timeout=10_000)
        url = page.url
        results = page.locator(SEARCH_RESULT).all_inner_texts()
    finally:
        context.close()
    assert url == sub_url + "search/index.html?q=Redmond"
    assert any("City: Redmond" in text for text in results), results

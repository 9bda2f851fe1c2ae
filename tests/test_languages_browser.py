"""A multilingual site in a browser: search on a page of one language finds that language's
pages, in its words, and the language switch leads to the same page in the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_case
from tests.gates import new_context, serve
from tests.hardening import run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multilingual-browser")
    out = root / "out"
    outcome = run_cli("build", "--site", copy_case("multilingual", root), "--out", out, "-q")
    assert outcome.code == 0, outcome.err
    return out


def _search(browser: Any, out: Path, url: str, query: str) -> tuple[str, list[str]]:
    context = new_context(browser, out)
    page = context.new_page()
    try:
        page.goto(f"{url}search/?q={query}", wait_until="load")
        page.wait_for_selector("#search:not([hidden])", timeout=15_000)
        page.wait_for_function("document.getElementById('search-status').textContent",
                               timeout=15_000)
        status = page.inner_text("#search-status")
        links = page.locator("#search .search-result-title a").evaluate_all(
            "links => links.map(a => a.href)")
        return status, links
    finally:
        context.close()


@pytest.mark.parametrize(("tree", "query", "found", "status"), [
    ("es/", "gigante", ["/es/companies/ibm/"], "1 registro encontrado para «gigante»"),
    ("es/", "retiraba", ["/es/companies/ibm/"], "1 registro encontrado para «retiraba»"),
    ("", "gigante", [], "Nothing found for “gigante”"),
    # Quotes are never translated: the Spanish pages hold the English quote too, but a search
    # on an English page finds only English pages.
    ("", "withdrawing", ["/companies/ibm/", "/sources/news-2020-06-11/"],
     "2 records found for “withdrawing”"),
])
def test_search_finds_the_words_of_its_own_language(
        browser: Any, built: Path, tree: str, query: str, found: list[str],
        status: str) -> None:
    with serve(built) as url:
        said, links = _search(browser, built, url + tree, query)
        assert said == status
        assert sorted(link.removeprefix(url.rstrip("/")) for link in links) == [
            path + "index.html" for path in found]


def test_the_language_switch_leads_to_the_same_page(browser: Any, built: Path) -> None:
    with serve(built) as url:
        context = new_context(browser, built)
        page = context.new_page()
        try:
            page.goto(url + "companies/microsoft/index.html", wait_until="load")
            page.click(".language-switch a[hreflang=es]")
            page.wait_for_url("**/es/companies/microsoft/index.html")
            assert page.evaluate("document.documentElement.lang") == "es"
            assert page.locator(".language-switch [aria-current=page]").inner_text() == \
                "Español"
        finally:
            context.close()

"""The built default site: complete, linked, sourced from the seed article, deterministic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import build_site
from generator.link.quotes import fold
from generator.read.yamlsrc import parse_yaml
from tests.conftest import REPO, copy_default_site, tree_bytes
from tests.linkcheck import broken_links, parse_page

# A verbatim copy of ../shared/seed-article.txt, so the suite runs in any clone.
ARTICLE = REPO / "tests" / "seed-article.txt"
SHARED_ARTICLE = REPO.parent / "shared" / "seed-article.txt"
COMPANIES = ("microsoft", "ibm", "amazon")
CITIES = ("san-francisco", "minneapolis", "redmond")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default") / "output"
    build_site(REPO, out)
    return out


def records(folder: str) -> dict[str, dict]:
    return {p.stem: parse_yaml(p.name, p.read_bytes()).data  # type: ignore[union-attr]
            for p in sorted((REPO / "content" / folder).glob("*.yaml"))}


def all_facts() -> list[dict]:
    return [fact for folder in ("companies", "cities", "studies", "sources")
            for record in records(folder).values() for fact in record.get("facts", [])]


def test_every_page_exists(site: Path) -> None:
    expected = ["index.html", "404.html", "data/site.json", "assets/factsheet.css",
                "companies/index.html", "cities/index.html", "studies/index.html",
                "sources/index.html", "sources/news-2020-06-11/index.html"]
    expected += [f"companies/{slug}/index.html" for slug in COMPANIES]
    expected += [f"cities/{slug}/index.html" for slug in CITIES]
    expected += [f"{folder}/{slug}/index.json" for folder, slugs in
                 (("companies", COMPANIES), ("cities", CITIES)) for slug in slugs]
    missing = [path for path in expected if not (site / path).is_file()]
    assert not missing


def test_every_internal_link_and_fragment_resolves(site: Path) -> None:
    problems, checked = broken_links(site)
    assert not problems
    assert checked > 200


def test_link_checker_catches_a_planted_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/index.html#nope">x</a><a href="b.html">y</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="yes"><a href="../index.html">up</a></p>')
    problems, checked = broken_links(tmp_path)
    assert checked == 3
    assert problems == ["index.html: a/index.html#nope -> no id 'nope' in a/index.html",
                        "index.html: b.html -> missing b.html"]


SEARCH_SCRIPTS = ['<script src="../assets/search.js">']  # it imports pagefind/pagefind.js
# A record page with facts has the copy buttons of its "Embed" section; nothing else runs.
EMBED_SCRIPTS = ['<script src="../../assets/embed.js">']


def test_only_search_and_the_embed_code_run_javascript_and_pages_link_relatively(
        site: Path) -> None:
    embedded = 0
    for page in site.glob("**/*.html"):
        if page.is_relative_to(site / "pagefind"):
            continue
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*>", html)
        data = ['<script type="application/ld+json">'] * html.count("application/ld+json")
        expected = SEARCH_SCRIPTS if page == site / "search/index.html" else []
        if (site / "embed" / page.parent.relative_to(site) / "index.html").is_file() \
                and page.name == "index.html" and page.parent.parent.parent == site:
            expected, embedded = EMBED_SCRIPTS, embedded + 1  # a record page with facts
        assert sorted(scripts) == sorted(data + expected), page
        assert not re.search(r'(?:href|src)="/', html), f"root-relative link in {page}"
    assert embedded == 7  # the default site's records with facts


@pytest.mark.skipif(not SHARED_ARTICLE.is_file(), reason="no ../shared/seed-article.txt here")
def test_the_copy_of_the_article_is_verbatim() -> None:
    assert ARTICLE.read_bytes() == SHARED_ARTICLE.read_bytes()


def test_the_source_holds_the_whole_article() -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    source = records("sources")["news-2020-06-11"]
    assert source["date"] == "2020-06-11"
    assert article.startswith(" date 2020-06-11 ")
    assert fold(source["text"]) == fold(article.removeprefix(" date 2020-06-11 "))


def test_every_fact_quotes_the_article_verbatim() -> None:
    article = fold(ARTICLE.read_text(encoding="utf-8"))
    facts = all_facts()
    assert len(facts) >= 12
    for fact in facts:
        assert fact["source"] == "news-2020-06-11"
        assert fold(fact["quote"]) in article, fact["quote"]


def test_dates_are_only_those_the_article_gives_or_implies() -> None:
    dates = {str(fact["date"]) for fact in all_facts() if "date" in fact}
    # The report's date, its month ("the same week"), "last year" and the study's year.
    assert dates <= {"2020-06-11", "2020-06", "2019", "2018"}


def test_required_records_and_relations() -> None:
    assert set(records("companies")) == set(COMPANIES)
    assert set(records("cities")) == set(CITIES)
    study = records("studies")["aclu-2018-congress"]
    assert study["year"] == 2018
    assert "28" in study["findings"]
    assert records("companies")["microsoft"]["headquarters"] == "redmond"
    abouts = {slug for fact in all_facts() for slug in fact.get("about", [])}
    assert "minneapolis" in abouts


def test_record_page_shows_facts_citations_and_backlinks(site: Path) -> None:
    html = (site / "cities/redmond/index.html").read_text(encoding="utf-8")
    assert '<h1 data-pagefind-meta="title">Redmond</h1>' in html
    assert "Companies based here" in html
    assert 'href="../../companies/microsoft/index.html"' in html
    assert 'href="#note-1"' in html and 'id="note-1"' in html
    assert "../../sources/news-2020-06-11/index.html#quote-" in html


def test_source_page_marks_every_quoted_passage(site: Path) -> None:
    page = parse_page(site / "sources/news-2020-06-11/index.html")
    html = (site / "sources/news-2020-06-11/index.html").read_text(encoding="utf-8")
    facts = sum(len(r.get("facts", [])) for f in ("companies", "cities", "studies")
                for r in records(f).values())
    # every fact links back from the source page
    fact_links = {link for link in page.links if "#fact-" in link}
    assert len(fact_links) == facts
    assert html.count("<mark") >= 8


def test_record_data_resolves_refs_to_urls(site: Path) -> None:
    data = json.loads((site / "companies/microsoft/index.json").read_text(encoding="utf-8"))
    assert data["fields"]["headquarters"]["url"] == "../../cities/redmond/index.html"
    assert data["facts"][0]["source"]["slug"] == "news-2020-06-11"
    everything = json.loads((site / "data/site.json").read_text(encoding="utf-8"))
    assert len(everything["records"]) == 8


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    build_site(site, tmp_path / "one")
    build_site(site, tmp_path / "two")
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")

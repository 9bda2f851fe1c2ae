"""Publishing files: timeline chart, feed, sitemap, CSV, graph, JSON-LD and the search index."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build import build_site, check_site
from generator.check.validate import Fact, Record
from generator.read.yamlsrc import Document
from generator.render import feeds, timeline
from generator.render.jsonld import schema_type, script_json
from generator.render.messages import messages_for
from generator.render.outputs import render_file
from generator.render.plan import Page, plan_pages
from generator.site.model import ENGLISH as ENGLISH_CATALOG
from generator.site.model import TypeSpec
from generator.write import pagefind as search
from tests.conftest import copy_case, write_files

ENGLISH = messages_for(ENGLISH_CATALOG)

ATOM = "{http://www.w3.org/2005/Atom}"


def record(slug: str, *dates: str | None, title: str = "") -> Record:
    facts = tuple(Fact(n, f"fact {n}", "src", f"quote {slug} {n}", date)
                  for n, date in enumerate(dates, 1))
    return Record("company", slug, title or slug.title(), {}, facts,
                  Document(f"content/companies/{slug}.yaml", "", {}))


# --- timeline --------------------------------------------------------------------------------

def test_dated_facts_come_oldest_first_and_skip_undated_ones() -> None:
    found = timeline.dated_facts([record("b", "2020-06-11", None, "2019"),
                                  record("a", "2020-06", "2020-06-11")])
    assert [(d.date, d.record.slug, d.fact.number) for d in found] == [
        ("2019", "b", 3), ("2020-06", "a", 1), ("2020-06-11", "a", 2), ("2020-06-11", "b", 1)]
    assert [year for year, _ in timeline.by_year(found)] == ["2019", "2020"]


@pytest.mark.parametrize(("date", "low", "high"), [
    ("2020", 2020.49, 2020.51), ("2020-01", 2020.0, 2020.09), ("2020-12-31", 2020.99, 2021.0),
    ("2021-02-28", 2021.15, 2021.17)])
def test_year_fraction_puts_a_date_inside_its_year(date: str, low: float, high: float) -> None:
    assert low <= timeline.year_fraction(date) <= high


def year_page(year: str) -> str:
    return f"{year}/index.html"


def test_chart_spans_the_years_and_says_what_it_shows() -> None:
    chart = timeline.chart(timeline.dated_facts([record("a", "2018", "2018", "2020-06-11")]),
                           year_page, ENGLISH)
    assert chart is not None
    assert chart.unit == "year"
    assert [t.label for t in chart.ticks] == ["2018", "2019", "2020"]
    assert timeline.PAD_X <= min(b.x for b in chart.bars) < max(b.x for b in chart.bars) \
        <= chart.width - timeline.PAD_X
    assert [(b.count, b.url) for b in chart.bars] == [(2, "2018/index.html"),
                                                     (1, "2020/index.html")]
    assert chart.description == "3 dated facts in 2 years from 2018 to 2020; the most in 2018 (2)."
    assert timeline.chart([], year_page, ENGLISH) is None


def test_dates_of_one_year_share_its_bar() -> None:
    chart = timeline.chart(timeline.dated_facts([record("a", "2020-06-11", "2020-06", "2020")]),
                           year_page, ENGLISH)
    assert chart is not None
    assert [(b.count, b.label, b.url) for b in chart.bars] == [
        (3, "2020: 3 facts", "2020/index.html")]


def test_long_spans_label_fewer_years() -> None:
    chart = timeline.chart(timeline.dated_facts([record("a", "1900", "2020")]), year_page,
                           ENGLISH)
    assert chart is not None
    assert chart.unit == "decade"
    # 121 years, labelled where their decades start (1900, 1910, … 2030), never year by year.
    assert len(chart.ticks) <= 14
    assert all(int(t.label) % 10 == 0 for t in chart.ticks)
    assert {t.label for t in chart.ticks} >= {"1900", "2000"}


# --- feed, sitemap, robots -------------------------------------------------------------------

def test_entry_ids_survive_reordering_and_differ_between_facts() -> None:
    one, two = timeline.dated_facts([record("a", "2020", "2021")])
    moved = timeline.DatedFact(one.date, one.record, Fact(7, "new text", "src", one.fact.quote))
    base = "https://example.org/"
    assert feeds.entry_id(base, one) == feeds.entry_id(base, moved)
    assert feeds.entry_id(base, one) != feeds.entry_id(base, two)
    assert feeds.entry_id(base, one).startswith("urn:uuid:")


@pytest.mark.parametrize(("date", "stamp"), [("2020", "2020-01-01T00:00:00Z"),
                                             ("2020-06", "2020-06-01T00:00:00Z"),
                                             ("2020-06-11", "2020-06-11T00:00:00Z")])
def test_feed_timestamps_are_rfc3339(date: str, stamp: str) -> None:
    assert feeds.timestamp(date) == stamp


def test_a_long_sitemap_becomes_an_index_of_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 2)
    paths = ["index.html", "a/index.html", "b/c.html"]
    files = {name: feeds.sitemap_file("https://example.org/x/", paths, name)
             for name in feeds.sitemap_names(len(paths))}
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag.endswith("sitemapindex")
    assert [e.text for e in index.iter() if e.tag.endswith("loc")] == [
        "https://example.org/x/sitemap-1.xml", "https://example.org/x/sitemap-2.xml"]
    part = ET.fromstring(files["sitemap-1.xml"])
    assert [e.text for e in part.iter() if e.tag.endswith("loc")] == [
        "https://example.org/x/", "https://example.org/x/a/"]
    assert feeds.sitemap_names(2) == ["sitemap.xml"] and len(feeds.sitemap_names(3)) == 3


def test_the_feed_holds_every_dated_fact_newest_first(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    build_site(site, tmp_path / "out", base_url="https://example.org/basic")
    feed = ET.parse(tmp_path / "out/feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated and updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}id") == "https://example.org/basic/"
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    assert all(link.startswith("https://example.org/basic/") for link in links)
    content = entries[-1].findtext(f"{ATOM}content") or ""
    assert "<blockquote>" in content and "https://example.org/basic/sources/" in content
    robots = (tmp_path / "out/robots.txt").read_text()
    assert "Sitemap: https://example.org/basic/sitemap.xml" in robots


def test_without_a_base_url_no_crawl_files_are_planned(tmp_path: Path) -> None:
    checked = check_site(copy_case("basic", tmp_path))
    kinds = {p.kind for p in checked.pages}
    assert not kinds & {"feed", "sitemap", "robots"}
    assert {"timeline", "search", "graph", "type-csv", "type-schema"} <= kinds


# --- data exports ----------------------------------------------------------------------------

def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"content/companies/evil.yaml":
                       "name: '=HYPERLINK(\"http://x\",\"y\")'\nsummary: '+1'\nfounded: 1999\n",
                       "content/companies/minus.yaml": "name: '-minus'\nsummary: '@sum'\n"})
    checked = check_site(site)
    content, _ = render_file(checked.site, Page("data/company.csv", "type-csv", "company"))
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(content.decode()))}
    assert rows["evil"]["name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows["evil"]["summary"] == "'+1"
    assert rows["evil"]["founded"] == "1999"
    assert rows["minus"]["name"] == "'-minus" and rows["minus"]["summary"] == "'@sum"
    assert content.endswith(b"\r\n")


def test_csv_has_a_column_per_field_and_refs_as_slugs(tmp_path: Path) -> None:
    checked = check_site(copy_case("basic", tmp_path))
    content, _ = render_file(checked.site, Page("data/city.csv", "type-csv", "city"))
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["slug", "name", "population", "twinned_with", "facts"]
    assert len(rows) == 1 + len(checked.site.by_type["city"])


def test_graph_has_every_record_and_every_backlink_as_an_edge(tmp_path: Path) -> None:
    checked = check_site(copy_case("basic", tmp_path))
    content, _ = render_file(checked.site, Page("data/graph.json", "graph"))
    graph = json.loads(content)
    assert {n["id"] for n in graph["nodes"]} == set(checked.site.records)
    backlinks = sum(len(g.links) for groups in checked.site.backlinks.values() for g in groups)
    assert len(graph["edges"]) == backlinks > 0
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in graph["edges"])
    assert {"from": "company:acme", "to": "city:springfield",
            "relation": "Companies based here"} in graph["edges"]


def test_schema_files_are_the_schemas_records_are_checked_with(tmp_path: Path) -> None:
    checked = check_site(copy_case("basic", tmp_path))
    content, _ = render_file(checked.site, Page("schema/company.json", "type-schema", "company"))
    schema = json.loads(content)
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"name", "headquarters", "founded", "website",
                                         "summary", "facts", "aliases", "updated",
                                         "corrections"}


# --- JSON-LD -----------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", ["</script><script>alert(1)</script>", "<!--", "]]>&"])
def test_json_ld_cannot_close_its_script_element(hostile: str) -> None:
    text = script_json({"name": hostile})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": hostile}


@pytest.mark.parametrize(("name", "declared", "expected"), [
    ("company", "", "Corporation"), ("city", "", "City"), ("study", "", "ScholarlyArticle"),
    ("widget", "", "Thing"), ("company", "NGO", "NGO")])
def test_schema_org_type_is_declared_or_guessed(name: str, declared: str, expected: str) -> None:
    spec = TypeSpec(name, name + "s", name, name + "s", "name", (), declared)
    assert schema_type(spec) == expected


def test_every_record_page_has_json_ld_of_its_type(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    build_site(site, tmp_path / "out", base_url="https://example.org/")
    expected = {"companies": "Corporation", "cities": "City", "sources": "CreativeWork"}
    for page in (tmp_path / "out").glob("*/*/index.html"):
        if page.parent.parent.name == "timeline":  # a year of the timeline, not a record
            continue
        html = page.read_text()
        start = html.index('<script type="application/ld+json">') + 35
        data = json.loads(html[start:html.index("</script>", start)])
        assert data["@type"] == expected[page.parent.parent.name], page
        assert data["url"].startswith("https://example.org/")


# --- search ----------------------------------------------------------------------------------

def test_a_missing_pagefind_binary_is_a_clear_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_pagefind", lambda: None)
    problems = search.index_pages(tmp_path, tmp_path / "pagefind", ["companies"])
    assert [p.format() for p in problems] == [
        "search:1:1: error: cannot build the search index: the pagefind binary is missing; "
        "install the 'pagefind[bin]' package"]


def test_a_page_the_indexer_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("<main data-pagefind-body>A</main>")
    # The pages are sent while the answers are read: the missing one stops the indexer.
    problems = search.index_pages(tmp_path, tmp_path / "pagefind",
                                  ["a/index.html", "b/index.html"])
    assert [p.format() for p in problems] == [
        "search:1:1: error: cannot build the search index: No such file or directory"]
    assert not (tmp_path / "pagefind").exists()


def test_an_indexer_that_stops_halfway_says_why(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nhead -c 10 >/dev/null\necho 'panicked: out of words' >&2\n"
                    "exit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "_pagefind", lambda: fake)
    pages = []
    for n in range(200):  # more than a pipe holds, so the sender is cut off mid-page
        (tmp_path / f"p{n}").mkdir()
        (tmp_path / f"p{n}/index.html").write_text("<main data-pagefind-body>" +
                                                  "word " * 2000 + "</main>")
        pages.append(f"p{n}/index.html")
    problems = search.index_pages(tmp_path, tmp_path / "bundle", pages)
    assert [p.format() for p in problems] == [
        "search:1:1: error: cannot build the search index: panicked: out of words"]


def test_a_failing_pagefind_run_fails_the_build_and_keeps_the_old_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    build_site(site, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setattr(search, "_pagefind", lambda: Path("/bin/false"))
    from generator.build import Options
    from generator.errors import BuildFailed
    with pytest.raises(BuildFailed) as failed:
        build_site(site, out, options=Options(load=False))
    assert "cannot build the search index" in failed.value.diagnostics[0].message
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_search_indexes_record_pages_only(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    build_site(site, tmp_path / "out")
    entry = json.loads((tmp_path / "out/pagefind/pagefind-entry.json").read_text())
    records = len(check_site(site).site.records)
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == records
    assert len(plan_pages(check_site(site).site)) > records


def test_a_record_page_lists_its_dated_facts_in_time_order(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"content/companies/acme.yaml": """\
name: Acme Corporation
facts:
  - {date: 2021-03-04, text: Opened a factory., source: gazette, quote: Acme opened a new factory}
  - {text: Has a rival., source: gazette, quote: Its rival}
  - {date: 2019, text: Existed., source: gazette, quote: Yesterday Acme}
"""})
    build_site(site, tmp_path / "out")
    html = (tmp_path / "out/companies/acme/index.html").read_text()
    section = html[html.index('class="record-timeline"'):html.index('class="notes"')]
    assert section.index('href="#fact-3"') < section.index('href="#fact-1"')
    assert 'href="#fact-2"' not in section
